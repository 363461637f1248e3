#!/usr/bin/env bash
# Launches phongtrao's desktop window. With no store yet, it first creates the demo commune, whose chief
# logs in as nguyenvanan with the password phongtrao-demo (as the README says).
# The store is PHONGTRAO_DB if set, else the platform's data folder (as the command line and the window).
#
# It builds the debug profile, the one scripts/test.sh builds: after the tests, nothing is compiled again
# and the window opens in seconds (the dependencies are optimised even in debug, see Cargo.toml). The
# release build is for packages only (scripts/package.sh): on 2 cores it takes far longer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
if [ ! -x target/debug/phongtrao-app ] || [ ! -x target/debug/phongtrao ]; then
  echo "Lần chạy đầu: biên dịch phongtrao (bản debug). Trên máy 2 nhân việc này mất khoảng 15–25 phút;" >&2
  echo "những lần sau chỉ biên dịch lại phần đã sửa, vài giây đến vài phút." >&2
fi
npm --prefix ui run build
cargo build --locked -p phongtrao --bin phongtrao
cargo build --locked -p phongtrao-app
cli=target/debug/phongtrao

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
PHONGTRAO_DB="$db" exec target/debug/phongtrao-app
