#!/usr/bin/env bash
# Launches phongtrao. With no store yet, it creates the demo commune (login nguyenvanan,
# password phongtrao-demo, as the README says) and opens it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
cargo build --release --locked --bin phongtrao
bin=target/release/phongtrao

# The desktop window comes with src-tauri; until then this opens the store on the command line.
db="$("$bin" where)"
if [ ! -f "$db" ]; then
  echo "Chưa có dữ liệu: tạo xã mẫu tại $db (đăng nhập: nguyenvanan / phongtrao-demo)." >&2
  PHONGTRAO_PASSWORD=phongtrao-demo "$bin" demo
  export PHONGTRAO_PASSWORD=phongtrao-demo
fi
"$bin" info
echo
echo "Dùng: $bin --help"
