//! Replicas for the sync tests: each a real database in its own folder (its own HOME and data
//! folder, so its own git clone), driven through the real binary with its own clock.
#![allow(dead_code)]

use super::{REL, Run, isolated};
use chrono::{DateTime, Duration, Utc};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Replica {
    pub name: String,
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// How far this machine's clock is off, in minutes.
    pub skew_minutes: i64,
}

impl Replica {
    pub fn new(name: &str) -> Replica {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("rel.db");
        Replica {
            name: name.to_string(),
            dir,
            db,
            skew_minutes: 0,
        }
    }

    /// `rel` as this machine runs it at global time `now` (its skew applied).
    pub fn command(&self, db: &Path, now: DateTime<Utc>, args: &[&str]) -> Command {
        let local_now = now + Duration::minutes(self.skew_minutes);
        let mut cmd = isolated(REL, self.dir.path(), db, &local_now.to_rfc3339());
        cmd.args(args).stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, now: DateTime<Utc>, args: &[&str]) -> Run {
        self.command(&self.db, now, args)
            .output()
            .expect("run rel")
            .into()
    }

    pub fn spawn(&self, now: DateTime<Utc>, args: &[&str]) -> Child {
        self.command(&self.db, now, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn rel")
    }

    /// Runs and insists on exit 0.
    #[track_caller]
    pub fn ok(&self, now: DateTime<Utc>, args: &[&str]) -> String {
        let ran = self.run(now, args);
        assert_eq!(
            ran.code, 0,
            "{}: rel {args:?} failed: {}",
            self.name, ran.stderr
        );
        ran.stdout
    }

    /// One query on this replica's database, read-only.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        if !self.db.exists() {
            return Vec::new();
        }
        let conn = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        let mut statement = conn.prepare(sql).expect("prepare");
        statement
            .query_map([], |row| {
                let value: rusqlite::types::Value = row.get(0)?;
                Ok(match value {
                    rusqlite::types::Value::Text(text) => text,
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Null => String::new(),
                    other => format!("{other:?}"),
                })
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    /// Rows of text columns, for comparing fields.
    pub fn rows(&self, sql: &str, columns: usize) -> Vec<Vec<String>> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        let mut statement = conn.prepare(sql).expect("prepare");
        statement
            .query_map([], |row| {
                (0..columns)
                    .map(|i| {
                        let value: Option<String> = row.get(i)?;
                        Ok(value.unwrap_or_default())
                    })
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    pub fn digest(&self, now: DateTime<Utc>) -> String {
        self.ok(now, &["sync", "verify"]).trim_end().to_string()
    }
}

/// A small deterministic generator (splitmix64), so a seed replays the same run anywhere.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// A bare git repository in `dir`, as a `file://` URL.
pub fn bare_repo(dir: &Path) -> String {
    let repo = dir.join("remote.git");
    let status = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&repo)
        .status()
        .expect("git init");
    assert!(status.success());
    format!("file://{}", repo.display())
}
