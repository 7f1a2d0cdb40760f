//! The arguments of the commands on the journal as a whole: `undo`, `import`, `export`,
//! `backup` and `config`.

use super::capture;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// List the recent steps instead of undoing one
    #[arg(long)]
    pub list: bool,
    /// How many steps --list shows (0 = all)
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Vcard,
    Csv,
    Json,
    /// A calendar file or a folder of .ics files (capture)
    Ics,
    /// An mbox mailbox (capture)
    Mbox,
    /// A Maildir folder (capture)
    Maildir,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read ('-' for stdin), or a folder of .ics files or a Maildir
    pub file: PathBuf,
    /// Its format (default: guessed from the extension or content)
    #[arg(long, value_enum)]
    pub from: Option<ImportFormat>,
    /// Report what would change without writing
    #[arg(long)]
    pub dry_run: bool,
    /// Skip malformed records (and report them) instead of refusing the file
    #[arg(long)]
    pub skip_invalid: bool,
    /// Character set of a CSV or vCard file that is not UTF-8 (e.g. windows-1252, latin1)
    #[arg(long, value_name = "CHARSET")]
    pub encoding: Option<String>,
    #[command(flatten)]
    pub capture: capture::CaptureArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Ics,
    Vcard,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub to: ExportFormat,
    /// With --to csv: contacts in rel's own columns (re-importable) instead of interactions
    #[arg(long)]
    pub contacts: bool,
    /// Write to this file (atomically, 0600) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy
    pub path: PathBuf,
    /// Replace an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Setting: default-every, every.TAG, default-channel
    pub key: Option<String>,
    /// New value
    pub value: Option<String>,
    /// Remove a setting
    #[arg(long, value_name = "KEY", conflicts_with_all = ["key", "value"])]
    pub unset: Option<String>,
}
