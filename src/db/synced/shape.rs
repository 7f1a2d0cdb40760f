//! The words of the description in `mod.rs`: a table, its shape, a record's columns.

use super::Kind;

/// One synced table: its name, its code in `temp.sync_staged`, the kind of record whose
/// operations carry its changes, and its shape.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub code: u8,
    pub kind: Kind,
    pub shape: Shape,
}

/// What a synced table holds.
#[derive(Debug)]
pub enum Shape {
    /// Records with an `id` and a `uid`: `columns` sync (in the schema's order, which is the
    /// digest's), `maintained` never do (upkeep derives them).
    Record {
        columns: &'static [Column],
        maintained: &'static [&'static str],
    },
    /// One list of a contact's (`owner` its id): item `x` is the field `prefix` + `x` = true.
    /// `digested`: whether `rel sync verify` reads it (aliases came later and stay out, so
    /// digests stay comparable with replicas made before them). `replaced`: items move
    /// between contacts with `INSERT OR REPLACE` (`rel merge`), whose delete is no removal.
    List {
        prefix: &'static str,
        owner: &'static str,
        item: &'static str,
        digested: bool,
        replaced: bool,
    },
    /// An interaction's participants: `with:UID` = position.
    Participants {
        owner: &'static str,
        contact: &'static str,
        position: &'static str,
    },
    /// Settings: the record is the key, its one field `value`.
    Settings {
        key: &'static str,
        value: &'static str,
    },
}

/// A synced column of a record.
#[derive(Debug, Clone, Copy)]
pub enum Column {
    Field(Field),
    Reference(Reference),
}

/// A column that is a field under its own name.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    /// What setting it to null (or, for a number, to anything that is not one) does.
    pub null: OnNull,
    /// What a record made without it (or with it null) gets.
    pub missing: Missing,
}

/// How a field's value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Text: a JSON value that is not a string is stored as its JSON text.
    Text,
    /// An integer (times are seconds since 1970).
    Integer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnNull {
    /// The column becomes NULL.
    Null,
    /// The column becomes empty text (a text column that is never NULL).
    Empty,
    /// The column keeps its value (one a record cannot be without).
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The record is not made (the fold keeps its fields until the field arrives).
    Refuse,
    Null,
    Text(&'static str),
    Integer(i64),
}

/// A column naming another record by id; its field holds that record's uid.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub field: &'static str,
    pub column: &'static str,
    pub to: Kind,
    /// Null is no value for it: setting it to null waits, and a record is not made without it.
    pub required: bool,
    /// A uid not here (yet) waits for its record (the field is kept as a register); else the
    /// column becomes NULL.
    pub waits: bool,
}

impl Reference {
    /// Whether it is written with the row: an optional reference that waits is set after the
    /// row is made, by `entity::set_field`, which knows how to wait.
    pub fn with_row(&self) -> bool {
        self.required || !self.waits
    }
}

pub(super) const fn field(name: &'static str, ty: Type, null: OnNull, missing: Missing) -> Column {
    Column::Field(Field {
        name,
        ty,
        null,
        missing,
    })
}

/// A text field that may be NULL.
pub(super) const fn text(name: &'static str) -> Column {
    field(name, Type::Text, OnNull::Null, Missing::Null)
}

/// An integer field (a time) that may be NULL.
pub(super) const fn integer(name: &'static str) -> Column {
    field(name, Type::Integer, OnNull::Null, Missing::Null)
}

pub(super) const fn reference(
    field: &'static str,
    column: &'static str,
    to: Kind,
    required: bool,
    waits: bool,
) -> Column {
    Column::Reference(Reference {
        field,
        column,
        to,
        required,
        waits,
    })
}

pub(super) const fn list(
    name: &'static str,
    code: u8,
    prefix: &'static str,
    item: &'static str,
    digested: bool,
    replaced: bool,
) -> Table {
    Table {
        name,
        code,
        kind: Kind::Contact,
        shape: Shape::List {
            prefix,
            owner: "contact_id",
            item,
            digested,
            replaced,
        },
    }
}

impl Table {
    pub fn is_record(&self) -> bool {
        matches!(self.shape, Shape::Record { .. })
    }

    /// A record's synced columns (none for other tables).
    pub fn columns(&self) -> &'static [Column] {
        match self.shape {
            Shape::Record { columns, .. } => columns,
            _ => &[],
        }
    }

    /// A record's columns that are fields under their own name.
    pub fn fields(&self) -> impl Iterator<Item = &'static Field> {
        self.columns().iter().filter_map(|column| match column {
            Column::Field(field) => Some(field),
            Column::Reference(_) => None,
        })
    }

    /// A record's columns that name another record.
    pub fn references(&self) -> impl Iterator<Item = &'static Reference> {
        self.columns().iter().filter_map(|column| match column {
            Column::Reference(reference) => Some(reference),
            Column::Field(_) => None,
        })
    }

    /// The field a record's column is, by name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields().find(|field| field.name == name)
    }

    /// The column a record's field is held in, by the field's name.
    pub fn reference(&self, field: &str) -> Option<&'static Reference> {
        self.references().find(|reference| reference.field == field)
    }

    /// Every column of the table, synced or not, as the schema should have it (a record's
    /// `id` and `uid` first; the order of the others is checked only among synced columns).
    pub fn all_columns(&self) -> Vec<&'static str> {
        match &self.shape {
            Shape::Record {
                columns,
                maintained,
            } => ["id", "uid"]
                .into_iter()
                .chain(columns.iter().map(Column::name))
                .chain(maintained.iter().copied())
                .collect(),
            Shape::List { owner, item, .. } => vec![owner, item],
            Shape::Participants {
                owner,
                contact,
                position,
            } => vec![owner, contact, position],
            Shape::Settings { key, value } => vec![key, value],
        }
    }
}

impl Column {
    /// The column's name in the table.
    pub fn name(&self) -> &'static str {
        match self {
            Column::Field(field) => field.name,
            Column::Reference(reference) => reference.column,
        }
    }

    /// The field it is in an operation.
    pub fn field_name(&self) -> &'static str {
        match self {
            Column::Field(field) => field.name,
            Column::Reference(reference) => reference.field,
        }
    }
}
