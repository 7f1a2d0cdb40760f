//! Times the PostgreSQL remote over a Unix socket: a push of 10,000 operations, a pull of
//! them, and what a sync with nothing new asks of the remote (connect, check, heads).
//! Run through `bench/pg_remote.sh`, which starts a throw-away server.

use rel::sync::remote::postgres::PgRemote;
use rel::sync::remote::{Remote, WireOp};
use std::time::Instant;

fn main() {
    let url = std::env::var("REL_BENCH_PG").expect("REL_BENCH_PG: a set-up database");
    let count: i64 = 10_000;
    let replica = format!("bench-{}", std::process::id());
    // Operations shaped like real ones: a JSON body of ~200 bytes.
    let ops: Vec<WireOp> = (1..=count)
        .map(|seq| WireOp {
            replica: replica.clone(),
            seq,
            hlc: (1_764_000_000_000 + seq) << 16,
            author: None,
            body: format!(
                "{{\"v\":1,\"kind\":\"interaction_add\",\"uid\":\"0193a1b2-0000-7000-8000-{seq:012}\",\
                 \"at\":1764000000,\"channel\":\"call\",\"contacts\":[\"0193a1b2-0000-7000-8000-000000000001\"],\
                 \"note\":\"called about the renewal, number {seq}\"}}"
            ),
        })
        .collect();
    let mut remote = PgRemote::connect(&url, "bench").expect("connect");
    remote.check().expect("check");

    let start = Instant::now();
    remote.push(&ops).expect("push");
    let push = start.elapsed();

    let start = Instant::now();
    let mut reader = PgRemote::connect(&url, "bench").expect("connect");
    let heads = reader.heads().expect("heads");
    let mut pulled = 0;
    for (other, head) in &heads {
        if *head > 0 {
            pulled += reader.fetch(other, 0).expect("fetch").len();
        }
    }
    let pull = start.elapsed();
    assert!(pulled as i64 >= count);

    let mut noop = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let mut remote = PgRemote::connect(&url, "bench").expect("connect");
        remote.check().expect("check");
        let _ = remote.heads().expect("heads");
        noop.push(start.elapsed());
    }
    noop.sort();
    let (mut c, mut k, mut h) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..20 {
        let t = Instant::now();
        let mut remote = PgRemote::connect(&url, "bench").expect("connect");
        c.push(t.elapsed());
        let t = Instant::now();
        remote.check().expect("check");
        k.push(t.elapsed());
        let t = Instant::now();
        let _ = remote.heads().expect("heads");
        h.push(t.elapsed());
    }
    for (name, v) in [("connect", &mut c), ("check", &mut k), ("heads", &mut h)] {
        v.sort();
        println!(
            "  of which {name}\t{:.1} ms",
            v[v.len() / 2].as_secs_f64() * 1000.0
        );
    }
    println!("push {count} ops\t{:.3} s", push.as_secs_f64());
    println!("pull {pulled} ops\t{:.3} s", pull.as_secs_f64());
    println!(
        "no-op round (connect, check, heads), median of 20\t{:.1} ms",
        noop[noop.len() / 2].as_secs_f64() * 1000.0
    );
}
