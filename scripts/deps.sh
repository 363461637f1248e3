#!/usr/bin/env bash
# Installs what phongtrao needs on Debian 12, idempotently: only what is missing is installed.
# Usage: scripts/deps.sh test|run|package|windows
set -euo pipefail
cd "$(dirname "$0")/.."

want="${1:-test}"

# Debian packages the tests use: poppler-utils (pdftotext, pdftoppm, pdffonts, pdfinfo) and qpdf
# check the printed PDFs; sqlite3 is the reference SQLite shell for store checks; libssl-dev gives
# SQLCipher (the encrypted store) its crypto; binutils has `strings`, which tests run on the store files.
apt_packages=(poppler-utils qpdf sqlite3 pkg-config libssl-dev binutils)
# age and minisign: tests check exported sync bundles with Debian's standard tools; zstd for the
# hand-made pipeline the sync benchmark compares against.
apt_packages+=(age minisign zstd)
# The desktop window (Tauri 2): WebKitGTK and friends to build and run it.
apt_packages+=(libwebkit2gtk-4.1-dev build-essential libayatana-appindicator3-dev librsvg2-dev)
if [ "$want" = package ] || [ "$want" = windows ]; then
  # Packages: dpkg-shlibdeps (dpkg-dev) reads the binaries' real dependencies; the .deb test opens the
  # installed window under Xvfb, finds it (xwininfo) and takes a screenshot (import, ImageMagick).
  # desktop-file-validate checks the menu entry, rpm reads the .rpm back.
  apt_packages+=(dpkg-dev xvfb xauth x11-utils imagemagick desktop-file-utils rpm)
fi
if [ "$want" = windows ]; then
  # The Windows build: MinGW-w64 links the .exe files, NSIS makes the installer, Wine runs the CLI.
  apt_packages+=(gcc-mingw-w64-x86-64 nsis wine wine64)
fi
if [ "$want" = test ]; then
  # End-to-end tests drive the real window under Xvfb through WebKitWebDriver (xvfb-run needs xauth).
  apt_packages+=(xvfb xauth webkit2gtk-driver)
  # Spreadsheets: Debian's openpyxl and odfpy read our .xlsx exports back (a reader that is not ours)
  # and wrote the officers' fixture files in tests/it/sheet_ref (scripts/sheet-fixtures.py).
  apt_packages+=(python3-openpyxl python3-odf)
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_packages+=(nodejs npm)
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Cài các gói Debian còn thiếu: ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Không tìm thấy cargo (Rust). Hãy cài Rust bằng rustup trước." >&2
  exit 1
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "Cần Node.js 20 trở lên để dựng giao diện (đang có $(node --version))." >&2
  exit 1
fi

# The front end's packages, at the versions package-lock.json pins (again only when the lock changed).
# `npm install`, not `npm ci`: npm 11 leaves rollup's optional per-platform packages out of the lock,
# and `npm ci` then refuses the lock as out of sync; `npm install` installs the same pinned versions.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "Cài các gói npm của giao diện (ui/)" >&2
  npm --prefix ui install --no-audit --no-fund
fi

if [ "$want" = test ]; then
  if ! cargo nextest --version >/dev/null 2>&1; then
    echo "Cài cargo-nextest" >&2
    cargo install cargo-nextest --locked
  fi
  cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if ! command -v tauri-driver >/dev/null && [ ! -x "$cargo_bin/tauri-driver" ]; then
    echo "Cài tauri-driver (WebDriver cho cửa sổ ứng dụng)" >&2
    cargo install tauri-driver --version '^2' --locked
  fi
fi
