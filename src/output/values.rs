//! How values read in a cell or a record: instants (RFC 3339, local, relative), spans, lists
//! and a note's first line.

use chrono::{DateTime, Datelike, Local, SecondsFormat, Timelike};
use serde_json::Value;

/// An instant as RFC 3339 in local time with its offset (the JSON and csv/tsv form), as
/// chrono's `to_rfc3339_opts(Secs, false)` writes it. Spelled by hand: every row of a listing
/// or an export carries one or two, and chrono's formatter took half of their cost.
pub fn rfc3339(unix: i64) -> String {
    let Some(utc) = DateTime::from_timestamp(unix, 0) else {
        return String::new();
    };
    let local = utc.with_timezone(&Local);
    let (date, time) = (local.date_naive(), local.time());
    if !(0..=9999).contains(&date.year()) {
        // Years RFC 3339 cannot hold in four digits: chrono's own spelling.
        return local.to_rfc3339_opts(SecondsFormat::Secs, false);
    }
    let mut out = String::with_capacity(25);
    push_padded(&mut out, date.year().unsigned_abs(), 4);
    out.push('-');
    push_padded(&mut out, date.month(), 2);
    out.push('-');
    push_padded(&mut out, date.day(), 2);
    out.push('T');
    push_padded(&mut out, time.hour(), 2);
    out.push(':');
    push_padded(&mut out, time.minute(), 2);
    out.push(':');
    push_padded(&mut out, time.second(), 2);
    let offset = local.offset().local_minus_utc();
    out.push(if offset < 0 { '-' } else { '+' });
    // Rounded to the minute, as chrono does (old local mean times have seconds: -03:30:52).
    let minutes = (offset.unsigned_abs() + 30) / 60;
    push_padded(&mut out, minutes / 60, 2);
    out.push(':');
    push_padded(&mut out, minutes % 60, 2);
    out
}

fn push_padded(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(place) % 10) as u8));
    }
}

pub fn rfc3339_opt(unix: Option<i64>) -> Value {
    unix.map_or(Value::Null, |t| Value::String(rfc3339(t)))
}

/// An instant as a person reads it in a table: `2026-11-27 14:30` local.
pub fn local_datetime(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// `3w ago`, `in 2d`, `just now`: how far an instant is from now, at a glance.
pub fn relative(unix: i64, now: i64) -> String {
    let seconds = now - unix;
    let span = short_span(seconds.abs());
    if seconds.abs() < 60 {
        "just now".to_string()
    } else if seconds > 0 {
        format!("{span} ago")
    } else {
        format!("in {span}")
    }
}

/// `45m`, `5h`, `18d`, `4mo`, `2y`: days up to 30 (so `18d overdue` sorts by eye among
/// `8d overdue` rows, where `2w` did not), then months, and never `12mo` (that is `1y`).
pub fn short_span(seconds: i64) -> String {
    let minutes = seconds / 60;
    let hours = minutes / 60;
    let days = hours / 24;
    if hours < 1 {
        format!("{minutes}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days <= 30 {
        format!("{days}d")
    } else if days / 30 < 12 {
        format!("{}mo", days / 30)
    } else {
        format!("{}y", (days / 365).max(1))
    }
}

/// Joins a list for a csv/tsv/table cell.
pub fn join(items: &[String]) -> String {
    items.join(",")
}

/// The first line of a note, for tables and due rows.
pub fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::rfc3339;
    use chrono::{DateTime, Local, SecondsFormat};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rfc3339_spells_as_chrono_does(unix in prop_oneof![
            4 => -62_135_596_800i64..253_402_300_800, // years 1 to 9999
            1 => any::<i64>(),
        ]) {
            let chrono = DateTime::from_timestamp(unix, 0)
                .map(|t| t.with_timezone(&Local).to_rfc3339_opts(SecondsFormat::Secs, false))
                .unwrap_or_default();
            prop_assert_eq!(rfc3339(unix), chrono);
        }
    }
}
