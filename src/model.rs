//! Plain data: traits, channels and the records the database hands to commands.

use crate::error::{Error, Result};
use serde::Serialize;

/// The five REITH traits, in the order they are always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trait {
    Respect,
    Empathy,
    Integrity,
    Trust,
    Honesty,
}

impl Trait {
    pub const ALL: [Trait; 5] = [
        Trait::Respect,
        Trait::Empathy,
        Trait::Integrity,
        Trait::Trust,
        Trait::Honesty,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Trait::Respect => "respect",
            Trait::Empathy => "empathy",
            Trait::Integrity => "integrity",
            Trait::Trust => "trust",
            Trait::Honesty => "honesty",
        }
    }

    /// Accepts a full name or its first letter, case-insensitive.
    pub fn parse(input: &str) -> Result<Trait> {
        let word = input.trim().to_lowercase();
        Trait::ALL
            .into_iter()
            .find(|t| t.name() == word || (word.len() == 1 && t.name().starts_with(&word)))
            .ok_or_else(|| {
                Error::usage(format!("unknown trait '{input}'")).with_hint(
                    "traits are respect, empathy, integrity, trust, honesty (or r, e, i, t, h)",
                )
            })
    }

    /// Parses a list of `-t` values, each possibly comma-separated (`-t t,r`).
    pub fn parse_list(values: &[String]) -> Result<Vec<Trait>> {
        let mut traits = Vec::new();
        for value in values {
            for part in value.split(',').filter(|p| !p.trim().is_empty()) {
                let t = Trait::parse(part)?;
                if !traits.contains(&t) {
                    traits.push(t);
                }
            }
        }
        Ok(traits)
    }
}

/// How an interaction happened.
pub const CHANNELS: [&str; 8] = [
    "call", "email", "meeting", "message", "visit", "event", "social", "other",
];

/// Checks a channel name (case-insensitive) and returns its canonical spelling.
pub fn parse_channel(input: &str) -> Result<&'static str> {
    let word = input.trim().to_lowercase();
    CHANNELS.into_iter().find(|c| *c == word).ok_or_else(|| {
        Error::usage(format!("unknown channel '{input}'"))
            .with_hint(format!("channels are {}", CHANNELS.join(", ")))
    })
}

/// Per-trait marks or sums, always all five in the contract's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reith {
    pub respect: i64,
    pub empathy: i64,
    pub integrity: i64,
    pub trust: i64,
    pub honesty: i64,
}

impl Reith {
    pub fn get(&self, t: Trait) -> i64 {
        match t {
            Trait::Respect => self.respect,
            Trait::Empathy => self.empathy,
            Trait::Integrity => self.integrity,
            Trait::Trust => self.trust,
            Trait::Honesty => self.honesty,
        }
    }

    pub fn set(&mut self, t: Trait, value: i64) {
        let slot = match t {
            Trait::Respect => &mut self.respect,
            Trait::Empathy => &mut self.empathy,
            Trait::Integrity => &mut self.integrity,
            Trait::Trust => &mut self.trust,
            Trait::Honesty => &mut self.honesty,
        };
        *slot = value;
    }

    /// Builds the marks of one interaction from `-t` (shown) and `--strained` lists.
    pub fn from_marks(shown: &[Trait], strained: &[Trait]) -> Result<Reith> {
        let mut marks = Reith::default();
        for t in shown {
            marks.set(*t, 1);
        }
        for t in strained {
            if shown.contains(t) {
                return Err(Error::usage(format!(
                    "trait '{}' is marked both shown and strained",
                    t.name()
                )));
            }
            marks.set(*t, -1);
        }
        Ok(marks)
    }

    /// The trait most in need of care: the lowest net score when it is below zero.
    pub fn focus(&self) -> Option<Trait> {
        Trait::ALL
            .into_iter()
            .filter(|t| self.get(*t) < 0)
            .min_by_key(|t| self.get(*t))
    }

    /// Only the marked traits, as the interaction record's `traits` object.
    pub fn marked(&self) -> serde_json::Map<String, serde_json::Value> {
        Trait::ALL
            .into_iter()
            .filter(|t| self.get(*t) != 0)
            .map(|t| (t.name().to_string(), self.get(t).into()))
            .collect()
    }

    /// Only the traits with a non-zero score, like `r+2 t-1` (empty when all are zero).
    pub fn compact_nonzero(&self) -> String {
        self.spelled(|v| v != 0)
    }

    /// A compact standing like `r+2 e0 i0 t-1 h+1` for tables.
    pub fn compact(&self) -> String {
        self.spelled(|_| true)
    }

    /// The chosen traits as `letter` and signed score, one space apart. Built by hand, not
    /// with `format!`: `rel due` spells one standing per row, and the five small strings
    /// `format!` made for each were an eighth of its work.
    fn spelled(&self, shown: impl Fn(i64) -> bool) -> String {
        let mut out = String::with_capacity(20);
        for t in Trait::ALL {
            let v = self.get(t);
            if !shown(v) {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t.name()[..1]);
            match v {
                0 => {}
                v if v < 0 => out.push('-'),
                _ => out.push('+'),
            }
            push_digits(&mut out, v.unsigned_abs());
        }
        out
    }
}

fn push_digits(out: &mut String, n: u64) {
    if n >= 10 {
        push_digits(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::{Reith, Trait};
    use proptest::prelude::*;

    /// The spelling `format!` gave, which `spelled` builds by hand.
    fn as_formatted(reith: &Reith, all: bool) -> String {
        Trait::ALL
            .into_iter()
            .filter(|t| all || reith.get(*t) != 0)
            .map(|t| match reith.get(t) {
                0 => format!("{}0", &t.name()[..1]),
                v => format!("{}{v:+}", &t.name()[..1]),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn score() -> impl Strategy<Value = i64> {
        prop_oneof![4 => -12i64..12, 1 => any::<i64>(), 1 => Just(i64::MIN)]
    }

    proptest! {
        #[test]
        fn compact_spells_as_format_did(scores in prop::array::uniform5(score())) {
            let mut reith = Reith::default();
            for (t, v) in Trait::ALL.into_iter().zip(scores) {
                reith.set(t, v);
            }
            prop_assert_eq!(reith.compact(), as_formatted(&reith, true));
            prop_assert_eq!(reith.compact_nonzero(), as_formatted(&reith, false));
        }
    }
}
