//! The test environment every integration test uses: a private temp dir, its own database,
//! a fixed clock and time zone, no colour, no editor, and helpers to run the real binary.
//! Every way the tests start rel (assert_cmd, a plain process, a shell that sets a limit first,
//! a replica at its own clock, a pseudo-terminal) gets that environment from [`isolated`].
#![allow(dead_code)]

use assert_cmd::Command;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

pub mod pg;
pub mod pty;
pub mod remote;
pub mod replica;
pub mod safety;

/// The built `rel` binary.
pub const REL: &str = env!("CARGO_BIN_EXE_rel");

/// `program` with the test environment and nothing of this process's: PATH, HOME and the
/// data folder in `home` (also the working folder), the database `db`, the clock `now`, UTC,
/// no colour.
pub fn isolated(
    program: impl AsRef<OsStr>,
    home: &Path,
    db: &Path,
    now: &str,
) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .env("REL_DB", db)
        .env("REL_NOW", now)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .current_dir(home);
    cmd
}

/// Friday 27 November 2026, noon UTC: the default "now" of every test.
pub const NOW: &str = "2026-11-27T12:00:00Z";

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub now: String,
}

/// What one run of `rel` produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("data").join("rel.db");
        TestEnv {
            dir,
            db,
            now: NOW.to_string(),
        }
    }

    /// A `rel` command with the test environment (REL_DB, REL_NOW, TZ=UTC, NO_COLOR).
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as a plain `std::process::Command` (to spawn, kill or pipe it).
    pub fn std_cmd(&self) -> std::process::Command {
        isolated(REL, self.dir.path(), &self.db, &self.now)
    }

    /// Runs `rel ARGS` with empty stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, |_| {})
    }

    /// Runs `rel ARGS` after `setup` adjusts the command (stdin, env…).
    pub fn run_with(&self, args: &[&str], setup: impl FnOnce(&mut Command)) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args).write_stdin("");
        setup(&mut cmd);
        cmd.output().expect("run rel").into()
    }

    /// Runs and asserts exit 0 with nothing on stderr; returns stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "rel {args:?} failed: {}", run.stderr);
        assert_eq!(run.stderr, "", "rel {args:?} wrote to stderr");
        run.stdout
    }

    /// Runs and asserts the exit code; returns stderr, which must be `rel: …`.
    #[track_caller]
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "rel {args:?}: stdout {} stderr {}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.starts_with("rel: "),
            "stderr must start 'rel: ': {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
        run.stderr
    }

    /// Runs with `--format json` and parses stdout.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}\n{out}"))
    }

    /// Opens the database directly (read-only) to check what was stored.
    pub fn sql_i64(&self, query: &str) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            &self.db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        conn.query_row(query, [], |row| row.get(0)).expect("query")
    }

    /// The same environment at another "now".
    pub fn at(&self, now: &str) -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
            db: self.db.clone(),
            now: now.to_string(),
        }
    }
}

/// Runs the benchmark generator (`bench/generate.py`, python3) and returns its JSON text.
pub fn bench_json(contacts: usize, interactions: usize, seed: u64) -> String {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/generate.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .args(["--contacts", &contacts.to_string()])
        .args(["--interactions", &interactions.to_string()])
        .args(["--seed", &seed.to_string(), "-o", "-"])
        .output()
        .expect("python3 runs bench/generate.py");
    assert!(
        output.status.success(),
        "bench/generate.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the generator writes UTF-8")
}

impl TestEnv {
    /// A journal holding generated benchmark data, loaded the way users load data: `rel import`.
    pub fn with_bench_data(contacts: usize, interactions: usize, seed: u64) -> TestEnv {
        let env = TestEnv::new();
        let file = env.dir.path().join("bench.json");
        std::fs::write(&file, bench_json(contacts, interactions, seed)).expect("write json");
        env.ok(&["-q", "import", file.to_str().expect("utf-8 temp path")]);
        env
    }
}
