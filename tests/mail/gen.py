#!/usr/bin/python3
"""Realistic French education-authority mail for Facteur's test servers.

Builds messages (plain, HTML, alternatives, attachments, mailing-list
threads, invitations) and APPENDs them over IMAP with STARTTLS, each with
an INTERNALDATE equal to its Date header. Standard library only; run with
Debian's /usr/bin/python3. tests/servers.sh calls it:

  gen.py [--host H --port P --ca CA] demo --user sdupont --password demo
  gen.py [--host H --port P --ca CA] fill --user bench --password secret --count 10000
  gen.py eml --out DIR [--count N | --demo USER]    (files only, no server)

Content is drawn from a seeded generator: the same seed gives the same
messages (dates are relative to today).
"""

import argparse
import base64
import binascii
import datetime as dt
import html
import io
import os
import random
import socket
import ssl
import struct
import sys
import time
import unicodedata
import zipfile
import zlib
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
DOMAIN = "ac-demo.fr"
CRLF = "\r\n"

# --------------------------------------------------------------------------
# MIME writing
# --------------------------------------------------------------------------

_Q_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def _q_word(data, charset):
    out = []
    for byte in data:
        if byte == 0x20:
            out.append("_")
        elif byte in _Q_SAFE:
            out.append(chr(byte))
        else:
            out.append("=%02X" % byte)
    return "=?%s?Q?%s?=" % (charset, "".join(out))


def encode_words(text, style="Q", charset="UTF-8"):
    """RFC 2047 encoded words for a header value, each at most 75 chars,
    never splitting a character (nor a word if it can), joined by folding
    whitespace."""
    if text.isascii():
        return text
    codec = "utf-8" if charset.upper() == "UTF-8" else charset
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        charset, codec = "UTF-8", "utf-8"
    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        data = trial.encode(codec)
        if style == "B":
            length = len(charset) + 7 + 4 * ((len(data) + 2) // 3)
        else:
            length = len(_q_word(data, charset))
        if length > 75 and chunk:
            # Break between words when possible: the next encoded word
            # starts with the space (as Thunderbird does).
            cut = chunk.rfind(" ")
            if cut > 0:
                words.append(chunk[:cut])
                chunk = chunk[cut:] + ch
            else:
                words.append(chunk)
                chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    encoded = []
    for w in words:
        data = w.encode(codec)
        if style == "B":
            encoded.append("=?%s?B?%s?=" % (charset, base64.b64encode(data).decode()))
        else:
            encoded.append(_q_word(data, charset))
    return (CRLF + " ").join(encoded)


def fold(name, value):
    """A header line, folded at spaces to stay near 78 columns."""
    line = "%s: %s" % (name, value)
    if len(line) <= 78 or "\r\n" in value:
        return line
    out, current = [], ""
    for token in line.split(" "):
        if current and len(current) + 1 + len(token) > 78:
            out.append(current)
            current = " " + token
        else:
            current = token if not current else current + " " + token
    out.append(current)
    return CRLF.join(out)


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fmt_addr(name, addr, style="Q"):
    if not name:
        return addr
    if not name.isascii():
        return "%s <%s>" % (encode_words(name, style), addr)
    if any(c in name for c in ',.;:@()<>[]"\\\''):
        return '"%s" <%s>' % (name.replace("\\", "\\\\").replace('"', '\\"'), addr)
    return "%s <%s>" % (name, addr)


def rfc2231(name, value):
    """A MIME parameter; non-ASCII values in RFC 2231 form."""
    if value.isascii() and all(c not in value for c in '"\\'):
        return '%s="%s"' % (name, value)
    quoted = "".join(
        chr(b) if (chr(b).isalnum() and b < 128) or chr(b) in "-._~" else "%%%02X" % b
        for b in value.encode("utf-8")
    )
    return "%s*=UTF-8''%s" % (name, quoted)


class Part:
    """A MIME entity: a leaf with an encoded body, or a multipart."""

    def __init__(self, ctype, body=b"", params=None, cte=None, disposition=None,
                 filename=None, cid=None, children=None, name_2047=False):
        self.ctype = ctype
        self.body = body
        self.params = params or []
        self.cte = cte
        self.disposition = disposition
        self.filename = filename
        self.cid = cid
        self.children = children
        self.name_2047 = name_2047

    def render(self, rng):
        lines = []
        params = list(self.params)
        if self.filename is not None:
            if self.name_2047 and not self.filename.isascii():
                params.append('name="%s"' % encode_words(self.filename, "Q").replace(CRLF + " ", " "))
            else:
                params.append(rfc2231("name", self.filename))
        boundary = None
        if self.children is not None:
            boundary = "----=_Part_%d_%08x.%d" % (rng.randrange(1000, 99999), rng.getrandbits(32), rng.randrange(10**12, 10**13))
            params.append('boundary="%s"' % boundary)
        ctype = self.ctype + "".join(";" + CRLF + "\t" + p for p in params)
        lines.append("Content-Type: " + ctype)
        if self.cte:
            lines.append("Content-Transfer-Encoding: " + self.cte)
        if self.cid:
            lines.append("Content-ID: <%s>" % self.cid)
        if self.disposition:
            disp = self.disposition
            if self.filename is not None:
                disp += ";" + CRLF + "\t" + rfc2231("filename", self.filename)
            lines.append("Content-Disposition: " + disp)
        head = (CRLF.join(lines) + CRLF + CRLF).encode("utf-8")
        if self.children is None:
            return head + self.body
        out = [head, b"This is a multi-part message in MIME format.\r\n"]
        for child in self.children:
            out.append(("\r\n--%s\r\n" % boundary).encode())
            out.append(child.render(rng))
        out.append(("\r\n--%s--\r\n" % boundary).encode())
        return b"".join(out)


def _crlf(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def text_part(text, subtype="plain", charset="utf-8", cte="quoted-printable"):
    text = text.replace("\r\n", "\n")
    codec = {"utf-8": "utf-8", "iso-8859-1": "latin-1", "windows-1252": "cp1252"}[charset]
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:
        charset, raw = "utf-8", text.encode("utf-8")
    if cte == "quoted-printable":
        body = _crlf(binascii.b2a_qp(raw, istext=True))
    elif cte == "base64":
        body = _crlf(base64.encodebytes(raw))
    else:  # 8bit
        cte = "8bit" if not raw.isascii() else "7bit"
        body = _crlf(raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return Part("text/" + subtype, body, params=['charset="%s"' % charset], cte=cte)


def attachment(data, ctype, filename, inline=False, cid=None, name_2047=False):
    return Part(ctype, _crlf(base64.encodebytes(data)), cte="base64",
                disposition="inline" if inline else "attachment",
                filename=filename, cid=cid, name_2047=name_2047)


def multipart(subtype, children):
    return Part("multipart/" + subtype, children=children)


def imap_date(when):
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    off = when.utcoffset() or dt.timedelta(0)
    sign = "+" if off >= dt.timedelta(0) else "-"
    minutes = abs(int(off.total_seconds())) // 60
    return "%02d-%s-%04d %02d:%02d:%02d %s%02d%02d" % (
        when.day, months[when.month - 1], when.year, when.hour, when.minute,
        when.second, sign, minutes // 60, minutes % 60)


def rfc5322_date(when):
    days = "Mon Tue Wed Thu Fri Sat Sun".split()
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    off = when.utcoffset() or dt.timedelta(0)
    sign = "+" if off >= dt.timedelta(0) else "-"
    minutes = abs(int(off.total_seconds())) // 60
    return "%s, %d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        days[when.weekday()], when.day, months[when.month - 1], when.year,
        when.hour, when.minute, when.second, sign, minutes // 60, minutes % 60)


class Mail:
    """One message to store: its bytes, flags and internal date."""

    __slots__ = ("data", "flags", "date", "subject")

    def __init__(self, data, flags, date, subject=""):
        self.data = data
        self.flags = flags
        self.date = date
        self.subject = subject


def build(rng, *, sender, to, subject, date, body, cc=None, reply_to=None,
          msgid=None, extra=None, header_style="Q", flags=(), mailer=None):
    """sender/to/cc: (name, addr) or lists of them; body: a Part."""
    def addrs(value):
        if value is None:
            return None
        if isinstance(value, tuple):
            value = [value]
        return ", ".join(fmt_addr(n, a, header_style) for n, a in value)

    host = (sender[1].split("@", 1)[1] if "@" in sender[1] else DOMAIN)
    if msgid is None:
        msgid = "%s.%08x@%s" % (date.strftime("%Y%m%d%H%M%S"), rng.getrandbits(32), host)
    head = [
        fold("Date", rfc5322_date(date)),
        fold("From", addrs(sender)),
        fold("To", addrs(to)),
    ]
    if cc:
        head.append(fold("Cc", addrs(cc)))
    if reply_to:
        head.append(fold("Reply-To", addrs(reply_to)))
    head.append("Subject: " + encode_words(subject, header_style) if not subject.isascii() else fold("Subject", subject))
    head.append("Message-ID: <%s>" % msgid)
    for name, value in extra or []:
        head.append(fold(name, value))
    if mailer:
        head.append(fold(mailer[0], mailer[1]))
    head.append("MIME-Version: 1.0")
    data = (CRLF.join(head) + CRLF).encode("utf-8") + body.render(rng)
    return Mail(data, tuple(flags), date, subject), msgid


# --------------------------------------------------------------------------
# Small valid binary attachments
# --------------------------------------------------------------------------

def make_pdf(title, lines, author="Rectorat de l'académie de démonstration"):
    """A one-page PDF (Helvetica, WinAnsi) with a title and lines of text."""
    def pdf_str(s):
        raw = s.encode("cp1252", "replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    content = [b"BT /F2 15 Tf 56 780 Td " + pdf_str(title) + b" Tj ET"]
    y = 750
    for line in lines:
        if y < 60:
            break
        content.append(b"BT /F1 10.5 Tf 56 %d Td " % y + pdf_str(line) + b" Tj ET")
        y -= 15
    stream = b"\n".join(content)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + pdf_str(title) + b" /Author " + pdf_str(author) + b" /Producer (Facteur test corpus) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def make_png(width, height, seed=0):
    """An RGB PNG: soft diagonal bands, different for each seed."""
    rng = random.Random(seed)
    c1 = [rng.randrange(40, 220) for _ in range(3)]
    c2 = [rng.randrange(40, 220) for _ in range(3)]
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            t = ((x + y) // max(1, (width + height) // 8)) % 2
            c = c1 if t else c2
            row += bytes(c)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def make_odt(title, paragraphs):
    """A minimal valid OpenDocument text file."""
    esc = html.escape
    body = "".join("<text:p>%s</text:p>" % esc(p) for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:text><text:h text:outline-level="1">%s</text:h>%s'
        "</office:text></office:body></office:document-content>" % (esc(title), body))
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2026, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("content.xml", (2026, 1, 1, 0, 0, 0)), content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("META-INF/manifest.xml", (2026, 1, 1, 0, 0, 0)), manifest,
                   compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def make_ics(uid, summary, location, start, end, organizer, attendee, description=""):
    def esc(s):
        return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    def fold_ics(line):
        data = line.encode("utf-8")
        if len(data) <= 75:
            return line
        out, cur = [], b""
        for ch in line:
            b = ch.encode("utf-8")
            if len(cur) + len(b) > (75 if not out else 74):
                out.append(cur.decode("utf-8"))
                cur = b""
            cur += b
        out.append(cur.decode("utf-8"))
        return "\r\n ".join(out)

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "PRODID:-//Academie de demonstration//Convocations//FR", "VERSION:2.0",
        "METHOD:REQUEST", "BEGIN:VTIMEZONE", "TZID:Europe/Paris", "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT", "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + stamp,
        "DTSTART;TZID=Europe/Paris:" + start.strftime("%Y%m%dT%H%M%S"),
        "DTEND;TZID=Europe/Paris:" + end.strftime("%Y%m%dT%H%M%S"),
        "SUMMARY:" + esc(summary), "LOCATION:" + esc(location),
        "DESCRIPTION:" + esc(description),
        "ORGANIZER;CN=%s:mailto:%s" % (esc(organizer[0]), organizer[1]),
        "ATTENDEE;CN=%s;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s" % (esc(attendee[0]), attendee[1]),
        "SEQUENCE:0", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR",
    ]
    return ("\r\n".join(fold_ics(l) for l in lines) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------
# French content
# --------------------------------------------------------------------------

FIRST_F = ("Sophie Claire Isabelle Nathalie Catherine Valérie Sandrine Céline Émilie Aurélie Camille "
           "Julie Hélène Anne Marie Christine Élodie Laure Agnès Françoise Véronique Mélanie Chloé Inès "
           "Léa Manon Sarah Amandine Brigitte Corinne Nadia Fatima Yasmina Ségolène Maëlle Noémie Océane "
           "Gaëlle Annick Bénédicte Pascale Lucie Morgane Estelle Soizic").split()
FIRST_M = ("Marc Pierre Jean Philippe Nicolas Laurent Stéphane Olivier Christophe Frédéric Thierry Julien "
           "Sébastien Guillaume Antoine François Hervé Patrick Bruno Éric Mathieu Karim Mehdi Yann Loïc "
           "Jérôme Benoît Rémi Cédric Gaël Hugo Thomas Alexandre Vincent Arnaud Denis Gérard Yves Didier "
           "Joël Grégoire Maxime Romain Fabrice").split()
LAST = ("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
        "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Lambert "
        "Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Perrin "
        "Morin Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer "
        "Lemaire Duval Joly Roche Noël Meyer Lucas Meunier Pérez Marchand Dufour Blanchard Barbier Brun "
        "Dumas Brunet Schmitt Leroux Colin Fernandez Renard Arnaud Rolland Caron Aubert Giraud Leclerc "
        "Vidal Bourgeois Renaud Lemoine Picard Gaillard Lacroix Fabre Dupuis Olivier Hubert Guillot "
        "Rivière Adam Rey Moulin Berger Lecomte Ménard Fleury Deschamps Carpentier Maillard Marchal "
        "Aubry Vasseur Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons "
        "Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Bouchet Chauvin Haddad Diallo "
        "Traoré Kowalski Tran Benali Le Gall|Le Roux|Da Silva|Ben Ahmed|Saint-Martin").split()
LAST = [n for chunk in LAST for n in chunk.split("|")]
PUPILS = ("Lucas Emma Hugo Jade Louise Gabriel Léo Raphaël Arthur Alice Lina Chloé Nathan Maël Adam Mila "
          "Rose Anna Tom Inaya Noah Ambre Sacha Lou Ethan Zoé Timéo Romane Ilyes Maëlys Yanis Nour").split()
CLASSES = ["6e A", "6e B", "5e C", "5e A", "4e B", "4e D", "3e B", "3e C", "2nde 3", "2nde 7", "1re G2",
           "1re STMG", "Tle G4", "Tle STI2D"]
SUBJECTS = ["français", "mathématiques", "histoire-géographie", "SVT", "anglais", "EPS", "physique-chimie",
            "technologie", "arts plastiques", "éducation musicale", "espagnol", "allemand", "latin", "SES",
            "NSI", "philosophie"]
ROOMS = [("en salle 112", "salle 112"), ("en salle 204", "salle 204"), ("au CDI", "CDI"),
         ("en salle polyvalente", "salle polyvalente"), ("en salle du conseil", "salle du conseil"),
         ("dans l'amphithéâtre", "amphithéâtre"), ("en salle des professeurs", "salle des professeurs"),
         ("au foyer", "foyer des élèves"), ("en salle B07", "salle B07")]
PLACES = ["musée des Beaux-Arts", "théâtre municipal", "archives départementales", "Cité des sciences",
          "médiathèque Louise-Michel", "château de Chambord", "Mémorial de Caen", "planétarium"]
TRAININGS = ["Différencier en classe hétérogène", "Enseigner l'oral au lycée", "Évaluer par compétences",
             "Laïcité et valeurs de la République", "Premiers secours (PSC1)", "L'IA générative en classe",
             "Accueillir un élève à besoins particuliers", "Gestion de classe et climat scolaire",
             "Le numérique au service des apprentissages", "Former les éco-délégués"]
PROJECTS = ["Semaine de la presse", "Printemps des poètes", "jardin pédagogique", "webradio du collège",
            "échange avec Salamanque", "concours d'éloquence", "Cordées de la réussite", "éco-délégués",
            "club théâtre", "atelier d'écriture", "course contre la faim", "Olympiades de mathématiques"]
SCHOOLS = [
    ("Collège Jean Moulin", "Saint-Aubin-sur-Loire", "0451234K"),
    ("Lycée Victor Hugo", "Villeneuve-la-Rivière", "0452231B"),
    ("Collège Marie Curie", "Montreuil-Bellay", "0451877S"),
    ("Lycée professionnel Jules Verne", "Port-Sainte-Marie", "0450912C"),
    ("Collège Simone Veil", "Brissac-les-Vignes", "0452405F"),
    ("Lycée Condorcet", "Saint-Aubin-sur-Loire", "0450057Y"),
]
SERVICES = [
    ("Rectorat — Division des examens et concours", "dec@" + DOMAIN),
    ("Rectorat — Division des personnels enseignants", "dpe@" + DOMAIN),
    ("Rectorat — Gestion des mutations", "mouvement@" + DOMAIN),
    ("Délégation académique au numérique éducatif", "dane@" + DOMAIN),
    ("École académique de la formation continue", "eafc@" + DOMAIN),
    ("Service académique d'information et d'orientation", "saio@" + DOMAIN),
    ("Cabinet du recteur", "ce.cabinet@" + DOMAIN),
    ("Assistance informatique académique", "assistance@" + DOMAIN),
    ("Inspection pédagogique régionale", "ipr@" + DOMAIN),
    ("DSDEN — Vie scolaire", "vie-scolaire.dsden@" + DOMAIN),
    ("Rectorat — Pôle paye", "paye@" + DOMAIN),
    ("Rectorat — Action sociale", "action-sociale@" + DOMAIN),
]
EXTERNALS = [
    ("Réseau Canopé", "lettre@reseau-canope.example.org"),
    ("Mairie de Saint-Aubin — Service éducation", "education@mairie.example.org"),
    ("Autocars Bréhat Voyages", "reservations@brehat-voyages.example.com"),
    ("Éditions Lumière — Service enseignants", "enseignants@editions-lumiere.example.com"),
    ("MGEN Section départementale", "section45@mutuelle.example.org"),
    ("Théâtre municipal — Relations publiques", "rp@theatre.example.org"),
    ("Association sportive — UNSS district", "unss.district@example.net"),
]
MAILERS = [
    ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.12.0"),
    ("X-Mailer", "Microsoft Outlook 16.0"),
    ("User-Agent", "Zimbra 9.0.0_ZEXTRAS (ZimbraWebClient - FF128 (Win))"),
    ("X-Mailer", "Apple Mail (2.3774.600.62)"),
    ("User-Agent", "Roundcube Webmail/1.6.6"),
    ("X-Mailer", "iPhone Mail (21F90)"),
    None, None,
]

DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]


def date_fr(d, weekday=True):
    s = "%d%s %s %d" % (d.day, "er" if d.day == 1 else "", MONTHS_FR[d.month - 1], d.year)
    return (DAYS_FR[d.weekday()] + " " + s) if weekday else s


def hour_fr(h, m=0):
    return "%d h %02d" % (h, m) if m else "%d h" % h


def de(word):
    """French "de" before a word, elided before a vowel or a mute h."""
    if word[0] in "AEIOUÉÈHaeiouéèh" and word not in ("SES", "SVT", "NSI"):
        return "d'" + word
    return "de " + word


def email_of(first, last, domain=DOMAIN):
    local = strip_accents("%s.%s" % (first, last)).lower().replace(" ", "-").replace("'", "")
    return "%s@%s" % (local, domain)


class People:
    def __init__(self, rng):
        self.rng = rng

    def person(self):
        rng = self.rng
        first = rng.choice(FIRST_F if rng.random() < 0.62 else FIRST_M)
        last = rng.choice(LAST)
        return first, last

    def colleague(self):
        first, last = self.person()
        return ("%s %s" % (first, last), email_of(first, last)), first, last


GREETINGS = {
    "colleague": ["Bonjour {first},", "Salut {first},", "Bonjour,", "Coucou {first},", "Bonsoir {first},"],
    "direction": ["Bonjour à toutes et à tous,", "Chères et chers collègues,", "Madame, Monsieur,", "Bonjour,",
                  "Mesdames, Messieurs les professeurs,"],
    "service": ["Madame, Monsieur,", "Bonjour,", "Mesdames et Messieurs,"],
    "parent": ["Madame, Monsieur,", "Bonjour,", "Bonsoir,"],
    "external": ["Madame, Monsieur,", "Bonjour,", "Chère enseignante, cher enseignant,"],
}
CLOSINGS = ["Bien cordialement,", "Cordialement,", "Bonne journée,", "Très cordialement,",
            "Je vous remercie par avance.\n\nCordialement,", "Belle fin de semaine à tous,",
            "Avec mes remerciements,", "Bien à vous,", "Merci à tous,", "Excellente journée,"]
FILLERS = [
    "N'hésitez pas à revenir vers moi pour toute question.",
    "Je reste à votre disposition pour tout complément d'information.",
    "Merci de bien vouloir transmettre l'information aux collègues concernés.",
    "Je compte sur votre présence et vous remercie de votre engagement.",
    "Pour rappel, les documents sont également disponibles sur l'ENT, rubrique « Vie de l'établissement ».",
    "Les collègues absents ce jour-là voudront bien me prévenir au plus tôt.",
    "Une réponse avant vendredi serait appréciée, afin que nous puissions finaliser l'organisation.",
    "Pensez à consulter régulièrement votre messagerie académique : c'est le canal officiel d'information.",
    "Je vous prie d'agréer l'expression de mes salutations distinguées.",
    "Les modalités détaillées figurent dans le document joint.",
]

# Topics: who sends them, how often, how often in HTML, which attachments;
# items pair a subject with the paragraph that opens the body, `common`
# paragraphs may follow any item of the topic.
TOPICS = [
    dict(kind="direction", weight=8, html=0.5, attach=["pdf", None, None],
         items=[
             ("Conseil de classe de {classe} — {day}",
              "Le conseil de classe de la {classe} se tiendra le {day} à {hour}, {room}. Votre présence est requise."),
             ("Calendrier des conseils de classe du {trimestre} trimestre",
              "Les conseils de classe du {trimestre} trimestre se tiendront du {day_short} au {day2_short}. Vous trouverez le calendrier détaillé ci-joint."),
             ("Conseils de classe : saisie des appréciations avant le {day_short}",
              "Je vous rappelle que les moyennes et appréciations du {trimestre} trimestre doivent être saisies dans Pronote avant le {day_short}, 18 h."),
         ],
         common=["Merci de saisir vos moyennes et appréciations au plus tard 48 heures avant le conseil, afin que le professeur principal puisse préparer la synthèse.",
                 "Les délégués des élèves et des parents seront présents. Merci de veiller à la bienveillance des appréciations, qui figurent sur le bulletin remis aux familles.",
                 "Les éventuelles permutations doivent m'être signalées avant lundi."]),
    dict(kind="direction", weight=6, html=0.4, attach=[None, None, "odt"],
         items=[
             ("Réunion parents-professeurs du {day_short}",
              "La rencontre parents-professeurs des classes de {niveau} aura lieu le {day} de {hour} à {hour2}. Les familles prendront rendez-vous via l'ENT."),
             ("Rencontres parents-professeurs : organisation",
              "Voici l'organisation retenue pour les rencontres parents-professeurs du {day_short} : chaque professeur disposera d'une table nominative {room}."),
             ("Réunion d'information sur l'orientation — {niveau}",
              "Une réunion d'information sur l'orientation est proposée aux familles des élèves de {niveau} le {day} à {hour}, {room}, avec la psychologue de l'Éducation nationale."),
         ],
         common=["Les créneaux sont de dix minutes ; merci de respecter les horaires pour éviter l'attente dans les couloirs.",
                 "Les professeurs principaux recevront en priorité les familles dont les enfants rencontrent des difficultés.",
                 "Le planning des rendez-vous sera affiché en salle des professeurs la veille."]),
    dict(kind="colleague", weight=12, html=0.3, attach=[None, None, None, "odt", "png", "pdf"],
         items=[
             ("Sortie au {place} — autorisations parentales",
              "Pour la sortie au {place} avec les {classe}, j'ai récupéré 21 autorisations sur 26. Peux-tu relancer les retardataires pendant ton cours de mardi ?"),
             ("Projet {project} : point d'étape",
              "Je te propose qu'on se voie à la récréation de 10 h pour faire le point sur le projet {project}. J'ai avancé sur le planning, il reste à caler les dates avec la vie scolaire."),
             ("Échange de salle jeudi ?",
              "Est-ce que tu pourrais échanger ta salle avec moi jeudi en M3 ? J'ai besoin du vidéoprojecteur pour la présentation des exposés."),
             ("Séquence sur {oeuvre}",
              "J'ai trouvé une très bonne édition de {oeuvre} en poche à moins de quatre euros ; je te joins ma séquence, dis-moi ce que tu en penses."),
             ("Copies du devoir commun {de_matiere}",
              "J'ai déposé les copies corrigées du devoir commun {de_matiere} dans ton casier. La moyenne est de {moyenne}, avec de gros écarts sur l'exercice 3."),
             ("Question sur le barème du brevet blanc",
              "Pour le brevet blanc, on compte la rédaction sur 40 comme l'an dernier, ou on applique la nouvelle grille ? Je voudrais harmoniser avec toi avant de corriger."),
             ("Progression commune en {matiere}",
              "Voici ma proposition de progression commune en {matiere} pour la période ; dis-moi si l'ordre des chapitres te convient, on peut l'ajuster avant le conseil pédagogique."),
             ("Absence lundi matin",
              "Je serai absent lundi matin (formation). J'ai laissé du travail pour la {classe} au bureau de la vie scolaire."),
             ("Manuels {de_matiere} : commande",
              "Il faut passer la commande des manuels {de_matiere} avant la fin du mois. J'ai fait une sélection de trois spécimens, on peut les regarder ensemble ?"),
             ("Retour sur la réunion d'équipe",
              "Merci pour la réunion d'équipe de mardi. Je résume ce que nous avons décidé : évaluation commune en fin de période, et un temps d'échange avec les {classe}."),
         ],
         common=["Merci encore pour ton aide lors de la journée d'intégration, les élèves en parlent encore !",
                 "Dis-moi ce qui t'arrange, je suis disponible en fin de journée sauf le mercredi.",
                 "Je t'envoie aussi le document en pièce jointe, au cas où."]),
    dict(kind="service", weight=7, html=0.6, attach=["pdf", "pdf", None], senders=[0, 1, 2, 6, 8, 9],
         items=[
             ("Note de service n° {num} — {objet}",
              "Vous trouverez ci-joint la note de service relative à {objet_l}. Elle précise le calendrier, les pièces à fournir et les interlocuteurs au rectorat."),
             ("Circulaire : {objet}",
              "La circulaire académique relative à {objet_l} est parue. Elle entre en vigueur dès sa publication."),
             ("Information rectorale : {objet}",
              "Dans le cadre de {objet_l}, je vous informe des nouvelles modalités applicables à compter du {day_short}."),
             ("Publication au bulletin académique n° {num2}",
              "Le bulletin académique n° {num2} est en ligne. Il comporte notamment une note relative à {objet_l}."),
         ],
         common=["Les chefs d'établissement sont invités à porter cette note à la connaissance de l'ensemble des personnels concernés et à en assurer l'affichage en salle des professeurs.",
                 "Les demandes devront être saisies dans l'application dédiée avant le {day_short}, délai de rigueur. Aucune demande papier ne sera acceptée.",
                 "Pour tout renseignement, la cellule dédiée est joignable du lundi au vendredi de 9 h à 12 h au 01 99 00 {tel}."]),
    dict(kind="service", weight=5, html=0.7, attach=[None, "pdf"], senders=[4],
         items=[
             ("Formation « {training} » : inscription confirmée",
              "Votre candidature au module « {training} » a été retenue. La session se déroulera le {day} de 9 h à 16 h 30 au lycée Condorcet, salle B12."),
             ("Convocation à la formation « {training} »",
              "Vous êtes convoqué(e) à la formation « {training} » le {day} à 9 h. Cette convocation vaut ordre de mission."),
             ("Offre de formation : campagne d'inscription ouverte",
              "La campagne d'inscription aux formations de l'école académique est ouverte jusqu'au {day_short}. Parmi les nouveautés : « {training} »."),
         ],
         common=["Les frais de déplacement seront pris en charge selon les modalités en vigueur ; l'ordre de mission sera disponible dans l'application Chorus DT.",
                 "Merci de prévenir votre chef d'établissement de votre absence. En cas d'empêchement, signalez-le au plus vite afin de libérer votre place.",
                 "Le déjeuner est libre. Un parking est accessible aux stagiaires à l'arrière du bâtiment."]),
    dict(kind="service", weight=4, html=0.8, attach=[None], senders=[3, 7],
         items=[
             ("ENT : maintenance programmée le {day_short}",
              "Une opération de maintenance aura lieu le {day} entre 18 h et 22 h. L'ENT et la messagerie pourront être indisponibles pendant cette période."),
             ("Messagerie : changement de mot de passe obligatoire",
              "Pour des raisons de sécurité, votre mot de passe doit être renouvelé tous les douze mois. Rendez-vous sur le portail académique, rubrique « Mon compte »."),
             ("Pronote : ouverture des appréciations du {trimestre} trimestre",
              "La saisie des appréciations du {trimestre} trimestre est ouverte dans Pronote jusqu'au {day_short}."),
             ("Incident sur le portail académique — résolu",
              "L'incident qui affectait le portail académique ce matin est résolu ; si vous rencontrez encore des difficultés, videz le cache de votre navigateur."),
             ("Attention aux courriels frauduleux",
              "Nous constatons une recrudescence de messages frauduleux imitant la messagerie académique. Ne communiquez jamais votre mot de passe, même à un interlocuteur se présentant comme l'assistance."),
         ],
         common=["Pour toute difficulté, l'assistance est joignable via le formulaire en ligne du portail.",
                 "Nous vous prions de nous excuser pour la gêne occasionnée."]),
    dict(kind="parent", weight=6, html=0.2, attach=[None, None, "png"],
         items=[
             ("Absence {de_pupil} le {day_short}",
              "Je vous informe que mon enfant {pupil} sera absent le {day} pour un rendez-vous médical. Pourriez-vous lui indiquer le travail à rattraper ?"),
             ("Demande de rendez-vous — {pupil}, {classe}",
              "Nous souhaiterions vous rencontrer au sujet des résultats {de_pupil} en {matiere}, qui nous inquiètent un peu ce trimestre. Nous sommes disponibles en fin de journée."),
             ("Question sur le devoir {de_matiere}",
              "{pupil} n'a pas bien compris la consigne du devoir {de_matiere} à rendre lundi. Serait-il possible d'avoir une précision ?"),
             ("{pupil} : travail à rattraper",
              "Suite à son absence de la semaine dernière, {pupil} souhaiterait savoir quels exercices rattraper. Je joins une photo du cahier de texte."),
         ],
         common=["Merci pour votre investissement auprès des élèves, {pupil} apprécie beaucoup votre cours.",
                 "Je reste joignable au téléphone si besoin."]),
    dict(kind="direction", weight=5, html=0.4, attach=[None, "pdf"],
         items=[
             ("Exercice PPMS le {day_short}",
              "Un exercice de mise en sûreté (PPMS « attentat-intrusion ») aura lieu le {day} dans la matinée. Les élèves ne doivent pas être prévenus."),
             ("Plan Vigipirate : consignes actualisées",
              "Suite au relèvement de la posture Vigipirate, les consignes d'accès à l'établissement sont renforcées à compter du {day_short}."),
             ("Exercice d'évacuation incendie",
              "Un exercice d'évacuation incendie aura lieu cette semaine. Merci de rappeler aux élèves le point de rassemblement de votre salle."),
         ],
         common=["Merci de relire les consignes affichées dans chaque salle : fermeture des portes à clé, extinction des lumières, silence, éloignement des fenêtres.",
                 "Un retour d'expérience sera fait en conseil pédagogique. Merci de noter vos observations sur la fiche jointe.",
                 "Les badges d'accès doivent être portés de manière visible dans l'enceinte de l'établissement."]),
    dict(kind="service", weight=3, html=0.5, attach=[None, None, "pdf"], senders=[10, 11],
         items=[
             ("Heures supplémentaires : état à signer",
              "L'état des heures supplémentaires effectives du mois est disponible au secrétariat. Merci de le vérifier et de le signer avant le {day_short}."),
             ("Votre bulletin de paie est disponible",
              "Votre bulletin de paie du mois est consultable dans l'ENSAP. Aucun envoi papier n'est effectué."),
             ("Prime d'équipement informatique",
              "La prime d'équipement informatique sera versée avec le traitement du mois prochain aux personnels éligibles."),
             ("Action sociale : chèques-vacances",
              "Les demandes de chèques-vacances et d'aide à la restauration se font désormais exclusivement en ligne, jusqu'au {day_short}."),
         ],
         common=["Ce message est envoyé automatiquement, merci de ne pas y répondre.",
                 "Le détail des montants figure dans votre espace personnel."]),
    dict(kind="external", weight=4, html=0.9, attach=[None, "pdf", "pdf"],
         items=[
             ("Spécimens {matiere} : nouveautés de la rentrée",
              "Nous avons le plaisir de vous présenter nos nouveautés en {matiere}. Les spécimens numériques sont accessibles gratuitement sur notre site enseignant."),
             ("Devis transport — sortie du {day_short}",
              "Suite à votre demande, veuillez trouver ci-joint notre devis pour un autocar de 59 places le {day}, départ 8 h 15 du parking de l'établissement, retour vers 17 h 30."),
             ("Programmation scolaire de la saison",
              "La saison propose trois spectacles adaptés aux collégiens, suivis d'un bord de scène avec l'équipe artistique. Les réservations pour les groupes sont ouvertes."),
             ("Votre commande de manuels",
              "Votre commande a bien été expédiée. La livraison est prévue sous cinq jours ouvrés à l'adresse de l'établissement."),
         ],
         common=["Notre service enseignants reste à votre écoute du lundi au vendredi.",
                 "Conformément à la réglementation, vous pouvez vous désabonner à tout moment."]),
    dict(kind="colleague", weight=4, html=0.2, attach=[None, None, "png"],
         items=[
             ("Pot de départ {de_colleague}",
              "Nous organisons un pot pour le départ à la retraite {de_colleague}, vendredi à 17 h en salle des professeurs. Chacun apporte quelque chose !"),
             ("Repas de fin de trimestre",
              "Qui serait partant pour un repas au restaurant le dernier jeudi avant les vacances ? Répondez-moi avant lundi pour que je réserve."),
             ("Covoiturage pour la formation",
              "Je passe par la rocade, je peux prendre deux personnes pour la formation de jeudi. Départ 8 h devant le collège."),
             ("Cagnotte pour la naissance",
              "Une cagnotte est ouverte en salle des professeurs pour la naissance du petit garçon {de_colleague} (enveloppe dans le casier de la vie scolaire)."),
         ],
         common=["Faites passer le mot aux collègues qui ne lisent pas souvent leurs courriels !",
                 "Merci à tous pour votre participation."]),
]

OEUVRES = ["« Les Misérables »", "« Le Horla »", "« Antigone » d'Anouilh", "« Le Cid »", "« Candide »",
           "« L'Étranger »", "« Les Fourberies de Scapin »", "« Le Petit Prince »", "« Bel-Ami »",
           "« La Peau de chagrin »", "les Fables de La Fontaine", "« Le Dernier Jour d'un condamné »"]
OBJETS = [
    ("organisation des examens blancs", "l'organisation des examens blancs"),
    ("mouvement intra-académique", "la phase intra-académique du mouvement"),
    ("rendez-vous de carrière", "les rendez-vous de carrière (PPCR)"),
    ("temps partiel", "les demandes de temps partiel"),
    ("congés de formation professionnelle", "les congés de formation professionnelle"),
    ("protocole sanitaire", "le protocole sanitaire dans les établissements"),
    ("voyages scolaires", "l'organisation des sorties et voyages scolaires"),
    ("recrutement de contractuels", "le recrutement de professeurs contractuels"),
    ("harcèlement : programme pHARe", "le déploiement du programme pHARe"),
    ("calendrier du baccalauréat", "le calendrier des épreuves du baccalauréat"),
]


class Writer:
    """Fills topic templates with coherent random details."""

    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.people = People(rng)

    def slots(self, when):
        rng = self.rng
        day = (when + dt.timedelta(days=rng.randrange(2, 20))).date()
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        day2 = day + dt.timedelta(days=rng.randrange(3, 10))
        h = rng.choice([8, 9, 10, 13, 14, 16, 17, 17, 18])
        m = rng.choice([0, 0, 30, 15])
        objet = rng.choice(OBJETS)
        classe = rng.choice(CLASSES)
        room = rng.choice(ROOMS)
        matiere = rng.choice(SUBJECTS)
        pupil = rng.choice(PUPILS)
        colleague = rng.choice(FIRST_F + FIRST_M)
        return {
            "classe": classe, "niveau": classe.split()[0], "day": date_fr(day),
            "day_short": "%s %d %s" % (DAYS_FR[day.weekday()], day.day, MONTHS_FR[day.month - 1]),
            "day2_short": "%s %d %s" % (DAYS_FR[day2.weekday()], day2.day, MONTHS_FR[day2.month - 1]),
            "hour": hour_fr(h, m), "hour2": hour_fr(min(h + 2, 20), m), "room": room[0], "room_name": room[1],
            "place": rng.choice(PLACES), "project": rng.choice(PROJECTS), "training": rng.choice(TRAININGS),
            "matiere": matiere, "de_matiere": de(matiere), "pupil": pupil, "de_pupil": de(pupil), "oeuvre": rng.choice(OEUVRES),
            "objet": objet[0], "objet_l": objet[1],
            "num": "%d-%03d" % (when.year, rng.randrange(20, 240)), "num2": str(rng.randrange(12, 48)),
            "tel": "%02d %02d" % (rng.randrange(10, 99), rng.randrange(10, 99)),
            "trimestre": rng.choice(["premier", "deuxième", "troisième"]),
            "colleague_first": colleague, "de_colleague": de(colleague),
            "moyenne": "%d,%d" % (rng.randrange(8, 15), rng.randrange(10)),
        }

    def sender_for(self, kind, services=None):
        rng = self.rng
        if kind == "colleague":
            (name, addr), first, last = self.people.colleague()
            role = rng.choice(["Professeur de " + rng.choice(SUBJECTS), "Professeure de " + rng.choice(SUBJECTS),
                               "Professeure documentaliste", "CPE", "Professeur principal de " + rng.choice(CLASSES)])
            school = rng.choice(SCHOOLS)
            return (name, addr), first, [name, role, "%s — %s" % (school[0], school[1])]
        if kind == "direction":
            school = rng.choice(SCHOOLS)
            first, last = self.people.person()
            fem = first in FIRST_F
            role = rng.choice(["Principale" if fem else "Principal", "Principale adjointe" if fem else "Principal adjoint",
                               "Proviseure" if fem else "Proviseur", "Secrétariat de direction"])
            if role == "Secrétariat de direction":
                return ("%s — Secrétariat" % school[0], "ce.%s@%s" % (school[2].lower(), DOMAIN)), first, \
                    ["Le secrétariat de direction", school[0], "%s" % school[1], "Tél. 01 99 00 %02d %02d" % (rng.randrange(10, 99), rng.randrange(10, 99))]
            name = "%s %s" % (first, last)
            return (name, email_of(first, last)), first, [name, role, school[0], school[1]]
        if kind == "service":
            name, addr = SERVICES[rng.choice(services)] if services else rng.choice(SERVICES)
            return (name, addr), "", [name, "Académie de démonstration", "Ce message est envoyé par un service du rectorat."]
        if kind == "parent":
            first, last = self.people.person()
            name = "%s %s" % (first, last)
            dom = rng.choice(["example.com", "example.net", "example.org"])
            local = strip_accents("%s.%s%d" % (first, last, rng.randrange(1, 99))).lower().replace(" ", "")
            return (name, "%s@%s" % (local, dom)), first, [name]
        name, addr = rng.choice(EXTERNALS)
        return (name, addr), "", [name, "Ce message vous est adressé en votre qualité d'enseignant."]

    def text(self, topic, item, slots, signature, recipient_first):
        rng = self.rng
        greet = rng.choice(GREETINGS[topic["kind"]]).format(first=recipient_first)
        paras = [item[1].format(**slots)]
        paras += [p.format(**slots) for p in rng.sample(topic["common"], rng.randrange(0, min(2, len(topic["common"])) + 1))]
        if rng.random() < 0.4:
            paras.append(rng.choice(FILLERS))
        closing = rng.choice(CLOSINGS)
        sig = "\n".join(signature)
        if rng.random() < 0.5:
            sig = "-- \n" + sig
        return greet, paras, closing, sig

    def html_body(self, greet, paras, closing, sig, style):
        esc = html.escape
        if style == "outlook":
            ps = "".join('<p class="MsoNormal">%s<o:p></o:p></p>\r\n' % esc(p) for p in [greet, ""] + paras + ["", closing])
            return ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
                    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                    '<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;} --></style>'
                    '</head><body lang="FR" link="#0563C1"><div class="WordSection1">\r\n%s'
                    '<p class="MsoNormal" style="color:#1F3864">%s</p></div></body></html>\r\n') % (
                ps, "<br>\r\n".join(esc(l) for l in sig.split("\n")))
        ps = "".join("<p>%s</p>\r\n" % esc(p) for p in paras)
        return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family: Arial, sans-serif; font-size: 14px">\r\n'
                "<p>%s</p>\r\n%s<p>%s</p>\r\n<div style=\"color:#555555; font-size:12px\">%s</div>\r\n</body></html>\r\n") % (
            esc(greet), ps, esc(closing), "<br>\r\n".join(esc(l) for l in sig.split("\n")))

    def attachment_for(self, kind, slots, title):
        rng = self.rng
        if kind == "pdf":
            name = rng.choice(["note-de-service-%s.pdf" % slots["num"], "calendrier.pdf", "Compte rendu.pdf",
                               "convocation.pdf", "procès-verbal du conseil.pdf", "devis_%d.pdf" % rng.randrange(1000, 9999),
                               "annexe 1 — modalités.pdf", "fiche_réponse.pdf"])
            lines = [slots["objet_l"].capitalize() + ".", "", "Date : " + slots["day"], "Lieu : " + slots["room_name"],
                     "", "Ce document est un exemple généré pour les tests de Facteur."]
            return attachment(make_pdf(title, lines), "application/pdf", name, name_2047=rng.random() < 0.3)
        if kind == "odt":
            name = rng.choice(["ordre du jour.odt", "progression_%s.odt" % strip_accents(slots["matiere"]).replace(" ", "-"),
                               "fiche élève.odt", "réponse.odt"])
            return attachment(make_odt(title, [slots["objet_l"].capitalize(), slots["day"]]),
                              "application/vnd.oasis.opendocument.text", name)
        name = rng.choice(["photo.png", "capture d'écran.png", "IMG_%04d.png" % rng.randrange(1, 9999), "plan_salle.png"])
        return attachment(make_png(rng.randrange(24, 64), rng.randrange(24, 64), rng.randrange(10**6)), "image/png", name)

    def message(self, when, recipient, recipient_first, flags, topic=None):
        rng = self.rng
        topic = topic or rng.choices(TOPICS, weights=[t["weight"] for t in TOPICS])[0]
        slots = self.slots(when)
        sender, _, signature = self.sender_for(topic["kind"], topic.get("senders"))
        item = rng.choice(topic["items"])
        subject = item[0].format(**slots)
        greet, paras, closing, sig = self.text(topic, item, slots, signature, recipient_first)
        charset = "utf-8"
        r = rng.random()
        if r < 0.12:
            charset = "iso-8859-1"
        elif r < 0.18:
            charset = "windows-1252"
        cte = rng.choice(["quoted-printable"] * 6 + ["8bit", "base64"])
        text = "%s\n\n%s\n\n%s\n\n%s\n" % (greet, "\n\n".join(paras), closing, sig)
        plain = text_part(text, charset=charset, cte=cte)
        body = plain
        if rng.random() < topic["html"]:
            style = "outlook" if rng.random() < 0.4 else "simple"
            hpart = text_part(self.html_body(greet, paras, closing, sig, style), "html", charset="utf-8",
                              cte="quoted-printable")
            body = multipart("alternative", [plain, hpart])
        kind = rng.choice(topic["attach"])
        if kind and rng.random() < 0.55:
            atts = [self.attachment_for(kind, slots, subject)]
            if rng.random() < 0.15:
                atts.append(self.attachment_for(rng.choice(["pdf", "png", "odt"]), slots, subject))
            body = multipart("mixed", [body] + atts)
        extra = []
        cc = None
        if topic["kind"] in ("direction", "colleague") and rng.random() < 0.2:
            cc = [self.people.colleague()[0] for _ in range(rng.randrange(1, 4))]
        if topic["kind"] == "external":
            domain = sender[1].split("@")[1]
            extra += [("List-Id", "<informations.%s>" % domain),
                      ("List-Unsubscribe", "<mailto:unsubscribe@%s>" % domain), ("Precedence", "bulk")]
        if rng.random() < 0.12 and topic["kind"] in ("colleague", "direction", "parent"):
            subject = rng.choice(["Re: ", "RE: ", "TR: ", "Fwd: "]) + subject
        mail, _ = build(rng, sender=sender, to=recipient, cc=cc, subject=subject, date=when, body=body,
                        extra=extra, header_style=rng.choice("QQB"), flags=flags, mailer=rng.choice(MAILERS))
        return mail


# --------------------------------------------------------------------------
# Dates and flags
# --------------------------------------------------------------------------

def working_time(rng, day):
    """A plausible sending time on that day (Paris time)."""
    r = rng.random()
    if r < 0.75:
        h = rng.randrange(7, 19)
    elif r < 0.95:
        h = rng.randrange(19, 23)
    else:
        h = rng.randrange(5, 7)
    return dt.datetime(day.year, day.month, day.day, h, rng.randrange(60), rng.randrange(60), tzinfo=PARIS)


def spread_dates(rng, count, now, days):
    """count datetimes in the last `days` days, oldest first, fewer at weekends."""
    out = []
    start = now - dt.timedelta(days=days)
    while len(out) < count:
        when = start + dt.timedelta(seconds=rng.randrange(int(days * 86400)))
        if when.weekday() >= 5 and rng.random() < 0.75:
            continue
        when = working_time(rng, when.date())
        if when < now:
            out.append(when)
    out.sort()
    return out


def flags_for(rng, when, now):
    age = (now - when).days
    flags = []
    if age >= 7:
        if rng.random() < 0.97:
            flags.append("\\Seen")
    elif age >= 2:
        if rng.random() < 0.7:
            flags.append("\\Seen")
    elif rng.random() < 0.25:
        flags.append("\\Seen")
    if "\\Seen" in flags and rng.random() < 0.1:
        flags.append("\\Answered")
    if rng.random() < 0.02:
        flags.append("$Forwarded")
    if rng.random() < 0.03:
        flags.append("\\Flagged")
    return flags


# --------------------------------------------------------------------------
# The demo accounts
# --------------------------------------------------------------------------

DEMO_USERS = {
    "sdupont": dict(name="Sophie Dupont", first="Sophie", addr="sophie.dupont@" + DOMAIN,
                    role="Professeure de lettres modernes", school=SCHOOLS[0], bulk=400),
    "mmartin": dict(name="Marc Martin", first="Marc", addr="marc.martin@" + DOMAIN,
                    role="Conseiller principal d'éducation", school=SCHOOLS[0], bulk=120),
}


def at(now, days_ago, hour, minute=0):
    d = (now - dt.timedelta(days=days_ago)).date()
    return dt.datetime(d.year, d.month, d.day, hour, minute, random.Random(days_ago * 60 + hour).randrange(60), tzinfo=PARIS)


def next_weekday(d, weekday):
    d = d + dt.timedelta(days=1)
    while d.weekday() != weekday:
        d += dt.timedelta(days=1)
    return d


def demo_specials(rng, now, user):
    """The hand-made messages of a demo account: {folder: [Mail]}."""
    me = (user["name"], user["addr"])
    school, town, uai = user["school"]
    sec = ("%s — Secrétariat" % school, "ce.%s@%s" % (uai.lower(), DOMAIN))
    principal = ("Hélène Rousseau", "helene.rousseau@" + DOMAIN)
    boxes = {}

    def put(folder, mail):
        boxes.setdefault(folder, []).append(mail)

    # 1. A convocation to a class council, with an invitation (unread).
    when = at(now, 1, 8, 12)
    council = next_weekday(now.date() + dt.timedelta(days=3), 3)
    start = dt.datetime(council.year, council.month, council.day, 17, 0, tzinfo=PARIS)
    text = (
        "Madame,\n\nVous êtes convoquée au conseil de classe de la 3e B, qui se tiendra le %s à 17 h, "
        "en salle du conseil (bâtiment A, 1er étage).\n\nOrdre du jour :\n"
        "  1. Bilan général de la classe par le professeur principal ;\n"
        "  2. Examen des situations individuelles ;\n"
        "  3. Propositions d'orientation (vœux provisoires) ;\n"
        "  4. Questions diverses.\n\nLes moyennes et appréciations doivent être saisies dans Pronote au plus tard "
        "48 heures avant la séance.\n\nJe vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\n"
        "Hélène Rousseau\nPrincipale\n%s — %s\n" % (date_fr(council), school, town))
    ics = make_ics("conseil-3b-%s@%s" % (council.isoformat(), DOMAIN), "Conseil de classe 3e B",
                   "Salle du conseil, bâtiment A", start, start + dt.timedelta(minutes=90), principal, me,
                   "Conseil de classe du deuxième trimestre.")
    body = multipart("mixed", [
        multipart("alternative", [
            text_part(text),
            text_part("<html><body><p>" + html.escape(text).replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p></body></html>", "html"),
            Part("text/calendar", _crlf(base64.encodebytes(ics)), params=['charset="utf-8"', "method=REQUEST"], cte="base64"),
        ]),
        attachment(ics, "application/ics", "invitation.ics"),
    ])
    mail, _ = build(rng, sender=principal, to=me, cc=[sec], subject="Convocation : conseil de classe de 3e B — " + date_fr(council),
                    date=when, body=body, flags=[], mailer=MAILERS[1],
                    extra=[("Disposition-Notification-To", fmt_addr(*principal))])
    put("INBOX", mail)

    # 2. The result of a transfer request (read, filed in Administration).
    when = at(now, 24, 16, 40)
    text = (
        "Madame,\n\nJ'ai l'honneur de vous informer que, dans le cadre du mouvement intra-académique, "
        "votre demande de mutation a reçu une suite favorable.\n\nVous êtes affectée à titre définitif au "
        "Lycée Victor Hugo de Villeneuve-la-Rivière (0452231B) à compter du 1er septembre prochain, "
        "sur un poste de lettres modernes.\n\nVous pouvez consulter le détail de votre barème et de votre "
        "affectation dans l'application I-Prof, rubrique « Les services ». Un recours est possible dans un "
        "délai de deux mois à compter de la présente notification.\n\nJe vous prie d'agréer, Madame, "
        "l'expression de ma considération distinguée.\n\nPour le recteur et par délégation,\n"
        "Le chef de la division des personnels enseignants\n")
    mail, _ = build(rng, sender=SERVICES[2], to=me, subject="Mouvement intra-académique : résultat de votre demande de mutation",
                    date=when, body=text_part(text), flags=["\\Seen"], extra=[("Importance", "high")])
    put("Administration", mail)
    put("INBOX", build(rng, sender=SERVICES[2], to=me, subject="Mouvement intra-académique : ouverture du serveur SIAM",
                       date=at(now, 95, 9, 5), body=text_part(
                           "Madame, Monsieur,\n\nLe serveur SIAM sera ouvert du 18 mars à 12 h au 2 avril à 12 h pour la saisie "
                           "des vœux du mouvement intra-académique.\n\nLe guide du participant est disponible sur le site "
                           "académique. La cellule mouvement répond à vos questions au 01 99 00 45 12.\n\nLa division des "
                           "personnels enseignants\n"), flags=["\\Seen"])[0])

    # 3. From the rectorat, with a PDF (unread).
    when = at(now, 0, 9, 47)
    pdf = make_pdf("Note de service n° %d-117 — Examens blancs" % now.year, [
        "Objet : organisation des examens blancs du diplôme national du brevet.", "",
        "Les épreuves écrites se dérouleront sur deux journées consécutives.",
        "Les sujets seront mis à disposition des établissements la veille, à 14 h,",
        "sur la plateforme sécurisée. La correction est confiée aux équipes,",
        "avec une harmonisation en conseil pédagogique.", "",
        "Annexe 1 : calendrier. Annexe 2 : grille de correction.", "",
        "Pour le recteur et par délégation, la cheffe de la division des examens."])
    text = ("Mesdames et Messieurs les chefs d'établissement,\nMesdames et Messieurs les professeurs,\n\n"
            "Vous trouverez ci-joint la note de service relative à l'organisation des examens blancs du "
            "diplôme national du brevet. Je vous remercie de bien vouloir en assurer la diffusion.\n\n"
            "Division des examens et concours\nRectorat de l'académie de démonstration\n")
    body = multipart("mixed", [text_part(text), attachment(pdf, "application/pdf", "note-de-service-%d-117.pdf" % now.year)])
    put("INBOX", build(rng, sender=SERVICES[0], to=me, subject="Note de service n° %d-117 : examens blancs du DNB" % now.year,
                       date=when, body=body, flags=[])[0])

    # 4. A newsletter: HTML with remote images, and its text alternative.
    when = at(now, 3, 7, 30)
    month = MONTHS_FR[now.month - 1]
    img = "https://images.example.org/lettre/%d-%02d" % (now.year, now.month)
    link = "https://www.reseau-canope.example.org/actualites?utm_source=lettre&utm_medium=email"
    html_news = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>La lettre de Canopé</title>
<style>body{{margin:0;background:#eef1f5}} .bloc{{background:#fff;padding:16px}} h2{{color:#1b3a6b}}</style></head>
<body>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#eef1f5"><tr><td align="center">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;font-family:Arial,sans-serif">
<tr><td><a href="{link}"><img src="{img}/banniere.jpg" width="600" height="160" alt="La lettre de Canopé — {month} {now.year}" style="display:block"></a></td></tr>
<tr><td class="bloc"><h2>Ressources pour la classe</h2>
<p><img src="{img}/vignette-oral.jpg" width="120" height="90" align="left" alt="" style="margin-right:12px">
Préparer le grand oral : une série de douze vidéos courtes, des fiches pour l'enseignant et des grilles d'auto-évaluation pour les élèves.</p>
<p><a href="{link}&amp;utm_content=oral" style="color:#c0392b">Découvrir la série &rarr;</a></p></td></tr>
<tr><td class="bloc"><h2>Formations du mois</h2>
<ul><li>Mercredi : « Enseigner avec la bande dessinée » (en ligne)</li>
<li>Jeudi : atelier robotique au Canopé de Saint-Aubin</li></ul>
<p style="background:url({img}/fond-agenda.png) no-repeat;padding:8px">Inscription gratuite sur notre site.</p></td></tr>
<tr><td class="bloc" style="font-size:11px;color:#888">Vous recevez cette lettre car vous êtes abonné(e) à nos informations.
<a href="https://www.reseau-canope.example.org/desabonnement?id=8f3a2c">Se désabonner</a>
<img src="https://stats.example.org/o/8f3a2c.gif" width="1" height="1" alt=""></td></tr>
</table></td></tr></table>
</body></html>
"""
    text_news = (
        "LA LETTRE DE CANOPÉ — %s %d\n\nRessources pour la classe\n-------------------------\n"
        "Préparer le grand oral : une série de douze vidéos courtes, des fiches pour l'enseignant "
        "et des grilles d'auto-évaluation pour les élèves.\nDécouvrir la série : %s&utm_content=oral\n\n"
        "Formations du mois\n------------------\n- Mercredi : « Enseigner avec la bande dessinée » (en ligne)\n"
        "- Jeudi : atelier robotique au Canopé de Saint-Aubin\n\n"
        "Se désabonner : https://www.reseau-canope.example.org/desabonnement?id=8f3a2c\n") % (month.upper(), now.year, link)
    body = multipart("alternative", [text_part(text_news), text_part(html_news, "html")])
    put("INBOX", build(rng, sender=EXTERNALS[0], to=me, subject="La lettre de Canopé — %s %d" % (month, now.year),
                       date=when, body=body, flags=["\\Seen"],
                       extra=[("List-Id", "Lettre d'information Canope <lettre.reseau-canope.example.org>"),
                              ("List-Unsubscribe", "<https://www.reseau-canope.example.org/desabonnement?id=8f3a2c>, <mailto:desabonnement@reseau-canope.example.org>"),
                              ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                              ("Precedence", "bulk")])[0])

    # 5. A mailing-list thread.
    list_addr = "lettres-modernes@" + DOMAIN
    list_id = "Professeurs de lettres de l'academie <lettres-modernes.%s>" % DOMAIN
    subject = "Œuvres au programme de 3e : vos choix pour le second trimestre"
    thread = [
        (("Claire Lambert", "claire.lambert@" + DOMAIN), 9, 18,
         "Bonjour à toutes et à tous,\n\nJe prépare ma progression du second trimestre pour les 3e et j'hésite entre "
         "« Le Dernier Jour d'un condamné » et « Antigone » d'Anouilh pour l'objet d'étude « Agir dans la cité ».\n\n"
         "Quels sont vos choix, et surtout vos retours d'expérience avec les élèves ?\n\nMerci d'avance,\nClaire\n"),
        (("Julien Fournier", "julien.fournier@" + DOMAIN), 8, 21,
         "Bonsoir Claire,\n\nJ'ai fait « Antigone » l'an dernier : très bonne adhésion, surtout avec la mise en regard "
         "de la pièce de Sophocle. Les élèves ont adoré débattre du personnage de Créon.\n\nJulien\n"),
        (("Sophie Dupont", "sophie.dupont@" + DOMAIN), 8, 22,
         "Bonsoir,\n\nJe rejoins Julien. J'ajoute que l'édition de poche avec dossier est à 3,50 EUR, ce qui rassure "
         "les familles. Je peux partager ma séquence (six séances, évaluation comprise) si cela vous intéresse.\n\nSophie\n"),
        (("Claire Lambert", "claire.lambert@" + DOMAIN), 7, 7,
         "Merci à vous deux ! Sophie, je veux bien ta séquence, ce serait précieux.\n\nClaire\n"),
        (("Karim Haddad", "karim.haddad@" + DOMAIN), 6, 12,
         "Bonjour,\n\nPour varier, j'ai travaillé « Le Dernier Jour » en lien avec le discours de Robert Badinter "
         "de 1981 : un très beau travail d'argumentation en perspective. Je dépose mes documents sur l'espace "
         "partagé de la liste.\n\nBien cordialement,\nKarim Haddad\n"),
    ]
    refs = []
    prev_text, prev_author, prev_when = None, None, None
    for i, (author, days, hour, text) in enumerate(thread):
        when = at(now, days, hour, 10 + i * 7)
        if prev_text:
            quoted = "\n".join("> " + l if l else ">" for l in prev_text.rstrip("\n").split("\n"))
            text = "%s\nLe %s à %s, %s a écrit :\n%s\n" % (text, date_fr(prev_when.date()), prev_when.strftime("%H:%M"),
                                                          prev_author[0], quoted)
        extra = [("List-Id", list_id), ("List-Post", "<mailto:%s>" % list_addr),
                 ("List-Unsubscribe", "<mailto:lettres-modernes-unsubscribe@%s>" % DOMAIN),
                 ("List-Archive", "<https://listes.%s/arc/lettres-modernes>" % DOMAIN), ("Precedence", "list")]
        if refs:
            extra += [("In-Reply-To", "<%s>" % refs[-1]), ("References", " ".join("<%s>" % r for r in refs))]
        subj = subject if i == 0 else "Re: " + subject
        mine = author[1] == me[1]
        mail, msgid = build(rng, sender=author, to=(None, list_addr), subject=subj, date=when,
                            body=text_part(text), extra=extra,
                            flags=["\\Seen"] + (["\\Answered"] if i == 1 else []) if i < 4 else [],
                            mailer=MAILERS[i % 4])
        if mine:
            put("Sent", Mail(mail.data, ("\\Seen",), when, subj))
        put("INBOX", mail)  # the list sends Sophie's own message back too
        refs.append(msgid)
        prev_text, prev_author, prev_when = text.split("\nLe ")[0], author, when

    # 6. An attachment with a French name (RFC 2231), in Pédagogie.
    when = at(now, 12, 13, 2)
    pdf = make_pdf("Compte rendu de la réunion parents-professeurs", [
        "Classe : 3e B — professeure principale : Mme Dupont.", "",
        "Présents : 19 familles sur 26. Points abordés : orientation, stage,",
        "travail personnel, usage du téléphone, voyage à Rome.", "",
        "Prochaine rencontre : après le conseil du deuxième trimestre."], author="Collège Jean Moulin")
    body = multipart("mixed", [
        text_part("Bonjour Sophie,\n\nComme promis, voici le compte rendu de la réunion de lundi, relu par Mme Rousseau. "
                  "Peux-tu le déposer sur l'ENT pour les familles ?\n\nMerci et bonne journée,\nNathalie Mercier\n"
                  "Professeure d'histoire-géographie\n"),
        attachment(pdf, "application/pdf", "compte-rendu réunion parents-professeurs — 3e B.pdf"),
    ])
    put("Pédagogie", build(rng, sender=("Nathalie Mercier", "nathalie.mercier@" + DOMAIN), to=me,
                           subject="Compte rendu réunion parents-professeurs 3e B", date=when, body=body,
                           flags=["\\Seen", "\\Answered"], mailer=MAILERS[0])[0])

    # 7. A flagged one: a career appointment with the inspector.
    when = at(now, 5, 11, 15)
    insp_day = next_weekday(now.date() + dt.timedelta(days=10), 1)
    text = ("Madame,\n\nDans le cadre de votre rendez-vous de carrière, je vous informe que je viendrai observer "
            "une séance dans votre classe de 3e B le %s à 10 h, qui sera suivie d'un entretien d'environ une heure.\n\n"
            "Je vous invite à préparer le document de référence de l'entretien, disponible dans l'application SIAE, "
            "et à le transmettre au plus tard la veille.\n\nJe vous prie d'agréer, Madame, l'expression de mes "
            "salutations distinguées.\n\nFrançois Legrand\nIA-IPR de lettres\n") % date_fr(insp_day)
    put("INBOX", build(rng, sender=("François Legrand — IA-IPR Lettres", "francois.legrand@" + DOMAIN), to=me,
                       cc=[principal], subject="Rendez-vous de carrière — inspection du %s" % date_fr(insp_day, False),
                       date=when, body=text_part(text), flags=["\\Seen", "\\Flagged"], mailer=MAILERS[1])[0])

    # 8. The Rome school trip, in Projets/Voyage Rome.
    rome = [
        (("Autocars Bréhat Voyages", "reservations@brehat-voyages.example.com"), 40,
         "Devis voyage à Rome — 48 élèves, 5 accompagnateurs",
         "Madame Dupont,\n\nVeuillez trouver ci-joint notre devis pour le voyage à Rome (5 jours, 4 nuits), "
         "transport en autocar grand tourisme avec deux conducteurs, hébergement en auberge de jeunesse, "
         "demi-pension.\n\nPrix par élève : 489 EUR. Option visite guidée du Colisée : 12 EUR.\n\n"
         "Cordialement,\nService groupes\n", "pdf"),
        (("Hélène Rousseau", "helene.rousseau@" + DOMAIN), 33,
         "Voyage à Rome : accord du conseil d'administration",
         "Bonjour Sophie,\n\nLe conseil d'administration a voté le voyage à Rome hier soir (18 voix pour, 2 abstentions). "
         "Tu peux lancer l'information aux familles.\n\nHélène\n", None),
        (("Marc Martin", "marc.martin@" + DOMAIN), 20,
         "Liste des élèves inscrits — voyage Rome",
         "Bonjour Sophie,\n\nVoici la liste à jour des 46 inscrits (il manque encore deux fiches sanitaires).\n\nMarc\n", "csv"),
        (("Nathalie Mercier", "nathalie.mercier@" + DOMAIN), 4,
         "Programme des visites à Rome",
         "Sophie,\n\nJ'ai finalisé le programme : Forum et Palatin le mardi, Vatican le mercredi matin, "
         "Trastevere l'après-midi. On en parle demain ?\n\nNathalie\n", "odt"),
    ]
    for sender, days, subj, text, kind in rome:
        parts = [text_part(text)]
        if kind == "pdf":
            parts.append(attachment(make_pdf("Devis n° 2026-0412 — Voyage à Rome", [
                "Transport : autocar grand tourisme, deux conducteurs.", "Hébergement : 4 nuits, demi-pension.",
                "Prix par élève : 489 EUR TTC.", "Validité de l'offre : 30 jours."], author="Bréhat Voyages"),
                "application/pdf", "devis-rome.pdf"))
        elif kind == "csv":
            rows = "Nom;Prénom;Classe;Fiche sanitaire\r\n" + "".join(
                "%s;%s;%s;%s\r\n" % (rng.choice(LAST), rng.choice(PUPILS), rng.choice(["3e B", "3e C"]),
                                     "oui" if rng.random() < 0.95 else "non") for _ in range(46))
            parts.append(attachment(rows.encode("utf-8"), "text/csv", "élèves-voyage-rome.csv"))
        elif kind == "odt":
            parts.append(attachment(make_odt("Programme — Rome", ["Mardi : Forum, Palatin.", "Mercredi : Vatican, Trastevere."]),
                                    "application/vnd.oasis.opendocument.text", "programme visites.odt"))
        body = parts[0] if len(parts) == 1 else multipart("mixed", parts)
        put("Projets/Voyage Rome", build(rng, sender=sender, to=me, subject=subj, date=at(now, days, 10 + days % 8, 20),
                                         body=body, flags=["\\Seen"])[0])
    put("Projets", build(rng, sender=("Karim Haddad", "karim.haddad@" + DOMAIN), to=me,
                         subject="Projet Printemps des poètes : première réunion",
                         date=at(now, 50, 17, 5), body=text_part(
                             "Bonjour Sophie,\n\nOn se retrouve jeudi à 12 h 30 au CDI pour lancer le Printemps des poètes ? "
                             "J'apporte les recueils de l'an dernier.\n\nKarim\n"), flags=["\\Seen"])[0])

    # 9. Administration: payroll and a form.
    put("Administration", build(rng, sender=SERVICES[10], to=me, subject="Votre bulletin de paie est disponible dans l'ENSAP",
                                date=at(now, 28, 6, 2), body=text_part(
                                    "Madame,\n\nVotre bulletin de paie est disponible dans votre espace numérique sécurisé "
                                    "de l'agent public (ENSAP).\n\nCe message est envoyé automatiquement, merci de ne pas y répondre.\n"),
                                flags=["\\Seen"])[0])
    put("Administration", build(rng, sender=sec, to=me, subject="Demande d'autorisation d'absence — formulaire",
                                date=at(now, 61, 14, 30), body=multipart("mixed", [
                                    text_part("Bonjour,\n\nVous trouverez ci-joint le formulaire de demande d'autorisation "
                                              "d'absence, à retourner signé au secrétariat.\n\nLe secrétariat de direction\n"),
                                    attachment(make_odt("Demande d'autorisation d'absence", ["Nom :", "Motif :", "Date :"]),
                                               "application/vnd.oasis.opendocument.text", "demande d'absence.odt")]),
                                flags=["\\Seen"])[0])

    # 10. Sent, Drafts, Trash, Junk.
    for days, to, subj, text in [
        (2, principal, "Re: Convocation conseil de classe", "Bonjour Hélène,\n\nBien reçu, je serai présente.\n\nSophie\n"),
        (6, ("Claire Lambert", "claire.lambert@" + DOMAIN), "Séquence Antigone",
         "Claire,\n\nVoici ma séquence sur Antigone, comme promis.\n\nSophie\n"),
        (15, ("Marc Martin", "marc.martin@" + DOMAIN), "Élèves absents au voyage",
         "Marc,\n\nPeux-tu me dire si les deux fiches sanitaires manquantes sont arrivées ?\n\nMerci,\nSophie\n"),
        (30, ("Autocars Bréhat Voyages", "reservations@brehat-voyages.example.com"), "Re: Devis voyage à Rome",
         "Bonjour,\n\nNous acceptons votre devis. Le bon de commande signé suivra par courrier.\n\n"
         "Sophie Dupont\nCollège Jean Moulin\n"),
    ]:
        put("Sent", build(rng, sender=me, to=to, subject=subj, date=at(now, days, 18, 5), body=text_part(text),
                          flags=["\\Seen"], mailer=MAILERS[4])[0])
    put("Drafts", build(rng, sender=me, to=("Nathalie Mercier", "nathalie.mercier@" + DOMAIN),
                        subject="Programme Rome — mes remarques", date=at(now, 0, 7, 55),
                        body=text_part("Nathalie,\n\nJ'ai relu le programme. Deux remarques :\n- \n"),
                        flags=["\\Seen", "\\Draft"])[0])
    put("Trash", build(rng, sender=("Boutique Rentrée", "promo@rentree.example.net"), to=me,
                       subject="-30 % sur les fournitures scolaires", date=at(now, 9, 20, 1),
                       body=text_part("Profitez de nos offres jusqu'à dimanche !\n"), flags=["\\Seen"])[0])
    for days, subj, text in [
        (1, "Votre colis est en attente de livraison", "Votre colis n'a pas pu être livré. Payez 1,99 EUR de frais : http://colis-suivi.example.net/f\n"),
        (4, "Félicitations ! Vous avez été sélectionné(e)", "Vous avez gagné un iPhone 15. Cliquez ici pour réclamer votre cadeau : http://cadeau.example.net/\n"),
        (7, "Messagerie : votre boîte est pleine", "Votre quota est dépassé. Validez votre compte ici sous 24 h : http://webmail-ac-demo.example.net/login\n"),
    ]:
        put("Junk", build(rng, sender=("Service Client", "no-reply@%s.example.net" % rng.choice(["promo", "colis", "securite"])),
                          to=me, subject=subj, date=at(now, days, 3, 33), body=text_part(text), flags=[])[0])
    return boxes


def demo_boxes(rng, now, login):
    user = DEMO_USERS[login]
    me = (user["name"], user["addr"])
    boxes = demo_specials(rng, now, user) if login == "sdupont" else {}
    writer = Writer(rng, now)
    for when in spread_dates(rng, user["bulk"], now - dt.timedelta(hours=2), 180):
        flags = flags_for(rng, when, now)
        mail = writer.message(when, me, user["first"], flags)
        r = rng.random()
        folder = "INBOX"
        if (now - when).days > 90 and r < 0.15:
            folder = "Archive"
        elif login == "sdupont" and r < 0.08:
            folder = "Pédagogie"
        elif login == "sdupont" and r < 0.12:
            folder = "Administration"
        if folder != "INBOX" and "\\Seen" not in mail.flags:
            mail.flags = mail.flags + ("\\Seen",)
        boxes.setdefault(folder, []).append(mail)
    if login == "mmartin":
        boxes.setdefault("INBOX", []).append(build(
            rng, sender=("Sophie Dupont", "sophie.dupont@" + DOMAIN), to=me, subject="Élèves absents au voyage",
            date=now - dt.timedelta(days=15, hours=1),
            body=text_part("Marc,\n\nPeux-tu me dire si les deux fiches sanitaires manquantes sont arrivées ?\n\nMerci,\nSophie\n"),
            flags=["\\Seen", "\\Answered"])[0])
    for mails in boxes.values():
        mails.sort(key=lambda m: m.date)
    return boxes


def bulk_messages(rng, now, count, addr, first, days):
    """count varied messages for one recipient, oldest first (a generator)."""
    writer = Writer(rng, now)
    for when in spread_dates(rng, count, now, days):
        yield writer.message(when, (None, addr), first, flags_for(rng, when, now))


# --------------------------------------------------------------------------
# IMAP
# --------------------------------------------------------------------------

def imap_utf7(name):
    """RFC 3501 modified UTF-7 for a mailbox name."""
    out, pending = [], []

    def flush():
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapError(Exception):
    pass


class Imap:
    """Just enough IMAP to log in over STARTTLS and APPEND in bulk."""

    def __init__(self, host, port, cafile):
        self.host = host
        self.sock = socket.create_connection((host, port), timeout=120)
        self.file = self.sock.makefile("rb")
        self.n = 0
        greeting = self.readline()
        if not greeting.startswith(b"* OK"):
            raise ImapError("greeting: %r" % greeting)
        self.command("STARTTLS")
        ctx = ssl.create_default_context(cafile=cafile)
        self.sock = ctx.wrap_socket(self.sock, server_hostname=host)
        self.file = self.sock.makefile("rb")

    def readline(self):
        line = self.file.readline()
        if not line:
            raise ImapError("connection closed by the server")
        return line

    def read_response(self, tag):
        lines = []
        while True:
            line = self.readline()
            while line.endswith(b"}\r\n") and b"{" in line:
                size = int(line[line.rindex(b"{") + 1:-3].rstrip(b"+"))
                line += self.file.read(size) + self.readline()
            lines.append(line)
            if line.startswith(tag + b" "):
                status = line[len(tag) + 1:].split(b" ", 1)[0]
                if status != b"OK":
                    raise ImapError(line.decode("utf-8", "replace").strip())
                return lines

    def tag(self):
        self.n += 1
        return b"F%04d" % self.n

    def command(self, text):
        tag = self.tag()
        self.sock.sendall(tag + b" " + text.encode("utf-8") + b"\r\n")
        return self.read_response(tag)

    def login(self, user, password):
        self.command("LOGIN %s %s" % (quote(user), quote(password)))

    def create(self, mailbox):
        try:
            self.command("CREATE " + quote(imap_utf7(mailbox)))
        except ImapError as e:
            if "ALREADYEXISTS" not in str(e) and "already exists" not in str(e):
                raise
        self.command("SUBSCRIBE " + quote(imap_utf7(mailbox)))

    def append_all(self, mailbox, mails, batch_bytes=4 << 20, window=4):
        """MULTIAPPEND with LITERAL+, several commands in flight."""
        box = quote(imap_utf7(mailbox)).encode()
        pending, count = [], 0
        buf, size = [], 0

        def send():
            nonlocal buf, size
            if not buf:
                return
            tag = self.tag()
            self.sock.sendall(tag + b" APPEND " + box + b"".join(buf) + b"\r\n")
            pending.append(tag)
            buf, size = [], 0
            while len(pending) > window:
                self.read_response(pending.pop(0))

        for mail in mails:
            flags = " ".join(mail.flags)
            buf.append(b" (%s) \"%s\" {%d+}\r\n" % (flags.encode(), imap_date(mail.date).encode(), len(mail.data)))
            buf.append(mail.data)
            size += len(mail.data)
            count += 1
            if size >= batch_bytes or len(buf) >= 1000:
                send()
        send()
        while pending:
            self.read_response(pending.pop(0))
        return count

    def logout(self):
        try:
            self.command("LOGOUT")
        except ImapError:
            pass
        self.sock.close()


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------

def cmd_demo(args):
    rng = random.Random(args.seed)
    now = dt.datetime.now(PARIS).replace(microsecond=0)
    boxes = demo_boxes(rng, now, args.user)
    imap = Imap(args.host, args.port, args.ca)
    imap.login(args.user, args.password)
    total = 0
    for folder in sorted(boxes, key=lambda f: (f.count("/"), f)):
        if folder not in ("INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"):
            imap.create(folder)
        total += imap.append_all(folder, boxes[folder])
    imap.logout()
    print("%s: %d messages in %s" % (args.user, total, ", ".join("%s (%d)" % (f, len(m)) for f, m in sorted(boxes.items()))))


def cmd_fill(args):
    rng = random.Random(args.seed)
    now = dt.datetime.now(PARIS).replace(microsecond=0)
    addr = args.address or "%s@%s" % (args.user, DOMAIN)
    first = args.user.capitalize()
    t0 = time.time()
    imap = Imap(args.host, args.port, args.ca)
    imap.login(args.user, args.password)
    days = max(30, min(730, args.count // 10))
    n = imap.append_all(args.mailbox, bulk_messages(rng, now, args.count, addr, first, days))
    imap.logout()
    print("%s: %d messages appended to %s in %.1f s" % (args.user, n, args.mailbox, time.time() - t0))


def cmd_eml(args):
    rng = random.Random(args.seed)
    now = dt.datetime.now(PARIS).replace(microsecond=0)
    os.makedirs(args.out, exist_ok=True)
    if args.demo:
        boxes = demo_boxes(rng, now, args.demo)
    else:
        boxes = {"INBOX": list(bulk_messages(rng, now, args.count, "test@" + DOMAIN, "Test", 365))}
    n = 0
    for folder, mails in boxes.items():
        d = os.path.join(args.out, folder.replace("/", "_"))
        os.makedirs(d, exist_ok=True)
        for i, mail in enumerate(mails):
            with open(os.path.join(d, "%05d.eml" % i), "wb") as f:
                f.write(mail.data)
            n += 1
    print("%d messages written under %s" % (n, args.out))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=10143)
    p.add_argument("--ca", default=os.path.join(os.environ.get("FACTEUR_RUN_DIR", "/tmp/facteur-run"), "ca.pem"))
    p.add_argument("--seed", type=int, default=2026)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("demo", help="fill a demo account (sdupont, mmartin)")
    d.add_argument("--user", required=True, choices=sorted(DEMO_USERS))
    d.add_argument("--password", required=True)
    f = sub.add_parser("fill", help="append N generated messages to a mailbox")
    f.add_argument("--user", required=True)
    f.add_argument("--password", required=True)
    f.add_argument("--count", type=int, required=True)
    f.add_argument("--mailbox", default="INBOX")
    f.add_argument("--address", help="the recipient address (default USER@%s)" % DOMAIN)
    e = sub.add_parser("eml", help="write messages as .eml files instead")
    e.add_argument("--out", required=True)
    e.add_argument("--count", type=int, default=50)
    e.add_argument("--demo", choices=sorted(DEMO_USERS))
    args = p.parse_args()
    try:
        {"demo": cmd_demo, "fill": cmd_fill, "eml": cmd_eml}[args.cmd](args)
    except (ImapError, OSError, ssl.SSLError) as e:
        sys.exit("gen.py: %s" % e)


if __name__ == "__main__":
    main()
