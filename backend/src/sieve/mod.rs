//! The ManageSieve adapter (RFC 5804): upload, check, activate and read the
//! user's Sieve scripts; [`script`] compiles the filter rules to Sieve.
//!
//! The connection is always encrypted: `sieves://` is TLS from the start,
//! `sieve://` must offer STARTTLS (RFC 5804 §2.2) or nothing is sent.
//! Login is SASL PLAIN (RFC 4616) with an initial response (§2.1). Every
//! operation has a timeout; a connection that timed out or lost its place
//! in the protocol is not used again.

pub mod script;

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use tokio::{
    io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};
use tokio_rustls::{TlsConnector, client::TlsStream};

use crate::config::ServerUrl;

/// The stream a ManageSieve session runs over: TLS, always.
pub type Stream = TlsStream<TcpStream>;

/// Longest response line accepted from the server.
const MAX_LINE: u64 = 64 * 1024;
/// Largest string (a script) accepted from the server.
const MAX_LITERAL: usize = 4 * 1024 * 1024;

/// What can go wrong with filters on the server.
#[derive(Debug, thiserror::Error)]
pub enum SieveError {
    #[error("le nom du serveur de filtres ne se résout pas: {0}")]
    UnknownHost(String),
    #[error("serveur de filtres injoignable: {0}")]
    Unreachable(String),
    #[error("échec TLS avec le serveur de filtres: {0}")]
    Tls(String),
    #[error("le serveur de filtres n'offre pas de connexion chiffrée (STARTTLS)")]
    NoStartTls,
    #[error("identifiant ou mot de passe refusé")]
    AuthenticationFailed,
    #[error("script refusé par le serveur: {0}")]
    InvalidScript(String),
    #[error("script introuvable")]
    NoSuchScript,
    #[error("le script est actif")]
    ScriptActive,
    #[error("quota de filtres dépassé")]
    OverQuota,
    #[error("le serveur a refusé: {0}")]
    Refused(String),
    #[error("connexion perdue: {0}")]
    ConnectionLost(String),
    #[error("le serveur n'a pas répondu à temps")]
    Timeout,
    #[error("réponse ManageSieve inattendue: {0}")]
    Protocol(String),
    #[error("paramètre invalide: {0}")]
    Invalid(String),
}

impl SieveError {
    /// True when the connection is unusable and a new one may succeed.
    pub fn is_connection(&self) -> bool {
        matches!(self, SieveError::ConnectionLost(_) | SieveError::Timeout)
    }
}

impl From<std::io::Error> for SieveError {
    fn from(e: std::io::Error) -> Self {
        SieveError::ConnectionLost(short(&e.to_string()))
    }
}

/// Keeps only the start of a text that may quote a whole script.
fn short(text: &str) -> String {
    crate::net::truncate(text, 500)
}

/// A lexical item of a response (RFC 5804 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Atom(String),
    /// A quoted string or a literal, decoded.
    Str(String),
    Open,
    Close,
}

/// How a command ended (RFC 5804 §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bye,
}

/// The final line of a response: status, response code and its
/// arguments, human-readable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub status: Status,
    /// Upper-cased, with its hierarchy (`QUOTA/MAXSIZE`).
    pub code: Option<String>,
    pub code_args: Vec<String>,
    pub text: String,
}

impl Completion {
    fn code_is(&self, name: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c == name || c.starts_with(&format!("{name}/")))
    }

    /// The error for a `NO` or `BYE` that no command-specific rule mapped.
    fn into_error(self) -> SieveError {
        if self.status == Status::Bye {
            SieveError::ConnectionLost(short(&self.text))
        } else if self.code_is("NONEXISTENT") {
            SieveError::NoSuchScript
        } else if self.code_is("ACTIVE") {
            SieveError::ScriptActive
        } else if self.code_is("QUOTA") {
            SieveError::OverQuota
        } else {
            SieveError::Refused(short(&self.text))
        }
    }
}

/// One line of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Data(Vec<Token>),
    Done(Completion),
}

/// Reads one response line, with the literals it carries (`{n}` CRLF and
/// n octets, RFC 5804 §4).
pub async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Line, SieveError> {
    let mut tokens = Vec::new();
    loop {
        let mut raw = Vec::new();
        let n = (&mut *reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut raw)
            .await?;
        if n == 0 {
            return Err(SieveError::ConnectionLost("fermée par le serveur".into()));
        }
        let Some(line) = raw.strip_suffix(b"\r\n") else {
            return Err(SieveError::Protocol(
                "ligne trop longue ou sans CRLF".into(),
            ));
        };
        match lex(line, &mut tokens)? {
            None => break,
            Some(len) => {
                if len > MAX_LITERAL {
                    return Err(SieveError::Protocol(format!("chaîne de {len} octets")));
                }
                let mut buf = vec![0; len];
                reader.read_exact(&mut buf).await?;
                let s = String::from_utf8(buf)
                    .map_err(|_| SieveError::Protocol("chaîne non UTF-8".into()))?;
                tokens.push(Token::Str(s));
            }
        }
    }
    classify(tokens)
}

/// Splits a line into tokens; returns the length of a literal that ends
/// it, whose octets follow on the wire.
fn lex(line: &[u8], tokens: &mut Vec<Token>) -> Result<Option<usize>, SieveError> {
    let text =
        std::str::from_utf8(line).map_err(|_| SieveError::Protocol("ligne non UTF-8".into()))?;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            ' ' => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '"' => {
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some((_, e @ ('"' | '\\'))) => s.push(e),
                            _ => return Err(SieveError::Protocol("échappement invalide".into())),
                        },
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => s.push(c),
                    }
                }
                if !closed {
                    return Err(SieveError::Protocol("chaîne non fermée".into()));
                }
                tokens.push(Token::Str(s));
            }
            '{' => {
                let rest = &text[start + 1..];
                let inner = rest
                    .strip_suffix('}')
                    .ok_or_else(|| SieveError::Protocol("littéral mal formé".into()))?;
                let digits = inner.strip_suffix('+').unwrap_or(inner);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(SieveError::Protocol("littéral mal formé".into()));
                }
                let len = digits
                    .parse()
                    .map_err(|_| SieveError::Protocol("littéral trop long".into()))?;
                return Ok(Some(len));
            }
            _ => {
                let mut end = text.len();
                while let Some(&(i, c)) = chars.peek() {
                    if matches!(c, ' ' | '(' | ')') {
                        end = i;
                        break;
                    }
                    chars.next();
                }
                tokens.push(Token::Atom(text[start..end].to_string()));
            }
        }
    }
    Ok(None)
}

fn classify(tokens: Vec<Token>) -> Result<Line, SieveError> {
    let status = match tokens.first() {
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("OK") => Status::Ok,
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("NO") => Status::No,
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("BYE") => Status::Bye,
        _ => return Ok(Line::Data(tokens)),
    };
    let mut rest = tokens.into_iter().skip(1).peekable();
    let mut code = None;
    let mut code_args = Vec::new();
    if rest.peek() == Some(&Token::Open) {
        rest.next();
        match rest.next() {
            Some(Token::Atom(a)) => code = Some(a.to_ascii_uppercase()),
            _ => return Err(SieveError::Protocol("code de réponse mal formé".into())),
        }
        loop {
            match rest.next() {
                Some(Token::Close) => break,
                Some(Token::Str(s) | Token::Atom(s)) => code_args.push(s),
                _ => return Err(SieveError::Protocol("code de réponse mal formé".into())),
            }
        }
    }
    let text = match rest.next() {
        Some(Token::Str(s)) => s,
        None => String::new(),
        Some(_) => return Err(SieveError::Protocol("texte de réponse mal formé".into())),
    };
    if rest.next().is_some() {
        return Err(SieveError::Protocol("réponse trop longue".into()));
    }
    Ok(Line::Done(Completion {
        status,
        code,
        code_args,
        text,
    }))
}

/// Reads data lines up to the completion.
async fn read_response<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> Result<(Vec<Vec<Token>>, Completion), SieveError> {
    let mut data = Vec::new();
    loop {
        match read_line(reader).await? {
            Line::Data(d) => data.push(d),
            Line::Done(c) => return Ok((data, c)),
        }
    }
}

/// What the server announces (RFC 5804 §1.7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub implementation: Option<String>,
    /// The Sieve extensions the server's interpreter supports.
    pub sieve: Vec<String>,
    pub sasl: Vec<String>,
    pub starttls: bool,
    pub version: Option<String>,
}

impl Capabilities {
    fn parse(lines: &[Vec<Token>]) -> Self {
        let mut caps = Capabilities::default();
        for line in lines {
            let (name, value) = match line.as_slice() {
                [Token::Str(n)] => (n, None),
                [Token::Str(n), Token::Str(v)] => (n, Some(v.clone())),
                _ => continue,
            };
            match name.to_ascii_uppercase().as_str() {
                "IMPLEMENTATION" => caps.implementation = value,
                "SIEVE" => {
                    caps.sieve = value
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect();
                }
                "SASL" => {
                    caps.sasl = value
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_ascii_uppercase)
                        .collect();
                }
                "STARTTLS" => caps.starttls = true,
                "VERSION" => caps.version = value,
                _ => {}
            }
        }
        caps
    }

    /// Options for compiling scripts for this server.
    pub fn script_options(&self) -> script::ScriptOptions {
        script::ScriptOptions::for_extensions(&self.sieve)
    }
}

/// A script on the server, as `LISTSCRIPTS` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    pub name: String,
    pub active: bool,
}

/// A ManageSieve string for a command: quoted (RFC 5804 §4), control
/// characters refused.
fn quote(s: &str) -> Result<String, SieveError> {
    if s.len() > 1024 {
        return Err(SieveError::Invalid("chaîne trop longue".into()));
    }
    crate::net::quoted(s).ok_or_else(|| SieveError::Invalid("caractère de contrôle".into()))
}

/// A script name: non-empty, quotable.
fn script_name(name: &str) -> Result<String, SieveError> {
    if name.is_empty() {
        return Err(SieveError::Invalid("nom de script vide".into()));
    }
    quote(name)
}

/// A non-synchronizing literal (`{n+}`, RFC 5804 §4) and its octets.
fn literal(content: &str) -> Vec<u8> {
    let mut out = format!("{{{}+}}\r\n", content.len()).into_bytes();
    out.extend_from_slice(content.as_bytes());
    out
}

/// An authenticated ManageSieve connection.
pub struct SieveClient {
    stream: BufReader<Stream>,
    timeout: Duration,
    capabilities: Capabilities,
    /// Set while a command is under way: if it never completes (timeout,
    /// I/O error, BYE) the connection is out of step and refuses more.
    broken: bool,
}

impl std::fmt::Debug for SieveClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SieveClient")
            .field("capabilities", &self.capabilities)
            .field("broken", &self.broken)
            .finish()
    }
}

/// Opens TCP, reads the greeting, upgrades with STARTTLS (required for
/// `sieve://`) and reads the capabilities again (RFC 5804 §2.2), then logs
/// in with SASL PLAIN.
pub async fn connect(
    server: &ServerUrl,
    tls: &TlsConnector,
    username: &str,
    password: &str,
    timeout: Duration,
) -> Result<SieveClient, SieveError> {
    let tcp = tcp_connect(server, timeout).await?;
    let tcp = if server.implicit_tls {
        tcp
    } else {
        with_timeout(timeout, starttls(tcp)).await?
    };
    let name = rustls_pki_types::ServerName::try_from(server.host.clone())
        .map_err(|e| SieveError::Tls(e.to_string()))?;
    let stream = with_timeout(timeout, async {
        tls.connect(name, tcp)
            .await
            .map_err(|e| SieveError::Tls(e.to_string()))
    })
    .await?;
    let mut stream = BufReader::new(stream);
    let (data, done) = with_timeout(timeout, read_response(&mut stream)).await?;
    if done.status != Status::Ok {
        return Err(done.into_error());
    }
    let mut client = SieveClient {
        stream,
        timeout,
        capabilities: Capabilities::parse(&data),
        broken: false,
    };
    client.authenticate(username, password).await?;
    Ok(client)
}

async fn with_timeout<T>(
    timeout: Duration,
    f: impl Future<Output = Result<T, SieveError>>,
) -> Result<T, SieveError> {
    tokio::time::timeout(timeout, f)
        .await
        .map_err(|_| SieveError::Timeout)?
}

async fn tcp_connect(server: &ServerUrl, timeout: Duration) -> Result<TcpStream, SieveError> {
    crate::net::connect_tcp(server, timeout)
        .await
        .map_err(|e| match e {
            crate::net::ConnectError::UnknownHost(h) => SieveError::UnknownHost(h),
            crate::net::ConnectError::Unreachable(m) => SieveError::Unreachable(m),
            crate::net::ConnectError::Timeout => SieveError::Timeout,
        })
}

/// The greeting in clear, then STARTTLS. Nothing may be buffered past the
/// `OK`: the server sends nothing more in clear.
async fn starttls(tcp: TcpStream) -> Result<TcpStream, SieveError> {
    let mut reader = BufReader::new(tcp);
    let (data, done) = read_response(&mut reader).await?;
    if done.status != Status::Ok {
        return Err(done.into_error());
    }
    if !Capabilities::parse(&data).starttls {
        return Err(SieveError::NoStartTls);
    }
    reader.get_mut().write_all(b"STARTTLS\r\n").await?;
    let (_, done) = read_response(&mut reader).await?;
    if done.status != Status::Ok {
        return Err(SieveError::Tls(format!("STARTTLS refusé: {}", done.text)));
    }
    if !reader.buffer().is_empty() {
        return Err(SieveError::Protocol(
            "données en clair après STARTTLS".into(),
        ));
    }
    Ok(reader.into_inner())
}

impl SieveClient {
    /// What the server announced after STARTTLS.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Sends a command and reads its whole response; the connection is
    /// marked broken unless the response is read to its end.
    async fn command(&mut self, cmd: &[u8]) -> Result<(Vec<Vec<Token>>, Completion), SieveError> {
        if self.broken {
            return Err(SieveError::ConnectionLost("connexion inutilisable".into()));
        }
        self.broken = true;
        let stream = &mut self.stream;
        let (data, done) = with_timeout(self.timeout, async {
            stream.get_mut().write_all(cmd).await?;
            stream.get_mut().flush().await?;
            read_response(stream).await
        })
        .await?;
        self.broken = done.status == Status::Bye;
        Ok((data, done))
    }

    /// Runs a command that answers nothing but its completion.
    async fn simple(&mut self, cmd: &[u8]) -> Result<Completion, SieveError> {
        let (_, done) = self.command(cmd).await?;
        if done.status == Status::Ok {
            Ok(done)
        } else {
            Err(done.into_error())
        }
    }

    /// `AUTHENTICATE "PLAIN"` with the initial response (RFC 5804 §2.1,
    /// RFC 4616): no authorization identity, the user's own.
    async fn authenticate(&mut self, username: &str, password: &str) -> Result<(), SieveError> {
        if !self.capabilities.sasl.iter().any(|m| m == "PLAIN") {
            return Err(SieveError::Protocol("SASL PLAIN non proposé".into()));
        }
        if username.is_empty() || username.contains('\0') || password.contains('\0') {
            return Err(SieveError::AuthenticationFailed);
        }
        let token = STANDARD.encode(format!("\0{username}\0{password}"));
        let cmd = format!("AUTHENTICATE \"PLAIN\" \"{token}\"\r\n");
        let (data, done) = self.command(cmd.as_bytes()).await?;
        match done.status {
            Status::Ok if data.is_empty() => Ok(()),
            // A server asking for more (a SASL challenge) after PLAIN's
            // only message is not one we can talk to.
            Status::Ok => Err(SieveError::Protocol("défi SASL inattendu".into())),
            Status::No => Err(SieveError::AuthenticationFailed),
            Status::Bye => Err(done.into_error()),
        }
    }

    /// `CAPABILITY` (RFC 5804 §2.4), refreshing what the server offers.
    pub async fn capability(&mut self) -> Result<&Capabilities, SieveError> {
        let (data, done) = self.command(b"CAPABILITY\r\n").await?;
        if done.status != Status::Ok {
            return Err(done.into_error());
        }
        self.capabilities = Capabilities::parse(&data);
        Ok(&self.capabilities)
    }

    /// `LISTSCRIPTS` (RFC 5804 §2.7).
    pub async fn list_scripts(&mut self) -> Result<Vec<ScriptInfo>, SieveError> {
        let (data, done) = self.command(b"LISTSCRIPTS\r\n").await?;
        if done.status != Status::Ok {
            return Err(done.into_error());
        }
        data.into_iter()
            .map(|line| match line.as_slice() {
                [Token::Str(name)] => Ok(ScriptInfo {
                    name: name.clone(),
                    active: false,
                }),
                [Token::Str(name), Token::Atom(a)] if a.eq_ignore_ascii_case("ACTIVE") => {
                    Ok(ScriptInfo {
                        name: name.clone(),
                        active: true,
                    })
                }
                _ => Err(SieveError::Protocol("ligne de LISTSCRIPTS".into())),
            })
            .collect()
    }

    /// The active script, name and text, if there is one: what runs at
    /// delivery, whoever wrote it.
    pub async fn active_script(&mut self) -> Result<Option<(String, String)>, SieveError> {
        let active = self.list_scripts().await?.into_iter().find(|s| s.active);
        match active {
            Some(s) => {
                let text = self.get_script(&s.name).await?;
                Ok(Some((s.name, text)))
            }
            None => Ok(None),
        }
    }

    /// `GETSCRIPT` (RFC 5804 §2.9): the script exactly as stored.
    pub async fn get_script(&mut self, name: &str) -> Result<String, SieveError> {
        let cmd = format!("GETSCRIPT {}\r\n", script_name(name)?);
        let (data, done) = self.command(cmd.as_bytes()).await?;
        if done.status != Status::Ok {
            return Err(done.into_error());
        }
        match data.as_slice() {
            [line] => match line.as_slice() {
                [Token::Str(s)] => Ok(s.clone()),
                _ => Err(SieveError::Protocol("réponse de GETSCRIPT".into())),
            },
            _ => Err(SieveError::Protocol("réponse de GETSCRIPT".into())),
        }
    }

    /// `CHECKSCRIPT` (RFC 5804 §2.12): the server's verdict, without
    /// storing anything. `Ok` carries the warnings, if any.
    pub async fn check_script(&mut self, content: &str) -> Result<Option<String>, SieveError> {
        let mut cmd = b"CHECKSCRIPT ".to_vec();
        cmd.extend(literal(content));
        cmd.extend_from_slice(b"\r\n");
        self.script_verdict(&cmd).await
    }

    /// `PUTSCRIPT` (RFC 5804 §2.6): stores (or replaces) a script after the
    /// server checked it. `Ok` carries the warnings, if any.
    pub async fn put_script(
        &mut self,
        name: &str,
        content: &str,
    ) -> Result<Option<String>, SieveError> {
        let mut cmd = format!("PUTSCRIPT {} ", script_name(name)?).into_bytes();
        cmd.extend(literal(content));
        cmd.extend_from_slice(b"\r\n");
        self.script_verdict(&cmd).await
    }

    async fn script_verdict(&mut self, cmd: &[u8]) -> Result<Option<String>, SieveError> {
        let (_, done) = self.command(cmd).await?;
        match done.status {
            Status::Ok if done.code_is("WARNINGS") => Ok(Some(done.text)),
            Status::Ok => Ok(None),
            Status::No if done.code.is_none() => {
                Err(SieveError::InvalidScript(short(done.text.trim_end())))
            }
            _ => Err(done.into_error()),
        }
    }

    /// `SETACTIVE` (RFC 5804 §2.8): makes this script the one run at delivery.
    pub async fn set_active(&mut self, name: &str) -> Result<(), SieveError> {
        let cmd = format!("SETACTIVE {}\r\n", script_name(name)?);
        self.simple(cmd.as_bytes()).await.map(drop)
    }

    /// `SETACTIVE ""`: no script runs at delivery any more.
    pub async fn deactivate(&mut self) -> Result<(), SieveError> {
        self.simple(b"SETACTIVE \"\"\r\n").await.map(drop)
    }

    /// `DELETESCRIPT` (RFC 5804 §2.10); the active script cannot be deleted.
    pub async fn delete_script(&mut self, name: &str) -> Result<(), SieveError> {
        let cmd = format!("DELETESCRIPT {}\r\n", script_name(name)?);
        self.simple(cmd.as_bytes()).await.map(drop)
    }

    /// `LOGOUT` (RFC 5804 §2.3); the server closes the connection.
    pub async fn logout(mut self) -> Result<(), SieveError> {
        let (_, done) = self.command(b"LOGOUT\r\n").await?;
        match done.status {
            Status::Ok | Status::Bye => Ok(()),
            Status::No => Err(done.into_error()),
        }
    }
}

/// Reads a whole response from bytes: for tests of the parser.
#[cfg(test)]
async fn parse_all(bytes: &[u8]) -> Result<(Vec<Vec<Token>>, Completion), SieveError> {
    let mut r = BufReader::new(bytes);
    read_response(&mut r).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Token {
        Token::Str(v.into())
    }

    #[tokio::test]
    async fn greeting_capabilities() {
        let (data, done) = parse_all(
            b"\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\
              \"SIEVE\" \"fileinto vacation comparator-i;unicode-casemap\"\r\n\
              \"SASL\" \"plain LOGIN\"\r\n\
              \"STARTTLS\"\r\n\
              \"VERSION\" \"1.0\"\r\n\
              OK \"Dovecot ready.\"\r\n",
        )
        .await
        .unwrap();
        assert_eq!(done.status, Status::Ok);
        assert_eq!(done.text, "Dovecot ready.");
        let caps = Capabilities::parse(&data);
        assert!(caps.starttls);
        assert_eq!(caps.sasl, ["PLAIN", "LOGIN"]);
        assert_eq!(caps.sieve.len(), 3);
        assert_eq!(caps.implementation.as_deref(), Some("Dovecot Pigeonhole"));
        assert!(caps.script_options().unicode_casemap);
    }

    #[tokio::test]
    async fn response_codes_and_literals() {
        let (data, done) = parse_all(b"{14}\r\nrequire \"a\";\r\n\r\nOK\r\n")
            .await
            .unwrap();
        assert_eq!(data, vec![vec![s("require \"a\";\r\n")]]);
        assert_eq!(done.status, Status::Ok);
        assert_eq!(done.code, None);

        let (_, done) = parse_all(b"NO (NONEXISTENT) \"There is no script.\"\r\n")
            .await
            .unwrap();
        assert!(matches!(done.into_error(), SieveError::NoSuchScript));

        let (_, done) = parse_all(b"no (quota/maxsize) \"Too big\"\r\n")
            .await
            .unwrap();
        assert_eq!(done.code.as_deref(), Some("QUOTA/MAXSIZE"));
        assert!(matches!(done.into_error(), SieveError::OverQuota));

        let (_, done) = parse_all(b"OK (WARNINGS) {11}\r\nline 1: \"x\"\r\n")
            .await
            .unwrap();
        assert_eq!(done.code.as_deref(), Some("WARNINGS"));
        assert_eq!(done.text, "line 1: \"x\"");

        let (_, done) = parse_all(b"NO (SASL \"c2Vj\") \"Bad\"\r\n").await.unwrap();
        assert_eq!(done.code_args, ["c2Vj"]);

        let (_, done) = parse_all(b"BYE (REFERRAL \"sieve://b.example\") \"Go\"\r\n")
            .await
            .unwrap();
        assert!(done.into_error().is_connection());

        let (data, _) = parse_all(b"\"a \\\"b\\\" \\\\c\" ACTIVE\r\n\"d\"\r\nOK\r\n")
            .await
            .unwrap();
        assert_eq!(
            data,
            vec![
                vec![s("a \"b\" \\c"), Token::Atom("ACTIVE".into())],
                vec![s("d")]
            ]
        );
    }

    #[tokio::test]
    async fn malformed_responses_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"OK",
            b"OK \"unterminated\r\n",
            b"OK \"bad \\escape\"\r\n",
            b"{5}\r\nab",
            b"{x}\r\nOK\r\n",
            b"{99999999999999999999999}\r\nOK\r\n",
            b"{999999999}\r\nOK\r\n",
            b"OK (\"notatom\") \"x\"\r\n",
            b"OK (CODE \"x\"\r\n",
            b"OK \"a\" \"b\"\r\n",
            b"\xff\xfe\r\nOK\r\n",
        ] {
            let r = parse_all(bad).await;
            assert!(r.is_err(), "{:?} gave {r:?}", String::from_utf8_lossy(bad));
        }
        let long = vec![b'a'; MAX_LINE as usize + 10];
        assert!(parse_all(&long).await.is_err());
    }

    #[test]
    fn command_strings() {
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("a\r\nLOGOUT").is_err());
        assert!(script_name("").is_err());
        assert_eq!(literal("été"), b"{5+}\r\n\xc3\xa9t\xc3\xa9".to_vec());
    }
}
