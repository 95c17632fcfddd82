# Shared by tests/run.sh, tests/demo.sh and tests/bench.sh: paths, the
# cargo target directory, tools on PATH, and starting Facteur itself.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Builds are slow on small machines: keep them outside the clone so that a
# fresh clone (as CI makes) reuses the last build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME:-/root}/.cache/facteur/target}"
export PATH="$root/tests/node_modules/.bin:${HOME:-/root}/.cargo/bin:$PATH"
export FACTEUR_RUN_DIR="${FACTEUR_RUN_DIR:-/tmp/facteur-run}"

started_at=$(date +%s)
step() {
  printf '\n\033[1m== %s\033[0m (%ss)\n' "$*" "$(($(date +%s) - started_at))"
}

# build_frontend: trunk release builds into dist/ (wasm-opt from npm's
# binaryen): index.html, the main bundle, and filters.html, the bundle with
# the filters page (built with the `filters` feature), loaded only there.
build_frontend() {
  local log="$CARGO_TARGET_DIR/trunk.log" extra="$CARGO_TARGET_DIR/dist-filters"
  local page="$root/.filters.html"
  mkdir -p "$CARGO_TARGET_DIR"
  # The filters page's HTML is index.html with the feature and its styles.
  sed -e 's|data-type="main" />|data-type="main" data-cargo-features="filters" />|' \
    -e 's|^  </head>|    <link data-trunk rel="inline" type="css" href="style/filters.css" />\n  </head>|' \
    "$root/index.html" >"$page"
  (cd "$root" && trunk build --release --dist "$root/dist" index.html >"$log" 2>&1 &&
    trunk build --release --dist "$extra" "$page" >>"$log" 2>&1) || {
    rm -f "$page"
    tail -n 60 "$log"
    return 1
  }
  rm -f "$page"
  mv "$extra/index.html" "$root/dist/filters.html"
  cp -n "$extra"/* "$root/dist/"
  rm -rf "$extra"
}

# start_facteur BINARY PORT LOG: starts Facteur against the test servers,
# waits for it to answer, and sets facteur_pid.
start_facteur() {
  local bin=$1 port=$2 log=$3
  # shellcheck disable=SC1091
  source "$FACTEUR_RUN_DIR/env"
  FACTEUR_LISTEN=127.0.0.1:$port FACTEUR_DIST_DIR="$root/dist" FACTEUR_DOMAIN=ac-demo.fr \
    FACTEUR_LOST_PASSWORD_URL="${FACTEUR_LOST_PASSWORD_URL:-https://moncompte.ac-demo.fr/}" \
    FACTEUR_SUPPORT_URL="${FACTEUR_SUPPORT_URL:-https://assistance.ac-demo.fr/}" \
    "$bin" </dev/null >>"$log" 2>&1 &
  facteur_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/api/config" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$facteur_pid" 2>/dev/null || { tail -n 30 "$log"; return 1; }
    sleep 0.2
  done
  echo "Facteur did not answer on port $port" >&2
  tail -n 30 "$log"
  return 1
}
