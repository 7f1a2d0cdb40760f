//! Many rel processes at once, and rel processes killed mid-write: every acknowledged write
//! is kept, nothing is half-written, and nobody sees `database is locked`.

use crate::common;

use common::TestEnv;
use common::safety::{Rng, integrity, read, rel, stale_contacts};
use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const WRITERS: usize = 8;
const LOGS_PER_WRITER: usize = 50;

fn env_with_contacts(count: usize) -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Alice Shared"]);
    for slot in 0..count {
        env.ok(&["add", &format!("writer{slot}")]);
    }
    env
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}, stdout {:?}, stderr {:?}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn concurrent_writers_and_readers_all_succeed() {
    let env = env_with_contacts(WRITERS);
    let writing = AtomicBool::new(true);
    let reads = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let readers: Vec<_> = [["due"].as_slice(), &["timeline", "--limit", "5"]]
            .into_iter()
            .map(|args| {
                let (env, writing, reads) = (&env, &writing, &reads);
                scope.spawn(move || {
                    while writing.load(Ordering::Relaxed) {
                        let output = rel(env, args).output().expect("spawn reader");
                        assert!(
                            output.status.success() && output.stderr.is_empty(),
                            "reader {args:?} failed: {}",
                            describe(&output)
                        );
                        reads.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        let writers: Vec<_> = (0..WRITERS)
            .map(|slot| {
                let env = &env;
                scope.spawn(move || {
                    for n in 0..LOGS_PER_WRITER {
                        let who = format!("alice,writer{slot}");
                        let note = format!("writer {slot} note {n}");
                        let at = format!("{}h ago", (slot * LOGS_PER_WRITER + n) % 97 + 1);
                        let args = ["log", &who, &note, "--at", &at, "-t", "trust"];
                        let output = rel(env, &args).output().expect("spawn writer");
                        assert!(
                            output.status.success(),
                            "writer {slot} log {n}: {}",
                            describe(&output)
                        );
                        let stdout = String::from_utf8_lossy(&output.stdout);
                        assert!(stdout.trim().parse::<i64>().is_ok(), "id: {stdout:?}");
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().expect("writer thread");
        }
        writing.store(false, Ordering::Relaxed);
        for reader in readers {
            reader.join().expect("reader thread");
        }
    });
    let total = (WRITERS * LOGS_PER_WRITER) as i64;
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), total);
    assert_eq!(
        env.sql_i64("SELECT count(DISTINCT note) FROM interactions"),
        total
    );
    assert_eq!(
        env.sql_i64("SELECT reith_trust FROM contacts WHERE handle = 'alice-shared'"),
        total
    );
    assert_eq!(stale_contacts(&env.db), Vec::<String>::new());
    assert!(reads.load(Ordering::Relaxed) > 0, "the readers ran");
}

/// What one killed (or finished) writer reported.
struct Attempt {
    note: String,
    printed_id: Option<i64>,
    killed: bool,
}

fn log_and_kill(env: &TestEnv, slot: usize, n: usize, rng: &mut Rng) -> Attempt {
    let who = format!("alice,writer{slot}");
    let note = format!("crash {slot}-{n}");
    let at = format!("{}h ago", rng.below(500) + 1);
    let mut child = rel(env, &["log", &who, &note, "--at", &at, "-t", "trust"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn writer");
    // A `rel log` takes a few milliseconds here: kill anywhere from exec to exit.
    std::thread::sleep(Duration::from_micros(rng.below(12_000)));
    let killed = matches!(child.try_wait(), Ok(None));
    if killed {
        child.kill().expect("SIGKILL");
    }
    child.wait().expect("reap");
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = pipe.read_to_string(&mut stdout);
    }
    Attempt {
        note,
        printed_id: stdout.trim().parse().ok(),
        killed,
    }
}

#[test]
fn writers_killed_at_random_moments_lose_nothing_acknowledged() {
    const SLOTS: usize = 3;
    const KILLS_WANTED: usize = 60;
    const MAX_ATTEMPTS_PER_SLOT: usize = 400;
    let env = env_with_contacts(SLOTS);
    let kills = AtomicUsize::new(0);
    let attempts: Vec<Attempt> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..SLOTS)
            .map(|slot| {
                let (env, kills) = (&env, &kills);
                scope.spawn(move || {
                    let mut rng = Rng::from_clock(&format!("crash slot {slot}"));
                    let mut done = Vec::new();
                    for n in 0..MAX_ATTEMPTS_PER_SLOT {
                        if kills.load(Ordering::Relaxed) >= KILLS_WANTED {
                            break;
                        }
                        let attempt = log_and_kill(env, slot, n, &mut rng);
                        if attempt.killed {
                            kills.fetch_add(1, Ordering::Relaxed);
                        }
                        done.push(attempt);
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("slot thread"))
            .collect()
    });
    assert!(
        kills.load(Ordering::Relaxed) >= KILLS_WANTED,
        "only {} writers were killed mid-run",
        kills.load(Ordering::Relaxed)
    );

    assert_eq!(integrity(&env.db), "ok");
    let stored: BTreeMap<i64, String> = {
        let conn = read(&env.db);
        let mut stmt = conn
            .prepare("SELECT id, note FROM interactions")
            .expect("prepare");
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let acknowledged: Vec<&Attempt> = attempts.iter().filter(|a| a.printed_id.is_some()).collect();
    for attempt in &acknowledged {
        let id = attempt.printed_id.expect("filtered");
        assert_eq!(
            stored.get(&id),
            Some(&attempt.note),
            "interaction {id} was acknowledged but is not stored"
        );
    }
    // Nothing stored that no attempt wrote, and every write is whole: each interaction has
    // both its contacts, and the maintained columns match the rows.
    let notes: Vec<&String> = attempts.iter().map(|a| &a.note).collect();
    assert!(stored.values().all(|note| notes.contains(&note)));
    assert_eq!(
        env.sql_i64(
            "SELECT count(*) FROM interactions i WHERE \
             (SELECT count(*) FROM interaction_contacts ic WHERE ic.interaction_id = i.id) != 2"
        ),
        0
    );
    assert_eq!(stale_contacts(&env.db), Vec::<String>::new());
    eprintln!(
        "{} attempts, {} killed, {} acknowledged, {} stored",
        attempts.len(),
        kills.load(Ordering::Relaxed),
        acknowledged.len(),
        stored.len()
    );
    // The database is still usable: no stale lock, no hot journal left behind to trip on.
    env.ok(&["log", "alice", "after the storm"]);
    assert_eq!(integrity(&env.db), "ok");
}

#[test]
fn exports_taken_while_log_add_creates_contacts_always_reimport() {
    const NEW_CONTACTS: usize = 40;
    let env = env_with_contacts(1);
    let writing = AtomicBool::new(true);
    let exports: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let exporter = scope.spawn(|| {
            let mut taken = Vec::new();
            while writing.load(Ordering::Relaxed) || taken.len() < 3 {
                let output = rel(&env, &["export"]).output().expect("spawn exporter");
                assert!(output.status.success(), "export: {}", describe(&output));
                taken.push(output.stdout);
            }
            taken
        });
        for n in 0..NEW_CONTACTS {
            let who = format!("alice,newcomer{n}");
            let output = rel(&env, &["log", &who, "met", "--add"])
                .output()
                .expect("spawn writer");
            assert!(output.status.success(), "log --add: {}", describe(&output));
        }
        writing.store(false, Ordering::Relaxed);
        exporter.join().expect("exporter thread")
    });
    assert!(exports.len() >= 3, "only {} exports ran", exports.len());
    for (index, export) in exports.iter().enumerate() {
        let target = TestEnv::new();
        let file = target.dir.path().join("export.json");
        std::fs::write(&file, export).expect("write export");
        let run = target.run(&["import", file.to_str().expect("path")]);
        assert_eq!(
            run.code,
            0,
            "export {index} of {} does not re-import: {}",
            exports.len(),
            run.stderr
        );
    }
}
