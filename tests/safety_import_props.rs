//! Property test over the JSON importer's settings and dates: whatever a file holds, the
//! import either stores only what `rel config` and the commands would accept (known setting
//! keys with valid values, instants in years 1900–9999) or stops with a usage error (exit 2);
//! it never panics and never stores the rest.

use proptest::prelude::*;
use rel::apply::Apply;
use rel::checks;
use rel::db::Db;
use rel::error::Kind;
use rel::import::json;
use serde_json::json;

/// Setting keys: known, known in odd case, unknown, hostile.
fn setting_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("default-every".to_string()),
        Just("Default-Channel".to_string()),
        "every\\.[a-zA-Z,é ]{0,8}",
        "[a-z\\-\\.]{0,12}",
        ".{0,12}",
    ]
}

/// Setting values: cadences, channels, junk, escape sequences.
fn setting_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "(1|2|3|12|0|-1|100000)(d|w|m|y)",
        "(weekly|monthly|never|inherit|call|email|Meeting|visit|other)",
        "\u{1b}\\[[0-9]{1,2}m(call|2w)",
        ".{0,16}",
    ]
}

/// RFC 3339-ish times around and beyond the range edges, and malformed ones.
fn instant() -> impl Strategy<Value = String> {
    prop_oneof![
        (1800i32..10100, 1u32..13, 1u32..29, 0u32..24, -14i32..15).prop_map(
            |(y, mo, d, h, off)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:00:00{off:+03}:00")
        ),
        Just("9999-12-31T23:00:00-05:00".to_string()),
        Just("1900-01-01T00:30:00+01:00".to_string()),
        Just("+10000-01-01T00:00:00Z".to_string()),
        ".{0,25}",
    ]
}

fn in_range(unix: i64) -> bool {
    rel::when::check_unix_in_range(unix).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn imported_settings_and_dates_pass_the_commands_checks(
        settings in prop::collection::btree_map(setting_key(), setting_value(), 0..4),
        created in instant(),
        at in instant(),
        due in instant(),
        birthday in prop_oneof!["[0-9]{4}-[0-9]{2}-[0-9]{2}", "--[0-9]{2}-[0-9]{2}", ".{0,10}"],
        skip_invalid: bool,
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut db = Db::open(&dir.path().join("rel.db")).expect("open");
        // As a command's database: its writes are recorded in the operation log.
        db.set_recorder(&rel::sync::capture::recorder::OPERATION_LOG);
        let doc = json!({
            "rel_export": 1,
            "settings": settings,
            "contacts": [{ "uid": "c1", "name": "Ann", "created_at": created, "birthday": birthday }],
            "interactions": [{ "uid": "i1", "at": at, "channel": "call", "contacts": ["c1"] }],
            "followups": [{ "uid": "f1", "contact": "c1", "due_at": due, "text": "call" }],
        })
        .to_string();
        let outcome = db.write_or_rehearse(false, |tx| {
            let mut apply = Apply::new(tx, 1_800_000_000, skip_invalid)?;
            json::read(doc.as_bytes(), &mut apply).map_err(|err| match err {
                json::ReadError::Sink(err) => err,
                json::ReadError::Syntax(err) => rel::error::Error::usage(err.to_string()),
            })?;
            apply.finish()?;
            // Inside the transaction: everything stored passes the commands' checks.
            for (key, value) in rel::db::settings::all(tx)? {
                let (checked_key, checked_value) = checks::setting(&key, &value)
                    .unwrap_or_else(|err| panic!("stored setting {key:?}={value:?}: {}", err.message));
                assert_eq!((checked_key, checked_value), (key, value));
            }
            let mut stmt = tx.prepare(
                "SELECT created_at FROM contacts UNION ALL SELECT at FROM interactions
                 UNION ALL SELECT due_at FROM followups",
            )?;
            let times: Vec<i64> = stmt
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for unix in times {
                assert!(in_range(unix), "stored {unix} out of range");
            }
            let mut stmt = tx.prepare("SELECT birthday FROM contacts WHERE birthday IS NOT NULL")?;
            let birthdays: Vec<String> = stmt
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for stored in birthdays {
                assert_eq!(checks::birthday(&stored).ok(), Some(stored.clone()));
            }
            Ok(())
        });
        if let Err(err) = outcome {
            prop_assert_eq!(err.kind, Kind::Usage, "{}", err.message);
        }
    }
}
