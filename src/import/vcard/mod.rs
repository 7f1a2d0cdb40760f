//! vCard 2.1 / 3.0 / 4.0 import. `split.rs` cuts the stream into cards (line numbers,
//! missing `END:VCARD`, glued cards, stray lines, nested `AGENT` cards, legacy charsets);
//! `calcard` then does the hard part of each card (unfolding, escapes, quoted-printable with
//! CHARSET, base64), so one broken card never sinks its neighbours.

mod line;
mod qp;
mod split;

use self::split::{RawCard, Splitter};
use super::draft::{ContactDraft, RecordError};
use super::normalize::{
    birthday, clean, keep_year_in_range, month_day_string, person_name, push_tags, push_unique,
    read_birthday, unix_newlines,
};
use calcard::common::PartialDateTime;
use calcard::vcard::{
    VCard, VCardEntry, VCardKind, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardValue,
};
use encoding_rs::Encoding;
use std::io::BufRead;

/// Parses every card of `text`, one result each (for tests and callers holding a string).
pub fn parse_vcards(text: &str) -> Vec<Result<ContactDraft, RecordError>> {
    read_vcards(text.as_bytes(), None)
        .map(|card| card.unwrap_or_else(|err| Err(read_error(&err))))
        .collect()
}

/// Reads the cards of a stream one by one; `fallback` decodes non-UTF-8 text that names no
/// charset (`rel import --encoding`). The outer error is an I/O failure of the stream.
pub fn read_vcards<R: BufRead>(
    reader: R,
    fallback: Option<&'static Encoding>,
) -> impl Iterator<Item = std::io::Result<Result<ContactDraft, RecordError>>> {
    Splitter::new(reader, fallback).map(|card| card.map(card_to_draft))
}

fn read_error(err: &std::io::Error) -> RecordError {
    RecordError {
        record: 1,
        line: None,
        message: format!("read error: {err}"),
    }
}

fn card_to_draft(card: RawCard) -> Result<ContactDraft, RecordError> {
    let fail = |message: String| RecordError {
        record: card.record,
        line: Some(card.line),
        message,
    };
    let body = card.body.as_deref().map_err(|e| fail(e.clone()))?;
    let vcard = VCard::parse(body).map_err(|entry| fail(format!("unreadable vCard: {entry:?}")))?;
    let mut draft = to_draft(&vcard, body).map_err(fail)?;
    draft.line = Some(card.line);
    draft.warnings.splice(0..0, card.warnings);
    Ok(draft)
}

fn to_draft(vcard: &VCard, body: &str) -> Result<ContactDraft, String> {
    let mut draft = ContactDraft::default();
    let mut full_name = None;
    let mut structured_name = None;
    let mut title = None;
    let mut role = None;
    let mut has_bday = false;
    let mut is_group = false;
    let mut members = Vec::new();
    // ORG and TITLE values past the first: rel keeps one company and one job.
    let mut extra = Vec::new();
    for entry in &vcard.entries {
        match &entry.name {
            VCardProperty::Fn => full_name = full_name.or_else(|| clean(&joined(entry, " "))),
            VCardProperty::N => structured_name = structured_name.or_else(|| name_from_n(entry)),
            VCardProperty::Email => {
                let email = joined(entry, ",");
                push_unique(&mut draft.emails, strip_scheme(&email, "mailto:"), true);
            }
            VCardProperty::Tel => {
                let tel = joined(entry, ",");
                push_unique(&mut draft.phones, strip_scheme(&tel, "tel:"), false);
            }
            VCardProperty::Org => match (&draft.org, first_component(entry)) {
                (None, org) => draft.org = org,
                (Some(kept), Some(org)) if *kept != org => extra.push(format!("ORG '{org}'")),
                _ => {}
            },
            VCardProperty::Title => match (&title, clean(&joined(entry, ", "))) {
                (None, given) => title = given,
                (Some(kept), Some(given)) if *kept != given => {
                    extra.push(format!("TITLE '{given}'"))
                }
                _ => {}
            },
            VCardProperty::Role => role = role.or_else(|| clean(&joined(entry, ", "))),
            VCardProperty::Bday => {
                has_bday = true;
                if draft.birthday.is_none() {
                    draft.birthday = bday(entry);
                }
            }
            // A second NOTE is kept after the first, a blank line between.
            VCardProperty::Note => {
                if let Some(text) = clean(&joined(entry, ",")) {
                    draft.note = Some(match draft.note.take() {
                        Some(first) if first != text => format!("{first}\n\n{text}"),
                        Some(first) => first,
                        None => text,
                    });
                }
            }
            VCardProperty::Categories => push_tags(&mut draft.tags, &joined(entry, ",")),
            VCardProperty::Uid if draft.uid.is_none() => draft.uid = clean(&joined(entry, ",")),
            VCardProperty::Kind => is_group |= names_group(entry),
            VCardProperty::Member => members.extend(clean(&joined(entry, ","))),
            VCardProperty::Other(name) => {
                let name = name.to_ascii_uppercase();
                match name.as_str() {
                    "X-REL-EVERY" => {
                        draft.every = draft.every.or_else(|| clean(&joined(entry, ",")))
                    }
                    "X-ADDRESSBOOKSERVER-KIND" => is_group |= names_group(entry),
                    "X-ADDRESSBOOKSERVER-MEMBER" => members.extend(clean(&joined(entry, ","))),
                    // rel's own, from `rel export --to vcard`.
                    "X-REL-HANDLE" => draft.handle = clean(&joined(entry, ",")),
                    "X-REL-VIA" => draft.via = clean(&joined(entry, ",")),
                    "X-REL-CREATED-AT" => draft.created_at = clean(&joined(entry, ",")),
                    "X-REL-ARCHIVED-AT" => draft.archived_at = clean(&joined(entry, ",")),
                    "X-REL-SNOOZED-UNTIL" => draft.snoozed_until = clean(&joined(entry, ",")),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if has_bday && draft.birthday.is_none() {
        match raw_bday(body) {
            Some(raw) => {
                let (kept, warning) = read_birthday(&raw);
                draft.birthday = kept;
                draft.warnings.extend(warning);
            }
            None => draft
                .warnings
                .push("birthday could not be read; left empty".into()),
        }
    } else if let Some(date) = draft.birthday.take() {
        let (kept, warning) = keep_year_in_range(date.clone(), &date);
        draft.birthday = kept;
        draft.warnings.extend(warning);
    }
    draft.note = draft.note.map(unix_newlines);
    if !extra.is_empty() {
        draft.warnings.push(format!(
            "only the first company and job title are kept; not imported: {}",
            extra.join(", ")
        ));
    }
    // TITLE is the job as written on a business card; ROLE is only a fallback.
    draft.role = title.or(role);
    if is_group {
        draft.members = Some(members);
    }
    // A company card (iCloud's `X-ABShowAs:COMPANY`, an empty FN) goes by its company; a
    // card with nothing else by its email or phone.
    draft.name = full_name
        .or(structured_name)
        .or_else(|| draft.org.clone())
        .or_else(|| draft.emails.first().cloned())
        .or_else(|| draft.phones.first().cloned())
        .ok_or_else(|| "card has no FN, N, ORG, EMAIL or TEL to name it by".to_string())?;
    Ok(draft)
}

/// `KIND:group` (or iCloud's `X-ADDRESSBOOKSERVER-KIND:group`).
fn names_group(entry: &VCardEntry) -> bool {
    entry.values.iter().any(|value| match value {
        VCardValue::Kind(kind) => *kind == VCardKind::Group,
        VCardValue::Text(text) => text.trim().eq_ignore_ascii_case("group"),
        _ => false,
    })
}

/// All text of a property as one string, whatever shape calcard gave it.
fn joined(entry: &VCardEntry, separator: &str) -> String {
    let mut parts = Vec::new();
    for value in &entry.values {
        match value {
            VCardValue::Text(text) => parts.push(text.clone()),
            VCardValue::Component(items) => parts.push(items.join(separator)),
            VCardValue::Integer(n) => parts.push(n.to_string()),
            _ => {}
        }
    }
    parts.join(separator)
}

/// `N:Family;Given;Additional;Prefix;Suffix`, read in the order the name is written
/// (see `person_name`).
fn name_from_n(entry: &VCardEntry) -> Option<String> {
    let part = |index: usize| match entry.values.get(index) {
        Some(VCardValue::Text(text)) => text.trim().to_string(),
        Some(VCardValue::Component(items)) => items.join(" ").trim().to_string(),
        _ => String::new(),
    };
    person_name(&part(1), &part(2), &part(0))
}

/// ORG is `Company;Department;…`; only the company matters to us.
fn first_component(entry: &VCardEntry) -> Option<String> {
    match entry.values.first()? {
        VCardValue::Text(text) => clean(text),
        VCardValue::Component(items) => items.first().and_then(|item| clean(item)),
        _ => None,
    }
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> &'a str {
    let value = value.trim();
    match value.get(..scheme.len()) {
        Some(head) if head.eq_ignore_ascii_case(scheme) => value.get(scheme.len()..).unwrap_or(""),
        _ => value,
    }
}

fn bday(entry: &VCardEntry) -> Option<String> {
    let date = match entry.values.first()? {
        VCardValue::PartialDateTime(date) => from_partial(date)?,
        VCardValue::Text(text) => birthday(text)?,
        _ => return None,
    };
    // Apple stores a birthday without a year as year 1604 plus this marker.
    let omitted = entry.params.iter().any(|param| {
        matches!(&param.name, VCardParameterName::Other(name)
            if name.eq_ignore_ascii_case("X-APPLE-OMIT-YEAR"))
            && matches!(&param.value, VCardParameterValue::Text(year) if date.starts_with(year.as_str()))
    });
    match (omitted, date.get(4..)) {
        (true, Some(month_day)) if date.len() == 10 => Some(format!("-{month_day}")),
        _ => Some(date),
    }
}

/// The text of the first `BDAY` line, read raw: calcard reads a vCard 4
/// `BDAY:1990-05-06T10:00:00Z` (extended format, common in the wild though RFC 6350 wants
/// `19900506`) as plain May 1990, and gives nothing for text it cannot read, which we
/// still want to name in a warning.
fn raw_bday(body: &str) -> Option<String> {
    body.lines().find_map(|line| {
        let (head, value) = line.split_once(':')?;
        let name = head.split(';').next()?;
        let name = name.rsplit('.').next()?;
        name.trim()
            .eq_ignore_ascii_case("BDAY")
            .then(|| value.trim().to_string())
    })
}

fn from_partial(date: &PartialDateTime) -> Option<String> {
    let year = date.year.map(i32::from);
    month_day_string(year, u32::from(date.month?), u32::from(date.day?))
}

#[cfg(test)]
mod tests;
