//! The arguments of the commands that record interactions and read them back: `log`,
//! `amend`, `unlog`, `timeline`, `search` and `stats`.

use super::candidates;
use clap::Args;
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

// REITH marks and channel shared by `log` and `amend` (a plain comment: with deferred building,
// a doc comment here would replace the command's own description).
#[derive(Debug, Args, Default)]
pub struct TouchFields {
    /// When it happened (WHEN; default now; not in the future)
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// call, email, meeting, message, visit, event, social, other
    #[arg(short, long, value_name = "CHANNEL", add = ArgValueCandidates::new(crate::cli::candidates::channels))]
    pub channel: Option<String>,
    /// A trait this touch showed: respect, empathy, integrity, trust, honesty (or r,e,i,t,h)
    #[arg(short = 't', long = "trait", value_name = "TRAIT", add = ArgValueCompleter::new(crate::cli::candidates::traits))]
    pub shown: Vec<String>,
    /// A trait this touch strained
    #[arg(long, value_name = "TRAIT", add = ArgValueCompleter::new(crate::cli::candidates::traits))]
    pub strained: Vec<String>,
    /// Write the note in $VISUAL / $EDITOR
    #[arg(short, long)]
    pub edit: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Who it was with: WHO[,WHO…]
    #[arg(add = ArgValueCompleter::new(candidates::handle_list))]
    pub who: String,
    /// The note (words are joined; '-' reads stdin)
    #[arg(allow_hyphen_values = false)]
    pub note: Vec<String>,
    #[command(flatten)]
    pub touch: TouchFields,
    /// Add a follow-up due at WHEN
    #[arg(long, value_name = "WHEN")]
    pub follow_up: Option<String>,
    /// The follow-up's text (default: the note's first line)
    #[arg(long, value_name = "TEXT", requires = "follow_up")]
    pub todo: Option<String>,
    /// Create contacts that do not exist yet
    #[arg(long)]
    pub add: bool,
    /// Mark these follow-ups done by this touch (IDs separated by spaces or commas)
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    pub done: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// The interaction id
    pub id: String,
    /// A new note (replaces the old one)
    pub note: Vec<String>,
    #[command(flatten)]
    pub touch: TouchFields,
    /// Replace who it was with: WHO[,WHO…]
    #[arg(long, value_name = "WHO,…", add = ArgValueCompleter::new(candidates::handle_list))]
    pub with: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnlogArgs {
    /// Interaction ids
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Do not ask
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Only interactions with these contacts
    #[arg(add = ArgValueCompleter::new(candidates::handle_list))]
    pub who: Vec<String>,
    /// From this WHEN on
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this WHEN (a date includes the whole day)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only interactions that marked this trait (shown or strained)
    #[arg(long = "trait", value_name = "TRAIT")]
    pub traits: Option<String>,
    /// Only this channel
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// Only interactions with a contact with this tag
    #[arg(long, value_name = "TAG", add = ArgValueCandidates::new(candidates::tags))]
    pub tag: Option<String>,
    /// At most N rows (default 50 in a table, all otherwise; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print whole notes under each touch instead of one row each (tables; other formats
    /// always carry whole notes)
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", prefix* (SQLite FTS5 syntax)
    #[arg(required = true)]
    pub query: Vec<String>,
    /// At most N rows (default 50 in a table, all otherwise; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One contact (default: everyone)
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: Option<String>,
    /// Only interactions from this WHEN on
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}
