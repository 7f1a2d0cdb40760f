//! Helpers shared by the safety tests: spawning the real binary as a plain process (to run
//! many at once or kill one, or under a limit set by a shell first), and reading what the
//! database holds.
#![allow(dead_code)]

pub use super::REL;
use super::TestEnv;
use rusqlite::{Connection, OpenFlags};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// A `std::process::Command` for `rel ARGS` with the test environment, stdin closed.
pub fn rel(env: &TestEnv, args: &[&str]) -> Command {
    let mut cmd = env.std_cmd();
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// `rel ARGS` started by `sh -c 'PRELUDE && exec rel ARGS'` in the test environment, stdin
/// closed: a umask or a ulimit set by PRELUDE applies to rel alone, not to the test process.
pub fn rel_after(env: &TestEnv, prelude: &str, args: &[&str]) -> Command {
    let mut cmd = super::isolated("sh", env.dir.path(), &env.db, &env.now);
    cmd.args(["-c", &format!("{prelude} && exec \"$0\" \"$@\""), REL])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Opens the test database read-only.
pub fn read(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db")
}

/// `PRAGMA integrity_check` of the database.
pub fn integrity(db: &Path) -> String {
    read(db)
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check")
}

/// Everything a failed command must not have changed, as one comparable string.
pub fn fingerprint(db: &Path) -> String {
    read(db)
        .query_row(
            "SELECT (SELECT count(*) FROM contacts) || '/' || \
                    (SELECT count(*) FROM interactions) || '/' || \
                    (SELECT count(*) FROM followups) || '/' || \
                    (SELECT count(*) FROM interaction_contacts) || '/' || \
                    (SELECT coalesce(sum(length(note)), 0) FROM interactions) || '/' || \
                    (SELECT coalesce(group_concat(handle || ':' || coalesce(last_touch, '') || ':' \
                        || coalesce(due_at, '') || ':' || coalesce(snoozed_until, '') || ':' \
                        || coalesce(every, ''), ','), '') FROM contacts) || '/' || \
                    (SELECT count(*) FROM settings)",
            [],
            |row| row.get(0),
        )
        .expect("fingerprint")
}

/// Contacts whose maintained columns disagree with their interactions (should be none).
pub fn stale_contacts(db: &Path) -> Vec<String> {
    let conn = read(db);
    let mut stmt = conn
        .prepare(
            "SELECT c.handle FROM contacts c WHERE \
               c.last_touch IS NOT (SELECT max(i.at) FROM interactions i \
                 JOIN interaction_contacts ic ON ic.interaction_id = i.id \
                 WHERE ic.contact_id = c.id) \
            OR c.reith_trust != (SELECT coalesce(sum(i.trust), 0) FROM interactions i \
                 JOIN interaction_contacts ic ON ic.interaction_id = i.id \
                 WHERE ic.contact_id = c.id)",
        )
        .expect("prepare");
    stmt.query_map([], |row| row.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The permission bits of a file or folder.
pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Root reads and writes through permission bits, so chmod-based cases mean nothing there.
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A small pseudo-random sequence (xorshift), seeded from the clock and printed so that a
/// failing run can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn from_clock(label: &str) -> Rng {
        let seed = std::env::var("REL_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            })
            | 1;
        eprintln!("{label}: REL_TEST_SEED={seed}");
        Rng(seed)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}

/// `rel ARGS` started from a shell whose umask is 022, as most users' is: rel must make its
/// files private by itself.
pub fn rel_with_umask_022(env: &TestEnv, args: &[&str]) -> Command {
    rel_after(env, "umask 022", args)
}

/// Writes an executable shell script and returns its path.
pub fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// What a run of rel produced, stdout and stderr kept as bytes (to look for raw escapes).
pub struct RawRun {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl RawRun {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `cmd` feeding `stdin` from a thread; rel may stop reading early (a refused 10 MB
/// note), so a broken pipe on our side is expected and ignored.
pub fn run_raw(mut cmd: Command, stdin: &[u8]) -> RawRun {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rel");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let output = std::thread::scope(|scope| {
        scope.spawn(move || {
            let _ = pipe.write_all(stdin);
        });
        child.wait_with_output().expect("wait for rel")
    });
    RawRun {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}
