//! `rel backup PATH [--force]`: a consistent copy of the database, readable by its owner only.

use super::Ctx;
use crate::cli::BackupArgs;
use crate::db;
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
    if target.exists() && !args.force {
        return Err(
            Error::usage(format!("{shown} already exists")).with_hint("pass --force to replace it")
        );
    }
    if same_file(target, &ctx.db_path) {
        return Err(Error::usage(
            "the backup cannot replace the database itself",
        ));
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
    // The temporary file's name is ours, not the user's: a failure names the target only.
    let cannot = |err: std::io::Error| {
        Error::runtime(format!(
            "cannot write {shown}: {}",
            std::io::Error::from(err.kind())
        ))
    };
    // Built beside the target (created 0600) and renamed into place when complete, so a
    // failed or interrupted backup never leaves half a file under the target's name.
    let temp = tempfile::Builder::new()
        .prefix(".rel-backup-")
        .tempfile_in(folder)
        .map_err(cannot)?;
    db::backup::copy_to(&database, temp.path())?;
    temp.as_file().sync_all().map_err(cannot)?;
    if args.force {
        temp.persist(target).map_err(|err| cannot(err.error))?;
    } else {
        temp.persist_noclobber(target).map_err(|err| {
            if err.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::usage(format!("{shown} already exists"))
                    .with_hint("pass --force to replace it")
            } else {
                cannot(err.error)
            }
        })?;
    }
    ctx.out.created(&shown, &json!({ "path": shown }))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
