//! `rel team setup` upgrades a database an earlier rel set up (its SQL kept as
//! tests/data/team2_schema1.sql): in one transaction, idempotently, keeping every member's
//! access and binding each replica to the author of its first operation. Before the upgrade,
//! rel's own check of each operation's author is the only defence, and it holds.

use crate::common;
use crate::team2_support;

use common::TestEnv;
use common::pg::{self, PgDb};
use team2_support::{Member, contact_op};

const SCHEMA1: &str = include_str!("data/team2_schema1.sql");

/// A database as an earlier rel left it, with members granted the way it granted them.
fn old_database(test: &str, members: &[&str]) -> Option<(PgDb, Vec<String>)> {
    let db = pg::fresh(test)?;
    db.client().batch_execute(SCHEMA1).expect("schema 1");
    let roles = members
        .iter()
        .map(|name| {
            let role = db.role(name);
            db.client()
                .batch_execute(&format!(
                    "GRANT USAGE ON SCHEMA rel TO \"{role}\";
                     GRANT SELECT, INSERT ON rel.operations TO \"{role}\";"
                ))
                .expect("old grant");
            role
        })
        .collect();
    Some((db, roles))
}

fn join(db: &PgDb, role: &str) -> Member {
    let env = TestEnv::new();
    let run = env.run(&[
        "sync",
        "init",
        "--postgres",
        &db.url_as(role),
        "--workspace",
        "sales",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    Member {
        role: role.to_string(),
        env,
    }
}

/// Every catalog row under schema rel with its row version: equal before and after a run
/// that must change nothing.
fn catalog(db: &PgDb) -> Vec<String> {
    db.client()
        .query(
            "SELECT 'class ' || relname || ' ' || c.xmin::text FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'rel'
             UNION ALL
             SELECT 'proc ' || proname || ' ' || p.xmin::text FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'rel'
             UNION ALL
             SELECT 'trigger ' || tgname || ' ' || t.xmin::text FROM pg_trigger t
               JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'rel' AND NOT tgisinternal
             UNION ALL
             SELECT 'policy ' || polname || ' ' || p.xmin::text FROM pg_policy p
             UNION ALL
             SELECT 'constraint ' || conname || ' ' || c.xmin::text FROM pg_constraint c
               JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'rel'
             ORDER BY 1",
            &[],
        )
        .expect("catalog")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn forge(
    db: &PgDb,
    as_role: &str,
    replica: &str,
    seq: i64,
    uid: &str,
) -> Result<u64, postgres::Error> {
    pg::connect(&db.url_as(as_role)).execute(
        "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
         VALUES ('sales', $1, $2, (SELECT max(hlc) + 65536 FROM rel.operations), $3::text::json)",
        &[&replica, &seq, &contact_op(uid, "org", "FORGED")],
    )
}

#[test]
fn setup_upgrades_an_old_database_and_the_victim_recovers() {
    let Some((db, roles)) = old_database("t2_upgrade", &["alice", "bob", "carol"]) else {
        return;
    };
    let bob = join(&db, &roles[1]);
    bob.env.ok(&["add", "Carla Diaz", "--org", "Acme"]);
    bob.sync();
    let carol = join(&db, &roles[2]);
    carol.sync();
    let victim = bob.replica();
    let uid = bob.uid("carla-diaz");
    let head: i64 = db
        .client()
        .query_one(
            "SELECT max(seq) FROM rel.operations WHERE replica = $1",
            &[&victim],
        )
        .expect("head")
        .get(0);

    // On the old server alice can write under bob's replica id; rel refuses it anyway.
    forge(&db, &roles[0], &victim, head + 1, &uid).expect("the old server lets it in");
    let (_, stderr) = carol.sync();
    assert!(
        // Named as a person knows the replica: its member (the role it belongs to).
        stderr.contains(&format!("1 change from {} (seq {})", roles[1], head + 1))
            && stderr.contains(&roles[0]),
        "{stderr}"
    );
    assert_eq!(
        carol
            .env
            .sql_i64("SELECT count(*) FROM contacts WHERE org = 'FORGED'"),
        0
    );
    // Bob's next change cannot take that seq on the old key: he is told what to ask for.
    bob.env.ok(&["log", "carla-diaz", "renewal call"]);
    let err = bob.env.fails(&["sync"], 1);
    assert!(err.contains("rel team setup"), "{err}");

    // A member cannot upgrade it: one transaction, nothing changed, told whom to ask.
    let before = catalog(&db);
    let err = TestEnv::new().fails(&["team", "setup", &db.url_as(&roles[2])], 1);
    assert!(
        err.contains("ask the database's owner to run 'rel team setup URL'"),
        "{err}"
    );
    assert_eq!(catalog(&db), before);

    // The owner upgrades it, once.
    let owner = TestEnv::new();
    let out = owner.ok(&["team", "setup", &db.url]);
    assert!(out.starts_with("upgraded database"), "{out}");
    let after = catalog(&db);
    let out = owner.ok(&["team", "setup", &db.url]);
    assert!(out.contains("already set up"), "{out}");
    assert_eq!(catalog(&db), after);

    // Members keep what the old grant gave them: every workspace.
    let list = owner.ok(&["team", "members", &db.url, "--format", "tsv"]);
    for role in &roles {
        assert!(list.contains(&format!("{role}\tevery workspace")), "{list}");
    }
    // Bob's replica is his (the author of its first row), so alice's next try is refused.
    let bound: String = db
        .client()
        .query_one(
            "SELECT role FROM rel.replicas WHERE replica = $1",
            &[&victim],
        )
        .expect("bound")
        .get(0);
    assert_eq!(bound, roles[1]);
    let err = forge(&db, &roles[0], &victim, head + 2, &uid).expect_err("refused now");
    assert_eq!(err.code().map(|c| c.code()), Some("RL403"), "{err:?}");

    // Bob's change now goes out, and everyone converges without the forgery.
    let (out, _) = bob.sync();
    assert!(out.contains("sent"), "{out}");
    carol.sync();
    assert_eq!(
        carol
            .env
            .sql_i64("SELECT count(*) FROM interactions WHERE note LIKE '%renewal%'"),
        1
    );
    assert_eq!(
        carol
            .env
            .sql_i64("SELECT count(*) FROM contacts WHERE org = 'FORGED'"),
        0
    );
    assert_eq!(bob.digest(), carol.digest());
    let alice = join(&db, &roles[0]);
    let (_, stderr) = alice.sync();
    assert!(stderr.contains("refused"), "{stderr}");
    assert_eq!(alice.digest(), carol.digest());
}
