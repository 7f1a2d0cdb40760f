//! Escaping of user text for each place it ends up: a terminal (tables, charts, messages), a
//! tsv field, a csv cell a spreadsheet may open, and iCalendar text. Kept apart from `output`
//! so that `error` (which renders messages) and `output` both depend on it, not on each other.

use std::borrow::Cow;

/// Bidirectional controls and line/paragraph separators: they make a line read differently
/// from what it holds (a handle that looks reversed, a row that seems to end early).
pub fn is_bidi_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Whether any byte is outside printable ASCII (or is a backslash, when those are escaped).
/// Every byte is looked at, with no early exit: that lets the compiler check 32 at a time, and
/// the long notes `rel due` and `rel timeline` print are nearly always clean.
fn needs_escaping(text: &str, escape_backslash: bool) -> bool {
    text.bytes().fold(false, |odd, b| {
        odd | !(0x20..0x7f).contains(&b) | (escape_backslash & (b == b'\\'))
    })
}

fn escape_controls(text: &str, escape_backslash: bool) -> Cow<'_, str> {
    // Most text is plain printable ASCII: kept as it is, not copied char by char.
    if !needs_escaping(text, escape_backslash) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' if escape_backslash => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_bidi_or_separator(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// User text made safe for a terminal: control characters shown as `\n`, `\t`, `\x1b`…, bidi
/// controls and line separators as `\u{202e}`.
pub fn escape_visible(text: &str) -> String {
    escape_controls(text, false).into_owned()
}

/// One tsv field: `\t`, `\n`, `\\` and other control characters escaped, so one record is one
/// row. Bidi controls are escaped too; tsv is read by people in terminals as often as by tools.
pub fn escape_tsv(text: &str) -> Cow<'_, str> {
    escape_controls(text, true)
}

/// A csv cell a spreadsheet may open: text starting with `=`, `+`, `-`, `@`, TAB or CR would
/// run as a formula, so it gets a leading `'` (OWASP's advice). Numbers (`-3`, `+1.5`) are
/// left alone: they are data a script reads back, and a spreadsheet reads them as numbers.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let risky = text
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && text.parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// User text bound for an iCalendar TEXT value. The writer (`icalendar`) escapes `\\`, `;`,
/// `,` and LF and folds lines at 75 octets, but passes a bare CR through, which lets a note end
/// a content line for any reader that splits on CR: so every line break (CRLF, CR) becomes LF,
/// written as `\n`, and other control characters, which TEXT may not hold, are dropped.
pub fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A word as it would be typed in a shell: bare when safe, else in double quotes (single
/// quotes when it holds characters a double-quoted string expands).
pub fn shell_quoted(word: &str) -> String {
    let safe = |c: char| c.is_alphanumeric() || "-_.,:/@%+=#".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else if !word.contains(['"', '\\', '$', '`', '!']) {
        format!("\"{word}\"")
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_separators_are_shown_not_obeyed() {
        for c in [
            '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2066}',
            '\u{2069}',
        ] {
            let shown = escape_visible(&format!("a{c}b"));
            assert!(!shown.contains(c), "{c:?} passed through");
            assert!(shown.starts_with("a\\u{"), "{shown}");
        }
        assert_eq!(escape_visible("\u{1b}[31m"), "\\x1b[31m");
        assert_eq!(escape_visible("María"), "María");
    }

    #[test]
    fn csv_cells_that_would_run_as_formulas_are_quoted() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("+cmd"), "'+cmd");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "'\rx");
        assert_eq!(csv_cell("-3"), "-3");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell(""), "");
    }

    proptest::proptest! {
        #[test]
        fn the_whole_scan_finds_what_stopping_at_the_first_odd_byte_found(
            text in "(?s).{0,80}", backslash: bool,
        ) {
            let stopping = !text
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) && !(backslash && b == b'\\'));
            proptest::prop_assert_eq!(needs_escaping(&text, backslash), stopping);
        }
    }

    #[test]
    fn ics_text_turns_every_line_break_into_lf() {
        assert_eq!(ics_text("a\rb\r\nc\nd\u{1b}"), "a\nb\nc\nd");
    }
}
