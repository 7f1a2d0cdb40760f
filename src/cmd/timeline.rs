//! `rel timeline` / `rel history`: interactions, newest first.

use super::records::{INTERACTION_HEADERS, interaction_row};
use super::{Ctx, note_block};
use crate::cli::TimelineArgs;
use crate::db::interactions::{self, TimelineQuery};
use crate::db::who;
use crate::error::Result;
use crate::model::{Trait, parse_channel};
use crate::output::Format;
use crate::output::{Cap, Listing};
use crate::when::Dir;
use std::io::Write;

pub fn run(ctx: &Ctx, args: TimelineArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|w| ctx.when(w, Dir::Past))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|w| ctx.when(w, Dir::Past))
        .transpose()?;
    let until = until.map(|u| u.end_exclusive()).transpose()?;
    let traits = args.traits.as_deref().map(Trait::parse).transpose()?;
    let channel = args.channel.as_deref().map(parse_channel).transpose()?;
    let db = ctx.open()?;
    let mut contact_ids = Vec::new();
    for name in args
        .who
        .iter()
        .flat_map(|w| w.split(','))
        .filter(|w| !w.trim().is_empty())
    {
        contact_ids.push(who::resolve(db.conn(), name)?.id);
    }
    let cap = Cap::new(ctx.out.format, args.limit);
    let mut query = TimelineQuery {
        contact_ids,
        since: since.map(|s| s.at.timestamp()),
        until: until.map(|u| u.timestamp()),
        traits,
        channel: channel.map(str::to_string),
        tag: {
            crate::checks::no_empty_items("--tag", args.tag.as_slice())?;
            args.tag.map(|t| t.trim().to_lowercase())
        },
        limit: cap.query_limit(),
    };
    let now = ctx.now_unix();
    let format = ctx.out.format;
    let hint = "No interactions. Log one: rel log maria \"called about the renewal\"";
    if format != Format::Table {
        // csv/tsv/json print each row as it is read, as `rel list` and `rel due` do (a table
        // needs every row for its widths); no cap unless --limit is given.
        query.limit = cap.rows();
        return interactions::each_in_timeline(db.conn(), &query, |found| {
            let rows = found.map(|i| i.map(|i| interaction_row(&i, now, format)));
            ctx.out
                .list_streamed(&INTERACTION_HEADERS, &INTERACTION_HEADERS, rows, hint)
        });
    }
    let mut found = interactions::timeline(db.conn(), &query)?;
    let more = cap.apply(&mut found);
    if args.full && !found.is_empty() {
        let mut stdout = std::io::stdout().lock();
        note_block::write_blocks(&mut stdout, &found, now, note_block::terminal_width(), None)?;
        if more && ctx.out.for_person() {
            writeln!(
                stdout,
                "\n(more rows not shown: --limit N, or --limit 0 for all)"
            )?;
        }
        return Ok(());
    }
    let mut listing = Listing::new(
        &INTERACTION_HEADERS,
        found
            .iter()
            .map(|i| interaction_row(i, now, format))
            .collect(),
    );
    listing.more = more;
    ctx.out.list(&listing, hint)
}
