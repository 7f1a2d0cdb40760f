//! Suggestions and introductions in a team workspace (a real PostgreSQL): `rel suggest`
//! considers what `rel due` shows a member (their own and unowned contacts), `rel accounts`
//! names the owners, and `rel intro` links through everyone's interactions while "you" is the
//! member asking. Skips without `REL_TEST_PG` (run with tests/pg/start.sh).

use crate::common;
use crate::common::replica as sync_support;

use chrono::{DateTime, TimeZone, Utc};
use common::TestEnv;
use common::pg::{self, PgDb};
use serde_json::Value;
use sync_support::Replica;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

struct Member {
    role: String,
    journal: Replica,
}

impl Member {
    fn ok(&self, args: &[&str]) -> String {
        self.journal.ok(now(), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// A dormant history: three calls 400, 300 and 200 days ago.
    fn dormant(&self, name: &str, org: &str) {
        self.ok(&["add", name, "--org", org]);
        let handle = name.to_lowercase().replace(' ', "-");
        for day in ["2025-10-23", "2026-01-31", "2026-05-11"] {
            self.ok(&["log", &handle, "call", "-c", "call", "--at", day]);
        }
    }
}

fn workspace(db: &PgDb) -> Vec<Member> {
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let members: Vec<Member> = ["alice", "bob"]
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
    // Before the workspace: unowned.
    members[0].dormant("Old Client", "Acme");
    for member in &members {
        member.ok(&[
            "sync",
            "init",
            "--postgres",
            &db.url_as(&member.role),
            "--workspace",
            "sales",
        ]);
    }
    members[0].dormant("Ann Client", "Acme");
    members[1].dormant("Ben Client", "Acme");
    members[1].ok(&["add", "Tara Target", "--org", "Globex"]);
    members[1].ok(&[
        "log",
        "ben-client,tara-target",
        "dinner",
        "-c",
        "meeting",
        "--at",
        "2025-09-15",
    ]);
    sync_all(&members);
    members[0].ok(&[
        "log",
        "ann-client,ben-client",
        "panel",
        "-c",
        "event",
        "--at",
        "2025-09-01",
    ]);
    sync_all(&members);
    members
}

/// Two rounds, so everything any member sent reaches every other.
fn sync_all(members: &[Member]) {
    for _ in 0..2 {
        for member in members {
            member.ok(&["sync"]);
        }
    }
}

fn handles(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["handle"].as_str().expect("handle").to_string())
        .collect()
}

#[test]
fn suggest_accounts_and_intro_in_a_team() {
    let Some(db) = pg::fresh("suggest_team") else {
        return;
    };
    let members = workspace(&db);
    let (alice, bob) = (&members[0], &members[1]);
    // Each member: their own dormant client and the unowned one, never the other's.
    assert_eq!(
        handles(&alice.json(&["suggest", "--kind", "dormant"])),
        ["ann-client", "old-client"]
    );
    assert_eq!(
        handles(&bob.json(&["suggest", "--kind", "dormant"])),
        ["ben-client", "old-client"]
    );
    // A dismissal syncs to the other member.
    alice.ok(&["suggest", "dismiss", "old-client"]);
    alice.ok(&["sync"]);
    bob.ok(&["sync"]);
    assert_eq!(
        handles(&bob.json(&["suggest", "--kind", "dormant"])),
        ["ben-client"]
    );
    // Accounts show everyone's people and their owners.
    let accounts = alice.json(&["accounts", "--sort", "name"]);
    assert_eq!(accounts[0]["org"], "Acme");
    assert_eq!(accounts[0]["people"], 3);
    assert_eq!(
        accounts[0]["owners"],
        serde_json::json!([alice.role.clone(), bob.role.clone()])
    );
    // Intro: links through everyone's interactions, starting at someone *you* touched.
    let people = |member: &Member| -> Vec<Vec<String>> {
        member.json(&["intro", "tara-target"])["paths"]
            .as_array()
            .expect("paths")
            .iter()
            .map(|p| {
                p["people"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect()
            })
            .collect()
    };
    let bobs = people(bob);
    assert_eq!(
        bobs,
        vec![vec!["ben-client".to_string(), "tara-target".to_string()]]
    );
    let alices = people(alice);
    assert!(
        alices.contains(&vec![
            "ann-client".to_string(),
            "ben-client".to_string(),
            "tara-target".to_string()
        ]),
        "{alices:?}"
    );
    let owners = &alice.json(&["intro", "tara-target"])["paths"][0]["owners"];
    assert!(
        owners.as_array().unwrap().iter().all(|o| o.is_string()),
        "{owners}"
    );
}
