#!/usr/bin/env bash
# Everything CI runs, on a fresh Debian 12 machine or a warm one: installs
# what is missing, checks formatting and lints, builds the web app, starts
# the real servers (Dovecot, Postfix, Radicale), runs the unit and
# integration tests, then the browser tests in headless Chromium against a
# running Facteur. Stops what it started.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$root"

step "install (skips what is there)"
tests/install.sh

step "format"
cargo fmt --all --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The filters page is built into its own bundle (the `filters` feature).
cargo clippy -p frontend --all-targets --features filters,compose,people,calendar --locked -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --all-targets --features filters,compose,people,calendar --locked -- -D warnings

step "web app (trunk, release)"
build_frontend
ls -l dist

step "servers"
servers_were_running=no
if tests/servers.sh status >/dev/null 2>&1; then servers_were_running=yes; fi
facteur_pid=
cleanup() {
  [ -n "$facteur_pid" ] && kill "$facteur_pid" 2>/dev/null || true
  [ "$servers_were_running" = yes ] || tests/servers.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
tests/servers.sh start

step "unit and integration tests"
cargo test --workspace --locked
cargo test -p frontend --features filters,compose,people,calendar --locked

if grep -q wasm_bindgen_test frontend/src -r 2>/dev/null; then
  step "frontend tests in Chromium (wasm-bindgen-test)"
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo test -p frontend --target wasm32-unknown-unknown --features filters,compose,people,calendar --locked
fi

step "browser tests (Playwright, headless Chromium)"
cargo build -p facteur --locked
mkdir -p tests/results
start_facteur "$CARGO_TARGET_DIR/debug/facteur" 8391 "$root/tests/results/facteur.log"
export FACTEUR_BIN="$CARGO_TARGET_DIR/debug/facteur"
FACTEUR_URL=http://127.0.0.1:8391 node --test --test-concurrency=1 tests/e2e/

step "done"
