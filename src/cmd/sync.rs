//! `rel sync …`: one journal on several machines. `verify` lives here; the remotes' commands
//! (`init`, `status`, `key`, bare `rel sync`) are added beside it.

use super::Ctx;
use crate::cli::{SyncArgs, SyncCommand};
use crate::error::{Error, Result};
use std::io::Write;

pub fn run(ctx: &Ctx, args: SyncArgs) -> Result<()> {
    match args.command {
        Some(SyncCommand::Verify) => verify(ctx),
        None => Err(Error::usage("sync is not set up").with_hint("run 'rel sync init' first")),
    }
}

/// `digest<TAB>HEX`, or `{"digest": HEX}` in JSON. Only reads.
fn verify(ctx: &Ctx) -> Result<()> {
    let db = ctx.open()?;
    let snapshot = db.snapshot()?;
    let digest = crate::sync::digest(&snapshot)?;
    drop(snapshot);
    if ctx
        .out
        .json_record(&serde_json::json!({ "digest": digest }))?
    {
        return Ok(());
    }
    if ctx.out.quiet {
        return Ok(());
    }
    writeln!(std::io::stdout().lock(), "digest\t{digest}")?;
    Ok(())
}
