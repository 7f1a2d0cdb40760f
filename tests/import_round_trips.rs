//! Issue 12 point 12: contacts leave rel as CSV (`export --to csv --contacts`) or vCard 4.0
//! (`export --to vcard`) and come back losing nothing; bad records are all named.

use crate::common;

use common::TestEnv;

fn sample(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A journal filled from several real files, with an introducer, a cadence, an archived
/// contact and a note with line breaks and separators.
fn filled() -> TestEnv {
    let env = TestEnv::new();
    for file in ["icloud.vcf", "outlook21.vcf", "android.vcf", "outlook.csv"] {
        let run = env.run(&["import", &sample(file)]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    }
    env.ok(&[
        "add",
        "Zoë =Formula, Jr.",
        "--email",
        "zoe@example.com",
        "--phone",
        "+1 555 0100",
        "--every",
        "2w",
        "--via",
        "jane-doe",
        "--tag",
        "book club",
        "--birthday",
        "--02-29",
        "--note",
        "line one; with, commas\nline two \\ backslash",
    ]);
    env.ok(&[
        "add",
        "Formula Fan",
        "--role",
        "=SUM(A1)",
        "--note",
        "'=kept as written",
    ]);
    env.ok(&["archive", "john-doe"]);
    env
}

fn export(env: &TestEnv, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend(args);
    env.ok(&all)
}

#[test]
fn csv_contacts_round_trip_loses_nothing() {
    let first = filled();
    let csv = export(&first, &["--to", "csv", "--contacts"]);
    assert!(csv.starts_with("uid,handle,name,org,role,email,phone,tags,every,birthday,via,"));
    let second = TestEnv::new();
    let path = write(&second, "contacts.csv", &csv);
    second.ok(&["import", &path]);
    assert_eq!(export(&second, &[]), export(&first, &[]));
    let again = second.ok(&["import", &path]);
    assert!(
        again.starts_with("contacts: 0 created, 0 updated"),
        "{again}"
    );
}

#[test]
fn vcard_export_round_trip_loses_nothing() {
    let first = filled();
    let vcf = export(&first, &["--to", "vcard"]);
    assert!(
        vcf.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:"),
        "{vcf}"
    );
    assert!(vcf.contains("\r\nX-REL-EVERY:2w\r\n"), "{vcf}");
    assert!(vcf.contains("\r\nCATEGORIES:book club\r\n"), "{vcf}");
    assert!(vcf.lines().all(|line| line.len() <= 76), "lines folded");
    let second = TestEnv::new();
    let path = write(&second, "contacts.vcf", &vcf);
    second.ok(&["import", &path]);
    assert_eq!(export(&second, &[]), export(&first, &[]));
    let again = second.ok(&["import", &path]);
    assert!(
        again.starts_with("contacts: 0 created, 0 updated"),
        "{again}"
    );
}

#[test]
fn contacts_flag_goes_with_csv_only() {
    let env = TestEnv::new();
    let err = env.fails(&["export", "--to", "json", "--contacts"], 2);
    assert!(err.contains("--contacts goes with --to csv"), "{err}");
}

#[test]
fn interactions_csv_reimported_counts_every_row_and_says_why() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    for note in ["one", "two", "three"] {
        env.ok(&["log", "ann", note]);
    }
    let csv = export(&env, &["--to", "csv"]);
    let path = write(&env, "interactions.csv", &csv);
    let err = env.fails(&["import", &path], 2);
    assert!(err.contains("rel's interactions CSV"), "{err}");
    assert!(err.contains("--contacts"), "{err}");
    let run = env.run(&["import", &path, "--skip-invalid"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("; 3 skipped"), "{}", run.stdout);
}

#[test]
fn every_bad_record_is_named_up_to_twenty() {
    let env = TestEnv::new();
    let mut csv = String::from("name,every\n");
    for n in 0..3 {
        csv.push_str(&format!("Good {n},2w\nBad {n},sometimes\n"));
    }
    let err = env.fails(&["import", &write(&env, "few.csv", &csv)], 2);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("rel: 3 invalid records; nothing was imported"),
        "{err}"
    );
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[1].contains("record 2 (line 3)"), "{err}");
    assert!(lines[3].contains("record 6 (line 7)"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 0);

    let mut csv = String::from("name,every\n");
    for n in 0..30 {
        csv.push_str(&format!("Bad {n},sometimes\n"));
    }
    let err = env.fails(&["import", &write(&env, "many.csv", &csv)], 2);
    assert!(
        err.starts_with("rel: 20 invalid records (stopped at the 20th)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 21, "{err}");
}
