//! What a team member reads: an OWNER column in `rel list` and `rel due --all` tables, and
//! hints that mention PostgreSQL.

use crate::common;
use crate::team2_support;

use common::TestEnv;
use team2_support::Team;

#[test]
fn team_tables_have_an_owner_column() {
    let Some(team) = Team::new("t2_owner_col") else {
        return;
    };
    let alice = team.member("alice", &[], "sales");
    let bob = team.member("bob", &[], "sales");
    alice.env.ok(&["add", "Ann Lee", "--every", "1w"]);
    bob.env.ok(&["add", "Ben Moss", "--every", "1w"]);
    alice.sync();
    bob.sync();
    alice.sync();

    let list = alice.env.ok(&["list", "--format", "table"]);
    let header = list.lines().find(|l| l.contains("HANDLE")).expect("header");
    assert!(header.contains("OWNER"), "{list}");
    let ben = list.lines().find(|l| l.contains("ben-moss")).expect("ben");
    assert!(ben.contains(&bob.role), "{list}");
    let ann = list.lines().find(|l| l.contains("ann-lee")).expect("ann");
    assert!(ann.contains(&alice.role), "{list}");

    let due = alice
        .env
        .ok(&["due", "--all", "--within", "2w", "--format", "table"]);
    let header = due.lines().find(|l| l.contains("HANDLE")).expect("header");
    assert!(header.contains("OWNER"), "{due}");
    let ben = due
        .lines()
        .find(|l| l.contains("ben-moss"))
        .expect("ben is due");
    assert!(ben.contains(&bob.role), "{due}");
    // csv keeps its columns: the owner is in json already.
    let tsv = alice.env.ok(&["list", "--format", "tsv"]);
    assert!(
        !tsv.lines().next().unwrap_or_default().contains("owner"),
        "{tsv}"
    );

    // Outside a team there is no such column.
    let solo = TestEnv::new();
    solo.ok(&["add", "Cleo North", "--every", "1w"]);
    let list = solo.ok(&["list", "--format", "table"]);
    assert!(!list.contains("OWNER"), "{list}");
    let due = solo.ok(&["due", "--all", "--within", "2w", "--format", "table"]);
    assert!(
        due.contains("cleo-north") && !due.contains("OWNER"),
        "{due}"
    );
}

#[test]
fn the_not_set_up_hint_mentions_postgres() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    for args in [&["sync"][..], &["sync", "status"]] {
        let err = env.fails(args, 2);
        assert!(err.contains("--postgres URL"), "{err}");
    }
}
