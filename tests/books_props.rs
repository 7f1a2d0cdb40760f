//! Issue 21: any two valid vCards with different UIDs stay two contacts, whatever their
//! emails (one file), and two people of different names never merge by a shared email
//! (two files).

use crate::common;

use common::TestEnv;
use proptest::prelude::*;

fn card(uid: &str, name: &str, emails: &[&str]) -> String {
    let mut card = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n");
    for email in emails {
        card.push_str(&format!("EMAIL;TYPE=home:{email}\r\n"));
    }
    card + "END:VCARD\r\n"
}

const NAMES: [&str; 5] = [
    "John Smith",
    "Jane Smith",
    "JOHN SMITH",
    "Jöhn Smith",
    "smiths@example.com",
];
const EMAILS: [&str; 4] = [
    "smiths@example.com",
    "SMITHS@example.com",
    "john@example.com",
    "jane@example.com",
];

fn emails() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(EMAILS.to_vec(), 0..=EMAILS.len())
}

fn contacts(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM contacts")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn two_cards_with_different_uids_in_one_file_stay_two(
        first in 0..NAMES.len(),
        second in 0..NAMES.len(),
        first_emails in emails(),
        second_emails in emails(),
    ) {
        let env = TestEnv::new();
        let file = env.dir.path().join("two.vcf");
        let text = card("uid-one", NAMES[first], &first_emails)
            + &card("uid-two", NAMES[second], &second_emails);
        std::fs::write(&file, text).expect("write");
        let path = file.to_str().expect("path");
        let run = env.run(&["import", path]);
        prop_assert_eq!(run.code, 0, "{}", run.stderr);
        prop_assert_eq!(contacts(&env), 2);
        let again = env.run(&["import", path]);
        prop_assert!(again.stdout.contains("0 created, 0 updated"), "{}", again.stdout);
        prop_assert_eq!(contacts(&env), 2);
    }

    #[test]
    fn people_of_different_names_in_two_files_never_merge(
        first_emails in emails(),
        second_emails in emails(),
    ) {
        let env = TestEnv::new();
        for (index, (name, emails)) in [("John Smith", &first_emails), ("Jane Smith", &second_emails)]
            .into_iter()
            .enumerate()
        {
            let file = env.dir.path().join(format!("{index}.vcf"));
            std::fs::write(&file, card(&format!("uid-{index}"), name, emails)).expect("write");
            let run = env.run(&["import", file.to_str().expect("path")]);
            prop_assert_eq!(run.code, 0, "{}", run.stderr);
        }
        prop_assert_eq!(contacts(&env), 2);
    }
}
