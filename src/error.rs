//! Error kinds and the one place they become exit codes and `rel: …` lines.

use std::fmt;

/// What went wrong, in the terms the contract's exit codes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Database unreadable, I/O error, cancelled editor: exit 1.
    Runtime,
    /// Bad option, date, duration, trait, channel or input file: exit 2.
    Usage,
    /// A named contact or record that does not exist, or an ambiguous WHO: exit 3.
    NotFound,
    /// The reader of our stdout went away (`rel due | head -1`): stop quietly, exit 0.
    BrokenPipe,
}

impl Kind {
    /// The documented exit code for this kind of failure.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Runtime => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::BrokenPipe => 0,
        }
    }
}

/// A failure that ends a command: one line on stderr, optional indented detail lines.
#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
    /// Indented lines after the message (the candidates of an ambiguous WHO).
    pub details: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            details: Vec::new(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }
    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(Kind::Runtime, message)
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
    /// The text printed on stderr: `rel: message; hint` then indented details.
    pub fn render(&self) -> String {
        let mut out = format!("rel: {}", one_line(&self.message));
        if let Some(hint) = &self.hint {
            out.push_str("; ");
            out.push_str(&one_line(hint));
        }
        for line in &self.details {
            out.push_str("\n  ");
            out.push_str(&one_line(line));
        }
        out
    }
}

/// Errors must stay one line and must never replay terminal escapes from user data.
fn one_line(text: &str) -> String {
    crate::escape::escape_visible(text)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::new(Kind::BrokenPipe, "broken pipe");
        }
        Error::runtime(err.to_string())
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let Some(foreign) = foreign_value(&err) {
            return foreign;
        }
        let code = err.sqlite_error_code();
        match code {
            Some(ErrorCode::DatabaseCorrupt) => {
                Error::runtime("database is damaged (sqlite: database disk image is malformed)")
                    .with_hint("restore a copy made with 'rel backup', or see README 'Your data'")
            }
            Some(ErrorCode::NotADatabase) => Error::runtime("file is not a rel database")
                .with_hint("check --db / REL_DB, or restore a copy made with 'rel backup'"),
            // SQLite reports ENOSPC as "full" but a write past RLIMIT_FSIZE (EFBIG) as a
            // write I/O error; for the user both mean the same thing.
            Some(ErrorCode::DiskFull) => disk_full(),
            Some(ErrorCode::SystemIoFailure) if is_write_error(&err) => disk_full(),
            Some(ErrorCode::SystemIoFailure) => {
                Error::runtime("disk I/O error on the database; nothing was written")
                    .with_hint("check the disk, then see README 'Your data'")
            }
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                Error::runtime("database is busy (another rel is writing); nothing was written")
                    .with_hint("try again")
            }
            Some(ErrorCode::ReadOnly) => {
                Error::runtime("database is read-only; nothing was written")
            }
            Some(ErrorCode::CannotOpen) => Error::runtime("cannot open the database file"),
            Some(ErrorCode::PermissionDenied) => {
                Error::runtime("permission denied opening the database")
            }
            _ => Error::runtime(format!("database error: {err}")),
        }
    }
}

/// A value of a type rel never writes (a name set to bytes by hand in sqlite3), said as such
/// rather than in rusqlite's words.
fn foreign_value(err: &rusqlite::Error) -> Option<Error> {
    use rusqlite::types::Type;
    let column = match err {
        rusqlite::Error::InvalidColumnType(_, name, kind) => {
            let kind = match kind {
                Type::Blob => "bytes",
                Type::Integer | Type::Real => "a number",
                Type::Text => "text",
                Type::Null => "nothing",
            };
            format!(" ({name} holds {kind})")
        }
        rusqlite::Error::FromSqlConversionFailure(..) => String::new(),
        _ => return None,
    };
    Some(
        Error::runtime(format!(
            "the database holds a value rel did not write{column}"
        ))
        .with_hint("correct it with sqlite3, or restore a copy made with 'rel backup'"),
    )
}

fn disk_full() -> Error {
    Error::runtime("disk is full or file too large; nothing was written")
        .with_hint("free some space and try again")
}

fn is_write_error(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_IOERR_WRITE
    )
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        if err.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return Error::new(Kind::BrokenPipe, "broken pipe");
        }
        Error::runtime(format!("JSON error: {err}"))
    }
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Self {
        match err.into_kind() {
            csv::ErrorKind::Io(io) => Error::from(io),
            other => Error::runtime(format!("CSV error: {other:?}")),
        }
    }
}
