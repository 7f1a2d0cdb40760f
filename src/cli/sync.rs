//! The `rel sync` command family's arguments (kept apart from `cli/mod.rs` so each stays readable).

use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_long_help = "Examples:
  rel sync init --folder ~/Sync/rel           first machine: a folder Syncthing or a cloud drive carries
  rel sync init --git git@git.example.com:me/rel-journal.git
  rel sync key                                 the key the next machine needs
  rel sync init --folder ~/Sync/rel --key KEY  on the next machine
  rel sync                                     send this machine's changes, receive the others'")]
pub struct SyncArgs {
    #[command(subcommand)]
    pub action: Option<SyncAction>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SyncAction {
    /// Choose the remote this journal syncs through (once per machine)
    Init(SyncInitArgs),
    /// This replica, the remote, each known replica's progress, unsent changes
    Status,
    /// Print the key a second machine needs (keep it secret)
    Key,
    /// Print the digest of the journal's content (by uid); equal on machines that agree
    Verify,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("remote").required(true).args(["folder", "git", "postgres"])))]
pub struct SyncInitArgs {
    /// A folder a file-syncing tool carries (created when missing)
    #[arg(long, value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// A git repository URL (rel runs your git: your ssh keys and credential helpers apply)
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,
    /// The branch rel writes to on the git remote [default: rel-sync]
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// A PostgreSQL database shared by a team (see 'rel team')
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// The team workspace on the PostgreSQL remote [default: default]
    #[arg(long, value_name = "NAME")]
    pub workspace: Option<String>,
    /// The key printed by 'rel sync key' on a machine already syncing ('-' reads it from stdin)
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    pub key: Option<String>,
}
