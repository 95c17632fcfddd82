#!/usr/bin/env bash
# Starts, stops and fills the real mail servers that Facteur's integration
# tests, benchmark and demo run against: Dovecot (IMAP, LMTP, ManageSieve),
# Postfix (submission), Radicale (CalDAV/CardDAV) and Cyrus's httpd (a
# second CalDAV server, with sharing and free/busy), all on 127.0.0.1 high
# ports, with every file under one run directory.
#
#   tests/servers.sh start            start what is not running, write $RUN/env
#   tests/servers.sh stop             stop what start started
#   tests/servers.sh restart          stop, then start (applies script changes)
#   tests/servers.sh status           say what runs
#   tests/servers.sh demo-mail        fill the demo accounts (resets them first)
#   tests/servers.sh fill USER N      N generated messages in USER's INBOX
#   tests/servers.sh reset USER       empty USER's folders, delete the others
#   tests/servers.sh check            smoke-test every server (tests/mail/check.py, Cyrus)
#
# The run directory is $FACTEUR_RUN_DIR, or /tmp/facteur-run;
# $FACTEUR_PORT_OFFSET shifts every port. Run as root: Dovecot, Postfix and
# Cyrus switch to their own users, mail belongs to `vmail` (created if
# missing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3 # Debian's: radicale and bcrypt live there, not in pyenv

RUN=${FACTEUR_RUN_DIR:-/tmp/facteur-run}
case "$RUN" in /*) ;; *) RUN="$PWD/$RUN" ;; esac
RUN=${RUN%/}
case "$RUN" in *[[:space:]]*) echo "servers.sh: the run dir must not contain spaces: $RUN" >&2; exit 2 ;; esac

HOST=127.0.0.1
# FACTEUR_PORT_OFFSET shifts every port, for a second set of servers next to
# the first (another run dir, e.g. for CI jobs side by side).
off=${FACTEUR_PORT_OFFSET:-0}
INSTANCE=facteur-test; [ "$off" = 0 ] || INSTANCE=facteur-test-$off
IMAP_PORT=$((10143 + off))
IMAPS_PORT=$((10993 + off))
SUBMISSION_PORT=$((10587 + off))
MX_PORT=$((10025 + off))
SIEVE_PORT=$((14190 + off))
DAV_PORT=$((15232 + off))
SHARING_DAV_PORT=$((15280 + off))
DOMAIN=ac-demo.fr
MESSAGE_SIZE_LIMIT=$((25 * 1024 * 1024))
# The servers' local time, as in France: INTERNALDATE and Received headers
# come in +0100/+0200.
SERVER_TZ=Europe/Paris

DOVECOT_CONF=$RUN/dovecot/dovecot.conf
DOVECOT_BASE=$RUN/dovecot/run
POSTFIX_DIR=$RUN/postfix
POSTFIX_CONF=$POSTFIX_DIR/etc
LMTP_SOCKET=$DOVECOT_BASE/lmtp
LOGS=$RUN/logs
CYRUS_DIR=$RUN/cyrus
CYRUS_BIN=/usr/lib/cyrus/bin

# The accounts: identifier, password, display name, address, quota (empty:
# the 1 GB default), state (active, disabled: login refused with
# [CONTACTADMIN], expired: login refused with [EXPIRED]).
ACCOUNTS=(
  "sdupont|demo|Sophie Dupont|sophie.dupont@$DOMAIN||active"
  "mmartin|demo|Marc Martin|marc.martin@$DOMAIN||active"
  "alice|secret|Alice Lefèvre|alice@$DOMAIN||active"
  "bob|secret|Bob Garnier|bob@$DOMAIN||active"
  "bench|secret|Banc d'essai|bench@$DOMAIN||active"
  "full|secret|Boîte Pleine|full@$DOMAIN|100K|active"
  "disabled|secret|Compte Désactivé|disabled@$DOMAIN||disabled"
  "expired|secret|Mot de passe Expiré|expired@$DOMAIN||expired"
)

# What the login of a locked account answers, after a right password (a
# wrong one gets the usual [AUTHENTICATIONFAILED]). Dovecot's imap-login
# sends a failure reason that starts with "[" as is, so the text carries
# the RFC 5530 code. passwd-file splits extra fields on spaces: the texts
# reach the auth process through its environment (import_environment) and
# %{env:...}. ASCII only: IMAP response text is 7-bit.
export FACTEUR_DISABLED_REASON="[CONTACTADMIN] Compte desactive : contactez l'assistance."
export FACTEUR_EXPIRED_REASON="[EXPIRED] Mot de passe expire : changez-le sur le portail."

log() { printf '\033[1m[servers]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[servers]\033[0m %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "run as root: Dovecot and Postfix need it to switch users"
}

# Writes stdin to $1 only if the content differs, so that daemons which watch
# mtimes (Dovecot's passwd-file) are not disturbed by an identical rewrite.
write_if_changed() {
  local dest=$1 tmp
  tmp=$(mktemp "$dest.XXXXXX")
  chmod 644 "$tmp"
  cat >"$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$dest"
  fi
}

# Seconds since $1 (an $EPOCHREALTIME), one decimal.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Alive: the pid exists and is not a zombie (a killed daemon whose parent
# has not reaped it yet must not pass for a running one).
# With a second argument, the process name must also match (a pid file
# left by an earlier machine session may name some other process now).
pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null &&
    ! ps -o stat= -p "$1" 2>/dev/null | grep -q '^Z' &&
    { [ -z "${2:-}" ] || ps -o comm= -p "$1" 2>/dev/null | grep -Eq "^($2)\$"; }
}
pid_from() { [ -f "$1" ] && tr -dc '0-9' <"$1" || true; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Waits until $HOST:$1 accepts connections, while the daemon ($2, whose
# pid the function ${2}_pid prints) is alive.
wait_port() {
  local port=$1 name=$2 i
  for i in $(seq 1 150); do
    port_open "$port" && return 0
    [ -n "$("${name}_pid")" ] || break
    sleep 0.1
  done
  die "$name does not answer on $HOST:$port (see $LOGS/$name.log)"
}

# Waits until process $1 is gone, TERM then KILL.
wait_gone() {
  local pid=$1 i
  for i in $(seq 1 100); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

ensure_vmail() {
  if ! getent passwd vmail >/dev/null; then
    log "creating system user vmail (owner of the test mail)"
    getent group vmail >/dev/null || groupadd --system vmail
    useradd --system --gid vmail --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin vmail
  fi
  VMAIL_UID=$(id -u vmail)
  VMAIL_GID=$(id -g vmail)
}

# ---------------------------------------------------------------- TLS ------

make_tls() {
  mkdir -p "$RUN/tls"
  chmod 700 "$RUN/tls"
  if [ -s "$RUN/ca.pem" ] && [ -s "$RUN/tls/ca.key" ] &&
    [ -s "$RUN/tls/server.pem" ] && [ -s "$RUN/tls/server.key" ]; then
    return 0
  fi
  log "making a private test CA and a certificate for localhost, 127.0.0.1"
  local t=$RUN/tls
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$t/ca.key" -out "$t/ca.pem.tmp" \
    -subj "/O=Facteur tests/CN=Facteur test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -sha256 \
    -keyout "$t/server.key" -out "$t/server.csr" \
    -subj "/O=Facteur tests/CN=localhost" 2>/dev/null
  cat >"$t/server.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
  openssl x509 -req -sha256 -days 3650 -in "$t/server.csr" \
    -CA "$t/ca.pem.tmp" -CAkey "$t/ca.key" -CAcreateserial \
    -extfile "$t/server.ext" -out "$t/server.pem" 2>/dev/null
  chmod 600 "$t"/*.key
  mv -f "$t/ca.pem.tmp" "$RUN/ca.pem"
  chmod 644 "$RUN/ca.pem"
}

# ------------------------------------------------------------ Dovecot ------

# passwd-file: one line per identifier and one per address; the address line
# carries user=<identifier>, so both logins reach the same mailbox.
write_dovecot_users() {
  local line id pass name addr quota state hash home fields
  {
    for line in "${ACCOUNTS[@]}"; do
      IFS='|' read -r id pass name addr quota state <<<"$line"
      # A fixed salt per account keeps the file identical from one start to
      # the next (Dovecot re-reads it when it changes).
      hash=$(openssl passwd -6 -salt "facteur$id" "$pass")
      home=$RUN/mail/$id
      fields=""
      [ -n "$quota" ] && fields+=" userdb_quota_rule=*:storage=$quota"
      printf '%s:{SHA512-CRYPT}%s:%s:%s::%s::%s\n' "$id" "$hash" "$VMAIL_UID" "$VMAIL_GID" "$home" "${fields# }"
      printf '%s:{SHA512-CRYPT}%s:%s:%s::%s::%s\n' "$addr" "$hash" "$VMAIL_UID" "$VMAIL_GID" "$home" "user=$id$fields"
    done
  } | write_if_changed "$RUN/dovecot/users"
  # Disabled and expired accounts: a deny passdb consulted only once the
  # password was found right. Unlike the "nologin" field, which only
  # Dovecot's own login processes honour, a deny also stops Postfix's SASL.
  {
    for line in "${ACCOUNTS[@]}"; do
      IFS='|' read -r id pass name addr quota state <<<"$line"
      case "$state" in
        disabled) printf '%s:::::::reason=%%{env:FACTEUR_DISABLED_REASON}\n' "$id" ;;
        expired) printf '%s:::::::reason=%%{env:FACTEUR_EXPIRED_REASON}\n' "$id" ;;
      esac
    done
  } | write_if_changed "$RUN/dovecot/locked"
  chmod 640 "$RUN/dovecot/users" "$RUN/dovecot/locked"
  chgrp dovecot "$RUN/dovecot/users" "$RUN/dovecot/locked" 2>/dev/null || true
}

write_dovecot_conf() {
  local dh="" locked="" line id pass name addr quota state
  [ -f /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
  for line in "${ACCOUNTS[@]}"; do
    IFS='|' read -r id pass name addr quota state <<<"$line"
    [ "$state" = active ] || locked+=" $id"
  done
  write_if_changed "$DOVECOT_CONF" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
instance_name = $INSTANCE
base_dir = $DOVECOT_BASE
state_dir = $RUN/dovecot/state
protocols = imap lmtp sieve
listen = $HOST
hostname = mail.$DOMAIN
postmaster_address = postmaster@$DOMAIN
import_environment = TZ FACTEUR_DISABLED_REASON FACTEUR_EXPIRED_REASON

log_path = $LOGS/dovecot.log
info_log_path = $LOGS/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
auth_verbose = yes

ssl = yes
ssl_cert = <$RUN/tls/server.pem
ssl_key = <$RUN/tls/server.key
$dh
ssl_min_protocol = TLSv1.2

# Logins. Tests try wrong passwords on purpose: no anti-brute-force delay
# (a failure still takes up to 0.5 s: Dovecot checks failures twice a second).
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $RUN/dovecot/users
  # A wrong password ends here; a right one goes on to the locked list.
  result_failure = return-fail
  result_success = continue-ok
}
passdb {
  driver = passwd-file
  args = $RUN/dovecot/locked
  deny = yes
  # Only those accounts are looked up here (no "unknown user" log line
  # for every other login).
  username_filter = ${locked# }
}
userdb {
  driver = passwd-file
  args = $RUN/dovecot/users
}

# Mail: sdbox under the run dir, owned by vmail.
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
first_valid_gid = $VMAIL_GID
mail_location = sdbox:~/mail
mail_attribute_dict = file:%h/dovecot-attributes
mailbox_list_index = yes
mail_plugins = \$mail_plugins quota
lda_mailbox_autocreate = yes
lda_mailbox_autosubscribe = yes
recipient_delimiter = +
submission_host = $HOST:$MX_PORT

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox INBOX {
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}

imap_metadata = yes
protocol imap {
  mail_plugins = \$mail_plugins imap_quota
  # Tests open many connections for the same user from the same address.
  mail_max_userip_connections = 1000
}
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}

plugin {
  quota = count:Quota
  quota_rule = *:storage=1G
  quota_vsizes = yes
  sieve = file:~/sieve;active=~/.dovecot.sieve
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
  # One process serving many clients: no fork per connection, and no
  # 100-connection ceiling for TLS sessions it proxies.
  service_count = 0
  process_min_avail = 1
  client_limit = 1000
}
service imap {
  process_limit = 1024
}
service managesieve-login {
  inet_listener sieve {
    port = $SIEVE_PORT
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  # Postfix's SASL (smtpd_sasl_type = dovecot).
  unix_listener auth-postfix {
    mode = 0666
  }
}
# No growing wait after failed logins from the same address (Dovecot's auth
# penalty, 2 s doubling up to 15 s): tests fail logins on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
EOF
}

dovecot_pid() {
  local pid
  pid=$(pid_from "$DOVECOT_BASE/master.pid")
  pid_alive "$pid" dovecot && echo "$pid"
  return 0
}

start_dovecot() {
  if [ -n "$(dovecot_pid)" ]; then
    log "dovecot already running"
    return 0
  fi
  mkdir -p "$RUN/dovecot/state" "$RUN/mail"
  chown vmail:vmail "$RUN/mail"
  chmod 750 "$RUN/mail"
  write_dovecot_users
  write_dovecot_conf
  TZ=$SERVER_TZ dovecot -c "$DOVECOT_CONF" </dev/null >>"$LOGS/dovecot.out" 2>&1 ||
    die "dovecot did not start: $(tail -n 5 "$LOGS/dovecot.out" "$LOGS/dovecot.log" 2>/dev/null)"
}

stop_dovecot() {
  local pid
  pid=$(dovecot_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid"
  log "dovecot stopped"
}

doveadm_() { doveadm -c "$DOVECOT_CONF" "$@"; }

# ------------------------------------------------------------ Postfix ------

write_postfix_conf() {
  # The queue must not be inside the config dir: "postfix check" wants
  # everything under the config dir owned by root.
  mkdir -p "$POSTFIX_CONF" "$POSTFIX_DIR/spool" "$POSTFIX_DIR/data"
  chown root:root "$POSTFIX_DIR" "$POSTFIX_CONF" "$POSTFIX_DIR/spool"
  chown postfix:postfix "$POSTFIX_DIR/data"
  local line id pass name addr quota state
  {
    for line in "${ACCOUNTS[@]}"; do
      IFS='|' read -r id pass name addr quota state <<<"$line"
      printf '%s OK\n' "$addr"
    done
  } | write_if_changed "$POSTFIX_DIR/recipients"
  write_if_changed "$POSTFIX_CONF/main.cf" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
compatibility_level = 3.6
queue_directory = $POSTFIX_DIR/spool
data_directory = $POSTFIX_DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = $DOMAIN
mydestination =
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
append_dot_mydomain = no
smtputf8_enable = no
maillog_file = $LOGS/postfix.log
maillog_file_prefixes = $LOGS
smtpd_banner = \$myhostname ESMTP (Facteur test server)
message_size_limit = $MESSAGE_SIZE_LIMIT
mailbox_size_limit = 0

# Only ac-demo.fr exists, delivered to Dovecot over LMTP. Nothing is ever
# relayed: mail for any other domain is accepted and dropped (logged).
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:no local delivery on the test server
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$POSTFIX_DIR/recipients
virtual_transport = lmtp:unix:$LMTP_SOCKET
default_transport = discard:outside mail is dropped by the test server
relay_transport = discard:outside mail is dropped by the test server
relayhost =

smtpd_tls_cert_file = $RUN/tls/server.pem
smtpd_tls_key_file = $RUN/tls/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DOVECOT_BASE/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
EOF
  # Nothing chrooted (column 5 is "n").
  write_if_changed "$POSTFIX_CONF/master.cf" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
# service type  private unpriv  chroot  wakeup  maxproc command + args
$HOST:$SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o milter_macro_daemon_name=ORIGINATING
$HOST:$MX_PORT inet n - n - - smtpd
  -o syslog_name=postfix/mx
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

postfix_pid() {
  local pid
  pid=$(pid_from "$POSTFIX_DIR/spool/pid/master.pid")
  pid_alive "$pid" master && echo "$pid"
  return 0
}

start_postfix() {
  if [ -n "$(postfix_pid)" ]; then
    log "postfix already running"
    return 0
  fi
  write_postfix_conf
  TZ=$SERVER_TZ postfix -c "$POSTFIX_CONF" start </dev/null >>"$LOGS/postfix.out" 2>&1 ||
    die "postfix did not start: $(tail -n 5 "$LOGS/postfix.out" "$LOGS/postfix.log" 2>/dev/null)"
}

stop_postfix() {
  local pid
  pid=$(postfix_pid)
  [ -n "$pid" ] || return 0
  postfix -c "$POSTFIX_CONF" stop </dev/null >>"$LOGS/postfix.out" 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid"
  log "postfix stopped"
}

# ----------------------------------------------------------- Radicale ------

write_radicale_conf() {
  local d=$RUN/radicale line id pass name addr quota state
  mkdir -p "$d/collections"
  write_if_changed "$d/config" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
[server]
hosts = $HOST:$DAV_PORT

[auth]
# htpasswd (bcrypt), plus: a login by address maps to the identifier.
type = facteur_radicale_auth
htpasswd_filename = $d/users
htpasswd_encryption = bcrypt
delay = 0

[rights]
# Re-read at every request: tests may append sharing rules.
type = from_file
file = $d/rights

[storage]
filesystem_folder = $d/collections

[web]
type = none

[logging]
level = info
mask_passwords = True
EOF
  write_if_changed "$d/facteur_radicale_auth.py" <<'EOF'
"""Radicale authentication for Facteur's test servers: htpasswd, where a
login by e-mail address (listed in `aliases` next to the htpasswd file) is
mapped to the account's identifier, as Dovecot does."""

import os

from radicale.auth import htpasswd


class Auth(htpasswd.Auth):
    def login(self, login, password):
        aliases = os.path.join(os.path.dirname(self._filename), "aliases")
        try:
            with open(aliases, encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == login.lower():
                        login = parts[1]
                        break
        except OSError:
            pass
        return super().login(login, password)
EOF
  # Radicale checks the password against every line: a low bcrypt cost keeps
  # a request fast. Written only when the accounts change (salts are random).
  local sig
  sig=$(printf '%s\n' "${ACCOUNTS[@]}" | sha256sum | cut -c1-64)
  if [ ! -s "$d/users" ] || [ "$(cat "$d/users.sig" 2>/dev/null)" != "$sig" ]; then
    : >"$d/users.tmp"
    : >"$d/aliases.tmp"
    for line in "${ACCOUNTS[@]}"; do
      IFS='|' read -r id pass name addr quota state <<<"$line"
      [ "$state" = active ] || continue
      htpasswd -bB -C 4 "$d/users.tmp" "$id" "$pass" 2>/dev/null
      printf '%s %s\n' "$addr" "$id" >>"$d/aliases.tmp"
    done
    mv -f "$d/users.tmp" "$d/users"
    mv -f "$d/aliases.tmp" "$d/aliases"
    echo "$sig" >"$d/users.sig"
  fi
  # Owner only (as Radicale's owner_only), then the secretariat's
  # calendar: mmartin's "agenda" is readable by every colleague and
  # writable by sdupont (a colleague's calendar, read-only or read-write
  # as the server's rights allow). First matching section wins.
  write_if_changed "$d/rights" <<'EOF'
# Radicale rights for the Facteur test servers, re-read at every request.
# Each user owns /<user>/.
[root]
user: .+
collection:
permissions: R

[principal]
user: .+
collection: {user}
permissions: RW

[own-collections]
user: .+
collection: {user}/[^/]+
permissions: rw

[secretariat-write]
user: sdupont
collection: mmartin/agenda
permissions: rw

[secretariat-read]
user: .+
collection: mmartin/agenda
permissions: r

[secretariat-home]
user: .+
collection: mmartin
permissions: R
EOF
  # A default calendar and address book per account, made on disk once.
  for line in "${ACCOUNTS[@]}"; do
    IFS='|' read -r id pass name addr quota state <<<"$line"
    [ "$state" = active ] || continue
    local root=$d/collections/collection-root/$id
    if [ ! -d "$root/agenda" ]; then
      mkdir -p "$root/agenda" "$root/contacts"
      printf '{"C:supported-calendar-component-set": "VEVENT,VTODO", "D:displayname": "Agenda", "ICAL:calendar-color": "#2a6fdb", "tag": "VCALENDAR"}' >"$root/agenda/.Radicale.props"
      printf '{"D:displayname": "Contacts", "tag": "VADDRESSBOOK"}' >"$root/contacts/.Radicale.props"
    fi
  done
  if getent passwd radicale >/dev/null; then
    chown -R radicale: "$d/collections"
    chgrp radicale "$d/users" "$d/aliases" "$d/rights" "$d/config" "$d/facteur_radicale_auth.py"
    chmod 640 "$d/users" "$d/aliases" "$d/rights" "$d/config" "$d/facteur_radicale_auth.py"
  fi
}

radicale_pid() {
  local pid
  pid=$(pid_from "$RUN/radicale/radicale.pid")
  pid_alive "$pid" 'python3|radicale|python3\.[0-9]+' && echo "$pid"
  return 0
}

start_radicale() {
  if [ -n "$(radicale_pid)" ]; then
    log "radicale already running"
    return 0
  fi
  write_radicale_conf
  local as_user=()
  if getent passwd radicale >/dev/null; then
    as_user=(setpriv --reuid=radicale --regid=radicale --init-groups)
  fi
  # setsid: not a child of the caller's terminal; the pid stays Radicale's
  # own (setsid does not fork when it is not a group leader).
  PYTHONPATH="$RUN/radicale" setsid "${as_user[@]}" "$PY" -m radicale \
    --config "$RUN/radicale/config" </dev/null >>"$LOGS/radicale.log" 2>&1 &
  echo $! >"$RUN/radicale/radicale.pid"
}

stop_radicale() {
  local pid
  pid=$(radicale_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid"
  rm -f "$RUN/radicale/radicale.pid"
  log "radicale stopped"
}

# -------------------------------------------------------------- Cyrus ------

# The second CalDAV server: Cyrus IMAP's httpd (Debian's cyrus-caldav), for
# what Radicale lacks: calendar sharing (DAV:share-resource / CalendarServer
# sharing), WebDAV ACL and scheduling (free/busy through the outbox). Only
# httpd listens (plus an LMTP socket, to create the users; no IMAP); all
# lives under $CYRUS_DIR, owned by cyrus. Logins: HTTP Basic with the
# identifier (SASL sasldb); calendar addresses are
# mailto:<identifier>@ac-demo.fr. URLs: /dav/principals/user/<id>/,
# /dav/calendars/user/<id>/Default/ (the first login makes it).
write_cyrus_conf() {
  local d=$CYRUS_DIR
  mkdir -p "$d/config/db" "$d/config/socket" "$d/spool" "$d/run/proc" "$d/run/lock" "$d/run/socket" "$d/sieve"
  write_if_changed "$d/imapd.conf" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
servername: $DOMAIN
configdirectory: $d/config
defaultpartition: default
partition-default: $d/spool
proc_path: $d/run/proc
mboxname_lockpath: $d/run/lock
lmtpsocket: $d/run/socket/lmtp
idlesocket: $d/run/socket/idle
notifysocket: $d/run/socket/notify
sievedir: $d/sieve
temp_path: $d/run
syslog_prefix: $INSTANCE-cyrus
admins: cyrus
altnamespace: yes
unixhierarchysep: yes
# No virtual domains: with them, a login by address would work, but
# Cyrus 3.6 then refuses (403) to file invitations in local attendees'
# calendars. Logins are by identifier only ("alice@..." gets a 401).
virtdomains: off
# The domain of the addresses Cyrus writes (sharees: mailto:bob@ac-demo.fr).
defaultdomain: $DOMAIN
hashimapspool: no
umask: 077

# Logins: HTTP Basic against a sasldb under the run dir.
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $d/sasldb2
sasl_mech_list: PLAIN
sasl_auto_transition: no

# Users and their default calendars are made at the first login.
autocreate_quota: 0
autocreate_post: yes
caldav_create_default: yes
caldav_create_sched: yes
caldav_create_attach: no
calendar_default_displayname: Agenda
calendar_user_address_set: $DOMAIN

httpmodules: caldav carddav freebusy
httpallowcompress: no
caldav_realm: Facteur
carddav_realm: Facteur
dav_realm: Facteur
# Scheduling: free/busy through the outbox, invitations between local
# users delivered by Cyrus itself. iMIP mail for other attendees goes to
# the test Postfix's MX: ac-demo.fr addresses reach Dovecot, the rest is
# dropped there (never a real MTA: Cyrus's default is /usr/lib/sendmail).
caldav_allowscheduling: on
smtp_backend: host
smtp_host: $HOST:$MX_PORT/noauth
EOF
  write_if_changed "$d/cyrus.conf" <<EOF
# Generated by tests/servers.sh at every start: edit the script, not this.
# master does not pass its -C on: every command names imapd.conf.
START {
  recover cmd="ctl_cyrusdb -C $d/imapd.conf -r"
}
SERVICES {
  http cmd="httpd -C $d/imapd.conf -U 100" listen="$HOST:$SHARING_DAV_PORT" prefork=1 maxchild=50
  # Only to create the users (autocreate_post): httpd needs an INBOX.
  lmtp cmd="lmtpd -C $d/imapd.conf -a" listen="$d/run/socket/lmtp" prefork=0 maxchild=4
}
EVENTS {
  checkpoint cmd="ctl_cyrusdb -C $d/imapd.conf -c" period=30
}
EOF
  # The passwords: written again only when the accounts change.
  local sig line id pass name addr quota state
  sig=$(printf '%s\n' "${ACCOUNTS[@]}" | sha256sum | cut -c1-64)
  if [ ! -s "$d/sasldb2" ] || [ "$(cat "$d/sasldb2.sig" 2>/dev/null)" != "$sig" ]; then
    rm -f "$d/sasldb2.tmp"
    for line in "${ACCOUNTS[@]}"; do
      IFS='|' read -r id pass name addr quota state <<<"$line"
      [ "$state" = active ] || continue
      printf '%s' "$pass" | saslpasswd2 -p -c -f "$d/sasldb2.tmp" -u "$DOMAIN" "$id"
    done
    # The admin (no calendar of its own), for cyradm-style maintenance.
    printf 'secret' | saslpasswd2 -p -c -f "$d/sasldb2.tmp" -u "$DOMAIN" cyrus
    mv -f "$d/sasldb2.tmp" "$d/sasldb2"
    echo "$sig" >"$d/sasldb2.sig"
  fi
  chown -R cyrus:mail "$d/config" "$d/spool" "$d/run" "$d/sieve"
  chown root:mail "$d/sasldb2"
  chmod 640 "$d/sasldb2"
  chmod 750 "$d/config" "$d/spool" "$d/run"
}

# Cyrus logs only through syslog. Where no syslog daemon listens (/dev/log
# absent, as in containers), a small listener owns /dev/log while Cyrus
# runs and appends every message to $LOGS/cyrus.log; it removes the socket
# when it stops. With a real syslog daemon, look in its logs (the lines
# start with $INSTANCE-cyrus).
cyrus_syslog_pid() {
  local pid
  pid=$(pid_from "$CYRUS_DIR/run/syslog.pid")
  pid_alive "$pid" 'python3|python3\.[0-9]+' && echo "$pid"
  return 0
}

start_cyrus_syslog() {
  [ -z "$(cyrus_syslog_pid)" ] || return 0
  if [ -e /dev/log ]; then
    # A live syslog (ours from another run dir, or the system's): use it.
    "$PY" -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).connect("/dev/log")' \
      2>/dev/null && return 0
    # A socket left by a listener that was killed: replace it.
    [ -S /dev/log ] || return 0
    rm -f /dev/log
  fi
  setsid "$PY" -c '
import os, signal, socket, sys
path, out = "/dev/log", sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
def bye(*_):
    try:
        os.unlink(path)
    finally:
        os._exit(0)
signal.signal(signal.SIGTERM, bye)
signal.signal(signal.SIGINT, bye)
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(65536).rstrip(b"\0\n")
        f.write(d.split(b">", 1)[-1] + b"\n")
' "$LOGS/cyrus.log" </dev/null >>"$LOGS/cyrus.log" 2>&1 &
  echo $! >"$CYRUS_DIR/run/syslog.pid"
  local i
  for i in $(seq 1 30); do [ -S /dev/log ] && return 0; sleep 0.05; done
}

stop_cyrus_syslog() {
  local pid
  pid=$(cyrus_syslog_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid"
  rm -f "$CYRUS_DIR/run/syslog.pid"
}

cyrus_pid() {
  local pid
  pid=$(pid_from "$CYRUS_DIR/run/master.pid")
  pid_alive "$pid" 'master|cyrus-master' && echo "$pid"
  return 0
}

start_cyrus() {
  if [ -n "$(cyrus_pid)" ]; then
    log "cyrus already running"
    return 0
  fi
  [ -x "$CYRUS_BIN/master" ] || die "cyrus-caldav is not installed: tests/install.sh"
  write_cyrus_conf
  start_cyrus_syslog
  # -d: master forks and detaches once its listeners are set up; -L: its
  # stdout and stderr (the rest goes to syslog).
  TZ=$SERVER_TZ "$CYRUS_BIN/master" -C "$CYRUS_DIR/imapd.conf" -M "$CYRUS_DIR/cyrus.conf" \
    -p "$CYRUS_DIR/run/master.pid" -d -L "$LOGS/cyrus.log" </dev/null >>"$LOGS/cyrus.log" 2>&1 ||
    die "cyrus did not start: $(tail -n 5 "$LOGS/cyrus.log" 2>/dev/null)"
}

# Creates the Cyrus users that do not exist yet: one LMTP delivery each
# makes the INBOX (autocreate_post), then a first HTTP login makes the
# calendar home, the Default calendar and the scheduling inbox/outbox.
# The account's address joins calendar-user-address-set (an ORGANIZER
# sophie.dupont@ is then "you" for sdupont), and Default gets a colour.
# Cyrus resolves other people's addresses by local part only: free/busy
# and sharing reach mailto:<identifier>@ac-demo.fr, not the aliases.
provision_cyrus() {
  local d=$CYRUS_DIR line id pass name addr quota state todo=()
  for line in "${ACCOUNTS[@]}"; do
    IFS='|' read -r id pass name addr quota state <<<"$line"
    [ "$state" = active ] || continue
    grep -qxF "$id" "$d/provisioned" 2>/dev/null || todo+=("$id|$pass|$name|$addr")
  done
  [ ${#todo[@]} -gt 0 ] || return 0
  SOCKET=$d/run/socket/lmtp URL="http://$HOST:$SHARING_DAV_PORT" DOMAIN=$DOMAIN \
    "$PY" - "${todo[@]}" <<'PYEOF' >>"$d/provisioned" || die "cyrus: could not create the users (see $LOGS/cyrus.log)"
import base64, os, smtplib, sys, urllib.request
users = [a.split("|", 3) for a in sys.argv[1:]]
lmtp = smtplib.LMTP(os.environ["SOCKET"])
for uid, _, name, addr in users:
    msg = (f"From: postmaster@{os.environ['DOMAIN']}\r\nTo: {addr}\r\n"
           f"Subject: Compte cree\r\n\r\nCalendar account of {uid}.\r\n")
    lmtp.sendmail(f"postmaster@{os.environ['DOMAIN']}", [uid], msg.encode())
lmtp.quit()
def dav(method, path, auth, body=None, depth=None):
    headers = {"Authorization": "Basic " + auth, "Content-Type": "application/xml; charset=utf-8"}
    if depth is not None:
        headers["Depth"] = depth
    req = urllib.request.Request(os.environ["URL"] + path, data=body and body.encode(),
                                 method=method, headers=headers)
    urllib.request.urlopen(req, timeout=10).read()
for uid, pw, _, addr in users:
    auth = base64.b64encode(f"{uid}:{pw}".encode()).decode()
    home = f"/dav/calendars/user/{uid}/"
    dav("PROPFIND", home, auth, depth="0")
    own = f"{uid}@{os.environ['DOMAIN']}"
    hrefs = "".join(f"<D:href>mailto:{a}</D:href>" for a in dict.fromkeys([addr, own]))
    dav("PROPPATCH", home, auth,
        '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-user-address-set>'
        + hrefs + '</C:calendar-user-address-set></D:prop></D:set></D:propertyupdate>')
    dav("PROPPATCH", home + "Default/", auth,
        '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" '
        'xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><A:calendar-color>#2a6fdb</A:calendar-color>'
        '</D:prop></D:set></D:propertyupdate>')
    print(uid)
PYEOF
}

stop_cyrus() {
  local pid
  pid=$(cyrus_pid)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid"
  rm -f "$CYRUS_DIR/run/master.pid"
  stop_cyrus_syslog
  log "cyrus stopped"
}

# --------------------------------------------------------- subcommands -----

write_env() {
  write_if_changed "$RUN/env" <<EOF
# Generated by tests/servers.sh start: source it to reach the test servers.
export FACTEUR_RUN_DIR=$RUN
export FACTEUR_IMAP_URL=imap://$HOST:$IMAP_PORT
export FACTEUR_IMAPS_URL=imaps://$HOST:$IMAPS_PORT
export FACTEUR_SMTP_URL=smtp://$HOST:$SUBMISSION_PORT
export FACTEUR_MX_URL=smtp://$HOST:$MX_PORT
export FACTEUR_CALDAV_URL=http://$HOST:$DAV_PORT
export FACTEUR_SHARING_CALDAV_URL=http://$HOST:$SHARING_DAV_PORT/dav/
export FACTEUR_SIEVE_URL=sieve://$HOST:$SIEVE_PORT
export FACTEUR_CA_FILE=$RUN/ca.pem
export FACTEUR_LMTP_SOCKET=$LMTP_SOCKET
export FACTEUR_DOVECOT_CONF=$DOVECOT_CONF
export FACTEUR_TEST_DOMAIN=$DOMAIN
EOF
}

check_ports_free() {
  local port
  for port in "$@"; do
    if port_open "$port"; then
      die "port $port is taken by another program: stop it, or stop an older run dir's servers"
    fi
  done
}

cmd_start() {
  need_root
  local t0=$EPOCHREALTIME
  mkdir -p "$RUN" "$LOGS" "$RUN/dovecot"
  chmod a+rx "$RUN"
  ensure_vmail
  # Mail processes run as vmail, Postfix's as postfix: both must reach the
  # run dir (not the case under /root, for instance).
  setpriv --reuid=vmail --regid=vmail --clear-groups test -x "$RUN" ||
    die "user vmail cannot enter $RUN: choose a run dir under /tmp or another world-searchable place"
  make_tls
  [ -n "$(dovecot_pid)" ] || check_ports_free $IMAP_PORT $IMAPS_PORT $SIEVE_PORT
  [ -n "$(postfix_pid)" ] || check_ports_free $SUBMISSION_PORT $MX_PORT
  [ -n "$(radicale_pid)" ] || check_ports_free $DAV_PORT
  [ -n "$(cyrus_pid)" ] || check_ports_free $SHARING_DAV_PORT
  start_dovecot
  start_postfix
  start_radicale
  start_cyrus
  wait_port $IMAP_PORT dovecot
  wait_port $IMAPS_PORT dovecot
  wait_port $SIEVE_PORT dovecot
  for _ in $(seq 1 50); do [ -S "$LMTP_SOCKET" ] && break; sleep 0.1; done
  wait_port $SUBMISSION_PORT postfix
  wait_port $MX_PORT postfix
  wait_port $DAV_PORT radicale
  wait_port $SHARING_DAV_PORT cyrus
  provision_cyrus
  write_env
  log "running (run dir $RUN, ready in $(elapsed "$t0") s)"
  cat <<EOF
  IMAP        imap://$HOST:$IMAP_PORT (STARTTLS), imaps://$HOST:$IMAPS_PORT
  submission  smtp://$HOST:$SUBMISSION_PORT (STARTTLS required, SASL PLAIN/LOGIN)
  MX (no auth, local domain only)  smtp://$HOST:$MX_PORT
  ManageSieve sieve://$HOST:$SIEVE_PORT (STARTTLS)
  CalDAV/CardDAV  http://$HOST:$DAV_PORT
  CalDAV with sharing, scheduling (Cyrus)  http://$HOST:$SHARING_DAV_PORT/dav/ (identifiers only)
  LMTP        $LMTP_SOCKET
  CA          $RUN/ca.pem
  logs        $LOGS/
  accounts    sdupont, mmartin (demo); alice, bob, bench, full (secret);
              disabled, expired (secret, refused) — @$DOMAIN addresses work too
  env         source $RUN/env
EOF
}

cmd_stop() {
  need_root
  # Side by side: each takes 1 to 3 s to wind down.
  stop_radicale &
  stop_cyrus &
  stop_postfix &
  stop_dovecot &
  wait
}

cmd_status() {
  local pid rc=0
  pid=$(dovecot_pid)
  if [ -n "$pid" ]; then echo "dovecot   running (pid $pid) imap $IMAP_PORT, imaps $IMAPS_PORT, sieve $SIEVE_PORT"; else echo "dovecot   stopped"; rc=3; fi
  pid=$(postfix_pid)
  if [ -n "$pid" ]; then echo "postfix   running (pid $pid) submission $SUBMISSION_PORT, mx $MX_PORT"; else echo "postfix   stopped"; rc=3; fi
  pid=$(radicale_pid)
  if [ -n "$pid" ]; then echo "radicale  running (pid $pid) http $DAV_PORT"; else echo "radicale  stopped"; rc=3; fi
  pid=$(cyrus_pid)
  if [ -n "$pid" ]; then echo "cyrus     running (pid $pid) http $SHARING_DAV_PORT (CalDAV with sharing)"; else echo "cyrus     stopped"; rc=3; fi
  echo "run dir   $RUN"
  return $rc
}

need_dovecot() {
  [ -n "$(dovecot_pid)" ] || die "dovecot is not running: tests/servers.sh start"
}

password_of() {
  local want=$1 line id pass rest
  for line in "${ACCOUNTS[@]}"; do
    IFS='|' read -r id pass rest <<<"$line"
    [ "$id" = "$want" ] && { echo "$pass"; return 0; }
  done
  die "no such account: $want"
}

# Empties every folder of $1 and deletes the folders that are not the
# special-use set, through doveadm (safe while Dovecot serves the user).
reset_user() {
  local user=$1 box
  password_of "$user" >/dev/null
  doveadm_ expunge -u "$user" mailbox '*' all
  # Deepest first, so that children go before their parents.
  doveadm_ mailbox list -u "$user" |
    awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2- |
    while IFS= read -r box; do
      case "$box" in INBOX | Drafts | Sent | Trash | Junk | Archive) continue ;; esac
      doveadm_ mailbox delete -u "$user" -s "$box" 2>/dev/null ||
        doveadm_ mailbox delete -u "$user" "$box" 2>/dev/null || true
    done
  # Subscriptions left for folders that no longer exist.
  doveadm_ mailbox list -u "$user" -s 2>/dev/null | while IFS= read -r box; do
    case "$box" in INBOX | Drafts | Sent | Trash | Junk | Archive) continue ;; esac
    doveadm_ mailbox unsubscribe -u "$user" "$box" 2>/dev/null || true
  done
}

gen() {
  "$PY" "$here/mail/gen.py" --host "$HOST" --port "$IMAP_PORT" --ca "$RUN/ca.pem" "$@"
}

cmd_reset() {
  need_root
  [ $# -eq 1 ] || die "usage: servers.sh reset USER"
  need_dovecot
  reset_user "$1"
  log "$1: folders emptied, user folders deleted"
}

cmd_fill() {
  need_root
  [ $# -eq 2 ] || die "usage: servers.sh fill USER N"
  need_dovecot
  local user=$1 n=$2 pass t0
  [[ "$n" =~ ^[0-9]+$ ]] || die "N must be a number"
  pass=$(password_of "$user")
  t0=$EPOCHREALTIME
  doveadm_ expunge -u "$user" mailbox INBOX all
  gen fill --user "$user" --password "$pass" --count "$n"
  log "$user: $n messages in INBOX in $(elapsed "$t0") s"
}

cmd_demo_mail() {
  need_root
  need_dovecot
  local user
  for user in sdupont mmartin; do
    reset_user "$user"
    gen demo --user "$user" --password "$(password_of "$user")"
  done
  demo_contacts sdupont
  demo_calendar
}

# demo_calendar: this week's and the coming weeks' events in sdupont's
# calendar (a weekly team meeting, a staff council, the parents' evening
# with mmartin invited, the holidays) and the secretariat's office hours in
# mmartin's calendar, which every colleague may read (Radicale's rights).
demo_calendar() {
  URL="http://$HOST:$DAV_PORT" SD=$(password_of sdupont) MM=$(password_of mmartin) "$PY" - <<'PYEOF'
import base64, datetime, os, urllib.request
url = os.environ["URL"]
today = datetime.date.today()
monday = today - datetime.timedelta(days=today.weekday())
def day(n):
    return (monday + datetime.timedelta(days=n)).strftime("%Y%m%d")
def put(user, password, cal, uid, lines):
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Facteur//demo//FR\r\nBEGIN:VEVENT\r\n"
           f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n" + "".join(l + "\r\n" for l in lines)
           + "END:VEVENT\r\nEND:VCALENDAR\r\n")
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    req = urllib.request.Request(f"{url}/{user}/{cal}/{uid}.ics", data=ics.encode(), method="PUT",
        headers={"Authorization": f"Basic {auth}", "Content-Type": "text/calendar; charset=utf-8"})
    urllib.request.urlopen(req, timeout=10).read()
sd, mm = os.environ["SD"], os.environ["MM"]
put("sdupont", sd, "agenda", "demo-equipe", ["SUMMARY:Réunion d'équipe", "LOCATION:Salle des professeurs",
    f"DTSTART;TZID=Europe/Paris:{day(-14)}T173000", f"DTEND;TZID=Europe/Paris:{day(-14)}T183000",
    "RRULE:FREQ=WEEKLY;BYDAY=TU", "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Réunion", "TRIGGER:-PT15M", "END:VALARM"])
put("sdupont", sd, "agenda", "demo-conseil", ["SUMMARY:Conseil de classe 3e A", "LOCATION:Salle 12",
    f"DTSTART;TZID=Europe/Paris:{day(3)}T170000", f"DTEND;TZID=Europe/Paris:{day(3)}T183000"])
put("sdupont", sd, "agenda", "demo-parents", ["SUMMARY:Réunion parents-professeurs", "LOCATION:Gymnase",
    f"DTSTART;TZID=Europe/Paris:{day(8)}T180000", f"DTEND;TZID=Europe/Paris:{day(8)}T200000",
    "ORGANIZER;CN=Sophie Dupont:mailto:sophie.dupont@ac-demo.fr",
    "ATTENDEE;CN=Sophie Dupont;PARTSTAT=ACCEPTED:mailto:sophie.dupont@ac-demo.fr",
    "ATTENDEE;CN=Marc Martin;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:marc.martin@ac-demo.fr"])
put("sdupont", sd, "agenda", "demo-vacances", ["SUMMARY:Vacances scolaires",
    f"DTSTART;VALUE=DATE:{day(19)}", f"DTEND;VALUE=DATE:{day(33)}"])
put("mmartin", mm, "agenda", "demo-permanence", ["SUMMARY:Permanence du secrétariat", "LOCATION:Bureau 1",
    f"DTSTART;TZID=Europe/Paris:{day(-7)}T080000", f"DTEND;TZID=Europe/Paris:{day(-7)}T120000",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR"])
PYEOF
  log "sdupont, mmartin: demo events in the calendars"
}

# demo_contacts USER: a few colleagues in USER's address book (CardDAV PUT,
# each card replaced if it is there).
demo_contacts() {
  local user=$1
  USER_ID=$user PASS=$(password_of "$user") URL="http://$HOST:$DAV_PORT" "$PY" - <<'PYEOF'
import base64, os, urllib.request
user, url = os.environ["USER_ID"], os.environ["URL"]
auth = base64.b64encode(f"{user}:{os.environ['PASS']}".encode()).decode()
people = [
    ("demo-mmartin", "Martin;Marc", "Marc Martin", "mmartin@ac-demo.fr", "Collège Jean Moulin", "Professeur d'histoire-géographie"),
    ("demo-secretariat", "Secrétariat;", "Secrétariat Collège Jean Moulin", "ce.0750001x@ac-demo.fr", "Collège Jean Moulin", ""),
    ("demo-dpe", "DPE;", "Rectorat – Division des personnels enseignants", "dpe@ac-demo.fr", "Rectorat", ""),
    ("demo-lefevre", "Lefèvre;Hélène", "Hélène Lefèvre", "helene.lefevre@ac-demo.fr", "Collège Jean Moulin", "Principale adjointe"),
    ("demo-garnier", "Garnier;Bob", "Bob Garnier", "bob@ac-demo.fr", "Lycée Victor Hugo", "CPE"),
]
for uid, n, fn, email, org, title in people:
    card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nN:{n};;;\r\nFN:{fn}\r\n"
            f"EMAIL;TYPE=work:{email}\r\nORG:{org}\r\n"
            + (f"TITLE:{title}\r\n" if title else "") + "END:VCARD\r\n")
    req = urllib.request.Request(f"{url}/{user}/contacts/{uid}.vcf", data=card.encode(), method="PUT",
        headers={"Authorization": f"Basic {auth}", "Content-Type": "text/vcard; charset=utf-8"})
    urllib.request.urlopen(req, timeout=10).read()
PYEOF
  log "$user: demo contacts in the address book"
}

cmd_check() {
  need_dovecot
  FACTEUR_RUN_DIR=$RUN "$PY" "$here/mail/check.py"
  check_cyrus
}

# Cyrus: alice's principal, calendars, and free/busy of bob through her
# outbox.
check_cyrus() {
  URL="http://$HOST:$SHARING_DAV_PORT" DOMAIN=$DOMAIN "$PY" - <<'PYEOF'
import base64, os, sys, urllib.request
url, dom = os.environ["URL"], os.environ["DOMAIN"]
fails = 0
def req(method, path, body=b"", ctype="application/xml; charset=utf-8", depth="0", login="alice:secret"):
    h = {"Authorization": "Basic " + base64.b64encode(login.encode()).decode(), "Content-Type": ctype, "Depth": depth}
    r = urllib.request.Request(url + path, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(r, timeout=10) as a:
            return a.status, a.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
def check(name, ok, detail=""):
    global fails
    print(("ok  " if ok else "FAIL"), name, ("— " + detail) if detail else "")
    fails += not ok
s, t = req("PROPFIND", "/dav/", b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>')
check("Cyrus PROPFIND current-user-principal as alice", s == 207 and "/dav/principals/user/alice/" in t, str(s))
s, t = req("PROPFIND", "/dav/calendars/user/alice/", b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>', depth="1")
check("Cyrus: alice has her Default calendar", s == 207 and "/dav/calendars/user/alice/Default/" in t, str(s))
s, _ = req("PROPFIND", "/dav/calendars/user/alice/", login="alice:wrong")
check("Cyrus refuses a wrong password", s == 401, str(s))
fb = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Facteur//check//FR\r\nMETHOD:REQUEST\r\n"
      "BEGIN:VFREEBUSY\r\nUID:check-fb\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T000000Z\r\n"
      f"DTEND:20260102T000000Z\r\nORGANIZER:mailto:alice@{dom}\r\nATTENDEE:mailto:bob@{dom}\r\n"
      "END:VFREEBUSY\r\nEND:VCALENDAR\r\n")
s, t = req("POST", "/dav/calendars/user/alice/Outbox/", fb.encode(), ctype="text/calendar; charset=utf-8")
check("Cyrus free/busy of bob through alice's outbox", s == 200 and "2.0;Success" in t and "VFREEBUSY" in t, str(s))
sys.exit(1 if fails else 0)
PYEOF
}

case "${1:-}" in
  check) shift; cmd_check "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart) shift; cmd_stop && cmd_start "$@" ;;
  status) shift; cmd_status "$@" ;;
  demo-mail) shift; cmd_demo_mail "$@" ;;
  fill) shift; cmd_fill "$@" ;;
  reset) shift; cmd_reset "$@" ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    [ -n "${1:-}" ] && exit 2
    exit 0
    ;;
esac
