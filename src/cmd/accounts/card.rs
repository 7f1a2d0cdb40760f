//! `rel account ORG`: one organisation's card (its people, open follow-ups and latest
//! interactions), and how the text typed names an organisation.

use super::{account_json, roll_up};
use crate::cli::AccountArgs;
use crate::cmd::Ctx;
use crate::cmd::records::{followup_json, interaction_json};
use crate::db::accounts;
use crate::db::contacts::fold;
use crate::db::followups;
use crate::db::interactions::{self, TimelineQuery};
use crate::db::owner::OwnerFilter;
use crate::error::{Error, Result};
use crate::output::{Format, ListRow, Listing, first_line, relative, rfc3339_opt};
use serde_json::Value;
use std::collections::BTreeMap;

/// `rel account ORG`: the exact name (case and accents ignored), else a unique prefix.
pub fn card(ctx: &Ctx, args: AccountArgs) -> Result<()> {
    let db = ctx.open()?;
    let now = ctx.now_unix();
    let _snapshot = db.snapshot()?;
    let spellings = resolve(&accounts::spellings(db.conn())?, &args.org)?;
    let people = accounts::people(db.conn(), None, Some(&spellings), &OwnerFilter::Anyone)?;
    let Some(mut account) = roll_up(people, now).into_iter().next() else {
        return Err(Error::not_found(format!(
            "no organisation matches '{}'",
            args.org
        )));
    };
    account
        .people
        .sort_by_key(|p| (std::cmp::Reverse(p.last_touch), p.handle.clone()));
    let ids: Vec<i64> = account.people.iter().map(|p| p.id).collect();
    let mut open = Vec::new();
    for id in &ids {
        open.extend(followups::list(db.conn(), false, Some(*id), None)?);
    }
    open.sort_by_key(|f| (f.due_at, f.id));
    let query = TimelineQuery {
        contact_ids: ids,
        limit: Some(10),
        ..Default::default()
    };
    let recent = interactions::timeline(db.conn(), &query)?;
    let mut record = account_json(&account, true);
    record["followups"] = open.iter().map(followup_json).collect();
    record["interactions"] = recent.iter().map(interaction_json).collect();
    if ctx.out.json_record(&record)? {
        return Ok(());
    }
    if ctx.out.format != Format::Table {
        // Scripts reading tsv/csv get the people, one row each (as `rel show` gives fields).
        let rows = account
            .people
            .iter()
            .map(|p| ListRow {
                json: Value::Null,
                plain: vec![
                    p.handle.clone(),
                    p.name.clone(),
                    p.role.clone().unwrap_or_default(),
                    rfc3339_opt(p.last_touch)
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    p.owner.clone().unwrap_or_default(),
                ],
                pretty: Vec::new(),
            })
            .collect();
        let headers = ["handle", "name", "role", "last_touch", "owner"];
        return ctx.out.list(&Listing::new(&headers, rows), "");
    }
    let count = account.people.len();
    let mut lines = vec![format!(
        "{} — {count} {}, {} touched in the last 90 days{}",
        account.org,
        if count == 1 { "person" } else { "people" },
        account.touched_90d,
        if account.key { "; key account" } else { "" }
    )];
    if account.single_threaded {
        lines.push(
            "single-threaded: at most one person there was touched in the last 90 days".into(),
        );
    }
    lines.push(String::new());
    lines.push("People:".into());
    for p in &account.people {
        let role = p
            .role
            .as_deref()
            .map(|r| format!(", {r}"))
            .unwrap_or_default();
        let last = p.last_touch.map_or("never".into(), |t| relative(t, now));
        let owner = p
            .owner
            .as_deref()
            .map(|o| format!(" [{o}]"))
            .unwrap_or_default();
        lines.push(format!(
            "  {} ({}{role}) last touch {last}{owner}",
            p.handle, p.name
        ));
    }
    if !open.is_empty() {
        lines.push(String::new());
        lines.push("Open follow-ups:".into());
        for f in &open {
            lines.push(format!(
                "  {} {} {} — {}",
                f.id,
                f.handle,
                relative(f.due_at, now),
                first_line(&f.text)
            ));
        }
    }
    if !recent.is_empty() {
        lines.push(String::new());
        lines.push("Latest interactions:".into());
        for i in &recent {
            let who = i.contacts.join(", ");
            lines.push(format!(
                "  {} {} {} {who} — {}",
                i.id,
                relative(i.at, now),
                i.channel,
                first_line(&i.note)
            ));
        }
    }
    // One line at a time: a note shows a line break inside it escaped.
    for line in lines {
        ctx.out.note(&line)?;
    }
    Ok(())
}

/// The spellings of the organisation `text` names: every spelling that folds to it exactly,
/// else those of the one organisation it is a prefix of; exit 3 otherwise, as for a WHO.
pub(in crate::cmd) fn resolve(spellings: &[String], text: &str) -> Result<Vec<String>> {
    let wanted = fold(text.trim());
    let exact: Vec<String> = spellings
        .iter()
        .filter(|s| fold(s) == wanted)
        .cloned()
        .collect();
    if !exact.is_empty() || wanted.is_empty() {
        return if exact.is_empty() {
            Err(Error::not_found(format!(
                "no organisation matches '{text}'"
            )))
        } else {
            Ok(exact)
        };
    }
    let mut by_org: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in spellings.iter().filter(|s| fold(s).starts_with(&wanted)) {
        by_org.entry(fold(s)).or_default().push(s.clone());
    }
    match by_org.len() {
        0 => Err(
            Error::not_found(format!("no organisation matches '{text}'"))
                .with_hint("'rel accounts' lists them"),
        ),
        1 => Ok(by_org.into_values().next().unwrap_or_default()),
        _ => Err(
            Error::not_found(format!("'{text}' matches several organisations"))
                .with_details(by_org.values().filter_map(|s| s.first().cloned()).collect()),
        ),
    }
}
