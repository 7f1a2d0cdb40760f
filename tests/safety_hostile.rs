//! Hostile input: each is answered with one `rel: …` line, the documented exit code and no
//! write — never a panic, a raw escape sequence on the terminal, or a half-written database.

use crate::common;

use common::TestEnv;
use common::safety::{RawRun, fingerprint, integrity, rel, rel_after, run_raw};

const MIB: usize = 1024 * 1024;

/// A journal with a little of everything, so "no write" has something to compare.
fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Alice", "--every", "2w", "--tag", "work"]);
    env.ok(&["add", "Bob"]);
    env.ok(&["log", "alice,bob", "lunch", "-t", "trust", "--at", "3d ago"]);
    env.ok(&["remind", "alice", "friday", "send the deck"]);
    env
}

/// Asserts the failure contract for one run: exit `code`, exactly one line on stderr
/// starting `rel: `, nothing on stdout, no raw escape, no panic.
#[track_caller]
fn assert_refused(run: &RawRun, code: i32, what: &str) -> String {
    let stderr = run.stderr_text();
    assert_eq!(run.code, Some(code), "{what}: {stderr}");
    assert!(stderr.starts_with("rel: "), "{what}: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "{what}: one line: {stderr:?}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(run.stdout.is_empty(), "{what}: stdout {:?}", run.stdout);
    assert_no_raw_controls(&run.stderr, what);
    stderr
}

/// No ESC, BEL, CR or C1 CSI from user data may reach a terminal.
#[track_caller]
fn assert_no_raw_controls(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    let raw = text
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{9b}');
    assert_eq!(raw, None, "{what}: raw control character in {text:?}");
}

/// Runs `rel ARGS` with `stdin` and checks it is refused with `code` and wrote nothing.
#[track_caller]
fn refused(env: &TestEnv, args: &[&str], stdin: &[u8], code: i32) -> String {
    let before = fingerprint(&env.db);
    let run = run_raw(rel(env, args), stdin);
    let what = format!(
        "{:?}",
        args.iter()
            .map(|a| a.chars().take(40).collect::<String>())
            .collect::<Vec<_>>()
    );
    let stderr = assert_refused(&run, code, &what);
    assert_eq!(fingerprint(&env.db), before, "{what} wrote to the database");
    stderr
}

#[test]
fn oversized_notes_are_refused_with_the_limit() {
    let env = journal();
    let ten_mb = vec![b'a'; 10 * MIB];
    for args in [&["log", "alice", "-"][..], &["log", "alice"]] {
        let stderr = refused(&env, args, &ten_mb, 2);
        assert!(
            stderr.contains("too long") && stderr.contains("1048576"),
            "{stderr}"
        );
    }
    // One argument may hold at most 128 KiB on Linux: 12 words of 100 KB are over the limit.
    let word = "w".repeat(100_000);
    let mut args = vec!["log", "alice"];
    args.extend(std::iter::repeat_n(word.as_str(), 12));
    let stderr = refused(&env, &args, b"", 2);
    assert!(stderr.contains("too long"), "{stderr}");
    // The limit itself is accepted.
    let run = run_raw(rel(&env, &["log", "bob", "-"]), &vec![b'n'; MIB]);
    assert_eq!(run.code, Some(0), "{}", run.stderr_text());
    assert_eq!(
        env.sql_i64("SELECT max(length(note)) FROM interactions"),
        MIB as i64
    );
}

#[test]
fn nul_bytes_and_invalid_utf8_on_stdin_are_refused() {
    let env = journal();
    let stderr = refused(&env, &["log", "alice", "-"], b"before\0after", 2);
    assert!(stderr.contains("NUL"), "{stderr}");
    let stderr = refused(&env, &["log", "alice"], b"caf\xe9 \xff\xfe", 2);
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn escape_sequences_in_names_and_notes_are_never_printed_raw() {
    let env = TestEnv::new();
    let name = "Mallory \x1b[31mRed\x1b[0m\x07\r\u{9b}2J";
    let note = "see \x1b]0;pwned\x07 title\x1b[2J and\r\nnext\u{9b}1m";
    let handle = env.ok(&["add", name, "--org", "\x1b[5mOrg", "--every", "1w"]);
    let handle = handle.trim();
    assert!(
        handle.chars().all(|c| c.is_alphanumeric() || c == '-'),
        "{handle:?}"
    );
    env.ok(&["log", handle, note, "--at", "30d ago"]);
    env.ok(&["remind", handle, "friday", note]);
    for format in ["table", "tsv"] {
        for args in [
            &["list"][..],
            &["show", handle],
            &["timeline"],
            &["due"],
            &["followups"],
        ] {
            let mut all = args.to_vec();
            all.extend(["--format", format]);
            let run = run_raw(rel(&env, &all), b"");
            assert_eq!(run.code, Some(0), "{all:?}: {}", run.stderr_text());
            assert_no_raw_controls(&run.stdout, &format!("{all:?}"));
            assert!(
                String::from_utf8_lossy(&run.stdout).contains("\\x1b"),
                "{all:?} shows the escape visibly"
            );
        }
    }
    // Stored as given: escaping is for display only.
    let stored = env.json(&["timeline"]);
    assert_eq!(stored[0]["note"], note);
    // Error messages quote the user's text escaped, too.
    for who in ["x\x1b[2J", "\u{9b}31m"] {
        let stderr = refused(&env, &["show", who], b"", 3);
        assert!(stderr.contains("no contact matches"), "{stderr}");
    }
    refused(&env, &["log", handle, "x", "--at", "\x1b[2Jtoday"], b"", 2);
}

#[test]
fn absurd_dates_and_overflowing_durations_are_usage_errors() {
    let env = journal();
    let cases: &[&[&str]] = &[
        &["log", "alice", "x", "--at", "9999999-01-01"],
        &["log", "alice", "x", "--at=-1d"],
        &["log", "alice", "x", "--at", "1e9y"],
        &["log", "alice", "x", "--at", "1e9y ago"],
        &["log", "alice", "x", "--at", "99999999999 minutes ago"],
        &["log", "alice", "x", "--at", "4294967295y ago"],
        &["log", "alice", "x", "--follow-up", "999999999y"],
        &["log", "alice", "x", "--follow-up", "in 300000y"],
        &["due", "--within", "999999999y"],
        &["due", "--within", "9223372036854775807min"],
        &["due", "--within", "-3d"],
        &["add", "Carol", "--every", "4000000000d"],
        &["add", "Carol", "--every", "99999999y"],
        &["edit", "alice", "--every", "300000y"],
        &["config", "default-every", "300000y"],
        &["config", "every.work", "4294967295m"],
        &["snooze", "alice", "300000y"],
        &["snooze", "alice", "in 4294967295w"],
        &["snooze", "alice", "9999999-01-01"],
        &["remind", "alice", "300000y", "text"],
        &["remind", "alice", "0d", "text"],
        &["timeline", "--since", "9999999-01-01"],
        &["timeline", "--since", "999999999y ago"],
        &["timeline", "--until", "+262143-12-31"],
    ];
    for args in cases {
        refused(&env, args, b"", 2);
    }
}

#[test]
fn unusable_database_paths_fail_with_one_line() {
    let env = journal();
    let dir = env.dir.path();
    let not_sqlite = dir.join("notes.txt");
    std::fs::write(&not_sqlite, "dear diary, ".repeat(50)).expect("write");
    let not_sqlite_bytes = std::fs::read(&not_sqlite).expect("read");
    let paths = [
        dir.to_path_buf(),          // a directory
        "/proc/rel-test.db".into(), // a folder nobody may create files in
        not_sqlite.join("rel.db"),  // "folder" that is a file
        not_sqlite.clone(),         // not a SQLite file
    ];
    for path in &paths {
        for args in [&["list"][..], &["add", "Dave"]] {
            let mut all = vec!["--db", path.to_str().expect("utf-8 path")];
            all.extend(args);
            let run = run_raw(rel(&env, &all), b"");
            assert_refused(&run, 1, &format!("{all:?}"));
        }
    }
    assert_eq!(std::fs::read(&not_sqlite).expect("read"), not_sqlite_bytes);
    let run = run_raw(
        rel(&env, &["--db", not_sqlite.to_str().expect("path"), "list"]),
        b"",
    );
    assert!(run.stderr_text().contains("not a rel database"));
}

#[test]
fn unreadable_database_and_read_only_folder_fail_with_one_line() {
    use std::os::unix::fs::PermissionsExt;
    if common::safety::running_as_root() {
        eprintln!("skipped: root reads and writes through permission bits");
        return;
    }
    let env = journal();
    let set_mode = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    set_mode(&env.db, 0o000);
    assert_fails(&env, &["list"], 1);
    set_mode(&env.db, 0o600);

    let locked = env.dir.path().join("locked");
    std::fs::create_dir(&locked).expect("mkdir");
    set_mode(&locked, 0o500);
    let db = locked.join("rel.db");
    let run = run_raw(
        rel(&env, &["--db", db.to_str().expect("path"), "add", "Eve"]),
        b"",
    );
    assert_refused(&run, 1, "read-only folder");
    assert!(!db.exists());
    set_mode(&locked, 0o700);
}

fn assert_fails(env: &TestEnv, args: &[&str], code: i32) {
    let run = run_raw(rel(env, args), b"");
    assert_refused(&run, code, &format!("{args:?}"));
}

#[test]
fn a_damaged_database_is_named_as_such() {
    let env = TestEnv::new();
    for n in 0..40 {
        env.ok(&[
            "add",
            &format!("Person {n}"),
            "--note",
            &"padding ".repeat(60),
        ]);
    }
    for n in 0..40 {
        let note = format!("note {n} {}", "z".repeat(400));
        env.ok(&["log", &format!("person-{n}"), &note]);
    }
    let mut bytes = std::fs::read(&env.db).expect("read");
    assert!(bytes.len() > 16 * 4096, "a multi-page database");
    // Everything after the header page: whichever tables a command reads (the layout moves as
    // migrations add tables), it meets garbage.
    let page = 4096;
    bytes[page..].fill(0xA5);
    std::fs::write(&env.db, &bytes).expect("corrupt");
    for args in [&["list"][..], &["timeline"], &["log", "person-3", "more"]] {
        let run = run_raw(rel(&env, args), b"");
        let stderr = assert_refused(&run, 1, &format!("{args:?}"));
        assert!(
            stderr.contains("database is damaged") && stderr.contains("rel backup"),
            "{stderr}"
        );
    }
}

#[test]
fn a_full_disk_fails_cleanly_and_writes_nothing() {
    let env = journal();
    let before = fingerprint(&env.db);
    // RLIMIT_FSIZE of 256 blocks: the database and its -shm fit, a 900 KB note does not.
    // rel must not die of SIGXFSZ: it ignores the signal so the write fails with EFBIG.
    let limited = rel_after(&env, "ulimit -f 256", &["log", "alice", "-"]);
    let run = run_raw(limited, &vec![b'n'; 900_000]);
    let stderr = assert_refused(&run, 1, "full disk");
    assert!(
        stderr.contains("disk is full or file too large; nothing was written"),
        "{stderr}"
    );
    assert_eq!(fingerprint(&env.db), before);
    assert_eq!(integrity(&env.db), "ok");
    // And the journal still takes writes once there is room.
    env.ok(&["log", "alice", "after cleanup"]);
}

/// Bytes put in a journal by hand (`sqlite3`, a cast) are not text: the operation log cannot
/// carry them, so a write that would record them (here, undoing Bob's creation removes him)
/// is refused whole, never recorded with a NULL in their place.
#[test]
fn a_write_that_would_record_bytes_that_are_not_text_is_refused_whole() {
    let env = TestEnv::new();
    env.ok(&["add", "Bob"]);
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute(
        "UPDATE contacts SET name = X'FF00FE' WHERE handle = 'bob'",
        [],
    )
    .expect("hand edit");
    drop(conn);
    let before = fingerprint(&env.db);
    let err = env.fails(&["undo"], 1);
    assert!(err.contains("operation log could not follow"), "{err}");
    assert_eq!(fingerprint(&env.db), before, "nothing written");
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE handle = 'bob'"),
        1
    );
}
