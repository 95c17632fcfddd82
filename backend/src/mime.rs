//! Turning a raw message into what the reading pane shows: headers and
//! addresses decoded, bodies picked, attachments listed, and HTML made
//! safe. The HTML wall here is the first of two: the frontend shows the
//! result in a sandboxed iframe without scripts, and the document carries
//! its own Content-Security-Policy.

use std::{
    borrow::Cow,
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use base64::{Engine, engine::general_purpose::STANDARD};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use shared::mail::{Address, Attachment, Flags, Message};

/// Inline images larger than this are not embedded in the HTML.
const MAX_INLINE_IMAGE: usize = 2 * 1024 * 1024;

/// What the caller knows besides the raw bytes.
pub struct Envelope<'a> {
    pub folder: &'a str,
    pub uid: u32,
    pub flags: Flags,
    pub size: u32,
    pub internal_date: Option<i64>,
}

/// Parses a raw message for display. Never fails: a message that cannot be
/// parsed as MIME is shown as its raw text.
pub fn to_message(raw: &[u8], env: Envelope<'_>, allow_remote: bool) -> Message {
    let Some(parsed) = MessageParser::default().parse(raw) else {
        return Message {
            uid: env.uid,
            folder: env.folder.to_string(),
            subject: String::new(),
            from: vec![],
            to: vec![],
            cc: vec![],
            reply_to: vec![],
            date: env.internal_date.unwrap_or(0),
            message_id: None,
            flags: env.flags,
            size: env.size,
            text: Some(String::from_utf8_lossy(raw).into_owned()),
            html: None,
            remote_content_blocked: false,
            attachments: vec![],
            list_id: None,
            invitation: false,
        };
    };

    let mut attachments = Vec::new();
    let mut cid_images: HashMap<String, String> = HashMap::new();
    for (i, part) in parsed.attachments().enumerate() {
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        let cid = part
            .content_id()
            .map(|c| c.trim_matches(['<', '>']).to_string());
        let bytes = part.contents();
        let inline = cid.is_some()
            && content_type.starts_with("image/")
            && part
                .content_disposition()
                .is_none_or(|d| !d.ctype().eq_ignore_ascii_case("attachment"));
        if inline
            && let Some(cid) = &cid
            && bytes.len() <= MAX_INLINE_IMAGE
            && is_safe_image_type(&content_type)
        {
            cid_images.insert(
                cid.clone(),
                format!("data:{content_type};base64,{}", STANDARD.encode(bytes)),
            );
        }
        let filename = part
            .attachment_name()
            .map(str::to_string)
            .or_else(|| match &part.body {
                PartType::Message(m) => m.subject().map(|s| format!("{s}.eml")),
                _ => None,
            })
            .unwrap_or_else(|| default_name(&content_type, i));
        attachments.push(Attachment {
            part: i as u32,
            filename,
            content_type,
            size: bytes.len() as u64,
            inline: inline && cid_images.contains_key(cid.as_deref().unwrap_or_default()),
        });
    }

    let (html, blocked) = match parsed.body_html(0) {
        Some(h) if !parsed.html_body.is_empty() && is_real_html(&parsed) => {
            let (doc, blocked) = sanitize_html(&h, &cid_images, allow_remote);
            (Some(doc), blocked)
        }
        _ => (None, false),
    };

    Message {
        uid: env.uid,
        folder: env.folder.to_string(),
        subject: parsed.subject().unwrap_or_default().to_string(),
        from: addresses(parsed.from()),
        to: addresses(parsed.to()),
        cc: addresses(parsed.cc()),
        reply_to: addresses(parsed.reply_to()),
        date: parsed
            .date()
            .map(|d| d.to_timestamp())
            .or(env.internal_date)
            .unwrap_or(0),
        message_id: parsed.message_id().map(str::to_string),
        flags: env.flags,
        size: env.size,
        // A message with no readable body is shown raw rather than empty.
        text: parsed.body_text(0).map(Cow::into_owned).or_else(|| {
            (html.is_none() && attachments.is_empty())
                .then(|| String::from_utf8_lossy(raw).into_owned())
        }),
        html,
        remote_content_blocked: blocked,
        attachments,
        list_id: parsed.header_raw("List-Id").and_then(list_id),
        invitation: parsed.parts.iter().any(|p| {
            p.content_type().is_some_and(|c| {
                let sub = c.subtype().unwrap_or("");
                (c.ctype().eq_ignore_ascii_case("text") && sub.eq_ignore_ascii_case("calendar"))
                    || (c.ctype().eq_ignore_ascii_case("application")
                        && sub.eq_ignore_ascii_case("ics"))
            })
        }),
    }
}

/// Whether the message has an HTML body of its own (mail-parser also
/// offers an HTML rendering of plain-text mail, which we do not want).
fn is_real_html(m: &mail_parser::Message<'_>) -> bool {
    m.html_body.iter().any(|id| {
        m.part(*id)
            .is_some_and(|p| matches!(p.body, PartType::Html(_)))
    })
}

/// The id of a `List-Id` header (RFC 2919 §3): what stands between `<` and
/// `>`, or the whole value when there are no brackets.
fn list_id(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let id = match (raw.rfind('<'), raw.rfind('>')) {
        (Some(a), Some(b)) if a < b => &raw[a + 1..b],
        _ => raw,
    };
    let id = id.trim();
    (!id.is_empty() && !id.chars().any(char::is_control)).then(|| id.to_string())
}

fn is_safe_image_type(ct: &str) -> bool {
    // SVG can carry script: never inline it.
    matches!(
        ct,
        "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/webp" | "image/bmp"
    )
}

pub(crate) fn default_name(content_type: &str, i: usize) -> String {
    let ext = match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "text/plain" => "txt",
        "text/calendar" => "ics",
        "message/rfc822" => "eml",
        _ => "bin",
    };
    format!("piece-jointe-{}.{ext}", i + 1)
}

/// Addresses of a header, groups flattened.
pub fn addresses(a: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    let Some(a) = a else { return vec![] };
    a.iter()
        .filter_map(|addr| {
            let email = addr.address()?.trim().to_string();
            if email.is_empty() {
                return None;
            }
            Some(Address {
                name: addr
                    .name()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                email,
            })
        })
        .collect()
}

/// The part of a message a download asks for, by its index among the
/// attachments: (filename, content type, bytes).
pub fn attachment(raw: &[u8], index: u32) -> Option<(String, String, Vec<u8>)> {
    let parsed = MessageParser::default().parse(raw)?;
    let part = parsed.attachments().nth(index as usize)?;
    let ct = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
        .to_ascii_lowercase();
    let name = part
        .attachment_name()
        .map(str::to_string)
        .unwrap_or_else(|| default_name(&ct, index as usize));
    let bytes = match &part.body {
        PartType::Message(m) => m.raw_message().to_vec(),
        _ => part.contents().to_vec(),
    };
    Some((name, ct, bytes))
}

/// The CSS declarations of a `style` attribute that may stay: nothing that
/// loads a URL (unless remote content is allowed and the URL is http(s)),
/// runs code or escapes the message's box.
fn filter_style(style: &str, allow_remote: bool, blocked: &AtomicBool) -> String {
    let mut kept = Vec::new();
    for decl in style.split(';') {
        let d = decl.trim();
        if d.is_empty() {
            continue;
        }
        let lower = d.to_ascii_lowercase();
        let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("expression(")
            || compact.contains("javascript:")
            || compact.contains("behavior:")
            || compact.contains("-moz-binding")
            || compact.contains("@import")
            || compact.contains("\\")
            || compact.starts_with("position:fixed")
            || compact.starts_with("position:absolute")
            || compact.starts_with("position:sticky")
        {
            continue;
        }
        if compact.contains("image-set(") || compact.contains("image(") || compact.contains("src(")
        {
            // Other ways to load a picture: never needed in mail.
            blocked.store(true, Ordering::Relaxed);
            continue;
        }
        if compact.contains("url(") {
            let remote_only = compact.split("url(").skip(1).all(|u| {
                let u = u.trim_start_matches(['\'', '"']);
                u.starts_with("https://") || u.starts_with("http://")
            });
            if !(allow_remote && remote_only) {
                blocked.store(true, Ordering::Relaxed);
                continue;
            }
        }
        kept.push(d.to_string());
    }
    kept.join("; ")
}

/// Sanitizes an HTML body and wraps it in a complete document with its own
/// Content-Security-Policy. Returns the document and whether remote
/// content was blocked.
pub fn sanitize_html(
    html: &str,
    cid_images: &HashMap<String, String>,
    allow_remote: bool,
) -> (String, bool) {
    let (body, blocked) = sanitize_fragment(html, cid_images, allow_remote);
    let img_src = if allow_remote {
        "data: https: http:"
    } else {
        "data:"
    };
    let doc = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src {img_src}; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'\">\
<meta name=\"referrer\" content=\"no-referrer\"><meta http-equiv=\"x-dns-prefetch-control\" content=\"off\"><base target=\"_blank\">\
<style>html{{color-scheme:light}}body{{margin:0;padding:12px;font:15px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}}img{{max-width:100%;height:auto}}table{{max-width:100%}}pre{{white-space:pre-wrap}}</style>\
</head><body>{body}</body></html>"
    );
    (doc, blocked)
}

/// The allow-list of [`sanitize_html`] alone: the cleaned fragment (what
/// goes inside `<body>`, also what outgoing mail keeps of the editor's
/// HTML) and whether remote content was blocked.
pub fn sanitize_fragment(
    html: &str,
    cid_images: &HashMap<String, String>,
    allow_remote: bool,
) -> (String, bool) {
    let blocked = Arc::new(AtomicBool::new(false));
    let blocked_in_filter = blocked.clone();
    let cids = cid_images.clone();
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags([
            "center", "font", "span", "div", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
            "caption", "colgroup", "col", "hr", "u", "s", "small", "big", "sub", "sup", "img",
        ])
        .add_generic_attributes([
            "style", "align", "valign", "bgcolor", "width", "height", "dir", "title", "lang",
        ])
        .add_tag_attributes("table", ["border", "cellpadding", "cellspacing"])
        .add_tag_attributes("td", ["colspan", "rowspan", "nowrap", "background"])
        .add_tag_attributes("th", ["colspan", "rowspan", "nowrap"])
        .add_tag_attributes("font", ["color", "face", "size"])
        .add_tag_attributes("img", ["src", "alt", "border"])
        .add_tag_attributes("a", ["href", "name"])
        .add_tag_attributes("blockquote", ["type"])
        .url_schemes(["http", "https", "mailto", "tel", "cid", "data"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        // Dropped with their content, not just unwrapped.
        .clean_content_tags(
            [
                "script", "style", "title", "noscript", "template", "textarea", "select", "option",
                "object", "applet", "iframe", "frameset", "noframes", "svg", "math",
            ]
            .into(),
        )
        .attribute_filter(move |element, attribute, value| {
            match (element, attribute) {
                (_, "style") => {
                    let s = filter_style(value, allow_remote, &blocked_in_filter);
                    if s.is_empty() { None } else { Some(s.into()) }
                }
                ("img", "src") => {
                    let v = value.trim();
                    let lower = v.to_ascii_lowercase();
                    if let Some(cid) = lower.strip_prefix("cid:") {
                        // Content-IDs are case-sensitive in theory, rarely in practice.
                        let key = &v[4..];
                        cids.get(key)
                            .or_else(|| {
                                cids.iter()
                                    .find(|(k, _)| k.to_ascii_lowercase() == cid)
                                    .map(|(_, v)| v)
                            })
                            .map(|d| Cow::Owned(d.clone()))
                    } else if lower.starts_with("data:image/")
                        && !lower.starts_with("data:image/svg")
                    {
                        Some(value.into())
                    } else if lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("//")
                    {
                        if allow_remote {
                            Some(value.into())
                        } else {
                            blocked_in_filter.store(true, Ordering::Relaxed);
                            None
                        }
                    } else {
                        None
                    }
                }
                ("td", "background") | ("table", "background") => {
                    if allow_remote
                        && (value.starts_with("https://") || value.starts_with("http://"))
                    {
                        Some(value.into())
                    } else {
                        blocked_in_filter.store(true, Ordering::Relaxed);
                        None
                    }
                }
                ("a", "href") => {
                    let lower = value.trim().to_ascii_lowercase();
                    if lower.starts_with("data:") || lower.starts_with("cid:") {
                        None
                    } else {
                        Some(value.into())
                    }
                }
                _ => Some(value.into()),
            }
        });
    let body = builder.clean(html).to_string();
    (body, blocked.load(Ordering::Relaxed))
}

/// A `Content-Disposition: attachment` header value that carries any file
/// name safely: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187).
pub fn content_disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let fallback = if fallback.trim().is_empty() {
        "piece-jointe".to_string()
    } else {
        fallback
    };
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Envelope<'static> {
        Envelope {
            folder: "INBOX",
            uid: 1,
            flags: Flags::default(),
            size: 0,
            internal_date: Some(5),
        }
    }

    const HOSTILE: &str = r#"<p onclick="x()">Bonjour</p><script>document.title='pwned'</script>
<img src=x onerror="document.title='pwned'"><a href="javascript:alert(1)">lien</a>
<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name=p></form>
<svg onload="alert(1)"><circle/></svg><style>@import url(http://evil.example/x.css)</style>
<div style="background:url(http://tracker.example/x.png); color: red">t</div>
<img src="https://tracker.example.org/pixel.gif"><a href="https://ok.example/">ok</a>"#;

    #[test]
    fn hostile_html_loses_everything_active() {
        let (doc, blocked) = sanitize_html(HOSTILE, &HashMap::new(), false);
        let lower = doc.to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "onload",
            "javascript:",
            "<iframe",
            "<form",
            "<input",
            "<svg",
            "@import",
            "tracker.example",
            "evil.example",
        ] {
            assert!(!lower.contains(bad), "{bad} survived: {doc}");
        }
        assert!(blocked);
        assert!(doc.contains("color: red"));
        assert!(doc.contains("https://ok.example/"));
        assert!(doc.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(doc.contains("default-src 'none'; img-src data:;"));
    }

    #[test]
    fn remote_images_come_back_when_allowed() {
        let (doc, blocked) = sanitize_html(HOSTILE, &HashMap::new(), true);
        assert!(!blocked);
        assert!(doc.contains("https://tracker.example.org/pixel.gif"));
        assert!(doc.contains("url(http://tracker.example/x.png)"));
        assert!(doc.contains("img-src data: https: http:"));
        // Still no script or handler.
        assert!(!doc.to_lowercase().contains("onerror"));
        assert!(!doc.to_lowercase().contains("<script"));
    }

    #[test]
    fn cid_images_become_data_urls() {
        let mut cids = HashMap::new();
        cids.insert(
            "logo@x".to_string(),
            "data:image/png;base64,AAAA".to_string(),
        );
        let (doc, blocked) = sanitize_html(
            r#"<img src="cid:logo@x"><img src="cid:other">"#,
            &cids,
            false,
        );
        assert!(doc.contains(r#"src="data:image/png;base64,AAAA""#));
        assert!(!doc.contains("cid:other"));
        assert!(!blocked);
    }

    #[test]
    fn svg_data_urls_and_data_links_are_dropped() {
        let (doc, _) = sanitize_html(
            r#"<img src="data:image/svg+xml;base64,PHN2Zz4="><a href="data:text/html,<script>">x</a>"#,
            &HashMap::new(),
            false,
        );
        assert!(!doc.contains("svg+xml"));
        assert!(!doc.contains("data:text/html"));
    }

    #[test]
    fn styles_that_escape_or_run_are_dropped() {
        let b = AtomicBool::new(false);
        assert_eq!(
            filter_style(
                "position: fixed; top:0; color: blue; width: expression(alert(1))",
                false,
                &b
            ),
            "top:0; color: blue"
        );
        assert_eq!(filter_style("background: url('data:x')", true, &b), "");
    }

    #[test]
    fn plain_multipart_message_parses() {
        let raw = b"From: =?utf-8?q?Rectorat_de_l=27acad=C3=A9mie?= <rectorat@ac-demo.fr>\r\n\
To: Sophie Dupont <sophie.dupont@ac-demo.fr>, bob@ac-demo.fr\r\n\
Subject: =?utf-8?q?Note_de_service_n=C2=B012?=\r\n\
Date: Tue, 3 Mar 2026 09:15:00 +0100\r\n\
Message-ID: <abc@ac-demo.fr>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBonjour =C3=A0 tous\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''compte-rendu%20r%C3%A9union.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n\
--b--\r\n";
        let m = to_message(raw, env(), false);
        assert_eq!(m.subject, "Note de service n°12");
        assert_eq!(m.from[0].name.as_deref(), Some("Rectorat de l'académie"));
        assert_eq!(m.to.len(), 2);
        assert_eq!(m.to[1].email, "bob@ac-demo.fr");
        assert_eq!(m.text.as_deref().map(str::trim), Some("Bonjour à tous"));
        assert!(m.html.is_none());
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].filename, "compte-rendu réunion.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].size, 9);
        assert_eq!(m.date, 1772525700);
        let (name, ct, bytes) = attachment(raw, 0).unwrap();
        assert_eq!(
            (name.as_str(), ct.as_str()),
            ("compte-rendu réunion.pdf", "application/pdf")
        );
        assert_eq!(bytes, b"%PDF-1.4\n");
        assert!(attachment(raw, 1).is_none());
    }

    #[test]
    fn messages_carry_their_list_id() {
        let raw = b"From: a@b.fr\r\nList-Id: Enseignants du coll\xc3\xa8ge <enseignants.ac-demo.fr>\r\nSubject: x\r\n\r\ncorps\r\n";
        let m = to_message(raw, env(), false);
        assert_eq!(m.list_id.as_deref(), Some("enseignants.ac-demo.fr"));
        let m = to_message(b"Subject: y\r\n\r\nz\r\n", env(), false);
        assert_eq!(m.list_id, None);
    }

    #[test]
    fn list_ids_are_read() {
        assert_eq!(
            list_id(" Liste des enseignants <enseignants.ac-demo.fr>\r\n").as_deref(),
            Some("enseignants.ac-demo.fr")
        );
        assert_eq!(list_id("plain.example").as_deref(), Some("plain.example"));
        assert_eq!(list_id(" <> "), None);
    }

    #[test]
    fn garbage_is_shown_as_text() {
        let m = to_message(b"\xff\xfe not a message at all", env(), false);
        assert!(m.text.is_some());
        assert_eq!(m.date, 5);
    }

    #[test]
    fn content_disposition_survives_any_name() {
        assert_eq!(
            content_disposition("compte-rendu réunion.pdf"),
            "attachment; filename=\"compte-rendu r_union.pdf\"; filename*=UTF-8''compte-rendu%20r%C3%A9union.pdf"
        );
        let evil = content_disposition("a\"\r\nSet-Cookie: x=1;.pdf");
        assert!(!evil.contains('\r') && !evil.contains('\n'));
        assert!(evil.starts_with("attachment; filename=\"a___Set-Cookie: x=1_.pdf\""));
        assert!(content_disposition("").contains("piece-jointe"));
    }
}
