//! The built web app (trunk's `dist/`), held in memory and compressed once
//! at start: hashed files are cached for a year, `index.html` (and the
//! service worker) revalidated every time. Any path that is not a file gets
//! `index.html`, so deep links work.

use std::{collections::HashMap, io::Write, path::Path};

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};

use crate::AppState;

/// One file, with its compressed forms.
pub struct Asset {
    pub content_type: &'static str,
    pub raw: Vec<u8>,
    pub gzip: Option<Vec<u8>>,
    pub brotli: Option<Vec<u8>>,
    pub etag: String,
    pub immutable: bool,
}

/// All files of the app, by URL path.
#[derive(Default)]
pub struct Assets {
    pub files: HashMap<String, Asset>,
    /// The page's Content-Security-Policy (with the hashes of trunk's inline scripts).
    pub csp: String,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "webmanifest" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Trunk names built files `name-<hash in hex>.ext` (up to 16 digits): those never change.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn compressible(ct: &str) -> bool {
    ct.starts_with("text/")
        || ct.contains("javascript")
        || ct.contains("wasm")
        || ct.contains("json")
        || ct.contains("svg")
}

fn sha256_b64(data: &[u8]) -> String {
    STANDARD.encode(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

/// Hashes of the inline `<script>` elements of a page, for its CSP.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script") {
        let start = from + start;
        let Some(open_end) = lower[start..].find('>') else {
            break;
        };
        let open_end = start + open_end + 1;
        let Some(close) = lower[open_end..].find("</script>") else {
            break;
        };
        let close = open_end + close;
        let tag = &lower[start..open_end];
        if !tag.contains(" src=") {
            out.push(format!(
                "'sha256-{}'",
                sha256_b64(&html.as_bytes()[open_end..close])
            ));
        }
        from = close + 9;
    }
    out
}

impl Assets {
    /// Loads and compresses every file under `dir`. A missing directory
    /// gives an empty set (the API still works; the page says to build).
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let mut files = HashMap::new();
        let mut script_hashes = Vec::new();
        if dir.is_dir() {
            let mut stack = vec![dir.to_path_buf()];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d)? {
                    let entry = entry?;
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                        continue;
                    }
                    let rel = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
                    if rel.ends_with(".gz") || rel.ends_with(".br") {
                        continue;
                    }
                    let raw = std::fs::read(&path)?;
                    let ct = content_type(&rel);
                    if rel.ends_with(".html") {
                        script_hashes.extend(inline_script_hashes(&String::from_utf8_lossy(&raw)));
                    }
                    let (gzip, brotli) = if compressible(ct) && raw.len() > 512 {
                        (Some(gzip(&raw)?), Some(brotli(&raw)?))
                    } else {
                        (None, None)
                    };
                    let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
                    files.insert(
                        format!("/{rel}"),
                        Asset {
                            content_type: ct,
                            etag: format!("\"{}\"", &sha256_b64(&raw)[..22]),
                            immutable: is_hashed(&name),
                            raw,
                            gzip,
                            brotli,
                        },
                    );
                }
            }
        }
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob: https: http:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; \
child-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'",
            script_hashes.join(" ")
        );
        Ok(Assets { files, csp })
    }
}

fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data)?;
    Ok(e.finish()?)
}

fn brotli(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 10, 22);
        w.write_all(data)?;
    }
    Ok(out)
}

/// Serves a file of the app, or `index.html` for a route of the app.
pub async fn serve(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let assets = &state.assets;
    let path = uri.path();
    let (key, asset) = match assets.files.get_key_value(path) {
        Some((k, a)) if path != "/" => (k.as_str(), a),
        _ => {
            // A missing asset is a 404, not the app (folder names in deep
            // links may contain dots: only asset extensions count).
            let ext = path
                .rsplit('/')
                .next()
                .unwrap_or("")
                .rsplit_once('.')
                .map(|(_, e)| e);
            if matches!(
                ext,
                Some(
                    "js" | "mjs"
                        | "wasm"
                        | "css"
                        | "png"
                        | "ico"
                        | "svg"
                        | "woff2"
                        | "json"
                        | "webmanifest"
                        | "txt"
                        | "map"
                )
            ) {
                return StatusCode::NOT_FOUND.into_response();
            }
            // Some pages have a bundle of their own (see tests/lib.sh).
            let page = match bundle_page(path) {
                Some(html) => assets
                    .files
                    .get_key_value(html)
                    .or_else(|| assets.files.get_key_value("/index.html")),
                None => assets.files.get_key_value("/index.html"),
            };
            match page {
                Some((k, a)) => (k.as_str(), a),
                None => {
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                        "L'application web n'est pas construite : lancez `trunk build --release`.\n",
                    )
                        .into_response();
                }
            }
        }
    };
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (body, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if accept.contains("br") => (br, Some("br")),
        (_, Some(gz)) if accept.contains("gzip") => (gz, Some("gzip")),
        _ => (&asset.raw, None),
    };
    // One ETag per representation (RFC 9110 §8.8.3).
    let etag = match encoding {
        Some(enc) => format!("{}-{enc}\"", asset.etag.trim_end_matches('"')),
        None => asset.etag.clone(),
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut resp = Response::new(if method == Method::HEAD || not_modified {
        Body::empty()
    } else {
        Body::from(body.clone())
    });
    if not_modified {
        *resp.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let h = resp.headers_mut();
    if !not_modified {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        if let Some(enc) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if asset.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    if key.ends_with(".html")
        && let Ok(v) = HeaderValue::from_str(&assets.csp)
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// The page of the bundle that holds the app route `path`, when it is not
/// the main one: the filters (`filters.html`), writing mail
/// (`compose.html`), the address book and the settings (`people.html`).
fn bundle_page(path: &str) -> Option<&'static str> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "filters" => Some("/filters.html"),
        "compose" => Some("/compose.html"),
        "contacts" | "settings" => Some("/people.html"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("frontend-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("frontend-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(is_hashed("frontend-c257f2af272503b_bg.wasm"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("sw.js"));
        assert!(!is_hashed("pre-fetch.js"));
    }

    async fn fetch(state: &crate::AppState, path: &str, accept: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        serve(
            State(state.clone()),
            Method::GET,
            path.parse().unwrap(),
            headers,
        )
        .await
    }

    #[tokio::test]
    async fn files_are_cached_right_and_routes_get_the_app() {
        let dir = std::env::temp_dir().join(format!("facteur-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let index = format!(
            "<!DOCTYPE html><html><head><script type=module>import init from '/frontend-0123456789abcdef.js';init();</script></head><body>{}</body></html>",
            "x".repeat(1000)
        );
        std::fs::write(dir.join("index.html"), &index).unwrap();
        std::fs::write(
            dir.join("frontend-0123456789abcdef_bg.wasm"),
            vec![0u8; 4096],
        )
        .unwrap();
        let mut config = crate::config::Config::for_tests();
        config.dist_dir = dir.clone();
        let state = crate::AppState::new(config).unwrap();

        let r = fetch(
            &state,
            "/frontend-0123456789abcdef_bg.wasm",
            "gzip, deflate, br",
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/wasm");

        for path in ["/", "/mail/INBOX/42", "/login"] {
            let r = fetch(&state, path, "gzip").await;
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
            assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
            let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                csp.contains("'sha256-") && csp.contains("frame-ancestors 'none'"),
                "{csp}"
            );
            assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
        }
        let r = fetch(&state, "/index.html", "").await;
        assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
        let etag = r.headers()[header::ETAG].clone();
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, etag);
        let r = serve(
            State(state.clone()),
            Method::GET,
            "/index.html".parse().unwrap(),
            headers,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            fetch(&state, "/missing.js", "").await.status(),
            StatusCode::NOT_FOUND
        );
        // A folder with a dot in its name is a route of the app.
        assert_eq!(
            fetch(&state, "/mail/INBOX.Sent", "").await.status(),
            StatusCode::OK
        );
        // The filters page gets its own bundle when there is one.
        std::fs::write(
            dir.join("filters.html"),
            "<html><script>f()</script>filters</html>",
        )
        .unwrap();
        let state = crate::AppState::new({
            let mut c = crate::config::Config::for_tests();
            c.dist_dir = dir.clone();
            c
        })
        .unwrap();
        let r = fetch(&state, "/filters", "").await;
        let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains(&format!("'sha256-{}'", sha256_b64(b"f()"))),
            "{csp}"
        );
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        assert!(body.ends_with(b"filters</html>"));
        // Compose has one; without it, the main page.
        let r = fetch(&state, "/compose", "").await;
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        assert!(!body.ends_with(b"filters</html>"));
        std::fs::write(dir.join("compose.html"), "<html>compose</html>").unwrap();
        let state = crate::AppState::new({
            let mut c = crate::config::Config::for_tests();
            c.dist_dir = dir.clone();
            c
        })
        .unwrap();
        for path in ["/compose", "/compose/"] {
            let r = fetch(&state, path, "").await;
            let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
            assert!(body.ends_with(b"compose</html>"), "{path}");
        }
        let r = fetch(&state, "/contacts", "").await;
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        assert!(
            !body.ends_with(b"compose</html>"),
            "contacts are not in compose"
        );
        std::fs::write(dir.join("people.html"), "<html>people</html>").unwrap();
        let state = crate::AppState::new({
            let mut c = crate::config::Config::for_tests();
            c.dist_dir = dir.clone();
            c
        })
        .unwrap();
        for path in ["/contacts", "/settings", "/settings/identites"] {
            let r = fetch(&state, path, "").await;
            let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
            assert!(body.ends_with(b"people</html>"), "{path}");
        }
        let r = fetch(&state, "/composer", "").await;
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        assert!(!body.ends_with(b"compose</html>"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn inline_scripts_are_hashed_for_the_csp() {
        let html =
            "<html><script src=\"/a.js\"></script><script type=module>init()</script></html>";
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0], format!("'sha256-{}'", sha256_b64(b"init()")));
    }
}
