//! Calendars for capture (`rel import FILE.ics`): every event instance that started inside the
//! window becomes an [`EventDraft`]. calcard parses the file and expands recurrences (RRULE,
//! RDATE, EXDATE, VTIMEZONE and Windows zone names); this file only picks what capture needs
//! and matches overridden instances itself. It never touches the database and never panics.
//!
//! Why overrides are matched here: calcard pairs a RECURRENCE-ID with its instance only when
//! both carry the same SEQUENCE, which Google's and Outlook's exports rarely do; an override
//! it cannot pair would be counted twice (the instance and the override). So RECURRENCE-ID
//! entries are taken out before expansion and matched to instances by their instant.

use super::people::Person;
use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarFrequency,
    ICalendarParameterName, ICalendarParameterValue, ICalendarParticipationStatus,
    ICalendarProperty, ICalendarStatus, ICalendarUserTypes, ICalendarValue,
};
use calcard::{Entry, Parser};
use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Recurring instances expanded per file at most: ten years of a daily meeting is 3,650; a
/// file past this is cut (with a warning) rather than filling memory.
const MAX_INSTANCES: usize = 500_000;

/// One instance of an event, as capture needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    /// `UID` for a single event, `UID/20240105T090000Z` for an instance of a recurring one
    /// (the instance's original start in UTC, which an override keeps when it moves).
    pub source_id: String,
    pub at: i64,
    pub summary: String,
    pub description: Option<String>,
    /// Organizer first, then attendees, each address once.
    pub people: Vec<Person>,
    /// The event or this instance is cancelled.
    pub cancelled: bool,
}

/// What one calendar file gives.
#[derive(Debug, Default)]
pub struct CalendarRead {
    pub drafts: Vec<EventDraft>,
    /// UIDs of recurring events expanded here: their stored instances in the window that this
    /// file no longer gives were cancelled since (an EXDATE, a shortened RRULE).
    pub series: Vec<String>,
    /// Events that could not be read, named (UID or position) with why.
    pub malformed: Vec<String>,
    /// The calendar's owner when its name is an address (`X-WR-CALNAME:me@example.com`, as
    /// Google names an export): that is you, never one of your contacts.
    pub owners: Vec<String>,
}

/// Events that started in `since ..= now` (unix seconds). `text` is a whole `.ics` file.
pub fn read_calendar(text: &str, since: i64, now: i64) -> CalendarRead {
    let mut read = CalendarRead::default();
    let mut parser = Parser::new(text);
    let mut position = 0usize;
    loop {
        match parser.entry() {
            Entry::ICalendar(calendar) => {
                position += 1;
                read_one(calendar, since, now, &mut read);
            }
            Entry::Eof => break,
            Entry::VCard(_) => read.malformed.push("a vCard inside a calendar".into()),
            Entry::InvalidLine(line) => read
                .malformed
                .push(format!("line '{}' is not iCalendar", shorten(&line))),
            Entry::UnexpectedComponentEnd { .. } | Entry::UnterminatedComponent(_) => {
                read.malformed.push(format!(
                    "calendar {} has an unterminated component",
                    position + 1
                ));
                break;
            }
            Entry::TooManyComponents => {
                read.malformed.push("too many components".into());
                break;
            }
            _ => break,
        }
    }
    read
}

fn shorten(text: &str) -> String {
    text.chars().take(60).collect()
}

/// An override taken out of the calendar before expansion.
struct Override {
    uid: String,
    /// The original start of the instance it replaces.
    instance: i64,
}

fn read_one(mut calendar: ICalendar, since: i64, now: i64, read: &mut CalendarRead) {
    if let Some(root) = calendar.components.first() {
        for entry in &root.entries {
            if entry.name.as_str().eq_ignore_ascii_case("X-WR-CALNAME")
                && let Some(owner) = entry
                    .values
                    .first()
                    .and_then(ICalendarValue::as_text)
                    .and_then(super::people::clean_email)
            {
                read.owners.push(owner);
            }
        }
    }
    // Instants of RECURRENCE-ID and EXDATE, resolved while the zones can be borrowed.
    let mut overrides: HashMap<usize, Override> = HashMap::new();
    let mut exdates: HashMap<String, HashSet<i64>> = HashMap::new();
    let mut recurring: HashSet<String> = HashSet::new();
    {
        let zones = calendar.build_tz_resolver();
        for (index, component) in calendar.components.iter().enumerate() {
            if component.component_type != ICalendarComponentType::VEvent {
                continue;
            }
            let uid = uid_of(component);
            if let Some(entry) = component.property(&ICalendarProperty::RecurrenceId)
                && let Some(instance) = instant_of(entry, 0, &zones)
            {
                overrides.insert(index, Override { uid, instance });
                continue;
            }
            if component.has_property(&ICalendarProperty::Rrule)
                || component.has_property(&ICalendarProperty::Rdate)
            {
                recurring.insert(uid.clone());
                let skipped = exdates.entry(uid).or_default();
                for entry in component.properties(&ICalendarProperty::Exdate) {
                    for value in 0..entry.values.len() {
                        skipped.extend(instant_of(entry, value, &zones));
                    }
                }
            }
        }
    }
    // Expansion stops at now: an open-ended daily series from 1990 gives no future instances.
    let until = until_now(now + 86_400);
    // Meetings do not recur every minute: such a rule (or a hostile file) would give millions
    // of instances, so its event is refused instead.
    let mut refused: HashSet<usize> = HashSet::new();
    for (index, component) in calendar.components.iter_mut().enumerate() {
        if overrides.contains_key(&index) {
            component
                .entries
                .retain(|e| e.name != ICalendarProperty::RecurrenceId);
        }
        let sub_hourly = component.properties(&ICalendarProperty::Rrule).any(|entry| {
            entry.values.iter().any(|value| {
                matches!(value, ICalendarValue::RecurrenceRule(rule)
                    if matches!(rule.freq, ICalendarFrequency::Minutely | ICalendarFrequency::Secondly))
            })
        });
        if sub_hourly {
            refused.insert(index);
            component
                .entries
                .retain(|e| e.name != ICalendarProperty::Rrule);
            read.malformed.push(format!(
                "event '{}': recurs more often than hourly",
                uid_of(component)
            ));
            continue;
        }
        for entry in component.properties_mut(&ICalendarProperty::Rrule) {
            for value in &mut entry.values {
                if let ICalendarValue::RecurrenceRule(rule) = value {
                    let later = rule
                        .until
                        .as_ref()
                        .and_then(|u| u.to_date_time())
                        .is_none_or(|u| u.date_time.and_utc().timestamp() > now + 86_400);
                    if later {
                        rule.until = Some(until.clone());
                    }
                }
            }
        }
    }
    let expanded = calendar.expand_dates(Tz::Floating, MAX_INSTANCES);
    if expanded.events.len() >= MAX_INSTANCES {
        read.malformed.push(format!(
            "more than {MAX_INSTANCES} instances; the rest were not read"
        ));
    }
    for error in &expanded.errors {
        let component = calendar.components.get(error.comp_id as usize);
        let name = component.map_or_else(|| "an event".to_string(), uid_of);
        read.malformed
            .push(format!("event '{name}': {}", error.error));
    }
    let overridden: HashSet<(&str, i64)> = overrides
        .values()
        .map(|o| (o.uid.as_str(), o.instance))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    for event in &expanded.events {
        let index = event.comp_id as usize;
        if refused.contains(&index) {
            continue;
        }
        let Some(component) = calendar.components.get(index) else {
            continue;
        };
        if component.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let start = unix(&event.start);
        let uid = uid_of(component);
        let source_id = match overrides.get(&index) {
            Some(o) => format!("{}/{}", o.uid, instance_text(o.instance)),
            None if recurring.contains(&uid) => {
                if overridden.contains(&(uid.as_str(), start))
                    || exdates.get(&uid).is_some_and(|set| set.contains(&start))
                {
                    continue;
                }
                format!("{uid}/{}", instance_text(start))
            }
            None => uid.clone(),
        };
        if start < since || start > now || !seen.insert(source_id.clone()) {
            continue;
        }
        read.drafts.push(EventDraft {
            source_id,
            at: start,
            summary: text_of(component, ICalendarProperty::Summary).unwrap_or_default(),
            description: text_of(component, ICalendarProperty::Description)
                .filter(|d| !d.trim().is_empty()),
            people: people_of(component),
            cancelled: matches!(component.status(), Some(ICalendarStatus::Cancelled)),
        });
    }
    read.series.extend(recurring);
}

/// The event's UID; Exchange sometimes writes none, and such an event still gets an id of
/// its own, from its summary, organizer and start (stable from one export to the next).
fn uid_of(component: &ICalendarComponent) -> String {
    if let Some(uid) = text_of(component, ICalendarProperty::Uid)
        .map(|uid| uid.trim().to_string())
        .filter(|uid| !uid.is_empty())
    {
        return uid;
    }
    let mut hasher = Sha256::new();
    for property in [
        ICalendarProperty::Summary,
        ICalendarProperty::Organizer,
        ICalendarProperty::Dtstart,
    ] {
        if let Some(entry) = component.property(&property) {
            hasher.update(format!("{:?}", entry.values).as_bytes());
        }
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("no-uid-{hex}")
}

fn text_of(component: &ICalendarComponent, property: ICalendarProperty) -> Option<String> {
    component
        .property(&property)
        .and_then(|entry| entry.values.first())
        .and_then(ICalendarValue::as_text)
        .map(str::to_string)
}

/// A date-time property's `value`-th instant: its own offset, its TZID, else local time.
fn instant_of(
    entry: &ICalendarEntry,
    value: usize,
    zones: &calcard::icalendar::timezone::TzResolver<&str>,
) -> Option<i64> {
    let ICalendarValue::PartialDateTime(when) = entry.values.get(value)? else {
        return None;
    };
    let zone = zones.resolve_or_default(entry.tz_id());
    let at = when.to_date_time()?.to_date_time_with_tz(zone)?;
    Some(unix(&at))
}

/// Unix seconds; a floating time (no zone, or a zone nobody knows) is local time, as
/// RFC 5545 says and as the calendar showed it.
fn unix(at: &DateTime<Tz>) -> i64 {
    if at.timezone().is_floating() {
        let naive = at.naive_local();
        return chrono::Local
            .from_local_datetime(&naive)
            .earliest()
            .map_or_else(|| naive.and_utc().timestamp(), |t| t.timestamp());
    }
    at.timestamp()
}

/// An instance's start as it appears in a source id: `20240105T090000Z`.
fn instance_text(at: i64) -> String {
    DateTime::<Utc>::from_timestamp(at, 0)
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|| at.to_string())
}

fn until_now(limit: i64) -> PartialDateTime {
    let at = DateTime::<Utc>::from_timestamp(limit, 0).unwrap_or_default();
    PartialDateTime {
        year: u16::try_from(at.year()).ok(),
        month: Some(at.month() as u8),
        day: Some(at.day() as u8),
        hour: Some(at.hour() as u8),
        minute: Some(at.minute() as u8),
        second: Some(at.second() as u8),
        tz_hour: Some(0),
        tz_minute: Some(0),
        tz_minus: false,
    }
}

/// The organizer and the attendees, each address once (the organizer's entry first).
fn people_of(component: &ICalendarComponent) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    for entry in component.entries.iter().filter(|e| {
        matches!(
            e.name,
            ICalendarProperty::Organizer | ICalendarProperty::Attendee
        )
    }) {
        let address = match entry.parameter(&ICalendarParameterName::Email) {
            Some(value) => value.as_text().map(str::to_string),
            None => entry.calendar_address().map(str::to_string),
        };
        let Some(email) = address.and_then(|a| super::people::clean_email(&a)) else {
            continue;
        };
        let name = entry
            .parameter(&ICalendarParameterName::Cn)
            .and_then(ICalendarParameterValue::as_text)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&email));
        let room = entry.parameters(&ICalendarParameterName::Cutype).any(|v| {
            matches!(
                v,
                ICalendarParameterValue::Cutype(
                    ICalendarUserTypes::Room | ICalendarUserTypes::Resource
                )
            ) || v.as_text().is_some_and(|t| {
                t.eq_ignore_ascii_case("ROOM") || t.eq_ignore_ascii_case("RESOURCE")
            })
        });
        let declined = entry
            .parameters(&ICalendarParameterName::Partstat)
            .any(|v| {
                matches!(
                    v,
                    ICalendarParameterValue::Partstat(ICalendarParticipationStatus::Declined)
                )
            });
        match people.iter_mut().find(|p| p.email == email) {
            // The organizer often appears again as an attendee with their answer.
            Some(known) => {
                known.declined |= declined;
                known.room |= room;
                if known.name.is_none() {
                    known.name = name;
                }
            }
            None => people.push(Person {
                email,
                name,
                room,
                declined,
            }),
        }
    }
    people
}

#[cfg(test)]
#[path = "ics_capture_tests.rs"]
mod tests;
