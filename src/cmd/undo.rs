//! `rel undo`: revert the last command that changed the journal on this machine.

use super::Ctx;
use crate::cli::UndoArgs;
use crate::error::Result;
use crate::output::{ListRow, Listing, Tone, rfc3339};
use crate::sync::undo;
use serde_json::json;

pub fn run(ctx: &Ctx, args: UndoArgs) -> Result<()> {
    if args.list {
        return list(ctx, args.limit);
    }
    let mut db = ctx.open()?;
    let now_ms = db.now_ms();
    match db.write(|tx| undo::undo_last(tx, now_ms))? {
        None => {
            eprintln!("rel: nothing to undo");
            // A script reading JSON still gets a document.
            ctx.out.json_record(&json!({ "reverted": null }))?;
            Ok(())
        }
        Some(undone) => {
            let step = &undone.step;
            let record = json!({
                "reverted": step_json(step),
                "changed": undone.changed,
                "archived": undone.archived,
            });
            if ctx.out.json_record(&record)? {
                return Ok(());
            }
            if !undone.changed {
                // Later changes from other machines already replaced all the step did.
                return ctx.out.note(&format!(
                    "nothing to revert: {} (changed since on another machine)",
                    step.label
                ));
            }
            ctx.out.note(&format!("reverted: {}", step.label))?;
            for handle in &undone.archived {
                ctx.out.note(&format!(
                    "{handle} is archived, not removed: another machine logged with it since"
                ))?;
            }
            Ok(())
        }
    }
}

fn step_json(step: &undo::Step) -> serde_json::Value {
    json!({
        "step": step.id,
        "at": rfc3339(step.at),
        "command": step.label,
        "operations": step.operations,
        "undoes": step.undoes,
        "undone_by": step.undone_by,
    })
}

fn status(step: &undo::Step) -> String {
    match (step.undoes, step.undone_by) {
        (Some(of), _) => format!("undid {of}"),
        (_, Some(by)) => format!("undone by {by}"),
        _ => String::new(),
    }
}

fn list(ctx: &Ctx, limit: usize) -> Result<()> {
    let db = ctx.open()?;
    let steps = undo::steps(db.conn(), limit)?;
    let rows = steps
        .iter()
        .map(|step| {
            let at = crate::output::local_datetime(step.at);
            ListRow {
                json: step_json(step),
                plain: vec![
                    step.id.to_string(),
                    rfc3339(step.at),
                    step.label.clone(),
                    status(step),
                ],
                pretty: vec![
                    (step.id.to_string(), Tone::Plain),
                    (at, Tone::Plain),
                    (step.label.clone(), Tone::Plain),
                    (status(step), Tone::Plain),
                ],
            }
        })
        .collect();
    let listing = Listing::new(&["step", "at", "command", "status"], rows);
    ctx.out.list(&listing, "Nothing to undo yet.")
}
