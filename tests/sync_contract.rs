//! One contract, every remote: what the sync engine relies on of a remote, checked through the
//! `Remote` trait over the memory, folder, git and PostgreSQL remotes alike (PostgreSQL when
//! the tests have a server). What only one remote does (sealed bytes on disk, git's commits,
//! PostgreSQL's roles) is tested in that remote's own file.

use crate::common::remote::{self, Backend, ops};
use crate::common::{NOW, TestEnv};
use chrono::{DateTime, Utc};
use rel::db::Db;
use rel::sync::capture::recorder::OPERATION_LOG;
use rel::sync::digest;
use rel::sync::engine;
use rel::sync::remote::RemoteKind;
use rel::sync::remote::memory::MemoryRemote;
use rel::sync::remote::{Opening, Remote, WireOp};

/// Two replicas of one journal set up as `rel sync init` sets them up.
fn two_replicas(backend: &Backend) -> (Box<dyn Remote>, Box<dyn Remote>) {
    let set_up = |replica: &str| {
        let mut opened = backend.open(replica);
        let name = backend.name;
        opened
            .create()
            .unwrap_or_else(|e| panic!("{name}: create: {}", e.render()));
        opened
            .prepare()
            .unwrap_or_else(|e| panic!("{name}: prepare: {}", e.render()));
        opened
    };
    (set_up("aaaa"), set_up("bbbb"))
}

/// What the engine compares of an operation that came back.
fn sent(ops: &[WireOp]) -> Vec<(String, i64, i64, String)> {
    ops.iter()
        .map(|op| (op.replica.clone(), op.seq, op.hlc, op.body.clone()))
        .collect()
}

#[test]
fn a_new_remote_holds_nothing_and_takes_a_journal_in() {
    for backend in remote::every("contract_new") {
        let name = backend.name;
        let mut first = backend.open("aaaa");
        first.create().expect(name);
        assert!(!first.holds_other_journal().expect(name), "{name}");
        first.prepare().expect(name);
        first.check().expect(name);
        let heads = first.heads().expect(name);
        assert!(heads.values().all(|&seq| seq == 0), "{name}: {heads:?}");
        assert!(first.fetch("aaaa", 0).expect(name).is_empty(), "{name}");
        // What `rel sync` asks first: is this still the journal's remote?
        let holds = first.holds_this_journal().expect(name);
        assert!(holds.is_none_or(|holds| holds), "{name}: {holds:?}");
        first.tidy().expect(name);
        assert!(first.warnings().is_empty(), "{name}");
        assert!(first.forked().is_empty(), "{name}");
        assert!(first.take_refused().is_empty(), "{name}");
    }
}

#[test]
fn what_one_replica_pushes_another_fetches_whole_and_in_order() {
    for backend in remote::every("contract_exchange") {
        let name = backend.name;
        let (mut a, _) = two_replicas(&backend);
        a.push(&ops("aaaa", 1..=3)).expect(name);
        // A run cut short after its push and repeated sends an overlapping piece: harmless.
        a.push(&ops("aaaa", 2..=5)).expect(name);
        a.push(&ops("aaaa", 2..=5)).expect(name);
        // Seen by the next sync of another replica (a remote may look once per sync: git
        // fetches once, at the first call).
        let mut b = backend.open("bbbb");
        b.check().expect(name);
        assert_eq!(b.heads().expect(name).get("aaaa"), Some(&5), "{name}");
        let fetched = b.fetch("aaaa", 0).expect(name);
        assert_eq!(sent(&fetched), sent(&ops("aaaa", 1..=5)), "{name}");
        // The author is the member who wrote it, where the remote knows members.
        let member = a.member().expect(name);
        assert!(fetched.iter().all(|op| op.author == member), "{name}");
        assert_eq!(
            sent(&b.fetch("aaaa", 4).expect(name)),
            sent(&ops("aaaa", 5..=5)),
            "{name}"
        );
        assert!(b.fetch("aaaa", 5).expect(name).is_empty(), "{name}");
        // And the other way.
        b.push(&ops("bbbb", 1..=2)).expect(name);
        let mut a = backend.open("aaaa");
        let heads = a.heads().expect(name);
        assert_eq!(
            (heads.get("aaaa"), heads.get("bbbb")),
            (Some(&5), Some(&2)),
            "{name}"
        );
        assert_eq!(
            sent(&a.fetch("bbbb", 1).expect(name)),
            sent(&ops("bbbb", 2..=2)),
            "{name}"
        );
        assert!(a.warnings().is_empty() && b.warnings().is_empty(), "{name}");
        assert!(a.take_refused().is_empty(), "{name}");
    }
}

#[test]
fn a_second_history_of_one_replica_is_refused_and_changes_nothing() {
    for backend in remote::every("contract_second_history") {
        let name = backend.name;
        let (mut a, _) = two_replicas(&backend);
        a.push(&ops("aaaa", 1..=3)).expect(name);
        // The same sequence numbers with another body: a journal restored from an old backup.
        let mut changed = ops("aaaa", 3..=4);
        changed[0].body = "{\"op\":\"other\"}".to_string();
        let err = a.push(&changed).expect_err(name);
        assert!(
            err.message
                .contains("another database wrote as this replica"),
            "{name}: {}",
            err.message
        );
        assert_eq!(a.heads().expect(name).get("aaaa"), Some(&3), "{name}");
        assert_eq!(
            sent(&a.fetch("aaaa", 0).expect(name)),
            sent(&ops("aaaa", 1..=3)),
            "{name}"
        );
    }
}

#[test]
fn a_published_name_reaches_the_other_replicas() {
    for backend in remote::every("contract_names") {
        let name = backend.name;
        let (mut a, _) = two_replicas(&backend);
        a.push(&ops("aaaa", 1..=1)).expect(name);
        a.announce("laptop").expect(name);
        a.announce("laptop")
            .expect("announcing again changes nothing");
        let names = backend.open("bbbb").names().expect(name);
        if backend.keeps_names {
            assert_eq!(
                names.get("aaaa").map(String::as_str),
                Some("laptop"),
                "{name}"
            );
            // Never one's own name as another's.
            assert!(!a.names().expect(name).contains_key("aaaa"), "{name}");
        } else {
            // A remote that keeps no names names each replica by its member.
            assert_eq!(
                names.get("aaaa").cloned(),
                a.member().expect(name),
                "{name}"
            );
        }
    }
}

/// The engine runs against the remote it is given: two journals set up and synced through a
/// remote in memory (no folder, no repository, no server) end equal.
#[test]
fn the_engine_syncs_two_journals_through_the_remote_it_is_given() {
    const NAME: &str =
        "sync_contract::the_engine_syncs_two_journals_through_the_remote_it_is_given";
    // The engine keeps its lock under the data folder: the body runs in a child process of
    // this test binary with a HOME of its own, so no one's real data folder is touched.
    if std::env::var_os("REL_TEST_IN_CHILD").is_none() {
        let home = tempfile::tempdir().expect("home");
        let exe = std::env::current_exe().expect("the test binary");
        let run = std::process::Command::new(exe)
            .args(["--exact", NAME, "--test-threads=1", "--nocapture"])
            .env("REL_TEST_IN_CHILD", "1")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("xdg"))
            .output()
            .expect("run the test in a child");
        let said = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(said.contains("1 passed"), "the child ran no test: {said}");
        return;
    }
    let (laptop, desktop) = (TestEnv::new(), TestEnv::new());
    laptop.ok(&["add", "Ann Lee"]);
    laptop.ok(&["log", "ann-lee", "coffee"]);
    desktop.ok(&["add", "Bob Stone"]);
    let now = DateTime::parse_from_rfc3339(NOW)
        .expect("now")
        .with_timezone(&Utc);
    let shared = MemoryRemote::new();
    let mut open = |at: &Opening| Ok(Box::new(shared.as_replica(at.replica)) as Box<dyn Remote>);
    let journal = |env: &TestEnv| {
        let mut db = Db::open(&env.db).expect("open");
        db.set_recorder(&OPERATION_LOG);
        db
    };
    let (mut a, mut b) = (journal(&laptop), journal(&desktop));
    // What the settings name is not what the engine syncs through: it takes the opener's.
    let unused = RemoteKind::Folder {
        dir: laptop.dir.path().join("never-made"),
    };
    engine::init_with(&mut a, unused.clone(), None, false, &mut open).expect("init a");
    engine::init_with(&mut b, unused, None, false, &mut open).expect("init b");
    let sent = engine::sync_with(&mut a, now, &mut open).expect("sync a");
    assert!(sent.sent > 0, "{sent:?}");
    let both = engine::sync_with(&mut b, now, &mut open).expect("sync b");
    assert!(both.received > 0 && both.sent > 0, "{both:?}");
    let back = engine::sync_with(&mut a, now, &mut open).expect("sync a again");
    assert_eq!((back.received, back.replicas), (both.sent, 1), "{back:?}");
    assert_eq!(
        digest(a.conn()).expect("digest a"),
        digest(b.conn()).expect("digest b")
    );
    assert!(!laptop.dir.path().join("never-made").exists());
    let names = desktop.ok(&["list", "--format", "tsv"]);
    assert!(
        names.contains("Ann Lee") && names.contains("Bob Stone"),
        "{names}"
    );
}
