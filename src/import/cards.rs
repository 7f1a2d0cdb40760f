//! Splits a vCard file into one text per card as it is read, so a file of any size is never
//! whole in memory: each card goes to the vCard reader alone, its record number and line
//! numbers kept as they are in the file.

use super::draft::{ContactDraft, RecordError};
use super::limit::RecordBudget;
use super::parse_vcards;
use crate::error::{Error, Result};
use std::io::BufRead;

/// Reads cards from `input` and hands each parsed one (or why it is not one) to `each`
/// with its 1-based number in the file.
pub fn each_card(
    input: &mut impl BufRead,
    budget: &RecordBudget,
    shown: &str,
    mut each: impl FnMut(usize, std::result::Result<ContactDraft, RecordError>) -> Result<()>,
) -> Result<()> {
    let mut card = String::new();
    // The line of the BEGIN:VCARD whose END is still to come.
    let mut open: Option<usize> = None;
    let mut line_number = 0;
    let mut line = Vec::new();
    let mut record = 0;
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line).map_err(|err| {
            if budget.exceeded() {
                RecordBudget::error(shown)
            } else {
                Error::runtime(format!("cannot read {shown}: {err}"))
            }
        })?;
        if read == 0 {
            break;
        }
        line_number += 1;
        let text = std::str::from_utf8(&line).map_err(|_| {
            Error::usage(format!("{shown} is not UTF-8 text (line {line_number})"))
                .with_hint("save the vCard file as UTF-8 and import it again")
        })?;
        // As the vCard reader sees them: folded lines start with a space and never match.
        let keyword = text
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .trim_end();
        if keyword.eq_ignore_ascii_case("BEGIN:VCARD") {
            if let Some(begin) = open.replace(line_number) {
                record += 1;
                let message = format!("missing END:VCARD before line {line_number}");
                each(record, Err(error(record, begin, message)))?;
            }
            card.clear();
            budget.record_done();
            card.push_str(text);
        } else if let Some(begin) = open {
            card.push_str(text);
            if keyword.eq_ignore_ascii_case("END:VCARD") {
                record += 1;
                parse_one(&card, record, begin, &mut each)?;
                open = None;
                card.clear();
                budget.record_done();
            }
        }
    }
    if let Some(begin) = open {
        record += 1;
        let message = "missing END:VCARD at end of file".to_string();
        each(record, Err(error(record, begin, message)))?;
    }
    if record == 0 {
        // No card at all: the reader says so.
        parse_one("", 1, 1, &mut each)?;
    }
    Ok(())
}

fn error(record: usize, line: usize, message: String) -> RecordError {
    RecordError {
        record,
        line: Some(line),
        message,
    }
}

fn parse_one(
    text: &str,
    record: usize,
    first_line: usize,
    each: &mut impl FnMut(usize, std::result::Result<ContactDraft, RecordError>) -> Result<()>,
) -> Result<()> {
    for parsed in parse_vcards(text) {
        let parsed = parsed.map_err(|err| RecordError {
            record,
            line: err.line.map(|line| line + first_line - 1),
            message: err.message,
        });
        each(record, parsed)?;
    }
    Ok(())
}
