//! The built web app (trunk's `dist/`), held in memory and compressed once
//! at start: hashed files are cached for a year, the pages (and the
//! service worker) revalidated every time. Any path that is not a file gets
//! its bundle's page, so deep links work. With them, what makes the app
//! installable ([`crate::pwa`]): `/manifest.webmanifest`, `/icons/…` (drawn
//! at start) and `/sw.js` (which knows every file of this build).

use std::{
    collections::HashMap,
    io::Write,
    path::Path,
    sync::{Arc, OnceLock},
};

use axum::{
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};

use crate::{AppState, pwa};

/// One file, with its compressed forms.
pub struct Asset {
    pub content_type: &'static str,
    pub raw: Vec<u8>,
    pub gzip: Option<Vec<u8>>,
    /// Brotli takes seconds on the large files: it is made in the
    /// background, and gzip is served until it is there.
    pub brotli: Arc<OnceLock<Vec<u8>>>,
    pub etag: String,
    /// `Cache-Control`: a year for hashed files, a day for the icons,
    /// revalidation for the rest.
    pub cache_control: &'static str,
}

/// Files larger than this get their brotli form in the background.
const BACKGROUND_BROTLI: usize = 64 * 1024;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

impl Asset {
    /// A file, compressed when that pays.
    pub fn new(
        raw: Vec<u8>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> anyhow::Result<Self> {
        let brotli_slot = Arc::new(OnceLock::new());
        let gzip = if compressible(content_type) && raw.len() > 512 {
            if raw.len() > BACKGROUND_BROTLI {
                let (slot, data) = (brotli_slot.clone(), raw.clone());
                std::thread::spawn(move || {
                    if let Ok(br) = brotli(&data) {
                        let _ = slot.set(br);
                    }
                });
            } else {
                let _ = brotli_slot.set(brotli(&raw)?);
            }
            Some(gzip(&raw)?)
        } else {
            None
        };
        let brotli = brotli_slot;
        Ok(Asset {
            content_type,
            etag: etag_of(&raw),
            cache_control,
            raw,
            gzip,
            brotli,
        })
    }
}

/// All files of the app, by URL path.
#[derive(Default)]
pub struct Assets {
    pub files: HashMap<String, Asset>,
    /// The page's Content-Security-Policy (with the hashes of trunk's inline scripts).
    pub csp: String,
    /// The version of this build, as the service worker knows it.
    pub version: String,
    /// The manifest in French and in English, made on first request (it
    /// names the configuration's brand).
    manifests: OnceLock<[Asset; 2]>,
}

/// The first segment of the app routes that have a bundle of their own,
/// and its page: the filters (`filters.html`), writing mail
/// (`compose.html`), the address book and the settings (`people.html`),
/// the calendar (`calendar.html`). The service worker gets the same table.
pub const BUNDLE_PAGES: [(&str, &str); 5] = [
    ("filters", "/filters.html"),
    ("compose", "/compose.html"),
    ("contacts", "/people.html"),
    ("settings", "/people.html"),
    ("calendar", "/calendar.html"),
];

/// Extensions of files: a missing one is a 404, not a route of the app
/// (folder names in deep links may contain dots).
pub const ASSET_EXTENSIONS: [&str; 12] = [
    "js",
    "mjs",
    "wasm",
    "css",
    "png",
    "ico",
    "svg",
    "woff2",
    "json",
    "webmanifest",
    "txt",
    "map",
];

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
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

fn etag_of(data: &[u8]) -> String {
    format!("\"{}\"", &sha256_b64(data)[..22])
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
                    if rel.ends_with(".html") {
                        script_hashes.extend(inline_script_hashes(&String::from_utf8_lossy(&raw)));
                    }
                    let name = rel.rsplit('/').next().unwrap_or(&rel);
                    let cache = if is_hashed(name) { IMMUTABLE } else { NO_CACHE };
                    files.insert(
                        format!("/{rel}"),
                        Asset::new(raw, content_type(&rel), cache)?,
                    );
                }
            }
        }
        // The app's own files win over any of the same name in dist/.
        for (path, raw) in pwa::icons()? {
            let asset = Asset::new(raw, content_type(path), pwa::ICON_CACHE_CONTROL)?;
            files.insert(path.to_string(), asset);
        }
        files.remove(pwa::SW_PATH);
        // Every file is precached: the dist/ ones (pages, hashed scripts
        // and wasm), the icons, the manifest in both languages.
        let mut shell: Vec<&String> = files.keys().collect();
        shell.sort();
        let version = pwa::version(shell.iter().map(|p| (p.as_str(), &files[*p].raw[..])));
        let mut shell: Vec<String> = shell.into_iter().cloned().collect();
        shell.push(pwa::MANIFEST_PATH.into());
        shell.push(format!("{}?lang=en", pwa::MANIFEST_PATH));
        let sw = pwa::service_worker(&version, &shell, &BUNDLE_PAGES, &ASSET_EXTENSIONS);
        files.insert(
            pwa::SW_PATH.into(),
            Asset::new(sw.into_bytes(), content_type(pwa::SW_PATH), NO_CACHE)?,
        );
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob: https: http:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; \
child-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'",
            script_hashes.join(" ")
        );
        Ok(Assets {
            files,
            csp,
            version,
            manifests: OnceLock::new(),
        })
    }

    /// The manifest in `lang`, naming `brand`.
    pub fn manifest(&self, brand: &str, lang: pwa::Lang) -> &Asset {
        let [fr, en] = self.manifests.get_or_init(|| {
            let ct = content_type(pwa::MANIFEST_PATH);
            let make = |lang| {
                let raw = pwa::manifest(brand, lang).into_bytes();
                // Compressing into memory does not fail; if it did, plain.
                Asset::new(raw.clone(), ct, NO_CACHE).unwrap_or_else(|_| Asset {
                    content_type: ct,
                    etag: etag_of(&raw),
                    cache_control: NO_CACHE,
                    raw,
                    gzip: None,
                    brotli: Arc::new(OnceLock::new()),
                })
            };
            [make(pwa::Lang::Fr), make(pwa::Lang::En)]
        });
        match lang {
            pwa::Lang::Fr => fr,
            pwa::Lang::En => en,
        }
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
        _ if path == pwa::MANIFEST_PATH => (
            pwa::MANIFEST_PATH,
            assets.manifest(&state.config.brand, pwa::Lang::from_query(uri.query())),
        ),
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
            if ext.is_some_and(|e| ASSET_EXTENSIONS.contains(&e)) {
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
    let (body, encoding) = match (asset.brotli.get(), &asset.gzip) {
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
        HeaderValue::from_static(asset.cache_control),
    );
    if key == pwa::SW_PATH {
        h.insert(
            HeaderName::from_static("service-worker-allowed"),
            HeaderValue::from_static("/"),
        );
    }
    if key.ends_with(".html")
        && let Ok(v) = HeaderValue::from_str(&assets.csp)
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// The page of the bundle that holds the app route `path`, when it is not
/// the main one (see [`BUNDLE_PAGES`]).
fn bundle_page(path: &str) -> Option<&'static str> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    BUNDLE_PAGES
        .iter()
        .find(|(segment, _)| *segment == first)
        .map(|(_, page)| *page)
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

    /// A dist/ of its own for a test, and the app serving it.
    fn app_with(name: &str, files: &[(&str, &[u8])]) -> (std::path::PathBuf, crate::AppState) {
        let dir = std::env::temp_dir().join(format!("facteur-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        for (file, content) in files {
            std::fs::write(dir.join(file), content).unwrap();
        }
        let mut config = crate::config::Config::for_tests();
        config.dist_dir = dir.clone();
        config.brand = "Académie".into();
        (dir, crate::AppState::new(config).unwrap())
    }

    async fn body(r: Response) -> Vec<u8> {
        axum::body::to_bytes(r.into_body(), 1 << 24)
            .await
            .unwrap()
            .to_vec()
    }

    const WASM: &str = "/frontend-0123456789abcdef_bg.wasm";

    /// A build: the main page, two of the three bundle pages (people.html
    /// is missing: its routes get the main page), a hashed script and wasm.
    fn build(marker: &str) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            (
                "index.html",
                format!("<html><script type=module>init()</script>main {marker}</html>").into(),
            ),
            ("filters.html", b"<html>filters</html>".to_vec()),
            ("compose.html", b"<html>compose</html>".to_vec()),
            ("frontend-0123456789abcdef.js", b"export default 1".to_vec()),
            (&WASM[1..], vec![7u8; 2048]),
        ]
    }

    fn app_of(
        name: &str,
        files: &[(&'static str, Vec<u8>)],
    ) -> (std::path::PathBuf, crate::AppState) {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, &c[..])).collect();
        app_with(name, &files)
    }

    #[tokio::test]
    async fn the_service_worker_knows_this_build() {
        let (dir, state) = app_of("sw", &build("one"));
        let r = fetch(&state, "/sw.js", "gzip").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(r.headers()["service-worker-allowed"], "/");
        assert!(r.headers().get(header::ETAG).is_some());
        let sw = String::from_utf8(body(fetch(&state, "/sw.js", "").await).await).unwrap();
        assert!(
            sw.contains(&format!("const VERSION = \"{}\";", state.assets.version)),
            "{sw}"
        );
        for file in [
            "/index.html",
            "/filters.html",
            "/compose.html",
            "/frontend-0123456789abcdef.js",
            WASM,
            "/manifest.webmanifest",
            "/manifest.webmanifest?lang=en",
            "/icons/icon.svg",
        ] {
            assert!(sw.contains(&format!("\"{file}\"")), "{file}");
        }
        for (icon, _, _) in pwa::PNG_ICONS {
            assert!(sw.contains(&format!("\"{icon}\"")), "{icon}");
        }
        assert!(
            !sw.contains("\"/sw.js\""),
            "the worker does not precache itself"
        );
        // The same table as `bundle_page`.
        assert!(sw.contains(
            r#"const BUNDLES = [["filters","/filters.html"],["compose","/compose.html"],["contacts","/people.html"],["settings","/people.html"],["calendar","/calendar.html"]];"#
        ));
        assert!(sw.contains(pwa::SW_TEMPLATE));

        // Same files, same worker; any file changed, a new one.
        let (dir2, same) = app_of("sw-same", &build("one"));
        assert_eq!(same.assets.version, state.assets.version);
        let (dir3, next) = app_of("sw-next", &build("two"));
        assert_ne!(next.assets.version, state.assets.version);
        let sw2 = String::from_utf8(body(fetch(&next, "/sw.js", "").await).await).unwrap();
        assert_ne!(sw, sw2);
        assert!(sw2.contains(&next.assets.version));
        for d in [dir, dir2, dir3] {
            std::fs::remove_dir_all(&d).ok();
        }
    }

    #[tokio::test]
    async fn the_manifest_and_icons_are_served() {
        let (dir, state) = app_of("pwa", &build("one"));
        let r = fetch(&state, "/manifest.webmanifest", "gzip").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/manifest+json"
        );
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        let etag = r.headers()[header::ETAG].clone();
        let m: serde_json::Value =
            serde_json::from_slice(&body(fetch(&state, "/manifest.webmanifest", "").await).await)
                .unwrap();
        assert_eq!(m["name"], "Académie");
        assert_eq!(m["lang"], "fr");
        assert_eq!(m["protocol_handlers"][0]["url"], "/compose?to=%s");
        let en: serde_json::Value = serde_json::from_slice(
            &body(fetch(&state, "/manifest.webmanifest?lang=en", "").await).await,
        )
        .unwrap();
        assert_eq!(en["lang"], "en");
        assert_eq!(en["name"], "Académie");
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(header::IF_NONE_MATCH, etag);
        let r = serve(
            State(state.clone()),
            Method::GET,
            "/manifest.webmanifest".parse().unwrap(),
            headers,
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);

        for (path, size, _) in pwa::PNG_ICONS {
            let r = fetch(&state, path, "gzip, br").await;
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
            assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=86400");
            assert!(r.headers().get(header::ETAG).is_some());
            assert!(r.headers().get(header::CONTENT_ENCODING).is_none());
            let png = body(r).await;
            assert_eq!(&png[..8], &pwa::png::SIGNATURE);
            assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), size);
        }
        let r = fetch(&state, "/icons/icon.svg", "").await;
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/svg+xml");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=86400");
        assert!(body(r).await.starts_with(b"<svg"));
        // Missing files are still 404s, not the app.
        for path in [
            "/icons/icon-64.png",
            "/sw.js.map",
            "/frontend-89abcdef01234567.js",
        ] {
            assert_eq!(
                fetch(&state, path, "").await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        // The pages may use all of it.
        let r = fetch(&state, "/mail/INBOX", "").await;
        let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        for directive in [
            "worker-src 'self'",
            "manifest-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
        ] {
            assert!(csp.contains(directive), "{directive}: {csp}");
        }
        std::fs::remove_dir_all(&dir).ok();

        // Without a build, the app's own files are still there.
        let (dir, state) = app_with("pwa-empty", &[]);
        assert_eq!(fetch(&state, "/sw.js", "").await.status(), StatusCode::OK);
        assert_eq!(
            fetch(&state, "/manifest.webmanifest", "").await.status(),
            StatusCode::OK
        );
        assert_eq!(
            fetch(&state, "/icons/icon-512.png", "").await.status(),
            StatusCode::OK
        );
        assert_eq!(
            fetch(&state, "/", "").await.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Runs the worker under Node (when there is one) with stand-ins for
    /// the browser: what it caches, what it answers, online and offline.
    #[tokio::test]
    async fn the_service_worker_behaves() {
        if std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("node is missing: the service worker is not run");
            return;
        }
        let files = build("one");
        let (dir, state) = app_of("sw-run", &files);
        let sw = body(fetch(&state, "/sw.js", "").await).await;
        let sw_file = dir.join("sw-under-test.js");
        let harness = dir.join("harness.js");
        std::fs::write(&sw_file, &sw).unwrap();
        std::fs::write(&harness, include_str!("pwa/sw_test.js")).unwrap();
        let paths = [
            "/",
            "/mail/INBOX",
            "/mail/INBOX.Sent",
            "/mail/INBOX/42",
            "/login",
            "/filters",
            "/filters/",
            "/filters/3",
            "/compose",
            "/compose/",
            "/contacts",
            "/contacts/12",
            "/settings",
            "/settings/identites",
            "/composer",
            "/index.html",
            "/filters.html",
            "//compose",
            "/constructor",
            "/__proto__",
        ];
        let out = std::process::Command::new("node")
            .arg(&harness)
            .arg(&sw_file)
            .arg(serde_json::to_string(&paths).unwrap())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let shell_cache = format!("facteur-shell-{}", state.assets.version);

        // install: every file of the build, revalidated unless hashed; no
        // skipWaiting of its own.
        let cached: Vec<&str> = out["shellCache"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for (file, _) in &files {
            assert!(cached.contains(&format!("/{file}").as_str()), "{file}");
        }
        assert!(cached.contains(&"/manifest.webmanifest?lang=en"));
        assert!(cached.contains(&"/icons/maskable-512.png"));
        assert_eq!(out["afterInstall"], serde_json::json!([]));
        // activate: the other versions go, the attachments stay.
        let mut caches: Vec<&str> = out["caches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        caches.sort();
        assert_eq!(caches, ["facteur-files", shell_cache.as_str()]);
        assert_eq!(out["afterActivate"], serde_json::json!(["claim"]));
        assert_eq!(
            out["afterMessage"],
            serde_json::json!(["claim", "skipWaiting"])
        );

        // Navigations get, from this version, the page the server would.
        for path in paths {
            let served = body(fetch(&state, path, "").await).await;
            let page = files
                .iter()
                .find(|(name, content)| *content == served && name.ends_with(".html"))
                .map(|(name, _)| format!("/{name}"))
                .unwrap_or_else(|| panic!("{path}: served no page"));
            assert_eq!(out["pages"][path], format!("shell {page}"), "{path}");
        }
        assert_eq!(out["pages"]["/contacts"], "shell /index.html");
        assert_eq!(out["pages"]["/compose/"], "shell /compose.html");

        assert_eq!(out["hashed"], format!("shell {WASM}"));
        assert_eq!(out["icon"], "shell /icons/icon-192.png");
        assert_eq!(out["manifest"], "network /manifest.webmanifest");
        for untouched in [
            "scriptNotNavigation",
            "api",
            "apiNavigation",
            "other",
            "messageJsonOffline",
        ] {
            assert!(out[untouched].is_null(), "{untouched}: {}", out[untouched]);
        }
        // Attachments: the network, a copy kept; offline, the copy.
        let attachment = "/api/folders/INBOX/messages/42/attachments/2";
        let raw = "/api/folders/INBOX/messages/42/raw";
        assert_eq!(out["attachmentOnline"], format!("network {attachment}"));
        assert_eq!(out["rawOnline"], format!("network {raw}"));
        assert_eq!(out["files"], serde_json::json!([attachment, raw]));
        assert_eq!(out["attachmentOffline"], format!("copy {attachment}"));
        assert_eq!(
            out["attachmentDownloadOffline"],
            format!("copy {attachment}")
        );
        assert_eq!(out["rawOffline"], format!("copy {raw}"));
        assert!(
            out["nocacheOffline"]
                .as_str()
                .unwrap()
                .contains("Failed to fetch")
        );
        assert_eq!(out["pageOffline"], "shell /compose.html");
        // Logging out forgets them.
        assert_eq!(out["cachesAfterLogout"], serde_json::json!([shell_cache]));
        let fetched = out["fetched"].to_string();
        assert!(
            !fetched.contains(WASM) && !fetched.contains("/mail/"),
            "{fetched}"
        );
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
