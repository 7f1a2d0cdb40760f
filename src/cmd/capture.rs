//! `rel import FILE.ics|DIR|MBOX|MAILDIR`: capture, interactions from calendars and mail the
//! user already has (the contract's "Capture" section). What a path is comes from its content;
//! everything is written in one transaction (rolled back with `--dry-run`), and a malformed
//! event or message is named on stderr and skipped, never refusing the rest.

use super::Ctx;
use crate::apply::capture::{Capture, CaptureOptions, CaptureSummary};
use crate::cli::{ImportArgs, ImportFormat};
use crate::db::import::prepare_for_bulk;
use crate::db::settings;
use crate::error::{Error, Result};
use crate::import::ics_capture::read_calendar;
use crate::import::mail_capture::read_headers;
use crate::import::mailbox::{self, RawMessage};
use crate::import::people::clean_email;
use crate::output::escape_visible;
use crate::when::Dir;
use chrono::TimeZone;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::HashSet;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

/// What capture reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// One `.ics` file, or a folder of them (a vdir).
    Calendar,
    Mbox,
    Maildir,
}

/// Whether `rel import` is a capture: `--from ics|mbox|maildir`, a folder, or a file whose
/// first line is `BEGIN:VCALENDAR` or `From `. None leaves the path to the address-book import.
pub fn wants(args: &ImportArgs) -> Option<Source> {
    match args.from {
        Some(ImportFormat::Ics) => return Some(Source::Calendar),
        Some(ImportFormat::Mbox) => return Some(Source::Mbox),
        Some(ImportFormat::Maildir) => return Some(Source::Maildir),
        Some(_) => return None,
        None => {}
    }
    let path = &args.file;
    if path.is_dir() {
        if mailbox::is_maildir(path) || mailbox::holds_maildirs(path) {
            return Some(Source::Maildir);
        }
        // A folder of .vcf files (or anything else) stays with the address-book import.
        return ics_files(path)
            .is_ok_and(|files| !files.is_empty())
            .then_some(Source::Calendar);
    }
    let mut head = [0u8; 64];
    let read = File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    let text = String::from_utf8_lossy(&head[..read]);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if start
        .get(..15)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        Some(Source::Calendar)
    } else if start.starts_with("From ") {
        Some(Source::Mbox)
    } else {
        None
    }
}

pub fn run(ctx: &Ctx, args: ImportArgs, source: Source) -> Result<()> {
    let now = ctx.now_unix();
    let since = match &args.capture.since {
        Some(text) => ctx.when(text, Dir::Past)?.at.timestamp(),
        None => ctx
            .now
            .checked_sub_months(chrono::Months::new(36))
            .map_or(0, |t| t.timestamp()),
    };
    let mut db = ctx.open()?;
    let mut me: HashSet<String> = HashSet::new();
    for given in &args.capture.me {
        for part in given.split(',').filter(|p| !p.trim().is_empty()) {
            let email = clean_email(part)
                .ok_or_else(|| Error::usage(format!("--me '{part}' is not an email address")))?;
            me.insert(email);
        }
    }
    if me.is_empty()
        && let Some(stored) = settings::get(db.conn(), "me.email")?
    {
        me.extend(stored.split(',').filter_map(clean_email));
    }
    if me.is_empty() && source != Source::Calendar {
        return Err(Error::usage(
            "importing mail needs your own address to tell who wrote to whom",
        )
        .with_hint("add --me EMAIL, or set it once: rel config me.email EMAIL"));
    }
    let options = CaptureOptions {
        me,
        max_people: args.capture.max_people,
        notes: args.capture.notes,
        add_unknown: args.capture.add_unknown,
        plan: args.dry_run,
        since,
        now,
    };
    // Unreadable input is exit 1 before the database is touched.
    let inputs = inputs(&args.file, source)?;
    db.become_writer()?;
    prepare_for_bulk(&db)?;
    let bar = progress_bar(inputs.len() as u64);
    let summary = db.write_or_rehearse(!args.dry_run, |tx| {
        let mut capture = Capture::new(tx, options)?;
        for input in &inputs {
            match source {
                Source::Calendar => calendar(&mut capture, input, since, now)?,
                Source::Mbox => mbox(&mut capture, input, &bar)?,
                Source::Maildir => maildir_message(&mut capture, input)?,
            }
            bar.inc(1);
        }
        bar.set_message("updating due dates");
        capture.finish()
    });
    bar.finish_and_clear();
    let summary = summary?;
    for warning in &summary.warnings {
        eprintln!("rel: warning: {}", escape_visible(warning));
    }
    report(ctx, &summary, args.dry_run)
}

/// The files to read: the path itself, the `.ics` files of a folder, or a Maildir's messages.
fn inputs(path: &Path, source: Source) -> Result<Vec<PathBuf>> {
    let unreadable =
        |err: std::io::Error| Error::runtime(format!("cannot read {}: {err}", path.display()));
    match source {
        Source::Maildir => mailbox::maildir_files(path).map_err(unreadable),
        Source::Calendar if path.is_dir() => {
            let files = ics_files(path).map_err(unreadable)?;
            if files.is_empty() {
                return Err(Error::runtime(format!(
                    "cannot read {}: a folder with no .ics files that is not a Maildir (cur/, new/)",
                    path.display()
                ))
                .with_hint("name the format with --from ics|mbox|maildir"));
            }
            Ok(files)
        }
        _ if path.as_os_str() == "-" => Ok(vec![path.to_path_buf()]),
        _ => {
            File::open(path).map_err(unreadable)?;
            if path.is_dir() {
                return Err(Error::runtime(format!(
                    "cannot read {}: a folder",
                    path.display()
                )));
            }
            Ok(vec![path.to_path_buf()])
        }
    }
}

/// The `.ics` files of a folder (a vdir), sorted.
fn ics_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let file = entry?.path();
        let ics = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("ics"));
        if ics && file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    Ok(files)
}

/// A file, or stdin for `-`.
fn open(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    let file = File::open(path)
        .map_err(|err| Error::runtime(format!("cannot read {}: {err}", path.display())))?;
    Ok(Box::new(file))
}

fn calendar(capture: &mut Capture, path: &Path, since: i64, now: i64) -> Result<()> {
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|err| Error::runtime(format!("cannot read {}: {err}", path.display())))?;
    let text = String::from_utf8_lossy(&bytes);
    let read = read_calendar(&text, since, now);
    for what in read.malformed {
        capture.malformed(format!("{}: {what}: skipped", path.display()));
    }
    for owner in read.owners {
        capture.also_me(owner);
    }
    for draft in read.drafts {
        capture.event(draft)?;
    }
    capture.series_read(&read.series)
}

fn mbox(capture: &mut Capture, path: &Path, bar: &ProgressBar) -> Result<()> {
    let file = open(path)?;
    if let Ok(meta) = std::fs::metadata(path) {
        bar.set_length(meta.len());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {eta} {msg}")
        {
            bar.set_style(style);
        }
    }
    let reader = bar.wrap_read(file);
    let shown = path.display();
    mailbox::each_mbox_message(reader, |mut raw| {
        raw.place = format!("{shown}: {}", raw.place);
        message(capture, raw)
    })
    .map_err(|err| Error::runtime(format!("cannot read {}: {err}", path.display())))?
}

fn maildir_message(capture: &mut Capture, path: &Path) -> Result<()> {
    let place = path.display().to_string();
    let header = mailbox::maildir_header(path)
        .map_err(|err| Error::runtime(format!("cannot read {}: {err}", path.display())))?;
    message(capture, RawMessage { place, header })
}

fn message(capture: &mut Capture, raw: RawMessage) -> Result<()> {
    let parsed = raw
        .header
        .and_then(|header| read_headers(&header).map_err(|err| err.0));
    match parsed {
        Ok(draft) => capture.message(draft),
        Err(why) => {
            capture.malformed(format!("{} skipped: {why}", raw.place));
            Ok(())
        }
    }
}

/// A bar over the files or bytes read when a person watches; hidden when piped.
fn progress_bar(length: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {eta} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// The summary: one line (JSON with `--format json`).
fn report(ctx: &Ctx, summary: &CaptureSummary, dry_run: bool) -> Result<()> {
    if ctx.out.quiet {
        return Ok(());
    }
    if ctx.out.is_json() {
        let record = json!({
            "dry_run": dry_run,
            "created": summary.created,
            "updated": summary.updated,
            "removed": summary.removed,
            "skipped": summary.skipped,
            "unknown": summary.unknown,
            "contacts_added": summary.contacts_added,
        });
        let mut record = record;
        if dry_run {
            record["would_create"] = summary
                .planned
                .iter()
                .map(super::records::interaction_json)
                .collect();
        }
        ctx.out.json_record(&record)?;
        return Ok(());
    }
    let mut line = format!(
        "{} created, {} updated, {} removed",
        summary.created, summary.updated, summary.removed
    );
    if !summary.skipped.is_empty() {
        let skipped: Vec<String> = summary
            .skipped
            .iter()
            .map(|(reason, count)| format!("{count} {}", reason.replace('_', " ")))
            .collect();
        line.push_str(&format!("; skipped: {}", skipped.join(", ")));
    }
    if summary.contacts_added > 0 {
        line.push_str(&format!("; {} contacts added", summary.contacts_added));
    }
    if dry_run {
        line.push_str(" (dry run: nothing written)");
    }
    ctx.out.note(&line)?;
    for planned in &summary.planned {
        let at = chrono::Local
            .timestamp_opt(planned.at, 0)
            .earliest()
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        ctx.out.note(&escape_visible(&format!(
            "  would create: {at}  {}  {}  {}",
            planned.channel,
            planned.contacts.join(","),
            crate::output::first_line(&planned.note)
        )))?;
    }
    match summary.unknown {
        0 => {}
        1 => ctx
            .out
            .note("1 person not in your journal; --add-unknown adds them")?,
        n => ctx.out.note(&format!(
            "{n} people not in your journal; --add-unknown adds them"
        ))?,
    }
    Ok(())
}
