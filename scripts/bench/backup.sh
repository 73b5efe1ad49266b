#!/usr/bin/env bash
# Benchmark: `ikou backup` (IMAP -> deflated .eml-in-zip, with SHA-256 and manifest) against
# mbsync (IMAP -> Maildir) pulling the same generated mailbox from the test bed's Dovecot,
# in the same run. Prints wall time, messages/s, MB/s and peak RSS for both, and the ratio.
#
#   scripts/bench/backup.sh                     # 20,000 messages, 1 GiB (a few 10-30 MB messages)
#   scripts/bench/backup.sh 5000 268435456        # smaller corpus
#   RUNS=3 scripts/bench/backup.sh                # median of 3 runs each
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/install.sh
ikou_need_rust
ikou_need_packages dovecot-imapd dovecot-pop3d openssl isync time unzip

MESSAGES=${1:-20000}
BYTES=${2:-1073741824}
RUNS=${RUNS:-1}

cargo build --release --locked -p ikou --bin ikou -p ikou-testbed --bin ikou-testbed >&2
IKOU=target/release/ikou
TESTBED=target/release/ikou-testbed

work=$(mktemp -d "${TMPDIR:-/tmp}/ikou-bench.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "generating $MESSAGES messages / $BYTES bytes ..." >&2
"$TESTBED" bench-corpus --messages "$MESSAGES" --bytes "$BYTES" --state "$work/state.json" \
  --ignore-stdin >"$work/testbed.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  [ -s "$work/state.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/testbed.log" >&2; exit 2; }
  sleep 0.2
done
[ -s "$work/state.json" ] || { echo "test bed did not start" >&2; exit 2; }

field() { sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$work/state.json" | head -1; }
HOST=$(field host)
IMAPS=$(field imaps_port)
CA=$(field ca_file)
USER_NAME=$(field user)
PASS=$(field password)
TOTAL_MSGS=$(field messages)
TOTAL_BYTES=$(field bytes)

cat >"$work/profile.toml" <<EOF
[account]
address = "$USER_NAME@example-univ.test"

[old]
host = "localhost"
username = "{local}"
imap = { port = $IMAPS, security = "tls" }
ca_file = "$CA"

[new]
host = "localhost"
imap = { port = $IMAPS, security = "tls" }
ca_file = "$CA"
EOF

cat >"$work/mbsyncrc" <<EOF
IMAPAccount bench
Host localhost
Port $IMAPS
User $USER_NAME
Pass $PASS
SSLType IMAPS
CertificateFile $CA

IMAPStore far
Account bench

MaildirStore near
Path $work/maildir/
Inbox $work/maildir/INBOX
SubFolders Verbatim

Channel bench
Far :far:
Near :near:
Patterns *
Create Near
Sync Pull
SyncState *
EOF

# Runs a command under /usr/bin/time -v; prints "wall_seconds peak_rss_kib".
measure() {
  local log="$work/time.log"
  /usr/bin/time -v "$@" >"$work/cmd.out" 2>"$log" || { cat "$work/cmd.out" "$log" >&2; exit 2; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  echo "$wall $rss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

ikou_walls=(); ikou_rss=(); mb_walls=(); mb_rss=()
for run in $(seq 1 "$RUNS"); do
  rm -rf "$work/maildir" && mkdir -p "$work/maildir"
  read -r w r < <(measure mbsync -q -c "$work/mbsyncrc" bench)
  mb_walls+=("$w"); mb_rss+=("$r")
  echo "run $run: mbsync ${w}s ${r} KiB" >&2

  rm -f "$work/backup.zip"
  read -r w r < <(IKOU_OLD_PASSWORD="$PASS" measure "$IKOU" --json backup \
    -p "$work/profile.toml" -o "$work/backup.zip")
  ikou_walls+=("$w"); ikou_rss+=("$r")
  echo "run $run: ikou   ${w}s ${r} KiB" >&2
  got=$(grep -o '"added": *[0-9]*' "$work/cmd.out" | tail -1 | grep -o '[0-9]*$')
  [ "$got" = "$TOTAL_MSGS" ] || { echo "ikou added $got of $TOTAL_MSGS messages" >&2; exit 2; }
done
maildir_msgs=$(find "$work/maildir" -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)
[ "$maildir_msgs" = "$TOTAL_MSGS" ] || echo "warning: mbsync wrote $maildir_msgs of $TOTAL_MSGS" >&2
zip_bytes=$(stat -c %s "$work/backup.zip")

iw=$(printf '%s\n' "${ikou_walls[@]}" | median)
ir=$(printf '%s\n' "${ikou_rss[@]}" | median)
mw=$(printf '%s\n' "${mb_walls[@]}" | median)
mr=$(printf '%s\n' "${mb_rss[@]}" | median)

awk -v n="$TOTAL_MSGS" -v b="$TOTAL_BYTES" -v iw="$iw" -v ir="$ir" -v mw="$mw" -v mr="$mr" \
  -v z="$zip_bytes" -v runs="$RUNS" 'BEGIN {
  printf "mailbox: %d messages, %.1f MB; %d run(s), median\n", n, b / 1e6, runs
  printf "%-28s %9s %10s %8s %14s\n", "tool", "wall s", "msgs/s", "MB/s", "peak RSS MiB"
  printf "%-28s %9.2f %10.0f %8.1f %14.1f\n", "ikou backup (zip, sha256)", iw, n / iw, b / 1e6 / iw, ir / 1024
  printf "%-28s %9.2f %10.0f %8.1f %14.1f\n", "mbsync (Maildir)", mw, n / mw, b / 1e6 / mw, mr / 1024
  printf "ratio ikou/mbsync: wall %.2f, peak RSS %.2f; zip %.1f MB\n", iw / mw, ir / mr, z / 1e6
  printf "goals: wall <= mbsync: %s; peak RSS < 64 MB: %s\n", (iw <= mw ? "yes" : "NO"), (ir / 1024 < 64 ? "yes" : "NO")
}'
