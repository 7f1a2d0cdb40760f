//! A bounded fuzzer for the parsers that take files and free text: the vCard reader (whole, and
//! streaming as `rel import` reads it), the CSV reader, and the WHEN/duration/cadence
//! parser. `cargo fuzz` needs nightly, so this runs on stable: random and mutated real inputs
//! (tests/data, tests/fuzz) for a fixed time, each parse under `catch_unwind`. A panic saves
//! the input under target/fuzz-findings/ and fails. Not part of CI (ignored); run it with
//! `bench/fuzz.sh [SECONDS]`.

use chrono::{TimeZone, Utc};
use rel::import::{parse_vcards, read_csv, read_vcards};
use rel::when::{Cadence, Dir, Span, parse_absolute, parse_when};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// xorshift64*: reproducible from the seed printed at the start.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn budget() -> Duration {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(seconds)
}

fn seed(label: &str) -> Rng {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
        })
        | 1;
    eprintln!("{label}: FUZZ_SEED={seed}");
    Rng(seed)
}

/// Real inputs to start from: the test data and the fuzz corpus.
fn corpus(extensions: &[&str]) -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut found = Vec::new();
    for folder in [root.join("data"), root.join("fuzz")] {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let matches = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e));
            if matches && let Ok(bytes) = std::fs::read(&path) {
                found.push(bytes);
            }
        }
    }
    assert!(!found.is_empty(), "no corpus for {extensions:?}");
    found
}

/// One random change: flip, insert, delete, repeat, splice a token or a piece of another input.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, tokens: &[&[u8]], others: &[Vec<u8>]) {
    let at = rng.below(input.len() + 1);
    match rng.below(8) {
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        1 => input.insert(at, rng.next() as u8),
        2 if !input.is_empty() => {
            let end = (at + rng.below(16)).min(input.len());
            input.drain(at.min(end)..end);
        }
        3 => {
            let token = rng.pick(tokens);
            input.splice(at..at, token.iter().copied());
        }
        4 if !input.is_empty() => {
            let start = rng.below(input.len());
            let end = (start + rng.below(64)).min(input.len());
            let piece = input[start..end].repeat(1 + rng.below(50));
            input.splice(at..at, piece);
        }
        5 => {
            let other = rng.pick(others);
            if !other.is_empty() {
                let start = rng.below(other.len());
                let end = (start + rng.below(200)).min(other.len());
                input.splice(at..at, other[start..end].iter().copied());
            }
        }
        6 => input.truncate(at),
        _ => {
            let c = rng.pick(&["\r", "\n", "\r\n", " ", "\t", "\u{feff}", "é", "\u{202e}"]);
            input.splice(at..at, c.bytes());
        }
    }
}

/// Runs `check` on inputs for the time budget; saves and reports any input that panics.
fn fuzz(label: &str, seeds: Vec<Vec<u8>>, tokens: &[&[u8]], check: impl Fn(&[u8])) {
    let mut rng = seed(label);
    let deadline = Instant::now() + budget();
    let mut runs = 0u64;
    let mut failures = Vec::new();
    while Instant::now() < deadline {
        let mut input = if rng.below(10) == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            rng.pick(&seeds).clone()
        };
        for _ in 0..1 + rng.below(8) {
            mutate(&mut rng, &mut input, tokens, &seeds);
        }
        runs += 1;
        if catch_unwind(AssertUnwindSafe(|| check(&input))).is_err() {
            let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
            let _ = std::fs::create_dir_all(&folder);
            let path = folder.join(format!("{label}-{runs}.bin"));
            let _ = std::fs::write(&path, &input);
            failures.push(path);
        }
    }
    eprintln!("{label}: {runs} inputs, {} panics", failures.len());
    assert!(failures.is_empty(), "{label} panicked on {failures:?}");
}

const VCARD_TOKENS: &[&[u8]] = &[
    b"BEGIN:VCARD\r\n",
    b"END:VCARD\r\n",
    b"VERSION:2.1\r\n",
    b"VERSION:4.0\r\n",
    b"FN:",
    b"N:;;;;",
    b"EMAIL;TYPE=work:",
    b"BDAY:",
    b"--0229",
    b"CATEGORIES:a,b\\,c",
    b";ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:",
    b"=C3=A9=\r\n",
    b"\r\n ",
    b"\\n",
    b"item1.",
    b"X-REL-EVERY:",
    b"UID:",
    b"NOTE:",
    b";",
    b":",
    b"=",
];

#[test]
#[ignore = "fuzzing: run with bench/fuzz.sh"]
fn fuzz_vcard_reader() {
    fuzz("vcard", corpus(&["vcf"]), VCARD_TOKENS, |input| {
        if let Ok(text) = std::str::from_utf8(input) {
            let _ = parse_vcards(text);
        }
        for _ in read_vcards(input, None) {}
    });
}

const CSV_TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b"\n",
    b"\r\n",
    b"Name,E-mail 1 - Value,Birthday,Group Membership\n",
    b"First Name,Last Name,E-mail Address\n",
    b"name,email,phone,org,tags,every,birthday,note\n",
    b" ::: ",
    b"* myContacts",
    b"1985-02-29",
    b"--12-31",
    b"=cmd",
];

#[test]
#[ignore = "fuzzing: run with bench/fuzz.sh"]
fn fuzz_csv_reader() {
    fuzz("csv", corpus(&["csv"]), CSV_TOKENS, |input| {
        for _ in read_csv(input) {}
    });
}

const WHEN_TOKENS: &[&[u8]] = &[
    b"today",
    b"yesterday",
    b"tomorrow",
    b"next ",
    b"last ",
    b"friday",
    b"tue",
    b" ago",
    b"in ",
    b"3d",
    b"2w",
    b"1m",
    b"9999999999y",
    b"10am",
    b"12:30",
    b"25:61",
    b"pm",
    b"2026-03-01",
    b"9999-12-31",
    b"0000-01-01",
    b"T23:59:59+14:00",
    b"-",
    b"+",
    b" ",
    b"week",
    b"month",
    b"quarterly",
    b"dec 25",
];

#[test]
#[ignore = "fuzzing: run with bench/fuzz.sh"]
fn fuzz_when_parser() {
    let seeds: Vec<Vec<u8>> = [
        "today",
        "3 days ago",
        "in 2w",
        "next friday",
        "last tue 10am",
        "2026-03-01 14:30",
        "2026-11-01T01:30:00-04:00",
        "dec 25",
        "yesterday 3pm",
        "1y",
        "weekly",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let nows = [
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).single(),
        Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
    ];
    fuzz("when", seeds, WHEN_TOKENS, |input| {
        let text = String::from_utf8_lossy(input);
        for now in nows.iter().flatten() {
            let _ = parse_when(&text, *now, Dir::Past);
            let _ = parse_when(&text, *now, Dir::Future);
        }
        let _ = parse_absolute(&text);
        let _ = Span::parse(&text);
        let _ = Cadence::parse(&text);
    });
}
