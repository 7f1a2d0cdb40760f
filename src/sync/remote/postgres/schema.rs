//! The tables `rel team setup` creates in a business's PostgreSQL database. Everything lives in
//! a schema `rel` of its own. The database itself enforces the team's rules, so a member with
//! plain `psql` and their own role cannot break them:
//! - the history is append-only twice over: members get SELECT and INSERT and nothing else,
//!   and triggers refuse UPDATE, DELETE and TRUNCATE even for a role that was given more;
//! - each replica id in a workspace belongs to the role that first pushed it
//!   (`rel.replicas`, filled by a trigger): a row for it from another role is refused;
//! - a body larger than 8 MiB is refused (larger than any valid operation, escaping included);
//! - row-level security: a role reads and appends only the workspaces `rel.members` grants it.
//!
//! Setup creates what is missing, step by step, in one transaction, so it also upgrades a
//! database an earlier rel set up (schema 1: `rel.operations` and its three triggers alone).
//! Grants and revokes live in `members.rs`.

use super::connect::query_error;
use crate::error::{Error, Result};
use postgres::Client;

/// The oid of `rel.operations`, found by name in the catalogs (which anyone may read, unlike
/// a `::regclass` cast, which needs rights on schema `rel`).
const OPERATIONS: &str =
    "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = 'rel' AND c.relname = 'operations')";

/// Whether a role may use a workspace: the row-level security condition, written once.
/// `{ws}` is the workspace column of the table the policy guards. Both subqueries are
/// uncorrelated, so PostgreSQL runs each once per statement (a hashed set and a flag), not
/// once per row of a long fetch.
const MAY_USE: &str = "({ws} IN (SELECT m.workspace FROM rel.members m
                                  WHERE m.role = current_user::text)
                        OR EXISTS (SELECT 1 FROM rel.members m
                                    WHERE m.role = current_user::text AND m.workspace IS NULL))";

/// The largest operation body the database takes, in bytes (the contract's 8 MiB).
pub const MAX_BODY: i64 = 8 * 1024 * 1024;

/// One step of setup: its name, a query that says whether it is there already, and the SQL
/// that creates it.
struct Step {
    name: &'static str,
    exists: String,
    create: String,
}

fn class_exists(name: &str) -> String {
    format!(
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'rel' AND c.relname = '{name}')"
    )
}

fn proc_exists(name: &str) -> String {
    format!(
        "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = 'rel' AND p.proname = '{name}')"
    )
}

fn trigger_exists(name: &str) -> String {
    format!(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {OPERATIONS} AND tgname = '{name}')"
    )
}

fn steps() -> Vec<Step> {
    let step = |name, exists: String, create: &str| Step {
        name,
        exists,
        create: create.to_string(),
    };
    let may_use = |ws: &str| MAY_USE.replace("{ws}", ws);
    vec![
        step(
            "schema",
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rel')".into(),
            "CREATE SCHEMA rel",
        ),
        // The table as schema 1 made it; the steps below bring it (or an old one) up to date.
        step(
            "operations",
            class_exists("operations"),
            "CREATE TABLE rel.operations (
                workspace text NOT NULL CHECK (workspace <> ''),
                replica   text NOT NULL CHECK (replica <> ''),
                seq       bigint NOT NULL CHECK (seq > 0),
                hlc       bigint NOT NULL,
                author    text NOT NULL DEFAULT current_user,
                op        json NOT NULL,
                pushed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (workspace, replica, seq, author)
            );
            COMMENT ON TABLE rel.operations IS
                'rel team: every change of every member, append-only (schema 2)'",
        ),
        step(
            "refuse_history_change",
            proc_exists("refuse_history_change"),
            "CREATE FUNCTION rel.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 RAISE EXCEPTION 'rel: the shared history is append-only; % refused', TG_OP
                     USING ERRCODE = 'insufficient_privilege';
             END $$",
        ),
        step(
            "stamp_author",
            proc_exists("stamp_author"),
            "CREATE FUNCTION rel.stamp_author() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 NEW.author := current_user;
                 NEW.pushed_at := now();
                 RETURN NEW;
             END $$",
        ),
        step(
            "operations_append_only",
            trigger_exists("operations_append_only"),
            "CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON rel.operations
                 FOR EACH ROW EXECUTE FUNCTION rel.refuse_history_change()",
        ),
        step(
            "operations_no_truncate",
            trigger_exists("operations_no_truncate"),
            "CREATE TRIGGER operations_no_truncate BEFORE TRUNCATE ON rel.operations
                 FOR EACH STATEMENT EXECUTE FUNCTION rel.refuse_history_change()",
        ),
        step(
            "operations_stamp_author",
            trigger_exists("operations_stamp_author"),
            "CREATE TRIGGER operations_stamp_author BEFORE INSERT ON rel.operations
                 FOR EACH ROW EXECUTE FUNCTION rel.stamp_author()",
        ),
        // Schema 2. The author is part of the key: a row the owner slipped in under another
        // role's name (with the triggers disabled) then never takes the seq its replica's real
        // author pushes next, so the victim's later changes still reach everyone.
        step(
            "operations_pkey_author",
            format!(
                "SELECT EXISTS (SELECT 1 FROM pg_constraint c
                                  JOIN pg_attribute a ON a.attrelid = c.conrelid
                                                     AND a.attnum = ANY (c.conkey)
                                 WHERE c.conrelid = {OPERATIONS} AND c.contype = 'p'
                                   AND a.attname = 'author')"
            ),
            "ALTER TABLE rel.operations DROP CONSTRAINT operations_pkey,
                 ADD CONSTRAINT operations_pkey PRIMARY KEY (workspace, replica, seq, author);
             COMMENT ON TABLE rel.operations IS
                 'rel team: every change of every member, append-only (schema 2)'",
        ),
        // NOT VALID: rows an older rel let in stay readable (rel quarantines them); every new
        // row is checked.
        step(
            "operations_op_size",
            format!(
                "SELECT EXISTS (SELECT 1 FROM pg_constraint
                                 WHERE conrelid = {OPERATIONS} AND conname = 'operations_op_size')"
            ),
            &format!(
                "ALTER TABLE rel.operations ADD CONSTRAINT operations_op_size
                     CHECK (octet_length(op::text) <= {MAX_BODY}) NOT VALID"
            ),
        ),
        // Which role each replica id belongs to. An upgraded database binds each replica to
        // the author of its first operation (later rows of another author are forgeries).
        step(
            "replicas",
            class_exists("replicas"),
            "CREATE TABLE rel.replicas (
                 workspace text NOT NULL,
                 replica   text NOT NULL,
                 role      text NOT NULL,
                 bound_at  timestamptz NOT NULL DEFAULT now(),
                 PRIMARY KEY (workspace, replica)
             );
             COMMENT ON TABLE rel.replicas IS
                 'rel team: the role each replica id belongs to (the first to push it)';
             INSERT INTO rel.replicas (workspace, replica, role)
                 SELECT DISTINCT ON (workspace, replica) workspace, replica, author
                   FROM rel.operations ORDER BY workspace, replica, seq, pushed_at",
        ),
        // Who may use which workspace (NULL: every workspace, later ones included). Roles an
        // older rel granted keep what they had: every workspace.
        step(
            "members",
            class_exists("members"),
            "CREATE TABLE rel.members (
                 role       text NOT NULL CHECK (role <> ''),
                 workspace  text CHECK (workspace <> ''),
                 granted_at timestamptz NOT NULL DEFAULT now()
             );
             CREATE UNIQUE INDEX members_role_workspace
                 ON rel.members (role, coalesce(workspace, ''));
             COMMENT ON TABLE rel.members IS
                 'rel team: the workspaces each role may read and append (NULL: every one)';
             INSERT INTO rel.members (role)
                 SELECT DISTINCT pg_get_userbyid(a.grantee)
                   FROM pg_class c, aclexplode(c.relacl) a
                  WHERE c.oid = 'rel.operations'::regclass AND a.privilege_type = 'INSERT'
                    AND a.grantee <> 0 AND a.grantee <> c.relowner;
             DO $$
             DECLARE
                 r text;
             BEGIN
                 FOR r IN SELECT role FROM rel.members LOOP
                     EXECUTE format('GRANT SELECT ON rel.replicas, rel.members TO %I', r);
                 END LOOP;
             END $$",
        ),
        // SECURITY DEFINER: members may not write rel.replicas themselves. It runs after
        // operations_stamp_author (triggers fire in name order), so NEW.author is the role
        // that inserts, whatever the row said.
        step(
            "bind_replica",
            proc_exists("bind_replica"),
            "CREATE FUNCTION rel.bind_replica() RETURNS trigger LANGUAGE plpgsql
                 SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
             DECLARE
                 bound text;
             BEGIN
                 SELECT role INTO bound FROM rel.replicas
                  WHERE workspace = NEW.workspace AND replica = NEW.replica;
                 IF NOT FOUND THEN
                     INSERT INTO rel.replicas (workspace, replica, role)
                          VALUES (NEW.workspace, NEW.replica, NEW.author)
                     ON CONFLICT DO NOTHING;
                     SELECT role INTO bound FROM rel.replicas
                      WHERE workspace = NEW.workspace AND replica = NEW.replica;
                 END IF;
                 IF bound IS DISTINCT FROM NEW.author THEN
                     RAISE EXCEPTION 'replica % of workspace % belongs to role %; role % may not write in its name',
                         NEW.replica, NEW.workspace, bound, NEW.author
                         USING ERRCODE = 'RL403';
                 END IF;
                 RETURN NEW;
             END $$;
             REVOKE ALL ON FUNCTION rel.bind_replica() FROM PUBLIC",
        ),
        step(
            "operations_tie_replica",
            trigger_exists("operations_tie_replica"),
            "CREATE TRIGGER operations_tie_replica BEFORE INSERT ON rel.operations
                 FOR EACH ROW EXECUTE FUNCTION rel.bind_replica()",
        ),
        // Row-level security: the owner (and superusers) see everything; a member only the
        // workspaces rel.members grants it, and only its own rows of rel.members.
        step(
            "row_level_security",
            format!(
                "SELECT EXISTS (SELECT 1 FROM pg_policy
                                 WHERE polrelid = {OPERATIONS} AND polname = 'member_reads')"
            ),
            &format!(
                "ALTER TABLE rel.operations ENABLE ROW LEVEL SECURITY;
                 ALTER TABLE rel.replicas ENABLE ROW LEVEL SECURITY;
                 ALTER TABLE rel.members ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY member_reads ON rel.operations FOR SELECT USING ({ops});
                 CREATE POLICY member_appends ON rel.operations FOR INSERT WITH CHECK ({ops});
                 CREATE POLICY member_reads ON rel.replicas FOR SELECT USING ({reps});
                 CREATE POLICY own_rows ON rel.members FOR SELECT
                     USING (role = current_user::text)",
                ops = may_use("operations.workspace"),
                reps = may_use("replicas.workspace"),
            ),
        ),
    ]
}

fn exists(tx: &mut postgres::Transaction, sql: &str) -> Result<bool> {
    let row = tx.query_one(sql, &[]).map_err(|e| query_error(&e))?;
    Ok(row.get(0))
}

/// Creates what is missing, in one transaction. Returns the steps it carried out (none when
/// the database was up to date).
pub fn setup(client: &mut Client) -> Result<Vec<&'static str>> {
    let mut tx = client.transaction().map_err(|e| query_error(&e))?;
    // Two owners running setup at once: the second waits and then finds everything there.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('rel team setup'))",
        &[],
    )
    .map_err(|e| query_error(&e))?;
    let mut created = Vec::new();
    for step in steps() {
        if !exists(&mut tx, &step.exists)? {
            tx.batch_execute(&step.create)
                .map_err(|e| setup_error(&e))?;
            created.push(step.name);
        }
    }
    tx.commit().map_err(|e| query_error(&e))?;
    Ok(created)
}

/// A step PostgreSQL refused: usually a role that does not own rel's tables.
fn setup_error(err: &postgres::Error) -> Error {
    let error = query_error(err);
    if err.code().map(|c| c.code()) == Some("42501") {
        return error.with_hint("ask the database's owner to run 'rel team setup URL'");
    }
    error
}

/// What [`check_member`] learned about the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Server {
    /// Set up by a rel that binds replicas to roles (schema 2); false on an older one, where
    /// rel's own check of each operation's author is the only defence.
    pub bound: bool,
    /// The role owns rel's tables (or is a superuser): row-level security does not apply.
    pub owner: bool,
}

/// Whether the connected role can take part: the table exists and it may read and append.
/// Asked in one round trip.
pub fn check_member(client: &mut Client) -> Result<Server> {
    // One round trip; CASE asks step by step, since PostgreSQL errors when asked about a
    // table in a schema the role may not use.
    let row = client
        .query_one(
            &format!(
                "SELECT CASE
                     WHEN {OPERATIONS} IS NULL THEN 'unset'
                     WHEN NOT has_schema_privilege('rel', 'USAGE') THEN 'denied'
                     WHEN has_table_privilege('rel.operations', 'SELECT')
                          AND has_table_privilege('rel.operations', 'INSERT') THEN 'ok'
                     ELSE 'denied' END,
                     current_user::text,
                     EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n
                                ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = 'replicas'),
                     coalesce((SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c
                                WHERE c.oid = {OPERATIONS}), false)
                         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
            ),
            &[],
        )
        .map_err(|e| query_error(&e))?;
    let (state, role): (String, String) = (row.get(0), row.get(1));
    match state.as_str() {
        "ok" => Ok(Server {
            bound: row.get(2),
            owner: row.get(3),
        }),
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
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL for the role replica `r.replica` belongs to: its binding where the server
/// keeps them, else (and for a replica an upgrade could not bind) its first row's author.
pub(super) fn owner_sql(bound: bool) -> &'static str {
    if bound {
        "coalesce((SELECT p.role FROM rel.replicas p
                    WHERE p.workspace = $1 AND p.replica = r.replica),
                  (SELECT f.author FROM rel.operations f
                    WHERE f.workspace = $1 AND f.replica = r.replica
                    ORDER BY f.seq, f.pushed_at LIMIT 1))"
    } else {
        "(SELECT f.author FROM rel.operations f
           WHERE f.workspace = $1 AND f.replica = r.replica
           ORDER BY f.seq, f.pushed_at LIMIT 1)"
    }
}
