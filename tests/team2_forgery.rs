//! A hostile member with plain SQL and their own role cannot write in another member's name:
//! PostgreSQL refuses a row for a replica another role pushed first; a row the owner slips in
//! with the triggers disabled is refused by every member's rel, named, and never applied; and
//! the victim's later changes still reach everyone. Bodies over 8 MiB are refused.

use crate::team2_support;

use team2_support::{Team, contact_op};

/// The SQLSTATE rel's binding trigger raises.
const NOT_YOUR_REPLICA: &str = "RL403";

fn newest_hlc(team: &Team) -> i64 {
    team.db
        .client()
        .query_one("SELECT max(hlc) FROM rel.operations", &[])
        .expect("hlc")
        .get(0)
}

fn orgs(member: &team2_support::Member) -> i64 {
    member
        .env
        .sql_i64("SELECT count(*) FROM contacts WHERE org = 'FORGED'")
}

#[test]
fn the_database_refuses_a_row_for_another_members_replica() {
    let Some(team) = Team::new("t2_forge_db") else {
        return;
    };
    let bob = team.member("bob", &[], "sales");
    bob.env.ok(&["add", "Carla Diaz", "--org", "Acme"]);
    bob.sync();
    let alice = team.member("alice", &[], "sales");
    alice.sync();
    let victim = bob.replica();
    let uid = bob.uid("carla-diaz");
    let head = team.head("sales", &victim);
    let before: i64 = team
        .db
        .client()
        .query_one("SELECT count(*) FROM rel.operations", &[])
        .expect("count")
        .get(0);

    let mut psql = team.as_role(&alice.role);
    // With and without claiming bob's name in the author column: the database stamps the
    // author before it checks the binding, so neither passes.
    for (seq, author) in [
        (head + 1, None),
        (head + 1, Some(bob.role.as_str())),
        (1, None),
    ] {
        let err = psql
            .execute(
                "INSERT INTO rel.operations (workspace, replica, seq, hlc, author, op)
                 VALUES ('sales', $1, $2, $3, coalesce($4, current_user::text), $5::text::json)",
                &[
                    &victim,
                    &seq,
                    &(newest_hlc(&team) + 65_536),
                    &author,
                    &contact_op(&uid, "org", "FORGED"),
                ],
            )
            .expect_err("a forged row must be refused");
        let code = err.code().map(|c| c.code().to_string());
        assert_eq!(code.as_deref(), Some(NOT_YOUR_REPLICA), "{err:?}");
        assert!(format!("{err:?}").contains(&bob.role), "{err:?}");
    }
    // Nor can alice write the bindings herself.
    let err = psql
        .execute(
            "INSERT INTO rel.replicas (workspace, replica, role) VALUES ('sales', 'x', $1)",
            &[&alice.role],
        )
        .expect_err("members may only read the bindings");
    assert_eq!(err.code().map(|c| c.code()), Some("42501"), "{err:?}");
    let after: i64 = team
        .db
        .client()
        .query_one("SELECT count(*) FROM rel.operations", &[])
        .expect("count")
        .get(0);
    assert_eq!(after, before);

    // Alice's own replica ids are hers: a fresh id she pushes first is bound to her.
    psql.execute(
        "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
         VALUES ('sales', 'alice-own', 1, 1, '{\"v\":1}')",
        &[],
    )
    .expect("a new replica id");
    let bound: String = team
        .db
        .client()
        .query_one(
            "SELECT role FROM rel.replicas WHERE replica = 'alice-own'",
            &[],
        )
        .expect("bound")
        .get(0);
    assert_eq!(bound, alice.role);
}

#[test]
fn a_row_the_owner_slipped_in_is_refused_named_and_the_victim_still_syncs() {
    let Some(team) = Team::new("t2_forge_owner") else {
        return;
    };
    let bob = team.member("bob", &[], "sales");
    bob.env.ok(&["add", "Carla Diaz", "--org", "Acme"]);
    bob.sync();
    let carol = team.member("carol", &[], "sales");
    carol.sync();
    let alice = team.role("alice", &[]);
    let victim = bob.replica();
    let uid = bob.uid("carla-diaz");
    let head = team.head("sales", &victim);

    // The owner (a superuser here) switches every trigger off for its session and writes a
    // row under bob's replica id, authored by alice: bob's next seq, stamped later than
    // anything, so it would win if anyone applied it.
    let mut owner = team.db.client();
    owner
        .batch_execute("SET session_replication_role = replica")
        .expect("triggers off");
    owner
        .execute(
            "INSERT INTO rel.operations (workspace, replica, seq, hlc, author, op)
             VALUES ('sales', $1, $2, $3, $4, $5::text::json)",
            &[
                &victim,
                &(head + 1),
                &(newest_hlc(&team) + 65_536),
                &alice,
                &contact_op(&uid, "org", "FORGED"),
            ],
        )
        .expect("the owner can bypass the triggers");

    // Every member's rel refuses it, names it, and completes.
    for member in [&carol, &bob] {
        let (_, stderr) = member.sync();
        assert!(
            // Named as a person knows the replica: its member (the role it belongs to).
            stderr.contains(&format!("1 change from {} (seq {})", bob.role, head + 1))
                && stderr.contains("refused")
                && stderr.contains(&alice),
            "{}: {stderr}",
            member.role
        );
        assert_eq!(orgs(member), 0, "{} applied the forged row", member.role);
    }
    let run = carol.env.run(&["sync", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["refused"], 1, "{json}");
    assert!(run.stderr.contains("refused"), "{}", run.stderr);

    // Bob's next change takes seq head + 1 for real: it is sent and reaches everyone.
    bob.env
        .ok(&["log", "carla-diaz", "called about the renewal"]);
    let (out, _) = bob.sync();
    assert!(out.contains("sent"), "bob's change was not sent: {out}");
    let status = bob.env.json(&["sync", "status"]);
    assert_eq!(status["unsent"], 0, "{status}");
    let (out, _) = carol.sync();
    assert!(out.contains("received"), "{out}");
    assert_eq!(
        carol
            .env
            .sql_i64("SELECT count(*) FROM interactions WHERE note LIKE '%renewal%'"),
        1
    );
    assert_eq!(orgs(&carol), 0);
    assert_eq!(bob.digest(), carol.digest());
    // Once bob's own row stands past it, the forged row is no longer named.
    let (_, stderr) = carol.sync();
    assert!(!stderr.contains("refused"), "{stderr}");
}

#[test]
fn the_database_refuses_bodies_over_8_mib() {
    let Some(team) = Team::new("t2_forge_size") else {
        return;
    };
    let alice = team.role("alice", &[]);
    let mut psql = team.as_role(&alice);
    let insert = |psql: &mut postgres::Client, seq: i64, note_len: usize| {
        let body = serde_json::json!({"v": 1, "k": "note", "uid": "u", "set": {"note": "x".repeat(note_len)}})
            .to_string();
        psql.execute(
            "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
             VALUES ('sales', 'alice-r', $1, 1, $2::text::json)",
            &[&seq, &body],
        )
    };
    insert(&mut psql, 1, 7 * 1024 * 1024).expect("7 MiB is within the limit");
    let err = insert(&mut psql, 2, 8 * 1024 * 1024).expect_err("over 8 MiB");
    assert_eq!(err.code().map(|c| c.code()), Some("23514"), "{err:?}");
}
