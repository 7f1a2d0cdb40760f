//! `rel stats`: REITH counts, channels, months, going cold and strained, in every format.

use crate::common;
use common::TestEnv;

fn stats_env() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez", "--every", "2w"]);
    env.ok(&["add", "Bob Stone", "--every", "1m"]);
    env.ok(&["add", "Cy Young"]);
    env.ok(&[
        "log",
        "maria",
        "a",
        "--at",
        "2026-09-03",
        "-c",
        "call",
        "-t",
        "t,r",
    ]);
    env.ok(&[
        "log",
        "maria",
        "b",
        "--at",
        "2026-11-10",
        "-c",
        "call",
        "-t",
        "trust",
    ]);
    env.ok(&[
        "log",
        "maria,bob",
        "c",
        "--at",
        "2026-11-12",
        "-c",
        "meeting",
        "--strained",
        "honesty",
    ]);
    env.ok(&[
        "log",
        "bob",
        "d",
        "--at",
        "2026-08-20",
        "-c",
        "email",
        "--strained",
        "honesty,e",
    ]);
    env.ok(&[
        "log",
        "cy",
        "e",
        "--at",
        "2026-11-20",
        "-c",
        "call",
        "-t",
        "h",
    ]);
    env
}

#[test]
fn json_has_every_trait_and_the_right_counts() {
    let env = stats_env();
    let stats = env.json(&["stats"]);
    for t in ["respect", "empathy", "integrity", "trust", "honesty"] {
        for field in ["shown", "strained", "net"] {
            assert!(stats["reith"][t][field].is_i64(), "{t}.{field}: {stats}");
        }
    }
    assert_eq!(stats["reith"]["trust"]["shown"], 2);
    assert_eq!(stats["reith"]["respect"]["shown"], 1);
    assert_eq!(stats["reith"]["honesty"]["shown"], 1);
    assert_eq!(stats["reith"]["honesty"]["strained"], 2);
    assert_eq!(stats["reith"]["honesty"]["net"], -1);
    assert_eq!(stats["reith"]["empathy"]["net"], -1);
    assert_eq!(stats["reith"]["integrity"]["net"], 0);
    assert_eq!(
        stats["channels"],
        serde_json::json!({"call": 3, "meeting": 1, "email": 1})
    );
    assert_eq!(
        stats["months"],
        serde_json::json!({"2026-08": 1, "2026-09": 1, "2026-10": 0, "2026-11": 3})
    );
    // Cy has no cadence; Bob (monthly, touched Nov 12) is not past it yet; Maria (every 2w,
    // touched Nov 12) is 15 days out: 15/14.
    let cold = stats["going_cold"].as_array().unwrap();
    assert_eq!(cold.len(), 1);
    assert_eq!(cold[0]["handle"], "maria-lopez");
    assert_eq!(cold[0]["days_since"], 15);
    assert_eq!(cold[0]["ratio"], 1.07);
    assert_eq!(cold[0]["last_touch"], "2026-11-12T00:00:00+00:00");
    let strained = stats["strained"].as_array().unwrap();
    assert_eq!(strained.len(), 2);
    assert_eq!(strained[0]["handle"], "bob-stone", "lowest trait first");
    assert_eq!(strained[0]["reith"]["honesty"], -2);
    assert_eq!(strained[1]["handle"], "maria-lopez");
}

#[test]
fn one_contact_and_since() {
    let env = stats_env();
    let maria = env.json(&["stats", "maria"]);
    assert_eq!(maria["contact"], "maria-lopez");
    assert_eq!(maria["reith"]["trust"]["shown"], 2);
    assert_eq!(maria["reith"]["honesty"]["strained"], 1);
    assert_eq!(
        maria["channels"],
        serde_json::json!({"call": 2, "meeting": 1})
    );
    assert_eq!(maria["going_cold"][0]["handle"], "maria-lopez");
    let recent = env.json(&["stats", "--since", "2026-11-01"]);
    assert_eq!(recent["reith"]["trust"]["shown"], 1);
    assert_eq!(recent["reith"]["empathy"]["strained"], 0);
    assert_eq!(recent["months"], serde_json::json!({"2026-11": 3}));
    env.fails(&["stats", "nobody"], 3);
    env.fails(&["stats", "--since", "whenever"], 2);
    let empty = TestEnv::new();
    let nothing = empty.json(&["stats"]);
    assert_eq!(nothing["reith"]["trust"]["net"], 0);
    assert_eq!(nothing["months"], serde_json::json!({}));
}

#[test]
fn csv_rows_are_section_key_value() {
    let env = stats_env();
    let csv = env.ok(&["stats", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "section,key,value");
    assert!(lines.contains(&"reith,honesty.net,-1"));
    assert!(lines.contains(&"channel,call,3"));
    assert!(lines.contains(&"month,2026-10,0"));
    assert!(lines.contains(&"going_cold,maria-lopez,15"));
    assert!(lines.contains(&"strained,bob-stone.honesty,-2"));
    assert!(lines.contains(&"strained,bob-stone.empathy,-1"));
    let tsv = env.ok(&["stats"]);
    assert!(tsv.starts_with("section\tkey\tvalue\n"));
}

#[test]
fn table_draws_bar_charts() {
    let env = stats_env();
    let table = env
        .run_with(&["stats", "--format", "table"], |cmd| {
            cmd.env("COLUMNS", "80");
        })
        .stdout;
    insta::assert_snapshot!(table);
}
