//! `rel stats`: REITH profile, touches per channel and per month, and (across everyone) who is
//! going cold and who is strained. Charts in a table, plain numbers everywhere else.

use super::Ctx;
use super::stats_chart;
use crate::cli::StatsArgs;
use crate::db::stats::{self, Cold, Scope, Strained, TraitCounts};
use crate::db::who;
use crate::error::Result;
use crate::model::Trait;
use crate::output::{Format, ListRow, Listing, Tone, rfc3339_opt};
use crate::when::Dir;
use serde_json::{Map, Value, json};

/// How many contacts `going_cold` lists.
const GOING_COLD_TOP: usize = 10;

/// Everything `rel stats` reports, gathered once and printed in the chosen format.
pub struct Report {
    /// The contact asked about: (handle, name).
    pub contact: Option<(String, String)>,
    pub since: Option<i64>,
    pub traits: TraitCounts,
    pub channels: Vec<(String, i64)>,
    pub months: Vec<(String, i64)>,
    pub going_cold: Vec<Cold>,
    pub strained: Vec<Strained>,
}

pub fn run(ctx: &Ctx, args: StatsArgs) -> Result<()> {
    let since = args
        .since
        .as_deref()
        .map(|w| ctx.when(w, Dir::Past))
        .transpose()?
        .map(|w| w.at.timestamp());
    let db = ctx.open()?;
    let contact = args
        .who
        .as_deref()
        .map(|w| who::resolve(db.conn(), w))
        .transpose()?;
    let contact_id = contact.as_ref().map(|c| c.id);
    let scope = Scope { contact_id, since };
    let tallies = stats::tallies(db.conn(), scope)?;
    let report = Report {
        contact: contact.map(|c| (c.handle, c.name)),
        since,
        traits: tallies.traits,
        channels: tallies.channels,
        months: fill_months(tallies.months),
        going_cold: stats::going_cold(
            db.conn(),
            contact_id,
            ctx.now_unix(),
            crate::when::start_of(crate::when::local_date(ctx.now))?.timestamp(),
            GOING_COLD_TOP,
        )?,
        strained: stats::strained(db.conn(), contact_id)?,
    };
    if ctx.out.json_record(&report_json(&report))? {
        return Ok(());
    }
    if ctx.out.format == Format::Table {
        return stats_chart::print(&ctx.out, &report);
    }
    ctx.out.list(
        &Listing::new(&["section", "key", "value"], plain_rows(&report)),
        "",
    )
}

/// Adds the months without touches between the first and the last, so a chart shows the gaps.
fn fill_months(found: Vec<(String, i64)>) -> Vec<(String, i64)> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some(first), Some(last)) = (
        found.first().and_then(|(m, _)| parse(m)),
        found.last().and_then(|(m, _)| parse(m)),
    ) else {
        return found;
    };
    let mut filled = Vec::new();
    let (mut year, mut month) = first;
    while (year, month) <= last {
        let key = format!("{year:04}-{month:02}");
        let count = found.iter().find(|(m, _)| *m == key).map_or(0, |(_, c)| *c);
        filled.push((key, count));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    filled
}

/// The contract's `stats` object: reith, channels, months, going_cold, strained.
fn report_json(report: &Report) -> Value {
    let reith: Map<String, Value> = Trait::ALL
        .into_iter()
        .map(|t| {
            let (shown, strained) = (report.traits.shown.get(t), report.traits.strained.get(t));
            let counts = json!({"shown": shown, "strained": strained, "net": shown - strained});
            (t.name().to_string(), counts)
        })
        .collect();
    let counts = |pairs: &[(String, i64)]| -> Map<String, Value> {
        pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
    };
    json!({
        "contact": report.contact.as_ref().map(|(handle, _)| handle),
        "since": rfc3339_opt(report.since),
        "reith": reith,
        "channels": counts(&report.channels),
        "months": counts(&report.months),
        "going_cold": report.going_cold.iter().map(|c| json!({
            "handle": c.handle,
            "name": c.name,
            "every": c.every,
            "last_touch": rfc3339_opt(c.last_touch),
            "days_since": c.days_since,
            // Two decimals: enough to read the ranking, stable in output.
            "ratio": (c.ratio * 100.0).round() / 100.0,
        })).collect::<Vec<_>>(),
        "strained": report.strained.iter().map(|s| json!({
            "handle": s.handle,
            "name": s.name,
            "reith": s.reith,
        })).collect::<Vec<_>>(),
    })
}

/// csv/tsv: one `section, key, value` row per number (documented in the README).
fn plain_rows(report: &Report) -> Vec<ListRow> {
    let mut rows = Vec::new();
    let mut push = |section: &str, key: String, value: i64| {
        let plain = vec![section.to_string(), key, value.to_string()];
        rows.push(ListRow {
            json: Value::Null,
            pretty: plain.iter().map(|c| (c.clone(), Tone::Plain)).collect(),
            plain,
        });
    };
    for t in Trait::ALL {
        let (shown, strained) = (report.traits.shown.get(t), report.traits.strained.get(t));
        push("reith", format!("{}.shown", t.name()), shown);
        push("reith", format!("{}.strained", t.name()), strained);
        push("reith", format!("{}.net", t.name()), shown - strained);
    }
    for (channel, count) in &report.channels {
        push("channel", channel.clone(), *count);
    }
    for (month, count) in &report.months {
        push("month", month.clone(), *count);
    }
    for cold in &report.going_cold {
        push("going_cold", cold.handle.clone(), cold.days_since);
    }
    for strained in &report.strained {
        for t in Trait::ALL {
            if strained.reith.get(t) < 0 {
                push(
                    "strained",
                    format!("{}.{}", strained.handle, t.name()),
                    strained.reith.get(t),
                );
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::fill_months;

    #[test]
    fn months_without_touches_are_filled_across_a_year_end() {
        let filled = fill_months(vec![("2025-11".into(), 2), ("2026-02".into(), 1)]);
        let keys: Vec<&str> = filled.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(filled[1].1, 0);
        assert_eq!(filled[3].1, 1);
    }
}
