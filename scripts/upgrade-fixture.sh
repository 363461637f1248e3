#!/usr/bin/env bash
# Writes tests/it/upgrade_ref/<version>/: the stores an officer's laptop and the province's computer hold
# after using THIS version, made by its own command line (not by a later build's code writing an older
# schema, which tests/it/upgrade.rs does too):
#   xa.db, xa.db.keys        a commune with a few records of every register (from the demo commune),
#                            enrolled with the province, one bundle sent and
#                            its receipt taken back, a model dissolved, an area registered for the
#                            year's certification, a report printed (a numbered document), a record
#                            added after the trip (so the next bundle has something to carry);
#   tinh/province.db(.keys)  the province that imported that bundle;
#   manifest.json            what this version saw: its version and schema, the records by kind, the
#                            record added, the model dissolved, the certification step, the document
#                            number issued, the last bundle's number.
# Run it once per release, BEFORE the version in Cargo.toml changes, and commit the folder:
# tests/it/upgrade.rs (`stores_of_earlier_releases_…`) opens every folder under tests/it/upgrade_ref with
# the build under test, which must back them up, migrate them and carry on (the same records, the audit
# chain unbroken, the next document number, the next bundle imported by the province without a gap).
# Usage: scripts/upgrade-fixture.sh [PATH TO phongtrao]   (default: target/debug/phongtrao, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-target/debug/phongtrao}
if [ ! -x "$cli" ]; then cargo build --locked -p phongtrao --bin phongtrao; fi
version=$("$cli" --version | awk '{print $2}')
out=tests/it/upgrade_ref/$version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Fixed times would be nicer, but the stores record real clocks: the test never compares them.
export PHONGTRAO_PASSWORD=phongtrao-demo PHONGTRAO_USER=nguyenvanan
unset PHONGTRAO_DB PHONGTRAO_PROVINCE_DIR
db=$work/xa.db
tinh=$work/tinh
usb=$work/usb
mkdir -p "$usb"

# A few records of every register, copied from the demo commune (links followed), so the fixture stays
# small (the whole demo would be about 5 MB of encrypted, incompressible file per release).
env -u PHONGTRAO_PASSWORD -u PHONGTRAO_USER "$cli" --db "$work/demo.db" demo --seed 1 >/dev/null
"$cli" --db "$db" init --province-code 51 --province "Quảng Ngãi" --commune-code 23535 --commune "Xã Ia Đal" \
  --officer "Nguyễn Văn An" >/dev/null
python3 - "$cli" "$work/demo.db" "$db" <<'PY'
import json, re, subprocess, sys
uuid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
cli, demo, db = sys.argv[1:]
def run(store, *args, data=None):
    return subprocess.run([cli, "--db", store, *args], input=data, capture_output=True, text=True)
new_id = {}
def remap(v):
    if isinstance(v, str):
        return new_id.get(v, v)  # a copied record's new id
    if isinstance(v, list):
        return [remap(x) for x in v]
    if isinstance(v, dict):
        return {k: remap(x) for k, x in v.items()}
    return v
for kind in ["area", "unit", "team", "model", "review", "member", "activity", "meeting", "commendation"]:
    copied = 0
    for r in json.loads(run(demo, "list", kind, "--json", "--limit", "100000").stdout):
        # Every area, unit and team (what the others link to), three of the others.
        if copied == 3 and kind not in ("area", "unit", "team"):
            break
        old = r["id"]
        # The list's own keys (a meeting's "title" is a field of its own); a model's status changes only
        # through its life cycle.
        drop = ("id", "register", "_meta", "status") + (() if kind == "meeting" else ("title",))
        body = {k: v for k, v in r.items() if k not in drop}
        if any(uuid.fullmatch(x) and x not in new_id for x in strings(body)):
            continue  # links to a record not copied
        body = remap(body)

        o = run(db, "add", kind, "--json", "-", data=json.dumps(body, ensure_ascii=False))
        if o.returncode == 0:
            new_id[old] = o.stdout.strip().splitlines()[-1]
            copied += 1
        else:
            print(f"{kind}: {o.stderr.strip()}", file=sys.stderr)
    if copied == 0:
        sys.exit(f"no {kind} could be copied from the demo commune")
PY
year=$(date +%Y)
# A model's life cycle and a certification step: state a later version must keep reading.
first() { "$cli" --db "$db" list "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
model=$(first model)
"$cli" --db "$db" model dissolve "$model" --date "01/06/$year" --reason "Không còn duy trì được" >/dev/null
cert_unit=$(first area)
"$cli" --db "$db" cert advance "$cert_unit" --year "$year" --data "{\"registered_on\": \"05/01/$year\"}" >/dev/null
cert_step=$("$cli" --db "$db" cert list --year "$year" --json |
  python3 -c 'import json,sys; print(next(u["step"] for u in json.load(sys.stdin) if u["subject_id"] == sys.argv[1]))' "$cert_unit")
enrollment=$(env -u PHONGTRAO_USER "$cli" province init --dir "$tinh" --province-code 51 --province "Quảng Ngãi" | tail -n1)
"$cli" --db "$db" enroll "$enrollment" >/dev/null
"$cli" --db "$db" key export-pub --out "$work/xa.pub" >/dev/null
env -u PHONGTRAO_USER "$cli" province --dir "$tinh" register --commune-code 23535 --pubkey "$work/xa.pub" >/dev/null
bundle=$("$cli" --db "$db" bundle export --out "$usb" | tail -n1)
env -u PHONGTRAO_USER "$cli" province --dir "$tinh" import "$bundle" --receipt-out "$usb" >"$work/import.txt"
receipt=$(sed -n 's/^Biên nhận cho xã: //p' "$work/import.txt")
"$cli" --db "$db" bundle import "$receipt" >/dev/null
"$cli" --db "$db" print bao-cao-ket-qua --year "$year" -o "$work/bao-cao.pdf" >/dev/null
issued=$("$cli" --db "$db" print --issued | head -n1)
area_json='{"name": "Thôn Nâng Cấp", "kind": "thon", "households": 77, "population": 301}'
area=$("$cli" --db "$db" add area --json "$area_json" | tail -n1)
schema=$("$cli" --db "$db" info | sed -n 's/.*cấu trúc dữ liệu \([0-9]*\).*/\1/p')
counts=$(for k in area unit model review team member activity meeting commendation cert; do
  printf '"%s": %s\n' "$k" "$("$cli" --db "$db" list "$k" --limit 100000 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
done | paste -sd, -)

rm -rf "$out"
mkdir -p "$out/tinh"
cp "$db" "$db.keys" "$out/"
cp "$tinh/province.db" "$tinh/province.db.keys" "$out/tinh/"
python3 - "$out/manifest.json" <<EOF
import json, sys
manifest = {
    "version": "$version",
    "schema": int("$schema"),
    "password": "phongtrao-demo",
    "user": "nguyenvanan",
    "commune_code": "23535",
    "counts": {$counts},
    "area": {"id": "$area", **json.loads('$area_json')},
    "issued": "$issued".split("\t")[0],
    "dissolved_model": "$model",
    "cert": {"subject_id": "$cert_unit", "step": "$cert_step"},
    "last_bundle": 1,
    "year": int("$year"),
}
json.dump(manifest, open(sys.argv[1], "w"), ensure_ascii=False, indent=2)
open(sys.argv[1], "a").write("\n")
EOF
du -sh "$out"
cat "$out/manifest.json"
