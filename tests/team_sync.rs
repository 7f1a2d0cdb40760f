//! `rel sync` with PostgreSQL as the remote, through the real binary and a real server: five
//! members, each with a journal of its own and a role of its own, log and sync at the same time;
//! after a final round every member holds every interaction anyone logged, and all agree.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::TestEnv;
use common::pg;
use common::replica::Replica;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

const MEMBERS: usize = 5;
const ROUNDS: usize = 4;

fn interactions(member: &Replica) -> usize {
    member.strings("SELECT uid FROM interactions").len()
}

#[test]
fn five_members_syncing_while_logging_lose_nothing() {
    let Some(db) = pg::fresh("team_sync_five") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let members: Vec<Replica> = (0..MEMBERS)
        .map(|i| {
            let role = db.role(&format!("m{i}"));
            TestEnv::new().ok(&["team", "grant", &db.url, &role]);
            let member = Replica::new(&format!("m{i}"));
            member.ok(
                noon(),
                &[
                    "sync",
                    "init",
                    "--postgres",
                    &db.url_as(&role),
                    "--workspace",
                    "sales",
                ],
            );
            member.ok(noon(), &["add", &format!("Customer {i}")]);
            member
        })
        .collect();

    // Every member logs and syncs in a loop, all at once.
    let sent: usize = std::thread::scope(|scope| {
        let running: Vec<_> = members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                scope.spawn(move || {
                    let mut sent = 0;
                    for round in 0..ROUNDS {
                        let who = format!("customer-{i}");
                        member.ok(noon(), &["log", &who, &format!("call {round} by m{i}")]);
                        let summary = member.ok(noon(), &["sync", "--format", "json"]);
                        let summary: serde_json::Value =
                            serde_json::from_str(&summary).expect("json summary");
                        sent += summary["sent"].as_u64().expect("sent") as usize;
                    }
                    sent
                })
            })
            .collect();
        running
            .into_iter()
            .map(|t| t.join().expect("member thread"))
            .sum()
    });
    assert!(sent > 0, "the members reported nothing sent");

    // A final round: every member sends what is left, then everyone receives.
    for _ in 0..2 {
        for member in &members {
            member.ok(noon(), &["sync"]);
        }
    }
    let digests: Vec<String> = members.iter().map(|m| m.digest(noon())).collect();
    for (member, digest) in members.iter().zip(&digests) {
        assert_eq!(
            interactions(member),
            MEMBERS * ROUNDS,
            "{} lacks interactions",
            member.name
        );
        assert_eq!(digest, &digests[0], "{} disagrees", member.name);
        assert_eq!(member.ok(noon(), &["sync"]).trim(), "up to date");
    }

    // The server holds exactly what the members sent, each operation once.
    let mut client = db.client();
    let rows: i64 = client
        .query_one(
            "SELECT count(*) FROM rel.operations WHERE workspace = 'sales'",
            &[],
        )
        .expect("count")
        .get(0);
    let distinct: i64 = client
        .query_one(
            "SELECT count(DISTINCT (replica, seq)) FROM rel.operations WHERE workspace = 'sales'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(rows, distinct);
    assert!(rows as usize >= MEMBERS * (ROUNDS + 1), "{rows} operations");
}

#[test]
fn an_unreachable_server_leaves_the_journal_untouched() {
    let Some(db) = pg::fresh("team_sync_unreachable") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let member = Replica::new("m");
    member.ok(noon(), &["sync", "init", "--postgres", &db.url]);
    member.ok(noon(), &["add", "Ann Lee"]);
    let before = member.digest(noon());
    // The same database name on a socket folder where no server listens.
    let nowhere = tempfile::tempdir().expect("tempdir");
    let other = Replica::new("other");
    let url = format!("host={} dbname={}", nowhere.path().display(), db.name);
    other.ok(noon(), &["add", "Bo Ek"]);
    let other_before = other.digest(noon());
    let init = other.run(noon(), &["sync", "init", "--postgres", &url]);
    assert_eq!(init.code, 1, "{}", init.stderr);
    assert!(init.stderr.starts_with("rel: "), "{}", init.stderr);
    assert_eq!(other.digest(noon()), other_before);
    assert_eq!(member.digest(noon()), before);
}
