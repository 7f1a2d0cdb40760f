//! The tables `rel team setup` creates in a business's PostgreSQL database, and `rel team
//! grant`. Everything lives in a schema `rel` of its own. The history is append-only twice
//! over: members get SELECT and INSERT and nothing else, and triggers refuse UPDATE, DELETE and
//! TRUNCATE even for a role that was given more (the owner included), so a buggy client, a
//! careless GRANT or a stray script cannot rewrite what a member synced.

use super::pg_connect::query_error;
use crate::error::{Error, Result};
use postgres::Client;

/// Every table setup creates; `grant` gives members SELECT and INSERT on each of them.
pub const TABLES: &[&str] = &["rel.operations"];

/// Each object and the statement that creates it. Setup creates only what is missing, so a
/// second run changes nothing (not even a function body's catalog row).
const OBJECTS: &[(&str, &str)] = &[
    ("schema", "CREATE SCHEMA rel"),
    (
        "table",
        "CREATE TABLE rel.operations (
            workspace text NOT NULL CHECK (workspace <> ''),
            replica   text NOT NULL CHECK (replica <> ''),
            seq       bigint NOT NULL CHECK (seq > 0),
            hlc       bigint NOT NULL,
            author    text NOT NULL DEFAULT current_user,
            op        json NOT NULL,
            pushed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (workspace, replica, seq)
        );
        COMMENT ON TABLE rel.operations IS
            'rel team: every change of every member, append-only (schema 1)'",
    ),
    (
        "refuse",
        "CREATE FUNCTION rel.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             RAISE EXCEPTION 'rel: the shared history is append-only; % refused', TG_OP
                 USING ERRCODE = 'insufficient_privilege';
         END $$",
    ),
    (
        "stamp",
        "CREATE FUNCTION rel.stamp_author() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             NEW.author := current_user;
             NEW.pushed_at := now();
             RETURN NEW;
         END $$",
    ),
    (
        "operations_append_only",
        "CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON rel.operations
             FOR EACH ROW EXECUTE FUNCTION rel.refuse_history_change()",
    ),
    (
        "operations_no_truncate",
        "CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON rel.operations
             FOR EACH STATEMENT EXECUTE FUNCTION rel.refuse_history_change()",
    ),
    (
        "operations_stamp_author",
        "CREATE TRIGGER operations_stamp_author BEFORE INSERT ON rel.operations
             FOR EACH ROW EXECUTE FUNCTION rel.stamp_author()",
    ),
];

/// Whether `object` (a name from [`OBJECTS`]) exists already. Asked of the catalogs, which
/// anyone may read: a role without rights on schema `rel` still learns that it is set up.
fn exists(tx: &mut postgres::Transaction, object: &str) -> Result<bool> {
    let (sql, name) = match object {
        "schema" => (
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
            "rel",
        ),
        "table" => (
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = $1)",
            "operations",
        ),
        "refuse" | "stamp" => (
            "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                             WHERE n.nspname = 'rel' AND p.proname = $1)",
            if object == "refuse" {
                "refuse_history_change"
            } else {
                "stamp_author"
            },
        ),
        trigger => (
            "SELECT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                              JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = 'operations'
                               AND t.tgname = $1)",
            trigger,
        ),
    };
    let row = tx.query_one(sql, &[&name]).map_err(|e| query_error(&e))?;
    Ok(row.get(0))
}

/// Creates what is missing, in one transaction. Returns how many objects were created (0 when
/// the database was set up already).
pub fn setup(client: &mut Client) -> Result<usize> {
    let mut tx = client.transaction().map_err(|e| query_error(&e))?;
    // Two owners running setup at once: the second waits and then finds everything there.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('rel team setup'))",
        &[],
    )
    .map_err(|e| query_error(&e))?;
    let mut created = 0;
    for (object, sql) in OBJECTS {
        if !exists(&mut tx, object)? {
            tx.batch_execute(sql).map_err(|e| query_error(&e))?;
            created += 1;
        }
    }
    tx.commit().map_err(|e| query_error(&e))?;
    Ok(created)
}

/// Lets `role` read and append on every table setup creates, and nothing else.
pub fn grant(client: &mut Client, role: &str) -> Result<()> {
    let mut tx = client.transaction().map_err(|e| query_error(&e))?;
    if !exists(&mut tx, "table")? {
        return Err(Error::runtime("this database is not set up for rel")
            .with_hint("run 'rel team setup URL' first"));
    }
    let known = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .map_err(|e| query_error(&e))?;
    if !known.get::<_, bool>(0) {
        return Err(
            Error::runtime(format!("PostgreSQL has no role '{role}'")).with_hint(format!(
                "create it first, e.g. CREATE ROLE {} LOGIN PASSWORD '…'",
                quote_ident(role)
            )),
        );
    }
    let role = quote_ident(role);
    let mut sql = format!("GRANT USAGE ON SCHEMA rel TO {role};");
    for table in TABLES {
        // Whatever the role had before, it ends with exactly SELECT and INSERT here.
        sql.push_str(&format!(
            "REVOKE ALL ON {table} FROM {role}; GRANT SELECT, INSERT ON {table} TO {role};"
        ));
    }
    tx.batch_execute(&sql).map_err(|e| query_error(&e))?;
    tx.commit().map_err(|e| query_error(&e))?;
    Ok(())
}

/// Whether the connected role can take part: the table exists and it may read and append.
/// Asked in one round trip.
pub fn check_member(client: &mut Client) -> Result<()> {
    // One round trip; CASE asks step by step, since PostgreSQL errors when asked about a
    // table in a schema the role may not use.
    let row = client
        .query_one(
            "SELECT CASE
                 WHEN NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n
                                    ON n.oid = c.relnamespace
                                   WHERE n.nspname = 'rel' AND c.relname = 'operations')
                     THEN 'unset'
                 WHEN NOT has_schema_privilege('rel', 'USAGE') THEN 'denied'
                 WHEN has_table_privilege('rel.operations', 'SELECT')
                      AND has_table_privilege('rel.operations', 'INSERT') THEN 'ok'
                 ELSE 'denied' END,
                 current_user::text",
            &[],
        )
        .map_err(|e| query_error(&e))?;
    let (state, role): (String, String) = (row.get(0), row.get(1));
    match state.as_str() {
        "ok" => Ok(()),
        "unset" => Err(Error::runtime("this database is not set up for rel")
            .with_hint("its owner runs 'rel team setup URL' once")),
        _ => Err(Error::runtime(format!(
            "role '{role}' may not read and append rel's operations here"
        ))
        .with_hint(format!(
            "the database's owner runs 'rel team grant URL {role}'"
        ))),
    }
}

/// The role this connection acts as: the member's name in a team workspace.
pub fn current_role(client: &mut Client) -> Result<String> {
    let row = client
        .query_one("SELECT current_user::text", &[])
        .map_err(|e| query_error(&e))?;
    Ok(row.get(0))
}

/// A role name as a quoted SQL identifier (roles are case-sensitive, as libpq's `user` is).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
