//! The WHEN grammar (contract "WHEN" and "WHEN, refined"): absolute dates, named days,
//! weekdays, month-and-day dates, bare times and relative spans. Every result is checked to
//! lie in years 1900–9999.

use super::{Dir, Span, When, check_in_range, local_date, local_instant, start_of};
use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

/// Parses the absolute forms only (RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`), as `REL_NOW`
/// takes. None when the text is not one of them or lies outside years 1900–9999.
pub fn parse_absolute(input: &str) -> Option<When> {
    parse_absolute_any(input).filter(|when| super::in_range(when.at))
}

fn parse_absolute_any(input: &str) -> Option<When> {
    let text = input.trim();
    let moment = |at: DateTime<Utc>| When {
        at,
        date_only: false,
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(moment(t.with_timezone(&Utc)));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
        return Some(moment(t.with_timezone(&Utc)));
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
            return Some(moment(local_instant(naive).ok()?));
        }
    }
    None
}

/// Parses a WHEN relative to `now`. `dir` settles weekday names, bare times, month-and-day
/// dates without a year and bare durations. Exit 2 when unparseable or out of range.
pub fn parse_when(input: &str, now: DateTime<Utc>, dir: Dir) -> Result<When> {
    if has_long_year(input) {
        return Err(out_of_range(input));
    }
    let when = parse_inner(input, now, dir).ok_or_else(|| {
        Error::usage(format!("invalid date '{input}'")).with_hint(
            "try 2026-03-01, '2026-03-01 14:30', today, yesterday 3pm, friday, 'next tue', \
             'dec 5', '3 days ago', 'in 2w', 3d",
        )
    })?;
    let when = when?;
    check_in_range(when.at).map_err(|_| out_of_range(input))?;
    Ok(when)
}

/// `10000-01-01`, `123456-07-08T…`: a date shape whose year has more than four digits.
fn has_long_year(input: &str) -> bool {
    let text = input.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    digits > 4
        && text[digits..].starts_with('-')
        && text[digits + 1..].starts_with(|c: char| c.is_ascii_digit())
}

fn out_of_range(input: &str) -> Error {
    Error::usage(format!("date '{}' is out of range", input.trim())).with_hint(format!(
        "rel takes dates in years {}–{}",
        super::FIRST_YEAR,
        super::LAST_YEAR
    ))
}

fn parse_inner(input: &str, now: DateTime<Utc>, dir: Dir) -> Option<Result<When>> {
    if let Some(when) = parse_absolute_any(input) {
        return Some(Ok(when));
    }
    let text = input.trim().to_lowercase();
    if text == "now" {
        return Some(Ok(moment(now)));
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
    let words = words(&text);
    let (date_words, time) = split_time(&words)?;
    let today = local_date(now);
    let day = match date_words.as_slice() {
        // A bare time: today's, or the next/previous one when today's is on the wrong side of now.
        [] => {
            let time = time?;
            let at = local_instant(today.and_time(time));
            let day = match (dir, at) {
                (Dir::Past, Ok(at)) if at > now => today.pred_opt()?,
                (Dir::Future, Ok(at)) if at <= now => today.succ_opt()?,
                _ => today,
            };
            return Some(at_time(day, Some(time)));
        }
        ["today"] => today,
        ["yesterday"] => today.pred_opt()?,
        ["tomorrow"] => today.succ_opt()?,
        [
            which @ ("next" | "last"),
            unit @ ("week" | "month" | "year"),
        ] => {
            let span = Span::parse(&format!("1{unit}")).ok()?;
            let shifted = span.shift(now, *which == "next");
            return Some(match (shifted, time) {
                (None, _) => Err(super::out_of_range()),
                (Some(at), None) => Ok(moment(at)),
                (Some(at), Some(_)) => at_time(local_date(at), time),
            });
        }
        ["next", weekday] => step_to(today, parse_weekday(weekday)?, true),
        ["last", weekday] => step_to(today, parse_weekday(weekday)?, false),
        [weekday] if parse_weekday(weekday).is_some() => {
            let weekday = parse_weekday(weekday)?;
            match dir {
                // The next one strictly after today: on a Friday, `friday` is a week ahead.
                Dir::Future => step_to(today, weekday, true),
                // The latest one on or before today, or the one before when that is later
                // than now (at 9:00 on a Tuesday, `tue 10am` is last Tuesday).
                Dir::Past => {
                    let latest = step_to(today.succ_opt()?, weekday, false);
                    let later_than_now = at_time(latest, time).is_ok_and(|w| w.at > now);
                    if later_than_now {
                        latest.checked_sub_signed(Duration::days(7))?
                    } else {
                        latest
                    }
                }
            }
        }
        other => month_day(other, today, dir)?,
    };
    Some(at_time(day, time))
}

fn moment(at: DateTime<Utc>) -> When {
    When {
        at,
        date_only: false,
    }
}

fn at_time(day: NaiveDate, time: Option<NaiveTime>) -> Result<When> {
    match time {
        None => start_of(day).map(|at| When {
            at,
            date_only: true,
        }),
        Some(time) => local_instant(day.and_time(time)).map(moment),
    }
}

/// Lower-case words, commas dropped, `at` dropped, and `3 pm` joined into `3pm`.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.replace(',', " ").split_whitespace() {
        match word {
            "at" => {}
            "am" | "pm" | "a.m." | "p.m." if !words.is_empty() => {
                let suffix = &word[..1];
                if let Some(last) = words.last_mut() {
                    last.push_str(suffix);
                    last.push('m');
                }
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// Splits off a trailing time of day. Only unmistakable times count (`3pm`, `15:30`, `noon`),
/// so the `5` of `dec 5` stays a day.
fn split_time(words: &[String]) -> Option<(Vec<&str>, Option<NaiveTime>)> {
    let all: Vec<&str> = words.iter().map(String::as_str).collect();
    match all.split_last() {
        Some((last, rest)) if looks_like_time(last) => {
            Some((rest.to_vec(), Some(time_of_day(last)?)))
        }
        Some(_) => Some((all, None)),
        None => None,
    }
}

fn looks_like_time(word: &str) -> bool {
    matches!(word, "noon" | "midnight")
        || word.contains(':')
        || ((word.ends_with("am") || word.ends_with("pm"))
            && word.starts_with(|c: char| c.is_ascii_digit()))
}

/// The first `weekday` strictly after `from` (forward) or strictly before it (back).
fn step_to(from: NaiveDate, weekday: Weekday, forward: bool) -> NaiveDate {
    let from_index = i64::from(from.weekday().num_days_from_monday());
    let target_index = i64::from(weekday.num_days_from_monday());
    let delta = if forward {
        (target_index - from_index - 1).rem_euclid(7) + 1
    } else {
        -((from_index - target_index - 1).rem_euclid(7) + 1)
    };
    // Weekday steps stay within a week of a date rel already holds, far from chrono's limits.
    from.checked_add_signed(Duration::days(delta))
        .unwrap_or(from)
}

/// `dec 5`, `5 dec`, `december 5th`, with an optional year. Without a year: the next such
/// date on or after today for future uses, the latest on or before today for past uses.
fn month_day(words: &[&str], today: NaiveDate, dir: Dir) -> Option<NaiveDate> {
    let (month, day, year) = match words {
        [a, b] => month_and_day(a, b)
            .or_else(|| month_and_day(b, a))
            .map(|(m, d)| (m, d, None))?,
        [a, b, y] => {
            let (m, d) = month_and_day(a, b).or_else(|| month_and_day(b, a))?;
            (m, d, Some(parse_year(y)?))
        }
        _ => return None,
    };
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    // 29 February exists one year in four: look up to eight years either way.
    let this_year = today.year();
    let candidates = (0..=8).filter_map(|step| {
        let year = match dir {
            Dir::Future => this_year.checked_add(step)?,
            Dir::Past => this_year.checked_sub(step)?,
        };
        NaiveDate::from_ymd_opt(year, month, day)
    });
    let mut candidates = candidates;
    match dir {
        Dir::Future => candidates.find(|d| *d >= today),
        Dir::Past => candidates.find(|d| *d <= today),
    }
}

fn month_and_day(month_word: &str, day_word: &str) -> Option<(u32, u32)> {
    let month = parse_month(month_word)?;
    let digits = day_word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &day_word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let day: u32 = digits.parse().ok()?;
    // Any year that has the day at all (2000 is a leap year).
    NaiveDate::from_ymd_opt(2000, month, day)?;
    Some((month, day))
}

fn parse_year(word: &str) -> Option<i32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

fn parse_month(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.trim_end_matches('.');
    // Full names and any prefix of three letters or more (`dec`, `sept`, `janu`).
    let index = MONTHS
        .iter()
        .position(|m| word.len() >= 3 && m.starts_with(word))?;
    u32::try_from(index + 1).ok()
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
fn time_of_day(text: &str) -> Option<NaiveTime> {
    match text {
        "noon" => return NaiveTime::from_hms_opt(12, 0, 0),
        "midnight" => return Some(NaiveTime::MIN),
        _ => {}
    }
    let (body, offset) = if let Some(b) = text.strip_suffix("am") {
        (b, Some(0))
    } else if let Some(b) = text.strip_suffix("pm") {
        (b, Some(12))
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

fn shift_now(span_text: &str, now: DateTime<Utc>, forward: bool) -> Result<When> {
    let span = Span::parse(span_text)?;
    shift_now_by(span, now, forward)
}

fn shift_now_by(span: Span, now: DateTime<Utc>, forward: bool) -> Result<When> {
    let at = span.shift(now, forward).ok_or_else(super::out_of_range)?;
    Ok(moment(at))
}
