//! `rel remind`, `rel followups [edit|rm]`, `rel done [--undo]`: promises kept.

use super::friendly::{self, followup_line};
use super::records::{FOLLOWUP_HEADERS, followup_json, followup_row};
use super::{Ctx, confirm, parse_id};
use crate::cli::{
    DoneArgs, FollowupEditArgs, FollowupRmArgs, FollowupsAction, FollowupsArgs, RemindArgs,
};
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
        .created_or_say(&followup.id.to_string(), &followup_json(&followup), || {
            format!(
                "follow-up {} for {} due {}",
                followup.id,
                followup.handle,
                friendly::day(followup.due_at, now)
            )
        })
}

/// `rel followups` lists; its `edit` and `rm` subcommands fix a follow-up.
pub fn run(ctx: &Ctx, args: FollowupsArgs) -> Result<()> {
    match args.action {
        Some(FollowupsAction::Edit(edit_args)) => edit(ctx, edit_args),
        Some(FollowupsAction::Rm(rm_args)) => rm(ctx, rm_args),
        None => list(ctx, args.all, args.limit),
    }
}

fn list(ctx: &Ctx, all: bool, limit: Option<usize>) -> Result<()> {
    let db = ctx.open()?;
    let cap = Cap::new(ctx.out.format, limit);
    let mut found = followups::list(db.conn(), all, None, cap.query_limit())?;
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

fn edit(ctx: &Ctx, args: FollowupEditArgs) -> Result<()> {
    let id = parse_id(&args.id, "follow-up")?;
    let due = args
        .due
        .as_deref()
        .map(|w| ctx.when(w, Dir::Future))
        .transpose()?
        .map(|w| w.at.timestamp());
    let text = args.text.as_deref().map(str::trim);
    if text == Some("") {
        return Err(Error::usage("a follow-up needs a text"));
    }
    if due.is_none() && text.is_none() {
        return Err(Error::usage("nothing to change").with_hint(format!(
            "give --due WHEN and/or --text TEXT: rel followups edit {id} --due friday"
        )));
    }
    let mut db = ctx.open()?;
    let followup = db.write(|tx| {
        followups::update(tx, id, due, text)?;
        followups::get(tx, id)
    })?;
    if !ctx.out.json_record(&followup_json(&followup))? {
        ctx.out.note(&format!(
            "updated follow-up {id}: due {}",
            friendly::day(followup.due_at, ctx.now_unix())
        ))?;
    }
    Ok(())
}

fn rm(ctx: &Ctx, args: FollowupRmArgs) -> Result<()> {
    let ids = parse_ids(&args.ids)?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let mut shown = Vec::new();
    for id in &ids {
        shown.push(followup_line(&followups::get(db.conn(), *id)?, now));
    }
    let question = format!(
        "Delete {}?\n{}\n",
        count(ids.len(), "follow-up"),
        shown.join("\n")
    );
    if !confirm(&question, args.yes)? {
        return ctx.out.note("nothing deleted");
    }
    db.write(|tx| followups::delete(tx, &ids))?;
    ctx.out
        .note(&format!("deleted {}", count(ids.len(), "follow-up")))
}

pub fn done(ctx: &Ctx, args: DoneArgs) -> Result<()> {
    let ids = parse_ids(&args.ids)?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    // All ids or none: an unknown one aborts the whole transaction.
    let changed = db.write(|tx| {
        if args.undo {
            followups::reopen(tx, &ids)?;
        } else {
            followups::mark_done(tx, &ids, now)?;
        }
        ids.iter()
            .map(|id| followups::get(tx, *id))
            .collect::<Result<Vec<_>>>()
    })?;
    let verb = if args.undo { "reopened" } else { "done" };
    if ctx.out.for_person() {
        for followup in &changed {
            ctx.out.note(&format!(
                "{verb} {}",
                followup_line(followup, now).trim_start()
            ))?;
        }
        return Ok(());
    }
    ctx.out.note(&format!(
        "{verb}: {}",
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn parse_ids(texts: &[String]) -> Result<Vec<i64>> {
    texts
        .iter()
        .map(|text| parse_id(text, "follow-up"))
        .collect()
}

/// `1 follow-up`, `3 follow-ups`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
