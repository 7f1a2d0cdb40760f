//! Issue 21, daily use points 11 and 13–15: every command honours `--format json`, dates that
//! cannot be meant, repeated or empty changes said as such, spans in words, snoozes shown,
//! loops closed, and completion of traits, channels, follow-up ids and archived handles.

use crate::common;
use common::TestEnv;
use serde_json::Value;

/// `rel --format json ARGS`, parsed (the format first, so `--` in ARGS cannot swallow it).
fn json(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    let out = env.ok(&all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}\n{out}"))
}

fn steps(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM sync_steps")
}

#[test]
fn every_command_that_writes_prints_json_records() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez", "--every", "1w"]);
    env.ok(&["add", "Mary Lopes"]);
    env.ok(&["add", "Bob Stone"]);
    env.ok(&["remind", "maria", "friday", "send the quote"]);
    env.ok(&["remind", "maria", "monday", "call back"]);

    let done = json(&env, &["done", "1", "2"]);
    assert_eq!(done.as_array().map(Vec::len), Some(2), "{done}");
    assert_eq!(done[0]["id"], 1);
    assert!(done[0]["done_at"].is_string());
    let reopened = json(&env, &["done", "2", "--undo"]);
    assert!(reopened[0]["done_at"].is_null());

    let snoozed = json(&env, &["snooze", "maria", "20d"]);
    assert_eq!(snoozed["handle"], "maria-lopez");
    assert_eq!(snoozed["snoozed_until"], "2026-12-17T12:00:00+00:00");
    assert_eq!(snoozed["next_due"], "2026-12-17T12:00:00+00:00");

    let archived = json(&env, &["archive", "bob"]);
    assert!(archived["archived_at"].is_string());
    let back = json(&env, &["unarchive", "bob-stone"]);
    assert!(back["archived_at"].is_null());

    let edited = json(
        &env,
        &["followups", "edit", "2", "--text", "call back soon"],
    );
    assert_eq!(edited["text"], "call back soon");
    let removed = json(&env, &["followups", "rm", "2", "--yes"]);
    assert_eq!(removed[0]["id"], 2);
    assert_eq!(removed[0]["text"], "call back soon");

    let merged = json(&env, &["merge", "mary-lopes", "maria-lopez", "--yes"]);
    assert_eq!(merged["handle"], "maria-lopez");

    env.ok(&["log", "bob", "coffee"]);
    let deleted = json(&env, &["rm", "bob", "--yes"]);
    assert_eq!(deleted["deleted"]["handle"], "bob-stone");
    assert_eq!(deleted["interactions_deleted"], 1);

    let fresh = TestEnv::new();
    let run = fresh.run(&["--format", "json", "undo"]);
    assert_eq!(run.code, 0);
    let nothing: Value = serde_json::from_str(&run.stdout).expect("json");
    assert!(nothing["reverted"].is_null(), "{nothing}");
    let undone = json(&env, &["undo"]);
    assert!(undone["reverted"]["command"].as_str().is_some(), "{undone}");
    let list = json(&env, &["undo", "--list"]);
    assert!(list.as_array().is_some_and(|a| !a.is_empty()));

    // jsonl: one line per record.
    let out = env.ok(&["--format", "jsonl", "done", "1"]);
    assert_eq!(out.lines().count(), 1);
    let line: Value = serde_json::from_str(out.trim()).expect("jsonl");
    assert_eq!(line["id"], 1);
}

#[test]
fn done_on_a_done_follow_up_says_already_done() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    env.ok(&["remind", "maria", "friday", "send the quote"]);
    env.ok(&["remind", "maria", "monday", "call"]);
    assert_eq!(env.ok(&["done", "1"]), "done: 1\n");
    let at: i64 = env.sql_i64("SELECT done_at FROM followups WHERE id = 1");
    let later = env.at("2026-11-28T09:00:00Z");
    assert_eq!(later.ok(&["done", "1"]), "already done: 1\n");
    assert_eq!(later.ok(&["done", "1", "2"]), "done: 2\nalready done: 1\n");
    assert_eq!(
        env.sql_i64("SELECT done_at FROM followups WHERE id = 1"),
        at,
        "the first done time is kept"
    );
    assert_eq!(later.ok(&["done", "2", "--undo"]), "reopened: 2\n");
    assert_eq!(later.ok(&["done", "2", "--undo"]), "already open: 2\n");
}

#[test]
fn edit_with_unchanged_values_says_so_and_writes_nothing() {
    let env = TestEnv::new();
    env.ok(&["add", "Mum", "--every", "1w", "--tag", "family"]);
    let before = steps(&env);
    let out = env.ok(&["edit", "mum", "--every", "1w", "--tag", "family"]);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(
        steps(&env),
        before,
        "no undo step for a change that changed nothing"
    );
    let out = env.ok(&["edit", "mum", "--every", "2w"]);
    assert_eq!(out, "updated mum\n");
    assert_eq!(steps(&env), before + 1);
    // With no option at all it stays a usage error.
    env.fails(&["edit", "mum"], 2);
    // JSON still prints the record.
    let record = json(&env, &["edit", "mum", "--every", "2w"]);
    assert_eq!(record["every"], "2w");
}

#[test]
fn followups_edit_reports_what_changed() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    env.ok(&["remind", "maria", "friday", "send the quote"]);
    let out = env.ok(&["followups", "edit", "1", "--text", "send the signed quote"]);
    assert_eq!(out, "updated follow-up 1: text 'send the signed quote'\n");
    let out = env.ok(&["followups", "edit", "1", "--due", "2026-12-10"]);
    assert!(
        out.starts_with("updated follow-up 1: due Thu 10 Dec"),
        "{out}"
    );
    let out = env.ok(&["followups", "edit", "1", "--due", "2026-12-10"]);
    assert!(out.contains("nothing changed"), "{out}");
}

#[test]
fn snooze_to_an_earlier_date_names_a_future_due_date_as_next_due() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez", "--every", "2w"]);
    // Due Fri 11 Dec; a snooze to Monday is not later.
    let err = env.fails(&["snooze", "maria", "monday"], 2);
    assert!(err.contains("next due Fri 11 Dec"), "{err}");
    assert!(!err.contains("already due"), "{err}");
    let late = env.at("2026-12-20T12:00:00Z");
    let err = late.fails(&["snooze", "maria", "2026-12-01"], 2);
    assert!(
        !err.contains("already due Fri 11 Dec") || err.contains("not in the future"),
        "{err}"
    );
}

#[test]
fn undo_list_keeps_the_quotes_of_the_command() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    env.ok(&["log", "maria", "quick call"]);
    let list = json(&env, &["undo", "--list"]);
    assert_eq!(list[0]["command"], r#"rel log maria "quick call""#);
    assert_eq!(list[1]["command"], r#"rel add "Maria Lopez""#);
}

#[test]
fn dates_that_cannot_be_meant() {
    let env = TestEnv::new();
    let err = env.fails(&["add", "Baby", "--birthday", "2027-01-01"], 2);
    assert!(err.contains("in the future"), "{err}");
    env.ok(&["add", "Mum", "--birthday", "--01-01"]);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
    env.fails(&["edit", "mum", "--birthday", "2026-11-28"], 2);
    env.ok(&["edit", "mum", "--birthday", "1960-01-01"]);

    // A follow-up due before today is created, with a warning.
    let run = env.run(&["remind", "mum", "yesterday", "call"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1\n");
    assert!(run.stderr.contains("before today"), "{}", run.stderr);
    let run = env.run(&["log", "mum", "hi", "--follow-up", "2026-11-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("before today"), "{}", run.stderr);
    // Today is not before today.
    let run = env.run(&["remind", "mum", "today", "call"]);
    assert_eq!(run.stderr, "");
}

#[test]
fn spans_count_days_up_to_thirty_then_months_and_never_twelve_months() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann", "--every", "1w"]);
    env.ok(&["log", "ann", "--at", "2026-11-02", "hi"]);
    env.ok(&["add", "Bob", "--every", "1w"]);
    env.ok(&["log", "bob", "--at", "2025-11-30", "hi"]);
    env.ok(&["add", "Cy", "--every", "1w"]);
    env.ok(&["log", "cy", "--at", "2026-10-01", "hi"]);
    let table = env.ok(&["--format", "table", "due"]);
    // Ann: due 9 Nov, 18 days ago.
    assert!(table.contains("18d overdue"), "{table}");
    assert!(!table.contains("2w"), "{table}");
    let list = env.ok(&["--format", "table", "list"]);
    assert!(
        list.contains("11mo ago") || list.contains("1y ago"),
        "{list}"
    );
    assert!(!list.contains("12mo"), "{list}");
    // Bob: 362 days ago reads as a year, not 12 months.
    assert!(list.contains("1y ago"), "{list}");
    // Cy: 57 days ago.
    assert!(list.contains("1mo ago"), "{list}");
}

#[test]
fn a_snooze_shows_in_show_and_list_and_in_json() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez", "--every", "1w"]);
    env.ok(&["add", "Bob"]);
    assert!(json(&env, &["show", "bob"])["snoozed_until"].is_null());
    env.ok(&["snooze", "maria", "2026-12-18"]);
    let card = env.ok(&["--format", "table", "show", "maria"]);
    assert!(card.contains("until Fri 18 Dec"), "{card}");
    let list = env.ok(&["--format", "table", "list"]);
    assert!(list.contains("snoozed until Fri 18 Dec"), "{list}");
    let record = json(&env, &["show", "maria"]);
    assert_eq!(record["snoozed_until"], "2026-12-18T00:00:00+00:00");
    let listed = json(&env, &["list"]);
    let maria = listed
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["handle"] == "maria-lopez"))
        .expect("maria listed");
    assert_eq!(maria["snoozed_until"], "2026-12-18T00:00:00+00:00");
    // A touch ends the snooze.
    env.ok(&["log", "maria", "hi"]);
    let list = env.ok(&["--format", "table", "list"]);
    assert!(!list.contains("snoozed"), "{list}");
}

#[test]
fn a_touch_on_the_day_closes_the_birthday_row() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann", "--birthday", "1990-11-27"]);
    let due = json(&env, &["due"]);
    assert_eq!(due[0]["kind"], "birthday");
    // A touch yesterday does not count.
    env.ok(&["log", "ann", "--at", "yesterday", "early wishes"]);
    assert_eq!(json(&env, &["due"])[0]["kind"], "birthday");
    env.ok(&["log", "ann", "happy birthday"]);
    let due = json(&env, &["due"]);
    assert!(
        due.as_array()
            .is_some_and(|rows| rows.iter().all(|r| r["kind"] != "birthday")),
        "{due}"
    );
}

/// Asks rel for bash completions of `words` (the last one is being typed).
fn complete_bash(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "rel"];
    args.extend(words);
    let index = words.len().to_string();
    let run = env.run_with(&args, |cmd| {
        cmd.env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", &index)
            .env("_CLAP_COMPLETE_COMP_TYPE", "9")
            .env("_CLAP_COMPLETE_SPACE", "true")
            .env("_CLAP_IFS", "\n");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(str::to_string).collect()
}

#[test]
fn completion_offers_traits_channels_open_follow_ups_and_archived_handles() {
    let env = TestEnv::new();
    env.ok(&["add", "Alex Newman"]);
    env.ok(&["add", "Alexandros Pappas"]);
    env.ok(&["archive", "alex-newman"]);
    env.ok(&["remind", "alexandros", "friday", "send"]);
    env.ok(&["remind", "alexandros", "monday", "call"]);
    env.ok(&["remind", "alexandros", "tuesday", "old"]);
    env.ok(&["done", "3"]);
    assert_eq!(complete_bash(&env, &["log", "x", "-t", "t"]), ["trust"]);
    assert_eq!(
        complete_bash(&env, &["log", "x", "--strained", "h"]),
        ["honesty"]
    );
    assert_eq!(complete_bash(&env, &["amend", "1", "-t", "e"]), ["empathy"]);
    assert_eq!(
        complete_bash(&env, &["log", "x", "-t", "trust,"]),
        [
            "trust,respect",
            "trust,empathy",
            "trust,integrity",
            "trust,honesty"
        ]
    );
    assert_eq!(
        complete_bash(&env, &["log", "x", "-c", "m"]),
        ["meeting", "message"]
    );
    let ids: Vec<String> = complete_bash(&env, &["done", ""])
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect();
    assert_eq!(ids, ["2", "1"], "open ones, soonest first");
    assert_eq!(complete_bash(&env, &["unarchive", "al"]), ["alex-newman"]);
}

/// `rel ARGS` on a 100-column terminal; (exit code, what was shown).
fn on_terminal(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let output = common::pty::command(env, 100, "")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("python3 runs");
    let code = output.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn confirmations_on_a_terminal_name_the_person_and_echo_the_follow_up() {
    let env = TestEnv::new();
    env.ok(&["add", "Samantha Reyes"]);
    let (code, said) = on_terminal(&env, &["log", "samantha", "quick call"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Samantha Reyes (samantha-reyes)"), "{said}");
    let (code, said) = on_terminal(&env, &["remind", "samantha", "monday", "send the quote"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Samantha Reyes (samantha-reyes)"), "{said}");
    assert!(
        said.contains("Mon 30 Nov") && said.contains("send the quote"),
        "{said}"
    );
    let (code, said) = on_terminal(
        &env,
        &[
            "log",
            "samantha",
            "hi",
            "--follow-up",
            "friday",
            "--todo",
            "ask about Lisbon",
        ],
    );
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("Fri 4 Dec") && said.contains("ask about Lisbon"),
        "{said}"
    );
    // The open follow-up 1 is pointed out (it is not the one this touch created).
    assert!(
        said.contains("open follow-up 1 'send the quote' — add --done 1 to close it"),
        "{said}"
    );
    assert!(!said.contains("open follow-up 2"), "{said}");
    let (_, said) = on_terminal(&env, &["archive", "samantha"]);
    assert!(
        said.contains("archived Samantha Reyes (samantha-reyes)"),
        "{said}"
    );
    // In a pipe, the bare lines scripts read, and no hint.
    let run = env.run(&["log", "samantha-reyes", "again"]);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.trim().parse::<i64>().is_ok(), "{}", run.stdout);
}
