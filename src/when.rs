//! The WHEN grammar, durations and cadences. "Now" always comes in as an argument so that
//! `REL_NOW` makes every command reproducible.

use crate::error::{Error, Result};
use chrono::{
    DateTime, Datelike, Days, Duration, Local, LocalResult, Months, NaiveDate, NaiveDateTime,
    NaiveTime, TimeZone, Utc, Weekday,
};

/// The unit of a duration or cadence. `m` is always a month, never a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// A span of calendar time such as `3d` or `2w`; months and years are calendar-aware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub count: u32,
    pub unit: Unit,
}

/// Whether a WHEN names something that happened (`--at`, `--since`) or will happen (`--follow-up`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Past,
    Future,
}

/// A parsed WHEN: the instant, and whether the user named a whole day rather than a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub at: DateTime<Utc>,
    pub date_only: bool,
}

impl When {
    /// The first instant after the named time: a date names its whole day (for `--until`).
    pub fn end_exclusive(&self) -> Result<DateTime<Utc>> {
        if self.date_only {
            let day = self.at.with_timezone(&Local).date_naive();
            let next = day.succ_opt().ok_or_else(out_of_range)?;
            local_instant(next.and_time(NaiveTime::MIN))
        } else {
            Ok(self.at + Duration::seconds(1))
        }
    }
}

fn out_of_range() -> Error {
    Error::usage("date is out of range")
}

fn parse_unit(word: &str) -> Option<Unit> {
    Some(match word {
        "min" | "mins" | "minute" | "minutes" => Unit::Minutes,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hours,
        "d" | "day" | "days" => Unit::Days,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Weeks,
        "m" | "mo" | "mon" | "month" | "months" => Unit::Months,
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Years,
        _ => return None,
    })
}

impl Span {
    /// Parses `3d`, `2 weeks`, `1mo`, `10min`: a positive whole number and a unit.
    pub fn parse(input: &str) -> Result<Span> {
        let text = input.trim().to_lowercase();
        let digits_end = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, rest) = text.split_at(digits_end);
        let bad = || {
            Error::usage(format!("invalid duration '{input}'"))
                .with_hint("use a whole number and a unit: 30min, 2h, 3d, 2w, 1m (month), 1y")
        };
        if digits.is_empty() {
            return Err(bad());
        }
        let count: u32 = digits
            .parse()
            .map_err(|_| Error::usage(format!("duration '{input}' is too large")))?;
        let unit = parse_unit(rest.trim()).ok_or_else(bad)?;
        if count == 0 {
            return Err(Error::usage(format!(
                "duration '{input}' must be greater than zero"
            )));
        }
        Ok(Span { count, unit })
    }

    /// `t` moved forward (`sign` = 1) or back (`sign` = -1) by this span, in local calendar
    /// terms for days and longer (so `1d` across a DST change is still "same time tomorrow").
    /// None when the result leaves chrono's range.
    pub fn shift(&self, t: DateTime<Utc>, forward: bool) -> Option<DateTime<Utc>> {
        let n = self.count;
        match self.unit {
            Unit::Minutes => shift_exact(t, Duration::try_minutes(n.into())?, forward),
            Unit::Hours => shift_exact(t, Duration::try_hours(n.into())?, forward),
            Unit::Days => shift_local(t, forward, |d, f| add_days(d, n.into(), f)),
            Unit::Weeks => shift_local(t, forward, |d, f| add_days(d, u64::from(n) * 7, f)),
            Unit::Months => shift_local(t, forward, |d, f| add_months(d, n, f)),
            Unit::Years => shift_local(t, forward, |d, f| add_months(d, n.checked_mul(12)?, f)),
        }
    }

    /// Length in days for ranking only: a month counts 30 days and a year 365.
    pub fn approx_days(&self) -> f64 {
        let n = f64::from(self.count);
        match self.unit {
            Unit::Minutes => n / 1440.0,
            Unit::Hours => n / 24.0,
            Unit::Days => n,
            Unit::Weeks => n * 7.0,
            Unit::Months => n * 30.0,
            Unit::Years => n * 365.0,
        }
    }
}

fn shift_exact(t: DateTime<Utc>, d: Duration, forward: bool) -> Option<DateTime<Utc>> {
    if forward {
        t.checked_add_signed(d)
    } else {
        t.checked_sub_signed(d)
    }
}

fn add_days(d: NaiveDateTime, n: u64, forward: bool) -> Option<NaiveDateTime> {
    if forward {
        d.checked_add_days(Days::new(n))
    } else {
        d.checked_sub_days(Days::new(n))
    }
}

/// chrono clamps to the month's end (Jan 31 + 1 month = Feb 28/29), as the contract asks.
fn add_months(d: NaiveDateTime, n: u32, forward: bool) -> Option<NaiveDateTime> {
    if forward {
        d.checked_add_months(Months::new(n))
    } else {
        d.checked_sub_months(Months::new(n))
    }
}

fn shift_local(
    t: DateTime<Utc>,
    forward: bool,
    step: impl Fn(NaiveDateTime, bool) -> Option<NaiveDateTime>,
) -> Option<DateTime<Utc>> {
    let local = t.with_timezone(&Local).naive_local();
    local_instant(step(local, forward)?).ok()
}

/// A local wall-clock time as an instant; a time skipped by DST moves forward an hour.
pub fn local_instant(naive: NaiveDateTime) -> Result<DateTime<Utc>> {
    let resolved = match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(first, _) => Some(first),
        LocalResult::None => naive
            .checked_add_signed(Duration::hours(1))
            .and_then(|later| Local.from_local_datetime(&later).earliest()),
    };
    resolved
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(out_of_range)
}

/// The longest cadence accepted (100 years, counting a year as 365.25 days).
const MAX_CADENCE_DAYS: f64 = 36_525.0;

/// A cadence: how often to be in touch. `Never` beats tag cadences and `default-every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    Never,
    Every(Span),
}

impl Cadence {
    /// Parses `3d`, `2w`, `1m`, `weekly`, `monthly`, `quarterly`, `yearly` (and `never`).
    pub fn parse(input: &str) -> Result<Cadence> {
        let word = input.trim().to_lowercase();
        let span = |count, unit| Ok(Cadence::Every(Span { count, unit }));
        match word.as_str() {
            "never" => Ok(Cadence::Never),
            "daily" => span(1, Unit::Days),
            "weekly" => span(1, Unit::Weeks),
            "fortnightly" | "biweekly" => span(2, Unit::Weeks),
            "monthly" => span(1, Unit::Months),
            "quarterly" => span(3, Unit::Months),
            "yearly" | "annually" => span(1, Unit::Years),
            _ => {
                let span = Span::parse(input).map_err(|_| {
                    Error::usage(format!("invalid cadence '{input}'")).with_hint(
                        "use 3d, 2w, 1m, 6m, 1y, weekly, monthly, quarterly, yearly or never",
                    )
                })?;
                // A longer cadence would silently mean "never due" once the due date leaves
                // the calendar's range; say so instead.
                if span.approx_days() > MAX_CADENCE_DAYS {
                    return Err(Error::usage(format!(
                        "cadence '{}' is longer than 100 years",
                        input.trim()
                    ))
                    .with_hint("use 'never' for a contact that is never due"));
                }
                Ok(Cadence::Every(span))
            }
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Cadence::Never => None,
            Cadence::Every(span) => Some(*span),
        }
    }
}

/// The local calendar day of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Local).date_naive()
}

fn start_of(day: NaiveDate) -> Result<DateTime<Utc>> {
    local_instant(day.and_time(NaiveTime::MIN))
}

/// Parses the absolute forms only (RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`), as `REL_NOW` takes.
pub fn parse_absolute(input: &str) -> Option<When> {
    let text = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(When {
            at: t.with_timezone(&Utc),
            date_only: false,
        });
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
        return Some(When {
            at: t.with_timezone(&Utc),
            date_only: false,
        });
    }
    // Exactly four-digit years: `9999999-01-01` is not a date anyone means.
    let year_digits = text.split('-').next().map_or(0, str::len);
    if year_digits != 4 {
        return None;
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(When {
            at: start_of(day).ok()?,
            date_only: true,
        });
    }
    for pattern in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, pattern) {
            return Some(When {
                at: local_instant(naive).ok()?,
                date_only: false,
            });
        }
    }
    None
}

fn parse_weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "weds" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// `15:00`, `9:30`, `3pm`, `3:30pm`, `noon`, `midnight`.
fn parse_time_of_day(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    match text {
        "noon" => return NaiveTime::from_hms_opt(12, 0, 0),
        "midnight" => return Some(NaiveTime::MIN),
        _ => {}
    }
    let (body, offset) = if let Some(b) = text.strip_suffix("am") {
        (b.trim(), Some(0))
    } else if let Some(b) = text.strip_suffix("pm") {
        (b.trim(), Some(12))
    } else {
        (text, None)
    };
    let (hour_text, minute_text) = body.split_once(':').unwrap_or((body, "0"));
    if hour_text.is_empty() || hour_text.len() > 2 || minute_text.len() > 2 {
        return None;
    }
    let hour: u32 = hour_text.parse().ok()?;
    let minute: u32 = minute_text.parse().ok()?;
    let hour = match offset {
        Some(add) if (1..=12).contains(&hour) => hour % 12 + add,
        Some(_) => return None,
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// Parses a WHEN relative to `now`. `dir` settles weekday names and bare durations.
pub fn parse_when(input: &str, now: DateTime<Utc>, dir: Dir) -> Result<When> {
    parse_when_inner(input, now, dir).ok_or_else(|| {
        Error::usage(format!("invalid date '{input}'")).with_hint(
            "try 2026-03-01, '2026-03-01 14:30', today, yesterday 3pm, friday, '3 days ago', 'in 2w', 3d",
        )
    })?
}

fn parse_when_inner(input: &str, now: DateTime<Utc>, dir: Dir) -> Option<Result<When>> {
    if let Some(when) = parse_absolute(input) {
        return Some(Ok(when));
    }
    let text = input.trim().to_lowercase();
    if text == "now" {
        return Some(Ok(When {
            at: now,
            date_only: false,
        }));
    }
    if let Some(rest) = text.strip_suffix("ago") {
        return Some(shift_now(rest.trim(), now, false));
    }
    if let Some(rest) = text.strip_prefix("in ") {
        return Some(shift_now(rest.trim(), now, true));
    }
    if text.starts_with(|c: char| c.is_ascii_digit())
        && let Ok(span) = Span::parse(&text)
    {
        return Some(shift_now_by(span, now, dir == Dir::Future));
    }
    let (day_word, time_text) = match text.split_once(char::is_whitespace) {
        Some((day, rest)) => (day, Some(rest.trim().trim_start_matches("at ").trim())),
        None => (text.as_str(), None),
    };
    let today = local_date(now);
    let day = match day_word {
        "today" => today,
        "yesterday" => today.pred_opt()?,
        "tomorrow" => today.succ_opt()?,
        other => {
            let weekday = parse_weekday(other)?;
            let today_index = i64::from(today.weekday().num_days_from_monday());
            let target_index = i64::from(weekday.num_days_from_monday());
            let delta = match dir {
                // The next one strictly after today: on a Friday, `friday` is a week ahead.
                Dir::Future => (target_index - today_index - 1).rem_euclid(7) + 1,
                // The latest one on or before today.
                Dir::Past => -((today_index - target_index).rem_euclid(7)),
            };
            today.checked_add_signed(Duration::days(delta))?
        }
    };
    Some(match time_text {
        None => start_of(day).map(|at| When {
            at,
            date_only: true,
        }),
        Some(time) => {
            let time = parse_time_of_day(time)?;
            local_instant(day.and_time(time)).map(|at| When {
                at,
                date_only: false,
            })
        }
    })
}

fn shift_now(span_text: &str, now: DateTime<Utc>, forward: bool) -> Result<When> {
    let span = Span::parse(span_text)?;
    shift_now_by(span, now, forward)
}

fn shift_now_by(span: Span, now: DateTime<Utc>, forward: bool) -> Result<When> {
    let at = span.shift(now, forward).ok_or_else(out_of_range)?;
    Ok(When {
        at,
        date_only: false,
    })
}

#[cfg(test)]
#[path = "when_tests.rs"]
mod tests;
