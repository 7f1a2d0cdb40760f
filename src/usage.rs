//! What rel says when the command line is wrong: clap's errors turned into one `rel: …` line
//! that names what is missing, hints at quoting when a value was split into words, and points
//! at the command's own help; and the short usage that bare `rel` prints.

use crate::error::{Error, Kind};
use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Printed on stderr by `rel` alone: the everyday commands and how to see all (≤ 25 lines).
const SHORT_USAGE: &str = "\
rel: a terminal relationship journal

Usage: rel <COMMAND> [OPTIONS]

Every day:
  rel due                      what needs attention now
  rel log WHO NOTE…            record a touch (call, meeting, message…)
  rel add NAME                 a new contact
  rel show WHO                 a contact's card, REITH profile and history
  rel remind WHO WHEN TEXT…    a follow-up
  rel snooze WHO WHEN          not now: push a contact's next due date
  rel search QUERY             full-text search over notes and contacts
  rel list                     every contact with last touch and next due

Run 'rel --help' for all commands, 'rel COMMAND --help' for one command.";

/// Help and version print as clap renders them (stdout, exit 0); every other parse error
/// becomes one `rel: …` line with exit 2.
pub fn handle_clap_error(err: clap::Error, argv: &[String]) -> Result<(), Error> {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        // Not print!: `rel import --help | head` closes the pipe early, and print! panics on
        // that; the write error becomes a quiet exit 0 like any broken pipe. Before the
        // command path below, which builds the whole command tree (1.6 M instructions, more
        // than all of `rel --version` otherwise).
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        write!(out, "{err}")?;
        out.flush()?;
        return Ok(());
    }
    let (path, after) = command_path(argv);
    let help = format!("see '{} --help'", path.join(" "));
    match err.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand if path.len() == 1 => {
            eprintln!("{SHORT_USAGE}");
            Err(Error::new(Kind::Usage, "a command is required").with_hint(help))
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        | ErrorKind::MissingSubcommand
        | ErrorKind::MissingRequiredArgument => {
            let missing = missing_names(&err);
            let what = if missing.is_empty() {
                "a subcommand".to_string()
            } else {
                join_and(&missing)
            };
            Err(Error::usage(format!("{} needs {what}", path.join(" "))).with_hint(help))
        }
        ErrorKind::UnknownArgument => {
            let word = context_string(&err, ContextKind::InvalidArg).unwrap_or_default();
            let message = format!("unexpected argument '{word}'");
            let hint = if word.starts_with('-') {
                tip(&err).map_or(help.clone(), |tip| format!("{tip}; {help}"))
            } else {
                quoting_hint(argv, &path, after, &word).unwrap_or(help)
            };
            Err(Error::usage(message).with_hint(hint))
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            let hint = tip(&err).map_or(help.clone(), |tip| format!("{tip}; {help}"));
            Err(Error::usage(first).with_hint(hint))
        }
    }
}

/// `rel`, then each subcommand named on the command line (`rel followups edit`), and the
/// index in `argv` of the first word after the last of them.
fn command_path(argv: &[String]) -> (Vec<String>, usize) {
    let root = crate::cli::full_command();
    let mut path = vec!["rel".to_string()];
    let mut after = 1;
    let mut current: &Command = &root;
    let mut index = 1;
    while index < argv.len() {
        let word = &argv[index];
        if word == "--" {
            break;
        }
        index += 1;
        if word.starts_with('-') {
            if takes_value(&root, current, word) && !word.contains('=') {
                index += 1;
            }
            continue;
        }
        match current.find_subcommand(word) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                current = sub;
                after = index;
            }
            None => break,
        }
    }
    (path, after)
}

/// True when `word` is an option (of `command` or a global one) that takes a value.
fn takes_value(root: &Command, command: &Command, word: &str) -> bool {
    let name = word.split('=').next().unwrap_or(word);
    let matches = |arg: &clap::Arg| {
        let long = name
            .strip_prefix("--")
            .is_some_and(|l| arg.get_long() == Some(l));
        let short = name.len() == 2
            && !name.starts_with("--")
            && name
                .chars()
                .nth(1)
                .is_some_and(|c| arg.get_short() == Some(c));
        long || short
    };
    command
        .get_arguments()
        .chain(root.get_arguments())
        .find(|arg| matches(arg))
        .is_some_and(|arg| arg.get_action().takes_values())
}

/// The missing arguments' names without clap's brackets: `<NAME>` → `NAME`.
fn missing_names(err: &clap::Error) -> Vec<String> {
    match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::Strings(names)) => names
            .iter()
            .map(|n| {
                n.trim_start_matches('<')
                    .replace(">...", "…")
                    .trim_end_matches('>')
                    .to_string()
            })
            .collect(),
        Some(ContextValue::String(name)) => vec![name.clone()],
        _ => Vec::new(),
    }
}

fn context_string(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        Some(ContextValue::Strings(texts)) => texts.first().cloned(),
        _ => None,
    }
}

/// clap's own tip, e.g. "to pass '--x' as a value, use '-- --x'".
fn tip(err: &clap::Error) -> Option<String> {
    err.render()
        .to_string()
        .lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .map(str::to_string)
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// For a stray word after another word: the command line again with the words that belong
/// together quoted (`rel add Peter Parker --org Daily Bugle` → `rel add "Peter Parker" --org
/// "Daily Bugle"`).
fn quoting_hint(argv: &[String], path: &[String], start: usize, word: &str) -> Option<String> {
    let at = (start..argv.len()).find(|i| argv[*i] == word)?;
    if at <= start || argv[at - 1].starts_with('-') {
        return None;
    }
    let root = crate::cli::full_command();
    let mut command = &root;
    for name in &path[1..] {
        command = command.find_subcommand(name)?;
    }
    let value_of_option = at >= 2 && takes_value(&root, command, &argv[at - 2]);
    let what = if value_of_option {
        "a value"
    } else if at - 1 == first_positional(argv, &root, command, start) {
        "a name"
    } else {
        "words that belong together"
    };
    // What came before the arguments (global options, subcommands) stays as typed.
    let mut line: Vec<String> = vec!["rel".to_string()];
    line.extend(argv[1..start].iter().map(|w| shell_quote(w)));
    let mut index = start;
    while index < argv.len() {
        // The stray word with the one before it, and any later option value split in words.
        let later_value = index > at
            && takes_value(&root, command, &argv[index - 1])
            && !argv[index - 1].contains('=');
        let grouped = if index == at - 1 || later_value {
            group(argv, index)
        } else {
            1
        };
        line.push(shell_quote(&argv[index..index + grouped].join(" ")));
        index += grouped;
    }
    let verb = if what == "words that belong together" {
        format!("quote {what}")
    } else {
        format!("quote {what} with spaces")
    };
    Some(format!("{verb}: {}", line.join(" ")))
}

/// How many words from `from` on are not options (at least one).
fn group(argv: &[String], from: usize) -> usize {
    argv[from..]
        .iter()
        .take_while(|w| !w.starts_with('-'))
        .count()
        .max(1)
}

/// The index of the first word after the subcommand that is neither an option nor its value.
fn first_positional(argv: &[String], root: &Command, command: &Command, start: usize) -> usize {
    let mut index = start;
    while index < argv.len() {
        let word = &argv[index];
        if !word.starts_with('-') {
            return index;
        }
        index += if takes_value(root, command, word) && !word.contains('=') {
            2
        } else {
            1
        };
    }
    index
}

/// A word as a shell would need it: bare when safe, else in double quotes.
fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./,:@#+=%".contains(c));
    if safe {
        text.to_string()
    } else if text.contains(['"', '$', '`', '\\']) {
        format!("'{}'", text.replace('\'', r"'\''"))
    } else {
        format!("\"{text}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn the_command_path_follows_subcommands_and_skips_option_values() {
        assert_eq!(
            command_path(&args("rel --db x.db add Peter")).0,
            ["rel", "add"]
        );
        assert_eq!(command_path(&args("rel --db x.db add Peter")).1, 4);
        assert_eq!(command_path(&args("rel --format json")).0, ["rel"]);
    }

    #[test]
    fn stray_words_are_grouped_with_their_neighbour() {
        let argv = args("rel add Peter Parker --org Daily Bugle");
        let (path, start) = command_path(&argv);
        let hint = quoting_hint(&argv, &path, start, "Parker");
        assert_eq!(
            hint.as_deref(),
            Some(r#"quote a name with spaces: rel add "Peter Parker" --org "Daily Bugle""#)
        );
        let argv = args("rel -q snooze priya 2 weeks");
        let (path, start) = command_path(&argv);
        let hint = quoting_hint(&argv, &path, start, "weeks");
        assert_eq!(
            hint.as_deref(),
            Some(r#"quote words that belong together: rel -q snooze priya "2 weeks""#)
        );
    }

    #[test]
    fn the_short_usage_stays_short() {
        assert!(SHORT_USAGE.lines().count() <= 24);
    }
}
