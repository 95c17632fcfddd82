//! The address book: the cards, changing them (a card changed elsewhere
//! meanwhile answers `edit_conflict`), importing a `.vcf` file. Exporting
//! is a plain download link to [`EXPORT_URL`].

use shared::contacts::{Contact, ContactList, ImportResult};
use shared::mail::encode_segment;
use wasm_bindgen::JsCast;
use web_sys::Headers;

use super::{Failure, Method, Ticket, decode, get_text, json, send_text};

/// `GET`/`POST /api/contacts`.
pub const CONTACTS_URL: &str = "/api/contacts";
/// `POST`: a `.vcf` file's text.
pub const IMPORT_URL: &str = "/api/contacts/import";
/// `GET`: every card as one `.vcf` file.
pub const EXPORT_URL: &str = "/api/contacts/export";

/// The address of one card.
pub fn contact_url(id: &str) -> String {
    format!("{CONTACTS_URL}/{}", encode_segment(id))
}

/// The address that deletes the card `id` in the version `etag`.
pub fn delete_url(id: &str, etag: Option<&str>) -> String {
    match etag {
        Some(etag) => format!("{}?etag={}", contact_url(id), encode_segment(etag)),
        None => contact_url(id),
    }
}

/// The whole address book (the page searches it itself, at once).
pub async fn list(ticket: &Ticket) -> Result<ContactList, Failure> {
    decode(&get_text(CONTACTS_URL, Some(ticket)).await?)
}

/// Creates a card; the answer has its id and version.
pub async fn create(contact: &Contact) -> Result<Contact, Failure> {
    decode(&send_text(Method::Post, CONTACTS_URL, json(contact)).await?)
}

/// Changes the card `contact.id`, in the version it was read in.
pub async fn update(contact: &Contact) -> Result<Contact, Failure> {
    decode(&send_text(Method::Put, &contact_url(&contact.id), json(contact)).await?)
}

/// Deletes a card, in the version it was read in.
pub async fn delete(id: &str, etag: Option<&str>) -> Result<(), Failure> {
    send_text(Method::Delete, &delete_url(id, etag), None).await?;
    Ok(())
}

/// Sends the text of a `.vcf` file: how many cards were created, and what
/// could not be.
pub async fn import(vcf: String) -> Result<ImportResult, Failure> {
    let init = super::request_init(Method::Post, Some(&vcf), None)?;
    // The same request as any other, but the body is a vCard file.
    if let Ok(headers) = init.get_headers().dyn_into::<Headers>() {
        let _ = headers.set("content-type", "text/vcard; charset=utf-8");
    }
    let answer = super::fetch(IMPORT_URL, &init).await;
    decode(&super::outcome(IMPORT_URL, answer, false)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_versions_are_encoded() {
        assert_eq!(contact_url("abc-1.vcf"), "/api/contacts/abc-1.vcf");
        assert_eq!(contact_url("a b/c"), "/api/contacts/a%20b%2Fc");
        assert_eq!(
            delete_url("x", Some("\"3-a\"")),
            "/api/contacts/x?etag=%223-a%22"
        );
        assert_eq!(delete_url("x", None), "/api/contacts/x");
    }
}
