//! `rel merge WHO INTO_WHO`: the same person entered twice becomes one contact.

use super::records::contact_json;
use super::{Ctx, confirm};
use crate::cli::MergeArgs;
use crate::db::{contacts, merge, who};
use crate::error::{Error, Result};
use crate::output::escape_visible;

pub fn run(ctx: &Ctx, args: MergeArgs) -> Result<()> {
    let mut db = ctx.open()?;
    let from = who::resolve(db.conn(), &args.who)?;
    let into = who::resolve(db.conn(), &args.into_who)?;
    if from.id == into.id {
        return Err(Error::usage(format!(
            "'{}' and '{}' are the same contact ({})",
            args.who, args.into_who, from.handle
        ))
        .with_hint("name the duplicate first, then the contact to keep"));
    }
    let question = format!(
        "Merge {} ({}) into {} ({})? {} will be removed.",
        from.name, from.handle, into.name, into.handle, from.handle
    );
    if !confirm(&escape_visible(&question), args.yes)? {
        return ctx.out.note("nothing merged");
    }
    let merged = db.write(|tx| {
        merge::merge(tx, from.id, into.id)?;
        contacts::get(tx, into.id)
    })?;
    if !ctx.out.json_record(&contact_json(&merged))? {
        let person = ctx.out.for_person();
        ctx.out.note(&format!(
            "merged {} into {}",
            super::friendly::person(&from.name, &from.handle, person),
            super::friendly::person(&merged.name, &merged.handle, person)
        ))?;
    }
    Ok(())
}
