//! The long help (`--help`) that does not fit in a doc comment: examples and the WHEN grammar.
//! `-h` shows the short help only; a new command adds its examples here and names them with
//! `#[command(after_long_help = examples::NAME)]` in `cli/mod.rs`.

/// Headings that keep a command's own options apart from the global ones.
pub const GLOBAL: &str = "Global options";

/// The shared explanation of WHEN, for every command that takes one.
macro_rules! when_text {
    () => {
        "WHEN is a point in time, in local time (TZ is honoured):
  2026-12-04, 2026-12-04 15:30, RFC 3339   a date (its start) or an instant
  dec 5, 5 dec, december 5 2027 3pm        a month and day (year, time optional)
  today, yesterday, tomorrow, noon, 3pm    a day or a time of day
  friday, fri 09:30, next fri, last tue    weekdays: the next one for future
                                           uses, the latest one for past ones
  next week, last month                    = in 1w, 1m ago
  in 2w, 3 days ago, 2h ago                relative to now
  3d, 2w, 1m, 6m, 1y                       a duration: from now (due dates),
                                           ago (--at, --since)
Units: min, h, d, w, m/mo (a calendar month), y. --at may not be in the future.
Quote a WHEN of several words (rel remind maria \"next friday\" call), or end
it with -- (rel remind maria monday -- 10am call)."
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

pub const SUGGEST: &str = "Examples:
  rel suggest                      # at most 5 people to reach out to today, and why
  rel suggest --why                # with the facts each rule used
  rel suggest --kind dormant --limit 10
  rel suggest dismiss tom          # not for 30 days
  rel suggest dismiss tom --for 2w

Kinds, in order: repair (a strained trait not shown since), thanks (introduced 2 or more
people since you last spoke), rhythm (quiet for more than 1.5x your usual gap), channel (only
messages and emails for 60 days with someone monthly or key-account), dormant (quiet 180 days
after 3 or more calls, meetings or marked touches over 90 days). Never: archived, every never,
in today's 'rel due', dismissed, snoozed, or touched in the last 14 days (repair: 3).";

pub const ACCOUNTS: &str = "Examples:
  rel accounts                     # organisations, earliest next due first
  rel accounts --sort last         # longest untouched first
  rel accounts --tag key-account
  rel account acme                 # one organisation's card";

pub const INTRO: &str = "Examples:
  rel intro jane-cfo               # who can introduce you, strongest paths first
  rel intro --org acme --depth 3
  rel intro jane-cfo --format json | jq '.paths[0].people'";

/// The long help's text fitted to `width` columns the way clap would not: a line that is too
/// wide is wrapped at words, never inside one, and a two-column row (`command   what it
/// does`, a WHEN form and its meaning) is stacked, its right side on the lines below, instead
/// of being re-flowed into broken rows.
pub fn fit_text(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.width() <= width {
            out.push(line.to_string());
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        // A row's right column starts after a run of two or more spaces past the indent.
        let split = line[indent..]
            .find("  ")
            .map(|at| indent + at)
            .filter(|at| *at > indent);
        // An indent that would leave the widest word no room gives way to the stacked rows'
        // six columns (help's own rows are indented two, so they stack at six anyway).
        let widest = |text: &str| text.split_whitespace().map(|w| w.width()).max();
        let leaves_no_room = |indent: usize, text: &str| widest(text).unwrap_or(0) + indent > width;
        match split {
            Some(at) => {
                let left = line[..at].trim_end();
                let right = line[at..].trim_start();
                let stacked = indent + 4;
                let stacked = if leaves_no_room(stacked, right) {
                    stacked.min(6)
                } else {
                    stacked
                };
                out.extend(wrap_words(left, indent, width));
                out.extend(wrap_words(right, stacked, width));
            }
            // A continuation of a right column, or prose: wrapped under its own indent (one
            // deeper than half the width would leave no room, so it joins the stacked rows).
            None => {
                let text = line.trim_start();
                let indent = if indent > width / 2 || (indent > 6 && leaves_no_room(indent, text)) {
                    6
                } else {
                    indent
                };
                out.extend(wrap_words(text, indent, width));
            }
        }
    }
    out.join("\n")
}

/// `text` as lines of at most `width` columns, each indented by `indent`; words are never
/// split (a word wider than the room gets a line of its own).
fn wrap_words(text: &str, indent: usize, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let room = width.saturating_sub(indent).max(1);
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.width() + 1 + word.width() > room {
            lines.push(format!("{pad}{current}"));
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(format!("{pad}{current}"));
    }
    lines
}

/// Every command's long help fitted to `width` (see [`fit_text`]), recursively.
pub fn fit_command(mut command: clap::Command, width: usize) -> clap::Command {
    if let Some(text) = command.get_after_long_help().map(|t| t.to_string()) {
        command = command.after_long_help(fit_text(&text, width));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |sub| fit_command(sub, width));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::fit_text;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn rows_are_stacked_and_words_never_split() {
        let text = "WHEN is:\n  friday, fri 09:30, next fri, last tue    weekdays: the next one for future\n                                           uses, the latest one for past ones";
        for width in [30, 40, 60] {
            let fitted = fit_text(text, width);
            for line in fitted.lines() {
                assert!(line.width() <= width, "{width}: {line:?}");
            }
            let words: Vec<&str> = fitted.split_whitespace().collect();
            let original: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(words, original, "no word broken or lost at {width}");
        }
        assert_eq!(fit_text(text, 100), text);
    }

    #[test]
    fn a_deep_row_stacks_where_its_words_fit() {
        // Found by the property below: indented three, the right column stacked at seven and
        // its five-column word overran a width of eleven.
        let fitted = fit_text("   a  a,aaa ", 11);
        assert_eq!(fitted, "   a\n      a,aaa");
    }

    proptest::proptest! {
        /// Any text at any width: no panic, no word lost or broken, and lines within the
        /// width whenever each word fits.
        #[test]
        fn fitting_never_panics_or_loses_words(text in "[a-z ,\\n]{0,200}", width in 10usize..100) {
            let fitted = fit_text(&text, width);
            let words: Vec<&str> = fitted.split_whitespace().collect();
            let original: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(words, original);
            if text.split_whitespace().all(|w| w.width() + 6 <= width) {
                for line in fitted.lines() {
                    proptest::prop_assert!(line.width() <= width, "{:?}", line);
                }
            }
        }
    }
}
