//! `rel intro`: paths checked against a brute-force search of every path on generated
//! graphs, plus the answers that are not paths (you know them; no path).

use crate::common;
use common::TestEnv;

use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const NOW: i64 = 1_795_780_800; // 2026-11-27T12:00:00Z, common::NOW
const TWO_YEARS: i64 = 2 * 365 * 86_400;

fn rfc(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .expect("in range")
        .to_rfc3339()
}

fn uid(kind: u8, n: usize) -> String {
    format!("00000000-0000-7000-8{kind:03}-{n:012}")
}

#[derive(Debug, Clone)]
struct Graph {
    n: usize,
    via: Vec<Option<usize>>,
    archived: Vec<bool>,
    /// (participants, seconds ago)
    meetings: Vec<(Vec<usize>, i64)>,
}

fn graph() -> impl Strategy<Value = Graph> {
    (4usize..9).prop_flat_map(|n| {
        (
            prop::collection::vec(prop::option::weighted(0.3, 0..n), n),
            prop::collection::vec(prop::bool::weighted(0.1), n),
            prop::collection::vec(
                (
                    prop::collection::btree_set(0..n, 1..4),
                    3600i64..3 * 365 * 86_400,
                ),
                0..14,
            ),
        )
            .prop_map(move |(via, archived, meetings)| Graph {
                n,
                via: via
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| v.filter(|v| *v != i))
                    .collect(),
                archived,
                meetings: meetings
                    .into_iter()
                    .map(|(who, ago)| (who.into_iter().collect(), ago))
                    .collect(),
            })
    })
}

fn journal(g: &Graph) -> String {
    let contacts: Vec<Value> = (0..g.n)
        .map(|i| {
            json!({
                "uid": uid(1, i),
                "handle": format!("p{i}"),
                "name": format!("P{i}"),
                "via": g.via[i].map(|v| uid(1, v)),
                "created_at": rfc(NOW - 4 * 365 * 86_400),
                "archived_at": if g.archived[i] { Some(rfc(NOW - 86_400)) } else { None },
            })
        })
        .collect();
    let interactions: Vec<Value> = g
        .meetings
        .iter()
        .enumerate()
        .map(|(k, (who, ago))| {
            json!({
                "uid": uid(2, k),
                "at": rfc(NOW - ago),
                "channel": "meeting",
                "contacts": who.iter().map(|w| uid(1, *w)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"rel_export": 1, "settings": {}, "contacts": contacts,
           "interactions": interactions, "followups": []})
    .to_string()
}

/// Link strength as the contract defines it: recent shared interactions weighted by recency,
/// a `via` counting 3.
fn strength(g: &Graph, a: usize, b: usize) -> Option<f64> {
    let via = g.via[a] == Some(b) || g.via[b] == Some(a);
    let shared: Vec<i64> = g
        .meetings
        .iter()
        .filter(|(who, _)| who.contains(&a) && who.contains(&b))
        .map(|(_, ago)| *ago)
        .collect();
    if !via && shared.is_empty() {
        return None;
    }
    let recent: f64 = shared
        .iter()
        .filter(|ago| **ago < TWO_YEARS)
        .map(|ago| 1.0 - *ago as f64 / TWO_YEARS as f64)
        .sum();
    Some(recent + if via { 3.0 } else { 0.0 })
}

/// Every simple path of 1..=depth links from a touched, active non-target to the target.
fn brute(g: &Graph, target: usize, depth: usize) -> BTreeMap<Vec<usize>, f64> {
    let touched = |x: usize| g.meetings.iter().any(|(who, _)| who.contains(&x));
    let mut out = BTreeMap::new();
    let mut stack = vec![vec![target]];
    while let Some(trail) = stack.pop() {
        let here = *trail.last().unwrap();
        if trail.len() > depth {
            continue;
        }
        for next in 0..g.n {
            if next == target || g.archived[next] || trail.contains(&next) {
                continue;
            }
            if strength(g, here, next).is_none() {
                continue;
            }
            let mut longer = trail.clone();
            longer.push(next);
            if touched(next) {
                let people: Vec<usize> = longer.iter().rev().copied().collect();
                let weakest = people
                    .windows(2)
                    .map(|w| strength(g, w[0], w[1]).unwrap())
                    .fold(f64::INFINITY, f64::min);
                out.insert(people, weakest);
            }
            stack.push(longer);
        }
    }
    out
}

fn known_well(g: &Graph, target: usize) -> bool {
    g.meetings
        .iter()
        .filter(|(who, ago)| who.contains(&target) && *ago < 365 * 86_400)
        .count()
        >= 3
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn intro_finds_exactly_the_paths_of_a_brute_force_search(
        g in graph(),
        target_seed in 0usize..100,
        depth in 1usize..5,
    ) {
        let target = target_seed % g.n;
        let env = TestEnv::new();
        let file = env.dir.path().join("graph.json");
        std::fs::write(&file, journal(&g)).expect("write");
        env.ok(&["import", file.to_str().expect("utf-8")]);
        let handle = format!("p{target}");
        let depth_text = depth.to_string();
        let run = env.run(&["intro", &handle, "--depth", &depth_text, "--limit", "0", "--format", "json"]);
        prop_assert_eq!(run.code, 0, "{}", run.stderr);
        let answer: Value = serde_json::from_str(&run.stdout).expect("json");
        if known_well(&g, target) {
            prop_assert_eq!(&answer["known"], &json!(true));
            prop_assert_eq!(answer["paths"].as_array().map(Vec::len), Some(0));
            return Ok(());
        }
        let expected = brute(&g, target, depth);
        let paths = answer["paths"].as_array().expect("paths");
        let got: BTreeSet<Vec<usize>> = paths
            .iter()
            .map(|p| {
                p["people"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h.as_str().unwrap()[1..].parse::<usize>().unwrap())
                    .collect()
            })
            .collect();
        let want: BTreeSet<Vec<usize>> = expected.keys().cloned().collect();
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(got.len(), paths.len(), "no path twice");
        // Strongest first, each strength its weakest link's.
        let mut previous = f64::INFINITY;
        for p in paths {
            let people: Vec<usize> = p["people"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap()[1..].parse::<usize>().unwrap())
                .collect();
            let shown = p["strength"].as_f64().unwrap();
            prop_assert!((shown - expected[&people]).abs() < 0.01, "{people:?}: {shown} vs {}", expected[&people]);
            prop_assert!(shown <= previous + 1e-9, "paths out of order");
            previous = shown;
            prop_assert_eq!(p["hops"].as_array().map(Vec::len), Some(people.len() - 1));
        }
        if paths.is_empty() {
            prop_assert!(run.stderr.contains("no path"), "{}", run.stderr);
        }
        // A limit keeps the first paths of the whole ranking, ties of strength included (only
        // the paths that can rank have their first person's standing read).
        for limit in [1usize, 2, 3] {
            let limit_text = limit.to_string();
            let run = env.run(&["intro", &handle, "--depth", &depth_text, "--limit", &limit_text, "--format", "json"]);
            prop_assert_eq!(run.code, 0, "{}", run.stderr);
            let limited: Value = serde_json::from_str(&run.stdout).expect("json");
            let first: Vec<&Value> = paths.iter().take(limit).collect();
            let limited: Vec<&Value> = limited["paths"].as_array().expect("paths").iter().collect();
            prop_assert_eq!(limited, first, "--limit {}", limit);
        }
    }
}

#[test]
fn you_know_them_yourself_and_org_targets() {
    let env = TestEnv::new();
    env.ok(&["add", "Tom Baker"]);
    env.ok(&["add", "Maria Lopez", "--via", "tom"]);
    env.ok(&["add", "Jane Cfo", "--org", "Globex"]);
    env.ok(&["add", "Ken Ito", "--org", "globex"]);
    env.ok(&["log", "tom", "lunch", "--at", "2026-10-01"]);
    env.ok(&[
        "log",
        "maria,jane",
        "board dinner",
        "-c",
        "meeting",
        "--at",
        "2026-10-05",
    ]);
    let table = env.ok(&["intro", "jane", "--format", "tsv"]);
    assert!(table.starts_with("path\tstrength\twhy\n"), "{table}");
    assert!(table.contains("maria-lopez → jane-cfo"), "{table}");
    assert!(
        table.contains("tom-baker → maria-lopez → jane-cfo"),
        "{table}"
    );
    assert!(
        table.contains("tom-baker introduced maria-lopez"),
        "{table}"
    );
    assert!(table.contains("met 1× together, last Oct 2026"), "{table}");
    // --org: anyone there; Ken is linked to no one.
    let org = env.json(&["intro", "--org", "GLOBEX"]);
    assert_eq!(org["paths"].as_array().unwrap().len(), 2);
    // Three touches with Jane in the last year: you know her yourself.
    env.ok(&["log", "jane", "call", "-c", "call", "--at", "2026-11-01"]);
    env.ok(&["log", "jane", "call", "-c", "call", "--at", "2026-11-10"]);
    let known = env.json(&["intro", "jane"]);
    assert_eq!(known["known"], true);
    assert_eq!(known["paths"], json!([]));
    let said = env.ok(&["intro", "jane", "--format", "table"]);
    assert!(said.contains("you know jane-cfo yourself"), "{said}");
    // Nobody linked to Ken: exit 0, no paths, a word on stderr.
    let run = env.run(&["intro", "ken", "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("no path to ken-ito"), "{}", run.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap()["paths"],
        json!([])
    );
    env.fails(&["intro", "nobody"], 3);
    env.fails(&["intro", "--org", "initech"], 3);
    env.fails(&["intro", "jane", "--depth", "5"], 2);
    env.fails(&["intro"], 2);
}
