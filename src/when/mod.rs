//! The WHEN grammar, durations and cadences. "Now" always comes in as an argument so that
//! `REL_NOW` makes every command reproducible.

use crate::error::{Error, Result};
use chrono::{
    DateTime, Datelike, Days, Duration, Local, LocalResult, Months, NaiveDate, NaiveDateTime,
    NaiveTime, Offset, TimeZone, Utc,
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

/// The first and last years rel accepts or stores (contract "WHEN, refined"): outside them
/// exports stop re-importing (`+10000-…`) and calendars choke.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9999;

pub(crate) fn out_of_range() -> Error {
    Error::usage("date is out of range")
        .with_hint(format!("rel takes dates in years {FIRST_YEAR}–{LAST_YEAR}"))
}

/// Whether an instant lies in years 1900–9999 both in UTC and in local time (it is stored as
/// the one and shown as the other).
pub fn in_range(at: DateTime<Utc>) -> bool {
    let years = FIRST_YEAR..=LAST_YEAR;
    years.contains(&at.year()) && years.contains(&at.with_timezone(&Local).year())
}

/// The one range check for every instant rel accepts or stores: options, snooze, remind,
/// `--within`, and import (call this, or [`check_unix_in_range`], for every imported time).
/// Outside years 1900–9999: exit 2 `… out of range`.
pub fn check_in_range(at: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if in_range(at) {
        Ok(at)
    } else {
        Err(out_of_range())
    }
}

/// [`check_in_range`] for a stored Unix time (seconds).
pub fn check_unix_in_range(unix: i64) -> Result<i64> {
    let at = DateTime::from_timestamp(unix, 0).ok_or_else(out_of_range)?;
    check_in_range(at).map(|_| unix)
}

/// [`check_in_range`] for a calendar date (a birthday with its year).
pub fn check_date_in_range(day: NaiveDate) -> Result<NaiveDate> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
        Ok(day)
    } else {
        Err(out_of_range())
    }
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

/// A local wall-clock time as an instant. A time that occurs twice (clocks going back) is
/// the earlier one; a time skipped by clocks going forward moves forward by the length of
/// the gap, however long (Antarctica/Troll skips two hours).
pub fn local_instant(naive: NaiveDateTime) -> Result<DateTime<Utc>> {
    let resolved = match Local.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, later) => Some(earlier.min(later).with_timezone(&Utc)),
        LocalResult::None => across_gap(naive),
    };
    resolved.ok_or_else(out_of_range)
}

/// A wall time inside a gap read with the offset in force just before the gap: that instant
/// shows on the clock as the same time plus the gap's length.
fn across_gap(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    let before = (1..=48).find_map(|hours| {
        let earlier = naive.checked_sub_signed(Duration::hours(hours))?;
        Local.from_local_datetime(&earlier).latest()
    })?;
    let offset = Duration::seconds(i64::from(before.offset().fix().local_minus_utc()));
    Some(Utc.from_utc_datetime(&naive.checked_sub_signed(offset)?))
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

/// Calendar days in local time from the day of `due_at` to the day of `now`: 0 = due today,
/// 1 = was due yesterday, -1 = due tomorrow, whatever the hour (contract "Numbers").
pub fn days_late(due_at: i64, now: i64) -> i64 {
    match (DateTime::from_timestamp(due_at, 0), today_at(now)) {
        (Some(due), Some(today)) => (today - local_date(due)).num_days(),
        _ => (now - due_at).div_euclid(86_400),
    }
}

/// The local date of `now`, remembered for the next call: a listing asks with the same `now`
/// for each of its rows (60,000 at L), and the local time zone's lookup is most of the cost.
fn today_at(now: i64) -> Option<NaiveDate> {
    thread_local! {
        static LAST: std::cell::Cell<Option<(i64, NaiveDate)>> = const { std::cell::Cell::new(None) };
    }
    LAST.with(|last| {
        if let Some((at, today)) = last.get()
            && at == now
        {
            return Some(today);
        }
        let today = local_date(DateTime::from_timestamp(now, 0)?);
        last.set(Some((now, today)));
        Some(today)
    })
}

/// The first instant of a local day (midnight, or the end of a gap that swallows it).
pub fn start_of(day: NaiveDate) -> Result<DateTime<Utc>> {
    local_instant(day.and_time(NaiveTime::MIN))
}

mod grammar;
pub use grammar::{parse_absolute, parse_when};

#[cfg(test)]
mod tests;
