//! The one test binary (as jj's `cli/tests/runner.rs`): every file `tests/NAME.rs` is a module
//! here, so cargo links one executable instead of one per file (`autotests = false` and the
//! single `[[test]]` in Cargo.toml). Run one file's tests with `cargo test --test runner NAME::`.
//! A file left out would silently never run: `every_test_file_is_in_the_runner` fails instead.

mod common;

mod bench_generator;
mod books_address_books;
mod books_props;
mod books_realdata;
mod capture_calendars;
mod capture_mail;
mod capture_props;
mod capture_sync;
mod core_contacts;
mod core_due;
mod core_errors;
mod core_log;
mod core_output;
mod core_snapshots;
mod daily2_loops;
mod daily2_tables;
mod daily2_who_when;
mod daily_due;
mod daily_reading;
mod daily_who_when;
mod data_backup;
mod data_export;
mod data_import;
mod data_no_panic;
mod faults_checks;
mod faults_clock;
mod faults_fork;
mod faults_merge_undo;
mod faults_remote_empty;
mod faults_remote_files;
mod faults_remote_git;
mod faults_remote_sim;
mod faults_remote_status;
mod faults_remote_team;
mod faults_sync_at_once;
mod faults_undo_race;
mod front_errors_help;
mod front_table_width;
mod fuzz_readers;
mod house_layers;
mod import_concat_props;
mod import_round_trips;
mod import_sources;
mod owner_local;
mod query_plans;
mod remembering_followups_timeline;
mod remembering_search;
mod remembering_shell;
mod remembering_stats;
mod safety_concurrency;
mod safety_escaping;
mod safety_file;
mod safety_hostile;
mod safety_import_props;
mod safety_input;
mod safety_memory;
mod safety_migrations;
mod safety_privacy;
mod safety_props;
mod safety_time;
mod speed_stats_counters;
mod suggest_accounts;
mod suggest_intro;
mod suggest_plans;
mod suggest_props;
mod suggest_rules;
mod suggest_team;
mod sync_commands;
mod sync_contract;
mod sync_flow;
mod sync_kill;
mod sync_remotes;
mod sync_search;
mod sync_sim;
mod sync_undo_merge;
mod team2_access;
mod team2_forgery;
mod team2_output;
mod team2_poison;
mod team2_support;
mod team2_upgrade;
mod team_kill;
mod team_owner;
mod team_remote;
mod team_setup;
mod team_sync;
mod touch_confirm;
mod touch_followups;
mod touch_ids;
mod touch_notes;
mod touch_terminal;

/// What a file written as its own test binary needs to become a module here (the header
/// `mod common;` would look for `tests/NAME/common.rs` inside a module).
fn how_to_include(name: &str, text: &str) -> String {
    let mut steps = vec![format!(
        "add `mod {name};` to tests/runner.rs (alphabetical order)"
    )];
    let declares = |module: &str| {
        text.lines()
            .any(|line| line.trim() == format!("mod {module};"))
    };
    if declares("common") {
        steps.push(format!(
            "in tests/{name}.rs replace `mod common;` with `use crate::common;`"
        ));
    }
    for (old, new) in [("safety_support", "safety"), ("sync_support", "replica")] {
        if declares(old) {
            steps.push(format!(
                "in tests/{name}.rs delete `mod {old};` (add `use crate::common;` if absent) and \
                 write `common::{new}::` for `{old}::`"
            ));
        }
    }
    if text.contains("Ran") && declares("sync_support") {
        steps.push("the run result `Ran` is now `common::Run`".to_string());
    }
    if text.contains("assert_snapshot!") {
        steps.push(format!(
            "rename its snapshots tests/snapshots/{name}__*.snap to runner__{name}__*.snap \
             (insta names them after the module path, now `runner::{name}`)"
        ));
    }
    format!(
        "tests/{name}.rs is not in the test binary: {}",
        steps.join("; ")
    )
}

#[test]
fn every_test_file_is_in_the_runner() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let runner = std::fs::read_to_string(tests.join("runner.rs")).expect("read tests/runner.rs");
    let declared: Vec<&str> = runner
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).expect("list tests/") {
        let path = entry.expect("entry of tests/").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(module) = name.strip_suffix(".rs") else {
            continue;
        };
        if module != "runner" && !declared.contains(&module) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            missing.push(how_to_include(module, &text));
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
