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
# binaryen): index.html with the main bundle (login and mail), then one page
# per extra bundle, each index.html built with a cargo feature (and `lean`:
# without the mail pages, which it reaches by a page load) and its own
# styles, loaded only on its pages (the backend maps the paths):
#   filters.html  the `filters` feature: /filters
#   compose.html  the `compose` feature: /compose
#   people.html   the `people` feature: /contacts, /settings
#   calendar.html the `calendar` feature: /calendar
build_frontend() {
  local log="$CARGO_TARGET_DIR/trunk.log" bundle extra page links css
  mkdir -p "$CARGO_TARGET_DIR"
  (cd "$root" && trunk build --release --dist "$root/dist" index.html >"$log" 2>&1) || {
    tail -n 60 "$log"
    return 1
  }
  for bundle in filters compose people calendar; do
    extra="$CARGO_TARGET_DIR/dist-$bundle"
    page="$root/.$bundle.html"
    # Its styles: style/<bundle>.css and style/<bundle>-*.css.
    links=""
    for css in "$root"/style/"$bundle".css "$root"/style/"$bundle"-*.css; do
      if [ -f "$css" ]; then
        links="$links    <link data-trunk rel=\"inline\" type=\"css\" href=\"style/${css##*/}\" />\n"
      fi
    done
    sed -e "s|data-type=\"main\" />|data-type=\"main\" data-cargo-features=\"$bundle,lean\" />|" \
      -e "s|^  </head>|$links  </head>|" \
      "$root/index.html" >"$page"
    (cd "$root" && trunk build --release --dist "$extra" "$page" >>"$log" 2>&1) || {
      rm -f "$page"
      tail -n 60 "$log"
      return 1
    }
    rm -f "$page"
    mv "$extra/index.html" "$root/dist/$bundle.html"
    cp -n "$extra"/* "$root/dist/"
    rm -rf "$extra"
  done
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
