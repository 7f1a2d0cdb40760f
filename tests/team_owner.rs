//! Ownership in a team workspace, through the real binary and a real PostgreSQL: three members
//! (each a role and a journal of its own) in one workspace. `rel add` makes the adder the
//! owner, `rel log` signs the touch, `rel due` shows a member's own and unowned contacts (or
//! one member's with `--owner`, everyone's with `--all`), and a hand-over with `edit --owner`
//! reaches every member with the contact's whole history. Skips without `REL_TEST_PG`.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::TestEnv;
use common::pg::{self, PgDb};
use common::replica::Replica;
use serde_json::Value;

/// When the members add their contacts (a weekly cadence each).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("time")
}

/// Three weeks later: every contact is due.
fn later() -> DateTime<Utc> {
    start() + Duration::days(21)
}

struct Member {
    role: String,
    journal: Replica,
}

impl Member {
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.journal.ok(later(), &all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    fn sync(&self) {
        self.journal.ok(later(), &["sync"]);
    }
}

/// A workspace with members alice, bob and carol. Alice's journal held "Old Client" before
/// it joined the workspace, so that contact is unowned.
fn workspace(db: &PgDb) -> Vec<Member> {
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let members: Vec<Member> = ["alice", "bob", "carol"]
        .iter()
        .map(|name| {
            let role = db.role(name);
            TestEnv::new().ok(&["team", "grant", &db.url, &role]);
            Member {
                role,
                journal: Replica::new(name),
            }
        })
        .collect();
    members[0]
        .journal
        .ok(start(), &["add", "Old Client", "--every", "1w"]);
    for member in &members {
        member.journal.ok(
            start(),
            &[
                "sync",
                "init",
                "--postgres",
                &db.url_as(&member.role),
                "--workspace",
                "sales",
            ],
        );
    }
    members[0]
        .journal
        .ok(start(), &["add", "Ann Buyer", "--every", "1w"]);
    members[1]
        .journal
        .ok(start(), &["add", "Ben Buyer", "--every", "1w"]);
    members[1].journal.ok(
        start(),
        &["log", "ben-buyer", "kick-off call", "-t", "trust"],
    );
    members[1].journal.ok(
        start(),
        &["remind", "ben-buyer", "2026-11-20", "send the offer"],
    );
    sync_all(&members);
    members
}

/// Two rounds, so everything any member sent reaches every other.
fn sync_all(members: &[Member]) {
    for _ in 0..2 {
        for member in members {
            member.sync();
        }
    }
}

fn handles(rows: &Value) -> Vec<String> {
    let mut out: Vec<String> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter(|row| row["kind"] != "follow-up")
        .map(|row| row["handle"].as_str().expect("handle").to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn add_makes_the_adder_the_owner_and_log_signs_the_touch() {
    let Some(db) = pg::fresh("team_owner_add") else {
        return;
    };
    let members = workspace(&db);
    let (alice, bob, carol) = (&members[0], &members[1], &members[2]);
    for member in &members {
        assert_eq!(
            member.json(&["show", "ann-buyer"])["owner"],
            alice.role.as_str()
        );
        let ben = member.json(&["show", "ben-buyer"]);
        assert_eq!(ben["owner"], bob.role.as_str());
        assert_eq!(ben["interactions"][0]["author"], bob.role.as_str());
        // From before the journal joined the workspace: unowned.
        assert_eq!(member.json(&["show", "old-client"])["owner"], Value::Null);
    }
    assert_eq!(
        handles(&carol.json(&["list", "--owner", &bob.role])),
        ["ben-buyer"]
    );
    assert_eq!(
        handles(&carol.json(&["list", "--owner", "none"])),
        ["old-client"]
    );
    // Who this journal acts as, from the role `sync init` connected as.
    assert_eq!(
        carol.json(&["sync", "status"])["member"],
        carol.role.as_str()
    );
    let status = carol
        .journal
        .ok(later(), &["sync", "status", "--format", "tsv"]);
    assert!(
        status.contains(&format!("member\t{}\n", carol.role)),
        "{status}"
    );
    // `log --add` creates contacts as `add` does: the member's own.
    carol
        .journal
        .ok(later(), &["log", "Cleo New", "met at the fair", "--add"]);
    assert_eq!(
        carol.json(&["show", "cleo-new"])["owner"],
        carol.role.as_str()
    );
}

#[test]
fn due_shows_mine_and_unowned_by_default_one_member_or_everyone_on_request() {
    let Some(db) = pg::fresh("team_owner_due") else {
        return;
    };
    let members = workspace(&db);
    let (alice, bob, carol) = (&members[0], &members[1], &members[2]);
    assert_eq!(handles(&alice.json(&["due"])), ["ann-buyer", "old-client"]);
    assert_eq!(handles(&bob.json(&["due"])), ["ben-buyer", "old-client"]);
    // Bob's follow-up is his: on his morning view, not on Alice's.
    let bobs_due = bob.json(&["due"]);
    assert!(
        bobs_due
            .as_array()
            .expect("array")
            .iter()
            .any(|row| row["kind"] == "follow-up" && row["handle"] == "ben-buyer"),
        "{bobs_due}"
    );
    assert!(
        !alice
            .json(&["due"])
            .as_array()
            .expect("array")
            .iter()
            .any(|row| row["kind"] == "follow-up"),
    );
    // Carol owns nothing yet: the unowned contact only.
    assert_eq!(handles(&carol.json(&["due"])), ["old-client"]);
    assert_eq!(
        handles(&alice.json(&["due", "--owner", &bob.role])),
        ["ben-buyer"]
    );
    assert_eq!(
        alice.json(&["due", "--owner", &carol.role]),
        Value::Array(vec![])
    );
    assert_eq!(
        handles(&carol.json(&["due", "--all"])),
        ["ann-buyer", "ben-buyer", "old-client"]
    );
    assert_eq!(
        handles(&carol.json(&["due", "--owner", "none"])),
        ["old-client"]
    );
    assert_eq!(
        handles(&alice.json(&["due", "--limit", "1", "--owner", &alice.role])),
        ["ann-buyer"]
    );
    let both = alice
        .journal
        .run(later(), &["due", "--all", "--owner", "x"]);
    assert_eq!(both.code, 2);
    assert!(both.stderr.starts_with("rel: "), "{}", both.stderr);
    assert_eq!(both.stderr.lines().count(), 1, "{}", both.stderr);
}

#[test]
fn a_hand_over_reaches_every_member_with_the_whole_history() {
    let Some(db) = pg::fresh("team_owner_handover") else {
        return;
    };
    let members = workspace(&db);
    let (alice, bob, carol) = (&members[0], &members[1], &members[2]);
    // Bob leaves: Carol hands his contacts, one by one as a script would, to Alice.
    let bobs: Vec<String> = carol
        .journal
        .ok(later(), &["list", "--owner", &bob.role, "--format", "tsv"])
        .lines()
        .skip(1)
        .map(|line| line.split('\t').next().expect("handle").to_string())
        .collect();
    assert_eq!(bobs, ["ben-buyer"]);
    for handle in &bobs {
        carol
            .journal
            .ok(later(), &["edit", handle, "--owner", &alice.role]);
    }
    sync_all(&members);
    for member in &members {
        let ben = member.json(&["show", "ben-buyer"]);
        assert_eq!(ben["owner"], alice.role.as_str(), "{}", member.role);
        // The history came along: Bob's touch (still signed by him) and his follow-up.
        assert_eq!(ben["interactions"][0]["note"], "kick-off call");
        assert_eq!(ben["interactions"][0]["author"], bob.role.as_str());
        assert_eq!(ben["followups"][0]["text"], "send the offer");
        assert_eq!(ben["reith"]["trust"], 1);
    }
    assert_eq!(
        handles(&alice.json(&["due"])),
        ["ann-buyer", "ben-buyer", "old-client"]
    );
    assert!(
        alice
            .json(&["due"])
            .as_array()
            .expect("array")
            .iter()
            .any(|row| row["kind"] == "follow-up" && row["handle"] == "ben-buyer")
    );
    assert_eq!(handles(&bob.json(&["due"])), ["old-client"]);
    assert_eq!(
        bob.json(&["list", "--owner", &bob.role]),
        Value::Array(vec![])
    );

    // `--owner none`: on everyone's morning view.
    alice
        .journal
        .ok(later(), &["edit", "ann-buyer", "--owner", "none"]);
    sync_all(&members);
    for member in &members {
        assert_eq!(member.json(&["show", "ann-buyer"])["owner"], Value::Null);
    }
    assert_eq!(handles(&carol.json(&["due"])), ["ann-buyer", "old-client"]);
    let digests: Vec<String> = members.iter().map(|m| m.journal.digest(later())).collect();
    assert!(digests.iter().all(|d| d == &digests[0]), "{digests:?}");
}
