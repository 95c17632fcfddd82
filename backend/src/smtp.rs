//! The SMTP submission adapter (RFC 5321, RFC 6409): sends a message with
//! the user's credentials, and tells what the server accepts (`SIZE`,
//! RFC 1870; `8BITMIME`, RFC 6152; `SMTPUTF8`, RFC 6531).
//!
//! The connection is always encrypted before anything personal is sent:
//! `smtps://` is TLS from the start, `smtp://` must offer STARTTLS
//! (RFC 3207) or the session ends there. Login is SASL PLAIN (RFC 4954,
//! RFC 4616), or LOGIN when PLAIN is not offered; the password is never
//! logged nor kept in an error. Every read and write has a timeout.
//!
//! Sending is all or nothing: every recipient is tried, and if the server
//! refuses any of them the transaction is reset (`RSET`) before `DATA`, so
//! nobody gets the message and the user learns every refused address.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use tokio::{
    io::{
        AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
        BufReader,
    },
    net::TcpStream,
};
use tokio_rustls::{TlsConnector, client::TlsStream};

use crate::config::ServerUrl;

/// Longest reply line accepted (RFC 5321 §4.5.3.1.5 says 512; servers
/// add long texts).
const MAX_LINE: u64 = 4096;
/// Most lines of one reply (an EHLO lists a few dozen).
const MAX_REPLY_LINES: usize = 200;
/// Longest server text kept in an error.
const MAX_DETAIL: usize = 500;
/// Bytes of message written under one timeout.
const WRITE_CHUNK: usize = 64 * 1024;

/// What can go wrong while submitting mail.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("le nom du serveur d'envoi ne se résout pas : {0}")]
    UnknownHost(String),
    #[error("serveur d'envoi injoignable : {0}")]
    Unreachable(String),
    #[error("le serveur d'envoi n'a pas répondu à temps")]
    Timeout,
    #[error("échec TLS avec le serveur d'envoi : {0}")]
    Tls(String),
    #[error("le serveur d'envoi n'offre pas de connexion chiffrée (STARTTLS)")]
    NoStartTls,
    #[error("identifiant ou mot de passe refusé par le serveur d'envoi")]
    AuthenticationFailed,
    #[error("destinataires refusés ({}) : {detail}", addresses.join(", "))]
    RecipientsRefused {
        addresses: Vec<String>,
        detail: String,
    },
    #[error("message trop volumineux (au plus {max} octets)")]
    TooLarge { max: u64 },
    #[error("envoi refusé : {detail}")]
    Refused { detail: String },
    #[error("adresse invalide : {0}")]
    InvalidAddress(String),
    #[error("connexion perdue : {0}")]
    ConnectionLost(String),
    #[error("réponse SMTP inattendue : {0}")]
    Protocol(String),
}

impl From<std::io::Error> for SmtpError {
    fn from(e: std::io::Error) -> Self {
        SmtpError::ConnectionLost(short(&e.to_string()))
    }
}

fn short(text: &str) -> String {
    crate::net::truncate(text, MAX_DETAIL)
}

/// The submission server and how to reach it.
#[derive(Clone, Copy)]
pub struct SmtpServer<'a> {
    pub url: &'a ServerUrl,
    pub tls: &'a TlsConnector,
    /// For each step: connecting, each command and its reply, each chunk
    /// of the message.
    pub timeout: Duration,
}

/// What the server accepts, as its EHLO says after STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// Largest message (`SIZE n`); `None` when not announced or unlimited.
    pub max_size: Option<u64>,
    /// Internationalised addresses and headers (`SMTPUTF8`).
    pub smtputf8: bool,
    /// 8-bit bodies (`8BITMIME`).
    pub eight_bit: bool,
}

/// One reply: its code and text lines (each without the code), the
/// enhanced status code (RFC 3463) left in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    fn is_positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    /// The enhanced status code (`5.1.1`) that starts the first line, if any.
    pub fn enhanced(&self) -> Option<&str> {
        let first = self.lines.first()?.split(' ').next()?;
        let mut parts = first.split('.');
        let class = parts.next()?;
        let ok = matches!(class, "2" | "4" | "5")
            && parts.clone().count() == 2
            && parts
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()));
        ok.then_some(first)
    }

    /// Code and text on one line, for the user and the log.
    pub fn detail(&self) -> String {
        let text: Vec<&str> = self
            .lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
        short(&format!("{} {}", self.code, text.join(" ")).replace(char::is_control, " "))
    }

    /// The error for a negative reply no command-specific rule mapped.
    fn into_error(self) -> SmtpError {
        match self.code {
            421 => SmtpError::ConnectionLost(self.detail()),
            552 => SmtpError::TooLarge { max: 0 },
            _ => SmtpError::Refused {
                detail: self.detail(),
            },
        }
    }
}

/// Parses one reply line (without CRLF): the code, whether more lines
/// follow (`250-`), the text.
pub fn parse_reply_line(line: &str) -> Result<(u16, bool, &str), SmtpError> {
    let bad = || SmtpError::Protocol(format!("ligne de réponse : {}", short(line)));
    let digits = line.get(..3).ok_or_else(bad)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(b'2'..=b'5').contains(&digits.as_bytes()[0])
    {
        return Err(bad());
    }
    let code: u16 = digits.parse().map_err(|_| bad())?;
    match line.as_bytes().get(3) {
        None => Ok((code, false, "")),
        Some(b' ') => Ok((code, false, &line[4..])),
        Some(b'-') => Ok((code, true, &line[4..])),
        Some(_) => Err(bad()),
    }
}

/// Reads one whole reply, multi-line included (RFC 5321 §4.2.1).
pub async fn read_reply<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Reply, SmtpError> {
    let mut lines = Vec::new();
    let mut code = None;
    loop {
        let mut raw = Vec::new();
        let n = (&mut *reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut raw)
            .await?;
        if n == 0 {
            return Err(SmtpError::ConnectionLost("fermée par le serveur".into()));
        }
        if raw.last() != Some(&b'\n') {
            return Err(SmtpError::Protocol("ligne trop longue".into()));
        }
        // Some servers end lines with a bare LF: accepted.
        let text = String::from_utf8_lossy(&raw);
        let text = text.trim_end_matches(['\r', '\n']);
        let (c, more, rest) = parse_reply_line(text)?;
        if *code.get_or_insert(c) != c {
            return Err(SmtpError::Protocol(
                "codes différents dans une réponse".into(),
            ));
        }
        lines.push(rest.to_string());
        if !more {
            return Ok(Reply { code: c, lines });
        }
        if lines.len() >= MAX_REPLY_LINES {
            return Err(SmtpError::Protocol("réponse trop longue".into()));
        }
    }
}

/// What an EHLO reply announces (RFC 5321 §4.1.1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    pub starttls: bool,
    /// SASL mechanisms, upper-cased.
    pub auth: Vec<String>,
    /// `SIZE` announced, with its value when not zero (zero: no fixed limit).
    pub size: Option<u64>,
    pub eight_bit_mime: bool,
    pub smtputf8: bool,
    pub enhanced_status_codes: bool,
}

impl Extensions {
    /// Reads the keywords of an EHLO reply; its first line is the
    /// server's name.
    pub fn parse(reply: &Reply) -> Self {
        let mut ext = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            let keyword = keyword.to_ascii_uppercase();
            // Old servers write `AUTH=PLAIN LOGIN`.
            let (keyword, first_param) = match keyword.split_once('=') {
                Some((k, p)) => (k.to_string(), Some(p.to_string())),
                None => (keyword, None),
            };
            let params: Vec<String> = first_param
                .into_iter()
                .chain(words.map(str::to_string))
                .filter(|p| !p.is_empty())
                .collect();
            match keyword.as_str() {
                "STARTTLS" => ext.starttls = true,
                "AUTH" => {
                    for m in params {
                        let m = m.to_ascii_uppercase();
                        if !ext.auth.contains(&m) {
                            ext.auth.push(m);
                        }
                    }
                }
                "SIZE" => {
                    ext.size = params
                        .first()
                        .and_then(|p| p.parse::<u64>().ok())
                        .filter(|n| *n > 0);
                }
                "8BITMIME" => ext.eight_bit_mime = true,
                "SMTPUTF8" => ext.smtputf8 = true,
                "ENHANCEDSTATUSCODES" => ext.enhanced_status_codes = true,
                _ => {}
            }
        }
        ext
    }

    fn limits(&self) -> Limits {
        Limits {
            max_size: self.size,
            smtputf8: self.smtputf8,
            eight_bit: self.eight_bit_mime,
        }
    }
}

/// The message as it goes after `DATA` (RFC 5321 §4.5.2): every line
/// ending CRLF (a bare CR or LF becomes CRLF), a line starting with `.`
/// gets another, and the final `.` line. Returns the transparent data and
/// the size of the message itself (normalised, before dot-stuffing), which
/// `SIZE=` declares (RFC 1870 §3).
pub fn dot_stuff(data: &[u8]) -> (Vec<u8>, u64) {
    let mut out = Vec::with_capacity(data.len() + data.len() / 50 + 8);
    let mut size: u64 = 0;
    let mut at_line_start = true;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        match b {
            b'\r' | b'\n' => {
                out.extend_from_slice(b"\r\n");
                size += 2;
                at_line_start = true;
                if b == b'\r' && data.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {
                if at_line_start && b == b'.' {
                    out.push(b'.');
                }
                out.push(b);
                size += 1;
                at_line_start = false;
            }
        }
        i += 1;
    }
    if !at_line_start {
        out.extend_from_slice(b"\r\n");
        size += 2;
    }
    out.extend_from_slice(b".\r\n");
    (out, size)
}

/// What the message needs from the server: SMTPUTF8 for non-ASCII
/// header bytes or addresses, 8BITMIME for a non-ASCII body.
fn needs(data: &[u8], addresses: &[&str]) -> (bool, bool) {
    let header_end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| data.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(data.len());
    let utf8 = !data[..header_end].is_ascii() || addresses.iter().any(|a| !a.is_ascii());
    let eight_bit = utf8 || !data[header_end..].is_ascii();
    (utf8, eight_bit)
}

/// An address for `MAIL FROM`/`RCPT TO`: one that [`shared::compose::valid_email`]
/// accepts, so nothing in it can end the command.
fn envelope_address(a: &str) -> Result<&str, SmtpError> {
    let a = a.trim();
    if shared::compose::valid_email(a) {
        Ok(a)
    } else {
        Err(SmtpError::InvalidAddress(short(a)))
    }
}

/// A connection and the timeout of each step.
struct Conn<S> {
    io: BufReader<S>,
    timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    fn new(stream: S, timeout: Duration) -> Self {
        Conn {
            io: BufReader::new(stream),
            timeout,
        }
    }

    async fn within<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut BufReader<S>) -> Result<T, SmtpError>,
    ) -> Result<T, SmtpError> {
        tokio::time::timeout(self.timeout, f(&mut self.io))
            .await
            .map_err(|_| SmtpError::Timeout)?
    }

    async fn read(&mut self) -> Result<Reply, SmtpError> {
        self.within(async |io| read_reply(io).await).await
    }

    /// Sends one command line (CRLF added) and reads its reply.
    async fn command(&mut self, line: &str) -> Result<Reply, SmtpError> {
        debug_assert!(!line.contains(['\r', '\n']));
        self.within(async |io| {
            io.get_mut().write_all(line.as_bytes()).await?;
            io.get_mut().write_all(b"\r\n").await?;
            io.get_mut().flush().await?;
            read_reply(io).await
        })
        .await
    }

    /// Writes bytes, each chunk within the timeout.
    async fn write_data(&mut self, data: &[u8]) -> Result<(), SmtpError> {
        for chunk in data.chunks(WRITE_CHUNK) {
            self.within(async |io| Ok(io.get_mut().write_all(chunk).await?))
                .await?;
        }
        self.within(async |io| Ok(io.get_mut().flush().await?))
            .await
    }

    /// The greeting (RFC 5321 §4.3.1): 220, or the server will not talk.
    async fn greeting(&mut self) -> Result<(), SmtpError> {
        let reply = self.read().await?;
        if reply.code == 220 {
            Ok(())
        } else {
            Err(reply.into_error())
        }
    }

    async fn ehlo(&mut self, name: &str) -> Result<Extensions, SmtpError> {
        let reply = self.command(&format!("EHLO {name}")).await?;
        if reply.code != 250 {
            return Err(SmtpError::Protocol(format!(
                "EHLO refusé : {}",
                reply.detail()
            )));
        }
        Ok(Extensions::parse(&reply))
    }

    /// `QUIT`, for politeness: its answer changes nothing.
    async fn quit(mut self) {
        let _ = self.command("QUIT").await;
        let _ = tokio::time::timeout(self.timeout, self.io.get_mut().shutdown()).await;
    }
}

/// The name we give in EHLO: the address literal of our end of the
/// connection (RFC 5321 §4.1.3), always valid, unlike a host name.
fn helo_name(tcp: &TcpStream) -> String {
    match tcp.local_addr().map(|a| a.ip()) {
        Ok(std::net::IpAddr::V4(ip)) => format!("[{ip}]"),
        Ok(std::net::IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => format!("[{v4}]"),
            None => format!("[IPv6:{ip}]"),
        },
        Err(_) => "facteur".into(),
    }
}

type Secure = Conn<TlsStream<TcpStream>>;

/// Connects, upgrades to TLS (implicit or STARTTLS) and says EHLO over the
/// encrypted connection.
async fn open(server: &SmtpServer<'_>) -> Result<(Secure, Extensions), SmtpError> {
    let tcp = crate::net::connect_tcp(server.url, server.timeout)
        .await
        .map_err(|e| match e {
            crate::net::ConnectError::UnknownHost(h) => SmtpError::UnknownHost(h),
            crate::net::ConnectError::Unreachable(m) => SmtpError::Unreachable(m),
            crate::net::ConnectError::Timeout => SmtpError::Timeout,
        })?;
    let helo = helo_name(&tcp);
    let tcp = if server.url.implicit_tls {
        tcp
    } else {
        starttls(tcp, server.timeout, &helo).await?
    };
    let name = rustls_pki_types::ServerName::try_from(server.url.host.clone())
        .map_err(|e| SmtpError::Tls(e.to_string()))?;
    let stream = tokio::time::timeout(server.timeout, server.tls.connect(name, tcp))
        .await
        .map_err(|_| SmtpError::Timeout)?
        .map_err(|e| SmtpError::Tls(short(&e.to_string())))?;
    let mut conn = Conn::new(stream, server.timeout);
    if server.url.implicit_tls {
        conn.greeting().await?;
    }
    // RFC 3207 §4.2: what was said before TLS is forgotten; ask again.
    let ext = conn.ehlo(&helo).await?;
    Ok((conn, ext))
}

/// The greeting and EHLO in clear, then STARTTLS. Nothing may be buffered
/// past the 220: the server sends nothing more in clear.
async fn starttls(tcp: TcpStream, timeout: Duration, helo: &str) -> Result<TcpStream, SmtpError> {
    let mut conn = Conn::new(tcp, timeout);
    conn.greeting().await?;
    let ext = conn.ehlo(helo).await?;
    if !ext.starttls {
        conn.quit().await;
        return Err(SmtpError::NoStartTls);
    }
    let reply = conn.command("STARTTLS").await?;
    if reply.code != 220 {
        return Err(SmtpError::Tls(format!(
            "STARTTLS refusé : {}",
            reply.detail()
        )));
    }
    if !conn.io.buffer().is_empty() {
        return Err(SmtpError::Protocol(
            "données en clair après STARTTLS".into(),
        ));
    }
    Ok(conn.io.into_inner())
}

/// What the server accepts: connects, EHLO, STARTTLS, EHLO, QUIT; no login.
pub async fn limits(server: &SmtpServer<'_>) -> Result<Limits, SmtpError> {
    let (conn, ext) = open(server).await?;
    conn.quit().await;
    Ok(ext.limits())
}

/// Sends `data` (a whole RFC 5322 message) from `from` to `rcpts` with the
/// user's credentials. Nothing is sent unless the server accepts every
/// recipient; a message larger than the server's announced `SIZE` is
/// refused before login.
pub async fn submit(
    server: &SmtpServer<'_>,
    username: &str,
    password: &str,
    from: &str,
    rcpts: &[String],
    data: &[u8],
) -> Result<(), SmtpError> {
    let from = envelope_address(from)?;
    let mut recipients: Vec<&str> = Vec::with_capacity(rcpts.len());
    for r in rcpts {
        let r = envelope_address(r)?;
        if !recipients.iter().any(|x| x.eq_ignore_ascii_case(r)) {
            recipients.push(r);
        }
    }
    if recipients.is_empty() {
        return Err(SmtpError::InvalidAddress("aucun destinataire".into()));
    }
    let (stuffed, size) = dot_stuff(data);
    let mut all: Vec<&str> = recipients.clone();
    all.push(from);
    let (utf8, eight_bit) = needs(data, &all);

    let (conn, ext) = open(server).await?;
    if let Err(e) = acceptable(&ext, size, utf8, eight_bit) {
        conn.quit().await;
        return Err(e);
    }
    let mut conn = conn;
    let result = transaction(
        &mut conn,
        &ext,
        username,
        password,
        from,
        &recipients,
        &stuffed,
        size,
        utf8,
        eight_bit,
    )
    .await;
    match result {
        Ok(()) => {
            conn.quit().await;
            Ok(())
        }
        Err(e @ (SmtpError::Timeout | SmtpError::ConnectionLost(_) | SmtpError::Protocol(_))) => {
            Err(e)
        }
        Err(e) => {
            conn.quit().await;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn transaction<S: AsyncRead + AsyncWrite + Unpin>(
    conn: &mut Conn<S>,
    ext: &Extensions,
    username: &str,
    password: &str,
    from: &str,
    recipients: &[&str],
    stuffed: &[u8],
    size: u64,
    utf8: bool,
    eight_bit: bool,
) -> Result<(), SmtpError> {
    authenticate(conn, ext, username, password).await?;

    let mut mail = format!("MAIL FROM:<{from}>");
    // SIZE= when the server announced a limit (RFC 1870 §6).
    if ext.size.is_some() {
        mail.push_str(&format!(" SIZE={size}"));
    }
    if eight_bit && ext.eight_bit_mime {
        mail.push_str(" BODY=8BITMIME");
    }
    if utf8 {
        mail.push_str(" SMTPUTF8");
    }
    let reply = conn.command(&mail).await?;
    if !reply.is_positive() {
        return Err(too_large(reply, ext));
    }

    let mut refused = Vec::new();
    let mut details = Vec::new();
    for r in recipients {
        let reply = conn.command(&format!("RCPT TO:<{r}>")).await?;
        if reply.code == 421 {
            return Err(reply.into_error());
        }
        if !reply.is_positive() {
            refused.push(r.to_string());
            details.push(format!("{r} : {}", reply.detail()));
        }
    }
    if !refused.is_empty() {
        let _ = conn.command("RSET").await;
        return Err(SmtpError::RecipientsRefused {
            addresses: refused,
            detail: short(&details.join(" ; ")),
        });
    }

    let reply = conn.command("DATA").await?;
    if reply.code != 354 {
        return Err(too_large(reply, ext));
    }
    conn.write_data(stuffed).await?;
    let reply = conn.read().await?;
    if reply.code == 250 {
        Ok(())
    } else {
        Err(too_large(reply, ext))
    }
}

/// Whether the server can take the message at all, from what its EHLO
/// announced: checked before login, so a message too large is refused
/// without uploading anything.
fn acceptable(ext: &Extensions, size: u64, utf8: bool, eight_bit: bool) -> Result<(), SmtpError> {
    if let Some(max) = ext.size
        && size > max
    {
        return Err(SmtpError::TooLarge { max });
    }
    if utf8 && !ext.smtputf8 {
        return Err(SmtpError::Refused {
            detail: "le serveur d'envoi n'accepte pas les adresses ou en-têtes internationalisés (SMTPUTF8)".into(),
        });
    }
    if eight_bit && !ext.eight_bit_mime {
        return Err(SmtpError::Refused {
            detail: "le serveur d'envoi n'accepte pas les messages 8 bits (8BITMIME)".into(),
        });
    }
    Ok(())
}

/// A negative reply to MAIL, DATA or the message: 552 means too large
/// (RFC 1870 §6.2), whose limit is the announced one when known.
fn too_large(reply: Reply, ext: &Extensions) -> SmtpError {
    match reply.into_error() {
        SmtpError::TooLarge { .. } => SmtpError::TooLarge {
            max: ext.size.unwrap_or(0),
        },
        e => e,
    }
}

/// SASL PLAIN with an initial response, else LOGIN (RFC 4954).
async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    conn: &mut Conn<S>,
    ext: &Extensions,
    username: &str,
    password: &str,
) -> Result<(), SmtpError> {
    if username.is_empty() || username.contains('\0') || password.contains('\0') {
        return Err(SmtpError::AuthenticationFailed);
    }
    let reply = if ext.auth.iter().any(|m| m == "PLAIN") {
        let token = STANDARD.encode(format!("\0{username}\0{password}"));
        conn.command(&format!("AUTH PLAIN {token}")).await?
    } else if ext.auth.iter().any(|m| m == "LOGIN") {
        let reply = conn.command("AUTH LOGIN").await?;
        if reply.code != 334 {
            return Err(auth_error(reply));
        }
        let reply = conn.command(&STANDARD.encode(username)).await?;
        if reply.code != 334 {
            return Err(auth_error(reply));
        }
        conn.command(&STANDARD.encode(password)).await?
    } else {
        return Err(SmtpError::Protocol(
            "le serveur d'envoi ne propose ni AUTH PLAIN ni AUTH LOGIN".into(),
        ));
    };
    match reply.code {
        235 => Ok(()),
        334 => {
            // A challenge after PLAIN's only message: cancel (RFC 4954 §4).
            let _ = conn.command("*").await;
            Err(SmtpError::Protocol("défi SASL inattendu".into()))
        }
        _ => Err(auth_error(reply)),
    }
}

fn auth_error(reply: Reply) -> SmtpError {
    if reply.code == 535 || reply.enhanced() == Some("5.7.8") {
        SmtpError::AuthenticationFailed
    } else {
        reply.into_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(bytes: &[u8]) -> Result<Reply, SmtpError> {
        read_reply(&mut BufReader::new(bytes)).await
    }

    #[tokio::test]
    async fn replies_single_and_multi_line() {
        let r = parse(b"220 mx.ac-demo.fr ESMTP Postfix\r\n").await.unwrap();
        assert_eq!(r.code, 220);
        assert_eq!(r.lines, ["mx.ac-demo.fr ESMTP Postfix"]);

        let r = parse(
            b"250-mx.ac-demo.fr\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n\
              250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n\
              250-SMTPUTF8\r\n250 CHUNKING\r\nleftover",
        )
        .await
        .unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines.len(), 10);
        let ext = Extensions::parse(&r);
        assert_eq!(ext.size, Some(10_240_000));
        assert!(ext.starttls && ext.eight_bit_mime && ext.smtputf8 && ext.enhanced_status_codes);
        assert_eq!(ext.auth, ["PLAIN", "LOGIN"]);
        assert_eq!(
            ext.limits(),
            Limits {
                max_size: Some(10_240_000),
                smtputf8: true,
                eight_bit: true
            }
        );

        let r = parse(b"550 5.1.1 <personne@ac-demo.fr>: Recipient address rejected\r\n")
            .await
            .unwrap();
        assert_eq!(r.enhanced(), Some("5.1.1"));
        assert_eq!(
            r.detail(),
            "550 5.1.1 <personne@ac-demo.fr>: Recipient address rejected"
        );
        assert!(matches!(r.into_error(), SmtpError::Refused { .. }));

        // A bare code and a bare LF are tolerated.
        let r = parse(b"354\n").await.unwrap();
        assert_eq!((r.code, r.enhanced()), (354, None));
        let r = parse(b"535 5.7.8 Error: authentication failed\r\n")
            .await
            .unwrap();
        assert!(matches!(auth_error(r), SmtpError::AuthenticationFailed));
        let r = parse(b"552 5.3.4 Message size exceeds fixed limit\r\n")
            .await
            .unwrap();
        let ext = Extensions {
            size: Some(1000),
            ..Default::default()
        };
        assert!(matches!(
            too_large(r, &ext),
            SmtpError::TooLarge { max: 1000 }
        ));
    }

    #[tokio::test]
    async fn malformed_replies_are_errors_not_panics() {
        for bad in [
            &b""[..],
            b"250",
            b"25\r\n",
            b"abc ok\r\n",
            b"250-a\r\n",
            b"250-a\r\n251 b\r\n",
            b"250xok\r\n",
            b"650 x\r\n",
            b"\xff\xfe\r\n",
        ] {
            let r = parse(bad).await;
            assert!(r.is_err(), "{:?} gave {r:?}", String::from_utf8_lossy(bad));
        }
        let long = vec![b'2'; MAX_LINE as usize + 10];
        assert!(parse(&long).await.is_err());
        let many = "250-x\r\n".repeat(MAX_REPLY_LINES + 5);
        assert!(parse(many.as_bytes()).await.is_err());
    }

    #[test]
    fn ehlo_keywords() {
        let reply = Reply {
            code: 250,
            lines: vec![
                "smtp.example SIZE 1".into(),
                "size".into(),
                "auth=login plain".into(),
                "".into(),
                "X-UNKNOWN a b".into(),
            ],
        };
        let ext = Extensions::parse(&reply);
        // `SIZE` alone or `SIZE 0`: no fixed limit.
        assert_eq!(ext.size, None);
        assert_eq!(ext.auth, ["LOGIN", "PLAIN"]);
        assert!(!ext.starttls);
        let zero = Reply {
            code: 250,
            lines: vec!["x".into(), "SIZE 0".into()],
        };
        assert_eq!(Extensions::parse(&zero).size, None);
    }

    #[test]
    fn data_is_normalised_and_dot_stuffed() {
        let (out, size) = dot_stuff(b"Subject: x\n\n.hidden\r\nline\rlast\r\n..two\n.");
        assert_eq!(
            out,
            b"Subject: x\r\n\r\n..hidden\r\nline\r\nlast\r\n...two\r\n..\r\n.\r\n".to_vec()
        );
        assert_eq!(
            size,
            b"Subject: x\r\n\r\n.hidden\r\nline\r\nlast\r\n..two\r\n.\r\n".len() as u64
        );
        // Already correct CRLF text is unchanged, a final CRLF added.
        let (out, size) = dot_stuff(b"a\r\nb");
        assert_eq!(out, b"a\r\nb\r\n.\r\n".to_vec());
        assert_eq!(size, 6);
        let (out, size) = dot_stuff(b"");
        assert_eq!((out, size), (b".\r\n".to_vec(), 0));
        // "\r\n.\r\n" inside the message never ends it early.
        let (out, _) = dot_stuff(b"a\r\n.\r\nb\r\n");
        assert_eq!(out, b"a\r\n..\r\nb\r\n.\r\n".to_vec());
    }

    #[test]
    fn eight_bit_and_utf8_needs() {
        assert_eq!(
            needs(b"Subject: a\r\n\r\nb\r\n", &["a@b.fr"]),
            (false, false)
        );
        assert_eq!(
            needs("Subject: a\r\n\r\nété\r\n".as_bytes(), &["a@b.fr"]),
            (false, true)
        );
        assert_eq!(
            needs("Subject: été\r\n\r\nb\r\n".as_bytes(), &["a@b.fr"]),
            (true, true)
        );
        assert_eq!(needs(b"S: a\r\n\r\nb", &["élève@b.fr"]), (true, true));
    }

    #[test]
    fn what_the_server_cannot_take_is_refused_before_login() {
        let ext = Extensions {
            size: Some(1000),
            eight_bit_mime: true,
            ..Default::default()
        };
        assert!(acceptable(&ext, 1000, false, true).is_ok());
        assert!(matches!(
            acceptable(&ext, 1001, false, false),
            Err(SmtpError::TooLarge { max: 1000 })
        ));
        assert!(matches!(
            acceptable(&ext, 10, true, true),
            Err(SmtpError::Refused { .. })
        ));
        let old = Extensions::default();
        assert!(acceptable(&old, u64::MAX, false, false).is_ok());
        assert!(matches!(
            acceptable(&old, 10, false, true),
            Err(SmtpError::Refused { .. })
        ));
    }

    /// A server that answers each command line with the next reply, and
    /// collects the lines and the message data it received.
    async fn fake_server(
        io: tokio::io::DuplexStream,
        replies: Vec<&'static str>,
    ) -> (Vec<String>, Vec<u8>) {
        let mut r = BufReader::new(io);
        let mut replies = replies.into_iter();
        let (mut lines, mut data) = (Vec::new(), Vec::new());
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            let line = line.trim_end().to_string();
            let is_data = line == "DATA";
            lines.push(line);
            let Some(reply) = replies.next() else { break };
            r.get_mut().write_all(reply.as_bytes()).await.unwrap();
            if is_data && reply.starts_with("354") {
                loop {
                    let mut l = Vec::new();
                    r.read_until(b'\n', &mut l).await.unwrap();
                    data.extend_from_slice(&l);
                    if l == b".\r\n" || l.is_empty() {
                        break;
                    }
                }
                let Some(reply) = replies.next() else { break };
                r.get_mut().write_all(reply.as_bytes()).await.unwrap();
            }
        }
        (lines, data)
    }

    async fn run(
        ext: Extensions,
        rcpts: &[&str],
        message: &[u8],
        replies: Vec<&'static str>,
    ) -> (Result<(), SmtpError>, Vec<String>, Vec<u8>) {
        let (client, server) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(fake_server(server, replies));
        let mut conn = Conn::new(client, Duration::from_secs(5));
        let (stuffed, size) = dot_stuff(message);
        let (utf8, eight_bit) = needs(message, rcpts);
        let result = transaction(
            &mut conn,
            &ext,
            "alice",
            "secret",
            "alice@ac-demo.fr",
            rcpts,
            &stuffed,
            size,
            utf8,
            eight_bit,
        )
        .await;
        drop(conn);
        let (lines, data) = server.await.unwrap();
        (result, lines, data)
    }

    #[tokio::test]
    async fn a_whole_transaction_with_login_and_dot_stuffing() {
        let ext = Extensions {
            auth: vec!["LOGIN".into()],
            size: Some(1_000_000),
            eight_bit_mime: true,
            ..Default::default()
        };
        let message = "Subject: x\n\n.ligne\nété\n".as_bytes();
        let (result, lines, data) = run(
            ext,
            &["bob@ac-demo.fr"],
            message,
            vec![
                "334 VXNlcm5hbWU6\r\n",
                "334 UGFzc3dvcmQ6\r\n",
                "235 2.7.0 ok\r\n",
                "250 2.1.0 ok\r\n",
                "250 2.1.5 ok\r\n",
                "354 go\r\n",
                "250 2.0.0 queued\r\n",
            ],
        )
        .await;
        result.unwrap();
        assert_eq!(
            lines,
            [
                "AUTH LOGIN",
                "YWxpY2U=",
                "c2VjcmV0",
                "MAIL FROM:<alice@ac-demo.fr> SIZE=29 BODY=8BITMIME",
                "RCPT TO:<bob@ac-demo.fr>",
                "DATA"
            ]
        );
        assert_eq!(data, "Subject: x\r\n\r\n..ligne\r\nété\r\n.\r\n".as_bytes());
    }

    #[tokio::test]
    async fn every_refused_recipient_is_reported_and_nothing_sent() {
        let ext = Extensions {
            auth: vec!["PLAIN".into()],
            ..Default::default()
        };
        let (result, lines, data) = run(
            ext,
            &["a@ac-demo.fr", "b@ac-demo.fr", "c@ac-demo.fr"],
            b"Subject: x\r\n\r\nx\r\n",
            vec![
                "235 ok\r\n",
                "250 ok\r\n",
                "550 5.1.1 <a@ac-demo.fr>: unknown\r\n",
                "250 ok\r\n",
                "450-4.2.0 <c@ac-demo.fr>: try\r\n450 4.2.0 later\r\n",
                "250 reset\r\n",
            ],
        )
        .await;
        match result {
            Err(SmtpError::RecipientsRefused { addresses, detail }) => {
                assert_eq!(addresses, ["a@ac-demo.fr", "c@ac-demo.fr"]);
                assert_eq!(
                    detail,
                    "a@ac-demo.fr : 550 5.1.1 <a@ac-demo.fr>: unknown ; \
                     c@ac-demo.fr : 450 4.2.0 <c@ac-demo.fr>: try 4.2.0 later"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            lines[0],
            format!("AUTH PLAIN {}", STANDARD.encode("\0alice\0secret"))
        );
        assert_eq!(lines[1], "MAIL FROM:<alice@ac-demo.fr>");
        assert_eq!(lines.last().unwrap(), "RSET");
        assert!(!lines.iter().any(|l| l == "DATA"));
        assert!(data.is_empty());
    }

    #[tokio::test]
    async fn refusals_after_the_data_and_at_login() {
        let ext = Extensions {
            auth: vec!["PLAIN".into()],
            size: Some(1000),
            ..Default::default()
        };
        let (result, _, data) = run(
            ext.clone(),
            &["b@ac-demo.fr"],
            b"Subject: x\r\n\r\nx\r\n",
            vec![
                "235 ok\r\n",
                "250 ok\r\n",
                "250 ok\r\n",
                "354 go\r\n",
                "552 5.3.4 Message size exceeds fixed limit\r\n",
            ],
        )
        .await;
        assert!(
            matches!(result, Err(SmtpError::TooLarge { max: 1000 })),
            "{result:?}"
        );
        assert!(data.ends_with(b"\r\n.\r\n"));

        let (result, _, _) = run(
            ext.clone(),
            &["b@ac-demo.fr"],
            b"x",
            vec![
                "235 ok\r\n",
                "250 ok\r\n",
                "250 ok\r\n",
                "354 go\r\n",
                "554 5.7.1 spam\r\n",
            ],
        )
        .await;
        assert!(
            matches!(&result, Err(SmtpError::Refused { detail }) if detail == "554 5.7.1 spam"),
            "{result:?}"
        );

        let (result, lines, _) = run(
            ext,
            &["b@ac-demo.fr"],
            b"x",
            vec!["535 5.7.8 Error: authentication failed\r\n"],
        )
        .await;
        assert!(matches!(result, Err(SmtpError::AuthenticationFailed)));
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn errors_map_to_what_the_user_can_act_on() {
        use shared::ApiError;
        let api = |e: SmtpError| crate::error::AppError::from(e).api;
        assert_eq!(
            api(SmtpError::AuthenticationFailed),
            ApiError::BadCredentials
        );
        assert_eq!(api(SmtpError::NoStartTls), ApiError::ServerUnavailable);
        assert_eq!(api(SmtpError::Timeout), ApiError::ServerUnavailable);
        assert_eq!(
            api(SmtpError::UnknownHost("x".into())),
            ApiError::ServerUnknown
        );
        assert_eq!(
            api(SmtpError::TooLarge { max: 10 }),
            ApiError::MessageTooLarge { max_bytes: 10 }
        );
        assert_eq!(
            api(SmtpError::RecipientsRefused {
                addresses: vec!["a@b.fr".into()],
                detail: "550 5.1.1 non".into()
            }),
            ApiError::RecipientsRefused {
                addresses: vec!["a@b.fr".into()],
                detail: "550 5.1.1 non".into()
            }
        );
        assert_eq!(
            api(SmtpError::Refused {
                detail: "554 non".into()
            }),
            ApiError::SendRefused {
                detail: "554 non".into()
            }
        );
        assert!(matches!(
            api(SmtpError::InvalidAddress("x".into())),
            ApiError::InvalidRequest { .. }
        ));
    }

    #[test]
    fn envelope_addresses_cannot_inject_commands() {
        assert!(envelope_address("a@b.fr").is_ok());
        assert!(envelope_address("a@b.fr>\r\nRCPT TO:<c@d.fr").is_err());
        assert!(envelope_address("a@b.fr> SIZE=1").is_err());
        assert!(envelope_address("<a@b.fr>").is_err());
    }
}
