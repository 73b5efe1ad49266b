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

# For the scripts that start the test bed themselves (they set TESTBED, work and a server_pid
# their cleanup stops): start it with a generated corpus, read its state, and write the ikou
# profile and the mbsyncrc for it.
# Starts the test bed's Dovecot with a generated corpus (extra arguments go to bench-corpus)
# and writes the ikou profile and mbsyncrc for it.
start_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$work/state.json"
  rm -rf "$work/maildir" "$work/backup.zip"
  echo "generating $1 messages / $2 bytes $3 ..." >&2
  "$TESTBED" bench-corpus --messages "$1" --bytes "$2" $3 --state "$work/state.json" \
    --ignore-stdin >"$work/testbed.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 1200); do
    [ -s "$work/state.json" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/testbed.log" >&2; exit 2; }
    sleep 0.2
  done
  [ -s "$work/state.json" ] || { echo "test bed did not start" >&2; exit 2; }
  HOST=$(field host)
  IMAPS=$(field imaps_port)
  CA=$(field ca_file)
  USER_NAME=$(field user)
  PASS=$(field password)
  TOTAL_MSGS=$(field messages)
  TOTAL_BYTES=$(field bytes)
  write_configs
}

field() { sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$work/state.json" | head -1; }

write_configs() {
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
}
