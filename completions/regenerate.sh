#!/bin/sh
# Rewrites the committed completion scripts and man page from the current build.
# Run from the repository root: sh completions/regenerate.sh
set -eu
cargo build --quiet
rel=target/debug/rel
for shell in bash zsh fish elvish; do
    "$rel" completions "$shell" > "completions/rel.$shell"
done
"$rel" completions powershell > completions/rel.ps1
"$rel" man > docs/rel.1
