//! The SQLite this crate links is the one build.rs compiles (with the pre-update hook), not
//! libsqlite3-sys's copy: both are in the build, and the linker must have taken ours.

use rusqlite::Connection;

fn compiled_with(conn: &Connection, option: &str) -> bool {
    conn.query_row("SELECT sqlite_compileoption_used(?1)", [option], |row| {
        row.get(0)
    })
    .expect("sqlite_compileoption_used")
}

#[test]
fn sqlite_has_the_preupdate_hook() {
    let conn = Connection::open_in_memory().expect("in-memory database");
    assert!(compiled_with(&conn, "ENABLE_PREUPDATE_HOOK"));
    // And the flags of libsqlite3-sys's bundled build that rel relies on.
    assert!(compiled_with(&conn, "ENABLE_FTS5"));
    assert!(compiled_with(&conn, "ENABLE_STAT4"));
    let foreign_keys: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
        .expect("PRAGMA foreign_keys");
    assert_eq!(foreign_keys, 1, "SQLITE_DEFAULT_FOREIGN_KEYS=1");
}
