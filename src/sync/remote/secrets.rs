//! Credentials written into a remote's URL (`https://user:TOKEN@host/…`) must never reach the
//! screen: not in `sync status`, not in an error, not in git's own words that rel passes on.

/// `text` with the user-info part of every `scheme://user:secret@host` URL in it replaced by
/// `***`, so the host and path still say which remote is meant.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The authority ends at the first '/', or where the URL itself ends.
        let end = after
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"' || c == '`')
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(user_end) => {
                out.push_str("***");
                out.push_str(&authority[user_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_hidden_and_the_rest_kept() {
        assert_eq!(
            redact_urls("https://user:TOKEN@git.example.com/me/j.git"),
            "https://***@git.example.com/me/j.git"
        );
        assert_eq!(
            redact_urls("fatal: unable to access 'https://TOKEN@h/x/': no"),
            "fatal: unable to access 'https://***@h/x/': no"
        );
        assert_eq!(
            redact_urls("git@host:me/j.git and file:///tmp/r.git"),
            "git@host:me/j.git and file:///tmp/r.git"
        );
        assert_eq!(redact_urls("ssh://a:b@h"), "ssh://***@h");
        assert_eq!(redact_urls("https://a:p@ss@h/x"), "https://***@h/x");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = redact_urls(&text);
        }
    }
}
