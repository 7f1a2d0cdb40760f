//! `rel config`: settings kept in the database.

use super::Ctx;
use crate::checks;
use crate::cli::ConfigArgs;
use crate::db::{settings, upkeep};
use crate::error::{Error, Result};
use crate::output::{ListRow, Listing, Tone, escape_tsv};
use std::io::Write;

/// `rel config` lists keys as stored; the user may type them in any case.
fn normalise_key(key: &str) -> String {
    checks::setting_key(key)
}

fn affects_cadence(key: &str) -> bool {
    checks::is_cadence_setting(key)
}

fn unknown_key(key: &str) -> Error {
    checks::unknown_setting(key)
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<()> {
    if let Some(key) = &args.unset {
        let key = normalise_key(key);
        let mut db = ctx.open()?;
        // Any key `rel config` lists can be removed, even one rel no longer knows (an old
        // import may have stored it); an unknown key that is not stored is a typo.
        db.write(|tx| {
            let removed = settings::unset(tx, &key)?;
            if !removed && !checks::is_known_setting(&key) {
                return Err(unknown_key(&key));
            }
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
                None if checks::is_known_setting(&key) => Ok(()),
                None => Err(unknown_key(&key)),
            }
        }
        (Some(key), Some(value)) => {
            let (key, value) = checks::setting(key, value)?;
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
