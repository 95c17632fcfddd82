//! Filter rules and the out-of-office reply: the typed model the backend
//! compiles to Sieve (RFC 5228), its validation, and the dry run that
//! evaluates a rule against the headers of a message already received.
//!
//! Text comparisons follow the server's default comparator `i;ascii-casemap`
//! (RFC 4790 §9.2, RFC 5228 §2.7.3): ASCII letters fold, other characters
//! compare exactly, so the dry run says what the server will do.

use serde::{Deserialize, Serialize};

use crate::mail::Address;

/// Everything a user's filters page holds: the ordered rules and the
/// out-of-office reply. This is what Facteur stores in its own scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilterSet {
    /// Applied in order at delivery.
    pub rules: Vec<FilterRule>,
    pub vacation: Option<Vacation>,
    /// Forward every message to another address (applied after the rules).
    #[serde(default)]
    pub forward: Option<ForwardAll>,
}

/// Forwarding of all mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForwardAll {
    pub address: String,
    /// Keep a copy in this mailbox too.
    pub keep_copy: bool,
}

/// `GET /api/filters`: the user's filters, and the active script when
/// Facteur did not write it (shown read-only until the user replaces it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiltersState {
    pub filters: FilterSet,
    pub foreign_script: Option<ForeignScript>,
    /// Sieve extensions the server offers (what the form may propose).
    pub extensions: Vec<String>,
}

/// A script another client or an administrator wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForeignScript {
    pub name: String,
    pub content: String,
}

/// `PUT /api/filters`: save, check with the server, activate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveFilters {
    pub filters: FilterSet,
    /// The user agreed to replace a script Facteur did not write.
    #[serde(default)]
    pub replace_foreign: bool,
}

/// `POST /api/filters/dry-run`: what the rules would have done to the most
/// recent messages of the INBOX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DryRunRequest {
    pub rules: Vec<FilterRule>,
    /// How many recent messages to examine (at most 500) [default: 200].
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One message a rule would have acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DryRunMatch {
    pub uid: u32,
    pub subject: String,
    pub from: Option<Address>,
    pub date: i64,
    /// Name of the first rule that applies.
    pub rule: String,
    /// What would happen: the actions of every rule that applies, in order,
    /// up to a rule that stops.
    pub actions: Vec<Action>,
}

/// The dry run's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DryRunResult {
    pub examined: u32,
    pub matches: Vec<DryRunMatch>,
    pub elapsed_ms: u64,
}

/// One rule: when all (or any) of its conditions hold, its actions run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilterRule {
    pub name: String,
    /// A disabled rule is kept but not compiled.
    pub enabled: bool,
    /// True: all conditions must hold; false: any one is enough.
    pub match_all: bool,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    /// Stop processing the rules that follow when this one applies.
    pub stop: bool,
}

/// A test on the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// A header compared with a text.
    Text { field: Field, op: Op, value: String },
    /// The message is larger than this many bytes.
    SizeOver { bytes: u64 },
    /// The message is smaller than this many bytes.
    SizeUnder { bytes: u64 },
}

/// The header a text condition looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    From,
    /// Either the To or the Cc header.
    ToOrCc,
    Subject,
    ListId,
    /// Any header, by name (`X-Priority`).
    Header(String),
}

/// How a text condition compares.
///
/// On From and To/Cc, `Is`, `BeginsWith` and `Matches` compare each
/// address (`bob@ac-demo.fr`), while `Contains` searches the whole header,
/// display names included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Contains,
    Is,
    BeginsWith,
    /// Wildcards: `*` any run of characters, `?` one character, `\` makes
    /// the next one literal (RFC 5228 §2.7.1).
    Matches,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// File into this folder (full path, UTF-8) instead of the INBOX.
    MoveTo(String),
    /// File a copy into this folder; the message still goes where it would.
    CopyTo(String),
    MarkRead,
    Flag,
    /// Send the message on; `keep_copy` keeps it here as well.
    Forward {
        address: String,
        keep_copy: bool,
    },
    Delete,
}

/// The out-of-office reply (Sieve `vacation`, RFC 5230).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vacation {
    pub enabled: bool,
    /// First day it answers, `YYYY-MM-DD`, in the server's time zone.
    pub first_day: Option<String>,
    /// Last day it answers, `YYYY-MM-DD`, included.
    pub last_day: Option<String>,
    pub subject: String,
    /// Plain text; lines may be separated by `\n` or `\r\n`.
    pub message: String,
    /// The same sender gets the reply at most once in this many days.
    pub days: u32,
    /// The user's addresses the reply answers for, besides the main one.
    pub addresses: Vec<String>,
}

/// The headers of a received message that the dry run looks at: what a
/// message list already fetches, plus any header a rule names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageHeaders {
    pub from: Vec<Address>,
    /// To and Cc together.
    pub to_cc: Vec<Address>,
    pub subject: String,
    pub list_id: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Other headers, name and value; names compare without case.
    pub extra: Vec<(String, String)>,
}

/// Longest text accepted in a condition, a name or a folder.
const MAX_TEXT: usize = 1000;
/// Longest out-of-office message.
const MAX_MESSAGE: usize = 20_000;

impl FilterSet {
    /// Checks every rule and the out-of-office reply.
    pub fn validate(&self) -> Result<(), String> {
        for (i, rule) in self.rules.iter().enumerate() {
            rule.validate()
                .map_err(|e| format!("règle {} ({}) : {e}", i + 1, rule.name.trim()))?;
        }
        if let Some(v) = &self.vacation {
            v.validate().map_err(|e| format!("absence : {e}"))?;
        }
        if let Some(f) = &self.forward {
            check_address(&f.address).map_err(|e| format!("transfert : {e}"))?;
        }
        Ok(())
    }
}

impl FilterRule {
    /// Checks what the user typed: a name, at least one condition and one
    /// action, sound header names, folders and addresses, and no control
    /// character anywhere.
    pub fn validate(&self) -> Result<(), String> {
        check_line("le nom", &self.name)?;
        if self.name.trim().is_empty() {
            return Err("le nom est vide".into());
        }
        if self.conditions.is_empty() {
            return Err("il faut au moins une condition".into());
        }
        if self.actions.is_empty() {
            return Err("il faut au moins une action".into());
        }
        for c in &self.conditions {
            if let Condition::Text { field, op, value } = c {
                if let Field::Header(name) = field {
                    check_header_name(name)?;
                }
                check_line("la valeur", value)?;
                if value.is_empty() && *op != Op::Is {
                    return Err("une condition n'a pas de valeur".into());
                }
            }
        }
        for a in &self.actions {
            match a {
                Action::MoveTo(folder) | Action::CopyTo(folder) => {
                    check_line("le dossier", folder)?;
                    if folder.trim().is_empty() {
                        return Err("le dossier est vide".into());
                    }
                }
                Action::Forward { address, .. } => check_address(address)?,
                Action::MarkRead | Action::Flag | Action::Delete => {}
            }
        }
        let moves = self.actions.iter().any(|a| matches!(a, Action::MoveTo(_)));
        if moves && self.actions.contains(&Action::Delete) {
            return Err("déplacer et supprimer à la fois".into());
        }
        Ok(())
    }

    /// Whether the rule applies to a message (the dry run). A disabled rule
    /// never applies.
    pub fn matches(&self, headers: &MessageHeaders) -> bool {
        if !self.enabled || self.conditions.is_empty() {
            return false;
        }
        let mut results = self.conditions.iter().map(|c| c.matches(headers));
        if self.match_all {
            results.all(|r| r)
        } else {
            results.any(|r| r)
        }
    }
}

impl Condition {
    /// Whether this one condition holds for a message.
    pub fn matches(&self, h: &MessageHeaders) -> bool {
        match self {
            Condition::SizeOver { bytes } => h.size > *bytes,
            Condition::SizeUnder { bytes } => h.size < *bytes,
            Condition::Text { field, op, value } => match field {
                Field::From => match_addresses(&h.from, *op, value),
                Field::ToOrCc => match_addresses(&h.to_cc, *op, value),
                Field::Subject => compare(*op, &h.subject, value),
                Field::ListId => h.list_id.as_deref().is_some_and(|v| compare(*op, v, value)),
                Field::Header(name) => h
                    .extra
                    .iter()
                    .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                    .any(|(_, v)| compare(*op, v, value)),
            },
        }
    }
}

impl Vacation {
    /// Checks the dates, the interval, the texts and the addresses.
    pub fn validate(&self) -> Result<(), String> {
        let first = self.first_day.as_deref().map(parse_day).transpose()?;
        let last = self.last_day.as_deref().map(parse_day).transpose()?;
        if let (Some(f), Some(l)) = (first, last)
            && f > l
        {
            return Err("le dernier jour précède le premier".into());
        }
        check_line("l'objet", &self.subject)?;
        if self.message.trim().is_empty() {
            return Err("le message est vide".into());
        }
        if self.message.len() > MAX_MESSAGE {
            return Err("le message est trop long".into());
        }
        if self
            .message
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err("le message contient un caractère de contrôle".into());
        }
        if self.days == 0 || self.days > 365 {
            return Err("l'intervalle doit aller de 1 à 365 jours".into());
        }
        for a in &self.addresses {
            check_address(a)?;
        }
        Ok(())
    }
}

/// A `YYYY-MM-DD` date as (year, month, day), checked against the calendar.
fn parse_day(s: &str) -> Result<(u32, u32, u32), String> {
    let bad = || format!("date invalide : « {s} » (AAAA-MM-JJ)");
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
        let part = s.get(r).ok_or_else(bad)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days_in_month {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// One line of text: bounded, without control characters (nothing typed
/// can end a line or a string of the generated script).
fn check_line(what: &str, s: &str) -> Result<(), String> {
    if s.len() > MAX_TEXT {
        return Err(format!("{what} est trop long"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("{what} contient un caractère de contrôle"));
    }
    Ok(())
}

/// A header field name (RFC 5322 §3.6.8): printable ASCII but `:`.
fn check_header_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 100 {
        return Err("nom d'en-tête invalide".into());
    }
    if !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(format!("nom d'en-tête invalide : « {name} »"));
    }
    Ok(())
}

/// A plain address `local@domain` (RFC 5322 §3.4.1, dot-atom forms only).
pub fn check_address(address: &str) -> Result<(), String> {
    let bad = || format!("adresse invalide : « {address} »");
    if address.len() > 254 {
        return Err(bad());
    }
    let (local, domain) = address.rsplit_once('@').ok_or_else(bad)?;
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |s: &str, ok: &dyn Fn(char) -> bool| {
        !s.is_empty()
            && s.split('.')
                .all(|part| !part.is_empty() && part.chars().all(ok))
    };
    if local.len() > 64 || !dot_atom(local, &atext) {
        return Err(bad());
    }
    let label = |c: char| c.is_ascii_alphanumeric() || c == '-';
    if !dot_atom(domain, &label)
        || domain
            .split('.')
            .any(|l| l.starts_with('-') || l.ends_with('-') || l.len() > 63)
    {
        return Err(bad());
    }
    Ok(())
}

/// From and To/Cc: `Contains` searches each address as the header shows it
/// (`Name <email>`), the other operators compare the bare address.
fn match_addresses(addresses: &[Address], op: Op, value: &str) -> bool {
    addresses.iter().any(|a| match op {
        Op::Contains => {
            let shown = match &a.name {
                Some(n) if !n.is_empty() => format!("{n} <{}>", a.email),
                _ => a.email.clone(),
            };
            compare(op, &shown, value)
        }
        _ => compare(op, &a.email, value),
    })
}

/// Compares under `i;ascii-casemap`.
fn compare(op: Op, text: &str, value: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let value = value.to_ascii_lowercase();
    match op {
        Op::Contains => text.contains(&value),
        Op::Is => text == value,
        Op::BeginsWith => text.starts_with(&value),
        Op::Matches => {
            let t: Vec<char> = text.chars().collect();
            let p: Vec<char> = value.chars().collect();
            wildcard(&t, &p)
        }
    }
}

/// RFC 5228 §2.7.1 `:matches`: `*` any run, `?` one character, `\` quotes
/// the next character. Iterative, with one backtrack point: linear in
/// practice, never exponential.
fn wildcard(text: &[char], pattern: &[char]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some('?') => {
                t += 1;
                p += 1;
                continue;
            }
            Some(c) => {
                let (lit, width) = if *c == '\\' {
                    (pattern.get(p + 1).copied(), 2)
                } else {
                    (Some(*c), 1)
                };
                if lit == Some(text[t]) {
                    t += 1;
                    p += width;
                    continue;
                }
            }
            None => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(name: Option<&str>, email: &str) -> Address {
        Address {
            name: name.map(str::to_string),
            email: email.into(),
        }
    }

    fn text(field: Field, op: Op, value: &str) -> Condition {
        Condition::Text {
            field,
            op,
            value: value.into(),
        }
    }

    fn rule(conditions: Vec<Condition>, actions: Vec<Action>) -> FilterRule {
        FilterRule {
            name: "Listes".into(),
            enabled: true,
            match_all: true,
            conditions,
            actions,
            stop: false,
        }
    }

    fn message() -> MessageHeaders {
        MessageHeaders {
            from: vec![addr(Some("Rectorat de l'académie"), "rectorat@ac-demo.fr")],
            to_cc: vec![
                addr(None, "alice@ac-demo.fr"),
                addr(Some("Bob"), "bob@ac-demo.fr"),
            ],
            subject: "Note de service n°12".into(),
            list_id: Some("Enseignants <enseignants.ac-demo.fr>".into()),
            size: 12_000,
            extra: vec![("X-Priority".into(), "1 (Highest)".into())],
        }
    }

    #[test]
    fn a_sound_rule_validates() {
        let r = rule(
            vec![text(Field::ListId, Op::Contains, "enseignants")],
            vec![
                Action::MoveTo("Listes/Enseignants".into()),
                Action::Forward {
                    address: "bob.garnier+listes@ac-demo.fr".into(),
                    keep_copy: true,
                },
            ],
        );
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn validation_refuses_what_cannot_be_compiled_safely() {
        let ok = rule(
            vec![text(Field::Subject, Op::Contains, "x")],
            vec![Action::MarkRead],
        );
        let cases: Vec<(&str, FilterRule)> = vec![
            (
                "empty name",
                FilterRule {
                    name: "  ".into(),
                    ..ok.clone()
                },
            ),
            (
                "no condition",
                FilterRule {
                    conditions: vec![],
                    ..ok.clone()
                },
            ),
            (
                "no action",
                FilterRule {
                    actions: vec![],
                    ..ok.clone()
                },
            ),
            (
                "newline in a value",
                FilterRule {
                    conditions: vec![text(Field::Subject, Op::Is, "a\r\nstop;")],
                    ..ok.clone()
                },
            ),
            (
                "NUL in the name",
                FilterRule {
                    name: "a\0b".into(),
                    ..ok.clone()
                },
            ),
            (
                "header name with a colon",
                FilterRule {
                    conditions: vec![text(Field::Header("X-A: b".into()), Op::Is, "x")],
                    ..ok.clone()
                },
            ),
            (
                "bad forward address",
                FilterRule {
                    actions: vec![Action::Forward {
                        address: "bob@ac-demo.fr\"; discard; \"".into(),
                        keep_copy: false,
                    }],
                    ..ok.clone()
                },
            ),
            (
                "forward without domain",
                FilterRule {
                    actions: vec![Action::Forward {
                        address: "bob".into(),
                        keep_copy: false,
                    }],
                    ..ok.clone()
                },
            ),
            (
                "empty folder",
                FilterRule {
                    actions: vec![Action::MoveTo(String::new())],
                    ..ok.clone()
                },
            ),
            (
                "move and delete",
                FilterRule {
                    actions: vec![Action::MoveTo("A".into()), Action::Delete],
                    ..ok.clone()
                },
            ),
        ];
        for (what, r) in cases {
            assert!(r.validate().is_err(), "{what} should be refused");
        }
    }

    #[test]
    fn addresses() {
        for good in ["a@b", "jean.dupont@ac-demo.fr", "x+tag@sub.example.org"] {
            assert_eq!(check_address(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "@b.fr",
            "a@",
            "a b@c.fr",
            "a@b..fr",
            ".a@b.fr",
            "a@-b.fr",
            "a@b.fr>",
            "\"a\"@b.fr",
        ] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vacation_validation() {
        let v = Vacation {
            enabled: true,
            first_day: Some("2026-12-19".into()),
            last_day: Some("2027-01-04".into()),
            subject: "Absent".into(),
            message: "Bonjour,\r\nje suis absent.\n".into(),
            days: 7,
            addresses: vec!["bob@ac-demo.fr".into()],
        };
        assert_eq!(v.validate(), Ok(()));
        for bad in [
            Vacation {
                first_day: Some("2027-01-05".into()),
                ..v.clone()
            },
            Vacation {
                last_day: Some("2027-02-30".into()),
                ..v.clone()
            },
            Vacation {
                first_day: Some("19/12/2026".into()),
                ..v.clone()
            },
            Vacation {
                days: 0,
                ..v.clone()
            },
            Vacation {
                subject: "a\nb".into(),
                ..v.clone()
            },
            Vacation {
                message: "a\u{7}".into(),
                ..v.clone()
            },
            Vacation {
                addresses: vec!["pas une adresse".into()],
                ..v.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(parse_day("2028-02-29"), Ok((2028, 2, 29)));
        assert!(parse_day("2100-02-29").is_err());
        assert!(parse_day("2026-1-011").is_err());
    }

    #[test]
    fn dry_run_text_conditions() {
        let m = message();
        let yes = [
            text(Field::ListId, Op::Contains, "ENSEIGNANTS.ac-demo"),
            text(Field::From, Op::Is, "Rectorat@AC-demo.fr"),
            text(Field::From, Op::Contains, "Rectorat de l'acad"),
            text(Field::From, Op::BeginsWith, "rectorat@"),
            text(Field::From, Op::Matches, "*@ac-demo.fr"),
            text(Field::ToOrCc, Op::Is, "bob@ac-demo.fr"),
            text(Field::ToOrCc, Op::Contains, "Bob <"),
            text(Field::Subject, Op::Matches, "note de service n?12"),
            text(Field::Subject, Op::BeginsWith, "note de"),
            text(Field::Header("x-priority".into()), Op::BeginsWith, "1"),
            // ASCII letters fold around non-ASCII ones, which compare exactly.
            text(Field::Subject, Op::Contains, "N°12"),
        ];
        for c in yes {
            assert!(c.matches(&m), "{c:?} should match");
        }
        let no = [
            text(Field::ListId, Op::Is, "enseignants"),
            text(Field::From, Op::Is, "rectorat"),
            text(Field::From, Op::Matches, "*@ac-demo.com"),
            text(Field::ToOrCc, Op::BeginsWith, "carole"),
            text(Field::Header("X-Missing".into()), Op::Contains, "1"),
            // Only ASCII folds, like the server's i;ascii-casemap.
            text(Field::From, Op::Contains, "ACADÉMIE"),
        ];
        for c in no {
            assert!(!c.matches(&m), "{c:?} should not match");
        }
        let no_list = MessageHeaders {
            list_id: None,
            ..m.clone()
        };
        assert!(!text(Field::ListId, Op::Contains, "").matches(&no_list));
    }

    #[test]
    fn dry_run_sizes_all_any_and_disabled() {
        let m = message();
        let over = Condition::SizeOver { bytes: 10_000 };
        let under = Condition::SizeUnder { bytes: 10_000 };
        assert!(over.matches(&m));
        assert!(!under.matches(&m));
        let mut r = rule(vec![over, under], vec![Action::Flag]);
        assert!(!r.matches(&m), "all: one fails");
        r.match_all = false;
        assert!(r.matches(&m), "any: one holds");
        r.enabled = false;
        assert!(!r.matches(&m), "disabled rules never apply");
    }

    #[test]
    fn wildcards() {
        let w = |t: &str, p: &str| {
            let t: Vec<char> = t.chars().collect();
            let p: Vec<char> = p.chars().collect();
            wildcard(&t, &p)
        };
        assert!(w("", ""));
        assert!(w("", "*"));
        assert!(!w("", "?"));
        assert!(w("abc", "a*c"));
        assert!(w("abc", "*b*"));
        assert!(w("abcbc", "*bc"));
        assert!(w("a*c", "a\\*c"));
        assert!(!w("abc", "a\\*c"));
        assert!(w("a?", "a\\?"));
        assert!(!w("ab", "a\\?"));
        assert!(w("a\\b", "a\\\\b"));
        assert!(!w("abd", "a*c"));
        assert!(w("été", "?t?"));
        let long = "a".repeat(5000);
        assert!(!w(&long, &format!("{}b", "*a".repeat(20))));
    }

    #[test]
    fn json_shape_is_stable() {
        let r = rule(
            vec![
                text(Field::Header("X-Foo".into()), Op::BeginsWith, "v"),
                Condition::SizeOver { bytes: 5 },
            ],
            vec![
                Action::CopyTo("A".into()),
                Action::MarkRead,
                Action::Forward {
                    address: "a@b.fr".into(),
                    keep_copy: true,
                },
            ],
        );
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"name":"Listes","enabled":true,"match_all":true,"conditions":[{"text":{"field":{"header":"X-Foo"},"op":"begins_with","value":"v"}},{"size_over":{"bytes":5}}],"actions":[{"copy_to":"A"},"mark_read",{"forward":{"address":"a@b.fr","keep_copy":true}}],"stop":false}"#
        );
        let back: FilterRule = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, r);
    }
}
