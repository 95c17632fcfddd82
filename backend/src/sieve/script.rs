//! Compiles a [`FilterSet`] to a Sieve script (RFC 5228) and reads back the
//! scripts Facteur wrote.
//!
//! Extensions used only when a rule needs them: `fileinto` (RFC 5228 §4.1),
//! `copy` (RFC 3894), `imap4flags` (RFC 5232), `vacation` (RFC 5230), `date`
//! and `relational` (RFC 5260 §5, RFC 5231) for the out-of-office dates.
//! Every value typed by a user goes through [`quoted`]: a quoted string
//! (RFC 5228 §2.4.2) with `"` and `\` escaped and control characters
//! refused, so no value can end its string. Neither `variables` nor
//! `encoded-character` is required, so `${…}` in a value stays literal.
//!
//! The first line is a comment holding the rules as base64 JSON; a script
//! is Facteur's own only when compiling that JSON again gives the very same
//! text, so a script edited by hand is never mistaken for ours.

use base64::{Engine, engine::general_purpose::STANDARD};
use shared::filters::{Action, Condition, Field, FilterRule, FilterSet, ForwardAll, Op, Vacation};

use super::SieveError;

/// Start of the first line of every script Facteur writes.
pub const MARKER: &str = "# facteur-rules: ";

/// What the generated script may rely on, from the server's `SIEVE`
/// capability (RFC 5804 §1.7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptOptions {
    /// Compare with `i;unicode-casemap` (RFC 5051) rather than the always
    /// available `i;ascii-casemap` (RFC 5228 §2.7.3).
    pub unicode_casemap: bool,
}

impl ScriptOptions {
    /// Options for a server announcing these Sieve extensions.
    pub fn for_extensions(extensions: &[String]) -> Self {
        ScriptOptions {
            unicode_casemap: extensions
                .iter()
                .any(|e| e.eq_ignore_ascii_case("comparator-i;unicode-casemap")),
        }
    }

    fn comparator(self) -> &'static str {
        if self.unicode_casemap {
            "i;unicode-casemap"
        } else {
            "i;ascii-casemap"
        }
    }
}

/// Extensions in the order the `require` line lists them.
const EXTENSIONS: [&str; 7] = [
    "comparator-i;unicode-casemap",
    "copy",
    "date",
    "fileinto",
    "imap4flags",
    "relational",
    "vacation",
];

/// Compiles the rules (the disabled ones are kept in the marker only) and
/// the out-of-office reply. Lines end with CRLF (RFC 5228 §2.2).
pub fn generate(set: &FilterSet, opts: ScriptOptions) -> Result<String, SieveError> {
    set.validate().map_err(SieveError::Invalid)?;
    let json = serde_json::to_vec(set).map_err(|e| SieveError::Invalid(e.to_string()))?;
    let mut out = Script {
        body: String::new(),
        used: [false; EXTENSIONS.len()],
        opts,
    };
    if let Some(v) = set.vacation.as_ref().filter(|v| v.enabled) {
        out.vacation(v)?;
    }
    for rule in set.rules.iter().filter(|r| r.enabled) {
        out.rule(rule)?;
    }
    if let Some(f) = &set.forward {
        out.forward(f)?;
    }
    let mut script = format!("{MARKER}{}\r\n", STANDARD.encode(json));
    let required: Vec<String> = EXTENSIONS
        .iter()
        .zip(out.used)
        .filter(|(_, used)| *used)
        .map(|(name, _)| format!("\"{name}\""))
        .collect();
    if !required.is_empty() {
        script.push_str(&format!("require [{}];\r\n", required.join(", ")));
    }
    script.push_str(&out.body);
    Ok(script)
}

/// The rules of a script Facteur wrote and nobody changed since; `None`
/// for any other script.
pub fn read_own(script: &str) -> Option<FilterSet> {
    let first = script.strip_prefix(MARKER)?.split("\r\n").next()?;
    let json = STANDARD.decode(first.trim_end()).ok()?;
    let set: FilterSet = serde_json::from_slice(&json).ok()?;
    [false, true]
        .into_iter()
        .map(|unicode_casemap| ScriptOptions { unicode_casemap })
        .any(|opts| generate(&set, opts).is_ok_and(|s| s == script))
        .then_some(set)
}

/// A Sieve quoted string (RFC 5228 §2.4.2). `multiline` allows line breaks
/// (written as CRLF, the only form a quoted string may hold) and tabs;
/// every other control character is refused.
pub fn quoted(s: &str, multiline: bool) -> Result<String, SieveError> {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' if multiline => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\t' if multiline => out.push(c),
            c if c.is_control() => {
                return Err(SieveError::Invalid(format!(
                    "caractère de contrôle U+{:04X} dans une valeur",
                    u32::from(c)
                )));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// Escapes the `:matches` wildcards (RFC 5228 §2.7.1) of a literal text.
fn literal_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

struct Script {
    body: String,
    used: [bool; EXTENSIONS.len()],
    opts: ScriptOptions,
}

impl Script {
    fn require(&mut self, ext: &str) {
        if let Some(i) = EXTENSIONS.iter().position(|e| *e == ext) {
            self.used[i] = true;
        }
    }

    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.body.push_str("    ");
        }
        self.body.push_str(text);
        self.body.push_str("\r\n");
    }

    /// RFC 5230 §4, between the first and last days (RFC 5260 §5, compared
    /// as `YYYY-MM-DD` text with RFC 5231 `:value`).
    fn vacation(&mut self, v: &Vacation) -> Result<(), SieveError> {
        self.require("vacation");
        let mut tests = Vec::new();
        for (rel, day) in [("ge", &v.first_day), ("le", &v.last_day)] {
            if let Some(day) = day {
                self.require("date");
                self.require("relational");
                tests.push(format!(
                    "currentdate :value \"{rel}\" \"date\" {}",
                    quoted(day, false)?
                ));
            }
        }
        let mut action = format!("vacation :days {}", v.days);
        if !v.subject.is_empty() {
            action.push_str(&format!(" :subject {}", quoted(&v.subject, false)?));
        }
        if !v.addresses.is_empty() {
            action.push_str(&format!(" :addresses {}", string_list(&v.addresses)?));
        }
        action.push_str(&format!(" {};", quoted(&v.message, true)?));
        self.line(0, "# Absence");
        if tests.is_empty() {
            self.line(0, &action);
        } else {
            self.line(0, &format!("if {} {{", combine(tests, true)));
            self.line(1, &action);
            self.line(0, "}");
        }
        Ok(())
    }

    /// Every message sent on (RFC 5228 §4.2), after the rules, so a rule
    /// that stops also keeps its messages from being forwarded. `:copy`
    /// (RFC 3894) leaves the implicit keep alone: a copy stays here.
    fn forward(&mut self, f: &ForwardAll) -> Result<(), SieveError> {
        let copy = if f.keep_copy {
            self.require("copy");
            ":copy "
        } else {
            ""
        };
        self.line(0, "# Transfert");
        self.line(
            0,
            &format!("redirect {copy}{};", quoted(&f.address, false)?),
        );
        Ok(())
    }

    fn rule(&mut self, rule: &FilterRule) -> Result<(), SieveError> {
        let tests = rule
            .conditions
            .iter()
            .map(|c| self.test(c))
            .collect::<Result<Vec<_>, _>>()?;
        // The name was checked free of control characters: it cannot end
        // the comment.
        self.line(0, &format!("# {}", rule.name.trim()));
        self.line(0, &format!("if {} {{", combine(tests, rule.match_all)));
        let mut flags = Vec::new();
        for a in &rule.actions {
            match a {
                Action::MarkRead => flags.push("\"\\\\Seen\""),
                Action::Flag => flags.push("\"\\\\Flagged\""),
                _ => {}
            }
        }
        if !flags.is_empty() {
            // Set before any fileinto: they take the flags current then
            // (RFC 5232 §3), and so does the implicit keep.
            self.require("imap4flags");
            self.line(1, &format!("addflag [{}];", flags.join(", ")));
        }
        for a in &rule.actions {
            match a {
                Action::MoveTo(folder) => {
                    self.require("fileinto");
                    self.line(1, &format!("fileinto {};", quoted(folder, false)?));
                }
                Action::CopyTo(folder) => {
                    self.require("fileinto");
                    self.require("copy");
                    self.line(1, &format!("fileinto :copy {};", quoted(folder, false)?));
                }
                Action::Forward { address, keep_copy } => {
                    let copy = if *keep_copy {
                        self.require("copy");
                        ":copy "
                    } else {
                        ""
                    };
                    self.line(1, &format!("redirect {copy}{};", quoted(address, false)?));
                }
                Action::Delete => self.line(1, "discard;"),
                Action::MarkRead | Action::Flag => {}
            }
        }
        if rule.stop {
            self.line(1, "stop;");
        }
        self.line(0, "}");
        Ok(())
    }

    fn test(&mut self, c: &Condition) -> Result<String, SieveError> {
        let (field, op, value) = match c {
            Condition::SizeOver { bytes } => return Ok(format!("size :over {bytes}")),
            Condition::SizeUnder { bytes } => return Ok(format!("size :under {bytes}")),
            Condition::Text { field, op, value } => (field, *op, value),
        };
        if self.opts.unicode_casemap {
            self.require("comparator-i;unicode-casemap");
        }
        let (match_type, key) = match op {
            Op::Contains => (":contains", value.clone()),
            Op::Is => (":is", value.clone()),
            Op::BeginsWith => (":matches", format!("{}*", literal_pattern(value))),
            Op::Matches => (":matches", value.clone()),
        };
        let comparator = format!(":comparator \"{}\"", self.opts.comparator());
        let key = quoted(&key, false)?;
        let headers = match field {
            Field::From => "\"from\"".to_string(),
            Field::ToOrCc => "[\"to\", \"cc\"]".to_string(),
            Field::Subject => "\"subject\"".to_string(),
            Field::ListId => "\"list-id\"".to_string(),
            Field::Header(name) => quoted(name, false)?,
        };
        // On addresses, only `:contains` looks at the whole header (display
        // names included); the others compare each address (RFC 5228 §5.1).
        let address = matches!(field, Field::From | Field::ToOrCc) && op != Op::Contains;
        Ok(if address {
            format!("address :all {comparator} {match_type} {headers} {key}")
        } else {
            format!("header {comparator} {match_type} {headers} {key}")
        })
    }
}

fn combine(mut tests: Vec<String>, all: bool) -> String {
    if tests.len() == 1 {
        return tests.remove(0);
    }
    let op = if all { "allof" } else { "anyof" };
    format!("{op} ({})", tests.join(", "))
}

fn string_list(items: &[String]) -> Result<String, SieveError> {
    let items = items
        .iter()
        .map(|s| quoted(s, false))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("[{}]", items.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(field: Field, op: Op, value: &str) -> Condition {
        Condition::Text {
            field,
            op,
            value: value.into(),
        }
    }

    fn lists_rule() -> FilterRule {
        FilterRule {
            name: "Listes enseignants".into(),
            enabled: true,
            match_all: true,
            conditions: vec![text(Field::ListId, Op::Contains, "enseignants.ac-demo.fr")],
            actions: vec![Action::MoveTo("Listes/Enseignants".into())],
            stop: true,
        }
    }

    fn body(script: &str) -> &str {
        script
            .split_once("\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default()
    }

    #[test]
    fn golden_move_on_list_id() {
        let set = FilterSet {
            forward: None,
            rules: vec![lists_rule()],
            vacation: None,
        };
        let s = generate(&set, ScriptOptions::default()).unwrap();
        assert!(s.starts_with(MARKER));
        assert_eq!(
            body(&s),
            "require [\"fileinto\"];\r\n\
             # Listes enseignants\r\n\
             if header :comparator \"i;ascii-casemap\" :contains \"list-id\" \"enseignants.ac-demo.fr\" {\r\n\
             \x20   fileinto \"Listes/Enseignants\";\r\n\
             \x20   stop;\r\n\
             }\r\n"
        );
    }

    #[test]
    fn golden_any_of_with_flags_copy_forward_and_sizes() {
        let rule = FilterRule {
            name: "Direction".into(),
            enabled: true,
            match_all: false,
            conditions: vec![
                text(Field::From, Op::Is, "recteur@ac-demo.fr"),
                text(Field::ToOrCc, Op::BeginsWith, "dir*"),
                text(Field::Header("X-Priority".into()), Op::Matches, "1*"),
                Condition::SizeOver { bytes: 1_000_000 },
                Condition::SizeUnder { bytes: 10 },
            ],
            actions: vec![
                Action::MarkRead,
                Action::Flag,
                Action::CopyTo("Direction".into()),
                Action::Forward {
                    address: "secretariat@ac-demo.fr".into(),
                    keep_copy: true,
                },
                Action::Forward {
                    address: "archives@ac-demo.fr".into(),
                    keep_copy: false,
                },
            ],
            stop: false,
        };
        let disabled = FilterRule {
            enabled: false,
            ..lists_rule()
        };
        let set = FilterSet {
            forward: None,
            rules: vec![rule, disabled],
            vacation: None,
        };
        let s = generate(
            &set,
            ScriptOptions {
                unicode_casemap: true,
            },
        )
        .unwrap();
        assert_eq!(
            body(&s),
            "require [\"comparator-i;unicode-casemap\", \"copy\", \"fileinto\", \"imap4flags\"];\r\n\
             # Direction\r\n\
             if anyof (address :all :comparator \"i;unicode-casemap\" :is \"from\" \"recteur@ac-demo.fr\", \
             address :all :comparator \"i;unicode-casemap\" :matches [\"to\", \"cc\"] \"dir\\\\**\", \
             header :comparator \"i;unicode-casemap\" :matches \"X-Priority\" \"1*\", \
             size :over 1000000, size :under 10) {\r\n\
             \x20   addflag [\"\\\\Seen\", \"\\\\Flagged\"];\r\n\
             \x20   fileinto :copy \"Direction\";\r\n\
             \x20   redirect :copy \"secretariat@ac-demo.fr\";\r\n\
             \x20   redirect \"archives@ac-demo.fr\";\r\n\
             }\r\n"
        );
        // The disabled rule is in the marker only.
        assert_eq!(read_own(&s), Some(set));
    }

    #[test]
    fn golden_vacation_between_two_days() {
        let set = FilterSet {
            forward: None,
            rules: vec![],
            vacation: Some(Vacation {
                enabled: true,
                first_day: Some("2026-12-19".into()),
                last_day: Some("2027-01-04".into()),
                subject: "Absent".into(),
                message: "Bonjour,\nje suis absent.\r\nBob".into(),
                days: 7,
                addresses: vec!["bob@ac-demo.fr".into(), "b.garnier@ac-demo.fr".into()],
            }),
        };
        let s = generate(&set, ScriptOptions::default()).unwrap();
        assert_eq!(
            body(&s),
            "require [\"date\", \"relational\", \"vacation\"];\r\n\
             # Absence\r\n\
             if allof (currentdate :value \"ge\" \"date\" \"2026-12-19\", currentdate :value \"le\" \"date\" \"2027-01-04\") {\r\n\
             \x20   vacation :days 7 :subject \"Absent\" :addresses [\"bob@ac-demo.fr\", \"b.garnier@ac-demo.fr\"] \"Bonjour,\r\nje suis absent.\r\nBob\";\r\n\
             }\r\n"
        );
        let mut off = set.clone();
        if let Some(v) = off.vacation.as_mut() {
            v.enabled = false;
        }
        let s = generate(&off, ScriptOptions::default()).unwrap();
        assert_eq!(body(&s), "");
    }

    #[test]
    fn hostile_values_stay_inside_their_strings() {
        let hostile = "a\" ; discard; if true { \\ } \"x";
        let rule = FilterRule {
            name: "pirate } # \"".into(),
            enabled: true,
            match_all: true,
            conditions: vec![
                text(Field::Subject, Op::Contains, hostile),
                text(Field::Subject, Op::BeginsWith, "*?\\\""),
            ],
            actions: vec![Action::MoveTo(format!("Dossier {hostile}"))],
            stop: false,
        };
        let set = FilterSet {
            forward: None,
            rules: vec![rule.clone()],
            vacation: Some(Vacation {
                enabled: true,
                first_day: None,
                last_day: None,
                subject: hostile.into(),
                message: "fin\r\n.\r\n}\r\n\"; discard;".into(),
                days: 1,
                addresses: vec![],
            }),
        };
        let s = generate(&set, ScriptOptions::default()).unwrap();
        assert!(s.contains(r#""a\" ; discard; if true { \\ } \"x""#), "{s}");
        assert!(s.contains(r#":matches "subject" "\\*\\?\\\\\"*""#), "{s}");
        assert!(
            s.contains("\"fin\r\n.\r\n}\r\n\\\"; discard;\";\r\n"),
            "{s}"
        );
        // Outside strings, only our own words remain.
        let outside = strip_strings_and_comments(&s);
        assert!(!outside.contains("discard"), "{outside}");
        assert_eq!(outside.matches('{').count(), outside.matches('}').count());
        assert_eq!(read_own(&s), Some(set));

        // Line breaks and other controls cannot reach a one-line string.
        for bad in ["a\r\nstop;", "a\nb", "a\rb", "a\0b", "a\u{1b}b", "a\u{85}b"] {
            let mut r = rule.clone();
            r.conditions = vec![text(Field::Subject, Op::Is, bad)];
            let set = FilterSet {
                forward: None,
                rules: vec![r],
                vacation: None,
            };
            assert!(
                matches!(
                    generate(&set, ScriptOptions::default()),
                    Err(SieveError::Invalid(_))
                ),
                "{bad:?}"
            );
            assert!(quoted(bad, false).is_err(), "{bad:?}");
        }
        assert!(quoted("a\u{7}", true).is_err());
        assert_eq!(quoted("a\nb\tc", true).unwrap(), "\"a\r\nb\tc\"");
        assert_eq!(quoted("été ${x}", false).unwrap(), "\"été ${x}\"");
    }

    /// The script with its strings and comments removed, to check what is
    /// left is code we wrote.
    fn strip_strings_and_comments(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                chars.next();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                }
                '#' => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn marker_round_trip_and_foreign_scripts() {
        let set = FilterSet {
            forward: None,
            rules: vec![lists_rule()],
            vacation: None,
        };
        let s = generate(&set, ScriptOptions::default()).unwrap();
        assert_eq!(read_own(&s), Some(set.clone()));
        // Edited by hand after we wrote it: no longer ours.
        assert_eq!(read_own(&s.replace("stop;", "keep;")), None);
        assert_eq!(read_own(&format!("{s}discard;\r\n")), None);
        // Written by someone else.
        assert_eq!(
            read_own("require \"fileinto\";\r\nfileinto \"A\";\r\n"),
            None
        );
        assert_eq!(read_own(""), None);
        assert_eq!(read_own("# facteur-rules: pas du base64!\r\n"), None);
        assert_eq!(
            read_own(&format!("{MARKER}{}\r\n", STANDARD.encode("{}"))),
            None
        );
        // An empty set is ours too.
        let empty = generate(&FilterSet::default(), ScriptOptions::default()).unwrap();
        assert_eq!(read_own(&empty), Some(FilterSet::default()));
        assert!(ScriptOptions::for_extensions(&["fileinto".into()]) == ScriptOptions::default());
        assert!(
            ScriptOptions::for_extensions(&["comparator-i;unicode-casemap".into()]).unicode_casemap
        );
    }

    #[test]
    fn golden_forward_all_after_the_rules() {
        let set = FilterSet {
            rules: vec![lists_rule()],
            vacation: None,
            forward: Some(ForwardAll {
                address: "bob.garnier@exemple.fr".into(),
                keep_copy: true,
            }),
        };
        let s = generate(&set, ScriptOptions::default()).unwrap();
        assert_eq!(
            body(&s),
            "require [\"copy\", \"fileinto\"];\r\n\
             # Listes enseignants\r\n\
             if header :comparator \"i;ascii-casemap\" :contains \"list-id\" \"enseignants.ac-demo.fr\" {\r\n\
             \x20   fileinto \"Listes/Enseignants\";\r\n\
             \x20   stop;\r\n\
             }\r\n\
             # Transfert\r\n\
             redirect :copy \"bob.garnier@exemple.fr\";\r\n"
        );
        assert_eq!(read_own(&s), Some(set));

        let alone = FilterSet {
            rules: vec![],
            vacation: None,
            forward: Some(ForwardAll {
                address: "bob.garnier@exemple.fr".into(),
                keep_copy: false,
            }),
        };
        let s = generate(&alone, ScriptOptions::default()).unwrap();
        assert_eq!(
            body(&s),
            "# Transfert\r\nredirect \"bob.garnier@exemple.fr\";\r\n"
        );
        assert_eq!(read_own(&s), Some(alone));

        for bad in [
            "",
            "pas-une-adresse",
            "a\"@b.fr",
            "a@b.fr\"; discard;",
            "a@b.fr\r\nstop",
        ] {
            let set = FilterSet {
                rules: vec![],
                vacation: None,
                forward: Some(ForwardAll {
                    address: bad.into(),
                    keep_copy: true,
                }),
            };
            assert!(
                matches!(
                    generate(&set, ScriptOptions::default()),
                    Err(SieveError::Invalid(e)) if e.starts_with("transfert")
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn invalid_rules_are_not_compiled() {
        let set = FilterSet {
            forward: None,
            rules: vec![FilterRule {
                conditions: vec![],
                ..lists_rule()
            }],
            vacation: None,
        };
        assert!(matches!(
            generate(&set, ScriptOptions::default()),
            Err(SieveError::Invalid(_))
        ));
    }
}
