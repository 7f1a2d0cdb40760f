//! `rel team grant`, `revoke` and `members`: who may read and append which workspaces.
//! PostgreSQL enforces it (row-level security over `rel.members`, see `schema.rs`); rel
//! only writes the rows and privileges, then asks PostgreSQL what it actually did, because a
//! GRANT by a role that does not own the tables merely warns and grants nothing.

use super::connect::query_error;
use super::schema::quote_ident;
use crate::error::{Error, Result};
use postgres::{Client, Transaction};

/// What a role may use: every workspace (later ones included) or only the named ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Every,
    Only(Vec<String>),
}

impl Scope {
    pub fn from_args(workspaces: Vec<String>) -> Result<Scope> {
        if workspaces.iter().any(|w| w.is_empty()) {
            return Err(
                Error::usage("the workspace name is empty").with_hint("e.g. --workspace sales")
            );
        }
        Ok(if workspaces.is_empty() {
            Scope::Every
        } else {
            let mut names = workspaces;
            names.sort();
            names.dedup();
            Scope::Only(names)
        })
    }
}

/// One role and the workspaces it may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub role: String,
    pub scope: Scope,
}

fn q(err: postgres::Error) -> Error {
    query_error(&err)
}

/// Grants and revokes need rel's tables at schema 2 and a role that owns them: anyone else's
/// GRANT is a warning that grants nothing, and their writes to rel.members are refused.
fn require_owner(tx: &mut Transaction) -> Result<()> {
    let row = tx
        .query_one(
            "SELECT (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'rel' AND c.relname = 'operations') IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = 'members'),
                    coalesce((SELECT pg_has_role(c.relowner, 'USAGE')
                                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'rel' AND c.relname = 'operations'), false)
                        OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                                    false),
                    current_user::text",
            &[],
        )
        .map_err(q)?;
    let (set_up, current, owner, me): (bool, bool, bool, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !set_up {
        return Err(Error::runtime("this database is not set up for rel")
            .with_hint("run 'rel team setup URL' first"));
    }
    if !owner {
        return Err(Error::runtime(format!(
            "role '{me}' does not own rel's tables here, so PostgreSQL would grant or revoke nothing"
        ))
        .with_hint("ask the database's owner to run this"));
    }
    if !current {
        return Err(Error::runtime(
            "this database was set up by an earlier rel, without workspace grants",
        )
        .with_hint("run 'rel team setup URL' first: it upgrades it"));
    }
    Ok(())
}

/// The tables' owner is no member: revoking "all but SELECT and INSERT" from it would strip
/// the owner of its own tables, and row-level security does not apply to it anyway.
fn refuse_owner(tx: &mut Transaction, role: &str) -> Result<()> {
    let row = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = 'operations'
                               AND pg_get_userbyid(c.relowner) = $1)",
            &[&role],
        )
        .map_err(q)?;
    if row.get::<_, bool>(0) {
        return Err(Error::runtime(format!(
            "role '{role}' owns rel's tables: it reads and appends every workspace already; nothing was changed"
        )));
    }
    Ok(())
}

fn role_exists(tx: &mut Transaction, role: &str) -> Result<bool> {
    let row = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&role],
        )
        .map_err(q)?;
    Ok(row.get(0))
}

/// The workspaces `role` is granted now.
fn scope_of(tx: &mut Transaction, role: &str) -> Result<Option<Scope>> {
    let rows = tx
        .query(
            "SELECT workspace FROM rel.members WHERE role = $1 ORDER BY workspace NULLS FIRST",
            &[&role],
        )
        .map_err(q)?;
    let names: Vec<Option<String>> = rows.iter().map(|r| r.get(0)).collect();
    Ok(match names.first() {
        None => None,
        Some(None) => Some(Scope::Every),
        Some(Some(_)) => Some(Scope::Only(names.into_iter().flatten().collect())),
    })
}

/// What PostgreSQL says `role` may do on rel.operations: (SELECT, INSERT).
fn privileges(tx: &mut Transaction, role: &str) -> Result<(bool, bool)> {
    let row = tx
        .query_one(
            "SELECT has_table_privilege($1::text::name, 'rel.operations', 'SELECT'),
                    has_table_privilege($1::text::name, 'rel.operations', 'INSERT')
                        AND has_schema_privilege($1::text::name, 'rel', 'USAGE')",
            &[&role],
        )
        .map_err(q)?;
    Ok((row.get(0), row.get(1)))
}

/// Lets `role` read and append the workspaces of `scope`, and nothing else. Returns false
/// when it could already (nothing changed).
pub fn grant(client: &mut Client, role: &str, scope: &Scope) -> Result<bool> {
    let mut tx = client.transaction().map_err(q)?;
    require_owner(&mut tx)?;
    refuse_owner(&mut tx, role)?;
    if !role_exists(&mut tx, role)? {
        return Err(
            Error::runtime(format!("PostgreSQL has no role '{role}'")).with_hint(format!(
                "create it first, e.g. CREATE ROLE {} LOGIN PASSWORD '…'",
                quote_ident(role)
            )),
        );
    }
    let before = scope_of(&mut tx, role)?;
    let had = privileges(&mut tx, role)? == (true, true);
    let ident = quote_ident(role);
    // Whatever the role had before, it ends with exactly these rights.
    tx.batch_execute(&format!(
        "GRANT USAGE ON SCHEMA rel TO {ident};
         REVOKE ALL ON rel.operations, rel.replicas, rel.members FROM {ident};
         GRANT SELECT, INSERT ON rel.operations TO {ident};
         GRANT SELECT ON rel.replicas, rel.members TO {ident};"
    ))
    .map_err(q)?;
    let mut added = 0;
    match (scope, &before) {
        (_, Some(Scope::Every)) => {}
        (Scope::Every, _) => {
            // Every workspace replaces the named ones it covers.
            tx.execute("DELETE FROM rel.members WHERE role = $1", &[&role])
                .map_err(q)?;
            added += tx
                .execute("INSERT INTO rel.members (role) VALUES ($1)", &[&role])
                .map_err(q)?;
        }
        (Scope::Only(names), _) => {
            for name in names {
                added += tx
                    .execute(
                        "INSERT INTO rel.members (role, workspace)
                         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM rel.members
                                                          WHERE role = $1 AND workspace = $2)",
                        &[&role, name],
                    )
                    .map_err(q)?;
            }
        }
    }
    if privileges(&mut tx, role)? != (true, true) {
        return Err(Error::runtime(format!(
            "PostgreSQL did not grant role '{role}' SELECT and INSERT on rel.operations; nothing was changed"
        )));
    }
    tx.commit().map_err(q)?;
    Ok(added > 0 || !had)
}

/// Takes `scope` away from `role` (the history it wrote stays). Taking its last workspace
/// takes its rights on rel's tables too. Exit 1 when it had nothing to take.
pub fn revoke(client: &mut Client, role: &str, scope: &Scope) -> Result<()> {
    let mut tx = client.transaction().map_err(q)?;
    require_owner(&mut tx)?;
    refuse_owner(&mut tx, role)?;
    let before = scope_of(&mut tx, role)?;
    let known = role_exists(&mut tx, role)?;
    match (scope, &before) {
        (Scope::Every, None) => {
            if !known || privileges(&mut tx, role)? == (false, false) {
                return Err(Error::runtime(format!(
                    "role '{role}' has no access to rel here; nothing was changed"
                ))
                .with_hint("see 'rel team members URL'"));
            }
        }
        (Scope::Every, Some(_)) => {
            tx.execute("DELETE FROM rel.members WHERE role = $1", &[&role])
                .map_err(q)?;
        }
        (Scope::Only(_), Some(Scope::Every)) => {
            return Err(Error::runtime(format!(
                "role '{role}' is granted every workspace; nothing was changed"
            ))
            .with_hint(format!(
                "revoke it wholly ('rel team revoke URL {role}') and grant the workspaces it keeps"
            )));
        }
        (Scope::Only(names), held) => {
            let held = match held {
                Some(Scope::Only(held)) => held.clone(),
                _ => Vec::new(),
            };
            if let Some(missing) = names.iter().find(|n| !held.contains(n)) {
                return Err(Error::runtime(format!(
                    "role '{role}' has no grant for workspace '{missing}'; nothing was changed"
                ))
                .with_hint("see 'rel team members URL'"));
            }
            for name in names {
                tx.execute(
                    "DELETE FROM rel.members WHERE role = $1 AND workspace = $2",
                    &[&role, name],
                )
                .map_err(q)?;
            }
        }
    }
    let left = scope_of(&mut tx, role)?;
    if left.is_none() && known {
        let ident = quote_ident(role);
        tx.batch_execute(&format!(
            "REVOKE ALL ON rel.operations, rel.replicas, rel.members FROM {ident};
             REVOKE ALL ON SCHEMA rel FROM {ident};"
        ))
        .map_err(q)?;
        let (select, insert) = privileges(&mut tx, role)?;
        if select || insert {
            // Row-level security still hides every workspace, but say it: the rights come
            // from PUBLIC or a role it belongs to, which rel does not touch.
            return Err(Error::runtime(format!(
                "PostgreSQL still lets role '{role}' use rel.operations (through PUBLIC or a role it belongs to); nothing was changed"
            ))
            .with_hint("revoke those grants in PostgreSQL, then run this again"));
        }
    }
    tx.commit().map_err(q)?;
    Ok(())
}

/// Every role with a grant and its workspaces, by role. A member (not the owner) sees itself.
pub fn members(client: &mut Client) -> Result<Vec<Access>> {
    let mut tx = client.transaction().map_err(q)?;
    let exists = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname = 'rel' AND c.relname = 'members')",
            &[],
        )
        .map_err(q)?;
    if !exists.get::<_, bool>(0) {
        return Err(
            Error::runtime("this database is not set up for rel, or by an earlier rel")
                .with_hint("its owner runs 'rel team setup URL'"),
        );
    }
    let rows = tx
        .query(
            "SELECT role, workspace FROM rel.members ORDER BY role, workspace NULLS FIRST",
            &[],
        )
        .map_err(q)?;
    let mut out: Vec<Access> = Vec::new();
    for row in rows {
        let (role, workspace): (String, Option<String>) = (row.get(0), row.get(1));
        match (out.last_mut(), workspace) {
            (Some(last), _) if last.role == role && last.scope == Scope::Every => {}
            (Some(last), Some(name)) if last.role == role => {
                if let Scope::Only(names) = &mut last.scope {
                    names.push(name);
                }
            }
            (_, None) => out.push(Access {
                role,
                scope: Scope::Every,
            }),
            (_, Some(name)) => out.push(Access {
                role,
                scope: Scope::Only(vec![name]),
            }),
        }
    }
    tx.commit().map_err(q)?;
    Ok(out)
}
