//! Every command and option of rel (clap derive). Doc comments are the help text.

pub mod candidates;
pub mod capture;
pub mod help;
pub mod sync;

use crate::output::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};
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

// Contact fields shared by `add` and `edit` (a plain comment: with deferred building, a doc
// comment here would replace the command's own description).
#[derive(Debug, Args, Default)]
pub struct ContactFields {
    /// Organisation
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Role or title
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Email address (repeatable)
    #[arg(long = "email", value_name = "EMAIL")]
    pub emails: Vec<String>,
    /// Phone number (repeatable)
    #[arg(long = "phone", value_name = "PHONE")]
    pub phones: Vec<String>,
    /// Tag, e.g. key-account, coi (repeatable)
    #[arg(long = "tag", value_name = "TAG", add = ArgValueCandidates::new(candidates::tags))]
    pub tags: Vec<String>,
    /// How often to be in touch: 3d, 2w, 1m, quarterly… (edit: also never, inherit)
    #[arg(long, value_name = "CADENCE")]
    pub every: Option<String>,
    /// Birthday: YYYY-MM-DD or --MM-DD
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub birthday: Option<String>,
    /// Who introduced them
    #[arg(long, value_name = "WHO", add = ArgValueCandidates::new(candidates::handles))]
    pub via: Option<String>,
    /// Free-text note about the contact
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Display name
    pub name: String,
    /// Handle to use instead of the one derived from the name
    #[arg(long, value_name = "HANDLE")]
    pub handle: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The contact (#ID, handle, name or a unique part of it)
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// New display name (the handle stays)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// New handle
    #[arg(long, value_name = "HANDLE")]
    pub handle: Option<String>,
    #[command(flatten)]
    pub fields: ContactFields,
    /// Remove a tag (repeatable)
    #[arg(long, value_name = "TAG", add = ArgValueCandidates::new(candidates::tags))]
    pub untag: Vec<String>,
    /// Remove an email address (repeatable)
    #[arg(long, value_name = "EMAIL")]
    pub drop_email: Vec<String>,
    /// Remove a phone number (repeatable)
    #[arg(long, value_name = "PHONE")]
    pub drop_phone: Vec<String>,
    /// Hand the contact, with its whole history, to another team member ('none': unowned)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Name,
    Last,
    Due,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only contacts with this tag
    #[arg(long, value_name = "TAG", add = ArgValueCandidates::new(candidates::tags))]
    pub tag: Option<String>,
    /// Only contacts whose organisation contains this text
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Only archived contacts
    #[arg(long, conflicts_with = "all")]
    pub archived: bool,
    /// Active and archived contacts
    #[arg(long)]
    pub all: bool,
    /// Sort order (`last`: longest untouched first, never contacted first of all)
    #[arg(long, value_enum, default_value_t = SortKey::Name)]
    pub sort: SortKey,
    /// Flip the sort order
    #[arg(long)]
    pub reverse: bool,
    /// Only the contacts this team member owns ('none': only unowned ones)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// At most N rows (default 50 in a table, all otherwise; 0 = no cap)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The contact
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// How many recent interactions to show
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}

// REITH marks and channel shared by `log` and `amend` (a plain comment, as above).
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

// `rel followups` lists; `rel followups edit|rm` fix a follow-up (a plain comment, as above).
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

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One contact (default: everyone)
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: Option<String>,
    /// Only interactions from this WHEN on
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

#[derive(Debug, Args)]
pub struct WhoArg {
    /// The contact
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
}

#[derive(Debug, Args)]
pub struct UnarchiveArg {
    /// The archived contact (any part of its name, as for other WHOs)
    #[arg(add = ArgValueCandidates::new(crate::cli::candidates::archived_handles))]
    pub who: String,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The contact
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// Do not ask
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The duplicate: its interactions, follow-ups, emails, phones and tags move; it is removed
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub who: String,
    /// The contact that stays
    #[arg(add = ArgValueCandidates::new(candidates::handles))]
    pub into_who: String,
    /// Do not ask
    #[arg(short, long)]
    pub yes: bool,
}

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

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
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

/// The whole command tree, every subcommand's arguments included. Parsing builds only the
/// subcommand it runs (`defer = true` above: building all of them cost about 0.9 M
/// instructions, most of `rel --version`), so code that walks the tree (usage hints, the man
/// page, completion) asks for it built.
pub fn full_command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    command
}
