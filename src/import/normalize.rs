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

/// Splits a multi-value cell: Google joins values with ` ::: `, people with `;`.
pub fn split_multi(value: &str) -> impl Iterator<Item = &str> {
    value.split(":::").flat_map(|part| part.split(';'))
}

/// Google's built-in groups say nothing about the person, so they are not tags.
const SYSTEM_GROUPS: [&str; 2] = ["mycontacts", "starred"];

/// Adds every tag found in `value` (separated by `,`, `;` or ` ::: `),
/// lower-cased, without Google's `* ` system-group marker.
pub fn push_tags(tags: &mut Vec<String>, value: &str) {
    for raw in split_multi(value).flat_map(|part| part.split(',')) {
        let tag = raw.trim().trim_start_matches('*').trim().to_lowercase();
        if !SYSTEM_GROUPS.contains(&tag.as_str()) {
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
