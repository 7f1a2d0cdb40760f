//! `rel sync init` and `rel sync` over any remote: the order of the steps is what makes a sync
//! safe to kill at any point.
//!
//! A sync (1) checks the remote and the key, (2) sends this replica's operations the remote
//! lacks, (3) fetches the others' operations past what this journal holds, and only then (4)
//! applies them in one transaction that also records the progress. Killed before (4), the
//! journal is exactly as it was (the remote merely holds more of our operations, which the
//! next sync sees and does not send again); killed after, it is fully synced. What to send is
//! read from the remote's heads, never from a local counter, so no counter can run ahead.

use super::remote::sealed::seal::SyncKey;
use super::remote::{self, Opener, Opening, Refused, Remote, RemoteKind, WireOp};
use super::settings::{self, SyncSettings};
use super::{apply_received, own_ops_page, received_heads, replica_id};
use super::{cache, fork, guard};
use crate::db::Db;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};

/// What `rel sync` did.
#[derive(Debug, Default)]
pub struct SyncOutcome {
    pub sent: usize,
    pub received: usize,
    pub replicas: usize,
    pub renamed: Vec<(String, String)>,
    pub held_back: usize,
    /// What was found wrong on the remote and skipped (printed as warnings).
    pub warnings: Vec<String>,
    /// Operations the remote refused to hand over (never applied), to be named on stderr.
    pub refused: Vec<Refused>,
    /// The new replica id this journal moved to, when it turned out to be a restored backup
    /// or a copy (see `fork.rs`).
    pub moved_to: Option<String>,
}

/// The error for every sync command but `init` on a journal that was never set up (exit 2).
pub fn not_set_up() -> Error {
    Error::usage("sync is not set up for this journal").with_hint(
        "run 'rel sync init --folder DIR', '--git URL' or '--postgres URL --workspace NAME' first",
    )
}

/// The settings, or exit 2 when `rel sync init` has not run.
pub fn require_settings(db: &Db) -> Result<SyncSettings> {
    settings::load(db.conn())?.ok_or_else(not_set_up)
}

/// `rel sync init`: checks the remote (and the key against it) and records both. Returns
/// whether a new key was made.
///
/// With `replace`, a journal already set up is pointed at another remote (the folder moved,
/// another git host): its key is kept unless one is given, and the next sync sends this
/// replica's whole history there.
pub fn init(db: &mut Db, remote: RemoteKind, key: Option<SyncKey>, replace: bool) -> Result<bool> {
    init_with(db, remote, key, replace, &mut remote::open)
}

/// [`init`] through the remote `open` gives (in tests, one kept in memory).
pub fn init_with(
    db: &mut Db,
    remote: RemoteKind,
    key: Option<SyncKey>,
    replace: bool,
    open: &mut Opener,
) -> Result<bool> {
    let existing = settings::load(db.conn())?;
    if let Some(existing) = existing.as_ref().filter(|_| !replace) {
        return Err(Error::usage(format!(
            "sync is already set up with {}",
            existing.remote.describe()
        ))
        .with_hint("see 'rel sync status'; to sync through another remote, add --replace"));
    }
    let own = replica_id(db.conn())?;
    // The key the journal already has is this journal's: it is checked against the new remote
    // like a key given with --key.
    let key = key.or_else(|| existing.as_ref().and_then(|e| e.key.clone()));
    let key_given = key.is_some();
    let key = match remote {
        // PostgreSQL keeps operations unencrypted: the business's database is the boundary.
        RemoteKind::Postgres { .. } => None,
        _ => Some(match key {
            Some(key) => key,
            None => SyncKey::generate()?,
        }),
    };
    let cache = cache::cache_dir(db.path(), &own)?;
    let _lock = cache::lock(&cache)?;
    let mut opened = open(&Opening {
        kind: &remote,
        key: key.as_ref(),
        replica: &own,
        cache: &cache,
    })?;
    opened.create()?;
    if key.is_some() && !key_given && opened.holds_other_journal()? {
        return Err(Error::runtime(format!(
            "{} already holds another journal's data; nothing was changed",
            remote.describe()
        ))
        .with_hint("pass --key with the key 'rel sync key' prints on a machine syncing with it"));
    }
    opened.prepare()?;
    // In a team workspace the role we connect as is this member's name (contacts it adds
    // are its own); remotes without members give None.
    let member = opened.member()?;
    db.write(|tx| {
        if existing.is_some() {
            settings::forget(tx)?;
        }
        settings::save(tx, &remote, key.as_ref())?;
        match &member {
            Some(member) => settings::set_member(tx, member),
            None => Ok(()),
        }
    })?;
    Ok(!key_given && key.is_some())
}

/// `rel sync`: send, fetch, apply (see the module comment for why in this order). A journal
/// that finds it is a restored backup or a copy moves to a new replica id and starts over as
/// that one (see `fork.rs`).
pub fn sync(db: &mut Db, now: DateTime<Utc>) -> Result<SyncOutcome> {
    sync_with(db, now, &mut remote::open)
}

/// [`sync`] through the remote `open` gives (in tests, one kept in memory). It is asked again
/// when the journal moves to a new replica id.
pub fn sync_with(db: &mut Db, now: DateTime<Utc>, open: &mut Opener) -> Result<SyncOutcome> {
    let mut moved_to = None;
    let mut tries = 0;
    loop {
        match sync_once(db, now, open, &mut moved_to) {
            Err(err) if remote::is_written_meanwhile(&err) && tries < 3 => tries += 1,
            result => {
                let mut outcome = result?;
                outcome.moved_to = moved_to;
                // Only a sync that sends can be hurt by a clock ahead (what it sends is held
                // back elsewhere); checked on every sync, it would warn whenever the other
                // machines have merely been unused for a day.
                let ahead = match outcome.sent {
                    0 => None,
                    _ => super::log::skew::own_clock_ahead(db.conn(), now)?,
                };
                if let Some(ahead) = ahead {
                    outcome.warnings.push(format!(
                        "this machine's clock is {} ahead of the newest change received from \
                         the other machines; if the clock is wrong, correct it (changes stamped \
                         more than a day ahead are held back on the others)",
                        super::log::skew::span(ahead)
                    ));
                }
                return Ok(outcome);
            }
        }
    }
}

fn sync_once(
    db: &mut Db,
    now: DateTime<Utc>,
    open: &mut Opener,
    moved_to: &mut Option<String>,
) -> Result<SyncOutcome> {
    require_settings(db)?;
    let own = replica_id(db.conn())?;
    let cache = cache::cache_dir(db.path(), &own)?;
    let _lock = cache::lock(&cache)?;
    // Read under the lock: a sync of this journal that held it may have moved it to a new
    // replica id meanwhile (see `fork.rs`); then this one starts over as that one.
    if replica_id(db.conn())? != own {
        return Err(remote::written_meanwhile());
    }
    let settings = require_settings(db)?;
    let mut opened = open(&Opening {
        kind: &settings.remote,
        key: settings.key.as_ref(),
        replica: &own,
        cache: &cache,
    })?;
    let remote = opened.as_mut();
    let journal = guard::Journal::load(db.conn(), &settings, &own)?;
    guard::open_for_sync(remote, &journal)?;
    remember_member(db, remote)?;
    super::replica_names::exchange(db, remote)?;
    let mut heads = remote.heads()?;
    if let Some(from) = fork::parting(db.conn(), remote, &own, settings.sent_seq, &heads)? {
        let last = fork::last_published(remote, &own, &heads)?;
        *moved_to = Some(db.write(|tx| fork::move_from(tx, from, last))?);
        return Err(remote::written_meanwhile());
    }

    let on_remote = heads.get(&own).copied().unwrap_or(0);
    let (sent, mut pushed_to) = send(db, remote, on_remote)?;
    if pushed_to > 0 {
        heads.insert(own.clone(), pushed_to);
    }

    let held = received_heads(db.conn())?;
    let mut incoming: Vec<WireOp> = Vec::new();
    for (replica, &head) in &heads {
        let have = held.get(replica).copied().unwrap_or(0);
        if *replica != own && head > have {
            let fetched = remote.fetch(replica, have)?;
            // Moved, not copied, when it is the first: a copy held the list twice at the
            // receive's peak of memory.
            if incoming.is_empty() {
                incoming = fetched;
            } else {
                incoming.extend(fetched);
            }
        }
    }

    fork::drop_unvouched_links(remote, &mut incoming)?;

    let mut outcome = SyncOutcome {
        sent,
        warnings: remote.warnings(),
        // Rows the remote would not vouch for (a forged author): named, never applied.
        refused: remote.take_refused(),
        ..SyncOutcome::default()
    };
    // What the remote refused for good is quarantined like what fails the checks.
    if outcome.refused.iter().any(|r| !r.waits) {
        db.write(|tx| super::fold::quarantine::keep_refused(tx, &outcome.refused))?;
    }
    // Nothing new either way: the journal is left exactly as it is (only the time of this
    // successful sync is kept, for `sync status`).
    if incoming.is_empty()
        && sent == 0
        && settings.sent_seq >= pushed_to
        && !settings::has_held_back(db.conn())?
    {
        db.write(|tx| settings::record_sync_time(tx, now.timestamp()))?;
        return Ok(outcome);
    }
    // Received operations land all over a large journal's indexes (see the function).
    db.prepare_for_batch()?;
    let report = db.write(|tx| {
        // A replica whose clock was ahead and was corrected: its stamps read in order.
        super::log::skew::effective(tx, &mut incoming)?;
        let report = apply_received(tx, &mut incoming, now)?;
        settings::record_progress(tx, pushed_to, &heads, now.timestamp())?;
        Ok(report)
    })?;
    outcome.received = report.received;
    outcome.replicas = report.replicas;
    outcome.renamed = report.renamed;
    outcome.held_back = report.held_back;

    // Applying may itself record operations of this replica (a handle renamed to keep it
    // unique); they go out now rather than wait for the next sync.
    let (more, reached) = send(db, remote, pushed_to)?;
    if more > 0 {
        pushed_to = reached;
        outcome.sent += more;
        heads.insert(own.clone(), pushed_to);
        db.write(|tx| settings::record_progress(tx, pushed_to, &heads, now.timestamp()))?;
    }
    Ok(outcome)
}

/// A team journal set up before rel kept the member's name learns it at its next sync.
fn remember_member(db: &mut Db, remote: &mut dyn Remote) -> Result<()> {
    if settings::member(db.conn())?.is_some() {
        return Ok(());
    }
    match remote.member()? {
        Some(member) => db.write(|tx| settings::set_member(tx, &member)),
        None => Ok(()),
    }
}

/// How many operations, and how many bytes of them, one push holds at most: a first sync of
/// a large journal is sent in pieces, so memory stays bounded (a page, sealed, is about one
/// segment: 1 MiB of bodies stay within a segment's budget, which counts each body twice)
/// and a cut-short first sync keeps what it sent. 1 MiB rather than 1.5: two pages are held
/// at once (see [`send`]), and a 10k push peaked at 20.3 MB with 1.5 (18.5 MB now; 17.9 MB
/// with one page of 1.5 MiB at a time).
const PAGE_OPS: i64 = 20_000;
const PAGE_BYTES: usize = 1 << 20;

/// Sends this replica's operations after `after`, a segment at a time. Returns how many were
/// sent and the highest sequence number the remote now holds.
///
/// A page is pushed on a second thread while the next one is read here: pushing waits on the
/// disk or the network (a folder's `fsync`, git, PostgreSQL) and seals, reading the journal
/// works on its own, so a push of several pages takes about the longer of the two, not their
/// sum. The hand-over waits for the pusher to take each page, so at most two pages are held.
fn send(db: &Db, remote: &mut dyn Remote, after: i64) -> Result<(usize, i64)> {
    std::thread::scope(|scope| {
        let (to_push, pages) = std::sync::mpsc::sync_channel::<Vec<WireOp>>(0);
        let pusher = scope.spawn(move || -> Result<(usize, i64)> {
            let mut sent = 0;
            let mut reached = after;
            for page in pages {
                remote.push(&page)?;
                sent += page.len();
                reached = page.last().map_or(reached, |op| op.seq);
            }
            Ok((sent, reached))
        });
        let mut read_to = after;
        let read = loop {
            let page = match own_ops_page(db.conn(), read_to, PAGE_OPS, PAGE_BYTES) {
                Ok(page) => page,
                Err(err) => break Err(err),
            };
            let Some(last) = page.last() else {
                break Ok(());
            };
            read_to = last.seq;
            // Refused only when the pusher stopped on an error, which its result carries.
            if to_push.send(page).is_err() {
                break Ok(());
            }
        };
        drop(to_push);
        let pushed = pusher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // What was pushed before a page failed to be read stays pushed (the next sync goes
        // on from the remote's heads), as when the pages were sent one after another.
        read.and(pushed)
    })
}

/// What `rel sync status` shows.
pub struct Status {
    pub replica: String,
    pub remote: String,
    pub unsent: usize,
    pub last_sync_at: Option<i64>,
    /// (replica, operations held here, highest on the remote at the last sync)
    pub replicas: Vec<(String, i64, i64)>,
}

/// Answers from the database alone, so it works offline and costs no network round trip.
pub fn status(db: &Db) -> Result<Status> {
    let settings = require_settings(db)?;
    let conn = db.conn();
    let own = replica_id(conn)?;
    let unsent = (settings::own_head(conn)? - settings.sent_seq).max(0) as usize;
    let held = received_heads(conn)?;
    let latest = settings::remote_heads(conn)?;
    let mut names: Vec<&String> = held.keys().chain(latest.keys()).collect();
    names.sort();
    names.dedup();
    let replicas = names
        .into_iter()
        .filter(|name| **name != own)
        .map(|name| {
            let seen = held.get(name).copied().unwrap_or(0);
            (
                name.clone(),
                seen,
                latest.get(name).copied().unwrap_or(0).max(seen),
            )
        })
        .collect();
    Ok(Status {
        replica: own,
        remote: settings.remote.describe(),
        unsent,
        last_sync_at: settings.last_sync_at,
        replicas,
    })
}
