//! The arguments of `rel sync` and of `rel team`, which sets up the PostgreSQL database a team
//! syncs through (kept apart from `cli/mod.rs` so each stays readable).

use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_long_help = "Examples:
  rel sync init --folder ~/Sync/rel           first machine: a folder Syncthing or a cloud drive carries
  rel sync init --git git@git.example.com:me/rel-journal.git
  rel sync key                                 the key the next machine needs
  rel sync init --folder ~/Sync/rel --key KEY  on the next machine
  rel sync init --folder /mnt/new/rel --replace the sync folder moved
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
    /// Point a journal already set up at another remote (the folder moved, another git host);
    /// keeps its key unless --key is given, and the next sync sends its whole history there
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    pub command: TeamCommand,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum TeamCommand {
    /// Create rel's tables in a PostgreSQL database (run once by its owner; again changes nothing)
    #[command(
        after_help = "Examples:\n  rel team setup postgresql://owner@db.example/crm\n  \
rel team setup 'host=/run/postgresql dbname=crm'"
    )]
    Setup {
        /// Connection string as libpq takes it (URL or key=value; password from the URL,
        /// PGPASSWORD or ~/.pgpass)
        url: String,
    },
    /// Let a PostgreSQL role take part: read and append operations, nothing else
    #[command(
        after_help = "The role must exist: CREATE ROLE alice LOGIN PASSWORD '…'\n\
Without --workspace the role may use every workspace, later ones included.\n\nExamples:\n  \
rel team grant postgresql://owner@db.example/crm alice --workspace sales"
    )]
    Grant {
        /// Connection string of the database's owner
        url: String,
        /// The member's PostgreSQL role
        role: String,
        /// Only this workspace (repeat for more) [default: every workspace]
        #[arg(long = "workspace", value_name = "NAME")]
        workspaces: Vec<String>,
    },
    /// Take a role's access away (the history it wrote stays)
    #[command(
        after_help = "Without --workspace the role loses every workspace and its rights on rel's tables."
    )]
    Revoke {
        /// Connection string of the database's owner
        url: String,
        /// The member's PostgreSQL role
        role: String,
        /// Only this workspace (repeat for more) [default: all of them]
        #[arg(long = "workspace", value_name = "NAME")]
        workspaces: Vec<String>,
    },
    /// List the roles that may take part and their workspaces
    Members {
        /// Connection string (the owner sees every role; a member only itself)
        url: String,
    },
}
