//! Bounded memory: `rel import` streams its input, and a record larger than any real one is
//! exit 2 after a few megabytes, never an abort, even with little address space to spare.

use crate::common;

use common::TestEnv;
use common::safety::rel_after;
use std::io::Write;
use std::process::Stdio;

/// Address space rel may use: far less than the input it is given.
const ADDRESS_SPACE_KIB: u64 = 1024 * 1024;

/// Feeds `head` then `fill` bytes of `filler` (no newline) to `rel import - --from FORMAT`
/// under RLIMIT_AS; returns (exit code, stderr).
fn import_endless(
    env: &TestEnv,
    format: &str,
    head: &[u8],
    filler: u8,
    fill: usize,
) -> (Option<i32>, String) {
    let limit = format!("ulimit -v {ADDRESS_SPACE_KIB}");
    let mut child = rel_after(env, &limit, &["import", "-", "--from", format])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let head = head.to_vec();
    let writer = std::thread::spawn(move || {
        let chunk = vec![filler; 1 << 20];
        let _ = stdin.write_all(&head);
        let mut sent = 0;
        // rel stops reading once the record is too large: the broken pipe ends the loop.
        while sent < fill {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
    });
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_absurd_record_is_exit_2_never_an_abort() {
    let env = TestEnv::new();
    env.ok(&["add", "Alice"]);
    // More than the address space rel may use, in one record.
    let fill = 2 * 1024 * 1024 * 1024;
    let cases: [(&str, &[u8]); 4] = [
        (
            "json",
            b"{\"rel_export\":1,\"contacts\":[{\"uid\":\"x\",\"name\":\"",
        ),
        (
            "json",
            b"{\"rel_export\":1,\"settings\":{\"default-every\":\"",
        ),
        ("csv", b"name,email\n"),
        ("vcard", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:"),
    ];
    for (format, head) in cases {
        let (code, stderr) = import_endless(&env, format, head, b'a', fill);
        assert_eq!(code, Some(2), "{format}: {stderr}");
        assert!(stderr.starts_with("rel: "), "{format}: {stderr}");
        assert!(stderr.contains("larger than"), "{format}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{format}: {stderr}");
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
}

#[test]
fn records_just_under_the_limit_still_import() {
    // A contact with a note near the 1 MiB limit, written with JSON escapes: about 6 MB of
    // text for one record, well inside the record budget.
    let env = TestEnv::new();
    let note = "\u{1}".repeat(1024 * 1024 - 16);
    let doc = serde_json::json!({
        "rel_export": 1,
        "contacts": [{ "uid": "c1", "name": "Big Note", "note": note }],
    });
    let file = env.dir.path().join("big.json");
    std::fs::write(&file, doc.to_string()).expect("write");
    assert!(std::fs::metadata(&file).expect("stat").len() > 5_000_000);
    env.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(
        env.sql_i64("SELECT length(note) FROM contacts"),
        (1024 * 1024 - 16) as i64
    );
}
