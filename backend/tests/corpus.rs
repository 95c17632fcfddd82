//! The message corpus of `tests/fixtures/` (described, with what a reader
//! must show, in its README) through the parser and the sanitizer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use facteur::mime::{Envelope, attachment, to_message};
use shared::mail::{Flags, Message};

fn load(name: &str) -> Vec<u8> {
    let path = format!("{}/../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str, allow_remote: bool) -> (Vec<u8>, Message) {
    let raw = load(name);
    let m = to_message(
        &raw,
        Envelope {
            folder: "INBOX",
            uid: 7,
            flags: Flags::default(),
            size: raw.len() as u32,
            internal_date: None,
        },
        allow_remote,
    );
    (raw, m)
}

#[test]
fn plain_french_text() {
    let (_, m) = read("plain.eml", false);
    assert_eq!(m.subject, "Réunion de l'équipe pédagogique jeudi");
    assert_eq!(m.from[0].name.as_deref(), Some("Sophie Dupont"));
    assert_eq!(m.to[0].name.as_deref(), Some("Alice Lefèvre"));
    let text = m.text.unwrap();
    assert!(text.starts_with("Bonjour Alice,"));
    assert!(text.contains("la sortie au théâtre (coût : 8 € par élève, à régler avant le 20)."));
    assert!(text.contains("« œuvres au programme »"));
    assert!(m.html.is_none());
    assert!(m.attachments.is_empty());
    assert_eq!(m.date, 1794315912);
}

#[test]
fn multipart_with_inline_logo_and_two_attachments() {
    let (raw, m) = read("multipart.eml", false);
    assert_eq!(m.subject, "Compte rendu de réunion et ordre du jour");
    let listed: Vec<_> = m
        .attachments
        .iter()
        .filter(|a| !a.inline)
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(listed, ["ordre-du-jour.txt", "compte-rendu réunion.pdf"]);
    let html = m.html.unwrap();
    assert!(html.contains("src=\"data:image/png;base64,"), "logo inline");
    assert!(!html.contains("cid:"));
    assert!(!m.remote_content_blocked);
    let pdf = m
        .attachments
        .iter()
        .find(|a| a.filename.ends_with(".pdf"))
        .unwrap();
    assert_eq!(pdf.size, 1293);
    let (name, ct, bytes) = attachment(&raw, pdf.part).unwrap();
    assert_eq!(
        (name.as_str(), ct.as_str()),
        ("compte-rendu réunion.pdf", "application/pdf")
    );
    assert!(bytes.starts_with(b"%PDF-"));
    let txt = m
        .attachments
        .iter()
        .find(|a| a.filename == "ordre-du-jour.txt")
        .unwrap();
    assert_eq!(txt.size, 141);
}

#[test]
fn hostile_html_keeps_its_text_and_loses_everything_active() {
    for allow_remote in [false, true] {
        let (_, m) = read("hostile.eml", allow_remote);
        let html = m.html.unwrap();
        // The document's own CSP comes first; look at the body only.
        let body = &html[html.find("<body>").unwrap()..];
        // Only markup can be active: check the tags, not the words shown.
        let lower: String = body
            .to_lowercase()
            .split('<')
            .skip(1)
            .map(|t| format!("<{}>", t.split('>').next().unwrap_or("")))
            .collect();
        for bad in [
            "<script",
            "<noscript",
            "<meta",
            "<base",
            "<link",
            "<title",
            "onload=",
            "onerror=",
            "onclick=",
            "onmouseover=",
            "ontoggle=",
            "onfocus=",
            "javascript:",
            "pwned",
            "vbscript:",
            "data:text/html",
            "<iframe",
            "srcdoc",
            "<frame",
            "<object",
            "<embed",
            "<applet",
            "<form",
            "<input",
            "<button",
            "formaction",
            "expression(",
            "behavior:",
            "position: fixed",
            "position:fixed",
            "@import",
            "@font-face",
            "<style",
            "<video",
            "<audio",
            "<svg",
            "srcset=",
            "evil.example",
        ] {
            assert!(
                !lower.contains(bad),
                "{bad} survived (remote {allow_remote}): {body}"
            );
        }
        if !allow_remote {
            assert!(
                !lower.contains("tracker.example"),
                "remote load before consent: {body}"
            );
            assert!(m.remote_content_blocked);
        }
        for kept in [
            "Message de test hostile",
            "Ce paragraphe doit rester lisible après nettoyage.",
            "https://www.example.org/vrai-lien",
            "style inoffensif à conserver",
            "tableau",
            "Fin du message.",
        ] {
            assert!(body.contains(kept), "{kept} lost");
        }
        // The text part shows the script as text.
        assert!(
            m.text
                .unwrap()
                .contains("<script>document.title='pwned'</script>")
        );
    }
}

#[test]
fn malformed_message_still_opens() {
    let (_, m) = read("malformed.eml", false);
    assert!(m.subject.starts_with("Message mal formé"), "{}", m.subject);
    assert!(m.text.unwrap().contains("Texte dans un jeu de caract"));
    assert!(!m.attachments.is_empty());
}
