//! Bounded memory for `rel import`: the file streams through, and no single record may take
//! more than [`MAX_RECORD_BYTES`] of it, so a 2 GB line (or a JSON string that never ends) is
//! exit 2 after reading a few megabytes instead of an abort after reading gigabytes.

use crate::error::Error;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bytes of input one record may span. The largest real record is a contact with a photo or
/// a 1 MiB note written with JSON escapes (up to 6 bytes a character): far below this.
pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Counts the bytes read since the last record ended; shared by the reader and whoever sees
/// records end (the import loop, the JSON reader's thread).
#[derive(Clone, Default)]
pub struct RecordBudget(Arc<Counters>);

#[derive(Default)]
struct Counters {
    since_record: AtomicU64,
    exceeded: AtomicBool,
}

impl RecordBudget {
    pub fn new() -> RecordBudget {
        RecordBudget::default()
    }

    /// Wraps the raw input: a read past the budget fails (and marks the budget exceeded).
    pub fn reader<R: Read>(&self, inner: R) -> Limited<R> {
        Limited {
            inner,
            budget: self.clone(),
        }
    }

    /// A record ended: the next one starts with a full budget.
    pub fn record_done(&self) {
        self.0.since_record.store(0, Ordering::Relaxed);
    }

    /// Whether reading stopped because one record was too large.
    pub fn exceeded(&self) -> bool {
        self.0.exceeded.load(Ordering::Relaxed)
    }

    /// The error an import ends with once [`RecordBudget::exceeded`].
    pub fn error(shown: &str) -> Error {
        Error::usage(format!(
            "{shown}: a record is larger than {} MiB; no contact, interaction or follow-up is that large",
            MAX_RECORD_BYTES / (1024 * 1024)
        ))
        .with_hint("nothing was imported; is this the right file?")
    }
}

/// The input of an import, failing once one record has taken more than its budget.
pub struct Limited<R> {
    inner: R,
    budget: RecordBudget,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let counters = &self.budget.0;
        if counters.since_record.load(Ordering::Relaxed) > MAX_RECORD_BYTES {
            counters.exceeded.store(true, Ordering::Relaxed);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "a record is too large",
            ));
        }
        let read = self.inner.read(buf)?;
        counters
            .since_record
            .fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_past_the_budget_stops_the_reading() {
        let budget = RecordBudget::new();
        let endless = std::io::repeat(b'x');
        let mut reader = budget.reader(endless);
        let mut sink = vec![0u8; 1 << 20];
        let mut total = 0u64;
        let failed = loop {
            match reader.read(&mut sink) {
                Ok(n) => total += n as u64,
                Err(err) => break err,
            }
        };
        assert_eq!(failed.kind(), std::io::ErrorKind::InvalidData);
        assert!(budget.exceeded());
        assert!(total <= MAX_RECORD_BYTES + (1 << 20));
    }

    #[test]
    fn ending_records_renews_the_budget() {
        let budget = RecordBudget::new();
        let mut reader = budget.reader(std::io::repeat(b'x'));
        let mut chunk = vec![0u8; 1 << 20];
        for _ in 0..((3 * MAX_RECORD_BYTES) >> 20) {
            reader.read_exact(&mut chunk).expect("within budget");
            budget.record_done();
        }
        assert!(!budget.exceeded());
    }
}
