//! Property tests over the parts that take arbitrary user text: WHO resolution never panics
//! and always finds a contact by its own handle, and handles always follow the contract.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rel::db::Db;
use rel::db::contacts::{self, NewContact, slug};
use rel::db::who::{self, Lookup};

/// Text with the awkward parts over-represented: accents, case, separators, `#`, commas,
/// controls, combining marks and wide characters.
fn awkward_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[#a-zA-Zé ,.'İß_ǅ\u{301}\u{1b}\u{0}-]{0,16}",
        "#[0-9]{0,20}",
    ]
}

fn journal(dir: &tempfile::TempDir) -> Db {
    let mut db = Db::open(&dir.path().join("rel.db")).expect("open");
    // As a command's database: its writes are recorded in the operation log.
    db.set_recorder(&rel::sync::capture::recorder::OPERATION_LOG);
    db.write(|tx| {
        for name in [
            "María López",
            "Mario Rossi",
            "Maria Lopez",
            "Ann",
            "Anne-Marie Ó Súilleabháin",
            "张伟",
            "",
            "---",
        ] {
            let new = NewContact {
                name: name.to_string(),
                ..Default::default()
            };
            contacts::insert(tx, &new, 1_700_000_000)?;
        }
        Ok(())
    })
    .expect("seed contacts");
    db
}

#[test]
fn who_lookup_never_panics_and_errors_are_not_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = journal(&dir);
    let mut runner = TestRunner::new(Config::with_cases(600));
    runner
        .run(&awkward_text(), |who| {
            match who::lookup(db.conn(), &who) {
                Ok(_) => {}
                // Only "ambiguous" may fail a lookup, and it is exit 3 naming candidates.
                Err(err) => {
                    prop_assert_eq!(err.kind, rel::error::Kind::NotFound);
                    prop_assert!(!err.details.is_empty());
                }
            }
            Ok(())
        })
        .expect("property");
}

#[test]
fn a_new_contact_is_always_found_by_its_handle_and_id() {
    let dir = tempfile::tempdir().expect("tmp");
    // The runner takes a `Fn`; the database is written through a RefCell.
    let db = std::cell::RefCell::new(journal(&dir));
    let mut runner = TestRunner::new(Config::with_cases(200));
    runner
        .run(&awkward_text(), |name| {
            let mut db = db.borrow_mut();
            let id = db
                .write(|tx| {
                    let new = NewContact {
                        name: name.clone(),
                        ..Default::default()
                    };
                    contacts::insert(tx, &new, 1_700_000_000)
                })
                .expect("insert");
            let handle = contacts::get(db.conn(), id).expect("get").handle;
            for who in [handle.clone(), format!("#{id}")] {
                match who::lookup(db.conn(), &who).expect("lookup") {
                    Lookup::Found(found) => prop_assert_eq!(found.id, id),
                    Lookup::Missing => prop_assert!(false, "{who} not found"),
                }
            }
            Ok(())
        })
        .expect("property");
}

proptest! {
    #![proptest_config(Config::with_cases(2000))]

    #[test]
    fn slugs_follow_the_handle_rules(name in awkward_text()) {
        let handle = slug(&name);
        prop_assert!(!handle.is_empty());
        prop_assert!(!handle.contains(','), "{handle:?}");
        prop_assert!(!handle.starts_with('-') && !handle.ends_with('-'), "{handle:?}");
        prop_assert!(!handle.contains("--"), "{handle:?}");
        prop_assert!(
            handle.chars().all(|c| c == '-' || c.is_alphanumeric()),
            "{handle:?}"
        );
        prop_assert_eq!(&handle.to_lowercase(), &handle);
        // A handle is its own slug, so typing it back as a name gives the same handle.
        prop_assert_eq!(slug(&handle), handle);
    }
}
