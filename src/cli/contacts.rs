//! The arguments of the commands that keep contacts: `add`, `edit`, `list`, `show`,
//! `archive`, `unarchive`, `rm` and `merge` (kept apart from `cli/mod.rs` so each family of
//! commands reads in one sitting).

use super::candidates;
use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

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
