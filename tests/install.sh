#!/usr/bin/env bash
# Installs everything Facteur's demo and tests need on a Debian 12 machine,
# skipping what is already there: Debian servers (Dovecot, Postfix,
# Radicale, Cyrus's CalDAV httpd for sharing and scheduling, Redis) and
# Chromium, the wasm target, trunk, wasm-bindgen-cli (at the version
# Cargo.lock names) and wasm-opt from npm's binaryen. Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf '\033[1m[install]\033[0m %s\n' "$*"; }

packages=(dovecot-imapd dovecot-lmtpd dovecot-sieve dovecot-managesieved
  postfix radicale apache2-utils redis-server chromium chromium-driver
  openssl ca-certificates python3-bcrypt pkg-config
  cyrus-common cyrus-caldav sasl2-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  # Packages must not start their daemons: the project starts its own.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  echo "postfix postfix/mailname string localhost" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's own Cyrus (IMAP 143, POP 110, HTTP 8008...) must never run:
# tests/servers.sh starts a private one. policy-rc.d kept it from starting
# at install; the package still enables it for the next boot.
if [ -e /etc/init.d/cyrus-imapd ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  if [ -e /etc/systemd/system/multi-user.target.wants/cyrus-imapd.service ] ||
    ls /etc/rc[2-5].d/S*cyrus-imapd >/dev/null 2>&1; then
    log "disabling Debian's cyrus-imapd service (the tests run their own Cyrus)"
    $SUDO systemctl disable cyrus-imapd >/dev/null 2>&1 || true
    $SUDO update-rc.d cyrus-imapd disable >/dev/null 2>&1 || true
  fi
  if [ -s /run/cyrus-master.pid ] && $SUDO kill -0 "$(cat /run/cyrus-master.pid)" 2>/dev/null; then
    log "stopping Debian's cyrus-imapd service"
    $SUDO start-stop-daemon --stop --quiet --retry=TERM/10/KILL/5 --pidfile /run/cyrus-master.pid --name cyrmaster || true
    $SUDO rm -f /run/cyrus-master.pid
  fi
fi

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q '0.21.14'; then
  log "trunk 0.21.14 (about 17 minutes on two cores)"
  env -u CARGO_TARGET_DIR cargo install trunk --locked --version 0.21.14
fi

wbg=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$root/Cargo.lock")
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  log "wasm-bindgen-cli $wbg (about 6 minutes)"
  env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$wbg" --force
fi

if [ ! -x "$root/tests/node_modules/.bin/wasm-opt" ] || [ ! -d "$root/tests/node_modules/playwright-core" ]; then
  log "npm: binaryen (wasm-opt), playwright-core"
  (cd "$root/tests" && npm ci --no-audit --no-fund --loglevel=error)
fi

log "fetching crates"
(cd "$root" && cargo fetch --locked >/dev/null 2>&1 || cargo fetch)
log "done"
