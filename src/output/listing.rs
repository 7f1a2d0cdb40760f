//! A listing as commands build it: one row in the shape the format prints, the headers of
//! each shape, and the cap on how many rows a listing shows.

use super::{Format, Tone};
use serde_json::Value;

/// One row of a listing in every shape it can be printed in.
pub struct ListRow {
    pub json: Value,
    /// Raw values for csv/tsv, one per header.
    pub plain: Vec<String>,
    /// Readable values for the table, one per header.
    pub pretty: Vec<(String, Tone)>,
}

impl ListRow {
    /// A row in the one shape `format` prints; the other two stay empty (building all three
    /// for every row of a long listing tripled its cost).
    pub fn build(
        format: Format,
        json: impl FnOnce() -> Value,
        plain: impl FnOnce() -> Vec<String>,
        pretty: impl FnOnce() -> Vec<(String, Tone)>,
    ) -> ListRow {
        let mut row = ListRow {
            json: Value::Null,
            plain: Vec::new(),
            pretty: Vec::new(),
        };
        match format {
            Format::Json | Format::Jsonl => row.json = json(),
            Format::Csv | Format::Tsv => row.plain = plain(),
            Format::Table => row.pretty = pretty(),
        }
        row
    }
}

/// A listing: header names for csv/tsv, for the table (often fewer), and rows.
pub struct Listing {
    pub headers: Vec<&'static str>,
    pub table_headers: Vec<&'static str>,
    pub rows: Vec<ListRow>,
    /// True when a default cap hid rows (said under a table on a terminal).
    pub more: bool,
}

impl Listing {
    /// A listing whose table shows the same columns as csv/tsv.
    pub fn new(headers: &[&'static str], rows: Vec<ListRow>) -> Listing {
        Listing {
            headers: headers.to_vec(),
            table_headers: headers.to_vec(),
            rows,
            more: false,
        }
    }
}

/// The cap `rel` applies to listings: 50 rows in a table, all rows otherwise; `--limit 0` = all.
pub fn listing_limit(format: Format, flag: Option<usize>) -> Option<usize> {
    match flag {
        Some(0) => None,
        Some(n) => Some(n),
        None if format == Format::Table => Some(50),
        None => None,
    }
}

/// A listing's cap, and the query limit one row above it: the extra row tells a capped table
/// that rows were left out.
#[derive(Debug, Clone, Copy)]
pub struct Cap(Option<usize>);

impl Cap {
    pub fn new(format: Format, flag: Option<usize>) -> Cap {
        Cap(listing_limit(format, flag))
    }

    /// The rows to print at most (None: all).
    pub fn rows(self) -> Option<usize> {
        self.0
    }

    /// The LIMIT to ask the database for (one more than the cap: it tells whether the cap
    /// hid anything).
    pub fn query_limit(self) -> Option<usize> {
        self.0.map(|n| n + 1)
    }

    /// Cuts `rows` to the cap; true when rows were left out.
    pub fn apply<T>(self, rows: &mut Vec<T>) -> bool {
        let more = self.0.is_some_and(|n| rows.len() > n);
        rows.truncate(self.0.unwrap_or(usize::MAX));
        more
    }
}
