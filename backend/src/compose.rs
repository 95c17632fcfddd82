//! Writing mail: the RFC 5322 message built from what the editor holds
//! (sent or saved as a draft), a draft read back into the editor, and a
//! reply or forward prepared from a message.
//!
//! Headers are written by `mail-builder` (RFC 2047 words, RFC 2231
//! parameters, folding); everything the user typed is checked first so no
//! header can be injected: addresses must pass
//! [`shared::compose::valid_email`], names may hold no control character,
//! control characters of the subject become spaces, message ids are
//! checked atoms.
//!
//! The signature is not added here: the editor inserts it when it opens,
//! so what is sent is exactly what the user saw (and could edit), and a
//! draft reopened does not get a second one.

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::STANDARD};
use mail_builder::{
    MessageBuilder,
    headers::{
        address::Address as MbAddress, content_type::ContentType, date::Date,
        message_id::MessageId, raw::Raw, text::Text,
    },
    mime::{BodyPart, MimePart},
};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};
use shared::{
    ApiError,
    compose::{
        AttachmentSource, BodyFormat, ComposeAttachment, ComposeMessage, ComposeMode, OriginalRef,
        valid_email,
    },
    mail::Address,
};

use crate::error::AppError;

/// The header that keeps, in a draft, what the editor needs and the
/// message itself does not say: base64 of a JSON [`DraftMeta`].
pub const DRAFT_HEADER: &str = "X-Facteur-Draft";
/// How many ids of a `References` chain a reply keeps (the newest).
const MAX_REFERENCES: usize = 20;

/// Who sends: the identity chosen in the preferences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub name: String,
    pub email: String,
    pub reply_to: Option<String>,
}

/// An attachment with its bytes, as the route found them (an upload, a
/// part of another message, a whole message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAttachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
    /// A whole message attached as `message/rfc822` (forward as attachment).
    pub rfc822: bool,
}

/// Why a message cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// An address (or the name with it) that cannot go in a header.
    #[error("adresse invalide : {0}")]
    InvalidAddress(String),
    /// A message to send needs at least one recipient (To, Cc or Bcc).
    #[error("aucun destinataire")]
    NoRecipient,
}

impl From<ComposeError> for AppError {
    fn from(e: ComposeError) -> Self {
        AppError {
            api: ApiError::InvalidRequest {
                detail: e.to_string(),
            },
            cause: None,
        }
    }
}

/// What [`DRAFT_HEADER`] carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct DraftMeta {
    #[serde(default)]
    identity: Option<String>,
    #[serde(default)]
    format: BodyFormat,
    #[serde(default)]
    original: Option<OriginalRef>,
}

/// A new `Message-ID`, `<random@domain>` (RFC 5322 §3.6.4): 128 random
/// bits, base32-like so it is an atom whatever the domain's case.
pub fn new_message_id(email_domain: &str) -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the time still makes an id unique enough.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        bytes = t.to_le_bytes();
    }
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let domain: String = email_domain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let domain = if domain.is_empty() {
        "facteur.invalid".to_string()
    } else {
        domain
    };
    format!("<{id}@{domain}>")
}

/// A message id without its brackets, if it is one we can write: no
/// space, control character or bracket (what a client sends is checked).
fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty()
        && id.len() <= 250
        && id.is_ascii()
        && !id
            .chars()
            .any(|c| c.is_ascii_control() || c.is_whitespace() || "<>\"\\,;".contains(c));
    ok.then(|| id.to_string())
}

/// A header address from an [`Address`], checked.
fn mb_address(a: &Address) -> Result<MbAddress<'static>, ComposeError> {
    let email = a.email.trim();
    let name = a.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if !valid_email(email) || name.is_some_and(|n| n.chars().any(char::is_control)) {
        return Err(ComposeError::InvalidAddress(crate::net::truncate(
            &format!(
                "{}{}",
                name.map(|n| format!("{n} ")).unwrap_or_default(),
                email
            )
            .replace(char::is_control, " "),
            200,
        )));
    }
    Ok(MbAddress::new_address(
        name.map(str::to_string),
        email.to_string(),
    ))
}

fn address_list(list: &[Address]) -> Result<Option<MbAddress<'static>>, ComposeError> {
    let items = list.iter().map(mb_address).collect::<Result<Vec<_>, _>>()?;
    Ok(match items.len() {
        0 => None,
        1 => items.into_iter().next(),
        _ => Some(MbAddress::new_list(items)),
    })
}

/// A MIME type we can write as is (`type/subtype`, token characters),
/// lower-cased; anything else is `application/octet-stream`.
fn clean_content_type(ct: &str) -> String {
    let ct = ct.trim().to_ascii_lowercase();
    let token = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match ct.split_once('/') {
        Some((t, s)) if token(t) && token(s) && t != "multipart" => ct,
        _ => "application/octet-stream".into(),
    }
}

/// A file name without control characters or path, at most 200 characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "piece-jointe".into()
    } else {
        cleaned
    }
}

/// Base64 with lines of 76 characters (RFC 2045 §6.8).
fn base64_lines(data: &[u8]) -> String {
    let b64 = STANDARD.encode(data);
    let mut out = String::with_capacity(b64.len() + b64.len() / 38 + 2);
    for chunk in b64.as_bytes().chunks(76) {
        // Base64 is ASCII: the chunk is always UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// A message that can travel as `message/rfc822` unencoded (RFC 2046
/// §5.2.1 allows only 7bit, 8bit or binary there): no NUL, lines of at
/// most 998 octets. Returns it with CRLF line ends, and whether it is 7-bit.
fn rfc822_body(data: &[u8]) -> Option<(Vec<u8>, bool)> {
    if data.contains(&0) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() + data.len() / 40);
    let mut line_len = 0;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\r' | b'\n' => {
                out.extend_from_slice(b"\r\n");
                line_len = 0;
                if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b => {
                out.push(b);
                line_len += 1;
                if line_len > 998 {
                    return None;
                }
            }
        }
        i += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    let seven = out.is_ascii();
    Some((out, seven))
}

fn attachment_part(a: ResolvedAttachment) -> MimePart<'static> {
    let filename = clean_filename(&a.filename);
    if a.rfc822 {
        let ct = ContentType::new("message/rfc822");
        return match rfc822_body(&a.data) {
            Some((body, seven)) => MimePart::new(ct, BodyPart::Binary(body.into()))
                .attachment(filename)
                .transfer_encoding(if seven { "7bit" } else { "8bit" }),
            None => MimePart::new(ct, BodyPart::Text(base64_lines(&a.data).into()))
                .attachment(filename)
                .transfer_encoding("base64"),
        };
    }
    // Our own base64: the bytes come back identical whatever the type
    // (mail-builder would pick quoted-printable for text/*).
    let ct =
        ContentType::new(clean_content_type(&a.content_type)).attribute("name", filename.clone());
    MimePart::new(ct, BodyPart::Text(base64_lines(&a.data).into()))
        .attachment(filename)
        .transfer_encoding("base64")
}

/// The HTML part of an outgoing message: the editor's HTML through the
/// same allow-list as incoming mail, in a minimal document.
fn html_document(fragment: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{fragment}</body></html>"
    )
}

/// The editor's HTML made safe: [`crate::mime::sanitize_fragment`], remote
/// images kept (they are the user's), `cid:` references dropped.
pub fn clean_html(html: &str) -> String {
    crate::mime::sanitize_fragment(html, &HashMap::new(), true).0
}

/// Builds the message. `message_id` is `<id@domain>` (see
/// [`new_message_id`]), `date` seconds since the epoch. A draft
/// (`draft`) keeps its Bcc header and [`DRAFT_HEADER`], and may have no
/// recipient; a message to send never shows its Bcc (the caller gives
/// those addresses to SMTP only).
pub fn build(
    msg: &ComposeMessage,
    sender: &Sender,
    attachments: Vec<ResolvedAttachment>,
    message_id: &str,
    date: i64,
    draft: bool,
) -> Result<Vec<u8>, ComposeError> {
    let from = mb_address(&Address {
        name: Some(sender.name.clone()),
        email: sender.email.clone(),
    })?;
    let to = address_list(&msg.to)?;
    let cc = address_list(&msg.cc)?;
    let bcc = address_list(&msg.bcc)?;
    if !draft && to.is_none() && cc.is_none() && bcc.is_none() {
        return Err(ComposeError::NoRecipient);
    }
    let reply_to = match sender.reply_to.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Some(mb_address(&Address {
            name: None,
            email: r.to_string(),
        })?),
        _ => None,
    };
    let subject: String = msg
        .subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();

    let mut b = MessageBuilder::new().from(from);
    if let Some(to) = to {
        b = b.to(to);
    }
    if let Some(cc) = cc {
        b = b.cc(cc);
    }
    if draft && let Some(bcc) = bcc {
        b = b.bcc(bcc);
    }
    if let Some(r) = reply_to {
        b = b.reply_to(r);
    }
    b = b.subject(Text::new(subject)).date(Date::new(date));
    if let Some(id) = clean_id(message_id) {
        b = b.message_id(MessageId::new(id));
    }
    if let Some(id) = msg.in_reply_to.as_deref().and_then(clean_id) {
        b = b.in_reply_to(MessageId::new(id));
    }
    let refs: Vec<String> = msg.references.iter().filter_map(|r| clean_id(r)).collect();
    let skip = refs.len().saturating_sub(MAX_REFERENCES);
    let refs: Vec<String> = refs.into_iter().skip(skip).collect();
    if !refs.is_empty() {
        b = b.references(MessageId::new_list(refs.into_iter()));
    }
    b = b
        .header("MIME-Version", Raw::new("1.0"))
        .header("User-Agent", Raw::new("Facteur"));
    if draft {
        let meta = DraftMeta {
            identity: msg.identity.clone(),
            format: msg.format,
            original: msg.original.clone(),
        };
        let json = serde_json::to_vec(&meta).unwrap_or_default();
        // Spaces every 64 characters let the header fold (a long folder
        // name must not make a line over 998 octets); reading strips them.
        let b64 = STANDARD.encode(json);
        let folded = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ");
        b = b.header(DRAFT_HEADER, Raw::new(folded));
    }

    let body = match msg.format {
        BodyFormat::Html => {
            let fragment = clean_html(&msg.body);
            let text = html_to_text(&fragment);
            MimePart::new(
                "multipart/alternative",
                vec![
                    MimePart::new("text/plain", BodyPart::Text(text.into())),
                    MimePart::new("text/html", BodyPart::Text(html_document(&fragment).into())),
                ],
            )
        }
        BodyFormat::Text => MimePart::new("text/plain", BodyPart::Text(msg.body.clone().into())),
    };
    let body = if attachments.is_empty() {
        body
    } else {
        let mut parts = vec![body];
        parts.extend(attachments.into_iter().map(attachment_part));
        MimePart::new("multipart/mixed", parts)
    };
    b.body(body)
        .write_to_vec()
        .map_err(|_| ComposeError::InvalidAddress("message".into()))
}

/// An iMIP message (RFC 6047): a short text for people whose program
/// does not read invitations, and the iCalendar part with its `method`.
#[allow(clippy::too_many_arguments)]
pub fn build_imip(
    sender: &Sender,
    to: &[Address],
    subject: &str,
    text: &str,
    ics: &str,
    method: &str,
    message_id: &str,
    date: i64,
) -> Result<Vec<u8>, ComposeError> {
    let from = mb_address(&Address {
        name: Some(sender.name.clone()),
        email: sender.email.clone(),
    })?;
    let to = address_list(to)?.ok_or(ComposeError::NoRecipient)?;
    let subject: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut b = MessageBuilder::new()
        .from(from)
        .to(to)
        .subject(Text::new(subject))
        .date(Date::new(date))
        .header("MIME-Version", Raw::new("1.0"))
        .header("User-Agent", Raw::new("Facteur"));
    if let Some(id) = clean_id(message_id) {
        b = b.message_id(MessageId::new(id));
    }
    let method: String = method.chars().filter(char::is_ascii_alphabetic).collect();
    let calendar = ContentType::new("text/calendar")
        .attribute("charset", "utf-8")
        .attribute("method", method);
    b.body(MimePart::new(
        "multipart/alternative",
        vec![
            MimePart::new("text/plain", BodyPart::Text(text.to_string().into())),
            MimePart::new(calendar, BodyPart::Text(ics.to_string().into())),
        ],
    ))
    .write_to_vec()
    .map_err(|_| ComposeError::InvalidAddress("message".into()))
}

/// The MIME type of a part, lower-cased, as the reading pane lists it.
fn part_content_type(part: &mail_parser::MessagePart<'_>) -> String {
    part.content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
        .to_ascii_lowercase()
}

/// The message's attachments as the reading pane numbers them
/// ([`crate::mime::to_message`], [`crate::mime::attachment`]): index in
/// `attachments()`, file name, type, size, and whether it is an image
/// shown inside the HTML.
fn listed_attachments(parsed: &mail_parser::Message<'_>) -> Vec<(u32, String, String, u64, bool)> {
    parsed
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let ct = part_content_type(part);
            let inline = part.content_id().is_some()
                && ct.starts_with("image/")
                && part
                    .content_disposition()
                    .is_none_or(|d| !d.ctype().eq_ignore_ascii_case("attachment"));
            let filename = part
                .attachment_name()
                .map(str::to_string)
                .or_else(|| match &part.body {
                    PartType::Message(m) => m.subject().map(|s| format!("{s}.eml")),
                    _ => None,
                })
                .unwrap_or_else(|| crate::mime::default_name(&ct, i));
            let size = match &part.body {
                PartType::Message(m) => m.raw_message().len(),
                _ => part.contents().len(),
            } as u64;
            (i as u32, filename, ct, size, inline)
        })
        .collect()
}

/// Whether the message has an HTML body of its own (not mail-parser's
/// rendering of a text one).
fn has_real_html(m: &mail_parser::Message<'_>) -> bool {
    m.html_body.iter().any(|id| {
        m.part(*id)
            .is_some_and(|p| matches!(p.body, PartType::Html(_)))
    })
}

/// The ids of a header holding message ids, without brackets.
fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(l) => l.iter().filter_map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
}

/// What a body's HTML holds inside `<body>`, cleaned.
/// `allow_remote`: keep remote images (a draft's are the user's own; a
/// quoted message's are someone else's trackers).
fn html_fragment(parsed: &mail_parser::Message<'_>, allow_remote: bool) -> Option<String> {
    if !has_real_html(parsed) {
        return None;
    }
    let html = parsed.body_html(0)?;
    Some(crate::mime::sanitize_fragment(&html, &HashMap::new(), allow_remote).0)
}

/// Reads back a draft saved by [`build`] (or written by another client)
/// into what the editor holds. Its attachments are parts of the draft
/// (`AttachmentSource::Part` with the reading pane's numbering).
/// [`DRAFT_HEADER`] is used only when it parses. `None` when the bytes
/// are not a message.
pub fn read_draft(raw: &[u8], folder: &str, uid: u32) -> Option<ComposeMessage> {
    let parsed = MessageParser::default().parse(raw)?;
    let meta = parsed
        .header_raw(DRAFT_HEADER)
        .and_then(|v| {
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            STANDARD.decode(compact).ok()
        })
        .and_then(|json| serde_json::from_slice::<DraftMeta>(&json).ok());
    let html = html_fragment(&parsed, true);
    let (format, body) = match html {
        Some(h) => (BodyFormat::Html, h),
        None => (
            BodyFormat::Text,
            parsed
                .body_text(0)
                .map(|t| t.replace("\r\n", "\n"))
                .unwrap_or_default(),
        ),
    };
    // A text draft's format is text even when meta is lost; HTML drafts
    // say what the meta says if it parses.
    let format = match (&meta, format) {
        (Some(m), BodyFormat::Html) => m.format,
        _ => format,
    };
    let body = if format == BodyFormat::Text && has_real_html(&parsed) {
        html_to_text(&body)
    } else {
        body
    };
    let attachments = listed_attachments(&parsed)
        .into_iter()
        .map(
            |(part, filename, content_type, size, _)| ComposeAttachment {
                source: AttachmentSource::Part {
                    folder: folder.to_string(),
                    uid,
                    part,
                },
                filename,
                content_type,
                size,
            },
        )
        .collect();
    Some(ComposeMessage {
        identity: meta.as_ref().and_then(|m| m.identity.clone()),
        to: crate::mime::addresses(parsed.to()),
        cc: crate::mime::addresses(parsed.cc()),
        bcc: crate::mime::addresses(parsed.bcc()),
        subject: parsed.subject().unwrap_or_default().to_string(),
        format,
        body,
        attachments,
        in_reply_to: ids(parsed.in_reply_to()).into_iter().next(),
        references: ids(parsed.references()),
        original: meta.and_then(|m| m.original),
    })
}

/// Whether a subject already starts with one of these prefixes (any
/// case, an optional space before the colon).
fn has_prefix(subject: &str, prefixes: &[&str]) -> bool {
    let s = subject.trim_start().to_lowercase();
    prefixes.iter().any(|p| {
        s.strip_prefix(p)
            .is_some_and(|rest| rest.trim_start_matches([' ', '\u{a0}']).starts_with(':'))
    })
}

fn reply_subject(subject: &str) -> String {
    if has_prefix(subject, &["re", "réf", "ref", "aw"]) {
        subject.trim().to_string()
    } else {
        format!("Re: {}", subject.trim())
    }
}

fn forward_subject(subject: &str) -> String {
    if has_prefix(subject, &["fwd", "fw", "tr"]) {
        subject.trim().to_string()
    } else {
        format!("Fwd: {}", subject.trim())
    }
}

/// `Nom <adresse>`, or the address alone.
fn who(a: &Address) -> String {
    match a.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => format!("{n} <{}>", a.email),
        _ => a.email.clone(),
    }
}

fn who_list(list: &[Address]) -> String {
    list.iter().map(who).collect::<Vec<_>>().join(", ")
}

/// The date of the Date header, in its own offset: `12/03/2026 à 10:15`
/// (fr) or `12 Mar 2026 at 10:15` (en).
fn quote_date(d: Option<&mail_parser::DateTime>, lang: &str) -> String {
    let Some(d) = d else {
        return String::new();
    };
    if lang == "en" {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let m = MONTHS
            .get(usize::from(d.month.saturating_sub(1)))
            .copied()
            .unwrap_or("");
        format!("{} {m} {} at {:02}:{:02}", d.day, d.year, d.hour, d.minute)
    } else {
        format!(
            "{:02}/{:02}/{} à {:02}:{:02}",
            d.day, d.month, d.year, d.hour, d.minute
        )
    }
}

/// HTML-escapes text.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text as HTML lines.
fn text_to_html(text: &str) -> String {
    text.lines().map(escape).collect::<Vec<_>>().join("<br>")
}

/// A reply or forward of the message `raw` (in `folder`, `uid`), in the
/// user's language (`fr` or `en`) and body format. `own_addresses` are
/// the user's (login and identities): reply-all leaves them out. `None`
/// when the bytes are not a message.
pub fn prepare(
    raw: &[u8],
    folder: &str,
    uid: u32,
    mode: ComposeMode,
    own_addresses: &[String],
    lang: &str,
    format: BodyFormat,
) -> Option<ComposeMessage> {
    let parsed = MessageParser::default().parse(raw)?;
    let en = lang == "en";
    let from = crate::mime::addresses(parsed.from());
    let reply_to = crate::mime::addresses(parsed.reply_to());
    let orig_to = crate::mime::addresses(parsed.to());
    let orig_cc = crate::mime::addresses(parsed.cc());
    let subject = parsed.subject().unwrap_or_default().to_string();
    let is_own = |a: &Address| {
        own_addresses
            .iter()
            .any(|o| o.eq_ignore_ascii_case(&a.email))
    };

    let mut msg = ComposeMessage {
        format,
        original: Some(OriginalRef {
            folder: folder.to_string(),
            uid,
            mode,
        }),
        ..Default::default()
    };
    let message_id = parsed.message_id().and_then(clean_id);
    let mut refs = ids(parsed.references());
    if let Some(id) = &message_id {
        refs.retain(|r| r != id);
        refs.push(id.clone());
    }
    let skip = refs.len().saturating_sub(MAX_REFERENCES);
    msg.references = refs.into_iter().skip(skip).collect();
    msg.in_reply_to = message_id;

    let date = quote_date(parsed.date(), lang);
    let html_orig = html_fragment(&parsed, false);
    let text_orig = match &html_orig {
        Some(h) => html_to_text(h),
        None => parsed
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
    };

    match mode {
        ComposeMode::Reply | ComposeMode::ReplyAll => {
            let author = if reply_to.is_empty() {
                from.clone()
            } else {
                reply_to
            };
            let mut to: Vec<Address> = Vec::new();
            let mut cc: Vec<Address> = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            let add = |list: &mut Vec<Address>, a: &Address, seen: &mut Vec<String>| {
                let key = a.email.to_lowercase();
                if !is_own(a) && !seen.contains(&key) {
                    seen.push(key);
                    list.push(a.clone());
                }
            };
            for a in &author {
                add(&mut to, a, &mut seen);
            }
            if mode == ComposeMode::ReplyAll {
                for a in &orig_to {
                    add(&mut to, a, &mut seen);
                }
                for a in &orig_cc {
                    add(&mut cc, a, &mut seen);
                }
            } else if to.is_empty() {
                // Answering one's own message (in Sent): to its recipients.
                for a in &orig_to {
                    add(&mut to, a, &mut seen);
                }
            }
            if to.is_empty() {
                to = from.clone();
            }
            msg.to = to;
            msg.cc = cc;
            msg.subject = reply_subject(&subject);
            let author_who = from.first().map(who).unwrap_or_default();
            let header = match (en, date.is_empty()) {
                (false, false) => format!("Le {date}, {author_who} a écrit :"),
                (false, true) => format!("{author_who} a écrit :"),
                (true, false) => format!("On {date}, {author_who} wrote:"),
                (true, true) => format!("{author_who} wrote:"),
            };
            msg.body = match format {
                BodyFormat::Html => {
                    let quoted = html_orig
                        .clone()
                        .unwrap_or_else(|| text_to_html(&text_orig));
                    format!(
                        "<p><br></p><p>{}</p><blockquote type=\"cite\">{quoted}</blockquote>",
                        escape(&header)
                    )
                }
                BodyFormat::Text => {
                    let quoted: Vec<String> = text_orig
                        .lines()
                        .map(|l| {
                            if l.starts_with('>') {
                                format!(">{l}")
                            } else if l.is_empty() {
                                ">".to_string()
                            } else {
                                format!("> {l}")
                            }
                        })
                        .collect();
                    format!("\n\n{header}\n{}\n", quoted.join("\n"))
                }
            };
        }
        ComposeMode::Forward => {
            msg.subject = forward_subject(&subject);
            let (title, l_from, l_date, l_subject, l_to) = if en {
                (
                    "-------- Forwarded message --------",
                    "From",
                    "Date",
                    "Subject",
                    "To",
                )
            } else {
                (
                    "-------- Message transféré --------",
                    "De",
                    "Date",
                    "Objet",
                    "À",
                )
            };
            let sep = if en { ":" } else { " :" };
            let lines = [
                title.to_string(),
                format!("{l_from}{sep} {}", who_list(&from)),
                format!("{l_date}{sep} {date}"),
                format!("{l_subject}{sep} {subject}"),
                format!("{l_to}{sep} {}", who_list(&orig_to)),
            ];
            let mut lines = lines.to_vec();
            if !orig_cc.is_empty() {
                lines.push(format!("Cc{sep} {}", who_list(&orig_cc)));
            }
            msg.body = match format {
                BodyFormat::Html => {
                    let block = lines
                        .iter()
                        .map(|l| escape(l))
                        .collect::<Vec<_>>()
                        .join("<br>");
                    let original = html_orig
                        .clone()
                        .unwrap_or_else(|| text_to_html(&text_orig));
                    format!("<p><br></p><p>{block}</p><div>{original}</div>")
                }
                BodyFormat::Text => format!("\n\n{}\n\n{text_orig}", lines.join("\n")),
            };
            msg.attachments = listed_attachments(&parsed)
                .into_iter()
                .filter(|(.., inline)| !inline)
                .map(
                    |(part, filename, content_type, size, _)| ComposeAttachment {
                        source: AttachmentSource::Part {
                            folder: folder.to_string(),
                            uid,
                            part,
                        },
                        filename,
                        content_type,
                        size,
                    },
                )
                .collect();
        }
        ComposeMode::ForwardAsAttachment => {
            msg.subject = forward_subject(&subject);
            let name = clean_filename(&subject.replace(['/', '\\'], "-"));
            let name = if subject.trim().is_empty() {
                "message".to_string()
            } else {
                name
            };
            msg.attachments = vec![ComposeAttachment {
                source: AttachmentSource::Message {
                    folder: folder.to_string(),
                    uid,
                },
                filename: format!("{name}.eml"),
                content_type: "message/rfc822".into(),
                size: raw.len() as u64,
            }];
        }
    }
    Some(msg)
}

// ---------------------------------------------------------------------------
// HTML to text

/// Decodes one entity name or number (without `&` and `;`).
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return match char::from_u32(n)? {
            '\u{a0}' => Some(' '),
            c if c.is_control() && c != '\n' && c != '\t' => None,
            c => Some(c),
        };
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "hellip" => '…',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "ndash" => '–',
        "mdash" => '—',
        "copy" => '©',
        "eacute" => 'é',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "agrave" => 'à',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "ocirc" => 'ô',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "icirc" => 'î',
        "iuml" => 'ï',
        "Eacute" => 'É',
        "Agrave" => 'À',
        "deg" => '°',
        _ => return None,
    })
}

/// Decodes the entities of a text.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        match end.and_then(|e| entity(&after[..e]).map(|c| (e, c))) {
            Some((e, c)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tag: its lower-cased name, whether it closes, its attributes.
struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses what stands between `<` and `>`.
fn parse_tag(inner: &str) -> Option<Tag> {
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, inner),
    };
    let inner = inner.trim_end_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut attrs = Vec::new();
    let mut rest = inner[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            if let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &r[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_entities(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                value = decode_entities(&r[..end]);
                rest = &r[end..];
            }
        } else if key.is_empty() {
            // A stray character: skip it.
            rest = rest.get(1..).unwrap_or("");
        }
        if !key.is_empty() {
            attrs.push((key, value));
        }
        rest = rest.trim_start();
    }
    Some(Tag {
        name,
        closing,
        attrs,
    })
}

/// Builds the text line by line.
#[derive(Default)]
struct TextWriter {
    lines: Vec<String>,
    current: String,
    quote: usize,
    /// The line under way already has its quote prefix and list marker.
    started: bool,
    lists: Vec<Option<u32>>,
    links: Vec<(String, String)>,
    pre: usize,
}

impl TextWriter {
    fn prefix(&self) -> String {
        if self.quote == 0 {
            String::new()
        } else {
            "> ".repeat(self.quote)
        }
    }

    /// Ends the line under way (even empty: `<br>`).
    fn hard_break(&mut self) {
        let content = self.current.trim_end();
        // The signature separator keeps its space (RFC 3676 §4.3).
        let content = if content == "--" { "-- " } else { content };
        let line = format!("{}{content}", self.prefix());
        let line = if content == "-- " {
            line
        } else {
            line.trim_end().to_string()
        };
        self.lines.push(line);
        self.current.clear();
        self.started = false;
    }

    /// Ends the line under way if it holds something (block boundaries).
    fn soft_break(&mut self) {
        if self.started || !self.current.trim().is_empty() {
            self.hard_break();
        }
    }

    fn text(&mut self, s: &str) {
        if self.pre > 0 {
            let mut first = true;
            for piece in s.split('\n') {
                if !first {
                    self.hard_break();
                }
                first = false;
                self.push(piece.trim_end_matches('\r'));
            }
            return;
        }
        let mut collapsed = String::with_capacity(s.len());
        let mut space = false;
        for c in s.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                space = true;
            } else {
                if space && !(collapsed.is_empty() && self.current.is_empty()) {
                    collapsed.push(' ');
                }
                space = false;
                collapsed.push(if c == '\u{a0}' { ' ' } else { c });
            }
        }
        if space && !collapsed.is_empty() {
            collapsed.push(' ');
        }
        if collapsed.is_empty() {
            if space && !self.current.is_empty() && !self.current.ends_with(' ') {
                self.push(" ");
            }
            return;
        }
        if self.current.ends_with(' ') && collapsed.starts_with(' ') {
            collapsed.remove(0);
        }
        self.push(&collapsed);
    }

    fn push(&mut self, s: &str) {
        self.started = true;
        self.current.push_str(s);
        for (_, text) in &mut self.links {
            text.push_str(s);
        }
    }

    fn finish(mut self) -> String {
        self.soft_break();
        // Collapse runs of blank lines (a quoted blank line counts as blank).
        let mut out: Vec<String> = Vec::new();
        for line in self.lines {
            let blank = line.trim_start_matches(['>', ' ']).is_empty();
            let prev_blank = out
                .last()
                .is_none_or(|l| l.trim_start_matches(['>', ' ']).is_empty());
            if blank && prev_blank && out.last().is_some_and(|l| l.len() <= line.len()) {
                continue;
            }
            if blank && out.is_empty() {
                continue;
            }
            out.push(line);
        }
        while out
            .last()
            .is_some_and(|l| l.trim_start_matches(['>', ' ']).is_empty())
        {
            out.pop();
        }
        out.join("\n")
    }
}

/// Readable plain text from HTML (the editor's, or a message's):
/// paragraphs, divs and `<br>` as line breaks, list items as `- ` or
/// `1. `, links as `text <url>`, quotes prefixed `> `, entities decoded,
/// no tag left, blank lines collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut w = TextWriter::default();
    let mut skip: Option<String> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip.is_none() {
                w.text(&decode_entities(rest));
            }
            break;
        };
        if lt > 0 && skip.is_none() {
            w.text(&decode_entities(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map(|e| &after[e + 3..]).unwrap_or("");
            continue;
        }
        // The end of the tag, quotes respected.
        let mut quote: Option<char> = None;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            // A lone `<`: text.
            if skip.is_none() {
                w.text(&decode_entities(rest));
            }
            break;
        };
        let inner = &rest[1..end];
        rest = &rest[end + 1..];
        let Some(tag) = parse_tag(inner) else {
            if skip.is_none() && !inner.starts_with('!') && !inner.starts_with('?') {
                w.text(&decode_entities(&format!("<{inner}>")));
            }
            continue;
        };
        if let Some(s) = &skip {
            if tag.closing && &tag.name == s {
                skip = None;
            }
            continue;
        }
        on_tag(&mut w, &tag, &mut skip);
    }
    w.finish()
}

fn on_tag(w: &mut TextWriter, tag: &Tag, skip: &mut Option<String>) {
    match (tag.name.as_str(), tag.closing) {
        ("script" | "style" | "head" | "title" | "template", false) => {
            *skip = Some(tag.name.clone());
        }
        ("br", _) => w.hard_break(),
        (
            "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "table" | "section"
            | "article" | "header" | "footer" | "address" | "center" | "dl" | "dt" | "dd",
            _,
        ) => w.soft_break(),
        ("hr", _) => {
            w.soft_break();
            w.push("----------");
            w.hard_break();
        }
        ("pre", closing) => {
            w.soft_break();
            if closing {
                w.pre = w.pre.saturating_sub(1);
            } else {
                w.pre += 1;
            }
        }
        ("blockquote", closing) => {
            w.soft_break();
            if closing {
                w.quote = w.quote.saturating_sub(1);
            } else {
                w.quote += 1;
            }
        }
        ("ul", false) => {
            w.soft_break();
            w.lists.push(None);
        }
        ("ol", false) => {
            w.soft_break();
            let start = tag
                .attr("start")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(1);
            w.lists.push(Some(start));
        }
        ("ul" | "ol", true) => {
            w.soft_break();
            w.lists.pop();
        }
        ("li", false) => {
            w.soft_break();
            let depth = w.lists.len().max(1);
            let indent = "  ".repeat(depth - 1);
            let marker = match w.lists.last_mut() {
                Some(Some(n)) => {
                    let m = format!("{n}. ");
                    *n += 1;
                    m
                }
                _ => "- ".to_string(),
            };
            w.push(&format!("{indent}{marker}"));
        }
        ("li", true) => w.soft_break(),
        ("td" | "th", true) => w.push(" "),
        ("a", false) => {
            let href = tag.attr("href").unwrap_or("").trim().to_string();
            w.links.push((href, String::new()));
        }
        ("a", true) => {
            if let Some((href, text)) = w.links.pop() {
                let bare = href.strip_prefix("mailto:").unwrap_or(&href);
                let text = text.trim();
                let linkable = href.starts_with("http://")
                    || href.starts_with("https://")
                    || href.starts_with("mailto:")
                    || href.starts_with("tel:");
                if linkable && !bare.is_empty() && text != bare && text != href {
                    if text.is_empty() {
                        w.push(bare);
                    } else {
                        w.push(&format!(" <{bare}>"));
                    }
                }
            }
        }
        ("img", false) => {
            if let Some(alt) = tag.attr("alt").map(str::trim).filter(|a| !a.is_empty()) {
                w.text(&format!("[{alt}]"));
            }
        }
        _ => {}
    }
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

    fn sender() -> Sender {
        Sender {
            name: "Alice Martin".into(),
            email: "alice@ac-demo.fr".into(),
            reply_to: None,
        }
    }

    fn message() -> ComposeMessage {
        ComposeMessage {
            to: vec![addr(Some("Bob Roux"), "bob@ac-demo.fr")],
            cc: vec![addr(None, "carole@ac-demo.fr")],
            bcc: vec![addr(None, "secret@ac-demo.fr")],
            subject: "Réunion de rentrée".into(),
            format: BodyFormat::Html,
            body: "<p>Bonjour <b>Bob</b>,</p><p><br></p><p>À lundi.</p><script>alert(1)</script><img src=x onerror=alert(1)>".into(),
            ..Default::default()
        }
    }

    const DATE: i64 = 1_773_310_500; // 2026-03-12 10:15 UTC

    fn header_lines(raw: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(raw);
        let head = text
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_string();
        head.split("\r\n").map(str::to_string).collect()
    }

    #[test]
    fn message_ids_are_random_and_well_formed() {
        let a = new_message_id("ac-demo.fr");
        let b = new_message_id("ac-demo.fr");
        assert_ne!(a, b);
        assert!(a.starts_with('<') && a.ends_with("@ac-demo.fr>"), "{a}");
        assert_eq!(clean_id(&a).unwrap().len(), 32 + 1 + 10);
        assert!(new_message_id("x\r\nBcc: y").ends_with("@xBccy>"));
    }

    #[test]
    fn sent_message_structure_without_bcc() {
        let raw = build(
            &message(),
            &sender(),
            vec![],
            "<abc@ac-demo.fr>",
            DATE,
            false,
        )
        .unwrap();
        let headers = header_lines(&raw);
        assert!(!headers.iter().any(|h| h.to_lowercase().starts_with("bcc:")));
        assert!(!headers.iter().any(|h| h.starts_with(DRAFT_HEADER)));
        assert!(!String::from_utf8_lossy(&raw).contains("secret@ac-demo.fr"));
        assert!(headers.iter().any(|h| h == "User-Agent: Facteur"));
        assert!(headers.iter().any(|h| h == "Message-ID: <abc@ac-demo.fr>"));
        assert_eq!(
            headers
                .iter()
                .filter(|h| h.starts_with("MIME-Version"))
                .count(),
            1
        );
        let m = MessageParser::default().parse(&raw).unwrap();
        assert_eq!(m.subject(), Some("Réunion de rentrée"));
        assert_eq!(
            m.from().unwrap().first().unwrap().name(),
            Some("Alice Martin")
        );
        assert_eq!(m.date().unwrap().to_timestamp(), DATE);
        assert_eq!(m.content_type().unwrap().subtype(), Some("alternative"));
        let html = m.body_html(0).unwrap();
        assert!(html.contains("<b>Bob</b>"));
        assert!(!html.contains("script") && !html.contains("onerror"));
        assert!(!html.contains("Content-Security-Policy"));
        let text = m.body_text(0).unwrap().replace("\r\n", "\n");
        assert_eq!(text.trim_end(), "Bonjour Bob,\n\nÀ lundi.");
        for line in String::from_utf8_lossy(&raw).split("\r\n") {
            assert!(line.len() <= 998);
        }
        // A very long line of text is wrapped by the transfer encoding.
        let mut long = message();
        long.format = BodyFormat::Text;
        long.body = "mot ".repeat(1000) + &"x".repeat(2000);
        let raw = build(&long, &sender(), vec![], "<a@b.fr>", DATE, false).unwrap();
        assert!(
            String::from_utf8_lossy(&raw)
                .split("\r\n")
                .all(|l| l.len() <= 998)
        );
        let parsed = MessageParser::default().parse(&raw).unwrap();
        assert_eq!(parsed.body_text(0).unwrap(), long.body);
        // Nobody to send to: refused; a draft may have none.
        let empty = ComposeMessage::default();
        assert_eq!(
            build(&empty, &sender(), vec![], "<a@b.fr>", DATE, false),
            Err(ComposeError::NoRecipient)
        );
        assert!(build(&empty, &sender(), vec![], "<a@b.fr>", DATE, true).is_ok());
    }

    #[test]
    fn header_injection_is_refused_or_neutralised() {
        let mut m = message();
        m.subject = "Salut\r\nBcc: espion@evil.example\r\n\r\ncorps".into();
        m.in_reply_to = Some("<x@y>\r\nBcc: espion@evil.example".into());
        m.references = vec!["a@b\r\nX-Evil: 1".into(), "ok@ac-demo.fr".into()];
        let raw = build(&m, &sender(), vec![], "<abc@ac-demo.fr>", DATE, false).unwrap();
        let headers = header_lines(&raw);
        for h in &headers {
            let l = h.to_lowercase();
            assert!(!l.starts_with("bcc:") && !l.starts_with("x-evil"), "{h}");
        }
        let parsed = MessageParser::default().parse(&raw).unwrap();
        assert!(parsed.subject().unwrap().starts_with("Salut  Bcc: espion"));
        assert!(parsed.bcc().is_none());
        assert!(!headers.iter().any(|h| h.starts_with("In-Reply-To")));
        assert!(headers.iter().any(|h| h == "References: <ok@ac-demo.fr>"));

        let mut m = message();
        m.to = vec![addr(
            Some("Bob\r\nBcc: espion@evil.example"),
            "bob@ac-demo.fr",
        )];
        assert!(matches!(
            build(&m, &sender(), vec![], "<a@b.fr>", DATE, false),
            Err(ComposeError::InvalidAddress(_))
        ));
        let mut m = message();
        m.cc = vec![addr(None, "bob@ac-demo.fr\r\nBcc: espion@evil.example")];
        assert!(matches!(
            build(&m, &sender(), vec![], "<a@b.fr>", DATE, false),
            Err(ComposeError::InvalidAddress(_))
        ));
        let mut s = sender();
        s.name = "Alice\nBcc: x@y.fr".into();
        assert!(build(&message(), &s, vec![], "<a@b.fr>", DATE, false).is_err());
        let mut s = sender();
        s.reply_to = Some("a@b.fr\r\nBcc: x@y.fr".into());
        assert!(build(&message(), &s, vec![], "<a@b.fr>", DATE, false).is_err());
        // A comma or quote in a name stays in the name.
        let mut m = message();
        m.to = vec![addr(
            Some("Roux, \"Bob\" <x@evil.example>"),
            "bob@ac-demo.fr",
        )];
        let raw = build(&m, &sender(), vec![], "<a@b.fr>", DATE, false).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let to: Vec<_> = parsed.to().unwrap().iter().collect();
        assert_eq!(to.len(), 1);
        assert_eq!(to[0].address(), Some("bob@ac-demo.fr"));
    }

    fn all_bytes() -> Vec<u8> {
        (0..=255u8).chain((0..=255u8).rev()).collect()
    }

    fn attachments() -> Vec<ResolvedAttachment> {
        vec![
            ResolvedAttachment {
                filename: "données été.bin".into(),
                content_type: "application/octet-stream".into(),
                data: all_bytes(),
                rfc822: false,
            },
            ResolvedAttachment {
                filename: "notes.txt".into(),
                content_type: "text/plain".into(),
                data: b"ligne 1\nligne 2\r\n.\r\nfin sans retour".to_vec(),
                rfc822: false,
            },
            ResolvedAttachment {
                filename: "Transféré.eml".into(),
                content_type: "message/rfc822".into(),
                data: b"From: x@y.fr\r\nSubject: Ancien\r\n\r\nCorps \xc3\xa9t\xc3\xa9\r\n"
                    .to_vec(),
                rfc822: true,
            },
        ]
    }

    #[test]
    fn attachments_come_back_identical() {
        let raw = build(
            &message(),
            &sender(),
            attachments(),
            "<a@b.fr>",
            DATE,
            false,
        )
        .unwrap();
        let m = MessageParser::default().parse(&raw).unwrap();
        assert_eq!(m.content_type().unwrap().subtype(), Some("mixed"));
        let parts: Vec<_> = m.attachments().collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].attachment_name(), Some("données été.bin"));
        assert_eq!(parts[0].contents(), all_bytes().as_slice());
        assert_eq!(
            parts[1].contents(),
            b"ligne 1\nligne 2\r\n.\r\nfin sans retour"
        );
        assert!(matches!(parts[2].body, PartType::Message(_)));
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.contains("filename*=UTF-8''donn%C3%A9es%20%C3%A9t%C3%A9.bin"),
            "{text}"
        );
        // The reading pane's numbering finds the same bytes.
        assert_eq!(crate::mime::attachment(&raw, 0).unwrap().2, all_bytes());
        let (name, ct, bytes) = crate::mime::attachment(&raw, 2).unwrap();
        assert_eq!(
            (name.as_str(), ct.as_str()),
            ("Transféré.eml", "message/rfc822")
        );
        assert!(bytes.starts_with(b"From: x@y.fr\r\n"));
        // A hostile content type or file name is neutralised.
        let bad = ResolvedAttachment {
            filename: "a\r\nBcc: x@y.fr/../../etc/passwd".into(),
            content_type: "text/plain\r\nBcc: x@y.fr".into(),
            data: vec![1, 2, 3],
            rfc822: false,
        };
        let raw = build(&message(), &sender(), vec![bad], "<a@b.fr>", DATE, false).unwrap();
        let m = MessageParser::default().parse(&raw).unwrap();
        assert!(m.bcc().is_none());
        let p = m.attachments().next().unwrap();
        assert_eq!(p.attachment_name(), Some("passwd"));
        assert_eq!(part_content_type(p), "application/octet-stream");
    }

    #[test]
    fn draft_round_trip() {
        let mut m = message();
        m.identity = Some("secretariat".into());
        m.body
            .push_str("<p><img src=\"https://ent.ac-demo.fr/logo.png\" alt=\"logo\"></p>");
        m.in_reply_to = Some("orig@ac-demo.fr".into());
        m.references = vec!["<old@ac-demo.fr>".into(), "orig@ac-demo.fr".into()];
        m.original = Some(OriginalRef {
            folder: "INBOX/Élèves".into(),
            uid: 42,
            mode: ComposeMode::ReplyAll,
        });
        let raw = build(&m, &sender(), attachments(), "<d@ac-demo.fr>", DATE, true).unwrap();
        let headers = header_lines(&raw);
        assert!(
            headers
                .iter()
                .any(|h| h.starts_with("Bcc: <secret@ac-demo.fr>"))
        );
        let back = read_draft(&raw, "Drafts", 7).unwrap();
        assert_eq!(back.identity.as_deref(), Some("secretariat"));
        assert_eq!(back.original, m.original);
        assert_eq!(back.to, m.to);
        assert_eq!(back.cc, m.cc);
        assert_eq!(back.bcc, m.bcc);
        assert_eq!(back.subject, m.subject);
        assert_eq!(back.format, BodyFormat::Html);
        assert_eq!(back.body, clean_html(&m.body));
        assert!(back.body.contains("https://ent.ac-demo.fr/logo.png"));
        assert_eq!(back.in_reply_to.as_deref(), Some("orig@ac-demo.fr"));
        assert_eq!(back.references, ["old@ac-demo.fr", "orig@ac-demo.fr"]);
        assert_eq!(back.attachments.len(), 3);
        for (i, a) in back.attachments.iter().enumerate() {
            assert_eq!(
                a.source,
                AttachmentSource::Part {
                    folder: "Drafts".into(),
                    uid: 7,
                    part: i as u32
                }
            );
        }
        assert_eq!(back.attachments[0].filename, "données été.bin");
        assert_eq!(back.attachments[0].size, 512);
        assert_eq!(back.attachments[2].content_type, "message/rfc822");

        // A very long folder name still gives lines under 998 octets.
        let mut long = m.clone();
        long.original = Some(OriginalRef {
            folder: "Dossier très long/".repeat(80),
            uid: 1,
            mode: ComposeMode::Forward,
        });
        let raw = build(&long, &sender(), vec![], "<d@ac-demo.fr>", DATE, true).unwrap();
        assert!(
            String::from_utf8_lossy(&raw)
                .split("\r\n")
                .all(|l| l.len() <= 998)
        );
        assert_eq!(
            read_draft(&raw, "Drafts", 9).unwrap().original,
            long.original
        );

        // A text draft, its meta tampered with: ignored, not trusted.
        let mut t = message();
        t.format = BodyFormat::Text;
        t.body = "Ligne 1\n.\nLigne 3 été".into();
        let raw = build(&t, &sender(), vec![], "<d@ac-demo.fr>", DATE, true).unwrap();
        let back = read_draft(&raw, "Drafts", 8).unwrap();
        assert_eq!(back.format, BodyFormat::Text);
        assert_eq!(back.body.trim_end(), "Ligne 1\n.\nLigne 3 été");
        let tampered = String::from_utf8(raw)
            .unwrap()
            .replace("X-Facteur-Draft: ", "X-Facteur-Draft: !!!");
        let back = read_draft(tampered.as_bytes(), "Drafts", 8).unwrap();
        assert_eq!(back.identity, None);
        assert_eq!(back.original, None);
        assert!(read_draft(b"", "Drafts", 1).is_none());
    }

    const ORIGINAL: &[u8] = b"From: Bob Roux <bob@ac-demo.fr>\r\n\
To: Alice <ALICE@ac-demo.fr>, carole@ac-demo.fr\r\n\
Cc: bob@ac-demo.fr, david@ac-demo.fr\r\n\
Subject: =?utf-8?q?R=C3=A9union?=\r\n\
Date: Thu, 12 Mar 2026 10:15:00 +0100\r\n\
Message-ID: <orig@ac-demo.fr>\r\n\
References: <a@ac-demo.fr> <b@ac-demo.fr>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=zz\r\n\
\r\n\
--zz\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Bonjour <Alice>,\r\n\
\r\n\
Ordre du jour joint.\r\n\
--zz\r\n\
Content-Type: application/pdf; name=odj.pdf\r\n\
Content-Disposition: attachment; filename=odj.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--zz--\r\n";

    #[test]
    fn replies() {
        let own = vec!["alice@ac-demo.fr".to_string()];
        let r = prepare(
            ORIGINAL,
            "INBOX",
            3,
            ComposeMode::Reply,
            &own,
            "fr",
            BodyFormat::Html,
        )
        .unwrap();
        assert_eq!(r.to, [addr(Some("Bob Roux"), "bob@ac-demo.fr")]);
        assert!(r.cc.is_empty());
        assert_eq!(r.subject, "Re: Réunion");
        assert_eq!(r.in_reply_to.as_deref(), Some("orig@ac-demo.fr"));
        assert_eq!(
            r.references,
            ["a@ac-demo.fr", "b@ac-demo.fr", "orig@ac-demo.fr"]
        );
        assert_eq!(
            r.original,
            Some(OriginalRef {
                folder: "INBOX".into(),
                uid: 3,
                mode: ComposeMode::Reply
            })
        );
        assert!(r.body.starts_with(
            "<p><br></p><p>Le 12/03/2026 à 10:15, Bob Roux &lt;bob@ac-demo.fr&gt; a écrit :</p><blockquote type=\"cite\">Bonjour &lt;Alice&gt;,<br><br>Ordre du jour joint."
        ), "{}", r.body);
        assert!(r.attachments.is_empty());

        let all = prepare(
            ORIGINAL,
            "INBOX",
            3,
            ComposeMode::ReplyAll,
            &own,
            "en",
            BodyFormat::Text,
        )
        .unwrap();
        assert_eq!(
            all.to,
            [
                addr(Some("Bob Roux"), "bob@ac-demo.fr"),
                addr(None, "carole@ac-demo.fr")
            ]
        );
        assert_eq!(all.cc, [addr(None, "david@ac-demo.fr")]);
        assert!(all.body.contains("On 12 Mar 2026 at 10:15, Bob Roux <bob@ac-demo.fr> wrote:\n> Bonjour <Alice>,\n>\n> Ordre du jour joint."), "{}", all.body);

        // Only the user: the original sender comes back.
        let lonely =
            b"From: alice@ac-demo.fr\r\nTo: alice@ac-demo.fr\r\nSubject: RE : note\r\n\r\nx\r\n";
        let r = prepare(
            lonely,
            "INBOX",
            1,
            ComposeMode::ReplyAll,
            &own,
            "fr",
            BodyFormat::Text,
        )
        .unwrap();
        assert_eq!(r.to, [addr(None, "alice@ac-demo.fr")]);
        assert_eq!(r.subject, "RE : note");
        assert_eq!(r.in_reply_to, None);
        assert!(r.references.is_empty());

        for (s, want) in [
            ("Réf: x", "Réf: x"),
            ("AW: x", "AW: x"),
            ("re:x", "re:x"),
            ("Reunion", "Re: Reunion"),
            ("Red: x", "Re: Red: x"),
        ] {
            assert_eq!(reply_subject(s), want);
        }
        for (s, want) in [
            ("TR: x", "TR: x"),
            ("Fw : x", "Fw : x"),
            ("fwd: x", "fwd: x"),
            ("Tricot", "Fwd: Tricot"),
        ] {
            assert_eq!(forward_subject(s), want);
        }
    }

    #[test]
    fn forwards() {
        let own = vec!["alice@ac-demo.fr".to_string()];
        let f = prepare(
            ORIGINAL,
            "INBOX",
            3,
            ComposeMode::Forward,
            &own,
            "fr",
            BodyFormat::Html,
        )
        .unwrap();
        assert!(f.to.is_empty());
        assert_eq!(f.subject, "Fwd: Réunion");
        assert!(f.body.contains("-------- Message transféré --------<br>De : Bob Roux &lt;bob@ac-demo.fr&gt;<br>Date : 12/03/2026 à 10:15<br>Objet : Réunion<br>À : Alice &lt;ALICE@ac-demo.fr&gt;, carole@ac-demo.fr"), "{}", f.body);
        assert!(f.body.contains("Ordre du jour joint."));
        assert_eq!(
            f.attachments,
            [ComposeAttachment {
                source: AttachmentSource::Part {
                    folder: "INBOX".into(),
                    uid: 3,
                    part: 0
                },
                filename: "odj.pdf".into(),
                content_type: "application/pdf".into(),
                size: 9,
            }]
        );
        let en = prepare(
            ORIGINAL,
            "INBOX",
            3,
            ComposeMode::Forward,
            &own,
            "en",
            BodyFormat::Text,
        )
        .unwrap();
        assert!(en.body.contains("-------- Forwarded message --------\nFrom: Bob Roux <bob@ac-demo.fr>\nDate: 12 Mar 2026 at 10:15\nSubject: Réunion\nTo: "), "{}", en.body);

        let a = prepare(
            ORIGINAL,
            "INBOX",
            3,
            ComposeMode::ForwardAsAttachment,
            &own,
            "fr",
            BodyFormat::Html,
        )
        .unwrap();
        assert_eq!(a.body, "");
        assert_eq!(
            a.attachments,
            [ComposeAttachment {
                source: AttachmentSource::Message {
                    folder: "INBOX".into(),
                    uid: 3
                },
                filename: "Réunion.eml".into(),
                content_type: "message/rfc822".into(),
                size: ORIGINAL.len() as u64,
            }]
        );
        assert_eq!(a.original.unwrap().mode, ComposeMode::ForwardAsAttachment);
    }

    #[test]
    fn html_to_text_of_an_editor_fragment() {
        let html = "<p>Bonjour&nbsp;Sophie,</p><p><br></p>\
<p>Voici  le <b>planning</b> &amp; les <a href=\"https://ent.ac-demo.fr/planning\">détails</a> \
(<a href=\"https://ac-demo.fr\">https://ac-demo.fr</a>, <a href=\"mailto:vie.scolaire@ac-demo.fr\">vie.scolaire@ac-demo.fr</a>) :</p>\
<ul><li>lundi</li><li>mardi<ol><li>matin</li><li>soir</li></ol></li></ul>\
<div>Ligne 1<br>Ligne 2</div><p><br></p><p><br></p><p><br></p>\
<blockquote type=\"cite\"><p>Texte cité &lt;important&gt;</p><blockquote>encore</blockquote></blockquote>\
<script>alert(1)</script><style>p{color:red}</style><!-- note --><p>Cordialement,<br>-- <br>Alice</p>";
        assert_eq!(
            html_to_text(html),
            "Bonjour Sophie,\n\
\n\
Voici le planning & les détails <https://ent.ac-demo.fr/planning> (https://ac-demo.fr, vie.scolaire@ac-demo.fr) :\n\
- lundi\n\
- mardi\n  1. matin\n  2. soir\n\
Ligne 1\n\
Ligne 2\n\
\n\
> Texte cité <important>\n\
> > encore\n\
Cordialement,\n\
-- \n\
Alice"
        );
        assert_eq!(
            html_to_text("a &unknown; b &#233; &#x263A; <"),
            "a &unknown; b é ☺ <"
        );
        assert_eq!(html_to_text(""), "");
    }
}
