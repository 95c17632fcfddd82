//! Finds web links in plain-text mail so they can be shown as safe links.
//! Only `http:` and `https:` are recognised: nothing else (no `javascript:`,
//! no `data:`) can ever become an active link.

/// A piece of text, or a link to show as such.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    Link(&'a str),
}

fn starts_with_scheme(s: &str) -> Option<usize> {
    ["https://", "http://"].iter().find_map(|p| {
        s.get(..p.len())
            .filter(|head| head.eq_ignore_ascii_case(p))
            .map(|_| p.len())
    })
}

/// Splits `text` into text and links, in order; concatenating the pieces
/// gives `text` back.
pub fn linkify(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if (bytes[i] == b'h' || bytes[i] == b'H')
            && at_word_start
            && let Some(scheme_len) = starts_with_scheme(&text[i..])
        {
            let rest = &text[i..];
            let mut end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '«' | '»'))
                .unwrap_or(rest.len());
            // Trailing punctuation belongs to the sentence, not the link.
            while end > scheme_len {
                let last = rest[..end].chars().next_back().unwrap_or(' ');
                let strip = match last {
                    '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ']' | '}' => true,
                    ')' => !rest[..end].contains('('),
                    _ => false,
                };
                if !strip {
                    break;
                }
                end -= last.len_utf8();
            }
            if end > scheme_len {
                if plain_from < i {
                    out.push(Segment::Text(&text[plain_from..i]));
                }
                out.push(Segment::Link(&rest[..end]));
                i += end;
                plain_from = i;
                continue;
            }
        }
        i += 1;
    }
    if plain_from < text.len() {
        out.push(Segment::Text(&text[plain_from..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    #[test]
    fn finds_links_and_keeps_punctuation_out() {
        assert_eq!(
            linkify("Voir https://ac-demo.fr/page?a=1. Merci"),
            vec![
                Text("Voir "),
                Link("https://ac-demo.fr/page?a=1"),
                Text(". Merci")
            ]
        );
        assert_eq!(
            linkify("(http://x.fr/a)"),
            vec![Text("("), Link("http://x.fr/a"), Text(")")]
        );
        assert_eq!(
            linkify("https://fr.wikipedia.org/wiki/Lyon_(ville)"),
            vec![Link("https://fr.wikipedia.org/wiki/Lyon_(ville)")]
        );
    }

    #[test]
    fn other_schemes_stay_text() {
        assert_eq!(
            linkify("javascript:alert(1)"),
            vec![Text("javascript:alert(1)")]
        );
        assert_eq!(linkify("xhttp://a.b"), vec![Text("xhttp://a.b")]);
        assert_eq!(linkify("https://"), vec![Text("https://")]);
        assert_eq!(
            linkify("é https://é.fr é"),
            vec![Text("é "), Link("https://é.fr"), Text(" é")]
        );
        assert!(linkify("").is_empty());
    }
}
