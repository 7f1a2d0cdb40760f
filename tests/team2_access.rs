//! Workspaces are an access boundary PostgreSQL enforces (row-level security): a role reads
//! and appends only the workspaces it was granted. `rel team grant|revoke|members`, and a
//! grant or revoke PostgreSQL did not carry out is exit 1, never a success line.

use crate::common;
use crate::team2_support;

use common::TestEnv;
use team2_support::Team;

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).expect(sql).get(0)
}

#[test]
fn a_role_granted_sales_cannot_see_or_write_support() {
    let Some(team) = Team::new("t2_isolation") else {
        return;
    };
    let bob = team.member("bob", &["support"], "support");
    bob.env.ok(&["add", "Dana Fox"]);
    bob.sync();
    let alice = team.member("alice", &["sales"], "sales");
    alice.env.ok(&["add", "Eve Gray"]);
    alice.sync();

    let mut psql = team.as_role(&alice.role);
    assert_eq!(
        count(
            &mut psql,
            "SELECT count(*) FROM rel.operations WHERE workspace = 'support'"
        ),
        0
    );
    assert!(count(&mut psql, "SELECT count(*) FROM rel.operations") > 0);
    assert_eq!(
        count(
            &mut psql,
            "SELECT count(*) FROM rel.replicas WHERE workspace = 'support'"
        ),
        0
    );
    // She sees her own grant only, not bob's.
    assert_eq!(count(&mut psql, "SELECT count(*) FROM rel.members"), 1);
    let err = psql
        .execute(
            "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
             VALUES ('support', 'alice-x', 1, 1, '{\"v\":1}')",
            &[],
        )
        .expect_err("outside her grant");
    assert_eq!(err.code().map(|c| c.code()), Some("42501"), "{err:?}");
    // Bob's workspace is whole, and holds nothing of alice's.
    let mut owner = team.db.client();
    assert_eq!(
        count(
            &mut owner,
            "SELECT count(*) FROM rel.operations WHERE workspace = 'support' AND replica = 'alice-x'"
        ),
        0
    );

    // rel says so before joining, and a mistyped name is told apart from the real one.
    let other = TestEnv::new();
    let url = team.db.url_as(&alice.role);
    let err = other.fails(
        &["sync", "init", "--postgres", &url, "--workspace", "support"],
        1,
    );
    assert!(err.contains("may not use workspace 'support'"), "{err}");
    let err = other.fails(
        &["sync", "init", "--postgres", &url, "--workspace", "Sales"],
        1,
    );
    assert!(err.contains("it may use: sales"), "{err}");
    let status = other.run(&["sync", "status"]);
    assert_eq!(status.code, 2, "nothing was set up: {}", status.stderr);
}

#[test]
fn joining_an_empty_workspace_says_so() {
    let Some(team) = Team::new("t2_empty_ws") else {
        return;
    };
    let role = team.role("alice", &[]);
    let url = team.db.url_as(&role);
    let first = TestEnv::new();
    let run = first.run(&["sync", "init", "--postgres", &url, "--workspace", "sales"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("new, empty workspace sales"),
        "off a terminal it joins and says so: {}",
        run.stderr
    );
    first.ok(&["add", "Ann Lee"]);
    first.ok(&["sync"]);
    // A workspace that holds operations is joined without a word.
    let second = TestEnv::new();
    let run = second.run(&["sync", "init", "--postgres", &url, "--workspace", "sales"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[test]
fn members_grant_and_revoke() {
    let Some(team) = Team::new("t2_revoke") else {
        return;
    };
    let url = team.db.url.clone();
    let alice = team.member("alice", &[], "sales");
    alice.env.ok(&["add", "Ann Lee"]);
    alice.sync();
    let bob = team.member("bob", &["sales", "support"], "sales");
    bob.sync();
    assert_eq!(bob.env.sql_i64("SELECT count(*) FROM contacts"), 1);

    let list = team.owner.ok(&["team", "members", &url, "--format", "tsv"]);
    assert_eq!(
        list,
        format!(
            "role\tworkspaces\n{}\tevery workspace\n{}\tsales, support\n",
            alice.role, bob.role
        )
    );
    let json = team.owner.json(&["team", "members", &url]);
    assert_eq!(
        json[1]["workspaces"],
        serde_json::json!(["sales", "support"])
    );
    assert_eq!(json[0]["workspaces"], serde_json::Value::Null);

    // The tables' owner is no member: granting or revoking it is exit 1, nothing changed.
    let owner_role: String = team
        .db
        .client()
        .query_one("SELECT current_user::text", &[])
        .expect("owner")
        .get(0);
    for verb in ["grant", "revoke"] {
        let err = team.owner.fails(&["team", verb, &url, &owner_role], 1);
        assert!(err.contains("owns rel's tables"), "{err}");
    }

    // A second grant changes nothing and says so; it is not an error.
    let again = team
        .owner
        .ok(&["team", "grant", &url, &bob.role, "--workspace", "sales"]);
    assert!(again.contains("could already"), "{again}");

    // One workspace of two.
    let out = team
        .owner
        .ok(&["team", "revoke", &url, &bob.role, "--workspace", "support"]);
    assert!(out.contains("workspace support"), "{out}");
    let err = team.owner.fails(
        &["team", "revoke", &url, &bob.role, "--workspace", "support"],
        1,
    );
    assert!(err.contains("no grant for workspace 'support'"), "{err}");
    // Part of an every-workspace grant cannot be taken: exit 1, nothing changed.
    let err = team.owner.fails(
        &["team", "revoke", &url, &alice.role, "--workspace", "sales"],
        1,
    );
    assert!(err.contains("every workspace"), "{err}");

    // Alice leaves: she reads and writes nothing any more; what she wrote stays.
    let out = team.owner.ok(&["team", "revoke", &url, &alice.role]);
    assert!(out.contains("stays"), "{out}");
    let err = alice.env.fails(&["sync"], 1);
    assert!(err.contains("may not"), "{err}");
    let mut psql = team.as_role(&alice.role);
    let err = psql
        .query("SELECT * FROM rel.operations", &[])
        .expect_err("revoked");
    assert_eq!(err.code().map(|c| c.code()), Some("42501"), "{err:?}");
    let newcomer = team.member("carol", &["sales"], "sales");
    newcomer.sync();
    assert_eq!(newcomer.env.sql_i64("SELECT count(*) FROM contacts"), 1);
    let err = team.owner.fails(&["team", "revoke", &url, &alice.role], 1);
    assert!(err.contains("no access"), "{err}");
    let list = team.owner.ok(&["team", "members", &url, "--format", "tsv"]);
    assert!(!list.contains(&alice.role), "{list}");
}

#[test]
fn a_grant_by_a_role_that_does_not_own_rels_tables_exits_1() {
    let Some(team) = Team::new("t2_nonowner") else {
        return;
    };
    let eve = team.role("eve", &[]);
    let mallory = team.db.role("mallory");
    let env = TestEnv::new();
    let eve_url = team.db.url_as(&eve);
    for args in [
        vec!["team", "grant", eve_url.as_str(), mallory.as_str()],
        vec![
            "team",
            "grant",
            eve_url.as_str(),
            eve.as_str(),
            "--workspace",
            "x",
        ],
        vec!["team", "revoke", eve_url.as_str(), eve.as_str()],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 1, "{args:?}: {} {}", run.stdout, run.stderr);
        assert_eq!(run.stdout, "", "{args:?}: never a success line");
        assert!(
            run.stderr.contains("does not own rel's tables"),
            "{}",
            run.stderr
        );
    }
    let mut owner = team.db.client();
    let granted: bool = owner
        .query_one(
            "SELECT has_table_privilege($1::text::name, 'rel.operations', 'SELECT')",
            &[&mallory],
        )
        .expect("privilege")
        .get(0);
    assert!(!granted);
    let list = team
        .owner
        .ok(&["team", "members", &team.db.url, "--format", "tsv"]);
    assert_eq!(list, format!("role\tworkspaces\n{eve}\tevery workspace\n"));
    // A member sees only itself.
    let own = env.ok(&["team", "members", &eve_url, "--format", "tsv"]);
    assert_eq!(own, list);
}

#[test]
fn on_a_terminal_joining_an_empty_workspace_asks_first() {
    let Some(team) = Team::new("t2_empty_tty") else {
        return;
    };
    let role = team.role("alice", &[]);
    let url = team.db.url_as(&role);
    let env = TestEnv::new();
    let on_terminal = |typed: &str| {
        let output = common::pty::command(&env, 100, typed)
            .args(["sync", "init", "--postgres", &url, "--workspace", "slaes"])
            .output()
            .expect("python3 runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, shown) = on_terminal("n\n");
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("new, empty workspace slaes: join it? [y/N]"),
        "{shown}"
    );
    assert_eq!(env.run(&["sync", "status"]).code, 2, "nothing was set up");
    let (code, shown) = on_terminal("y\n");
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("sync set up with"), "{shown}");
}

#[test]
fn a_grant_without_workspace_covers_later_workspaces() {
    let Some(team) = Team::new("t2_later_ws") else {
        return;
    };
    let alice = team.role("alice", &[]);
    // A workspace born after alice's grant.
    let carol = team.member("carol", &["support"], "support");
    carol.env.ok(&["add", "Dana Fox"]);
    carol.sync();
    let mut psql = team.as_role(&alice);
    assert!(
        count(
            &mut psql,
            "SELECT count(*) FROM rel.operations WHERE workspace = 'support'"
        ) > 0
    );
}

/// Businesses rarely hand rel a superuser: an ordinary role that owns the database sets up,
/// grants and syncs, and the rules hold the same.
#[test]
fn an_ordinary_role_owning_the_database_runs_the_team() {
    let Some(db) = common::pg::fresh("t2_plain_owner") else {
        return;
    };
    let boss = db.role("boss");
    db.client()
        .batch_execute(&format!(
            "GRANT CREATE ON DATABASE \"{}\" TO \"{boss}\"",
            db.name
        ))
        .expect("grant create");
    let boss_url = db.url_as(&boss);
    let owner = TestEnv::new();
    let out = owner.ok(&["team", "setup", &boss_url]);
    assert!(out.starts_with("set up database"), "{out}");
    let alice = db.role("alice");
    owner.ok(&["team", "grant", &boss_url, &alice, "--workspace", "sales"]);

    let member = TestEnv::new();
    let run = member.run(&[
        "sync",
        "init",
        "--postgres",
        &db.url_as(&alice),
        "--workspace",
        "sales",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    member.ok(&["add", "Ann Lee"]);
    member.ok(&["sync"]);
    // The owner's own journal reads every workspace (row-level security does not bind it).
    let own = TestEnv::new();
    let run = own.run(&[
        "sync",
        "init",
        "--postgres",
        &boss_url,
        "--workspace",
        "sales",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    own.ok(&["add", "Bo Ek"]);
    own.ok(&["sync"]);
    assert_eq!(own.sql_i64("SELECT count(*) FROM contacts"), 2);
    // Bindings were written by the trigger with the owner's rights.
    let bound: i64 = db
        .client()
        .query_one("SELECT count(DISTINCT role) FROM rel.replicas", &[])
        .expect("bindings")
        .get(0);
    assert_eq!(bound, 2);
    let list = owner.ok(&["team", "members", &boss_url, "--format", "tsv"]);
    assert_eq!(list, format!("role\tworkspaces\n{alice}\tsales\n"));
}
