//! `rel remind`, `rel followups`, `rel done`: promises kept.

use super::records::{FOLLOWUP_HEADERS, followup_json, followup_row};
use super::{Ctx, parse_id};
use crate::cli::{DoneArgs, FollowupsArgs, RemindArgs};
use crate::db::{followups, who};
use crate::error::{Error, Result};
use crate::output::{Cap, Listing};
use crate::when::Dir;

pub fn remind(ctx: &Ctx, args: RemindArgs) -> Result<()> {
    let due = ctx.when(&args.when, Dir::Future)?.at.timestamp();
    let text = args.text.join(" ").trim().to_string();
    if text.is_empty() {
        return Err(Error::usage("a follow-up needs a text"));
    }
    crate::checks::note(&text)?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let followup = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        let new = followups::NewFollowUp {
            uid: None,
            contact_id: contact.id,
            interaction_id: None,
            due_at: due,
            text,
        };
        let id = followups::insert(tx, &new, now)?;
        followups::get(tx, id)
    })?;
    ctx.out
        .created(&followup.id.to_string(), &followup_json(&followup))
}

pub fn list(ctx: &Ctx, args: FollowupsArgs) -> Result<()> {
    let db = ctx.open()?;
    let cap = Cap::new(ctx.out.format, args.limit);
    let mut found = followups::list(db.conn(), args.all, None, cap.query_limit())?;
    let more = cap.apply(&mut found);
    let now = ctx.now_unix();
    let mut listing = Listing::new(
        &FOLLOWUP_HEADERS,
        found
            .iter()
            .map(|f| followup_row(f, now, ctx.out.format))
            .collect(),
    );
    listing.more = more;
    ctx.out.list(
        &listing,
        "No open follow-ups. Add one: rel remind maria friday \"send the proposal\"",
    )
}

pub fn done(ctx: &Ctx, args: DoneArgs) -> Result<()> {
    let ids = args
        .ids
        .iter()
        .map(|text| parse_id(text, "follow-up"))
        .collect::<Result<Vec<_>>>()?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    // All ids or none: an unknown one aborts the whole transaction.
    db.write(|tx| followups::mark_done(tx, &ids, now))?;
    ctx.out.note(&format!(
        "done: {}",
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
