//! The `rel` command; everything lives in the library so tools can share the database layer.

fn main() {
    std::process::exit(rel::run_main());
}
