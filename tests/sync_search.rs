//! Received operations keep the search indexes true: notes logged, amended and unlogged on
//! another machine, contacts tagged, edited and removed there, are found (and no longer found)
//! here, and both FTS5 indexes match the tables they index. (`rel sync` re-indexes what a
//! batch touched once at its end instead of row by row: `src/db/search/upkeep.rs`.)

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::replica::Replica;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minutes)
}

/// Interaction ids whose note the notes index finds for `word`.
fn notes_matching(replica: &Replica, word: &str) -> Vec<String> {
    replica.strings(&format!(
        "SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH '{word}' ORDER BY rowid"
    ))
}

/// Both search indexes agree with the tables: FTS5's own checks (the notes index against its
/// content table too), and the contacts index holds exactly each contact's fields and tags.
#[track_caller]
fn indexes_match_tables(replica: &Replica) {
    let conn = rusqlite::Connection::open(&replica.db).expect("open db");
    conn.execute_batch(
        "INSERT INTO interactions_fts (interactions_fts, rank) VALUES ('integrity-check', 1);
         INSERT INTO contacts_fts (contacts_fts) VALUES ('integrity-check');",
    )
    .unwrap_or_else(|err| panic!("{}: search index damaged: {err}", replica.name));
    drop(conn);
    let indexed = replica.rows(
        "SELECT CAST(rowid AS TEXT), name, org, role, tags, note FROM contacts_fts ORDER BY rowid",
        6,
    );
    let expected = replica.rows(
        "SELECT CAST(c.id AS TEXT), c.name, c.org, c.role,
                (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
         FROM contacts c ORDER BY c.id",
        6,
    );
    assert_eq!(indexed, expected, "{}: contacts index", replica.name);
}

#[test]
fn received_changes_are_searchable_and_the_indexes_stay_true() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(at(0), &["add", "Ann Lee", "--tag", "work", "--org", "Acme"]);
    laptop.ok(at(0), &["add", "Bo Ek"]);
    let renewal = laptop.ok(at(1), &["log", "ann", "quarterly renewal lunch"]);
    let gardening = laptop.ok(at(2), &["log", "bo", "coffee about gardening"]);
    laptop.ok(at(3), &["log", "ann,bo", "budget review"]);
    desktop.ok(at(0), &["add", "Cy Dee", "--note", "met at the conference"]);
    desktop.ok(at(1), &["log", "cy", "kickoff call"]);

    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    laptop.ok(at(4), &["sync", "init", "--folder", &folder]);
    let key = laptop.ok(at(4), &["sync", "key"]);
    desktop.ok(
        at(4),
        &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
    );
    laptop.ok(at(5), &["sync"]);
    desktop.ok(at(6), &["sync"]);
    laptop.ok(at(7), &["sync"]);
    for replica in [&laptop, &desktop] {
        indexes_match_tables(replica);
        assert_eq!(
            notes_matching(replica, "renewal").len(),
            1,
            "{}",
            replica.name
        );
        assert_eq!(
            notes_matching(replica, "kickoff").len(),
            1,
            "{}",
            replica.name
        );
    }
    let found = desktop.ok(at(7), &["search", "renewal"]);
    assert!(found.contains("quarterly [renewal] lunch"), "{found}");

    // Changes to records the desktop already holds (and indexed) arrive as changes.
    laptop.ok(at(8), &["amend", renewal.trim(), "annual planning dinner"]);
    laptop.ok(at(8), &["unlog", "-y", gardening.trim()]);
    laptop.ok(
        at(9),
        &[
            "edit", "ann", "--tag", "golf", "--untag", "work", "--org", "Globex",
        ],
    );
    laptop.ok(at(9), &["edit", "bo", "--note", "prefers mornings"]);
    laptop.ok(at(10), &["log", "ann", "golf with the Globex team"]);
    desktop.ok(at(10), &["rm", "-y", "cy"]);
    desktop.ok(at(11), &["sync"]);
    laptop.ok(at(12), &["sync"]);
    desktop.ok(at(13), &["sync"]);
    assert_eq!(laptop.digest(at(14)), desktop.digest(at(14)));
    for replica in [&laptop, &desktop] {
        indexes_match_tables(replica);
        let name = &replica.name;
        assert_eq!(
            notes_matching(replica, "renewal"),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(
            notes_matching(replica, "gardening"),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(
            notes_matching(replica, "kickoff"),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(notes_matching(replica, "planning").len(), 1, "{name}");
        assert_eq!(notes_matching(replica, "golf").len(), 1, "{name}");
        let tagged = replica.strings(
            "SELECT c.handle FROM contacts_fts f JOIN contacts c ON c.id = f.rowid
             WHERE contacts_fts MATCH 'tags:golf AND org:globex'",
        );
        assert_eq!(tagged, ["ann-lee"], "{name}");
        let mornings = replica.strings(
            "SELECT c.handle FROM contacts_fts f JOIN contacts c ON c.id = f.rowid
             WHERE contacts_fts MATCH 'mornings'",
        );
        assert_eq!(mornings, ["bo-ek"], "{name}");
    }
    let found = desktop.ok(at(15), &["search", "planning"]);
    assert!(found.contains("annual [planning] dinner"), "{found}");
}
