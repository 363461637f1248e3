#!/usr/bin/env bash
# Launches phongtrao's desktop window. With no store yet, it first creates the demo commune, whose chief
# logs in as nguyenvanan with the password phongtrao-demo (as the README says).
# The store is PHONGTRAO_DB if set, else the platform's data folder (as the command line and the window).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
npm --prefix ui run build
cargo build --release --locked -p phongtrao --bin phongtrao
cargo build --release --locked -p phongtrao-app
cli=target/release/phongtrao

# The store is encrypted: nothing can be read from it without a password, so only its presence is checked.
db="$("$cli" where)"
if [ ! -e "$db" ]; then
  echo "Chưa có dữ liệu: tạo xã mẫu tại $db." >&2
  env -u PHONGTRAO_PASSWORD "$cli" --db "$db" demo
  echo "Đăng nhập xã mẫu: tên đăng nhập nguyenvanan, mật khẩu phongtrao-demo." >&2
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "Không có màn hình (DISPLAY); mở cửa sổ trong Xvfb: xvfb-run -a scripts/run.sh" >&2
fi
PHONGTRAO_DB="$db" exec target/release/phongtrao-app
