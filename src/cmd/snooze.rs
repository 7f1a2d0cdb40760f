//! `rel snooze`: push a contact's next due date without logging a touch.

use super::records::contact_json;
use super::{Ctx, friendly};
use crate::cli::SnoozeArgs;
use crate::db::{contacts, upkeep, who};
use crate::error::{Error, Result};
use crate::output::local_datetime;
use crate::when::Dir;

pub fn run(ctx: &Ctx, args: SnoozeArgs) -> Result<()> {
    // A bare duration means "that long from now" (future use of WHEN).
    let until = ctx.when(&args.until, Dir::Future)?.at.timestamp();
    let now = ctx.now_unix();
    if until <= now {
        return Err(
            Error::usage(format!("'{}' is not in the future", args.until))
                .with_hint(later_than(now, now)),
        );
    }
    let mut db = ctx.open()?;
    let (before, contact) = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        if contact.due_every.is_none() {
            return Err(Error::usage(format!(
                "{} has no cadence, so nothing to snooze",
                contact.handle
            ))
            .with_hint(format!("give one: rel edit {} --every 2w", contact.handle)));
        }
        // A snooze only ever pushes the date later: to a date the contact is due by anyway,
        // it would change nothing and report a "new" date that is the old one.
        if let Some(due) = contact.due_at.filter(|due| until <= *due) {
            // "already due" only of a date that has come; a future one is the next due.
            let state = if due <= now {
                "already due"
            } else {
                "next due"
            };
            return Err(Error::usage(format!(
                "{} is {state} {}; a snooze must be later than that",
                contact.handle,
                friendly::day(due, now)
            ))
            .with_hint(later_than(due, now)));
        }
        contacts::set_snooze(tx, contact.id, Some(until))?;
        upkeep::refresh_many(tx, &[contact.id])?;
        Ok((contact.due_at, contacts::get(tx, contact.id)?))
    })?;
    if !ctx.out.json_record(&contact_json(&contact))? {
        let due = contact.due_at.map(local_datetime).unwrap_or_default();
        let was = before.map_or(String::new(), |t| format!(" (was {})", local_datetime(t)));
        let who = friendly::person(&contact.name, &contact.handle, ctx.out.for_person());
        ctx.out
            .note(&format!("{who} snoozed; next due {due}{was}"))?;
    }
    Ok(())
}

/// A hint that offers only dates after `after` (and after now): a week and a fortnight later.
fn later_than(after: i64, now: i64) -> String {
    let base = after.max(now);
    let date = |days: i64| {
        chrono::DateTime::from_timestamp(base + days * 86_400, 0)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default()
    };
    format!(
        "pick a date after {}: e.g. {} or {}",
        friendly::day(base, now),
        date(7),
        date(14)
    )
}
