//! Where the database lives: `--db`, else `REL_DB`, else `<data dir>/rel/rel.db`.

use crate::error::{Error, Result};
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// The database path the user asked for, or the platform default.
pub fn database_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("REL_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::data_dir()
        .map(|dir| dir.join("rel").join("rel.db"))
        .ok_or_else(|| {
            Error::runtime("cannot find a data directory for the database")
                .with_hint("set REL_DB or pass --db PATH")
        })
}

/// Creates the missing folders above `path`, each 0700: relationship notes are private.
pub fn create_parent_dirs(path: &Path) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(parent)
        .map_err(|err| Error::runtime(format!("cannot create folder {}: {err}", parent.display())))
}
