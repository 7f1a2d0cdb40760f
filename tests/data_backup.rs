//! `rel backup` through the binary: a consistent 0600 copy, even while another rel writes,
//! that never replaces a file without --force.

use crate::common;

use common::TestEnv;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn integrity(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open backup");
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check")
}

fn count(path: &Path, table: &str) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open backup");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .expect("count")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn backup_is_a_private_complete_copy() {
    let env = TestEnv::new();
    env.ok(&["add", "Ana Silva"]);
    env.ok(&["log", "ana-silva", "coffee"]);
    let target = env.dir.path().join("copy.db");
    let out = env.ok(&["backup", target.to_str().unwrap()]);
    assert_eq!(out.trim_end(), target.to_str().unwrap());
    assert_eq!(integrity(&target), "ok");
    assert_eq!(mode(&target), 0o600);
    assert_eq!(count(&target, "contacts"), 1);
    assert_eq!(count(&target, "interactions"), 1);
    // The copy is a working rel database.
    let restored = env.run_with(&["list", "--db", target.to_str().unwrap()], |_| {});
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert!(restored.stdout.contains("ana-silva"));
}

#[test]
fn backup_refuses_to_overwrite_without_force() {
    let env = TestEnv::new();
    env.ok(&["add", "Ana Silva"]);
    let target = env.dir.path().join("copy.db");
    std::fs::write(&target, "precious").unwrap();
    let err = env.fails(&["backup", target.to_str().unwrap()], 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    env.ok(&["backup", target.to_str().unwrap(), "--force"]);
    assert_eq!(integrity(&target), "ok");
    assert_eq!(mode(&target), 0o600);
    env.fails(&["backup", env.db.to_str().unwrap(), "--force"], 2);
}

#[test]
fn backup_during_concurrent_writes_is_consistent() {
    let env = TestEnv::new();
    env.ok(&["add", "Ana Silva"]);
    let writes = 40;
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            for n in 0..writes {
                let note = format!("touch {n}");
                let run = env.run(&["log", "ana-silva", &note, "--at", "2026-11-01"]);
                assert_eq!(run.code, 0, "log failed: {}", run.stderr);
            }
        });
        for n in 0..5 {
            let target = env.dir.path().join(format!("copy-{n}.db"));
            env.ok(&["backup", target.to_str().unwrap()]);
            assert_eq!(integrity(&target), "ok");
            assert_eq!(mode(&target), 0o600);
            // Whatever moment the copy caught, its maintained columns agree with its rows.
            let conn = rusqlite::Connection::open(&target).unwrap();
            let consistent: i64 = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM interactions) =
                            (SELECT count(*) FROM interaction_contacts)",
                    [],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(consistent, 1);
        }
        writer.join().expect("writer thread");
    });
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), writes);
}
