//! All printing: the five formats, colour, terminal detection, escaping and relative times.

pub mod fit;
pub mod shape;

use crate::error::Result;
pub use crate::escape::{escape_tsv, escape_visible};
use chrono::{DateTime, Local, SecondsFormat};
use comfy_table::{
    Cell, CellAlignment, Color, ContentArrangement, LineStyle, Row, Table, TableStyle,
};
use serde_json::Value;
use std::borrow::Borrow;
use std::io::{BufWriter, IsTerminal, Write};

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

/// Where and how output goes, decided once from the global options.
pub struct Output {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    pub stdout_is_tty: bool,
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

    /// json, jsonl, csv or tsv through one buffer (stdout alone is flushed at every line).
    fn write_rows<R: Borrow<ListRow>>(
        &self,
        headers: &[&str],
        rows: impl Iterator<Item = Result<R>>,
    ) -> Result<()> {
        let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        match self.format {
            Format::Json => {
                // The same bytes as `to_writer_pretty` of the whole array, one element at a time.
                let mut empty = true;
                for row in rows {
                    let row = row?;
                    out.write_all(if empty { b"[\n" } else { b",\n" })?;
                    empty = false;
                    let text = serde_json::to_string_pretty(&row.borrow().json)?;
                    for (index, line) in text.lines().enumerate() {
                        if index > 0 {
                            out.write_all(b"\n")?;
                        }
                        out.write_all(b"  ")?;
                        out.write_all(line.as_bytes())?;
                    }
                }
                out.write_all(if empty { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Jsonl => {
                for row in rows {
                    serde_json::to_writer(&mut out, &row?.borrow().json)?;
                    writeln!(out)?;
                }
            }
            Format::Tsv | Format::Table => {
                writeln!(out, "{}", headers.join("\t"))?;
                for row in rows {
                    let row = row?;
                    for (index, cell) in row.borrow().plain.iter().enumerate() {
                        if index > 0 {
                            out.write_all(b"\t")?;
                        }
                        out.write_all(escape_tsv(cell).as_bytes())?;
                    }
                    writeln!(out)?;
                }
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer.write_record(headers)?;
                for row in rows {
                    let row = row?;
                    let cells = row
                        .borrow()
                        .plain
                        .iter()
                        .map(|c| crate::escape::csv_cell(c));
                    writer.write_record(cells.map(|c| c.into_owned()))?;
                }
                writer.flush()?;
            }
        }
        out.flush()?;
        Ok(())
    }

    fn table(&self, listing: &Listing) -> Table {
        let mut headers: Vec<String> = listing
            .table_headers
            .iter()
            .map(|h| header_text(h))
            .collect();
        // Cells as they will show (escaped), so widths are measured on what is drawn.
        let mut rows: Vec<Vec<(String, Tone)>> = listing
            .rows
            .iter()
            .map(|row| {
                row.pretty
                    .iter()
                    .map(|(text, tone)| (escape_visible(text), *tone))
                    .collect()
            })
            .collect();
        // Columns empty on every row say nothing: they go before any text is cut.
        crate::output::fit::drop_empty_columns(&mut headers, &mut rows);
        let mut table = new_table(self.color);
        let layout = crate::output::fit::terminal_width().map(|width| {
            // A 100,000-character name is measured only up to a little past the width: every
            // step below is linear in what it reads.
            let texts: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|(text, _)| cut_chars(text, width + 1).to_string())
                        .collect()
                })
                .collect();
            crate::output::fit::fit(&headers, &texts, width)
        });
        table.set_header(headers.iter().map(|h| self.header_cell(h)));
        for row in &rows {
            let cells = row.iter().enumerate().map(|(index, (text, tone))| {
                let shown = match layout
                    .as_ref()
                    .and_then(|l| l.get(index).copied().flatten())
                {
                    // The whole text: a note's `(+N lines)` and a snippet's match may lie
                    // past the width (shaping is linear, whatever the length).
                    Some(width) => crate::output::shape::shape(&headers[index], text, width),
                    None => text.clone(),
                };
                self.styled(shown, *tone)
            });
            let mut table_row = Row::from(cells);
            // One line per record: long notes end in an ellipsis instead of wrapping.
            table_row.max_height(1);
            table.add_row(table_row);
        }
        if let Some(layout) = &layout {
            crate::output::fit::apply(&mut table, layout);
        }
        table
    }

    pub fn header_cell(&self, text: &str) -> Cell {
        let cell = Cell::new(header_text(text));
        if self.color {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    }

    pub fn cell(&self, text: &str, tone: Tone) -> Cell {
        self.styled(escape_visible(text), tone)
    }

    /// A cell of text already escaped, coloured by its tone when colour is on.
    fn styled(&self, text: String, tone: Tone) -> Cell {
        let cell = Cell::new(text);
        if !self.color {
            return cell;
        }
        match tone {
            Tone::Plain => cell,
            Tone::Alert => cell.fg(Color::Red),
            Tone::Warn => cell.fg(Color::Yellow),
            Tone::Good => cell.fg(Color::Green),
            Tone::Dim => cell.fg(Color::DarkGrey),
        }
    }

    /// Prints what `add`, `log` and `remind` print: the bare id/handle, or the whole record in
    /// JSON formats, or nothing with `-q`.
    pub fn created(&self, bare: &str, record: &Value) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(record)?)?,
            Format::Jsonl => writeln!(out, "{}", serde_json::to_string(record)?)?,
            _ => writeln!(out, "{bare}")?,
        }
        Ok(())
    }

    /// Like [`Output::created`], but a person at a terminal reads `friendly` words instead of
    /// the bare line scripts rely on.
    pub fn created_or_say(
        &self,
        bare: &str,
        record: &Value,
        friendly: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.for_person() {
            return self.note(&friendly());
        }
        self.created(bare, record)
    }

    /// Prints one JSON document in json/jsonl; false when the caller should draw text instead.
    pub fn json_record(&self, record: &impl serde::Serialize) -> Result<bool> {
        // Written as it is serialized: a large record (`stats` lists every strained contact)
        // is never held as one string.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match self.format {
            Format::Json => serde_json::to_writer_pretty(&mut out, record)?,
            Format::Jsonl => serde_json::to_writer(&mut out, record)?,
            _ => return Ok(false),
        }
        writeln!(out)?;
        out.flush()?;
        Ok(true)
    }

    /// Several records: a JSON array, or one JSONL line each; false when the caller should
    /// draw text instead.
    pub fn json_records(&self, records: &[Value]) -> Result<bool> {
        match self.format {
            Format::Json => self.json_record(&records),
            Format::Jsonl => {
                let mut out = std::io::stdout().lock();
                for record in records {
                    writeln!(out, "{}", serde_json::to_string(record)?)?;
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Whether records are printed as JSON or JSONL.
    pub fn is_json(&self) -> bool {
        matches!(self.format, Format::Json | Format::Jsonl)
    }

    /// A line for a person (confirmations like "archived maria"); silent with `-q`.
    pub fn note(&self, text: &str) -> Result<()> {
        if !self.quiet {
            writeln!(std::io::stdout().lock(), "{}", escape_visible(text))?;
        }
        Ok(())
    }
}

/// A column name as a table header shows it: `last_touch` → `LAST TOUCH`.
fn header_text(name: &str) -> String {
    name.to_uppercase().replace('_', " ")
}

/// No borders, only a line under the header, as `gh` and Taskwarrior draw lists.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// A borderless table with a line under the header, as wide as the terminal allows.
pub fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table.load_style(TABLE_STYLE);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_truncation_indicator("…");
    // The width is set here rather than left to comfy-table, which only asks the terminal
    // when it also draws colour: with NO_COLOR a table would ignore the terminal's width.
    if let Some(width) = crate::output::fit::terminal_width() {
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// The first `limit` characters of `text`.
fn cut_chars(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Right-aligns a column of numbers.
pub fn align_right(table: &mut Table, index: usize) {
    if let Some(column) = table.column_mut(index) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

/// An instant as RFC 3339 in local time with its offset (the JSON and csv/tsv form).
pub fn rfc3339(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| {
            t.with_timezone(&Local)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default()
}

pub fn rfc3339_opt(unix: Option<i64>) -> Value {
    unix.map_or(Value::Null, |t| Value::String(rfc3339(t)))
}

/// An instant as a person reads it in a table: `2026-11-27 14:30` local.
pub fn local_datetime(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// `3w ago`, `in 2d`, `just now`: how far an instant is from now, at a glance.
pub fn relative(unix: i64, now: i64) -> String {
    let seconds = now - unix;
    let span = short_span(seconds.abs());
    if seconds.abs() < 60 {
        "just now".to_string()
    } else if seconds > 0 {
        format!("{span} ago")
    } else {
        format!("in {span}")
    }
}

/// `45m`, `5h`, `18d`, `4mo`, `2y`: days up to 30 (so `18d overdue` sorts by eye among
/// `8d overdue` rows, where `2w` did not), then months, and never `12mo` (that is `1y`).
pub fn short_span(seconds: i64) -> String {
    let minutes = seconds / 60;
    let hours = minutes / 60;
    let days = hours / 24;
    if hours < 1 {
        format!("{minutes}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days <= 30 {
        format!("{days}d")
    } else if days / 30 < 12 {
        format!("{}mo", days / 30)
    } else {
        format!("{}y", (days / 365).max(1))
    }
}

/// Joins a list for a csv/tsv/table cell.
pub fn join(items: &[String]) -> String {
    items.join(",")
}

/// The first line of a note, for tables and due rows.
pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}
