//! The description held against the live schema.

use super::{Column, Kind, OnNull, TABLES, Type};
use crate::db::Db;

/// Every column of every synced table is described (as synced or as maintained), and
/// nothing described is missing: a column a migration adds must be described here, which
/// makes it sync (read, written, captured, undone, digested) or says why it does not.
#[test]
fn the_description_matches_the_live_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(&dir.path().join("journal.db")).expect("open a fresh journal");
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .expect("prepare");
    for table in TABLES {
        let live: Vec<String> = stmt
            .query_map([table.name], |row| row.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("columns");
        let mut described: Vec<&str> = table.all_columns();
        let mut sorted_live: Vec<&str> = live.iter().map(String::as_str).collect();
        sorted_live.sort();
        described.sort();
        assert_eq!(
            described, sorted_live,
            "the columns of {} as described in db/synced/mod.rs, and as the schema has them",
            table.name
        );
        // Synced columns in the schema's order: the digest reads them in this order.
        let synced: Vec<&str> = table.columns().iter().map(Column::name).collect();
        let live_synced: Vec<&str> = live
            .iter()
            .map(String::as_str)
            .filter(|name| synced.contains(name))
            .collect();
        assert_eq!(
            synced, live_synced,
            "{}: synced columns in order",
            table.name
        );
    }
}

#[test]
fn codes_names_and_fields_are_unique() {
    for (i, a) in TABLES.iter().enumerate() {
        for b in &TABLES[i + 1..] {
            assert_ne!(a.code, b.code, "{} and {}", a.name, b.name);
            assert_ne!(a.name, b.name);
        }
        let mut names: Vec<&str> = a.columns().iter().map(Column::field_name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), a.columns().len(), "{}: fields", a.name);
    }
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.name()), Some(kind));
        assert_eq!(kind.table().kind, kind);
    }
}

#[test]
fn empty_is_for_text_only() {
    for table in TABLES {
        for field in table.fields() {
            assert!(
                field.null != OnNull::Empty || field.ty == Type::Text,
                "{}.{}",
                table.name,
                field.name
            );
        }
    }
}
