#!/usr/bin/env bash
# Launches phongtrao's desktop window. With no store yet, it first creates the demo commune, whose chief
# logs in as nguyenvanan with the password phongtrao-demo (as the README says).
# The store is PHONGTRAO_DB if set, else the platform's data folder (as the command line and the window).
#
# scripts/run.sh --province: the province's console instead, on a demo province (12 communes, made
# once in a folder of its own: PHONGTRAO_PROVINCE_DIR, else tinh-mau/ beside the data folder), whose
# chief logs in as tinh with the password phongtrao-demo; bundles still to import are in its usb-mau/.
#
# It builds the debug profile, the one scripts/test.sh builds: after the tests, nothing is compiled again
# and the window opens in seconds (the dependencies are optimised even in debug, see Cargo.toml). The
# release build is for packages only (scripts/package.sh): on 2 cores it takes far longer.
set -euo pipefail
cd "$(dirname "$0")/.."
province=""
if [ "${1:-}" = "--province" ]; then
  province=1
fi

scripts/deps.sh run
if [ ! -x target/debug/phongtrao-app ] || [ ! -x target/debug/phongtrao ]; then
  echo "Lần chạy đầu: biên dịch phongtrao (bản debug). Trên máy 2 nhân việc này mất khoảng 15–25 phút;" >&2
  echo "những lần sau chỉ biên dịch lại phần đã sửa, vài giây đến vài phút." >&2
fi
npm --prefix ui run build
# `--test it`: the command line is built with the same features as the test build (cargo unifies the
# dev-dependencies' features into the shared crates when a test is among the targets); without it the
# shared crates (rustix, num-traits, zip…) would be compiled a second time after scripts/test.sh. On a
# machine that never ran the tests, this compiles the test binary too (a few minutes more).
cargo build --locked -p phongtrao --bin phongtrao --test it
cargo build --locked -p phongtrao-app
cli=target/debug/phongtrao

if [ -n "$province" ]; then
  db="$("$cli" where)"
  dir="${PHONGTRAO_PROVINCE_DIR:-$(dirname "$db")/tinh-mau}"
  if [ ! -e "$dir/province.db" ]; then
    echo "Chưa có tỉnh mẫu: tạo tại $dir." >&2
    env -u PHONGTRAO_PASSWORD "$cli" province demo --dir "$dir" --communes 12
  fi
  echo "Đăng nhập tỉnh mẫu: tên đăng nhập tinh, mật khẩu phongtrao-demo." >&2
  # No commune store here: the window opens the province's.
  PHONGTRAO_DB="$dir/khong-dung-kho-xa.db" PHONGTRAO_PROVINCE_DIR="$dir" exec target/debug/phongtrao-app
fi

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
