//! `rel stats`: REITH profile, touches per channel and per month, and (across everyone) who is
//! going cold and who is strained. Charts in a table, plain numbers everywhere else.

mod chart;

use self::chart::Report;
use super::Ctx;
use crate::cli::StatsArgs;
use crate::db::stats::counters;
use crate::db::stats::{self, Scope, Strained};
use crate::db::who;
use crate::error::Result;
use crate::model::Trait;
use crate::output::{Format, ListRow, Tone, rfc3339_opt};
use crate::when::Dir;
use serde_json::{Map, Value, json};

/// How many contacts `going_cold` lists.
const GOING_COLD_TOP: usize = 10;

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
    let tallies = if contact_id.is_none() && since.is_none() {
        counters::tallies(db.conn())?
    } else {
        stats::tallies(db.conn(), scope)?
    };
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
    if ctx.out.is_json() {
        ctx.out.json_record(&ReportJson(&report))?;
        return Ok(());
    }
    if ctx.out.format == Format::Table {
        return chart::print(&ctx.out, &report);
    }
    const HEADERS: [&str; 3] = ["section", "key", "value"];
    ctx.out
        .list_streamed(&HEADERS, &HEADERS, plain_rows(&report, ctx.out.format), "")
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

/// The contract's `stats` object, serialized as it is written: every strained contact (24,761
/// at L) as a JSON tree first cost 60 MB. Keys in the order a `serde_json::Map` prints them
/// (sorted), `strained` last, so the output is what it was.
struct ReportJson<'a>(&'a Report);

impl serde::Serialize for ReportJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let head = report_json_head(self.0);
        let mut map = serializer.serialize_map(Some(head.len() + 1))?;
        for (key, value) in &head {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("strained", &StrainedJson(&self.0.strained))?;
        map.end()
    }
}

/// The `strained` list, one small object at a time.
struct StrainedJson<'a>(&'a [Strained]);

impl serde::Serialize for StrainedJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|s| {
            json!({
                "handle": s.handle,
                "name": s.name,
                "reith": s.reith,
            })
        }))
    }
}

/// The contract's `stats` object but `strained`: reith, channels, months, going_cold.
fn report_json_head(report: &Report) -> Map<String, Value> {
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
    let going_cold: Vec<Value> = report
        .going_cold
        .iter()
        .map(|c| {
            json!({
                "handle": c.handle,
                "name": c.name,
                "every": c.every,
                "last_touch": rfc3339_opt(c.last_touch),
                "days_since": c.days_since,
                // Two decimals: enough to read the ranking, stable in output.
                "ratio": (c.ratio * 100.0).round() / 100.0,
            })
        })
        .collect();
    let mut head = Map::new();
    head.insert(
        "contact".into(),
        json!(report.contact.as_ref().map(|(handle, _)| handle)),
    );
    head.insert("since".into(), json!(rfc3339_opt(report.since)));
    head.insert("reith".into(), Value::Object(reith));
    head.insert("channels".into(), Value::Object(counts(&report.channels)));
    head.insert("months".into(), Value::Object(counts(&report.months)));
    head.insert("going_cold".into(), Value::Array(going_cold));
    head
}

/// csv/tsv: one `section, key, value` row per number (documented in the README), made as
/// they are printed (the strained contacts' rows are tens of thousands at L).
fn plain_rows(report: &Report, format: Format) -> impl Iterator<Item = Result<ListRow>> + '_ {
    let reith = Trait::ALL.into_iter().flat_map(|t| {
        let (shown, strained) = (report.traits.shown.get(t), report.traits.strained.get(t));
        [
            ("reith", format!("{}.shown", t.name()), shown),
            ("reith", format!("{}.strained", t.name()), strained),
            ("reith", format!("{}.net", t.name()), shown - strained),
        ]
    });
    let channels = report
        .channels
        .iter()
        .map(|(channel, count)| ("channel", channel.clone(), *count));
    let months = report
        .months
        .iter()
        .map(|(month, count)| ("month", month.clone(), *count));
    let cold = report
        .going_cold
        .iter()
        .map(|cold| ("going_cold", cold.handle.clone(), cold.days_since));
    let strained = report.strained.iter().flat_map(|strained| {
        Trait::ALL
            .into_iter()
            .filter(|t| strained.reith.get(*t) < 0)
            .map(|t| {
                let key = format!("{}.{}", strained.handle, t.name());
                ("strained", key, strained.reith.get(t))
            })
    });
    reith
        .chain(channels)
        .chain(months)
        .chain(cold)
        .chain(strained)
        .map(move |(section, key, value)| {
            let plain = vec![section.to_string(), key, value.to_string()];
            // The table's copy only for a table (28k rows at L, most of them strained marks).
            let pretty = match format {
                Format::Table => plain.iter().map(|c| (c.clone(), Tone::Plain)).collect(),
                _ => Vec::new(),
            };
            Ok(ListRow {
                json: Value::Null,
                plain,
                pretty,
            })
        })
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
