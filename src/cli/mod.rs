//! Every command and option of rel (clap derive). Doc comments are the help text. This file
//! holds the top of the tree (`Cli`, `Command`); each family of commands keeps its arguments
//! in a file of its own, re-exported here so that `cli::AddArgs` is where a command looks.

pub mod candidates;
pub mod capture;
mod contacts;
mod due;
pub mod help;
mod interactions;
mod journal;
mod network;
pub mod sync;

pub use contacts::{
    AddArgs, ContactFields, EditArgs, ListArgs, MergeArgs, RmArgs, ShowArgs, SortKey, UnarchiveArg,
    WhoArg,
};
pub use due::{
    DoneArgs, DueArgs, FollowupEditArgs, FollowupRmArgs, FollowupsAction, FollowupsArgs,
    RemindArgs, SnoozeArgs,
};
pub use interactions::{
    AmendArgs, LogArgs, SearchArgs, StatsArgs, TimelineArgs, TouchFields, UnlogArgs,
};
pub use journal::{
    BackupArgs, ConfigArgs, ExportArgs, ExportFormat, ImportArgs, ImportFormat, UndoArgs,
};
pub use network::{
    AccountArgs, AccountSort, AccountsArgs, IntroArgs, SuggestAction, SuggestArgs,
    SuggestDismissArgs, SuggestKind,
};
pub use sync::{TeamArgs, TeamCommand};

use crate::output::Format;
use clap::{Args, Parser, Subcommand};
use help as examples;
use std::path::PathBuf;

/// A terminal relationship journal: log every touch, see who is due, keep the REITH record.
#[derive(Debug, Parser)]
#[command(name = "rel", version, max_term_width = 100)]
#[command(
    after_help = "Run 'rel <command> --help' for a command's options and examples, \
'rel --help' for more.",
    after_long_help = examples::ROOT
)]
pub struct Cli {
    /// Database file [env: REL_DB] (default: <data dir>/rel/rel.db)
    #[arg(long, global = true, value_name = "PATH", help_heading = examples::GLOBAL)]
    pub db: Option<PathBuf>,

    /// Output format (default: table on a terminal, tsv otherwise) [env: REL_FORMAT]
    // REL_FORMAT is read by `cmd::run`, not by clap: clap blamed a bad REL_FORMAT on
    // `--format`, and refused it even when `--format` was given.
    #[arg(long, global = true, value_enum, help_heading = examples::GLOBAL)]
    pub format: Option<Format>,

    /// When to use colour (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = examples::GLOBAL)]
    pub color: ColorChoice,

    /// Print nothing on success
    #[arg(short, long, global = true, help_heading = examples::GLOBAL)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// `--color`: defined beside the output it governs, so `output` needs nothing from `cli`.
pub use crate::output::ColorChoice;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create a contact; prints its handle
    #[command(after_long_help = examples::ADD)]
    Add(AddArgs),
    /// Change a contact's fields
    #[command(after_long_help = examples::EDIT)]
    Edit(EditArgs),
    /// List contacts with their last touch and next due date
    #[command(visible_alias = "ls")]
    #[command(after_long_help = examples::LIST)]
    List(ListArgs),
    /// Show a contact's card, REITH profile, open follow-ups and recent interactions
    #[command(after_long_help = examples::SHOW)]
    Show(ShowArgs),
    /// Record an interaction (a call, a meeting…); prints its id
    #[command(after_long_help = examples::LOG)]
    Log(LogArgs),
    /// Change a logged interaction
    #[command(after_long_help = examples::AMEND)]
    Amend(AmendArgs),
    /// Delete interactions
    Unlog(UnlogArgs),
    /// What needs attention now: follow-ups due, then contacts due, most overdue first
    #[command(after_long_help = examples::DUE)]
    Due(DueArgs),
    /// Push a contact's next due date without logging
    #[command(after_long_help = examples::SNOOZE)]
    Snooze(SnoozeArgs),
    /// Interactions, newest first
    #[command(visible_alias = "history")]
    #[command(after_long_help = examples::TIMELINE)]
    Timeline(TimelineArgs),
    /// Full-text search over notes and contact fields, best match first
    #[command(after_long_help = examples::SEARCH)]
    Search(SearchArgs),
    /// Add a follow-up; prints its id
    #[command(after_long_help = examples::REMIND)]
    Remind(RemindArgs),
    /// Open follow-ups, soonest first
    #[command(after_long_help = examples::FOLLOWUPS)]
    Followups(FollowupsArgs),
    /// Mark follow-ups done
    #[command(after_long_help = examples::DONE)]
    Done(DoneArgs),
    /// REITH profile, touches per channel and per month
    #[command(after_long_help = examples::STATS)]
    Stats(StatsArgs),
    /// Hide a contact from list and due
    Archive(WhoArg),
    /// Bring an archived contact back
    Unarchive(UnarchiveArg),
    /// Delete a contact and the interactions that involve only them
    Rm(RmArgs),
    /// Bring contacts (and, from JSON, everything) in; idempotent
    #[command(after_long_help = examples::IMPORT)]
    Import(ImportArgs),
    /// Write everything (json), interactions or contacts (csv), vcard or ics
    #[command(after_long_help = examples::EXPORT)]
    Export(ExportArgs),
    /// Write a consistent copy of the database
    #[command(after_long_help = examples::BACKUP)]
    Backup(BackupArgs),
    /// Show or change settings kept in the database
    #[command(after_long_help = examples::CONFIG)]
    Config(ConfigArgs),
    /// Merge a duplicate contact into another
    Merge(MergeArgs),
    /// Revert the last change made on this machine
    Undo(UndoArgs),
    /// One journal on several machines
    Sync(sync::SyncArgs),
    /// A journal shared by a team on PostgreSQL: set up a database, add members
    Team(TeamArgs),
    /// Beyond what is due: whom to reach out to and why (5 a day)
    #[command(after_long_help = examples::SUGGEST)]
    Suggest(SuggestArgs),
    /// Organisations: everyone there, the last touch with anyone, single-threaded accounts
    #[command(after_long_help = examples::ACCOUNTS)]
    Accounts(AccountsArgs),
    /// One organisation's card: its people, follow-ups and latest interactions
    Account(AccountArgs),
    /// Who in the journal can introduce you, and through whom
    #[command(after_long_help = examples::INTRO)]
    Intro(IntroArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

/// The whole command tree, every subcommand's arguments included. Parsing builds only the
/// subcommand it runs (`defer = true` above: building all of them cost about 0.9 M
/// instructions, most of `rel --version`), so code that walks the tree (usage hints, the man
/// page, completion) asks for it built.
pub fn full_command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    command
}
