#!/usr/bin/env bash
# Installs what phongtrao needs on Debian 12, idempotently: only what is missing is installed.
# Usage: scripts/deps.sh test|run
set -euo pipefail

want="${1:-test}"

# Debian packages the tests use: poppler-utils (pdftotext, pdftoppm, pdffonts, pdfinfo) and qpdf
# check the printed PDFs; sqlite3 is the reference SQLite shell for store checks; libssl-dev gives
# SQLCipher (the encrypted store) its crypto; binutils has `strings`, which tests run on the store files.
apt_packages=(poppler-utils qpdf sqlite3 pkg-config libssl-dev binutils)

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

if [ "$want" = test ] && ! cargo nextest --version >/dev/null 2>&1; then
  echo "Cài cargo-nextest" >&2
  cargo install cargo-nextest --locked
fi
