//! What every protocol adapter needs from the network: a TCP connection to
//! a configured server (name resolution, each address tried in turn,
//! timeouts), quoted strings, and error texts kept short.

use std::time::Duration;

use tokio::net::TcpStream;

use crate::config::ServerUrl;

/// Why a TCP connection could not be made.
#[derive(Debug)]
pub enum ConnectError {
    /// The name does not resolve.
    UnknownHost(String),
    /// No address answered.
    Unreachable(String),
    /// Resolution or connection took too long.
    Timeout,
}

/// Resolves the server's name and connects to the first address that
/// answers, each step within `timeout`.
pub async fn connect_tcp(server: &ServerUrl, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let addrs: Vec<_> = tokio::time::timeout(
        timeout,
        tokio::net::lookup_host((server.host.as_str(), server.port)),
    )
    .await
    .map_err(|_| ConnectError::Timeout)?
    .map_err(|e| ConnectError::UnknownHost(format!("{}: {e}", server.host)))?
    .collect();
    if addrs.is_empty() {
        return Err(ConnectError::UnknownHost(server.host.clone()));
    }
    let mut last_err = String::new();
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                s.set_nodelay(true).ok();
                return Ok(s);
            }
            Ok(Err(e)) => last_err = e.to_string(),
            Err(_) => last_err = "délai dépassé".into(),
        }
    }
    Err(ConnectError::Unreachable(format!(
        "{}:{}: {last_err}",
        server.host, server.port
    )))
}

/// A quoted string as IMAP (RFC 3501 §4.3) and ManageSieve (RFC 5804 §4)
/// write it: `"` and `\` escaped. `None` when the text holds a control
/// character, which no quoted string may carry (nothing a user types can
/// end a command line).
pub fn quoted(s: &str) -> Option<String> {
    if s.chars().any(char::is_control) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

/// The start of a text that may quote a whole server answer (a message, a
/// script), cut at a character boundary.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_truncation() {
        assert_eq!(quoted(r#"a"b\c"#).as_deref(), Some(r#""a\"b\\c""#));
        assert_eq!(quoted("x\r\ny"), None);
        assert_eq!(truncate("ééé", 3), "é…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
