//! The arguments of the commands that read the network beyond what is due: `suggest`,
//! `accounts`, `account` and `intro`.

use clap::{Args, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

/// The kinds of `rel suggest`, in the contract's order (the order of rows too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum SuggestKind {
    /// A trait strained at least 3 days ago and not shown since
    Repair,
    /// Someone who introduced 2 or more people since you last spoke
    Thanks,
    /// Quiet for longer than 1.5× your usual gap with them
    Rhythm,
    /// Only messages and emails lately with someone who matters: call or meet
    Channel,
    /// Quiet for 180 days after a history that mattered
    Dormant,
}

impl SuggestKind {
    pub const ALL: [SuggestKind; 5] = [
        SuggestKind::Repair,
        SuggestKind::Thanks,
        SuggestKind::Rhythm,
        SuggestKind::Channel,
        SuggestKind::Dormant,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SuggestKind::Repair => "repair",
            SuggestKind::Thanks => "thanks",
            SuggestKind::Rhythm => "rhythm",
            SuggestKind::Channel => "channel",
            SuggestKind::Dormant => "dormant",
        }
    }
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SuggestArgs {
    #[command(subcommand)]
    pub action: Option<SuggestAction>,
    /// At most N suggestions (default 5: a daily budget; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only suggestions of this kind (repeatable)
    #[arg(long = "kind", value_name = "K", value_enum)]
    pub kinds: Vec<SuggestKind>,
    /// Also print the facts each rule used, one per line
    #[arg(long)]
    pub why: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SuggestAction {
    /// Hide a contact's suggestions for a while (default 30 days)
    Dismiss(SuggestDismissArgs),
}

#[derive(Debug, Args)]
pub struct SuggestDismissArgs {
    /// The contact
    #[arg(add = ArgValueCandidates::new(crate::cli::candidates::handles))]
    pub who: String,
    /// For how long (e.g. 2w, 3m) [default: 30d]
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: Option<String>,
}

/// How `rel accounts` orders organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccountSort {
    /// Earliest next due date first (never due last), then name
    Due,
    /// Longest untouched first
    Last,
    /// By name
    Name,
}

#[derive(Debug, Args)]
pub struct AccountsArgs {
    /// Only people with this tag
    #[arg(long, value_name = "TAG", add = ArgValueCandidates::new(crate::cli::candidates::tags))]
    pub tag: Option<String>,
    /// Order of the organisations
    #[arg(long, value_enum, default_value_t = AccountSort::Due)]
    pub sort: AccountSort,
    /// At most N rows (default 50 in a table, all otherwise; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The organisation: its name (case and accents ignored) or a unique prefix
    pub org: String,
}

#[derive(Debug, Args)]
pub struct IntroArgs {
    /// The person you want to reach
    #[arg(
        required_unless_present = "org",
        conflicts_with = "org",
        add = ArgValueCandidates::new(crate::cli::candidates::handles)
    )]
    pub who: Option<String>,
    /// Anyone at this organisation instead of one person
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// At most this many links in a path (1 to 4)
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u8).range(1..=4))]
    pub depth: u8,
    /// At most N paths (default 5; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}
