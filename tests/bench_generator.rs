//! The benchmark generator (`bench/generate.py`) is deterministic, its output is a rel JSON
//! export that `rel import` loads, and on that data the maintained columns (last touch, due,
//! REITH sums) that the import sets in bulk equal what `upkeep::refresh` computes per contact,
//! before and after further inserts.

#[allow(unused)]
use crate::common;

use common::TestEnv;
use rel::db::{Db, upkeep};
use rusqlite::Connection;

const NOW: i64 = 1_795_780_800; // 2026-11-27T12:00:00Z, the generator's and the tests' "now"

fn generated(seed: u64) -> (TestEnv, Db) {
    let env = TestEnv::with_bench_data(120, 1500, seed);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 120);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 1500);
    assert!(
        env.sql_i64("SELECT count(*) FROM followups") > 0,
        "some follow-ups are generated"
    );
    let db = Db::open(&env.db).expect("open");
    (env, db)
}

type Maintained = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    [i64; 5],
);

fn maintained(conn: &Connection) -> Vec<Maintained> {
    let mut stmt = conn
        .prepare(
            "SELECT id, last_touch, last_interaction_id, due_every, due_at, reith_respect,
                    reith_empathy, reith_integrity, reith_trust, reith_honesty
             FROM contacts ORDER BY id",
        )
        .expect("prepare");
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            [r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?],
        ))
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

#[test]
fn bulk_maintained_columns_equal_per_contact_refresh() {
    let (_env, mut db) = generated(7);
    let bulk = maintained(db.conn());
    // The data must exercise every kind of value, or the comparison proves little.
    assert!(bulk.iter().any(|c| c.1.is_none()), "some never contacted");
    assert!(bulk.iter().any(|c| c.1.is_some()), "some contacted");
    assert!(bulk.iter().any(|c| c.4.is_some()), "some with a due date");
    assert!(bulk.iter().any(|c| c.3.is_none()), "some without a cadence");
    assert!(
        bulk.iter().any(|c| c.3.as_deref() == Some("2w")),
        "a cadence"
    );
    assert!(
        bulk.iter().any(|c| c.5.iter().any(|s| *s < 0)),
        "a strained sum"
    );
    assert!(
        bulk.iter().any(|c| c.5.iter().any(|s| *s > 0)),
        "a shown sum"
    );
    // Wipe the maintained columns so refresh has to recompute every one of them.
    db.conn()
        .execute_batch(
            "UPDATE contacts SET last_touch = NULL, last_interaction_id = NULL, due_every = NULL,
                due_at = NULL, reith_respect = 0, reith_empathy = 0, reith_integrity = 0,
                reith_trust = 0, reith_honesty = 0",
        )
        .expect("wipe");
    db.write(|tx| {
        let rules = upkeep::CadenceRules::load(tx)?;
        for contact in &bulk {
            upkeep::refresh(tx, contact.0, &rules)?;
        }
        Ok(())
    })
    .expect("refresh");
    assert_eq!(maintained(db.conn()), bulk);
}

#[test]
fn same_seed_same_file_other_seed_other_file() {
    let first = common::bench_json(50, 400, 42);
    assert_eq!(first, common::bench_json(50, 400, 42));
    assert_ne!(first, common::bench_json(50, 400, 43));
    let parsed: serde_json::Value = serde_json::from_str(&first).expect("valid JSON");
    assert_eq!(parsed["rel_export"], 1);
    assert_eq!(parsed["contacts"].as_array().map(Vec::len), Some(50));
    assert_eq!(parsed["interactions"].as_array().map(Vec::len), Some(400));
}

#[test]
fn imported_data_answers_the_morning_view_and_re_exports_as_imported() {
    let env = TestEnv::with_bench_data(60, 600, 5);
    let due = env.ok(&["due", "--limit", "5"]);
    assert_eq!(due.lines().count(), 6, "a header and five rows:\n{due}");
    // What was imported is what is exported: importing the export again changes nothing.
    let export = env.dir.path().join("again.json");
    env.ok(&["export", "-o", export.to_str().expect("utf-8")]);
    let again = env.ok(&["import", export.to_str().expect("utf-8")]);
    assert!(
        again.contains("contacts: 0 created, 0 updated, 60 unchanged"),
        "{again}"
    );
    assert!(
        again.contains("interactions: 0 created, 0 updated, 600 unchanged"),
        "{again}"
    );
}

#[test]
fn inserting_interactions_keeps_maintained_columns_equal_to_refresh() {
    use rel::db::interactions::{NewInteraction, insert};
    use rel::model::Reith;
    let (_env, mut db) = generated(11);
    let contacts = maintained(db.conn());
    let touched = contacts
        .iter()
        .find(|c| c.1.is_some() && c.4.is_some())
        .expect("a contacted contact with a cadence")
        .clone();
    let never = contacts
        .iter()
        .find(|c| c.1.is_none() && c.3.is_some())
        .expect("a never contacted contact with a cadence")
        .0;
    let last_touch = touched.1.expect("contacted");
    let strained = Reith {
        trust: -1,
        respect: 1,
        ..Reith::default()
    };
    // Older than the latest (changes only the sums), at the very same second as the latest
    // (wins by id), newer (becomes the latest), a first touch, and a repeated participant.
    let cases: [(i64, Vec<i64>); 4] = [
        (last_touch - 86_400, vec![touched.0]),
        (last_touch, vec![touched.0, never]),
        (NOW - 60, vec![touched.0, touched.0]),
        (NOW - 3_600, vec![never]),
    ];
    db.write(|tx| {
        for (at, contact_ids) in &cases {
            let new = NewInteraction {
                uid: None,
                at: *at,
                channel: "call".into(),
                note: "benchmark".into(),
                marks: strained,
                contact_ids: contact_ids.clone(),
                author: None,
            };
            insert(tx, &new, NOW)?;
        }
        Ok(())
    })
    .expect("insert");
    let incremental = maintained(db.conn());
    assert_ne!(incremental, contacts, "the inserts changed something");
    db.write(|tx| {
        let rules = upkeep::CadenceRules::load(tx)?;
        for contact in &contacts {
            upkeep::refresh(tx, contact.0, &rules)?;
        }
        Ok(())
    })
    .expect("refresh");
    assert_eq!(maintained(db.conn()), incremental);
}

/// The README's first command, `cargo run --release -- due`, works only while the package has
/// one binary (with two, cargo asks which to run). `.ci/run` runs the command itself too.
#[test]
fn the_package_has_one_binary_so_cargo_run_needs_no_bin_flag() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let bins: Vec<String> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        })
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(bins, ["rel"]);
}
