//! Random scripts on three replicas with random syncs and clock skews: every replica ends
//! equal, and so does a fourth that receives every operation in any order, in any batches,
//! with repeats.

use super::{add, at, digest_of, log, open, pick_two, send, sync_all};
use crate::db::contacts;
use crate::db::interactions;
use crate::db::{Db, settings};
use crate::sync::remote::WireOp;
use crate::sync::{apply_received, own_ops_after};
use proptest::prelude::*;

/// One step of a random script run on a few replicas.
#[derive(Debug, Clone)]
enum Step {
    Add(usize, u8),
    Org(usize, usize, u8),
    Tag(usize, usize, bool),
    Log(usize, usize, u8),
    Amend(usize, usize, u8),
    Unlog(usize, usize),
    Rm(usize, usize),
    Setting(usize, bool),
    Sync(usize, usize),
    Clock(usize, i64),
}

fn step() -> impl Strategy<Value = Step> {
    let r = 0usize..3;
    prop_oneof![
        (r.clone(), 0u8..3).prop_map(|(r, n)| Step::Add(r, n)),
        (r.clone(), 0usize..4, 0u8..3).prop_map(|(r, c, v)| Step::Org(r, c, v)),
        (r.clone(), 0usize..4, any::<bool>()).prop_map(|(r, c, on)| Step::Tag(r, c, on)),
        (r.clone(), 0usize..4, 0u8..3).prop_map(|(r, c, v)| Step::Log(r, c, v)),
        (r.clone(), 0usize..4, 0u8..3).prop_map(|(r, i, v)| Step::Amend(r, i, v)),
        (r.clone(), 0usize..4).prop_map(|(r, i)| Step::Unlog(r, i)),
        (r.clone(), 0usize..4).prop_map(|(r, c)| Step::Rm(r, c)),
        (r.clone(), any::<bool>()).prop_map(|(r, v)| Step::Setting(r, v)),
        (r.clone(), 0usize..3).prop_map(|(a, b)| Step::Sync(a, b)),
        (r, -3i64..4).prop_map(|(r, h)| Step::Clock(r, h)),
    ]
}

fn nth_id(db: &Db, table: &str, n: usize) -> Option<i64> {
    let sql = format!("SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET ?1");
    db.conn().query_row(&sql, [n as i64], |row| row.get(0)).ok()
}

/// Runs one step. With `names_collide` false each replica adds names of its own, so no two
/// replicas ever create the same handle.
fn run(replicas: &mut [Db], step: &Step, hours: &mut [i64], names_collide: bool) {
    const NAMES: [&str; 3] = ["Ann", "Bob", "Ann Lee"];
    match step.clone() {
        Step::Add(r, n) => {
            let name = if names_collide {
                NAMES[n as usize].to_string()
            } else {
                format!("{} r{r}", NAMES[n as usize])
            };
            add(&mut replicas[r], &name);
        }
        Step::Org(r, c, v) => {
            if let Some(id) = nth_id(&replicas[r], "contacts", c) {
                let org = format!("org{v}");
                replicas[r]
                    .write(|tx| contacts::set_column(tx, id, "org", Some(&org)))
                    .expect("org");
            }
        }
        Step::Tag(r, c, on) => {
            if let Some(id) = nth_id(&replicas[r], "contacts", c) {
                let tags = vec!["vip".to_string()];
                replicas[r]
                    .write(|tx| {
                        if on {
                            contacts::add_list_items(tx, id, contacts::List::Tags, &tags)?;
                        } else {
                            contacts::remove_list_items(tx, id, contacts::List::Tags, &tags)?;
                        }
                        crate::db::upkeep::refresh_many(tx, &[id])
                    })
                    .expect("tag");
            }
        }
        Step::Log(r, c, v) => {
            if let Some(id) = nth_id(&replicas[r], "contacts", c) {
                log(&mut replicas[r], id, &format!("note {v}"));
            }
        }
        Step::Amend(r, i, v) => {
            if let Some(id) = nth_id(&replicas[r], "interactions", i) {
                let change = interactions::Amendment {
                    note: Some(format!("amended {v}")),
                    ..Default::default()
                };
                replicas[r]
                    .write(|tx| interactions::amend(tx, id, &change))
                    .expect("amend");
            }
        }
        Step::Unlog(r, i) => {
            if let Some(id) = nth_id(&replicas[r], "interactions", i) {
                replicas[r]
                    .write(|tx| interactions::delete(tx, &[id]))
                    .expect("unlog");
            }
        }
        Step::Rm(r, c) => {
            if let Some(id) = nth_id(&replicas[r], "contacts", c) {
                replicas[r]
                    .write(|tx| contacts::delete(tx, id).map(|_| ()))
                    .expect("rm");
            }
        }
        Step::Setting(r, v) => {
            let value = if v { "1w" } else { "2w" };
            replicas[r]
                .write(|tx| settings::set(tx, "default-every", value))
                .expect("config");
        }
        Step::Sync(a, b) if a != b => {
            let (from, to) = pick_two(replicas, a, b);
            send(from, to);
        }
        Step::Sync(..) => {}
        Step::Clock(r, h) => {
            hours[r] += h.max(0) + 1;
            let skewed = hours[r] + h;
            replicas[r].set_now(at(skewed));
        }
    }
}

/// Any script on three replicas, then everyone syncs: equal digests; a fourth replica that
/// receives every operation in any order, in any batches, with repeats, ends equal.
fn converges(
    steps: &[Step],
    order: &[prop::sample::Index],
    cuts: &[usize],
    names_collide: bool,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("tmp");
    let mut replicas: Vec<Db> = (0..3)
        .map(|i| open(dir.path(), &format!("r{i}"), at(0)))
        .collect();
    let mut hours = vec![0i64; 3];
    for step in steps {
        run(&mut replicas, step, &mut hours, names_collide);
    }
    for db in replicas.iter_mut() {
        db.set_now(at(100));
    }
    sync_all(&mut replicas);
    let expected = crate::sync::digest::lines(replicas[0].conn()).expect("lines");
    prop_assert_eq!(
        &crate::sync::digest::lines(replicas[1].conn()).expect("lines"),
        &expected
    );
    prop_assert_eq!(
        &crate::sync::digest::lines(replicas[2].conn()).expect("lines"),
        &expected
    );
    let expected = digest_of(&replicas[0]);

    let mut all: Vec<WireOp> = Vec::new();
    for db in &replicas {
        all.extend(own_ops_after(db.conn(), 0).expect("ops"));
    }
    let mut shuffled: Vec<WireOp> = if all.is_empty() {
        Vec::new()
    } else {
        order
            .iter()
            .map(|i| all[i.index(all.len())].clone())
            .collect()
    };
    shuffled.extend(all.iter().rev().cloned());
    let mut fresh = open(dir.path(), "fresh", at(100));
    let mut rest = shuffled.as_slice();
    let mut cut = cuts.iter().cycle();
    while !rest.is_empty() {
        let take = (*cut.next().unwrap_or(&1)).min(rest.len());
        let (batch, tail) = rest.split_at(take);
        fresh
            .write(|tx| apply_received(tx, &mut batch.to_vec(), at(100)))
            .expect("apply");
        rest = tail;
    }
    if digest_of(&fresh) != expected {
        prop_assert_eq!(
            crate::sync::digest::lines(fresh.conn()).expect("lines"),
            crate::sync::digest::lines(replicas[0].conn()).expect("lines")
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_fold_converges_whatever_the_order_and_repetition(
        steps in proptest::collection::vec(step(), 1..40),
        order in proptest::collection::vec(any::<prop::sample::Index>(), 1..200),
        cuts in proptest::collection::vec(1usize..20, 1..20),
    ) {
        converges(&steps, &order, &cuts, false)?;
    }

    /// The same with names that collide across replicas: handles are dealt in creation
    /// order per family (see `handles.rs`), whatever arrived first.
    #[test]
    fn the_fold_converges_when_handles_collide(
        steps in proptest::collection::vec(step(), 1..40),
        order in proptest::collection::vec(any::<prop::sample::Index>(), 1..200),
        cuts in proptest::collection::vec(1usize..20, 1..20),
    ) {
        converges(&steps, &order, &cuts, true)?;
    }
}
