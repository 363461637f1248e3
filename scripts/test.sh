#!/usr/bin/env bash
# Runs every test of phongtrao. Installs what it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# One format (rustfmt.toml, ui/.prettierrc.json): a formatting slip fails fast.
cargo fmt --all --check
npm --prefix ui run format:check
# Lints: warnings are errors.
cargo clippy --all-targets --locked -- -D warnings
# Unit, integration (tests/it) and CLI-as-a-process tests.
cargo nextest run --locked --lib --bins --tests --no-fail-fast --profile "${NEXTEST_PROFILE:-default}"
# Doc tests (nextest does not run them).
cargo test --locked --doc

# The desktop window. The front end first: the shell embeds ui/dist when it compiles.
npm --prefix ui run check
npm --prefix ui test
npm --prefix ui run build
cargo clippy -p phongtrao-app --all-targets --locked -- -D warnings
# Its unit tests, including: ui/src/bindings.ts is what the Rust side generates (stale bindings fail).
cargo nextest run -p phongtrao-app --locked --no-fail-fast --profile "${NEXTEST_PROFILE:-default}"
cargo build -p phongtrao-app --locked
# End to end: the real window under Xvfb, driven through tauri-driver and WebKitWebDriver.
# Screenshots of the main screens go to docs/screenshots/.
PHONGTRAO_APP=target/debug/phongtrao-app \
  xvfb-run -a -s "-screen 0 1366x768x24" node --test --test-concurrency=1 tests/e2e/app.test.mjs tests/e2e/accounts.test.mjs tests/e2e/sync.test.mjs tests/e2e/cert.test.mjs tests/e2e/print.test.mjs tests/e2e/province.test.mjs tests/e2e/intake.test.mjs tests/e2e/drill.test.mjs tests/e2e/sheets.test.mjs tests/e2e/inspect.test.mjs tests/e2e/inspect-province.test.mjs tests/e2e/review.test.mjs tests/e2e/peers.test.mjs tests/e2e/steer.test.mjs tests/e2e/lists.test.mjs
