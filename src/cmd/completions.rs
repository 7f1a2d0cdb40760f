//! Shell completion: `rel completions SHELL` prints the registration script (the same one
//! `COMPLETE=SHELL rel` prints), and the shell then asks `rel` itself for candidates, so
//! contact handles and tags complete from the database.
//!
//! The candidates themselves are in `cli/candidates.rs`, beside the clap definitions that
//! name them (so `cli` does not reach up into `cmd`).

use crate::error::Result;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::io::Write;

/// The variable that switches rel into completion mode (`COMPLETE=bash rel`).
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Answers a completion request and exits, when the shell made one; otherwise returns.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(crate::cli::full_command)
        .var(COMPLETE_VAR)
        // The scripts call `rel` from PATH, so they do not depend on where rel was built.
        .completer("rel")
        .complete();
}

/// `rel completions SHELL`: the registration script for that shell.
pub fn run(shell: clap_complete::Shell) -> Result<()> {
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Zsh => &Zsh,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::PowerShell => &Powershell,
        _ => &Bash,
    };
    let mut script = Vec::new();
    completer.write_registration(COMPLETE_VAR, "rel", "rel", "rel", &mut script)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}
