//! rel: a terminal relationship journal over one local SQLite file.
//!
//! The binary (`src/main.rs`) is a thin shell over [`run_main`]; the library form lets the
//! integration tests reach the database layer directly (e.g. query plans, upkeep checks).

pub mod apply;
pub mod birthday;
pub mod checks;
pub mod cli;
pub mod cmd;
pub mod db;
pub mod error;
pub mod escape;
pub mod import;
pub mod model;
pub mod output;
pub mod paths;
pub mod sync;
pub mod usage;
pub mod when;

use clap::Parser;
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
    let cli = match parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Only for the message: the words as typed (paths may not be UTF-8).
            let argv: Vec<String> = std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            return usage::handle_clap_error(err, &argv);
        }
    };
    cmd::run(cli)
}

/// The command line parsed; for `--help` the long help is first fitted to the terminal's
/// width (clap's own wrapping re-flows tables into broken rows).
fn parse() -> Result<cli::Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    if !std::env::args_os().any(|a| a == "--help") {
        return cli::Cli::try_parse();
    }
    // clap wraps at the terminal's width, at most `max_term_width` (100).
    let width = output::terminal::terminal_width().unwrap_or(100).min(100);
    let command = cli::help::fit_command(cli::Cli::command(), width);
    cli::Cli::from_arg_matches(&command.try_get_matches()?)
}
