//! What the columns of a CSV header mean: rel's own (`rel export --to csv --contacts`),
//! Google Contacts (current `First Name`/`Labels` and older `Given Name`/`Group
//! Membership`), and Outlook's export (`E-mail Address`, `Mobile Phone`, `Company`, `Job
//! Title`, `Categories`…), Thunderbird's (`Display Name`, `Primary Email`, `Mobile Number`,
//! `Organization`, `Birth Year`/`Birth Month`/`Birth Day`) and Roundcube's (`Email Home`,
//! `Home Mobile`). A column that is none of these is reported, never dropped unseen.

/// What a column of the file means to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    First,
    Middle,
    Last,
    Email,
    Phone,
    Org,
    Role,
    Tags,
    Every,
    Birthday,
    /// Thunderbird's birthday in three columns.
    BirthYear,
    BirthMonth,
    BirthDay,
    Note,
    Uid,
    Handle,
    Via,
    CreatedAt,
    ArchivedAt,
    SnoozedUntil,
    /// Describes another column we read (`E-mail 1 - Label`, Outlook's `E-mail Type`) or
    /// holds the exporter's default in every row (Outlook's `Priority`, `Sensitivity`):
    /// known, and nothing of the person is lost by not reading it.
    Meta,
}

/// The meaning of a header cell, or `None` for a column rel does not read.
pub fn field_of(header: &str) -> Option<Field> {
    let header = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    let numbered = |prefix: &str, suffix: &str| {
        header
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let field = match header.as_str() {
        "name" | "display name" => Field::Name,
        "first name" | "given name" => Field::First,
        "middle name" | "additional name" => Field::Middle,
        "last name" | "family name" => Field::Last,
        "email" | "e-mail" | "e-mail address" | "primary email" | "secondary email" => Field::Email,
        "email home" | "email work" | "email other" => Field::Email,
        "phone" | "mobile number" | "pager number" | "home mobile" | "pager" => Field::Phone,
        "org" | "organization name" | "company" | "organization" => Field::Org,
        "role" | "organization title" | "job title" => Field::Role,
        "tags" | "labels" | "group membership" | "categories" => Field::Tags,
        "every" => Field::Every,
        "birthday" => Field::Birthday,
        "birth year" => Field::BirthYear,
        "birth month" => Field::BirthMonth,
        "birth day" => Field::BirthDay,
        "note" | "notes" => Field::Note,
        "uid" => Field::Uid,
        "handle" => Field::Handle,
        "via" => Field::Via,
        "created_at" => Field::CreatedAt,
        "archived_at" => Field::ArchivedAt,
        "snoozed_until" => Field::SnoozedUntil,
        "e-mail type" | "e-mail display name" | "priority" | "sensitivity" | "private" => {
            Field::Meta
        }
        _ if numbered("e-mail ", " address") => Field::Email,
        _ if numbered("e-mail ", " type") || numbered("e-mail ", " display name") => Field::Meta,
        _ if header.ends_with(" phone") || header.ends_with(" phone 2") => Field::Phone,
        _ if numbered("e-mail ", " - value") => Field::Email,
        _ if numbered("phone ", " - value") => Field::Phone,
        _ if numbered("organization ", " - name") => Field::Org,
        _ if numbered("organization ", " - title") => Field::Role,
        _ if numbered("e-mail ", " - label") || numbered("e-mail ", " - type") => Field::Meta,
        _ if numbered("phone ", " - label") || numbered("phone ", " - type") => Field::Meta,
        _ => return None,
    };
    Some(field)
}

/// Whether a header can name anyone: some name, email, phone or organisation column.
pub fn can_name(columns: &[Option<Field>]) -> bool {
    use Field::*;
    columns
        .iter()
        .flatten()
        .any(|f| matches!(f, Name | First | Middle | Last | Email | Phone | Org))
}

/// The header of `rel export --to csv` (interactions), recognised to point at the right
/// export when someone imports it as contacts.
pub fn is_interactions_export(header: &[&str]) -> bool {
    header == ["id", "uid", "at", "channel", "contacts", "traits", "note"]
}

/// A cell as written, without the `'` that rel's CSV export (and spreadsheets) put before
/// a leading `=`, `+`, `-`, `@`, TAB or CR so it is not run as a formula (one `'` more when
/// the text itself started with `'` and such a character).
pub fn unescape_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(['=', '+', '-', '@', '\t', '\r']) =>
        {
            rest
        }
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_quotes_come_off_once() {
        assert_eq!(unescape_formula("'+1 555"), "+1 555");
        assert_eq!(unescape_formula("''=kept"), "'=kept");
        assert_eq!(unescape_formula("'plain"), "'plain");
        assert_eq!(unescape_formula("Ann"), "Ann");
    }

    #[test]
    fn outlook_and_google_columns() {
        assert_eq!(field_of("E-mail 2 Address"), Some(Field::Email));
        assert_eq!(field_of("Mobile Phone"), Some(Field::Phone));
        assert_eq!(field_of("Business Phone 2"), Some(Field::Phone));
        assert_eq!(field_of("Job Title"), Some(Field::Role));
        assert_eq!(field_of("E-mail 1 - Label"), Some(Field::Meta));
        assert_eq!(field_of("Business Fax"), None);
    }
}
