//! The words `add`, `log`, `remind`, `done` and the prompts use for a person at a terminal
//! (`logged 24 with maria-lopez; follow-up 7 due Fri 4 Dec`). Scripts never see them: off a
//! terminal those commands print their bare line.

use crate::db::followups::FollowUp;
use crate::db::interactions::Interaction;
use crate::output::{escape_visible, first_line};
use chrono::{DateTime, Datelike, Local, Timelike};

/// `Fri 4 Dec`, with the time when it is not midnight (`Fri 4 Dec 15:30`) and the year when it
/// is not this year's (`Mon 4 Jan 2027`).
pub fn day(unix: i64, now: i64) -> String {
    let (Some(at), Some(now)) = (local(unix), local(now)) else {
        return String::new();
    };
    let mut text = at.format("%a %-d %b").to_string();
    if at.year() != now.year() {
        text.push_str(&at.format(" %Y").to_string());
    }
    if at.hour() != 0 || at.minute() != 0 {
        text.push_str(&at.format(" %H:%M").to_string());
    }
    text
}

/// How a confirmation names a contact: on a terminal the person and the handle
/// (`Samantha Reyes (samantha-reyes)`), for scripts the handle alone.
pub fn person(name: &str, handle: &str, for_person: bool) -> String {
    if for_person && name != handle {
        format!("{} ({handle})", escape_visible(name))
    } else {
        handle.to_string()
    }
}

/// `Fri 4 Dec` (with the year when it is not this year's), without the time.
pub fn date(unix: i64, now: i64) -> String {
    let (Some(at), Some(now)) = (local(unix), local(now)) else {
        return String::new();
    };
    if at.year() == now.year() {
        at.format("%a %-d %b").to_string()
    } else {
        at.format("%a %-d %b %Y").to_string()
    }
}

fn local(unix: i64) -> Option<DateTime<Local>> {
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&Local))
}

/// One touch on one line, for prompts: `24  Fri 27 Nov 12:00  maria-lopez  called about…`.
pub fn interaction_line(i: &Interaction, now: i64) -> String {
    format!(
        "  {}  {}  {}  {}",
        i.id,
        day(i.at, now),
        i.contacts.join(","),
        escape_visible(&first_line(&i.note))
    )
}

/// One follow-up on one line, for prompts and `done`: `7  maria-lopez  due Fri 4 Dec  send…`.
pub fn followup_line(f: &FollowUp, now: i64) -> String {
    format!(
        "  {}  {}  due {}  {}",
        f.id,
        f.handle,
        day(f.due_at, now),
        escape_visible(&first_line(&f.text))
    )
}
