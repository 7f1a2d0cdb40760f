//! vCard 2.1 / 3.0 / 4.0 import. `calcard` does the hard part (unfolding,
//! escapes, quoted-printable with CHARSET, base64); we cut the text into
//! cards ourselves first, because calcard reports neither line numbers nor a
//! missing `END:VCARD`, and one broken card must not sink its neighbours.

use super::draft::{ContactDraft, RecordError};
use super::normalize::{birthday, clean, month_day_string, push_tags, push_unique};
use calcard::common::PartialDateTime;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue,
};

/// Parses every `BEGIN:VCARD … END:VCARD` record in `text`, one result each.
pub fn parse_vcards(text: &str) -> Vec<Result<ContactDraft, RecordError>> {
    let cards = split_cards(text);
    if cards.is_empty() {
        return vec![Err(RecordError {
            record: 1,
            line: None,
            message: "no vCard found (expected BEGIN:VCARD)".into(),
        })];
    }
    cards
        .into_iter()
        .enumerate()
        .map(|(index, card)| {
            let fail = |message: String| RecordError {
                record: index + 1,
                line: Some(card.line),
                message,
            };
            let body = card.body.map_err(fail)?;
            let vcard =
                VCard::parse(body).map_err(|entry| fail(format!("unreadable vCard: {entry:?}")))?;
            to_draft(&vcard, body).map_err(fail)
        })
        .collect()
}

/// One card's text, or why it has none, and the 1-based line of its BEGIN.
struct RawCard<'a> {
    line: usize,
    body: Result<&'a str, String>,
}

fn split_cards(text: &str) -> Vec<RawCard<'_>> {
    let mut cards = Vec::new();
    // (line number, byte offset) of the BEGIN still waiting for its END.
    let mut open: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let start = offset + (line.len() - trimmed.len());
        offset += line.len();
        // Folded continuation lines start with a space and so never match.
        let keyword = trimmed.trim_end();
        if keyword.eq_ignore_ascii_case("BEGIN:VCARD") {
            if let Some((begin, _)) = open.replace((line_no, start)) {
                cards.push(RawCard {
                    line: begin,
                    body: Err(format!("missing END:VCARD before line {line_no}")),
                });
            }
        } else if keyword.eq_ignore_ascii_case("END:VCARD")
            && let Some((begin, from)) = open.take()
        {
            // Both offsets sit on line starts, so the slice cannot split a character.
            let body = text
                .get(from..offset)
                .ok_or_else(|| "internal: bad card bounds".into());
            cards.push(RawCard { line: begin, body });
        }
    }
    if let Some((begin, _)) = open {
        cards.push(RawCard {
            line: begin,
            body: Err("missing END:VCARD at end of file".into()),
        });
    }
    cards
}

fn to_draft(vcard: &VCard, body: &str) -> Result<ContactDraft, String> {
    let mut draft = ContactDraft::default();
    let mut full_name = None;
    let mut structured_name = None;
    let mut title = None;
    let mut role = None;
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
            VCardProperty::Org if draft.org.is_none() => draft.org = first_component(entry),
            VCardProperty::Title => title = title.or_else(|| clean(&joined(entry, ", "))),
            VCardProperty::Role => role = role.or_else(|| clean(&joined(entry, ", "))),
            VCardProperty::Bday if draft.birthday.is_none() => draft.birthday = bday(entry),
            VCardProperty::Note if draft.note.is_none() => draft.note = clean(&joined(entry, ",")),
            VCardProperty::Categories => push_tags(&mut draft.tags, &joined(entry, ",")),
            VCardProperty::Uid if draft.uid.is_none() => draft.uid = clean(&joined(entry, ",")),
            VCardProperty::Other(name) if name.eq_ignore_ascii_case("X-REL-EVERY") => {
                draft.every = draft.every.or_else(|| clean(&joined(entry, ",")));
            }
            _ => {}
        }
    }
    draft.birthday = draft.birthday.or_else(|| raw_bday(body));
    // TITLE is the job as written on a business card; ROLE is only a fallback.
    draft.role = title.or(role);
    draft.name = full_name
        .or(structured_name)
        .or_else(|| draft.emails.first().cloned())
        .ok_or_else(|| "card has no FN, N or EMAIL to name it by".to_string())?;
    Ok(draft)
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

/// `N:Family;Given;Additional;Prefix;Suffix` read as "Given Additional Family".
fn name_from_n(entry: &VCardEntry) -> Option<String> {
    let part = |index: usize| match entry.values.get(index) {
        Some(VCardValue::Text(text)) => text.trim().to_string(),
        Some(VCardValue::Component(items)) => items.join(" ").trim().to_string(),
        _ => String::new(),
    };
    let words = [part(1), part(2), part(0)];
    clean(
        &words
            .iter()
            .filter(|w| !w.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
    )
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

/// calcard reads a vCard 4 `BDAY:1990-05-06T10:00:00Z` (extended format,
/// common in the wild though RFC 6350 wants `19900506`) as plain May 1990,
/// so a date it could not complete is read again from the raw line.
fn raw_bday(body: &str) -> Option<String> {
    body.lines().find_map(|line| {
        let (head, value) = line.split_once(':')?;
        let name = head.split(';').next()?;
        let name = name.rsplit('.').next()?;
        name.trim()
            .eq_ignore_ascii_case("BDAY")
            .then(|| birthday(value))
            .flatten()
    })
}

fn from_partial(date: &PartialDateTime) -> Option<String> {
    let year = date.year.map(i32::from);
    month_day_string(year, u32::from(date.month?), u32::from(date.day?))
}

#[cfg(test)]
#[path = "vcard_tests.rs"]
mod tests;
