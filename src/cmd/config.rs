//! `rel config`: settings kept in the database.

use super::Ctx;
use crate::cli::ConfigArgs;
use crate::db::{settings, upkeep};
use crate::error::{Error, Result};
use crate::model::parse_channel;
use crate::output::{ListRow, Listing, Tone, escape_tsv};
use crate::when::Cadence;
use std::io::Write;

/// Checks a key and value; returns the value as stored.
fn validate(key: &str, value: &str) -> Result<String> {
    let value = value.trim();
    match key {
        "default-every" => {
            Cadence::parse(value)?;
            Ok(value.to_lowercase())
        }
        "default-channel" => Ok(parse_channel(value)?.to_string()),
        _ if is_tag_cadence(key) => {
            Cadence::parse(value)?;
            Ok(value.to_lowercase())
        }
        _ => Err(unknown_key(key)),
    }
}

fn is_tag_cadence(key: &str) -> bool {
    key.strip_prefix("every.")
        .is_some_and(|tag| !tag.is_empty())
}

fn unknown_key(key: &str) -> Error {
    Error::usage(format!("unknown setting '{key}'"))
        .with_hint("settings are default-every, default-channel and every.TAG")
}

/// Tags are stored lower-case, so their cadence keys are too.
fn normalise_key(key: &str) -> String {
    match key.strip_prefix("every.") {
        Some(tag) => format!("every.{}", tag.trim().to_lowercase()),
        None => key.trim().to_string(),
    }
}

fn affects_cadence(key: &str) -> bool {
    key == "default-every" || is_tag_cadence(key)
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<()> {
    if let Some(key) = &args.unset {
        let key = normalise_key(key);
        if !(affects_cadence(&key) || key == "default-channel") {
            return Err(unknown_key(&key));
        }
        let mut db = ctx.open()?;
        db.write(|tx| {
            settings::unset(tx, &key)?;
            if affects_cadence(&key) {
                upkeep::refresh_all_due(tx)?;
            }
            Ok(())
        })?;
        return Ok(());
    }
    match (&args.key, &args.value) {
        (None, _) => list_all(ctx),
        (Some(key), None) => {
            let key = normalise_key(key);
            let db = ctx.open()?;
            match settings::get(db.conn(), &key)? {
                Some(value) => ctx.out.note(&value),
                None if affects_cadence(&key) || key == "default-channel" => Ok(()),
                None => Err(unknown_key(&key)),
            }
        }
        (Some(key), Some(value)) => {
            let key = normalise_key(key);
            let value = validate(&key, value)?;
            let mut db = ctx.open()?;
            db.write(|tx| {
                settings::set(tx, &key, &value)?;
                // A cadence setting moves the due date of every contact that inherits it.
                if affects_cadence(&key) {
                    upkeep::refresh_all_due(tx)?;
                }
                Ok(())
            })
        }
    }
}

fn list_all(ctx: &Ctx) -> Result<()> {
    let db = ctx.open()?;
    let pairs = settings::all(db.conn())?;
    // `rel config` lists `key<TAB>value` with no header, as `git config --list` does.
    if ctx.out.format == crate::output::Format::Tsv {
        let mut stdout = std::io::stdout().lock();
        for (key, value) in &pairs {
            writeln!(stdout, "{}\t{}", escape_tsv(key), escape_tsv(value))?;
        }
        return Ok(());
    }
    let rows = pairs
        .into_iter()
        .map(|(key, value)| ListRow {
            json: serde_json::json!({ "key": key, "value": value }),
            plain: vec![key.clone(), value.clone()],
            pretty: vec![(key, Tone::Plain), (value, Tone::Plain)],
        })
        .collect();
    let listing = Listing::new(&["key", "value"], rows);
    ctx.out
        .list(&listing, "No settings. Try: rel config default-every 1m")
}
