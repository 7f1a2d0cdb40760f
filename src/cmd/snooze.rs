//! `rel snooze`: push a contact's next due date without logging a touch.

use super::Ctx;
use super::records::contact_json;
use crate::cli::SnoozeArgs;
use crate::db::{contacts, upkeep, who};
use crate::error::{Error, Result};
use crate::output::local_datetime;
use crate::when::Dir;

pub fn run(ctx: &Ctx, args: SnoozeArgs) -> Result<()> {
    // A bare duration means "that long from now" (future use of WHEN).
    let until = ctx.when(&args.until, Dir::Future)?.at.timestamp();
    if until <= ctx.now_unix() {
        return Err(
            Error::usage(format!("'{}' is not in the future", args.until))
                .with_hint("snooze until a later date: friday, 2w, 2026-12-01"),
        );
    }
    let mut db = ctx.open()?;
    let contact = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        if contact.due_every.is_none() {
            return Err(Error::usage(format!(
                "{} has no cadence, so nothing to snooze",
                contact.handle
            ))
            .with_hint(format!("give one: rel edit {} --every 2w", contact.handle)));
        }
        contacts::set_snooze(tx, contact.id, Some(until))?;
        upkeep::refresh_many(tx, &[contact.id])?;
        contacts::get(tx, contact.id)
    })?;
    if !ctx.out.json_record(&contact_json(&contact))? {
        let due = contact.due_at.map(local_datetime).unwrap_or_default();
        ctx.out
            .note(&format!("{} snoozed; next due {due}", contact.handle))?;
    }
    Ok(())
}
