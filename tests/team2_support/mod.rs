//! A team on the real PostgreSQL `tests/pg/start.sh` starts: rel's tables set up by the
//! owner, members with roles and journals of their own, and a way to act as a member behind
//! rel's back (plain SQL with the member's own role, as `psql` would).

#![allow(dead_code)]

use crate::common::TestEnv;
use crate::common::pg::{self, PgDb};

pub struct Team {
    pub db: PgDb,
    /// Runs `rel team …` as the database's owner.
    pub owner: TestEnv,
}

/// A member: its role and its journal.
pub struct Member {
    pub role: String,
    pub env: TestEnv,
}

impl Team {
    /// A fresh database set up by the current rel; None (test skipped) without a server.
    pub fn new(test: &str) -> Option<Team> {
        let db = pg::fresh(test)?;
        let owner = TestEnv::new();
        owner.ok(&["team", "setup", &db.url]);
        Some(Team { db, owner })
    }

    /// A role granted `grants` (every workspace when empty), not yet syncing.
    pub fn role(&self, name: &str, grants: &[&str]) -> String {
        let role = self.db.role(name);
        let mut args = vec!["team", "grant", self.db.url.as_str(), role.as_str()];
        for ws in grants {
            args.extend(["--workspace", ws]);
        }
        self.owner.ok(&args);
        role
    }

    /// A member granted `grants` whose journal syncs with `workspace`.
    pub fn member(&self, name: &str, grants: &[&str], workspace: &str) -> Member {
        let role = self.role(name, grants);
        let env = TestEnv::new();
        let run = env.run(&[
            "sync",
            "init",
            "--postgres",
            &self.db.url_as(&role),
            "--workspace",
            workspace,
        ]);
        assert_eq!(run.code, 0, "{name}: sync init: {}", run.stderr);
        Member { role, env }
    }

    /// A connection as `role`, the way a member's `psql` connects.
    pub fn as_role(&self, role: &str) -> postgres::Client {
        pg::connect(&self.db.url_as(role))
    }

    /// The highest seq of `replica` in `workspace`, whoever wrote it.
    pub fn head(&self, workspace: &str, replica: &str) -> i64 {
        self.db
            .client()
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM rel.operations
                  WHERE workspace = $1 AND replica = $2",
                &[&workspace, &replica],
            )
            .expect("head")
            .get(0)
    }
}

impl Member {
    /// Runs `rel sync`, insists on exit 0, returns (stdout, stderr).
    #[track_caller]
    pub fn sync(&self) -> (String, String) {
        let run = self.env.run(&["sync"]);
        assert_eq!(run.code, 0, "{}: rel sync: {}", self.role, run.stderr);
        (run.stdout, run.stderr)
    }

    pub fn replica(&self) -> String {
        self.env.json(&["sync", "status"])["replica"]
            .as_str()
            .expect("replica")
            .to_string()
    }

    pub fn digest(&self) -> String {
        self.env.ok(&["sync", "verify"])
    }

    /// The uid of contact `who`.
    pub fn uid(&self, who: &str) -> String {
        self.env.json(&["show", who])["uid"]
            .as_str()
            .expect("uid")
            .to_string()
    }
}

/// A well-formed operation body setting `field` of contact `uid`.
pub fn contact_op(uid: &str, field: &str, value: &str) -> String {
    serde_json::json!({"v": 1, "k": "contact", "uid": uid, "set": {field: value}}).to_string()
}
