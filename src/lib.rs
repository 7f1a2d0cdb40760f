//! rel: a terminal relationship journal over one local SQLite file.
//!
//! The binary (`src/main.rs`) is a thin shell over [`run_main`]; the library form lets the
//! integration tests reach the database layer directly (e.g. query plans, upkeep checks).

pub mod birthday;
pub mod cli;
pub mod cmd;
pub mod db;
pub mod error;
pub mod import;
pub mod model;
pub mod output;
pub mod paths;
pub mod sync;
pub mod when;

use clap::Parser;
use clap::error::ErrorKind;
use error::{Error, Kind};

/// Runs rel with the process's arguments and returns the exit code.
pub fn run_main() -> i32 {
    // A shell asking for completions (COMPLETE=bash …) is answered before any parsing, and the
    // process exits there.
    cmd::completions::complete_if_asked();
    // Before anything can create a file: the database, its -wal/-shm, backups and exports are
    // private to their owner whatever the user's umask.
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe { libc::umask(0o077) };
    // A write past RLIMIT_FSIZE would kill us with SIGXFSZ mid-transaction and print
    // nothing; ignored, the write fails with EFBIG, SQLite rolls back, and the user gets one
    // `rel: …` line instead.
    // SAFETY: setting a signal to SIG_IGN installs no handler code.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    match run() {
        Ok(()) => 0,
        Err(err) if err.kind == Kind::BrokenPipe => 0,
        Err(err) => {
            eprintln!("{}", err.render());
            err.kind.exit_code()
        }
    }
}

fn run() -> Result<(), Error> {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return handle_clap_error(err),
    };
    cmd::run(cli)
}

/// Help and version print as clap renders them; every other parse error becomes one
/// `rel: …` line with exit 2.
fn handle_clap_error(err: clap::Error) -> Result<(), Error> {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{err}");
            Ok(())
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", err.render());
            Err(Error::new(Kind::Usage, "a command is required").with_hint("see 'rel --help'"))
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ")
                .to_string();
            let tip = rendered
                .lines()
                .find_map(|l| l.trim().strip_prefix("tip: "))
                .map(str::to_string);
            let hint = tip.unwrap_or_else(|| "see 'rel --help'".to_string());
            Err(Error::usage(first).with_hint(hint))
        }
    }
}
