//! Confirmations and mistakes off a terminal: the duplicate warning of `add`, `edit` with
//! nothing to change, snooze only later, `log --add` naming what it created, bare lines kept.

use crate::common;

use common::TestEnv;

#[test]
fn add_with_an_existing_name_still_creates_it_and_warns() {
    let env = TestEnv::new();
    env.ok(&["add", "Mum"]);
    let run = env.run(&["add", "mum"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "mum-2\n", "the bare handle, as always");
    assert_eq!(
        run.stderr,
        "note: 'mum' already exists as mum; created mum-2\n"
    );

    env.ok(&["add", "María López"]);
    let run = env.run(&["add", "MARIA  LOPEZ", "--handle", "maria-work"]);
    assert_eq!(run.stdout, "maria-work\n");
    assert_eq!(
        run.stderr,
        "note: 'MARIA  LOPEZ' already exists as maria-lopez; created maria-work\n"
    );
}

#[test]
fn add_ignores_archived_namesakes_and_different_names() {
    let env = TestEnv::new();
    env.ok(&["add", "Sam Carter"]);
    env.ok(&["archive", "sam-carter"]);
    assert_eq!(env.ok(&["add", "Sam Carter"]), "sam-carter-2\n");
    assert_eq!(env.ok(&["add", "Sam"]), "sam\n");
    assert_eq!(env.ok(&["add", "Carter Sam"]), "carter-sam\n");
    env.ok(&["add", "!!"]);
    let run = env.run(&["add", "!!"]);
    assert_eq!(
        run.stderr,
        "note: '!!' already exists as contact; created contact-2\n"
    );
}

#[test]
fn edit_with_nothing_to_change_is_a_usage_error() {
    let env = TestEnv::new();
    env.ok(&["add", "Mum"]);
    let err = env.fails(&["edit", "mum"], 2);
    assert!(err.starts_with("rel: nothing to change for 'mum'"), "{err}");
    assert!(err.contains("rel edit --help"), "{err}");
    assert_eq!(env.ok(&["edit", "mum", "--org", "Family"]), "updated mum\n");
}

#[test]
fn snooze_only_moves_the_due_date_later() {
    let env = TestEnv::new();
    env.ok(&["add", "Mum", "--every", "2w"]);
    // Created now (Fri 27 Nov 12:00), so due Fri 11 Dec 12:00.
    let err = env.fails(&["snooze", "mum", "3d"], 2);
    assert!(
        err.starts_with("rel: mum is next due Fri 11 Dec 12:00; a snooze must be later"),
        "{err}"
    );
    assert!(
        err.contains("pick a date after Fri 11 Dec 12:00: e.g. 2026-12-18 or 2026-12-25"),
        "{err}"
    );
    env.fails(&["snooze", "mum", "2026-12-11 12:00"], 2);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE snoozed_until IS NOT NULL"),
        0
    );

    let out = env.ok(&["snooze", "mum", "3w"]);
    assert_eq!(
        out,
        "mum snoozed; next due 2026-12-18 12:00 (was 2026-12-11 12:00)\n"
    );
    let err = env.fails(&["snooze", "mum", "2w"], 2);
    assert!(err.contains("next due Fri 18 Dec 12:00"), "{err}");
}

#[test]
fn snooze_into_the_past_hints_only_future_dates() {
    let env = TestEnv::new();
    env.ok(&["add", "Mum", "--every", "2w"]);
    let err = env.fails(&["snooze", "mum", "2026-11-01"], 2);
    assert!(err.contains("is not in the future"), "{err}");
    assert!(err.contains("e.g. 2026-12-04 or 2026-12-11"), "{err}");
}

#[test]
fn log_add_says_on_stderr_which_contacts_it_created() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let run = env.run(&["log", "ann,Zed Quinn,Bo", "lunch", "--add"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1\n");
    assert_eq!(
        run.stderr,
        "note: created contact zed-quinn (Zed Quinn)\nnote: created contact bo (Bo)\n"
    );
}

#[test]
fn unlog_off_a_terminal_still_needs_yes() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&["log", "ann", "hello"]);
    env.fails(&["unlog", "1"], 2);
    assert_eq!(env.ok(&["unlog", "1", "--yes"]), "deleted 1 interaction\n");
}
