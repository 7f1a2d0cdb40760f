//! `rel man`: the man page (roff), generated from the same clap definitions as `--help`.

use crate::cli::Cli;
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
    let command = <Cli as clap::CommandFactory>::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    page.extend_from_slice(EXTRA.as_bytes());
    let mut out = std::io::stdout().lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(())
}
