//! The values shell completion offers for arguments (`COMPLETE=SHELL rel …`, see
//! `cmd/completions.rs`): contact handles and tags, read from the database.
//!
//! Candidates are read with a read-only open of an existing database: completing never creates
//! a file, and any problem (no database, an older schema, a locked file) just means no candidates.

use crate::db::{Db, contacts};
use crate::paths;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;
use std::path::PathBuf;

/// The `--db` given on the command line being completed, if any.
fn db_flag() -> Option<PathBuf> {
    let args: Vec<_> = std::env::args_os().collect();
    args.iter().enumerate().rev().find_map(|(index, arg)| {
        let text = arg.to_str()?;
        if text == "--db" {
            args.get(index + 1).map(PathBuf::from)
        } else {
            text.strip_prefix("--db=").map(PathBuf::from)
        }
    })
}

fn open_for_completion() -> Option<Db> {
    let path = paths::database_path(db_flag().as_deref()).ok()?;
    Db::open_existing_readonly(&path)
}

/// Every contact handle, with the name as the description.
pub fn handles() -> Vec<CompletionCandidate> {
    let Some(db) = open_for_completion() else {
        return Vec::new();
    };
    contacts::all_handles(db.conn())
        .unwrap_or_default()
        .into_iter()
        .map(|(handle, name)| CompletionCandidate::new(handle).help(Some(name.into())))
        .collect()
}

/// Every tag in use.
pub fn tags() -> Vec<CompletionCandidate> {
    let Some(db) = open_for_completion() else {
        return Vec::new();
    };
    contacts::all_tags(db.conn())
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

/// `WHO[,WHO…]`: completes the handle after the last comma, keeping what came before.
pub fn handle_list(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (done, partial) = match current.rsplit_once(',') {
        Some((done, partial)) => (format!("{done},"), partial),
        None => (String::new(), current.as_ref()),
    };
    let named: Vec<&str> = done.split(',').collect();
    handles()
        .into_iter()
        .filter_map(|candidate| {
            let handle = candidate.get_value().to_str()?.to_string();
            (handle.starts_with(partial) && !named.contains(&handle.as_str())).then(|| {
                CompletionCandidate::new(format!("{done}{handle}"))
                    .help(candidate.get_help().cloned())
            })
        })
        .collect()
}

/// Archived contacts only: what `rel unarchive` can bring back.
pub fn archived_handles() -> Vec<CompletionCandidate> {
    let Some(db) = open_for_completion() else {
        return Vec::new();
    };
    contacts::archived_handles(db.conn())
        .unwrap_or_default()
        .into_iter()
        .map(|(handle, name)| CompletionCandidate::new(handle).help(Some(name.into())))
        .collect()
}

/// The five REITH traits, for `-t` and `--strained`; after a comma (`-t trust,h`) the rest
/// of the list, keeping what came before.
pub fn traits(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (done, partial) = match current.rsplit_once(',') {
        Some((done, partial)) => (format!("{done},"), partial),
        None => (String::new(), current.as_ref()),
    };
    let named: Vec<&str> = done.split(',').collect();
    crate::model::Trait::ALL
        .iter()
        .map(|t| t.name())
        .filter(|name| name.starts_with(partial) && !named.contains(name))
        .map(|name| CompletionCandidate::new(format!("{done}{name}")))
        .collect()
}

/// The channels, for `-c`.
pub fn channels() -> Vec<CompletionCandidate> {
    crate::model::CHANNELS
        .iter()
        .map(|c| CompletionCandidate::new(*c))
        .collect()
}

/// Open follow-up ids, soonest first, each described by its handle and text (`rel done`).
pub fn open_followups() -> Vec<CompletionCandidate> {
    let Some(db) = open_for_completion() else {
        return Vec::new();
    };
    crate::db::followups::list(db.conn(), false, None, Some(200))
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let help = format!("{}: {}", f.handle, crate::output::first_line(&f.text));
            CompletionCandidate::new(f.id.to_string()).help(Some(help.into()))
        })
        .collect()
}
