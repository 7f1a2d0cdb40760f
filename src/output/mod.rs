//! All printing: the five formats, colour, terminal detection, escaping and relative times.
//! This file decides where and how output goes ([`Output`]) and sends a listing to its shape:
//! the table a person reads (`table`) or the formats a script reads (`rows`); one record or
//! line (`records`) and the values in cells (`values`) have files of their own.

mod columns;
pub mod fit;
mod listing;
mod records;
mod rows;
pub mod shape;
mod table;
pub mod terminal;
mod values;

use crate::error::Result;
pub use crate::escape::{escape_tsv, escape_visible};
pub use listing::{Cap, ListRow, Listing, listing_limit};
use std::io::{IsTerminal, Write};
pub use table::{align_right, new_table};
pub use values::{first_line, join, local_datetime, relative, rfc3339, rfc3339_opt, short_span};

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
    Tsv,
}

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How a table cell should stand out (only when colour is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Alert,
    Warn,
    Good,
    Dim,
}

/// Where and how output goes, decided once from the global options.
pub struct Output {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    pub stdout_is_tty: bool,
}

impl Output {
    pub fn new(format: Option<Format>, color: ColorChoice, quiet: bool) -> Output {
        let stdout_is_tty = std::io::stdout().is_terminal();
        let format = format.unwrap_or(if stdout_is_tty {
            Format::Table
        } else {
            Format::Tsv
        });
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Output {
            format,
            color,
            quiet,
            stdout_is_tty,
        }
    }

    /// Whether friendly hints may be printed: only for a person at a terminal.
    pub fn for_person(&self) -> bool {
        self.format == Format::Table && self.stdout_is_tty && !self.quiet
    }

    /// Prints a listing; an empty one on a terminal prints `empty_hint` instead.
    pub fn list(&self, listing: &Listing, empty_hint: &str) -> Result<()> {
        if self.format != Format::Table {
            return self.write_rows(&listing.headers, listing.rows.iter().map(Ok));
        }
        let mut out = std::io::stdout().lock();
        if listing.rows.is_empty() {
            if self.for_person() {
                writeln!(out, "{empty_hint}")?;
            }
            return Ok(());
        }
        writeln!(out, "{}", self.table(listing))?;
        if listing.more && self.for_person() {
            writeln!(
                out,
                "(more rows not shown: --limit N, or --limit 0 for all)"
            )?;
        }
        out.flush()?;
        Ok(())
    }

    /// Prints rows as they are made, so a long listing (`rel due` over 100k contacts) never
    /// sits in memory whole. A table still collects them: its column widths need every row.
    pub fn list_streamed(
        &self,
        headers: &[&'static str],
        table_headers: &[&'static str],
        rows: impl Iterator<Item = Result<ListRow>>,
        empty_hint: &str,
    ) -> Result<()> {
        if self.format != Format::Table {
            return self.write_rows(headers, rows);
        }
        let listing = Listing {
            headers: headers.to_vec(),
            table_headers: table_headers.to_vec(),
            rows: rows.collect::<Result<_>>()?,
            more: false,
        };
        self.list(&listing, empty_hint)
    }
}
