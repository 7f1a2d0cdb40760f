//! `rel search`: prefix, phrase and accent-folded matches, ranking fields, and an index that
//! stays right through amend, unlog, edit and rm, and is built for an older database.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn search(env: &TestEnv, query: &str) -> Vec<Value> {
    env.json(&["search", query])
        .as_array()
        .cloned()
        .expect("search JSON is an array")
}

/// (kind, id) of every hit, best first.
fn hits(env: &TestEnv, query: &str) -> Vec<(String, i64)> {
    search(env, query)
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap_or_default().to_string(),
                h["id"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "José Álvarez",
        "--org",
        "Acme Corp",
        "--tag",
        "investor",
    ]);
    env.ok(&["add", "Maria Lopez", "--org", "Beta", "--role", "CFO"]);
    env.ok(&[
        "log",
        "jose,maria",
        "talked about the contract renewal; quarterly review next",
        "--at",
        "2026-11-20",
    ]);
    env.ok(&[
        "log",
        "maria",
        "review quarterly numbers over café with Zoë",
        "--at",
        "2026-11-21",
    ]);
    env
}

#[test]
fn prefix_phrase_and_accent_folding() {
    let env = journal();
    assert_eq!(hits(&env, "renew*"), [("interaction".into(), 1)]);
    assert!(hits(&env, "renew").is_empty(), "no prefix without a star");
    assert_eq!(
        hits(&env, "\"quarterly review\""),
        [("interaction".into(), 1)]
    );
    assert_eq!(hits(&env, "cafe zoe"), [("interaction".into(), 2)]);
    assert_eq!(hits(&env, "jose"), [("contact".into(), 1)]);
    assert_eq!(hits(&env, "ÁLVAREZ"), [("contact".into(), 1)]);
    assert_eq!(hits(&env, "investor"), [("contact".into(), 1)]);
    assert_eq!(hits(&env, "cfo"), [("contact".into(), 2)]);
}

#[test]
fn rows_carry_the_contract_fields() {
    let env = journal();
    let found = search(&env, "renewal OR acme");
    assert_eq!(found.len(), 2);
    let interaction = found.iter().find(|h| h["kind"] == "interaction").unwrap();
    assert_eq!(
        interaction["contacts"],
        serde_json::json!(["jose-alvarez", "maria-lopez"])
    );
    assert_eq!(interaction["at"], "2026-11-20T00:00:00+00:00");
    assert_eq!(
        interaction["snippet"],
        "talked about the contract [renewal]; quarterly review next"
    );
    assert!(interaction["score"].is_number());
    let contact = found.iter().find(|h| h["kind"] == "contact").unwrap();
    assert_eq!(contact["handle"], "jose-alvarez");
    assert_eq!(contact["snippet"], "[Acme] Corp");
    assert_eq!(contact["at"], "2026-11-20T00:00:00+00:00", "last touch");
}

#[test]
fn best_match_first() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&["log", "ann", "budget", "--at", "2026-11-01"]);
    env.ok(&[
        "log",
        "ann",
        "lunch, then a long walk by the river",
        "--at",
        "2026-11-02",
    ]);
    env.ok(&["log", "ann", "weather talk", "--at", "2026-11-03"]);
    env.ok(&["log", "ann", "budget budget budget", "--at", "2026-11-04"]);
    env.ok(&[
        "log",
        "ann",
        "a long chat on many things, and the budget",
        "--at",
        "2026-11-05",
    ]);
    let ids: Vec<i64> = hits(&env, "budget").into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, [4, 1, 5]);
    let tsv = env.ok(&["search", "budget", "--limit", "2"]);
    assert_eq!(tsv.lines().count(), 3, "header and two rows: {tsv}");
}

/// Hits with the same score come newest first, and contact hits merge in by score: the same
/// order in every format and under every --limit (csv, tsv and json print as they read).
#[test]
fn tied_hits_are_newest_first_in_every_format_and_limit() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&["add", "Bo Pilot", "--org", "Pilot Works"]);
    for day in 1..=4 {
        let at = format!("2026-11-0{day}");
        env.ok(&["log", "ann", "the pilot review", "--at", &at]);
    }
    env.ok(&["log", "ann", "pilot", "--at", "2026-11-05"]);
    let all = hits(&env, "pilot");
    // The one-word note scores best; the four identical notes tie and come newest first.
    let interactions: Vec<i64> = all
        .iter()
        .filter(|(kind, _)| kind == "interaction")
        .map(|(_, id)| *id)
        .collect();
    assert_eq!(interactions, [5, 4, 3, 2, 1], "{all:?}");
    assert!(all.iter().any(|(kind, _)| kind == "contact"), "{all:?}");
    let scores: Vec<f64> = search(&env, "pilot")
        .iter()
        .map(|h| h["score"].as_f64().unwrap_or(f64::NAN))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let ids = |format: &str, limit: Option<&str>| -> Vec<String> {
        let mut args = vec!["search", "pilot", "--format", format];
        if let Some(limit) = limit {
            args.extend(["--limit", limit]);
        }
        let out = env.ok(&args);
        let rows: Vec<&str> = out.lines().skip(1).collect();
        let sep = if format == "csv" { ',' } else { '\t' };
        rows.iter()
            .map(|row| row.split(sep).take(2).collect::<Vec<_>>().join(":"))
            .collect()
    };
    let every: Vec<String> = all
        .iter()
        .map(|(kind, id)| format!("{kind}:{id}"))
        .collect();
    // A limit that cuts through the four tied hits keeps the newest of them, as the full list
    // shows them.
    for limit in [
        None,
        Some("0"),
        Some("1"),
        Some("2"),
        Some("3"),
        Some("4"),
        Some("6"),
    ] {
        let shown = match limit {
            Some(n) if n != "0" => n.parse().unwrap_or(0),
            _ => every.len(),
        };
        for format in ["tsv", "csv"] {
            assert_eq!(
                ids(format, limit),
                every[..shown.min(every.len())],
                "{format} {limit:?}"
            );
        }
    }
}

#[test]
fn index_follows_amend_unlog_edit_and_rm() {
    let env = journal();
    env.ok(&["amend", "1", "discussed pricing tiers"]);
    assert!(hits(&env, "renewal").is_empty(), "the old note is gone");
    assert_eq!(hits(&env, "pricing"), [("interaction".into(), 1)]);

    env.ok(&["unlog", "1", "--yes"]);
    assert!(hits(&env, "pricing").is_empty());

    env.ok(&["edit", "maria", "--org", "Gamma Industries"]);
    assert!(hits(&env, "beta").is_empty());
    assert_eq!(hits(&env, "gamma"), [("contact".into(), 2)]);

    env.ok(&["edit", "maria", "--tag", "board"]);
    assert_eq!(hits(&env, "board"), [("contact".into(), 2)]);
    env.ok(&["edit", "maria", "--untag", "board"]);
    assert!(hits(&env, "board").is_empty());

    env.ok(&["edit", "maria", "--name", "Mary Lopez"]);
    assert_eq!(hits(&env, "mary"), [("contact".into(), 2)]);

    env.ok(&["rm", "maria", "--yes"]);
    assert!(hits(&env, "mary").is_empty());
    assert!(
        hits(&env, "zoe").is_empty(),
        "her own interaction went with her"
    );
    assert_eq!(hits(&env, "jose"), [("contact".into(), 1)]);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts_fts"),
        1,
        "one indexed contact left"
    );
}

#[test]
fn malformed_queries_are_usage_errors() {
    let env = journal();
    // (A column filter like `nosuchcolumn:x` is a bare word with punctuation: a phrase now.)
    for query in ["\"unclosed", "renewal AND", "NOT renewal", "(", "   "] {
        let stderr = env.fails(&["search", query], 2);
        assert!(stderr.contains("invalid search query"), "{query}: {stderr}");
    }
}

#[test]
fn snippets_never_print_raw_escapes() {
    let env = TestEnv::new();
    env.ok(&["add", "Eve"]);
    env.ok(&["log", "eve", "secret \u{1b}[31mred\u{1b}[0m plan"]);
    // csv quotes fields as RFC 4180 does and passes them through, as the contract says.
    for format in ["tsv", "table"] {
        let out = env.ok(&["search", "plan", "--format", format]);
        assert!(!out.contains('\u{1b}'), "{format}: {out:?}");
        assert!(out.contains("[plan]"), "{format}: {out}");
    }
}

#[test]
fn an_older_database_gets_a_full_index() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute_batch(include_str!("../src/db/sql/0001_init.sql"))
        .unwrap();
    conn.execute_batch(
        "INSERT INTO contacts (uid, handle, name, org, created_at) VALUES ('u1', 'zoe', 'Zoë Old', 'Oldco', 0);
         INSERT INTO contact_tags VALUES (1, 'vip');
         INSERT INTO interactions (uid, at, channel, note, created_at) VALUES ('u2', 100, 'call', 'the anniversary dinner', 100);
         INSERT INTO interaction_contacts VALUES (1, 1, 0);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    // The upgrade says on stderr where it saved the pre-upgrade copy; later runs are quiet.
    let upgrade = env.run(&["due"]);
    assert_eq!(upgrade.code, 0, "{}", upgrade.stderr);
    assert_eq!(hits(&env, "anniversary"), [("interaction".into(), 1)]);
    assert_eq!(hits(&env, "zoe"), [("contact".into(), 1)]);
    assert_eq!(hits(&env, "vip"), [("contact".into(), 1)]);
    assert_eq!(hits(&env, "oldco"), [("contact".into(), 1)]);
}
