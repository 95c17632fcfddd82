#!/usr/bin/env bash
# The demo on this machine: installs what is missing, starts the real mail
# servers locally, fills two demo accounts with realistic mail, builds and
# starts Facteur, and prints where to go. Ctrl-C stops Facteur; the servers
# keep running until `tests/servers.sh stop`.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$root"
port=${FACTEUR_DEMO_PORT:-8080}

step "install (skips what is there)"
tests/install.sh
step "web app (trunk, release)"
build_frontend
step "backend"
cargo build --profile server -p facteur --locked
step "servers and demo mail"
tests/servers.sh start
tests/servers.sh demo-mail
step "Facteur"
mkdir -p tests/results
start_facteur "$CARGO_TARGET_DIR/server/facteur" "$port" "$root/tests/results/demo.log"
trap 'kill $facteur_pid 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Facteur est prêt : http://127.0.0.1:$port/

  Comptes de démonstration :
    identifiant sdupont  (ou sophie.dupont@ac-demo.fr)   mot de passe demo
    identifiant mmartin  (ou marc.martin@ac-demo.fr)     mot de passe demo

  Journal : tests/results/demo.log — Ctrl-C pour arrêter Facteur.
MSG
wait "$facteur_pid"
