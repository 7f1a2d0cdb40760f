//! Capture from mail through the binary: a mutt mbox and a Maildir (notmuch, offlineimap),
//! headers only, threads per day and people, bulk mail, a malformed message in the middle,
//! `--me` and `me.email`, idempotence by Message-ID, and what a path is from its content.

use crate::common;

use common::TestEnv;
use serde_json::{Value, json};

fn sample(name: &str) -> String {
    format!("{}/tests/data/capture/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Ana Lopez", "--email", "ana@example.com"]);
    env.ok(&["add", "Bo Chen", "--email", "bo@example.com"]);
    env.ok(&["add", "Cy Diaz", "--email", "cy@example.com"]);
    env
}

/// Runs an import expected to warn (the sample mailboxes hold a broken message).
#[track_caller]
fn capture(env: &TestEnv, args: &[&str]) -> (Value, String) {
    let mut all = vec!["import"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let run = env.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (serde_json::from_str(&run.stdout).expect("json"), run.stderr)
}

/// (at, sorted handles, note, source) oldest first.
fn touches(env: &TestEnv) -> Vec<(String, Vec<String>, String, Value)> {
    let mut rows: Vec<_> = env
        .json(&["timeline"])
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let mut people: Vec<String> = i["contacts"]
                .as_array()
                .expect("contacts")
                .iter()
                .map(|c| c.as_str().expect("handle").to_string())
                .collect();
            people.sort();
            (
                i["at"].as_str().expect("at").to_string(),
                people,
                i["note"].as_str().expect("note").to_string(),
                i["source"].clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[test]
fn a_mutt_mbox_gives_one_email_per_thread_day_and_people() {
    let env = journal();
    let (summary, stderr) = capture(&env, &[&sample("mutt.mbox"), "--me", "me@example.com"]);
    assert_eq!(
        summary,
        json!({"dry_run": false, "created": 6, "updated": 0, "removed": 0, "unknown": 1,
               "contacts_added": 0,
               "skipped": {"bulk": 3, "malformed": 1, "no_known_people": 1, "not_me": 1,
                           "too_many_people": 1}})
    );
    // The message without a Date is named, the rest of the mailbox still read.
    assert_eq!(
        stderr.trim(),
        format!(
            "rel: warning: {}: message 8 skipped: no valid Date header",
            sample("mutt.mbox")
        )
    );
    let rows = touches(&env);
    let notes: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    // Ana's message and my reply the same day are one touch; her reply with Bo in copy the
    // next day is another. Encoded subjects are decoded; `>From ` in a body starts nothing.
    assert_eq!(
        notes,
        [
            "Renewal",
            "Re: Renewal",
            "Café plans ☕",
            "Introduction: Dana, meet Cy",
            "Résumé attached",
            "Written by hand"
        ]
    );
    assert_eq!(rows[0].0, "2026-03-01T08:00:00+00:00");
    assert_eq!(rows[0].1, ["ana-lopez"]);
    assert_eq!(rows[0].3, json!({"kind": "mail", "id": "m1@example.com"}));
    assert_eq!(rows[1].1, ["ana-lopez", "bo-chen"]);
    assert_eq!(rows[2].1, ["bo-chen", "cy-diaz"]);
    // A message without Message-ID gets an id from its Date, From and Subject.
    assert!(rows[4].3["id"].as_str().unwrap().starts_with("hash:"));
    let timeline = env.json(&["timeline", "ana"]);
    assert_eq!(timeline[0]["channel"], "email");
}

#[test]
fn a_second_run_and_a_dry_run_write_nothing() {
    let env = journal();
    let (dry, _) = capture(
        &env,
        &[&sample("mutt.mbox"), "--me", "me@example.com", "--dry-run"],
    );
    assert_eq!(dry["created"], 6);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    capture(&env, &[&sample("mutt.mbox"), "--me", "me@example.com"]);
    let (again, _) = capture(&env, &[&sample("mutt.mbox"), "--me", "me@example.com"]);
    assert_eq!(
        (&again["created"], &again["updated"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 6);
}

#[test]
fn a_maildir_with_maildirplusplus_folders_is_read_from_its_content() {
    let env = journal();
    env.ok(&["config", "me.email", "me@example.com"]);
    let (summary, stderr) = capture(&env, &[&sample("maildir")]);
    // cur/ and new/, and .Sent/ (my reply, my introduction); the broken file is named.
    assert_eq!(summary["created"], 4, "{summary}");
    assert_eq!(summary["skipped"]["bulk"], 1);
    assert_eq!(summary["skipped"]["malformed"], 1);
    assert!(
        stderr.contains("1772870400.M5P100.host skipped"),
        "{stderr}"
    );
    let rows = touches(&env);
    assert_eq!(rows[0].2, "Renewal");
    assert_eq!(rows[0].1, ["ana-lopez"]);
    // The same messages from an mbox afterwards add only what the Maildir did not hold.
    let (more, _) = capture(&env, &[&sample("mutt.mbox")]);
    assert_eq!(more["created"], 2, "{more}");
    assert_eq!(more["updated"], 0, "{more}");
}

#[test]
fn mail_needs_your_address() {
    let env = journal();
    let stderr = env.fails(&["import", &sample("mutt.mbox")], 2);
    assert!(stderr.contains("--me"), "{stderr}");
    let stderr = env.fails(&["import", &sample("mutt.mbox"), "--me", "nobody"], 2);
    assert!(stderr.contains("not an email address"), "{stderr}");
    env.fails(&["config", "me.email", "not-an-address"], 2);
}

#[test]
fn me_email_never_syncs() {
    let env = journal();
    let before = env.sql_i64("SELECT count(*) FROM sync_ops");
    env.ok(&["config", "me.email", "me@example.com,Me@Work.example"]);
    assert_eq!(
        env.ok(&["config", "me.email"]).trim(),
        "me@example.com,me@work.example"
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM sync_ops"), before);
}

#[test]
fn add_unknown_adds_the_people_you_wrote_to_never_strangers_who_wrote_to_you() {
    let env = journal();
    let (summary, _) = capture(
        &env,
        &[
            &sample("mutt.mbox"),
            "--me",
            "me@example.com",
            "--add-unknown",
        ],
    );
    // Dana: I introduced her to Cy, so she is added. Her cold pitch alone would not have.
    assert!(
        summary["contacts_added"].as_i64().unwrap() >= 1,
        "{summary}"
    );
    let dana = env.json(&["show", "dana-smith"]);
    assert_eq!(dana["emails"], json!(["dana@other.org"]));
    assert_eq!(summary["unknown"], 0);
    assert_eq!(summary["contacts_added"], 1);

    // A stranger writing to you, unanswered, is never added.
    let pitch = env.dir.path().join("pitch.mbox");
    std::fs::write(
        &pitch,
        "From x@y Mon Mar  9 09:00:00 2026\nFrom: Eve <eve@spam.example>\nTo: me@example.com\n\
         Subject: Offer\nDate: Mon, 9 Mar 2026 10:00:00 +0000\nMessage-ID: <offer@spam.example>\n\nBuy.\n",
    )
    .unwrap();
    let (summary, _) = capture(
        &env,
        &[
            pitch.to_str().unwrap(),
            "--me",
            "me@example.com",
            "--add-unknown",
        ],
    );
    assert_eq!(summary["contacts_added"], 0, "{summary}");
    assert_eq!(summary["skipped"]["no_known_people"], 1);
}

#[test]
fn max_people_and_since_filter_messages() {
    let env = journal();
    let (summary, _) = capture(
        &env,
        &[
            &sample("mutt.mbox"),
            "--me",
            "me@example.com",
            "--max-people",
            "30",
            "--since",
            "2026-03-09",
        ],
    );
    // From 9 March: the introduction, the résumé, the hand-written one (the party is earlier).
    assert_eq!(summary["created"], 3, "{summary}");
}

#[test]
fn from_overrides_the_content_and_a_folder_of_nothing_known_is_exit_1() {
    let env = journal();
    let folder = env.dir.path().join("empty");
    std::fs::create_dir_all(&folder).unwrap();
    env.fails(&["import", folder.to_str().unwrap()], 1);
    // An mbox named .ics is still mail.
    let renamed = env.dir.path().join("mail.ics");
    std::fs::copy(sample("mutt.mbox"), &renamed).unwrap();
    let (summary, _) = capture(&env, &[renamed.to_str().unwrap(), "--me", "me@example.com"]);
    assert_eq!(summary["created"], 6);
    // Read as a calendar on request: there is no event in it.
    let (forced, _) = capture(
        &env,
        &[
            renamed.to_str().unwrap(),
            "--from",
            "ics",
            "--me",
            "me@example.com",
        ],
    );
    assert_eq!(forced["created"], 0);
}

#[test]
fn json_export_carries_the_source_and_a_restore_keeps_it() {
    let env = journal();
    capture(&env, &[&sample("mutt.mbox"), "--me", "me@example.com"]);
    let export = env.dir.path().join("all.json");
    env.ok(&["export", "-o", export.to_str().unwrap()]);
    let restored = TestEnv::new();
    restored.ok(&["-q", "import", export.to_str().unwrap()]);
    let again = restored.dir.path().join("again.json");
    restored.ok(&["export", "-o", again.to_str().unwrap()]);
    let first = std::fs::read_to_string(&export).unwrap();
    assert_eq!(first, std::fs::read_to_string(&again).unwrap());
    assert!(first.contains("\"source\":{\"kind\":\"mail\""), "{first}");
    // The restored journal is the same capture: importing the mailbox again changes nothing.
    let (summary, _) = capture(&restored, &[&sample("mutt.mbox"), "--me", "me@example.com"]);
    assert_eq!(
        (&summary["created"], &summary["updated"]),
        (&json!(0), &json!(0))
    );
}

#[test]
fn a_typed_interaction_has_a_null_source() {
    let env = journal();
    env.ok(&["log", "ana", "called"]);
    assert_eq!(env.json(&["timeline"])[0]["source"], Value::Null);
}

#[test]
fn a_mailbox_or_a_calendar_can_come_on_stdin() {
    let env = journal();
    let mbox = std::fs::read(sample("mutt.mbox")).unwrap();
    let run = env.run_with(
        &[
            "import",
            "-",
            "--from",
            "mbox",
            "--me",
            "me@example.com",
            "--format",
            "json",
        ],
        |cmd| {
            cmd.write_stdin(mbox);
        },
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["created"], 6);
    let ics = std::fs::read(sample("apple.ics")).unwrap();
    let run = env.run_with(
        &["import", "-", "--from", "ics", "--format", "json"],
        |cmd| {
            cmd.write_stdin(ics);
        },
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["created"], 4);
}

#[test]
fn a_folder_of_vcards_is_left_to_the_address_book_import() {
    let env = journal();
    let folder = env.dir.path().join("cards");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n",
    )
    .unwrap();
    let stderr = env.fails(&["import", folder.to_str().unwrap()], 1);
    assert!(!stderr.contains(".ics"), "{stderr}");
}
