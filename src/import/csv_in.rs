//! CSV import, row by row. What the columns mean is `csv_columns`' work; this reads rows,
//! counts lines, and remembers the columns it could not read that hold data, so the
//! command can name them.

use super::csv_columns::{Field, can_name, field_of, is_interactions_export, unescape_formula};
pub use super::csv_dialect::sniff_delimiter;
use super::csv_dialect::{Unread, first_line, not_utf8, read_text};
use super::draft::{ContactDraft, RecordError};
use super::normalize::{
    clean, person_name, push_tags, push_unique, read_birthday, split_multi, unix_newlines,
    whole_email, whole_phone,
};
use csv::{ErrorKind, StringRecord};
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// The reader behind the rows: the header line already read (to sniff its delimiter),
/// then the rest of the stream.
pub type Sniffed<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// Reads contacts from CSV with a header row, one result per data row. The delimiter
/// (comma, semicolon or tab) is the one the header line uses most.
pub fn read_csv<R: Read>(mut reader: R) -> CsvRows<Sniffed<R>> {
    let (head, read_error) = match first_line(&mut reader) {
        Ok(head) => (head, None),
        Err(err) => (Vec::new(), Some(err)),
    };
    let delimiter = sniff_delimiter(&head);
    let newlines = Arc::new(Mutex::new(Newlines::default()));
    let reader = LineCounting {
        inner: std::io::Cursor::new(head).chain(reader),
        read: 0,
        newlines: Arc::clone(&newlines),
    };
    // Rows may carry more (empty) cells than the header; `draft_of` checks them.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    if let Some(err) = read_error {
        return CsvRows::failed(csv, format!("read error: {err}"));
    }
    let mut header = StringRecord::new();
    let (columns, header_error) = match read_text(&mut csv, &mut header) {
        Ok(true) => {
            let columns: Vec<_> = header.iter().map(field_of).collect();
            let error = (!can_name(&columns)).then(|| header_problem(&header));
            (columns, error)
        }
        Ok(false) => (
            Vec::new(),
            Some("empty file: expected a header row".to_string()),
        ),
        Err(Unread::Csv(err)) => (
            Vec::new(),
            Some(format!("unreadable header row: {}", describe(&err))),
        ),
        Err(Unread::NotUtf8(bytes)) => (
            Vec::new(),
            Some(format!("unreadable header row: {}", not_utf8(&bytes))),
        ),
    };
    let empty_file = header.is_empty();
    let rel_own = {
        let has = |name: &str| header.iter().any(|h| h.trim() == name);
        has("uid") && has("handle")
    };
    CsvRows {
        rel_own,
        ignored_with_data: vec![false; columns.len()],
        header: header.iter().map(str::to_string).collect(),
        csv: Some(csv),
        columns,
        header_error,
        empty_file,
        newlines,
        record: 0,
    }
}

/// The rows of a CSV file as drafts (see `read_csv`).
pub struct CsvRows<R> {
    csv: Option<csv::Reader<LineCounting<R>>>,
    header: Vec<String>,
    columns: Vec<Option<Field>>,
    /// Set when the header names nobody: every row is then a bad record (so a skipped
    /// count is right), each saying why.
    header_error: Option<String>,
    empty_file: bool,
    ignored_with_data: Vec<bool>,
    newlines: Arc<Mutex<Newlines>>,
    record: usize,
    /// rel's own export (`uid` and `handle` columns): list cells joined with ` ::: ` split
    /// there only (see `semicolons_split`).
    rel_own: bool,
}

impl<R: Read> CsvRows<R> {
    /// Rows of a file whose first line could not be read: one bad record saying why.
    fn failed(csv: csv::Reader<LineCounting<R>>, message: String) -> CsvRows<R> {
        CsvRows {
            csv: Some(csv),
            header: Vec::new(),
            columns: Vec::new(),
            header_error: Some(message),
            empty_file: true,
            ignored_with_data: Vec::new(),
            newlines: Arc::new(Mutex::new(Newlines::default())),
            record: 0,
            rel_own: false,
        }
    }
}

impl<R> CsvRows<R> {
    /// Columns rel did not read that hold a value in some row, and how many more it did
    /// not read that were empty throughout: for one line on stderr.
    pub fn ignored_columns(&self) -> (Vec<String>, usize) {
        let mut with_data = Vec::new();
        let mut empty = 0;
        for (index, name) in self.header.iter().enumerate() {
            if self.columns.get(index).copied().flatten().is_some() || name.trim().is_empty() {
                continue;
            }
            if self.ignored_with_data.get(index).copied().unwrap_or(false) {
                with_data.push(name.trim().to_string());
            } else {
                empty += 1;
            }
        }
        (with_data, empty)
    }

    fn line_at(&self, pos: Option<&csv::Position>) -> Option<usize> {
        let mut newlines = self.newlines.lock().unwrap_or_else(PoisonError::into_inner);
        pos.map(|pos| newlines.line_at(pos.byte()))
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<ContactDraft, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.empty_file {
            self.empty_file = false;
            self.csv = None;
            let message = self.header_error.take()?;
            return Some(Err(RecordError {
                record: 1,
                line: Some(1),
                message,
            }));
        }
        let csv = self.csv.as_mut()?;
        let mut row = StringRecord::new();
        let result = read_text(csv, &mut row);
        self.record += 1;
        let record = self.record;
        let out = match &result {
            Ok(false) => {
                self.csv = None;
                return None;
            }
            Err(Unread::NotUtf8(bytes)) => {
                let line = self.line_at(bytes.position());
                Err(RecordError {
                    record,
                    line,
                    message: not_utf8(bytes),
                })
            }
            Ok(true) => {
                let line = self.line_at(row.position());
                match &self.header_error {
                    Some(message) => Err(message.clone()),
                    None => self.draft_of(&row, line),
                }
                .map_err(|message| RecordError {
                    record,
                    line,
                    message,
                })
            }
            Err(Unread::Csv(err)) => Err(RecordError {
                record,
                line: self.line_at(err.position()),
                message: describe(err),
            }),
        };
        // A broken row spoils only itself; a failing reader ends the import.
        if matches!(&result, Err(Unread::Csv(err)) if matches!(err.kind(), ErrorKind::Io(_))) {
            self.csv = None;
        }
        Some(out)
    }
}

/// Empty, or Outlook's word for "nothing" (`0/0/00` dates, `Unspecified` gender).
fn is_blank(cell: &str) -> bool {
    matches!(cell.trim(), "" | "0/0/00" | "Unspecified")
}

fn header_problem(header: &StringRecord) -> String {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if is_interactions_export(&names) {
        "this is rel's interactions CSV, not contacts (export contacts with \
         'rel export --to csv --contacts')"
            .into()
    } else {
        "the header row has no name, email, phone or company column".into()
    }
}

/// csv's own `Position::line` lags one line behind after a CRLF row end
/// (it counts the `\n` as the start of the next record), so we count lines
/// ourselves from the byte offsets of the `\n`s the reader has seen.
#[derive(Default)]
struct Newlines {
    pending: VecDeque<u64>,
    passed: usize,
}

impl Newlines {
    /// 1-based line of the record starting at `byte`; `byte` never decreases.
    fn line_at(&mut self, byte: u64) -> usize {
        // `<=`: after a CRLF the record is said to start at its leading `\n`.
        while self.pending.front().is_some_and(|&at| at <= byte) {
            self.pending.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

struct LineCounting<R> {
    inner: R,
    read: u64,
    newlines: Arc<Mutex<Newlines>>,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, _) in buf.iter().take(n).enumerate().filter(|(_, b)| **b == b'\n') {
            newlines.pending.push_back(self.read + i as u64);
        }
        self.read += n as u64;
        Ok(n)
    }
}

fn describe(err: &csv::Error) -> String {
    match err.kind() {
        ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields like the header, found {len}")
        }
        ErrorKind::Io(io) => format!("read error: {io}"),
        _ => err.to_string(),
    }
}

impl<R> CsvRows<R> {
    fn draft_of(
        &mut self,
        row: &StringRecord,
        line: Option<usize>,
    ) -> Result<ContactDraft, String> {
        let mut draft = ContactDraft {
            line,
            ..Default::default()
        };
        self.check_width(row)?;
        let (mut name, mut first, mut middle, mut last) = (None, None, None, None);
        let mut birth = [None, None, None];
        for (index, raw) in row.iter().enumerate() {
            let cell = unescape_formula(raw);
            let Some(field) = self.columns.get(index).copied().flatten() else {
                if !is_blank(cell)
                    && let Some(seen) = self.ignored_with_data.get_mut(index)
                {
                    *seen = true;
                }
                continue;
            };
            let value = clean(cell);
            let keep = |slot: &mut Option<String>| {
                if slot.is_none() {
                    *slot = value.clone();
                }
            };
            match field {
                Field::Name => keep(&mut name),
                Field::First => keep(&mut first),
                Field::Middle => keep(&mut middle),
                Field::Last => keep(&mut last),
                Field::Email => split_multi(cell, self.semicolons_split(cell), whole_email)
                    .into_iter()
                    .for_each(|e| push_unique(&mut draft.emails, e, true)),
                Field::Phone => split_multi(cell, self.semicolons_split(cell), whole_phone)
                    .into_iter()
                    .for_each(|p| push_unique(&mut draft.phones, p, false)),
                Field::Org => keep(&mut draft.org),
                Field::Role => keep(&mut draft.role),
                Field::Tags => push_tags(&mut draft.tags, cell),
                Field::Every => keep(&mut draft.every),
                Field::Birthday if draft.birthday.is_none() => {
                    let (kept, warning) = read_birthday(cell);
                    draft.birthday = kept;
                    draft.warnings.extend(warning);
                }
                Field::Note => keep(&mut draft.note),
                Field::Uid => keep(&mut draft.uid),
                Field::Handle => keep(&mut draft.handle),
                Field::Via => keep(&mut draft.via),
                Field::CreatedAt => keep(&mut draft.created_at),
                Field::ArchivedAt => keep(&mut draft.archived_at),
                Field::SnoozedUntil => keep(&mut draft.snoozed_until),
                Field::BirthYear => keep(&mut birth[0]),
                Field::BirthMonth => keep(&mut birth[1]),
                Field::BirthDay => keep(&mut birth[2]),
                Field::Birthday | Field::Meta => {}
            }
        }
        if draft.birthday.is_none()
            && let Some(text) = birthday_of_parts(&birth)
        {
            let (kept, warning) = read_birthday(&text);
            draft.birthday = kept;
            draft.warnings.extend(warning);
        }
        draft.note = draft.note.map(unix_newlines);
        let given = person_name(
            first.as_deref().unwrap_or(""),
            middle.as_deref().unwrap_or(""),
            last.as_deref().unwrap_or(""),
        );
        // A company row goes by its company; a row with nothing else by its email or phone.
        draft.name = name
            .or(given)
            .or_else(|| draft.org.clone())
            .or_else(|| draft.emails.first().cloned())
            .or_else(|| draft.phones.first().cloned())
            .ok_or_else(|| "row has no name, company, email or phone to name it by".to_string())?;
        Ok(draft)
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;

impl<R> CsvRows<R> {
    /// Whether a `;` may split a list cell: not in rel's own CSV, which joins with ` ::: `,
    /// unless the cell has no ` ::: ` at all (an export of an older rel, which joined with
    /// `;`; `split_multi` still keeps `+1-418-656-9254;ext=102` whole).
    fn semicolons_split(&self, cell: &str) -> bool {
        !self.rel_own || !cell.contains(":::")
    }

    /// A row as wide as the header, or wider or narrower by empty cells only (exports that
    /// end every row with one more `,`, or drop the empty ones at the end).
    fn check_width(&self, row: &StringRecord) -> Result<(), String> {
        let expected = self.header.len();
        let found = row.len();
        let extra_filled = row
            .iter()
            .skip(expected)
            .any(|cell| !cell.trim().is_empty());
        let missing_named = self
            .header
            .iter()
            .skip(found)
            .any(|name| !name.trim().is_empty());
        if extra_filled || missing_named {
            return Err(format!(
                "expected {expected} fields like the header, found {found}"
            ));
        }
        Ok(())
    }
}

/// Thunderbird's `Birth Year`, `Birth Month`, `Birth Day` as one date `read_birthday`
/// reads (`--MM-DD` without a year); `None` when month or day is missing.
fn birthday_of_parts(parts: &[Option<String>; 3]) -> Option<String> {
    let number = |part: &Option<String>| part.as_deref().and_then(|p| p.trim().parse::<u32>().ok());
    let (month, day) = (number(&parts[1])?, number(&parts[2])?);
    Some(match number(&parts[0]) {
        Some(year) => format!("{year:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}
