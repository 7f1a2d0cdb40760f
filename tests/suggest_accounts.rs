//! `rel accounts` and `rel account ORG`: organisations rolled up from their people.

use crate::common;
use common::TestEnv;

use serde_json::Value;

fn by_org(json: &Value) -> Vec<(String, Value)> {
    json.as_array()
        .expect("array")
        .iter()
        .map(|a| (a["org"].as_str().unwrap().to_string(), a.clone()))
        .collect()
}

fn journal() -> TestEnv {
    let env = TestEnv::new();
    // One organisation however it is spelt; named as most of its people spell it.
    env.ok(&["add", "Ana Ruiz", "--org", "Acmé"]);
    env.ok(&["add", "Bo Chen", "--org", "ACME"]);
    env.ok(&["add", "Cy Diaz", "--org", "acme"]);
    env.ok(&["add", "Di Eng", "--org", "acme", "--every", "1m"]);
    env.ok(&["add", "Gone Girl", "--org", "acme"]);
    env.ok(&["archive", "gone-girl"]);
    env.ok(&["add", "Kay Key", "--org", "Keyco", "--tag", "key-account"]);
    env.ok(&["add", "Solo Sam", "--org", "Soloco", "--every", "2w"]);
    env.ok(&["add", "No Org"]);
    // Touched 89 days ago (counts as the last 90 days) and 91 days ago (does not).
    env.ok(&[
        "log",
        "ana",
        "call",
        "--at",
        "2026-08-30 12:00",
        "-t",
        "trust",
    ]);
    env.ok(&[
        "log",
        "bo",
        "mail",
        "--at",
        "2026-08-28 12:00",
        "--strained",
        "respect",
    ]);
    env.ok(&["log", "gone-girl", "old", "--at", "2026-11-01 12:00"]);
    env
}

#[test]
fn accounts_roll_up_people_touches_and_threads() {
    let env = journal();
    let rows = by_org(&env.json(&["accounts", "--sort", "name"]));
    let orgs: Vec<&str> = rows.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(orgs, vec!["acme", "Keyco", "Soloco"]);
    let acme = &rows[0].1;
    assert_eq!(acme["people"], 4, "the archived one is not counted");
    assert_eq!(acme["touched_90d"], 1);
    assert_eq!(acme["last_touch"], "2026-08-30T12:00:00+00:00");
    assert_eq!(acme["single_threaded"], true);
    assert_eq!(acme["key"], false);
    assert_eq!(acme["reith"]["trust"], 1);
    assert_eq!(acme["reith"]["respect"], -1);
    assert_eq!(acme["next_due"], "2026-12-27T12:00:00+00:00");
    // A key account alone and untouched is single-threaded; one ordinary person is not.
    assert_eq!(rows[1].1["key"], true);
    assert_eq!(rows[1].1["single_threaded"], true);
    assert_eq!(rows[2].1["single_threaded"], false);
    assert_eq!(rows[2].1["owners"], serde_json::json!([]));
    // Two people touched lately: no longer single-threaded.
    env.ok(&["log", "cy", "lunch", "--at", "2026-11-20"]);
    let acme = &by_org(&env.json(&["accounts", "--sort", "name"]))[0].1;
    assert_eq!(acme["touched_90d"], 2);
    assert_eq!(acme["single_threaded"], false);
}

#[test]
fn accounts_sort_and_filter() {
    let env = journal();
    let orgs = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["accounts"];
        all.extend(args);
        by_org(&env.json(&all))
            .into_iter()
            .map(|(o, _)| o)
            .collect()
    };
    // Earliest next due first (Soloco due in 2w, acme in 1m), never due last.
    assert_eq!(orgs(&[]), vec!["Soloco", "acme", "Keyco"]);
    // Never touched first, then the longest untouched.
    assert_eq!(orgs(&["--sort", "last"]), vec!["Keyco", "Soloco", "acme"]);
    assert_eq!(orgs(&["--tag", "key-account"]), vec!["Keyco"]);
    let tsv = env.ok(&["accounts", "--format", "tsv"]);
    assert!(
        tsv.starts_with("org\tpeople\ttouched_90d\tlast_touch\tnext_due\tkey\tsingle_threaded"),
        "{tsv}"
    );
    let table = env.ok(&["accounts", "--format", "table"]);
    assert!(table.contains("single-threaded"), "{table}");
    env.fails(&["accounts", "--sort", "size"], 2);
}

#[test]
fn account_card_people_followups_interactions() {
    let env = journal();
    env.ok(&["remind", "bo", "2026-12-01", "send", "the", "quote"]);
    for day in 1..=12 {
        env.ok(&[
            "log",
            "cy",
            &format!("note {day}"),
            "--at",
            &format!("2026-10-{day:02} 09:00"),
        ]);
    }
    let card = env.json(&["account", "ACMÉ"]);
    assert_eq!(card["org"], "acme");
    let people: Vec<&str> = card["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["handle"].as_str().unwrap())
        .collect();
    assert_eq!(people, vec!["cy-diaz", "ana-ruiz", "bo-chen", "di-eng"]);
    assert_eq!(card["followups"].as_array().unwrap().len(), 1);
    let interactions = card["interactions"].as_array().unwrap();
    assert_eq!(interactions.len(), 10);
    assert_eq!(interactions[0]["note"], "note 12");
    // A unique prefix works; none or several are exit 3 as for a WHO.
    assert_eq!(env.json(&["account", "key"])["org"], "Keyco");
    let err = env.fails(&["account", "initech"], 3);
    assert!(err.contains("no organisation matches 'initech'"), "{err}");
    env.ok(&["add", "Kit", "--org", "Keystone"]);
    let err = env.fails(&["account", "key"], 3);
    assert!(err.contains("several organisations"), "{err}");
    let text = env.ok(&["account", "acme", "--format", "table"]);
    assert!(!text.contains("single-threaded"), "{text}");
    assert!(text.contains("send the quote"), "{text}");
    let tsv = env.ok(&["account", "acme", "--format", "tsv"]);
    assert!(
        tsv.starts_with("handle\tname\trole\tlast_touch\towner\ncy-diaz\tCy Diaz\t"),
        "{tsv}"
    );
    let text = env.ok(&["account", "keyco", "--format", "table"]);
    assert!(text.contains("single-threaded"), "{text}");
}
