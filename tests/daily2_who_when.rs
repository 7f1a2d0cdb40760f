//! Issue 21, daily use points 1–3 and 10 ("Daily use, second round"): never the wrong person
//! (archived contacts take part in WHO ambiguity, `log --add` never creates over one, unarchive
//! resolves among archived by every rule), quoting hints wherever a WHEN is read, and empty
//! list items as usage errors.

use crate::common;
use common::TestEnv;

/// Friday 27 November 2026, noon UTC (the default "now").
fn people(env: &TestEnv) {
    for name in [
        "Sam Carter",
        "Samantha Reyes",
        "Alex Newman",
        "Alexandros Pappas",
    ] {
        env.ok(&["add", name]);
    }
    env.ok(&["add", "John Smith", "--every", "1w"]);
}

fn interactions(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM interactions")
}

#[test]
fn an_archived_name_word_makes_a_later_prefix_ambiguous_instead_of_logging_elsewhere() {
    let env = TestEnv::new();
    people(&env);
    // Before the archive, `sam` is Sam Carter by the name-word rule.
    env.ok(&["log", "sam", "hello"]);
    assert_eq!(
        env.sql_i64(
            "SELECT count(*) FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
             WHERE c.handle = 'sam-carter'"
        ),
        1
    );
    env.ok(&["archive", "sam-carter"]);
    let before = interactions(&env);
    let err = env.fails(&["log", "sam", "quick call"], 3);
    assert!(err.contains("samantha-reyes"), "{err}");
    assert!(err.contains("sam-carter"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains("sam-carter") && l.contains("(archived)")),
        "the archived one is marked: {err}"
    );
    assert!(
        !err.lines()
            .any(|l| l.contains("samantha-reyes") && l.contains("(archived)")),
        "{err}"
    );
    assert_eq!(interactions(&env), before, "nothing logged");

    env.ok(&["archive", "alex-newman"]);
    let err = env.fails(&["log", "alex", "hi"], 3);
    assert!(
        err.contains("alexandros-pappas") && err.contains("alex-newman"),
        "{err}"
    );
    assert_eq!(interactions(&env), before, "nothing logged");
    // A handle still names the active one, and a name word only it has still resolves.
    env.ok(&["log", "pappas", "hi"]);
    env.ok(&["log", "samantha", "hi"]);
}

#[test]
fn an_active_match_by_an_earlier_rule_still_wins_over_an_archived_one() {
    let env = TestEnv::new();
    env.ok(&["add", "Sam Carter"]);
    env.ok(&["add", "Sam Reyes"]);
    env.ok(&["archive", "sam-reyes"]);
    // `sam` is a name word of the active Sam Carter too: the same rule, so no ambiguity.
    let id = env.ok(&["log", "sam", "hi"]);
    assert!(id.trim().parse::<i64>().is_ok(), "{id}");
}

#[test]
fn log_add_never_creates_when_an_archived_contact_matches_by_name() {
    let env = TestEnv::new();
    people(&env);
    env.ok(&["archive", "alex-newman"]);
    let contacts = env.sql_i64("SELECT count(*) FROM contacts");
    let err = env.fails(&["log", "Alex Newman", "--add", "hi"], 3);
    assert!(err.contains("alex-newman is archived"), "{err}");
    let err = env.fails(&["log", "newman", "--add", "hi"], 3);
    assert!(err.contains("alex-newman"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), contacts);
    assert_eq!(interactions(&env), 0);
    // A name nobody has is still created.
    let run = env.run(&["log", "Nadia Petrova", "--add", "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), contacts + 1);
}

#[test]
fn unarchive_resolves_among_archived_contacts_by_every_rule() {
    let env = TestEnv::new();
    people(&env);
    env.ok(&["archive", "alex-newman"]);
    env.ok(&["archive", "sam-carter"]);
    // A name word, a prefix, a substring.
    assert_eq!(env.ok(&["unarchive", "newman"]), "unarchived alex-newman\n");
    env.ok(&["archive", "alex-newman"]);
    env.ok(&["unarchive", "carte"]);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE archived_at IS NOT NULL"),
        1
    );
    let json = env.json(&["unarchive", "alex"]);
    assert_eq!(json["handle"], "alex-newman");
    assert!(json["archived_at"].is_null());
    let err = env.fails(&["unarchive", "zebra"], 3);
    assert!(err.contains("no archived contact matches 'zebra'"), "{err}");
}

#[test]
fn several_archived_candidates_are_listed() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["add", "Ann Smith"]);
    env.ok(&["archive", "ann-lee"]);
    env.ok(&["archive", "ann-smith"]);
    let err = env.fails(&["unarchive", "ann"], 3);
    assert!(
        err.contains("ann-lee") && err.contains("ann-smith"),
        "{err}"
    );
}

#[test]
fn words_after_a_one_word_when_that_join_it_are_exit_2_with_the_quoted_form() {
    let env = TestEnv::new();
    people(&env);
    let err = env.fails(
        &[
            "remind", "john", "monday", "10am", "call", "about", "renewal",
        ],
        2,
    );
    assert!(
        err.contains(r#"rel remind john "monday 10am" call about renewal"#),
        "{err}"
    );
    assert!(
        err.contains("rel remind john monday -- 10am call about renewal"),
        "{err}"
    );
    let err = env.fails(&["remind", "john", "next", "tuesday", "call"], 2);
    assert!(
        err.contains(r#"rel remind john "next tuesday" call"#),
        "{err}"
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);

    // `--` ends the WHEN: Monday, text "10am call".
    let out = env.ok(&[
        "--format", "json", "remind", "john", "monday", "--", "10am", "call",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["text"], "10am call");
    assert_eq!(json["due_at"], "2026-11-30T00:00:00+00:00");
    // Plain words after a date are the text.
    let json = env.json(&["remind", "john", "monday", "call", "about", "renewal"]);
    assert_eq!(json["text"], "call about renewal");

    // Options that take a WHEN, with note words after them.
    let err = env.fails(&["log", "john", "--at", "yesterday", "3pm", "met"], 2);
    assert!(err.contains(r#"--at "yesterday 3pm" met"#), "{err}");
    let err = env.fails(&["log", "john", "met", "--follow-up", "next", "friday"], 2);
    assert!(err.contains(r#"--follow-up "next friday""#), "{err}");
    let err = env.fails(&["timeline", "--since", "last", "week"], 2);
    assert!(err.contains(r#"--since "last week""#), "{err}");
    assert_eq!(interactions(&env), 0);
    // Quoted, all of these work.
    env.ok(&["log", "john", "--at", "yesterday 3pm", "met"]);
    env.ok(&["remind", "john", "next tuesday", "call"]);
}

#[test]
fn empty_list_items_on_the_command_line_are_usage_errors() {
    let env = TestEnv::new();
    people(&env);
    for bad in ["trust,", "", ",,,", ",trust"] {
        let err = env.fails(&["log", "john", "x", "-t", bad], 2);
        assert!(err.contains("empty item"), "{bad:?}: {err}");
        env.fails(&["log", "john", "x", "--strained", bad], 2);
    }
    // `-t trust, honesty review` (unquoted): `trust,` is the trait value.
    env.fails(&["log", "john", "-t", "trust,", "honesty", "review"], 2);
    assert_eq!(interactions(&env), 0);
    env.fails(&["add", "Ann", "--tag", ""], 2);
    env.fails(&["add", "Ann", "--tag", "a,,b"], 2);
    env.fails(&["edit", "john", "--tag", "x,"], 2);
    env.fails(&["edit", "john", "--untag", ""], 2);
    env.fails(&["list", "--tag", ""], 2);
    env.fails(&["due", "--tag", ""], 2);
    env.fails(&["timeline", "--tag", ""], 2);
    env.fails(&["log", "john,", "x"], 2);
    env.fails(&["log", "john,,sam-carter", "x"], 2);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE name = 'Ann'"),
        0
    );
    // Well-formed lists still work.
    env.ok(&["log", "john", "x", "-t", "trust,h"]);
    env.ok(&["add", "Ann", "--tag", "a,b"]);
}
