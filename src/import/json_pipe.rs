//! Reads a rel export on a second thread, so that parsing (a tenth of a large restore) runs on
//! the other core while this one writes to the database. Records reach the sink in document
//! order, and the first error, the sink's or the document's, ends the import as it would
//! reading in one thread.

use super::json::{self, JsonContact, JsonFollowUp, JsonInteraction, ReadError, Sink};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{SyncSender, sync_channel};

/// Records parsed ahead of the writer at most: enough to keep both cores busy, small enough
/// to keep memory bounded.
const READ_AHEAD: usize = 4096;

/// One call the reader thread makes, carried over to the writing thread.
enum Event {
    Version(i64),
    Settings(BTreeMap<String, String>),
    Contact(usize, JsonContact),
    ContactsDone,
    Interaction(usize, JsonInteraction),
    FollowUp(usize, JsonFollowUp),
}

/// The reader thread's sink: forwards every call; fails once the writer has stopped listening.
struct Forward(SyncSender<Event>);

impl Forward {
    fn send(&mut self, event: Event) -> Result<(), Stopped> {
        self.0.send(event).map_err(|_| Stopped)
    }
}

/// The writer stopped (its own error is the one reported).
struct Stopped;

impl Sink for Forward {
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

/// Like [`json::read`], with the parsing on a second thread.
pub fn read<R: Read + Send, S: Sink>(reader: R, sink: &mut S) -> Result<(), ReadError<S::Error>> {
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel(READ_AHEAD);
        let parser = scope.spawn(move || json::read(reader, &mut Forward(sender)));
        let mut written = Ok(());
        for event in receiver.iter() {
            if let Err(err) = deliver(sink, event) {
                written = Err(err);
                break;
            }
        }
        // Dropping the receiver makes the parser's next send fail, so it stops reading.
        drop(receiver);
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
