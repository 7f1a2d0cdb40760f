//! `rel team setup|grant|revoke|members URL`: what a business's database owner runs once, and
//! once per member. None of them touches the local journal. Also the check `rel sync init
//! --postgres` makes before joining a workspace (a typo must not join an empty journal).

use crate::cli::{TeamArgs, TeamCommand};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::output::{ListRow, Listing, Tone};
use crate::sync::remote::postgres::PgRemote;
use crate::sync::remote::postgres::members::{self, Scope};
use crate::sync::remote::postgres::{connect, schema};
use serde_json::json;
use std::io::IsTerminal;

pub fn run(ctx: &Ctx, args: TeamArgs) -> Result<()> {
    match args.command {
        TeamCommand::Setup { url } => {
            let (mut client, endpoint) = connect::connect(&url)?;
            let created = schema::setup(&mut client)?;
            let fresh = created.contains(&"operations");
            let line = if created.is_empty() {
                format!("database {} is already set up for rel", endpoint.dbname)
            } else if fresh {
                format!("set up database {} for rel", endpoint.dbname)
            } else {
                format!(
                    "upgraded database {} for this rel ({})",
                    endpoint.dbname,
                    created.join(", ")
                )
            };
            ctx.out.note(&line)
        }
        TeamCommand::Grant {
            url,
            role,
            workspaces,
        } => {
            let scope = Scope::from_args(workspaces)?;
            let (mut client, _) = connect::connect(&url)?;
            let changed = members::grant(&mut client, &role, &scope)?;
            let what = describe(&scope);
            ctx.out.note(&if changed {
                format!("role {role} may now read and append rel's operations in {what}")
            } else {
                format!("role {role} could already read and append rel's operations in {what}")
            })
        }
        TeamCommand::Revoke {
            url,
            role,
            workspaces,
        } => {
            let scope = Scope::from_args(workspaces)?;
            let (mut client, _) = connect::connect(&url)?;
            members::revoke(&mut client, &role, &scope)?;
            ctx.out.note(&format!(
                "role {role} may no longer read or append {}; what it wrote stays",
                describe(&scope)
            ))
        }
        TeamCommand::Members { url } => {
            let (mut client, _) = connect::connect(&url)?;
            let members = members::members(&mut client)?;
            let rows = members
                .into_iter()
                .map(|access| {
                    let (text, list) = match &access.scope {
                        Scope::Every => ("every workspace".to_string(), json!(null)),
                        Scope::Only(names) => (names.join(", "), json!(names)),
                    };
                    ListRow {
                        json: json!({ "role": access.role, "workspaces": list }),
                        plain: vec![access.role.clone(), text.clone()],
                        pretty: vec![(access.role, Tone::Plain), (text, Tone::Plain)],
                    }
                })
                .collect();
            ctx.out.list(
                &Listing::new(&["role", "workspaces"], rows),
                "No member yet: 'rel team grant URL ROLE' adds one.",
            )
        }
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Every => "every workspace".to_string(),
        Scope::Only(names) if names.len() == 1 => format!("workspace {}", names[0]),
        Scope::Only(names) => format!("workspaces {}", names.join(", ")),
    }
}

/// Before `rel sync init --postgres URL --workspace NAME` joins: a workspace the role may not
/// use is exit 1, and one that holds no operations yet is said (`new, empty workspace NAME`)
/// and, on a terminal, confirmed, so a typo never joins an empty journal in silence.
pub fn check_workspace(url: &str, workspace: &str) -> Result<()> {
    let mut remote = PgRemote::connect(url, workspace)?;
    remote.check_workspace()?;
    if !remote.workspace_is_empty()? {
        return Ok(());
    }
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !terminal {
        // Said even with -q: it is the one warning that catches a mistyped name.
        eprintln!("rel: new, empty workspace {workspace}: joining it");
        return Ok(());
    }
    eprint!("rel: new, empty workspace {workspace}: join it? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(Error::runtime(format!(
        "did not join the new, empty workspace {workspace}; nothing was changed"
    ))
    .with_hint("check its name with the team ('--workspace NAME')"))
}
