//! `rel remind`, `rel followups [edit|rm]`, `rel done [--undo]`: promises kept.

use super::friendly::{self, followup_line};
use super::records::{FOLLOWUP_HEADERS, followup_json, followup_row};
use super::{Ctx, confirm, parse_id};
use crate::cli::{
    DoneArgs, FollowupEditArgs, FollowupRmArgs, FollowupsAction, FollowupsArgs, RemindArgs,
};
use crate::db::{followups, who};
use crate::error::{Error, Result};
use crate::output::{Cap, Listing, first_line};
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
    let (followup, name) = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        let new = followups::NewFollowUp {
            uid: None,
            contact_id: contact.id,
            interaction_id: None,
            due_at: due,
            text,
        };
        let id = followups::insert(tx, &new, now)?;
        Ok((followups::get(tx, id)?, contact.name))
    })?;
    warn_if_past(followup.due_at, now);
    ctx.out
        .created_or_say(&followup.id.to_string(), &followup_json(&followup), || {
            format!(
                "follow-up {} for {} due {}: {}",
                followup.id,
                friendly::person(&name, &followup.handle, true),
                friendly::day(followup.due_at, now),
                first_line(&followup.text)
            )
        })
}

/// A follow-up due before today is kept (a late promise is still a promise) but said aloud:
/// `rel remind x yesterday` is more often a slip than a wish.
pub fn warn_if_past(due_at: i64, now: i64) {
    if crate::when::days_late(due_at, now) > 0 {
        eprintln!(
            "rel: note: follow-up due {}, before today; it shows as overdue",
            friendly::day(due_at, now)
        );
    }
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
    let (before, followup) = db.write(|tx| {
        let before = followups::get(tx, id)?;
        followups::update(tx, id, due, text)?;
        Ok((before, followups::get(tx, id)?))
    })?;
    if due.is_some() && followup.due_at != before.due_at {
        warn_if_past(followup.due_at, ctx.now_unix());
    }
    if ctx.out.json_record(&followup_json(&followup))? {
        return Ok(());
    }
    let mut changes = Vec::new();
    if followup.due_at != before.due_at {
        changes.push(format!(
            "due {}",
            friendly::day(followup.due_at, ctx.now_unix())
        ));
    }
    if followup.text != before.text {
        changes.push(format!("text '{}'", first_line(&followup.text)));
    }
    if changes.is_empty() {
        ctx.out.note(&format!(
            "nothing changed: follow-up {id} already has those values"
        ))
    } else {
        ctx.out
            .note(&format!("updated follow-up {id}: {}", changes.join(", ")))
    }
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
    let deleted = db.write(|tx| {
        let deleted = ids
            .iter()
            .map(|id| followups::get(tx, *id))
            .collect::<Result<Vec<_>>>()?;
        followups::delete(tx, &ids)?;
        Ok(deleted)
    })?;
    let records: Vec<_> = deleted.iter().map(followup_json).collect();
    if ctx.out.json_records(&records)? {
        return Ok(());
    }
    ctx.out
        .note(&format!("deleted {}", count(ids.len(), "follow-up")))
}

pub fn done(ctx: &Ctx, args: DoneArgs) -> Result<()> {
    let ids = parse_ids(&args.ids)?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    // All ids or none: an unknown one aborts the whole transaction.
    let (was_done, changed, names) = db.write(|tx| {
        let was_done = ids
            .iter()
            .map(|id| Ok(followups::get(tx, *id)?.done_at.is_some()))
            .collect::<Result<Vec<bool>>>()?;
        if args.undo {
            followups::reopen(tx, &ids)?;
        } else {
            followups::mark_done(tx, &ids, now)?;
        }
        let changed = ids
            .iter()
            .map(|id| followups::get(tx, *id))
            .collect::<Result<Vec<_>>>()?;
        let names = changed
            .iter()
            .map(|f| Ok(crate::db::contacts::get(tx, f.contact_id)?.name))
            .collect::<Result<Vec<String>>>()?;
        Ok((was_done, changed, names))
    })?;
    let records: Vec<_> = changed.iter().map(followup_json).collect();
    if ctx.out.json_records(&records)? {
        return Ok(());
    }
    // Those already in the state asked for are said apart: `done 3` twice is not news.
    let (verb, already) = if args.undo {
        ("reopened", "already open")
    } else {
        ("done", "already done")
    };
    let unchanged = |index: usize| was_done[index] != args.undo;
    if ctx.out.for_person() {
        for (index, followup) in changed.iter().enumerate() {
            let word = if unchanged(index) { already } else { verb };
            // `done 7 for María López (maria-lopez), due Fri 4 Dec: send the quote`
            let who = friendly::person(&names[index], &followup.handle, true);
            ctx.out.note(&format!(
                "{word} {} for {who}, due {}: {}",
                followup.id,
                friendly::day(followup.due_at, now),
                first_line(&followup.text)
            ))?;
        }
        return Ok(());
    }
    for (word, keep) in [(verb, false), (already, true)] {
        let these: Vec<String> = (0..ids.len())
            .filter(|i| unchanged(*i) == keep)
            .map(|i| ids[i].to_string())
            .collect();
        if !these.is_empty() {
            ctx.out.note(&format!("{word}: {}", these.join(", ")))?;
        }
    }
    Ok(())
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
