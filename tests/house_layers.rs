//! The shape of the house (STYLE.md: data flows one way): no two source files in different
//! folders name each other, directly or round a circle, and nothing under `src/db/` names
//! `sync` (db asks for a `db::recorder::Recorder`; sync provides it). Read from the sources:
//! every `crate::…` and `super::…` path, resolved to the file of the longest module it names.
//!
//! And `src/sync/` shows its layers: only the engine-level files in [`SYNC_TOP`] sit directly
//! in it, the rest in one folder per layer (`log/`, `capture/`, `fold/`, `remote/` with
//! `sealed/` and `postgres/`); its lower layers name nothing above them. Anywhere under
//! `src/`, no file is longer than [`MAX_SOURCE_LINES`], no file name starts with the name of
//! a folder or file beside it (`pg_*.rs` beside `postgres/`), and the parsers of `import/`
//! never reach the writer. And `src/sync/` reaches the journal's tables only through `db/`:
//! no SQL of its own names one of them (read from the migrations).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by its module path (`cmd::stats` for src/cmd/stats.rs).
fn modules() -> BTreeMap<Vec<String>, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeMap::new();
    let mut folders = vec![src.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("list src/") {
            let path: PathBuf = entry.expect("entry of src/").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(&src) else {
                continue;
            };
            let Some(text) = relative.to_str().and_then(|r| r.strip_suffix(".rs")) else {
                continue;
            };
            let mut module: Vec<String> = text.split('/').map(str::to_string).collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            found.insert(module, format!("src/{}", relative.display()));
        }
    }
    found
}

/// The source without comments (doc comments name modules without depending on them) and
/// without its inline unit tests at the end (their `super::` is the file itself).
fn code_of(file: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("read {file}: {e}"));
    code_in(&text)
}

/// [`code_of`] on a text.
fn code_in(text: &str) -> String {
    let text = text
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers of a path starting at `rest` (`a::b::{c, d}` gives [a, b] and [c, d]).
fn path_at(rest: &str) -> (Vec<String>, Vec<String>) {
    let mut segments = Vec::new();
    let mut rest = rest;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segments.push(rest[..end].to_string());
        rest = &rest[end..];
        match rest.strip_prefix("::") {
            Some(next) => rest = next,
            None => return (segments, Vec::new()),
        }
    }
    let group = rest
        .strip_prefix('{')
        .and_then(|inside| inside.split('}').next())
        .map(|inside| {
            inside
                .split(',')
                .filter_map(|item| item.trim().split("::").next())
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .collect()
        })
        .unwrap_or_default();
    (segments, group)
}

/// The files a file names, through `crate::` and `super::` paths.
fn named_by(
    module: &[String],
    file: &str,
    modules: &BTreeMap<Vec<String>, String>,
) -> BTreeSet<String> {
    let code = code_of(file);
    let longest = |path: &[String]| {
        (1..=path.len())
            .rev()
            .find_map(|n| modules.get(&path[..n]))
            .cloned()
    };
    // `super` is the module above the file's own (for a mod.rs, above its folder's module).
    let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
    let mut named = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        // `pub(in crate::sync)` says who may see an item, not what the file uses.
        if code[..at].ends_with("pub(in ") {
            continue;
        }
        let (path, group) = path_at(&code[at + "crate::".len()..]);
        named.extend(longest(&path));
        for item in group {
            named.extend(longest(&[path.clone(), vec![item]].concat()));
        }
    }
    for (at, _) in code.match_indices("super::") {
        // Only the first `super::` of a chain.
        if code[..at].ends_with("super::") {
            continue;
        }
        let mut rest = &code[at..];
        let mut base = parent.clone();
        let mut first = true;
        while let Some(next) = rest.strip_prefix("super::") {
            if !first {
                base.pop();
            }
            first = false;
            rest = next;
        }
        let (path, group) = path_at(rest);
        named.extend(longest(&[base.clone(), path.clone()].concat()));
        for item in group {
            named.extend(longest(&[base.clone(), path.clone(), vec![item]].concat()));
        }
    }
    named.remove(file);
    named
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    modules
        .iter()
        .map(|(module, file)| (file.clone(), named_by(module, file, &modules)))
        .collect()
}

/// Files that reach each other (strongly connected groups of more than one file).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(file) = todo.pop() {
            for next in graph.get(&file).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|file| (file, reach(file))).collect();
    let mut groups: Vec<BTreeSet<String>> = Vec::new();
    for (file, seen) in &reached {
        if !seen.contains(*file) || groups.iter().any(|g| g.contains(*file)) {
            continue;
        }
        let group: BTreeSet<String> = seen
            .iter()
            .filter(|other| reached[other].contains(*file))
            .cloned()
            .collect();
        groups.push(group);
    }
    groups
}

/// No circle crosses a folder: files in different folders (layers, rooms) never name each
/// other round a circle. Inside one folder, files that split one type's `impl` or share
/// mutually recursive steps (the merge hand-over and its give-back) may.
#[test]
fn no_circle_crosses_a_folder() {
    let graph = graph();
    assert!(
        graph
            .get("src/cli/mod.rs")
            .is_some_and(|named| !named.is_empty()),
        "the reader of the sources found nothing: {graph:?}"
    );
    let folder = |file: &String| Path::new(file).parent().map(Path::to_path_buf);
    let crossing: Vec<_> = circles(&graph)
        .into_iter()
        .filter(|group| {
            let first = group.iter().next().and_then(folder);
            group.iter().any(|file| folder(file) != first)
        })
        .collect();
    assert!(
        crossing.is_empty(),
        "files in different folders that name each other (round a circle): {crossing:#?}"
    );
}

/// Inside a folder too, files name each other one way only, but for one pair of mutually
/// recursive steps: a merge's hand-over gives back what a give-back hands on, and the other
/// way round (one file would be twice the length a reader takes in at once).
#[test]
fn the_only_circle_is_the_merges_hand_over_and_give_back() {
    let found: Vec<BTreeSet<String>> = circles(&graph());
    let allowed: BTreeSet<String> = [
        "src/sync/fold/merge_give_back.rs",
        "src/sync/fold/merge_hand_over.rs",
    ]
    .map(String::from)
    .into();
    assert_eq!(
        found,
        vec![allowed],
        "files that name each other (round a circle)"
    );
}

#[test]
fn db_names_nothing_of_sync() {
    let graph = graph();
    let upward: Vec<_> = graph
        .iter()
        .filter(|(file, _)| file.starts_with("src/db/"))
        .flat_map(|(file, named)| {
            named
                .iter()
                .filter(|target| target.starts_with("src/sync/"))
                .map(move |target| format!("{file} -> {target}"))
        })
        .collect();
    assert!(upward.is_empty(), "db/ reaches up into sync/: {upward:#?}");
}

/// The layers of `src/sync/` below the engine, each with the layers it may name: the log
/// names nothing else of sync; a remote stores and carries operations (the log's `WireOp`),
/// never knowing the fold, the capture or the engine that drives it; the fold reads the log
/// and keeps what remotes refuse, and asks the capture above it for its staging only through
/// the `fold::Staging` it is given.
const SYNC_LOWER_LAYERS: &[(&str, &[&str])] = &[
    ("src/sync/log/", &[]),
    ("src/sync/remote/", &["src/sync/log/"]),
    ("src/sync/fold/", &["src/sync/log/", "src/sync/remote/"]),
];

#[test]
fn the_lower_layers_of_sync_name_nothing_above_them() {
    let graph = graph();
    let mut upward = Vec::new();
    for (layer, below) in SYNC_LOWER_LAYERS {
        for (file, named) in graph.iter().filter(|(file, _)| file.starts_with(layer)) {
            for target in named {
                let allowed = !target.starts_with("src/sync/")
                    || target.starts_with(layer)
                    || below.iter().any(|b| target.starts_with(b));
                if !allowed {
                    upward.push(format!("{file} -> {target}"));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "a lower layer of sync reaches up: {upward:#?}"
    );
}

/// The parsers of `import/` turn files into drafts and never write: only `apply/` takes drafts
/// into the journal (through `db::import`).
#[test]
fn the_parsers_never_write() {
    let graph = graph();
    let writing: Vec<_> = graph
        .iter()
        .filter(|(file, _)| file.starts_with("src/import/"))
        .flat_map(|(file, named)| {
            named
                .iter()
                .filter(|target| {
                    ["src/db/", "src/sync/", "src/apply/"]
                        .iter()
                        .any(|room| target.starts_with(room))
                })
                .map(move |target| format!("{file} -> {target}"))
        })
        .collect();
    assert!(
        writing.is_empty(),
        "a parser reaches the writer: {writing:#?}"
    );
    assert!(
        graph
            .get("src/apply/mod.rs")
            .is_some_and(|named| named.iter().any(|t| t.starts_with("src/db/"))),
        "the applier is where the reader expects it"
    );
}

#[test]
fn the_reader_sees_a_circle_when_there_is_one() {
    let mut graph = graph();
    graph
        .entry("src/output/mod.rs".to_string())
        .or_default()
        .insert("src/cli/mod.rs".to_string());
    let found = circles(&graph);
    assert!(
        found
            .iter()
            .any(|group| group.contains("src/output/mod.rs") && group.contains("src/cli/mod.rs")),
        "cli -> output -> cli not seen: {found:?}"
    );
}

/// The files `src/sync/` may hold directly: the module itself and the engine-level steps of a
/// sync (the engine, its settings, the local cache and lock, replica names and forks), plus
/// undo and the digest, which sit on top of the log and the fold. Everything else lives in the
/// folder of its layer: `log/`, `capture/`, `fold/`, `remote/` (`sealed/`, `postgres/`), and
/// the unit tests that run replicas against each other in `tests/`.
const SYNC_TOP: &[&str] = &[
    "cache.rs",
    "digest.rs",
    "engine.rs",
    "fork.rs",
    "guard.rs",
    "mod.rs",
    "replica_names.rs",
    "settings.rs",
    "undo.rs",
];

#[test]
fn sync_keeps_its_layers_in_folders() {
    let sync = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync");
    let mut stray = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(&sync).expect("list src/sync") {
        let path = entry.expect("entry of src/sync").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if path.is_dir() {
            folders.push(name);
        } else if !SYNC_TOP.contains(&name.as_str()) {
            stray.push(name);
        }
    }
    assert!(
        stray.is_empty(),
        "files directly in src/sync/ that belong in a layer's folder (or in SYNC_TOP, with a \
         reason): {stray:?}"
    );
    folders.sort();
    assert_eq!(
        folders,
        ["capture", "fold", "log", "remote", "tests"],
        "src/sync/'s layers"
    );
}

/// Files under `src/` longer than this are split along their seams (STYLE.md: a file is read
/// in one sitting; issue #20).
const MAX_SOURCE_LINES: usize = 400;

#[test]
fn source_files_are_read_in_one_sitting() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut folders = vec![root.join("src")];
    let mut long = Vec::new();
    let mut read = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("list a folder of src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            // Rust sources only: a migration (`.sql`) is frozen once released, whatever its
            // length.
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            read += 1;
            let shown = path
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let lines = std::fs::read_to_string(&path)
                .map(|text| text.lines().count())
                .unwrap_or(0);
            if lines > MAX_SOURCE_LINES {
                long.push(format!("{shown}: {lines} lines"));
            }
        }
    }
    assert!(read > 100, "only {read} files of src/ read");
    assert!(long.is_empty(), "files to split: {long:#?}");
}

/// No file name under `src/` starts with the name of a folder or file beside it
/// (`capture_hook.rs` beside `capture/`, `output_fit.rs` beside `output.rs`): a prefix standing
/// in for a folder.
#[test]
fn no_prefix_stands_in_for_a_folder() {
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut prefixed = Vec::new();
    while let Some(folder) = folders.pop() {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&folder).expect("list a folder of src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path.clone());
            }
            let stem = path
                .file_stem()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            names.push((stem, path));
        }
        for (stem, path) in &names {
            let prefix = stem.split('_').next().unwrap_or_default();
            let beside = names
                .iter()
                .any(|(other, _)| other != stem && other == prefix);
            if stem.contains('_') && beside {
                prefixed.push(path.display().to_string());
            }
        }
    }
    assert!(
        prefixed.is_empty(),
        "prefixes standing in for folders: {prefixed:?}"
    );
}

/// The journal's own tables: every table the migrations create (`src/db/sql/*.sql`) whose name
/// does not start with `sync_`, virtual ones included, with the shadow tables FTS5 keeps for
/// each of those.
fn journal_tables() -> BTreeSet<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db/sql");
    let mut tables = BTreeSet::new();
    for entry in std::fs::read_dir(&folder).expect("list src/db/sql") {
        let path = entry.expect("entry of src/db/sql").path();
        if path.extension().is_none_or(|ext| ext != "sql") {
            continue;
        }
        let sql = std::fs::read_to_string(&path).expect("read a migration");
        let words: Vec<&str> = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .collect();
        for (at, word) in words.iter().enumerate() {
            if !word.eq_ignore_ascii_case("CREATE") {
                continue;
            }
            let mut rest = words[at + 1..].iter().copied().peekable();
            let virtual_table = rest
                .next_if(|w| w.eq_ignore_ascii_case("VIRTUAL"))
                .is_some();
            if rest.next_if(|w| w.eq_ignore_ascii_case("TABLE")).is_none() {
                continue;
            }
            if rest.next_if(|w| w.eq_ignore_ascii_case("IF")).is_some() {
                rest.next(); // NOT
                rest.next(); // EXISTS
            }
            let Some(name) = rest.next().filter(|name| !name.starts_with("sync_")) else {
                continue;
            };
            if virtual_table {
                for shadow in ["data", "idx", "content", "docsize", "config"] {
                    tables.insert(format!("{name}_{shadow}"));
                }
            }
            tables.insert(name.to_string());
        }
    }
    tables
}

/// Where `code` names one of `tables` as SQL does (`FROM t`, `JOIN t`, `UPDATE t`, `INTO t`,
/// so `DELETE FROM t` and `INSERT OR IGNORE INTO t` too; keywords in any case, the table a
/// whole word): (line, keyword and table).
fn sql_naming(code: &str, tables: &BTreeSet<String>) -> Vec<(usize, String)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    // `token` ends with the word `keyword` (`"UPDATE`, `(SELECT 1 FROM`), not with a longer one.
    let ends_with = |token: &str, keyword: &str| {
        let Some(at) = token.len().checked_sub(keyword.len()) else {
            return false;
        };
        token
            .get(at..)
            .is_some_and(|end| end.eq_ignore_ascii_case(keyword))
            && token
                .get(..at)
                .is_some_and(|start| !start.ends_with(is_word))
    };
    let tokens: Vec<&str> = code.split_whitespace().collect();
    let mut found = Vec::new();
    for pair in tokens.windows(2) {
        let Some(keyword) = ["FROM", "JOIN", "UPDATE", "INTO"]
            .into_iter()
            .find(|keyword| ends_with(pair[0], keyword))
        else {
            continue;
        };
        let name: String = pair[1].chars().take_while(|&c| is_word(c)).collect();
        if tables.contains(&name) {
            let offset = pair[1].as_ptr() as usize - code.as_ptr() as usize;
            let line = code[..offset].matches('\n').count() + 1;
            found.push((line, format!("{keyword} {name}")));
        }
    }
    found
}

/// Whether a module is compiled for tests only: it, or a module above it, is declared right
/// after `#[cfg(test)]` (`src/sync/tests/`, `fold/tests.rs`).
fn is_test_only(module: &[String], modules: &BTreeMap<Vec<String>, String>) -> bool {
    (1..module.len()).any(|n| {
        let (parent, name) = (&module[..n], &module[n]);
        modules.get(parent).is_some_and(|file| {
            let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                .unwrap_or_default();
            text.contains(&format!("#[cfg(test)]\nmod {name};"))
        })
    })
}

/// `sync/` reaches the journal's tables only through `db/` (issue #20; STYLE.md: SQL lives in
/// `db/`): its own SQL names only its own `sync_*` tables (and the capture's temp staging).
/// Its unit tests may fill and read the journal directly. A table named as `main.t` or built
/// into the text from `db/synced` (the capture's, see docs/sync-design.md) is not seen.
#[test]
fn sync_sql_names_only_its_own_tables() {
    let tables = journal_tables();
    assert!(
        tables.contains("contacts")
            && tables.contains("contacts_fts")
            && tables.contains("interactions_fts_data")
            && !tables.iter().any(|t| t.starts_with("sync_")),
        "the journal's tables, as read from src/db/sql: {tables:?}"
    );
    let modules = modules();
    let mut found = Vec::new();
    let mut read = 0;
    for (module, file) in &modules {
        if !file.starts_with("src/sync/") || is_test_only(module, &modules) {
            continue;
        }
        read += 1;
        for (line, sql) in sql_naming(&code_of(file), &tables) {
            found.push(format!("{file}:{line}: {sql}"));
        }
    }
    assert!(read > 20, "only {read} files of src/sync/ read");
    assert!(
        found.is_empty(),
        "SQL on the journal's tables in src/sync/ (move it to a function in src/db/): {found:#?}"
    );
}

#[test]
fn the_sql_reader_sees_a_journal_table_when_one_is_named() {
    let tables = journal_tables();
    let code = "conn.prepare_cached(\"UPDATE contacts SET handle = ?2\")?;\n\
                let x = \"SELECT c.uid FROM interaction_contacts ic\n JOIN contacts c\";\n\
                \"INSERT OR IGNORE INTO followups (uid)\";\n\
                let y: Vec<_> = rows.into_iter().collect(); // FROM contacts\n\
                x.into() contacts; \"FROM sync_fields JOIN contacts_new\"";
    let found = sql_naming(&code_in(code), &tables);
    assert_eq!(
        found,
        [
            (1, "UPDATE contacts".to_string()),
            (2, "FROM interaction_contacts".to_string()),
            (3, "JOIN contacts".to_string()),
            (4, "INTO followups".to_string()),
        ],
        "{code}"
    );
    assert!(
        !sql_naming(&code_of("src/db/followups.rs"), &tables).is_empty(),
        "db/followups.rs names followups"
    );
}
