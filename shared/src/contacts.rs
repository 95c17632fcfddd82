//! The address book (the user's CardDAV address book) and address
//! suggestions while typing.

use serde::{Deserialize, Serialize};

/// A typed value: an address or a number with its kind (`work`, `home`,
/// `cell`…, as vCard `TYPE` says), if any.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Typed {
    #[serde(default)]
    pub kind: Option<String>,
    pub value: String,
}

/// One contact card.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// Stable id within the address book (the card's file name), URL-safe.
    #[serde(default)]
    pub id: String,
    /// The version read (`ETag`); sent back with a change so that a card
    /// changed elsewhere meanwhile is never overwritten silently.
    #[serde(default)]
    pub etag: Option<String>,
    /// Display name (`FN`).
    pub full_name: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub emails: Vec<Typed>,
    #[serde(default)]
    pub phones: Vec<Typed>,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub note: String,
}

/// `GET /api/contacts?q=`: the address book, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactList {
    /// The address book's display name.
    pub book: String,
    pub contacts: Vec<Contact>,
}

/// `POST /api/contacts/import` (a `.vcf` body with one or more cards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub created: u32,
    /// Cards that could not be read or stored, with why.
    pub errors: Vec<String>,
}

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    Contact,
    Recent,
}

/// One entry of `GET /api/contacts/recipients`: an address the compose
/// form may suggest (the list comes whole, best first, and is filtered as
/// the user types).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
    pub source: SuggestionSource,
}

/// Whether a contact matches a search: every word of `query` found (case
/// and accents ignored) in its name, organisation, addresses or numbers.
pub fn contact_matches(c: &Contact, query: &str) -> bool {
    let hay = fold(&format!(
        "{} {} {} {} {} {}",
        c.full_name,
        c.given_name,
        c.family_name,
        c.organization,
        c.emails
            .iter()
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        c.phones
            .iter()
            .map(|e| e.value.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    ));
    fold(query).split_whitespace().all(|w| hay.contains(w))
}

/// Lower case without French accents, for matching what people type.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_and_accents() {
        let c = Contact {
            full_name: "Hélène Lefèvre".into(),
            organization: "Collège Jean Moulin".into(),
            emails: vec![Typed {
                kind: None,
                value: "helene.lefevre@ac-demo.fr".into(),
            }],
            ..Default::default()
        };
        assert!(contact_matches(&c, "helene"));
        assert!(contact_matches(&c, "LEFÈVRE moulin"));
        assert!(contact_matches(&c, "ac-demo"));
        assert!(!contact_matches(&c, "dupont"));
    }
}
