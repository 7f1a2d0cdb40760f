//! The long help (`--help`) that does not fit in a doc comment: examples and the WHEN grammar.
//! `-h` shows the short help only; a new command adds its examples here and names them with
//! `#[command(after_long_help = cli_help::NAME)]` in `cli.rs`.

/// Headings that keep a command's own options apart from the global ones.
pub const GLOBAL: &str = "Global options";

/// The shared explanation of WHEN, for every command that takes one.
macro_rules! when_text {
    () => {
        "WHEN is a point in time, in local time (TZ is honoured):
  2026-12-04, 2026-12-04 15:30, RFC 3339     a date (its start) or an instant
  dec 5, 5 dec, december 5 2027 3pm          a month and day, optional year and time
  today, yesterday, tomorrow, noon, 3pm      a day or a time of day
  friday, fri 09:30, next friday, last tue   weekdays: the next one for future uses,
                                             the latest one for past ones (--at)
  next week, last month                      = in 1w, 1m ago
  in 2w, 3 days ago, 2h ago                  relative to now
  3d, 2w, 1m, 6m, 1y                         a duration: from now (due dates),
                                             ago (--at, --since)
Units: min, h, d, w, m/mo (a calendar month), y. --at may not be in the future."
    };
}

pub const ROOT: &str = concat!(
    "Examples:
  rel add \"María López\" --org Acme --tag key-account --every 2w
  rel log maria \"called about the renewal\" -t trust --follow-up friday
  rel due                        # follow-ups due, then contacts whose cadence ran out
  rel show maria                 # card, REITH profile, open follow-ups, recent touches
  rel timeline --since \"last month\"
  rel due --format json | jq '.[0]'

Output: a table on a terminal, tsv in a pipe (--format json|jsonl|csv|tsv to choose).
Exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 contact or record not found / ambiguous.
Environment: REL_DB, REL_FORMAT, REL_NOW, NO_COLOR, COLUMNS, VISUAL/EDITOR.

",
    when_text!()
);

pub const ADD: &str = "Examples:
  rel add \"María López\" --org Acme --role \"Head of Purchasing\" --every 2w
  rel add \"Tom Baker\" --tag coi --via maria --email tom@example.com
  rel add Mum --birthday 1961-04-12 --every weekly

Quote a name with spaces. The handle is made from the name (maria-lopez); --handle picks one.";

pub const EDIT: &str = "Examples:
  rel edit maria --tag vip --every 1m          # --tag/--email/--phone add
  rel edit maria --untag coi --drop-email old@example.com
  rel edit maria --every never                 # never due, whatever her tags say
  rel edit maria --every inherit               # back to her tags' cadence or default-every
  rel edit maria --name \"María López Díaz\"     # the handle stays; --handle renames it
  rel edit maria --owner alice                 # a team: hand her, with her history, to alice
  rel edit maria --owner none                  # unowned: on every member's 'rel due'";

pub const LIST: &str = "Examples:
  rel list --tag key-account --sort due
  rel list --sort last                         # longest untouched first
  rel ls --archived
  rel list --owner bob                         # a team: the contacts bob owns";

pub const SHOW: &str = "Examples:
  rel show maria
  rel show #12 --limit 3
  rel show maria --format json";

pub const LOG: &str = concat!(
    "Examples:
  rel log maria \"called about the renewal\" -t trust,respect --follow-up friday
  rel log maria,tom \"lunch: Tom wants an intro\" -c meeting --at \"yesterday 1pm\"
  rel log tom -                                 # the note from stdin
  rel log maria -e                              # the note in $VISUAL/$EDITOR
  rel log maria --at \"tue 10am\" -- --all of this is note text

The note is the remaining words; '-' reads stdin; with no note on a terminal the editor
opens. Traits by name or first letter (-t t,r); --strained marks a trait that was hurt.

",
    when_text!()
);

pub const AMEND: &str = concat!(
    "Examples:
  rel amend 12 --at \"2h ago\" -t empathy
  rel amend 12 \"a better note\" --with maria,tom
  rel amend 12 -e

",
    when_text!()
);

pub const DUE: &str = "Examples:
  rel due                          # everything due by the end of today
  rel due --within 1w              # and what falls due in the next week
  rel due --tag key-account --limit 10
  rel due --format json | jq -r '.[].handle'
  rel due --owner bob              # a team: only what bob owns (--all: everyone's)";

pub const SNOOZE: &str = concat!(
    "Examples:
  rel snooze tom 2w                # two weeks from now
  rel snooze tom \"next monday\"
  rel snooze tom 2027-01-10

",
    when_text!()
);

pub const TIMELINE: &str = concat!(
    "Examples:
  rel timeline maria
  rel timeline --since \"last month\" --channel meeting
  rel timeline --trait trust --limit 0

",
    when_text!()
);

pub const SEARCH: &str = "Examples:
  rel search renewal
  rel search key-account          # a word with punctuation is one phrase
  rel search '\"signed contract\"'  # a phrase
  rel search 'budget OR funding'
  rel search 'renew*' --limit 5

Words match anywhere in notes, names, orgs, roles, emails and tags; FTS5 syntax works:
\"a phrase\", prefix*, AND, OR, NOT, parentheses.";

pub const REMIND: &str = concat!(
    "Examples:
  rel remind maria friday send the contract
  rel remind tom \"dec 5\" ask about the move
  rel remind maria 3d \"call back\"

",
    when_text!()
);

pub const FOLLOWUPS: &str = "Examples:
  rel followups
  rel followups --all --format csv";

pub const DONE: &str = "Examples:
  rel done 7
  rel done 7 8 9";

pub const STATS: &str = concat!(
    "Examples:
  rel stats
  rel stats maria --since 2026-01-01
  rel stats --format json | jq .going_cold

",
    when_text!()
);

pub const IMPORT: &str = "Examples:
  rel import contacts.vcf
  rel import google.csv --dry-run
  rel import backup.json            # a rel JSON export: everything, idempotent
  rel import calendar.ics --dry-run # past meetings with people you know
  rel import ~/Mail/INBOX --me me@example.com   # a Maildir or an mbox: emails, headers only";

pub const EXPORT: &str = "Examples:
  rel export -o rel.json            # everything, re-importable
  rel export --to csv -o touches.csv
  rel export --to csv --contacts -o contacts.csv
  rel export --to vcard -o contacts.vcf
  rel export --to ics -o rel.ics    # due dates and follow-ups for a calendar";

pub const BACKUP: &str = "Examples:
  rel backup ~/backups/rel-$(date +%F).db
  rel backup rel.db --force";

pub const CONFIG: &str = "Examples:
  rel config                        # every setting
  rel config default-every 1m
  rel config every.coi 2w           # a cadence for everyone tagged coi
  rel config --unset every.coi";
