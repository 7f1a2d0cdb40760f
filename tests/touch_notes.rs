//! Notes in full: `rel show` prints whole notes (wrapped, cut after ten lines), `rel timeline`
//! says how many lines follow the first and `--full` prints them, and the editor opens on a
//! template of comment lines that are dropped again.

use crate::common;

use common::TestEnv;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

const LONG_NOTE: &str = "Renewal call: they want the pilot extended to the Lisbon office before \
signing\nsecond\n\nfourth\n5\n6\n7\n8\n9\n10\n11\n12";

fn with_notes() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "María López"]);
    env.ok(&[
        "log", "maria", "--at", "2h ago", "-t", "trust", "--", LONG_NOTE,
    ]);
    env.ok(&["log", "maria", "short one"]);
    env
}

fn table(env: &TestEnv, args: &[&str], columns: &str) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "table"]);
    let run = env.run_with(&all, |c| {
        c.env("COLUMNS", columns);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn show_prints_whole_notes_wrapped_and_cuts_long_ones_after_ten_lines() {
    let env = with_notes();
    let out = table(&env, &["show", "maria"], "50");
    let recent = out.split("Recent interactions\n").nth(1).expect("section");
    let expected = "\
2  Fri 27 Nov 12:00  other  maria-lopez
    short one

1  Fri 27 Nov 10:00  other  maria-lopez  +trust
    Renewal call: they want the pilot extended to
    the Lisbon office before signing
    second

    fourth
    5
    6
    7
    8
    9
    … (+3 lines)
";
    assert_eq!(recent, expected);
}

#[test]
fn timeline_says_how_many_lines_follow_and_full_prints_them() {
    let env = with_notes();
    let out = table(&env, &["timeline"], "200");
    assert!(out.contains("short one "), "{out}");
    assert!(!out.contains("short one (+"), "{out}");
    assert!(out.contains("before signing (+11 lines)"), "{out}");

    let full = table(&env, &["timeline", "--full"], "200");
    assert!(full.contains("\n    11\n    12\n"), "{full}");
    assert!(!full.contains("(+"), "{full}");
    // Other formats always carry the whole note.
    let tsv = env.ok(&["timeline", "--full"]);
    assert_eq!(tsv, env.ok(&["timeline"]));
    assert!(tsv.contains("\\n12"), "{tsv}");
}

/// A fake editor: saves the file it was given to `seen`, then writes `content` into it.
fn editor(env: &TestEnv, content: &str) -> (PathBuf, PathBuf) {
    let script = env.dir.path().join("fake-editor");
    let seen = env.dir.path().join("seen.txt");
    let data = env.dir.path().join("content.txt");
    std::fs::write(&data, content).expect("content");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncp \"$1\" '{}'\ncat '{}' > \"$1\"\n",
            seen.display(),
            data.display()
        ),
    )
    .expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (script, seen)
}

#[test]
fn the_editor_opens_on_a_comment_template_and_comment_lines_are_dropped() {
    let env = TestEnv::new();
    env.ok(&["add", "María López"]);
    let (script, seen) = editor(
        &env,
        "# a comment the user left\n\nAgreed on the pilot.\n#gone\nNext: pricing\n\n",
    );
    let run = env.run_with(&["log", "maria", "-e", "draft", "words"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let template = std::fs::read_to_string(&seen).expect("seen");
    assert_eq!(
        template,
        "draft words\n\n\
         # Logging a touch with María López (maria-lopez).\n\
         # Write the note above. Lines starting with '#' are dropped;\n\
         # an empty note cancels.\n"
    );
    let logged = env.json(&["timeline"]);
    assert_eq!(logged[0]["note"], "Agreed on the pilot.\nNext: pricing");
}

#[test]
fn a_template_left_as_it_is_cancels() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let (script, _) = editor(&env, "\n\n# Logging a touch with Ann (ann).\n");
    let run = env.run_with(&["log", "ann", "-e"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
}

#[test]
fn log_add_names_the_new_contact_in_the_template() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let (script, seen) = editor(&env, "lunch");
    let run = env.run_with(&["log", "ann,Zed Quinn", "-e", "--add"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let template = std::fs::read_to_string(&seen).expect("seen");
    assert!(
        template.contains("# Logging a touch with Ann (ann), Zed Quinn (a new contact).\n"),
        "{template}"
    );
}

#[test]
fn amend_e_opens_the_existing_note_under_the_template() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&[
        "log",
        "ann",
        "--at",
        "yesterday 3pm",
        "--",
        "old note\nsecond line",
    ]);
    let (script, seen) = editor(&env, "new note\n# dropped\n");
    let run = env.run_with(&["amend", "1", "-e"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let template = std::fs::read_to_string(&seen).expect("seen");
    assert!(
        template.starts_with(
            "old note\nsecond line\n\n# Amending touch 1 with ann, Thu 26 Nov 15:00.\n"
        ),
        "{template}"
    );
    assert_eq!(env.json(&["timeline"])[0]["note"], "new note");
}
