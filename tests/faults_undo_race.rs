//! Undoing a merge right after it raced other machines' work (issue 22's last gap), three
//! machines on one folder, through the real binary: whatever order the operations reach a
//! machine in, every machine that says `up to date` holds the journal a fresh machine folds
//! from the whole history.

use crate::common::replica::Replica;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

/// Machines on one folder, all holding what the first wrote before.
struct Machines {
    all: Vec<Replica>,
    shared: tempfile::TempDir,
}

impl Machines {
    fn new(names: &[&str], before: &[&[&str]]) -> Machines {
        let shared = tempfile::tempdir().expect("tempdir");
        let dir = shared.path().join("drive").display().to_string();
        let all: Vec<Replica> = names.iter().map(|name| Replica::new(name)).collect();
        for args in before {
            all[0].ok(noon(), args);
        }
        all[0].ok(noon(), &["sync", "init", "--folder", &dir]);
        all[0].ok(noon(), &["sync"]);
        let key = all[0].ok(noon(), &["sync", "key"]);
        for machine in &all[1..] {
            machine.ok(
                noon(),
                &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
            );
            machine.ok(noon(), &["sync"]);
        }
        Machines { all, shared }
    }

    /// Everyone syncs twice over, then each says `up to date` and all digests agree with a
    /// fresh machine's fold of the whole history.
    fn settle(&self, at: DateTime<Utc>) {
        for _ in 0..2 {
            for machine in &self.all {
                machine.ok(at, &["sync"]);
            }
        }
        let fresh = Replica::new("fresh");
        let key = self.all[0].ok(at, &["sync", "key"]);
        let dir = self.shared.path().join("drive").display().to_string();
        fresh.ok(
            at,
            &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
        );
        fresh.ok(at, &["sync"]);
        let expected = fresh.digest(at);
        for machine in &self.all {
            let said = machine.ok(at, &["sync"]);
            assert_eq!(said.trim_end(), "up to date", "{}", machine.name);
            assert_eq!(
                machine.digest(at),
                expected,
                "{} holds another journal than a fresh fold",
                machine.name
            );
        }
    }
}

fn show(machine: &Replica, at: DateTime<Utc>, who: &str) -> Value {
    let out = machine.ok(at, &["show", who, "--format", "json"]);
    serde_json::from_str(&out).expect("json")
}

/// The laptop merges Cy into Bo; the desktop, not synced, sets Cy's org and a tag, logs with
/// Cy and sets Cy a reminder, then receives the merge (so it hands all of it to Bo); a third
/// machine merges Bo into Ed, which the desktop receives next (it all travels on to Ed); then
/// the laptop undoes its merge. Cy is back with its tag, note and follow-up, and Ed holds none
/// of it: on the desktop too, which received the undo last.
#[test]
fn an_undone_merge_takes_back_what_travelled_on_to_a_later_merge() {
    let m = Machines::new(
        &["laptop", "desktop", "tablet"],
        &[&["add", "Cy Dunn"], &["add", "Bo Ek"], &["add", "Ed Gray"]],
    );
    let (laptop, desktop, tablet) = (&m.all[0], &m.all[1], &m.all[2]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    laptop.ok(at(1), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(1), &["sync"]);
    tablet.ok(at(2), &["sync"]);
    desktop.ok(at(3), &["edit", "cy-dunn", "--org", "Acme", "--tag", "vip"]);
    desktop.ok(at(3), &["log", "cy-dunn", "raced"]);
    desktop.ok(at(3), &["remind", "cy-dunn", "tomorrow", "call", "Cy"]);
    desktop.ok(at(3), &["sync"]);
    assert_eq!(show(desktop, at(3), "bo-ek")["org"], "Acme");
    assert_eq!(show(desktop, at(3), "bo-ek")["tags"], json!(["vip"]));
    tablet.ok(at(4), &["merge", "bo-ek", "ed-gray", "--yes"]);
    tablet.ok(at(4), &["sync"]);
    desktop.ok(at(5), &["sync"]);
    assert_eq!(show(desktop, at(5), "ed-gray")["org"], "Acme");
    assert_eq!(show(desktop, at(5), "ed-gray")["tags"], json!(["vip"]));
    laptop.ok(at(6), &["undo"]);
    laptop.ok(at(6), &["sync"]);
    desktop.ok(at(7), &["sync"]);
    m.settle(at(8));
    for machine in &m.all {
        let (cy, ed) = (
            show(machine, at(8), "cy-dunn"),
            show(machine, at(8), "ed-gray"),
        );
        assert_eq!(cy["tags"], json!(["vip"]), "{}: {cy}", machine.name);
        assert_eq!(
            cy["interactions"][0]["note"], "raced",
            "{}: {cy}",
            machine.name
        );
        assert_eq!(
            cy["followups"][0]["text"], "call Cy",
            "{}: {cy}",
            machine.name
        );
        assert_eq!(ed["tags"], json!([]), "{}: {ed}", machine.name);
        assert_eq!(ed["org"], Value::Null, "{}: {ed}", machine.name);
        assert_eq!(ed["interactions"], json!([]), "{}: {ed}", machine.name);
        assert_eq!(ed["followups"], json!([]), "{}: {ed}", machine.name);
    }
}

/// Two machines change who took part in one interaction at the same moment, each putting
/// someone else first: both end at position 0. Every machine lists them in one order (by
/// uid, as the digest does), whichever change it applied first and whatever local ids the
/// two have there (Bo came first to the laptop, Cy to the desktop).
#[test]
fn participants_tied_on_position_are_listed_in_one_order() {
    let m = Machines::new(
        &["laptop", "desktop"],
        &[&["add", "Ann Lee"], &["log", "ann-lee", "lunch"]],
    );
    let (laptop, desktop) = (&m.all[0], &m.all[1]);
    let at = noon() + Duration::minutes(1);
    laptop.ok(at, &["add", "Bo Ek"]);
    desktop.ok(at, &["add", "Cy Dunn"]);
    desktop.ok(at, &["sync"]);
    laptop.ok(at, &["sync"]);
    desktop.ok(at, &["sync"]);
    laptop.ok(at, &["amend", "1", "--with", "bo-ek"]);
    desktop.ok(at, &["amend", "1", "--with", "cy-dunn"]);
    laptop.ok(at, &["sync"]);
    desktop.ok(at, &["sync"]);
    m.settle(at);
    let contacts = |machine: &Replica| {
        let out = machine.ok(at, &["timeline", "--format", "json"]);
        let rows: Value = serde_json::from_str(&out).expect("json");
        rows[0]["contacts"].clone()
    };
    assert_eq!(contacts(laptop).as_array().map(Vec::len), Some(2));
    assert_eq!(contacts(laptop), contacts(desktop));
    // The export too (its interactions; records are listed by local id, which differs).
    let exported = |machine: &Replica| {
        let text = machine.ok(at, &["export", "--format", "json"]);
        let doc: Value = serde_json::from_str(&text).expect("json");
        doc["interactions"][0]["contacts"].clone()
    };
    assert_eq!(exported(laptop), exported(desktop));
}

/// The desktop merges Ann into Bo (her lunch moves to Bo) while the laptop, not synced,
/// unlogs the lunch; the laptop receives the merge, then undoes its unlog. The lunch comes
/// back with Bo, on the laptop as everywhere else (it came back with no one there).
#[test]
fn an_interaction_brought_back_by_undo_takes_the_participants_a_merge_gave_it_meanwhile() {
    let m = Machines::new(
        &["laptop", "desktop"],
        &[
            &["add", "Ann Lee"],
            &["add", "Bo Ek"],
            &["log", "ann-lee", "lunch"],
        ],
    );
    let (laptop, desktop) = (&m.all[0], &m.all[1]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    desktop.ok(at(1), &["merge", "ann-lee", "bo-ek", "--yes"]);
    desktop.ok(at(1), &["sync"]);
    laptop.ok(at(2), &["unlog", "1", "--yes"]);
    laptop.ok(at(3), &["sync"]);
    laptop.ok(at(4), &["undo"]);
    m.settle(at(5));
    for machine in &m.all {
        let out = machine.ok(at(5), &["timeline", "--format", "json"]);
        let rows: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(rows[0]["note"], "lunch", "{}: {rows}", machine.name);
        assert_eq!(
            rows[0]["contacts"],
            json!(["bo-ek"]),
            "{}: {rows}",
            machine.name
        );
    }
}

/// The laptop merges Cy into Bo while the desktop, not synced, logs with Cy and removes Bo:
/// receiving the merge, the desktop brings Bo back archived to hold Cy's new note. The laptop
/// then undoes its merge: the note goes back to Cy, and Bo, held by nothing now, goes again
/// on the desktop too, as `rm` left it everywhere else.
#[test]
fn a_target_brought_back_only_for_a_merge_goes_again_when_the_merge_is_undone() {
    let m = Machines::new(
        &["laptop", "desktop"],
        &[&["add", "Cy Dunn"], &["add", "Bo Ek"]],
    );
    let (laptop, desktop) = (&m.all[0], &m.all[1]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    laptop.ok(at(1), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(1), &["sync"]);
    desktop.ok(at(2), &["log", "cy-dunn", "raced"]);
    desktop.ok(at(2), &["rm", "bo-ek", "--yes"]);
    desktop.ok(at(3), &["sync"]);
    let archived = desktop.ok(at(3), &["list", "--archived", "--format", "json"]);
    assert!(archived.contains("bo-ek"), "{archived}");
    laptop.ok(at(4), &["undo"]);
    laptop.ok(at(4), &["sync"]);
    desktop.ok(at(5), &["sync"]);
    m.settle(at(6));
    for machine in &m.all {
        let handles = machine.strings("SELECT handle FROM contacts");
        assert_eq!(handles, ["cy-dunn"], "{}", machine.name);
        let shown = show(machine, at(6), "cy-dunn");
        assert_eq!(
            shown["interactions"][0]["note"], "raced",
            "{}",
            machine.name
        );
    }
}

/// Bo was tagged `work` by a change, and Cy later too; the laptop merges Cy into Bo (the merge
/// hands Cy's later tag over, Bo holding it already) and undoes the merge. Bo keeps its own
/// tag on every machine, as on one that never saw the merge.
#[test]
fn an_undone_merge_leaves_a_tag_the_target_held_already() {
    let m = Machines::new(
        &["laptop", "desktop"],
        &[&["add", "Cy Dunn"], &["add", "Bo Ek"]],
    );
    let (laptop, desktop) = (&m.all[0], &m.all[1]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    desktop.ok(at(1), &["edit", "bo-ek", "--tag", "work"]);
    desktop.ok(at(2), &["edit", "cy-dunn", "--tag", "work"]);
    desktop.ok(at(2), &["sync"]);
    laptop.ok(at(3), &["sync"]);
    laptop.ok(at(3), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(4), &["undo"]);
    m.settle(at(5));
    for machine in &m.all {
        for who in ["bo-ek", "cy-dunn"] {
            let shown = show(machine, at(5), who);
            assert_eq!(shown["tags"], json!(["work"]), "{}: {shown}", machine.name);
        }
    }
}

/// The desktop tags Cy `vip`; the laptop merges Cy into Bo and receives the tag (handing it to
/// Bo); the desktop, not having seen the merge, untags Cy. Once both have synced, Bo holds no
/// `vip` on either machine, as a fresh fold (where Cy's latest tag change is the untag) has it.
#[test]
fn a_merged_contacts_later_change_takes_back_what_an_earlier_one_handed() {
    let m = Machines::new(
        &["laptop", "desktop"],
        &[&["add", "Cy Dunn"], &["add", "Bo Ek"]],
    );
    let (laptop, desktop) = (&m.all[0], &m.all[1]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    desktop.ok(at(1), &["edit", "cy-dunn", "--tag", "vip"]);
    desktop.ok(at(1), &["sync"]);
    laptop.ok(at(2), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(2), &["sync"]);
    assert_eq!(show(laptop, at(2), "bo-ek")["tags"], json!(["vip"]));
    desktop.ok(at(3), &["edit", "cy-dunn", "--untag", "vip"]);
    desktop.ok(at(3), &["sync"]);
    m.settle(at(4));
    for machine in &m.all {
        let shown = show(machine, at(4), "bo-ek");
        assert_eq!(shown["tags"], json!([]), "{}: {shown}", machine.name);
    }
}

/// The laptop merges Cy into Bo while the desktop sets Cy's org and then sets and clears Bo's:
/// Bo's later change wins, so Cy's org is not handed to Bo. The tablet then merges Bo into Ed,
/// which lacks an org: Cy's chain now ends at Ed, and Cy's org goes there on every machine, as
/// a fresh fold hands it.
#[test]
fn a_contact_merged_into_one_merged_on_hands_its_fields_to_the_new_end() {
    let m = Machines::new(
        &["laptop", "desktop", "tablet"],
        &[&["add", "Cy Dunn"], &["add", "Bo Ek"], &["add", "Ed Gray"]],
    );
    let (laptop, desktop, tablet) = (&m.all[0], &m.all[1], &m.all[2]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    desktop.ok(at(1), &["edit", "cy-dunn", "--org", "Acme"]);
    desktop.ok(at(2), &["edit", "bo-ek", "--org", "Bolt"]);
    desktop.ok(at(3), &["edit", "bo-ek", "--org", ""]);
    laptop.ok(at(4), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(4), &["sync"]);
    desktop.ok(at(5), &["sync"]);
    laptop.ok(at(5), &["sync"]);
    tablet.ok(at(6), &["sync"]);
    tablet.ok(at(6), &["merge", "bo-ek", "ed-gray", "--yes"]);
    tablet.ok(at(6), &["sync"]);
    m.settle(at(7));
    for machine in &m.all {
        let shown = show(machine, at(7), "ed-gray");
        assert_eq!(shown["org"], "Acme", "{}: {shown}", machine.name);
    }
}

/// The phone sets Ed's org offline; the laptop merges Cy into Bo (Bo takes Cy's org) while
/// the tablet merges Bo into Ed. The desktop receives both merges (Ed takes Cy's org from Bo),
/// then the phone's older edit, which loses to that hand-over, then the laptop's undo. Ed goes
/// back to the phone's org everywhere, as on a machine that had the edit before the merges
/// (seed 24 of the simulation ended with the desktop's Ed holding no org at all).
#[test]
fn an_older_edit_that_lost_to_a_hand_over_is_what_the_target_gets_back() {
    let m = Machines::new(
        &["laptop", "desktop", "tablet", "phone"],
        &[
            &["add", "Cy Dunn", "--org", "Cy Org"],
            &["add", "Bo Ek"],
            &["add", "Ed Gray"],
        ],
    );
    let (laptop, desktop, tablet, phone) = (&m.all[0], &m.all[1], &m.all[2], &m.all[3]);
    let at = |minutes| noon() + Duration::minutes(minutes);
    phone.ok(at(1), &["edit", "ed-gray", "--org", "Ed Org"]);
    laptop.ok(at(2), &["merge", "cy-dunn", "bo-ek", "--yes"]);
    laptop.ok(at(2), &["sync"]);
    tablet.ok(at(2), &["merge", "bo-ek", "ed-gray", "--yes"]);
    tablet.ok(at(3), &["sync"]);
    desktop.ok(at(4), &["sync"]);
    assert_eq!(show(desktop, at(4), "ed-gray")["org"], "Cy Org");
    phone.ok(at(5), &["sync"]);
    desktop.ok(at(6), &["sync"]);
    assert_eq!(show(desktop, at(6), "ed-gray")["org"], "Cy Org");
    laptop.ok(at(7), &["undo"]);
    laptop.ok(at(7), &["sync"]);
    desktop.ok(at(8), &["sync"]);
    m.settle(at(9));
    for machine in &m.all {
        let ed = show(machine, at(9), "ed-gray");
        assert_eq!(ed["org"], "Ed Org", "{}: {ed}", machine.name);
    }
}
