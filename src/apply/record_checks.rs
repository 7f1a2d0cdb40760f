//! The checks a record of an import file passes: those of the command that would create it
//! (`crate::checks`), plus RFC 3339 times in range.

use crate::checks;
use crate::db::import::IncomingContact;
use crate::error::Error;
use chrono::DateTime;

/// A contact as `rel add` would store it, or why `rel add` would refuse it.
pub(super) fn checked_contact(
    contact: IncomingContact,
) -> std::result::Result<IncomingContact, String> {
    let reason = |err: Error| err.message;
    let note = checks::optional(&contact.note);
    if let Some(note) = &note {
        checks::note(note).map_err(reason)?;
    }
    Ok(IncomingContact {
        name: checks::name(&contact.name).map_err(reason)?,
        org: checks::optional(&contact.org),
        role: checks::optional(&contact.role),
        emails: checks::list(&contact.emails),
        phones: checks::list(&contact.phones),
        tags: checks::tags(&contact.tags),
        every: contact
            .every
            .as_deref()
            .map(checks::cadence)
            .transpose()
            .map_err(reason)?,
        birthday: contact
            .birthday
            .as_deref()
            .map(checks::birthday)
            .transpose()
            .map_err(reason)?,
        note,
        // `none` (as `rel edit --owner none`) says unowned, which an import leaves as it is.
        owner: contact
            .owner
            .as_deref()
            .map(checks::member)
            .transpose()
            .map_err(reason)?
            .flatten(),
        ..contact
    })
}

pub(super) fn time(field: &str, text: &str) -> std::result::Result<i64, String> {
    let unix = DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| format!("{field} '{text}' is not an RFC 3339 time"))?;
    checks::instant(&format!("{field} '{text}'"), unix).map_err(|e| e.message)
}

pub(super) fn time_opt(
    field: &str,
    text: &Option<String>,
) -> std::result::Result<Option<i64>, String> {
    text.as_deref().map(|t| time(field, t)).transpose()
}
