//! The journal is private: the database, its -wal/-shm, the folders rel creates and the
//! editor's temp file are the owner's alone whatever the umask, and note text never ends up
//! in an error message.

use crate::common;

use common::TestEnv;
use common::safety::{mode, rel, rel_with_umask_022, script};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const NOTE: &str = "met at the conference, talked about her divorce";

/// An environment whose database sits two folders deep, neither existing yet.
fn nested_env() -> TestEnv {
    let mut env = TestEnv::new();
    env.db = env
        .dir
        .path()
        .join("private")
        .join("journal")
        .join("rel.db");
    env
}

/// An `$EDITOR` that records the mode of its file, its folder and the database files while
/// rel waits for it, runs `extra` (more shell), then writes NOTE.
fn recording_editor(env: &TestEnv, extra: &str) -> PathBuf {
    script(
        env.dir.path(),
        "editor.sh",
        &format!(
            "for f in \"$1\" \"$(dirname \"$1\")\" \"$REL_DB\" \"$REL_DB-wal\" \"$REL_DB-shm\"; do\n\
             \x20 stat -c '%a %n' \"$f\"\n\
             done > \"$RECORD\"\n\
             {extra}\n\
             printf '%s\\n' '{NOTE}' > \"$1\"\n"
        ),
    )
}

/// Runs `rel log alice -e` under umask 022 with the recording editor; returns the output and
/// the modes it saw, by path.
fn log_in_editor(env: &TestEnv, editor: &Path) -> (Output, BTreeMap<String, u32>) {
    let record = env.dir.path().join("record.txt");
    let output = rel_with_umask_022(env, &["log", "alice", "-e"])
        .env("EDITOR", editor)
        .env("RECORD", &record)
        .env("REL_BIN", common::safety::REL)
        .output()
        .expect("run rel");
    let seen = std::fs::read_to_string(&record).expect("the editor ran");
    let modes = seen
        .lines()
        .map(|line| {
            let (bits, path) = line.split_once(' ').expect("stat line");
            let bits = u32::from_str_radix(bits, 8).unwrap_or_else(|_| panic!("stat: {line}"));
            (path.to_string(), bits)
        })
        .collect();
    (output, modes)
}

fn note_file(modes: &BTreeMap<String, u32>) -> PathBuf {
    PathBuf::from(
        modes
            .keys()
            .find(|p| p.ends_with("NOTE.txt"))
            .expect("the editor's file was recorded"),
    )
}

#[test]
fn files_and_folders_are_private_under_umask_022() {
    let env = nested_env();
    let created = rel_with_umask_022(&env, &["add", "Alice"])
        .output()
        .expect("run");
    assert!(created.status.success());
    let private = env.dir.path().join("private");
    assert_eq!(mode(&private), 0o700);
    assert_eq!(mode(&private.join("journal")), 0o700);
    assert_eq!(mode(&env.db), 0o600);

    let editor = recording_editor(&env, "");
    let (output, modes) = log_in_editor(&env, &editor);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let db = env.db.display().to_string();
    for file in [db.clone(), format!("{db}-wal"), format!("{db}-shm")] {
        assert_eq!(modes.get(&file), Some(&0o600), "{file}: {modes:?}");
    }
    let note = note_file(&modes);
    assert_eq!(modes[&note.display().to_string()], 0o600);
    let note_dir = note.parent().expect("folder");
    assert_eq!(modes[&note_dir.display().to_string()], 0o700);

    // Saved: the note is in the journal and its temp folder is gone.
    assert!(!note_dir.exists(), "{} left behind", note_dir.display());
    let stored = env.json(&["timeline"]);
    assert_eq!(stored[0]["note"], NOTE);
}

#[test]
fn the_editor_file_is_kept_and_named_when_saving_fails() {
    let env = nested_env();
    env.ok(&["add", "Alice"]);
    // While the editor is open, another rel deletes the contact: the save must fail (exit 3)
    // and the typed note must survive in its private file.
    let editor = recording_editor(&env, "\"$REL_BIN\" rm alice --yes >/dev/null");
    let (output, modes) = log_in_editor(&env, &editor);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        !stderr.contains("divorce"),
        "note text in an error: {stderr}"
    );
    let note = note_file(&modes);
    assert!(stderr.contains(&note.display().to_string()), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&note).expect("kept note"),
        format!("{NOTE}\n")
    );
    assert_eq!(mode(&note), 0o600);
    assert_eq!(mode(note.parent().expect("folder")), 0o700);
    std::fs::remove_dir_all(note.parent().expect("folder")).expect("clean up");
}

#[test]
fn note_text_never_appears_in_error_messages() {
    let env = TestEnv::new();
    env.ok(&["add", "Alice"]);
    env.ok(&["add", "Alicia"]);
    let secret = "SECRET-affair-with-the-cfo";
    // (arguments, stdin, expected exit code)
    type Case<'a> = (Vec<&'a str>, Option<&'a [u8]>, i32);
    let cases: Vec<Case> = vec![
        (vec!["log", "nobody", secret], None, 3),
        (vec!["log", "ali", secret], None, 3),
        (vec!["log", "alice", secret, "--at", "tomorrow"], None, 2),
        (vec!["log", "alice", secret, "-t", "bogus"], None, 2),
        (vec!["log", "alice", secret, "-c", "pigeon"], None, 2),
        (vec!["amend", "999", secret], None, 3),
        (vec!["remind", "nobody", "friday", secret], None, 3),
        (
            vec!["log", "alice", "-"],
            Some(b"SECRET-affair\0with NUL"),
            2,
        ),
        (
            vec!["log", "alice", "-"],
            Some(b"SECRET-affair \xff\xfe bad utf8"),
            2,
        ),
    ];
    for (args, stdin, code) in cases {
        let mut cmd = rel(&env, &args);
        if stdin.is_some() {
            cmd.stdin(std::process::Stdio::piped());
        }
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(bytes) = stdin {
            use std::io::Write;
            let mut pipe = child.stdin.take().expect("stdin");
            pipe.write_all(bytes).expect("write stdin");
        }
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("SECRET"),
            "{args:?} leaked the note: {stderr}"
        );
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
}
