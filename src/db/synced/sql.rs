//! The SQL that reads and makes records, built once from the description.

use super::{Column, Kind, Table};
use std::sync::LazyLock;

/// The SQL that reads and makes a record of one kind, built once from [`TABLES`].
pub struct RecordSql {
    /// The id, then each synced column in order (a reference as the uid it names), by uid.
    pub read: String,
    /// `uid`, then each column written with the row, in order, as `?1`, `?2`, ….
    pub insert: String,
}

/// The [`RecordSql`] of a record kind (empty for settings).
pub fn sql(kind: Kind) -> &'static RecordSql {
    static SQL: LazyLock<Vec<RecordSql>> = LazyLock::new(|| {
        Kind::ALL
            .into_iter()
            .map(|kind| {
                let table = kind.table();
                if !table.is_record() {
                    return RecordSql {
                        read: String::new(),
                        insert: String::new(),
                    };
                }
                let (selected, joins) = selected(table);
                let written: Vec<&str> = table
                    .columns()
                    .iter()
                    .filter(|column| match column {
                        Column::Field(_) => true,
                        Column::Reference(reference) => reference.with_row(),
                    })
                    .map(Column::name)
                    .collect();
                let places: Vec<String> =
                    (1..=written.len() + 1).map(|n| format!("?{n}")).collect();
                RecordSql {
                    read: format!(
                        "SELECT t.id, {selected} FROM {} t{joins} WHERE t.uid = ?1",
                        table.name
                    ),
                    insert: format!(
                        "INSERT INTO {} (uid, {}) VALUES ({})",
                        table.name,
                        written.join(", "),
                        places.join(", ")
                    ),
                }
            })
            .collect()
    });
    let at = Kind::ALL.iter().position(|of| *of == kind).unwrap_or(0);
    &SQL[at]
}

/// The synced columns of a record table as a select list over `t` (references as `rN.uid`),
/// and the joins that name them: a required reference joins (the record is not without it),
/// an optional one left-joins.
pub fn selected(table: &Table) -> (String, String) {
    let mut list = Vec::new();
    let mut joins = String::new();
    for (i, column) in table.columns().iter().enumerate() {
        match column {
            Column::Field(field) => list.push(format!("t.{}", field.name)),
            Column::Reference(reference) => {
                let join = if reference.required {
                    "JOIN"
                } else {
                    "LEFT JOIN"
                };
                let to = reference.to.table().name;
                joins.push_str(&format!(
                    " {join} {to} r{i} ON r{i}.id = t.{}",
                    reference.column
                ));
                list.push(format!("r{i}.uid"));
            }
        }
    }
    (list.join(", "), joins)
}
