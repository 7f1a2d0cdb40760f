//! Snapshots of what a person reads: the `rel due` and `rel show` tables and `rel --help`.

use crate::common;
use common::TestEnv;

/// A table as a person at a 100-column terminal sees it (fixed clock, UTC, no colour).
fn table(env: &TestEnv, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "table"]);
    let run = env.run_with(&all, |c| {
        c.env("COLUMNS", "100");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    run.stdout
}

fn journal() -> TestEnv {
    let env = TestEnv::new();
    let past = env.at("2026-10-01T09:00:00Z");
    past.ok(&[
        "add",
        "María López",
        "--org",
        "Acme",
        "--role",
        "Head of Purchasing",
        "--email",
        "maria@acme.example",
        "--tag",
        "key-account",
        "--every",
        "2w",
    ]);
    past.ok(&[
        "add",
        "Tom Baker",
        "--org",
        "Initech",
        "--tag",
        "coi",
        "--via",
        "maria",
    ]);
    // Never contacted, yearly: due from its creation, a year and 40 days ago.
    env.at("2025-10-18T09:00:00Z")
        .ok(&["add", "Old Friend", "--every", "1y"]);
    past.ok(&["config", "every.coi", "1m"]);
    env.at("2026-11-02T15:30:00Z").ok(&[
        "log",
        "maria",
        "called about the renewal; she wants \
        a longer trial before the board meets in December, and a named contact for support",
        "-c",
        "call",
        "-t",
        "trust,respect",
    ]);
    env.at("2026-11-10T12:00:00Z").ok(&[
        "log",
        "maria,tom",
        "lunch: Tom wants an intro to our CFO",
        "-c",
        "meeting",
        "--strained",
        "honesty",
        "--follow-up",
        "2026-11-20",
        "--todo",
        "send the CFO intro",
    ]);
    env
}

#[test]
fn due_table() {
    let env = journal();
    insta::assert_snapshot!("due_table", table(&env, &["due"]));
}

#[test]
fn show_table() {
    let env = journal();
    insta::assert_snapshot!("show_table", table(&env, &["show", "maria"]));
}

#[test]
fn help() {
    let env = TestEnv::new();
    let run = env.run_with(&["--help"], |c| {
        c.env("COLUMNS", "100");
    });
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("help", run.stdout);
}
