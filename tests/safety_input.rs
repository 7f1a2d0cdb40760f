//! One rule for every way in: what `rel import` brings passes the checks of the command that
//! would create it; settings, ids and uids included; every path of `amend` is bounded; and a
//! note written in the editor survives any failure to save it.

use crate::common;

use common::TestEnv;
use common::safety::{fingerprint, rel, run_raw, script};
use serde_json::{Value, json};

const MIB: usize = 1024 * 1024;

fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Alice", "--every", "2w"]);
    env.ok(&["log", "alice", "lunch", "--at", "3d ago"]);
    env
}

/// Writes a rel export document with the given sections and imports it with `flags`.
fn import_doc(env: &TestEnv, doc: &Value, flags: &[&str]) -> common::Run {
    let file = env.dir.path().join("in.json");
    std::fs::write(&file, doc.to_string()).expect("write");
    let mut args = vec!["import", file.to_str().expect("path")];
    args.extend(flags);
    env.run(&args)
}

fn contact(uid: &str, extra: Value) -> Value {
    let mut record = json!({ "uid": uid, "name": format!("Person {uid}") });
    if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
        record.extend(extra.clone());
    }
    record
}

#[test]
fn imported_contacts_pass_the_checks_of_rel_add() {
    let env = journal();
    let refused = [
        json!({ "birthday": "not-a-date" }),
        json!({ "birthday": "1850-01-01" }),
        json!({ "every": "sometimes" }),
        json!({ "every": "inherit" }),
        json!({ "name": "   " }),
        json!({ "handle": "Not A Handle" }),
        json!({ "note": "a\u{0}b" }),
        json!({ "note": "x".repeat(MIB + 1) }),
        json!({ "created_at": "9999-12-31T23:00:00-05:00" }),
    ];
    for extra in refused {
        let before = fingerprint(&env.db);
        let doc = json!({ "rel_export": 1, "contacts": [contact("c1", extra.clone())] });
        let run = import_doc(&env, &doc, &[]);
        assert_eq!(run.code, 2, "{extra}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("rel: contacts record 1"),
            "{}",
            run.stderr
        );
        assert_eq!(fingerprint(&env.db), before, "{extra} wrote");
    }
    // What rel add would clean, the import cleans the same way.
    let doc = json!({ "rel_export": 1, "contacts": [contact("c2", json!({
        "tags": ["VIP", "Work,Family", " vip "],
        "emails": [" a@example.com ", ""],
        "every": " 2W ",
        "birthday": "03-04",
    }))] });
    let run = import_doc(&env, &doc, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = env.json(&["show", "person-c2"]);
    let tags: Vec<&str> = shown["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags.len(), 3, "{tags:?}");
    for tag in ["vip", "work", "family"] {
        assert!(tags.contains(&tag), "{tags:?}");
    }
    assert_eq!(shown["emails"], json!(["a@example.com"]));
    assert_eq!(shown["every"], "2w");
    assert_eq!(shown["birthday"], "--03-04");
}

#[test]
fn imported_interactions_and_followups_pass_the_checks_of_log_and_remind() {
    let env = journal();
    let base = contact("c1", json!({}));
    let interaction = |extra: Value| {
        let mut record = json!({ "uid": "i1", "at": "2026-01-01T10:00:00Z", "channel": "call",
                                 "contacts": ["c1"], "note": "ok" });
        if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
            record.extend(extra.clone());
        }
        record
    };
    for extra in [
        json!({ "channel": "\u{1b}[31mcall" }),
        json!({ "note": "x".repeat(MIB + 1) }),
        json!({ "note": "nul\u{0}" }),
        json!({ "at": "1800-01-01T00:00:00Z" }),
        json!({ "at": "9999-12-31T23:00:00-05:00" }),
    ] {
        let doc = json!({ "rel_export": 1, "contacts": [base.clone()],
                          "interactions": [interaction(extra.clone())] });
        let run = import_doc(&env, &doc, &[]);
        assert_eq!(run.code, 2, "{extra}: {}", run.stderr);
        assert!(
            run.stderr.contains("interactions record 1"),
            "{}",
            run.stderr
        );
    }
    for extra in [
        json!({ "text": "x".repeat(MIB + 1) }),
        json!({ "text": "   " }),
        json!({ "due_at": "10000-01-01T00:00:00Z" }),
    ] {
        let mut followup = json!({ "uid": "f1", "contact": "c1", "due_at": "2026-12-01T09:00:00Z",
                                   "text": "call back" });
        if let (Some(record), Some(extra)) = (followup.as_object_mut(), extra.as_object()) {
            record.extend(extra.clone());
        }
        let doc = json!({ "rel_export": 1, "contacts": [base.clone()], "followups": [followup] });
        let run = import_doc(&env, &doc, &[]);
        assert_eq!(run.code, 2, "{extra}: {}", run.stderr);
        assert!(run.stderr.contains("followups record 1"), "{}", run.stderr);
    }
}

#[test]
fn settings_import_only_known_keys_with_valid_values() {
    let env = journal();
    for settings in [
        json!({ "default-channel": "\u{1b}]8;;http://x\u{7}call" }),
        json!({ "colour": "red" }),
        json!({ "default-every": "sometimes" }),
        json!({ "every.a,b": "2w" }),
    ] {
        let before = fingerprint(&env.db);
        let run = import_doc(&env, &json!({ "rel_export": 1, "settings": settings }), &[]);
        assert_eq!(run.code, 2, "{settings}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("rel: settings record 1"),
            "{}",
            run.stderr
        );
        assert_eq!(fingerprint(&env.db), before);
    }
    // Keys compare lower-cased, values are stored as `rel config` stores them.
    let doc =
        json!({ "rel_export": 1, "settings": { "Every.VIP": " 2W ", "default-channel": "Email" } });
    let run = import_doc(&env, &doc, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.ok(&["config", "every.vip"]), "2w\n");
    assert_eq!(env.ok(&["config", "default-channel"]), "email\n");
    // With --skip-invalid the bad ones are named and left out.
    let doc = json!({ "rel_export": 1, "settings": { "colour": "red", "default-every": "1m" } });
    let run = import_doc(&env, &doc, &["--skip-invalid"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("colour"), "{}", run.stdout);
    assert_eq!(env.ok(&["config", "default-every"]), "1m\n");
    assert!(!env.ok(&["config"]).contains("colour"));
}

#[test]
fn config_unset_removes_any_key_config_lists() {
    let env = journal();
    env.ok(&["config", "every.VIP", "2w"]);
    env.ok(&["add", "Bob", "--tag", "vip"]);
    assert!(env.ok(&["config"]).contains("every.vip"));
    env.ok(&["config", "--unset", "every.VIP"]);
    assert!(!env.ok(&["config"]).contains("every.vip"));
    // A key an older rel imported without checks (any case, unknown to this rel).
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch(
            "INSERT INTO settings (key, value) VALUES ('Legacy-Key', 'x'), ('every.Friends', '1w')",
        )
        .expect("insert");
    }
    let listed = env.ok(&["config"]);
    assert!(listed.contains("Legacy-Key"), "{listed}");
    env.ok(&["config", "--unset", "legacy-key"]);
    env.ok(&["config", "--unset", "EVERY.friends"]);
    assert_eq!(env.ok(&["config"]), "");
    // An unknown key nobody stored is still a typo.
    env.fails(&["config", "--unset", "colour"], 2);
}

#[test]
fn an_id_or_uid_repeated_in_one_file_is_exit_2_naming_the_record() {
    let c1 = contact("c1", json!({ "id": 1 }));
    let interaction = |uid: &str, id: i64| {
        json!({ "id": id, "uid": uid, "at": "2026-01-01T10:00:00Z", "channel": "call",
                "contacts": ["c1"], "note": uid })
    };
    let followup = |uid: &str, id: i64| {
        json!({ "id": id, "uid": uid, "contact": "c1", "due_at": "2026-12-01T09:00:00Z",
                "text": "call" })
    };
    let cases = [
        (
            json!({ "contacts": [c1.clone(), contact("c1", json!({ "id": 2 }))] }),
            "contacts record 2",
        ),
        (
            json!({ "contacts": [c1.clone(), contact("c2", json!({ "id": 1 }))] }),
            "contacts record 2",
        ),
        (
            json!({ "contacts": [c1.clone()], "interactions": [interaction("i1", 1), interaction("i1", 2)] }),
            "interactions record 2",
        ),
        (
            json!({ "contacts": [c1.clone()], "interactions": [interaction("i1", 1), interaction("i2", 1)] }),
            "interactions record 2",
        ),
        (
            json!({ "contacts": [c1.clone()], "followups": [followup("f1", 1), followup("f1", 2)] }),
            "followups record 2",
        ),
        (
            json!({ "contacts": [c1.clone()], "followups": [followup("f1", 1), followup("f2", 1)] }),
            "followups record 2",
        ),
    ];
    for (sections, named) in cases {
        for flags in [&[][..], &["--skip-invalid"]] {
            // Into an empty journal (the fast path) and into one holding data.
            for env in [TestEnv::new(), journal()] {
                env.ok(&["list"]);
                let before = fingerprint(&env.db);
                let mut doc = json!({ "rel_export": 1 });
                if let (Some(doc), Some(sections)) = (doc.as_object_mut(), sections.as_object()) {
                    doc.extend(sections.clone());
                }
                let run = import_doc(&env, &doc, flags);
                assert_eq!(run.code, 2, "{doc} {flags:?}: {}", run.stderr);
                assert!(run.stderr.contains(named), "{}", run.stderr);
                assert!(run.stderr.contains("repeats"), "{}", run.stderr);
                assert!(!run.stderr.contains("UNIQUE"), "{}", run.stderr);
                assert_eq!(fingerprint(&env.db), before);
            }
        }
    }
}

#[test]
fn amend_refuses_an_oversized_note_on_every_path() {
    let env = journal();
    // As words: ten of them (one argument may not exceed 128 KiB), 1.1 MB in all.
    let word = "x".repeat(110_000);
    let mut args = vec!["amend", "1"];
    args.extend(std::iter::repeat_n(word.as_str(), 10));
    let stderr = env.fails(&args, 2);
    let big = "x".repeat(MIB + 10);
    assert!(stderr.contains("too long"), "{stderr}");
    let run = run_raw(rel(&env, &["amend", "1", "-"]), big.as_bytes());
    assert_eq!(run.code, Some(2), "{}", run.stderr_text());
    let editor = script(
        env.dir.path(),
        "big-editor.sh",
        &format!("head -c {} /dev/zero | tr '\\0' y > \"$1\"\n", MIB + 10),
    );
    let mut cmd = rel(&env, &["amend", "1", "-e"]);
    cmd.env("EDITOR", &editor);
    let run = run_raw(cmd, b"");
    assert_eq!(run.code, Some(2), "{}", run.stderr_text());
    let timeline = env.json(&["timeline"]);
    assert_eq!(timeline[0]["note"], "lunch");
}

/// The path `rel` printed as where the note is kept.
fn kept_path(stderr: &str) -> std::path::PathBuf {
    let start = stderr.find("kept in ").expect("names the kept file") + "kept in ".len();
    std::path::PathBuf::from(stderr[start..].trim())
}

#[test]
fn the_editor_never_eats_a_note_that_is_not_saved() {
    let env = journal();
    // (what the editor writes, what makes the save fail)
    let cases: [(&str, &str); 3] = [
        ("printf 'caf\\351 notes\\n' > \"$1\"", "not valid UTF-8"),
        ("printf 'a\\000b\\n' > \"$1\"", "NUL"),
        (
            &format!("head -c {} /dev/zero | tr '\\0' z > \"$1\"", MIB + 1),
            "too long",
        ),
    ];
    for (index, (body, reason)) in cases.iter().enumerate() {
        let editor = script(env.dir.path(), &format!("editor{index}.sh"), body);
        for args in [&["log", "alice", "-e"][..], &["amend", "1", "-e"]] {
            let before = fingerprint(&env.db);
            let mut cmd = rel(&env, args);
            cmd.env("EDITOR", &editor);
            let run = run_raw(cmd, b"");
            let stderr = run.stderr_text();
            assert_eq!(run.code, Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(reason), "{args:?}: {stderr}");
            let kept = kept_path(&stderr);
            assert!(kept.is_file(), "{args:?}: {} is gone", kept.display());
            assert!(std::fs::metadata(&kept).expect("stat").len() > 0);
            assert_eq!(fingerprint(&env.db), before);
            std::fs::remove_dir_all(kept.parent().expect("folder")).expect("clean up");
        }
    }
}
