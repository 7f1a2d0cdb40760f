//! Issue 21, "How it is checked" for address books: every one of the 310 real files of
//! `../shared/realdata/addressbooks/` (read from there, never copied; skipped when the folder
//! is absent) imports without a panic, exits 0 or with one clean exit-2 line, and imports
//! a second time with nothing created or updated; vCard and CSV round trips keep every
//! contact even where cards share emails.

use crate::common;

use common::TestEnv;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn realdata() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdata/addressbooks");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    Some(files)
}

/// One clean failure: the first stderr line is `rel: …`, nothing panicked.
#[track_caller]
fn assert_clean_failure(file: &Path, code: i32, stderr: &str) {
    assert_eq!(code, 2, "{}: exit {code}: {stderr}", file.display());
    assert!(
        stderr.starts_with("rel: ") && !stderr.contains("panicked"),
        "{}: {stderr}",
        file.display()
    );
}

fn contact_counts(stdout: &str) -> (i64, i64) {
    let summary: Value = serde_json::from_str(stdout).expect("JSON summary");
    let count = |key: &str| summary["contacts"][key].as_i64().unwrap_or(-1);
    (count("created"), count("updated"))
}

/// Files `index % of == part`, so the work spreads over the test threads.
fn check_part(part: usize, of: usize) {
    let Some(files) = realdata() else {
        eprintln!("../shared/realdata/addressbooks is absent: skipped");
        return;
    };
    for file in files.iter().skip(part).step_by(of) {
        let env = TestEnv::new();
        let path = file.to_str().expect("UTF-8 path");
        let args = ["import", path, "--format", "json"];
        let first = env.run(&args);
        if first.code != 0 {
            assert_clean_failure(file, first.code, &first.stderr);
            continue;
        }
        assert!(
            !first.stderr.contains("panicked"),
            "{path}: {}",
            first.stderr
        );
        let second = env.run(&args);
        assert_eq!(second.code, 0, "{path} again: {}", second.stderr);
        assert_eq!(
            contact_counts(&second.stdout),
            (0, 0),
            "{path}: a second import changed something: {}",
            second.stdout
        );
    }
}

#[test]
fn real_files_part_1() {
    check_part(0, 4);
}

#[test]
fn real_files_part_2() {
    check_part(1, 4);
}

#[test]
fn real_files_part_3() {
    check_part(2, 4);
}

#[test]
fn real_files_part_4() {
    check_part(3, 4);
}

fn count(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM contacts")
}

fn names(env: &TestEnv) -> Vec<String> {
    let db = rusqlite::Connection::open(&env.db).expect("open db");
    let mut stmt = db
        .prepare(
            "SELECT c.name || ' <' || coalesce((SELECT group_concat(email, ',') FROM
                (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY email)), '')
                || '>'
             FROM contacts c ORDER BY c.uid",
        )
        .expect("query");
    stmt.query_map([], |row| row.get::<_, String>(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names")
}

/// Export `to` from `from`, import into a fresh database: the same people come back.
#[track_caller]
fn round_trip(from: &TestEnv, to: &[&str], file_name: &str) {
    let file = from.dir.path().join(file_name);
    let file = file.to_str().expect("path");
    let mut args = vec!["export"];
    args.extend(to);
    args.extend(["-o", file]);
    from.ok(&args);
    let into = TestEnv::new();
    let run = into.run(&["import", file]);
    assert_eq!(run.code, 0, "{to:?}: {}", run.stderr);
    assert_eq!(count(&into), count(from), "{to:?} round trip lost contacts");
    assert_eq!(
        names(&into),
        names(from),
        "{to:?} round trip changed people"
    );
}

/// Every real file in one journal (the way a person collects address books), then round
/// trips through vCard and CSV: contacts sharing an email stay apart.
#[test]
fn round_trips_of_every_real_file_keep_every_contact() {
    let Some(files) = realdata() else {
        eprintln!("../shared/realdata/addressbooks is absent: skipped");
        return;
    };
    let env = TestEnv::new();
    for file in &files {
        let path = file.to_str().expect("UTF-8 path");
        let run = env.run(&["import", path, "--skip-invalid"]);
        if run.code != 0 {
            assert_clean_failure(file, run.code, &run.stderr);
        }
    }
    let shared = env.sql_i64(
        "SELECT count(*) FROM contact_emails a JOIN contact_emails b
         ON a.email = b.email COLLATE NOCASE AND a.contact_id < b.contact_id",
    );
    assert!(shared > 0, "the real files have people sharing an email");
    round_trip(&env, &["--to", "vcard"], "all.vcf");
    round_trip(&env, &["--to", "csv", "--contacts"], "all.csv");
}

#[test]
fn round_trips_keep_a_family_sharing_an_address() {
    let env = TestEnv::new();
    let family = format!("{}/tests/data/books/family.vcf", env!("CARGO_MANIFEST_DIR"));
    let run = env.run(&["import", &family]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.ok(&[
        "add",
        "Pat Smith",
        "--email",
        "smiths@example.com",
        "--phone",
        "+1-418-656-9254;ext=102",
    ]);
    assert_eq!(count(&env), 3);
    round_trip(&env, &["--to", "vcard"], "family.vcf");
    round_trip(&env, &["--to", "csv", "--contacts"], "family.csv");
}
