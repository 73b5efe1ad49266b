# Installs the Debian packages ikou's tests, demo and benchmark need, when missing.
# Sourced by scripts/test, scripts/demo and scripts/bench/*. Never starts a system service.

ikou_need_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ikou: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # policy-rc.d (exit 101) keeps apt from starting the system dovecot on 143/993.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  [ $made_policy -eq 1 ] && $sudo rm -f /usr/sbin/policy-rc.d
  return 0
}

ikou_need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "ikou: cargo not found; install Rust (rustup) 1.95 or newer first" >&2
    exit 2
  fi
}

# Cyrus IMAP 3.6 and Courier-IMAP 5 for the legacy-server tests. Both Conflict with
# dovecot-imapd (imap-server), so they are never installed: their .debs and the libraries
# they need that are not installed are downloaded and unpacked with dpkg-deb -x into
# IKOU_PEERS_DIR (default /var/tmp/ikou-peers-<uid>/root). tests/testbed starts them from
# there on loopback ports (Courier inside its own mount namespace). Nothing on the host
# changes. The unpacked tree is reused while the package versions stay the same.
IKOU_PEER_PACKAGES="cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin courier-base courier-imap courier-pop courier-authdaemon courier-authlib courier-authlib-userdb gamin"

ikou_need_peers() {
  ikou_need_packages libsasl2-modules libsasl2-modules-db openssl util-linux perl
  local dir="${IKOU_PEERS_DIR:-/var/tmp/ikou-peers-$(id -u)}"
  # The packages plus every library they depend on (first alternative) that is not
  # installed, one apt-cache call per dependency level.
  local installed seen="" level="$IKOU_PEER_PACKAGES" next p
  installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 ~ /^.i/ {print $2}' | tr '\n' ' ') "
  while [ -n "$level" ]; do
    seen="$seen $level"
    next=""
    for p in $(apt-cache show --no-all-versions $level 2>/dev/null \
      | sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' | tr ',' '\n' \
      | sed 's/|.*//; s/(.*//; s/:any//; s/ //g' | grep '^lib' | sort -u); do
      case "$installed $seen $next " in *" $p "*) continue ;; esac
      next="$next $p"
    done
    level="${next# }"
  done
  local stamp
  stamp=$(apt-cache policy $seen 2>/dev/null | awk '/^[^ ]/ {p=$1} /Candidate:/ {print p $2}')
  if [ -z "$stamp" ] || printf '%s\n' "$stamp" | grep -q '(none)'; then
    echo "ikou: some of$seen are not available from apt (needed for the Cyrus/Courier tests); run apt-get update" >&2
    return 1
  fi
  if [ -f "$dir/root/.ikou-peers" ] && [ "$(cat "$dir/root/.ikou-peers")" = "$stamp" ]; then
    return 0
  fi
  echo "ikou: unpacking Cyrus and Courier for the tests into $dir/root" >&2
  rm -rf "$dir/debs" "$dir/root.new"
  mkdir -p "$dir/debs" "$dir/root.new"
  chmod 755 "$dir" "$dir/root.new"
  # apt downloads as _apt when it can; let it write here.
  chown _apt "$dir/debs" 2>/dev/null || chmod 777 "$dir/debs"
  (cd "$dir/debs" && apt-get download -qq $seen >&2)
  for p in "$dir"/debs/*.deb; do
    dpkg-deb -x "$p" "$dir/root.new"
  done
  # Libraries from /lib go to /usr/lib as on a merged-/usr system (Courier runs with the
  # tree laid over /usr).
  if [ -d "$dir/root.new/lib" ] && [ ! -L "$dir/root.new/lib" ]; then
    cp -a "$dir/root.new/lib/." "$dir/root.new/usr/lib/"
    rm -rf "$dir/root.new/lib"
  fi
  printf '%s' "$stamp" > "$dir/root.new/.ikou-peers"
  rm -rf "$dir/root" "$dir/debs"
  mv "$dir/root.new" "$dir/root"
}
