//! Which rows `rel due` shows, in the contract's order: what is due by the end of today
//! (follow-ups, then birthdays, then contacts most overdue relative to their cadence), then,
//! with `--within`, what falls due later, soonest first.

use crate::birthday::{self, Birthday};
use crate::db::due::{self, DueItem};
use crate::db::owner::OwnerFilter;
use crate::error::Result;
use crate::when::{Cadence, days_late, start_of};
use chrono::NaiveDate;
use rusqlite::Connection;
use std::cmp::Ordering;

/// The window `rel due` looks at, in local calendar days.
pub struct Window {
    pub now: i64,
    pub today: NaiveDate,
    /// The first instant of tomorrow: everything before it is due.
    pub end_of_today: i64,
    /// The last day `--within` reaches (today without it).
    pub last_day: NaiveDate,
    /// The first instant after `last_day`.
    pub horizon: i64,
}

impl Window {
    pub fn new(now: i64, today: NaiveDate, last_day: NaiveDate) -> Result<Window> {
        let last_day = last_day.max(today);
        let after = |day: NaiveDate| -> Result<i64> {
            let next = day.succ_opt().ok_or_else(crate::when::out_of_range)?;
            Ok(start_of(next)?.timestamp())
        };
        Ok(Window {
            now,
            today,
            end_of_today: after(today)?,
            last_day,
            horizon: after(last_day)?,
        })
    }
}

/// The rows to print, in order, at most `limit` of them.
pub fn gather(
    conn: &Connection,
    window: &Window,
    tag: Option<&str>,
    owner: &OwnerFilter,
    limit: Option<usize>,
) -> Result<Vec<DueItem>> {
    // Each source is read in its final order and cut at `limit`: a screenful of `rel due`
    // reads a screenful of rows, however many thousands are due.
    let due_followups = due::followups(conn, i64::MIN, window.end_of_today, tag, owner, limit)?;
    let mut later = Vec::new();
    if window.horizon > window.end_of_today {
        later = due::followups(conn, window.end_of_today, window.horizon, tag, owner, limit)?;
    }
    let (mut due_birthdays, later_birthdays): (Vec<_>, Vec<_>) =
        birthdays(conn, window, tag, owner)?
            .into_iter()
            .partition(|b| b.due_at < window.end_of_today);
    due_birthdays.sort_by(|a, b| a.handle.cmp(&b.handle));
    later.extend(later_birthdays);

    let shown_before = due_followups.len() + due_birthdays.len();
    let wanted = limit.map(|n| n.saturating_sub(shown_before));
    let mut due_contacts = match wanted {
        Some(0) => Vec::new(),
        Some(n) => top_contacts(conn, window, tag, owner, n)?,
        None => due::contacts(conn, i64::MIN, window.end_of_today, tag, owner)?,
    };
    rank_contacts(&mut due_contacts, window.now);
    if let Some(n) = wanted {
        due_contacts.truncate(n);
    }
    if window.horizon > window.end_of_today {
        let (from, to) = (window.end_of_today, window.horizon);
        later.extend(match limit {
            Some(n) => due::soonest_contacts(conn, from, to, tag, owner, n)?,
            None => due::contacts(conn, from, to, tag, owner)?,
        });
    }
    // Soonest first, then handle; at the same moment a contact's follow-ups, then its
    // birthday, then the contact itself (the contract's kind order).
    later.sort_by(|a, b| {
        (a.due_at, &a.handle, a.kind as u8, a.followup_id).cmp(&(
            b.due_at,
            &b.handle,
            b.kind as u8,
            b.followup_id,
        ))
    });
    // The contacts are the bulk (60k rows at L): the few rows before them go in front of
    // that vector rather than all of it being copied into another.
    let mut rows = due_contacts;
    rows.splice(0..0, due_followups.into_iter().chain(due_birthdays));
    rows.extend(later);
    if let Some(n) = limit {
        rows.truncate(n);
    }
    Ok(rows)
}

/// Birthdays kept from today to the window's last day, each dated to the start of its day and
/// with `birthday` or `turns N` as its text.
fn birthdays(
    conn: &Connection,
    window: &Window,
    tag: Option<&str>,
    owner: &OwnerFilter,
) -> Result<Vec<DueItem>> {
    let days = birthday::keys_between(window.today, window.last_day);
    let start_of_today = start_of(window.today)?.timestamp();
    let mut rows = Vec::new();
    for mut row in due::birthdays(conn, days.as_deref(), tag, owner)? {
        let Some(stored) = row.text.as_deref().and_then(Birthday::parse) else {
            continue;
        };
        let Some(day) = stored.next_on_or_after(window.today) else {
            continue;
        };
        if day > window.last_day {
            continue;
        }
        // Closing loops: once you have been in touch on the day, the birthday row is done.
        if day == window.today && row.last_touch.is_some_and(|t| t >= start_of_today) {
            continue;
        }
        row.due_at = start_of(day)?.timestamp();
        row.text = Some(stored.text_on(day).into());
        rows.push(row);
    }
    Ok(rows)
}

/// The `n` contacts most overdue relative to their cadence, without ranking every due contact:
/// within one cadence that order is the order of the due date (by calendar day, then handle),
/// so each cadence contributes at most its first `n` rows plus the rest of the `n`-th row's
/// day (ties by day are broken by handle), read through `contacts_due_by_cadence`.
fn top_contacts(
    conn: &Connection,
    window: &Window,
    tag: Option<&str>,
    owner: &OwnerFilter,
    n: usize,
) -> Result<Vec<DueItem>> {
    let mut rows = Vec::new();
    for every in due::cadences(conn)? {
        let nth = due::nth_of_cadence(conn, &every, window.end_of_today, n - 1, tag, owner)?;
        let before = match nth.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
            Some(nth) => {
                let day_after = crate::when::local_date(nth).succ_opt();
                match day_after.map(start_of).transpose()? {
                    Some(next) => next.timestamp().min(window.end_of_today),
                    None => window.end_of_today,
                }
            }
            None => window.end_of_today,
        };
        rows.extend(due::of_cadence(conn, &every, before, tag, owner)?);
    }
    Ok(rows)
}

/// Most overdue relative to the cadence first (`overdue_days / cadence days`), ties by
/// `overdue_days`, then handle. Sorts small keys and moves the rows in place: at L (60k due
/// contacts) sorting the rows themselves held three copies of them (48 MB peak).
fn rank_contacts(rows: &mut [DueItem], now: i64) {
    let mut keys: Vec<(f64, i64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let overdue = days_late(item.due_at, now);
            let cadence_days = item
                .every
                .as_deref()
                .and_then(|e| Cadence::parse(e).ok()?.span())
                .map_or(1.0, |s| s.approx_days());
            (overdue as f64 / cadence_days, overdue, index)
        })
        .collect();
    keys.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| rows[a.2].handle.cmp(&rows[b.2].handle))
            .then(Ordering::Equal)
    });
    put_in_order(rows, keys.into_iter().map(|(_, _, index)| index).collect());
}

/// Rearranges `rows` so that position k holds what was at `order[k]`, in place, one cycle of
/// the permutation at a time.
fn put_in_order<T>(rows: &mut [T], mut order: Vec<usize>) {
    for start in 0..rows.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            rows.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::put_in_order;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rows_land_where_the_order_says(order in Just((0..40usize).collect::<Vec<_>>()).prop_shuffle()) {
            let mut rows: Vec<usize> = (100..140).collect();
            put_in_order(&mut rows, order.clone());
            let expected: Vec<usize> = order.iter().map(|&k| 100 + k).collect();
            prop_assert_eq!(rows, expected);
        }
    }
}
