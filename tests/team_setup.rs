//! `rel team setup` and `rel team grant` against a real PostgreSQL: the schema is created
//! once, members may only read and append, and the database itself refuses to rewrite history.

use crate::common;

use common::TestEnv;
use common::pg;

/// The catalog rows of everything setup creates, with their row versions (xmin): if a second
/// setup rewrote any of them (even identically), its xmin would change.
fn catalog_state(client: &mut postgres::Client) -> Vec<String> {
    let rows = client
        .query(
            "SELECT 'ns ' || nspname || ' ' || xmin::text FROM pg_namespace WHERE nspname = 'rel'
             UNION ALL
             SELECT 'class ' || relname || ' ' || c.xmin::text FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'rel'
             UNION ALL
             SELECT 'proc ' || proname || ' ' || p.xmin::text FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'rel'
             UNION ALL
             SELECT 'trigger ' || tgname || ' ' || t.xmin::text FROM pg_trigger t
               WHERE tgrelid = to_regclass('rel.operations') AND NOT tgisinternal
             ORDER BY 1",
            &[],
        )
        .expect("catalog");
    rows.iter().map(|r| r.get(0)).collect()
}

#[test]
fn setup_twice_changes_nothing() {
    let Some(db) = pg::fresh("setup_twice") else {
        return;
    };
    let env = TestEnv::new();
    let first = env.ok(&["team", "setup", &db.url]);
    assert!(first.starts_with("set up database"), "{first}");
    let mut client = db.client();
    let before = catalog_state(&mut client);
    // schema, 3 tables (+ their indexes), 3 functions, 4 triggers
    assert!(
        before.iter().any(|r| r.starts_with("class operations ")),
        "{before:?}"
    );
    assert_eq!(
        before.iter().filter(|r| r.starts_with("trigger ")).count(),
        4,
        "{before:?}"
    );
    assert_eq!(
        before.iter().filter(|r| r.starts_with("proc ")).count(),
        3,
        "{before:?}"
    );
    let second = env.ok(&["team", "setup", &db.url]);
    assert!(second.contains("already set up"), "{second}");
    assert_eq!(catalog_state(&mut client), before);
    // setup never touches the local journal
    assert!(!env.db.exists());
}

#[test]
fn a_member_may_read_and_append_but_never_rewrite() {
    let Some(db) = pg::fresh("member_rights") else {
        return;
    };
    let env = TestEnv::new();
    env.ok(&["team", "setup", &db.url]);
    let alice = db.role("alice");
    // Even a role that was given everything before ends with SELECT and INSERT only.
    db.client()
        .batch_execute(&format!(
            "GRANT USAGE ON SCHEMA rel TO \"{alice}\"; GRANT ALL ON rel.operations TO \"{alice}\""
        ))
        .expect("grant all");
    let out = env.ok(&["team", "grant", &db.url, &alice]);
    assert!(out.contains(&alice), "{out}");

    let mut member = pg::connect(&db.url_as(&alice));
    member
        .execute(
            "INSERT INTO rel.operations (workspace, replica, seq, hlc, author, op)
             VALUES ('default', 'r1', 1, 1, 'someone-else', '{\"v\":1}')",
            &[],
        )
        .expect("a member may append");
    let author: String = member
        .query_one("SELECT author FROM rel.operations", &[])
        .expect("a member may read")
        .get(0);
    assert_eq!(
        author, alice,
        "the database stamps the author, a member cannot forge it"
    );
    for sql in [
        "UPDATE rel.operations SET hlc = 2",
        "DELETE FROM rel.operations",
        "TRUNCATE rel.operations",
    ] {
        let err = member.batch_execute(sql).expect_err(sql);
        let code = err.code().map(|c| c.code().to_string());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
    }
    // The owner (a superuser here) holds every privilege, and the triggers still refuse.
    let mut owner = db.client();
    for sql in [
        "UPDATE rel.operations SET hlc = 2",
        "DELETE FROM rel.operations",
        "TRUNCATE rel.operations",
    ] {
        let err = owner.batch_execute(sql).expect_err(sql);
        assert!(
            err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"),
            "{sql}: {err:?}"
        );
    }
    let count: i64 = owner
        .query_one("SELECT count(*) FROM rel.operations", &[])
        .expect("count")
        .get(0);
    assert_eq!(count, 1);
}

#[test]
fn grant_needs_setup_and_an_existing_role() {
    let Some(db) = pg::fresh("grant_errors") else {
        return;
    };
    let env = TestEnv::new();
    let err = env.fails(&["team", "grant", &db.url, "nobody"], 1);
    assert!(err.contains("rel team setup"), "{err}");
    env.ok(&["team", "setup", &db.url]);
    let err = env.fails(&["team", "grant", &db.url, "no_such_role_here"], 1);
    assert!(err.contains("no role 'no_such_role_here'"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn connection_failures_are_one_line_exit_1_and_bad_strings_exit_2() {
    let env = TestEnv::new();
    let missing = env.dir.path().join("no-server-here");
    std::fs::create_dir(&missing).expect("dir");
    let err = env.fails(
        &[
            "team",
            "setup",
            &format!("host={} dbname=x user=x", missing.display()),
        ],
        1,
    );
    assert!(err.starts_with("rel: cannot reach PostgreSQL at "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let err = env.fails(&["team", "setup", "postgresql://x@127.0.0.1:1/x"], 1);
    assert!(
        err.contains("cannot reach PostgreSQL at 127.0.0.1:1"),
        "{err}"
    );
    for bad in [
        "host",
        "sslmode=sometimes host=h",
        "postgresql://h/db?colour=red",
    ] {
        let err = env.fails(&["team", "setup", bad], 2);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

/// The test server asks for a password (scram) only on the database `rel_password_test`.
#[test]
fn passwords_from_the_url_pgpassword_and_pgpass() {
    let Some(admin) = pg::server("passwords") else {
        return;
    };
    let mut client = pg::connect(&admin);
    let role = format!("pw_{}", std::process::id());
    // Several test processes may race to create the shared database; one wins.
    let _ = client.batch_execute("CREATE DATABASE rel_password_test TEMPLATE template0");
    client
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'right horse'; \
             GRANT CREATE ON DATABASE rel_password_test TO {role}"
        ))
        .expect("role");
    let base = format!("{admin} dbname=rel_password_test user={role}");
    let env = TestEnv::new();

    let err = env.fails(&["team", "setup", &base], 1);
    assert!(err.contains("asks for a password"), "{err}");
    let err = env.fails(&["team", "setup", &format!("{base} password=wrong")], 1);
    assert!(
        err.contains(&format!("refused the login of role '{role}'")),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");

    env.ok(&["team", "setup", &format!("{base} password='right horse'")]);
    let via_env = env.run_with(&["team", "setup", &base], |cmd| {
        cmd.env("PGPASSWORD", "right horse");
    });
    assert_eq!(via_env.code, 0, "{}", via_env.stderr);
    assert!(
        via_env.stdout.contains("already set up"),
        "{}",
        via_env.stdout
    );

    // ~/.pgpass (HOME is the test's folder): honoured at 0600, ignored with a warning at 0644.
    use std::os::unix::fs::PermissionsExt;
    let host = admin
        .split_whitespace()
        .find_map(|w| w.strip_prefix("host="))
        .expect("REL_TEST_PG names its host");
    let pgpass = env.dir.path().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# rel test\n{}:*:rel_password_test:{role}:right horse\n",
            host.replace(':', "\\:")
        ),
    )
    .expect("write .pgpass");
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let run = env.run(&["team", "setup", &base]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("group or world access"),
        "{}",
        run.stderr
    );
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = env.ok(&["team", "setup", &base]);
    assert!(out.contains("already set up"), "{out}");
}
