//! One file per command. Each parses its arguments, asks `db/`, and hands rows to `output`.

mod accounts;
mod add;
mod amend;
mod archive;
mod backup;
mod capture;
pub mod completions;
mod config;
mod due;
mod edit;
mod export;
mod followups;
mod friendly;
mod import;
mod intro;
mod list;
mod log;
mod man;
mod merge;
mod note_block;
mod note_input;
mod records;
mod rm;
mod search;
mod show;
mod snooze;
mod stats;
mod suggest;
mod sync;
mod team;
mod temp_file;
mod timeline;
mod undo;
mod when_words;

use crate::cli::{Cli, Command};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::output::{Format, Output};
use crate::paths;
use crate::when;
use chrono::{DateTime, Utc};
use std::io::IsTerminal;
use std::path::PathBuf;

/// What every command gets: output settings, the fixed "now", and where the database is.
pub struct Ctx {
    pub out: Output,
    pub now: DateTime<Utc>,
    pub db_path: PathBuf,
}

impl Ctx {
    /// Opens (creating and migrating if needed) the database. Commands that need no data
    /// never call this, so `--help`, `--version` and `completions` never touch a file.
    pub fn open(&self) -> Result<Db> {
        let mut db = Db::open(&self.db_path)?;
        db.set_now(self.now);
        db.set_recorder(&crate::sync::capture::recorder::OPERATION_LOG);
        Ok(db)
    }

    /// Like [`Ctx::open`], for a command that always writes (`rel log`): one connection, the
    /// writer, instead of a reader that the first write replaces (each connection opens the
    /// file and reads the schema again: `rel log` at L went from 8.5 to 7.0–7.8 ms).
    pub fn open_for_write(&self) -> Result<Db> {
        let mut db = Db::open_writer(&self.db_path)?;
        db.set_now(self.now);
        db.set_recorder(&crate::sync::capture::recorder::OPERATION_LOG);
        Ok(db)
    }

    pub fn now_unix(&self) -> i64 {
        self.now.timestamp()
    }

    /// Parses a WHEN relative to this command's "now".
    /// A WHEN followed on the command line by words that would join it (`monday 10am call`)
    /// is exit 2 with the quoted form as a hint.
    pub fn when(&self, text: &str, dir: when::Dir) -> Result<when::When> {
        let parsed = when::parse_when(text, self.now, dir);
        let args: Vec<String> = std::env::args().skip(1).collect();
        match when_words::quoting_problem(&args, text, self.now, dir, parsed.is_ok()) {
            Some(problem) => Err(problem),
            None => parsed,
        }
    }
}

/// `REL_NOW` (absolute forms only) or the clock.
fn resolve_now() -> Result<DateTime<Utc>> {
    match std::env::var("REL_NOW") {
        Ok(text) if !text.trim().is_empty() => {
            when::parse_absolute(&text).map(|w| w.at).ok_or_else(|| {
                Error::usage(format!("invalid REL_NOW '{text}'"))
                    .with_hint("use RFC 3339 (2026-11-27T09:00:00Z) or YYYY-MM-DD[ HH:MM]")
            })
        }
        _ => Ok(Utc::now()),
    }
}

/// `--format`, else `REL_FORMAT` (a bad value blamed on the variable), else None.
fn chosen_format(flag: Option<Format>) -> Result<Option<Format>> {
    if flag.is_some() {
        return Ok(flag);
    }
    match std::env::var("REL_FORMAT") {
        Ok(text) if !text.trim().is_empty() => {
            use clap::ValueEnum;
            Format::from_str(text.trim(), true).map(Some).map_err(|_| {
                Error::usage(format!("invalid REL_FORMAT '{text}'"))
                    .with_hint("formats are table, json, jsonl, csv, tsv")
            })
        }
        _ => Ok(None),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    // Neither needs a database or a clock.
    match &cli.command {
        Command::Completions(args) => return completions::run(args.shell),
        Command::Man => return man::run(),
        _ => {}
    }
    let out = Output::new(chosen_format(cli.format)?, cli.color, cli.quiet);
    let ctx = Ctx {
        out,
        now: resolve_now()?,
        db_path: paths::database_path(cli.db.as_deref())?,
    };
    match cli.command {
        Command::Add(args) => add::run(&ctx, args),
        Command::Edit(args) => edit::run(&ctx, args),
        Command::List(args) => list::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Log(args) => log::run(&ctx, args),
        Command::Amend(args) => amend::run(&ctx, args),
        Command::Unlog(args) => amend::unlog(&ctx, args),
        Command::Due(args) => due::run(&ctx, args),
        Command::Snooze(args) => snooze::run(&ctx, args),
        Command::Timeline(args) => timeline::run(&ctx, args),
        Command::Remind(args) => followups::remind(&ctx, args),
        Command::Followups(args) => followups::run(&ctx, args),
        Command::Done(args) => followups::done(&ctx, args),
        Command::Archive(args) => archive::archive(&ctx, args),
        Command::Unarchive(args) => archive::unarchive(&ctx, args),
        Command::Rm(args) => rm::run(&ctx, args),
        Command::Config(args) => config::run(&ctx, args),
        Command::Search(args) => search::run(&ctx, args),
        Command::Stats(args) => stats::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Export(args) => export::run(&ctx, args),
        Command::Backup(args) => backup::run(&ctx, args),
        Command::Merge(args) => merge::run(&ctx, args),
        Command::Undo(args) => undo::run(&ctx, args),
        Command::Sync(args) => sync::run(&ctx, args),
        Command::Team(args) => team::run(&ctx, args),
        Command::Suggest(args) => suggest::run(&ctx, args),
        Command::Accounts(args) => accounts::list(&ctx, args),
        Command::Account(args) => accounts::card(&ctx, args),
        Command::Intro(args) => intro::run(&ctx, args),
        // Answered before the clock and the database path are looked at.
        Command::Completions(_) | Command::Man => unreachable!("handled before the match"),
    }
}

/// Parses an id as printed (`42`) or as typed with a `#` (`#42`).
pub fn parse_id(text: &str, what: &str) -> Result<i64> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            Error::usage(format!("invalid {what} id '{text}'"))
                .with_hint("ids are whole numbers, e.g. 42")
        })
}

/// Asks on a terminal; off a terminal, destructive commands need `--yes` (exit 2 otherwise).
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage("refusing to delete without confirmation").with_hint("pass --yes"));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}
