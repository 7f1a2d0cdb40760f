//! `rel sync` SIGKILLed while it pushes to a real PostgreSQL, through the real binary: each
//! member imports a few thousand records (a push large enough to be caught in the middle),
//! and its sync is killed the moment the server shows its push transaction writing (so the
//! kill lands mid-push, with no hook in rel), the moment the push is committed (while the
//! journal applies what it received, before it records the push), or after a random pause. After every kill the
//! operations table holds each replica's sequence gap-free from 1; in the end every member
//! converges and the server holds each operation once.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::replica::{Replica, Rng};
use common::{TestEnv, bench_json, pg};
use std::time::{Duration, Instant};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

const MEMBERS: usize = 3;
const ROUNDS: usize = 3;
const EXTRA_ROUNDS: usize = 3;
const WORKSPACE: &str = "killed";

/// Each replica's operations on the server: (replica, count, lowest seq, highest seq).
fn runs(client: &mut postgres::Client) -> Vec<(String, i64, i64, i64)> {
    client
        .query(
            "SELECT replica, count(*), min(seq), max(seq) FROM rel.operations
              WHERE workspace = $1 GROUP BY replica ORDER BY replica",
            &[&WORKSPACE],
        )
        .expect("runs")
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
        .collect()
}

fn assert_gap_free(client: &mut postgres::Client, after: &str) {
    for (replica, count, low, high) in runs(client) {
        assert!(
            low == 1 && high == count,
            "after {after}: replica {replica} holds {count} operations, seq {low}..{high}"
        );
    }
}

/// Whether `role` has a transaction open that has written (a push in the middle).
fn pushing(client: &mut postgres::Client, role: &str) -> bool {
    let row = client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND backend_xid IS NOT NULL",
            &[&role],
        )
        .expect("activity");
    row.get::<_, i64>(0) > 0
}

/// How many operations of `replica` the server holds.
fn held(client: &mut postgres::Client, replica: &str) -> i64 {
    client
        .query_one(
            "SELECT count(*) FROM rel.operations WHERE workspace = $1 AND replica = $2",
            &[&WORKSPACE, &replica],
        )
        .expect("count")
        .get(0)
}

/// Waits until no session of `role` is left (the server noticed the killed client and rolled
/// its transaction back), so the next sync starts from what the server really holds.
fn wait_gone(client: &mut postgres::Client, role: &str) {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let row = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = $1",
                &[&role],
            )
            .expect("activity");
        if row.get::<_, i64>(0) == 0 {
            return;
        }
        assert!(Instant::now() < until, "{role}'s session never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn own_head(member: &Replica) -> i64 {
    member.strings("SELECT coalesce(max(seq), 0) FROM sync_ops WHERE replica = 1")[0]
        .parse()
        .expect("seq")
}

#[test]
fn a_sync_killed_mid_push_leaves_nothing_half_written_and_everyone_converges() {
    let Some(db) = pg::fresh("team_kill") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    let mut client = db.client();
    let mut rng = Rng(15);
    let members: Vec<(Replica, String)> = (0..MEMBERS)
        .map(|i| {
            let role = db.role(&format!("m{i}"));
            TestEnv::new().ok(&["team", "grant", &db.url, &role]);
            let member = Replica::new(&format!("m{i}"));
            let url = db.url_as(&role);
            member.ok(
                noon(),
                &["sync", "init", "--postgres", &url, "--workspace", WORKSPACE],
            );
            (member, role)
        })
        .collect();

    let (mut mid_push, mut committed_unrecorded, mut kills) = (0, 0, 0);
    // A kill aimed at a push that finished first lands elsewhere: on a slow machine a few
    // more rounds are given to catch one mid-push before the assertion below.
    let mut round = 0;
    while round < ROUNDS || (mid_push == 0 && round < ROUNDS + EXTRA_ROUNDS) {
        for (i, (member, role)) in members.iter().enumerate() {
            // A few thousand new operations: records of their own (names may well collide
            // with other members' records, so handles are settled as well).
            let file = member.dir.path().join(format!("round{round}.json"));
            let seed = (round * MEMBERS + i) as u64 + 1;
            std::fs::write(&file, bench_json(100, 1_500, seed)).expect("write json");
            member.ok(noon(), &["-q", "import", &file.display().to_string()]);
            let head = own_head(member);

            let replica = member.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone();
            let mut child = member.spawn(noon(), &["sync"]);
            // Where to kill: while the push writes, right after it committed (while the
            // journal applies what it received), or after a random pause.
            let moment = rng.below(10);
            let pause = Duration::from_millis(rng.below(400) as u64);
            let started = Instant::now();
            loop {
                if child.try_wait().expect("wait").is_some() {
                    break;
                }
                let now = match moment {
                    0..=3 => pushing(&mut client, role),
                    4..=6 => held(&mut client, &replica) == head,
                    _ => started.elapsed() >= pause,
                };
                if now {
                    // Child::kill is SIGKILL on Unix: rel gets no chance to clean up.
                    child.kill().expect("kill");
                    kills += 1;
                    mid_push += usize::from(moment <= 3);
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            let _ = child.wait();
            wait_gone(&mut client, role);
            assert_gap_free(&mut client, &format!("{}'s killed sync", member.name));
            // Pushed and committed, but the journal never recorded it: the next sync must see
            // that from the server and not send again.
            let sent: i64 = member
                .strings("SELECT sent_seq FROM sync_remote WHERE id = 1")
                .first()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let on_server = held(&mut client, &replica);
            if on_server == head && sent < head {
                committed_unrecorded += 1;
            }
            // The journal is as it was or fully synced: it opens and answers.
            member.ok(noon(), &["sync", "verify"]);
        }
        round += 1;
    }
    // Seen with --nocapture: where the kills landed.
    eprintln!("{kills} kills: {mid_push} mid-push, {committed_unrecorded} after commit");
    assert!(kills > 0, "no sync was killed");
    assert!(
        mid_push > 0,
        "no kill landed while a push was writing ({kills} kills, {committed_unrecorded} after commit)"
    );

    // Everyone syncs until a whole round moves nothing.
    let mut quiet = false;
    for _ in 0..5 {
        quiet = true;
        for (member, _) in &members {
            let out = member.ok(noon(), &["sync", "--format", "json"]);
            let summary: serde_json::Value = serde_json::from_str(&out).expect("json");
            quiet &= summary["sent"] == 0 && summary["received"] == 0;
            assert_gap_free(&mut client, &format!("{}'s sync", member.name));
        }
        if quiet {
            break;
        }
    }
    assert!(quiet, "syncing never settled");
    let digests: Vec<String> = members.iter().map(|(m, _)| m.digest(noon())).collect();
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    // Every member's every operation is on the server exactly once.
    let total: i64 = runs(&mut client).iter().map(|run| run.1).sum();
    let heads: i64 = members.iter().map(|(m, _)| own_head(m)).sum();
    assert_eq!(total, heads);
    let interactions = |m: &Replica| m.strings("SELECT count(*) FROM interactions")[0].clone();
    for (member, _) in &members[1..] {
        assert_eq!(interactions(member), interactions(&members[0].0));
    }
}
