//! vCard 3.0 (RFC 2426) and 4.0 (RFC 6350): read into
//! [`shared::contacts::Contact`] and written back.
//!
//! A card is kept as its list of properties, values as written (escaped),
//! so that editing a contact replaces only the properties Facteur models
//! (FN, N, EMAIL, TEL, ORG, TITLE, NOTE) and only when they changed: a
//! photo, an address, a birthday or an `X-` property a phone stored stays
//! as it was. New cards are written as vCard 3.0 (the widest support);
//! an existing card keeps its version. Lines end with CRLF and are folded
//! at 75 octets without cutting a UTF-8 character.

use shared::contacts::{Contact, Typed};

/// The properties [`to_contact`](VCard::to_contact) reads and
/// [`with_contact`] writes.
pub const MODELED: [&str; 7] = ["FN", "N", "EMAIL", "TEL", "ORG", "TITLE", "NOTE"];

/// Longest line written, CRLF aside (RFC 6350 §3.2).
const FOLD_AT: usize = 75;

/// One parameter: its name (upper case) and values, unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub values: Vec<String>,
}

/// One content line: `[group.]NAME;PARAM=…:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The group (`item1` in `item1.EMAIL`), as written.
    pub group: Option<String>,
    /// The name, upper case.
    pub name: String,
    pub params: Vec<Param>,
    /// The value as written in the file (still escaped).
    pub value: String,
    /// The line as read, written back as is while the property is not
    /// changed (a property built or changed here has none).
    pub raw: Option<String>,
}

impl Property {
    /// A property with a text value (escaped here).
    pub fn text(name: &str, value: &str) -> Self {
        Property {
            group: None,
            name: name.to_string(),
            params: Vec::new(),
            value: escape(value),
            raw: None,
        }
    }

    /// The value unescaped (for text properties).
    pub fn text_value(&self) -> String {
        unescape(&self.value)
    }

    /// Every `TYPE` value, lower case (`TYPE=work,home`, `TYPE="cell,voice"`
    /// and the bare `WORK` of vCard 2.1 alike).
    pub fn types(&self) -> Vec<String> {
        self.params
            .iter()
            .filter(|p| p.name == "TYPE")
            .flat_map(|p| p.values.iter())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The content line, unfolded, without CRLF.
    pub fn to_line(&self) -> String {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let mut out = String::new();
        if let Some(g) = &self.group {
            out.push_str(g);
            out.push('.');
        }
        out.push_str(&self.name);
        for p in &self.params {
            out.push(';');
            out.push_str(&p.name);
            out.push('=');
            let values: Vec<String> = p.values.iter().map(|v| param_value(v)).collect();
            out.push_str(&values.join(","));
        }
        out.push(':');
        out.push_str(&self.value);
        out
    }
}

/// A parameter value as written: `"` and control characters dropped
/// (3.0 cannot escape them), quoted when it holds `:`, `;` or `,`.
fn param_value(v: &str) -> String {
    let clean: String = v.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// A card: its properties in order, `BEGIN`/`END` aside.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VCard {
    pub props: Vec<Property>,
}

/// Why a card cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VCardError(pub String);

impl VCard {
    /// The first property of this name.
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    /// `VERSION`, if written.
    pub fn version(&self) -> Option<String> {
        self.get("VERSION").map(|p| p.value.trim().to_string())
    }

    /// `UID`, if written and not empty.
    pub fn uid(&self) -> Option<String> {
        self.get("UID")
            .map(|p| p.text_value().trim().to_string())
            .filter(|u| !u.is_empty())
    }

    /// Sets `UID` (replacing any).
    pub fn set_uid(&mut self, uid: &str) {
        replace(&mut self.props, "UID", vec![Property::text("UID", uid)]);
    }

    /// What the API shows of the card (`id` and `etag` left empty).
    pub fn to_contact(&self) -> Contact {
        let text = |name: &str| {
            self.get(name)
                .map(|p| p.text_value().trim().to_string())
                .unwrap_or_default()
        };
        let (family_name, given_name) = match self.get("N") {
            Some(p) => {
                let parts = split_unescaped(&p.value, ';');
                let part = |i: usize| {
                    parts
                        .get(i)
                        .map(|s| s.replace(',', " ").trim().to_string())
                        .unwrap_or_default()
                };
                (part(0), part(1))
            }
            None => (String::new(), String::new()),
        };
        let organization = self
            .get("ORG")
            .map(|p| {
                split_unescaped(&p.value, ';')
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let mut c = Contact {
            full_name: text("FN"),
            given_name,
            family_name,
            emails: self.typed("EMAIL"),
            phones: self.typed("TEL"),
            organization,
            title: text("TITLE"),
            note: text("NOTE"),
            ..Default::default()
        };
        if c.full_name.is_empty() {
            c.full_name = display_name(&c);
        }
        c
    }

    fn typed(&self, name: &str) -> Vec<Typed> {
        self.props
            .iter()
            .filter(|p| p.name == name)
            .filter_map(|p| typed_of(p, name))
            .collect()
    }

    /// The card as a file: `BEGIN`, `VERSION` first, the properties,
    /// `END`, CRLF line ends, folded at 75 octets.
    pub fn write(&self) -> String {
        let mut out = String::from("BEGIN:VCARD\r\n");
        let version = self.get("VERSION").cloned().unwrap_or(Property {
            group: None,
            name: "VERSION".into(),
            params: Vec::new(),
            value: "3.0".into(),
            raw: None,
        });
        out.push_str(&fold(&version.to_line()));
        for p in self.props.iter().filter(|p| p.name != "VERSION") {
            out.push_str(&fold(&p.to_line()));
        }
        out.push_str("END:VCARD\r\n");
        out
    }
}

/// The (kind, value) of an EMAIL or TEL property; `None` when empty.
fn typed_of(p: &Property, name: &str) -> Option<Typed> {
    let mut value = p.text_value().trim().to_string();
    if name == "TEL" {
        if let Some(v) = value.strip_prefix("tel:") {
            value = v.to_string();
        }
    } else if let Some(v) = value.strip_prefix("mailto:") {
        value = v.to_string();
    }
    if value.is_empty() {
        return None;
    }
    let generic = ["internet", "pref", "voice", "x400", "text"];
    let kind = p
        .types()
        .into_iter()
        .find(|t| !generic.contains(&t.as_str()));
    Some(Typed { kind, value })
}

/// The name to show for a contact: its full name, else given and family
/// names, else its organisation, else its first address.
pub fn display_name(c: &Contact) -> String {
    let full = c.full_name.trim();
    if !full.is_empty() {
        return full.to_string();
    }
    let names = format!("{} {}", c.given_name.trim(), c.family_name.trim());
    let names = names.trim();
    if !names.is_empty() {
        return names.to_string();
    }
    if !c.organization.trim().is_empty() {
        return c.organization.trim().to_string();
    }
    c.emails
        .first()
        .map(|e| e.value.trim().to_string())
        .unwrap_or_default()
}

/// Replaces every property `name` by `new` (at the place of the first
/// one, else at the end).
fn replace(props: &mut Vec<Property>, name: &str, new: Vec<Property>) {
    let at = props.iter().position(|p| p.name == name);
    props.retain(|p| p.name != name);
    let at = at.unwrap_or(props.len()).min(props.len());
    props.splice(at..at, new);
}

/// A TYPE parameter for a kind typed by the user: letters, digits and
/// `-` only.
fn type_param(kind: &Option<String>) -> Vec<Param> {
    let Some(kind) = kind else { return Vec::new() };
    let clean: String = kind
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if clean.is_empty() {
        Vec::new()
    } else {
        vec![Param {
            name: "TYPE".into(),
            values: vec![clean],
        }]
    }
}

/// The card for a contact: `base` (the stored card) with only the modelled
/// properties that changed replaced, or a new vCard 3.0. The UID of
/// `base` is kept; a new card has none (the caller sets one).
pub fn with_contact(base: Option<&VCard>, c: &Contact) -> VCard {
    let old = base.map(VCard::to_contact).unwrap_or_default();
    let mut card = base.cloned().unwrap_or_else(|| VCard {
        props: vec![
            Property {
                group: None,
                name: "VERSION".into(),
                params: Vec::new(),
                value: "3.0".into(),
                raw: None,
            },
            Property {
                group: None,
                name: "PRODID".into(),
                params: Vec::new(),
                value: "-//Facteur//Facteur//FR".into(),
                raw: None,
            },
        ],
    });
    let v4 = card.version().is_some_and(|v| v.starts_with('4'));
    let mut changed = base.is_none();

    let full_name = display_name(c);
    if full_name != old.full_name || card.get("FN").is_none() {
        replace(
            &mut card.props,
            "FN",
            vec![Property::text("FN", &full_name)],
        );
        changed = true;
    }
    if c.given_name.trim() != old.given_name
        || c.family_name.trim() != old.family_name
        || (card.get("N").is_none() && !v4)
    {
        // Keep the other parts (additional names, prefixes, suffixes).
        let mut parts: Vec<String> = card
            .get("N")
            .map(|p| split_raw(&p.value, ';'))
            .unwrap_or_default();
        parts.resize(parts.len().max(5), String::new());
        parts[0] = escape(c.family_name.trim());
        parts[1] = escape(c.given_name.trim());
        let mut n = card.get("N").cloned().unwrap_or(Property {
            group: None,
            name: "N".into(),
            params: Vec::new(),
            value: String::new(),
            raw: None,
        });
        n.value = parts.join(";");
        n.raw = None;
        replace(&mut card.props, "N", vec![n]);
        changed = true;
    }
    for (name, new, old_list) in [
        ("EMAIL", &c.emails, &old.emails),
        ("TEL", &c.phones, &old.phones),
    ] {
        let new: Vec<Typed> = new
            .iter()
            .map(|t| Typed {
                kind: t.kind.clone().filter(|k| !k.trim().is_empty()),
                value: t.value.trim().to_string(),
            })
            .filter(|t| !t.value.is_empty())
            .collect();
        if &new == old_list {
            continue;
        }
        // An entry that did not change keeps its line (its group, PREF…).
        let mut unused: Vec<Property> = card
            .props
            .iter()
            .filter(|p| p.name == name)
            .cloned()
            .collect();
        let props = new
            .iter()
            .map(|t| {
                match unused
                    .iter()
                    .position(|p| typed_of(p, name).as_ref() == Some(t))
                {
                    Some(i) => unused.remove(i),
                    None => Property {
                        group: None,
                        name: name.into(),
                        params: type_param(&t.kind),
                        value: escape(&t.value),
                        raw: None,
                    },
                }
            })
            .collect();
        replace(&mut card.props, name, props);
        changed = true;
    }
    for (name, new, old_value) in [
        ("ORG", &c.organization, &old.organization),
        ("TITLE", &c.title, &old.title),
        ("NOTE", &c.note, &old.note),
    ] {
        let new = new.trim();
        if new == old_value {
            continue;
        }
        let props = if new.is_empty() {
            Vec::new()
        } else {
            vec![Property::text(name, new)]
        };
        replace(&mut card.props, name, props);
        changed = true;
    }
    if changed {
        let rev = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        replace(
            &mut card.props,
            "REV",
            vec![Property {
                group: None,
                name: "REV".into(),
                params: Vec::new(),
                value: rev,
                raw: None,
            }],
        );
    }
    card
}

/// Text escaped for a value (RFC 6350 §3.4): `\`, `,`, `;` and newlines.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A value unescaped: `\n`/`\N` → newline, `\,` `\;` `\\` → the character.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c) => out.push(c),
            None => out.push('\\'),
        }
    }
    out
}

/// A raw value split at the separators that are not escaped; the parts
/// stay escaped.
fn split_raw(s: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(last) = parts.last_mut() {
                last.push('\\');
                if let Some(n) = chars.next() {
                    last.push(n);
                }
            }
        } else if c == sep {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// A structured value (N, ORG) split at unescaped separators, each part
/// unescaped.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    split_raw(s, sep).iter().map(|p| unescape(p)).collect()
}

/// A content line folded at 75 octets (continuations start with a space),
/// never inside a UTF-8 character; with its CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut rest = line;
    let mut limit = FOLD_AT;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return out;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The continuation's leading space counts.
        limit = FOLD_AT - 1;
    }
}

/// Physical lines joined back (RFC 6350 §3.2): a line starting with a
/// space or tab continues the previous one. Works on bytes, so a fold
/// that cut a UTF-8 character is mended; a line that is not UTF-8 is read
/// as Latin-1.
pub fn unfold(data: &[u8]) -> Vec<String> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for raw in data.split(|b| *b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match (raw.first(), lines.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => last.extend_from_slice(&raw[1..]),
            _ => lines.push(raw.to_vec()),
        }
    }
    lines
        .into_iter()
        .map(|l| match String::from_utf8(l) {
            Ok(s) => s,
            Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
        })
        .collect()
}

/// Reads one content line.
fn parse_line(line: &str) -> Result<Property, String> {
    let name_end = line
        .find([';', ':'])
        .ok_or_else(|| "ligne sans « : »".to_string())?;
    let full_name = &line[..name_end];
    if full_name.is_empty()
        || !full_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err("nom de propriété invalide".into());
    }
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (Some(g.to_string()), n),
        None => (None, full_name),
    };
    if name.is_empty() {
        return Err("nom de propriété invalide".into());
    }
    let mut params = Vec::new();
    let bytes = line.as_bytes();
    let mut i = name_end;
    while bytes.get(i) == Some(&b';') {
        i += 1;
        let start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b';' | b':') {
            i += 1;
        }
        let pname = line[start..i].trim().to_ascii_uppercase();
        if bytes.get(i) != Some(&b'=') {
            // vCard 2.1: `TEL;WORK;VOICE:` means TYPE=WORK,VOICE.
            if !pname.is_empty() {
                params.push(Param {
                    name: "TYPE".into(),
                    values: vec![pname],
                });
            }
            continue;
        }
        i += 1;
        let mut values = Vec::new();
        loop {
            if bytes.get(i) == Some(&b'"') {
                let close = line[i + 1..]
                    .find('"')
                    .ok_or_else(|| "guillemet de paramètre non fermé".to_string())?;
                values.push(line[i + 1..i + 1 + close].to_string());
                i += close + 2;
            } else {
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b',' | b';' | b':') {
                    i += 1;
                }
                values.push(line[start..i].to_string());
            }
            if bytes.get(i) == Some(&b',') {
                i += 1;
            } else {
                break;
            }
        }
        params.push(Param {
            name: pname,
            values,
        });
    }
    if bytes.get(i) != Some(&b':') {
        return Err("ligne sans « : »".into());
    }
    Ok(Property {
        group,
        name: name.to_ascii_uppercase(),
        params,
        value: line[i + 1..].to_string(),
        raw: Some(line.to_string()),
    })
}

/// Every card of a `.vcf` file, each read or refused on its own (a bad
/// card does not hide the others). Text outside any card is ignored; a
/// file without any card gives one error.
pub fn parse(data: &[u8]) -> Vec<Result<VCard, VCardError>> {
    struct Open {
        props: Vec<Property>,
        error: Option<String>,
    }
    let mut out = Vec::new();
    let mut cur: Option<Open> = None;
    for line in unfold(data) {
        if line.trim().is_empty() {
            continue;
        }
        let parsed = parse_line(&line);
        let is = |p: &Property, name: &str| {
            p.name == name && p.value.trim().eq_ignore_ascii_case("VCARD")
        };
        match parsed {
            Ok(p) if is(&p, "BEGIN") => {
                if cur.is_some() {
                    out.push(Err(VCardError(
                        "carte non terminée (END:VCARD manquant)".into(),
                    )));
                }
                cur = Some(Open {
                    props: Vec::new(),
                    error: None,
                });
            }
            Ok(p) if is(&p, "END") => match cur.take() {
                Some(Open { error: Some(e), .. }) => out.push(Err(VCardError(e))),
                Some(Open { props, error: None }) => out.push(finish(props)),
                None => out.push(Err(VCardError("END:VCARD sans BEGIN:VCARD".into()))),
            },
            Ok(p) => {
                if let Some(c) = cur.as_mut() {
                    c.props.push(p);
                }
            }
            Err(e) => {
                if let Some(c) = cur.as_mut()
                    && c.error.is_none()
                {
                    c.error = Some(format!(
                        "ligne « {} » illisible : {e}",
                        crate::net::truncate(&line, 60)
                    ));
                }
            }
        }
    }
    if cur.is_some() {
        out.push(Err(VCardError(
            "carte non terminée (END:VCARD manquant)".into(),
        )));
    }
    if out.is_empty() {
        out.push(Err(VCardError("aucune carte vCard (BEGIN:VCARD)".into())));
    }
    out
}

fn finish(props: Vec<Property>) -> Result<VCard, VCardError> {
    let card = VCard { props };
    if let Some(v) = card.version()
        && !matches!(v.as_str(), "2.1" | "3.0" | "4.0")
    {
        return Err(VCardError(format!("version vCard inconnue : {v}")));
    }
    if !card
        .props
        .iter()
        .any(|p| matches!(p.name.as_str(), "FN" | "N" | "EMAIL" | "ORG"))
    {
        return Err(VCardError("carte sans nom ni adresse".into()));
    }
    Ok(card)
}

/// Exactly one card (a stored resource).
pub fn parse_one(data: &[u8]) -> Result<VCard, VCardError> {
    let mut cards = parse(data);
    if cards.len() != 1 {
        return Err(VCardError(format!(
            "{} cartes là où une seule est attendue",
            cards.len()
        )));
    }
    cards.remove(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> VCard {
        parse_one(text.as_bytes()).unwrap()
    }

    #[test]
    fn reads_a_vcard_3() {
        let c = one(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hélène Lefèvre\r\nN:Lefèvre;Hélène;;;\r\n\
             EMAIL;TYPE=INTERNET,WORK:helene@ac-demo.fr\r\nEMAIL:h@perso.fr\r\n\
             TEL;TYPE=CELL,VOICE:+33 6 12 34 56 78\r\nORG:Collège Jean Moulin;Direction\r\n\
             TITLE:Principale\r\nNOTE:ligne 1\\nligne 2\\, avec virgule\\; et point-virgule\\\\\r\n\
             UID:abc-123\r\nEND:VCARD\r\n",
        )
        .to_contact();
        assert_eq!(c.full_name, "Hélène Lefèvre");
        assert_eq!(
            (c.given_name.as_str(), c.family_name.as_str()),
            ("Hélène", "Lefèvre")
        );
        assert_eq!(c.emails[0].kind.as_deref(), Some("work"));
        assert_eq!(
            c.emails[1],
            Typed {
                kind: None,
                value: "h@perso.fr".into()
            }
        );
        assert_eq!(c.phones[0].kind.as_deref(), Some("cell"));
        assert_eq!(c.organization, "Collège Jean Moulin, Direction");
        assert_eq!(c.note, "ligne 1\nligne 2, avec virgule; et point-virgule\\");
    }

    #[test]
    fn reads_a_vcard_4() {
        let card = one(
            "BEGIN:VCARD\nVERSION:4.0\nFN:Jean Dupont\nN:Dupont;Jean;;;\n\
             EMAIL;TYPE=\"work,pref\";PREF=1:jean@ac-demo.fr\nTEL;VALUE=uri;TYPE=\"cell,voice\":tel:+33-6-00\n\
             UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\nEND:VCARD\n",
        );
        assert_eq!(card.version().as_deref(), Some("4.0"));
        assert_eq!(
            card.uid().as_deref(),
            Some("urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1")
        );
        let c = card.to_contact();
        assert_eq!(
            c.emails[0],
            Typed {
                kind: Some("work".into()),
                value: "jean@ac-demo.fr".into()
            }
        );
        assert_eq!(
            c.phones[0],
            Typed {
                kind: Some("cell".into()),
                value: "+33-6-00".into()
            }
        );
        // Edited, it stays a 4.0 card.
        let mut edited = c.clone();
        edited.title = "Professeur".into();
        let out = with_contact(Some(&card), &edited).write();
        assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{out}");
        assert!(out.contains("TITLE:Professeur\r\n"));
        assert!(
            out.contains("EMAIL;TYPE=\"work,pref\";PREF=1:jean@ac-demo.fr\r\n"),
            "{out}"
        );
    }

    #[test]
    fn round_trip() {
        let c = Contact {
            full_name: "Zoé d'Aubigné".into(),
            given_name: "Zoé".into(),
            family_name: "d'Aubigné".into(),
            emails: vec![
                Typed {
                    kind: Some("work".into()),
                    value: "zoe@ac-demo.fr".into(),
                },
                Typed {
                    kind: None,
                    value: "zoe@perso.fr".into(),
                },
            ],
            phones: vec![Typed {
                kind: Some("home".into()),
                value: "01 02 03 04 05".into(),
            }],
            organization: "Lycée Pasteur; annexe, Nord".into(),
            title: "CPE".into(),
            note: "Appeler le mardi\nAprès 17 h, bureau 3\\B".into(),
            ..Default::default()
        };
        let mut card = with_contact(None, &c);
        card.set_uid("u-1");
        let text = card.write();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
        assert!(text.ends_with("END:VCARD\r\n"));
        assert!(text.contains("N:d'Aubigné;Zoé;;;\r\n"));
        let back = parse_one(text.as_bytes()).unwrap();
        assert_eq!(back.uid().as_deref(), Some("u-1"));
        assert_eq!(back.to_contact(), c);
        // Writing what was read changes nothing.
        assert_eq!(with_contact(Some(&back), &c), back);
    }

    #[test]
    fn folding_keeps_utf8_characters_whole() {
        let note = "é".repeat(100) + &"x".repeat(33) + "€€€";
        let c = Contact {
            full_name: "Pli".into(),
            note: note.clone(),
            ..Default::default()
        };
        let text = with_contact(None, &c).write();
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(text.contains("\r\n "));
        assert_eq!(parse_one(text.as_bytes()).unwrap().to_contact().note, note);
        // A fold that cut a character in two (other writers do) is mended.
        let bytes = "NOTE:aé".as_bytes();
        let mut folded = b"BEGIN:VCARD\r\nFN:x\r\n".to_vec();
        folded.extend_from_slice(&bytes[..bytes.len() - 1]);
        folded.extend_from_slice(b"\r\n ");
        folded.extend_from_slice(&bytes[bytes.len() - 1..]);
        folded.extend_from_slice(b"\r\n\tb\r\nEND:VCARD\r\n");
        assert_eq!(parse_one(&folded).unwrap().to_contact().note, "aéb");
    }

    #[test]
    fn unknown_properties_are_kept() {
        let stored = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17//EN\r\n\
             N:Martin;Paul;;M.;\r\nFN:Paul Martin\r\nitem1.EMAIL;type=INTERNET;type=pref:paul@ac-demo.fr\r\n\
             item1.X-ABLabel:_$!<Other>!$_\r\nTEL;type=CELL:06 00 00 00 00\r\n\
             ADR;TYPE=HOME:;;1 rue de la Paix;Paris;;75002;France\r\nBDAY:1980-05-04\r\n\
             PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDA\r\n \
             sLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgN\r\n\
             X-CUSTOM;X-PARAM=\"a:b\":valeur\r\nUID:iphone-1\r\nEND:VCARD\r\n";
        let card = one(stored);
        let mut c = card.to_contact();
        assert_eq!(c.emails[0].value, "paul@ac-demo.fr");
        c.phones[0].value = "07 11 11 11 11".into();
        c.given_name = "Paul-Henri".into();
        c.full_name = "Paul-Henri Martin".into();
        let out = with_contact(Some(&card), &c).write();
        for kept in [
            "PRODID:-//Apple Inc.//iPhone OS 17//EN",
            "item1.EMAIL;type=INTERNET;type=pref:paul@ac-demo.fr",
            "item1.X-ABLabel:_$!<Other>!$_",
            "ADR;TYPE=HOME:;;1 rue de la Paix;Paris;;75002;France",
            "BDAY:1980-05-04",
            "X-CUSTOM;X-PARAM=\"a:b\":valeur",
            "UID:iphone-1",
            "N:Martin;Paul-Henri;;M.;",
            "TEL;TYPE=cell:07 11 11 11 11",
        ] {
            assert!(out.contains(kept), "{kept} missing from\n{out}");
        }
        let again = parse_one(out.as_bytes()).unwrap();
        let photo = |c: &VCard| c.get("PHOTO").map(|p| p.value.clone());
        assert_eq!(photo(&again), photo(&card));
        assert_eq!(again.to_contact(), c);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert_eq!(unescape("a\\,b\\;c\\\\d\\ne\\Nf\\"), "a,b;c\\d\ne\nf\\");
        assert_eq!(unescape(&escape("x, y; z\\n")), "x, y; z\\n");
        assert_eq!(split_unescaped("a\\;b;c", ';'), ["a;b", "c"]);
    }

    #[test]
    fn several_cards_and_bad_ones() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Un\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Deux\r\ncette ligne n'a pas de deux-points\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trois\r\nEND:VCARD\r\n\
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Quatre\r\n";
        let cards = parse(text.as_bytes());
        assert_eq!(cards.len(), 4);
        assert_eq!(cards[0].as_ref().unwrap().to_contact().full_name, "Un");
        assert!(cards[1].as_ref().unwrap_err().0.contains("deux-points"));
        assert_eq!(cards[2].as_ref().unwrap().to_contact().full_name, "Trois");
        assert!(cards[3].as_ref().unwrap_err().0.contains("END:VCARD"));
        for bad in [
            "",
            "n'importe quoi",
            "BEGIN:VCARD\nVERSION:9\nFN:x\nEND:VCARD",
            "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD",
            "BEGIN:VCARD\nFN;X=\"ouvert:x\nEND:VCARD",
            "BEGIN:VCARD\n:x\nEND:VCARD",
            "END:VCARD",
        ] {
            let r = parse(bad.as_bytes());
            assert!(r.iter().all(Result::is_err), "{bad:?}: {r:?}");
        }
        assert!(parse_one(text.as_bytes()).is_err());
    }

    #[test]
    fn vcard_21_bare_types_and_latin1() {
        let data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:M\xfcller;J\xfcrgen\r\nTEL;WORK;VOICE:0102\r\nEND:VCARD\r\n";
        let c = parse_one(data).unwrap().to_contact();
        assert_eq!(c.full_name, "Jürgen Müller");
        assert_eq!(c.phones[0].kind.as_deref(), Some("work"));
    }
}
