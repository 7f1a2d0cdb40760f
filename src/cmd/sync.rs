//! `rel sync`, `rel sync init`, `rel sync status`, `rel sync key`.

use super::Ctx;
use crate::cli::sync::{SyncAction, SyncArgs, SyncInitArgs};
use crate::error::{Error, Result};
use crate::output::{ListRow, Listing, Tone, escape_visible, rfc3339_opt};
use crate::sync::engine;
use crate::sync::fold::quarantine;
use crate::sync::remote::sealed::seal::SyncKey;
use crate::sync::remote::{self, RemoteKind};
use serde_json::json;
use std::io::{BufRead, Write};

pub fn run(ctx: &Ctx, args: SyncArgs) -> Result<()> {
    match args.action {
        None => sync(ctx),
        Some(SyncAction::Init(args)) => init(ctx, args),
        Some(SyncAction::Status) => status(ctx),
        Some(SyncAction::Key) => key(ctx),
        Some(SyncAction::Verify) => verify(ctx),
    }
}

/// `digest<TAB>HEX`, or `{"digest": HEX}` in JSON. Only reads.
fn verify(ctx: &Ctx) -> Result<()> {
    let db = ctx.open()?;
    let snapshot = db.snapshot()?;
    let digest = crate::sync::digest(&snapshot)?;
    drop(snapshot);
    if ctx
        .out
        .json_record(&serde_json::json!({ "digest": digest }))?
    {
        return Ok(());
    }
    if ctx.out.quiet {
        return Ok(());
    }
    writeln!(std::io::stdout().lock(), "digest\t{digest}")?;
    Ok(())
}

fn sync(ctx: &Ctx) -> Result<()> {
    let mut db = ctx.open()?;
    let outcome = engine::sync(&mut db, ctx.now)?;
    if let Some(replica) = &outcome.moved_to {
        eprintln!(
            "rel: this journal was restored or copied: it continues as replica {replica}; \
             nothing was lost"
        );
    }
    for warning in &outcome.warnings {
        eprintln!("rel: warning: {}", escape_visible(warning));
    }
    for (from, to) in &outcome.renamed {
        eprintln!(
            "rel: {} was taken on another machine first; this contact is now {}",
            escape_visible(from),
            escape_visible(to)
        );
    }
    // A gap waits (named once per sync). Rows the remote refuses are named while it reports
    // them; what rel's checks refused is named from the quarantine at every sync.
    for refused in outcome.refused.iter().filter(|r| r.waits) {
        let replica = escape_visible(&refused.replica);
        let reason = escape_visible(&refused.reason);
        eprintln!("rel: warning: replica {replica}: {reason}");
    }
    let mut quarantined: Vec<quarantine::Quarantined> = quarantine::list(db.conn())?
        .into_iter()
        .filter(|q| !q.by_remote)
        .collect();
    quarantined.extend(outcome.refused.iter().filter(|r| !r.waits).map(|r| {
        quarantine::Quarantined {
            replica: r.replica.clone(),
            seq: r.seq,
            reason: r.reason.clone(),
            by_remote: true,
        }
    }));
    say_quarantined(&db, &quarantined)?;
    if outcome.held_back > 0 {
        // Per replica, with how far ahead: a machine whose clock is wrong is found at once.
        let names = crate::sync::replica_names::load(db.conn())?;
        for (replica, count, ahead) in crate::sync::log::skew::held(db.conn(), ctx.now)? {
            let who = shown_replica(&names, &replica);
            let (changes, kept) = match count {
                1 => (
                    format!("1 change from {who} is"),
                    "it is kept and applies once the clock reaches it",
                ),
                n => (
                    format!("{n} changes from {who} are"),
                    "they are kept and apply once the clock reaches them",
                ),
            };
            eprintln!(
                "rel: warning: {changes} stamped {} ahead of this clock; {kept} (or that \
                 machine's clock is corrected)",
                crate::sync::log::skew::span(ahead)
            );
        }
    }
    let renamed: Vec<_> = outcome
        .renamed
        .iter()
        .map(|(from, to)| json!({ "from": from, "to": to }))
        .collect();
    let record = json!({
        "sent": outcome.sent,
        "received": outcome.received,
        "replicas": outcome.replicas,
        "renamed": renamed,
        "refused": quarantined.len(),
        "held": outcome.held_back,
    });
    if ctx.out.quiet || ctx.out.json_record(&record)? {
        return Ok(());
    }
    if outcome.sent == 0 && outcome.received == 0 {
        return ctx.out.note("up to date");
    }
    let plural = if outcome.replicas == 1 { "" } else { "s" };
    ctx.out.note(&format!(
        "sent {}, received {} from {} replica{plural}",
        outcome.sent, outcome.received, outcome.replicas
    ))
}

/// Quarantined changes named on stderr at every sync, so they are never silent.
const NAMED_AT_MOST: usize = 20;

fn say_quarantined(db: &crate::db::Db, quarantined: &[quarantine::Quarantined]) -> Result<()> {
    if quarantined.is_empty() {
        return Ok(());
    }
    let names = crate::sync::replica_names::load(db.conn())?;
    for entry in quarantined.iter().take(NAMED_AT_MOST) {
        eprintln!(
            "rel: warning: 1 change from {} (seq {}) refused: {}",
            shown_replica(&names, &entry.replica),
            entry.seq,
            escape_visible(&entry.reason)
        );
    }
    if quarantined.len() > NAMED_AT_MOST {
        eprintln!(
            "rel: warning: {} more changes refused; see 'rel sync status'",
            quarantined.len() - NAMED_AT_MOST
        );
    }
    Ok(())
}

/// A replica as a person knows it: the name it published, else its id.
fn shown_replica(names: &std::collections::BTreeMap<String, String>, replica: &str) -> String {
    match names.get(replica) {
        Some(name) => escape_visible(name),
        None => format!("replica {}", escape_visible(replica)),
    }
}

/// `--key KEY`, or `--key -` read from stdin (so the key stays out of the shell history).
fn read_key(arg: Option<&str>) -> Result<Option<SyncKey>> {
    match arg {
        None => Ok(None),
        Some("-") => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            SyncKey::parse(&line).map(Some)
        }
        Some(text) => SyncKey::parse(text).map(Some),
    }
}

fn init(ctx: &Ctx, args: SyncInitArgs) -> Result<()> {
    // Checked here: clap's `requires` does not hold for members of a required group.
    if args.branch.is_some() && args.git.is_none() {
        return Err(Error::usage("--branch goes with --git"));
    }
    if args.workspace.is_some() && args.postgres.is_none() {
        return Err(Error::usage("--workspace goes with --postgres"));
    }
    let key = read_key(args.key.as_deref())?;
    let remote = match (args.folder, args.git, args.postgres) {
        (Some(dir), None, None) => {
            if dir.as_os_str().is_empty() {
                return Err(Error::usage("--folder needs a folder"));
            }
            // Recorded absolute: a later `rel sync` may run from anywhere. A quoted
            // '~/Sync/rel' means what the shell would have made of it, not a folder named '~'.
            let dir = std::path::absolute(expand_home(&dir))?;
            RemoteKind::Folder { dir }
        }
        (None, Some(url), None) => {
            let url = expand_home(std::path::Path::new(&url))
                .to_string_lossy()
                .into_owned();
            let branch = args.branch.unwrap_or_else(|| "rel-sync".to_string());
            RemoteKind::Git { url, branch }
        }
        (None, None, Some(url)) => RemoteKind::Postgres {
            url,
            workspace: args.workspace.unwrap_or_else(|| "default".to_string()),
        },
        _ => return Err(Error::usage("give one of --folder, --git or --postgres")),
    };
    remote::validate(&remote)?;
    let described = remote.describe();
    let mut db = ctx.open()?;
    if let RemoteKind::Postgres { url, workspace } = &remote {
        // Before anything is recorded: no grant, or a mistyped (empty) workspace.
        if args.replace || crate::sync::settings::load(db.conn())?.is_none() {
            super::team::check_workspace(url, workspace)?;
        }
    }
    let made_key = engine::init(&mut db, remote, key, args.replace)?;
    if made_key && !ctx.out.quiet {
        eprintln!(
            "rel: made a new sync key; other machines need it: run 'rel sync key' and keep a copy \
             somewhere safe (without it the remote cannot be read)"
        );
    }
    let record = json!({ "remote": described });
    if ctx.out.quiet || ctx.out.json_record(&record)? {
        return Ok(());
    }
    ctx.out
        .note(&format!("sync set up with {described}; run 'rel sync'"))
}

/// `~` or `~/…` at the start of a path, as the shell expands it (for a path given quoted, or
/// through a script that did not expand it); anything else is returned as it is.
fn expand_home(path: &std::path::Path) -> std::path::PathBuf {
    let text = path.to_string_lossy();
    let rest = match text.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.trim_start_matches('/'),
        _ => return path.to_path_buf(),
    };
    match dirs::home_dir() {
        Some(home) if rest.is_empty() => home,
        Some(home) => home.join(rest),
        None => path.to_path_buf(),
    }
}

fn status(ctx: &Ctx) -> Result<()> {
    let db = ctx.open()?;
    let status = engine::status(&db)?;
    // In a team workspace: the member this journal acts as (owner of what it adds).
    let member = crate::sync::settings::member(db.conn())?;
    // The names replicas published (their host names), so people see "laptop", not a UUID.
    let names = crate::sync::replica_names::load(db.conn())?;
    let own_name = crate::sync::replica_names::host_name();
    // Changes held back for their stamp (a machine whose clock runs ahead), per replica.
    let held = crate::sync::log::skew::held(db.conn(), ctx.now)?;
    let replica_json = |replica: &String, seen: &i64, latest: &i64| {
        json!({
            "replica": replica,
            "name": names.get(replica),
            "seen": seen,
            "latest": latest,
        })
    };
    let replicas: Vec<_> = status
        .replicas
        .iter()
        .map(|(replica, seen, latest)| replica_json(replica, seen, latest))
        .collect();
    let quarantined = quarantine::list(db.conn())?;
    let quarantined_json: Vec<_> = quarantined
        .iter()
        .map(|q| json!({ "replica": q.replica, "seq": q.seq, "reason": q.reason }))
        .collect();
    let record = json!({
        "quarantined": quarantined_json,
        "replica": status.replica,
        "name": own_name,
        "remote": status.remote,
        "unsent": status.unsent,
        "last_sync": rfc3339_opt(status.last_sync_at),
        "replicas": replicas,
        "member": member,
        "held": held
            .iter()
            .map(|(replica, count, ahead)| {
                json!({ "replica": replica, "count": count, "ahead_seconds": ahead })
            })
            .collect::<Vec<_>>(),
    });
    if ctx.out.json_record(&record)? || ctx.out.quiet {
        return Ok(());
    }
    let last = match status.last_sync_at {
        Some(at) => crate::output::relative(at, ctx.now_unix()),
        None => "never".to_string(),
    };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "replica\t{}", status.replica)?;
        if let Some(name) = &own_name {
            writeln!(out, "name\t{}", escape_visible(name))?;
        }
        writeln!(out, "remote\t{}", escape_visible(&status.remote))?;
        if let Some(member) = &member {
            writeln!(out, "member\t{}", escape_visible(member))?;
        }
        writeln!(out, "unsent\t{}", status.unsent)?;
        writeln!(out, "last sync\t{last}")?;
        for (replica, count, ahead) in &held {
            writeln!(
                out,
                "held\t{count} from {}, {} ahead",
                shown_replica(&names, replica),
                crate::sync::log::skew::span(*ahead)
            )?;
        }
        // Received changes kept aside (never applied): which sender, which one, why.
        for q in &quarantined {
            writeln!(
                out,
                "refused\t{} (seq {}): {}",
                shown_replica(&names, &q.replica),
                q.seq,
                escape_visible(&q.reason)
            )?;
        }
    }
    if status.replicas.is_empty() {
        return Ok(());
    }
    let rows = status
        .replicas
        .iter()
        .map(|(replica, seen, latest)| {
            let name = names
                .get(replica)
                .map(|n| escape_visible(n))
                .unwrap_or_default();
            ListRow {
                json: replica_json(replica, seen, latest),
                plain: vec![
                    name.clone(),
                    replica.clone(),
                    seen.to_string(),
                    latest.to_string(),
                ],
                pretty: vec![
                    (name, Tone::Plain),
                    (replica.clone(), Tone::Dim),
                    (seen.to_string(), Tone::Plain),
                    (latest.to_string(), Tone::Plain),
                ],
            }
        })
        .collect();
    ctx.out.list(
        &Listing::new(&["name", "replica", "seen", "latest"], rows),
        "",
    )
}

fn key(ctx: &Ctx) -> Result<()> {
    let db = ctx.open()?;
    let settings = engine::require_settings(&db)?;
    let key = settings.key.ok_or_else(|| {
        Error::usage("this journal syncs through PostgreSQL, which uses no sync key")
    })?;
    // Printed even with -q: the key is what was asked for, and scripts capture it.
    writeln!(std::io::stdout().lock(), "{}", key.to_hex())?;
    Ok(())
}
