#!/usr/bin/env bash
# Makes a Chromium executable available for the browser tests and prints ONE line on stdout: its
# path. Progress goes to stderr. Playwright cannot download its own browsers here, so this uses
# Debian's package.
#
# In order: $CHROMIUM_PATH if set (it must be executable); /usr/bin/chromium when Debian's
# `chromium` package is fully installed; else `apt-get install -y chromium` (root only), waiting
# for another apt/dpkg run to release its lock rather than failing.
set -euo pipefail

DEFAULT_PATH=/usr/bin/chromium
LOCK_TIMEOUT=300

log() { printf 'ensure-chromium: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
  printf '%s\n' "$CHROMIUM_PATH"
  exit 0
fi

# /usr/bin/chromium appears part way through dpkg's unpack, before the libraries it needs, so a
# present file alone is not enough while an install is running: ask dpkg whether it finished.
# A chromium that dpkg does not know about (installed by hand) is taken as it is.
installed() {
  [ -x "$DEFAULT_PATH" ] || return 1
  have dpkg-query || return 0
  local status
  status=$(dpkg-query -W -f='${Status}' chromium 2>/dev/null) || return 0
  [ "$status" = 'install ok installed' ]
}

if installed; then
  printf '%s\n' "$DEFAULT_PATH"
  exit 0
fi

have apt-get || die "no Chromium at $DEFAULT_PATH and no apt-get to install it; set CHROMIUM_PATH to a Chromium executable"
[ "$(id -u)" -eq 0 ] || die "no Chromium at $DEFAULT_PATH; installing Debian's chromium needs root (run: sudo apt-get install -y chromium), or set CHROMIUM_PATH"

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT" install -y -q chromium >&2
}

log "installing Debian's chromium (waits up to ${LOCK_TIMEOUT}s for another apt/dpkg run to finish)"
if ! apt_install; then
  # Usually a fresh machine whose package lists were never fetched.
  log 'install failed; running apt-get update and retrying'
  apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT" update -q >&2 || die 'apt-get update failed'
  apt_install || die 'apt-get install -y chromium failed (see above)'
fi

installed || die "apt-get finished but $DEFAULT_PATH is not an installed, executable chromium"
log "installed $("$DEFAULT_PATH" --version 2>/dev/null || echo chromium)"
printf '%s\n' "$DEFAULT_PATH"
