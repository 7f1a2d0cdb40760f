//! Every received operation passes the checks the command line passes ("One rule for every way
//! in"), whatever the remote and whoever wrote it: a handle without commas, a known channel, a
//! cadence, a birthday, a note of at most 1 MiB without NUL, times in 1900–9999, a known
//! setting. The checks are `crate::checks`, the very functions `rel add`, `rel log` and `rel
//! import` call; none depends on this machine's clock or journal (how far in the future a time
//! may be is the sender's check), so every machine refuses the same operations. What fails is
//! quarantined by the fold (`quarantine.rs`), never applied.

use crate::checks;
use crate::db::entity::{self, Kind};
use crate::sync::log::oplog::{BODY_VERSION, Body};
use serde_json::Value;

/// Larger than any operation rel writes (a 1 MiB note, every byte escaped as `\u0000`, is
/// 6 MiB), and what the PostgreSQL remote lets in: a larger body is refused before it is
/// parsed, so a hostile one costs no more memory than its own bytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Reasons quoting user data are cut here: a warning line, not a copy of the data.
const MAX_REASON_CHARS: usize = 200;

/// The operation's body when it passes every check, else why not (one line, for the warning).
/// A body of a newer format version is handed back unchecked: the fold keeps it and skips it.
pub fn check(text: &str) -> Result<Body, String> {
    if text.len() > MAX_BODY_BYTES {
        return Err(format!(
            "the change is too large ({} bytes; no change rel writes exceeds {MAX_BODY_BYTES})",
            text.len()
        ));
    }
    let body: Body =
        serde_json::from_str(text).map_err(|_| "the change is not one rel can read".to_string())?;
    if body.v != BODY_VERSION {
        return Ok(body);
    }
    check_body(&body).map_err(|reason| cut(&reason))?;
    Ok(body)
}

/// Whether applying an operation failed on one of SQLite's constraints (a CHECK, NOT NULL or
/// UNIQUE the checks above did not foresee): that operation is quarantined, not the sync
/// stopped. (The error has become text by then; SQLite's wording is stable.)
pub fn is_constraint(err: &crate::error::Error) -> bool {
    err.message.contains("constraint failed")
}

fn cut(reason: &str) -> String {
    if reason.chars().count() <= MAX_REASON_CHARS {
        return reason.to_string();
    }
    let mut short: String = reason.chars().take(MAX_REASON_CHARS).collect();
    short.push('…');
    short
}

fn check_body(body: &Body) -> Result<(), String> {
    let kind = body
        .k
        .known()
        .ok_or_else(|| format!("unknown kind of record '{}'", body.k.name()))?;
    if body.uid.trim().is_empty() {
        return Err(format!("a {} without a uid", kind.name()));
    }
    if kind == Kind::Setting {
        return setting(&body.uid, body.set.get("value"));
    }
    for (field, value) in &body.set {
        match kind {
            Kind::Contact => contact_field(field, value)?,
            Kind::Interaction => interaction_field(field, value)?,
            Kind::FollowUp => followup_field(field, value)?,
            Kind::Setting => {}
        }
    }
    Ok(())
}

/// The message of a command line check.
fn msg(err: crate::error::Error) -> String {
    err.message
}

fn text<'v>(field: &str, value: &'v Value) -> Result<&'v str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("{field} must be text, not {}", json_type(value)))
}

fn optional_text<'v>(field: &str, value: &'v Value) -> Result<Option<&'v str>, String> {
    match value {
        Value::Null => Ok(None),
        other => text(field, other).map(Some),
    }
}

/// A time rel stores: seconds since 1970, within years 1900–9999 (as `checks::instant`).
fn time(field: &str, value: &Value, nullable: bool) -> Result<(), String> {
    match value {
        Value::Null if nullable => Ok(()),
        _ => {
            let unix = value
                .as_i64()
                .ok_or_else(|| format!("{field} must be a time, not {}", json_type(value)))?;
            checks::instant(field, unix).map(|_| ()).map_err(msg)
        }
    }
}

fn flag(field: &str, value: &Value) -> Result<(), String> {
    match value {
        Value::Bool(_) => Ok(()),
        other => Err(format!(
            "{field} must be true or false, not {}",
            json_type(other)
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn note(field: &str, value: &Value, nullable: bool) -> Result<(), String> {
    match value {
        Value::Null if nullable => Ok(()),
        other => checks::note(text(field, other)?).map_err(msg),
    }
}

fn contact_field(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "handle" => checks::imported_handle(text(field, value)?).map_err(msg),
        "name" => checks::name(text(field, value)?).map(|_| ()).map_err(msg),
        "org" | "role" | "via" | "merged_into" => optional_text(field, value).map(|_| ()),
        "every" => match optional_text(field, value)? {
            Some(every) => checks::cadence(every).map(|_| ()).map_err(msg),
            None => Ok(()),
        },
        "birthday" => match optional_text(field, value)? {
            Some(day) => checks::birthday(day).map(|_| ()).map_err(msg),
            None => Ok(()),
        },
        "note" => note(field, value, true),
        "owner" => match optional_text(field, value)? {
            // `none` is the command line's word for nobody, never a stored owner.
            Some(owner) => match checks::member(owner).map_err(msg)? {
                Some(_) => Ok(()),
                None => Err(format!("owner '{owner}' is not a member name")),
            },
            None => Ok(()),
        },
        "created_at" => time(field, value, false),
        "archived_at" | "snoozed_until" | "dismissed_until" | "removed" => time(field, value, true),
        _ => list_item(field, value),
    }
}

/// `tag:x`, `email:x`, `phone:x`, `alias:x` = true or false; fields of a newer rel are kept
/// as registers only (never written to a table), so they pass.
fn list_item(field: &str, value: &Value) -> Result<(), String> {
    let Some((_, _, item)) = entity::list_item(field) else {
        return Ok(());
    };
    flag(field, value)?;
    let prefix = &field[..field.len() - item.len() - 1];
    match prefix {
        "tag" => {
            if checks::tags(&[item.to_string()]) != [item] {
                return Err(format!("invalid tag '{item}'"));
            }
        }
        "alias" => checks::imported_handle(item).map_err(msg)?,
        // Emails and phones as the command line keeps them: trimmed, not empty.
        _ => {
            if checks::list(&[item.to_string()]) != [item] {
                return Err(format!("invalid {prefix} '{item}'"));
            }
        }
    }
    Ok(())
}

fn interaction_field(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "at" | "created_at" => time(field, value, false),
        "channel" => {
            let channel = text(field, value)?;
            match checks::channel(channel).map_err(msg)? {
                known if known == channel => Ok(()),
                _ => Err(format!("unknown channel '{channel}'")),
            }
        }
        "note" => note(field, value, false),
        "author" => match optional_text(field, value)? {
            Some(author) => checks::member(author).map(|_| ()).map_err(msg),
            None => Ok(()),
        },
        "source_kind" => match optional_text(field, value)? {
            None | Some("ics" | "mail") => Ok(()),
            Some(other) => Err(format!("unknown source kind '{other}'")),
        },
        "source_id" | "source_print" => optional_text(field, value).map(|_| ()),
        "alive" => flag(field, value),
        "respect" | "empathy" | "integrity" | "trust" | "honesty" => match value.as_i64() {
            // The same rule as `rel log -t` and `rel import`: a mark is 1 or -1 (0: none).
            Some(-1..=1) => Ok(()),
            _ => Err(format!("trait '{field}' must be 1 or -1, not {value}")),
        },
        _ => match field.strip_prefix("with:") {
            Some("") => Err("a participant without a uid".into()),
            Some(_) if value.is_null() || value.as_i64().is_some_and(|p| p >= 0) => Ok(()),
            Some(_) => Err(format!(
                "a participant's position must be a number, not {value}"
            )),
            None => Ok(()),
        },
    }
}

fn followup_field(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "due_at" | "created_at" => time(field, value, false),
        "done_at" => time(field, value, true),
        "text" => {
            note(field, value, false)?;
            if text(field, value)?.trim().is_empty() {
                return Err("a follow-up needs a text".into());
            }
            Ok(())
        }
        "contact" => text(field, value).map(|_| ()),
        "interaction" => optional_text(field, value).map(|_| ()),
        "alive" => flag(field, value),
        _ => Ok(()),
    }
}

/// A setting: a key `rel config` knows (machine settings such as `me.email` are never synced)
/// and a value it would store, or null (unset).
fn setting(key: &str, value: Option<&Value>) -> Result<(), String> {
    if checks::setting_key(key) != key || !checks::is_known_setting(key) {
        return Err(msg(checks::unknown_setting(key)));
    }
    if checks::is_machine_setting(key) {
        return Err(format!(
            "setting '{key}' belongs to one machine and is not synced"
        ));
    }
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(value) => checks::setting(key, text("value", value)?)
            .map(|_| ())
            .map_err(|err| format!("{key}: {}", err.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(field: &str, value: Value) -> String {
        serde_json::json!({"v": 1, "k": "contact", "uid": "u1", "set": {field: value}}).to_string()
    }

    #[test]
    fn the_command_lines_checks_refuse_what_it_refuses() {
        for (field, value, reason) in [
            ("handle", "a,b", "invalid handle 'a,b'"),
            ("handle", "", "invalid handle ''"),
            ("every", "banana", "invalid cadence 'banana'"),
            ("birthday", "garbage", "invalid birthday 'garbage'"),
            ("note", "nul \0 inside", "note contains NUL bytes"),
        ] {
            assert_eq!(check(&contact(field, value.into())).unwrap_err(), reason);
        }
        let far = contact("created_at", i64::MAX.into());
        assert_eq!(check(&far).unwrap_err(), "created_at is out of range");
        let marks = r#"{"v":1,"k":"interaction","uid":"i","set":{"respect":5}}"#;
        assert_eq!(
            check(marks).unwrap_err(),
            "trait 'respect' must be 1 or -1, not 5"
        );
        assert!(check("[]").is_err());
        assert!(check(r#"{"v":1,"k":"zzz","uid":"u"}"#).is_err());
        assert!(check(r#"{"v":1,"k":"setting","uid":"colour","set":{"value":"red"}}"#).is_err());
    }

    #[test]
    fn a_change_larger_than_any_rel_writes_is_refused_unread_and_not_kept() {
        let huge = contact("note", "x".repeat(MAX_BODY_BYTES).into());
        assert_eq!(
            check(&huge).unwrap_err(),
            format!(
                "the change is too large ({} bytes; no change rel writes exceeds 8388608)",
                huge.len()
            )
        );
        assert_eq!(super::super::receive::kept_body(&huge), None);
        let fine = contact("note", "x".into());
        assert_eq!(super::super::receive::kept_body(&fine), Some(fine.as_str()));
    }

    #[test]
    fn what_rel_writes_passes() {
        let body = serde_json::json!({"v": 1, "k": "contact", "uid": "u1", "new": true, "set": {
            "handle": "ann-lee", "name": "Ann Lee", "created_at": 1_700_000_000, "every": "2w",
            "birthday": "--05-01", "tag:work": true, "email:a@b.c": true, "removed": null,
            "note": null, "org": null, "owner": "alice"}});
        assert!(check(&body.to_string()).is_ok());
        let setting = r#"{"v":1,"k":"setting","uid":"default-every","set":{"value":"2w"}}"#;
        assert!(check(setting).is_ok());
        // A newer format is kept and skipped by the fold, not refused.
        assert!(check(r#"{"v":2,"k":"zzz","uid":"u"}"#).is_ok());
    }
}
