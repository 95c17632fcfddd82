#!/usr/bin/env bash
# tests/lighthouse.sh [URL]: Lighthouse's scores for a running Facteur
# (default http://127.0.0.1:8080, the demo) on its login page:
# performance, accessibility, best practices and PWA (Lighthouse 11, the
# last with the PWA category that runs on Node 20).
#
# Lighthouse comes from npm (tests/package.json: `cd tests && npm ci`) and
# drives Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default); it
# never downloads a browser. Mobile emulation, as Lighthouse does by
# default; LIGHTHOUSE_ARGS adds options (e.g. `--preset=desktop`).
# LIGHTHOUSE_REPORT=file.html keeps the full report.
#
# Not part of tests/run.sh: the figures depend on the machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
base=${1:-http://127.0.0.1:8080}
base=${base%/}
lighthouse="$here/node_modules/.bin/lighthouse"
if [ ! -x "$lighthouse" ]; then
  echo "Lighthouse is missing: run \`npm ci\` in $here." >&2
  exit 1
fi
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROME_PATH" ]; then
  echo "No Chromium at $CHROME_PATH (apt-get install chromium, or set CHROME_PATH)." >&2
  exit 1
fi
if ! curl -fsS -o /dev/null "$base/api/config"; then
  echo "No Facteur answers at $base." >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
outputs=(--output=json --output-path="$work/report.json")
if [ -n "${LIGHTHOUSE_REPORT:-}" ]; then
  outputs=(--output=json --output=html --output-path="$work/report")
fi

# shellcheck disable=SC2086 # LIGHTHOUSE_ARGS is a list of options
"$lighthouse" "$base/login" \
  --quiet \
  --only-categories=performance,accessibility,best-practices,pwa \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
  "${outputs[@]}" \
  ${LIGHTHOUSE_ARGS:-}

report="$work/report.json"
if [ -n "${LIGHTHOUSE_REPORT:-}" ]; then
  report="$work/report.report.json"
  cp "$work/report.report.html" "$LIGHTHOUSE_REPORT"
fi

node - "$report" <<'JS'
const report = require(require('node:path').resolve(process.argv[2]));
console.log(`Lighthouse ${report.lighthouseVersion}, ${report.finalDisplayedUrl || report.finalUrl}`);
for (const category of Object.values(report.categories)) {
  const score = category.score === null ? '—' : Math.round(category.score * 100);
  console.log(`${category.title.padEnd(16)} ${String(score).padStart(3)}`);
}
// What keeps each category from 100 (audits that count and did not pass).
for (const category of Object.values(report.categories)) {
  const failed = category.auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => report.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1);
  for (const audit of failed) {
    console.log(`  ${category.id}: ${audit.id} (${Math.round(audit.score * 100)}) ${audit.title}`);
    if (audit.id === 'errors-in-console') {
      for (const item of (audit.details && audit.details.items) || []) {
        console.log(`    ${item.sourceLocation?.url || item.source || ''}: ${item.description}`);
      }
    }
  }
}
JS
