//! Unit and property tests for the WHEN, duration and cadence parsers (run with TZ unset = UTC
//! unless the environment says otherwise; the fixtures use instants that are unambiguous in UTC).

use super::*;
use proptest::prelude::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn with_utc<T>(f: impl FnOnce() -> T) -> T {
    // Tests compare against UTC wall-clock times; chrono reads TZ on each conversion.
    // SAFETY: tests in this module set the same value, so concurrent writers agree.
    unsafe { std::env::set_var("TZ", "UTC") };
    f()
}

// 2026-11-27 is a Friday.
const FRIDAY_NOON: &str = "2026-11-27T12:00:00Z";

#[test]
fn spans_parse_all_units_and_reject_junk() {
    assert_eq!(
        Span::parse("3d").unwrap(),
        Span {
            count: 3,
            unit: Unit::Days
        }
    );
    assert_eq!(
        Span::parse("2 weeks").unwrap(),
        Span {
            count: 2,
            unit: Unit::Weeks
        }
    );
    assert_eq!(Span::parse("1m").unwrap().unit, Unit::Months);
    assert_eq!(Span::parse("1mo").unwrap().unit, Unit::Months);
    assert_eq!(Span::parse("10min").unwrap().unit, Unit::Minutes);
    assert_eq!(Span::parse("4h").unwrap().unit, Unit::Hours);
    assert_eq!(Span::parse("1y").unwrap().unit, Unit::Years);
    for bad in ["", "d", "-1d", "1e9y", "0d", "3x", "99999999999d", "1.5d"] {
        assert!(Span::parse(bad).is_err(), "{bad} should be refused");
    }
}

#[test]
fn month_arithmetic_clamps_to_month_end() {
    with_utc(|| {
        let span = Span::parse("1m").unwrap();
        assert_eq!(
            span.shift(utc("2026-01-31T10:00:00Z"), true),
            Some(utc("2026-02-28T10:00:00Z"))
        );
        assert_eq!(
            span.shift(utc("2028-01-31T10:00:00Z"), true),
            Some(utc("2028-02-29T10:00:00Z"))
        );
    });
}

#[test]
fn huge_spans_overflow_to_none_not_panic() {
    let span = Span::parse("4000000000y").ok();
    assert!(span.is_none() || span.unwrap().shift(Utc::now(), true).is_none());
    let span = Span::parse("300000y").unwrap();
    assert_eq!(span.shift(Utc::now(), true), None);
}

#[test]
fn cadences_words_and_never() {
    assert_eq!(
        Cadence::parse("weekly")
            .unwrap()
            .span()
            .unwrap()
            .approx_days(),
        7.0
    );
    assert_eq!(
        Cadence::parse("quarterly")
            .unwrap()
            .span()
            .unwrap()
            .approx_days(),
        90.0
    );
    assert_eq!(
        Cadence::parse("yearly")
            .unwrap()
            .span()
            .unwrap()
            .approx_days(),
        365.0
    );
    assert_eq!(Cadence::parse("never").unwrap(), Cadence::Never);
    assert!(Cadence::parse("sometimes").is_err());
}

#[test]
fn absolute_forms() {
    with_utc(|| {
        let now = utc(FRIDAY_NOON);
        let when = parse_when("2026-03-01", now, Dir::Past).unwrap();
        assert_eq!(when.at, utc("2026-03-01T00:00:00Z"));
        assert!(when.date_only);
        assert_eq!(when.end_exclusive().unwrap(), utc("2026-03-02T00:00:00Z"));
        let when = parse_when("2026-03-01 14:30", now, Dir::Past).unwrap();
        assert_eq!(when.at, utc("2026-03-01T14:30:00Z"));
        let when = parse_when("2026-03-01T14:30:00+02:00", now, Dir::Past).unwrap();
        assert_eq!(when.at, utc("2026-03-01T12:30:00Z"));
        assert!(parse_when("9999999-01-01", now, Dir::Past).is_err());
        assert!(parse_when("2026-02-30", now, Dir::Past).is_err());
    });
}

#[test]
fn named_days_and_times() {
    with_utc(|| {
        let now = utc(FRIDAY_NOON);
        let at = |s: &str, dir| parse_when(s, now, dir).unwrap().at;
        assert_eq!(at("today", Dir::Past), utc("2026-11-27T00:00:00Z"));
        assert_eq!(at("yesterday 3pm", Dir::Past), utc("2026-11-26T15:00:00Z"));
        assert_eq!(
            at("tomorrow 09:30", Dir::Future),
            utc("2026-11-28T09:30:00Z")
        );
        assert_eq!(
            at("yesterday at 3:15pm", Dir::Past),
            utc("2026-11-26T15:15:00Z")
        );
        assert_eq!(
            at("tomorrow noon", Dir::Future),
            utc("2026-11-28T12:00:00Z")
        );
        assert!(parse_when("yesterday 13pm", now, Dir::Past).is_err());
    });
}

#[test]
fn weekdays_future_is_strictly_after_today_past_is_on_or_before() {
    with_utc(|| {
        let now = utc(FRIDAY_NOON);
        let at = |s: &str, dir| parse_when(s, now, dir).unwrap().at;
        assert_eq!(at("friday", Dir::Future), utc("2026-12-04T00:00:00Z"));
        assert_eq!(at("friday", Dir::Past), utc("2026-11-27T00:00:00Z"));
        assert_eq!(at("mon", Dir::Future), utc("2026-11-30T00:00:00Z"));
        assert_eq!(at("mon", Dir::Past), utc("2026-11-23T00:00:00Z"));
        assert_eq!(at("sat", Dir::Past), utc("2026-11-21T00:00:00Z"));
        assert_eq!(at("fri 09:30", Dir::Future), utc("2026-12-04T09:30:00Z"));
    });
}

#[test]
fn relative_forms() {
    with_utc(|| {
        let now = utc(FRIDAY_NOON);
        let at = |s: &str, dir| parse_when(s, now, dir).unwrap().at;
        assert_eq!(at("2h ago", Dir::Past), utc("2026-11-27T10:00:00Z"));
        assert_eq!(at("3 days ago", Dir::Past), utc("2026-11-24T12:00:00Z"));
        assert_eq!(at("in 2w", Dir::Past), utc("2026-12-11T12:00:00Z"));
        assert_eq!(at("3d", Dir::Future), utc("2026-11-30T12:00:00Z"));
        assert_eq!(at("3d", Dir::Past), utc("2026-11-24T12:00:00Z"));
        assert_eq!(at("now", Dir::Past), now);
        for bad in [
            "-1d",
            "1e9y",
            "in",
            "ago",
            "next someday",
            "dec 32",
            "13 13",
            "fri 25:00",
            "in -3d",
        ] {
            assert!(
                parse_when(bad, now, Dir::Past).is_err(),
                "{bad} should be refused"
            );
        }
    });
}

#[test]
fn refined_forms_next_last_month_day_and_bare_times() {
    with_utc(|| {
        // Friday 27 November 2026, noon.
        let now = utc(FRIDAY_NOON);
        let at = |s: &str, dir| parse_when(s, now, dir).unwrap().at;
        assert_eq!(at("next friday", Dir::Past), utc("2026-12-04T00:00:00Z"));
        assert_eq!(at("next monday", Dir::Future), utc("2026-11-30T00:00:00Z"));
        assert_eq!(at("last friday", Dir::Past), utc("2026-11-20T00:00:00Z"));
        assert_eq!(at("last tuesday", Dir::Future), utc("2026-11-24T00:00:00Z"));
        assert_eq!(at("last tue 3pm", Dir::Past), utc("2026-11-24T15:00:00Z"));
        assert_eq!(at("next week", Dir::Future), utc("2026-12-04T12:00:00Z"));
        assert_eq!(at("last month", Dir::Past), utc("2026-10-27T12:00:00Z"));
        assert_eq!(at("3 weeks ago", Dir::Past), utc("2026-11-06T12:00:00Z"));
        assert_eq!(at("in 2w", Dir::Future), utc("2026-12-11T12:00:00Z"));
        assert_eq!(at("dec 5", Dir::Future), utc("2026-12-05T00:00:00Z"));
        assert_eq!(at("5 dec", Dir::Future), utc("2026-12-05T00:00:00Z"));
        assert_eq!(at("december 5th", Dir::Future), utc("2026-12-05T00:00:00Z"));
        assert_eq!(at("dec 5", Dir::Past), utc("2025-12-05T00:00:00Z"));
        assert_eq!(at("nov 27", Dir::Past), utc("2026-11-27T00:00:00Z"));
        assert_eq!(at("nov 27", Dir::Future), utc("2026-11-27T00:00:00Z"));
        assert_eq!(at("dec 5 2027", Dir::Past), utc("2027-12-05T00:00:00Z"));
        assert_eq!(
            at("December 5, 2027 3:30 pm", Dir::Past),
            utc("2027-12-05T15:30:00Z")
        );
        assert_eq!(
            at("5 dec at 09:00", Dir::Future),
            utc("2026-12-05T09:00:00Z")
        );
        assert_eq!(at("feb 29", Dir::Future), utc("2028-02-29T00:00:00Z"));
        assert_eq!(at("feb 29", Dir::Past), utc("2024-02-29T00:00:00Z"));
        // Bare times: the previous one for past uses, the next one for future uses.
        assert_eq!(at("3pm", Dir::Past), utc("2026-11-26T15:00:00Z"));
        assert_eq!(at("9am", Dir::Past), utc("2026-11-27T09:00:00Z"));
        assert_eq!(at("9am", Dir::Future), utc("2026-11-28T09:00:00Z"));
        assert_eq!(at("15:30", Dir::Future), utc("2026-11-27T15:30:00Z"));
        assert_eq!(at("noon", Dir::Past), utc("2026-11-27T12:00:00Z"));
        // A weekday with a time later than now, for past uses, is the previous one.
        assert_eq!(at("fri 3pm", Dir::Past), utc("2026-11-20T15:00:00Z"));
        assert_eq!(at("fri 11am", Dir::Past), utc("2026-11-27T11:00:00Z"));
    });
}

#[test]
fn dates_outside_1900_to_9999_are_out_of_range() {
    with_utc(|| {
        let now = utc(FRIDAY_NOON);
        for bad in [
            "in 10000y",
            "8000y",
            "200000y ago",
            "1899-12-31",
            "0001-01-01",
            "10000-01-01",
            "dec 5 1850",
        ] {
            let err = parse_when(bad, now, Dir::Future).unwrap_err();
            assert!(
                err.message.contains("out of range") || err.message.contains("invalid"),
                "{bad}: {}",
                err.message
            );
        }
        assert!(
            parse_when("in 10000y", now, Dir::Future)
                .unwrap_err()
                .message
                .contains("out of range")
        );
        assert!(parse_when("1900-01-01", now, Dir::Past).is_ok());
        assert!(parse_when("9999-12-31 23:59", now, Dir::Future).is_ok());
        assert!(parse_absolute("1899-12-31T23:59:59Z").is_none());
        assert!(check_unix_in_range(253_402_300_800).is_err());
        assert!(check_unix_in_range(0).is_ok());
    });
}

#[test]
fn rel_now_takes_absolute_forms_only() {
    assert!(parse_absolute("2026-11-27T12:00:00Z").is_some());
    assert!(parse_absolute("2026-11-27").is_some());
    assert!(parse_absolute("2026-11-27 08:00").is_some());
    assert!(parse_absolute("yesterday").is_none());
    assert!(parse_absolute("3d").is_none());
}

proptest! {
    #[test]
    fn when_never_panics(input in ".{0,40}") {
        let _ = parse_when(&input, Utc::now(), Dir::Past);
        let _ = parse_when(&input, Utc::now(), Dir::Future);
        let _ = parse_absolute(&input);
    }

    #[test]
    fn when_grammar_shaped_inputs_never_panic(
        n in any::<u64>(),
        unit in prop::sample::select(vec!["min", "h", "d", "w", "m", "mo", "y", "years", "x", ""]),
        form in 0..4usize,
    ) {
        let text = match form {
            0 => format!("{n}{unit}"),
            1 => format!("{n} {unit} ago"),
            2 => format!("in {n}{unit}"),
            _ => format!("{n}-01-01"),
        };
        let _ = parse_when(&text, Utc::now(), Dir::Future);
        if let Ok(span) = Span::parse(&text) {
            let _ = span.shift(Utc::now(), true);
            let _ = span.shift(Utc::now(), false);
        }
    }

    #[test]
    fn refined_when_shapes_never_panic(
        first in prop::sample::select(vec!["next", "last", "dec", "5", "29", "feb", "tue", "today", "", "in", "ago"]),
        second in prop::sample::select(vec!["friday", "week", "month", "5th", "dec", "2026", "99999", "", "3pm", "25:99"]),
        third in ".{0,8}",
        n in any::<i64>(),
    ) {
        for text in [format!("{first} {second} {third}"), format!("{first} {n}"), format!("{n} {second}")] {
            let _ = parse_when(&text, Utc::now(), Dir::Past);
            let _ = parse_when(&text, Utc::now(), Dir::Future);
        }
    }

    #[test]
    fn cadence_and_span_never_panic(input in ".{0,20}") {
        if let Some(span) = Cadence::parse(&input).ok().and_then(|c| c.span()) {
            let _ = span.shift(Utc::now(), true);
            prop_assert!(span.approx_days() > 0.0);
        }
    }
}
