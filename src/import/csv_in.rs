//! CSV import: our own simple columns and Google Contacts exports (both the
//! current `First Name`/`Labels` layout and the older `Given Name`/`Group
//! Membership` one). Columns we do not know are ignored.

use super::draft::{ContactDraft, RecordError};
use super::normalize::{birthday, clean, push_tags, push_unique, split_multi};
use csv::{ErrorKind, StringRecord};
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};

/// What a column of the file means to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    First,
    Middle,
    Last,
    Email,
    Phone,
    Org,
    Role,
    Tags,
    Every,
    Birthday,
    Note,
    Uid,
}

fn field_of(header: &str) -> Option<Field> {
    let header = header.trim().to_lowercase();
    let numbered = |prefix: &str, suffix: &str| {
        header
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let field = match header.as_str() {
        "name" => Field::Name,
        "first name" | "given name" => Field::First,
        "middle name" | "additional name" => Field::Middle,
        "last name" | "family name" => Field::Last,
        "email" | "e-mail" => Field::Email,
        "phone" => Field::Phone,
        "org" | "organization name" => Field::Org,
        "role" | "organization title" => Field::Role,
        "tags" | "labels" | "group membership" => Field::Tags,
        "every" => Field::Every,
        "birthday" => Field::Birthday,
        "note" | "notes" => Field::Note,
        "uid" => Field::Uid,
        _ if numbered("e-mail ", " - value") => Field::Email,
        _ if numbered("phone ", " - value") => Field::Phone,
        _ if numbered("organization ", " - name") => Field::Org,
        _ if numbered("organization ", " - title") => Field::Role,
        _ => return None,
    };
    Some(field)
}

/// Reads contacts from CSV with a header row, one result per data row.
pub fn read_csv<R: Read>(reader: R) -> impl Iterator<Item = Result<ContactDraft, RecordError>> {
    let newlines = Arc::new(Mutex::new(Newlines::default()));
    let reader = LineCounting {
        inner: reader,
        read: 0,
        newlines: Arc::clone(&newlines),
    };
    let line_at = move |pos: Option<&csv::Position>| {
        let mut newlines = newlines.lock().unwrap_or_else(PoisonError::into_inner);
        pos.map(|pos| newlines.line_at(pos.byte()))
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(reader);
    let mut header = StringRecord::new();
    let columns = match csv.read_record(&mut header) {
        Ok(true) => columns_of(&header),
        Ok(false) => Err("empty file: expected a header row".to_string()),
        Err(err) => Err(format!("unreadable header row: {}", describe(&err))),
    };
    let mut state = match columns {
        Ok(columns) => State::Rows { csv, columns },
        Err(message) => State::HeaderError(message),
    };
    let mut record = 0;
    std::iter::from_fn(move || {
        match std::mem::replace(&mut state, State::Done) {
            State::Done => None,
            State::HeaderError(message) => Some(Err(RecordError {
                record: 1,
                line: Some(1),
                message,
            })),
            State::Rows { mut csv, columns } => {
                let mut row = StringRecord::new();
                let result = csv.read_record(&mut row);
                let fatal = matches!(&result, Err(err) if matches!(err.kind(), ErrorKind::Io(_)));
                record += 1;
                let out = match &result {
                    Ok(false) => return None,
                    Ok(true) => {
                        let line = line_at(row.position());
                        draft_of(&row, &columns).map_err(|message| RecordError {
                            record,
                            line,
                            message,
                        })
                    }
                    Err(err) => Err(RecordError {
                        record,
                        line: line_at(err.position()),
                        message: describe(err),
                    }),
                };
                // A broken row spoils only itself; a failing reader ends the import.
                if !fatal {
                    state = State::Rows { csv, columns };
                }
                Some(out)
            }
        }
    })
}

enum State<R> {
    Rows {
        csv: csv::Reader<R>,
        columns: Vec<Option<Field>>,
    },
    HeaderError(String),
    Done,
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

fn columns_of(header: &StringRecord) -> Result<Vec<Option<Field>>, String> {
    let columns: Vec<_> = header.iter().map(field_of).collect();
    let has = |wanted: &[Field]| columns.iter().flatten().any(|f| wanted.contains(f));
    if has(&[
        Field::Name,
        Field::First,
        Field::Middle,
        Field::Last,
        Field::Email,
    ]) {
        Ok(columns)
    } else {
        Err("header row has no name or email column".into())
    }
}

fn describe(err: &csv::Error) -> String {
    match err.kind() {
        ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("expected {expected_len} fields like the header, found {len}")
        }
        ErrorKind::Utf8 { .. } => "text is not valid UTF-8 (save the file as UTF-8)".into(),
        ErrorKind::Io(io) => format!("read error: {io}"),
        _ => err.to_string(),
    }
}

fn draft_of(row: &StringRecord, columns: &[Option<Field>]) -> Result<ContactDraft, String> {
    let mut draft = ContactDraft::default();
    let (mut name, mut first, mut middle, mut last) = (None, None, None, None);
    for (cell, field) in row.iter().zip(columns) {
        let Some(field) = field else { continue };
        let value = clean(cell);
        match field {
            Field::Name => name = name.or(value),
            Field::First => first = first.or(value),
            Field::Middle => middle = middle.or(value),
            Field::Last => last = last.or(value),
            Field::Email => split_multi(cell).for_each(|e| push_unique(&mut draft.emails, e, true)),
            Field::Phone => {
                split_multi(cell).for_each(|p| push_unique(&mut draft.phones, p, false))
            }
            Field::Org => draft.org = draft.org.take().or(value),
            Field::Role => draft.role = draft.role.take().or(value),
            Field::Tags => push_tags(&mut draft.tags, cell),
            Field::Every => draft.every = draft.every.take().or(value),
            Field::Birthday => draft.birthday = draft.birthday.take().or_else(|| birthday(cell)),
            Field::Note => draft.note = draft.note.take().or(value),
            Field::Uid => draft.uid = draft.uid.take().or(value),
        }
    }
    let parts: Vec<String> = [first, middle, last].into_iter().flatten().collect();
    draft.name = name
        .or_else(|| (!parts.is_empty()).then(|| parts.join(" ")))
        .or_else(|| draft.emails.first().cloned())
        .ok_or_else(|| "row has neither a name nor an email".to_string())?;
    Ok(draft)
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
