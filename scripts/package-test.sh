#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh wrote, the way an officer would, and checks it:
#   - the package itself (dpkg-deb -I / -c; rpm -qpi / -qpl / -qpR for the .rpm when `rpm` is there):
#     both programs, the Vietnamese menu entry (desktop-file-validate), the icons, the declared
#     dependencies, no debug information;
#   - `apt-get install ./phongtrao_<version>_amd64.deb` (apt resolves the declared dependencies);
#   - `phongtrao --version`; a store made by the installed command line in the officer's data folder
#     and a backup of it; the window started from the menu entry's own Exec line under Xvfb, found on
#     screen by its title (a screenshot in target/packages/installed-window.png);
#   - a newer package installed over it (the same programs re-versioned ${version}+nang-cap): the
#     programs replaced, the officer's store, key file and backups byte for byte, and opened;
#   - `apt-get remove` and then `dpkg --purge`: the programs are gone, the officer's store, its key
#     file and its backups are still there, byte for byte.
# The officer is a throw-away HOME (nothing of this machine's own data is touched). Needs root or sudo.
# It takes about a minute once the package is built (scripts/package.sh: README.md has the figures).
# Exit status 0: every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/deps.sh package
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
deb=$root/target/packages/phongtrao_${version}_amd64.deb
rpm_file=$root/target/packages/phongtrao-${version}-1.x86_64.rpm
[ -f "$deb" ] || {
  echo "Chưa có $deb: chạy scripts/package.sh trước." >&2
  exit 1
}
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
fail() {
  echo "KIỂM TRA GÓI THẤT BẠI: $*" >&2
  exit 1
}
ok() { echo "  đúng: $*"; }
start=$(date +%s)
work=$(mktemp -d)
installed=0
cleanup() {
  # A check failed with the package installed: take it off again (the officer's data is never touched).
  if [ "$installed" = 1 ] && dpkg-query -W -f='${Status}' phongtrao 2>/dev/null | grep -q "install ok installed"; then
    "${sudo_cmd[@]}" dpkg --purge phongtrao >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "1. Gói .deb: $deb"
info=$(dpkg-deb -I "$deb")
grep -q "^ Package: phongtrao$" <<<"$info" || fail "tên gói không phải phongtrao"
grep -q "^ Version: $version$" <<<"$info" || fail "phiên bản gói không phải $version"
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for d in libwebkit2gtk-4.1-0 libgtk-3-0 libssl3 libc6 xdg-utils; do
  grep -q "\b$d\b" <<<"$depends" || fail "gói không khai báo phụ thuộc $d (Depends: $depends)"
done
ok "Depends: $depends"
files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
for f in usr/bin/phongtrao usr/bin/phongtrao-app usr/share/applications/phongtrao.desktop usr/share/doc/phongtrao/copyright \
  usr/share/icons/hicolor/32x32/apps/phongtrao-app.png usr/share/icons/hicolor/128x128/apps/phongtrao-app.png \
  usr/share/icons/hicolor/256x256/apps/phongtrao-app.png; do
  grep -qx "$f" <<<"$files" || fail "gói thiếu /$f"
done
ok "có cửa sổ, dòng lệnh, mục menu và biểu tượng"
dpkg-deb -x "$deb" "$work/deb"
desktop=$work/deb/usr/share/applications/phongtrao.desktop
grep -qx "Name=Phong trào bảo vệ an ninh Tổ quốc" "$desktop" || fail "mục menu không mang tên tiếng Việt"
grep -qx "Exec=phongtrao-app" "$desktop" || fail "mục menu không mở phongtrao-app"
grep -qx "Icon=phongtrao-app" "$desktop" || fail "mục menu không mang biểu tượng phongtrao-app"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "mục menu không hợp lệ (desktop-file-validate)"
  ok "mục menu hợp lệ (desktop-file-validate)"
fi
for b in phongtrao phongtrao-app; do
  ! readelf -S "$work/deb/usr/bin/$b" | grep -q '\.debug_info' || fail "$b còn thông tin gỡ lỗi"
done
ok "không còn thông tin gỡ lỗi: phongtrao $(du -h "$work/deb/usr/bin/phongtrao" | cut -f1), phongtrao-app $(du -h "$work/deb/usr/bin/phongtrao-app" | cut -f1)"

if [ -f "$rpm_file" ] && command -v rpm >/dev/null; then
  echo "2. Gói .rpm: $rpm_file"
  rpm -qp --qf '%{NAME} %{VERSION}\n' "$rpm_file" 2>/dev/null | grep -qx "phongtrao $version" || fail "gói rpm: tên hoặc phiên bản sai"
  list=$(rpm -qpl "$rpm_file" 2>/dev/null)
  for f in /usr/bin/phongtrao /usr/bin/phongtrao-app /usr/share/applications/phongtrao.desktop; do
    grep -qx "$f" <<<"$list" || fail "gói rpm thiếu $f"
  done
  requires=$(rpm -qpR "$rpm_file" 2>/dev/null)
  for r in 'libwebkit2gtk-4.1.so.0()(64bit)' 'libcrypto.so.3()(64bit)' 'libc.so.6(GLIBC_2.34)(64bit)'; do
    grep -qxF "$r" <<<"$requires" || fail "gói rpm không khai báo $r"
  done
  ok "rpm: cả hai chương trình, mục menu, $(wc -l <<<"$requires") phụ thuộc thư viện"
else
  echo "2. Bỏ qua gói .rpm (không có $rpm_file hoặc lệnh rpm)."
fi

echo "3. Cài bằng apt-get"
if dpkg-query -W -f='${Status}' phongtrao 2>/dev/null | grep -q "install ok installed"; then
  fail "máy này đã cài gói phongtrao: gỡ trước (apt-get remove phongtrao) để thử trên máy sạch"
fi
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
  fail "apt-get install: $(tail -n 5 "$work/apt.log")"
installed=1
[ "$(command -v phongtrao)" = /usr/bin/phongtrao ] || fail "không thấy /usr/bin/phongtrao sau khi cài"
got=$(phongtrao --version)
[ "$got" = "phongtrao $version" ] || fail "phongtrao --version in «$got»"
ok "phongtrao --version: $got"

# The officer: a fresh home; the store goes where the installed programs put it by default.
export HOME=$work/home
unset XDG_DATA_HOME PHONGTRAO_DB PHONGTRAO_PROVINCE_DIR
mkdir -p "$HOME"
db=$(phongtrao where)
[ "$db" = "$HOME/.local/share/phongtrao/phongtrao.db" ] || fail "phongtrao where in «$db»"
env -u PHONGTRAO_PASSWORD phongtrao --db "$db" demo >/dev/null
export PHONGTRAO_PASSWORD=phongtrao-demo PHONGTRAO_USER=nguyenvanan
phongtrao backup create >/dev/null
info=$(phongtrao info)
grep -q "Phiên bản phongtrao $version" <<<"$info" || fail "phongtrao info không in phiên bản: $info"
ok "kho dữ liệu và bản sao lưu tạo bằng chương trình đã cài: $db"
data_dir=$(dirname "$db")
(cd "$data_dir" && find . -type f | sort | xargs sha256sum) >"$work/data.before"
grep -q 'sao-luu/.*\.ptbak' "$work/data.before" || fail "không thấy bản sao lưu trong $data_dir/sao-luu"

echo "4. Mở cửa sổ từ mục menu (Xvfb)"
exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/phongtrao.desktop)
# xvfb-run gives the window a screen of its own; the script inside waits for the window's title.
cat >"$work/window.sh" <<EOF
set -u
$exec_line >"$work/app.log" 2>&1 &
pid=\$!
for _ in \$(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q "Phong trào toàn dân bảo vệ an ninh Tổ quốc"; then
    sleep 3
    import -window root "$root/target/packages/installed-window.png"
    kill \$pid
    exit 0
  fi
  kill -0 \$pid 2>/dev/null || exit 2
  sleep 0.5
done
kill \$pid
exit 1
EOF
xvfb-run -a -s "-screen 0 1366x768x24" bash "$work/window.sh" ||
  fail "cửa sổ phongtrao-app không hiện ra trong 60 giây: $(tail -n 5 "$work/app.log")"
ok "cửa sổ hiện ra (ảnh: target/packages/installed-window.png)"

echo "5. Cài đè một gói mới hơn (nâng cấp): chương trình được thay, dữ liệu còn nguyên"
# The same programs under a higher version (${version}+nang-cap sorts after $version): what dpkg does
# on an upgrade (replace the package's files, keep everything else). What a newer build does with an
# older store (backup, then migrations) is tested by tests/it/upgrade.rs on the stores earlier
# releases made.
dpkg-deb -R "$deb" "$work/newer"
sed -i "s/^Version: .*/Version: ${version}+nang-cap/" "$work/newer/DEBIAN/control"
dpkg-deb -b --root-owner-group "$work/newer" "$work/phongtrao_${version}+nang-cap_amd64.deb" >/dev/null
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
  "$work/phongtrao_${version}+nang-cap_amd64.deb" >"$work/apt.log" 2>&1 || fail "cài đè: $(tail -n 5 "$work/apt.log")"
[ "$(dpkg-query -W -f='${Version}' phongtrao)" = "${version}+nang-cap" ] || fail "cài đè mà phiên bản gói không đổi"
[ -x /usr/bin/phongtrao ] && [ -x /usr/bin/phongtrao-app ] || fail "cài đè mà mất chương trình"
(cd "$data_dir" && find . -type f | sort | xargs sha256sum) >"$work/data.upgraded"
diff "$work/data.before" "$work/data.upgraded" >/dev/null ||
  fail "cài đè làm đổi dữ liệu: $(diff "$work/data.before" "$work/data.upgraded")"
phongtrao list area >/dev/null 2>&1 || fail "sau khi cài đè, chương trình không mở được kho dữ liệu"
(cd "$data_dir" && find . -type f | sort | xargs sha256sum) >"$work/data.before"
ok "gói ${version}+nang-cap thay gói $version; kho, tệp khóa và bản sao lưu còn nguyên, mở được"

echo "6. Gỡ gói: dữ liệu của cán bộ phải còn nguyên"
"${sudo_cmd[@]}" apt-get remove -y -q phongtrao >"$work/apt.log" 2>&1 || fail "apt-get remove: $(tail -n 5 "$work/apt.log")"
[ ! -e /usr/bin/phongtrao ] && [ ! -e /usr/bin/phongtrao-app ] || fail "gỡ gói mà chương trình vẫn còn"
"${sudo_cmd[@]}" dpkg --purge phongtrao >"$work/apt.log" 2>&1 || fail "dpkg --purge: $(tail -n 5 "$work/apt.log")"
[ ! -e /usr/share/applications/phongtrao.desktop ] || fail "gỡ gói mà mục menu vẫn còn"
(cd "$data_dir" && find . -type f | sort | xargs sha256sum) >"$work/data.after"
diff "$work/data.before" "$work/data.after" >/dev/null ||
  fail "dữ liệu đã đổi sau khi gỡ gói: $(diff "$work/data.before" "$work/data.after")"
ok "còn nguyên $(wc -l <"$work/data.after") tệp: kho, tệp khóa, bản sao lưu"

echo "Gói .deb: cài, chạy, gỡ đúng, giữ dữ liệu ($(($(date +%s) - start)) giây)."
