//! The address book: the user's CardDAV address book read and written
//! card by card (with ETags: a card changed elsewhere is never
//! overwritten), `.vcf` import and export, and the list of addresses the
//! compose form suggests (contacts, then people written to or heard from
//! recently).
//!
//! The address book found by discovery is remembered per user in this
//! instance (only its path: found again if it moves), so a request costs
//! one DAV round trip, not three.

use std::{
    collections::{HashMap, HashSet},
    sync::{LazyLock, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use shared::{
    ApiError,
    compose::valid_email,
    contacts::{
        Contact, ContactList, ImportResult, Suggestion, SuggestionSource, contact_matches, fold,
    },
    mail::FolderRole,
};

use crate::{
    AppState,
    auth::{Authed, Json, Path, Query},
    dav::{self, DavClient, DavError, IfMatch},
    error::{AppError, AppResult},
    imap::SummaryData,
    mime, vcard,
};

/// Largest `.vcf` file imported at once.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// Messages of the Sent folder and of the INBOX read for recent addresses.
const RECENT_MESSAGES: u32 = 300;
/// Most addresses `/api/contacts/recipients` returns.
const MAX_SUGGESTIONS: usize = 2000;
/// Content type of a card.
const VCARD_TYPE: &str = "text/vcard; charset=utf-8";
/// Address books remembered (beyond, the memory is cleared).
const MAX_REMEMBERED_BOOKS: usize = 50_000;

/// The address book of each user, found by discovery: (path, name).
static BOOKS: LazyLock<Mutex<HashMap<String, (String, String)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The user's address book on an open DAV connection.
pub struct Book {
    pub client: DavClient,
    pub href: String,
    pub name: String,
    key: String,
    remembered: bool,
}

/// A card as stored.
struct Stored {
    contact: Contact,
    uid: Option<String>,
    data: String,
}

/// Opens the DAV connection and finds the user's address book (created
/// when there is none). A refused password does not end the session: the
/// DAV server may have accounts of its own.
pub async fn open(state: &AppState, auth: &Authed) -> AppResult<Book> {
    let client = DavClient::new(
        &state.config.caldav_url,
        state.tls.clone(),
        &auth.data.username,
        auth.creds.password.expose(),
        state.config.server_timeout,
    )?;
    let key = format!("{}\n{}", state.config.caldav_url, auth.data.username);
    let known = BOOKS.lock().ok().and_then(|m| m.get(&key).cloned());
    let mut book = Book {
        client,
        href: String::new(),
        name: String::new(),
        key,
        remembered: false,
    };
    match known {
        Some((href, name)) => {
            book.href = href;
            book.name = name;
            book.remembered = true;
        }
        None => discover(&mut book).await?,
    }
    Ok(book)
}

async fn discover(book: &mut Book) -> Result<(), DavError> {
    let found = book.client.address_book().await?;
    book.href = found.href;
    book.name = found.name;
    book.remembered = false;
    if let Ok(mut m) = BOOKS.lock() {
        if m.len() >= MAX_REMEMBERED_BOOKS {
            m.clear();
        }
        m.insert(book.key.clone(), (book.href.clone(), book.name.clone()));
    }
    Ok(())
}

/// Every card of the book; a remembered book that is gone is looked for
/// again once. A card that cannot be read is left out (and logged).
async fn load(book: &mut Book) -> Result<Vec<Stored>, DavError> {
    let cards = match book.client.cards(&book.href).await {
        Err(DavError::NotFound) if book.remembered => {
            discover(book).await?;
            book.client.cards(&book.href).await?
        }
        r => r?,
    };
    let mut out = Vec::with_capacity(cards.len());
    for (href, etag, data) in cards {
        match vcard::parse_one(data.as_bytes()) {
            Ok(card) => {
                let mut contact = card.to_contact();
                contact.id = dav::last_segment(&href);
                contact.etag = (!etag.is_empty()).then_some(etag);
                out.push(Stored {
                    contact,
                    uid: card.uid(),
                    data,
                });
            }
            Err(e) => tracing::warn!(%href, error = %e, "carte illisible ignorée"),
        }
    }
    Ok(out)
}

fn sort(contacts: &mut [Contact]) {
    contacts.sort_by_cached_key(|c| {
        (
            fold(&vcard::display_name(c)),
            c.emails.first().map(|e| e.value.to_lowercase()),
            c.id.clone(),
        )
    });
}

/// `?q=`: words to look for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Words that must all appear (case and accents ignored).
    #[serde(default)]
    pub q: Option<String>,
}

/// The address book, sorted by name; only the contacts matching `q` when
/// given.
#[utoipa::path(get, path = "/api/contacts", params(ListQuery), responses(
    (status = 200, body = ContactList),
    (status = 401, body = ApiError),
    (status = 502, body = ApiError, description = "server_refused: le serveur de contacts refuse"),
    (status = 503, body = ApiError),
))]
pub async fn list(
    State(state): State<AppState>,
    auth: Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<ContactList>> {
    let mut book = open(&state, &auth).await?;
    let mut contacts: Vec<Contact> = load(&mut book)
        .await?
        .into_iter()
        .map(|s| s.contact)
        .collect();
    if let Some(q) = q.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        contacts.retain(|c| contact_matches(c, q));
    }
    sort(&mut contacts);
    Ok(Json(ContactList {
        book: book.name,
        contacts,
    }))
}

fn invalid(detail: impl Into<String>) -> AppError {
    ApiError::InvalidRequest {
        detail: detail.into(),
    }
    .into()
}

/// What a contact must be to be saved: a name or an address, valid
/// addresses, no control characters (but newlines in the note).
fn validate(c: &Contact) -> AppResult<()> {
    let one_line = [
        ("nom", &c.full_name),
        ("prénom", &c.given_name),
        ("nom de famille", &c.family_name),
        ("organisation", &c.organization),
        ("fonction", &c.title),
    ];
    for (what, v) in one_line {
        if v.chars().any(char::is_control) {
            return Err(invalid(format!(
                "caractère de contrôle dans le champ {what}"
            )));
        }
        if v.len() > 1000 {
            return Err(invalid(format!("champ {what} trop long")));
        }
    }
    if c.note
        .chars()
        .any(|ch| ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t')
    {
        return Err(invalid("caractère de contrôle dans la note"));
    }
    if c.note.len() > 100_000 {
        return Err(invalid("note trop longue"));
    }
    if c.emails.len() > 100 || c.phones.len() > 100 {
        return Err(invalid("trop d'adresses ou de numéros"));
    }
    for e in &c.emails {
        let v = e.value.trim();
        if !v.is_empty() && !valid_email(v) {
            return Err(invalid(format!(
                "adresse invalide : {}",
                crate::net::truncate(v, 100)
            )));
        }
    }
    for t in c.emails.iter().chain(&c.phones) {
        if t.value.chars().any(char::is_control)
            || t.kind.as_deref().is_some_and(|k| {
                k.len() > 40 || !k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
            })
        {
            return Err(invalid("type ou valeur d'adresse ou de numéro invalide"));
        }
    }
    let has_email = c.emails.iter().any(|e| !e.value.trim().is_empty());
    let has_name = [&c.full_name, &c.given_name, &c.family_name]
        .iter()
        .any(|v| !v.trim().is_empty());
    if !has_name && !has_email {
        return Err(invalid("un nom ou une adresse est nécessaire"));
    }
    Ok(())
}

/// `bytes` random bytes as hexadecimal (ids of new resources).
pub(crate) fn random_hex(bytes: usize) -> AppResult<String> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A new UID (a random UUID, as phones write them): cards and events.
pub(crate) fn new_uid() -> AppResult<String> {
    let h = random_hex(16)?;
    Ok(format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    ))
}

/// The ETag of a resource just written, when the PUT did not give it.
async fn etag_of(book: &mut Book, path: &str) -> Result<Option<String>, DavError> {
    let (_, etag) = book.client.get(path).await?;
    Ok(etag)
}

/// A card id from the URL: a plain file name.
fn check_id(id: &str) -> AppResult<()> {
    if dav::valid_name(id) {
        Ok(())
    } else {
        Err(invalid("identifiant de contact invalide"))
    }
}

/// Creates a contact (its `id` and `etag` are ignored); answers it with
/// the id and ETag given.
#[utoipa::path(post, path = "/api/contacts", request_body = Contact, responses(
    (status = 200, body = Contact),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
    (status = 503, body = ApiError),
))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authed,
    Json(c): Json<Contact>,
) -> AppResult<Json<Contact>> {
    validate(&c)?;
    let mut book = open(&state, &auth).await?;
    let id = format!("{}.vcf", random_hex(16)?);
    let mut card = vcard::with_contact(None, &c);
    card.set_uid(&new_uid()?);
    let path = dav::member_path(&book.href, &id)?;
    let put = book
        .client
        .put(
            &path,
            card.write().into_bytes(),
            VCARD_TYPE,
            IfMatch::NoneMatch,
        )
        .await;
    let etag = match put {
        Err(DavError::NotFound) if book.remembered => {
            // The book moved: find it again and retry once.
            discover(&mut book).await?;
            let path = dav::member_path(&book.href, &id)?;
            book.client
                .put(
                    &path,
                    card.write().into_bytes(),
                    VCARD_TYPE,
                    IfMatch::NoneMatch,
                )
                .await?
        }
        r => r?,
    };
    let etag = match etag {
        Some(e) => Some(e),
        None => {
            let path = dav::member_path(&book.href, &id)?;
            etag_of(&mut book, &path).await?
        }
    };
    let mut out = card.to_contact();
    out.id = id;
    out.etag = etag;
    Ok(Json(out))
}

/// Changes a contact: only what the API models is replaced in the stored
/// card (a photo, an address… stay). The `etag` read is required; a card
/// changed or deleted elsewhere meanwhile gives `edit_conflict` and is not
/// touched.
#[utoipa::path(put, path = "/api/contacts/{id}", request_body = Contact,
    params(("id" = String, Path)), responses(
    (status = 200, body = Contact),
    (status = 400, body = ApiError),
    (status = 412, body = ApiError, description = "edit_conflict: la carte a changé ailleurs"),
))]
pub async fn update(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    Json(c): Json<Contact>,
) -> AppResult<Json<Contact>> {
    check_id(&id)?;
    let etag = c
        .etag
        .clone()
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| invalid("etag manquant : relisez le contact avant de le modifier"))?;
    validate(&c)?;
    let mut book = open(&state, &auth).await?;
    let path = dav::member_path(&book.href, &id)?;
    let stored = match book.client.get(&path).await {
        Ok((bytes, _)) => bytes,
        Err(DavError::NotFound) => return Err(ApiError::EditConflict.into()),
        Err(e) => return Err(e.into()),
    };
    let base = vcard::parse_one(&stored).map_err(|e| ApiError::ServerRefused {
        detail: format!("la carte enregistrée est illisible : {e}"),
    })?;
    let mut card = vcard::with_contact(Some(&base), &c);
    if card.uid().is_none() {
        card.set_uid(&new_uid()?);
    }
    let new_etag = match book
        .client
        .put(
            &path,
            card.write().into_bytes(),
            VCARD_TYPE,
            IfMatch::Etag(etag),
        )
        .await
    {
        Ok(e) => e,
        Err(DavError::NotFound | DavError::PreconditionFailed) => {
            return Err(ApiError::EditConflict.into());
        }
        Err(e) => return Err(e.into()),
    };
    let new_etag = match new_etag {
        Some(e) => Some(e),
        None => etag_of(&mut book, &path).await?,
    };
    let mut out = card.to_contact();
    out.id = id;
    out.etag = new_etag;
    Ok(Json(out))
}

/// `?etag=`: the version read.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeleteQuery {
    /// The `etag` of the contact as read.
    pub etag: Option<String>,
}

/// Deletes a contact if it did not change since it was read (a contact
/// already gone counts as deleted).
#[utoipa::path(delete, path = "/api/contacts/{id}",
    params(("id" = String, Path), DeleteQuery), responses(
    (status = 204),
    (status = 400, body = ApiError),
    (status = 412, body = ApiError, description = "edit_conflict: la carte a changé ailleurs"),
))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> AppResult<StatusCode> {
    check_id(&id)?;
    let etag = q
        .etag
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| invalid("etag manquant : relisez le contact avant de le supprimer"))?;
    let mut book = open(&state, &auth).await?;
    let path = dav::member_path(&book.href, &id)?;
    match book.client.delete(&path, Some(&etag)).await {
        Ok(()) | Err(DavError::NotFound) => Ok(StatusCode::NO_CONTENT),
        Err(e) => Err(e.into()),
    }
}

/// Imports a `.vcf` file (the request body, `text/vcard`, one or more
/// cards, up to 5 MB). A card without UID gets one; a card whose UID is
/// already in the book (or, without UID, one with the same name and
/// addresses) is skipped, not duplicated; a card that cannot be read is
/// reported with why.
#[utoipa::path(post, path = "/api/contacts/import",
    request_body(content = String, content_type = "text/vcard"), responses(
    (status = 200, body = ImportResult),
    (status = 400, body = ApiError),
    (status = 413, description = "fichier de plus de 5 Mo"),
))]
pub async fn import(
    State(state): State<AppState>,
    auth: Authed,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<ImportResult>> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !(ct.is_empty()
        || ct.starts_with("text/")
        || ct.starts_with("application/octet-stream")
        || ct.starts_with("application/vcard"))
    {
        return Err(invalid("un fichier .vcf (text/vcard) est attendu"));
    }
    let cards = vcard::parse(&body);
    let mut book = open(&state, &auth).await?;
    let stored = load(&mut book).await?;
    let mut signatures: HashSet<(String, Vec<String>)> =
        stored.iter().map(|s| signature(&s.contact)).collect();
    let mut uids: HashSet<String> = stored.into_iter().filter_map(|s| s.uid).collect();
    let mut created = 0u32;
    let mut errors = Vec::new();
    for (i, card) in cards.into_iter().enumerate() {
        let n = i + 1;
        let mut card = match card {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("carte {n} : {e}"));
                continue;
            }
        };
        let contact = card.to_contact();
        let name = vcard::display_name(&contact);
        // A card without UID is known by its name and addresses.
        let known = match card.uid() {
            Some(u) => !uids.insert(u),
            None => {
                card.set_uid(&new_uid()?);
                signatures.contains(&signature(&contact))
            }
        };
        signatures.insert(signature(&contact));
        if known {
            errors.push(format!(
                "carte {n} ({name}) : déjà dans le carnet d'adresses, ignorée"
            ));
            continue;
        }
        let id = format!("{}.vcf", random_hex(16)?);
        let path = dav::member_path(&book.href, &id)?;
        match book
            .client
            .put(
                &path,
                card.write().into_bytes(),
                VCARD_TYPE,
                IfMatch::NoneMatch,
            )
            .await
        {
            Ok(_) => created += 1,
            Err(DavError::Refused { detail, .. }) => {
                errors.push(format!(
                    "carte {n} ({name}) : refusée par le serveur : {detail}"
                ));
            }
            Err(DavError::PreconditionFailed) => {
                errors.push(format!("carte {n} ({name}) : refusée par le serveur"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Json(ImportResult { created, errors }))
}

/// What tells two cards without UID apart: the name and the addresses.
fn signature(c: &Contact) -> (String, Vec<String>) {
    let mut emails: Vec<String> = c.emails.iter().map(|e| e.value.to_lowercase()).collect();
    emails.sort();
    (fold(&vcard::display_name(c)), emails)
}

/// The whole address book as one `.vcf` file.
#[utoipa::path(get, path = "/api/contacts/export", responses(
    (status = 200, content_type = "text/vcard", body = String),
    (status = 503, body = ApiError),
))]
pub async fn export(State(state): State<AppState>, auth: Authed) -> AppResult<Response> {
    let mut book = open(&state, &auth).await?;
    let mut stored = load(&mut book).await?;
    stored.sort_by_cached_key(|s| fold(&vcard::display_name(&s.contact)));
    let mut out = String::new();
    for s in stored {
        let data = s.data.trim_end();
        if !data.contains("\r\n") {
            out.push_str(&data.replace('\n', "\r\n"));
        } else {
            out.push_str(data);
        }
        out.push_str("\r\n");
    }
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/vcard; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                mime::content_disposition("contacts.vcf"),
            ),
        ],
        out,
    )
        .into_response())
}

/// Every address the compose form may suggest, best first: each address
/// of the address book (with the contact's name), then the people the
/// user wrote to (To/Cc of the last messages of Sent) or heard from (From
/// of the last messages of the INBOX), most frequent first. The user's
/// own address is left out. The address book being unavailable leaves
/// the recent addresses (the cause is logged).
#[utoipa::path(get, path = "/api/contacts/recipients", responses(
    (status = 200, body = Vec<Suggestion>),
    (status = 401, body = ApiError),
))]
pub async fn recipients(
    State(state): State<AppState>,
    auth: Authed,
) -> AppResult<Json<Vec<Suggestion>>> {
    let contacts = match open(&state, &auth).await {
        Ok(mut book) => load(&mut book).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    let mut contacts: Vec<Contact> = match contacts {
        Ok(s) => s.into_iter().map(|s| s.contact).collect(),
        Err(e) => {
            tracing::warn!(error = ?e.api, cause = e.cause.as_deref().unwrap_or(""),
                "carnet d'adresses indisponible pour les suggestions");
            Vec::new()
        }
    };
    sort(&mut contacts);
    let (sent, received) = auth
        .imap(|c| {
            Box::pin(async move {
                let none: &[String] = &[];
                let sent = match c.folder_with_role(FolderRole::Sent).await? {
                    Some(p) => c.recent_headers(&p, RECENT_MESSAGES, Some(none)).await?,
                    None => Vec::new(),
                };
                let received = c
                    .recent_headers("INBOX", RECENT_MESSAGES, Some(none))
                    .await?;
                Ok((sent, received))
            })
        })
        .await?;
    let mut own: HashSet<String> = HashSet::new();
    own.insert(auth.data.email.to_lowercase());
    if auth.data.username.contains('@') {
        own.insert(auth.data.username.to_lowercase());
    }
    Ok(Json(suggestions(&contacts, &sent, &received, &own)))
}

/// Merges the contacts' addresses and the recent ones.
fn suggestions(
    contacts: &[Contact],
    sent: &[SummaryData],
    received: &[SummaryData],
    own: &HashSet<String>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut seen: HashSet<String> = own.clone();
    for c in contacts {
        let name = vcard::display_name(c);
        for e in &c.emails {
            let email = e.value.trim();
            if email.is_empty() || !seen.insert(email.to_lowercase()) {
                continue;
            }
            out.push(Suggestion {
                name: (!name.is_empty() && name != email).then(|| name.clone()),
                email: email.to_string(),
                source: SuggestionSource::Contact,
            });
            if out.len() >= MAX_SUGGESTIONS {
                return out;
            }
        }
    }
    // (score, latest date, name, address as written) per address.
    struct Recent {
        score: u32,
        latest: i64,
        name: Option<String>,
        email: String,
    }
    let mut recent: HashMap<String, Recent> = HashMap::new();
    let parser = mail_parser::MessageParser::default();
    let mut note = |addrs: Vec<shared::mail::Address>, weight: u32, date: i64| {
        for a in addrs {
            let key = a.email.to_lowercase();
            if seen.contains(&key) || !valid_email(&a.email) {
                continue;
            }
            let r = recent.entry(key).or_insert_with(|| Recent {
                score: 0,
                latest: i64::MIN,
                name: None,
                email: a.email.clone(),
            });
            r.score += weight;
            if date >= r.latest {
                r.latest = date;
                if a.name.is_some() {
                    r.name = a.name.clone();
                }
            } else if r.name.is_none() {
                r.name = a.name.clone();
            }
        }
    };
    for (rows, sent) in [(sent, true), (received, false)] {
        for row in rows {
            let Some(head) = parser.parse_headers(&row.header) else {
                continue;
            };
            let date = head
                .date()
                .map(|d| d.to_timestamp())
                .or(row.internal_date)
                .unwrap_or(0);
            if sent {
                let mut to = mime::addresses(head.to());
                to.extend(mime::addresses(head.cc()));
                // Writing to someone says more than hearing from them.
                note(to, 2, date);
            } else {
                note(mime::addresses(head.from()), 1, date);
            }
        }
    }
    let mut recent: Vec<Recent> = recent.into_values().collect();
    recent.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.latest.cmp(&a.latest))
            .then_with(|| a.email.cmp(&b.email))
    });
    for r in recent {
        if out.len() >= MAX_SUGGESTIONS {
            break;
        }
        out.push(Suggestion {
            name: r.name.filter(|n| !n.trim().is_empty() && *n != r.email),
            email: r.email,
            source: SuggestionSource::Recent,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::contacts::Typed;

    fn row(header: &str) -> SummaryData {
        SummaryData {
            uid: 1,
            flags: Default::default(),
            size: 0,
            internal_date: None,
            has_attachments: false,
            header: header.as_bytes().to_vec(),
        }
    }

    #[test]
    fn suggestions_put_contacts_first_and_dedupe() {
        let contacts = vec![Contact {
            full_name: "Hélène Lefèvre".into(),
            emails: vec![Typed {
                kind: None,
                value: "Helene@ac-demo.fr".into(),
            }],
            ..Default::default()
        }];
        let sent = vec![
            row(
                "To: helene@AC-demo.fr, Paul <paul@ac-demo.fr>\r\nCc: moi@ac-demo.fr\r\nDate: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\n",
            ),
            row("To: paul@ac-demo.fr\r\nDate: Tue, 3 Nov 2026 10:00:00 +0100\r\n\r\n"),
        ];
        let received = vec![
            row("From: Zoé <zoe@ac-demo.fr>\r\nDate: Wed, 4 Nov 2026 10:00:00 +0100\r\n\r\n"),
            row("From: pas une adresse\r\n\r\n"),
        ];
        let own: HashSet<String> = ["moi@ac-demo.fr".to_string()].into();
        let s = suggestions(&contacts, &sent, &received, &own);
        let emails: Vec<_> = s.iter().map(|s| (s.email.as_str(), s.source)).collect();
        assert_eq!(
            emails,
            [
                ("Helene@ac-demo.fr", SuggestionSource::Contact),
                ("paul@ac-demo.fr", SuggestionSource::Recent),
                ("zoe@ac-demo.fr", SuggestionSource::Recent),
            ]
        );
        assert_eq!(s[0].name.as_deref(), Some("Hélène Lefèvre"));
        assert_eq!(s[1].name.as_deref(), Some("Paul"));
        assert_eq!(s[2].name.as_deref(), Some("Zoé"));
    }

    #[test]
    fn validation() {
        let ok = Contact {
            full_name: "A".into(),
            ..Default::default()
        };
        assert!(validate(&ok).is_ok());
        assert!(validate(&Contact::default()).is_err());
        let mut c = ok.clone();
        c.full_name = "a\u{7}".into();
        assert!(validate(&c).is_err());
        let mut c = ok.clone();
        c.emails.push(Typed {
            kind: None,
            value: "pas une adresse".into(),
        });
        assert!(validate(&c).is_err());
        let mut c = ok.clone();
        c.phones.push(Typed {
            kind: Some("work\"x".into()),
            value: "01".into(),
        });
        assert!(validate(&c).is_err());
        let mut c = ok;
        c.note = "ligne 1\nligne 2".into();
        assert!(validate(&c).is_ok());
        assert_eq!(new_uid().unwrap().len(), 36);
    }
}
