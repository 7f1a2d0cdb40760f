//! Issue 11 point 6 on a real pseudo-terminal (python3's `pty` module): at a terminal `add`,
//! `log`, `remind` and `done` say what they did in words, while a pipe gets the bare lines
//! scripts read; `unlog` shows what it deletes before it asks, and deletes only on "y".

use crate::common;
use common::TestEnv;

/// `rel ARGS` on a terminal, with `typed` as the keyboard; (exit code, what was shown).
fn on_terminal(env: &TestEnv, typed: &str, args: &[&str]) -> (i32, String) {
    let output = common::pty::command(env, 100, typed)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("python3 runs");
    let code = output.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn add_log_remind_and_done_speak_in_words_on_a_terminal_and_bare_in_a_pipe() {
    // Wednesday 2 December 2026.
    let env = TestEnv::new().at("2026-12-02T10:00:00Z");
    let (code, said) = on_terminal(&env, "", &["add", "Maria Lopez", "--every", "2w"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("maria-lopez"), "{said}");
    assert_ne!(said.trim(), "maria-lopez", "a person reads words: {said}");

    let (code, said) = on_terminal(
        &env,
        "",
        &[
            "log",
            "maria",
            "called about the renewal",
            "--follow-up",
            "friday",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("maria-lopez"), "{said}");
    assert!(
        said.contains("Fri 4 Dec"),
        "the follow-up's day in words: {said}"
    );
    assert!(said.trim().parse::<i64>().is_err(), "not a bare id: {said}");

    let (code, said) = on_terminal(&env, "", &["remind", "maria", "monday", "send the deck"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Mon 7 Dec"), "{said}");
    assert!(said.trim().parse::<i64>().is_err(), "not a bare id: {said}");

    // The same commands in a pipe print the bare line a script reads.
    assert_eq!(env.ok(&["add", "Sam Carter"]).trim(), "sam-carter");
    let id = env.ok(&["log", "sam", "coffee"]);
    assert!(
        id.trim().parse::<i64>().is_ok(),
        "bare id in a pipe: {id:?}"
    );
    let follow_up = env.ok(&["remind", "sam", "friday", "call back"]);
    let follow_up = follow_up.trim();
    assert!(follow_up.parse::<i64>().is_ok(), "{follow_up:?}");

    let (code, said) = on_terminal(&env, "", &["done", follow_up]);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("sam-carter"),
        "done names whose follow-up: {said}"
    );
}

#[test]
fn unlog_shows_what_it_deletes_and_asks_first() {
    let env = TestEnv::new().at("2026-11-27T12:00:00Z");
    env.ok(&["add", "Maria Lopez"]);
    let id = env.ok(&["log", "maria", "called about the renewal"]);
    let id = id.trim();

    // "n" (or anything but y/yes) keeps it, and the prompt showed the touch.
    let (code, said) = on_terminal(&env, "n\n", &["unlog", id]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Delete 1 interaction?"), "{said}");
    assert!(said.contains("maria-lopez"), "who: {said}");
    assert!(said.contains("called about the renewal"), "what: {said}");
    assert!(said.contains("Fri 27 Nov 12:00"), "when: {said}");
    assert!(said.contains("nothing deleted"), "{said}");
    assert_eq!(env.json(&["timeline"]).as_array().unwrap().len(), 1);

    let (code, said) = on_terminal(&env, "y\n", &["unlog", id]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("deleted 1 interaction"), "{said}");
    assert_eq!(env.json(&["timeline"]).as_array().unwrap().len(), 0);
}
