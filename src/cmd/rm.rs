//! `rel rm`: delete a contact and the interactions that involve only them.

use super::{Ctx, confirm};
use crate::cli::RmArgs;
use crate::db::{contacts, who};
use crate::error::Result;

pub fn run(ctx: &Ctx, args: RmArgs) -> Result<()> {
    let mut db = ctx.open()?;
    let contact = who::resolve(db.conn(), &args.who)?;
    let question = format!(
        "Delete {} ({}) and the interactions only they took part in?",
        contact.name, contact.handle
    );
    if !confirm(&crate::output::escape_visible(&question), args.yes)? {
        return ctx.out.note("nothing deleted");
    }
    let deleted = db.write(|tx| contacts::delete(tx, contact.id))?;
    let record = serde_json::json!({
        "deleted": super::records::contact_json(&contact),
        "interactions_deleted": deleted,
    });
    if ctx.out.json_record(&record)? {
        return Ok(());
    }
    ctx.out.note(&format!(
        "deleted {} and {deleted} interaction(s)",
        super::friendly::person(&contact.name, &contact.handle, ctx.out.for_person())
    ))
}
