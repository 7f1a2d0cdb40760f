//! Issue 12: real address books come in whole. Each file of `tests/data/` is written the way
//! its program writes it (CRLF, folding, quoted-printable, legacy charsets, the real
//! Outlook and Google headers); every test goes through the binary.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn sample(name: &str) -> String {
    format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports with `--format json`, asserts exit 0, returns the summary and stderr.
#[track_caller]
fn import(env: &TestEnv, args: &[&str]) -> (Value, String) {
    let mut all = vec!["import"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let run = env.run(&all);
    assert_eq!(run.code, 0, "rel {all:?}: {}", run.stderr);
    let summary = serde_json::from_str(&run.stdout).expect("JSON summary");
    (summary, run.stderr)
}

fn counts(summary: &Value) -> (i64, i64, i64) {
    let t = &summary["contacts"];
    (
        t["created"].as_i64().unwrap(),
        t["updated"].as_i64().unwrap(),
        t["unchanged"].as_i64().unwrap(),
    )
}

fn show(env: &TestEnv, handle: &str) -> Value {
    env.json(&["show", handle])
}

fn names(env: &TestEnv) -> Vec<String> {
    let list = env.json(&["list"]);
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn write(env: &TestEnv, name: &str, bytes: &[u8]) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// Every test file, with the options it needs.
const FILES: [&[&str]; 17] = [
    &["icloud.vcf"],
    &["vcard4-groups.vcf"],
    &["outlook21.vcf"],
    &["outlook.csv"],
    &["outlook-1252.csv", "--encoding", "windows-1252"],
    &["android.vcf"],
    &["google-labels.csv"],
    &["duplicates.vcf"],
    &["google.vcf"],
    &["apple.vcf"],
    &["legacy21.vcf"],
    &["thunderbird.vcf"],
    &["google.csv"],
    &["google-legacy.csv"],
    &["contacts.csv"],
    &["malformed.vcf", "--skip-invalid"],
    &["stray.vcf", "--skip-invalid"],
];

#[test]
fn second_import_of_every_file_changes_nothing() {
    for file in FILES {
        let env = TestEnv::new();
        let mut args = vec![sample(file[0])];
        args.extend(file[1..].iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (first, _) = import(&env, &args);
        assert!(counts(&first).0 > 0, "{file:?}: {first}");
        let (second, _) = import(&env, &args);
        let (created, updated, _) = counts(&second);
        assert_eq!((created, updated), (0, 0), "{file:?}: {second}");
    }
}

#[test]
fn glued_cards_from_cat_both_import() {
    let env = TestEnv::new();
    let first = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann One\r\nEND:VCARD";
    let second = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Two\r\nEND:VCARD\r\n";
    let path = write(&env, "joined.vcf", format!("{first}{second}").as_bytes());
    let (summary, _) = import(&env, &[&path]);
    assert_eq!(counts(&summary), (2, 0, 0));
    assert_eq!(names(&env), ["Ann One", "Bo Two"]);
}

#[test]
fn stray_lines_between_cards_are_exit_2_naming_the_line() {
    let env = TestEnv::new();
    let err = env.fails(&["import", &sample("stray.vcf")], 2);
    assert!(err.contains("(line 5)"), "{err}");
    assert!(
        err.contains("'FN:Stray Person' is outside any BEGIN:VCARD"),
        "{err}"
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 0);
    let (summary, _) = import(&env, &[&sample("stray.vcf"), "--skip-invalid"]);
    assert_eq!(counts(&summary), (2, 0, 0));
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["skipped_records"][0]["line"], 5);
}

#[test]
fn duplicates_in_one_file_keep_the_first_card_and_fill_from_the_rest() {
    let env = TestEnv::new();
    let (first, _) = import(&env, &[&sample("duplicates.vcf")]);
    // Issue 21: the second card of a person is counted as repeated within the file.
    assert_eq!(counts(&first), (2, 0, 0));
    assert_eq!(first["contacts"]["repeated"], 2);
    let maria = show(&env, "maria-lopez");
    assert_eq!(maria["name"], "Maria Lopez");
    assert_eq!(maria["org"], "Acme");
    assert_eq!(maria["role"], "CTO");
    assert_eq!(
        strings(&maria["emails"]),
        ["maria@example.com", "mlopez@acme.example"]
    );
    assert_eq!(show(&env, "sam-carter")["note"], "first");
    let (again, _) = import(&env, &[&sample("duplicates.vcf")]);
    assert_eq!(counts(&again), (0, 0, 2));
    assert_eq!(again["contacts"]["repeated"], 2);
}

#[test]
fn icloud_and_vcard4_groups_become_tags_on_their_members() {
    let env = TestEnv::new();
    let (summary, _) = import(&env, &[&sample("icloud.vcf")]);
    assert_eq!(counts(&summary), (4, 0, 0));
    assert_eq!(summary["groups"], 2);
    assert_eq!(
        names(&env),
        ["Die Firma", "Jane Doe", "John Doe", "Johnny Appleseed"]
    );
    assert_eq!(
        strings(&show(&env, "jane-doe")["tags"]),
        ["staff", "the doe family"]
    );
    assert_eq!(strings(&show(&env, "johnny-appleseed")["tags"]), ["staff"]);
    let env = TestEnv::new();
    let (summary, _) = import(&env, &[&sample("vcard4-groups.vcf")]);
    assert_eq!(counts(&summary), (2, 0, 0));
    let simon = show(&env, "simon-perreault");
    assert_eq!(strings(&simon["tags"]), ["the doe family"]);
    assert_eq!(
        simon["uid"],
        "urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af"
    );
}

#[test]
fn a_group_whose_members_came_earlier_tags_them_and_counts_an_update() {
    let env = TestEnv::new();
    let member = "BEGIN:VCARD\nVERSION:4.0\nUID:urn:uuid:aaaa\nFN:Kim\nEND:VCARD\n";
    let group = "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Choir\nMEMBER:urn:uuid:AAAA\nMEMBER:urn:uuid:gone\nEND:VCARD\n";
    import(&env, &[&write(&env, "m.vcf", member.as_bytes())]);
    let both = format!("{member}{group}");
    let (summary, stderr) = import(&env, &[&write(&env, "g.vcf", both.as_bytes())]);
    assert_eq!(counts(&summary), (0, 1, 0));
    assert_eq!(strings(&show(&env, "kim")["tags"]), ["choir"]);
    assert!(
        stderr.contains("group 'Choir': 1 member(s) not found: urn:uuid:gone"),
        "{stderr}"
    );
}

#[test]
fn system_groups_are_not_tags() {
    let env = TestEnv::new();
    import(&env, &[&sample("android.vcf")]);
    assert_eq!(
        strings(&show(&env, "chiamaka-okafor")["tags"]),
        ["book club"]
    );
    import(&env, &[&sample("google-labels.csv")]);
    assert_eq!(strings(&show(&env, "marta-rossi")["tags"]), ["running"]);
    import(&env, &[&sample("vcard4-groups.vcf")]);
    let tags = env.ok(&["list", "--tag", "my contacts"]);
    assert_eq!(tags.lines().count(), 1, "only the header: {tags}");
}

#[test]
fn company_only_and_phone_only_cards_are_named() {
    let env = TestEnv::new();
    import(&env, &[&sample("icloud.vcf")]);
    let firma = show(&env, "die-firma");
    assert_eq!(firma["name"], "Die Firma");
    assert_eq!(firma["org"], "Die Firma");
    let env = TestEnv::new();
    import(&env, &[&sample("android.vcf")]);
    assert_eq!(show(&env, "1-555-0123")["name"], "+1 555 0123");
    let nothing = "BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nNOTE:who?\nEND:VCARD\n";
    let err = env.fails(&["import", &write(&env, "n.vcf", nothing.as_bytes())], 2);
    assert!(
        err.contains("no FN, N, ORG, EMAIL or TEL to name it by"),
        "{err}"
    );
}

#[test]
fn outlook_csv_columns_are_read_and_ignored_ones_named() {
    let env = TestEnv::new();
    let (summary, stderr) = import(&env, &[&sample("outlook.csv")]);
    assert_eq!(counts(&summary), (3, 0, 0));
    let ann = show(&env, "ann-lee");
    assert_eq!(ann["org"], "Northwind Traders");
    assert_eq!(ann["role"], "Account Manager");
    assert_eq!(ann["birthday"], "1980-03-22");
    assert_eq!(strings(&ann["tags"]), ["business", "vip"]);
    assert_eq!(
        strings(&ann["emails"]),
        ["ann.lee@northwind.example", "ann@home.example"]
    );
    assert_eq!(strings(&ann["phones"]).len(), 3);
    assert_eq!(
        ann["note"],
        "Prefers calls before noon.\nAsk about the Q3 order."
    );
    // A company with an email is a contact named by its company.
    assert_eq!(
        show(&env, "contoso-ltd")["emails"][0],
        "info@contoso.example"
    );
    // A day above 12 first is read day/month.
    assert_eq!(show(&env, "piotr-nowak")["birthday"], "1975-03-22");
    assert_eq!(
        stderr.trim_end(),
        "rel: warning: columns not imported: Department, Business Street, Business City \
         (and 56 empty columns)"
    );
}

#[test]
fn partial_birthdays_keep_what_they_can_and_say_what_they_drop() {
    let env = TestEnv::new();
    let (summary, stderr) = import(&env, &[&sample("android.vcf")]);
    assert_eq!(counts(&summary), (8, 0, 0));
    assert_eq!(show(&env, "coeyurim")["birthday"], "--04-12");
    assert_eq!(show(&env, "old-friend")["birthday"], "--07-04");
    assert_eq!(show(&env, "chiamaka-okafor")["birthday"], Value::Null);
    for expected in [
        "record 1 (line 1): birthday '1985-04' has no day; left empty",
        "record 4 (line 21): birthday '1980-02-30' is not a real date",
        "record 5 (line 27): birthday '1985' has only a year",
        "record 6 (line 34): birthday '---12' has only a day",
        "record 7 (line 40): birthday 'circa 1815' is not a date",
        "record 8 (line 46): birthday '1850-07-04': year 1850 is outside 1900-9999",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert_eq!(summary["warnings"].as_array().unwrap().len(), 6);
    let (summary, stderr) = import(&env, &[&sample("google-labels.csv")]);
    assert_eq!(counts(&summary).0, 2);
    assert!(
        stderr.contains("record 1 (line 2): birthday '1985' has only a year"),
        "{stderr}"
    );
}

#[test]
fn legacy_charsets_agent_cards_and_quoted_printable_line_breaks() {
    let env = TestEnv::new();
    let (summary, _) = import(&env, &[&sample("outlook21.vcf")]);
    // The nested AGENT card (Petra Schäfer) is not a contact of its own.
    assert_eq!(counts(&summary), (2, 0, 0));
    let jurgen = show(&env, "jurgen-muller");
    assert_eq!(jurgen["name"], "Jürgen Müller");
    assert_eq!(jurgen["org"], "Bäckerei Müller GmbH");
    assert_eq!(jurgen["role"], "Konditormeister – Inhaber");
    assert_eq!(jurgen["birthday"], "1972-03-22");
    assert_eq!(
        strings(&jurgen["phones"]),
        ["+49 30 5550199", "+49 170 5550123"]
    );
    assert_eq!(
        jurgen["note"],
        "Liefert freitags\nBrötchen ab 6 Uhr\nBitte vorher anrufen"
    );
    assert_eq!(show(&env, "renee-ferre")["name"], "Renée Ferré €");
}

#[test]
fn csv_in_windows_1252_needs_encoding() {
    let env = TestEnv::new();
    let err = env.fails(&["import", &sample("outlook-1252.csv")], 2);
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("--encoding windows-1252"), "{err}");
    let err = env.fails(
        &[
            "import",
            &sample("outlook-1252.csv"),
            "--encoding",
            "klingon",
        ],
        2,
    );
    assert!(err.contains("unknown encoding 'klingon'"), "{err}");
    import(
        &env,
        &[&sample("outlook-1252.csv"), "--encoding", "windows-1252"],
    );
    let zoe = show(&env, "zoe-angstrom");
    assert_eq!(zoe["name"], "Zoë Ångström");
    assert_eq!(zoe["org"], "Café Ütopia");
}

#[test]
fn cjk_names_are_written_family_name_first() {
    let env = TestEnv::new();
    import(&env, &[&sample("android.vcf")]);
    let all = names(&env);
    assert!(all.contains(&"최유림".to_string()), "{all:?}");
    assert!(all.contains(&"山田太郎".to_string()), "{all:?}");
    assert!(all.contains(&"Xiaoming Wang".to_string()), "{all:?}");
    let env = TestEnv::new();
    import(&env, &[&sample("google-labels.csv")]);
    assert!(names(&env).contains(&"최유림".to_string()));
}

#[test]
fn handles_are_ascii_slugs() {
    let env = TestEnv::new();
    assert_eq!(env.ok(&["add", "Umlaut ä ö ü ß"]).trim(), "umlaut-a-o-u-ss");
    assert_eq!(env.ok(&["add", "Straße"]).trim(), "strasse");
    import(&env, &[&sample("android.vcf")]);
    let list = env.json(&["list"]);
    for contact in list.as_array().unwrap() {
        let handle = contact["handle"].as_str().unwrap();
        assert!(
            handle
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{handle}"
        );
    }
}

#[test]
fn real_files_joined_by_cat_import_the_cards_of_both() {
    // Record counts (contacts + groups) of each file alone.
    let files = [
        "icloud.vcf",
        "outlook21.vcf",
        "android.vcf",
        "vcard4-groups.vcf",
    ];
    let records = |env: &TestEnv, path: &str| {
        let (summary, _) = import(env, &[path]);
        let (created, updated, unchanged) = counts(&summary);
        created + updated + unchanged + summary["groups"].as_i64().unwrap()
    };
    let alone: Vec<i64> = files
        .iter()
        .map(|file| records(&TestEnv::new(), &sample(file)))
        .collect();
    for (i, first) in files.iter().enumerate() {
        for (j, second) in files.iter().enumerate().filter(|(j, _)| *j != i) {
            let env = TestEnv::new();
            let mut bytes = std::fs::read(sample(first)).unwrap();
            // As a file saved without its final line break.
            while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                bytes.pop();
            }
            bytes.extend(std::fs::read(sample(second)).unwrap());
            let path = write(&env, "joined.vcf", &bytes);
            assert_eq!(
                records(&env, &path),
                alone[i] + alone[j],
                "{first} + {second}"
            );
        }
    }
}
