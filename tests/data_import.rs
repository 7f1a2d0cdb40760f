//! `rel import` through the binary: every sample file, all-or-nothing, --skip-invalid,
//! --dry-run, idempotency, matching, stdin and unreadable files.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn sample(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports with `--format json` and returns the summary object.
#[track_caller]
fn import(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["import"];
    all.extend(args);
    env.json(&all)
}

fn counts(summary: &Value, kind: &str) -> (i64, i64, i64) {
    let t = &summary[kind];
    (
        t["created"].as_i64().unwrap(),
        t["updated"].as_i64().unwrap(),
        t["unchanged"].as_i64().unwrap(),
    )
}

fn contacts(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM contacts")
}

fn show(env: &TestEnv, handle: &str) -> Value {
    env.json(&["show", handle])
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn google_vcard_30() {
    let env = TestEnv::new();
    let summary = import(&env, &[&sample("google.vcf")]);
    assert_eq!(counts(&summary, "contacts"), (2, 0, 0));
    let alice = show(&env, "alice-martin");
    assert_eq!(alice["org"], "Example Corp");
    assert_eq!(alice["role"], "Account Manager");
    assert_eq!(
        strings(&alice["emails"]),
        ["alice.martin@example.com", "alice@work.example.com"]
    );
    assert_eq!(strings(&alice["tags"]), ["clients"]);
    assert_eq!(alice["birthday"], "1988-07-14");
    assert_eq!(show(&env, "bob-nakamura")["birthday"], "--03-02");
}

#[test]
fn apple_vcard_keeps_uid_cadence_and_yearless_birthday() {
    let env = TestEnv::new();
    import(&env, &[&sample("apple.vcf")]);
    let jurgen = show(&env, "jurgen-muller");
    assert_eq!(jurgen["name"], "Jürgen Müller");
    assert_eq!(jurgen["uid"], "5A1B2C3D-0000-4000-8000-00000000AB01");
    assert_eq!(jurgen["every"], "2w");
    assert_eq!(strings(&jurgen["tags"]), ["family"]);
    assert_eq!(jurgen["org"], "Bäckerei Müller GmbH");
    // Maintained columns are true after import: a cadence gives a due date.
    assert!(jurgen["next_due"].is_string());
    assert_eq!(show(&env, "chiamaka-okafor")["birthday"], "--09-21");
}

#[test]
fn vcard_21_quoted_printable() {
    let env = TestEnv::new();
    import(&env, &[&sample("legacy21.vcf")]);
    let francois = show(&env, "francois-dupre-de-la-riviere-saint-etienne");
    assert_eq!(
        francois["name"],
        "François Dupré de la Rivière Saint-Étienne"
    );
    assert_eq!(francois["note"], "Café tous les jeudis\nAppeler avant midi");
    assert_eq!(show(&env, "anna-kowalski")["birthday"], "1983-04-12");
}

#[test]
fn thunderbird_vcard_40() {
    let env = TestEnv::new();
    import(&env, &[&sample("thunderbird.vcf")]);
    let sofia = show(&env, "sofia-hernandez");
    assert_eq!(sofia["uid"], "0b7e5a5e-7f0e-4c6b-9a54-1d2b3c4d5e6f");
    assert_eq!(sofia["role"], "Ingeniera");
    assert_eq!(sofia["birthday"], "1990-01-25");
    assert_eq!(show(&env, "erik-lindqvist")["birthday"], "--12-24");
}

#[test]
fn our_csv_columns() {
    let env = TestEnv::new();
    let summary = import(&env, &[&sample("contacts.csv")]);
    assert_eq!(counts(&summary, "contacts"), (3, 0, 0));
    let priya = show(&env, "priya-raman");
    assert_eq!(
        strings(&priya["emails"]),
        ["priya@example.com", "priya.r@example.com"]
    );
    assert_eq!(strings(&priya["tags"]), ["mentors", "work"]);
    assert_eq!(priya["every"], "2w");
    assert_eq!(priya["birthday"], "1984-02-29");
    assert_eq!(show(&env, "lee-chen")["note"], "Says \"hi\" a lot");
}

#[test]
fn google_csv_company_row_is_named_by_its_company() {
    let env = TestEnv::new();
    // The fourth row has only an organisation and a phone: it goes by the organisation.
    let run = env.run(&["import", &sample("google.csv"), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(counts(&summary, "contacts"), (4, 0, 0));
    // Zoë's address is not read: one line says so, naming the columns that held it.
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("rel: warning: columns not imported: Address 1 - Formatted"),
        "{}",
        run.stderr
    );
    assert_eq!(show(&env, "ghost-inc")["phones"][0], "+1 555-0177");
    let zoe = show(&env, "zoe-maria-angstrom");
    assert_eq!(strings(&zoe["tags"]), ["book club", "friends"]);
    let legacy = import(&env, &[&sample("google-legacy.csv")]);
    assert_eq!(counts(&legacy, "contacts"), (2, 0, 0));
    assert_eq!(show(&env, "hakon-berg")["role"], "Lead Engineer");
}

#[test]
fn malformed_vcard_writes_nothing() {
    let env = TestEnv::new();
    let err = env.fails(&["import", &sample("malformed.vcf")], 2);
    assert!(err.contains("record 2 (line 6)"), "{err}");
    assert!(err.contains("--skip-invalid"), "{err}");
    assert_eq!(contacts(&env), 0);
}

#[test]
fn skip_invalid_imports_the_rest_and_says_why() {
    let env = TestEnv::new();
    let run = env.run(&["import", &sample("malformed.vcf"), "--skip-invalid"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("contacts: 3 created"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 skipped"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("skipped record 2 (line 6): missing END:VCARD")
    );
    assert_eq!(contacts(&env), 3);
}

#[test]
fn bad_csv_row_names_its_line() {
    let env = TestEnv::new();
    let err = env.fails(&["import", &sample("bad-row.csv")], 2);
    assert!(err.contains("record 2 (line 3)"), "{err}");
    assert_eq!(contacts(&env), 0);
    let summary = import(&env, &[&sample("bad-row.csv"), "--skip-invalid"]);
    assert_eq!(counts(&summary, "contacts"), (2, 0, 0));
    assert_eq!(contacts(&env), 2);
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let env = TestEnv::new();
    let summary = import(&env, &[&sample("contacts.csv"), "--dry-run"]);
    assert_eq!(summary["dry_run"], true);
    assert_eq!(counts(&summary, "contacts"), (3, 0, 0));
    assert_eq!(contacts(&env), 0);
}

#[test]
fn importing_twice_changes_nothing() {
    let env = TestEnv::new();
    let files = [
        "google.vcf",
        "apple.vcf",
        "legacy21.vcf",
        "thunderbird.vcf",
        "contacts.csv",
        "google-legacy.csv",
    ];
    for file in files {
        import(&env, &[&sample(file)]);
    }
    let before = contacts(&env);
    for file in files {
        let again = import(&env, &[&sample(file)]);
        let (created, updated, unchanged) = counts(&again, "contacts");
        assert_eq!((created, updated), (0, 0), "{file}: {again}");
        assert!(unchanged > 0, "{file}");
    }
    assert_eq!(contacts(&env), before);
}

#[test]
fn existing_contact_is_merged_by_email_not_duplicated() {
    // Issue 21: an email merges only when the names agree too (case and accents ignored).
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "BOB NAKAMURA",
        "--email",
        "BOB.NAKAMURA@example.com",
        "--tag",
        "vip",
    ]);
    let summary = import(&env, &[&sample("google.vcf")]);
    assert_eq!(counts(&summary, "contacts"), (1, 1, 0));
    assert_eq!(contacts(&env), 2);
    let bob = show(&env, "bob-nakamura");
    // Lists are unioned, the file's name replaces the stored one, the handle stays.
    assert_eq!(strings(&bob["tags"]), ["book club", "friends", "vip"]);
    assert_eq!(bob["name"], "Bob Nakamura");
    assert_eq!(strings(&bob["emails"]), ["BOB.NAKAMURA@example.com"]);
}

#[test]
fn contact_without_email_is_matched_by_exact_name() {
    let env = TestEnv::new();
    env.ok(&["add", "Lee Chen", "--org", "Old Org"]);
    let summary = import(&env, &[&sample("contacts.csv")]);
    assert_eq!(counts(&summary, "contacts"), (2, 1, 0));
    let lee = show(&env, "lee-chen");
    assert_eq!(lee["org"], "Old Org");
    assert_eq!(strings(&lee["phones"]), ["+1 555 0142"]);
}

#[test]
fn stdin_is_read_and_its_format_guessed() {
    let env = TestEnv::new();
    let vcard = std::fs::read_to_string(sample("thunderbird.vcf")).unwrap();
    let run = env.run_with(&["import", "-"], |cmd| {
        cmd.write_stdin(vcard);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(sample("contacts.csv")).unwrap();
    let run = env.run_with(&["import", "-", "--from", "csv"], |cmd| {
        cmd.write_stdin(csv);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(contacts(&env), 5);
}

#[test]
fn unreadable_file_is_exit_1() {
    let env = TestEnv::new();
    let missing = env.dir.path().join("nope.vcf");
    env.fails(&["import", missing.to_str().unwrap()], 1);
    env.fails(&["import", env.dir.path().to_str().unwrap()], 1);
}

#[test]
fn json_record_naming_an_unknown_contact_stops_everything() {
    let env = TestEnv::new();
    let file = env.dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"{"rel_export": 1, "settings": {},
"contacts": [{"uid": "c1", "name": "Ann"}],
"interactions": [{"uid": "i1", "at": "2026-11-01T10:00:00Z", "channel": "call", "contacts": ["c1"]},
  {"uid": "i2", "at": "2026-11-02T10:00:00Z", "channel": "call", "contacts": ["ghost"]}],
"followups": []}"#,
    )
    .unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()], 2);
    assert!(err.contains("interactions record 2"), "{err}");
    assert!(err.contains("ghost"), "{err}");
    assert_eq!(contacts(&env), 0);
    let summary = import(&env, &[file.to_str().unwrap(), "--skip-invalid"]);
    assert_eq!(counts(&summary, "interactions"), (1, 0, 0));
    assert_eq!(
        env.sql_i64("SELECT last_touch FROM contacts"),
        1_793_527_200
    );
}

#[test]
fn json_syntax_error_is_exit_2() {
    let env = TestEnv::new();
    let file = env.dir.path().join("broken.json");
    std::fs::write(
        &file,
        r#"{"rel_export": 1, "contacts": [{"uid": "c1", "name": "Ann"},"#,
    )
    .unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()], 2);
    assert!(err.contains("not a valid rel export"), "{err}");
    assert_eq!(contacts(&env), 0);
}
