//! A restored backup and a copied database (issue 22, points 1 and 2) through the real binary,
//! over a folder, git and PostgreSQL: the database that finds its replica id already used for
//! other operations moves to a new id with `this journal was restored or copied: …; nothing
//! was lost` (exit 0), and once every machine has synced, digests agree and every interaction
//! written on either side, before or after, is everywhere.

use crate::common::TestEnv;
use crate::common::pg;
use crate::common::replica::{Replica, bare_repo};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::path::Path;

const MOVED: &str = "rel: this journal was restored or copied: it continues as replica ";

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minute)
}

fn id(replica: &Replica) -> String {
    replica.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone()
}

/// `sync init` on every machine against `remote` (the first makes the key).
pub(crate) fn init_all(remote: &[String], machines: &[&Replica]) {
    let args: Vec<&str> = remote.iter().map(String::as_str).collect();
    let mut first = vec!["sync", "init"];
    first.extend(&args);
    machines[0].ok(at(0), &first);
    let key = if remote[0] == "--postgres" {
        None
    } else {
        Some(
            machines[0]
                .ok(at(0), &["sync", "key"])
                .trim_end()
                .to_string(),
        )
    };
    for machine in &machines[1..] {
        let mut more = first.clone();
        if let Some(key) = &key {
            more.extend(["--key", key.as_str()]);
        }
        machine.ok(at(0), &more);
    }
}

/// Every machine syncs until a round changes nothing; then all digests agree.
fn settle(machines: &[&Replica], minute: i64) {
    for _ in 0..3 {
        for machine in machines {
            machine.ok(at(minute), &["sync"]);
        }
    }
    let first = machines[0].digest(at(minute));
    for machine in &machines[1..] {
        assert_eq!(
            machine.digest(at(minute)),
            first,
            "{} differs",
            machine.name
        );
        assert_eq!(
            machine.ok(at(minute), &["sync"]).trim(),
            "up to date",
            "{}",
            machine.name
        );
    }
}

fn notes(replica: &Replica) -> Vec<String> {
    let mut notes = replica.strings("SELECT note FROM interactions");
    notes.sort();
    notes
}

fn restore(backup: &Path, replica: &Replica) {
    std::fs::copy(backup, &replica.db).expect("restore the backup");
}

/// The first report, step by step: `rel backup b.db; rel log maria "after"; rel
/// sync`, the file restored from b.db, `rel log maria "on restored"; rel sync`.
fn restored_backup(remote: Vec<String>) {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    init_all(&remote, &[&laptop, &desktop]);
    laptop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(1), &["log", "maria", "before"]);
    laptop.ok(at(1), &["sync"]);
    desktop.ok(at(2), &["sync"]);
    let backup = laptop.dir.path().join("b.db");
    laptop.ok(at(3), &["backup", backup.to_str().expect("path")]);
    laptop.ok(at(4), &["log", "maria", "after"]);
    laptop.ok(at(4), &["sync"]);
    desktop.ok(at(5), &["log", "maria", "from the desktop"]);
    desktop.ok(at(5), &["sync"]);
    let old = id(&laptop);

    restore(&backup, &laptop);
    laptop.ok(at(6), &["log", "maria", "on restored"]);
    let ran = laptop.run(at(7), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let new = id(&laptop);
    assert_ne!(new, old);
    assert_eq!(
        ran.stderr.trim_end(),
        format!("{MOVED}{new}; nothing was lost"),
        "{}",
        ran.stderr
    );
    // What the old id published after the backup came back to the restored database.
    assert!(notes(&laptop).contains(&"after".to_string()));
    assert!(notes(&laptop).contains(&"from the desktop".to_string()));

    settle(&[&laptop, &desktop], 8);
    let expected: Vec<String> = ["after", "before", "from the desktop", "on restored"]
        .map(String::from)
        .to_vec();
    assert_eq!(notes(&laptop), expected);
    assert_eq!(notes(&desktop), expected);
    // The desktop never moved, and later work of the moved laptop keeps flowing.
    laptop.ok(at(9), &["log", "maria", "later"]);
    settle(&[&laptop, &desktop], 10);
    assert!(notes(&desktop).contains(&"later".to_string()));
    // Undo still walks this machine's own steps, renumbered with it: the last one, then the
    // log made on the restored file.
    laptop.ok(at(11), &["undo"]);
    laptop.ok(at(11), &["undo"]);
    settle(&[&laptop, &desktop], 12);
    let left: Vec<String> = ["after", "before", "from the desktop"]
        .map(String::from)
        .to_vec();
    assert_eq!(notes(&laptop), left);
    assert_eq!(notes(&desktop), left);
}

#[test]
fn a_restored_backup_moves_and_loses_nothing_over_a_folder() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    restored_backup(vec!["--folder".into(), folder]);
}

#[test]
fn a_restored_backup_moves_and_loses_nothing_over_git() {
    let shared = tempfile::tempdir().expect("tempdir");
    restored_backup(vec!["--git".into(), bare_repo(shared.path())]);
}

#[test]
fn a_restored_backup_moves_and_loses_nothing_over_postgres() {
    let Some(db) = pg::fresh("faults_fork_restore") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    restored_backup(vec![
        "--postgres".into(),
        db.url.clone(),
        "--workspace".into(),
        "fork".into(),
    ]);
}

/// One database copied to a second machine, both used: whichever syncs second moves, the
/// first keeps its id and never hears of it.
fn copied_database(remote: Vec<String>) {
    let (laptop, desktop, copy) = (
        Replica::new("laptop"),
        Replica::new("desktop"),
        Replica::new("copy"),
    );
    init_all(&remote, &[&laptop, &desktop]);
    laptop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(1), &["sync"]);
    std::fs::copy(&laptop.db, &copy.db).expect("copy the database");
    let old = id(&laptop);

    laptop.ok(at(2), &["log", "maria", "on the laptop"]);
    copy.ok(at(2), &["add", "Nina Rossi", "--handle", "nina"]);
    copy.ok(at(2), &["log", "maria", "on the copy"]);
    let first = laptop.run(at(3), &["sync"]);
    assert_eq!((first.code, first.stderr.as_str()), (0, ""));
    let second = copy.run(at(4), &["sync"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(
        second.stderr.trim_end(),
        format!("{MOVED}{}; nothing was lost", id(&copy))
    );
    assert_eq!(id(&laptop), old);
    assert_ne!(id(&copy), old);

    settle(&[&laptop, &desktop, &copy], 5);
    let expected: Vec<String> = ["on the copy", "on the laptop"].map(String::from).to_vec();
    for machine in [&laptop, &desktop, &copy] {
        assert_eq!(notes(machine), expected, "{}", machine.name);
        let mut handles = machine.strings("SELECT handle FROM contacts");
        handles.sort();
        assert_eq!(handles, ["maria", "nina"], "{}", machine.name);
    }
}

#[test]
fn a_copied_database_used_on_two_machines_over_a_folder() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    copied_database(vec!["--folder".into(), folder]);
}

#[test]
fn a_copied_database_used_on_two_machines_over_git() {
    let shared = tempfile::tempdir().expect("tempdir");
    copied_database(vec!["--git".into(), bare_repo(shared.path())]);
}

#[test]
fn a_copied_database_used_on_two_machines_over_postgres() {
    let Some(db) = pg::fresh("faults_fork_copy") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    copied_database(vec![
        "--postgres".into(),
        db.url.clone(),
        "--workspace".into(),
        "copy".into(),
    ]);
}

/// Copies every file of `from` missing in `to` (a cloud drive carrying files late).
fn carry(from: &Path, to: &Path) {
    for entry in walk(from) {
        let target = to.join(entry.strip_prefix(from).expect("inside"));
        if !target.exists() {
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&entry, &target).expect("carry");
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Two copies of one database write before either sees the other's files (each machine has
/// its own view of a cloud folder, carried across later, in either order): the two histories
/// both stay in the folder (names differ by content, nothing is overwritten), every machine
/// reads the same of them, and after everyone syncs nothing of either is lost.
#[test]
fn two_copies_writing_at_once_keep_both_histories_the_copys_files_arriving_first() {
    two_copies_writing_at_once(true);
}

#[test]
fn two_copies_writing_at_once_keep_both_histories_the_laptops_files_arriving_first() {
    two_copies_writing_at_once(false);
}

fn two_copies_writing_at_once(copy_first: bool) {
    let shared = tempfile::tempdir().expect("tempdir");
    let view_a = shared.path().join("a");
    let view_b = shared.path().join("b");
    let (laptop, desktop, copy) = (
        Replica::new("laptop"),
        Replica::new("desktop"),
        Replica::new("copy"),
    );
    let folder_a = view_a.display().to_string();
    init_all(
        &["--folder".to_string(), folder_a.clone()],
        &[&laptop, &desktop],
    );
    laptop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(1), &["sync"]);
    desktop.ok(at(1), &["sync"]);
    carry(&view_a, &view_b);
    std::fs::copy(&laptop.db, &copy.db).expect("copy the database");
    // The copy's machine sees the folder at view b.
    let folder_b = view_b.display().to_string();
    copy.ok(at(1), &["sync", "init", "--replace", "--folder", &folder_b]);

    laptop.ok(at(2), &["log", "maria", "on the laptop"]);
    laptop.ok(at(2), &["sync"]);
    desktop.ok(at(2), &["sync"]); // reads the laptop's history before the fork shows
    copy.ok(at(2), &["log", "maria", "on the copy"]);
    copy.ok(at(2), &["sync"]);
    // A cloud drive's "conflicted copy" of one of them, with other bytes: never read.
    let laptop_dir = view_a.join("rel-sync/v1").join(id(&laptop));
    let first = walk(&laptop_dir)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/2-"))
        .expect("the laptop's new segment");
    let conflicted = first.with_file_name(format!(
        "{} (desktop's conflicted copy 2026-11-27).seg",
        first.file_stem().expect("stem").to_string_lossy()
    ));
    std::fs::write(&conflicted, b"not what rel wrote").expect("conflicted copy");

    // The cloud carries one side's files first and everyone syncs, then the other side's.
    let (early, late) = if copy_first {
        ((&view_b, &view_a), (&view_a, &view_b))
    } else {
        ((&view_a, &view_b), (&view_b, &view_a))
    };
    let mut moved = std::collections::BTreeMap::new();
    let sync_all = |moved: &mut std::collections::BTreeMap<String, usize>| {
        for machine in [&laptop, &desktop, &copy] {
            let ran = machine.run(at(3), &["sync"]);
            assert_eq!(ran.code, 0, "{}: {}", machine.name, ran.stderr);
            assert!(!ran.stderr.contains("conflicted"), "{}", ran.stderr);
            *moved.entry(machine.name.clone()).or_insert(0) += ran.stderr.matches(MOVED).count();
        }
    };
    carry(early.0, early.1);
    sync_all(&mut moved);
    carry(late.0, late.1);
    let seg_names: Vec<String> = walk(&laptop_dir)
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("2-") && !n.contains("conflicted"))
        .collect();
    assert_eq!(seg_names.len(), 2, "both histories kept: {seg_names:?}");

    for _ in 0..3 {
        sync_all(&mut moved);
        carry(&view_a, &view_b);
        carry(&view_b, &view_a);
    }
    assert_ne!(id(&laptop), id(&copy));
    // Both writers of the two histories moved, once each; the reader never did.
    let counts: Vec<(&str, usize)> = moved.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    assert_eq!(counts, [("copy", 1), ("desktop", 0), ("laptop", 1)]);
    let expected: Vec<String> = ["on the copy", "on the laptop"].map(String::from).to_vec();
    let digest = laptop.digest(at(3));
    for machine in [&laptop, &desktop, &copy] {
        assert_eq!(notes(machine), expected, "{}", machine.name);
        assert_eq!(machine.digest(at(3)), digest, "{}", machine.name);
    }
}
