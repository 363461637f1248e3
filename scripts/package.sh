#!/usr/bin/env bash
# The Linux packages of phongtrao, for officers' laptops:
#   target/packages/phongtrao_<version>_amd64.deb       (Debian, Ubuntu)
#   target/packages/phongtrao-<version>-1.x86_64.rpm    (Fedora, openSUSE, …)
# Each holds the window (/usr/bin/phongtrao-app), the command line (/usr/bin/phongtrao), a Vietnamese
# menu entry (src-tauri/packaging/linux/phongtrao.desktop) and the icon, and declares the shared libraries
# the two programs really load (read from the built binaries: dpkg-shlibdeps for the .deb, the ELF
# NEEDED entries and their symbol versions for the .rpm, the way rpmbuild's find-requires writes them).
# No AppImage: Tauri's AppImage bundler downloads linuxdeploy and AppRun from GitHub, which these
# machines cannot reach.
#
# The build: the release profile (Cargo.toml: opt-level 3, no debug information, debug info stripped,
# Cargo's defaults of 16 codegen units and thin-local LTO: a full LTO would add many minutes of a single
# core to each link for a smaller file), both programs in ONE cargo run so the library and every
# dependency are compiled once, under `nice -n 19` (a shared machine). Then `tauri bundle` (the npm
# package @tauri-apps/cli, a dev dependency of ui/) writes both packages offline.
# Slow: a cold build takes the better part of an hour on 2 shared cores (README.md has the figures); a
# build after a change to our own code, a few minutes. scripts/package-test.sh installs and checks the .deb.
# Usage: scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/deps.sh package
tauri=ui/node_modules/.bin/tauri
[ -x "$tauri" ] || {
  echo "Không tìm thấy lệnh tauri (gói npm @tauri-apps/cli); chạy: npm --prefix ui install" >&2
  exit 1
}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
rel=target/release
if [ ! -x "$rel/phongtrao-app" ] || [ ! -x "$rel/phongtrao" ]; then
  echo "Dựng bản phát hành lần đầu: trên máy 2 nhân việc này mất khoảng 40–60 phút (chạy ở mức ưu tiên thấp)." >&2
fi

start=$(date +%s)
npm --prefix ui run build
# The window's production build is Tauri's custom-protocol feature (what `tauri build` turns on).
nice -n 19 cargo build --release --locked -p phongtrao-app -p phongtrao --bins --features phongtrao-app/custom-protocol
built=$(date +%s)

# What the programs load, as each packaging system names it.
bins=("$root/$rel/phongtrao" "$root/$rel/phongtrao-app")
for b in "${bins[@]}"; do
  if readelf -S "$b" | grep -q '\.debug_info'; then
    echo "$b còn thông tin gỡ lỗi: hồ sơ release trong Cargo.toml phải có debug = false, strip" >&2
    exit 1
  fi
done
shlib=$(mktemp -d)
trap 'rm -rf "$shlib"' EXIT
mkdir "$shlib/debian"
: >"$shlib/debian/control"
deb_depends=$(cd "$shlib" && dpkg-shlibdeps -O "${bins[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$deb_depends" ] || {
  echo "dpkg-shlibdeps không đọc được các thư viện mà chương trình cần" >&2
  exit 1
}
# xdg-open opens a saved PDF in the computer's viewer ("Mở để in").
deb_json=$(printf '%s' "$deb_depends, xdg-utils" | python3 -c 'import json,sys; print(json.dumps([d.strip() for d in sys.stdin.read().split(",")]))')
rpm_json=$(for b in "${bins[@]}"; do
  objdump -p "$b" | awk '
    $1 == "NEEDED" { print $2 "()(64bit)" }
    /required from/ { lib = $3; sub(":", "", lib) }
    lib != "" && $NF ~ /^[A-Z_]+_[0-9.]+$/ && $1 ~ /^0x/ { print lib "(" $NF ")(64bit)" }'
done | sort -u | python3 -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin if l.strip()] + ["xdg-utils"]))')

config=$(printf '{"bundle": {"linux": {"deb": {"depends": %s}, "rpm": {"depends": %s}}}}' "$deb_json" "$rpm_json")
rm -rf "$rel/bundle/deb" "$rel/bundle/rpm"
nice -n 19 "$tauri" bundle --ci --bundles deb,rpm --config "$config"
done_at=$(date +%s)

out=target/packages
mkdir -p "$out"
rm -f "$out"/phongtrao_*.deb "$out"/phongtrao-*.rpm
cp "$rel/bundle/deb/phongtrao_${version}_amd64.deb" "$out/"
cp "$rel/bundle/rpm/phongtrao-${version}-1.x86_64.rpm" "$out/"
echo "Dựng bản phát hành: $(((built - start) / 60)) phút $(((built - start) % 60)) giây; đóng gói: $((done_at - built)) giây." >&2
echo "Phụ thuộc (.deb): $deb_depends, xdg-utils" >&2
ls -l "$out"
