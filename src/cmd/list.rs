//! `rel list` / `rel ls`: contacts with last touch and next due.

use super::Ctx;
use super::records::{CONTACT_HEADERS, contact_row};
use crate::checks;
use crate::cli::{ListArgs, SortKey};
use crate::db::contacts::{self, ListQuery, ListSort};
use crate::db::owner::OwnerFilter;
use crate::error::Result;
use crate::output::{Cap, Format, Listing, Tone};

/// Where a team's OWNER column goes in the table: after the name.
const OWNER_AT: usize = 2;

pub fn run(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let cap = Cap::new(ctx.out.format, args.limit);
    let mut query = ListQuery {
        tag: {
            crate::checks::no_empty_items("--tag", args.tag.as_slice())?;
            args.tag.map(|t| t.trim().to_lowercase())
        },
        org: args.org,
        archived: if args.all { None } else { Some(args.archived) },
        sort: match args.sort {
            SortKey::Name => ListSort::Name,
            SortKey::Last => ListSort::Last,
            SortKey::Due => ListSort::Due,
        },
        reverse: args.reverse,
        owner: match args.owner.as_deref() {
            Some(name) => OwnerFilter::only(checks::member(name)?),
            None => OwnerFilter::Anyone,
        },
        // One extra row tells whether the cap hid anything.
        limit: cap.query_limit(),
    };
    let db = ctx.open()?;
    let now = ctx.now_unix();
    let format = ctx.out.format;
    let hint = if args.owner.is_some() {
        "No contacts with this owner."
    } else if args.archived {
        "No archived contacts."
    } else {
        "No contacts yet. Add one: rel add \"Maria Lopez\" --org Acme --every 2w"
    };
    if format != Format::Table {
        // csv/tsv/json print each row as it is read (a table needs every row for its widths);
        // they have no cap unless --limit is given, and nothing says that rows were left out.
        query.limit = cap.rows();
        return contacts::each_listed(db.conn(), &query, |found| {
            let rows = found.map(|c| c.map(|c| contact_row(&c, now, format)));
            ctx.out
                .list_streamed(&CONTACT_HEADERS, &CONTACT_HEADERS, rows, hint)
        });
    }
    let mut found = contacts::list(db.conn(), &query)?;
    let more = cap.apply(&mut found);
    let mut listing = Listing::new(
        &CONTACT_HEADERS,
        found.iter().map(|c| contact_row(c, now, format)).collect(),
    );
    listing.more = more;
    // In a team, a table says whose each contact is (csv/tsv/json carry `owner` already).
    if ctx.out.format == Format::Table && crate::sync::settings::member(db.conn())?.is_some() {
        listing.table_headers.insert(OWNER_AT, "owner");
        for (row, contact) in listing.rows.iter_mut().zip(&found) {
            let owner = contact.owner.clone().unwrap_or_default();
            row.pretty
                .insert(OWNER_AT.min(row.pretty.len()), (owner, Tone::Plain));
        }
    }
    ctx.out.list(&listing, hint)
}
