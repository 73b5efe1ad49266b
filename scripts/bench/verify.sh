#!/usr/bin/env bash
# Benchmark: `ikou verify` against a minimal reference client on the ~20,000-message mailbox.
#
# Starts two benchmark-sized legacy Dovecot servers with the same corpus (old and its copy),
# then times, in the same run and on the same warm servers:
#   reference: Python imaplib, LIST + per folder EXAMINE and
#              UID FETCH 1:* (UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[HEADER.FIELDS (...)])
#              on both servers, one after the other, nothing parsed;
#   ikou:      `ikou verify --json` (fetches the same items from both servers at once, parses,
#              maps and compares).
# Runs alternate (reference, ikou, reference, …) so both see the same machine load; prints
# the median wall seconds and peak RSS (GNU time) of each, and the ratio of the medians.
# Then the peak RSS of one `ikou restore --folder INBOX --json` (plan only; the same use case
# as the Verify screen, which keeps what a restore needs) and, with MISSING=N, of `ikou verify`
# and that restore plan again after the first N messages of the new INBOX are expunged.
# With BACKUP=1, last: `ikou backup` of the old server, then the peak RSS of
# `ikou verify --old-from` that backup, of `ikou restore --from-backup --folder INBOX` (plan)
# and of the same with `--apply` (which appends the missing messages to the new server, then
# expunges them again). With SNAPSHOT=1: the peak RSS of `ikou snapshot` of the old server
# and of `ikou verify --old-from` that snapshot. With IKOU_BEFORE=path to another ikou build
# as well, the same with that build first, and its JSON (verify, plan, verify from the
# snapshot) compared with this build's.
# Goal (issue 20): ikou within 1.1x of the reference, peak RSS under 64 MB plus the largest
# message whatever the number of messages.
#
# Usage: scripts/bench/verify.sh [MESSAGES] [BYTES] [RUNS]   (default 20000 1073741824 5)
#        ONE_FOLDER=1 scripts/bench/verify.sh 100000 536870912 3   (every message in INBOX)
#        ONE_FOLDER=1 MISSING=10000 scripts/bench/verify.sh 100000 536870912 3
#        ONE_FOLDER=1 MISSING=1000 BACKUP=1 scripts/bench/verify.sh 100000 536870912 1
#        ONE_FOLDER=1 SNAPSHOT=1 scripts/bench/verify.sh 100000 536870912 1
# Needs python3, GNU time (/usr/bin/time) and, for MISSING, doveadm.
set -euo pipefail
case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/../.."
MESSAGES=${1:-20000}
BYTES=${2:-1073741824}
RUNS=${3:-5}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

. scripts/lib/bench.sh
ikou_bench_build

for side in old new; do
  "$TESTBED" bench-corpus --messages "$MESSAGES" --bytes "$BYTES" \
    ${ONE_FOLDER:+--one-folder} --state "$WORK/$side.json" \
    </dev/null >/dev/null 2>"$WORK/$side.log" &
done
for _ in $(seq 1 600); do
  [ -f "$WORK/old.json" ] && [ -f "$WORK/new.json" ] && break
  sleep 0.5
done
[ -f "$WORK/old.json" ] && [ -f "$WORK/new.json" ] || { cat "$WORK"/*.log; exit 2; }

python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
o, n = (json.load(open(f"{w}/{s}.json")) for s in ("old", "new"))
def server(s):
    i = s
    return (f'host = "{i["host"]}"\nusername = "{s["user"]}"\n'
            f'imap = {{ port = {i["imaps_port"]}, security = "tls" }}\n'
            f'ca_file = "{i["ca_file"]}"\npassword_command = "echo {s["password"]}"\n')
open(f"{w}/profile.toml", "w").write(
    '[account]\naddress = "taro@example-univ.test"\n\n[old]\n' + server(o) + "\n[new]\n" + server(n))
open(f"{w}/corpus.txt", "w").write(f'{o["messages"]} {o["bytes"]} {o["largest"]}\n')
open(f"{w}/new_conf.txt", "w").write(n["conf"] + "\n")
open(f"{w}/servers.txt", "w").write(" ".join(
    f'{s["host"]}:{s["imaps_port"]}:{s["ca_file"]}' for s in (o, n)) + "\n")
PY

cat > "$WORK/reference.py" <<'PY'
# Minimal reference: the same header fields from both servers, nothing parsed or compared.
import imaplib, ssl, sys
for spec in sys.argv[1:]:
    host, port, ca = spec.split(":", 2)
    ctx = ssl.create_default_context(cafile=ca)
    m = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx)
    m.login("taro", "taro-pass")
    typ, lines = m.list('""', "*")
    for line in lines:
        text = line.decode()
        if "\\Noselect" in text:
            continue
        name = text.rsplit(' "', 1)[-1].rstrip('"') if text.endswith('"') else text.rsplit(" ", 1)[-1]
        typ, data = m.select('"%s"' % name, readonly=True)
        if int(data[0]) == 0:
            continue
        m.uid("FETCH", "1:*", "(UID RFC822.SIZE INTERNALDATE FLAGS "
              "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE FROM TO SUBJECT)])")
    m.logout()
PY

once() { # label, command...: appends "seconds kb" to $WORK/<label>.runs
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || [ $? -eq 1 ] \
    || { cat "$WORK/err"; exit 2; }
  cat "$WORK/t" >> "$WORK/$label.runs"
}
summary() { # label: "label median_seconds peak_kb fastest slowest"
  local median rss range
  median=$(awk '{print $1}' "$WORK/$1.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  range=$(awk '{print $1}' "$WORK/$1.runs" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo, hi}')
  rss=$(awk '$2 > m {m = $2} END {print m}' "$WORK/$1.runs")
  echo "$1 $median $rss $range"
}

read -r -a SERVERS < <(cat "$WORK/servers.txt")
for _ in $(seq 1 "$RUNS"); do
  once reference python3 "$WORK/reference.py" "${SERVERS[@]}"
  once ikou "$IKOU" verify -p "$WORK/profile.toml" --json
done
summary reference > "$WORK/ref.txt"
summary ikou > "$WORK/ikou.txt"
"$IKOU" verify -p "$WORK/profile.toml" --lang en > "$WORK/text" || true
head -n 1 "$WORK/text"
read -r n_msgs n_bytes largest < "$WORK/corpus.txt"
printf 'mailbox: %d messages%s, %.1f MB each side, largest message %.1f MB; median of %d runs\n' \
  "$n_msgs" "${ONE_FOLDER:+ in one folder}" "$(awk -v b="$n_bytes" 'BEGIN { print b / 1e6 }')" \
  "$(awk -v b="$largest" 'BEGIN { print b / 1e6 }')" "$RUNS"
read -r _ ref_s ref_kb ref_lo ref_hi < "$WORK/ref.txt"
read -r _ ikou_s ikou_kb ikou_lo ikou_hi < "$WORK/ikou.txt"
printf '%-28s %8s s  %8s MiB peak RSS  (runs %s-%s s)\n' \
  "reference (python imaplib)" "$ref_s" "$((ref_kb / 1024))" "$ref_lo" "$ref_hi" \
  "ikou verify" "$ikou_s" "$((ikou_kb / 1024))" "$ikou_lo" "$ikou_hi"
awk -v a="$ikou_s" -v b="$ref_s" 'BEGIN { printf "ratio ikou/reference: %.2f (goal <= 1.1)\n", a / b }'
printf 'load average (1, 5, 15 min) at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

peak() { # label, command...: one run, "label: N MiB peak RSS (S s)"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || [ $? -eq 1 ] \
    || { cat "$WORK/err"; exit 2; }
  awk -v l="$label" 'END { printf "%-28s %8d MiB peak RSS  (%s s)\n", l, $2 / 1024, $1 }' "$WORK/t"
}
peak "restore plan (Verify screen)" "$IKOU" restore -p "$WORK/profile.toml" --folder INBOX --json
if [ -n "${MISSING:-}" ]; then
  doveadm -c "$(cat "$WORK/new_conf.txt")" expunge -u taro mailbox INBOX uid "1:$MISSING"
  echo "after expunging UIDs 1:$MISSING of the new INBOX:"
  peak "ikou verify" "$IKOU" verify -p "$WORK/profile.toml" --json
  peak "restore plan (Verify screen)" "$IKOU" restore -p "$WORK/profile.toml" --folder INBOX --json
fi
if [ -n "${BACKUP:-}" ]; then
  "$IKOU" backup -p "$WORK/profile.toml" -o "$WORK/old.zip" >/dev/null 2>"$WORK/err" \
    || { cat "$WORK/err"; exit 2; }
  printf 'backup of the old server: %d MB\n' "$(($(stat -c %s "$WORK/old.zip") / 1000000))"
  # IKOU_BEFORE=path/to/another/ikou: the same with that build too, and its JSON compared.
  for bin in ${IKOU_BEFORE:+"$IKOU_BEFORE"} "$IKOU"; do
    tag=$([ "$bin" = "$IKOU" ] && echo now || echo before)
    echo "$tag ($bin):"
    peak "verify --old-from backup" "$bin" verify -p "$WORK/profile.toml" \
      --old-from "$WORK/old.zip" --json
    "$bin" verify -p "$WORK/profile.toml" --old-from "$WORK/old.zip" --json \
      >"$WORK/verify.$tag.json" || true
    peak "restore plan from backup" "$bin" restore -p "$WORK/profile.toml" \
      --from-backup "$WORK/old.zip" --folder INBOX --json
    "$bin" restore -p "$WORK/profile.toml" --from-backup "$WORK/old.zip" --folder INBOX \
      --json >"$WORK/plan.$tag.json"
    next=$(doveadm -c "$(cat "$WORK/new_conf.txt")" -f flow mailbox status -u taro uidnext INBOX \
      | sed 's/.*uidnext=//')
    peak "restore --apply from backup" "$bin" restore -p "$WORK/profile.toml" \
      --from-backup "$WORK/old.zip" --folder INBOX --apply --json
    # What was appended goes again, so that the next build restores the same messages.
    doveadm -c "$(cat "$WORK/new_conf.txt")" expunge -u taro mailbox INBOX uid "$next:*"
  done
fi
if [ -n "${SNAPSHOT:-}" ]; then
  for bin in ${IKOU_BEFORE:+"$IKOU_BEFORE"} "$IKOU"; do
    tag=$([ "$bin" = "$IKOU" ] && echo now || echo before)
    echo "$tag ($bin):"
    peak "snapshot of the old server" "$bin" snapshot -p "$WORK/profile.toml" \
      -o "$WORK/old.$tag.json" --json
    printf '%-28s %8d MB\n' "snapshot file" "$(($(stat -c %s "$WORK/old.$tag.json") / 1000000))"
    peak "verify --old-from snapshot" "$bin" verify -p "$WORK/profile.toml" \
      --old-from "$WORK/old.$tag.json" --json
    "$bin" verify -p "$WORK/profile.toml" --old-from "$WORK/old.$tag.json" --json \
      >"$WORK/from-snapshot.$tag.json" || true
  done
fi
if [ -n "${IKOU_BEFORE:-}" ]; then
  python3 - "$WORK" <<'PY'
import json, os, sys
w = sys.argv[1]
def load(name):
    v = json.load(open(f"{w}/{name}"))
    for key in ("generated_at",):
        v.pop(key, None)
    v.get("old", {}).pop("file", None)
    v.get("old", {}).pop("taken", None)
    for f in v.get("comparison", {}).get("findings", []):
        f.pop("age_days", None)
    return v
for name in ("verify", "plan", "from-snapshot"):
    if not os.path.exists(f"{w}/{name}.now.json"):
        continue
    before, now = load(f"{name}.before.json"), load(f"{name}.now.json")
    keys = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    print(f"{name} JSON, before and now: " + ("the same" if not keys else f"differ in {keys}"))
PY
fi
