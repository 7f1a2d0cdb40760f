//! `~/.pgpass` as libpq reads it: lines `hostname:port:database:username:password`, `*`
//! matching anything, `\:` and `\\` escaping, `#` comments. A file that its group or others
//! may read is ignored with a warning, as libpq does: a password file anyone can read is a
//! leak the user should hear about, not one we should quietly use.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// What a connection is matched against.
pub struct Target<'a> {
    /// The host as given (a name, an address, or a socket folder).
    pub host: &'a str,
    pub port: u16,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// The password for `target` from the file at `path`, if the file exists, is private and has a
/// matching line. A world- or group-readable file gives a warning on stderr and no password.
pub fn lookup(path: &Path, target: &Target) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    if meta.permissions().mode() & 0o077 != 0 {
        eprintln!(
            "rel: warning: password file {} has group or world access and is ignored; \
             chmod 0600 it",
            path.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    find(&text, target)
}

/// The first line of `text` that matches `target`.
pub fn find(text: &str, target: &Target) -> Option<String> {
    // libpq matches a Unix-socket connection in the default socket folder as "localhost".
    let is_socket = target.host.starts_with('/');
    let port = target.port.to_string();
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_fields(line)?;
            let host_ok = matches(&fields[0], target.host)
                || (is_socket && fields[0] == "localhost" && is_default_socket_dir(target.host));
            let ok = host_ok
                && matches(&fields[1], &port)
                && matches(&fields[2], target.dbname)
                && matches(&fields[3], target.user);
            ok.then(|| fields[4].clone())
        })
}

fn matches(field: &str, value: &str) -> bool {
    field == "*" || field == value
}

fn is_default_socket_dir(host: &str) -> bool {
    matches!(
        host.trim_end_matches('/'),
        "/var/run/postgresql" | "/run/postgresql" | "/tmp"
    )
}

/// Five `:`-separated fields with `\` escapes; the password takes the rest of the line.
fn split_fields(line: &str) -> Option<[String; 5]> {
    let mut fields: Vec<String> = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if fields.len() < 5 => fields.last_mut()?.extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => fields.last_mut()?.push(c),
        }
    }
    fields.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn target<'a>(host: &'a str, dbname: &'a str, user: &'a str) -> Target<'a> {
        Target {
            host,
            port: 5432,
            dbname,
            user,
        }
    }

    #[test]
    fn first_matching_line_wins_with_wildcards_and_escapes() {
        let file = "# comment\n\
                    db.example:5432:crm:alice:first\n\
                    *:*:*:alice:second\n\
                    /tmp/a\\:b:5432:*:bob:pa:ss\\w\n";
        assert_eq!(
            find(file, &target("db.example", "crm", "alice")).as_deref(),
            Some("first")
        );
        assert_eq!(
            find(file, &target("other", "x", "alice")).as_deref(),
            Some("second")
        );
        assert_eq!(
            find(file, &target("/tmp/a:b", "x", "bob")).as_deref(),
            Some("pa:ss\\w")
        );
        assert_eq!(find(file, &target("db.example", "crm", "carol")), None);
    }

    #[test]
    fn localhost_matches_the_default_socket_folder_only() {
        let file = "localhost:5432:*:*:pw\n";
        assert_eq!(
            find(file, &target("/var/run/postgresql", "d", "u")).as_deref(),
            Some("pw")
        );
        assert_eq!(find(file, &target("/srv/pg", "d", "u")), None);
    }

    #[test]
    fn a_readable_file_is_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:pw\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(lookup(&path, &target("h", "d", "u")), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(lookup(&path, &target("h", "d", "u")).as_deref(), Some("pw"));
    }

    proptest! {
        #[test]
        fn never_panics(text in ".{0,120}") {
            let _ = find(&text, &target("h", "d", "u"));
        }
    }
}
