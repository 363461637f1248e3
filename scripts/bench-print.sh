#!/usr/bin/env bash
# The printing benchmark: our 3-page Biên bản beside LibreOffice's conversion of the same document.
# Installs LibreOffice Writer (headless) if missing: it is only for this benchmark, never a test
# dependency. Usage: scripts/bench-print.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends libreoffice-writer-nogui
fi
cargo bench --bench print
