//! The people a captured event or message names: an address, maybe a display name, and what
//! the calendar says of them (a room, an answer of "declined"). Shared by both parsers.

/// One person named by a calendar event or a message header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Lower-cased, without `mailto:` or angle brackets.
    pub email: String,
    /// The display name or `CN`, when it says more than the address.
    pub name: Option<String>,
    /// `CUTYPE=ROOM` or `RESOURCE`: a meeting room or a projector, not a person.
    pub room: bool,
    /// `PARTSTAT=DECLINED`: they did not come.
    pub declined: bool,
}

impl Person {
    pub fn new(email: String, name: Option<String>) -> Person {
        Person {
            email,
            name,
            room: false,
            declined: false,
        }
    }
}

/// An address as rel compares it: trimmed, `mailto:` and `<…>` taken off, lower-cased; None
/// when it is not `local@domain` or holds spaces or control characters.
pub fn clean_email(raw: &str) -> Option<String> {
    let mut text = raw.trim();
    if text
        .get(..7)
        .is_some_and(|head| head.eq_ignore_ascii_case("mailto:"))
    {
        text = &text[7..];
    }
    let text = text
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let (local, domain) = text.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(text.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::clean_email;

    #[test]
    fn addresses_compare_without_scheme_brackets_or_case() {
        assert_eq!(
            clean_email("MAILTO:Ana@Example.COM"),
            Some("ana@example.com".into())
        );
        assert_eq!(clean_email(" <bo@x.org> "), Some("bo@x.org".into()));
        assert_eq!(clean_email("not an address"), None);
        assert_eq!(clean_email("@x.org"), None);
        assert_eq!(clean_email("a b@x.org"), None);
    }
}
