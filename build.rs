//! Builds the SQLite rel links: the amalgamation that libsqlite3-sys ships, compiled with the
//! flags libsqlite3-sys's `bundled` build uses plus the two rel needs:
//!
//! - `SQLITE_ENABLE_PREUPDATE_HOOK`: the operation log sees every row change through the
//!   pre-update hook (src/sync/preupdate.rs). Temporary triggers did the same for ~2 ms of
//!   parsing per writing process, a third of `rel log` at L.
//! - `HAVE_FDATASYNC`: sync the -wal with fdatasync, as the system's sqlite3 does, instead of
//!   fsync (which also writes the file's times for nothing).
//!
//! Why here and not in `LIBSQLITE3_FLAGS` (libsqlite3-sys's own switch): that is an environment
//! variable, and `cargo install --git`, a packaged crate and a build from another folder never
//! read this repository's `.cargo/config.toml`, so they failed to link
//! (`sqlite3_preupdate_hook`). A build script of ours runs in every way the crate is built.
//! Setting the flag on libsqlite3-sys's own build needs its `preupdate_hook` feature, which
//! runs bindgen (libclang on every machine that installs rel).
//!
//! Two copies of SQLite's code then exist in the build: this one, in rel's library, and
//! libsqlite3-sys's, in its own. The linker loads an archive member only to define a symbol
//! still undefined, and rel's library comes first on the link line: rel's own calls into SQLite
//! (`sqlite3_preupdate_hook`, defined only in this copy) load this copy, which then defines every
//! symbol rusqlite calls, so libsqlite3-sys's copy is never loaded. Were both ever loaded, the
//! link would fail on duplicate symbols: never a rel with the wrong SQLite. A test
//! (`sqlite_has_the_preupdate_hook` in src/db/sqlite_build_tests.rs) checks the linked one at run time.

use std::env;
use std::path::PathBuf;

fn main() {
    link_for_start_up();
    // libsqlite3-sys (`links = "sqlite3"`, bundled) tells its direct dependents where its
    // amalgamation is.
    let Some(include) = env::var_os("DEP_SQLITE3_INCLUDE") else {
        panic!(
            "DEP_SQLITE3_INCLUDE is unset: rel needs libsqlite3-sys with its `bundled` feature \
             as a direct dependency"
        );
    };
    let source = PathBuf::from(include).join("sqlite3.c");
    println!("cargo:rerun-if-changed={}", source.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBSQLITE3_FLAGS");

    let mut build = cc::Build::new();
    build.file(&source).warnings(false);
    // libsqlite3-sys 0.40's bundled flags (build.rs, build_bundled::main), in its order: the
    // SQLite rel links must behave exactly like the one rusqlite was tested with.
    for flag in [
        "-DSQLITE_CORE",
        "-DSQLITE_DEFAULT_FOREIGN_KEYS=1",
        "-DSQLITE_ENABLE_API_ARMOR",
        "-DSQLITE_ENABLE_COLUMN_METADATA",
        "-DSQLITE_ENABLE_DBSTAT_VTAB",
        "-DSQLITE_ENABLE_FTS3",
        "-DSQLITE_ENABLE_FTS3_PARENTHESIS",
        "-DSQLITE_ENABLE_FTS5",
        "-DSQLITE_ENABLE_JSON1",
        "-DSQLITE_ENABLE_LOAD_EXTENSION=1",
        "-DSQLITE_ENABLE_RTREE",
        "-DSQLITE_ENABLE_STAT4",
        "-DSQLITE_SOUNDEX",
        "-DSQLITE_THREADSAFE=1",
        "-DSQLITE_USE_URI",
        "-DHAVE_USLEEP=1",
        "-DHAVE_ISNAN",
        "-D_POSIX_THREAD_SAFE_FUNCTIONS",
    ] {
        build.flag(flag);
    }
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "android" {
        build.flag("-DSQLITE_TEMP_STORE=3");
    }
    if env::var_os("CARGO_CFG_WINDOWS").is_none() {
        build.flag("-DHAVE_LOCALTIME_R");
    }
    // rel's own two.
    build.flag("-DSQLITE_ENABLE_PREUPDATE_HOOK");
    if target_os == "linux" || target_os == "android" {
        build.flag("-DHAVE_FDATASYNC=1");
    }
    // A user's extra flags go to the copy that is linked, as libsqlite3-sys would apply them.
    if let Ok(extras) = env::var("LIBSQLITE3_FLAGS") {
        for extra in extras.split_whitespace() {
            if extra.starts_with("-D") || extra.starts_with("-U") {
                build.flag(extra);
            } else if extra.starts_with("SQLITE_") {
                build.flag(format!("-D{extra}"));
            }
        }
    }
    build.compile("rel_sqlite3");
}

/// With the `fast-start` feature, on Linux, rel is linked as a fixed-address executable
/// (`-no-pie`, for the binaries only: proc-macros are shared objects). A position-independent
/// rel makes the dynamic loader patch 41,919 pointers (chrono-tz, mail-parser and chardetng
/// tables) and copy the pages they sit on at every start: 1.38 M instructions and 472 page
/// faults for `rel --version`; fixed, 0.83 M and 162 (2.1 ms -> 1.2 ms). It is opt-in because
/// the executable's own code then loads at the same address every time (no ASLR for it), which
/// distributions' hardening policies rule out.
fn link_for_start_up() {
    let linux = env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux && env::var_os("CARGO_FEATURE_FAST_START").is_some() {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
