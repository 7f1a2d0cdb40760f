//! The options of `rel import` that capture reads (calendars and mailboxes): kept apart from
//! `cli/mod.rs` so the address-book options and these grow without stepping on each other.

use clap::Args;

#[derive(Debug, Args, Default)]
pub struct CaptureArgs {
    /// Calendars and mail: your own address (repeatable; default: the me.email setting)
    #[arg(long, value_name = "EMAIL")]
    pub me: Vec<String>,
    /// Calendars and mail: create contacts for people not in your journal
    #[arg(long)]
    pub add_unknown: bool,
    /// Calendars and mail: only what happened since WHEN (default: 3 years ago)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Calendars and mail: skip events and messages with more people than this
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub max_people: usize,
    /// Calendars: add the event's description to the note
    #[arg(long)]
    pub notes: bool,
}
