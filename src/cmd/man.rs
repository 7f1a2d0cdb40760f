//! `rel man`: the man page (roff), generated from the same clap definitions as `--help`.

use crate::error::Result;
use std::io::Write;

/// Sections clap does not know about: exit codes, environment and files.
const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success (an empty result is success).
.TP
\fB1\fR
Runtime failure: the database is unreadable, an I/O error.
.TP
\fB2\fR
Usage error: unknown option, unparseable date, duration, trait, channel or search query.
.TP
\fB3\fR
A named contact or record was not found, or a WHO is ambiguous.
.SH ENVIRONMENT
.TP
\fBREL_DB\fR
The database file (as \fB\-\-db\fR).
.TP
\fBREL_FORMAT\fR
The output format (as \fB\-\-format\fR).
.TP
\fBREL_NOW\fR
A fixed "now" (RFC 3339 or YYYY\-MM\-DD[ HH:MM]) for scripts and tests.
.TP
\fBNO_COLOR\fR
Turns colour off.
.TP
\fBVISUAL\fR, \fBEDITOR\fR
The editor for notes.
.TP
\fBCOMPLETE\fR
Set by the completion scripts: \fBCOMPLETE=bash rel\fR prints the bash registration script.
.SH FILES
.TP
\fI~/.local/share/rel/rel.db\fR
The database on Linux (the platform data directory elsewhere), readable by its owner only.
.SH "SEE ALSO"
\fBsqlite3\fR(1)
"#;

pub fn run() -> Result<()> {
    let command = crate::cli::full_command();
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    // One page for every command (clap_mangen would point at rel-add(1) pages that do not
    // exist): each command's usage, what it does and its own options, here.
    page.extend_from_slice(b".SH COMMANDS\n");
    commands_section(&mut page, &command, "rel");
    page.extend_from_slice(EXTRA.as_bytes());
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}

/// `.SS rel add` with its usage, description and options, for each (nested) subcommand.
fn commands_section(page: &mut Vec<u8>, parent: &clap::Command, prefix: &str) {
    // The tree is built (`cli::full_command`), so clap's own `help` subcommand and `-h/--help`
    // flags are in it; the page describes rel's commands and options only.
    for sub in parent
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{prefix} {}", sub.get_name());
        let mut text = format!(".SS \"{}\"\n", roff(&name));
        let positionals: Vec<String> = sub
            .get_positionals()
            .map(|arg| {
                let value = arg
                    .get_value_names()
                    .and_then(|names| names.first())
                    .map_or(arg.get_id().as_str().to_uppercase(), |v| v.to_string());
                let many = if arg.get_num_args().is_some_and(|n| n.max_values() > 1) {
                    "…"
                } else {
                    ""
                };
                if arg.is_required_set() {
                    format!("{value}{many}")
                } else {
                    format!("[{value}{many}]")
                }
            })
            .collect();
        text.push_str(&format!(
            "\\fB{}\\fR [OPTIONS] {}\n.PP\n",
            roff(&name),
            roff(&positionals.join(" "))
        ));
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            text.push_str(&format!("{}\n", roff(&about.to_string())));
        }
        for arg in sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && !a.is_hide_set() && a.get_id() != "help")
        {
            let flag = match (arg.get_short(), arg.get_long()) {
                (Some(short), Some(long)) => format!("-{short}, --{long}"),
                (None, Some(long)) => format!("--{long}"),
                (Some(short), None) => format!("-{short}"),
                (None, None) => continue,
            };
            let value = arg
                .get_value_names()
                .and_then(|names| names.first())
                .filter(|_| arg.get_action().takes_values())
                .map(|v| format!(" \\fI{}\\fR", roff(v)))
                .unwrap_or_default();
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            text.push_str(&format!(
                ".TP\n\\fB{}\\fR{value}\n{}\n",
                roff(&flag),
                roff(&help)
            ));
        }
        page.extend_from_slice(text.as_bytes());
        commands_section(page, sub, &name);
    }
}

/// Text escaped for roff: backslashes, hyphens (so they stay ASCII) and leading dots.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
