//! Reads a rel export on a second thread, so that parsing (a tenth of a large restore) runs on
//! the other core while this one writes to the database. Records reach the sink in document
//! order, and the first error, the sink's or the document's, ends the import as it would
//! reading in one thread.

use super::super::limit::RecordBudget;
use super::{JsonContact, JsonFollowUp, JsonInteraction, ReadError, Sink};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};

/// Records parsed ahead of the writer at most: enough to keep both cores busy, small enough
/// to keep memory bounded.
const READ_AHEAD: usize = 4096;

/// Records carried over in one message. One message per record made the writer wake the
/// parser (which mostly waits for room: it is the faster side) once per record: a futex call
/// on the critical path for each of a million interactions.
const BATCH: usize = 256;

/// One call the reader thread makes, carried over to the writing thread.
enum Event {
    Version(i64),
    Settings(BTreeMap<String, String>),
    Contact(usize, JsonContact),
    ContactsDone,
    Interaction(usize, JsonInteraction),
    FollowUp(usize, JsonFollowUp),
}

/// Bytes of parsed records waiting for the writer at most: READ_AHEAD alone would let 4096
/// records of many megabytes each pile up.
const MAX_IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

/// The reader thread's sink: forwards every call, [`BATCH`] records to a message; fails once
/// the writer has stopped listening. Each record read renews the input's per-record budget.
struct Forward<'a> {
    sender: SyncSender<(Vec<Event>, usize)>,
    budget: &'a RecordBudget,
    in_flight: &'a AtomicUsize,
    batch: Vec<Event>,
    batch_weight: usize,
}

impl Forward<'_> {
    fn send(&mut self, event: Event) -> Result<(), Stopped> {
        self.budget.record_done();
        self.batch_weight += event.weight();
        self.batch.push(event);
        if self.batch.len() >= BATCH || self.batch_weight > MAX_IN_FLIGHT_BYTES / 4 {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the records held so far (at the end of the document, or of a failed read, so the
    /// writer sees every record read before the error, as it would in one thread).
    fn flush(&mut self) -> Result<(), Stopped> {
        if self.batch.is_empty() {
            return Ok(());
        }
        // Wait while big records fill the queue (small ones never wait: the channel bounds them).
        while self.in_flight.load(Ordering::Acquire) > MAX_IN_FLIGHT_BYTES {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let weight = std::mem::take(&mut self.batch_weight);
        self.in_flight.fetch_add(weight, Ordering::AcqRel);
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.sender.send((batch, weight)).map_err(|_| Stopped)
    }
}

impl Event {
    /// About how much memory the record holds, for the in-flight bound.
    fn weight(&self) -> usize {
        let texts = |items: &[String]| items.iter().map(|t| t.len() + 24).sum::<usize>();
        let optional = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        128 + match self {
            Event::Version(_) | Event::ContactsDone => 0,
            Event::Settings(map) => map.iter().map(|(k, v)| k.len() + v.len() + 48).sum(),
            Event::Contact(_, c) => {
                c.uid.len()
                    + c.name.len()
                    + optional(&c.handle)
                    + optional(&c.org)
                    + optional(&c.role)
                    + optional(&c.note)
                    + texts(&c.emails)
                    + texts(&c.phones)
                    + texts(&c.tags)
            }
            Event::Interaction(_, i) => i.uid.len() + i.note.len() + texts(&i.contacts),
            Event::FollowUp(_, f) => f.uid.len() + f.text.len() + f.contact.len(),
        }
    }
}

/// The writer stopped (its own error is the one reported).
struct Stopped;

impl Sink for Forward<'_> {
    type Error = Stopped;
    fn version(&mut self, version: i64) -> Result<(), Stopped> {
        self.send(Event::Version(version))
    }
    fn settings(&mut self, settings: BTreeMap<String, String>) -> Result<(), Stopped> {
        self.send(Event::Settings(settings))
    }
    fn contact(&mut self, index: usize, record: JsonContact) -> Result<(), Stopped> {
        self.send(Event::Contact(index, record))
    }
    fn contacts_done(&mut self) -> Result<(), Stopped> {
        self.send(Event::ContactsDone)
    }
    fn interaction(&mut self, index: usize, record: JsonInteraction) -> Result<(), Stopped> {
        self.send(Event::Interaction(index, record))
    }
    fn followup(&mut self, index: usize, record: JsonFollowUp) -> Result<(), Stopped> {
        self.send(Event::FollowUp(index, record))
    }
}

fn deliver<S: Sink>(sink: &mut S, event: Event) -> Result<(), S::Error> {
    match event {
        Event::Version(version) => sink.version(version),
        Event::Settings(settings) => sink.settings(settings),
        Event::Contact(index, record) => sink.contact(index, record),
        Event::ContactsDone => sink.contacts_done(),
        Event::Interaction(index, record) => sink.interaction(index, record),
        Event::FollowUp(index, record) => sink.followup(index, record),
    }
}

/// Like [`super::read`], with the parsing on a second thread.
/// `budget` is renewed at each record, so no single one may exceed it.
pub fn read<R: Read + Send, S: Sink>(
    reader: R,
    sink: &mut S,
    budget: &RecordBudget,
) -> Result<(), ReadError<S::Error>> {
    let in_flight = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel(READ_AHEAD / BATCH);
        let in_flight = &in_flight;
        let parser = scope.spawn(move || {
            let mut forward = Forward {
                sender,
                budget,
                in_flight,
                batch: Vec::with_capacity(BATCH),
                batch_weight: 0,
            };
            let read = super::read(reader, &mut forward);
            match forward.flush() {
                Ok(()) => read,
                Err(stopped) => Err(ReadError::Sink(stopped)),
            }
        });
        let mut written = Ok(());
        'batches: for (batch, weight) in receiver.iter() {
            for event in batch {
                if let Err(err) = deliver(sink, event) {
                    written = Err(err);
                    break 'batches;
                }
            }
            in_flight.fetch_sub(weight, Ordering::AcqRel);
        }
        // Dropping the receiver makes the parser's next send fail, so it stops reading.
        drop(receiver);
        // A parser waiting for room would wait forever: let it on, to find the channel closed.
        in_flight.store(0, Ordering::Release);
        let parsed = parser.join();
        written.map_err(ReadError::Sink)?;
        match parsed {
            Ok(Ok(())) | Ok(Err(ReadError::Sink(Stopped))) => Ok(()),
            Ok(Err(ReadError::Syntax(err))) => Err(ReadError::Syntax(err)),
            // The parser never panics on input (property-tested); should it, say so plainly.
            Err(_) => Err(ReadError::Syntax(serde::de::Error::custom(
                "the reader thread failed",
            ))),
        }
    })
}
