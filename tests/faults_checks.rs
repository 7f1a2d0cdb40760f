//! Received operations pass the command line's checks (issue 22, point 9): whoever holds the
//! key of a folder or git remote writes, with rel's own library, changes rel would never make
//! (a handle with a comma, `every = banana`, a birthday `garbage`, a NUL in a note, a time in
//! year 292 million, a note over 1 MiB). The receiving machine keeps them aside (quarantined),
//! names each at every sync with the sender's published name, lists them in `sync status`,
//! applies the sender's later changes that do not depend on them, exits 0, and its export
//! still imports. (The PostgreSQL side: `team2_poison.rs` and the poison simulation.)

use crate::common::replica::{Replica, bare_repo};
use crate::common::{REL, isolated};
use chrono::{DateTime, TimeZone, Utc};
use rel::sync::remote::RemoteKind;
use rel::sync::remote::sealed::seal::SyncKey;
use rel::sync::remote::{self, Opening, Remote, WireOp};
use serde_json::{Value, json};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

/// The replica id the key holder writes under, and the name it publishes.
const EVIL: &str = "0190aaaa-0000-7000-8000-00000000e111";
const EVIL_NAME: &str = "alice's laptop";

/// A laptop and a desktop sharing one remote (folder or git), with one contact both hold;
/// and a third party holding the key, writing through rel's library.
struct Setup {
    laptop: Replica,
    desktop: Replica,
    remote: Box<dyn Remote>,
    _shared: tempfile::TempDir,
}

impl Setup {
    fn new(git: bool) -> Setup {
        let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
        let shared = tempfile::tempdir().expect("tempdir");
        let (args, place) = if git {
            let url = bare_repo(shared.path());
            (vec!["--git".to_string(), url.clone()], url)
        } else {
            let dir = shared.path().join("drive").display().to_string();
            (vec!["--folder".to_string(), dir.clone()], dir)
        };
        let mut init = vec!["sync", "init"];
        init.extend(args.iter().map(String::as_str));
        laptop.ok(noon(), &["add", "Carla Diaz"]);
        laptop.ok(noon(), &init);
        laptop.ok(noon(), &["sync"]);
        let key = laptop.ok(noon(), &["sync", "key"]).trim_end().to_string();
        let mut joined = init.clone();
        joined.extend(["--key", key.as_str()]);
        desktop.ok(noon(), &joined);
        desktop.ok(noon(), &["sync"]);
        let key = SyncKey::parse(&key).expect("key");
        let kind = if git {
            RemoteKind::Git {
                url: place,
                branch: "rel-sync".into(),
            }
        } else {
            RemoteKind::Folder { dir: place.into() }
        };
        let mut remote = remote::open(&Opening {
            kind: &kind,
            key: Some(&key),
            replica: EVIL,
            cache: &shared.path().join("evil-cache"),
        })
        .expect("open the remote");
        remote.check().expect("the key opens the remote");
        remote.announce(EVIL_NAME).expect("announce");
        Setup {
            laptop,
            desktop,
            remote,
            _shared: shared,
        }
    }

    fn carla(&self) -> String {
        self.laptop
            .strings("SELECT uid FROM contacts WHERE handle = 'carla-diaz'")[0]
            .clone()
    }

    /// Writes these bodies as the key holder's operations 1, 2, 3…
    fn inject(&mut self, bodies: &[String]) {
        let ops: Vec<WireOp> = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| WireOp {
                replica: EVIL.into(),
                seq: i as i64 + 1,
                hlc: (noon().timestamp_millis() + i as i64) << 16,
                author: None,
                body: body.clone(),
            })
            .collect();
        self.remote.push(&ops).expect("push");
    }

    fn desktop_sync(&self) -> (i32, Value, String) {
        let ran = self.desktop.run(noon(), &["sync", "--format", "json"]);
        let json = serde_json::from_str(&ran.stdout).unwrap_or(Value::Null);
        (ran.code, json, ran.stderr)
    }
}

fn contact(uid: &str, field: &str, value: Value) -> String {
    json!({"v": 1, "k": "contact", "uid": uid, "set": {field: value}}).to_string()
}

/// The bad changes, each with the line the receiving machine prints for it.
fn poison(carla: &str) -> Vec<(String, &'static str)> {
    let interaction = json!({"v": 1, "k": "interaction", "uid": "evil-i", "new": true, "set": {
        "at": i64::MAX, "channel": "call", "note": "x", "created_at": 1_700_000_000,
        format!("with:{carla}"): 0}});
    let followup = json!({"v": 1, "k": "followup", "uid": "evil-f", "new": true, "set": {
        "due_at": -9_223_372_036_854i64, "text": "call", "created_at": 1_700_000_000,
        "contact": carla, "alive": true}});
    vec![
        (
            contact(carla, "birthday", "garbage".into()),
            "invalid birthday 'garbage'",
        ),
        (
            contact(carla, "handle", "a,b".into()),
            "invalid handle 'a,b'",
        ),
        (contact(carla, "handle", "".into()), "invalid handle ''"),
        (
            contact(carla, "every", "banana".into()),
            "invalid cadence 'banana'",
        ),
        (
            contact(carla, "note", "nul \u{0} inside".into()),
            "note contains NUL bytes",
        ),
        (interaction.to_string(), "at is out of range"),
        (followup.to_string(), "due_at is out of range"),
        (
            json!({"v": 1, "k": "setting", "uid": "colour", "set": {"value": "red"}}).to_string(),
            "unknown setting 'colour'",
        ),
        ("[]".to_string(), "the change is not one rel can read"),
    ]
}

fn quarantine_is_kept_named_and_listed(git: bool) {
    let mut setup = Setup::new(git);
    let carla = setup.carla();
    let poison = poison(&carla);
    let mut bodies: Vec<String> = poison.iter().map(|(body, _)| body.clone()).collect();
    // A later change of the same sender that depends on none of them.
    bodies.push(contact(&carla, "org", "Acme".into()));
    setup.inject(&bodies);

    let (code, json, stderr) = setup.desktop_sync();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["refused"], poison.len(), "{json}");
    for (i, (_, reason)) in poison.iter().enumerate() {
        let line = format!(
            "rel: warning: 1 change from {EVIL_NAME} (seq {}) refused: {reason}\n",
            i + 1
        );
        assert!(stderr.contains(&line), "missing {line:?} in {stderr}");
    }
    // Nothing of it applied; the later change did.
    let row = setup.desktop.rows(
        "SELECT handle, coalesce(birthday, ''), coalesce(every, ''), coalesce(note, ''), org
         FROM contacts",
        5,
    );
    assert_eq!(row, vec![vec!["carla-diaz", "", "", "", "Acme"]]);
    assert!(
        setup
            .desktop
            .strings("SELECT uid FROM interactions")
            .is_empty()
    );
    assert!(
        setup
            .desktop
            .strings("SELECT uid FROM followups")
            .is_empty()
    );

    // Listed by sync status, and named again at the next sync (which still exits 0).
    let status: Value = serde_json::from_str(
        &setup
            .desktop
            .ok(noon(), &["sync", "status", "--format", "json"]),
    )
    .expect("json");
    let listed = status["quarantined"].as_array().expect("quarantined");
    assert_eq!(listed.len(), poison.len(), "{status}");
    assert_eq!(
        listed[0],
        json!({"replica": EVIL, "seq": 1, "reason": "invalid birthday 'garbage'"})
    );
    let plain = setup.desktop.ok(noon(), &["sync", "status"]);
    assert!(
        plain.contains("refused\talice's laptop (seq 1): invalid birthday 'garbage'\n"),
        "{plain}"
    );
    let again = setup.desktop.run(noon(), &["sync"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, "up to date\n");
    assert!(
        again
            .stderr
            .contains("(seq 2) refused: invalid handle 'a,b'")
    );

    // The export of the synced journal imports into an empty database.
    let export = setup.desktop.ok(noon(), &["export", "--format", "json"]);
    let fresh = tempfile::tempdir().expect("tempdir");
    let file = fresh.path().join("export.json");
    std::fs::write(&file, export).expect("write export");
    let imported = isolated(
        REL,
        fresh.path(),
        &fresh.path().join("new.db"),
        "2026-11-27T12:00:00Z",
    )
    .args(["import", &file.display().to_string()])
    .output()
    .expect("run rel");
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
}

#[test]
fn changes_failing_the_checks_are_quarantined_over_a_folder() {
    quarantine_is_kept_named_and_listed(false);
}

#[test]
fn changes_failing_the_checks_are_quarantined_over_git() {
    quarantine_is_kept_named_and_listed(true);
}

/// The laptop (an honest replica) receives the same and refuses the same: every machine
/// refuses the same operations, and the two still agree.
#[test]
fn every_machine_refuses_the_same_and_they_agree() {
    let mut setup = Setup::new(false);
    let carla = setup.carla();
    let mut bodies: Vec<String> = poison(&carla).into_iter().map(|(b, _)| b).collect();
    bodies.push(contact(&carla, "org", "Acme".into()));
    setup.inject(&bodies);
    setup
        .laptop
        .ok(noon(), &["log", "carla-diaz", "after the poison"]);
    setup.laptop.ok(noon(), &["sync"]);
    setup.desktop.ok(noon(), &["sync"]);
    setup.laptop.ok(noon(), &["sync"]);
    assert_eq!(setup.laptop.digest(noon()), setup.desktop.digest(noon()));
    let listed = |r: &Replica| r.strings("SELECT seq || ':' || reason FROM sync_quarantine");
    assert_eq!(listed(&setup.laptop), listed(&setup.desktop));
    assert_eq!(
        setup
            .desktop
            .strings("SELECT note FROM interactions WHERE note = 'after the poison'")
            .len(),
        1
    );
}

/// A note over the limit is refused like `rel log` refuses it. (A change over 8 MiB is
/// refused unparsed and only its reason kept: tested in `src/sync/validate.rs`, outside this
/// test binary, whose other tests measure a child's peak memory and would count a large
/// buffer of this one. No remote file over 32 MiB is ever read: `faults_remote_files.rs`.)
#[test]
fn a_note_over_the_limit_is_refused() {
    let mut setup = Setup::new(false);
    let carla = setup.carla();
    let over = contact(&carla, "note", Value::String("y".repeat((1 << 20) + 1)));
    setup.inject(&[over]);
    let (code, json, stderr) = setup.desktop_sync();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["refused"], 1, "{json}");
    assert!(
        stderr.contains(
            "rel: warning: 1 change from alice's laptop (seq 1) refused: note is too long \
             (1048577 bytes; the limit is 1048576 bytes)\n"
        ),
        "{stderr}"
    );
}
