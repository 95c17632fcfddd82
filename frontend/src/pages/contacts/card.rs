//! What the address book page does with cards, without the browser:
//! names, order, what the form sends, what is wrong with it.

use shared::compose::valid_email;
use shared::contacts::{Contact, Typed, fold};

use crate::i18n::people::TrPeople;

/// A label picked from the current language's table.
pub type Label = fn(&TrPeople) -> &'static str;

/// The kinds offered for an address (vCard `TYPE`, lower case); "" is none.
pub const EMAIL_KINDS: &[(&str, Label)] = &[
    ("", |t| t.kind_none),
    ("work", |t| t.kind_work),
    ("home", |t| t.kind_home),
    ("other", |t| t.kind_other),
];

/// The kinds offered for a phone number.
pub const PHONE_KINDS: &[(&str, Label)] = &[
    ("", |t| t.kind_none),
    ("work", |t| t.kind_work),
    ("home", |t| t.kind_home),
    ("cell", |t| t.kind_cell),
    ("fax", |t| t.kind_fax),
    ("other", |t| t.kind_other),
];

/// The choices of a kind menu: the usual ones, plus the card's own kind
/// when it is another (so that saving does not lose it). `(value, label)`,
/// the label `None` for an unusual kind shown as it is.
pub fn kind_choices(
    usual: &'static [(&'static str, Label)],
    current: &str,
) -> Vec<(String, Option<Label>)> {
    let current = current.trim().to_ascii_lowercase();
    let mut out: Vec<(String, Option<Label>)> = usual
        .iter()
        .map(|(v, l)| (v.to_string(), Some(*l)))
        .collect();
    if !usual.iter().any(|(v, _)| *v == current) {
        out.push((current, None));
    }
    out
}

/// The name shown for a card: its full name, else its given and family
/// names, else its organisation, else its first address (as the backend).
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
        .iter()
        .map(|e| e.value.trim())
        .find(|e| !e.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// Puts the cards in the order of their names (case and accents ignored).
pub fn sort_contacts(list: &mut [Contact]) {
    list.sort_by_cached_key(|c| (fold(&display_name(c)), c.id.clone()));
}

/// Puts `saved` in the list in place of the card with its id (or adds it),
/// keeping the order.
pub fn upsert(list: &mut Vec<Contact>, saved: Contact) {
    match list.iter_mut().find(|c| c.id == saved.id) {
        Some(c) => *c = saved,
        None => list.push(saved),
    }
    sort_contacts(list);
}

/// The card asked for by "Ajouter aux contacts" (`?new=<address>&name=…`).
pub fn new_contact(email: Option<&str>, name: Option<&str>) -> Contact {
    let email = email.map(str::trim).unwrap_or_default();
    Contact {
        full_name: name.map(str::trim).unwrap_or_default().to_string(),
        emails: vec![Typed {
            kind: None,
            value: email.to_string(),
        }],
        phones: vec![Typed::default()],
        ..Default::default()
    }
}

/// The card that already has `email`, if any (so that "Ajouter aux
/// contacts" on a known sender opens its card instead of a duplicate).
pub fn find_by_email<'a>(list: &'a [Contact], email: &str) -> Option<&'a Contact> {
    let email = email.trim();
    if email.is_empty() {
        return None;
    }
    list.iter().find(|c| {
        c.emails
            .iter()
            .any(|e| e.value.trim().eq_ignore_ascii_case(email))
    })
}

/// A card ready for the form: at least one (empty) address and number
/// line to type in.
pub fn for_form(mut c: Contact) -> Contact {
    if c.emails.is_empty() {
        c.emails.push(Typed::default());
    }
    if c.phones.is_empty() {
        c.phones.push(Typed::default());
    }
    c
}

/// A one-line field as sent: trimmed, a pasted tab or line break made a
/// space (the server refuses control characters there).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn clean_lines(lines: &[Typed]) -> Vec<Typed> {
    lines
        .iter()
        .filter(|l| !l.value.trim().is_empty())
        .map(|l| Typed {
            kind: l
                .kind
                .as_deref()
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_ascii_lowercase),
            value: one_line(&l.value),
        })
        .collect()
}

/// What is sent for the form: fields trimmed, empty lines left out, and a
/// full name (which every card has) made from the rest when left empty.
pub fn cleaned(c: &Contact) -> Contact {
    let mut out = Contact {
        id: c.id.clone(),
        etag: c.etag.clone(),
        full_name: one_line(&c.full_name),
        given_name: one_line(&c.given_name),
        family_name: one_line(&c.family_name),
        emails: clean_lines(&c.emails),
        phones: clean_lines(&c.phones),
        organization: one_line(&c.organization),
        title: one_line(&c.title),
        note: c
            .note
            .chars()
            .filter(|ch| !ch.is_control() || matches!(ch, '\n' | '\r' | '\t'))
            .collect::<String>()
            .trim_end()
            .to_string(),
    };
    if out.full_name.is_empty() {
        out.full_name = display_name(&out);
    }
    out
}

/// What keeps the form from being saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No name, organisation or address at all.
    NoName,
    /// The address on line `n` (of the form) is not one.
    InvalidEmail(usize, String),
}

impl Problem {
    /// The sentence for it.
    pub fn text(&self, t: &TrPeople) -> String {
        match self {
            Problem::NoName => t.name_required.to_string(),
            Problem::InvalidEmail(_, a) => (t.invalid_email)(a),
        }
    }
}

/// Whether the address typed on a line is wrong (an empty line is not).
pub fn email_is_wrong(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && !valid_email(v)
}

/// What is wrong with the form as typed (lines numbered as shown).
pub fn problems(c: &Contact) -> Vec<Problem> {
    let mut out = Vec::new();
    if display_name(&cleaned(c)).is_empty() {
        out.push(Problem::NoName);
    }
    for (n, e) in c.emails.iter().enumerate() {
        if email_is_wrong(&e.value) {
            out.push(Problem::InvalidEmail(n, e.value.trim().to_string()));
        }
    }
    out
}

/// The address "Écrire" writes to: the first valid one.
pub fn first_email(c: &Contact) -> Option<String> {
    c.emails
        .iter()
        .map(|e| e.value.trim())
        .find(|e| valid_email(e))
        .map(str::to_string)
}

/// The summary of an import: how many cards, then each error.
pub fn import_summary(
    t: &TrPeople,
    result: &shared::contacts::ImportResult,
) -> (String, Vec<String>) {
    ((t.imported)(result.created), result.errors.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::people::{EN, FR};
    use shared::contacts::ImportResult;

    fn typed(kind: Option<&str>, value: &str) -> Typed {
        Typed {
            kind: kind.map(str::to_string),
            value: value.into(),
        }
    }

    #[test]
    fn names_fall_back_like_the_backend() {
        let mut c = Contact {
            given_name: " Hélène ".into(),
            family_name: "Lefèvre".into(),
            organization: "Collège".into(),
            ..Default::default()
        };
        assert_eq!(display_name(&c), "Hélène Lefèvre");
        c.given_name.clear();
        c.family_name.clear();
        assert_eq!(display_name(&c), "Collège");
        c.organization.clear();
        c.emails = vec![typed(None, " "), typed(None, "h@ac-demo.fr")];
        assert_eq!(display_name(&c), "h@ac-demo.fr");
    }

    #[test]
    fn the_list_is_in_name_order_ignoring_accents() {
        let named = |id: &str, name: &str| Contact {
            id: id.into(),
            full_name: name.into(),
            ..Default::default()
        };
        let mut list = vec![named("1", "Zoé"), named("2", "émile"), named("3", "Bob")];
        sort_contacts(&mut list);
        let names: Vec<_> = list.iter().map(|c| c.full_name.as_str()).collect();
        assert_eq!(names, ["Bob", "émile", "Zoé"]);
        upsert(&mut list, named("1", "Alice"));
        upsert(&mut list, named("4", "Denis"));
        let names: Vec<_> = list.iter().map(|c| c.full_name.as_str()).collect();
        assert_eq!(names, ["Alice", "Bob", "Denis", "émile"]);
    }

    #[test]
    fn the_form_sends_a_clean_card() {
        let c = Contact {
            id: "abc".into(),
            etag: Some("\"1\"".into()),
            given_name: " Sophie ".into(),
            family_name: "Dupont\t".into(),
            organization: "Collège\nJean Moulin".into(),
            emails: vec![
                typed(Some("WORK"), " s.dupont@ac-demo.fr "),
                typed(Some("home"), "  "),
            ],
            phones: vec![typed(Some(""), "01 23 45 67 89"), typed(None, "")],
            note: "Ligne 1\nLigne 2\u{7}\n\n".into(),
            ..Default::default()
        };
        let out = cleaned(&c);
        assert_eq!(out.id, "abc");
        assert_eq!(out.etag.as_deref(), Some("\"1\""));
        assert_eq!(out.full_name, "Sophie Dupont");
        assert_eq!(out.given_name, "Sophie");
        assert_eq!(out.emails, vec![typed(Some("work"), "s.dupont@ac-demo.fr")]);
        assert_eq!(out.phones, vec![typed(None, "01 23 45 67 89")]);
        assert_eq!(out.note, "Ligne 1\nLigne 2");
        assert_eq!(out.family_name, "Dupont");
        assert_eq!(out.organization, "Collège Jean Moulin");
    }

    #[test]
    fn wrong_addresses_and_no_name_are_flagged() {
        let mut c = for_form(Contact::default());
        assert_eq!(problems(&c), vec![Problem::NoName]);
        c.emails = vec![
            typed(None, "ok@ac-demo.fr"),
            typed(None, ""),
            typed(None, " pas une adresse "),
        ];
        assert_eq!(
            problems(&c),
            vec![Problem::InvalidEmail(2, "pas une adresse".into())]
        );
        assert_eq!(
            problems(&c)[0].text(&FR),
            "« pas une adresse » n'est pas une adresse e-mail valide."
        );
        assert_eq!(Problem::NoName.text(&EN), EN.name_required);
        c.emails.truncate(1);
        assert!(problems(&c).is_empty());
        assert_eq!(first_email(&c).as_deref(), Some("ok@ac-demo.fr"));
    }

    #[test]
    fn a_sender_is_added_or_found() {
        let c = new_contact(Some(" bob@ac-demo.fr"), Some("Bob Garnier "));
        assert_eq!(c.full_name, "Bob Garnier");
        assert_eq!(c.emails[0].value, "bob@ac-demo.fr");
        assert!(c.id.is_empty() && c.etag.is_none());
        let known = Contact {
            id: "b".into(),
            full_name: "Bob".into(),
            emails: vec![typed(None, "Bob@AC-demo.fr")],
            ..Default::default()
        };
        let list = [known];
        assert_eq!(
            find_by_email(&list, "bob@ac-demo.fr").map(|c| c.id.as_str()),
            Some("b")
        );
        assert!(find_by_email(&list, "").is_none());
        assert!(find_by_email(&list, "alice@ac-demo.fr").is_none());
    }

    #[test]
    fn an_unusual_kind_is_kept_in_the_menu() {
        assert_eq!(kind_choices(EMAIL_KINDS, "work").len(), EMAIL_KINDS.len());
        assert_eq!(kind_choices(EMAIL_KINDS, "").len(), EMAIL_KINDS.len());
        let with_own = kind_choices(PHONE_KINDS, "Pager");
        assert_eq!(with_own.len(), PHONE_KINDS.len() + 1);
        assert_eq!(with_own.last().map(|(v, _)| v.as_str()), Some("pager"));
    }

    #[test]
    fn import_is_summed_up() {
        let r = ImportResult {
            created: 3,
            errors: vec!["carte 4 : pas de nom".into()],
        };
        let (head, errors) = import_summary(&FR, &r);
        assert_eq!(head, "3 contacts importés.");
        assert_eq!(errors, ["carte 4 : pas de nom"]);
    }
}
