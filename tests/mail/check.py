#!/usr/bin/python3
"""Smoke test of Facteur's test servers (tests/servers.sh check).

Logs in over IMAP STARTTLS and IMAPS with the test CA, checks the
capabilities Facteur relies on, SPECIAL-USE, QUOTA, SORT, METADATA and the
locked-account answers; submits a message from alice to bob on the
submission port; files one through a Sieve script uploaded with
ManageSieve; delivers one over LMTP; asks Radicale for alice's principal.
It cleans up after itself (bob's INBOX keeps nothing it added). Standard
library only.
"""

import base64
import http.client
import imaplib
import os
import smtplib
import socket
import ssl
import sys
import time
import uuid

RUN = os.environ.get("FACTEUR_RUN_DIR", "/tmp/facteur-run")


def read_env(path):
    """The export lines of $RUN/env, which servers.sh start writes."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("export ") and "=" in line:
                key, value = line[7:].strip().split("=", 1)
                env[key] = value
    return env


ENV = read_env(os.path.join(RUN, "env"))
HOST = "127.0.0.1"


def port(key):
    return int(ENV[key].rsplit(":", 1)[1])


IMAP, IMAPS, SMTP, SIEVE, DAV = (port(k) for k in ("FACTEUR_IMAP_URL", "FACTEUR_IMAPS_URL", "FACTEUR_SMTP_URL",
                                                    "FACTEUR_SIEVE_URL", "FACTEUR_CALDAV_URL"))
CA = ENV["FACTEUR_CA_FILE"]
CTX = ssl.create_default_context(cafile=CA)
for name in ("SETMETADATA", "GETMETADATA", "GETQUOTAROOT"):
    imaplib.Commands.setdefault(name, ("AUTH", "SELECTED"))

failures = []


def check(what, ok, detail=""):
    print("%s %s%s" % ("ok  " if ok else "FAIL", what, (" — " + detail) if detail else ""))
    if not ok:
        failures.append(what)


def imap(user, password):
    m = imaplib.IMAP4(HOST, IMAP)
    m.starttls(ssl_context=CTX)
    m.login(user, password)
    return m


def raw_login(user, password):
    """The tagged answer to LOGIN, verbatim."""
    m = imaplib.IMAP4(HOST, IMAP)
    m.starttls(ssl_context=CTX)
    tag = m._new_tag()
    m.send(b"%s LOGIN \"%s\" \"%s\"\r\n" % (tag, user.encode(), password.encode()))
    while True:
        line = m.readline()
        if line.startswith(tag + b" "):
            m.shutdown()
            return line[len(tag) + 1:].decode().strip()


def wait_for(m, mailbox, subject, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        m.select(mailbox)
        typ, data = m.uid("SEARCH", "CHARSET", "UTF-8", "HEADER", "Subject", subject)
        if typ == "OK" and data[0]:
            return data[0].split()
        time.sleep(0.2)
    return []


def main():
    # IMAP, capabilities after login.
    m = imap("alice", "secret")
    typ, data = m.capability()
    caps = data[0].decode().split()
    wanted = ["IMAP4rev1", "IDLE", "SORT", "CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "SPECIAL-USE",
              "QUOTA", "METADATA", "LIST-STATUS", "ESEARCH", "PREVIEW", "MULTIAPPEND", "LITERAL+"]
    check("IMAP STARTTLS login, CA verified; capabilities", all(c in caps for c in wanted), " ".join(caps))
    typ, data = m.list('""', "*")
    lines = [d.decode() for d in data]
    for box, attr in [("Drafts", "\\Drafts"), ("Sent", "\\Sent"), ("Trash", "\\Trash"), ("Junk", "\\Junk"),
                      ("Archive", "\\Archive")]:
        check("LIST %s has %s" % (box, attr), any(l.endswith(" " + box) and attr in l for l in lines))
    typ, data = m._simple_command("GETQUOTAROOT", "INBOX")
    quota = m.untagged_responses.pop("QUOTA", [b""])[0].decode()
    m.untagged_responses.pop("QUOTAROOT", None)
    check("GETQUOTAROOT INBOX", typ == "OK" and "STORAGE" in quota and "1048576" in quota, quota)
    m.select("INBOX")
    typ, data = m.uid("SORT", "(REVERSE ARRIVAL)", "UTF-8", "ALL")
    check("SORT", typ == "OK")
    value = '{"lang":"fr","check":"%s"}' % uuid.uuid4().hex[:8]
    typ, _ = m._simple_command("SETMETADATA", '""', '(/private/vendor/facteur/settings "%s")' % value.replace('"', '\\"'))
    typ2, _ = m._simple_command("GETMETADATA", '""', "/private/vendor/facteur/settings")
    got = b" ".join(x if isinstance(x, bytes) else b" ".join(x) for x in m.untagged_responses.pop("METADATA", []))
    check("SETMETADATA/GETMETADATA", typ == "OK" and typ2 == "OK" and value.encode() in got, got.decode(errors="replace"))
    m.logout()

    m = imap("alice@ac-demo.fr", "secret")
    check("login with the full address", True)
    m.logout()
    s = imaplib.IMAP4_SSL(HOST, IMAPS, ssl_context=CTX)
    s.login("bob", "secret")
    s.logout()
    check("IMAPS login", True)

    for user, expect in [("alice", "[AUTHENTICATIONFAILED]"), ("disabled", "[CONTACTADMIN]"),
                         ("expired", "[EXPIRED]")]:
        answer = raw_login(user, "wrong" if user == "alice" else "secret")
        check("LOGIN %s refused with %s" % (user, expect), answer.startswith("NO " + expect), answer)

    # Quota of the "full" account (100 KB).
    f = imap("full", "secret")
    big = b"From: t@ac-demo.fr\r\nSubject: big\r\n\r\n" + (b"x" * 76 + b"\r\n") * 2000
    try:
        typ, data = f.append("INBOX", None, None, big)
        answer = "%s %s" % (typ, data[0].decode())
    except imaplib.IMAP4.error as e:
        answer = str(e)
    check("APPEND over quota refused", "OVERQUOTA" in answer, answer)
    f.logout()

    # Submission: alice -> bob.
    subject = "Contrôle soumission %s" % uuid.uuid4().hex[:8]
    smtp = smtplib.SMTP(HOST, SMTP, timeout=10)
    smtp.ehlo("check.local")
    check("submission offers STARTTLS, not AUTH before it",
          smtp.has_extn("starttls") and not smtp.has_extn("auth"))
    smtp.starttls(context=CTX)
    smtp.ehlo("check.local")
    check("submission AUTH after STARTTLS", "PLAIN" in smtp.esmtp_features.get("auth", ""),
          smtp.esmtp_features.get("auth", ""))
    smtp.login("alice", "secret")
    msg = ("From: Alice <alice@ac-demo.fr>\r\nTo: Bob <bob@ac-demo.fr>\r\nSubject: =?UTF-8?Q?%s?=\r\n"
           "Message-ID: <%s@ac-demo.fr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Bonjour Bob.\r\n") % (subject.replace(" ", "_").replace("ô", "=C3=B4"), uuid.uuid4().hex)
    refused = smtp.sendmail("alice@ac-demo.fr", ["bob@ac-demo.fr"], msg.encode())
    check("submission accepts alice -> bob", not refused)
    try:
        smtp.sendmail("alice@ac-demo.fr", ["nobody@ac-demo.fr"], msg.encode())
        check("submission refuses an unknown local recipient", False)
    except smtplib.SMTPRecipientsRefused as e:
        check("submission refuses an unknown local recipient", True, str(list(e.recipients.values())[0]))
    smtp.quit()
    b = imap("bob", "secret")
    uids = wait_for(b, "INBOX", subject.split()[-1])
    check("the message reached bob's INBOX (LMTP)", len(uids) == 1)
    if uids:
        b.uid("STORE", b",".join(uids), "+FLAGS.SILENT", "(\\Deleted)")
        b.expunge()

    # ManageSieve: upload a filing rule for bob, deliver over LMTP.
    sieve = socket.create_connection((HOST, SIEVE), timeout=10)
    rf = sieve.makefile("rb")

    def sieve_response():
        lines = []
        while True:
            line = rf.readline()
            if not line:
                raise OSError("ManageSieve closed the connection")
            lines.append(line.decode().rstrip())
            if line.startswith((b"OK", b"NO", b"BYE")):
                return lines

    greeting = sieve_response()
    check("ManageSieve greeting offers STARTTLS", '"STARTTLS"' in greeting, " | ".join(greeting))
    sieve.sendall(b"STARTTLS\r\n")
    sieve_response()
    sieve = CTX.wrap_socket(sieve, server_hostname=HOST)
    rf = sieve.makefile("rb")
    caps = sieve_response()
    check("ManageSieve capabilities after STARTTLS", any(l.startswith('"SIEVE"') for l in caps),
          [l for l in caps if l.startswith(('"SIEVE"', '"SASL"'))].__repr__())
    token = base64.b64encode(b"\0bob\0secret").decode()
    sieve.sendall(('AUTHENTICATE "PLAIN" "%s"\r\n' % token).encode())
    check("ManageSieve AUTHENTICATE PLAIN", sieve_response()[-1].startswith("OK"))
    script = ('require ["fileinto"];\r\nif header :contains "subject" "[sieve-check]" {\r\n'
              '  fileinto "Filtered";\r\n}\r\n').encode()
    sieve.sendall(b'PUTSCRIPT "check" {%d+}\r\n' % len(script) + script + b"\r\n")
    ok1 = sieve_response()[-1].startswith("OK")
    sieve.sendall(b'SETACTIVE "check"\r\n')
    ok2 = sieve_response()[-1].startswith("OK")
    check("ManageSieve PUTSCRIPT + SETACTIVE", ok1 and ok2)

    lmtp = smtplib.LMTP(ENV["FACTEUR_LMTP_SOCKET"])
    tag = uuid.uuid4().hex[:8]
    lmtp.sendmail("someone@example.org", ["bob@ac-demo.fr"],
                  ("From: someone@example.org\r\nTo: bob@ac-demo.fr\r\nSubject: [sieve-check] %s\r\n\r\nfiltre\r\n" % tag).encode())
    lmtp.quit()
    uids = wait_for(b, "Filtered", tag)
    check("LMTP delivery, Sieve fileinto into a new folder", len(uids) == 1)
    sieve.sendall(b'SETACTIVE ""\r\n')
    sieve_response()
    sieve.sendall(b'DELETESCRIPT "check"\r\n')
    sieve_response()
    sieve.sendall(b"LOGOUT\r\n")
    sieve.close()
    b.select("INBOX")
    b.delete("Filtered")
    b.logout()

    # Radicale.
    for login in ("alice", "alice@ac-demo.fr"):
        conn = http.client.HTTPConnection(HOST, DAV, timeout=10)
        body = ('<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>')
        auth = base64.b64encode(("%s:secret" % login).encode()).decode()
        conn.request("PROPFIND", "/", body, {"Depth": "0", "Authorization": "Basic " + auth,
                                            "Content-Type": "application/xml"})
        r = conn.getresponse()
        text = r.read().decode()
        check("Radicale PROPFIND as %s" % login, r.status == 207 and "/alice/" in text, "%d" % r.status)
    conn = http.client.HTTPConnection(HOST, DAV, timeout=10)
    conn.request("PROPFIND", "/alice/", body, {"Depth": "1", "Authorization": "Basic " + auth})
    r = conn.getresponse()
    text = r.read().decode()
    check("Radicale: alice has a calendar and an address book", "/alice/agenda/" in text and "/alice/contacts/" in text)
    conn = http.client.HTTPConnection(HOST, DAV, timeout=10)
    conn.request("PROPFIND", "/", body, {"Depth": "0"})
    r = conn.getresponse()
    r.read()
    check("Radicale refuses anonymous requests", r.status == 401, "%d" % r.status)

    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
