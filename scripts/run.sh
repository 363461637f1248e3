#!/usr/bin/env bash
# Launches phongtrao. With no store yet, it opens the demo commune.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
cargo build --release --locked --bin phongtrao
bin=target/release/phongtrao

# The desktop window comes with src-tauri; until then this opens the store on the command line.
if ! "$bin" info >/dev/null 2>&1; then
  echo "Chưa có dữ liệu: tạo xã mẫu." >&2
  "$bin" demo
fi
"$bin" info
echo
echo "Dùng: $bin --help"
