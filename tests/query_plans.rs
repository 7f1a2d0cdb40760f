//! The hot queries must keep using their indexes: `EXPLAIN QUERY PLAN` of the due queries and
//! the timeline, on a database with the real schema and enough rows that the planner has a
//! choice. A later change that makes them walk the interactions table fails here, not in
//! someone's morning `rel due` after ten years of history. (No timing is asserted.)

#[allow(unused)]
use crate::common;

use rel::db::Db;
use rel::db::interactions::{TimelineQuery, timeline_sql};
use rel::db::owner::OwnerFilter;
use rel::db::{due, followups, search, stats};
use rel::model::Trait;

/// A small generated database (bench/generate.py through `rel import`): the schema and indexes
/// as `rel` creates them, with data.
fn database() -> (common::TestEnv, Db) {
    let env = common::TestEnv::with_bench_data(200, 3000, 3);
    let db = Db::open(&env.db).expect("open");
    (env, db)
}

/// The plan's detail lines, e.g. "SEARCH c USING INDEX contacts_due (due_at>? AND due_at<?)".
fn plan(db: &Db, sql: &str) -> Vec<String> {
    plan_lines(db, sql)
        .into_iter()
        .map(|(_, detail)| detail)
        .collect()
}

/// (parent id, detail) of each plan line; parent 0 is the outer query.
fn plan_lines(db: &Db, sql: &str) -> Vec<(i64, String)> {
    let mut stmt = db
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("explain");
    // Parameters stay unbound (NULL): the plan is chosen before any value is known.
    let mut rows = stmt.raw_query();
    let mut lines = Vec::new();
    while let Some(row) = rows.next().expect("plan row") {
        lines.push((row.get(1).expect("parent"), row.get(3).expect("detail")));
    }
    lines
}

/// `rel due`'s queries, whoever's contacts they keep: the owner filter rides along on the
/// rows each index walk reads, never changes the walk.
fn check_due(db: &Db, owner: &OwnerFilter) {
    let followups = plan(db, &due::followups_sql(owner));
    assert_uses(&followups, "USING INDEX followups_open");
    assert_no_scan(&followups);
    // Read in index order, so `rel due --limit N` stops after N follow-ups.
    let sorts = followups.iter().any(|l| l.contains("TEMP B-TREE"));
    assert!(
        !sorts,
        "the follow-ups are sorted:\n{}",
        followups.join("\n")
    );

    let contacts = plan(db, &due::contacts_sql(owner));
    assert_uses(&contacts, "USING INDEX contacts_due");
    assert_no_scan(&contacts);
    // `--within` with `--limit`: walks the due dates in order (only same-day ties are sorted).
    let soonest = plan(db, &due::soonest_contacts_sql(owner));
    assert_uses(&soonest, "USING INDEX contacts_due");
    assert_no_scan(&soonest);
    assert!(
        !soonest
            .iter()
            .any(|l| l.contains("USE TEMP B-TREE FOR ORDER BY")),
        "{soonest:?}"
    );

    // `rel due --limit N`: one bounded walk of (due_every, due_at) per cadence; birthdays by
    // their day.
    for sql in [due::nth_of_cadence_sql(owner), due::of_cadence_sql(owner)] {
        let walk = plan(db, &sql);
        assert_uses(&walk, "USING INDEX contacts_due_by_cadence (due_every=?");
        assert_no_scan(&walk);
        let sorts = walk.iter().any(|l| l.contains("TEMP B-TREE"));
        assert!(!sorts, "the per-cadence walk sorts:\n{}", walk.join("\n"));
    }
    let birthdays = plan(db, &due::birthdays_sql(owner));
    assert_uses(&birthdays, "USING INDEX contacts_birthday_day");
}

/// True when a line walks a table of interactions row by row.
fn scans_interactions(line: &str) -> bool {
    [
        "SCAN i",
        "SCAN interactions",
        "SCAN ic",
        "SCAN interaction_contacts",
    ]
    .iter()
    .any(|scan| line == *scan || line.starts_with(&format!("{scan} ")))
}

fn assert_uses(plan: &[String], needle: &str) {
    assert!(
        plan.iter().any(|line| line.contains(needle)),
        "expected '{needle}' in plan:\n{}",
        plan.join("\n")
    );
}

fn assert_no_scan(plan: &[String]) {
    for line in plan {
        assert!(
            !scans_interactions(line),
            "full scan '{line}' in plan:\n{}",
            plan.join("\n")
        );
        // (An FTS5 virtual table "scan" with a MATCH index is the index lookup itself.)
        let scans_contacts = ["SCAN c", "SCAN contacts"]
            .iter()
            .any(|scan| line == *scan || line.starts_with(&format!("{scan} ")));
        assert!(
            !scans_contacts,
            "scan of contacts '{line}' in:\n{}",
            plan.join("\n")
        );
    }
}

/// Every owner filter `rel due` can run with: outside a team, a member's default, `--owner`.
fn owner_filters() -> [OwnerFilter; 4] {
    [
        OwnerFilter::Anyone,
        OwnerFilter::MemberOrUnowned("alice".into()),
        OwnerFilter::Member("alice".into()),
        OwnerFilter::Unowned,
    ]
}

fn check_all(db: &Db) {
    for owner in owner_filters() {
        check_due(db, &owner);
    }

    // `rel show`: one contact's follow-ups through their index, not all open ones.
    let shown = plan(db, &followups::list_sql(true));
    assert_uses(&shown, "USING INDEX followups_contact");
    assert!(!shown.iter().any(|l| l.starts_with("SCAN f")), "{shown:?}");

    // `rel due --limit N`: the cadences by a loose index scan, one seek per cadence. Both
    // `contacts_due_by_cadence` and `contacts_cold` (for `rel stats`) lead with `due_every`
    // over the same rows, and SQLite takes either.
    let cadences = plan(db, due::CADENCES_SQL);
    assert!(
        cadences
            .iter()
            .any(|l| l.contains("contacts_due_by_cadence (due_every>?)")
                || l.contains("contacts_cold (due_every>?)")),
        "{cadences:#?}"
    );
    assert_no_scan(&cadences);

    let note = plan(db, due::NOTE_SQL);
    assert_uses(&note, "USING INTEGER PRIMARY KEY");
    assert_no_scan(&note);

    // With a WHO: start from that contact's index entries, fetch interactions by id.
    for traits in [None, Some(Trait::Trust)] {
        let query = TimelineQuery {
            contact_ids: vec![1, 2],
            traits,
            limit: Some(10),
            ..Default::default()
        };
        let with_who = plan(db, &timeline_sql(&query));
        assert_uses(
            &with_who,
            "USING COVERING INDEX interaction_contacts_contact",
        );
        assert_uses(&with_who, "SEARCH i USING INTEGER PRIMARY KEY");
        assert_no_scan(&with_who);
    }

    // Without a WHO the newest rows come from walking the (at, id) index backwards, which
    // the LIMIT stops after N rows: a bounded walk, never a full scan plus a sort. A
    // "USE TEMP B-TREE FOR ORDER BY" here would mean every interaction is read and sorted.
    let query = timeline_sql(&TimelineQuery {
        limit: Some(50),
        ..Default::default()
    });
    let unfiltered = plan(db, &query);
    assert_uses(&unfiltered, "SCAN i USING INDEX interactions_at");
    // (Sorting inside the per-row handles subquery is a handful of participants: fine.)
    let outer_sort = plan_lines(db, &query)
        .into_iter()
        .any(|(parent, detail)| parent == 0 && detail.contains("TEMP B-TREE"));
    assert!(
        !outer_sort,
        "the unfiltered timeline sorts instead of walking its index:\n{}",
        unfiltered.join("\n")
    );
    for line in &unfiltered {
        assert!(
            !scans_interactions(line) || line.contains("USING INDEX interactions_at"),
            "unexpected scan '{line}'"
        );
    }

    // `rel stats`: going cold walks each cadence's contacts coldest first and stops (no sort
    // of every due contact); the strained list is the covering index in the order printed;
    // one contact's strain by its key.
    let cold = plan(db, stats::COLD_OF_CADENCE_SQL);
    assert_uses(&cold, "USING INDEX contacts_cold (due_every=?)");
    assert!(!cold.iter().any(|l| l.contains("TEMP B-TREE")), "{cold:?}");
    let strained = plan(db, stats::STRAINED_SQL);
    assert_uses(&strained, "USING COVERING INDEX contacts_strained");
    assert!(
        !strained.iter().any(|l| l.contains("TEMP B-TREE")),
        "{strained:?}"
    );
    assert_no_scan(&strained);
    let one = plan(db, stats::STRAINED_ONE_SQL);
    assert_uses(&one, "USING INTEGER PRIMARY KEY");

    // `rel search`: FTS5 finds the matching rows through its index (the `M` in the virtual
    // table's plan is the MATCH constraint); the interactions and contacts they name are then
    // fetched by primary key, never walked.
    for limited in [false, true] {
        for sql in [
            search::interaction_sql(limited),
            search::contact_sql(limited),
        ] {
            let found = plan(db, &sql);
            assert_uses(&found, "VIRTUAL TABLE INDEX");
            assert!(
                found.iter().any(|l| l.contains(":M")),
                "no MATCH in:\n{}",
                found.join("\n")
            );
            assert_no_scan(&found);
        }
    }
}

#[test]
fn hot_queries_use_their_indexes() {
    let (_dir, db) = database();
    check_all(&db);
}

/// Plans also after ANALYZE, as a user's database may have statistics.
#[test]
fn hot_queries_use_their_indexes_after_analyze() {
    let (_dir, db) = database();
    db.conn().execute_batch("ANALYZE").expect("analyze");
    check_all(&db);
}

#[test]
fn the_scan_detector_recognises_a_scan() {
    // Guards the helper above: a plan that walks the table must be caught.
    let (_dir, db) = database();
    let walking = plan(&db, "SELECT note FROM interactions WHERE note LIKE '%x%'");
    assert!(walking.iter().any(|l| scans_interactions(l)), "{walking:?}");
}
