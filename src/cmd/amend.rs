//! `rel amend` and `rel unlog`: mistakes happen.

use super::followups::count;
use super::friendly::interaction_line;
use super::log::{parse_at, parse_marks, resolve_or_add, split_whos};
use super::note_input::{Note, edit_note, read_stdin};
use super::records::interaction_json;
use super::{Ctx, confirm, parse_id};
use crate::cli::{AmendArgs, UnlogArgs};
use crate::db::interactions::{self, Amendment};
use crate::error::Result;
use crate::model::parse_channel;

pub fn run(ctx: &Ctx, args: AmendArgs) -> Result<()> {
    let id = parse_id(&args.id, "interaction")?;
    let touch = &args.touch;
    let marks_given = !touch.shown.is_empty() || !touch.strained.is_empty();
    let marks = if marks_given {
        Some(parse_marks(touch)?)
    } else {
        None
    };
    let at = parse_at(ctx, touch.at.as_deref())?;
    let channel = touch
        .channel
        .as_deref()
        .map(parse_channel)
        .transpose()?
        .map(str::to_string);
    let names = args.with.as_deref().map(split_whos).transpose()?;
    let mut db = ctx.open()?;
    let current = interactions::get(db.conn(), id)?;
    let note = if touch.edit {
        let about = [format!(
            "Amending touch {id} with {}, {}.",
            current.contacts.join(", "),
            super::friendly::day(current.at, ctx.now_unix())
        )];
        Some(edit_note(&current.note, &about)?)
    } else if args.note.len() == 1 && args.note[0] == "-" {
        Some(Note::from_text(read_stdin()?))
    } else if !args.note.is_empty() {
        Some(Note::from_text(args.note.join(" ")))
    } else {
        None
    };
    let note_text = note.as_ref().map(|n| n.text.clone());
    let result = db.write(|tx| {
        let contact_ids = match &names {
            Some(names) => Some(resolve_or_add(tx, names, false, ctx.now_unix())?.0),
            None => None,
        };
        let change = Amendment {
            at,
            channel,
            note: note_text,
            marks,
            contact_ids,
        };
        interactions::amend(tx, id, &change)?;
        interactions::get(tx, id)
    });
    let interaction = match note {
        Some(note) => note.keep_on_failure(result)?,
        None => result?,
    };
    if !ctx.out.json_record(&interaction_json(&interaction))? {
        ctx.out.note(&format!("amended {id}"))?;
    }
    Ok(())
}

pub fn unlog(ctx: &Ctx, args: UnlogArgs) -> Result<()> {
    let ids = args
        .ids
        .iter()
        .map(|text| parse_id(text, "interaction"))
        .collect::<Result<Vec<_>>>()?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let mut shown = Vec::new();
    for id in &ids {
        shown.push(interaction_line(&interactions::get(db.conn(), *id)?, now));
    }
    // The prompt shows what goes (when, who, first line), so a mistyped id is caught.
    let question = format!(
        "Delete {}?\n{}\n",
        count(ids.len(), "interaction"),
        shown.join("\n")
    );
    if !confirm(&question, args.yes)? {
        return ctx.out.note("nothing deleted");
    }
    db.write(|tx| interactions::delete(tx, &ids))?;
    ctx.out
        .note(&format!("deleted {}", count(ids.len(), "interaction")))
}
