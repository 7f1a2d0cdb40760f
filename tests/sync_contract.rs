//! One contract, every remote: what the sync engine relies on of a remote, checked through the
//! `Remote` trait over the memory, folder, git and PostgreSQL remotes alike (PostgreSQL when
//! the tests have a server). What only one remote does (sealed bytes on disk, git's commits,
//! PostgreSQL's roles) is tested in that remote's own file.

use crate::common::remote::{self, Backend, ops};
use rel::sync::remote::{Remote, WireOp};

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
