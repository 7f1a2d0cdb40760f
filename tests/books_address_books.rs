//! Issue 21, "Address books": each numbered point with a small file of `tests/data/books/`
//! written the way its program writes it, imported through the real binary.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn sample(name: &str) -> String {
    format!("{}/tests/data/books/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `rel import FILE [ARGS] --format json`: exit 0, the summary's contact counts and stderr.
#[track_caller]
fn import(env: &TestEnv, file: &str, args: &[&str]) -> (Value, String) {
    let path = sample(file);
    let mut all = vec!["import", path.as_str()];
    all.extend(args);
    all.extend(["--format", "json"]);
    let run = env.run(&all);
    assert_eq!(run.code, 0, "rel {all:?}: {}", run.stderr);
    let summary: Value = serde_json::from_str(&run.stdout).expect("JSON summary");
    (summary["contacts"].clone(), run.stderr)
}

fn counts(tally: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "repeated"].map(|k| tally[k].as_i64().unwrap_or(-1))
}

fn contacts(env: &TestEnv) -> Vec<Value> {
    env.json(&["list", "--all"])
        .as_array()
        .cloned()
        .expect("a JSON array")
}

fn contact(env: &TestEnv, handle: &str) -> Value {
    env.json(&["show", handle])
}

fn texts(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Imports `file` a second time: nothing may be created or updated.
#[track_caller]
fn second_import_changes_nothing(env: &TestEnv, file: &str, args: &[&str]) {
    let (tally, _) = import(env, file, args);
    assert_eq!(
        counts(&tally)[..2],
        [0, 0],
        "second import of {file}: {tally}"
    );
}

// 1. Different people sharing an email are never merged.

#[test]
fn a_family_sharing_one_address_stays_two_people() {
    let env = TestEnv::new();
    let path = sample("family.vcf");
    let run = env.run(&["import", &path, "--format", "json"]);
    let summary: Value = serde_json::from_str(&run.stdout).expect("JSON summary");
    assert_eq!(
        summary["shared_emails"],
        serde_json::json!(["jane-smith shares smiths@example.com with john-smith"])
    );
    let (tally, stderr) = (summary["contacts"].clone(), run.stderr);
    assert_eq!(counts(&tally), [2, 0, 0, 1], "{tally}");
    assert!(
        stderr.contains("jane-smith shares smiths@example.com with john-smith"),
        "{stderr}"
    );
    let john = contact(&env, "john-smith");
    let jane = contact(&env, "jane-smith");
    assert_eq!(jane["name"], "Jane Smith");
    assert_eq!(jane["phones"], serde_json::json!(["+1 555 0102"]));
    // John's repeated card adds his work address to him, not to Jane.
    assert_eq!(
        texts(&john["emails"]),
        ["smiths@example.com", "john@smith-work.example"]
    );
    second_import_changes_nothing(&env, "family.vcf", &[]);
    assert_eq!(contacts(&env).len(), 2);
}

#[test]
fn the_summary_line_counts_repeats_within_the_file() {
    let env = TestEnv::new();
    let path = sample("family.vcf");
    let run = env.run(&["import", &path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("contacts: 2 created, 0 updated, 0 unchanged; 1 repeated within the file"),
        "{}",
        run.stdout
    );
}

#[test]
fn another_program_with_another_person_on_the_same_email_does_not_overwrite() {
    let env = TestEnv::new();
    import(&env, "davx5-allfields.vcf", &[]);
    let (tally, stderr) = import(&env, "rcmcarddav-allattr.vcf", &[]);
    assert_eq!(counts(&tally)[..2], [1, 0], "{tally}");
    assert!(
        stderr.contains("shares ami@example.com with ami-display"),
        "{stderr}"
    );
    let ami = contact(&env, "ami-display");
    assert_eq!(ami["name"], "Ämi Display");
    assert_eq!(ami["org"], "Company");
    assert_eq!(contact(&env, "chairman-wesker")["org"], "Umbrella Corp.");
    second_import_changes_nothing(&env, "davx5-allfields.vcf", &[]);
    second_import_changes_nothing(&env, "rcmcarddav-allattr.vcf", &[]);
}

#[test]
fn the_same_person_from_another_program_still_matches_by_email_and_name() {
    let env = TestEnv::new();
    import(&env, "davx5-allfields.vcf", &[]);
    // `AMI display` with `AMI@example.com`: the names agree with case and accents ignored.
    let (tally, _) = import(&env, "ami-again.vcf", &[]);
    assert_eq!(counts(&tally)[..2], [0, 1], "{tally}");
    assert_eq!(contacts(&env).len(), 1);
    assert_eq!(
        texts(&contact(&env, "ami-display")["phones"]),
        ["+49 30 1234567"]
    );
}

// 2. CSV lists round-trip.

#[test]
fn csv_list_cells_keep_semicolons_inside_items() {
    let env = TestEnv::new();
    import(&env, "rel-contacts.csv", &[]);
    let marc = contact(&env, "marc-gagnon");
    assert_eq!(
        texts(&marc["phones"]),
        ["+1-418-656-9254;ext=102", "+1 418 555 0199"]
    );
    assert_eq!(
        texts(&marc["emails"]),
        ["semicolon;@points.net", "marc@ulaval.example"]
    );
    assert_eq!(texts(&marc["tags"]), ["client", "québec"]);
    // Exported again, the lists are joined with ` ::: ` and the formula guard is back.
    let out = env.ok(&["export", "--to", "csv", "--contacts"]);
    assert!(
        out.contains("'+1-418-656-9254;ext=102 ::: +1 418 555 0199"),
        "{out}"
    );
    assert!(
        out.contains("semicolon;@points.net ::: marc@ulaval.example"),
        "{out}"
    );
    second_import_changes_nothing(&env, "rel-contacts.csv", &[]);
}

#[test]
fn an_older_rel_csv_joined_with_semicolons_still_splits_whole_items() {
    let env = TestEnv::new();
    let file = env.dir.path().join("old.csv");
    std::fs::write(
        &file,
        "uid,handle,name,email,phone\n\
         u-1,ann,Ann,ann@example.com;ann@work.example,'+1-418-656-9254;ext=102\n",
    )
    .expect("write");
    let run = env.run(&["import", file.to_str().expect("path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ann = contact(&env, "ann");
    assert_eq!(
        texts(&ann["emails"]),
        ["ann@example.com", "ann@work.example"]
    );
    assert_eq!(texts(&ann["phones"]), ["+1-418-656-9254;ext=102"]);
}

// 3. vCard 2.1 bare QUOTED-PRINTABLE.

#[test]
fn bare_quoted_printable_is_decoded_with_soft_line_breaks() {
    let env = TestEnv::new();
    let (_, stderr) = import(&env, "eds21.vcf", &[]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let list = contacts(&env);
    let eds = list
        .iter()
        .find(|c| c["emails"][0] == "jukki@example.jp")
        .expect("the evolution card");
    assert_eq!(eds["name"], "十城目管理大型");
    assert_eq!(texts(&eds["phones"]), ["+81 3 1234 5678"]);
    assert!(
        eds["handle"]
            .as_str()
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')),
        "{eds}"
    );
    let two = contact(&env, "contact-number-two");
    assert_eq!(two["note"], "here's some unicode text…");
    second_import_changes_nothing(&env, "eds21.vcf", &[]);
}

// 4. Quoted-printable in its charset, in --encoding, as UTF-8, or named in a warning.

#[test]
fn quoted_printable_uses_the_property_charset() {
    let env = TestEnv::new();
    import(&env, "android-sjis.vcf", &[]);
    let list = contacts(&env);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["note"], "メモ");
    assert_eq!(list[0]["name"], "安藤 ロイド");
}

#[test]
fn quoted_printable_without_a_charset_is_utf8_when_valid() {
    let env = TestEnv::new();
    let (_, stderr) = import(&env, "qp-utf8-no-charset.vcf", &[]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let mikolaj = contact(&env, "mikolaj-nowak");
    assert_eq!(mikolaj["name"], "Mikołaj Nowak");
    assert_eq!(mikolaj["note"], "Poznań");
}

#[test]
fn quoted_printable_follows_the_encoding_option() {
    let env = TestEnv::new();
    import(&env, "thebat-1250.vcf", &["--encoding", "windows-1250"]);
    let piotr = contact(&env, "piotr-iksinski");
    assert_eq!(piotr["name"], "Piotr Iksiński");
    assert_eq!(piotr["note"], "Zadzwoń w środę");
    second_import_changes_nothing(&env, "thebat-1250.vcf", &["--encoding", "windows-1250"]);
}

#[test]
fn quoted_printable_that_is_not_utf8_is_kept_and_named_in_a_warning() {
    let env = TestEnv::new();
    let (tally, stderr) = import(&env, "thebat-1250.vcf", &[]);
    assert_eq!(counts(&tally)[0], 1);
    for property in ["FN is quoted-printable", "NOTE is quoted-printable"] {
        assert!(stderr.contains(property), "{stderr}");
    }
    assert!(stderr.contains("pass --encoding"), "{stderr}");
    let list = contacts(&env);
    assert!(
        list[0]["note"]
            .as_str()
            .is_some_and(|n| n.contains("Zadzwo")),
        "the note is kept: {list:?}"
    );
}

// 5. Nothing dropped silently.

#[test]
fn a_second_note_is_appended_and_extra_orgs_and_titles_are_named() {
    let env = TestEnv::new();
    let (_, stderr) = import(&env, "two-notes.vcf", &[]);
    let joe = contact(&env, "joe-due");
    assert_eq!(
        joe["note"],
        "The following note is the example from RFC 2045.\n\n\
         Now's the time for all folk to come to the aid of their country."
    );
    assert_eq!(joe["org"], "Gump Shrimp Co.");
    assert_eq!(joe["role"], "Shrimp Man");
    assert!(
        stderr.contains("ORG 'Bubba Boats'") && stderr.contains("TITLE 'First Mate'"),
        "{stderr}"
    );
    second_import_changes_nothing(&env, "two-notes.vcf", &[]);
}

// 6. Thunderbird's CSV.

#[test]
fn thunderbird_columns_are_read() {
    let env = TestEnv::new();
    let (tally, _) = import(&env, "thunderbird.csv", &[]);
    assert_eq!(counts(&tally)[0], 2, "{tally}");
    let ada = contact(&env, "ada-lovelace");
    assert_eq!(
        texts(&ada["emails"]),
        ["ada@engine.example", "ada@home.example"]
    );
    assert_eq!(texts(&ada["phones"]), ["+44 20 7946 0001"]);
    assert_eq!(ada["org"], "Analytical Engines");
    assert_eq!(ada["role"], "Analyst");
    assert_eq!(ada["birthday"], "1915-12-10");
    assert_eq!(ada["note"], "met at the Royal Society");
    // Only a display name and an email: never refused for lacking a name.
    let charles = contact(&env, "charles-b");
    assert_eq!(texts(&charles["emails"]), ["charles@engine.example"]);
    second_import_changes_nothing(&env, "thunderbird.csv", &[]);
}

#[test]
fn a_csv_with_only_primary_email_is_read() {
    let env = TestEnv::new();
    let (tally, _) = import(&env, "roundcube-email.csv", &[]);
    assert_eq!(counts(&tally)[0], 2, "{tally}");
}

// 7. UTF-16 and UTF-32.

#[test]
fn utf16_and_utf32_vcards_are_read_with_or_without_a_mark() {
    for (file, args) in [
        ("mac-utf16be.vcf", &[][..]),
        ("mac-utf16be.vcf", &["--encoding", "utf-16be"][..]),
        ("utf32le-nobom.vcf", &[][..]),
    ] {
        let env = TestEnv::new();
        import(&env, file, args);
        let list = contacts(&env);
        assert_eq!(list.len(), 1, "{file}");
        assert_eq!(list[0]["name"], "Ǽgean ĽdaMonté", "{file}");
        assert_eq!(list[0]["handle"], "aegean-ldamonte", "{file}");
        second_import_changes_nothing(&env, file, args);
    }
}

#[test]
fn a_utf16_csv_with_a_mark_is_read() {
    let env = TestEnv::new();
    import(&env, "utf16le-bom.csv", &[]);
    assert_eq!(
        texts(&contact(&env, "john-doe")["emails"]),
        ["john@doe.invalid"]
    );
}

#[test]
fn utf16_and_utf32_csvs_are_read_without_a_mark_or_with_one() {
    let text = "Name,Email\r\nZoë Ångström,zoe@example.se\r\n";
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut utf32be = vec![0, 0, 0xFE, 0xFF];
    utf32be.extend(text.chars().flat_map(|c| u32::from(c).to_be_bytes()));
    for (name, bytes) in [("utf16be.csv", utf16be), ("utf32be.csv", utf32be)] {
        let env = TestEnv::new();
        let file = env.dir.path().join(name);
        std::fs::write(&file, bytes).expect("write");
        let run = env.run(&["import", file.to_str().expect("path")]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let zoe = contact(&env, "zoe-angstrom");
        assert_eq!(zoe["name"], "Zoë Ångström", "{name}");
        assert_eq!(texts(&zoe["emails"]), ["zoe@example.se"], "{name}");
    }
}

#[test]
fn a_shift_jis_csv_gets_a_hint_naming_shift_jis() {
    let env = TestEnv::new();
    let path = sample("shiftjis.csv");
    let stderr = env.fails(&["import", &path], 2);
    assert!(stderr.contains("--encoding shift_jis"), "{stderr}");
    assert!(!stderr.contains("windows-1252"), "{stderr}");
    assert_eq!(
        stderr.lines().next().map(|l| l.starts_with("rel: ")),
        Some(true)
    );
    import(&env, "shiftjis.csv", &["--encoding", "shift_jis"]);
    assert_eq!(contacts(&env)[0]["name"], "名無しの権兵衛");
}

// 8. Every delimiter, trailing empty cells.

#[test]
fn semicolon_and_tab_separated_files_are_read() {
    let env = TestEnv::new();
    let (tally, _) = import(&env, "semicolon.csv", &[]);
    assert_eq!(counts(&tally)[0], 2, "{tally}");
    assert_eq!(
        texts(&contact(&env, "jane-doe")["emails"]),
        ["jane@doe.invalid"]
    );
    let (tally, _) = import(&env, "tab-export.txt", &["--from", "csv"]);
    assert_eq!(counts(&tally)[0], 1, "{tally}");
    let tab = contact(&env, "tab-person");
    assert_eq!(tab["note"], "said \"hi\", twice");
}

#[test]
fn rows_ending_in_an_extra_empty_cell_are_read() {
    let env = TestEnv::new();
    let (tally, _) = import(&env, "extra-cell.csv", &[]);
    assert_eq!(counts(&tally)[0], 2, "{tally}");
    assert_eq!(
        texts(&contact(&env, "eve-adams")["phones"]),
        ["+1 555 0177"]
    );
}

#[test]
fn an_extra_cell_with_text_is_still_a_bad_row() {
    let env = TestEnv::new();
    let file = env.dir.path().join("bad.csv");
    std::fs::write(&file, "Name,Email\nAnn,ann@example.com,surprise\n").expect("write");
    let stderr = env.fails(&["import", file.to_str().expect("path")], 2);
    assert!(
        stderr.contains("expected 2 fields like the header, found 3"),
        "{stderr}"
    );
}

// 9. Handles keep voicing; vCard 2.1 backslashes; repeats counted.

#[test]
fn handles_keep_the_voicing_of_kana() {
    let env = TestEnv::new();
    import(&env, "kana.vcf", &[]);
    let handles: Vec<String> = contacts(&env)
        .iter()
        .filter_map(|c| c["handle"].as_str().map(str::to_string))
        .collect();
    assert_eq!(handles, ["doraemon", "roido"]);
    assert_eq!(env.ok(&["add", "ドラえもん"]).trim(), "doraemon-2");
    // Half-width katakana (old Japanese phones) and a decomposed name (macOS) too.
    assert_eq!(env.ok(&["add", "ﾄﾞﾗえもん"]).trim(), "doraemon-3");
    assert_eq!(env.ok(&["add", "ロイト\u{3099}"]).trim(), "roido-2");
}

#[test]
fn a_vcard21_backslash_is_kept() {
    let env = TestEnv::new();
    import(&env, "backslash21.vcf", &[]);
    let list = contacts(&env);
    assert_eq!(list[0]["name"], "A;B\\C");
    second_import_changes_nothing(&env, "backslash21.vcf", &[]);
}
