//! The remotes the library-level tests drive through the `Remote` trait: every kind rel knows
//! (in memory, a folder, a real `git init --bare` repository, PostgreSQL when the tests have a
//! server), each opened the way `rel sync` opens it, as one replica or another.

use super::TestEnv;
use super::pg::{self, PgDb};
use super::replica::bare_repo;
use rel::sync::remote::RemoteKind;
use rel::sync::remote::memory::MemoryRemote;
use rel::sync::remote::sealed::seal::SyncKey;
use rel::sync::remote::{self, Opening, Remote, WireOp};
use tempfile::TempDir;

/// Operations `seqs` of `replica`: stamps and bodies made from the sequence number.
pub fn ops(replica: &str, seqs: std::ops::RangeInclusive<i64>) -> Vec<WireOp> {
    seqs.map(|seq| WireOp {
        replica: replica.to_string(),
        seq,
        hlc: seq << 16,
        author: None,
        body: format!("{{\"op\":{seq}}}"),
    })
    .collect()
}

/// One remote, fresh for one test.
pub struct Backend {
    /// Its name in failure messages.
    pub name: &'static str,
    /// Whether it keeps the names replicas publish (PostgreSQL shows members instead).
    pub keeps_names: bool,
    kind: Option<RemoteKind>,
    key: SyncKey,
    memory: MemoryRemote,
    dir: TempDir,
    /// Kept to the end of the test: dropping it drops the database.
    _pg: Option<PgDb>,
}

impl Backend {
    /// The remote as replica `replica` opens it.
    pub fn open(&self, replica: &str) -> Box<dyn Remote> {
        let Some(kind) = &self.kind else {
            return Box::new(self.memory.as_replica(replica));
        };
        let cache = self.dir.path().join(format!("cache-{replica}"));
        remote::open(&Opening {
            kind,
            key: Some(&self.key),
            replica,
            cache: &cache,
        })
        .unwrap_or_else(|err| panic!("{}: open as {replica}: {}", self.name, err.render()))
    }
}

/// Every remote, each fresh: in memory, a folder, a git repository, and PostgreSQL when the
/// tests have a server (`tests/pg/start.sh`; skipped and said so otherwise).
pub fn every(test: &str) -> Vec<Backend> {
    let fresh = |name, kind: &dyn Fn(&TempDir) -> Option<RemoteKind>| {
        let dir = tempfile::tempdir().expect("temp dir");
        Backend {
            name,
            keeps_names: true,
            kind: kind(&dir),
            key: SyncKey::generate().expect("key"),
            memory: MemoryRemote::new(),
            dir,
            _pg: None,
        }
    };
    let mut all = vec![
        fresh("memory", &|_| None),
        fresh("folder", &|dir| {
            Some(RemoteKind::Folder {
                dir: dir.path().join("remote"),
            })
        }),
        fresh("git", &|dir| {
            Some(RemoteKind::Git {
                url: bare_repo(dir.path()),
                branch: "rel-sync".into(),
            })
        }),
    ];
    if let Some(db) = pg::fresh(test) {
        TestEnv::new().ok(&["team", "setup", &db.url]);
        let url = db.url.clone();
        let mut postgres = fresh("postgres", &|_| {
            Some(RemoteKind::Postgres {
                url: url.clone(),
                workspace: "default".into(),
            })
        });
        postgres.keeps_names = false;
        postgres._pg = Some(db);
        all.push(postgres);
    }
    all
}
