//! `rel team setup URL` and `rel team grant URL ROLE`: what a business's database owner runs
//! once, and once per member. Neither touches the local journal.

use crate::cli::{TeamArgs, TeamCommand};
use crate::cmd::Ctx;
use crate::error::Result;
use crate::sync::{pg_connect, pg_schema};

pub fn run(ctx: &Ctx, args: TeamArgs) -> Result<()> {
    match args.command {
        TeamCommand::Setup { url } => {
            let (mut client, endpoint) = pg_connect::connect(&url)?;
            let created = pg_schema::setup(&mut client)?;
            let line = if created == 0 {
                format!("database {} is already set up for rel", endpoint.dbname)
            } else {
                format!("set up database {} for rel", endpoint.dbname)
            };
            ctx.out.note(&line)
        }
        TeamCommand::Grant { url, role } => {
            let (mut client, _) = pg_connect::connect(&url)?;
            pg_schema::grant(&mut client, &role)?;
            ctx.out.note(&format!(
                "role {role} may now read and append rel's operations"
            ))
        }
    }
}
