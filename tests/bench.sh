#!/usr/bin/env bash
# The benchmark (figures, not a test): fills the `bench` account with
# 10,000 messages, starts an optimised Facteur, and prints the app shell
# size, API latencies next to a plain IMAP client's (the floor), backend
# memory, the cold load to the first row in Chromium, the number of row
# elements in the DOM after scrolling to the bottom, the time and storage
# to keep the 200 most recent messages for offline reading, the calendar
# (a month with 500 events: API and drawing times, the bundle's size),
# and Lighthouse's scores on the login page.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$root"
n=${BENCH_MESSAGES:-10000}

tests/install.sh >/dev/null
step "build"
build_frontend
cargo build --profile server -p facteur --bin facteur --example bench --locked
step "servers, $n messages"
tests/servers.sh start >/dev/null
tests/servers.sh fill bench "$n"
mkdir -p tests/results
facteur_pid=
trap '[ -n "$facteur_pid" ] && kill $facteur_pid 2>/dev/null || true' EXIT
start_facteur "$CARGO_TARGET_DIR/server/facteur" 8390 "$root/tests/results/bench-facteur.log"
step "browser"
browser=$(FACTEUR_URL=http://127.0.0.1:8390 node tests/e2e/bench.mjs)
echo "$browser"
step "calendar: a month with 500 events"
FACTEUR_URL=http://127.0.0.1:8390 FACTEUR_DIST_DIR="$root/dist" node tests/e2e/bench-calendar.mjs || echo "calendar figures could not be measured (see above)"
step "API and floor"
# shellcheck disable=SC2046
env $(echo "$browser" | grep '^BENCH_') FACTEUR_URL=http://127.0.0.1:8390 FACTEUR_PID=$facteur_pid \
  FACTEUR_DIST_DIR="$root/dist" "$CARGO_TARGET_DIR/server/examples/bench"
step "Lighthouse"
tests/lighthouse.sh http://127.0.0.1:8390 || echo "Lighthouse could not run (see above)"
