# Shared set-up for scripts/bench/*.sh (sourced): builds ikou and the test bed and sets
# IKOU and TESTBED. IKOU_BENCH_PROFILE=debug only to try a script quickly; figures need release.
ikou_bench_build() {
  PROFILE=${IKOU_BENCH_PROFILE:-release}
  if [ "$PROFILE" = release ]; then
    cargo build --release --bin ikou -q
    cargo build --release -p ikou-testbed -q
  else
    cargo build --bin ikou -q
    cargo build -p ikou-testbed -q
  fi
  IKOU=target/$PROFILE/ikou
  TESTBED=target/$PROFILE/ikou-testbed
  command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)"; exit 2; }
}
