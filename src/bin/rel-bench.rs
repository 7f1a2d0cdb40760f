//! `rel-bench gen`: writes a deterministic benchmark database through rel's own schema.
//!
//! cargo run --release --bin rel-bench -- gen --scale L --db bench/out/L.db
//! cargo run --release --bin rel-bench -- gen --contacts 1000 --interactions 100000 --seed 1 --db x.db

use rel::db::Db;
use rel::db::generate::{Spec, generate};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The benchmark's fixed "now": 2026-11-27T12:00:00Z (the tests' REL_NOW too).
const NOW: i64 = 1_795_780_800;

const USAGE: &str =
    "usage: rel-bench gen [--scale S|L] [--contacts N] [--interactions M] [--seed S] --db PATH";

fn main() -> ExitCode {
    // Generated journals are private like real ones (rel itself sets the same mask).
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe { libc::umask(0o077) };
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rel-bench: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let mut args = args.into_iter();
    if args.next().as_deref() != Some("gen") {
        return Err(USAGE.to_string());
    }
    let mut spec = Spec {
        contacts: 1_000,
        interactions: 100_000,
        seed: 1,
        now: NOW,
    };
    let mut path: Option<PathBuf> = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--scale" => match value()?.as_str() {
                "S" | "s" => (spec.contacts, spec.interactions) = (1_000, 100_000),
                "L" | "l" => (spec.contacts, spec.interactions) = (100_000, 1_000_000),
                other => return Err(format!("unknown scale '{other}' (S or L)")),
            },
            "--contacts" => spec.contacts = number(&value()?)?,
            "--interactions" => spec.interactions = number(&value()?)?,
            "--seed" => spec.seed = number(&value()?)? as u64,
            "--db" => path = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option '{other}'\n{USAGE}")),
        }
    }
    let path = path.ok_or_else(|| format!("--db is required\n{USAGE}"))?;
    if path.exists() {
        return Err(format!("{} exists; remove it first", path.display()));
    }
    let started = Instant::now();
    let mut db = Db::open(&path).map_err(|e| e.render())?;
    let summary = generate(&mut db, &spec).map_err(|e| e.render())?;
    eprintln!(
        "wrote {} contacts, {} interactions, {} follow-ups to {} in {:.1}s",
        summary.contacts,
        summary.interactions,
        summary.followups,
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn number(text: &str) -> Result<usize, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number"))
}
