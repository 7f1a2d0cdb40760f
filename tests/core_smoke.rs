//! The core loop end to end: add → log → due → show, through the real binary.

mod common;
use common::TestEnv;

#[test]
fn add_log_due_show() {
    let env = TestEnv::new();
    assert_eq!(
        env.ok(&["add", "María López", "--org", "Acme", "--every", "2w"]),
        "maria-lopez\n"
    );
    let env = TestEnv {
        now: "2026-11-01T09:00:00Z".into(),
        ..env
    };
    assert_eq!(
        env.ok(&[
            "log", "maria", "called", "about", "renewal", "-t", "trust,r"
        ]),
        "1\n"
    );
    let env = TestEnv {
        now: common::NOW.into(),
        ..env
    };
    let due = env.json(&["due"]);
    assert_eq!(due[0]["handle"], "maria-lopez");
    assert_eq!(due[0]["kind"], "contact");
    assert_eq!(due[0]["overdue_days"], 12);
    assert_eq!(due[0]["text"], "called about renewal");
    assert_eq!(due[0]["reith"]["trust"], 1);
    let show = env.json(&["show", "maria"]);
    assert_eq!(show["interactions"][0]["traits"]["respect"], 1);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 1);
}

#[test]
fn help_and_version_create_no_database() {
    let env = TestEnv::new();
    env.ok(&["--help"]);
    env.ok(&["--version"]);
    env.ok(&["log", "--help"]);
    assert!(!env.db.exists());
    assert!(!env.db.parent().unwrap().exists());
}
