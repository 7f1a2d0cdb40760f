//! The synced schema, declared once: every table whose rows sync, its code in the capture's
//! staging table, and for a record its columns that are fields (how each is written) or that
//! name another record. Reading and writing records as fields (`entity.rs`), the capture
//! (`sync/capture`), its staging SQL and the digest's lines (`digest.rs`) are all derived from
//! [`TABLES`]; a test holds it against the live schema, so a column a migration adds that is
//! not described here (as synced, or as maintained) fails it.

mod shape;
mod sql;
#[cfg(test)]
mod tests;

pub use shape::{Column, Field, Missing, OnNull, Reference, Shape, Table, Type};
use shape::{field, integer, list, reference, text};
pub use sql::{RecordSql, selected, sql};

/// The kinds of record an operation can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Contact,
    Interaction,
    FollowUp,
    Setting,
}

impl Kind {
    /// Every kind, in the order the fold applies them (what a record names comes first).
    pub const ALL: [Kind; 4] = [
        Kind::Contact,
        Kind::Interaction,
        Kind::FollowUp,
        Kind::Setting,
    ];

    /// The kind's name in an operation (`"k"`) and in `sync_ops.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Contact => "contact",
            Kind::Interaction => "interaction",
            Kind::FollowUp => "followup",
            Kind::Setting => "setting",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == text)
    }

    /// The table that holds records of this kind.
    pub fn table(self) -> &'static Table {
        TABLES
            .iter()
            .find(|table| {
                table.kind == self
                    && matches!(table.shape, Shape::Record { .. } | Shape::Settings { .. })
            })
            .expect("every kind has its table in TABLES")
    }
}

/// A contact. `owner`: the member who owns the contact in a team workspace (NULL = unowned);
/// `dismissed_until`: `rel suggest dismiss` hides suggestions until then.
const CONTACT_COLUMNS: &[Column] = &[
    field("handle", Type::Text, OnNull::Null, Missing::Refuse),
    field("name", Type::Text, OnNull::Keep, Missing::Refuse),
    text("org"),
    text("role"),
    text("every"),
    text("birthday"),
    reference("via", "via_id", Kind::Contact, false, true),
    text("note"),
    field("created_at", Type::Integer, OnNull::Keep, Missing::Refuse),
    integer("archived_at"),
    integer("snoozed_until"),
    text("owner"),
    integer("dismissed_until"),
];

/// An interaction. `author`: the member who logged it in a team workspace (NULL outside
/// one); `source_*`: where a captured interaction came from (NULL when typed; see
/// `db/capture.rs`).
const INTERACTION_COLUMNS: &[Column] = &[
    field("at", Type::Integer, OnNull::Keep, Missing::Refuse),
    field("channel", Type::Text, OnNull::Empty, Missing::Text("other")),
    field("note", Type::Text, OnNull::Empty, Missing::Text("")),
    field("respect", Type::Integer, OnNull::Keep, Missing::Integer(0)),
    field("empathy", Type::Integer, OnNull::Keep, Missing::Integer(0)),
    field(
        "integrity",
        Type::Integer,
        OnNull::Keep,
        Missing::Integer(0),
    ),
    field("trust", Type::Integer, OnNull::Keep, Missing::Integer(0)),
    field("honesty", Type::Integer, OnNull::Keep, Missing::Integer(0)),
    field("created_at", Type::Integer, OnNull::Keep, Missing::Refuse),
    text("author"),
    text("source_kind"),
    text("source_id"),
    text("source_print"),
];

const FOLLOWUP_COLUMNS: &[Column] = &[
    reference("contact", "contact_id", Kind::Contact, true, true),
    reference(
        "interaction",
        "interaction_id",
        Kind::Interaction,
        false,
        false,
    ),
    field("due_at", Type::Integer, OnNull::Keep, Missing::Refuse),
    field("text", Type::Text, OnNull::Empty, Missing::Text("")),
    integer("done_at"),
    field("created_at", Type::Integer, OnNull::Keep, Missing::Refuse),
];

/// Every synced table. The codes are what `temp.sync_staged.tbl` holds (never stored in the
/// file); the lists are in the digest's order.
pub const TABLES: &[Table] = &[
    Table {
        name: "contacts",
        code: 1,
        kind: Kind::Contact,
        shape: Shape::Record {
            columns: CONTACT_COLUMNS,
            maintained: &[
                "last_touch",
                "last_interaction_id",
                "due_every",
                "due_at",
                "reith_respect",
                "reith_empathy",
                "reith_integrity",
                "reith_trust",
                "reith_honesty",
            ],
        },
    },
    list("contact_emails", 3, "email:", "email", true, false),
    list("contact_phones", 4, "phone:", "phone", true, false),
    list("contact_tags", 2, "tag:", "tag", true, false),
    // Handles of contacts merged into this one (`rel merge`): they keep resolving here.
    list("contact_aliases", 9, "alias:", "handle", false, true),
    Table {
        name: "interactions",
        code: 5,
        kind: Kind::Interaction,
        shape: Shape::Record {
            columns: INTERACTION_COLUMNS,
            maintained: &[],
        },
    },
    Table {
        name: "interaction_contacts",
        code: 6,
        kind: Kind::Interaction,
        shape: Shape::Participants {
            owner: "interaction_id",
            contact: "contact_id",
            position: "position",
        },
    },
    Table {
        name: "followups",
        code: 7,
        kind: Kind::FollowUp,
        shape: Shape::Record {
            columns: FOLLOWUP_COLUMNS,
            maintained: &[],
        },
    },
    Table {
        name: "settings",
        code: 8,
        kind: Kind::Setting,
        shape: Shape::Settings {
            key: "key",
            value: "value",
        },
    },
];

/// The synced table of that name.
pub fn named(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|table| table.name == name)
}

/// The staging code of the synced table of that name (a name from the code, never from
/// input: the tests build every statement that asks).
pub fn code(name: &str) -> u8 {
    named(name)
        .map(|table| table.code)
        .expect("a table described in TABLES")
}

/// The synced table of that staging code.
pub fn coded(code: i64) -> Option<&'static Table> {
    TABLES.iter().find(|table| i64::from(table.code) == code)
}

/// A contact's lists: (field prefix, table, item column), in the digest's order.
pub fn lists() -> impl Iterator<Item = (&'static Table, &'static str, &'static str)> {
    TABLES.iter().filter_map(|table| match table.shape {
        Shape::List { prefix, item, .. } => Some((table, prefix, item)),
        _ => None,
    })
}

/// `tag:x` → (table, column, "x").
pub fn list_item(field: &str) -> Option<(&'static str, &'static str, &str)> {
    lists().find_map(|(table, prefix, column)| {
        field
            .strip_prefix(prefix)
            .map(|item| (table.name, column, item))
    })
}
