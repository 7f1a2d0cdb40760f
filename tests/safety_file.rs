//! The database file itself: hard links, read-only journals, stale -wal/-shm, paths that are
//! not files, `-o`/backup targets that are the journal, interrupted copies, descriptor limits.

use crate::common;

use common::TestEnv;
use common::isolated;
use common::safety::{REL, rel, rel_after, running_as_root};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Alice", "--every", "2w"]);
    env.ok(&["log", "alice", "lunch", "--at", "3d ago"]);
    env.ok(&["remind", "alice", "friday", "send the deck"]);
    env
}

fn text(output: &Output) -> (i32, String, String) {
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn companions(db: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .collect()
}

/// `rel ARGS` as a user who does not own the journal: as root, the `nobody` user (root writes
/// through permission bits); otherwise ourselves, the caller having made the files read-only.
fn as_reader(env: &TestEnv, args: &[&str]) -> Output {
    let mut cmd = if running_as_root() {
        let mut cmd = isolated("setpriv", env.dir.path(), &env.db, &env.now);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", REL]);
        cmd
    } else {
        env.std_cmd()
    };
    cmd.env("HOME", "/nonexistent")
        .current_dir("/")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run rel")
}

/// Makes the journal readable but not writable for [`as_reader`].
fn make_read_only(env: &TestEnv) {
    let folder = env.db.parent().expect("folder");
    if running_as_root() {
        // Root's files in root's folders: another user may read them, nothing more.
        set_mode(env.dir.path(), 0o755);
        set_mode(folder, 0o755);
        set_mode(&env.db, 0o644);
    } else {
        set_mode(&env.db, 0o400);
        set_mode(folder, 0o500);
    }
}

fn make_writable(env: &TestEnv) {
    set_mode(env.db.parent().expect("folder"), 0o700);
    set_mode(&env.db, 0o600);
}

#[test]
fn a_hard_linked_database_is_refused_for_writing_and_still_read() {
    let env = journal();
    let link = env.dir.path().join("second-name.db");
    std::fs::hard_link(&env.db, &link).expect("ln");
    let link_arg = link.to_str().expect("path");
    for args in [
        vec!["log", "alice", "through the link"],
        vec!["add", "Bob"],
        vec!["config", "default-every", "1m"],
    ] {
        let mut all = vec!["--db", link_arg];
        all.extend(&args);
        let stderr = env.fails(&all, 1);
        assert!(stderr.contains("hard links"), "{stderr}");
        assert!(stderr.contains("SQLite cannot lock"), "{stderr}");
    }
    // The other name is refused too: the file has two names whichever is used.
    let stderr = env.fails(&["log", "alice", "through the first name"], 1);
    assert!(stderr.contains("hard links"), "{stderr}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 1);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
    // Reading through either name still works.
    let listed = env.ok(&["--db", link_arg, "list"]);
    assert!(listed.contains("alice"), "{listed}");
    std::fs::remove_file(&link).expect("rm link");
    env.ok(&["log", "alice", "one name again"]);
}

#[test]
fn a_journal_rel_cannot_write_answers_every_read_and_is_left_unchanged() {
    let env = journal();
    env.ok(&["config", "default-every", "1m"]);
    let before = std::fs::read(&env.db).expect("read db");
    make_read_only(&env);
    for args in [
        &["list"][..],
        &["due"],
        &["show", "alice"],
        &["timeline"],
        &["search", "lunch"],
        &["followups"],
        &["stats"],
        &["config"],
        &["export"],
        &["export", "--to", "ics"],
    ] {
        let (code, stdout, stderr) = text(&as_reader(&env, args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
        assert!(!stdout.is_empty(), "{args:?} printed nothing");
    }
    let (code, _, stderr) = text(&as_reader(&env, &["add", "Bob"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("rel: "), "{stderr}");
    make_writable(&env);
    assert_eq!(std::fs::read(&env.db).expect("read db"), before);
    for companion in companions(&env.db) {
        assert!(!companion.exists(), "{} created", companion.display());
    }
}

#[test]
fn listing_a_backup_leaves_it_byte_identical() {
    let env = journal();
    let backup = env.dir.path().join("copy.db");
    env.ok(&["backup", backup.to_str().expect("path")]);
    let before = std::fs::read(&backup).expect("read backup");
    let arg = backup.to_str().expect("path");
    for args in [
        &["list"][..],
        &["show", "alice"],
        &["due"],
        &["export"],
        &["stats"],
    ] {
        let mut all = vec!["--db", arg];
        all.extend(args);
        env.ok(&all);
    }
    assert_eq!(std::fs::read(&backup).expect("read backup"), before);
    for companion in companions(&backup) {
        assert!(!companion.exists(), "{} left behind", companion.display());
    }
}

#[test]
fn a_stale_read_only_shm_never_blocks_a_later_writer() {
    let env = journal();
    let folder = env.db.parent().expect("folder").to_path_buf();
    if running_as_root() {
        // The whole journal belongs to `nobody`, who reads it while it is 0400.
        set_mode(env.dir.path(), 0o755);
        for path in [&folder, &env.db] {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).expect("chown");
        }
    }
    set_mode(&env.db, 0o400);
    let (code, _, stderr) = text(&as_reader(&env, &["list"]));
    assert_eq!(code, 0, "{stderr}");
    // Whatever that read left, and a -shm/-wal left read-only by some earlier reader.
    for companion in companions(&env.db) {
        if !companion.exists() {
            std::fs::write(&companion, b"").expect("stale companion");
            if running_as_root() {
                std::os::unix::fs::chown(&companion, Some(65534), Some(65534)).expect("chown");
            }
        }
        set_mode(&companion, 0o400);
    }
    set_mode(&env.db, 0o600);
    let (code, _, stderr) = text(&as_reader(&env, &["log", "alice", "after the restore"]));
    assert_eq!(code, 0, "a stale -shm blocked the writer: {stderr}");
    let (_, stdout, _) = text(&as_reader(&env, &["timeline", "--format", "json"]));
    assert!(stdout.contains("after the restore"), "{stdout}");
}

/// Runs `cmd` and fails the test if it has not exited within `limit`.
fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > limit {
            child.kill().expect("kill");
            child.wait().expect("reap");
            panic!("rel still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn a_fifo_or_a_device_as_database_fails_at_once() {
    let env = journal();
    let fifo = env.dir.path().join("pipe.db");
    let c_path = std::ffi::CString::new(fifo.to_str().expect("path")).expect("c path");
    // SAFETY: mkfifo reads the NUL-terminated path it is given.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    for db in [fifo.to_str().expect("path"), "/dev/null"] {
        for args in [&["list"][..], &["add", "Bob"]] {
            let mut all = vec!["--db", db];
            all.extend(args);
            let output = output_within(rel(&env, &all), Duration::from_secs(20));
            let (code, _, stderr) = text(&output);
            assert_eq!(code, 1, "{all:?}: {stderr}");
            assert!(stderr.contains("not a regular file"), "{all:?}: {stderr}");
        }
    }
}

#[test]
fn export_and_backup_never_replace_the_database_or_its_wal_and_shm() {
    let env = journal();
    let db = env.db.to_str().expect("path").to_string();
    let relative = env
        .db
        .strip_prefix(env.dir.path())
        .expect("inside")
        .to_str()
        .expect("path")
        .to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["export".into(), "-o".into(), db.clone()],
        vec!["export".into(), "-o".into(), relative.clone()],
        vec!["export".into(), "-o".into(), format!("{db}-wal")],
        vec!["backup".into(), db.clone(), "--force".into()],
        vec!["backup".into(), format!("{db}-wal"), "--force".into()],
        vec!["backup".into(), format!("{db}-shm")],
        vec![
            "backup".into(),
            format!("./{relative}-wal"),
            "--force".into(),
        ],
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stderr = env.fails(&args, 2);
        assert!(stderr.contains("is the database"), "{args:?}: {stderr}");
    }
    for companion in companions(&env.db) {
        assert!(!companion.exists(), "{} was written", companion.display());
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 1);
    env.ok(&["log", "alice", "still a database"]);
}

/// Starts `rel ARGS`, waits until its temp file shows in `folder`, then sends `signal`.
/// Returns whether the temp file was caught in time (the copy may simply have been faster).
fn interrupt_when_temp_appears(env: &TestEnv, args: &[&str], folder: &Path, signal: i32) -> bool {
    let mut child = rel(env, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let temp_exists = || {
        std::fs::read_dir(folder)
            .expect("read folder")
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(".rel-"))
    };
    let mut caught = false;
    while child.try_wait().expect("try_wait").is_none() {
        if temp_exists() {
            // SAFETY: kill sends a signal to our own child.
            unsafe { libc::kill(child.id() as i32, signal) };
            caught = true;
            break;
        }
    }
    child.wait().expect("reap");
    caught
}

#[test]
fn an_interrupted_backup_or_export_leaves_no_temp_file() {
    let env = TestEnv::new();
    // Big enough that copying takes a while: a few thousand interactions.
    let mut doc = String::from("{\"rel_export\":1,\"contacts\":[");
    doc.push_str("{\"uid\":\"c1\",\"name\":\"Alice\"}],\"interactions\":[");
    for n in 0..6000 {
        if n > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            "{{\"uid\":\"i{n}\",\"at\":\"2026-01-01T10:00:00Z\",\"channel\":\"call\",\"contacts\":[\"c1\"],\"note\":\"{}\"}}",
            "note text ".repeat(40)
        ));
    }
    doc.push_str("]}");
    let file = env.dir.path().join("big.json");
    std::fs::write(&file, doc).expect("write");
    env.ok(&["import", file.to_str().expect("path")]);
    let out = env.dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let target = |name: &str| out.join(name).to_str().expect("path").to_string();
    let mut caught = 0;
    for round in 0..20 {
        for signal in [libc::SIGTERM, libc::SIGINT] {
            let backup = target(&format!("b{round}.db"));
            let export = target(&format!("e{round}.json"));
            for args in [
                vec!["backup", backup.as_str()],
                vec!["export", "-o", export.as_str()],
            ] {
                if interrupt_when_temp_appears(&env, &args, &out, signal) {
                    caught += 1;
                }
                let left: Vec<String> = std::fs::read_dir(&out)
                    .expect("read")
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.starts_with('.'))
                    .collect();
                assert!(left.is_empty(), "{args:?} left {left:?}");
            }
        }
        if caught >= 10 {
            break;
        }
    }
    assert!(
        caught >= 10,
        "only {caught} copies were interrupted mid-way"
    );
}

#[test]
fn too_few_file_descriptors_is_not_called_a_permission_problem() {
    let env = journal();
    let output = rel_after(&env, "ulimit -n 4", &["list"])
        .output()
        .expect("run");
    let (code, _, stderr) = text(&output);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("too many open files"), "{stderr}");
    assert!(!stderr.contains("readable and writable"), "{stderr}");
    assert!(!stderr.contains("permission"), "{stderr}");
}

#[test]
fn a_bad_rel_format_is_blamed_on_rel_format() {
    let env = journal();
    let run = env.run_with(&["list"], |c| {
        c.env("REL_FORMAT", "xml");
    });
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("REL_FORMAT"), "{}", run.stderr);
    assert!(!run.stderr.contains("--format"), "{}", run.stderr);
    // --format beats the variable, whatever it holds.
    let run = env.run_with(&["list", "--format", "json"], |c| {
        c.env("REL_FORMAT", "xml");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
}
