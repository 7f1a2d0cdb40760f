//! `rel export`: everything as JSON (lossless, re-importable), interactions as CSV, or due
//! dates and open follow-ups as an iCalendar file. Rows stream from the database to the
//! writer; `-o` writes a temp file beside the target and renames it into place.

mod contacts;

use super::Ctx;
use super::temp_file::TempBeside;
use crate::birthday::Birthday;
use crate::cli::{ExportArgs, ExportFormat};
use crate::db::contacts::Contact;
use crate::db::export::{self, FollowUpRow, InteractionRow};
use crate::db::file;
use crate::db::settings;
use crate::error::{Error, Result};
use crate::escape::{csv_cell, ics_text};
use crate::import::json::{FORMAT_VERSION, JsonContact, JsonFollowUp, JsonInteraction};
use crate::output::rfc3339;
use crate::when::local_date;
use chrono::{DateTime, Duration, Utc};
use icalendar::{Component, Event, EventLike};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    if args.contacts && args.to != ExportFormat::Csv {
        return Err(Error::usage("--contacts goes with --to csv").with_hint(
            "'rel export --to csv --contacts'; --to vcard and --to json hold contacts already",
        ));
    }
    if let Some(path) = &args.output
        && file::is_database_or_companion(path, &ctx.db_path)
    {
        return Err(refuse_database(path));
    }
    let db = ctx.open()?;
    let conn = db.conn();
    let what = (args.to, args.contacts);
    // One read transaction: every section sees the same state, so an export taken while
    // others write names no contact its own contacts section lacks.
    let snapshot = db.snapshot()?;
    let written = match &args.output {
        Some(path) => write_atomically(path, |out| write(ctx, conn, what, out)),
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            write(ctx, conn, what, &mut out).and_then(|()| Ok(out.flush()?))
        }
    };
    drop(snapshot);
    written
}

/// `-o` and `rel backup` never replace the journal they read (or its -wal/-shm).
pub fn refuse_database(path: &Path) -> Error {
    Error::usage(format!(
        "{} is the database (or its -wal/-shm); refusing to overwrite it",
        path.display()
    ))
    .with_hint("choose another file name")
}

fn write(
    ctx: &Ctx,
    conn: &Connection,
    (format, contacts): (ExportFormat, bool),
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        ExportFormat::Json => write_json(conn, out),
        ExportFormat::Csv if contacts => contacts::write_contacts_csv(conn, out),
        ExportFormat::Csv => write_csv(conn, out),
        ExportFormat::Ics => write_ics(conn, ctx.now, out),
        ExportFormat::Vcard => contacts::write_vcards(conn, out),
    }
}

/// A temp file in the target's folder (created 0600), renamed over the target once complete,
/// so a reader never sees half an export, and a failure or an interruption leaves the old
/// file alone and no temp file behind.
fn write_atomically(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut temp = TempBeside::new(path, ".rel-export-")?;
    {
        let Some(file) = temp.as_file_mut() else {
            return Err(Error::runtime("the temp file went away"));
        };
        let mut out = BufWriter::new(file);
        fill(&mut out)?;
        out.flush()
            .map_err(|err| Error::runtime(format!("cannot write {}: {err}", path.display())))?;
    }
    temp.persist(path, true)
}

/// The JSON document of `import::json`, one record per line.
fn write_json(conn: &Connection, out: &mut dyn Write) -> Result<()> {
    let settings: BTreeMap<String, String> = settings::all(conn)?.into_iter().collect();
    writeln!(out, "{{")?;
    writeln!(out, "\"rel_export\": {FORMAT_VERSION},")?;
    writeln!(out, "\"settings\": {},", serde_json::to_string(&settings)?)?;
    let mut section = Section::open(out, "contacts")?;
    export::each_contact(conn, |contact, via_uid| {
        section.record(&json_contact(contact, via_uid))
    })?;
    section.close(true)?;
    let mut section = Section::open(out, "interactions")?;
    export::each_interaction(conn, |row| section.record(&json_interaction(row)))?;
    section.close(true)?;
    let mut section = Section::open(out, "followups")?;
    export::each_followup(conn, false, |row| section.record(&json_followup(row)))?;
    section.close(false)?;
    writeln!(out, "}}")?;
    Ok(())
}

/// One array of the document, written a record at a time.
struct Section<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl<'w> Section<'w> {
    fn open(out: &'w mut dyn Write, name: &str) -> Result<Section<'w>> {
        write!(out, "\"{name}\": [")?;
        Ok(Section { out, first: true })
    }

    fn record(&mut self, record: &impl serde::Serialize) -> Result<()> {
        let comma = if self.first { "" } else { "," };
        write!(self.out, "{comma}\n  {}", serde_json::to_string(record)?)?;
        self.first = false;
        Ok(())
    }

    fn close(self, more: bool) -> Result<()> {
        writeln!(self.out, "\n]{}", if more { "," } else { "" })?;
        Ok(())
    }
}

fn time_opt(unix: Option<i64>) -> Option<String> {
    unix.map(rfc3339)
}

fn json_contact(row: Contact, via_uid: Option<String>) -> JsonContact {
    JsonContact {
        id: Some(row.id),
        uid: row.uid,
        handle: Some(row.handle),
        name: row.name,
        org: row.org,
        role: row.role,
        emails: row.emails,
        phones: row.phones,
        tags: row.tags,
        every: row.every,
        birthday: row.birthday,
        via: via_uid,
        note: row.note,
        created_at: Some(rfc3339(row.created_at)),
        archived_at: time_opt(row.archived_at),
        snoozed_until: time_opt(row.snoozed_until),
        owner: row.owner,
    }
}

fn json_interaction(row: InteractionRow) -> JsonInteraction {
    let traits = row
        .marks
        .marked()
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.as_i64()?)))
        .collect();
    JsonInteraction {
        id: Some(row.id),
        uid: row.uid,
        at: rfc3339(row.at),
        channel: row.channel,
        note: row.note,
        contacts: row.contact_uids,
        traits,
        created_at: Some(rfc3339(row.created_at)),
        author: row.author,
        source: row
            .source
            .map(|(kind, id, print)| crate::import::json::JsonSource { kind, id, print }),
    }
}

fn json_followup(row: FollowUpRow) -> JsonFollowUp {
    JsonFollowUp {
        id: Some(row.id),
        uid: row.uid,
        contact: row.contact_uid,
        interaction: row.interaction_uid,
        due_at: rfc3339(row.due_at),
        text: row.text,
        done_at: time_opt(row.done_at),
        created_at: Some(rfc3339(row.created_at)),
    }
}

/// One row per interaction, participants' handles joined with commas (RFC 4180 quoting).
fn write_csv(conn: &Connection, out: &mut dyn Write) -> Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["id", "uid", "at", "channel", "contacts", "traits", "note"])?;
    export::each_interaction(conn, |row| {
        let traits: Vec<String> = row
            .marks
            .marked()
            .iter()
            .map(|(name, v)| format!("{}{name}", if v.as_i64() == Some(1) { "+" } else { "-" }))
            .collect();
        csv.write_record([
            row.id.to_string(),
            row.uid,
            rfc3339(row.at),
            row.channel,
            row.contact_handles.join(","),
            traits.join(" "),
            // Only the note is free text; the other cells are rel's own words and numbers.
            csv_cell(&row.note).into_owned(),
        ])?;
        Ok(())
    })?;
    csv.flush()?;
    Ok(())
}

/// One yearly all-day event per birthday, from the birth date when the year is known (else
/// from its next occurrence). A 29 February birthday recurs on February's last day, so the
/// calendar shows it on the 28th in the years without a 29th, as `rel due` does.
fn birthday_event(row: &Contact, now: DateTime<Utc>) -> Option<Event> {
    let birthday = Birthday::parse(row.birthday.as_deref()?)?;
    let first = match birthday.year {
        Some(year) => birthday.in_year(year)?,
        None => birthday.next_on_or_after(local_date(now))?,
    };
    let rule = if birthday.month == 2 && birthday.day == 29 {
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    } else {
        "FREQ=YEARLY"
    };
    Some(
        Event::new()
            .uid(&format!("birthday-{}@rel", row.uid))
            .timestamp(now)
            .summary(&format!("Birthday: {}", row.name))
            .description(&format!("rel show {}", row.handle))
            .starts(first)
            .ends(first.succ_opt().unwrap_or(first))
            .add_property("RRULE", rule)
            .done(),
    )
}

/// An iCalendar file: an all-day event on each active contact's next due date and a timed
/// event per open follow-up. UIDs come from the records' uids, so a calendar that imports
/// the file again updates its events instead of duplicating them; DTSTAMP is "now"
/// (`REL_NOW` when set), as RFC 5545 requires.
fn write_ics(conn: &Connection, now: DateTime<Utc>, out: &mut dyn Write) -> Result<()> {
    write!(
        out,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rel//rel export//EN\r\nCALSCALE:GREGORIAN\r\n"
    )?;
    let mut emit = |event: &Event| -> Result<()> {
        let text = event
            .try_into_string()
            .map_err(|_| Error::runtime("cannot format a calendar event"))?;
        out.write_all(text.as_bytes())?;
        Ok(())
    };
    export::each_contact(conn, |row, _| {
        if row.archived_at.is_none()
            && let Some(event) = birthday_event(&row, now)
        {
            emit(&event)?;
        }
        let (Some(due), None) = (row.due_at, row.archived_at) else {
            return Ok(());
        };
        let Some(due) = DateTime::from_timestamp(due, 0) else {
            return Ok(());
        };
        let every = row.due_every.as_deref().unwrap_or_default();
        let day = local_date(due);
        emit(
            &Event::new()
                .uid(&format!("contact-{}@rel", row.uid))
                .timestamp(now)
                .summary(&ics_text(&format!("Get in touch with {}", row.name)))
                .description(&ics_text(&format!(
                    "Due every {every}. rel show {}",
                    row.handle
                )))
                // An all-day event ends (exclusively) the next day.
                .starts(day)
                .ends(day.succ_opt().unwrap_or(day))
                .done(),
        )
    })?;
    export::each_followup(conn, true, |row| {
        let Some(due) = DateTime::from_timestamp(row.due_at, 0) else {
            return Ok(());
        };
        let text = ics_text(&row.text);
        let first_line = text.lines().next().unwrap_or_default();
        emit(
            &Event::new()
                .uid(&format!("followup-{}@rel", row.uid))
                .timestamp(now)
                .summary(&ics_text(&format!("{}: {first_line}", row.contact_name)))
                .description(&text)
                .starts(due)
                .ends(due + Duration::minutes(30))
                .done(),
        )
    })?;
    write!(out, "END:VCALENDAR\r\n")?;
    Ok(())
}
