//! Shell integration: committed completion scripts and man page match what rel prints, and
//! dynamic completion reads handles and tags from the database without ever creating one.

use crate::common;
use common::TestEnv;

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "completions/rel.bash"),
    ("zsh", "completions/rel.zsh"),
    ("fish", "completions/rel.fish"),
    ("elvish", "completions/rel.elvish"),
    ("powershell", "completions/rel.ps1"),
];

fn committed(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn committed_completion_scripts_match_the_command() {
    let env = TestEnv::new();
    for (shell, path) in SCRIPTS {
        let printed = env.ok(&["completions", shell]);
        assert!(!printed.is_empty(), "{shell}");
        assert_eq!(
            printed,
            committed(path),
            "{path} drifted; regenerate with: sh completions/regenerate.sh"
        );
        // The script is what `COMPLETE=SHELL rel` registers, so handles complete from the db.
        let registered = env.run_with(&[], |cmd| {
            cmd.env("COMPLETE", shell);
        });
        assert_eq!(registered.code, 0);
        assert_eq!(registered.stdout, printed, "{shell}");
    }
    assert!(!env.db.exists(), "printing scripts creates no database");
}

#[test]
fn committed_man_page_matches_the_command() {
    let env = TestEnv::new();
    let page = env.ok(&["man"]);
    assert!(
        page.starts_with(".ie"),
        "roff: {}",
        &page[..40.min(page.len())]
    );
    assert!(page.contains("EXIT STATUS"));
    assert_eq!(
        page,
        committed("docs/rel.1"),
        "docs/rel.1 drifted; regenerate with: sh completions/regenerate.sh"
    );
    assert!(!env.db.exists());
}

/// Asks rel for bash completions of `words` (the last one is being typed).
fn complete_bash(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--", "rel"];
    args.extend(words);
    let index = words.len().to_string();
    let run = env.run_with(&args, |cmd| {
        cmd.env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", &index)
            .env("_CLAP_COMPLETE_COMP_TYPE", "9")
            .env("_CLAP_COMPLETE_SPACE", "true")
            .env("_CLAP_IFS", "\n");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(str::to_string).collect()
}

#[test]
fn handles_and_tags_complete_from_the_database() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez", "--tag", "client"]);
    env.ok(&["add", "Mark Twain", "--tag", "author"]);
    env.ok(&["add", "Bob"]);
    assert_eq!(
        complete_bash(&env, &["show", "ma"]),
        ["maria-lopez", "mark-twain"]
    );
    assert_eq!(complete_bash(&env, &["rm", "b"]), ["bob"]);
    assert_eq!(complete_bash(&env, &["stats", "mari"]), ["maria-lopez"]);
    assert_eq!(
        complete_bash(&env, &["log", "bob,ma"]),
        ["bob,maria-lopez", "bob,mark-twain"]
    );
    assert_eq!(complete_bash(&env, &["timeline", "mark"]), ["mark-twain"]);
    assert_eq!(
        complete_bash(&env, &["list", "--tag", ""]),
        ["author", "client"]
    );
    assert_eq!(
        complete_bash(&env, &["edit", "bob", "--untag", "cl"]),
        ["client"]
    );
    assert_eq!(complete_bash(&env, &["add", "X", "--via", "bo"]), ["bob"]);
}

#[test]
fn completion_never_creates_a_database() {
    let env = TestEnv::new();
    assert!(
        complete_bash(&env, &["show", ""])
            .iter()
            .all(|c| c.starts_with('-'))
    );
    assert!(complete_bash(&env, &["list", "--tag", ""]).is_empty());
    assert!(!env.db.exists());
    assert!(!env.db.parent().unwrap().exists());
}

#[test]
fn completion_follows_db_on_the_command_line() {
    let env = TestEnv::new();
    let other = env.dir.path().join("other.db");
    let other_text = other.to_str().unwrap();
    env.ok(&["--db", other_text, "add", "Zed"]);
    assert!(complete_bash(&env, &["show", "z"]).is_empty());
    assert_eq!(
        complete_bash(&env, &["--db", other_text, "show", "z"]),
        ["zed"]
    );
}
