//! Escaping in every format: ICS (CR, commas, semicolons, folding), csv formula injection,
//! control and bidi characters from user data in tables, charts and messages; and long names
//! that render without a panic in every format.

use crate::common;

use common::TestEnv;
use common::safety::{rel, run_raw};

/// Bidi controls and line/paragraph separators the contract names.
const BIDI: [char; 13] = [
    '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
    '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

#[track_caller]
fn assert_no_raw_bidi_or_controls(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    let raw = text.chars().find(|&c| {
        BIDI.contains(&c) || (c.is_control() && c != '\n' && c != '\t') || c == '\u{9b}'
    });
    assert_eq!(raw, None, "{what}: raw {raw:?} in {text:?}");
}

#[test]
fn ics_escapes_cr_commas_and_semicolons_and_folds_at_75_octets() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann, Smith; Jr", "--every", "1w"]);
    let injected = "x\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:injected\r\nDESCRIPTION:more";
    let long = "é".repeat(90);
    env.ok(&["remind", "ann", "friday", injected]);
    env.ok(&["remind", "ann", "saturday", &long]);
    let ics = env.ok(&["export", "--to", "ics"]);
    // Every line break is CRLF: no CR alone, no LF alone.
    let bytes = ics.as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b'\r' {
            assert_eq!(bytes.get(at + 1), Some(&b'\n'), "bare CR at {at}: {ics:?}");
        }
        if *byte == b'\n' {
            assert_eq!(
                at.checked_sub(1).map(|i| bytes[i]),
                Some(b'\r'),
                "bare LF at {at}"
            );
        }
    }
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let events = ics.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count();
    assert_eq!(events, 3, "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(!unfolded.contains("\r\nSUMMARY:injected"), "{unfolded}");
    assert!(
        unfolded.contains("x\\nEND:VEVENT\\nBEGIN:VEVENT"),
        "{unfolded}"
    );
    assert!(unfolded.contains("Ann\\, Smith\\; Jr"), "{unfolded}");
    assert!(unfolded.contains(&long), "folding split a character");
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_get_a_quote_and_tsv_json_stay_raw() {
    let env = TestEnv::new();
    let names = ["=HYPERLINK(\"http://x\")", "+1+cmd", "@SUM(A1)", "-2+3"];
    for name in names {
        env.ok(&["add", "--org", "=org()", "--", name]);
    }
    env.ok(&["log", "hyperlink", "=1+1 note", "--at", "1d ago"]);
    let csv = env.ok(&["list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut seen = 0;
    for row in reader.records() {
        let row = row.expect("csv row");
        let name = row.get(1).expect("name");
        assert!(name.starts_with('\''), "{name:?}");
        assert_eq!(row.get(2), Some("'=org()"));
        seen += 1;
    }
    assert_eq!(seen, names.len());
    let exported = env.ok(&["export", "--to", "csv"]);
    assert!(exported.contains("'=1+1 note"), "{exported}");
    // Numbers are data, not formulas.
    let due = env.ok(&["timeline", "--format", "csv"]);
    assert!(!due.contains("'-"), "{due}");
    // tsv and JSON carry the text as it is.
    let tsv = env.ok(&["list", "--format", "tsv"]);
    assert!(tsv.contains("\t=HYPERLINK("), "{tsv}");
    assert!(!tsv.contains("'="), "{tsv}");
    let json = env.json(&["list"]);
    let stored: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in names {
        assert!(stored.contains(&name), "{name:?} not raw in {stored:?}");
    }
}

#[test]
fn bidi_controls_and_separators_from_user_data_are_shown_escaped() {
    let env = TestEnv::new();
    let name = "Eve \u{200f}evil\u{2028}line\u{2029}para\u{2066}iso\u{202e}rev";
    env.ok(&[
        "add",
        name,
        "--every",
        "1w",
        "--org",
        "Org\u{200e}",
        "--tag",
        "t\u{2069}",
    ]);
    env.ok(&[
        "log",
        "eve",
        "note \u{2028} with \u{200f} marks",
        "--at",
        "30d ago",
    ]);
    env.ok(&["remind", "eve", "friday", "text \u{2029} here"]);
    {
        // A setting and a channel stored by an older rel without checks.
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch(
            "INSERT INTO settings (key, value) VALUES ('odd\u{202e}key', 'v\u{2028}\u{1b}[31m');
             UPDATE interactions SET channel = 'call\u{200f}\u{1b}[5m';",
        )
        .expect("insert");
    }
    for format in ["table", "tsv"] {
        for args in [
            &["list"][..],
            &["show", "eve"],
            &["timeline"],
            &["due"],
            &["followups"],
            &["stats"],
            &["stats", "eve"],
            &["config"],
            &["search", "note"],
        ] {
            let mut all = args.to_vec();
            all.extend(["--format", format]);
            let run = run_raw(rel(&env, &all), b"");
            assert_eq!(run.code, Some(0), "{all:?}: {}", run.stderr_text());
            assert_no_raw_bidi_or_controls(&run.stdout, &format!("{all:?}"));
        }
    }
    // Messages too.
    let run = run_raw(rel(&env, &["show", "x\u{202e}y\u{2028}"]), b"");
    assert_eq!(run.code, Some(3));
    assert_no_raw_bidi_or_controls(&run.stderr, "error message");
    // JSON keeps the data as stored.
    assert_eq!(env.json(&["show", "eve"])["name"], name);
}

#[test]
fn long_names_and_handles_never_panic_in_any_format() {
    let env = TestEnv::new();
    let handle = "h".repeat(65_536);
    let name = "N".repeat(100_000);
    env.ok(&["add", &name, "--handle", &handle, "--every", "1w"]);
    env.ok(&["add", &format!("{name} two"), "--every", "1d"]);
    env.ok(&[
        "log",
        &handle,
        "lunch",
        "--at",
        "30d ago",
        "--strained",
        "trust",
    ]);
    for format in ["table", "json", "jsonl", "csv", "tsv"] {
        for args in [
            &["list"][..],
            &["due"],
            &["stats"],
            &["stats", handle.as_str()],
            &["timeline"],
            &["show", handle.as_str()],
            &["search", "lunch"],
        ] {
            let mut all = args.to_vec();
            all.extend(["--format", format]);
            for columns in ["20", "80"] {
                let mut cmd = rel(&env, &all);
                cmd.env("COLUMNS", columns);
                let run = run_raw(cmd, b"");
                let shown: Vec<&str> = all.iter().map(|a| &a[..a.len().min(20)]).collect();
                assert_eq!(run.code, Some(0), "{shown:?}: {}", run.stderr_text());
                assert!(!run.stderr_text().contains("panicked"), "{shown:?}");
            }
        }
    }
    // An ambiguous WHO listing both long handles.
    let run = run_raw(rel(&env, &["show", "NNNN"]), b"");
    assert_eq!(run.code, Some(3), "{}", run.stderr_text());
    assert!(!run.stderr_text().contains("panicked"));
}
