//! `rel export --to csv --contacts` and `rel export --to vcard`: contacts in forms that other
//! programs read and that `rel import` reads back losing nothing (the handle, introducer
//! and times ride along in rel's own CSV columns and `X-REL-*` vCard properties).

use crate::db::contacts::Contact;
use crate::db::export;
use crate::error::Result;
use crate::output::rfc3339;
use rusqlite::Connection;
use std::io::Write;

/// rel's own contact columns, in the order `rel import` documents them.
pub const CONTACT_CSV_HEADER: [&str; 15] = [
    "uid",
    "handle",
    "name",
    "org",
    "role",
    "email",
    "phone",
    "tags",
    "every",
    "birthday",
    "via",
    "note",
    "created_at",
    "archived_at",
    "snoozed_until",
];

/// What joins the items of a list cell.
pub const LIST_SEPARATOR: &str = " ::: ";

/// One row per contact; several emails, phones or tags in a cell joined by ` ::: ` (as
/// Google Contacts writes them), so that a phone `+1-418-656-9254;ext=102` or an email
/// with a `;` comes back from `rel import` as one item.
pub fn write_contacts_csv(conn: &Connection, out: &mut dyn Write) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CONTACT_CSV_HEADER)?;
    export::each_contact(conn, |row, _| {
        let opt = |value: &Option<String>| value.clone().unwrap_or_default();
        let time = |value: Option<i64>| value.map(rfc3339).unwrap_or_default();
        let cells = [
            row.uid.clone(),
            row.handle.clone(),
            row.name.clone(),
            opt(&row.org),
            opt(&row.role),
            row.emails.join(LIST_SEPARATOR),
            row.phones.join(LIST_SEPARATOR),
            row.tags.join(LIST_SEPARATOR),
            opt(&row.every),
            opt(&row.birthday),
            opt(&row.via),
            opt(&row.note),
            rfc3339(row.created_at),
            time(row.archived_at),
            time(row.snoozed_until),
        ];
        csv.write_record(cells.iter().map(|cell| formula_safe(cell)))?;
        Ok(())
    })?;
    csv.flush()?;
    Ok(())
}

/// A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, TAB or CR as a formula, so
/// such a cell gets a leading `'`, which `rel import` takes off again; a cell that already
/// starts with `'` and such a character gets one more, so it comes back as written.
fn formula_safe(cell: &str) -> String {
    let risky = |text: &str| text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky(cell) || cell.strip_prefix('\'').is_some_and(risky) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// vCard 4.0 (RFC 6350), CRLF line ends, lines folded at 75 octets.
pub fn write_vcards(conn: &Connection, out: &mut dyn Write) -> Result<()> {
    export::each_contact(conn, |row, _| {
        out.write_all(vcard(&row).as_bytes())?;
        Ok(())
    })
}

fn vcard(row: &Contact) -> String {
    let mut lines = vec![
        "BEGIN:VCARD".to_string(),
        "VERSION:4.0".to_string(),
        format!("UID:{}", escape(&row.uid)),
        format!("FN:{}", escape(&row.name)),
    ];
    let mut optional = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            lines.push(format!("{name}:{}", escape(value)));
        }
    };
    optional("ORG", &row.org);
    optional("TITLE", &row.role);
    optional("NOTE", &row.note);
    optional("X-REL-EVERY", &row.every);
    optional("X-REL-VIA", &row.via);
    optional("X-REL-ARCHIVED-AT", &row.archived_at.map(rfc3339));
    optional("X-REL-SNOOZED-UNTIL", &row.snoozed_until.map(rfc3339));
    optional("BDAY", &row.birthday.as_deref().map(basic_date));
    lines.extend(row.emails.iter().map(|e| format!("EMAIL:{}", escape(e))));
    lines.extend(row.phones.iter().map(|p| format!("TEL:{}", escape(p))));
    if !row.tags.is_empty() {
        let tags: Vec<String> = row.tags.iter().map(|t| escape(t)).collect();
        lines.push(format!("CATEGORIES:{}", tags.join(",")));
    }
    lines.push(format!("X-REL-HANDLE:{}", escape(&row.handle)));
    lines.push(format!("X-REL-CREATED-AT:{}", rfc3339(row.created_at)));
    lines.push("END:VCARD".to_string());
    let mut text = String::new();
    for line in lines {
        fold_into(&mut text, &line);
    }
    text
}

/// `1985-04-23` → `19850423`, `--04-23` → `--0423` (RFC 6350's basic format).
fn basic_date(date: &str) -> String {
    match date.strip_prefix("--") {
        Some(month_day) => format!("--{}", month_day.replace('-', "")),
        None => date.replace('-', ""),
    }
}

/// RFC 6350 text escaping: backslash, comma, semicolon and line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets (never inside a character), each piece ending CRLF.
fn fold_into(text: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            text.push_str("\r\n ");
            width = 1;
        }
        text.push(c);
        width += c.len_utf8();
    }
    text.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole_and_lines_short() {
        let mut text = String::new();
        fold_into(&mut text, &format!("NOTE:{}", "é".repeat(100)));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("NOTE:{}\r\n", "é".repeat(100)));
    }

    #[test]
    fn text_escapes() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(basic_date("1985-04-23"), "19850423");
        assert_eq!(basic_date("--04-23"), "--0423");
        assert_eq!(formula_safe("+1 555"), "'+1 555");
        assert_eq!(formula_safe("Ann"), "Ann");
        assert_eq!(formula_safe("'=quoted"), "''=quoted");
        assert_eq!(formula_safe("'plain"), "'plain");
    }
}
