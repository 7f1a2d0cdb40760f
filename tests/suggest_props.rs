//! Property: on any journal, `rel suggest` never lists a contact that today's `rel due`
//! lists, nor an archived one, nor one touched in the last 14 days (3 for `repair`).

use crate::common;
use common::TestEnv;

use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::HashMap;

const NOW: i64 = 1_795_780_800; // 2026-11-27T12:00:00Z, common::NOW
const DAY: i64 = 86_400;

fn rfc(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .expect("in range")
        .to_rfc3339()
}

fn uid(kind: u8, n: usize) -> String {
    format!("00000000-0000-7000-8{kind:03}-{n:012}")
}

#[derive(Debug, Clone)]
struct Person {
    every: Option<&'static str>,
    archived: bool,
    key: bool,
    birthday_today: bool,
    via: Option<usize>,
    created_days_ago: i64,
    followup_today: bool,
}

#[derive(Debug, Clone)]
struct Touch {
    who: Vec<usize>,
    hours_ago: i64,
    channel: &'static str,
    trust: i64,
}

fn person() -> impl Strategy<Value = Person> {
    (
        prop::sample::select(vec![
            None,
            Some("never"),
            Some("1w"),
            Some("1m"),
            Some("6m"),
        ]),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.4, 0usize..8),
        0i64..900,
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(every, archived, key, birthday_today, via, created_days_ago, followup_today)| {
                Person {
                    every,
                    archived,
                    key,
                    birthday_today,
                    via,
                    created_days_ago,
                    followup_today,
                }
            },
        )
}

fn touch() -> impl Strategy<Value = Touch> {
    (
        prop::collection::vec(0usize..8, 1..3),
        // Mostly the last year, some within days (the exclusions' edges).
        prop_oneof![1i64..24 * 20, 1i64..24 * 800],
        prop::sample::select(vec![
            "call", "email", "message", "meeting", "visit", "other",
        ]),
        prop::sample::select(vec![-1i64, 0, 0, 1]),
    )
        .prop_map(|(who, hours_ago, channel, trust)| Touch {
            who,
            hours_ago,
            channel,
            trust,
        })
}

fn journal(people: &[Person], touches: &[Touch]) -> String {
    let n = people.len();
    let contacts: Vec<Value> = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "uid": uid(1, i),
                "handle": format!("p{i}"),
                "name": format!("P{i}"),
                "tags": if p.key { vec!["key-account"] } else { vec![] },
                "every": p.every,
                "birthday": if p.birthday_today { Some("1980-11-27") } else { None },
                "via": p.via.filter(|v| *v < i).map(|v| uid(1, v)),
                "created_at": rfc(NOW - p.created_days_ago * DAY - 1000 * DAY),
                "archived_at": if p.archived { Some(rfc(NOW - DAY)) } else { None },
            })
        })
        .collect();
    let interactions: Vec<Value> = touches
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut who: Vec<String> = t.who.iter().map(|w| uid(1, w % n)).collect();
            who.dedup();
            let mut traits = serde_json::Map::new();
            if t.trust != 0 {
                traits.insert("trust".into(), json!(t.trust));
            }
            json!({
                "uid": uid(2, k),
                "at": rfc(NOW - t.hours_ago * 3600),
                "channel": t.channel,
                "contacts": who,
                "traits": traits,
            })
        })
        .collect();
    let followups: Vec<Value> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.followup_today)
        .map(|(i, _)| {
            json!({"uid": uid(3, i), "contact": uid(1, i), "due_at": rfc(NOW + 3600), "text": "call"})
        })
        .collect();
    json!({
        "rel_export": 1,
        "settings": {},
        "contacts": contacts,
        "interactions": interactions,
        "followups": followups,
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn suggest_never_lists_due_archived_or_recently_touched(
        people in prop::collection::vec(person(), 1..8),
        touches in prop::collection::vec(touch(), 0..40),
    ) {
        let env = TestEnv::new();
        let file = env.dir.path().join("journal.json");
        std::fs::write(&file, journal(&people, &touches)).expect("write");
        env.ok(&["import", file.to_str().expect("utf-8")]);
        let suggested = env.json(&["suggest", "--limit", "0"]);
        let due = env.json(&["due"]);
        let list = env.json(&["list", "--all"]);
        let contacts: HashMap<String, &Value> = list
            .as_array()
            .expect("array")
            .iter()
            .map(|c| (c["handle"].as_str().unwrap_or_default().to_string(), c))
            .collect();
        let due: Vec<&str> = due
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|r| r["handle"].as_str())
            .collect();
        for row in suggested.as_array().expect("array") {
            let handle = row["handle"].as_str().unwrap_or_default();
            let kind = row["kind"].as_str().unwrap_or_default();
            prop_assert!(!due.contains(&handle), "{handle} is due and suggested");
            let contact = contacts[handle];
            prop_assert!(contact["archived_at"].is_null(), "{handle} is archived");
            prop_assert_ne!(contact["every"].as_str(), Some("never"));
            if let Some(last) = contact["last_touch"].as_str() {
                let last = chrono::DateTime::parse_from_rfc3339(last).expect("time").timestamp();
                let quiet = if kind == "repair" { 3 } else { 14 };
                prop_assert!(last <= NOW - quiet * DAY, "{handle} ({kind}) touched {}s ago", NOW - last);
            }
        }
    }
}
