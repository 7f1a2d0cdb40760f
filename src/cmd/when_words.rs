//! Quoting hints wherever a WHEN is read from the command line: `rel remind john monday 10am
//! call` would file "10am call" for Monday, so when the words after a one-word WHEN, joined to
//! it, also make a valid WHEN, the command stops (exit 2) and shows the quoted form. `--` after
//! the WHEN ends it (`rel remind john monday -- 10am call`).

use crate::error::Error;
use crate::escape::shell_quoted;
use crate::when::{self, Dir};
use chrono::{DateTime, Utc};

/// How many following words may belong to a WHEN (`next tuesday 10am` is three with `next`).
const MAX_EXTRA_WORDS: usize = 3;

/// The error to stop with when `text` (a WHEN from the command line) is followed by words that
/// belong to it; `alone_ok` says whether `text` alone parsed.
pub fn quoting_problem(
    args: &[String],
    text: &str,
    now: DateTime<Utc>,
    dir: Dir,
    alone_ok: bool,
) -> Option<Error> {
    if text.trim().is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    for (index, arg) in args.iter().enumerate() {
        let prefix = if arg == text {
            ""
        } else if let Some(option) = arg.strip_suffix(text).filter(|o| o.ends_with('=')) {
            option
        } else {
            continue;
        };
        // Words that could continue the WHEN: up to the next option, or `--`, which ends it.
        let following: Vec<&String> = args[index + 1..]
            .iter()
            .take_while(|w| !w.starts_with('-'))
            .take(MAX_EXTRA_WORDS)
            .collect();
        for count in (1..=following.len()).rev() {
            let words: Vec<&str> = following[..count].iter().map(|w| w.as_str()).collect();
            let joined = format!("{text} {}", words.join(" "));
            if when::parse_when(&joined, now, dir).is_err() {
                continue;
            }
            let quoted = format!("{prefix}{}", shell_quoted(&joined));
            let command = rebuilt(args, index, count, &quoted);
            let error = if alone_ok {
                let ended = rebuilt(args, index, 0, &format!("{arg} --"));
                Error::usage(format!(
                    "'{joined}' reads as one date, but only '{text}' was taken as the date"
                ))
                .with_hint(format!(
                    "quote it: {command}; or end the date with --: {ended}"
                ))
            } else {
                Error::usage(format!("invalid date '{text}'"))
                    .with_hint(format!("quote a date of several words: {command}"))
            };
            return Some(error);
        }
    }
    None
}

/// `rel` and the arguments with `args[index..=index + count]` replaced by `replacement`.
fn rebuilt(args: &[String], index: usize, count: usize, replacement: &str) -> String {
    let mut words = vec!["rel".to_string()];
    words.extend(args[..index].iter().map(|w| shell_quoted(w)));
    words.push(replacement.to_string());
    words.extend(args[index + count + 1..].iter().map(|w| shell_quoted(w)));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &str) -> Vec<String> {
        words.split(' ').map(str::to_string).collect()
    }

    fn now() -> DateTime<Utc> {
        when::parse_absolute("2026-11-27T12:00:00Z")
            .map(|w| w.at)
            .unwrap_or_default()
    }

    #[test]
    fn a_time_after_a_weekday_is_caught() {
        let a = args("remind john monday 10am call about renewal");
        let error = quoting_problem(&a, "monday", now(), Dir::Future, true);
        let text = error.map(|e| e.render()).unwrap_or_default();
        assert!(
            text.contains("rel remind john \"monday 10am\" call about renewal"),
            "{text}"
        );
    }

    #[test]
    fn dashes_end_the_date() {
        let a = args("remind john monday -- 10am call");
        assert!(quoting_problem(&a, "monday", now(), Dir::Future, true).is_none());
    }

    #[test]
    fn plain_text_after_a_date_is_fine() {
        let a = args("remind john monday call about renewal");
        assert!(quoting_problem(&a, "monday", now(), Dir::Future, true).is_none());
    }

    proptest::proptest! {
        /// Any words after any WHEN: no panic.
        #[test]
        fn never_panics(words in proptest::collection::vec("[a-z0-9: -]{0,12}", 0..8), at in 0usize..8) {
            let text = words.get(at).cloned().unwrap_or_default();
            let _ = quoting_problem(&words, &text, now(), Dir::Future, false);
            let _ = quoting_problem(&words, &text, now(), Dir::Past, true);
        }
    }
}
