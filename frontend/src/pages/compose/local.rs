//! What the compose page keeps on this device, and the pure pieces of
//! writing: the signature, switching between rich and plain text, the
//! addresses proposed for what is typed.

use shared::compose::{BodyFormat, ComposeMessage};
use shared::contacts::{Suggestion, fold};

pub use crate::offline::outbox::{LAST_KEY, LocalDraft, record_key};

/// A random id (for local drafts and send keys), 24 hex digits.
pub fn random_id() -> String {
    let mut out = String::with_capacity(24);
    for _ in 0..3 {
        let n = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        out.push_str(&format!("{n:08x}"));
    }
    out
}

/// HTML-escapes text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// Plain text as editor HTML: one paragraph line per line.
pub fn text_to_html(text: &str) -> String {
    if text.is_empty() {
        return "<p><br></p>".into();
    }
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                "<div><br></div>".to_string()
            } else {
                format!("<div>{}</div>", escape(l))
            }
        })
        .collect()
}

const EMPTY_PARAGRAPH: &str = "<p><br></p>";

/// The body of a new message, reply or forward with the identity's
/// signature: room to write first, then `-- ` and the signature, then
/// what was prepared (the quote).
pub fn with_signature(body: &str, format: BodyFormat, signature: &str) -> String {
    let signature = signature.trim_end();
    match format {
        BodyFormat::Html => {
            let rest = body.strip_prefix(EMPTY_PARAGRAPH).unwrap_or(body);
            if signature.is_empty() {
                return format!("{EMPTY_PARAGRAPH}{rest}");
            }
            let lines: Vec<String> = signature.lines().map(escape).collect();
            format!(
                "{EMPTY_PARAGRAPH}<div class=\"signature\">-- <br>{}</div>{rest}",
                lines.join("<br>")
            )
        }
        BodyFormat::Text => {
            let rest = body.trim_start_matches('\n');
            let mut out = String::from("\n\n");
            if !signature.is_empty() {
                out.push_str("-- \n");
                out.push_str(signature);
                out.push('\n');
            }
            if !rest.is_empty() {
                out.push('\n');
                out.push_str(rest);
            }
            out
        }
    }
}

/// Whether the message holds anything worth keeping.
pub fn is_blank(m: &ComposeMessage, initial_body: &str) -> bool {
    m.to.is_empty()
        && m.cc.is_empty()
        && m.bcc.is_empty()
        && m.subject.trim().is_empty()
        && m.attachments.is_empty()
        && m.body == initial_body
}

/// The suggestions for what is typed: names or addresses containing every
/// word (accents and case ignored), those already chosen left out, the
/// address book first, at most `max`.
pub fn suggest<'a>(
    all: &'a [Suggestion],
    typed: &str,
    chosen: &[String],
    max: usize,
) -> Vec<&'a Suggestion> {
    let words: Vec<String> = fold(typed).split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, &Suggestion)> = all
        .iter()
        .filter(|s| !chosen.iter().any(|c| c.eq_ignore_ascii_case(&s.email)))
        .filter_map(|s| {
            let name = fold(s.name.as_deref().unwrap_or(""));
            let email = fold(&s.email);
            let all_found = words
                .iter()
                .all(|w| name.contains(w.as_str()) || email.contains(w.as_str()));
            if !all_found {
                return None;
            }
            // Starting with the typed word ranks first.
            let first = &words[0];
            let starts = name
                .split_whitespace()
                .any(|n| n.starts_with(first.as_str()))
                || email.starts_with(first.as_str());
            Some((if starts { 0 } else { 1 }, s))
        })
        .collect();
    hits.sort_by_key(|(rank, _)| *rank);
    hits.into_iter().take(max).map(|(_, s)| s).collect()
}

/// A rough plain text of editor HTML, for an answer prepared in HTML when
/// the user writes plain text: tags dropped, line breaks kept.
pub fn html_to_text_rough(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    let mut quote_depth = 0usize;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let closing = tag.starts_with('/');
                match name.as_str() {
                    "blockquote" if closing => quote_depth = quote_depth.saturating_sub(1),
                    "blockquote" => {
                        quote_depth += 1;
                        out.push('\n');
                    }
                    "br" | "p" | "div" | "li" | "tr" if !closing || name != "br" => {
                        out.push('\n');
                        out.push_str(&"> ".repeat(quote_depth));
                    }
                    _ => {}
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut lines: Vec<&str> = Vec::new();
    for l in out.lines() {
        if l.trim().is_empty() && lines.last().is_some_and(|p| p.trim().is_empty()) {
            continue;
        }
        lines.push(l.trim_end());
    }
    lines.join("\n").trim().to_string()
}

/// A reply or forward made here from a message kept on the device, when
/// the server cannot prepare it (offline): the same recipients, subject,
/// references and quote as the server's, from the cached text.
pub fn answer_offline(
    m: &shared::mail::Message,
    mode: shared::compose::ComposeMode,
    own: &[String],
    lang: &str,
) -> ComposeMessage {
    use shared::compose::{AttachmentSource, ComposeAttachment, ComposeMode, OriginalRef};
    let is_own = |e: &str| own.iter().any(|o| o.eq_ignore_ascii_case(e));
    let forward = matches!(
        mode,
        ComposeMode::Forward | ComposeMode::ForwardAsAttachment
    );
    let mut to = Vec::new();
    let mut cc = Vec::new();
    if !forward {
        to = if m.reply_to.is_empty() {
            m.from.clone()
        } else {
            m.reply_to.clone()
        };
        if mode == ComposeMode::ReplyAll {
            for a in m.to.iter().filter(|a| !is_own(&a.email)) {
                if !to.iter().any(|b| b.email.eq_ignore_ascii_case(&a.email)) {
                    to.push(a.clone());
                }
            }
            cc = m.cc.iter().filter(|a| !is_own(&a.email)).cloned().collect();
        }
    }
    let lower = m.subject.to_lowercase();
    let subject = if forward {
        if ["fwd:", "fw:", "tr:", "tr :"]
            .iter()
            .any(|p| lower.starts_with(p))
        {
            m.subject.clone()
        } else {
            format!("Fwd: {}", m.subject)
        }
    } else if ["re:", "re :", "réf", "aw:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        m.subject.clone()
    } else {
        format!("Re: {}", m.subject)
    };
    let who = m
        .from
        .first()
        .map(|a| match &a.name {
            Some(n) => format!("{n} <{}>", a.email),
            None => a.email.clone(),
        })
        .unwrap_or_default();
    let text = m.text.clone().unwrap_or_default();
    let quoted: String = text.lines().map(escape).collect::<Vec<_>>().join("<br>");
    let (body, attachments) = match mode {
        ComposeMode::ForwardAsAttachment => (
            "<p><br></p>".to_string(),
            vec![ComposeAttachment {
                source: AttachmentSource::Message {
                    folder: m.folder.clone(),
                    uid: m.uid,
                },
                filename: format!("{}.eml", m.subject.trim()),
                content_type: "message/rfc822".into(),
                size: u64::from(m.size),
            }],
        ),
        ComposeMode::Forward => {
            let head = if lang == "en" {
                "Forwarded message"
            } else {
                "Message transféré"
            };
            (
                format!(
                    "<p><br></p><p>-------- {head} --------<br>{}</p><div>{quoted}</div>",
                    escape(&who)
                ),
                m.attachments
                    .iter()
                    .filter(|a| !a.inline)
                    .map(|a| ComposeAttachment {
                        source: AttachmentSource::Part {
                            folder: m.folder.clone(),
                            uid: m.uid,
                            part: a.part,
                        },
                        filename: a.filename.clone(),
                        content_type: a.content_type.clone(),
                        size: a.size,
                    })
                    .collect(),
            )
        }
        _ => {
            let said = if lang == "en" {
                format!("{who} wrote:")
            } else {
                format!("{who} a écrit :")
            };
            (
                format!(
                    "<p><br></p><p>{}</p><blockquote type=\"cite\">{quoted}</blockquote>",
                    escape(&said)
                ),
                Vec::new(),
            )
        }
    };
    ComposeMessage {
        to,
        cc,
        subject,
        body,
        attachments,
        in_reply_to: m.message_id.clone(),
        references: m.message_id.iter().cloned().collect(),
        original: Some(OriginalRef {
            folder: m.folder.clone(),
            uid: m.uid,
            mode,
        }),
        ..Default::default()
    }
}

/// What a `mailto:` link (RFC 6068) asks for.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Mailto {
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
}

/// Reads a `mailto:` link, or a plain address (then only `to`).
pub fn mailto(link: &str) -> Mailto {
    let Some(rest) = link
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map(|_| &link[7..])
    else {
        return Mailto {
            to: link.to_string(),
            ..Default::default()
        };
    };
    let (to, query) = rest.split_once('?').unwrap_or((rest, ""));
    let decode = |s: &str| shared::mail::decode_segment(s).unwrap_or_else(|| s.to_string());
    let mut out = Mailto {
        to: decode(to),
        ..Default::default()
    };
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v);
        match k.to_ascii_lowercase().as_str() {
            "to" => out.to = [out.to.as_str(), &v].join(","),
            "cc" => out.cc = v,
            "bcc" => out.bcc = v,
            "subject" => out.subject = v.chars().filter(|c| !c.is_control()).collect(),
            "body" => out.body = v.replace("\r\n", "\n"),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::contacts::SuggestionSource;

    #[test]
    fn signature_goes_between_the_room_to_write_and_the_quote() {
        let quote = "<p><br></p><p>Le 12/03/2026, X a écrit :</p><blockquote>…</blockquote>";
        let b = with_signature(quote, BodyFormat::Html, "Sophie Dupont\nCollège <Moulin>");
        assert_eq!(
            b,
            "<p><br></p><div class=\"signature\">-- <br>Sophie Dupont<br>Collège &lt;Moulin&gt;</div><p>Le 12/03/2026, X a écrit :</p><blockquote>…</blockquote>"
        );
        assert_eq!(with_signature("", BodyFormat::Html, ""), "<p><br></p>");
        assert_eq!(
            with_signature("> cité", BodyFormat::Text, "S. D."),
            "\n\n-- \nS. D.\n\n> cité"
        );
        assert_eq!(with_signature("", BodyFormat::Text, ""), "\n\n");
    }

    #[test]
    fn mailto_links() {
        let m = mailto(
            "mailto:dpe@ac-demo.fr?subject=Mutation%202026&cc=a@b.fr&body=Bonjour%2C%0D%0AMerci",
        );
        assert_eq!(m.to, "dpe@ac-demo.fr");
        assert_eq!(m.cc, "a@b.fr");
        assert_eq!(m.subject, "Mutation 2026");
        assert_eq!(m.body, "Bonjour,\nMerci");
        assert_eq!(mailto("MAILTO:x@y.fr").to, "x@y.fr");
        assert_eq!(mailto("bob@ac-demo.fr").to, "bob@ac-demo.fr");
        assert_eq!(
            mailto("mailto:a@b.fr?subject=A%0D%0ABcc:%20x").subject,
            "ABcc: x"
        );
    }

    #[test]
    fn text_becomes_safe_html() {
        assert_eq!(
            text_to_html("a <b>\n\nc & d"),
            "<div>a &lt;b&gt;</div><div><br></div><div>c &amp; d</div>"
        );
    }

    #[test]
    fn suggestions_match_words_and_skip_chosen() {
        let s = |name: &str, email: &str, source| Suggestion {
            name: Some(name.into()),
            email: email.into(),
            source,
        };
        let all = vec![
            s(
                "Hélène Lefèvre",
                "helene.lefevre@ac-demo.fr",
                SuggestionSource::Contact,
            ),
            s("Bob Garnier", "bob@ac-demo.fr", SuggestionSource::Recent),
            s(
                "Secrétariat Lefebvre",
                "ce.0750001@ac-demo.fr",
                SuggestionSource::Recent,
            ),
        ];
        let names = |v: Vec<&Suggestion>| v.iter().map(|s| s.email.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(suggest(&all, "hel", &[], 8)),
            vec!["helene.lefevre@ac-demo.fr"]
        );
        assert_eq!(
            names(suggest(&all, "LEF", &[], 8)),
            vec!["helene.lefevre@ac-demo.fr", "ce.0750001@ac-demo.fr"]
        );
        assert!(suggest(&all, "lef", &["HELENE.lefevre@ac-demo.fr".into()], 8).len() == 1);
        assert!(suggest(&all, "  ", &[], 8).is_empty());
        assert_eq!(names(suggest(&all, "demo", &[], 1)).len(), 1);
    }

    #[test]
    fn blank_messages_are_not_kept() {
        let mut m = ComposeMessage {
            body: "<p><br></p>".into(),
            ..Default::default()
        };
        assert!(is_blank(&m, "<p><br></p>"));
        m.subject = "Conseil de classe".into();
        assert!(!is_blank(&m, "<p><br></p>"));
    }
}
