#!/usr/bin/env bash
# Benchmark: `ikou backup` (IMAP -> deflated .eml-in-zip, with SHA-256 and manifest) against
# mbsync (IMAP -> Maildir) pulling the same generated mailbox from the test bed's Dovecot,
# in the same run: the full backup, a rerun with nothing new, and reruns after 10 and after
# 1,000 new messages arrived in INBOX. Prints wall time, CPU time, peak RSS and the bytes each
# run wrote, for both tools, and the wall-time ratio; the tools alternate which goes first.
#
#   scripts/bench/backup.sh                     # 20,000 messages, 1 GiB (a few 10-30 MB messages)
#   scripts/bench/backup.sh 5000 268435456        # smaller corpus
#   RUNS=3 scripts/bench/backup.sh                # median of 3 runs each
#
# Then one folder holding BIG messages (default 100,000, BIG_BYTES in all, default 512 MiB):
# the full backup, a rerun with nothing new and a rerun after 10 new messages, for both tools,
# with the largest message's size: what grows with the number of messages shows here (peak
# RSS should not). BIG=0 skips it; BIG_ONLY=1 runs only it.
#
#   BIG_ONLY=1 scripts/bench/backup.sh          # only the 100,000-message folder
set -euo pipefail
case "${1:-}" in -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/../.."
. scripts/lib/install.sh
ikou_need_rust
ikou_need_packages dovecot-imapd dovecot-pop3d openssl isync time unzip python3

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

. scripts/lib/bench.sh

# Runs a command under GNU time; prints "wall_s cpu_s peak_rss_kib written_bytes", where
# written is what the process handed to the file system (getrusage blocks x 512).
measure() {
  local log="$work/time.log"
  /usr/bin/time -f '%e %U %S %M %O' -o "$log" "$@" >"$work/cmd.out" 2>"$work/cmd.err" ||
    { cat "$work/cmd.out" "$work/cmd.err" "$log" >&2; exit 2; }
  awk '{ printf "%s %.2f %s %d\n", $1, $2 + $3, $4, $5 * 512 }' "$log"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Appends $1 new messages (about 20 KB of text each) to INBOX over IMAP, as mail arriving
# between two runs would.
append_mail() {
  python3 - "$1" "$HOST" "$(field imap_port)" "$USER_NAME" "$PASS" <<'PY'
import imaplib, random, sys, time
n, host, port, user, password = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rnd = random.Random(time.time_ns())
words = "研究室 会議 資料 予定 meeting report draft budget schedule review".split()
m = imaplib.IMAP4(host, port)
m.login(user, password)
for i in range(n):
    body = "\r\n".join(" ".join(rnd.choice(words) for _ in range(12)) for _ in range(250))
    tag = rnd.getrandbits(64)
    msg = (f"From: bench <bench@example.jp>\r\nTo: taro@example.jp\r\nSubject: new {tag:x}\r\n"
           f"Message-ID: <{tag:x}@bench.example.jp>\r\nDate: Mon, 1 Dec 2026 09:00:00 +0900\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()
    typ, data = m.append("INBOX", None, None, msg)
    if typ != "OK":
        sys.exit(f"APPEND refused: {data!r}")
m.logout()
PY
}

# One step for both tools, in the given order; records "wall cpu rss written" per tool.
declare -A res
step() {
  local name=$1 first=$2 tool
  for tool in $first $([ "$first" = ikou ] && echo mbsync || echo ikou); do
    if [ "$tool" = mbsync ]; then
      read -r w c r o < <(measure mbsync -q -c "$work/mbsyncrc" bench)
    else
      read -r w c r o < <(IKOU_OLD_PASSWORD="$PASS" measure "$IKOU" --json backup \
        -p "$work/profile.toml" -o "$work/backup.zip")
      want=${3:-}
      if [ -n "$want" ]; then
        got=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["added"])' "$work/cmd.out")
        [ "$got" = "$want" ] || { echo "ikou added $got of $want messages ($name)" >&2; exit 2; }
      fi
    fi
    res[$name,$tool]+="$w $c $r $o;"
    echo "run $run $name: $tool ${w}s cpu ${c}s ${r} KiB wrote ${o} B" >&2
  done
}

col() { # col NAME TOOL FIELD (1 wall, 2 cpu, 3 rss, 4 written): median over runs
  tr ';' '\n' <<<"${res[$1,$2]}" | awk -v f="$3" 'NF { print $f }' | median
}
# The two tools' rows of step $1 (labelled $2) and their wall-time ratio.
rows() {
  local name=$1 label=$2 tool
  for tool in ikou mbsync; do
    printf '%-24s %-7s %8.2f %8.2f %13.1f %11.1f\n' "$label" "$tool" \
      "$(col "$name" $tool 1)" "$(col "$name" $tool 2)" \
      "$(awk -v k="$(col "$name" $tool 3)" 'BEGIN { print k / 1024 }')" \
      "$(awk -v b="$(col "$name" $tool 4)" 'BEGIN { print b / 1e6 }')"
  done
  printf '%-24s ratio ikou/mbsync wall %.2f\n' "" \
    "$(awk -v a="$(col "$name" ikou 1)" -v b="$(col "$name" mbsync 1)" 'BEGIN { print (b > 0 ? a / b : 0) }')"
}

if [ "${BIG_ONLY:-0}" = 1 ]; then MESSAGES=0; fi
if [ "$MESSAGES" -gt 0 ]; then
start_server "$MESSAGES" "$BYTES" ""
for run in $(seq 1 "$RUNS"); do
  # Alternate which tool goes first, so neither always meets a warmer cache.
  first=$([ $((run % 2)) = 1 ] && echo ikou || echo mbsync)
  rm -rf "$work/maildir" && mkdir -p "$work/maildir"
  rm -f "$work/backup.zip"
  total=$(( TOTAL_MSGS + (run - 1) * 1010 ))
  step full "$first" "$total"
  step nochange "$first" 0
  append_mail 10
  step new10 "$first" 10
  append_mail 1000
  step new1000 "$first" 1000
done
zip_bytes=$(stat -c %s "$work/backup.zip")

printf 'mailbox: %d messages, %.1f MB at the start; %d run(s), medians, tools alternating\n' \
  "$TOTAL_MSGS" "$(awk -v b="$TOTAL_BYTES" 'BEGIN { print b / 1e6 }')" "$RUNS"
printf '%-24s %-7s %8s %8s %13s %11s\n' step tool "wall s" "CPU s" "peak RSS MiB" "written MB"
for name in full nochange new10 new1000; do
  case $name in
    full) label="full backup" ;; nochange) label="rerun, nothing new" ;;
    new10) label="rerun, 10 new" ;; new1000) label="rerun, 1,000 new" ;;
  esac
  rows "$name" "$label"
done
printf 'zip %.1f MB\n' "$(awk -v z="$zip_bytes" 'BEGIN { print z / 1e6 }')"
fi

BIG=${BIG:-100000}
BIG_BYTES=${BIG_BYTES:-536870912}
[ "$BIG" -gt 0 ] || exit 0
start_server "$BIG" "$BIG_BYTES" --one-folder
for run in $(seq 1 "$RUNS"); do
  first=$([ $((run % 2)) = 1 ] && echo ikou || echo mbsync)
  rm -rf "$work/maildir" && mkdir -p "$work/maildir"
  rm -f "$work/backup.zip"
  total=$(( TOTAL_MSGS + (run - 1) * 10 ))
  step big "$first" "$total"
  step bignochange "$first" 0
  # The test bed's message quota leaves room for new mail (1.5x the corpus); a refused
  # APPEND still skips this step with the server's answer.
  if append_mail 10; then
    step bignew10 "$first" 10
  else
    echo "rerun after 10 new messages skipped: the server refused them" >&2
  fi
done
largest=$(field largest)
printf '\none folder: %d messages, %.1f MB, largest message %.1f MB; %d run(s), medians\n' \
  "$TOTAL_MSGS" "$(awk -v b="$TOTAL_BYTES" 'BEGIN { print b / 1e6 }')" \
  "$(awk -v b="$largest" 'BEGIN { print b / 1e6 }')" "$RUNS"
printf '%-24s %-7s %8s %8s %13s %11s\n' step tool "wall s" "CPU s" "peak RSS MiB" "written MB"
for name in big bignochange bignew10; do
  [ -n "${res[$name,ikou]:-}" ] || continue
  case $name in
    big) label="full backup, one folder" ;; bignochange) label="rerun, nothing new" ;;
    bignew10) label="rerun, 10 new" ;;
  esac
  rows "$name" "$label"
done
