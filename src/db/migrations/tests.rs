//! Migration mechanics on synthetic step lists: the backup before a step that rewrites
//! existing tables, exactly-once application, and all-or-nothing failure.

use super::{MIGRATIONS, Migration, apply};
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const CREATE: Migration = Migration {
    sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
    changes_existing: false,
};
const ADD_TABLE: Migration = Migration {
    sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY);",
    changes_existing: false,
};
const REWRITE: Migration = Migration {
    sql: "ALTER TABLE notes ADD COLUMN title TEXT; UPDATE notes SET title = upper(body);",
    changes_existing: true,
};
const BROKEN: Migration = Migration {
    sql: "CREATE TABLE fine (x); THIS IS NOT SQL;",
    changes_existing: false,
};

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open");
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("wal");
    conn
}

fn version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("version")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_step_that_rewrites_tables_is_preceded_by_a_private_backup() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    assert_eq!(apply(&mut conn, &path, &[CREATE]).expect("v1"), None);
    conn.execute("INSERT INTO notes (body) VALUES ('kept')", [])
        .expect("insert");

    let steps = [CREATE, ADD_TABLE, REWRITE];
    let backup = apply(&mut conn, &path, &steps)
        .expect("migrate")
        .expect("a backup before REWRITE");
    assert_eq!(version(&conn), 3);
    assert_eq!(backup.parent(), Some(dir.path()));
    let name = backup
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("rel.db.bak-v1-"), "{name}");
    let mode = std::fs::metadata(&backup)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // The copy is the database as it was before the upgrade, complete and readable.
    let copy = Connection::open(&backup).expect("open backup");
    assert_eq!(version(&copy), 1);
    let body: String = copy
        .query_row("SELECT body FROM notes", [], |row| row.get(0))
        .expect("row in backup");
    assert_eq!(body, "kept");
    let has_title: i64 = copy
        .query_row(
            "SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'title'",
            [],
            |row| row.get(0),
        )
        .expect("columns");
    assert_eq!(has_title, 0);

    // Migrating again is a no-op and takes no second copy.
    let before = files_in(dir.path());
    assert_eq!(apply(&mut conn, &path, &steps).expect("again"), None);
    assert_eq!(files_in(dir.path()), before);
}

#[test]
fn a_new_database_needs_no_backup_and_steps_that_only_add_take_none() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    assert_eq!(
        apply(&mut conn, &path, &[CREATE, REWRITE]).expect("new"),
        None
    );
    assert_eq!(
        apply(&mut conn, &path, &[CREATE, REWRITE, ADD_TABLE]).expect("add"),
        None
    );
    assert_eq!(version(&conn), 3);
    assert!(files_in(dir.path()).iter().all(|n| !n.contains(".bak-")));
}

#[test]
fn a_failing_step_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    apply(&mut conn, &path, &[CREATE]).expect("v1");
    let err = apply(&mut conn, &path, &[CREATE, ADD_TABLE, BROKEN]).expect_err("broken");
    assert_eq!(err.kind, crate::error::Kind::Runtime);
    assert_eq!(version(&conn), 1);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('extra', 'fine')",
            [],
            |row| row.get(0),
        )
        .expect("tables");
    assert_eq!(
        tables, 0,
        "the earlier steps of the same run were rolled back"
    );
}

#[test]
fn a_database_newer_than_the_steps_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    conn.execute_batch("PRAGMA user_version = 7").expect("set");
    let err = apply(&mut conn, &path, &[CREATE]).expect_err("newer");
    assert_eq!(
        err.render(),
        "rel: database was written by a newer rel (schema 7); upgrade rel"
    );
    assert_eq!(version(&conn), 7);
}

#[test]
fn the_real_migrations_apply_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    apply(&mut conn, &path, MIGRATIONS).expect("first");
    apply(&mut conn, &path, MIGRATIONS).expect("second is a no-op");
    assert_eq!(version(&conn), MIGRATIONS.len() as i64);
}

/// Every index and trigger (name and SQL) of the database, sorted.
fn schema_objects(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

/// The step that rebuilds tables with AUTOINCREMENT drops their indexes and triggers with
/// them; whatever an earlier step created must come back, exactly as it was.
#[test]
fn rebuilding_tables_for_autoincrement_loses_no_index_or_trigger() {
    let rebuild = MIGRATIONS
        .iter()
        .position(|step| step.sql.contains("AUTOINCREMENT"))
        .expect("the ids step");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rel.db");
    let mut conn = open(&path);
    apply(&mut conn, &path, &MIGRATIONS[..rebuild]).expect("before");
    let before = schema_objects(&conn);
    apply(&mut conn, &path, &MIGRATIONS[..=rebuild]).expect("rebuild");
    let after = schema_objects(&conn);
    let normal = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
    for (name, sql) in &before {
        let kept = after.iter().find(|(n, _)| n == name);
        assert_eq!(
            kept.map(|(_, s)| normal(s)),
            Some(normal(sql)),
            "{name} lost or changed by the rebuild"
        );
    }
    let sequenced: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
             AND name IN ('contacts', 'interactions', 'followups') AND sql LIKE '%AUTOINCREMENT%'",
            [],
            |row| row.get(0),
        )
        .expect("tables");
    assert_eq!(sequenced, 3);
}
