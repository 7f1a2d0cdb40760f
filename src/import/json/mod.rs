//! The JSON document `rel export --to json` writes and `rel import` reads back:
//!
//! ```text
//! {
//! "rel_export": 1,
//! "settings": {"default-every": "1m"},
//! "contacts": [
//!   {"id": 1, "uid": "…", …},
//! ],
//! "interactions": [ … ],
//! "followups": [ … ]
//! }
//! ```
//!
//! One record per line, sections in this order (contacts before the records that name them).
//! Records refer to each other by uid. The reader walks the arrays element by element with a
//! serde visitor, so a million interactions are never one value in memory.

pub mod pipe;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The version of the document; a reader refuses versions it does not know.
pub const FORMAT_VERSION: i64 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonContact {
    #[serde(default)]
    pub id: Option<i64>,
    pub uid: String,
    #[serde(default)]
    pub handle: Option<String>,
    pub name: String,
    #[serde(default)]
    pub org: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub every: Option<String>,
    #[serde(default)]
    pub birthday: Option<String>,
    /// The uid of the contact who introduced this one.
    #[serde(default)]
    pub via: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub archived_at: Option<String>,
    #[serde(default)]
    pub snoozed_until: Option<String>,
    /// The team member who owns it; null = unowned.
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonInteraction {
    #[serde(default)]
    pub id: Option<i64>,
    pub uid: String,
    pub at: String,
    pub channel: String,
    #[serde(default)]
    pub note: String,
    /// Participants' uids, in the order they were named.
    pub contacts: Vec<String>,
    /// Only the marked traits: name → +1 (shown) or −1 (strained).
    #[serde(default)]
    pub traits: BTreeMap<String, i64>,
    #[serde(default)]
    pub created_at: Option<String>,
    /// The team member who logged it; null outside a team.
    #[serde(default)]
    pub author: Option<String>,
    /// Where a captured interaction came from; absent when it was typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<JsonSource>,
}

/// A captured interaction's origin as an export carries it: the contract's `{kind, id}` and
/// the print capture uses to tell a hand-amended interaction (so a restore keeps it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JsonSource {
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonFollowUp {
    #[serde(default)]
    pub id: Option<i64>,
    pub uid: String,
    /// The contact's uid.
    pub contact: String,
    /// The uid of the interaction it came from.
    #[serde(default)]
    pub interaction: Option<String>,
    pub due_at: String,
    pub text: String,
    #[serde(default)]
    pub done_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Receives the document's parts as they are read. `index` is the 1-based record number
/// within its section. An `Err` stops the reading and is handed back by [`read`].
pub trait Sink {
    type Error;
    fn version(&mut self, version: i64) -> Result<(), Self::Error>;
    fn settings(&mut self, settings: BTreeMap<String, String>) -> Result<(), Self::Error>;
    fn contact(&mut self, index: usize, record: JsonContact) -> Result<(), Self::Error>;
    /// Called once the contacts section is over (introducers can then be linked).
    fn contacts_done(&mut self) -> Result<(), Self::Error>;
    fn interaction(&mut self, index: usize, record: JsonInteraction) -> Result<(), Self::Error>;
    fn followup(&mut self, index: usize, record: JsonFollowUp) -> Result<(), Self::Error>;
}

/// Why reading stopped: the sink refused, or the text is not a valid document.
#[derive(Debug)]
pub enum ReadError<E> {
    Sink(E),
    Syntax(serde_json::Error),
}

/// Streams a document from `reader` into `sink`.
pub fn read<R: std::io::Read, S: Sink>(reader: R, sink: &mut S) -> Result<(), ReadError<S::Error>> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut failure = None;
    let outcome = de
        .deserialize_map(DocumentVisitor {
            sink,
            failure: &mut failure,
        })
        .and_then(|()| de.end());
    if let Some(err) = failure {
        return Err(ReadError::Sink(err));
    }
    outcome.map_err(ReadError::Syntax)
}

struct DocumentVisitor<'a, S: Sink> {
    sink: &'a mut S,
    failure: &'a mut Option<S::Error>,
}

impl<'de, S: Sink> Visitor<'de> for DocumentVisitor<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rel export (a JSON object with contacts, interactions, followups)")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut contacts_done = false;
        while let Some(key) = map.next_key::<String>()? {
            let section = match key.as_str() {
                "rel_export" => {
                    let version: i64 = map.next_value()?;
                    self.stash(|sink| sink.version(version))?;
                    continue;
                }
                "settings" => {
                    let settings: BTreeMap<String, String> = map.next_value()?;
                    self.stash(|sink| sink.settings(settings))?;
                    continue;
                }
                "contacts" => Section::Contacts,
                "interactions" => Section::Interactions,
                "followups" => Section::FollowUps,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            if section != Section::Contacts && !contacts_done {
                self.stash(|sink| sink.contacts_done())?;
                contacts_done = true;
            }
            map.next_value_seed(SectionSeed {
                section,
                sink: &mut *self.sink,
                failure: &mut *self.failure,
            })?;
            if section == Section::Contacts {
                self.stash(|sink| sink.contacts_done())?;
                contacts_done = true;
            }
        }
        if !contacts_done {
            self.stash(|sink| sink.contacts_done())?;
        }
        Ok(())
    }
}

impl<S: Sink> DocumentVisitor<'_, S> {
    fn stash<E: de::Error>(
        &mut self,
        work: impl FnOnce(&mut S) -> Result<(), S::Error>,
    ) -> Result<(), E> {
        work(self.sink).map_err(|err| {
            *self.failure = Some(err);
            E::custom("stopped by the importer")
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Contacts,
    Interactions,
    FollowUps,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Contacts => "contacts",
            Section::Interactions => "interactions",
            Section::FollowUps => "followups",
        }
    }
}

struct SectionSeed<'a, S: Sink> {
    section: Section,
    sink: &'a mut S,
    failure: &'a mut Option<S::Error>,
}

impl<'de, S: Sink> DeserializeSeed<'de> for SectionSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for SectionSeed<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {}", self.section.name())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            index += 1;
            let name = self.section.name();
            let bad = |err: A::Error| de::Error::custom(format!("{name} record {index}: {err}"));
            let result = match self.section {
                Section::Contacts => match seq.next_element::<JsonContact>().map_err(bad)? {
                    Some(record) => self.sink.contact(index, record),
                    None => return Ok(()),
                },
                Section::Interactions => {
                    match seq.next_element::<JsonInteraction>().map_err(bad)? {
                        Some(record) => self.sink.interaction(index, record),
                        None => return Ok(()),
                    }
                }
                Section::FollowUps => match seq.next_element::<JsonFollowUp>().map_err(bad)? {
                    Some(record) => self.sink.followup(index, record),
                    None => return Ok(()),
                },
            };
            if let Err(err) = result {
                *self.failure = Some(err);
                return Err(de::Error::custom("stopped by the importer"));
            }
        }
    }
}
