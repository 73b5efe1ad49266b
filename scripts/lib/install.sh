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
