//! What a person meets at the door: bare `rel`, short and long help, the man page, errors that
//! name the missing argument or hint at quoting, `rel backup` into a missing folder, and
//! `rel search` with punctuation in a word.

use crate::common;
use common::TestEnv;

#[test]
fn bare_rel_prints_a_short_usage_on_stderr_and_exits_2() {
    let env = TestEnv::new();
    let run = env.run(&[]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(lines.len() <= 25, "{} lines:\n{}", lines.len(), run.stderr);
    for everyday in ["rel due", "rel log", "rel add", "rel show", "rel --help"] {
        assert!(run.stderr.contains(everyday), "{everyday}:\n{}", run.stderr);
    }
    assert_eq!(
        lines.last().copied(),
        Some("rel: a command is required; see 'rel --help'")
    );
    assert!(!env.db.exists(), "usage creates no database");
}

#[test]
fn a_missing_argument_is_named_with_the_commands_help() {
    let env = TestEnv::new();
    assert_eq!(
        env.fails(&["add"], 2),
        "rel: rel add needs NAME; see 'rel add --help'\n"
    );
    assert_eq!(
        env.fails(&["remind", "maria"], 2),
        "rel: rel remind needs WHEN and TEXT…; see 'rel remind --help'\n"
    );
    assert_eq!(
        env.fails(&["done"], 2),
        "rel: rel done needs ID…; see 'rel done --help'\n"
    );
    assert_eq!(
        env.fails(&["-q", "log"], 2),
        "rel: rel log needs WHO; see 'rel log --help'\n"
    );
}

#[test]
fn a_stray_word_hints_at_quoting_and_the_hint_works() {
    let env = TestEnv::new();
    assert_eq!(
        env.fails(&["add", "Peter", "Parker", "--org", "Daily", "Bugle"], 2),
        "rel: unexpected argument 'Parker'; quote a name with spaces: \
         rel add \"Peter Parker\" --org \"Daily Bugle\"\n"
    );
    assert_eq!(
        env.fails(&["add", "Peter Parker", "--org", "Daily", "Bugle"], 2),
        "rel: unexpected argument 'Bugle'; quote a value with spaces: \
         rel add \"Peter Parker\" --org \"Daily Bugle\"\n"
    );
    assert!(!env.db.exists(), "nothing was written");
    assert_eq!(
        env.ok(&["add", "Peter Parker", "--org", "Daily Bugle"]),
        "peter-parker\n"
    );
    env.ok(&["add", "Priya Patel", "--every", "1w"]);
    assert_eq!(
        env.fails(&["snooze", "priya", "2", "weeks"], 2),
        "rel: unexpected argument 'weeks'; quote words that belong together: \
         rel snooze priya \"2 weeks\"\n"
    );
    let run = env.run(&["snooze", "priya", "2 weeks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn other_usage_errors_point_at_the_commands_own_help() {
    let env = TestEnv::new();
    let stderr = env.fails(&["due", "--bogus"], 2);
    assert!(
        stderr.starts_with("rel: unexpected argument '--bogus'"),
        "{stderr}"
    );
    assert!(stderr.ends_with("see 'rel due --help'\n"), "{stderr}");
    let stderr = env.fails(&["list", "--limit", "x"], 2);
    assert!(stderr.ends_with("see 'rel list --help'\n"), "{stderr}");
    let stderr = env.fails(&["--db", "x.db", "due", "now"], 2);
    assert!(stderr.ends_with("see 'rel due --help'\n"), "{stderr}");
}

#[test]
fn short_and_long_help_differ_and_global_options_stand_apart() {
    let env = TestEnv::new();
    let short = env.ok(&["add", "-h"]);
    let long = env.ok(&["add", "--help"]);
    assert_ne!(short, long);
    assert!(!short.contains("Examples:"), "{short}");
    assert!(
        long.contains("Examples:\n  rel add \"María López\""),
        "{long}"
    );
    // The command's own options first, then the global ones under their own heading.
    let own = short.find("Options:").expect("options");
    let global = short.find("Global options:").expect("global heading");
    assert!(own < global, "{short}");
    let (own_part, global_part) = short.split_at(global);
    assert!(
        own_part.contains("--org") && !own_part.contains("--db"),
        "{short}"
    );
    assert!(
        global_part.contains("--db") && global_part.contains("--format"),
        "{short}"
    );
    let root = env.ok(&["--help"]);
    assert!(
        root.contains("Examples:") && root.contains("Exit codes"),
        "{root}"
    );
    assert!(env.ok(&["-h"]).len() < root.len());
}

#[test]
fn log_help_explains_when() {
    let env = TestEnv::new();
    let help = env.ok(&["log", "--help"]);
    for form in [
        "WHEN is",
        "yesterday",
        "next friday",
        "3 days ago",
        "calendar month",
    ] {
        assert!(help.contains(form), "{form}:\n{help}");
    }
}

#[test]
fn the_man_page_refers_to_no_page_that_does_not_exist() {
    let env = TestEnv::new();
    let page = env.ok(&["man"]);
    assert!(
        page.contains(".SS \"rel add\""),
        "every command has its own section"
    );
    assert!(page.contains("\\fB\\-\\-org\\fR"), "with its options");
    // Every `name(section)` reference: only sqlite3(1), which exists outside rel.
    let references: Vec<&str> = page
        .match_indices("(1)")
        .map(|(at, _)| {
            let before = &page[..at];
            let start = before
                .rfind(|c: char| c.is_whitespace() || c == 'B')
                .map_or(0, |i| i + 1);
            &page[start..at]
        })
        .collect();
    assert!(
        references
            .iter()
            .all(|r| r.trim_end_matches("\\fR") == "sqlite3"),
        "{references:?}"
    );
}

#[test]
fn backup_into_a_missing_folder_says_so_without_a_temp_path() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria"]);
    let stderr = env.fails(&["backup", "bk/x.db"], 1);
    assert_eq!(
        stderr,
        "rel: cannot write bk/x.db: the folder bk does not exist; \
         create it first, or choose another folder\n"
    );
    assert!(!env.dir.path().join("bk").exists());
}

#[test]
fn search_takes_a_word_with_punctuation_as_a_phrase() {
    let env = TestEnv::new();
    env.ok(&["add", "Pat O'Brien", "--tag", "key-account"]);
    env.ok(&["add", "Kim Lee"]);
    env.ok(&["log", "kim", "sent the e-mail about the renewal"]);
    env.ok(&["log", "pat", "lunch, talked budget and funding"]);
    let hits = |query: &str| -> Vec<String> {
        env.json(&["search", query])
            .as_array()
            .expect("array")
            .iter()
            .map(|h| format!("{}:{}", h["kind"], h["id"]))
            .collect()
    };
    assert_eq!(hits("key-account"), ["\"contact\":1"]);
    assert_eq!(hits("o'brien"), ["\"contact\":1"]);
    assert_eq!(hits("e-mail"), ["\"interaction\":1"]);
    // FTS syntax keeps its meaning.
    assert_eq!(hits("\"about the renewal\"").len(), 1);
    assert!(
        hits("\"renewal about\"").is_empty(),
        "a phrase keeps its order"
    );
    assert_eq!(hits("renewal OR funding").len(), 2);
    assert_eq!(hits("renew*").len(), 1);
    assert_eq!(
        hits("(budget OR renewal) NOT e-mail"),
        ["\"interaction\":2"]
    );
    let stderr = env.fails(&["search", "\"open"], 2);
    assert!(stderr.contains("see 'rel search --help'"), "{stderr}");
}

#[test]
fn help_into_a_closed_pipe_is_a_quiet_success() {
    // `rel import --help | head -1`: the reader is gone before rel writes.
    let env = TestEnv::new();
    for args in [
        &["import", "--help"][..],
        &["--help"],
        &["--version"],
        &["log", "-h"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rel"))
            .args(args)
            .env("REL_DB", &env.db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn rel");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait for rel");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
