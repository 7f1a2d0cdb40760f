//! The PostgreSQL remote against a real server, through the `Remote` trait the sync engine
//! drives: pushes are atomic and idempotent, pulls go per replica by seq, and many members
//! pushing at once lose nothing.

use crate::common;

use common::TestEnv;
use common::pg;
use rel::sync::remote::postgres::PgRemote;
use rel::sync::remote::{Remote, WireOp};

fn op(replica: &str, seq: i64) -> WireOp {
    WireOp {
        replica: replica.to_string(),
        seq,
        hlc: seq * 65_536,
        author: None,
        body: format!("{{\"v\":1, \"kind\":\"test\", \"n\":{seq}}}"),
    }
}

fn ops(replica: &str, from: i64, to: i64) -> Vec<WireOp> {
    (from..=to).map(|seq| op(replica, seq)).collect()
}

fn set_up(test: &str) -> Option<pg::PgDb> {
    let db = pg::fresh(test)?;
    TestEnv::new().ok(&["team", "setup", &db.url]);
    Some(db)
}

#[test]
fn push_is_idempotent_and_fetch_goes_per_replica() {
    let Some(db) = set_up("remote_basics") else {
        return;
    };
    let mut remote = PgRemote::connect(&db.url, "default").expect("connect");
    remote.check().expect("owner may take part");
    assert!(remote.heads().expect("heads").is_empty());
    remote.push(&ops("r-a", 1, 5)).expect("push");
    // A retry of a push cut short sends the same operations again, plus new ones.
    remote.push(&ops("r-a", 1, 8)).expect("retry");
    remote.push(&ops("r-b", 1, 2)).expect("push b");
    let heads = remote.heads().expect("heads");
    assert_eq!(heads.get("r-a"), Some(&8));
    assert_eq!(heads.get("r-b"), Some(&2));
    let fetched = remote.fetch("r-a", 3).expect("fetch");
    assert_eq!(
        fetched.iter().map(|o| o.seq).collect::<Vec<_>>(),
        vec![4, 5, 6, 7, 8]
    );
    assert_eq!(
        fetched[0].body,
        op("r-a", 4).body,
        "the body comes back byte for byte"
    );
    assert_eq!(fetched[0].hlc, op("r-a", 4).hlc);
    assert_eq!(fetched[0].author.as_deref(), Some("rel"));
    assert!(remote.fetch("r-a", 8).expect("fetch").is_empty());
    // Workspaces are apart.
    let mut other = PgRemote::connect(&db.url, "sales").expect("connect");
    assert!(other.heads().expect("heads").is_empty());
}

#[test]
fn a_push_that_fails_leaves_nothing() {
    let Some(db) = set_up("remote_atomic") else {
        return;
    };
    let mut remote = PgRemote::connect(&db.url, "default").expect("connect");
    remote.push(&ops("r-a", 1, 3)).expect("push");
    // The last operation is not JSON: the database refuses it, and the whole push with it.
    let mut bad = ops("r-a", 4, 3000);
    bad.last_mut().expect("ops").body = "not json".to_string();
    assert!(remote.push(&bad).is_err());
    assert_eq!(remote.heads().expect("heads").get("r-a"), Some(&3));
    // A gap is refused rather than stored.
    let err = remote.push(&ops("r-a", 10, 12)).expect_err("gap");
    assert!(err.message.contains("up to seq 3"), "{}", err.message);
    // The same seq with another body (a journal restored from an old backup) is refused too:
    // the sync then compares again and moves that journal to a new replica id.
    let mut changed = ops("r-a", 3, 4);
    changed[0].body = "{\"v\":1,\"other\":true}".to_string();
    let err = remote.push(&changed).expect_err("differs");
    assert!(
        err.message
            .contains("another database wrote as this replica"),
        "{}",
        err.message
    );
    assert_eq!(remote.heads().expect("heads").get("r-a"), Some(&3));
}

#[test]
fn a_member_without_a_grant_is_told_what_to_ask_for() {
    let Some(db) = set_up("remote_no_grant") else {
        return;
    };
    let bob = db.role("bob");
    let mut remote = PgRemote::connect(&db.url_as(&bob), "default").expect("connect");
    let err = remote.check().expect_err("no grant");
    assert!(
        err.render().contains(&format!("rel team grant URL {bob}")),
        "{}",
        err.render()
    );
    TestEnv::new().ok(&["team", "grant", &db.url, &bob]);
    remote.check().expect("granted");
    remote.push(&ops("r-bob", 1, 2)).expect("member push");
    assert_eq!(
        remote.fetch("r-bob", 0).expect("fetch")[0]
            .author
            .as_deref(),
        Some(bob.as_str())
    );
    let unset = pg::fresh("remote_not_set_up").expect("server");
    let err = PgRemote::connect(&unset.url, "default")
        .expect("connect")
        .check()
        .expect_err("unset");
    assert!(err.render().contains("rel team setup"), "{}", err.render());
}

/// Five members push their own replicas' operations at once, in many small pushes, while
/// reading each other's: every operation any push acknowledged is there at the end.
#[test]
fn five_members_pushing_at_once_lose_nothing() {
    let Some(db) = set_up("remote_concurrent") else {
        return;
    };
    let url = db.url.clone();
    let workers: Vec<_> = (0..5)
        .map(|member| {
            let url = url.clone();
            std::thread::spawn(move || {
                let replica = format!("r-{member}");
                let mut remote = PgRemote::connect(&url, "default").expect("connect");
                let mut acknowledged = 0;
                for round in 0..40 {
                    let batch = ops(&replica, acknowledged + 1, acknowledged + 1 + round % 7);
                    remote.push(&batch).expect("push");
                    acknowledged = batch.last().expect("batch").seq;
                    let heads = remote.heads().expect("heads");
                    for (other, head) in heads {
                        let got = remote.fetch(&other, 0).expect("fetch");
                        assert!(got.len() as i64 >= head, "{other}: {} < {head}", got.len());
                    }
                }
                (replica, acknowledged)
            })
        })
        .collect();
    let acknowledged: Vec<(String, i64)> = workers
        .into_iter()
        .map(|w| w.join().expect("worker"))
        .collect();
    let mut remote = PgRemote::connect(&url, "default").expect("connect");
    let heads = remote.heads().expect("heads");
    for (replica, last) in acknowledged {
        assert_eq!(heads.get(&replica), Some(&last), "{replica}");
        assert_eq!(remote.fetch(&replica, 0).expect("fetch").len() as i64, last);
    }
}
