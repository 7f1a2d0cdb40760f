//! A deterministic, seeded simulation of several machines sharing one journal through a real
//! folder or a real bare git repository, driven through the real binary. Random steps (every
//! kind of change, clock skew, syncs, syncs cut short, two syncing at once), then everyone
//! syncs until quiet, and: every digest is equal, equal to a fresh replica's fold of the
//! global operation list; every field equals the latest write in that list; every interaction
//! any machine logged is everywhere unless a command deleted it; no handle is taken twice.
//! The same runs with PostgreSQL as the remote when a server is there (`REL_TEST_PG`, see
//! `tests/pg/start.sh`), each seed in a workspace of its own.
//! Over PostgreSQL a hostile member (a role of its own, plain SQL) also injects rows now and
//! then: forgeries under honest replicas' ids and bodies over 8 MiB (the database must refuse
//! both), rows past a gap in replicas of its own (they must never apply nor stop anyone), and,
//! in the poison variant, malformed bodies (quarantined). Over a folder or git a key holder
//! writes changes that fail the command line's checks; a machine merges a contact while
//! another logs, reminds and tags it; a machine undoes an add another logged with since
//! (`sync_sim/faults.rs`); a machine undoes a merge that raced others' logs, tags, archives
//! and merges (`sync_sim/merge_undo.rs`): every quarantined operation is listed everywhere.
//! `SIM_SEEDS=N` runs N seeds (default 2: one over a folder, one over git); `SIM_SEED=S` one;
//! `SIM_KEEP=1` keeps a failing seed's journals and prints every step.

use crate::common;

mod faults;
mod merge_undo;
mod stamps;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::replica::{Replica, Rng, bare_repo};
use common::{Run, TestEnv, pg};
use rel::sync::remote::RemoteKind;
use rel::sync::remote::sealed::seal::SyncKey;
use rel::sync::remote::{self, Opening, Remote, WireOp};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Steps per seed: git costs several git processes per sync, so its seeds take fewer.
const FOLDER_STEPS: usize = 160;
const GIT_STEPS: usize = 80;
const NAMES: [&str; 6] = [
    "Ann Lee", "Bo Ek", "Cy Dunn", "Di Fox", "Ed Gray", "Ann Lee",
];
const TAGS: [&str; 3] = ["work", "family", "vip"];

/// (kind, uid, field) of a register, and what orders its writes: (a change rather than a
/// creation, clock, replica).
type FieldKey = (String, String, String);
type Stamp = (bool, i64, String);

struct Sim {
    seed: u64,
    rng: Rng,
    replicas: Vec<Replica>,
    remote: Vec<String>,
    scratch: tempfile::TempDir,
    now: DateTime<Utc>,
    steps: Vec<String>,
    /// uids of interactions some machine logged.
    logged: BTreeSet<String>,
    /// uids of interactions a command on some machine deleted (unlog, rm, undo).
    deleted: BTreeSet<String>,
    /// Whether machines create contacts of the same name (so the same handle) offline.
    collide: bool,
    /// Over PostgreSQL: a member who injects rows behind rel's back.
    hostile: Option<Hostile>,
    /// Per machine, a backup it took earlier (restored by a later step).
    backups: BTreeMap<usize, std::path::PathBuf>,
    /// Machines whose clock was a year ahead at some point.
    been_ahead: BTreeSet<usize>,
    /// (replica, seq) of every operation written to fail the checks: quarantined everywhere.
    poisoned: Vec<(String, i64)>,
}

/// A clock a year ahead (minutes).
const YEAR: i64 = 365 * 24 * 60;
/// Machines at most: copies of a database join as new machines up to this many.
const MAX_MACHINES: usize = 6;

/// A hostile team member: its connection string (its own role), the seq its next malformed
/// row takes in its own replica, and whether it sends malformed bodies at all.
struct Hostile {
    url: String,
    next_seq: i64,
    poison: bool,
}

/// Replica ids the hostile member writes under start so (left out of the oracle).
const HOSTILE: &str = "hostile-";

impl Sim {
    /// A run over a folder (even seeds) or git (odd seeds), or over PostgreSQL when
    /// `postgres` names a database `rel team setup` prepared.
    fn new(seed: u64, collide: bool, postgres: Option<&str>, hostile: Option<Hostile>) -> Sim {
        let mut rng = Rng(seed);
        let scratch = tempfile::tempdir().expect("temp dir");
        let count = 3 + rng.below(3);
        let replicas = (0..count).map(|i| Replica::new(&format!("r{i}"))).collect();
        let remote = if let Some(url) = postgres {
            // A workspace per run, so runs sharing a database never see each other's journal.
            let workspace = format!("sim-{seed}-{}", if collide { "collide" } else { "apart" });
            vec![
                "--postgres".to_string(),
                url.to_string(),
                "--workspace".to_string(),
                workspace,
            ]
        } else if seed.is_multiple_of(2) {
            let dir = scratch.path().join("shared-folder");
            vec!["--folder".to_string(), dir.display().to_string()]
        } else {
            vec!["--git".to_string(), bare_repo(scratch.path())]
        };
        Sim {
            seed,
            rng,
            replicas,
            remote,
            scratch,
            now: Utc
                .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
                .single()
                .expect("time"),
            steps: Vec::new(),
            logged: BTreeSet::new(),
            deleted: BTreeSet::new(),
            collide,
            hostile,
            backups: BTreeMap::new(),
            been_ahead: BTreeSet::new(),
            poisoned: Vec::new(),
        }
    }

    /// A name to add on machine `r`: from a small shared pool when handles are to collide
    /// (across machines, and with removed contacts' handles), else one of its own.
    fn name_for(&mut self, r: usize) -> String {
        let name = NAMES[self.rng.below(NAMES.len())];
        if self.collide {
            name.to_string()
        } else {
            format!("{name} {} {}", self.replicas[r].name, self.steps.len())
        }
    }

    fn fail(&self, what: &str) -> ! {
        let tail: Vec<&String> = self.steps.iter().rev().take(25).collect();
        if std::env::var_os("SIM_KEEP").is_some() {
            // Stops here, before the temp folders are removed, to look at the journals.
            for replica in &self.replicas {
                eprintln!("{}: {}", replica.name, replica.db.display());
            }
            eprintln!(
                "seed {} failed: {what}\nall steps: {:#?}",
                self.seed, self.steps
            );
            std::process::exit(101);
        }
        panic!(
            "seed {} over {} failed: {what}\nlast steps (newest first):\n{tail:#?}\nrerun: SIM_SEED={} cargo test --test runner sync_sim::",
            self.seed, self.remote[0], self.seed
        );
    }

    fn check_ran(&self, r: usize, args: &[&str], ran: &Run, allowed: &[i32]) {
        if !allowed.contains(&ran.code) || ran.stderr.contains("panicked") {
            self.fail(&format!(
                "{} rel {args:?} exit {}: {}",
                self.replicas[r].name, ran.code, ran.stderr
            ));
        }
    }

    /// Runs a command a user might type; usage errors and not-found are fine (random WHOs),
    /// anything else is not.
    fn user(&mut self, r: usize, args: &[&str]) -> Run {
        self.steps
            .push(format!("{}: rel {}", self.replicas[r].name, args.join(" ")));
        let before = self.interactions(r);
        let ran = self.replicas[r].run(self.now, args);
        self.check_ran(r, args, &ran, &[0, 2, 3]);
        for gone in before.difference(&self.interactions(r)) {
            self.deleted.insert(gone.clone());
        }
        ran
    }

    fn sync(&mut self, r: usize) -> Value {
        self.steps
            .push(format!("{}: rel sync", self.replicas[r].name));
        let args = ["sync", "--format", "json"];
        let ran = self.replicas[r].run(self.now, &args);
        self.check_ran(r, &args, &ran, &[0]);
        serde_json::from_str(&ran.stdout).unwrap_or_else(|_| self.fail("sync printed no JSON"))
    }

    fn interactions(&self, r: usize) -> BTreeSet<String> {
        self.replicas[r]
            .strings("SELECT uid FROM interactions")
            .into_iter()
            .collect()
    }

    fn handles(&self, r: usize) -> Vec<String> {
        self.replicas[r].strings("SELECT handle FROM contacts")
    }

    fn setup(&mut self) {
        let first = 0;
        let mut args = vec!["sync", "init"];
        let remote = self.remote.clone();
        args.extend(remote.iter().map(String::as_str));
        // The first machine already holds data when it starts syncing.
        self.user(first, &["add", "Ann Lee", "--tag", "work"]);
        self.user(first, &["log", "ann-lee", "first", "touch"]);
        let ran = self.replicas[first].run(self.now, &args);
        self.check_ran(first, &args, &ran, &[0]);
        let key = self.key();
        for r in 1..self.replicas.len() {
            // Some of the others hold data of their own before they join.
            if self.rng.chance(50) {
                let name = self.name_for(r);
                self.user(r, &["add", &name]);
            }
            let mut with_key = args.clone();
            if let Some(key) = &key {
                with_key.extend(["--key", key.as_str()]);
            }
            let ran = self.replicas[r].run(self.now, &with_key);
            self.check_ran(r, &with_key, &ran, &[0]);
        }
    }

    fn step(&mut self) {
        self.now += Duration::minutes(1 + self.rng.below(90) as i64);
        let r = self.rng.below(self.replicas.len());
        let handles = self.handles(r);
        let who = self
            .rng
            .pick(&handles)
            .cloned()
            .unwrap_or_else(|| "nobody".into());
        let interaction_ids = self.replicas[r].strings("SELECT id FROM interactions");
        let interaction = self
            .rng
            .pick(&interaction_ids)
            .cloned()
            .unwrap_or_else(|| "999".into());
        let followup_ids =
            self.replicas[r].strings("SELECT id FROM followups WHERE done_at IS NULL");
        let followup = self
            .rng
            .pick(&followup_ids)
            .cloned()
            .unwrap_or_else(|| "999".into());
        if self.hostile.is_some() && self.rng.chance(8) {
            self.hostile_step();
            return;
        }
        let tag = TAGS[self.rng.below(TAGS.len())];
        let n = self.steps.len().to_string();
        let mut choice = self.rng.below(28);
        // SIM_SKIP=12,16 leaves step kinds out while a failure is narrowed down.
        if std::env::var("SIM_SKIP")
            .unwrap_or_default()
            .split(',')
            .any(|s| s == choice.to_string())
        {
            choice = 23;
        }
        match choice {
            0..=2 => {
                let name = self.name_for(r);
                if self.rng.chance(30) {
                    // Introduced by someone other machines may not have received yet.
                    self.user(r, &["add", &name, "--tag", tag, "--via", &who]);
                } else {
                    self.user(r, &["add", &name, "--tag", tag]);
                }
            }
            3 => {
                self.user(r, &["edit", &who, "--org", &format!("org {n}")]);
            }
            4 => {
                self.user(
                    r,
                    &["edit", &who, "--note", &format!("note {n}"), "--role", "r"],
                );
            }
            5 => {
                let flag = if self.rng.chance(50) {
                    "--tag"
                } else {
                    "--untag"
                };
                self.user(r, &["edit", &who, flag, tag]);
            }
            6..=8 => {
                let ran = self.user(
                    r,
                    &["log", &who, "talked", &n, "-t", "trust", "--format", "json"],
                );
                if ran.code == 0 {
                    let record: Value = serde_json::from_str(&ran.stdout)
                        .unwrap_or_else(|_| self.fail("log printed no JSON"));
                    if let Some(uid) = record["uid"].as_str() {
                        self.logged.insert(uid.to_string());
                    }
                }
            }
            9 => {
                self.user(r, &["amend", &interaction, "amended", &n]);
            }
            10 => {
                self.user(r, &["unlog", &interaction, "--yes"]);
            }
            11 => {
                if self.rng.chance(40) {
                    self.user(r, &["rm", &who, "--yes"]);
                }
            }
            12 => {
                let other = self.rng.pick(&handles).cloned().unwrap_or_default();
                if other != who {
                    self.user(r, &["merge", &who, &other, "--yes"]);
                }
            }
            13 => {
                self.user(r, &["remind", &who, "tomorrow", "call", "back"]);
            }
            14 => {
                self.user(r, &["done", &followup]);
            }
            15 => {
                let every = ["2w", "1m", "quarterly"][self.rng.below(3)];
                self.user(r, &["config", "default-every", every]);
            }
            16 => {
                self.user(r, &["undo"]);
            }
            17 => {
                // A clock off by hours, sometimes by more than a day (its changes are held
                // back elsewhere until the others' clocks catch up), now and then a year.
                let mut skew = [-240, 0, 0, 180, 60 * 30, YEAR][self.rng.below(6)];
                // One machine a year ahead at a time (README "When a clock was wrong": two at
                // once keep each other ahead until the clocks reach their stamps).
                let others_ahead = (0..self.replicas.len())
                    .any(|o| o != r && self.replicas[o].skew_minutes == YEAR);
                if skew == YEAR && others_ahead {
                    skew = 0;
                }
                self.set_clock(r, skew);
            }
            20 => self.backup_or_restore(r),
            21 => self.copy_to_new_machine(r),
            18 => self.cut_short(r),
            19 => self.two_at_once(r),
            24 => self.inject_invalid(),
            25 => self.merge_while_another_logs(r),
            26 => self.undo_an_old_add(r),
            27 => self.undo_a_raced_merge(r),
            _ => {
                self.sync(r);
            }
        }
    }

    /// The hostile member's move: one row written with plain SQL and its own role.
    fn hostile_step(&mut self) {
        let Some(hostile) = &self.hostile else {
            return;
        };
        let (url, poison, own_seq) = (hostile.url.clone(), hostile.poison, hostile.next_seq);
        let workspace = self.remote[3].clone();
        let mut client = pg::connect(&url);
        let contacts = self.replicas[0].strings("SELECT uid FROM contacts");
        let interactions = self.replicas[0].strings("SELECT uid FROM interactions");
        let contact = self.rng.pick(&contacts).cloned().unwrap_or_default();
        let interaction = self.rng.pick(&interactions).cloned().unwrap_or_default();
        let evil = |field: &str, value: Value| {
            serde_json::json!({"v": 1, "k": "contact", "uid": contact, "set": {field: value}})
                .to_string()
        };
        let insert = |client: &mut postgres::Client, replica: &str, seq: i64, body: &str| {
            client.execute(
                "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
                 VALUES ($1, $2, $3,
                         (SELECT coalesce(max(hlc), 0) + 65536 FROM rel.operations), $4::text::json)",
                &[&workspace, &replica, &seq, &body],
            )
        };
        let n = self.steps.len();
        match self.rng.below(if poison { 4 } else { 3 }) {
            0 => {
                // Forgery: the next seq of an honest replica. The database refuses it.
                let honest = client
                    .query(
                        "SELECT replica, (SELECT max(seq) FROM rel.operations o
                                           WHERE o.workspace = r.workspace AND o.replica = r.replica)
                           FROM rel.replicas r WHERE workspace = $1 AND role <> current_user::text",
                        &[&workspace],
                    )
                    .expect("bindings");
                let Some(row) = self.rng.pick(&honest) else {
                    return;
                };
                let (victim, head): (String, Option<i64>) = (row.get(0), row.get(1));
                self.steps.push(format!(
                    "hostile: forge {victim} seq {}",
                    head.unwrap_or(0) + 1
                ));
                match insert(
                    &mut client,
                    &victim,
                    head.unwrap_or(0) + 1,
                    &evil("org", "EVIL".into()),
                ) {
                    Err(e) if e.code().map(|c| c.code()) == Some("RL403") => {}
                    other => self.fail(&format!(
                        "a forgery was not refused by the database: {other:?}"
                    )),
                }
            }
            1 => {
                // A gap in a replica of its own: seq 2 without seq 1 never applies.
                let replica = format!("{HOSTILE}gap-{n}");
                self.steps.push(format!("hostile: gap in {replica}"));
                insert(&mut client, &replica, 2, &evil("org", "EVIL".into()))
                    .unwrap_or_else(|e| self.fail(&format!("gap row: {e:?}")));
            }
            2 => {
                self.steps.push("hostile: a body over 8 MiB".into());
                let body = evil("note", Value::String("x".repeat(8 * 1024 * 1024 + 1)));
                match insert(&mut client, &format!("{HOSTILE}big-{n}"), 1, &body) {
                    Err(e) if e.code().map(|c| c.code()) == Some("23514") => {}
                    other => self.fail(&format!("a body over 8 MiB was not refused: {other:?}")),
                }
            }
            _ => {
                // Malformed bodies, contiguous in its own replica: quarantined by everyone.
                let bodies = [
                    serde_json::json!({"v": 1, "k": "interaction", "uid": interaction,
                                       "set": {"respect": 5}})
                    .to_string(),
                    evil("handle", "a,b".into()),
                    evil("handle", "".into()),
                    evil("every", "banana".into()),
                    evil("birthday", "garbage".into()),
                    evil("note", "nul \u{0} inside".into()),
                    serde_json::json!({"v": 1, "k": "zzz", "uid": contact}).to_string(),
                    serde_json::json!({"v": 1, "k": "contact", "set": 7}).to_string(),
                    "[]".to_string(),
                ];
                let body = bodies[self.rng.below(bodies.len())].clone();
                let replica = format!("{HOSTILE}poison-{}", self.seed);
                self.steps
                    .push(format!("hostile: {replica} seq {own_seq}: {body}"));
                insert(&mut client, &replica, own_seq, &body)
                    .unwrap_or_else(|e| self.fail(&format!("poison row: {e:?}")));
                if let Some(hostile) = &mut self.hostile {
                    hostile.next_seq += 1;
                }
                self.poisoned.push((replica, own_seq));
            }
        }
    }

    /// A sync killed after it pushed and before its transaction committed leaves exactly
    /// this: the remote holds the operations, the journal is as it was. It is made by syncing
    /// a backup copy of the journal (same replica, same clone) and throwing the copy away;
    /// on a folder remote a half-written temp file is left behind as well.
    fn cut_short(&mut self, r: usize) {
        self.steps
            .push(format!("{}: sync cut short", self.replicas[r].name));
        let copy = self
            .scratch
            .path()
            .join(format!("copy-{}.db", self.steps.len()));
        let copy_arg = copy.display().to_string();
        self.replicas[r].ok(self.now, &["backup", &copy_arg]);
        let ran: Run = self.replicas[r]
            .command(&copy, self.now, &["sync"])
            .output()
            .expect("run rel")
            .into();
        self.check_ran(r, &["sync (copy)"], &ran, &[0]);
        std::fs::remove_file(&copy).expect("remove copy");
        if self.remote[0] == "--folder" {
            let replica = self.replicas[r].strings("SELECT uuid FROM sync_replicas WHERE n = 1");
            let dir = std::path::Path::new(&self.remote[1])
                .join("rel-sync/v1")
                .join(&replica[0]);
            std::fs::create_dir_all(&dir).expect("replica dir");
            std::fs::write(
                dir.join(format!(".tmp-cut{}", self.steps.len())),
                b"relseal1 half",
            )
            .expect("temp file");
        }
    }

    /// Sets machine `r`'s clock off by `skew` minutes. A clock that was a year ahead and is
    /// corrected keeps working at once (its next change is what brings the ones made while
    /// ahead to the others).
    fn set_clock(&mut self, r: usize, skew: i64) {
        self.steps
            .push(format!("{}: clock skew {skew} min", self.replicas[r].name));
        let was = self.replicas[r].skew_minutes;
        self.replicas[r].skew_minutes = skew;
        if skew == YEAR {
            self.been_ahead.insert(r);
        }
        if was == YEAR && skew != YEAR {
            self.log_something(r);
        }
    }

    fn log_something(&mut self, r: usize) {
        let handles = self.handles(r);
        let Some(who) = handles.first().cloned() else {
            let name = self.name_for(r);
            self.user(r, &["add", &name]);
            return;
        };
        let n = self.steps.len().to_string();
        let ran = self.user(r, &["log", &who, "after", &n, "--format", "json"]);
        if ran.code == 0
            && let Ok(record) = serde_json::from_str::<Value>(&ran.stdout)
            && let Some(uid) = record["uid"].as_str()
        {
            self.logged.insert(uid.to_string());
        }
    }

    /// The issue's first report: machine `r` takes a backup; later its work is synced and the
    /// database restored from that backup, and it keeps working (nothing it synced is lost;
    /// what it never synced is gone with the file, as for any restore).
    /// Either may happen while its clock is a year ahead: the restored journal moves to a new
    /// id that continues the old one (README "When a clock was wrong").
    fn backup_or_restore(&mut self, r: usize) {
        let Some(backup) = self.backups.remove(&r) else {
            let path = self
                .scratch
                .path()
                .join(format!("backup-{r}-{}.db", self.steps.len()));
            self.steps
                .push(format!("{}: rel backup", self.replicas[r].name));
            self.replicas[r].ok(self.now, &["backup", &path.display().to_string()]);
            self.backups.insert(r, path);
            return;
        };
        self.sync(r);
        self.steps.push(format!(
            "{}: restored from its backup",
            self.replicas[r].name
        ));
        std::fs::copy(&backup, &self.replicas[r].db).expect("restore");
        self.log_something(r);
    }

    /// Machine `r`'s database copied to a new machine, both used from now on.
    fn copy_to_new_machine(&mut self, r: usize) {
        if self.replicas.len() >= MAX_MACHINES {
            self.sync(r);
            return;
        }
        let copy = Replica::new(&format!("r{}", self.replicas.len()));
        self.steps.push(format!(
            "{}: copied to {}",
            self.replicas[r].name, copy.name
        ));
        std::fs::copy(&self.replicas[r].db, &copy.db).expect("copy");
        self.replicas.push(copy);
        let c = self.replicas.len() - 1;
        self.log_something(c);
    }

    /// Two machines (or one machine twice) syncing at the same moment.
    fn two_at_once(&mut self, r: usize) {
        let other = if self.rng.chance(30) {
            r
        } else {
            self.rng.below(self.replicas.len())
        };
        self.steps.push(format!(
            "{} and {}: rel sync at once",
            self.replicas[r].name, self.replicas[other].name
        ));
        let a = self.replicas[r].spawn(self.now, &["sync"]);
        let b = self.replicas[other].spawn(self.now, &["sync"]);
        for (child, who) in [(a, r), (b, other)] {
            let ran: Run = child.wait_with_output().expect("wait").into();
            self.check_ran(who, &["sync (concurrent)"], &ran, &[0]);
        }
    }

    /// Everyone syncs, round after round, until a whole round moves nothing. The clocks are
    /// set right and moved past every skew first, so nothing stays held back.
    fn quiesce(&mut self) {
        self.now += Duration::days(3);
        for r in 0..self.replicas.len() {
            self.set_clock(r, 0);
        }
        // A machine that was a year ahead may have applied another's changes from a year
        // ahead too (by its own clock they were not); its stamps stay above those until that
        // other machine's corrected change reaches it and it makes one change more. So each of
        // them keeps working once everyone has synced (README "When a clock was wrong").
        if !self.been_ahead.is_empty() {
            for r in 0..self.replicas.len() {
                self.sync(r);
            }
            for r in self.been_ahead.clone() {
                self.log_something(r);
            }
        }
        for _round in 0..8 {
            let mut moved = false;
            for r in 0..self.replicas.len() {
                let out = self.sync(r);
                if out["sent"] != 0 || out["received"] != 0 {
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
        self.fail("still moving after 8 rounds of syncing");
    }

    fn is_postgres(&self) -> bool {
        self.remote[0] == "--postgres"
    }

    /// The key a machine joining needs (none for PostgreSQL: rel does not encrypt there).
    fn key(&self) -> Option<String> {
        if self.is_postgres() {
            return None;
        }
        let key = self.replicas[0].ok(self.now, &["sync", "key"]);
        Some(key.trim_end().to_string())
    }

    /// The shared remote as replica `replica` opens it, the way `rel sync` does (its git
    /// clone, if any, under `scratch/<replica>-cache`).
    fn open_remote(&self, replica: &str) -> Box<dyn Remote> {
        let kind = match self.remote[0].as_str() {
            "--postgres" => RemoteKind::Postgres {
                url: self.remote[1].clone(),
                workspace: self.remote[3].clone(),
            },
            "--folder" => RemoteKind::Folder {
                dir: self.remote[1].clone().into(),
            },
            _ => RemoteKind::Git {
                url: self.remote[1].clone(),
                branch: "rel-sync".into(),
            },
        };
        let key = self.key().map(|key| SyncKey::parse(&key).expect("key"));
        remote::open(&Opening {
            kind: &kind,
            key: key.as_ref(),
            replica,
            cache: &self.scratch.path().join(format!("{replica}-cache")),
        })
        .expect("open the remote")
    }

    /// Every operation on the remote, read with the journal's key (the global operation list).
    fn global_ops(&self) -> Vec<WireOp> {
        let mut remote = self.open_remote("oracle");
        remote.check().expect("oracle opens the remote");
        let mut by_replica = BTreeMap::new();
        for replica in remote.heads().expect("heads").keys() {
            if !replica.starts_with(HOSTILE) {
                let fetched = remote.fetch(replica, 0).expect("fetch");
                by_replica.insert(replica.clone(), fetched);
            }
        }
        stamps::effective(by_replica)
    }

    fn verify(&mut self) {
        let digests: Vec<String> = self.replicas.iter().map(|r| r.digest(self.now)).collect();
        if let Some(odd) = digests.iter().position(|d| *d != digests[0]) {
            let diff = self.export_diff(&self.replicas[0], &self.replicas[odd]);
            self.fail(&format!("digests differ: {digests:?}\n{diff}"));
        }
        // A fresh machine folding the whole operation list from scratch agrees.
        let fresh = Replica::new("fresh");
        let key = self.key();
        let mut args = vec!["sync", "init"];
        args.extend(self.remote.iter().map(String::as_str));
        if let Some(key) = &key {
            args.extend(["--key", key.as_str()]);
        }
        fresh.ok(self.now, &args);
        fresh.ok(self.now, &["sync"]);
        if fresh.digest(self.now) != digests[0] {
            let diff = self.export_diff(&self.replicas[0], &fresh);
            self.fail(&format!(
                "a fresh replica's fold of the global operation list differs\n{diff}"
            ));
        }
        self.check_fields_against_oracle();
        // Every interaction someone logged is everywhere, unless a command deleted it.
        for r in 0..self.replicas.len() {
            let present = self.interactions(r);
            for uid in self.logged.difference(&self.deleted) {
                if !present.contains(uid) {
                    self.fail(&format!(
                        "interaction {uid} is missing on {}",
                        self.replicas[r].name
                    ));
                }
            }
        }
        self.check_quarantine_listed();
        self.check_export_imports();
        // Nothing the hostile member wrote past a gap or under another's name applied.
        for replica in &self.replicas {
            if !replica
                .strings("SELECT uid FROM contacts WHERE org = 'EVIL'")
                .is_empty()
            {
                self.fail(&format!("{} applied a hostile row", replica.name));
            }
        }
        // No handle is taken twice, and every contact has the same handle everywhere.
        let handles_of = |r: &Replica| r.rows("SELECT uid, handle FROM contacts ORDER BY uid", 2);
        let first = handles_of(&self.replicas[0]);
        let unique: BTreeSet<&String> = first.iter().map(|row| &row[1]).collect();
        if unique.len() != first.len() {
            self.fail("a handle is taken twice");
        }
        for replica in &self.replicas[1..] {
            if handles_of(replica) != first {
                self.fail(&format!("{} has other contacts or handles", replica.name));
            }
        }
    }

    /// The records (by uid, local ids left out) that two machines do not share.
    fn export_diff(&self, a: &Replica, b: &Replica) -> String {
        let export = |replica: &Replica| -> BTreeSet<String> {
            let text = replica.ok(self.now, &["export", "--format", "json"]);
            let doc: Value = serde_json::from_str(&text).unwrap_or_default();
            let mut lines = BTreeSet::new();
            for (section, records) in doc.as_object().into_iter().flatten() {
                for record in records.as_array().into_iter().flatten() {
                    let mut record = record.clone();
                    if let Some(fields) = record.as_object_mut() {
                        fields.remove("id");
                    }
                    lines.insert(format!("{section}: {record}"));
                }
            }
            lines
        };
        // The digest's own lines too: they hold what an export leaves out.
        let digest_lines = |replica: &Replica| -> BTreeSet<String> {
            let conn = rusqlite::Connection::open_with_flags(
                &replica.db,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .expect("open db");
            rel::sync::digest::lines(&conn)
                .expect("digest lines")
                .into_iter()
                .map(|line| format!("digest: {line}"))
                .collect()
        };
        let (mut a_lines, mut b_lines) = (export(a), export(b));
        a_lines.extend(digest_lines(a));
        b_lines.extend(digest_lines(b));
        let only_a: Vec<&String> = a_lines.difference(&b_lines).collect();
        let only_b: Vec<&String> = b_lines.difference(&a_lines).collect();
        format!(
            "only on {}: {only_a:#?}\nonly on {}: {only_b:#?}",
            a.name, b.name
        )
    }

    /// Each contact's name/org/role/note and each interaction's note equals the value of the
    /// latest change to it in the global operation list (by clock, then replica), a creation
    /// counting as older than any change.
    fn check_fields_against_oracle(&self) {
        let mut latest: BTreeMap<FieldKey, (Stamp, Value)> = BTreeMap::new();
        for op in self.global_ops() {
            let Ok(body) = serde_json::from_str::<Value>(&op.body) else {
                continue;
            };
            let (Some(kind), Some(uid)) = (body["k"].as_str(), body["uid"].as_str()) else {
                continue;
            };
            let is_change = body["new"] != Value::Bool(true);
            let Some(set) = body["set"].as_object() else {
                continue;
            };
            for (field, value) in set {
                let key = (kind.to_string(), uid.to_string(), field.clone());
                let stamp = (is_change, op.hlc, op.replica.clone());
                let newer = latest.get(&key).is_none_or(|(old, _)| stamp > *old);
                if newer {
                    latest.insert(key, (stamp, value.clone()));
                }
            }
        }
        self.check_handles_against_oracle(&latest);
        let expect = |kind: &str, uid: &str, field: &str| -> String {
            latest
                .get(&(kind.to_string(), uid.to_string(), field.to_string()))
                .map(|(_, v)| v.as_str().unwrap_or_default().to_string())
                .unwrap_or_default()
        };
        for replica in &self.replicas {
            let expect_contact = |uid: &str, field: &str| match field {
                "name" => expect("contact", uid, field),
                _ => faults::expect_contact_field(&latest, uid, field),
            };
            for row in replica.rows("SELECT uid, name, org, role, note FROM contacts", 5) {
                for (i, field) in ["name", "org", "role", "note"].iter().enumerate() {
                    if row[i + 1] != expect_contact(&row[0], field) {
                        self.fail(&format!(
                            "{}: contact {} {field} is {:?}, the latest write says {:?}",
                            replica.name,
                            row[0],
                            row[i + 1],
                            expect_contact(&row[0], field)
                        ));
                    }
                }
            }
            for row in replica.rows("SELECT uid, note FROM interactions", 2) {
                if row[1] != expect("interaction", &row[0], "note") {
                    self.fail(&format!(
                        "{}: interaction {} note is {:?}, the latest write says {:?}",
                        replica.name,
                        row[0],
                        row[1],
                        expect("interaction", &row[0], "note")
                    ));
                }
            }
        }
    }
}

impl Sim {
    /// The contract's rule for contested handles, computed from scratch: every contact asks
    /// for the handle its latest write says; taken in creation order (creation time, then
    /// uid), each holds the first of `asked`, `asked-2`, `asked-3`… no earlier one holds.
    fn check_handles_against_oracle(&self, latest: &BTreeMap<FieldKey, (Stamp, Value)>) {
        let mut contacts: Vec<(i64, String)> = self.replicas[0]
            .rows("SELECT CAST(created_at AS TEXT), uid FROM contacts", 2)
            .into_iter()
            .map(|row| (row[0].parse().expect("created_at"), row[1].clone()))
            .collect();
        contacts.sort();
        let mut dealt = BTreeSet::new();
        let mut expected = BTreeMap::new();
        for (_, uid) in &contacts {
            let key = ("contact".to_string(), uid.clone(), "handle".to_string());
            let Some(asked) = latest.get(&key).and_then(|(_, v)| v.as_str()) else {
                self.fail(&format!("no operation gives contact {uid} a handle"));
            };
            let mut handle = asked.to_string();
            let mut n = 2;
            while dealt.contains(&handle) {
                handle = format!("{asked}-{n}");
                n += 1;
            }
            dealt.insert(handle.clone());
            expected.insert(uid.clone(), handle);
        }
        for replica in &self.replicas {
            for row in replica.rows("SELECT uid, handle FROM contacts", 2) {
                if expected.get(&row[0]) != Some(&row[1]) {
                    self.fail(&format!(
                        "{}: contact {} holds {:?}, creation order gives {:?}",
                        replica.name,
                        row[0],
                        row[1],
                        expected.get(&row[0])
                    ));
                }
            }
        }
    }
}

fn run_seed(seed: u64, collide: bool, postgres: Option<&str>) {
    run_seed_with(seed, collide, postgres, None)
}

fn run_seed_with(seed: u64, collide: bool, postgres: Option<&str>, hostile: Option<Hostile>) {
    let mut sim = Sim::new(seed, collide, postgres, hostile);
    sim.setup();
    let steps = if seed.is_multiple_of(2) || postgres.is_some() {
        FOLDER_STEPS
    } else {
        GIT_STEPS
    };
    // SIM_STEPS=N stops a seed's steps early (before the final syncs), to narrow a failure down.
    let steps = std::env::var("SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(steps, |n: usize| n.min(steps));
    for _ in 0..steps {
        sim.step();
    }
    sim.quiesce();
    sim.verify();
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()) {
        return vec![seed];
    }
    let count = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2u64);
    (1..=count).collect()
}

#[test]
fn replicas_converge_over_folder_and_git() {
    for seed in seeds() {
        run_seed(seed, false, None);
    }
}

/// The same with contacts of one name created on several machines offline, so handles
/// collide and must be settled the same way everywhere.
#[test]
fn replicas_converge_when_handles_collide() {
    for seed in seeds() {
        run_seed(seed, true, None);
    }
}

/// The same runs with PostgreSQL as the remote, contacts apart and colliding, every seed in a
/// workspace of its own in one fresh database.
#[test]
fn replicas_converge_over_postgres() {
    converge_over_postgres("sync_sim", false);
}

/// The same with the hostile member also sending malformed bodies: every honest member's
/// sync still exits 0 and converges (the bodies are quarantined).
#[test]
fn replicas_converge_over_postgres_with_poison() {
    converge_over_postgres("sync_sim_poison", true);
}

fn converge_over_postgres(test: &str, poison: bool) {
    let Some(db) = pg::fresh(test) else {
        return;
    };
    let owner = TestEnv::new();
    owner.ok(&["team", "setup", &db.url]);
    let role = db.role("hostile");
    owner.ok(&["team", "grant", &db.url, &role]);
    let hostile = || {
        Some(Hostile {
            url: db.url_as(&role),
            next_seq: 1,
            poison,
        })
    };
    for seed in seeds() {
        run_seed_with(seed, false, Some(&db.url), hostile());
        run_seed_with(seed, true, Some(&db.url), hostile());
    }
}
