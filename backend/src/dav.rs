//! The WebDAV adapter (RFC 4918) with what CardDAV (RFC 6352) and CalDAV
//! (RFC 4791) add: discovery from the user's principal (RFC 6764, 5397),
//! `PROPFIND`/`REPORT` answers read as a multistatus with namespaces
//! resolved, and `GET`/`PUT`/`DELETE` of resources with ETags, so that a
//! write never silently replaces a version changed elsewhere.
//!
//! HTTP/1.1 runs over our own connection (TLS for `https://` with the
//! shared connector), one per [`DavClient`], kept alive across the
//! requests of one API call. Login is HTTP Basic with the user's
//! identifier and password; the `Authorization` header is marked sensitive
//! and never logged. Every request, connection included, has a timeout.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, header};
use base64::{Engine, engine::general_purpose::STANDARD};
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tokio_rustls::TlsConnector;

use crate::{config::ServerUrl, net};

/// The `DAV:` namespace.
pub const DAV: &str = "DAV:";
/// CardDAV's namespace (RFC 6352).
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
/// CalDAV's namespace (RFC 4791).
pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
/// Apple's calendar properties (`calendar-color`, `calendar-order`).
pub const APPLE_ICAL: &str = "http://apple.com/ns/ical/";
/// CalendarServer's properties (`getctag`).
pub const CALENDARSERVER: &str = "http://calendarserver.org/ns/";

/// Largest answer body read from the server.
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Redirects followed during discovery (`/.well-known/carddav`).
const MAX_REDIRECTS: usize = 3;

/// What may go wrong talking to the DAV server.
#[derive(Debug, thiserror::Error)]
pub enum DavError {
    #[error("serveur DAV inconnu: {0}")]
    UnknownHost(String),
    #[error("serveur DAV injoignable: {0}")]
    Unreachable(String),
    #[error("le serveur DAV ne répond pas à temps")]
    Timeout,
    #[error("TLS: {0}")]
    Tls(String),
    /// 401: the server refuses the identifier or password.
    #[error("le serveur DAV refuse l'identifiant")]
    AuthenticationFailed,
    /// 404 (or 410).
    #[error("introuvable sur le serveur DAV")]
    NotFound,
    /// 412: the resource changed since it was read (or exists already).
    #[error("la ressource a changé sur le serveur DAV")]
    PreconditionFailed,
    /// Any other answer that is not a success.
    #[error("le serveur DAV refuse ({status}): {detail}")]
    Refused { status: u16, detail: String },
    /// A request we will not send (an id that is not a file name…).
    #[error("{0}")]
    Invalid(String),
    /// An answer we cannot read.
    #[error("réponse DAV illisible: {0}")]
    Protocol(String),
}

/// `Depth` of a `PROPFIND` or `REPORT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Zero,
    One,
}

impl Depth {
    fn value(self) -> &'static str {
        match self {
            Depth::Zero => "0",
            Depth::One => "1",
        }
    }
}

/// The condition of a `PUT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// Unconditional (avoid: it may overwrite someone's change).
    Any,
    /// Only if the resource is still at this version (`If-Match`).
    Etag(String),
    /// Only if nothing exists there yet (`If-None-Match: *`): a creation.
    NoneMatch,
}

/// One property of a multistatus answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavProp {
    /// Namespace URI (`DAV:`, [`CARDDAV`]…), empty when none.
    pub ns: String,
    pub name: String,
    /// The status of its `propstat` (200, 404…).
    pub status: u16,
    /// Its text content (for `address-data`, the card).
    pub text: String,
    /// The `DAV:href` elements inside it (for `current-user-principal`,
    /// `addressbook-home-set`…), as the server wrote them.
    pub hrefs: Vec<String>,
    /// The elements directly inside it as (namespace, name), for
    /// `resourcetype` and `supported-*-set`.
    pub children: Vec<(String, String)>,
    /// Every element inside it as (namespace, name), for privilege sets.
    pub descendants: Vec<(String, String)>,
    /// Its XML as the server wrote it, for structured values (sharing
    /// invitations, ACLs).
    pub xml: String,
}

/// One `response` of a multistatus answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavResponse {
    /// The resource's path, percent-encoded as the server wrote it (an
    /// absolute URL is reduced to its path).
    pub href: String,
    /// The status of the response itself, when given (a `DELETE` of a
    /// member that failed, a resource gone in a `multiget`).
    pub status: Option<u16>,
    pub props: Vec<DavProp>,
}

impl DavResponse {
    /// The property when the server found it (2xx status).
    pub fn prop(&self, ns: &str, name: &str) -> Option<&DavProp> {
        self.props
            .iter()
            .find(|p| p.ns == ns && p.name == name && (200..300).contains(&p.status))
    }

    /// The text of a property found, trimmed, if not empty.
    pub fn text(&self, ns: &str, name: &str) -> Option<&str> {
        self.prop(ns, name)
            .map(|p| p.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// The first href inside a property found.
    pub fn href_in(&self, ns: &str, name: &str) -> Option<&str> {
        self.prop(ns, name)
            .and_then(|p| p.hrefs.first())
            .map(String::as_str)
    }

    /// Whether `resourcetype` holds this element (`addressbook`, `calendar`).
    pub fn is_type(&self, ns: &str, name: &str) -> bool {
        self.prop(DAV, "resourcetype")
            .is_some_and(|p| p.children.iter().any(|(n, local)| n == ns && local == name))
    }

    /// The `getetag` found.
    pub fn etag(&self) -> Option<&str> {
        self.text(DAV, "getetag")
    }
}

/// Reads a `207 Multi-Status` body.
pub fn parse_multistatus(xml: &str) -> Result<Vec<DavResponse>, DavError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| DavError::Protocol(e.to_string()))?;
    let root = doc.root_element();
    if !is(root, DAV, "multistatus") {
        return Err(DavError::Protocol(format!(
            "élément racine {} au lieu de multistatus",
            root.tag_name().name()
        )));
    }
    let mut out = Vec::new();
    for resp in root.children().filter(|n| is(*n, DAV, "response")) {
        let mut href = None;
        let mut status = None;
        let mut props = Vec::new();
        for child in resp.children().filter(roxmltree::Node::is_element) {
            if is(child, DAV, "href") && href.is_none() {
                href = Some(href_path(&text_of(child)));
            } else if is(child, DAV, "status") {
                status = parse_status_line(&text_of(child));
            } else if is(child, DAV, "propstat") {
                let st = child
                    .children()
                    .find(|n| is(*n, DAV, "status"))
                    .and_then(|n| parse_status_line(&text_of(n)))
                    .unwrap_or(200);
                for prop in child.children().filter(|n| is(*n, DAV, "prop")) {
                    for p in prop.children().filter(roxmltree::Node::is_element) {
                        props.push(DavProp {
                            ns: p.tag_name().namespace().unwrap_or("").to_string(),
                            name: p.tag_name().name().to_string(),
                            status: st,
                            text: text_of(p),
                            hrefs: p
                                .descendants()
                                .filter(|n| is(*n, DAV, "href"))
                                .map(|n| href_path(&text_of(n)))
                                .collect(),
                            children: p
                                .children()
                                .filter(roxmltree::Node::is_element)
                                .map(|n| {
                                    (
                                        n.tag_name().namespace().unwrap_or("").to_string(),
                                        n.tag_name().name().to_string(),
                                    )
                                })
                                .collect(),
                            descendants: p
                                .descendants()
                                .skip(1)
                                .filter(roxmltree::Node::is_element)
                                .map(|n| {
                                    (
                                        n.tag_name().namespace().unwrap_or("").to_string(),
                                        n.tag_name().name().to_string(),
                                    )
                                })
                                .collect(),
                            xml: self_contained(p, xml),
                        });
                    }
                }
            }
        }
        let Some(href) = href else {
            return Err(DavError::Protocol("response sans href".into()));
        };
        out.push(DavResponse {
            href,
            status,
            props,
        });
    }
    Ok(out)
}

/// An element's XML as written, with the namespaces in scope declared on
/// it, so that it parses on its own.
pub fn self_contained(n: roxmltree::Node<'_, '_>, doc: &str) -> String {
    let text = doc.get(n.range()).unwrap_or("");
    let name_end = text
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    let mut decls = String::new();
    for ns in n.namespaces() {
        let attr = match ns.name() {
            Some(prefix) => format!(" xmlns:{prefix}=\"{}\"", xml_escape(ns.uri())),
            None => format!(" xmlns=\"{}\"", xml_escape(ns.uri())),
        };
        if !text.contains(attr.trim()) {
            decls.push_str(&attr);
        }
    }
    format!("{}{decls}{}", &text[..name_end], &text[name_end..])
}

fn is(n: roxmltree::Node<'_, '_>, ns: &str, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(ns)
}

/// All the text inside an element (CDATA included).
fn text_of(n: roxmltree::Node<'_, '_>) -> String {
    n.descendants()
        .filter(roxmltree::Node::is_text)
        .filter_map(|t| t.text())
        .collect()
}

/// `HTTP/1.1 200 OK` → 200.
fn parse_status_line(s: &str) -> Option<u16> {
    s.split_whitespace().nth(1)?.parse().ok()
}

/// An href reduced to its path: `https://host/a/b` → `/a/b`.
fn href_path(href: &str) -> String {
    let href = href.trim();
    for scheme in ["http://", "https://"] {
        if href.len() > scheme.len() && href[..scheme.len()].eq_ignore_ascii_case(scheme) {
            let rest = &href[scheme.len()..];
            return match rest.find('/') {
                Some(i) => rest[i..].to_string(),
                None => "/".to_string(),
            };
        }
    }
    href.to_string()
}

/// Characters escaped in a path segment: all but unreserved ones
/// (RFC 3986 §2.3), and `@`, which CardDAV clients often use in names.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// Percent-decoding (invalid UTF-8 is replaced).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A path segment percent-encoded.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// The last segment of a path, percent-decoded (`/a/b%20c.vcf` → `b c.vcf`).
pub fn last_segment(href: &str) -> String {
    let seg = href
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    percent_decode_str(seg).decode_utf8_lossy().into_owned()
}

/// Whether a resource name (an API id) is a plain file name: not empty,
/// no `/`, not `.` or `..`, no control characters, not too long.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.contains('/')
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
}

/// The path of a member of a collection: `collection` (ending in `/`)
/// plus the encoded name, which must be a [`valid_name`].
pub fn member_path(collection: &str, name: &str) -> Result<String, DavError> {
    if !valid_name(name) {
        return Err(DavError::Invalid(format!("identifiant invalide: {name:?}")));
    }
    let mut p = collection.to_string();
    if !p.ends_with('/') {
        p.push('/');
    }
    p.push_str(&encode_segment(name));
    Ok(p)
}

/// Whether two hrefs name the same resource (encoding and a final `/` aside).
pub fn same_path(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        percent_decode_str(s.trim_end_matches('/'))
            .decode_utf8_lossy()
            .into_owned()
    };
    norm(a) == norm(b)
}

/// Text escaped for an XML body.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTTP answer read whole.
#[derive(Debug)]
pub struct DavReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl DavReply {
    /// The `ETag` header, if any.
    pub fn etag(&self) -> Option<String> {
        self.headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `Ok(self)` on 2xx, else the error the status means.
    pub fn check(self) -> Result<Self, DavError> {
        match self.status.as_u16() {
            200..=299 => Ok(self),
            401 => Err(DavError::AuthenticationFailed),
            404 | 410 => Err(DavError::NotFound),
            412 => Err(DavError::PreconditionFailed),
            status => Err(DavError::Refused {
                status,
                detail: net::truncate(self.text().trim(), 200),
            }),
        }
    }
}

/// Where the user's collections are, from the principal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principal {
    /// The principal's path (`/alice/`).
    pub href: String,
    /// `addressbook-home-set` (CardDAV), if the server gave one.
    pub addressbook_home: Option<String>,
    /// `calendar-home-set` (CalDAV), if the server gave one.
    pub calendar_home: Option<String>,
}

/// A collection found in a home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// Its path, ending in `/`.
    pub href: String,
    /// Its `displayname`, else the last segment of its path.
    pub name: String,
    /// `getctag` or `sync-token`, when given: changes with any member.
    pub ctag: Option<String>,
    /// The whole response, for the properties a caller asked for.
    pub response: DavResponse,
}

/// A connection to the user's DAV server.
pub struct DavClient {
    server: ServerUrl,
    base_path: String,
    host_header: HeaderValue,
    authorization: HeaderValue,
    tls: TlsConnector,
    timeout: Duration,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl std::fmt::Debug for DavClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DavClient")
            .field("server", &self.server)
            .field("base_path", &self.base_path)
            .finish_non_exhaustive()
    }
}

/// Splits `http[s]://host[:port][/path]` into the server and the path
/// (which ends with `/`).
pub fn parse_base_url(url: &str) -> Result<(ServerUrl, String), DavError> {
    let invalid = |why: &str| DavError::Invalid(format!("URL DAV « {url} » : {why}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("pas une URL"))?;
    let (tls, default_port) = if scheme.eq_ignore_ascii_case("https") {
        (true, 443)
    } else if scheme.eq_ignore_ascii_case("http") {
        (false, 80)
    } else {
        return Err(invalid("le schéma doit être http:// ou https://"));
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    if authority.contains('@') {
        return Err(invalid("pas d'identifiant dans l'URL"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| invalid("adresse IPv6 mal fermée"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| invalid("port invalide"))?,
            None => default_port,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| invalid("port invalide"))?,
            ),
            None => (authority.to_string(), default_port),
        }
    };
    if host.is_empty() {
        return Err(invalid("hôte manquant"));
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((
        ServerUrl {
            host,
            port,
            implicit_tls: tls,
        },
        path,
    ))
}

impl DavClient {
    /// A client for the server at `base_url` (nothing is sent yet).
    pub fn new(
        base_url: &str,
        tls: TlsConnector,
        username: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Self, DavError> {
        let (server, base_path) = parse_base_url(base_url)?;
        let default_port = if server.implicit_tls { 443 } else { 80 };
        let host = if server.host.contains(':') {
            format!("[{}]", server.host)
        } else {
            server.host.clone()
        };
        let host = if server.port == default_port {
            host
        } else {
            format!("{host}:{}", server.port)
        };
        let host_header = HeaderValue::from_str(&host)
            .map_err(|_| DavError::Invalid(format!("hôte DAV invalide: {host}")))?;
        let creds = STANDARD.encode(format!("{username}:{password}"));
        let mut authorization = HeaderValue::from_str(&format!("Basic {creds}"))
            .map_err(|_| DavError::Invalid("identifiant illisible".into()))?;
        authorization.set_sensitive(true);
        Ok(DavClient {
            server,
            base_path,
            host_header,
            authorization,
            tls,
            timeout,
            sender: None,
        })
    }

    /// The path of the configured URL (ends with `/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, DavError> {
        let tcp = net::connect_tcp(&self.server, self.timeout)
            .await
            .map_err(|e| match e {
                net::ConnectError::UnknownHost(h) => DavError::UnknownHost(h),
                net::ConnectError::Unreachable(m) => DavError::Unreachable(m),
                net::ConnectError::Timeout => DavError::Timeout,
            })?;
        let proto = |e: hyper::Error| DavError::Unreachable(e.to_string());
        if self.server.implicit_tls {
            let name = rustls_pki_types::ServerName::try_from(self.server.host.clone())
                .map_err(|e| DavError::Tls(e.to_string()))?;
            let stream = tokio::time::timeout(self.timeout, self.tls.connect(name, tcp))
                .await
                .map_err(|_| DavError::Timeout)?
                .map_err(|e| DavError::Tls(e.to_string()))?;
            let (sender, conn) = http1::handshake(TokioIo::new(stream))
                .await
                .map_err(proto)?;
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "DAV connection ended");
                }
            });
            Ok(sender)
        } else {
            let (sender, conn) = http1::handshake(TokioIo::new(tcp)).await.map_err(proto)?;
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "DAV connection ended");
                }
            });
            Ok(sender)
        }
    }

    /// Sends one request and reads the whole answer, whatever its status,
    /// within the timeout. A kept-alive connection the server closed
    /// meanwhile is reopened once.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(HeaderName, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<DavReply, DavError> {
        let timeout = self.timeout;
        let result =
            tokio::time::timeout(timeout, self.request_inner(method, path, headers, body)).await;
        match result {
            Ok(r) => r,
            Err(_) => {
                // The connection's state is unknown: never reuse it.
                self.sender = None;
                Err(DavError::Timeout)
            }
        }
    }

    async fn request_inner(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(HeaderName, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<DavReply, DavError> {
        if !path.starts_with('/') || path.chars().any(|c| c.is_control() || c == ' ') {
            return Err(DavError::Invalid(format!("chemin DAV invalide: {path:?}")));
        }
        let (content_type, bytes) = match body {
            Some((ct, b)) => (Some(ct), Bytes::from(b)),
            None => (None, Bytes::new()),
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let reused = self.sender.as_ref().is_some_and(|s| !s.is_closed());
            let mut sender = match self.sender.take() {
                Some(s) if !s.is_closed() => s,
                _ => self.connect().await?,
            };
            if sender.ready().await.is_err() {
                if reused && attempt == 1 {
                    continue;
                }
                return Err(DavError::Unreachable("connexion fermée".into()));
            }
            let mut req = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::HOST, self.host_header.clone())
                .header(header::AUTHORIZATION, self.authorization.clone())
                .header(header::USER_AGENT, "Facteur")
                .body(Full::new(bytes.clone()))
                .map_err(|e| DavError::Invalid(e.to_string()))?;
            let h = req.headers_mut();
            if let Some(ct) = content_type {
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(ct).map_err(|e| DavError::Invalid(e.to_string()))?,
                );
            }
            for (name, value) in headers {
                h.insert(
                    name.clone(),
                    HeaderValue::from_str(value)
                        .map_err(|_| DavError::Invalid(format!("en-tête {name} invalide")))?,
                );
            }
            let resp = match sender.send_request(req).await {
                Ok(r) => r,
                // The server closed a kept-alive connection as the request
                // went: send it again on a new one. The routes' writes carry a
                // condition, so a write that did happen the first time
                // fails the second (a conflict, never a double write).
                Err(e)
                    if reused
                        && attempt == 1
                        && (e.is_canceled() || e.is_closed() || e.is_incomplete_message()) =>
                {
                    continue;
                }
                Err(e) => return Err(DavError::Unreachable(e.to_string())),
            };
            let (parts, body) = resp.into_parts();
            let body = Limited::new(body, MAX_BODY)
                .collect()
                .await
                .map_err(|e| DavError::Unreachable(format!("lecture de la réponse: {e}")))?
                .to_bytes();
            if !sender.is_closed() {
                self.sender = Some(sender);
            }
            return Ok(DavReply {
                status: parts.status,
                headers: parts.headers,
                body,
            });
        }
    }

    async fn xml_request(
        &mut self,
        method: &str,
        path: &str,
        depth: Depth,
        body: &str,
    ) -> Result<Vec<DavResponse>, DavError> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| DavError::Invalid(e.to_string()))?;
        let mut path = path.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let reply = self
                .request(
                    method.clone(),
                    &path,
                    &[(HeaderName::from_static("depth"), depth.value().into())],
                    Some(("application/xml; charset=utf-8", body.as_bytes().to_vec())),
                )
                .await?;
            if reply.status.is_redirection() {
                let location = reply
                    .headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| DavError::Protocol("redirection sans Location".into()))?;
                let next = href_path(location);
                if !next.starts_with('/') {
                    return Err(DavError::Protocol(format!(
                        "redirection inattendue: {location}"
                    )));
                }
                path = next;
                continue;
            }
            let reply = reply.check()?;
            if reply.status != StatusCode::MULTI_STATUS {
                return Err(DavError::Protocol(format!(
                    "{method} {path}: statut {} au lieu de 207",
                    reply.status
                )));
            }
            return parse_multistatus(&reply.text());
        }
        Err(DavError::Protocol("trop de redirections".into()))
    }

    /// `PROPFIND` with this XML body (redirects followed).
    pub async fn propfind(
        &mut self,
        path: &str,
        depth: Depth,
        body: &str,
    ) -> Result<Vec<DavResponse>, DavError> {
        self.xml_request("PROPFIND", path, depth, body).await
    }

    /// `REPORT` with this XML body.
    pub async fn report(
        &mut self,
        path: &str,
        depth: Depth,
        body: &str,
    ) -> Result<Vec<DavResponse>, DavError> {
        self.xml_request("REPORT", path, depth, body).await
    }

    /// `GET`: the body and its ETag.
    pub async fn get(&mut self, path: &str) -> Result<(Bytes, Option<String>), DavError> {
        let reply = self.request(Method::GET, path, &[], None).await?.check()?;
        let etag = reply.etag();
        Ok((reply.body, etag))
    }

    /// `PUT` under a condition; the new ETag when the server gives one.
    /// A failed condition is [`DavError::PreconditionFailed`].
    pub async fn put(
        &mut self,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
        condition: IfMatch,
    ) -> Result<Option<String>, DavError> {
        let headers = match condition {
            IfMatch::Any => vec![],
            IfMatch::Etag(e) => vec![(header::IF_MATCH, e)],
            IfMatch::NoneMatch => vec![(header::IF_NONE_MATCH, "*".to_string())],
        };
        let reply = self
            .request(Method::PUT, path, &headers, Some((content_type, body)))
            .await?
            .check()?;
        Ok(reply.etag())
    }

    /// `DELETE`, with `If-Match` when an ETag is given.
    pub async fn delete(&mut self, path: &str, etag: Option<&str>) -> Result<(), DavError> {
        let headers: Vec<_> = etag
            .map(|e| (header::IF_MATCH, e.to_string()))
            .into_iter()
            .collect();
        self.request(Method::DELETE, path, &headers, None)
            .await?
            .check()?;
        Ok(())
    }

    /// Extended `MKCOL` (RFC 5689): a collection of this type
    /// (`resourcetype` children written as is, e.g. `<C:addressbook/>`
    /// with `C` bound to CardDAV and `A` to CalDAV) and display name.
    pub async fn mkcol(
        &mut self,
        path: &str,
        resourcetype_xml: &str,
        displayname: &str,
    ) -> Result<(), DavError> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:C="{CARDDAV}" xmlns:A="{CALDAV}"><D:set><D:prop><D:resourcetype><D:collection/>{resourcetype_xml}</D:resourcetype><D:displayname>{}</D:displayname></D:prop></D:set></D:mkcol>"#,
            xml_escape(displayname)
        );
        let method = Method::from_bytes(b"MKCOL").map_err(|e| DavError::Invalid(e.to_string()))?;
        self.request(
            method,
            path,
            &[],
            Some(("application/xml; charset=utf-8", body.into_bytes())),
        )
        .await?
        .check()?;
        Ok(())
    }

    /// The user's principal and homes: `current-user-principal` on the
    /// configured URL (then on `/.well-known/carddav`), then the home sets
    /// on the principal. A server without principals gives the
    /// configured path as principal and home.
    pub async fn principal(&mut self) -> Result<Principal, DavError> {
        const BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav" xmlns:A="urn:ietf:params:xml:ns:caldav"><D:prop><D:current-user-principal/><C:addressbook-home-set/><A:calendar-home-set/></D:prop></D:propfind>"#;
        let base = self.base_path.clone();
        let found = match self.propfind(&base, Depth::Zero, BODY).await {
            Ok(r) => r
                .first()
                .and_then(|r| r.href_in(DAV, "current-user-principal"))
                .map(str::to_string),
            Err(DavError::NotFound | DavError::Refused { .. } | DavError::Protocol(_)) => None,
            Err(e) => return Err(e),
        };
        let principal = match found {
            Some(p) => Some(p),
            None => match self
                .propfind("/.well-known/carddav", Depth::Zero, BODY)
                .await
            {
                Ok(r) => r
                    .first()
                    .and_then(|r| r.href_in(DAV, "current-user-principal"))
                    .map(str::to_string),
                Err(DavError::NotFound | DavError::Refused { .. } | DavError::Protocol(_)) => None,
                Err(e) => return Err(e),
            },
        };
        let href = principal.unwrap_or_else(|| base.clone());
        let homes = self.propfind(&href, Depth::Zero, BODY).await?;
        let first = homes.first();
        Ok(Principal {
            addressbook_home: first
                .and_then(|r| r.href_in(CARDDAV, "addressbook-home-set"))
                .map(str::to_string),
            calendar_home: first
                .and_then(|r| r.href_in(CALDAV, "calendar-home-set"))
                .map(str::to_string),
            href,
        })
    }

    /// The collections of a home whose `resourcetype` holds (ns, name),
    /// with `extra_props` (XML elements, prefixes `D`, `C` CardDAV, `A`
    /// CalDAV, `I` Apple iCal, `S` CalendarServer) fetched too.
    pub async fn collections(
        &mut self,
        home: &str,
        ns: &str,
        name: &str,
        extra_props: &str,
    ) -> Result<Vec<Collection>, DavError> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="{CARDDAV}" xmlns:A="{CALDAV}" xmlns:I="{APPLE_ICAL}" xmlns:S="{CALENDARSERVER}"><D:prop><D:resourcetype/><D:displayname/><S:getctag/><D:sync-token/>{extra_props}</D:prop></D:propfind>"#
        );
        let found = self.propfind(home, Depth::One, &body).await?;
        Ok(found
            .into_iter()
            .filter(|r| r.is_type(ns, name) && !same_path(&r.href, home))
            .map(|r| {
                let mut href = r.href.clone();
                if !href.ends_with('/') {
                    href.push('/');
                }
                Collection {
                    name: r
                        .text(DAV, "displayname")
                        .map(str::to_string)
                        .unwrap_or_else(|| last_segment(&href)),
                    ctag: r
                        .text(CALENDARSERVER, "getctag")
                        .or_else(|| r.text(DAV, "sync-token"))
                        .map(str::to_string),
                    href,
                    response: r,
                }
            })
            .collect())
    }

    /// The user's address book: the one named `contacts` (path or display
    /// name), else the first; one named `contacts` is created when the
    /// home has none.
    pub async fn address_book(&mut self) -> Result<Collection, DavError> {
        let principal = self.principal().await?;
        let home = principal
            .addressbook_home
            .unwrap_or_else(|| principal.href.clone());
        let mut books = self.collections(&home, CARDDAV, "addressbook", "").await?;
        if books.is_empty() {
            let path = member_path(&home, "contacts")? + "/";
            self.mkcol(&path, "<C:addressbook/>", "Contacts").await?;
            books = self.collections(&home, CARDDAV, "addressbook", "").await?;
        }
        let pick = books
            .iter()
            .position(|b| {
                last_segment(&b.href).eq_ignore_ascii_case("contacts")
                    || b.name.eq_ignore_ascii_case("contacts")
            })
            .unwrap_or(0);
        if pick < books.len() {
            Ok(books.swap_remove(pick))
        } else {
            Err(DavError::Protocol("carnet d'adresses introuvable".into()))
        }
    }

    /// Every card of an address book: (href, etag, vCard text), in one
    /// `addressbook-query` REPORT; servers that refuse it are asked with
    /// `PROPFIND` then `addressbook-multiget`.
    pub async fn cards(&mut self, book: &str) -> Result<Vec<(String, String, String)>, DavError> {
        const QUERY: &str = r#"<?xml version="1.0" encoding="utf-8"?><C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop><C:filter/></C:addressbook-query>"#;
        let found = match self.report(book, Depth::One, QUERY).await {
            Ok(r) => r,
            Err(DavError::Refused { status, .. }) if status != 401 => {
                self.cards_by_multiget(book).await?
            }
            Err(e) => return Err(e),
        };
        Ok(found
            .into_iter()
            .filter(|r| !same_path(&r.href, book))
            .filter_map(|r| {
                let data = r.prop(CARDDAV, "address-data")?.text.clone();
                let etag = r.etag().unwrap_or_default().to_string();
                Some((r.href, etag, data))
            })
            .collect())
    }

    async fn cards_by_multiget(&mut self, book: &str) -> Result<Vec<DavResponse>, DavError> {
        const LIST: &str = r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>"#;
        let members: Vec<String> = self
            .propfind(book, Depth::One, LIST)
            .await?
            .into_iter()
            .filter(|r| {
                !same_path(&r.href, book)
                    && r.prop(DAV, "resourcetype")
                        .is_none_or(|p| p.children.is_empty())
            })
            .map(|r| r.href)
            .collect();
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(members.len());
        for chunk in members.chunks(200) {
            let hrefs: String = chunk
                .iter()
                .map(|h| format!("<D:href>{}</D:href>", xml_escape(h)))
                .collect();
            let body = format!(
                r#"<?xml version="1.0" encoding="utf-8"?><C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop>{hrefs}</C:addressbook-multiget>"#
            );
            out.extend(self.report(book, Depth::One, &body).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let (s, p) = parse_base_url("http://127.0.0.1:15232").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.implicit_tls, p.as_str()),
            ("127.0.0.1", 15232, false, "/")
        );
        let (s, p) = parse_base_url("https://dav.ac-demo.fr/radicale").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.implicit_tls, p.as_str()),
            ("dav.ac-demo.fr", 443, true, "/radicale/")
        );
        let (s, _) = parse_base_url("http://[::1]:8080/").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("::1", 8080));
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("http://u:p@x/").is_err());
        assert!(parse_base_url("http://x:port/").is_err());
    }

    #[test]
    fn names_and_paths() {
        assert_eq!(
            member_path("/alice/contacts/", "a b.vcf").unwrap(),
            "/alice/contacts/a%20b.vcf"
        );
        assert_eq!(
            member_path("/alice/contacts", "x@y.vcf").unwrap(),
            "/alice/contacts/x@y.vcf"
        );
        assert_eq!(last_segment("/alice/contacts/a%20b%C3%A9.vcf"), "a bé.vcf");
        assert_eq!(last_segment("/alice/contacts/"), "contacts");
        for bad in ["", ".", "..", "a/b", "a\nb", "..\\x"] {
            assert!(member_path("/c/", bad).is_err(), "{bad:?}");
        }
        assert!(same_path("/a/b%20c/", "/a/b c"));
        assert_eq!(href_path("https://h.fr:8443/a/b"), "/a/b");
    }

    #[test]
    fn multistatus_with_namespaces() {
        let xml = r#"<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">
 <d:response>
  <d:href>http://h/alice/contacts/</d:href>
  <d:propstat><d:prop>
    <d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>
    <d:displayname>Mes contacts</d:displayname>
  </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  <d:propstat><d:prop><d:getctag/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
 </d:response>
 <response xmlns="DAV:"><href>/alice/contacts/x.vcf</href>
  <propstat><prop><getetag>"e1"</getetag><address-data xmlns="urn:ietf:params:xml:ns:carddav"><![CDATA[BEGIN:VCARD
END:VCARD]]></address-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>
</d:multistatus>"#;
        let r = parse_multistatus(xml).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].href, "/alice/contacts/");
        assert!(r[0].is_type(CARDDAV, "addressbook"));
        assert!(!r[0].is_type(CALDAV, "calendar"));
        assert_eq!(r[0].text(DAV, "displayname"), Some("Mes contacts"));
        assert!(r[0].prop(DAV, "getctag").is_none());
        assert_eq!(r[1].etag(), Some("\"e1\""));
        assert_eq!(
            r[1].prop(CARDDAV, "address-data").unwrap().text,
            "BEGIN:VCARD\nEND:VCARD"
        );
        assert!(parse_multistatus("<x/>").is_err());
        assert!(parse_multistatus("not xml").is_err());
    }
}
