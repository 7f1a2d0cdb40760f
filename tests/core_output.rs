//! Output formats, JSON field names, times, escaping, quiet mode, broken pipes, file modes.

use crate::common;
use common::TestEnv;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

const CONTACT: &[&str] = &[
    "id",
    "uid",
    "handle",
    "name",
    "org",
    "role",
    "emails",
    "phones",
    "tags",
    "every",
    "birthday",
    "via",
    "note",
    "created_at",
    "archived_at",
    "last_touch",
    "next_due",
    "reith",
    // The contract's Team section: the member who owns the contact (null when unowned).
    "owner",
    // Records: `snoozed_until` (null when none), issue 21.
    "snoozed_until",
];
/// `author`: the member who logged it (the contract's Team section; null outside a team).
const INTERACTION: &[&str] = &[
    "id", "uid", "at", "channel", "note", "contacts", "traits", "author", "source",
];
const FOLLOWUP: &[&str] = &[
    "id",
    "uid",
    "handle",
    "due_at",
    "text",
    "interaction_id",
    "done_at",
];
const REITH: &[&str] = &["respect", "empathy", "integrity", "trust", "honesty"];

fn populated() -> TestEnv {
    let env = TestEnv::new();
    env.at("2026-11-01T12:00:00Z")
        .ok(&["add", "Ann Lee", "--org", "Acme", "--every", "1w"]);
    env.ok(&["add", "Bob", "--via", "ann"]);
    env.ok(&[
        "log",
        "ann,bob",
        "lunch",
        "-t",
        "trust",
        "--follow-up",
        "1h",
    ]);
    env
}

#[test]
fn json_records_have_exactly_the_contract_fields() {
    let env = populated();
    let contact = env.json(&["show", "ann"]);
    let mut show_keys = set(CONTACT);
    show_keys.extend(set(&["followups", "interactions"]));
    assert_eq!(keys(&contact), show_keys);
    assert_eq!(keys(&contact["reith"]), set(REITH));
    assert_eq!(keys(&contact["interactions"][0]), set(INTERACTION));
    assert_eq!(keys(&contact["followups"][0]), set(FOLLOWUP));
    assert_eq!(keys(&env.json(&["list"])[0]), set(CONTACT));
    assert_eq!(keys(&env.json(&["add", "Cy"])), set(CONTACT));
    assert_eq!(keys(&env.json(&["log", "cy", "hi"])), set(INTERACTION));
    assert_eq!(
        keys(&env.json(&["remind", "cy", "2d", "call"])),
        set(FOLLOWUP)
    );
    let due = env.at("2026-12-10T12:00:00Z").json(&["due"]);
    // `id` (the follow-up's, or null) is an addition the contract allows.
    let due_keys = set(&[
        "kind",
        "id",
        "handle",
        "name",
        "due_at",
        "overdue_days",
        "last_touch",
        "every",
        "reith",
        "focus",
        "text",
        // The contact's owner in a team workspace, so `--all` shows whose a row is.
        "owner",
    ]);
    for row in due.as_array().unwrap() {
        assert_eq!(keys(row), due_keys);
        assert_eq!(keys(&row["reith"]), set(REITH));
    }
    assert_eq!(due[0]["kind"], "follow-up");
    assert_eq!(due.as_array().unwrap().last().unwrap()["kind"], "contact");
}

#[test]
fn times_are_rfc3339_in_local_time() {
    let env = populated();
    let berlin = |args: &[&str]| -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let run = env.run_with(&all, |c| {
            c.env("TZ", "Europe/Berlin");
        });
        assert_eq!(run.code, 0, "{}", run.stderr);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let ann = berlin(&["show", "ann"]);
    assert_eq!(ann["created_at"], "2026-11-01T13:00:00+01:00");
    assert_eq!(ann["last_touch"], "2026-11-27T13:00:00+01:00");
    // Summer time in Berlin is +02:00.
    env.ok(&["log", "ann", "summer", "--at", "2026-07-01T10:00:00Z"]);
    let timeline = berlin(&["timeline"]);
    assert_eq!(timeline[1]["at"], "2026-07-01T12:00:00+02:00");
    // A date without time is the start of the local day.
    env.run_with(&["log", "bob", "local", "--at", "2026-11-20"], |c| {
        c.env("TZ", "Europe/Berlin");
    });
    let bob = berlin(&["timeline", "bob"]);
    assert_eq!(bob[1]["at"], "2026-11-20T00:00:00+01:00");
    assert_eq!(
        env.json(&["show", "ann"])["created_at"],
        "2026-11-01T12:00:00+00:00"
    );
}

#[test]
fn every_format_for_list_due_and_timeline() {
    let env = populated();
    for cmd in ["list", "due", "timeline"] {
        let tsv = env.ok(&[cmd, "--format", "tsv"]);
        let header = tsv.lines().next().unwrap();
        assert!(header.split('\t').count() > 2, "{cmd}: {header}");
        assert_eq!(tsv, env.ok(&[cmd]), "{cmd}: a pipe gets tsv by default");
        let csv = env.ok(&[cmd, "--format", "csv"]);
        assert_eq!(csv.lines().next().unwrap(), header.replace('\t', ","));
        let json: Value = serde_json::from_str(&env.ok(&[cmd, "--format", "json"])).unwrap();
        let rows = json.as_array().expect("json is an array");
        let jsonl = env.ok(&[cmd, "--format", "jsonl"]);
        assert_eq!(jsonl.lines().count(), rows.len());
        for (line, row) in jsonl.lines().zip(rows) {
            assert_eq!(&serde_json::from_str::<Value>(line).unwrap(), row);
        }
        assert_eq!(tsv.lines().count(), rows.len() + 1);
        let table = env.ok(&[cmd, "--format", "table"]);
        assert!(!table.contains('\t'), "{cmd}: {table}");
        // REL_FORMAT chooses, --format beats it.
        let run = env.run_with(&[cmd], |c| {
            c.env("REL_FORMAT", "jsonl");
        });
        assert_eq!(run.stdout, jsonl);
        let run = env.run_with(&[cmd, "--format", "csv"], |c| {
            c.env("REL_FORMAT", "jsonl");
        });
        assert_eq!(run.stdout, csv);
    }
    let run = env.run_with(&["list"], |c| {
        c.env("REL_FORMAT", "yaml");
    });
    assert_eq!(run.code, 2);
}

#[test]
fn tsv_and_csv_escape_and_tables_show_controls_visibly() {
    let env = TestEnv::new();
    let name = "Eve \u{1b}[31mRed\u{1b}[0m";
    env.ok(&["add", name, "--org", "Tab\there"]);
    env.ok(&[
        "log",
        "eve",
        "--",
        "line1\nline2\tcol \\ \"quoted\", comma\u{7}",
    ]);
    let tsv = env.ok(&["timeline"]);
    assert_eq!(tsv.lines().count(), 2, "{tsv}");
    assert!(
        tsv.contains("line1\\nline2\\tcol \\\\ \"quoted\", comma\\x07"),
        "{tsv}"
    );
    let list = env.ok(&["list"]);
    assert!(!list.contains('\u{1b}'), "{list:?}");
    assert!(
        list.contains("Eve \\x1b[31mRed\\x1b[0m\tTab\\there"),
        "{list:?}"
    );
    let csv = env.ok(&["timeline", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[5], "line1\nline2\tcol \\ \"quoted\", comma\u{7}");
    assert!(
        csv.contains("\"line1\nline2\tcol \\ \"\"quoted\"\", comma"),
        "{csv}"
    );
    for cmd in ["list", "timeline"] {
        let table = env.ok(&[cmd, "--format", "table"]);
        assert!(
            !table.contains('\u{1b}') && !table.contains('\u{7}'),
            "{table:?}"
        );
    }
    let card = env.ok(&["show", "eve", "--format", "table"]);
    assert!(!card.contains('\u{1b}'), "{card:?}");
    assert!(card.contains("\\x1b[31m"), "{card:?}");
    let show_tsv = env.ok(&["show", "eve"]);
    assert!(!show_tsv.contains('\u{1b}'), "{show_tsv:?}");
}

#[test]
fn quiet_and_json_for_commands_that_create() {
    let env = TestEnv::new();
    assert_eq!(env.ok(&["add", "Ann", "-q"]), "");
    assert_eq!(env.ok(&["-q", "log", "ann", "x"]), "");
    assert_eq!(env.ok(&["remind", "ann", "2d", "call", "--quiet"]), "");
    assert_eq!(env.ok(&["remind", "ann", "2d", "call"]), "2\n");
    let added = env.json(&["add", "Bob"]);
    assert_eq!(added["handle"], "bob");
    let jsonl = env.ok(&["add", "Cy", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 1);
    assert_eq!(
        serde_json::from_str::<Value>(&jsonl).unwrap()["handle"],
        "cy"
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 3);
}

#[test]
fn colour_only_when_asked_off_a_terminal() {
    let base = populated();
    let env = base.at("2026-12-10T12:00:00Z");
    let plain = env.ok(&["due", "--format", "table"]);
    assert!(plain.contains("ann-lee"), "{plain}");
    assert!(!plain.contains('\u{1b}'));
    let forced = env.ok(&["due", "--format", "table", "--color", "always"]);
    assert!(forced.contains('\u{1b}'), "{forced:?}");
    let tsv = env.ok(&["due", "--color", "always"]);
    assert!(!tsv.contains('\u{1b}'), "colour leaked into tsv");
    env.fails(&["due", "--color", "rainbow"], 2);
}

#[test]
fn broken_pipe_exits_quietly() {
    let env = TestEnv::new();
    let long_org = "x".repeat(4000);
    for n in 0..40 {
        env.ok(&["add", &format!("P{n}"), "--org", &long_org, "-q"]);
    }
    // 40 rows of 4 KB is more than a pipe holds, so rel must write after we hang up.
    let mut child = env
        .std_cmd()
        .args(["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("handle\t"));
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn help_and_version_create_no_database() {
    let env = TestEnv::new();
    assert!(env.ok(&["--help"]).contains("Usage: rel"));
    assert!(env.ok(&["--version"]).starts_with("rel "));
    env.ok(&["log", "--help"]);
    env.ok(&["due", "-h"]);
    assert!(!env.db.exists());
    assert!(!env.db.parent().unwrap().exists());
}

#[test]
fn database_is_private() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.db), 0o600);
    assert_eq!(mode(env.db.parent().unwrap()), 0o700);
    // The default location under the data dir, also created private.
    let run = env.run_with(&["add", "Bob"], |c| {
        c.env_remove("REL_DB");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let default_db = env.dir.path().join("xdg/rel/rel.db");
    assert_eq!(mode(&default_db), 0o600);
    assert_eq!(mode(default_db.parent().unwrap()), 0o700);
    // --db beats REL_DB.
    let other = env.dir.path().join("other.db");
    env.ok(&["add", "Cy", "--db", other.to_str().unwrap()]);
    assert_eq!(mode(&other), 0o600);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
}
