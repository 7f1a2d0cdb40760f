//! Replicas exchanging operations directly (no remote): convergence, the contract's merge
//! rules and held-back operations; `scripts.rs`: random scripts on three replicas, and the
//! fold's independence from order and repetition.

use super::log::oplog;
use super::{apply_received, digest, own_ops_after, remote::WireOp};
use crate::db::Db;
use crate::db::contacts::{self, NewContact};
use crate::db::interactions::{self, NewInteraction};
use crate::model::Reith;
use chrono::{DateTime, TimeZone, Utc};
use std::path::Path;

mod scripts;

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("a valid time")
        + chrono::Duration::hours(hours)
}

fn open(dir: &Path, name: &str, now: DateTime<Utc>) -> Db {
    let mut db = Db::open(&dir.join(format!("{name}.db"))).expect("open");
    db.set_now(now);
    db.set_recorder(&super::capture::recorder::OPERATION_LOG);
    db
}

fn add(db: &mut Db, name: &str) -> i64 {
    let now = db.now_ms() / 1000;
    db.write(|tx| {
        let id = contacts::insert(
            tx,
            &NewContact {
                name: name.into(),
                ..Default::default()
            },
            now,
        )?;
        crate::db::upkeep::refresh_many(tx, &[id])?;
        Ok(id)
    })
    .expect("add")
}

fn log(db: &mut Db, contact: i64, note: &str) -> i64 {
    let now = db.now_ms() / 1000;
    db.write(|tx| {
        let new = NewInteraction {
            uid: None,
            at: now,
            channel: "call".into(),
            note: note.into(),
            marks: Reith::default(),
            contact_ids: vec![contact],
            author: None,
        };
        interactions::insert(tx, &new, now)
    })
    .expect("log")
}

/// Sends everything `from` wrote to `to`; returns the report.
fn send(from: &Db, to: &mut Db) -> super::ApplyReport {
    let mut ops = own_ops_after(from.conn(), 0).expect("ops");
    let now = DateTime::from_timestamp_millis(to.now_ms()).expect("now");
    to.write(|tx| apply_received(tx, &mut ops, now))
        .expect("apply")
}

fn sync_all(replicas: &mut [Db]) {
    for _ in 0..2 {
        for i in 0..replicas.len() {
            for j in 0..replicas.len() {
                if i != j {
                    let (from, to) = pick_two(replicas, i, j);
                    send(from, to);
                }
            }
        }
    }
}

fn pick_two(replicas: &mut [Db], i: usize, j: usize) -> (&Db, &mut Db) {
    if i < j {
        let (left, right) = replicas.split_at_mut(j);
        (&left[i], &mut right[0])
    } else {
        let (left, right) = replicas.split_at_mut(i);
        (&right[0], &mut left[j])
    }
}

fn digest_of(db: &Db) -> String {
    digest(db.conn()).expect("digest")
}

fn count(db: &Db, sql: &str) -> i64 {
    db.conn()
        .query_row(sql, [], |row| row.get(0))
        .expect("count")
}

#[test]
fn two_replicas_converge_and_a_second_exchange_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut a = open(dir.path(), "a", at(0));
    let mut b = open(dir.path(), "b", at(0));
    let maria = add(&mut a, "Maria Lopez");
    log(&mut a, maria, "first call");
    let report = send(&a, &mut b);
    assert_eq!((report.received, report.replicas), (2, 1));
    let on_b = contacts::get_by_handle(b.conn(), "maria-lopez")
        .expect("read")
        .expect("maria on b");
    log(&mut b, on_b.id, "second call from b");
    b.write(|tx| contacts::set_column(tx, on_b.id, "org", Some("Acme")))
        .expect("edit");
    send(&b, &mut a);
    assert_eq!(digest_of(&a), digest_of(&b));
    let maria_a = contacts::get(a.conn(), maria).expect("maria");
    assert_eq!(maria_a.org.as_deref(), Some("Acme"));
    assert_eq!(
        maria_a.last_touch,
        on_b.created_at.into(),
        "last touch maintained by the fold"
    );
    let again = send(&b, &mut a);
    assert_eq!(again.received, 0);
    assert_eq!(digest_of(&a), digest_of(&b));
}

#[test]
fn a_contact_removed_while_another_replica_logged_comes_back_archived_with_that_touch_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut a = open(dir.path(), "a", at(0));
    let mut b = open(dir.path(), "b", at(0));
    let sam = add(&mut a, "Sam");
    log(&mut a, sam, "only with sam, deleted by rm");
    send(&a, &mut b);
    let sam_b = contacts::get_by_handle(b.conn(), "sam")
        .expect("read")
        .expect("sam")
        .id;
    b.set_now(at(1));
    log(&mut b, sam_b, "logged on b meanwhile");
    a.set_now(at(2));
    a.write(|tx| contacts::delete(tx, sam).map(|_| ()))
        .expect("rm");
    send(&a, &mut b);
    send(&b, &mut a);
    assert_eq!(digest_of(&a), digest_of(&b));
    for db in [&a, &b] {
        let back = contacts::get_by_handle(db.conn(), "sam")
            .expect("read")
            .expect("sam is back");
        assert_eq!(
            back.archived_at,
            Some(at(2).timestamp()),
            "archived at the removal"
        );
        let notes: Vec<String> = interactions::timeline(db.conn(), &Default::default())
            .expect("timeline")
            .into_iter()
            .map(|i| i.note)
            .collect();
        assert_eq!(notes, vec!["logged on b meanwhile".to_string()]);
    }
}

#[test]
fn the_same_handle_from_two_replicas_goes_to_the_earlier_creation_everywhere() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut a = open(dir.path(), "a", at(1));
    let mut b = open(dir.path(), "b", at(0));
    add(&mut a, "Sam");
    add(&mut b, "Sam");
    // b keeps its (earlier) sam and receives a's as sam-2: no contact of b changed handle,
    // so b reports no rename.
    let report = send(&a, &mut b);
    assert_eq!(report.renamed, vec![]);
    let report = send(&b, &mut a);
    assert_eq!(
        report.renamed,
        vec![("sam".to_string(), "sam-2".to_string())]
    );
    assert_eq!(digest_of(&a), digest_of(&b));
    let created = |db: &Db, handle: &str| {
        contacts::get_by_handle(db.conn(), handle)
            .expect("read")
            .expect("present")
            .created_at
    };
    assert_eq!(
        created(&a, "sam"),
        at(0).timestamp(),
        "b's Sam was created first"
    );
    assert_eq!(created(&a, "sam-2"), at(1).timestamp());
}

#[test]
fn a_contact_introduced_via_one_not_received_yet_is_linked_when_it_arrives() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut a = open(dir.path(), "a", at(0));
    let mut b = open(dir.path(), "b", at(0));
    let mut c = open(dir.path(), "c", at(0));
    add(&mut a, "Maria Lopez");
    send(&a, &mut b);
    let maria = contacts::get_by_handle(b.conn(), "maria-lopez")
        .expect("read")
        .expect("maria on b")
        .id;
    let now = b.now_ms() / 1000;
    b.write(|tx| {
        contacts::insert(
            tx,
            &NewContact {
                name: "Sam".into(),
                via_id: Some(maria),
                ..Default::default()
            },
            now,
        )
    })
    .expect("add sam via maria");
    // c hears of Sam (from b) before it hears of Maria (from a).
    send(&b, &mut c);
    send(&a, &mut c);
    let sam = contacts::get_by_handle(c.conn(), "sam")
        .expect("read")
        .expect("sam on c");
    assert_eq!(sam.via.as_deref(), Some("maria-lopez"));
    assert_eq!(digest_of(&c), digest_of(&b));
}

#[test]
fn operations_a_day_ahead_are_kept_but_held_back_until_the_clock_reaches_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut ahead = open(dir.path(), "ahead", at(50));
    let mut here = open(dir.path(), "here", at(0));
    add(&mut ahead, "Future Person");
    let report = send(&ahead, &mut here);
    assert_eq!((report.received, report.held_back), (1, 1));
    assert_eq!(count(&here, "SELECT count(*) FROM contacts"), 0);
    here.set_now(at(30));
    let mut ops: Vec<WireOp> = Vec::new();
    let report = here
        .write(|tx| apply_received(tx, &mut ops, at(30)))
        .expect("apply");
    assert_eq!((report.received, report.held_back), (0, 0));
    assert_eq!(count(&here, "SELECT count(*) FROM contacts"), 1);
}

#[test]
fn creations_are_sent_as_their_serialized_bodies_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut a = open(dir.path(), "a", at(1));
    let mut b = open(dir.path(), "b", at(0));
    let name = "Sam \"the\" \\ man\t😀";
    let sam = add(&mut a, name);
    add(&mut b, name);
    log(&mut a, sam, "said \"hi\"\n\u{1}");
    send(&a, &mut b);
    // a's Sam loses the handle to b's earlier one: its creation still asks for it (a
    // creation-time register), which the body must say.
    send(&b, &mut a);
    for db in [&a, &b] {
        let mut stmt = db
            .conn()
            .prepare("SELECT kind, uid FROM sync_ops WHERE replica = 1 AND body IS NULL")
            .expect("creations");
        let rows = stmt
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))
            .expect("read");
        let mut creations = super::log::creation::CreationFields::default();
        let mut seen = 0;
        for row in rows {
            let (kind, uid): (String, String) = row.expect("row");
            let written = oplog::creation_json(db.conn(), &mut creations, &kind, &uid);
            let built = oplog::creation_body(db.conn(), oplog::OpKind::from(kind.as_str()), &uid)
                .and_then(|body| Ok(serde_json::to_string(&body)?));
            assert_eq!(written.expect("written"), built.expect("built"));
            seen += 1;
        }
        assert!(seen >= 1, "a creation compared");
    }
    let handle_now = contacts::get(a.conn(), sam).expect("sam").handle;
    assert_eq!(handle_now, "sam-the-man-grinning-2");
    let renamed = oplog::creation_json(
        a.conn(),
        &mut Default::default(),
        "contact",
        &contacts::get(a.conn(), sam).expect("sam").uid,
    )
    .expect("body");
    assert!(
        renamed.contains(r#""handle":"sam-the-man-grinning""#),
        "{renamed}"
    );
}
