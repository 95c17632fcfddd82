//! Configuration: a TOML file (`FACTEUR_CONFIG`), overridden by environment
//! variables and command-line flags. Every key has a default that runs the
//! local demo; `facteur --help` lists them all.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context, bail};
use clap::Parser;
use serde::Deserialize;

/// Where a protocol server is and how to reach it safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    pub host: String,
    pub port: u16,
    /// `true` for implicit TLS (`imaps://`, `smtps://`), `false` for STARTTLS.
    pub implicit_tls: bool,
}

impl ServerUrl {
    /// Parses `scheme://host[:port]`; `tls_scheme` is the implicit-TLS
    /// scheme, `starttls_scheme` the one upgraded with STARTTLS.
    pub fn parse(
        url: &str,
        starttls_scheme: (&str, u16),
        tls_scheme: (&str, u16),
    ) -> anyhow::Result<Self> {
        let (scheme, rest) = url
            .split_once("://")
            .with_context(|| format!("« {url} » n'est pas une URL (scheme://hôte:port)"))?;
        let (implicit_tls, default_port) = if scheme.eq_ignore_ascii_case(starttls_scheme.0) {
            (false, starttls_scheme.1)
        } else if scheme.eq_ignore_ascii_case(tls_scheme.0) {
            (true, tls_scheme.1)
        } else {
            bail!(
                "« {url} » : le schéma doit être {}:// ou {}://",
                starttls_scheme.0,
                tls_scheme.0
            );
        };
        let authority = rest.trim_end_matches('/');
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (h, after) = v6.split_once(']').context("adresse IPv6 mal fermée")?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().context("port invalide")?,
                None => default_port,
            };
            (h.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().context("port invalide")?),
                None => (authority.to_string(), default_port),
            }
        };
        if host.is_empty() {
            bail!("« {url} » : hôte manquant");
        }
        Ok(ServerUrl {
            host,
            port,
            implicit_tls,
        })
    }
}

/// Command line and environment. Each flag overrides the same key of the file.
#[derive(Debug, Parser, Default)]
#[command(
    name = "facteur",
    version,
    about = "Facteur, le webmail : API JSON et application web"
)]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, env = "FACTEUR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "FACTEUR_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// IMAP server: imap://host:143 (STARTTLS) or imaps://host:993 [default: imap://127.0.0.1:10143].
    #[arg(long, env = "FACTEUR_IMAP_URL")]
    pub imap_url: Option<String>,
    /// SMTP submission: smtp://host:587 (STARTTLS) or smtps://host:465 [default: smtp://127.0.0.1:10587].
    #[arg(long, env = "FACTEUR_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// CalDAV/CardDAV server root [default: http://127.0.0.1:15232].
    #[arg(long, env = "FACTEUR_CALDAV_URL")]
    pub caldav_url: Option<String>,
    /// ManageSieve server: sieve://host:4190 [default: sieve://127.0.0.1:14190].
    #[arg(long, env = "FACTEUR_SIEVE_URL")]
    pub sieve_url: Option<String>,
    /// PEM file of extra certificate authorities to trust (besides the public ones).
    #[arg(long, env = "FACTEUR_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Directory of the built web app (trunk's dist/) [default: dist].
    #[arg(long, env = "FACTEUR_DIST_DIR")]
    pub dist_dir: Option<PathBuf>,
    /// Name shown in the interface [default: Facteur].
    #[arg(long, env = "FACTEUR_BRAND")]
    pub brand: Option<String>,
    /// Mail domain shown as a hint on the login page and used to make an address from a bare identifier.
    #[arg(long, env = "FACTEUR_DOMAIN")]
    pub domain: Option<String>,
    /// Link for a lost password or identifier.
    #[arg(long, env = "FACTEUR_LOST_PASSWORD_URL")]
    pub lost_password_url: Option<String>,
    /// Link to the support desk.
    #[arg(long, env = "FACTEUR_SUPPORT_URL")]
    pub support_url: Option<String>,
    /// Minutes of inactivity before a session ends [default: 30].
    #[arg(long, env = "FACTEUR_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<u64>,
    /// Hours after login when a session ends whatever happens [default: 12].
    #[arg(long, env = "FACTEUR_SESSION_MAX_HOURS")]
    pub session_max_hours: Option<u64>,
    /// Base64 of a 32-byte key that encrypts the passwords kept in sessions;
    /// all instances sharing sessions need the same [default: random at start].
    #[arg(long, env = "FACTEUR_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<Secret>,
    /// Mark cookies Secure: "auto" (unless listening on loopback), "always" or "never" [default: auto].
    #[arg(long, env = "FACTEUR_SECURE_COOKIES")]
    pub secure_cookies: Option<String>,
    /// Seconds to wait for a mail server to answer before giving up [default: 20].
    #[arg(long, env = "FACTEUR_SERVER_TIMEOUT_SECS")]
    pub server_timeout_secs: Option<u64>,
}

/// A secret from the command line or the environment: `Debug` hides it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The same keys, from the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    imap_url: Option<String>,
    smtp_url: Option<String>,
    caldav_url: Option<String>,
    sieve_url: Option<String>,
    ca_file: Option<PathBuf>,
    dist_dir: Option<PathBuf>,
    brand: Option<String>,
    domain: Option<String>,
    lost_password_url: Option<String>,
    support_url: Option<String>,
    session_idle_minutes: Option<u64>,
    session_max_hours: Option<u64>,
    session_key: Option<Secret>,
    secure_cookies: Option<String>,
    server_timeout_secs: Option<u64>,
}

/// When to set the `Secure` attribute on the session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    Auto,
    Always,
    Never,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub imap: ServerUrl,
    pub smtp: ServerUrl,
    pub caldav_url: String,
    pub sieve: ServerUrl,
    pub ca_file: Option<PathBuf>,
    pub dist_dir: PathBuf,
    pub brand: String,
    pub domain: Option<String>,
    pub lost_password_url: Option<String>,
    pub support_url: Option<String>,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub session_key: Option<crate::session::SessionKey>,
    pub secure_cookies: SecureCookies,
    pub server_timeout: Duration,
}

impl Config {
    /// Reads the file named by `--config`/`FACTEUR_CONFIG` (if any) and
    /// applies the flags and environment over it.
    pub fn load(cli: Cli) -> anyhow::Result<Self> {
        let file = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("lecture de {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("configuration {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        Self::merge(cli, file)
    }

    fn merge(cli: Cli, file: FileConfig) -> anyhow::Result<Self> {
        let listen = cli
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let imap_url = cli
            .imap_url
            .or(file.imap_url)
            .unwrap_or_else(|| "imap://127.0.0.1:10143".into());
        let smtp_url = cli
            .smtp_url
            .or(file.smtp_url)
            .unwrap_or_else(|| "smtp://127.0.0.1:10587".into());
        let sieve_url = cli
            .sieve_url
            .or(file.sieve_url)
            .unwrap_or_else(|| "sieve://127.0.0.1:14190".into());
        let caldav_url = cli
            .caldav_url
            .or(file.caldav_url)
            .unwrap_or_else(|| "http://127.0.0.1:15232".into());
        if !(caldav_url.starts_with("http://") || caldav_url.starts_with("https://")) {
            bail!("« {caldav_url} » : l'URL CalDAV doit commencer par http:// ou https://");
        }
        let secure_cookies = match cli
            .secure_cookies
            .or(file.secure_cookies)
            .as_deref()
            .unwrap_or("auto")
        {
            "auto" => SecureCookies::Auto,
            "always" => SecureCookies::Always,
            "never" => SecureCookies::Never,
            other => bail!("secure_cookies : « {other} » (attendu auto, always ou never)"),
        };
        let session_key = match cli.session_key.or(file.session_key) {
            Some(k) => Some(crate::session::SessionKey::from_base64(&k.0)?),
            None => None,
        };
        Ok(Config {
            listen,
            imap: ServerUrl::parse(&imap_url, ("imap", 143), ("imaps", 993))?,
            smtp: ServerUrl::parse(&smtp_url, ("smtp", 587), ("smtps", 465))?,
            sieve: ServerUrl::parse(&sieve_url, ("sieve", 4190), ("sieves", 4190))?,
            caldav_url,
            ca_file: cli.ca_file.or(file.ca_file),
            dist_dir: cli
                .dist_dir
                .or(file.dist_dir)
                .unwrap_or_else(|| PathBuf::from("dist")),
            brand: cli.brand.or(file.brand).unwrap_or_else(|| "Facteur".into()),
            domain: cli.domain.or(file.domain),
            lost_password_url: cli.lost_password_url.or(file.lost_password_url),
            support_url: cli.support_url.or(file.support_url),
            session_idle: Duration::from_secs(
                60 * cli
                    .session_idle_minutes
                    .or(file.session_idle_minutes)
                    .unwrap_or(30),
            ),
            session_max: Duration::from_secs(
                3600 * cli
                    .session_max_hours
                    .or(file.session_max_hours)
                    .unwrap_or(12),
            ),
            session_key,
            secure_cookies,
            server_timeout: Duration::from_secs(
                cli.server_timeout_secs
                    .or(file.server_timeout_secs)
                    .unwrap_or(20),
            ),
        })
    }

    /// Defaults only: the local demo servers.
    pub fn for_tests() -> Self {
        // The defaults are valid by construction.
        Self::merge(Cli::default(), FileConfig::default()).expect("default configuration")
    }

    /// Whether the session cookie carries `Secure`.
    pub fn cookies_secure(&self) -> bool {
        match self.secure_cookies {
            SecureCookies::Always => true,
            SecureCookies::Never => false,
            SecureCookies::Auto => !self.listen.ip().is_loopback(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_port_and_tls_mode() {
        let u = ServerUrl::parse("imaps://mail.ac-demo.fr", ("imap", 143), ("imaps", 993)).unwrap();
        assert_eq!(
            u,
            ServerUrl {
                host: "mail.ac-demo.fr".into(),
                port: 993,
                implicit_tls: true
            }
        );
        let u = ServerUrl::parse("imap://127.0.0.1:10143/", ("imap", 143), ("imaps", 993)).unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.implicit_tls),
            ("127.0.0.1", 10143, false)
        );
        let u = ServerUrl::parse("imap://[::1]:1143", ("imap", 143), ("imaps", 993)).unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 1143));
        assert!(ServerUrl::parse("http://x", ("imap", 143), ("imaps", 993)).is_err());
        assert!(ServerUrl::parse("imap://x:port", ("imap", 143), ("imaps", 993)).is_err());
        assert!(ServerUrl::parse("nothing", ("imap", 143), ("imaps", 993)).is_err());
    }

    #[test]
    fn file_is_overridden_by_flags_and_env() {
        let file: FileConfig = toml::from_str(
            "imap_url = \"imaps://file.example:993\"\nbrand = \"Académie\"\nsession_idle_minutes = 5",
        )
        .unwrap();
        let cli = Cli {
            imap_url: Some("imap://cli.example".into()),
            ..Cli::default()
        };
        let c = Config::merge(cli, file).unwrap();
        assert_eq!(c.imap.host, "cli.example");
        assert_eq!(c.brand, "Académie");
        assert_eq!(c.session_idle, Duration::from_secs(300));
        assert!(!c.cookies_secure(), "loopback by default");
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("imap = \"x\"").is_err());
    }
}
