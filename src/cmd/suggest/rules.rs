//! The rules of `rel suggest` (the contract's "Suggestions, accounts and introductions"), as
//! pure functions of one contact's touches and "now": each says whether its kind fires, why in
//! words, the facts it used, and how it ranks within its kind.

use crate::cli::SuggestKind;
use crate::db::suggest::{Candidate, Introducer, Touch};
use crate::model::Trait;
use crate::output::rfc3339;
use crate::when::{Cadence, local_date};
use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value, json};
use std::cmp::Ordering;

const DAY: i64 = 86_400;
/// Touched in the last 14 days: only `repair` may fire (it waits 3 days).
pub const QUIET_DAYS: i64 = 14;
pub const REPAIR_DAYS: i64 = 3;

/// One suggestion, ready to print.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub kind: SuggestKind,
    pub handle: String,
    pub name: String,
    pub owner: Option<String>,
    pub why: String,
    pub score: f64,
    pub facts: Map<String, Value>,
    pub command: Option<String>,
    /// Within a kind, higher first (the kind's own ranking, then a tie-breaker).
    pub rank: (f64, f64),
}

impl Suggestion {
    /// The contract's order: kind, then the kind's ranking, then handle.
    pub fn order(&self, other: &Suggestion) -> Ordering {
        self.kind
            .cmp(&other.kind)
            .then(other.rank.0.total_cmp(&self.rank.0))
            .then(other.rank.1.total_cmp(&self.rank.1))
            .then(self.handle.cmp(&other.handle))
    }
}

fn day_of(at: i64) -> NaiveDate {
    DateTime::from_timestamp(at, 0)
        .map(local_date)
        .unwrap_or_default()
}

fn days_between(earlier: i64, later: i64) -> i64 {
    (day_of(later) - day_of(earlier)).num_days()
}

/// `10d`, `3w`, `5mo`, `2y`: a span of whole days as the WHY sentence says it.
pub fn span_words(days: i64) -> String {
    crate::output::short_span(days.max(0) * DAY)
}

/// A usual gap as a cadence `rel edit --every` takes: days under two weeks, weeks under two
/// months, months beyond (rounded to the nearest).
pub fn cadence_of(days: i64) -> String {
    let round = |unit: f64| ((days as f64) / unit).round().max(1.0) as i64;
    if days < 14 {
        format!("{}d", days.max(1))
    } else if days < 60 {
        format!("{}w", round(7.0))
    } else {
        format!("{}m", round(30.0))
    }
}

/// The first kind among `kinds` (in the contract's order) that fires for this contact.
pub fn first_fit(c: &Candidate, now: i64, kinds: &[SuggestKind]) -> Option<Suggestion> {
    let last = c.last_touch?;
    let quiet_enough = last <= now - QUIET_DAYS * DAY;
    let days_since = days_between(last, now);
    let mut found = None;
    for kind in kinds {
        found = match kind {
            SuggestKind::Repair => repair(c, now, days_since),
            SuggestKind::Rhythm if quiet_enough => rhythm(c, days_since),
            SuggestKind::Channel if quiet_enough => channel(c, days_since),
            SuggestKind::Dormant if quiet_enough => dormant(c, days_since),
            _ => None,
        };
        if found.is_some() {
            break;
        }
    }
    found
}

fn suggestion(c: &Candidate, kind: SuggestKind, why: String, score: f64) -> Suggestion {
    Suggestion {
        kind,
        handle: c.handle.clone(),
        name: c.name.clone(),
        owner: c.owner.clone(),
        why,
        score,
        facts: Map::new(),
        command: None,
        rank: (score, 0.0),
    }
}

/// The most recent strain of a trait, at least 3 days old, with no later touch showing it.
fn repair(c: &Candidate, now: i64, days_since: i64) -> Option<Suggestion> {
    let mut strained = Vec::new();
    let mut latest_strain = i64::MIN;
    for (index, t) in Trait::ALL.iter().enumerate() {
        let Some(at) = last_strain(&c.touches, index) else {
            continue;
        };
        if at > now - REPAIR_DAYS * DAY {
            continue;
        }
        strained.push(t.name());
        latest_strain = latest_strain.max(at);
    }
    if strained.is_empty() {
        return None;
    }
    let waited = days_between(latest_strain, now);
    let why = format!(
        "{} strained {} ago and not shown since",
        strained.join(", "),
        span_words(waited)
    );
    let mut s = suggestion(c, SuggestKind::Repair, why, waited as f64);
    s.rank = (waited as f64, strained.len() as f64);
    s.facts.insert("strained".into(), json!(strained));
    s.facts
        .insert("strained_at".into(), json!(rfc3339(latest_strain)));
    s.facts.insert("days_since_strain".into(), json!(waited));
    s.facts.insert("days_since".into(), json!(days_since));
    Some(s)
}

/// When the latest strain of trait `index` was, if no later touch showed that trait.
fn last_strain(touches: &[Touch], index: usize) -> Option<i64> {
    let position = touches.iter().rposition(|t| t.marks[index] < 0)?;
    let repaired = touches[position + 1..].iter().any(|t| t.marks[index] > 0);
    (!repaired).then(|| touches[position].at)
}

/// The median gap between the last 12 touch days (the lower middle of an even count).
pub fn usual_gap(touches: &[Touch]) -> Option<(i64, usize)> {
    let mut days: Vec<NaiveDate> = touches.iter().map(|t| day_of(t.at)).collect();
    days.sort();
    days.dedup();
    if days.len() < 4 {
        return None;
    }
    let recent = &days[days.len().saturating_sub(12)..];
    let mut gaps: Vec<i64> = recent
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).num_days())
        .collect();
    gaps.sort_unstable();
    Some((gaps[(gaps.len() - 1) / 2], days.len()))
}

fn rhythm(c: &Candidate, days_since: i64) -> Option<Suggestion> {
    if c.every.is_some() {
        return None;
    }
    let (gap, touch_days) = usual_gap(&c.touches)?;
    // days since > 1.5 × usual gap, in whole numbers.
    if 2 * days_since <= 3 * gap {
        return None;
    }
    let why = format!(
        "you usually talk every ~{}; it has been {}",
        span_words(gap),
        span_words(days_since)
    );
    let ratio = (days_since as f64 / gap.max(1) as f64 * 100.0).round() / 100.0;
    let mut s = suggestion(c, SuggestKind::Rhythm, why, ratio);
    s.rank = (ratio, days_since as f64);
    s.command = Some(format!("rel edit {} --every {}", c.handle, cadence_of(gap)));
    s.facts.insert("usual_gap_days".into(), json!(gap));
    s.facts.insert("days_since".into(), json!(days_since));
    s.facts.insert("touch_days".into(), json!(touch_days));
    s.facts.insert("cadence".into(), json!(c.due_every));
    Some(s)
}

/// The last 3 touches all written (message, email) over at least 60 days, for a contact due
/// at least monthly or tagged `key-account`.
fn channel(c: &Candidate, days_since: i64) -> Option<Suggestion> {
    let monthly = c
        .due_every
        .as_deref()
        .and_then(|every| Cadence::parse(every).ok())
        .and_then(|cadence| cadence.span())
        .is_some_and(|span| span.approx_days() <= 31.0);
    if !(monthly || c.key_account) || c.touches.len() < 3 {
        return None;
    }
    let last3 = &c.touches[c.touches.len() - 3..];
    if !last3
        .iter()
        .all(|t| matches!(t.channel(), "message" | "email"))
    {
        return None;
    }
    let spread = days_between(last3[0].at, last3[2].at);
    if spread < 60 {
        return None;
    }
    let why = format!(
        "the last 3 touches were messages or emails over {}; call or meet",
        span_words(spread)
    );
    let mut s = suggestion(c, SuggestKind::Channel, why, spread as f64);
    s.rank = (spread as f64, days_since as f64);
    let channels: Vec<&str> = last3.iter().map(|t| t.channel()).collect();
    s.facts.insert("last_channels".into(), json!(channels));
    s.facts.insert("spread_days".into(), json!(spread));
    s.facts.insert("days_since".into(), json!(days_since));
    s.facts.insert("cadence".into(), json!(c.due_every));
    s.facts.insert("key_account".into(), json!(c.key_account));
    Some(s)
}

/// A call, meeting or visit, or any touch that showed a trait.
pub fn meaningful(t: &Touch) -> bool {
    matches!(t.channel(), "call" | "meeting" | "visit") || t.marks.iter().any(|m| *m > 0)
}

fn dormant(c: &Candidate, days_since: i64) -> Option<Suggestion> {
    if days_since < 180 {
        return None;
    }
    let marked: Vec<&Touch> = c.touches.iter().filter(|t| meaningful(t)).collect();
    let (first, last) = (marked.first()?, marked.last()?);
    let spanned = days_between(first.at, last.at);
    if marked.len() < 3 || spanned < 90 {
        return None;
    }
    let tenure = c
        .touches
        .first()
        .map_or(0, |t| days_between(t.at, c.last_touch.unwrap_or(t.at)));
    let why = format!(
        "quiet for {} after {} calls, meetings or marked touches over {}",
        span_words(days_since),
        marked.len(),
        span_words(spanned)
    );
    let mut s = suggestion(c, SuggestKind::Dormant, why, marked.len() as f64);
    s.rank = (marked.len() as f64, tenure as f64);
    s.facts
        .insert("meaningful_touches".into(), json!(marked.len()));
    s.facts
        .insert("first_touch".into(), json!(rfc3339(c.touches[0].at)));
    s.facts.insert("days_since".into(), json!(days_since));
    s.facts.insert("tenure_days".into(), json!(tenure));
    Some(s)
}

/// `thanks`: an introducer the database layer already checked (2 or more introduced, the
/// latest after your last touch with them).
pub fn thanks(i: &Introducer, now: i64) -> Suggestion {
    let shown: Vec<&str> = i.introduced.iter().take(3).map(String::as_str).collect();
    let more = i.introduced.len().saturating_sub(shown.len());
    let names = if more > 0 {
        format!("{} +{more}", shown.join(", "))
    } else {
        shown.join(", ")
    };
    let why = format!(
        "introduced {} people ({names}) since you last spoke; say thanks",
        i.introduced.len()
    );
    let count = i.introduced.len() as f64;
    let days_since = i.last_touch.map(|at| days_between(at, now));
    let mut facts = Map::new();
    facts.insert("introduced".into(), json!(i.introduced));
    facts.insert("latest_introduction".into(), json!(rfc3339(i.latest)));
    facts.insert("days_since".into(), json!(days_since));
    Suggestion {
        kind: SuggestKind::Thanks,
        handle: i.handle.clone(),
        name: i.name.clone(),
        owner: i.owner.clone(),
        why,
        score: count,
        facts,
        command: None,
        rank: (count, i.latest as f64),
    }
}
