//! The queries of `suggest`, `accounts` and `intro` keep their shape at any size: `EXPLAIN
//! QUERY PLAN` on a generated database with the real schema. (No timing is asserted.)

#[allow(unused)]
use crate::common;

use rel::db::Db;
use rel::db::owner::OwnerFilter;
use rel::db::{accounts, intro, suggest};

fn database() -> (common::TestEnv, Db) {
    let env = common::TestEnv::with_bench_data(200, 3000, 5);
    let db = Db::open(&env.db).expect("open");
    (env, db)
}

fn plan(db: &Db, sql: &str) -> Vec<String> {
    let mut stmt = db
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("explain");
    let mut rows = stmt.raw_query();
    let mut lines = Vec::new();
    while let Some(row) = rows.next().expect("plan row") {
        lines.push(row.get::<_, String>(3).expect("detail"));
    }
    lines
}

#[test]
fn suggest_reads_contacts_in_order_and_the_history_in_two_sequential_scans() {
    let (_env, db) = database();
    let no_sort = |lines: &[String]| !lines.iter().any(|l| l.contains("TEMP B-TREE"));
    for owner in [
        OwnerFilter::Anyone,
        OwnerFilter::MemberOrUnowned("alice".into()),
    ] {
        let lines = plan(&db, &suggest::candidates_sql(&owner));
        assert_eq!(lines[0], "SCAN c", "{lines:#?}");
        assert!(no_sort(&lines), "{lines:#?}");
        // The history is never joined to the candidates: that was a rowid lookup per touch.
        assert!(!lines.iter().any(|l| l.contains(" i ")), "{lines:#?}");
        let lines = plan(&db, &suggest::introducers_sql(&owner));
        assert!(
            lines.iter().any(|l| l.contains("contacts_via")),
            "{lines:#?}"
        );
    }
    // Each history query is one pass in the order it is consumed: no sort, no lookup.
    for (sql, expected) in [
        (suggest::PARTICIPANTS_SQL, "SCAN interaction_contacts"),
        (suggest::TOUCHES_SQL, "SCAN interactions"),
        (
            suggest::COUNTS_SQL,
            "SCAN interaction_contacts USING COVERING INDEX interaction_contacts_contact",
        ),
    ] {
        let lines = plan(&db, sql);
        assert_eq!(lines, vec![expected.to_string()], "{sql}");
    }
}

#[test]
fn accounts_and_intro_never_scan_the_interactions() {
    let (_env, db) = database();
    let sql = format!("{} AND ?3 IS NULL", accounts::PEOPLE_SQL);
    let lines = plan(&db, &sql);
    assert!(
        !lines.iter().any(|l| l.contains("interactions")),
        "{lines:#?}"
    );
    for sql in [
        intro::SHARED_SQL,
        intro::VIA_SQL,
        intro::NODES_SQL,
        intro::STANDING_SQL,
    ] {
        let lines = plan(&db, sql);
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("SCAN i") || l.starts_with("SCAN ic")),
            "{sql}: {lines:#?}"
        );
    }
}
