#!/usr/bin/env bash
# The Windows build, made on Debian (the test path; the release path is MSVC on a Windows machine, see
# README.md "Windows"):
#   target/windows/phongtrao.exe          the command line
#   target/windows/phongtrao-app.exe      the window, with WebView2Loader.dll beside it
#   target/windows/phongtrao-<version>-setup.exe   the installer (src-tauri/packaging/windows/phongtrao.nsi)
# then a smoke run of the command line under Debian's Wine: create a store, add a record, enroll with a
# province and export a bundle that the Linux build imports at the province, print a form; and the
# installer installed and uninstalled silently (the officer's store stays). The window cannot run under
# Wine (no WebView2 there): it is built, not run.
#
# Exit status: 0 built and smoke-tested; 1 a failure; 3 the Windows target cannot be had on this machine
# (rustup could not add x86_64-pc-windows-gnu: it downloads from rustup's server), nothing was built.
# Slow: a cold build of both programs took 18 minutes on 2 shared cores (README.md has
# the figure); it runs under `nice -n 19`. Never run it beside another heavy build.
# Usage: scripts/windows.sh [--no-wine]
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
wine_run=1
if [ "${1:-}" = --no-wine ]; then wine_run=0; fi
fail() {
  echo "BẢN WINDOWS THẤT BẠI: $*" >&2
  exit 1
}

if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  if ! rustup target add "$target"; then
    cat >&2 <<EOF
KHÔNG DỰNG ĐƯỢC BẢN WINDOWS TRÊN MÁY NÀY: rustup không thêm được đích $target
(phải tải thư viện chuẩn Rust cho Windows từ máy chủ của rustup, static.rust-lang.org).
Cách làm:
  - khi máy có mạng tới máy chủ đó: chạy lại scripts/windows.sh (hoặc: rustup target add $target);
  - hoặc dựng bản phát hành trên một máy Windows theo đường MSVC (README.md, mục Windows).
Chưa dựng gì.
EOF
    exit 3
  fi
fi
scripts/deps.sh windows
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

# MinGW-w64 links, and compiles the C inside (SQLCipher, OpenSSL built in: Windows has no system OpenSSL).
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
start=$(date +%s)
npm --prefix ui run build
# Both programs in one cargo run (the library and every dependency compiled once), the window with
# Tauri's production feature (what `tauri build` turns on), at the lowest priority (a shared machine).
nice -n 19 cargo build --release --locked --target "$target" -p phongtrao-app -p phongtrao --bins \
  --features phongtrao-app/custom-protocol
built=$(date +%s)

out=target/windows
rm -rf "$out"
mkdir -p "$out"
rel=target/$target/release
cp "$rel/phongtrao.exe" "$rel/phongtrao-app.exe" "$out/"
# The WebView2 loader (webview2-com-sys ships it): phongtrao-app.exe loads it from its own folder.
loader=$(ls -t "$rel"/build/webview2-com-sys-*/out/x64/WebView2Loader.dll 2>/dev/null | head -n1)
[ -n "$loader" ] || fail "không thấy WebView2Loader.dll trong $rel/build/webview2-com-sys-*/out/x64"
cp "$loader" "$out/"
# No symbol table in what is handed out (the GNU target keeps it: 57.6 MB and 78.5 MB unstripped; the
# profile's `strip = "debuginfo"` keeps Linux's symbols for panics' backtraces). A panic's message still
# names its file and line.
x86_64-w64-mingw32-strip "$out/phongtrao.exe" "$out/phongtrao-app.exe"
# (Outputs are read whole before they are searched: `cmd | grep -q` with pipefail fails when grep stops
# reading early and the command gets SIGPIPE.)
imports=$(x86_64-w64-mingw32-objdump -p "$out/phongtrao-app.exe")
grep -q 'DLL Name: WebView2Loader.dll' <<<"$imports" ||
  fail "phongtrao-app.exe không nạp WebView2Loader.dll như chờ đợi"
setup="$out/phongtrao-$version-setup.exe"
(cd src-tauri/packaging/windows &&
  makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DSRC="$OLDPWD/$out" -DOUT="$OLDPWD/$setup" phongtrao.nsi)
echo "Biên dịch: $(((built - start) / 60)) phút $(((built - start) % 60)) giây." >&2
ls -l "$out"

if [ "$wine_run" = 0 ]; then exit 0; fi

# --- The smoke run under Wine -------------------------------------------------------------------------
# The Linux command line plays the province (the same build that the tests use).
linux=target/debug/phongtrao
[ -x "$linux" ] || nice -n 19 cargo build --locked -p phongtrao --bin phongtrao
smoke=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$smoke"' EXIT
export WINEPREFIX="$smoke/wine" WINEDEBUG=-all WINEARCH=win64
# Wine 8.0 lacks ProcessPrng (Rust's random source on Windows 10+): a test-only stand-in, never packaged.
bin="$smoke/bin"
mkdir -p "$bin"
cp "$out/phongtrao.exe" "$bin/"
x86_64-w64-mingw32-gcc -shared -O2 -o "$bin/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -ladvapi32
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree,mshtml="
wineboot -i >/dev/null 2>&1 || true
export PHONGTRAO_PASSWORD=phongtrao-demo PHONGTRAO_USER=nguyenvanan
win() { wine "$bin/phongtrao.exe" "$@"; }
winpath() { winepath -w "$1"; }
db=$(winpath "$smoke/xa.db")

got=$(win --version | tr -d '\r')
[ "$got" = "phongtrao $version" ] || fail "phongtrao.exe --version in «$got»"
win --db "$db" init --province-code 51 --province "Quảng Ngãi" --commune-code 23535 --commune "Xã Ia Đal" \
  --officer "Nguyễn Văn An" >/dev/null
printf '%s' '{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}' >"$smoke/area.json"
win --db "$db" add area --json "@$(winpath "$smoke/area.json")" >/dev/null
areas=$(win --db "$db" list area)
grep -q "Thôn Plei Bông" <<<"$areas" || fail "phongtrao.exe list area không thấy thôn vừa thêm: $areas"
[ -f "$smoke/xa.db" ] && ! grep -q "Plei" "$smoke/xa.db" || fail "kho dữ liệu của bản Windows không được mã hóa"

# The province (Linux) enrolls the commune, which exports a bundle on Windows; the province imports it.
# The province store has its own chief (its only account): not the commune's PHONGTRAO_USER.
province() { env -u PHONGTRAO_USER "$linux" province "$@"; }
tinh="$smoke/tinh"
usb="$smoke/usb"
mkdir -p "$usb"
enrollment=$(province init --dir "$tinh" --province-code 51 --province "Quảng Ngãi" | tail -n1)
win --db "$db" enroll "$(winpath "$enrollment")" >/dev/null
win --db "$db" key export-pub --out "$(winpath "$smoke/xa.pub")" >/dev/null
province --dir "$tinh" register --commune-code 23535 --pubkey "$smoke/xa.pub" >/dev/null
win --db "$db" bundle export --out "$(winpath "$usb")" >/dev/null
bundle=$(ls "$usb"/51-23535-k0-000001-*.ptb 2>/dev/null | head -n1)
[ -n "$bundle" ] || fail "phongtrao.exe không ghi gói đồng bộ vào $usb"
province --dir "$tinh" import "$bundle" --receipt-out "$smoke/bien-nhan" >"$smoke/import.txt" ||
  fail "bản Linux ở tỉnh không nhập được gói của bản Windows: $(cat "$smoke/import.txt")"
province --dir "$tinh" figures --period "$(date +%Y)" --commune 23535 >"$smoke/figures.txt"
receipt=$(find "$smoke/bien-nhan" -name '*.ptb' | head -n1)
[ -n "$receipt" ] || fail "tỉnh không ghi biên nhận"
win --db "$db" bundle import "$(winpath "$receipt")" >/dev/null

# A printed form: a PDF with the commune's name in Vietnamese.
win --db "$db" print bao-cao-ket-qua --year "$(date +%Y)" -o "$(winpath "$smoke/bao-cao.pdf")" >/dev/null
text=$(pdftotext "$smoke/bao-cao.pdf" -)
grep -q "IA ĐAL\|Ia Đal" <<<"$text" || fail "biểu mẫu in từ bản Windows không có tên xã"
cp "$smoke/bao-cao.pdf" "$out/smoke-bao-cao.pdf"
win --db "$db" audit verify >/dev/null || fail "nhật ký kiểm tra của bản Windows không khớp"

# The installer: silent install for this user, the installed command line runs, uninstall keeps the data.
wine "$setup" /S
installed="$WINEPREFIX/drive_c/users/${USER:-$(id -un)}/AppData/Local/Programs/phongtrao"
[ -d "$installed" ] || installed=$(find "$WINEPREFIX/drive_c/users" -type d -path '*Programs/phongtrao' | head -n1)
for f in phongtrao.exe phongtrao-app.exe WebView2Loader.dll go-cai-dat.exe; do
  [ -f "$installed/$f" ] || fail "bộ cài không chép $f vào $installed"
done
[ -n "$(find "$WINEPREFIX/drive_c/users" -name 'Phong trào bảo vệ an ninh Tổ quốc.lnk')" ] ||
  fail "bộ cài không tạo lối tắt trong menu Start"
cp "$bin/bcryptprimitives.dll" "$installed/"
got=$(wine "$installed/phongtrao.exe" --version | tr -d '\r')
[ "$got" = "phongtrao $version" ] || fail "phongtrao.exe đã cài in «$got»"
rm "$installed/bcryptprimitives.dll"
wine "$installed/go-cai-dat.exe" /S _?="$(winepath -w "$installed")"
[ ! -f "$installed/phongtrao.exe" ] || fail "gỡ cài đặt mà phongtrao.exe vẫn còn"
areas=$(win --db "$db" list area)
grep -q "Thôn Plei Bông" <<<"$areas" || fail "sau khi gỡ, kho dữ liệu không còn như trước"

echo "Bản Windows: dựng xong, chạy thử dưới Wine đúng (kho mã hóa, thêm bản ghi, gói đồng bộ tỉnh nhập được, in biểu mẫu, cài và gỡ)."
sed -n 1,5p "$smoke/figures.txt"
