//! One set of checks for every way a record gets in: the commands (`add`, `edit`, `log`,
//! `amend`, `remind`, `config`) and `rel import` call the same functions, so a record that
//! arrives from a file passes exactly what the command that would create it passes.

use crate::db::contacts::slug;
use crate::error::{Error, Result};
use crate::when::Cadence;
use chrono::NaiveDate;

pub use crate::model::parse_channel as channel;

/// Notes longer than this are refused: a relationship note is not a file store.
pub const MAX_NOTE_BYTES: usize = 1024 * 1024;

/// A display name: trimmed, not empty.
pub fn name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::usage("a contact needs a name"));
    }
    Ok(name.to_string())
}

/// A handle given by the user (`--handle`): already in handle form (the slug of itself).
pub fn handle(handle: &str) -> Result<()> {
    let wanted = slug(handle);
    if wanted != handle || handle.is_empty() {
        return Err(
            Error::usage(format!("invalid handle '{handle}'")).with_hint(format!(
                "handles are lower-case letters, digits and '-', e.g. '{wanted}'"
            )),
        );
    }
    Ok(())
}

/// A handle from an import file: lower-case letters, digits and `-`. Accents and letters an
/// older rel's slug kept (`yılmaz`) pass, and are folded as `rel add` would fold them when
/// stored, so exports of any rel version import again; capitals, spaces, punctuation and
/// control characters are refused as `--handle` refuses them.
pub fn imported_handle(handle: &str) -> Result<()> {
    let handle_form = !handle.is_empty()
        && !handle.starts_with('-')
        && !handle.ends_with('-')
        && handle
            .chars()
            .all(|c| c == '-' || (c.is_alphanumeric() && !c.is_uppercase()));
    if handle_form {
        return Ok(());
    }
    Err(
        Error::usage(format!("invalid handle '{handle}'")).with_hint(format!(
            "handles are lower-case letters, digits and '-', e.g. '{}'",
            slug(handle)
        )),
    )
}

/// Empty strings mean "none" (so `--org ''` clears in edit).
pub fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Emails and phones: trimmed, empty ones dropped.
pub fn list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// On the command line an empty item of a list option (`-t trust,`, `-t ""`, `--tag ""`) is a
/// slip, not a wish: exit 2 naming the option. (Imported files drop empty items silently.)
pub fn no_empty_items(option: &str, values: &[String]) -> Result<()> {
    for value in values {
        if value.split(',').any(|item| item.trim().is_empty()) {
            return Err(
                Error::usage(format!("{option} '{value}' has an empty item")).with_hint(format!(
                    "give each item once, separated by commas without spaces: {option} a,b"
                )),
            );
        }
    }
    Ok(())
}

/// Tags are lower-case; `--tag a,b` gives two tags.
pub fn tags(values: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// A cadence as stored (trimmed, lower-case). `inherit` is `rel edit`'s word, not a cadence.
pub fn cadence(text: &str) -> Result<String> {
    let text = text.trim().to_lowercase();
    Cadence::parse(&text)?;
    Ok(text)
}

/// `YYYY-MM-DD` (years 1900–9999), or `--MM-DD` / `MM-DD` when the year is unknown.
pub fn birthday(text: &str) -> Result<String> {
    let text = text.trim();
    let bad = || {
        Error::usage(format!("invalid birthday '{text}'"))
            .with_hint("use YYYY-MM-DD, or --MM-DD without a year")
    };
    if text.len() == 10
        && let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        crate::when::check_date_in_range(day).map_err(|err| {
            Error::usage(format!("birthday '{text}' is out of range")).with_hint(
                err.hint
                    .unwrap_or_else(|| "use --MM-DD for a birthday without a year".into()),
            )
        })?;
        return Ok(text.to_string());
    }
    let month_day = text.strip_prefix("--").unwrap_or(text);
    // Any leap year accepts every real month-day, 29 February included.
    if month_day.len() == 5
        && NaiveDate::parse_from_str(&format!("2000-{month_day}"), "%Y-%m-%d").is_ok()
    {
        return Ok(format!("--{month_day}"));
    }
    Err(bad())
}

/// A birthday with a year after today cannot be meant (`--birthday 2027-01-01` showed "in 2mo"):
/// exit 2 on the command line.
pub fn birthday_not_future(stored: &str, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let Ok(day) = NaiveDate::parse_from_str(stored, "%Y-%m-%d") else {
        return Ok(());
    };
    if day > crate::when::local_date(now) {
        return Err(
            Error::usage(format!("birthday '{stored}' is in the future")).with_hint(format!(
                "give the year of birth, or --{} without a year",
                day.format("%m-%d")
            )),
        );
    }
    Ok(())
}

/// A note (of an interaction or a contact) or a follow-up's text: at most `MAX_NOTE_BYTES`,
/// no NUL (SQLite and every terminal would cut the text there).
pub fn note(text: &str) -> Result<()> {
    if text.len() > MAX_NOTE_BYTES {
        return Err(Error::usage(format!(
            "note is too long ({} bytes; the limit is {MAX_NOTE_BYTES} bytes)",
            text.len()
        )));
    }
    if text.contains('\0') {
        return Err(Error::usage("note contains NUL bytes"));
    }
    Ok(())
}

/// The longest member name: PostgreSQL cuts role names at 63 bytes.
pub const MAX_MEMBER_BYTES: usize = 63;

/// A team member's name (a contact's `owner`, an interaction's `author`), from `--owner`,
/// an import file or a PostgreSQL role: trimmed, at most 63 bytes, no control characters.
/// `none` (any case; PostgreSQL reserves it as a role name) means nobody: Ok(None).
pub fn member(text: &str) -> Result<Option<String>> {
    let name = text.trim();
    if name.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    if name.is_empty() {
        return Err(Error::usage("a member name is empty")
            .with_hint("give the member's PostgreSQL role, e.g. --owner alice, or --owner none"));
    }
    if name.len() > MAX_MEMBER_BYTES {
        return Err(Error::usage(format!(
            "member name is too long ({} bytes; PostgreSQL role names have at most {MAX_MEMBER_BYTES})",
            name.len()
        )));
    }
    if name
        .chars()
        .any(|c| c.is_control() || crate::escape::is_bidi_or_separator(c))
    {
        return Err(Error::usage("member name contains control characters"));
    }
    Ok(Some(name.to_string()))
}

/// An instant rel stores: within years 1900–9999 (the WHEN rules' one range check).
pub fn instant(field: &str, unix: i64) -> Result<i64> {
    crate::when::check_unix_in_range(unix).map_err(|err| Error {
        message: format!("{field} is out of range"),
        ..err
    })
}

/// Setting keys compare lower-cased; `every.TAG` keys name a tag, which is lower-case too.
pub fn setting_key(key: &str) -> String {
    key.trim().to_lowercase()
}

/// Whether a setting moves due dates when it changes.
pub fn is_cadence_setting(key: &str) -> bool {
    key == "default-every" || is_tag_cadence(key)
}

fn is_tag_cadence(key: &str) -> bool {
    key.strip_prefix("every.").is_some_and(|tag| {
        !tag.is_empty() && tags(&[tag.to_string()]).first().map(String::as_str) == Some(tag)
    })
}

/// Whether rel knows the (normalised) setting key.
pub fn is_known_setting(key: &str) -> bool {
    key == "default-channel" || is_cadence_setting(key) || is_machine_setting(key)
}

/// Settings of this machine's member (`me.email`: your own addresses, for capture): kept in
/// the journal but never synced, since each machine may belong to someone else in a team.
pub fn is_machine_setting(key: &str) -> bool {
    key == "me.email"
}

/// `me.email`: comma-separated addresses, each checked and lower-cased.
fn my_emails(value: &str) -> Result<String> {
    let mut kept = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !part.contains('@') || part.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::usage(format!("'{part}' is not an email address"))
                .with_hint("me.email takes addresses separated by commas"));
        }
        kept.push(part.to_lowercase());
    }
    if kept.is_empty() {
        return Err(Error::usage("me.email needs at least one address"));
    }
    Ok(kept.join(","))
}

/// A setting as `rel config KEY VALUE` stores it: a known key and a valid value; returns the
/// normalised key and value.
pub fn setting(key: &str, value: &str) -> Result<(String, String)> {
    let key = setting_key(key);
    let value = value.trim();
    let value = match key.as_str() {
        "default-channel" => channel(value)?.to_string(),
        "me.email" => my_emails(value)?,
        _ if is_cadence_setting(&key) => cadence(value)?,
        _ => return Err(unknown_setting(&key)),
    };
    Ok((key, value))
}

pub fn unknown_setting(key: &str) -> Error {
    Error::usage(format!("unknown setting '{key}'"))
        .with_hint("settings are default-every, default-channel, every.TAG and me.email")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_take_known_keys_and_valid_values_only() {
        assert_eq!(
            setting("Every.VIP", " 2W ").unwrap(),
            ("every.vip".into(), "2w".into())
        );
        assert!(setting("default-channel", "\u{1b}[31mcall").is_err());
        assert!(setting("colour", "red").is_err());
        assert!(setting("every.a,b", "2w").is_err());
        assert!(setting("every.", "2w").is_err());
    }

    #[test]
    fn birthdays_and_instants_stay_in_range() {
        assert!(birthday("1899-12-31").is_err());
        assert!(birthday("not-a-date").is_err());
        assert_eq!(birthday("02-29").unwrap(), "--02-29");
        assert!(instant("at", -2_300_000_000).is_err());
        assert!(instant("at", 0).is_ok());
    }

    #[test]
    fn notes_are_bounded_and_free_of_nul() {
        assert!(note("a\0b").is_err());
        assert!(note(&"x".repeat(MAX_NOTE_BYTES + 1)).is_err());
        assert!(note(&"x".repeat(MAX_NOTE_BYTES)).is_ok());
    }
}
