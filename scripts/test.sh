#!/usr/bin/env bash
# Runs every test of phongtrao. Installs what it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Lints: warnings are errors.
cargo clippy --all-targets --locked -- -D warnings
# Unit, integration (tests/it) and CLI-as-a-process tests.
cargo nextest run --locked --lib --bins --tests --no-fail-fast --profile "${NEXTEST_PROFILE:-default}"
# Doc tests (nextest does not run them).
cargo test --locked --doc
