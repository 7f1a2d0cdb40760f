//! Which workspace a member joins: one its grants cover (row-level security would otherwise
//! show it an empty workspace and refuse its rows), and whether it holds anything yet, so
//! `rel sync init` can tell a new workspace from a mistyped one.

use super::connect::query_error;
use super::schema::{self, Server};
use crate::error::{Error, Result};
use postgres::Client;

/// Exit 1 when the connected role may not use `workspace`, naming the ones it may use. The
/// tables' owner, and a server set up before workspace grants existed, pass.
pub fn check_grant(client: &mut Client, server: Server, workspace: &str) -> Result<()> {
    if !server.bound || server.owner {
        return Ok(());
    }
    let rows = client
        .query(
            "SELECT workspace FROM rel.members WHERE role = current_user::text
              ORDER BY workspace NULLS FIRST",
            &[],
        )
        .map_err(|e| query_error(&e))?;
    let granted: Vec<Option<String>> = rows.iter().map(|r| r.get(0)).collect();
    if granted
        .iter()
        .any(|w| w.is_none() || w.as_deref() == Some(workspace))
    {
        return Ok(());
    }
    let role = schema::current_role(client)?;
    let names: Vec<String> = granted.into_iter().flatten().collect();
    let error = Error::runtime(format!(
        "role '{role}' may not use workspace '{workspace}' here"
    ));
    Err(if names.is_empty() {
        error.with_hint(format!(
            "the database's owner runs 'rel team grant URL {role} --workspace {workspace}'"
        ))
    } else {
        error.with_hint(format!(
            "it may use: {} (names are case-sensitive)",
            names.join(", ")
        ))
    })
}

/// Whether `workspace` holds no operation yet (as far as this role may see).
pub fn is_empty(client: &mut Client, workspace: &str) -> Result<bool> {
    let row = client
        .query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM rel.operations WHERE workspace = $1)",
            &[&workspace],
        )
        .map_err(|e| query_error(&e))?;
    Ok(row.get(0))
}
