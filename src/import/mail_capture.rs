//! Mail headers for capture: one message's header block (never its body) becomes a
//! [`MessageDraft`]. mail-parser reads RFC 5322 headers, folded lines and RFC 2047 encoded
//! words; this file picks the fields capture needs. It never touches the database and never
//! panics on bad input.

use super::people::{Person, clean_email};
use mail_parser::{Address, HeaderValue, MessageParser};
use sha2::{Digest, Sha256};

/// What capture needs of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDraft {
    /// The `Message-ID` without angle brackets, or `hash:…` of Date, From and Subject.
    pub message_id: String,
    /// The thread's root: the first id of `References`, else `In-Reply-To`, else its own id.
    pub thread: String,
    pub at: i64,
    pub subject: String,
    pub from: Vec<Person>,
    /// To and Cc (Bcc is never read: a blind copy is not a conversation).
    pub recipients: Vec<Person>,
    /// Why it is bulk mail (`List-Id`, `List-Unsubscribe`, `Precedence`, `Auto-Submitted`).
    pub bulk: Option<&'static str>,
}

/// Why a header block is not a message capture can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Reads one header block (the bytes before the first empty line).
pub fn read_headers(header: &[u8]) -> Result<MessageDraft, Unreadable> {
    let message = MessageParser::new()
        .parse_headers(header)
        .ok_or_else(|| Unreadable("no headers".into()))?;
    let date = message
        .date()
        .filter(|d| d.is_valid())
        .ok_or_else(|| Unreadable("no valid Date header".into()))?;
    let at = date.to_timestamp();
    let from = addresses(message.from());
    if from.is_empty() {
        return Err(Unreadable("no From address".into()));
    }
    let subject = message
        .subject()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let mut recipients = addresses(message.to());
    for person in addresses(message.cc()) {
        if !recipients.iter().any(|p| p.email == person.email) {
            recipients.push(person);
        }
    }
    let message_id = match message.message_id().and_then(clean_id) {
        Some(id) => id,
        None => {
            // Stable for the same message wherever it is read, so a re-import matches it.
            let mut hasher = Sha256::new();
            hasher.update(at.to_le_bytes());
            hasher.update(from[0].email.as_bytes());
            hasher.update([0]);
            hasher.update(subject.as_bytes());
            let digest = hasher.finalize();
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("hash:{hex}")
        }
    };
    let thread = first_id(message.references())
        .or_else(|| first_id(message.in_reply_to()))
        .unwrap_or_else(|| message_id.clone());
    let bulk = bulk_reason(&message);
    Ok(MessageDraft {
        message_id,
        thread,
        at,
        subject,
        from,
        recipients,
        bulk,
    })
}

fn bulk_reason(message: &mail_parser::Message<'_>) -> Option<&'static str> {
    let present = |value: &HeaderValue<'_>| !matches!(value, HeaderValue::Empty);
    if present(message.list_id()) {
        return Some("List-Id");
    }
    if present(message.list_unsubscribe()) {
        return Some("List-Unsubscribe");
    }
    let raw = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if raw("Precedence").is_some_and(|p| matches!(p.as_str(), "bulk" | "list" | "junk")) {
        return Some("Precedence");
    }
    // `Auto-Submitted: no` is a person's own message; anything else (auto-replied,
    // auto-generated, auto-notified) was sent by a machine.
    if raw("Auto-Submitted").is_some_and(|a| !a.is_empty() && a.split(';').next() != Some("no")) {
        return Some("Auto-Submitted");
    }
    None
}

fn addresses(field: Option<&Address<'_>>) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let Some(field) = field else {
        return people;
    };
    for addr in field.iter() {
        let Some(email) = addr.address().and_then(clean_email) else {
            continue;
        };
        if people.iter().any(|p| p.email == email) {
            continue;
        }
        let name = addr
            .name()
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&email));
        people.push(Person::new(email, name));
    }
    people
}

/// A message id as rel keeps it: without `<>`, no spaces; None when empty.
fn clean_id(raw: &str) -> Option<String> {
    let id = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(id.to_string())
}

fn first_id(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Text(id) => clean_id(id),
        HeaderValue::TextList(ids) => ids.iter().find_map(|id| clean_id(id)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "mail_capture_tests.rs"]
mod tests;
