//! `rel sync init|key|status` and the failures that must leave a journal untouched: exit codes,
//! messages, what is stored, and what the remote holds (real folders, a real bare git repo).

use crate::common;

use common::TestEnv;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// `rel sync init ARGS…`, which succeeds (and may say on stderr where to find the new key).
#[track_caller]
fn init(env: &TestEnv, args: &[&str]) {
    let mut all = vec!["sync", "init"];
    all.extend(args);
    let run = env.run(&all);
    assert_eq!(run.code, 0, "rel {all:?}: {}", run.stderr);
}

/// Everything a user can see of a journal, plus its sync state: equal before and after a
/// failed command means the failure changed nothing.
fn snapshot(env: &TestEnv) -> String {
    let export = env.ok(&["export"]);
    let status = env.run(&["sync", "status", "--format", "json"]);
    format!("{export}\n{}\n{}", status.code, status.stdout)
}

#[test]
fn sync_commands_before_init_are_usage_errors() {
    let env = TestEnv::new();
    for args in [&["sync"][..], &["sync", "status"], &["sync", "key"]] {
        let err = env.fails(args, 2);
        assert!(err.contains("sync is not set up"), "{err}");
        assert!(err.contains("rel sync init"), "{err}");
    }
    env.fails(&["sync", "init"], 2);
    env.fails(&["sync", "init", "--folder", "a", "--git", "file:///x"], 2);
    env.fails(&["sync", "init", "--branch", "x", "--folder", "a"], 2);
}

#[test]
fn init_folder_creates_it_private_and_twice_is_exit_2() {
    let env = TestEnv::new();
    let remote = env.dir.path().join("drive/rel");
    env.ok(&["add", "Ann Lee"]);
    let run = env.run(&["sync", "init", "--folder", path_str(&remote)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("rel sync key"),
        "tells how to get the key: {}",
        run.stderr
    );
    let mode = std::fs::metadata(&remote)
        .expect("created")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let err = env.fails(&["sync", "init", "--folder", path_str(&remote)], 2);
    assert!(err.contains("already set up"), "{err}");
    let status = env.json(&["sync", "status"]);
    assert_eq!(status["remote"], format!("folder {}", remote.display()));
    assert!(status["replica"].as_str().is_some_and(|r| r.len() == 36));
    // Nothing but sealed files: no note text, no handle on the remote.
    for entry in walk(&remote) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("ann"),
            "{}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn key_prints_one_line_that_a_second_machine_takes() {
    let first = TestEnv::new();
    let remote = first.dir.path().join("remote");
    init(&first, &["--folder", path_str(&remote)]);
    let key = first.ok(&["sync", "key"]);
    assert_eq!(key.lines().count(), 1);
    let key = key.trim_end();
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(first.ok(&["-q", "sync", "key"]).trim_end(), key);

    let second = TestEnv::new();
    let run = second.run_with(
        &["sync", "init", "--folder", path_str(&remote), "--key", "-"],
        |cmd| {
            cmd.write_stdin(format!("{key}\n"));
        },
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(second.ok(&["sync", "key"]).trim_end(), key);

    let third = TestEnv::new();
    init(&third, &["--folder", path_str(&remote), "--key", key]);
}

#[test]
fn init_without_key_on_a_used_remote_is_exit_1_and_changes_nothing() {
    let first = TestEnv::new();
    let remote = first.dir.path().join("remote");
    init(&first, &["--folder", path_str(&remote)]);
    let second = TestEnv::new();
    second.ok(&["add", "Bo Ek"]);
    let before = snapshot(&second);
    let err = second.fails(&["sync", "init", "--folder", path_str(&remote)], 1);
    assert!(err.contains("pass --key"), "{err}");
    assert_eq!(snapshot(&second), before);
    second.fails(&["sync", "status"], 2);
}

#[test]
fn malformed_key_is_exit_2_and_wrong_key_is_exit_1() {
    let first = TestEnv::new();
    let remote = first.dir.path().join("remote");
    init(&first, &["--folder", path_str(&remote)]);
    let key = first.ok(&["sync", "key"]).trim_end().to_string();
    let second = TestEnv::new();
    second.ok(&["add", "Bo Ek"]);
    let before = snapshot(&second);
    for bad in [
        "",
        "xyz",
        &key[..63],
        &format!("{key}00"),
        &format!("+{}", &key[1..]),
    ] {
        let err = second.fails(
            &["sync", "init", "--folder", path_str(&remote), "--key", bad],
            2,
        );
        assert!(err.contains("malformed sync key"), "{err}");
    }
    let wrong: String = key
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    let err = second.fails(
        &[
            "sync",
            "init",
            "--folder",
            path_str(&remote),
            "--key",
            &wrong,
        ],
        1,
    );
    assert!(err.contains("does not open"), "{err}");
    assert_eq!(snapshot(&second), before);
    // The remote holds only the first machine's files.
    assert_eq!(
        std::fs::read_dir(remote.join("rel-sync/v1"))
            .expect("dir")
            .count(),
        1
    );
}

#[test]
fn a_folder_that_disappears_is_unreachable_and_changes_nothing() {
    let env = TestEnv::new();
    let remote = env.dir.path().join("remote");
    env.ok(&["add", "Ann Lee"]);
    init(&env, &["--folder", path_str(&remote)]);
    env.ok(&["sync"]);
    env.ok(&["add", "Bo Ek"]);
    std::fs::rename(&remote, env.dir.path().join("elsewhere")).expect("move away");
    let before = snapshot(&env);
    let err = env.fails(&["sync"], 1);
    assert!(err.contains("missing or unreachable"), "{err}");
    assert_eq!(snapshot(&env), before);
    assert!(
        !remote.exists(),
        "a missing remote folder is never recreated by rel sync"
    );
}

#[test]
fn unreachable_git_remote_is_exit_1_and_changes_nothing() {
    let env = TestEnv::new();
    let url = format!("file://{}", env.dir.path().join("missing.git").display());
    env.ok(&["add", "Ann Lee"]);
    let before = snapshot(&env);
    let err = env.fails(&["sync", "init", "--git", &url], 1);
    assert!(err.contains("cannot reach git remote"), "{err}");
    assert_eq!(snapshot(&env), before);
    env.fails(&["sync", "init", "--git", "--upload-pack=evil"], 2);
    env.fails(&["sync", "init", "--git", &url, "--branch", "a..b"], 2);
}

#[test]
fn export_never_carries_the_key_or_sync_settings() {
    let env = TestEnv::new();
    let remote = env.dir.path().join("remote");
    env.ok(&["add", "Ann Lee"]);
    init(&env, &["--folder", path_str(&remote)]);
    let key = env.ok(&["sync", "key"]).trim_end().to_string();
    let export = env.ok(&["export"]);
    assert!(!export.contains(&key));
    assert!(!export.contains(path_str(&remote)));
    assert!(!env.ok(&["config"]).contains(&key));
    // The database itself keeps it (it is 0600), so a backup does too.
    let mode = std::fs::metadata(&env.db).expect("db").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
