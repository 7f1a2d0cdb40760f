//! Databases left by every older rel are migrated (once, even by processes racing), a backup
//! precedes a migration that rewrites tables, and a newer rel's database is left untouched.

use crate::common;

use common::TestEnv;
use common::safety::{mode, rel};
use rel::db::migrations::{LATEST_VERSION, MIGRATIONS};
use rusqlite::Connection;
use std::path::Path;

/// A database as an older rel (schema `version`) left it, with one contact from that era.
fn old_database(path: &Path, version: usize) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    if version == 0 {
        // Schema 0 is the empty file a rel killed before its first migration leaves behind.
        std::fs::write(path, b"").expect("empty db");
        return;
    }
    let conn = Connection::open(path).expect("open");
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("wal");
    for step in &MIGRATIONS[..version] {
        conn.execute_batch(step.sql).expect("old step");
    }
    conn.execute_batch(&format!("PRAGMA user_version = {version}"))
        .expect("version");
    conn.execute(
        "INSERT INTO contacts (uid, handle, name, created_at) \
         VALUES ('0190f0e0-0000-7000-8000-000000000001', 'old-friend', 'Old Friend', 1700000000)",
        [],
    )
    .expect("old contact");
}

fn user_version(path: &Path) -> i64 {
    common::safety::read(path)
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version")
}

fn backups_of(db: &Path) -> Vec<std::path::PathBuf> {
    let name = db.file_name().expect("name").to_string_lossy().into_owned();
    let mut found: Vec<_> = std::fs::read_dir(db.parent().expect("parent"))
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}.bak-")))
        })
        .collect();
    found.sort();
    found
}

/// How many backups migrating from `version` must take: one if any pending step rewrites
/// tables that already hold data.
fn expected_backups(version: usize) -> usize {
    usize::from(version > 0 && MIGRATIONS[version..].iter().any(|m| m.changes_existing))
}

#[test]
fn every_older_schema_is_migrated_and_works() {
    for version in 0..=MIGRATIONS.len() {
        let env = TestEnv::new();
        old_database(&env.db, version);
        if version == 0 {
            env.ok(&["add", "Old Friend"]);
        }
        let run = env.run(&["log", "old-friend", "after the upgrade", "-t", "trust"]);
        assert_eq!(run.code, 0, "from schema {version}: {}", run.stderr);
        assert_eq!(run.stdout, "1\n");
        assert_eq!(
            user_version(&env.db),
            LATEST_VERSION,
            "from schema {version}"
        );

        let backups = backups_of(&env.db);
        assert_eq!(
            backups.len(),
            expected_backups(version),
            "from schema {version}"
        );
        for backup in &backups {
            assert_eq!(mode(backup), 0o600, "{}", backup.display());
            assert!(
                run.stderr.contains(&backup.display().to_string()),
                "{}",
                run.stderr
            );
            assert_eq!(user_version(backup), version as i64);
        }
        if backups.is_empty() {
            assert_eq!(run.stderr, "", "from schema {version}");
        }

        let show = env.json(&["show", "old-friend"]);
        assert_eq!(show["name"], "Old Friend");
        assert_eq!(show["interactions"][0]["note"], "after the upgrade");
        assert_eq!(show["reith"]["trust"], 1);
    }
}

/// Starts `count` rel processes (racer n runs `args(n)`) before waiting for any, so they really
/// race for the write lock; every one must succeed.
fn race(env: &TestEnv, count: usize, args: impl Fn(usize) -> Vec<String>, what: &str) {
    let racers: Vec<_> = (0..count)
        .map(|n| {
            let args = args(n);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            rel(env, &args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for racer in racers {
        let output = racer.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn processes_racing_to_open_an_old_database_migrate_it_once() {
    const RACERS: usize = 6;
    for version in 0..MIGRATIONS.len() {
        let env = TestEnv::new();
        old_database(&env.db, version);
        race(
            &env,
            RACERS,
            |_| vec!["due".into()],
            &format!("from schema {version}"),
        );
        assert_eq!(user_version(&env.db), LATEST_VERSION);
        assert_eq!(backups_of(&env.db).len(), expected_backups(version));
    }
}

#[test]
fn racing_first_use_of_a_missing_database_creates_it_once() {
    let env = TestEnv::new();
    race(
        &env,
        6,
        |n| vec!["add".into(), format!("Person {n}")],
        "first use",
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 6);
    assert_eq!(user_version(&env.db), LATEST_VERSION);
}

fn directory_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_database_from_a_newer_rel_is_refused_and_left_untouched() {
    let env = TestEnv::new();
    env.ok(&["add", "Someone"]);
    let newer = LATEST_VERSION + 1;
    {
        let conn = Connection::open(&env.db).expect("open");
        conn.execute_batch(&format!("PRAGMA user_version = {newer}"))
            .expect("bump");
    }
    let folder = env.db.parent().expect("parent");
    let files_before = directory_listing(folder);
    assert_eq!(
        files_before,
        ["rel.db"],
        "the WAL was checkpointed on close"
    );
    let bytes_before = std::fs::read(&env.db).expect("read");

    let expected =
        format!("rel: database was written by a newer rel (schema {newer}); upgrade rel\n");
    for args in [
        &["list"][..],
        &["due"],
        &["log", "someone", "hello"],
        &["add", "Other"],
        &["config", "default-every", "2w"],
    ] {
        let run = env.run(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert_eq!(run.stderr, expected, "{args:?}");
        assert_eq!(run.stdout, "");
    }
    assert_eq!(std::fs::read(&env.db).expect("read"), bytes_before);
    assert_eq!(directory_listing(folder), files_before);
}
