//! Follow-ups fixed after the fact: `log --done`, `done --undo`, `followups edit` and
//! `followups rm`, with `rel followups [--all]` still listing.

use crate::common;

use common::TestEnv;

fn with_two_followups() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    env.ok(&["add", "Tom Baker"]);
    assert_eq!(
        env.ok(&["remind", "maria", "2026-12-04", "send the proposal"]),
        "1\n"
    );
    assert_eq!(
        env.ok(&["remind", "tom", "2026-12-05", "return the book"]),
        "2\n"
    );
    env
}

#[test]
fn log_done_closes_the_follow_ups_it_answers_in_the_same_write() {
    let env = with_two_followups();
    let id = env.ok(&[
        "log",
        "maria",
        "sent the proposal",
        "--at",
        "2h ago",
        "--done",
        "1",
    ]);
    assert_eq!(id, "1\n");
    let all = env.json(&["followups", "--all"]);
    assert_eq!(all[0]["id"], 2, "the open one first");
    assert_eq!(all[1]["id"], 1);
    assert_eq!(
        all[1]["done_at"], "2026-11-27T10:00:00+00:00",
        "closed at the touch's time"
    );
    assert_eq!(env.json(&["followups"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn log_done_takes_several_ids_and_commas() {
    let env = with_two_followups();
    env.ok(&["log", "maria,tom", "lunch", "--done", "1,2"]);
    assert_eq!(env.json(&["followups"]), serde_json::json!([]));
    env.ok(&["done", "1", "2", "--undo"]);
    env.ok(&["log", "maria,tom", "coffee", "--done", "1", "2"]);
    assert_eq!(env.json(&["followups"]), serde_json::json!([]));
}

#[test]
fn log_done_with_an_unknown_or_foreign_follow_up_writes_nothing() {
    let env = with_two_followups();
    let err = env.fails(&["log", "maria", "sent it", "--done", "9"], 3);
    assert!(err.contains("no follow-up 9"), "{err}");
    let err = env.fails(&["log", "maria", "sent it", "--done", "2"], 2);
    assert!(err.contains("follow-up 2 is for tom-baker"), "{err}");
    let err = env.fails(&["log", "maria", "sent it", "--done", "x"], 2);
    assert!(err.contains("invalid follow-up id 'x'"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM followups WHERE done_at IS NOT NULL"),
        0
    );
}

#[test]
fn done_undo_reopens_and_unknown_ids_change_nothing() {
    let env = with_two_followups();
    assert_eq!(env.ok(&["done", "1", "2"]), "done: 1, 2\n");
    assert_eq!(env.ok(&["done", "1", "--undo"]), "reopened: 1\n");
    let open = env.json(&["followups"]);
    assert_eq!(open[0]["id"], 1);
    assert_eq!(open[0]["done_at"], serde_json::Value::Null);
    env.fails(&["done", "2", "7", "--undo"], 3);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM followups WHERE done_at IS NULL"),
        1,
        "2 stays done: an unknown id aborts the whole command"
    );
}

#[test]
fn followups_edit_changes_due_and_text() {
    let env = with_two_followups();
    let out = env.ok(&["followups", "edit", "1", "--due", "2026-12-10 09:00"]);
    assert_eq!(out, "updated follow-up 1: due Thu 10 Dec 09:00\n");
    let edited = env.json(&[
        "followups",
        "edit",
        "#1",
        "--text",
        "send the signed proposal",
    ]);
    assert_eq!(edited["due_at"], "2026-12-10T09:00:00+00:00");
    assert_eq!(edited["text"], "send the signed proposal");
    assert_eq!(edited["handle"], "maria-lopez");
}

#[test]
fn followups_edit_mistakes() {
    let env = with_two_followups();
    let err = env.fails(&["followups", "edit", "1"], 2);
    assert!(err.contains("nothing to change"), "{err}");
    env.fails(&["followups", "edit", "1", "--text", "  "], 2);
    env.fails(&["followups", "edit", "1", "--due", "someday"], 2);
    env.fails(&["followups", "edit", "9", "--text", "x"], 3);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM followups WHERE text = 'send the proposal'"),
        1
    );
}

#[test]
fn followups_rm_needs_yes_off_a_terminal_and_knows_every_id() {
    let env = with_two_followups();
    let err = env.fails(&["followups", "rm", "1"], 2);
    assert!(err.contains("--yes"), "{err}");
    env.fails(&["followups", "rm", "1", "9", "--yes"], 3);
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 2);
    assert_eq!(
        env.ok(&["followups", "rm", "1", "2", "--yes"]),
        "deleted 2 follow-ups\n"
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);
}

#[test]
fn a_follow_up_added_after_removing_the_latest_gets_a_new_id() {
    let env = with_two_followups();
    env.ok(&["followups", "rm", "2", "--yes"]);
    assert_eq!(env.ok(&["remind", "tom", "friday", "three"]), "3\n");
}

#[test]
fn the_listing_keeps_working_beside_its_subcommands() {
    let env = with_two_followups();
    env.ok(&["done", "1"]);
    let open = env.ok(&["followups"]);
    assert_eq!(open.lines().count(), 2, "{open}");
    assert_eq!(env.ok(&["followups", "--all"]).lines().count(), 3);
    assert_eq!(
        env.ok(&["followups", "--all", "--limit", "1"])
            .lines()
            .count(),
        2
    );
    env.fails(&["followups", "--all", "rm", "1"], 2);
}
