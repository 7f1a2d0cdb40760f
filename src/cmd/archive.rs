//! `rel archive` / `rel unarchive`: hide a contact from list and due, or bring it back.

use super::Ctx;
use crate::cli::{UnarchiveArg, WhoArg};
use crate::db::{contacts, who};
use crate::error::Result;

pub fn archive(ctx: &Ctx, args: WhoArg) -> Result<()> {
    change(ctx, &args.who, true)
}

pub fn unarchive(ctx: &Ctx, args: UnarchiveArg) -> Result<()> {
    change(ctx, &args.who, false)
}

fn change(ctx: &Ctx, who_text: &str, hide: bool) -> Result<()> {
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let contact = db.write(|tx| {
        // Archived contacts answer to names only when bringing them back.
        let contact = if hide {
            who::resolve(tx, who_text)?
        } else {
            who::resolve_archived(tx, who_text)?
        };
        let at = if hide {
            Some(contact.archived_at.unwrap_or(now))
        } else {
            None
        };
        contacts::set_archived(tx, contact.id, at)?;
        contacts::get(tx, contact.id)
    })?;
    if !ctx
        .out
        .json_record(&super::records::contact_json(&contact))?
    {
        let verb = if hide { "archived" } else { "unarchived" };
        let who = super::friendly::person(&contact.name, &contact.handle, ctx.out.for_person());
        ctx.out.note(&format!("{verb} {who}"))?;
    }
    Ok(())
}
