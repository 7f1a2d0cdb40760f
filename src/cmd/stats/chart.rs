//! `rel stats` in a terminal: small bar charts drawn with block characters, scaled to the
//! terminal's width (people would rather look than read).

use crate::db::stats::{Cold, Strained, TraitCounts};
use crate::error::Result;
use crate::model::Trait;
use crate::output::{Output, escape_visible, local_datetime};
use std::io::Write;

/// Everything `rel stats` reports, gathered once (by `stats.rs`) and printed in the chosen
/// format; defined here so that the chart needs nothing from the command.
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

/// The table format shows the latest months only; json/csv/tsv carry them all.
const MONTHS_SHOWN: usize = 12;
/// Bars never grow wider than this, however wide the terminal.
const MAX_BAR: usize = 40;
const LABEL: usize = 10;

/// Eighths of a cell, so a bar's length is exact to 1/8 of a character.
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A bar `value / max` of `width` cells long (never empty for a non-zero value).
pub fn bar(value: i64, max: i64, width: usize) -> String {
    if value <= 0 || max <= 0 || width == 0 {
        return String::new();
    }
    let eighths = ((value as f64 / max as f64) * (width * 8) as f64).round() as usize;
    let eighths = eighths.clamp(1, width * 8);
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(EIGHTHS[eighths % 8]);
    }
    out
}

/// The width charts fit: the terminal's (or `COLUMNS`), else 80.
fn terminal_width() -> usize {
    crate::output::terminal::terminal_width().unwrap_or(80)
}

/// Colours a bar when colour is on.
fn paint(out: &Output, bar: &str, style: anstyle::Style) -> String {
    if out.color && !bar.is_empty() {
        format!("{}{bar}{}", style.render(), style.render_reset())
    } else {
        bar.to_string()
    }
}

fn pad(bar: &str, width: usize) -> String {
    let len = bar.chars().count();
    format!("{bar}{}", " ".repeat(width.saturating_sub(len)))
}

pub fn print(out: &Output, report: &Report) -> Result<()> {
    let width = terminal_width();
    let green = anstyle::AnsiColor::Green.on_default();
    let red = anstyle::AnsiColor::Red.on_default();
    let blue = anstyle::AnsiColor::Blue.on_default();
    let bold = anstyle::Style::new().bold();
    let heading = |text: &str| {
        if out.color {
            format!("{}{text}{}", bold.render(), bold.render_reset())
        } else {
            text.to_string()
        }
    };
    let mut lines = Vec::new();
    let mut title = match &report.contact {
        Some((handle, name)) => format!("Stats for {name} ({handle})"),
        None => "Stats for everyone".to_string(),
    };
    if let Some(since) = report.since {
        title.push_str(&format!(" since {}", local_datetime(since)));
    }
    lines.push(heading(&escape_visible(&title)));

    // "  label  NNNN bar" lines: whatever is left of the width, split in two for REITH.
    let single = width
        .saturating_sub(2 + LABEL + 1 + 5 + 1)
        .clamp(1, MAX_BAR);
    // "  label shown BAR strained BAR net": 2 + LABEL + 1, then three 5-wide numbers, 4 blanks.
    let half = (width.saturating_sub(2 + LABEL + 1 + 3 * 5 + 4) / 2).clamp(1, MAX_BAR / 2);

    lines.push(String::new());
    lines.push(heading("REITH         shown / strained / net"));
    let max = Trait::ALL
        .into_iter()
        .map(|t| {
            report
                .traits
                .shown
                .get(t)
                .max(report.traits.strained.get(t))
        })
        .max()
        .unwrap_or(0);
    for t in Trait::ALL {
        let (shown, strained) = (report.traits.shown.get(t), report.traits.strained.get(t));
        let shown_bar = paint(out, &pad(&bar(shown, max, half), half), green);
        let strained_bar = paint(out, &pad(&bar(strained, max, half), half), red);
        lines.push(format!(
            "  {:<LABEL$} {shown:>5} {shown_bar} {strained:>5} {strained_bar} {:>5}",
            t.name(),
            signed(shown - strained),
        ));
    }

    let mut counts_section = |name: String, pairs: &[(String, i64)], empty: &str| {
        lines.push(String::new());
        lines.push(heading(&name));
        if pairs.is_empty() {
            lines.push(format!("  {empty}"));
        }
        let max = pairs.iter().map(|(_, c)| *c).max().unwrap_or(0);
        for (key, count) in pairs {
            let drawn = paint(out, &bar(*count, max, single), blue);
            // Keys are channels and months: a channel an older rel stored unchecked may hold
            // anything.
            let key = pad_to(&escape_visible(key), LABEL);
            lines.push(format!("  {key} {count:>5} {drawn}"));
        }
    };
    counts_section("Touches per channel".into(), &report.channels, "none yet");
    let skip = report.months.len().saturating_sub(MONTHS_SHOWN);
    let months_title = if skip > 0 {
        format!("Touches per month (last {MONTHS_SHOWN}; all with --format json)")
    } else {
        "Touches per month".to_string()
    };
    counts_section(months_title, &report.months[skip..], "none yet");

    if report.contact.is_none() || !report.going_cold.is_empty() {
        lines.push(String::new());
        lines.push(heading("Going cold (most overdue for their cadence)"));
        if report.going_cold.is_empty() {
            lines.push("  nobody is past their cadence".to_string());
        }
        let handles: Vec<String> = report
            .going_cold
            .iter()
            .map(|c| escape_visible(&c.handle))
            .collect();
        let everys: Vec<String> = report
            .going_cold
            .iter()
            .map(|c| escape_visible(&c.every))
            .collect();
        let handle_width = column_width(handles.iter());
        let every_width = column_width(everys.iter());
        for ((cold, handle), every) in report.going_cold.iter().zip(&handles).zip(&everys) {
            let last = cold.last_touch.map_or("never".to_string(), local_datetime);
            let facts = format!(
                "  {} {:>5}d  every {}",
                pad_to(handle, handle_width),
                cold.days_since,
                pad_to(every, every_width),
            );
            let parts = [facts, format!("last {last}"), escape_visible(&cold.name)];
            lines.push(fit_line(&parts, width));
        }
    }
    if report.contact.is_none() || !report.strained.is_empty() {
        lines.push(String::new());
        lines.push(heading("Strained (below zero on a trait)"));
        if report.strained.is_empty() {
            lines.push("  none".to_string());
        }
        let handles: Vec<String> = report
            .strained
            .iter()
            .map(|s| escape_visible(&s.handle))
            .collect();
        let handle_width = column_width(handles.iter());
        let standings: Vec<String> = report
            .strained
            .iter()
            .map(|s| s.reith.compact_nonzero())
            .collect();
        let standing_width = column_width(standings.iter());
        for ((strained, standing), handle) in report.strained.iter().zip(&standings).zip(&handles) {
            let facts = format!(
                "  {} {}",
                pad_to(handle, handle_width),
                pad_to(standing, standing_width),
            );
            lines.push(fit_line(&[facts, escape_visible(&strained.name)], width));
        }
    }
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        writeln!(stdout, "{}", line.trim_end())?;
    }
    stdout.flush()?;
    Ok(())
}

/// As many of `parts` as fit the width, joined by two spaces, dropping from the end (the name
/// goes before the date); the first alone is cut if need be. A line never wraps mid-date.
fn fit_line(parts: &[String], width: usize) -> String {
    for count in (1..=parts.len()).rev() {
        let line = parts[..count].join("  ");
        if unicode_width::UnicodeWidthStr::width(line.as_str()) <= width {
            return line;
        }
    }
    crate::output::shape::cut(parts.first().map_or("", String::as_str), width)
}

/// `+3`, `-1`, `0`.
fn signed(value: i64) -> String {
    if value == 0 {
        "0".to_string()
    } else {
        format!("{value:+}")
    }
}

/// `text` padded with spaces to `width` characters. Not `{:<width$}`: a width past 65,535
/// (a 65,536-character handle) makes `format!` panic.
fn pad_to(text: &str, width: usize) -> String {
    let len = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(len)))
}

fn column_width<'a>(values: impl Iterator<Item = &'a String>) -> usize {
    values.map(|v| v.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_in_eighths() {
        assert_eq!(bar(0, 10, 10), "");
        assert_eq!(bar(10, 10, 10), "██████████");
        assert_eq!(bar(5, 10, 10), "█████");
        assert_eq!(bar(3, 16, 2), "▍");
        assert_eq!(bar(12, 16, 2), "█▌");
        assert_eq!(bar(1, 1000, 10), "▏");
    }
}
