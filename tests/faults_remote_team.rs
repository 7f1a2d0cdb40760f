//! The remote-side rules of issue 22 on PostgreSQL (skipped without `tests/pg/start.sh`): in a
//! team a replica is shown by its member; a password in the URL is never printed; a journal
//! that synced before refuses a workspace that lost every one of its operations.

use crate::common;
use crate::common::replica as sync_support;

use chrono::{DateTime, TimeZone, Utc};
use common::TestEnv;
use common::pg;
use sync_support::Replica;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

fn status(replica: &Replica) -> serde_json::Value {
    serde_json::from_str(&replica.ok(noon(), &["sync", "status", "--format", "json"]))
        .expect("json")
}

#[test]
fn members_name_their_replicas_and_an_emptied_workspace_is_refused() {
    let Some(db) = pg::fresh("faults_remote_team") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let roles: Vec<String> = ["ana", "ben"].iter().map(|m| db.role(m)).collect();
    let members: Vec<Replica> = roles
        .iter()
        .map(|role| {
            TestEnv::new().ok(&["team", "grant", &db.url, role]);
            let member = Replica::new(role);
            member.ok(noon(), &["sync", "init", "--postgres", &db.url_as(role)]);
            member.ok(noon(), &["add", &format!("Customer of {role}")]);
            member.ok(noon(), &["sync"]);
            member
        })
        .collect();
    members[0].ok(noon(), &["sync"]);
    let seen = status(&members[0]);
    assert_eq!(seen["replicas"][0]["name"], roles[1].as_str(), "{seen}");

    // The workspace loses every operation (restored from an empty dump, say); the owner goes
    // round the append-only trigger to do it.
    db.client()
        .batch_execute("SET session_replication_role = replica; DELETE FROM rel.operations;")
        .expect("empty the workspace");
    let handle = members[0].strings("SELECT handle FROM contacts ORDER BY id LIMIT 1");
    members[0].ok(noon(), &["log", &handle[0], "call"]);
    let ran = members[0].run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("holds none of this journal's data"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_password_in_a_postgres_url_is_never_printed() {
    let member = Replica::new("lone");
    let secret = "Sup3rSecretPw";
    // Nothing listens there: the remote cannot be reached.
    let url = format!("postgresql://someone:{secret}@127.0.0.1:9/rel");
    let ran = member.run(noon(), &["sync", "init", "--postgres", &url]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(!ran.stderr.contains(secret), "{}", ran.stderr);
    assert!(!ran.stdout.contains(secret), "{}", ran.stdout);
}
