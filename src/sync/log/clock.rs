//! The hybrid logical clock: wall-clock milliseconds and a counter packed in one integer
//! (`ms << 16 | counter`). It never goes backwards: each stamp is above the last one this
//! replica issued or saw, whatever the wall clock says, and the last one is kept in the
//! database so a restart (or a clock set back) cannot repeat a stamp.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

/// Bits of the counter below the milliseconds.
const COUNTER_BITS: u32 = 16;
/// The largest wall time a stamp can carry (year 6429): later clocks are clamped to it.
const MAX_MS: i64 = (1 << (63 - COUNTER_BITS)) - 1;
/// Operations stamped further ahead of this machine's clock are held back.
pub const HOLD_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// The stamp a wall time gives with a zero counter.
pub fn at_wall(now_ms: i64) -> i64 {
    now_ms.clamp(0, MAX_MS) << COUNTER_BITS
}

/// The wall-clock milliseconds of a stamp.
pub fn wall_ms(stamp: i64) -> i64 {
    stamp >> COUNTER_BITS
}

/// The next stamp after `last` at wall time `now_ms`.
pub fn tick(last: i64, now_ms: i64) -> i64 {
    let wall = at_wall(now_ms);
    if wall > last {
        wall
    } else {
        last.saturating_add(1)
    }
}

/// Whether an operation stamped `stamp` is too far ahead of `now_ms` to apply yet.
pub fn too_far_ahead(stamp: i64, now_ms: i64) -> bool {
    wall_ms(stamp) > now_ms.saturating_add(HOLD_AHEAD_MS)
}

/// The last stamp this replica issued or saw.
pub fn load(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT value FROM sync_meta WHERE key = 'hlc'")?
        .query_row([], |row| row.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0))
}

/// Keeps `stamp` as the last one, unless a later one is already kept.
pub fn store(conn: &Connection, stamp: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_meta (key, value) VALUES ('hlc', ?1)
         ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
    )?
    .execute([stamp])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Under any sequence of skewed wall clocks and received stamps, every stamp issued is
        /// above every stamp issued or seen before it.
        #[test]
        fn never_goes_backwards(events in proptest::collection::vec((any::<bool>(), -1_000_000_000i64..10_000_000_000_000i64), 1..200)) {
            let mut last = 0i64;
            for (receive, time) in events {
                if receive {
                    let seen = at_wall(time);
                    last = last.max(seen);
                } else {
                    let next = tick(last, time);
                    prop_assert!(next > last);
                    last = next;
                }
            }
        }
    }

    #[test]
    fn a_far_future_clock_is_clamped_not_overflowed() {
        let stamp = tick(0, i64::MAX);
        assert!(stamp > 0);
        assert!(tick(stamp, 0) > stamp);
    }
}
