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
        Trait::ALL
            .into_iter()
            .filter(|t| self.get(*t) != 0)
            .map(|t| format!("{}{:+}", &t.name()[..1], self.get(t)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A compact standing like `r+2 e0 i0 t-1 h+1` for tables.
    pub fn compact(&self) -> String {
        Trait::ALL
            .into_iter()
            .map(|t| {
                let v = self.get(t);
                let letter = &t.name()[..1];
                if v == 0 {
                    format!("{letter}0")
                } else {
                    format!("{letter}{v:+}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}
