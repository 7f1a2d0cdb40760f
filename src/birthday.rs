//! Birthdays as stored (`YYYY-MM-DD`, or `--MM-DD` without a year) and when they fall: on
//! 28 February in the years without a 29th.

use chrono::{Datelike, NaiveDate};

/// A stored birthday: month and day, and the year when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Birthday {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl Birthday {
    /// Reads the stored form; None for anything else (stored values were checked when written).
    pub fn parse(text: &str) -> Option<Birthday> {
        let (year, month_day) = match text.strip_prefix("--") {
            Some(month_day) => (None, month_day),
            None => {
                let (year, rest) = text.split_once('-')?;
                (Some(year.parse().ok()?), rest)
            }
        };
        let (month, day) = month_day.split_once('-')?;
        let birthday = Birthday {
            year,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        // Any leap year holds every real month and day.
        NaiveDate::from_ymd_opt(2000, birthday.month, birthday.day)?;
        Some(birthday)
    }

    /// The day it is kept in `year` (29 February → 28 February in other years).
    pub fn in_year(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day).or_else(|| {
            let leap_day = self.month == 2 && self.day == 29;
            leap_day
                .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
                .flatten()
        })
    }

    /// The first day on or after `from` that it is kept.
    pub fn next_on_or_after(&self, from: NaiveDate) -> Option<NaiveDate> {
        let this_year = self.in_year(from.year())?;
        if this_year >= from {
            Some(this_year)
        } else {
            self.in_year(from.year().checked_add(1)?)
        }
    }

    /// The age reached on `day` (when the year is known).
    pub fn turns_on(&self, day: NaiveDate) -> Option<i32> {
        self.year.map(|year| day.year() - year)
    }

    /// `birthday`, or `turns N` when the year is known.
    pub fn text_on(&self, day: NaiveDate) -> String {
        match self.turns_on(day) {
            Some(age) if age > 0 => format!("turns {age}"),
            _ => "birthday".to_string(),
        }
    }

    /// The month and day as the index `contacts_birthday_day` keys them (`MM-DD`).
    pub fn key_of(day: NaiveDate) -> String {
        format!("{:02}-{:02}", day.month(), day.day())
    }
}

/// The `MM-DD` keys of the birthdays kept on any day from `first` to `last` (inclusive):
/// 28 February also brings the 29ths in a year without one. None when the span covers a
/// whole year, meaning every birthday.
pub fn keys_between(first: NaiveDate, last: NaiveDate) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    let mut day = first;
    while day <= last {
        keys.push(Birthday::key_of(day));
        let leap_gap = day.month() == 2 && day.day() == 28 && day.with_day(29).is_none();
        if leap_gap {
            keys.push("02-29".to_string());
        }
        if keys.len() > 366 {
            return None;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february_in_other_years() {
        let b = Birthday::parse("1988-02-29").unwrap();
        assert_eq!(b.in_year(2027), Some(date(2027, 2, 28)));
        assert_eq!(b.in_year(2028), Some(date(2028, 2, 29)));
        assert_eq!(b.text_on(date(2027, 2, 28)), "turns 39");
        let b = Birthday::parse("--12-05").unwrap();
        assert_eq!(
            b.next_on_or_after(date(2026, 12, 6)),
            Some(date(2027, 12, 5))
        );
        assert_eq!(b.text_on(date(2026, 12, 5)), "birthday");
        assert!(Birthday::parse("not-a-date").is_none());
        assert!(Birthday::parse("--02-30").is_none());
    }

    #[test]
    fn keys_cover_the_leap_day_and_whole_years() {
        assert_eq!(
            keys_between(date(2027, 2, 28), date(2027, 3, 1)).unwrap(),
            ["02-28", "02-29", "03-01"]
        );
        assert_eq!(
            keys_between(date(2028, 2, 28), date(2028, 2, 28)).unwrap(),
            ["02-28"]
        );
        assert!(keys_between(date(2026, 1, 1), date(2027, 6, 1)).is_none());
    }
}
