//! The arguments of the commands about what falls due: `due`, `snooze`, and the follow-ups
//! (`remind`, `followups`, `done`).

use super::candidates;
use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCandidates;

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Also what falls due within this long (e.g. 3d)
    #[arg(long, value_name = "DURATION")]
    pub within: Option<String>,
    /// Only contacts with this tag
    #[arg(long, value_name = "TAG", add = ArgValueCandidates::new(candidates::tags))]
    pub tag: Option<String>,
    /// At most N rows
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only what this team member owns ('none': only unowned contacts) [default: yours and
    /// unowned ones in a team workspace, everything outside one]
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub owner: Option<String>,
    /// Everyone's contacts, whoever owns them
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// The contact
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// Until when: a WHEN (friday, 2026-12-01) or a duration from now (2w)
    pub until: String,
}

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// The contact
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// When it is due
    pub when: String,
    /// What to do
    #[arg(required = true)]
    pub text: Vec<String>,
}

// `rel followups` lists; `rel followups edit|rm` fix a follow-up (a plain comment, as for
// `ContactFields` in contacts.rs).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FollowupsArgs {
    #[command(subcommand)]
    pub action: Option<FollowupsAction>,
    /// Include done follow-ups
    #[arg(long)]
    pub all: bool,
    /// At most N rows (default 50 in a table, all otherwise; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum FollowupsAction {
    /// Change a follow-up's due time or text
    Edit(FollowupEditArgs),
    /// Delete follow-ups
    Rm(FollowupRmArgs),
}

#[derive(Debug, Args)]
pub struct FollowupEditArgs {
    /// The follow-up id
    pub id: String,
    /// New due time (WHEN)
    #[arg(long, value_name = "WHEN")]
    pub due: Option<String>,
    /// New text
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
}

#[derive(Debug, Args)]
pub struct FollowupRmArgs {
    /// Follow-up ids
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Do not ask
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// Follow-up ids
    #[arg(required = true, value_name = "ID", add = ArgValueCandidates::new(crate::cli::candidates::open_followups))]
    pub ids: Vec<String>,
    /// Reopen them instead (they were marked done by mistake)
    #[arg(long)]
    pub undo: bool,
}
