//! How a name becomes a handle: folded for forgiving matches, transliterated to the slug a
//! handle is made of, and numbered until it is free.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-case, accents removed (é → e), for handles and forgiving matches.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The handle a name asks for: transliterated to ASCII (`é` → `e`, `ß` → `ss`, `최유림` →
/// `choe-yu-rim`, `ドラえもん` → `doraemon`) so a handle can be typed on any keyboard,
/// lower-cased, non-alphanumerics to `-`, runs collapsed, ends trimmed. The name is
/// composed (NFKC) first, never decomposed: decomposing splits `ド` into `ト` and a voicing
/// mark, and dropping the mark turned `doraemon` into `toraemon`; NFKC also joins
/// half-width `ﾄﾞ` into `ド`. deunicode folds accents of composed letters itself.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let composed: String = name.nfkc().filter(|c| !is_combining_mark(*c)).collect();
    let ascii = deunicode::deunicode_with_tofu(&composed, "-");
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "contact".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Whether a contact holds `handle` (cached: the fold asks once per contact it settles).
pub fn handle_taken(conn: &Connection, handle: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM contacts WHERE handle = ?1")?
        .query_row([handle], |_| Ok(()))
        .optional()?
        .is_some())
}

/// `base`, or `base-2`, `base-3`… whichever is free.
pub fn unique_handle(conn: &Connection, base: &str) -> Result<String> {
    if !handle_taken(conn, base)? {
        return Ok(base.to_string());
    }
    for n in 2.. {
        let candidate = format!("{base}-{n}");
        if !handle_taken(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("an unbounded range always yields a free handle")
}

/// Checks a handle the user typed (`--handle`): it must already be in handle form and free.
pub fn check_new_handle(conn: &Connection, handle: &str) -> Result<()> {
    if slug(handle) != handle {
        return Err(
            Error::usage(format!("invalid handle '{handle}'")).with_hint(format!(
                "handles are lower-case letters, digits and '-', e.g. '{}'",
                slug(handle)
            )),
        );
    }
    if handle_taken(conn, handle)? {
        return Err(Error::usage(format!("handle '{handle}' is taken"))
            .with_hint("choose another with --handle"));
    }
    Ok(())
}
