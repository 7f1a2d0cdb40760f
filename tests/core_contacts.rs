//! Contacts through the real binary: handles, WHO resolution, edit semantics, list, show,
//! archive, rm.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn handles(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["handle"].as_str().expect("handle").to_string())
        .collect()
}

#[test]
fn handles_fold_accents_punctuation_and_runs() {
    let env = TestEnv::new();
    assert_eq!(env.ok(&["add", "María López"]), "maria-lopez\n");
    assert_eq!(env.ok(&["add", "  O'Brien,   Pat!! "]), "o-brien-pat\n");
    assert_eq!(env.ok(&["add", "Zoë  --  Ångström"]), "zoe-angstrom\n");
    assert_eq!(env.ok(&["add", "!!!"]), "contact\n");
    assert_eq!(env.ok(&["add", "???"]), "contact-2\n");
    // A namesake is still created; the warning on stderr is tested in touch_confirm.rs.
    assert_eq!(env.run(&["add", "Maria Lopez"]).stdout, "maria-lopez-2\n");
    assert_eq!(env.run(&["add", "MARIA LÓPEZ"]).stdout, "maria-lopez-3\n");
    let list = env.json(&["list"]);
    assert!(
        handles(&list).iter().all(|h| !h.contains(',')),
        "a handle with a comma: {list}"
    );
}

#[test]
fn add_handle_taken_or_malformed_is_usage_error() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    assert_eq!(
        env.ok(&["add", "Ann Other", "--handle", "annie"]),
        "annie\n"
    );
    let err = env.fails(&["add", "Bob", "--handle", "ann-lee"], 2);
    assert!(err.contains("taken"), "{err}");
    env.fails(&["add", "Bob", "--handle", "Bad Handle"], 2);
    env.fails(&["add", "   "], 2);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 2);
}

#[test]
fn edit_name_keeps_handle_and_edit_handle_renames() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["add", "Bob Stone"]);
    let ann = env.json(&["edit", "ann-lee", "--name", "Annabel Lee-Smith"]);
    assert_eq!(ann["handle"], "ann-lee");
    assert_eq!(ann["name"], "Annabel Lee-Smith");
    let ann = env.json(&["edit", "ann-lee", "--handle", "annabel"]);
    assert_eq!(ann["handle"], "annabel");
    env.fails(&["show", "ann-lee"], 3);
    let err = env.fails(&["edit", "annabel", "--handle", "bob-stone"], 2);
    assert!(err.contains("taken"), "{err}");
    assert_eq!(env.json(&["show", "annabel"])["handle"], "annabel");
}

#[test]
fn edit_adds_and_removes_list_fields() {
    let env = TestEnv::new();
    env.ok(&[
        "add", "Ann", "--email", "a@x.org", "--phone", "+1 555", "--tag", "Key,coi",
    ]);
    let ann = env.json(&[
        "edit", "ann", "--email", "b@x.org", "--phone", "+2 666", "--tag", "friend",
    ]);
    assert_eq!(ann["emails"], serde_json::json!(["a@x.org", "b@x.org"]));
    assert_eq!(ann["phones"], serde_json::json!(["+1 555", "+2 666"]));
    let mut tags: Vec<&str> = ann["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(tags, ["coi", "friend", "key"]);
    let ann = env.json(&[
        "edit",
        "ann",
        "--drop-email",
        "a@x.org",
        "--drop-phone",
        "+2 666",
        "--untag",
        "KEY",
        "--untag",
        "coi",
    ]);
    assert_eq!(ann["emails"], serde_json::json!(["b@x.org"]));
    assert_eq!(ann["phones"], serde_json::json!(["+1 555"]));
    assert_eq!(ann["tags"], serde_json::json!(["friend"]));
}

#[test]
fn edit_every_never_and_inherit() {
    let env = TestEnv::new();
    env.ok(&["config", "every.coi", "1w"]);
    env.ok(&["config", "default-every", "1m"]);
    env.ok(&["add", "Ann", "--tag", "coi", "--every", "2w"]);
    let never = env.json(&["edit", "ann", "--every", "never"]);
    assert_eq!(never["every"], "never");
    assert_eq!(never["next_due"], Value::Null);
    let later = env.at("2030-01-01T00:00:00Z");
    assert_eq!(later.json(&["due"]), serde_json::json!([]));
    let inherit = env.json(&["edit", "ann", "--every", "inherit"]);
    assert_eq!(inherit["every"], Value::Null);
    // The tag's weekly cadence applies again, counted from creation.
    assert_eq!(inherit["next_due"], "2026-12-04T12:00:00+00:00");
    env.fails(&["add", "Bob", "--every", "inherit"], 2);
    env.fails(&["edit", "ann", "--every", "sometimes"], 2);
}

#[test]
fn who_resolution_order() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]); // #1 ann-lee
    env.ok(&["add", "Annie Hall"]); // #2 annie-hall
    env.ok(&["add", "Bob Marley", "--handle", "ann"]); // #3 handle "ann"
    env.ok(&["add", "Carla Díaz"]); // #4 carla-diaz
    env.ok(&["add", "Dan Lee"]); // #5 dan-lee
    let show = |who: &str| env.json(&["show", who])["handle"].clone();
    assert_eq!(show("#2"), "annie-hall");
    // An exact handle wins over prefixes of other handles.
    assert_eq!(show("ann"), "ann");
    // Exact name, case-insensitive.
    assert_eq!(show("annie HALL"), "annie-hall");
    // Unique prefix of a word of the name, accents folded.
    assert_eq!(show("diaz"), "carla-diaz");
    assert_eq!(show("marl"), "ann");
    // Unique substring of the name.
    assert_eq!(show("arle"), "ann");
    // Ambiguous prefix: exit 3, candidates on indented lines.
    let err = env.fails(&["show", "lee"], 3);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("rel: "), "{err}");
    assert!(lines.len() >= 3, "{err}");
    assert!(lines[1..].iter().all(|l| l.starts_with("  ")), "{err}");
    assert!(err.contains("ann-lee") && err.contains("dan-lee"), "{err}");
    assert!(err.contains("Ann Lee") && err.contains("Dan Lee"), "{err}");
    let err = env.fails(&["show", "nobody"], 3);
    assert!(err.contains("no contact matches 'nobody'"), "{err}");
    env.fails(&["show", "#99"], 3);
}

#[test]
fn archived_resolve_only_by_handle_or_id() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["archive", "ann"]);
    env.fails(&["show", "ann"], 3);
    env.fails(&["show", "Ann Lee"], 3);
    assert_eq!(env.json(&["show", "ann-lee"])["handle"], "ann-lee");
    assert_eq!(env.json(&["show", "#1"])["handle"], "ann-lee");
    assert!(env.json(&["show", "#1"])["archived_at"].is_string());
    env.ok(&["unarchive", "ann-lee"]);
    assert_eq!(env.json(&["show", "ann"])["archived_at"], Value::Null);
}

#[test]
fn list_filters_sorts_and_archived() {
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "Cara",
        "--org",
        "Acme Corp",
        "--tag",
        "Key",
        "--every",
        "1w",
    ]);
    env.ok(&["add", "Ann", "--org", "Initech", "--every", "1m"]);
    env.ok(&["add", "Bob", "--org", "ACME Ltd"]);
    env.ok(&["add", "Dee"]);
    env.ok(&["archive", "dee"]);
    env.at("2026-11-20T12:00:00Z")
        .ok(&["log", "ann", "x", "--at", "2026-11-20"]);
    env.ok(&["log", "bob", "y", "--at", "1h ago"]);
    assert_eq!(handles(&env.json(&["list"])), ["ann", "bob", "cara"]);
    assert_eq!(handles(&env.json(&["ls", "--tag", "key"])), ["cara"]);
    assert_eq!(
        handles(&env.json(&["list", "--org", "acme"])),
        ["bob", "cara"]
    );
    assert_eq!(handles(&env.json(&["list", "--archived"])), ["dee"]);
    assert_eq!(
        handles(&env.json(&["list", "--all"])),
        ["ann", "bob", "cara", "dee"]
    );
    // Longest untouched first; never-touched first of all (contract "Sorting").
    assert_eq!(
        handles(&env.json(&["list", "--sort", "last"])),
        ["cara", "ann", "bob"]
    );
    // Soonest due first: cara due Dec 4, ann Dec 20; bob has no cadence.
    assert_eq!(
        handles(&env.json(&["list", "--sort", "due"])),
        ["cara", "ann", "bob"]
    );
    assert_eq!(
        handles(&env.json(&["list", "--limit", "2"])),
        ["ann", "bob"]
    );
    env.fails(&["list", "--archived", "--all"], 2);
    env.fails(&["list", "--sort", "age"], 2);
}

#[test]
fn list_caps_tables_at_fifty_rows_but_not_tsv() {
    let env = TestEnv::new();
    for n in 0..55 {
        env.ok(&["add", &format!("Person {n:02}")]);
    }
    let table = env.ok(&["list", "--format", "table"]);
    // Header, rule, 50 rows (no hint off a terminal).
    assert_eq!(table.lines().count(), 52, "{table}");
    assert!(!table.contains("more rows"), "hint leaked into a pipe");
    let all = env.ok(&["list", "--format", "table", "--limit", "0"]);
    assert_eq!(all.lines().count(), 57);
    let tsv = env.ok(&["list"]);
    assert_eq!(tsv.lines().count(), 56);
    assert_eq!(env.ok(&["list", "--limit", "3"]).lines().count(), 4);
}

#[test]
fn show_json_has_contact_followups_and_interactions() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann", "--org", "Acme", "--every", "2w"]);
    env.ok(&["add", "Bob", "--via", "ann", "--birthday", "--03-14"]);
    env.ok(&["log", "ann", "first", "--at", "2d ago", "--follow-up", "3d"]);
    env.ok(&[
        "log",
        "ann,bob",
        "second",
        "-t",
        "t",
        "--strained",
        "honesty",
    ]);
    let show = env.json(&["show", "ann"]);
    assert_eq!(show["handle"], "ann");
    assert_eq!(show["followups"].as_array().unwrap().len(), 1);
    assert_eq!(show["followups"][0]["text"], "first");
    let notes: Vec<&str> = show["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["second", "first"]);
    assert_eq!(show["reith"]["trust"], 1);
    assert_eq!(show["reith"]["honesty"], -1);
    let bob = env.json(&["show", "bob"]);
    assert_eq!(bob["via"], "ann");
    assert_eq!(bob["birthday"], "--03-14");
    assert_eq!(bob["followups"], serde_json::json!([]));
    assert_eq!(
        env.json(&["show", "ann", "--limit", "1"])["interactions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn show_tsv_is_field_value_rows() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann", "--org", "Acme"]);
    let tsv = env.ok(&["show", "ann"]);
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("field\tvalue"));
    assert!(tsv.lines().any(|l| l == "org\tAcme"), "{tsv}");
    assert!(tsv.lines().any(|l| l == "trust\t0"), "{tsv}");
}

#[test]
fn rm_needs_yes_off_a_terminal_and_keeps_shared_interactions() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&["add", "Bob"]);
    env.ok(&["log", "ann", "alone"]);
    env.ok(&["log", "ann,bob", "together"]);
    let err = env.fails(&["rm", "ann"], 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 2);
    env.ok(&["rm", "ann", "--yes"]);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
    let left = env.json(&["timeline"]);
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["note"], "together");
    assert_eq!(left[0]["contacts"], serde_json::json!(["bob"]));
    env.fails(&["rm", "ann", "--yes"], 3);
}

#[test]
fn archived_contacts_leave_list_and_due() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann", "--every", "1w"]);
    env.ok(&["remind", "ann", "1d", "call back"]);
    let later = env.at("2026-12-20T12:00:00Z");
    assert_eq!(later.json(&["due"]).as_array().unwrap().len(), 2);
    later.ok(&["archive", "ann"]);
    assert_eq!(later.json(&["due"]), serde_json::json!([]));
    assert_eq!(later.json(&["list"]), serde_json::json!([]));
    later.ok(&["unarchive", "ann"]);
    assert_eq!(later.json(&["due"]).as_array().unwrap().len(), 2);
}
