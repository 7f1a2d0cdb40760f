//! Tables fit the terminal, through a real pseudo-terminal (python3's `pty` module opens it and
//! sets its size; rel sees a tty and asks it for its width): at 60, 80 and 120 columns, with
//! colour on and off, and with COLUMNS overriding the terminal. DUE texts and handles stay
//! whole, headers never split inside a word, and `rel stats` fits too.

use crate::common;
use common::TestEnv;

/// How a run sets colour and width.
#[derive(Clone, Copy, Debug)]
enum Look {
    Colour,
    NoColorEnv,
    ColorNever,
}

fn on_terminal(
    env: &TestEnv,
    columns: usize,
    look: Look,
    env_columns: Option<usize>,
    args: &[&str],
) -> String {
    let mut cmd = common::pty::command(env, columns, "");
    match look {
        Look::Colour => {}
        Look::NoColorEnv => {
            cmd.env("NO_COLOR", "1");
        }
        Look::ColorNever => {
            cmd.arg("--color=never");
        }
    }
    if let Some(width) = env_columns {
        cmd.env("COLUMNS", width.to_string());
    }
    let output = cmd.args(args).output().expect("python3 runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "rel {args:?} on a {columns}-column terminal: {text}"
    );
    text
}

/// The text without ANSI colour sequences.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

fn width(line: &str) -> usize {
    line.chars().count()
}

const LONG_NOTE: &str = "talked through the whole renewal, the new budget for next year, the \
    intro to their CFO, and the conference in Lisbon where we might meet again in spring";

fn journal() -> TestEnv {
    let env = TestEnv::new();
    let past = env.at("2026-06-01T09:00:00Z");
    for (name, org) in [
        ("Alexandria Montgomery-Smith", "Wayne Enterprises"),
        ("Bartholomew Featherstonehaugh", "Stark Industries"),
        ("Sam Carter", "Acme"),
    ] {
        past.ok(&[
            "add",
            name,
            "--org",
            org,
            "--tag",
            "key-account",
            "--tag",
            "neighbour",
            "--every",
            "2w",
        ]);
    }
    let weeks_ago = env.at("2026-10-01T09:00:00Z");
    weeks_ago.ok(&[
        "log",
        "alexandria-montgomery-smith",
        LONG_NOTE,
        "-t",
        "trust,respect",
        "--strained",
        "honesty",
    ]);
    weeks_ago.ok(&[
        "log",
        "bartholomew-featherstonehaugh,sam-carter",
        LONG_NOTE,
        "-c",
        "meeting",
    ]);
    weeks_ago.ok(&[
        "remind",
        "alexandria-montgomery-smith",
        "2026-10-20",
        "send the signed renewal contract and the Lisbon conference agenda to their whole team",
    ]);
    weeks_ago.ok(&[
        "remind",
        "bartholomew-featherstonehaugh",
        "2026-11-01",
        "call back about the budget",
    ]);
    env
}

/// Header words of every listing: a header split inside a word would show a fragment.
const HEADER_WORDS: &[&str] = &[
    "DUE", "HANDLE", "NAME", "EVERY", "LAST", "TOUCH", "FOCUS", "REITH", "WHAT", "ORG", "TAGS",
    "NEXT", "ID", "AT", "TEXT", "DONE", "CONTACTS", "CHANNEL", "TRAITS", "NOTE",
];

/// Every line fits; the header is made of whole words; each expected word appears whole.
#[track_caller]
fn check(output: &str, columns: usize, whole: &[&str], what: &str) {
    let text = plain(output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 2, "{what}: a table expected:\n{text}");
    for line in &lines {
        assert!(
            width(line) <= columns,
            "{what} at {columns}: line of {} cells:\n{text}",
            width(line)
        );
    }
    for word in lines[0].split_whitespace() {
        assert!(
            HEADER_WORDS.contains(&word),
            "{what} at {columns}: header word '{word}' split or unknown:\n{text}"
        );
    }
    for word in whole {
        assert!(
            text.contains(word),
            "{what} at {columns}: '{word}' not whole:\n{text}"
        );
    }
}

const HANDLES: &[&str] = &[
    "alexandria-montgomery-smith",
    "bartholomew-featherstonehaugh",
    "sam-carter",
];

#[test]
fn listings_fit_60_80_120_columns_with_colour_on_and_off() {
    let env = journal();
    for columns in [60, 80, 120] {
        // `--color never` draws like NO_COLOR; once is enough (each run costs a terminal).
        let looks: &[Look] = if columns == 80 {
            &[Look::Colour, Look::NoColorEnv, Look::ColorNever]
        } else {
            &[Look::Colour, Look::NoColorEnv]
        };
        for &look in looks {
            let what = format!("{look:?}");
            let due = on_terminal(&env, columns, look, None, &["due"]);
            check(&due, columns, HANDLES, &format!("due {what}"));
            check(
                &due,
                columns,
                // Days up to 30, then months (issue 21: `18d`, not `2w`).
                &["1mo overdue", "26d overdue"],
                &format!("due {what}"),
            );
            let list = on_terminal(&env, columns, look, None, &["list"]);
            check(&list, columns, HANDLES, &format!("list {what}"));
            let followups = on_terminal(&env, columns, look, None, &["followups"]);
            check(
                &followups,
                columns,
                &HANDLES[..2],
                &format!("followups {what}"),
            );
            let timeline = on_terminal(&env, columns, look, None, &["timeline"]);
            check(
                &timeline,
                columns,
                &["alexandria-montgomery-smith"],
                &format!("timeline {what}"),
            );
            if columns == 120 {
                // Room enough: the less important columns come back.
                assert!(
                    plain(&due).contains("REITH") || plain(&due).contains("FOCUS"),
                    "{due}"
                );
            }
        }
    }
}

#[test]
fn colour_is_really_on_and_off_on_the_terminal() {
    let env = journal();
    assert!(on_terminal(&env, 80, Look::Colour, None, &["due"]).contains('\u{1b}'));
    assert!(!on_terminal(&env, 80, Look::NoColorEnv, None, &["due"]).contains('\u{1b}'));
    assert!(!on_terminal(&env, 80, Look::ColorNever, None, &["due"]).contains('\u{1b}'));
}

#[test]
fn columns_overrides_the_terminal_width() {
    let env = journal();
    let narrow = on_terminal(&env, 120, Look::NoColorEnv, Some(64), &["due"]);
    check(&narrow, 64, HANDLES, "due with COLUMNS=64");
    let wide = on_terminal(&env, 120, Look::NoColorEnv, None, &["due"]);
    let widest = plain(&wide).lines().map(width).max().unwrap_or(0);
    assert!(
        widest > 64,
        "without COLUMNS the 120-column terminal is used:\n{wide}"
    );
}

#[test]
fn stats_charts_fit_the_width() {
    let env = journal();
    for columns in [60, 80, 120] {
        for look in [Look::Colour, Look::NoColorEnv] {
            let stats = plain(&on_terminal(&env, columns, look, None, &["stats"]));
            for line in stats.lines() {
                assert!(width(line) <= columns, "stats at {columns}: '{line}'");
            }
            // A date is shown whole or not at all (it wrapped mid-timestamp before).
            assert!(
                !stats.contains("last 2026…"),
                "stats at {columns}:\n{stats}"
            );
            if columns >= 80 {
                assert!(
                    stats.contains("last 2026-10-01 09:00"),
                    "stats at {columns}:\n{stats}"
                );
            }
        }
    }
}
