#!/usr/bin/env bash
# Benchmark: `ikou batch verify` over many small mailboxes, concurrent against sequential.
#
# Starts a legacy and an Exchange-like Dovecot holding the same ACCOUNTS generated mailboxes
# (MIN-MAX messages each, about 3 kB per message; the test bed's sized corpus over 31
# folders, Japanese names included), with a master user on both, then in the same run and
# on the same warm servers (after one untimed warm-up pass that lets Dovecot build its
# indexes) times `ikou batch verify --again` with 1 connection per server (one account at a
# time) and with 2, 4 and 8. Prints wall seconds, accounts/s, peak RSS (GNU time) and the
# speed-up over one at a time.
# Goal (issue 8): near-linear speed-up up to the concurrency limit, peak RSS under 200 MB.
#
# Usage: scripts/bench/batch.sh [ACCOUNTS] [MIN] [MAX] [LEVELS]  (default 1000 50 200 "1 2 4 8")
# RTT_MS=10 scripts/bench/batch.sh 200   puts a relay with 10 ms round-trip time in front of
# each server (scripts/bench/delay_proxy.py), as a campus network would: on loopback an
# account never waits for the network, so the run is bound by the CPU both servers share.
# Needs GNU time (/usr/bin/time; apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/../.."
ACCOUNTS=${1:-1000}
MIN=${2:-50}
MAX=${3:-200}
LEVELS=${4:-"1 2 4 8"}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

. scripts/lib/bench.sh
ikou_bench_build

"$TESTBED" bench-batch --accounts "$ACCOUNTS" --min "$MIN" --max "$MAX" --out "$WORK" \
  --state "$WORK/state.json" </dev/null >/dev/null 2>"$WORK/testbed.log" &
for _ in $(seq 1 1200); do
  [ -f "$WORK/state.json" ] && break
  kill -0 $! 2>/dev/null || { cat "$WORK/testbed.log"; exit 2; }
  sleep 0.5
done
[ -f "$WORK/state.json" ] || { cat "$WORK/testbed.log"; exit 2; }
cat "$WORK/testbed.log" >&2
MESSAGES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$WORK/state.json")
NETWORK="loopback"
if [ -n "${RTT_MS:-}" ]; then
  for side in old new; do
    port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["imaps_port"])' "$WORK/state.json" "$side")
    relay=$((port + 1500))
    python3 scripts/bench/delay_proxy.py "$relay" "$port" "$(awk -v r="$RTT_MS" 'BEGIN { print r / 2 }')" &
    sed -i "s/port = $port,/port = $relay,/" "$WORK/profile.toml"
  done
  sleep 1
  NETWORK="${RTT_MS} ms round trip (relay)"
fi
echo "$ACCOUNTS mailboxes, $MESSAGES messages on each server (nproc $(nproc)), network: $NETWORK"

run() { # concurrency -> "secs rss_kb"
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$IKOU" batch verify "$WORK/accounts.csv" \
    -p "$WORK/profile.toml" --state "$WORK/state-$1" --again -j "$1" --json \
    >"$WORK/report-$1.json" 2>"$WORK/err" || [ $? -eq 1 ] || { cat "$WORK/err"; exit 2; }
  cat "$WORK/t"
}

run 8 >/dev/null   # warm-up: Dovecot builds its index files on first access
python3 - "$WORK/report-8.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print(f'warm-up: {t["accounts"]} accounts, {t["ok"]} OK, {t["differences"]} with differences, {t["failed"]} failed')
PY

printf '%-12s %9s %11s %13s %9s\n' concurrency "wall s" "accounts/s" "peak RSS MiB" speed-up
base=""
for level in $LEVELS; do
  read -r secs kb < <(run "$level")
  [ -z "$base" ] && base=$secs
  awk -v c="$level" -v s="$secs" -v kb="$kb" -v n="$ACCOUNTS" -v b="$base" \
    'BEGIN { printf "%-12s %9.1f %11.1f %13.1f %8.2fx\n", c, s, n / s, kb / 1024, b / s }'
done
