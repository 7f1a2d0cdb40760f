//! Issue 11 point 5: naming a contact (exact name words win, typos get suggestions, archived
//! contacts say so) and the refined WHEN forms, through the binary.

use crate::common;
use common::TestEnv;

#[test]
fn an_exact_name_word_wins_over_prefixes() {
    let env = TestEnv::new();
    env.ok(&["add", "Sam Carter"]);
    env.ok(&["add", "Samantha Reyes"]);
    env.ok(&["add", "José Núñez"]);
    assert_eq!(env.json(&["show", "sam"])["handle"], "sam-carter");
    assert_eq!(env.json(&["show", "SAM"])["handle"], "sam-carter");
    // Accents and case are ignored for the word.
    assert_eq!(env.json(&["show", "nunez"])["handle"], "jose-nunez");
    // A prefix shared by both is still ambiguous, listing both.
    let stderr = env.fails(&["show", "sa"], 3);
    assert!(
        stderr.contains("sam-carter") && stderr.contains("samantha-reyes"),
        "{stderr}"
    );
    // Two contacts sharing the word: ambiguous, not the first one.
    env.ok(&["add", "Sam Wu"]);
    let stderr = env.fails(&["show", "sam"], 3);
    assert!(
        stderr.contains("sam-wu") && stderr.contains("sam-carter"),
        "{stderr}"
    );
}

#[test]
fn no_match_suggests_close_handles() {
    let env = TestEnv::new();
    env.ok(&["add", "John Smith"]);
    env.ok(&["add", "Maria Lopez"]);
    let stderr = env.fails(&["show", "jhon"], 3);
    assert!(stderr.contains("no contact matches 'jhon'"), "{stderr}");
    assert!(stderr.contains("did you mean john-smith?"), "{stderr}");
    let stderr = env.fails(&["log", "marai", "hello"], 3);
    assert!(stderr.contains("did you mean maria-lopez?"), "{stderr}");
    let stderr = env.fails(&["show", "zzzzzz"], 3);
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
}

#[test]
fn a_who_matching_only_archived_contacts_says_so() {
    let env = TestEnv::new();
    env.ok(&["add", "Alex Newman"]);
    env.ok(&["archive", "alex-newman"]);
    let stderr = env.fails(&["log", "alex", "hello"], 3);
    assert!(
        stderr.contains("alex-newman is archived; use its handle or rel unarchive alex-newman"),
        "{stderr}"
    );
    assert!(!stderr.contains("rel add"), "{stderr}");
    // By handle it still resolves.
    env.ok(&["log", "alex-newman", "hello"]);
}

#[test]
fn refined_when_forms_through_the_binary() {
    // Tuesday 1 December 2026, 09:00 UTC.
    let env = TestEnv::new().at("2026-12-01T09:00:00Z");
    env.ok(&["add", "Bob Jones"]);
    let logged_at = |when: &str| -> String {
        let id = env.ok(&["log", "bob", "x", "--at", when]);
        let rows = env.json(&["timeline"]);
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"].as_i64() == id.trim().parse().ok())
            .cloned()
            .unwrap();
        row["at"].as_str().unwrap().to_string()
    };
    // At 9:00 on a Tuesday, "tue 10am" is last Tuesday; "tue 8am" is today.
    assert_eq!(logged_at("tue 10am"), "2026-11-24T10:00:00+00:00");
    assert_eq!(logged_at("tue 8am"), "2026-12-01T08:00:00+00:00");
    assert_eq!(logged_at("10am"), "2026-11-30T10:00:00+00:00");
    assert_eq!(logged_at("last tuesday"), "2026-11-24T00:00:00+00:00");
    assert_eq!(logged_at("last friday 3pm"), "2026-11-27T15:00:00+00:00");
    assert_eq!(logged_at("3 weeks ago"), "2026-11-10T09:00:00+00:00");
    assert_eq!(logged_at("last month"), "2026-11-01T09:00:00+00:00");
    assert_eq!(logged_at("dec 5"), "2025-12-05T00:00:00+00:00");
    assert_eq!(logged_at("5 nov 2026 14:30"), "2026-11-05T14:30:00+00:00");
    let follow_up = |when: &str| -> String {
        let id = env.ok(&["remind", "bob", when, "y"]);
        env.json(&["followups"])
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"].as_i64() == id.trim().parse().ok())
            .unwrap()["due_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(follow_up("next friday"), "2026-12-04T00:00:00+00:00");
    assert_eq!(follow_up("next week"), "2026-12-08T09:00:00+00:00");
    assert_eq!(follow_up("in 2w"), "2026-12-15T09:00:00+00:00");
    assert_eq!(follow_up("december 5"), "2026-12-05T00:00:00+00:00");
    assert_eq!(follow_up("8am"), "2026-12-02T08:00:00+00:00");
    let stderr = env.fails(&["remind", "bob", "next someday", "z"], 2);
    assert!(stderr.contains("invalid date"), "{stderr}");
}
