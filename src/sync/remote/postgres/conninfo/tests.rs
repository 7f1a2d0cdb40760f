use super::*;
use proptest::prelude::*;

fn params(text: &str) -> Vec<(String, String)> {
    ConnInfo::parse(text)
        .expect("parses")
        .params
        .into_iter()
        .collect()
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

#[test]
fn url_with_everything() {
    assert_eq!(
        params("postgresql://alice:s%40cret@db.example:5433/crm?sslmode=require"),
        vec![
            pair("dbname", "crm"),
            pair("host", "db.example"),
            pair("password", "s@cret"),
            pair("port", "5433"),
            pair("sslmode", "require"),
            pair("user", "alice"),
        ]
    );
}

#[test]
fn url_with_a_socket_folder_and_ipv6() {
    assert_eq!(
        params("postgres://%2Frun%2Fpostgresql/crm"),
        vec![pair("dbname", "crm"), pair("host", "/run/postgresql")]
    );
    assert_eq!(
        params("postgresql://[::1]:6000,db2/crm"),
        vec![
            pair("dbname", "crm"),
            pair("host", "::1,db2"),
            pair("port", "6000,")
        ]
    );
    assert_eq!(
        params("postgresql:///crm?host=/tmp/x"),
        vec![pair("dbname", "crm"), pair("host", "/tmp/x")]
    );
}

#[test]
fn keywords_with_quotes_and_escapes() {
    assert_eq!(
        params("host=/run/postgresql  dbname = crm user=a\\ b"),
        vec![
            pair("dbname", "crm"),
            pair("host", "/run/postgresql"),
            pair("user", "a b"),
        ]
    );
    assert_eq!(
        params("password='a \\'b\\\\'"),
        vec![pair("password", "a 'b\\")]
    );
}

#[test]
fn mistakes_are_usage_errors() {
    for bad in [
        "host",
        "host='open",
        "bogus=1",
        "postgresql://h/db?sslmode",
        "postgresql://[::1/db",
        "postgresql://h/%zz",
    ] {
        let err = ConnInfo::parse(bad).expect_err(bad);
        assert_eq!(err.kind, crate::error::Kind::Usage, "{bad}");
    }
}

#[test]
fn redacted_hides_the_password() {
    let shown = ConnInfo::redacted("postgresql://alice:hunter2@db/crm");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("user=alice"), "{shown}");
}

proptest! {
    #[test]
    fn never_panics(text in ".{0,80}") {
        let _ = ConnInfo::parse(&text);
        let _ = ConnInfo::parse(&format!("postgresql://{text}"));
        let _ = ConnInfo::redacted(&text);
    }
}
