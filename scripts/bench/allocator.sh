#!/usr/bin/env bash
# Benchmark: which allocator gives `ikou backup` the lower peak memory at the same speed.
# Builds ikou twice (the default: glibc malloc with a fixed 128 KiB mmap threshold, set by
# re-executing itself; and `--features jemalloc`), then backs up the same generated mailbox
# from the test bed's Dovecot with each, and with mbsync as the peer, in alternating order.
# Prints the median wall time, CPU time and peak RSS of each.
#
#   scripts/bench/allocator.sh                  # 20,000 messages, 1 GiB (a few 10-30 MB messages)
#   RUNS=5 scripts/bench/allocator.sh 5000 268435456
#   ALSO="before=../other/target/release/ikou" scripts/bench/allocator.sh   # plus another build
#   JEMALLOC=0 ALSO=... scripts/bench/allocator.sh                           # without jemalloc
#
# ALSO names more ikou binaries (name=path, space-separated) to measure in the same rotation,
# e.g. the build of another commit, to see what a change does to memory and speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/install.sh
ikou_need_rust
ikou_need_packages dovecot-imapd dovecot-pop3d openssl isync time python3

MESSAGES=${1:-20000}
BYTES=${2:-1073741824}
RUNS=${RUNS:-3}

work=$(mktemp -d "${TMPDIR:-/tmp}/ikou-alloc.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --locked -p ikou --bin ikou -p ikou-testbed --bin ikou-testbed >&2
cp target/release/ikou "$work/ikou-glibc"
tools=(ikou-glibc)
if [ "${JEMALLOC:-1}" != 0 ]; then
  cargo build --release --locked -p ikou --bin ikou --features jemalloc >&2
  cp target/release/ikou "$work/ikou-jemalloc"
  tools+=(ikou-jemalloc)
  # Leave the default build in place for whoever runs next.
  cargo build --release --locked -p ikou --bin ikou >&2
fi
for also in ${ALSO:-}; do
  cp "${also#*=}" "$work/ikou-${also%%=*}"
  tools+=("ikou-${also%%=*}")
done
tools+=(mbsync)
TESTBED=target/release/ikou-testbed

. scripts/lib/bench.sh
start_server "$MESSAGES" "$BYTES" ""

# "wall_s cpu_s peak_rss_kib" of one full backup by $1.
measure() {
  local tool=$1 log="$work/time.log"
  rm -rf "$work/maildir" "$work/backup.zip" && mkdir -p "$work/maildir"
  if [ "$tool" = mbsync ]; then
    /usr/bin/time -f '%e %U %S %M' -o "$log" mbsync -q -c "$work/mbsyncrc" bench \
      >"$work/cmd.out" 2>&1 || { cat "$work/cmd.out" >&2; exit 2; }
  else
    IKOU_OLD_PASSWORD="$PASS" /usr/bin/time -f '%e %U %S %M' -o "$log" "$work/$tool" --json \
      backup -p "$work/profile.toml" -o "$work/backup.zip" >"$work/cmd.out" 2>&1 ||
      { cat "$work/cmd.out" >&2; exit 2; }
  fi
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$log"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A res
n=${#tools[@]}
for run in $(seq 1 "$RUNS"); do
  # Rotate the order, so no tool always meets the warmest cache.
  for i in $(seq 0 $((n - 1))); do
    tool=${tools[$(( (i + run) % n ))]}
    read -r w c r < <(measure "$tool")
    res[$tool]+="$w $c $r;"
    echo "run $run: $tool ${w}s cpu ${c}s ${r} KiB" >&2
  done
done

col() { tr ';' '\n' <<<"${res[$1]}" | awk -v f="$2" 'NF { print $f }' | median; }
printf 'full backup of %d messages, %d run(s), medians, order rotating\n' "$MESSAGES" "$RUNS"
printf '%-18s %8s %8s %13s\n' tool "wall s" "CPU s" "peak RSS MiB"
for tool in "${tools[@]}"; do
  printf '%-18s %8.2f %8.2f %13.1f\n' "$tool" "$(col "$tool" 1)" "$(col "$tool" 2)" \
    "$(awk -v k="$(col "$tool" 3)" 'BEGIN { print k / 1024 }')"
done
