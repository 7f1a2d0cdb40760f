//! The folder and git remotes on their own (library level, real folders and a real
//! `git init --bare` repository): what only they do (sealed bytes, damaged files, git's commits
//! and refusals). What every remote does is `sync_contract.rs`.

use crate::common::remote::ops;
use crate::common::replica::bare_repo;
use rel::sync::remote::Remote;
use rel::sync::remote::sealed::folder::FolderRemote;
use rel::sync::remote::sealed::git::GitRemote;
use rel::sync::remote::sealed::seal::SyncKey;
use std::process::Command;

#[test]
fn folder_round_trip_with_overlaps_and_gaps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = SyncKey::generate().expect("key");
    let mut a = FolderRemote::new(dir.path().to_path_buf(), key.clone(), "aaaa".into());
    let mut b = FolderRemote::new(dir.path().to_path_buf(), key.clone(), "bbbb".into());
    a.push(&ops("aaaa", 1..=3)).expect("push");
    // A run cut short after its push and repeated writes an overlapping segment: harmless.
    a.push(&ops("aaaa", 2..=5)).expect("push");
    a.push(&ops("aaaa", 2..=5)).expect("push again is a no-op");
    b.check().expect("same key opens it");
    assert_eq!(b.heads().expect("heads").get("aaaa"), Some(&5));
    assert_eq!(b.fetch("aaaa", 0).expect("fetch"), ops("aaaa", 1..=5));
    assert_eq!(b.fetch("aaaa", 4).expect("fetch"), ops("aaaa", 5..=5));
    // A segment that has not arrived yet (a gap) hides what follows it.
    a.push(&ops("aaaa", 8..=9)).expect("push");
    assert_eq!(b.heads().expect("heads").get("aaaa"), Some(&5));
    assert_eq!(b.fetch("aaaa", 5).expect("fetch"), vec![]);
    // Only sealed bytes are on disk.
    // (Named by range and a tag of its bytes: `1-3-<tag>.seg`.)
    let seg = std::fs::read_dir(dir.path().join("rel-sync/v1/aaaa"))
        .expect("folder")
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.to_string_lossy().contains("/1-3-"))
        .expect("segment 1-3");
    let bytes = std::fs::read(&seg).expect("segment");
    assert!(!String::from_utf8_lossy(&bytes).contains("\"op\""));
    // A wrong key is refused by check; a segment renamed to another range does not open.
    let mut wrong = FolderRemote::new(
        dir.path().to_path_buf(),
        SyncKey::generate().expect("key"),
        "cccc".into(),
    );
    assert_eq!(wrong.check().expect_err("wrong key").kind.exit_code(), 1);
    // (Read as damaged or altered, named in a warning, nothing taken from it.)
    std::fs::rename(&seg, dir.path().join("rel-sync/v1/aaaa/1-4.seg")).expect("rename");
    assert_eq!(b.fetch("aaaa", 0).expect("fetch"), vec![]);
    let warnings = b.warnings().join("\n");
    assert!(
        warnings.contains("rel-sync/v1/aaaa/1-4.seg on the remote is damaged or was altered"),
        "{warnings}"
    );
}

#[test]
fn folder_that_disappears_is_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gone = dir.path().join("gone");
    let mut a = FolderRemote::new(gone, SyncKey::generate().expect("key"), "aaaa".into());
    let err = a.check().expect_err("missing folder");
    assert_eq!(err.kind.exit_code(), 1);
    assert!(
        err.message.contains("missing or unreachable"),
        "{}",
        err.message
    );
    assert!(a.push(&ops("aaaa", 1..=1)).is_err());
}

#[test]
fn git_replicas_exchange_and_retry_a_rejected_push() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(dir.path());
    let key = SyncKey::generate().expect("key");
    let open = |name: &str| {
        GitRemote::new(
            url.clone(),
            "rel-sync".into(),
            dir.path().join(format!("clone-{name}")),
            key.clone(),
            name.to_string(),
        )
    };
    let mut a = open("aaaa");
    let mut b = open("bbbb");
    // Both look at the (empty) remote first, then both push: b's push is rejected as not a
    // fast-forward and must be retried on top of a's commit.
    a.check().expect("a check");
    b.check().expect("b check");
    a.push(&ops("aaaa", 1..=2)).expect("a push");
    b.push(&ops("bbbb", 1..=3)).expect("b push after a retry");
    let mut c = open("cccc");
    c.check().expect("c check");
    let heads = c.heads().expect("heads");
    assert_eq!(heads.get("aaaa"), Some(&2));
    assert_eq!(heads.get("bbbb"), Some(&3));
    assert_eq!(c.fetch("bbbb", 1).expect("fetch"), ops("bbbb", 2..=3));
    // Commits carry rel's own identity, so no git identity is needed.
    let log = Command::new("git")
        .args([
            "--git-dir",
            "remote.git",
            "log",
            "--format=%an <%ae>",
            "rel-sync",
        ])
        .current_dir(dir.path())
        .output()
        .expect("git log");
    let authors = String::from_utf8_lossy(&log.stdout).into_owned();
    assert!(
        authors.contains("rel <aaaa>") && authors.contains("rel <bbbb>"),
        "{authors}"
    );
}

#[test]
fn git_push_refused_by_the_remote_says_so_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(dir.path());
    let hook = dir.path().join("remote.git/hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho no >&2\nexit 1\n").expect("hook");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut a = GitRemote::new(
        url,
        "rel-sync".into(),
        dir.path().join("clone"),
        SyncKey::generate().expect("key"),
        "aaaa".into(),
    );
    let err = a.push(&ops("aaaa", 1..=1)).expect_err("rejected");
    assert_eq!(err.kind.exit_code(), 1);
    assert!(
        err.message.contains("was refused") && err.message.contains("declined"),
        "{}",
        err.message
    );
    assert!(
        err.render().contains("check that you may push"),
        "{}",
        err.render()
    );
}

#[test]
fn git_unreachable_remote_is_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = GitRemote::new(
        format!("file://{}", dir.path().join("missing.git").display()),
        "rel-sync".into(),
        dir.path().join("clone"),
        SyncKey::generate().expect("key"),
        "aaaa".into(),
    );
    let err = a.check().expect_err("unreachable");
    assert_eq!(err.kind.exit_code(), 1);
    assert!(err.message.contains("cannot reach"), "{}", err.message);
}
