//! `rel import FILE`: vCard, CSV or a rel JSON export, in one all-or-nothing transaction.
//! The file streams through (CSV and JSON record by record); a progress bar shows on a
//! terminal, never when stderr is piped.

use super::Ctx;
use crate::apply::{Apply, Summary, Tally};
use crate::cli::{ImportArgs, ImportFormat};
use crate::db::import::prepare_for_bulk;
use crate::db::stats::counters;
use crate::error::{Error, Result};
use crate::import::charset::{Transcoded, prepare, readable_head};
use crate::import::json::ReadError;
use crate::import::json::pipe;
use crate::import::limit::RecordBudget;
use crate::import::{read_csv, read_vcards};
use crate::output::{Format, escape_visible};
use encoding_rs::UTF_8;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

pub fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    // Calendars and mailboxes become interactions (capture), not contacts.
    if let Some(source) = super::capture::wants(&args) {
        return super::capture::run(ctx, args, source);
    }
    let shown = args.file.display().to_string();
    let (raw, size) = open(&args.file)?;
    let bar = progress_bar(size);
    let budget = RecordBudget::new();
    let mut input = BufReader::with_capacity(1 << 18, budget.reader(bar.wrap_read(raw)));
    // Reading the first bytes now turns an unreadable file (a folder, a dead pipe) into
    // exit 1 before the database is touched.
    let head = input
        .fill_buf()
        .map_err(|err| Error::runtime(format!("cannot read {shown}: {err}")))?
        .to_vec();
    let format = args
        .from
        .unwrap_or_else(|| guess(&args.file, &readable_head(&head)));
    // UTF-16 and UTF-32 become UTF-8 here; another `--encoding` goes to the readers.
    let (mut input, encoding) = prepare(input, &head, args.encoding.as_deref())?;
    let mut ignored_columns = None;
    let mut db = ctx.open()?;
    db.become_writer()?;
    let now = ctx.now_unix();
    prepare_for_bulk(&db)?;
    let result = db.write_or_rehearse(!args.dry_run, |tx| {
        let counting_suspended = format == ImportFormat::Json && counters::suspend_for_bulk(tx)?;
        let mut apply = Apply::new(tx, now, args.skip_invalid)?;
        match format {
            ImportFormat::Vcard => {
                for (index, card) in read_vcards(&mut input, encoding).enumerate() {
                    let card = card.map_err(|err| {
                        if budget.exceeded() {
                            RecordBudget::error(&shown)
                        } else {
                            Error::runtime(format!("cannot read {shown}: {err}"))
                        }
                    })?;
                    budget.record_done();
                    apply.draft(index + 1, card)?;
                }
            }
            ImportFormat::Csv => {
                let source: Box<dyn Read + '_> = match encoding {
                    Some(encoding) if encoding != UTF_8 => {
                        Box::new(Transcoded::new(&mut input, encoding))
                    }
                    _ => Box::new(&mut input),
                };
                let mut rows = read_csv(source);
                for (index, row) in rows.by_ref().enumerate() {
                    // A row cut short by the record budget is not a row: stop there.
                    if budget.exceeded() {
                        return Err(RecordBudget::error(&shown));
                    }
                    budget.record_done();
                    apply.draft(index + 1, row)?;
                }
                ignored_columns = Some(rows.ignored_columns());
            }
            ImportFormat::Ics | ImportFormat::Mbox | ImportFormat::Maildir => {
                return Err(Error::usage("calendars and mail are read by capture"));
            }
            ImportFormat::Json => {
                pipe::read(&mut input, &mut apply, &budget).map_err(|err| match err {
                    _ if budget.exceeded() => RecordBudget::error(&shown),
                    ReadError::Sink(err) => err,
                    ReadError::Syntax(err) if err.is_io() => {
                        Error::runtime(format!("cannot read {shown}: {err}"))
                    }
                    ReadError::Syntax(err) => {
                        Error::usage(format!("{shown} is not a valid rel export: {err}"))
                            .with_hint("nothing was imported")
                    }
                })?
            }
        }
        // A reader that stopped at an oversized record may have reported it as the end.
        if budget.exceeded() {
            return Err(RecordBudget::error(&shown));
        }
        bar.set_message("updating due dates");
        let summary = apply.finish()?;
        if counting_suspended {
            counters::resume_after_bulk(tx)?;
        }
        Ok(summary)
    });
    bar.finish_and_clear();
    let summary = result?;
    if let Some((with_data, empty)) = ignored_columns {
        warn_ignored(&with_data, empty);
    }
    for warning in &summary.warnings {
        eprintln!("rel: warning: {}", escape_visible(&warning.describe()));
    }
    crate::apply::say_shared_emails(&summary.shared_emails);
    report(ctx, &summary, args.dry_run)
}

/// One line naming the columns rel did not read that hold data, so nothing is dropped
/// unseen; columns empty in every row lose nothing and are only counted on that line.
fn warn_ignored(with_data: &[String], empty: usize) {
    let empty_note = match empty {
        0 => String::new(),
        1 => " (and 1 empty column)".to_string(),
        n => format!(" (and {n} empty columns)"),
    };
    if !with_data.is_empty() {
        eprintln!(
            "rel: warning: columns not imported: {}{empty_note}",
            escape_visible(&with_data.join(", "))
        );
    }
}

/// The file, or stdin for `-`, and its size when known (for the progress bar).
fn open(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let file = File::open(path)
        .map_err(|err| Error::runtime(format!("cannot read {}: {err}", path.display())))?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(file), size))
}

/// The extension decides; otherwise the first bytes: `{` is JSON, `BEGIN:VCARD` is vCard,
/// anything else is read as CSV.
fn guess(path: &Path, head: &[u8]) -> ImportFormat {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("vcf" | "vcard") => return ImportFormat::Vcard,
        Some("csv") => return ImportFormat::Csv,
        Some("json") => return ImportFormat::Json,
        _ => {}
    }
    let text = String::from_utf8_lossy(head);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if start.starts_with('{') {
        ImportFormat::Json
    } else if start
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
    {
        ImportFormat::Vcard
    } else {
        ImportFormat::Csv
    }
}

/// A bar over the bytes read when a person watches (stderr and stdout are terminals);
/// hidden, drawing nothing, when either is piped.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    match size {
        Some(size) => {
            let bar = ProgressBar::new(size);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {eta} {msg}")
            {
                bar.set_style(style);
            }
            bar
        }
        None => ProgressBar::new_spinner(),
    }
}

/// One summary line on stdout (the JSON summary object with `--format json`), then one
/// indented line per skipped record.
fn report(ctx: &Ctx, summary: &Summary, dry_run: bool) -> Result<()> {
    if ctx.out.quiet {
        return Ok(());
    }
    if matches!(ctx.out.format, Format::Json | Format::Jsonl) {
        let record = json!({
            "dry_run": dry_run,
            "contacts": summary.contacts,
            "interactions": summary.interactions,
            "followups": summary.followups,
            "settings": summary.settings,
            "skipped": summary.skipped.len(),
            "skipped_records": summary.skipped,
            "groups": summary.groups,
            "warnings": summary.warnings,
            "shared_emails": summary.shared_emails,
        });
        ctx.out.json_record(&record)?;
        return Ok(());
    }
    let mut parts = vec![tally("contacts", &summary.contacts)];
    if summary.contacts.repeated > 0 {
        parts.push(format!(
            "{} repeated within the file",
            summary.contacts.repeated
        ));
    }
    for (name, counts) in [
        ("interactions", &summary.interactions),
        ("follow-ups", &summary.followups),
        ("settings", &summary.settings),
    ] {
        if !counts.is_empty() {
            parts.push(tally(name, counts));
        }
    }
    if summary.groups > 0 {
        parts.push(format!("{} groups read as tags", summary.groups));
    }
    parts.push(format!("{} skipped", summary.skipped.len()));
    let mut line = parts.join("; ");
    if dry_run {
        line.push_str(" (dry run: nothing written)");
    }
    ctx.out.note(&line)?;
    for skipped in &summary.skipped {
        ctx.out.note(&format!("  skipped {}", skipped.describe()))?;
    }
    Ok(())
}

fn tally(name: &str, t: &Tally) -> String {
    format!(
        "{name}: {} created, {} updated, {} unchanged",
        t.created, t.updated, t.unchanged
    )
}
