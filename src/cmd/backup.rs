//! `rel backup PATH [--force]`: a consistent copy of the database, readable by its owner only.

use super::Ctx;
use super::temp_file::TempBeside;
use crate::cli::BackupArgs;
use crate::db::{self, file};
use crate::error::{Error, Result};
use serde_json::json;
use std::path::Path;

pub fn run(ctx: &Ctx, args: BackupArgs) -> Result<()> {
    let target = args.path.as_path();
    let shown = target.display().to_string();
    if target.is_dir() {
        return Err(Error::usage(format!("{shown} is a folder"))
            .with_hint("give the backup a file name, e.g. rel-backup.db"));
    }
    // First, whatever the flags say: with --force, `rel.db-wal` would be replaced.
    if file::is_database_or_companion(target, &ctx.db_path) {
        return Err(super::export::refuse_database(target));
    }
    if target.exists() && !args.force {
        return Err(
            Error::usage(format!("{shown} already exists")).with_hint("pass --force to replace it")
        );
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(Error::runtime(format!(
            "cannot write {shown}: the folder {} does not exist",
            folder.display()
        ))
        .with_hint("create it first, or choose another folder"));
    }
    let database = ctx.open()?;
    // Built beside the target (created 0600) and renamed into place when complete, so a
    // failed or interrupted backup never leaves half a file under the target's name, nor a
    // temp file anywhere.
    let temp = TempBeside::new(target, ".rel-backup-")?;
    db::backup::copy_to(&database, temp.path())?;
    temp.persist(target, args.force)?;
    ctx.out.created(&shown, &json!({ "path": shown }))
}
