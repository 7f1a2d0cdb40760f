//! A database of its own on the real PostgreSQL that `tests/pg/start.sh` starts (its
//! connection string in `REL_TEST_PG`). Without that variable the tests that need it skip and
//! say so; under CI (`CI=true`) a missing server fails them instead, so CI never passes
//! without having run them.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh database for one test, dropped (with its connections) at the end.
pub struct PgDb {
    /// Connection string of the database as its owner (the cluster's superuser).
    pub url: String,
    pub name: String,
    admin: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The server's connection string, or None after printing why the caller skips.
pub fn server(test: &str) -> Option<String> {
    match std::env::var("REL_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: REL_TEST_PG is unset under CI: .ci/run must start PostgreSQL"
            );
            // Written past the test harness's capture on purpose, so a developer sees it.
            let _ = writeln!(
                std::io::stderr(),
                "skipping {test}: REL_TEST_PG is unset (run: tests/pg/start.sh cargo test)"
            );
            None
        }
    }
}

/// Creates a database named after the test; None (test skipped) without a server.
pub fn fresh(test: &str) -> Option<PgDb> {
    let admin = server(test)?;
    let name = format!(
        "t_{}_{}_{}",
        test.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut client = connect(&admin);
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
        .expect("create database");
    Some(PgDb {
        url: format!("{admin} dbname={name}"),
        name,
        admin,
    })
}

/// A blocking client for checks the tests make behind rel's back.
pub fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

impl PgDb {
    /// The same database as another role.
    pub fn url_as(&self, role: &str) -> String {
        format!("{} user={role}", self.url)
    }

    /// Creates a login role unique to this test (roles are shared by the whole server) and
    /// returns its name.
    pub fn role(&self, member: &str) -> String {
        let role = format!("{}_{member}", self.name);
        connect(&self.admin)
            .batch_execute(&format!("CREATE ROLE \"{role}\" LOGIN"))
            .expect("create role");
        role
    }

    pub fn client(&self) -> postgres::Client {
        connect(&self.url)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
