//! Clean-up rules shared by the vCard and CSV readers, so that both formats
//! produce drafts that compare equal for the same person.

use chrono::NaiveDate;

/// Trimmed text, or `None` when nothing is left.
pub fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Adds `value` unless it is blank or already present; `fold_case` treats
/// `A@x.com` and `a@x.com` as the same (right for e-mails, wrong for notes).
pub fn push_unique(list: &mut Vec<String>, value: &str, fold_case: bool) {
    let Some(value) = clean(value) else { return };
    let seen = list.iter().any(|old| {
        if fold_case {
            old.eq_ignore_ascii_case(&value)
        } else {
            *old == value
        }
    });
    if !seen {
        list.push(value);
    }
}

/// Splits a multi-value cell: rel's and Google's exports join values with ` ::: `, people
/// typing a spreadsheet with `;`. A `;` splits only when every piece looks like an item of
/// its own (`looks_whole`), so `+1-418-656-9254;ext=102` or `"semi;colon"@example.com`
/// stay one item; `semicolon_too` is false for rel's own CSV, which never joins with `;`.
pub fn split_multi(value: &str, semicolon_too: bool, looks_whole: fn(&str) -> bool) -> Vec<&str> {
    let mut items = Vec::new();
    for part in value.split(":::") {
        let pieces: Vec<&str> = part.split(';').collect();
        if semicolon_too && pieces.len() > 1 && pieces.iter().all(|p| looks_whole(p.trim())) {
            items.extend(pieces);
        } else {
            items.push(part);
        }
    }
    items
}

/// Whether a piece of a cell can be an email on its own (text before and after an `@`).
pub fn whole_email(piece: &str) -> bool {
    piece
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// Whether a piece of a cell can be a phone number on its own (`ext=102` cannot).
pub fn whole_phone(piece: &str) -> bool {
    piece.chars().filter(char::is_ascii_digit).count() >= 5 && !piece.contains('=')
}

/// Built-in groups of Google and Android say nothing about the person, so they are not
/// tags; compared with spaces and case ignored (`* My Contacts`, `myContacts`).
const SYSTEM_GROUPS: [&str; 5] = [
    "mycontacts",
    "starred",
    "starredinandroid",
    "othercontacts",
    "mostcontacted",
];

/// Whether a group or label name is one of the built-in groups above.
pub fn is_system_group(name: &str) -> bool {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    SYSTEM_GROUPS.contains(&key.as_str())
}

/// Adds every tag found in `value` (separated by `,`, `;` or ` ::: `),
/// lower-cased, without Google's `* ` system-group marker.
pub fn push_tags(tags: &mut Vec<String>, value: &str) {
    let pieces = value.split(":::").flat_map(|part| part.split([';', ',']));
    for raw in pieces {
        let tag = raw.trim().trim_start_matches('*').trim().to_lowercase();
        if !is_system_group(&tag) {
            push_unique(tags, &tag, false);
        }
    }
}

/// Normalises the birthday forms found in the wild to `YYYY-MM-DD`, or
/// `--MM-DD` when the year is unknown. Returns `None` for anything that is
/// not a real calendar date, so a typo never becomes a wrong reminder.
pub fn birthday(value: &str) -> Option<String> {
    let value = value.trim();
    // Time of day and zone carry no meaning for a birthday.
    let date = value.split(['T', 't', ' ']).next().unwrap_or_default();
    if let Some(rest) = date.strip_prefix("--") {
        let digits: String = rest.chars().filter(|c| *c != '-').collect();
        let (month, day) = month_day(&digits)?;
        return month_day_string(None, month, day);
    }
    let digits = match date.as_bytes() {
        [_, _, _, _, b'-', _, _, b'-', _, _] => date.replace('-', ""),
        bytes if bytes.len() == 8 => date.to_string(),
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = digits.get(..4)?.parse().ok()?;
    let (month, day) = month_day(digits.get(4..)?)?;
    month_day_string(Some(year), month, day)
}

/// A birthday as rel keeps it, and a warning when some or all of it could not be kept:
/// a year outside 1900–9999 is dropped (the month and day stay), a date without a day
/// or that is not a real date is left out. Outlook's `M/D/YYYY` (and its "none",
/// `0/0/00`) is understood.
pub fn read_birthday(value: &str) -> (Option<String>, Option<String>) {
    let value = value.trim();
    if value.is_empty() || value == "0/0/00" || value == "0/0/0000" {
        return (None, None);
    }
    let date = birthday(value).or_else(|| slash_date(value));
    match date {
        Some(date) => keep_year_in_range(date, value),
        None => (
            None,
            Some(format!(
                "birthday '{value}' {}; left empty",
                why_unread(value)
            )),
        ),
    }
}

/// `YYYY-MM-DD` with a year rel cannot store becomes `--MM-DD`, with a word on it.
pub fn keep_year_in_range(date: String, shown: &str) -> (Option<String>, Option<String>) {
    let year: Option<i32> = date.get(..4).and_then(|y| y.parse().ok());
    match (year, date.get(4..)) {
        (Some(year), Some(month_day)) if !(1900..=9999).contains(&year) => (
            Some(format!("-{month_day}")),
            Some(format!(
                "birthday '{shown}': year {year} is outside 1900-9999; kept the month and day"
            )),
        ),
        _ => (Some(date), None),
    }
}

fn why_unread(value: &str) -> &'static str {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let only_dates = value.chars().all(|c| c.is_ascii_digit() || c == '-');
    match (only_dates, digits.len()) {
        (true, 4) if !value.starts_with('-') => "has only a year",
        (true, 6) if !value.starts_with('-') => "has no day",
        (true, 1 | 2) => "has only a day",
        (true, 8) => "is not a real date",
        _ => "is not a date rel reads (YYYY-MM-DD, --MM-DD or M/D/YYYY)",
    }
}

/// `M/D/YYYY` as Outlook writes it (`D/M/YYYY` when the first number cannot be a month).
fn slash_date(value: &str) -> Option<String> {
    let mut parts = value.split('/');
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let number = |text: &str| -> Option<u32> {
        (text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    let (a, b) = (number(a)?, number(b)?);
    let year: i32 = year.parse().ok()?;
    let (month, day) = if a > 12 { (b, a) } else { (a, b) };
    month_day_string(Some(year), month, day)
}

/// A person's name from its parts. Korean, Japanese and Chinese names are written family
/// name first, as the address books of those languages display them, and without a space
/// when every part is in those scripts (`최유림`, `山田太郎`); others given name first.
pub fn person_name(given: &str, middle: &str, family: &str) -> Option<String> {
    let (given, middle, family) = (given.trim(), middle.trim(), family.trim());
    let cjk = [given, middle, family]
        .iter()
        .any(|p| p.chars().any(is_cjk));
    let order = if cjk {
        [family, given, middle]
    } else {
        [given, middle, family]
    };
    let parts: Vec<&str> = order.into_iter().filter(|p| !p.is_empty()).collect();
    let all_cjk = parts
        .iter()
        .all(|p| p.chars().all(|c| is_cjk(c) || c.is_whitespace()));
    clean(&parts.join(if cjk && all_cjk { "" } else { " " }))
}

/// Hangul, Han (CJK ideographs), Hiragana and Katakana.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF
        | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Line breaks as rel stores them: LF only (quoted-printable `=0D=0A` and Windows files
/// give CR LF, which would flip back and forth between imports).
pub fn unix_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Formats and validates a date whose year may be unknown.
pub fn month_day_string(year: Option<i32>, month: u32, day: u32) -> Option<String> {
    // 2000 is a leap year, so 29 February stays valid when the year is unknown.
    NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
    match year {
        Some(year) if (1..=9999).contains(&year) => Some(format!("{year:04}-{month:02}-{day:02}")),
        Some(_) => None,
        None => Some(format!("--{month:02}-{day:02}")),
    }
}

fn month_day(digits: &str) -> Option<(u32, u32)> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((
        digits.get(..2)?.parse().ok()?,
        digits.get(2..)?.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birthday_forms() {
        let cases = [
            ("1985-04-23", Some("1985-04-23")),
            ("19850423", Some("1985-04-23")),
            (" --0423 ", Some("--04-23")),
            ("--04-23", Some("--04-23")),
            ("--02-29", Some("--02-29")),
            ("1985-04-23T00:00:00Z", Some("1985-04-23")),
            ("19850423T120000", Some("1985-04-23")),
            ("1985-02-30", None),
            ("1985-13-01", None),
            ("0000-04-23", None),
            ("1985-4-23", None),
            ("85-04-23", None),
            ("19850-423", None),
            ("+9850423", None),
            ("April 23", None),
            ("", None),
            ("--", None),
            ("--ééé", None),
        ];
        for (input, want) in cases {
            assert_eq!(birthday(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn partial_birthdays_keep_what_they_can() {
        let kept = |value: &str| read_birthday(value).0;
        let said = |value: &str| read_birthday(value).1.unwrap_or_default();
        assert_eq!(kept("3/22/1980").as_deref(), Some("1980-03-22"));
        assert_eq!(kept("22/3/1980").as_deref(), Some("1980-03-22"));
        assert_eq!(read_birthday("0/0/00"), (None, None));
        assert_eq!(kept("1850-07-04").as_deref(), Some("--07-04"));
        assert!(said("1850-07-04").contains("year 1850 is outside 1900-9999"));
        assert_eq!(kept("1985-04"), None);
        assert!(said("1985-04").contains("has no day"));
        assert!(said("1985").contains("has only a year"));
        assert!(said("---12").contains("has only a day"));
        assert!(said("1980-02-30").contains("is not a real date"));
        assert!(said("circa 1800").contains("is not a date rel reads"));
        assert_eq!(read_birthday("--04-12"), (Some("--04-12".into()), None));
    }

    #[test]
    fn cjk_names_family_first() {
        assert_eq!(person_name("유림", "", "최").as_deref(), Some("최유림"));
        assert_eq!(person_name("太郎", "", "山田").as_deref(), Some("山田太郎"));
        assert_eq!(
            person_name("Xiaoming", "", "Wang").as_deref(),
            Some("Xiaoming Wang")
        );
        assert_eq!(person_name("Yurim", "", "최").as_deref(), Some("최 Yurim"));
        assert_eq!(
            person_name("Ann", "B.", "Lee").as_deref(),
            Some("Ann B. Lee")
        );
        assert_eq!(person_name(" ", "", ""), None);
    }

    #[test]
    fn system_groups_in_any_spelling() {
        for name in [
            "My Contacts",
            "* myContacts",
            "Starred in Android",
            "starred",
        ] {
            assert!(is_system_group(name), "{name}");
        }
        assert!(!is_system_group("Friends"));
    }

    #[test]
    fn list_cells_split_at_semicolons_only_into_whole_items() {
        let phones = split_multi("+1-418-656-9254;ext=102 ::: +1 555 0100", true, whole_phone);
        assert_eq!(phones, ["+1-418-656-9254;ext=102 ", " +1 555 0100"]);
        assert_eq!(
            split_multi("+1 555 0100;+1 555 0199", true, whole_phone).len(),
            2
        );
        assert_eq!(
            split_multi("+1 555 0100;+1 555 0199", false, whole_phone).len(),
            1
        );
        assert_eq!(
            split_multi("semicolon;@points.net", true, whole_email).len(),
            1
        );
        assert_eq!(
            split_multi("a@x.org;b@y.org", true, whole_email),
            ["a@x.org", "b@y.org"]
        );
    }

    #[test]
    fn line_breaks_become_lf() {
        assert_eq!(unix_newlines("a\r\nb\rc\nd".into()), "a\nb\nc\nd");
    }

    #[test]
    fn tags_are_split_lowered_and_deduplicated() {
        let mut tags = Vec::new();
        push_tags(&mut tags, "* myContacts ::: Friends ::: * starred");
        push_tags(&mut tags, "friends, Book Club;Work");
        assert_eq!(tags, ["friends", "book club", "work"]);
    }

    #[test]
    fn push_unique_folds_case_only_when_asked() {
        let mut list = vec!["Ann@example.com".to_string()];
        push_unique(&mut list, " ann@example.com ", true);
        push_unique(&mut list, "", true);
        assert_eq!(list, ["Ann@example.com"]);
        push_unique(&mut list, "ann@example.com", false);
        assert_eq!(list.len(), 2);
    }
}
