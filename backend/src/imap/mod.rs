//! The IMAP adapter (RFC 3501, with SORT RFC 5256, LIST-STATUS RFC 5819,
//! SPECIAL-USE RFC 6154, QUOTA RFC 9208, MOVE RFC 6851, UIDPLUS RFC 4315).
//!
//! Routes never build IMAP commands: they call the domain operations of
//! [`ImapConn`] through a [`pool::ImapHandle`]. `async-imap` frames and
//! parses responses; commands are written here, every mailbox name quoted
//! by [`quote`] after encoding to modified UTF-7.

pub mod mutf7;
pub mod pool;

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_imap::{
    Client, Session,
    imap_proto::{
        self, AttributeValue, BodyStructure, MailboxDatum, NameAttribute, Response, ResponseCode,
        Status, StatusAttribute, rfc4315::UidSetMember,
    },
};
use shared::mail::{Flags, Folder, FolderRole, Quota};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};
use tokio_rustls::{TlsConnector, client::TlsStream};

use crate::config::ServerUrl;

/// The stream every IMAP connection runs over: TLS, always.
pub type Stream = TlsStream<TcpStream>;

/// What can go wrong talking IMAP, with what the user needs to know.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("le nom du serveur IMAP ne se résout pas: {0}")]
    UnknownHost(String),
    #[error("serveur IMAP injoignable: {0}")]
    Unreachable(String),
    #[error("échec TLS avec le serveur IMAP: {0}")]
    Tls(String),
    #[error("identifiant ou mot de passe refusé")]
    AuthenticationFailed,
    #[error("compte désactivé")]
    AccountDisabled,
    #[error("mot de passe expiré")]
    PasswordExpired,
    #[error("dossier introuvable: {0}")]
    NoSuchFolder(String),
    #[error("message introuvable")]
    NoSuchMessage,
    #[error("quota dépassé")]
    OverQuota,
    #[error("le serveur a refusé: {0}")]
    Refused(String),
    #[error("connexion perdue: {0}")]
    ConnectionLost(String),
    #[error("le serveur n'a pas répondu à temps")]
    Timeout,
    #[error("réponse IMAP inattendue: {0}")]
    Protocol(String),
    #[error("paramètre invalide: {0}")]
    Invalid(String),
}

impl ImapError {
    /// True when the connection is unusable and a new one may succeed.
    pub fn is_connection(&self) -> bool {
        matches!(self, ImapError::ConnectionLost(_) | ImapError::Timeout)
    }

    /// Maps a tagged `NO`/`BAD` to an error, reading RFC 5530 response codes.
    fn from_refusal(status: &Status, text: &str) -> Self {
        let upper = text.to_ascii_uppercase();
        if upper.contains("[AUTHENTICATIONFAILED]") {
            ImapError::AuthenticationFailed
        } else if upper.contains("[EXPIRED]") {
            ImapError::PasswordExpired
        } else if upper.contains("[AUTHORIZATIONFAILED]") || upper.contains("[CONTACTADMIN]") {
            ImapError::AccountDisabled
        } else if upper.contains("[OVERQUOTA]") {
            ImapError::OverQuota
        } else if upper.contains("[NONEXISTENT]") || upper.contains("[TRYCREATE]") {
            ImapError::NoSuchFolder(String::new())
        } else if matches!(status, Status::Bye) {
            ImapError::ConnectionLost(short(text))
        } else {
            ImapError::Refused(short(text))
        }
    }
}

/// Error texts may quote whole server responses (a parse error carries the
/// buffer it choked on, mail included): keep only their start.
fn short(text: &str) -> String {
    crate::net::truncate(text, 200)
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        use async_imap::error::Error as E;
        match e {
            E::Io(io) => ImapError::ConnectionLost(short(&io.to_string())),
            E::ConnectionLost => ImapError::ConnectionLost("fermée par le serveur".into()),
            E::No(text) => ImapError::from_refusal(&Status::No, &text),
            E::Bad(text) => ImapError::from_refusal(&Status::Bad, &text),
            other => ImapError::Protocol(short(&other.to_string())),
        }
    }
}

impl From<std::io::Error> for ImapError {
    fn from(e: std::io::Error) -> Self {
        ImapError::ConnectionLost(short(&e.to_string()))
    }
}

/// Quotes a string for an IMAP command (RFC 3501 §4.3 quoted string).
/// Control characters cannot be quoted and are refused: nothing a user
/// sends can end a command line.
pub fn quote(s: &str) -> Result<String, ImapError> {
    crate::net::quoted(s).ok_or_else(|| ImapError::Invalid("caractère de contrôle".into()))
}

/// A mailbox name as sent on the wire: modified UTF-7, quoted.
fn mailbox_arg(path: &str) -> Result<String, ImapError> {
    if path.is_empty() {
        return Err(ImapError::Invalid("nom de dossier vide".into()));
    }
    quote(&mutf7::encode(path))
}

/// A UID set from a list, compressed into ranges (`1:4,7,9:10`).
pub fn uid_set(uids: &[u32]) -> Result<String, ImapError> {
    let mut sorted: Vec<u32> = uids.iter().copied().filter(|u| *u > 0).collect();
    if sorted.is_empty() {
        return Err(ImapError::Invalid("aucun message".into()));
    }
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    Ok(out)
}

/// Opens a TCP connection and TLS (implicit, or through STARTTLS, RFC 3501
/// §6.2.1), ready for LOGIN.
pub async fn connect(
    server: &ServerUrl,
    tls: &TlsConnector,
    timeout: Duration,
) -> Result<Client<Stream>, ImapError> {
    let mut tcp = crate::net::connect_tcp(server, timeout)
        .await
        .map_err(|e| match e {
            crate::net::ConnectError::UnknownHost(h) => ImapError::UnknownHost(h),
            crate::net::ConnectError::Unreachable(m) => ImapError::Unreachable(m),
            crate::net::ConnectError::Timeout => ImapError::Timeout,
        })?;
    if !server.implicit_tls {
        tokio::time::timeout(timeout, starttls(&mut tcp))
            .await
            .map_err(|_| ImapError::Timeout)??;
    }
    let name = rustls_pki_types::ServerName::try_from(server.host.clone())
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let stream = tokio::time::timeout(timeout, tls.connect(name, tcp))
        .await
        .map_err(|_| ImapError::Timeout)?
        .map_err(|e| ImapError::Tls(e.to_string()))?;
    let mut client = Client::new(stream);
    if server.implicit_tls {
        // The greeting comes over TLS; with STARTTLS it was read in clear.
        let greeting = tokio::time::timeout(timeout, client.read_response())
            .await
            .map_err(|_| ImapError::Timeout)??;
        if greeting.is_none() {
            return Err(ImapError::ConnectionLost("pas de message d'accueil".into()));
        }
    }
    Ok(client)
}

/// Reads the greeting and upgrades the connection with STARTTLS. Nothing
/// is buffered past the tagged OK: the server sends nothing more in clear.
async fn starttls(tcp: &mut TcpStream) -> Result<(), ImapError> {
    let mut reader = BufReader::new(&mut *tcp);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    if !line.starts_with("* OK") && !line.starts_with("* PREAUTH") {
        return Err(ImapError::Protocol(format!(
            "accueil inattendu: {}",
            line.trim()
        )));
    }
    reader.get_mut().write_all(b"F0 STARTTLS\r\n").await?;
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Err(ImapError::ConnectionLost("pendant STARTTLS".into()));
        }
        if line.starts_with("F0 ") {
            if line.starts_with("F0 OK") {
                if !reader.buffer().is_empty() {
                    return Err(ImapError::Protocol(
                        "données en clair après STARTTLS".into(),
                    ));
                }
                return Ok(());
            }
            return Err(ImapError::Tls(format!("STARTTLS refusé: {}", line.trim())));
        }
    }
}

/// A logged-in session and the capabilities the server sent with its OK.
pub struct LoggedIn {
    session: Session<Stream>,
    capabilities: Option<Vec<String>>,
}

/// Logs in; a refusal is mapped through its RFC 5530 response code.
pub async fn login(
    client: Client<Stream>,
    username: &str,
    password: &str,
    timeout: Duration,
) -> Result<LoggedIn, ImapError> {
    if username.chars().any(char::is_control) || password.chars().any(char::is_control) {
        // Cannot be sent in a quoted string; no account has such a name or password.
        return Err(ImapError::AuthenticationFailed);
    }
    match tokio::time::timeout(timeout, client.login_with_capabilities(username, password)).await {
        Err(_) => Err(ImapError::Timeout),
        Ok(Ok((session, caps))) => Ok(LoggedIn {
            session,
            capabilities: caps.map(|c| {
                c.iter()
                    .map(|c| match c {
                        async_imap::types::Capability::Imap4rev1 => "IMAP4rev1".to_string(),
                        async_imap::types::Capability::Auth(a) => format!("AUTH={a}"),
                        async_imap::types::Capability::Atom(a) => a.clone(),
                    })
                    .collect()
            }),
        }),
        Ok(Err((e, _))) => Err(e.into()),
    }
}

/// The sorted UIDs of a folder, valid while its membership is unchanged:
/// same UIDVALIDITY, same UIDNEXT (nothing arrived), same count (nothing
/// left).
#[derive(Debug, Clone)]
struct SortedUids {
    uid_validity: u32,
    uid_next: u32,
    uids: Arc<Vec<u32>>,
}

/// State of the selected folder.
#[derive(Debug, Clone)]
struct Selected {
    path: String,
    exists: u32,
    uid_validity: u32,
    uid_next: u32,
    /// `HIGHESTMODSEQ` when selected (CONDSTORE), 0 when unknown.
    highest_modseq: u64,
}

/// One logged-in IMAP connection and what we know about it.
pub struct ImapConn {
    session: Session<Stream>,
    timeout: Duration,
    capabilities: Vec<String>,
    selected: Option<Selected>,
    sorted: HashMap<String, SortedUids>,
    delimiter: Option<String>,
    /// Special-use folders, from the last listing.
    roles: HashMap<FolderRole, String>,
    /// True from the moment a command is sent until its tagged answer is
    /// read: a connection left so (its caller dropped mid-command) holds
    /// unread responses and must not be reused.
    in_flight: bool,
    /// The UID the last APPEND was given (UIDPLUS `APPENDUID`).
    last_append_uid: Option<u32>,
    /// Commands completed, so that a retry happens only when nothing did.
    completed: u64,
    /// Bumped whenever the selected folder's membership changes.
    generation: u64,
    /// Whether `ENABLE QRESYNC` succeeded on this connection.
    qresync_enabled: bool,
}

/// A page of a folder: the UIDs on the page and what the list needs around them.
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub total: u32,
    pub unread: u32,
    pub uid_validity: u32,
    /// `HIGHESTMODSEQ` as of the SELECT (0 without CONDSTORE): changes
    /// asked for since it may repeat some the page already shows, never
    /// miss one.
    pub highest_modseq: u64,
}

/// One message row as fetched for a list.
#[derive(Debug, Clone)]
pub struct SummaryData {
    pub uid: u32,
    pub flags: Flags,
    pub size: u32,
    pub internal_date: Option<i64>,
    pub has_attachments: bool,
    pub header: Vec<u8>,
}

/// A whole message as fetched.
#[derive(Debug, Clone)]
pub struct FullMessage {
    pub uid: u32,
    pub flags: Flags,
    pub size: u32,
    pub internal_date: Option<i64>,
    pub raw: Vec<u8>,
}

impl ImapConn {
    /// Wraps a logged-in session; asks for the capabilities only when
    /// the server did not send them with its LOGIN answer.
    pub async fn new(logged_in: LoggedIn, timeout: Duration) -> Result<Self, ImapError> {
        let mut conn = ImapConn {
            session: logged_in.session,
            timeout,
            capabilities: logged_in.capabilities.clone().unwrap_or_default(),
            selected: None,
            sorted: HashMap::new(),
            delimiter: None,
            roles: HashMap::new(),
            in_flight: false,
            last_append_uid: None,
            completed: 0,
            generation: 0,
            qresync_enabled: false,
        };
        if logged_in.capabilities.is_none() {
            let mut caps = Vec::new();
            conn.each("CAPABILITY", |r| {
                if let Response::Capabilities(c) = r {
                    caps = c.iter().map(capability_name).collect();
                }
            })
            .await?;
            conn.capabilities = caps;
        }
        Ok(conn)
    }

    /// Whether a command was cut off before its answer was read.
    pub fn is_in_flight(&self) -> bool {
        self.in_flight
    }

    /// How many commands have completed on this connection.
    pub fn completed(&self) -> u64 {
        self.completed
    }

    /// Whether the server announced a capability (case-insensitive).
    pub fn has(&self, cap: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(cap))
    }

    /// Sends one command and hands every untagged response to `each`, up
    /// to the tagged completion; a `NO` or `BAD` becomes an error.
    async fn each(&mut self, cmd: &str, each: impl FnMut(&Response<'_>)) -> Result<(), ImapError> {
        self.each_within(cmd, None, self.timeout, each).await
    }

    /// The same with a literal sent after the command line (LITERAL+,
    /// RFC 7888) and a timeout of its own.
    async fn each_within(
        &mut self,
        cmd: &str,
        literal: Option<(&[u8], &str)>,
        timeout: Duration,
        mut each: impl FnMut(&Response<'_>),
    ) -> Result<(), ImapError> {
        // Membership changes of the selected folder, applied response by
        // response (RFC 3501 §7.4.1: each EXPUNGE lowers the count).
        let start_exists = self.selected.as_ref().map(|s| s.exists);
        let mut exists = start_exists;
        let mut changed = false;
        let mut append_uid = None;
        self.in_flight = true;
        let result = tokio::time::timeout(timeout, async {
            let tag = self.session.run_command(cmd).await?;
            if let Some((lit, rest)) = literal {
                let stream = self.session.get_mut();
                stream.write_all(lit).await?;
                stream.write_all(rest.as_bytes()).await?;
                stream.write_all(b"\r\n").await?;
                stream.flush().await?;
            }
            loop {
                let Some(resp) = self.session.read_response().await? else {
                    return Err(ImapError::ConnectionLost("fermée par le serveur".into()));
                };
                let parsed = resp.parsed();
                match parsed {
                    Response::Done {
                        tag: t,
                        status,
                        outcome,
                    } if *t == tag => {
                        if let Some(ResponseCode::AppendUid(_, set)) = &outcome.code {
                            append_uid = set.first().map(|m| match m {
                                UidSetMember::Uid(u) => *u,
                                UidSetMember::UidRange(r) => *r.start(),
                            });
                        }
                        return match status {
                            Status::Ok => Ok(()),
                            other => Err(ImapError::from_refusal(
                                other,
                                &format!(
                                    "{}{}",
                                    outcome
                                        .code
                                        .as_ref()
                                        .map(|c| format!("[{c:?}] "))
                                        .unwrap_or_default(),
                                    outcome.information.as_deref().unwrap_or("")
                                ),
                            )),
                        };
                    }
                    Response::Data {
                        status: Status::Bye,
                        outcome,
                    } => {
                        return Err(ImapError::ConnectionLost(
                            outcome.information.as_deref().unwrap_or("BYE").to_string(),
                        ));
                    }
                    Response::MailboxData(MailboxDatum::Exists(n)) => {
                        if exists != Some(*n) {
                            changed = true;
                        }
                        exists = Some(*n);
                    }
                    Response::Expunge(_) => {
                        changed = true;
                        exists = exists.map(|e| e.saturating_sub(1));
                    }
                    Response::Vanished {
                        earlier: false,
                        uids,
                    } => {
                        changed = true;
                        let gone: u32 = uids.iter().map(|r| r.end() - r.start() + 1).sum();
                        exists = exists.map(|e| e.saturating_sub(gone));
                    }
                    _ => {}
                }
                each(parsed);
            }
        })
        .await
        .map_err(|_| ImapError::Timeout)
        .and_then(|r| r);
        match &result {
            // The answer was read whole (OK, NO or BAD): the connection is in step.
            Ok(())
            | Err(ImapError::Refused(_))
            | Err(ImapError::AuthenticationFailed)
            | Err(ImapError::AccountDisabled)
            | Err(ImapError::PasswordExpired)
            | Err(ImapError::NoSuchFolder(_))
            | Err(ImapError::OverQuota) => {
                self.in_flight = false;
                self.completed += 1;
            }
            _ => {}
        }
        self.last_append_uid = append_uid;
        if changed && let Some(sel) = self.selected.as_mut() {
            sel.exists = exists.unwrap_or(sel.exists);
            let path = sel.path.clone();
            self.sorted.remove(&path);
            self.generation += 1;
        }
        result
    }

    /// Sends a command whose untagged responses do not matter.
    async fn command(&mut self, cmd: &str) -> Result<(), ImapError> {
        self.each(cmd, |_| {}).await
    }

    /// Ends the session politely; errors are irrelevant at that point.
    pub async fn logout(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.session.logout()).await;
    }

    /// Checks the connection is alive (and collects pending updates).
    pub async fn noop(&mut self) -> Result<(), ImapError> {
        self.command("NOOP").await
    }

    /// The folder tree with counts (one `LIST … RETURN (STATUS …)` where
    /// LIST-STATUS is offered) and the quota.
    pub async fn folders(
        &mut self,
    ) -> Result<(Vec<Folder>, Option<Quota>, Option<String>), ImapError> {
        let list_status = self.has("LIST-STATUS");
        let cmd = if list_status {
            "LIST \"\" \"*\" RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN))"
        } else {
            "LIST \"\" \"*\""
        };
        let mut raw: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
        let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
        self.each(cmd, |r| match r {
            Response::MailboxData(MailboxDatum::List(data)) => {
                let attrs = data.name_attributes.iter().map(name_attribute).collect();
                raw.push((
                    data.name.to_string(),
                    attrs,
                    data.delimiter.as_ref().map(|d| d.to_string()),
                ));
            }
            Response::MailboxData(MailboxDatum::Status { mailbox, status }) => {
                counts.insert(mailbox.to_string(), status_counts(status));
            }
            _ => {}
        })
        .await?;
        let mut subscribed: Option<Vec<String>> = None;
        if !list_status {
            let mut names = Vec::new();
            self.each("LSUB \"\" \"*\"", |r| {
                if let Response::MailboxData(MailboxDatum::List(d)) = r {
                    names.push(d.name.to_string());
                }
            })
            .await?;
            subscribed = Some(names);
            for (name, attrs, _) in &raw {
                if attrs
                    .iter()
                    .any(|a| a == "\\noselect" || a == "\\nonexistent")
                {
                    continue;
                }
                let cmd = format!("STATUS {} (MESSAGES UNSEEN)", quote(name)?);
                self.each(&cmd, |r| {
                    if let Response::MailboxData(MailboxDatum::Status { status, .. }) = r {
                        counts.insert(name.clone(), status_counts(status));
                    }
                })
                .await?;
            }
        }
        let delimiter = raw.iter().find_map(|(_, _, d)| d.clone());
        self.delimiter = delimiter.clone();
        let mut folders: Vec<Folder> = raw
            .into_iter()
            .map(|(wire_name, attrs, delim)| {
                let path = mutf7::decode(&wire_name);
                let (parent, name, depth) = split_path(&path, delim.as_deref());
                let role = if wire_name.eq_ignore_ascii_case("INBOX") {
                    Some(FolderRole::Inbox)
                } else {
                    attrs.iter().find_map(|a| role_of(a))
                };
                let (total, unread) = counts.get(&wire_name).copied().unwrap_or((0, 0));
                let is_subscribed = match &subscribed {
                    Some(list) => list.contains(&wire_name),
                    None => attrs.iter().any(|a| a == "\\subscribed"),
                };
                Folder {
                    path,
                    name,
                    depth,
                    parent,
                    role,
                    selectable: !attrs
                        .iter()
                        .any(|a| a == "\\noselect" || a == "\\nonexistent"),
                    subscribed: is_subscribed || role.is_some(),
                    total,
                    unread,
                }
            })
            .collect();
        sort_folders(&mut folders);
        self.roles = folders
            .iter()
            .filter_map(|f| f.role.map(|r| (r, f.path.clone())))
            .collect();
        let quota = if self.has("QUOTA") {
            match self.quota().await {
                Ok(q) => q,
                // A broken connection must surface; a refused quota need not.
                Err(e) if e.is_connection() => return Err(e),
                Err(_) => None,
            }
        } else {
            None
        };
        Ok((folders, quota, delimiter))
    }

    /// `GETQUOTAROOT INBOX`, in bytes (STORAGE is counted in KiB, RFC 9208 §5.1).
    pub async fn quota(&mut self) -> Result<Option<Quota>, ImapError> {
        let mut quota = None;
        self.each("GETQUOTAROOT INBOX", |r| {
            if let Response::Quota(q) = r {
                for res in &q.resources {
                    if matches!(res.name, imap_proto::rfc2087::QuotaResourceName::Storage)
                        && quota.is_none()
                    {
                        quota = Some(Quota {
                            used_bytes: res.usage.saturating_mul(1024),
                            limit_bytes: res.limit.saturating_mul(1024),
                        });
                    }
                }
            }
        })
        .await?;
        Ok(quota)
    }

    /// Selects a folder (read-write) unless it already is. When it is, no
    /// command is sent: the next UID command brings its pending changes
    /// (RFC 3501 §7: EXISTS and EXPUNGE may come with any of them).
    async fn select(&mut self, path: &str) -> Result<Selected, ImapError> {
        if let Some(sel) = &self.selected
            && sel.path == path
        {
            return Ok(sel.clone());
        }
        self.selected = None;
        // The CONDSTORE parameter (RFC 7162 §3.1.8) makes the server tell
        // HIGHESTMODSEQ, the starting point of a later resync, at no cost.
        let condstore = if self.has("CONDSTORE") {
            " (CONDSTORE)"
        } else {
            ""
        };
        let cmd = format!("SELECT {}{condstore}", mailbox_arg(path)?);
        let mut exists = 0;
        let mut uid_validity = 0;
        let mut uid_next = 0;
        let mut highest_modseq = 0;
        let result = self
            .each(&cmd, |r| match r {
                Response::MailboxData(MailboxDatum::Exists(n)) => exists = *n,
                Response::Data { outcome, .. } => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => uid_validity = v,
                    Some(ResponseCode::UidNext(v)) => uid_next = v,
                    Some(ResponseCode::HighestModSeq(v)) => highest_modseq = v,
                    _ => {}
                },
                _ => {}
            })
            .await;
        match result {
            Err(ImapError::Refused(text))
                if !text.starts_with('[') || text.contains("NONEXISTENT") =>
            {
                return Err(ImapError::NoSuchFolder(path.to_string()));
            }
            Err(ImapError::NoSuchFolder(_)) => {
                return Err(ImapError::NoSuchFolder(path.to_string()));
            }
            other => other?,
        }
        let sel = Selected {
            path: path.to_string(),
            exists,
            uid_validity,
            uid_next,
            highest_modseq,
        };
        if let Some(cached) = self.sorted.get(path)
            && (cached.uid_validity != uid_validity
                || cached.uid_next != uid_next
                || cached.uids.len() as u32 != exists)
        {
            self.sorted.remove(path);
        }
        self.selected = Some(sel.clone());
        Ok(sel)
    }

    /// Unread messages of the selected folder. Like any UID command, it
    /// also brings the folder's pending changes. (ESEARCH's `RETURN (COUNT)`
    /// would be shorter, but imap-proto cannot parse its answer.)
    async fn unseen_count(&mut self) -> Result<u32, ImapError> {
        let mut unseen = 0;
        self.each("UID SEARCH UNSEEN", |r| {
            if let Response::MailboxData(MailboxDatum::Search(ids)) = r {
                unseen += ids.len() as u32;
            }
        })
        .await?;
        Ok(unseen)
    }

    /// Every UID of the selected folder, newest arrival first (`UID SORT`,
    /// RFC 5256), cached until the folder's membership changes.
    async fn sorted_uids(&mut self, sel: &Selected) -> Result<Arc<Vec<u32>>, ImapError> {
        if let Some(cached) = self.sorted.get(&sel.path)
            && cached.uid_validity == sel.uid_validity
            && cached.uids.len() as u32 == sel.exists
        {
            return Ok(cached.uids.clone());
        }
        let generation = self.generation;
        let uids: Vec<u32> = if sel.exists == 0 {
            Vec::new()
        } else if self.has("SORT") {
            let mut v = Vec::with_capacity(sel.exists as usize);
            self.each("UID SORT (REVERSE ARRIVAL) UTF-8 ALL", |r| {
                if let Response::MailboxData(MailboxDatum::Sort(ids)) = r {
                    v.extend_from_slice(ids);
                }
            })
            .await?;
            v
        } else {
            // Without SORT, UIDs ascend with arrival (RFC 3501 §2.3.1.1).
            let mut v = Vec::with_capacity(sel.exists as usize);
            self.each("UID SEARCH ALL", |r| {
                if let Response::MailboxData(MailboxDatum::Search(ids)) = r {
                    v.extend_from_slice(ids);
                }
            })
            .await?;
            v.sort_unstable_by(|a, b| b.cmp(a));
            v
        };
        let uids = Arc::new(uids);
        // Something arrived or left while sorting: use the result once, do
        // not keep it.
        if self.generation == generation {
            self.sorted.insert(
                sel.path.clone(),
                SortedUids {
                    uid_validity: sel.uid_validity,
                    uid_next: sel.uid_next,
                    uids: uids.clone(),
                },
            );
        }
        Ok(uids)
    }

    /// One page of a folder's list, newest first: two round trips when the
    /// folder is selected and its order known (the unread count, which
    /// also brings changes, then the rows).
    pub async fn page(
        &mut self,
        path: &str,
        offset: u32,
        limit: u32,
    ) -> Result<(PageInfo, Vec<SummaryData>), ImapError> {
        self.select(path).await?;
        let generation = self.generation;
        let mut unread = self.unseen_count().await?;
        if self.generation != generation {
            // The search brought news (mail arrived or left), which the
            // server applies after answering: count again on the new view.
            unread = self.unseen_count().await?;
        }
        let sel = self
            .selected
            .clone()
            .ok_or_else(|| ImapError::Protocol("dossier désélectionné".into()))?;
        let uids = self.sorted_uids(&sel).await?;
        let info = PageInfo {
            total: uids.len() as u32,
            unread,
            uid_validity: sel.uid_validity,
            highest_modseq: sel.highest_modseq,
        };
        let start = (offset as usize).min(uids.len());
        let end = (start + limit as usize).min(uids.len());
        let page: Vec<u32> = uids[start..end].to_vec();
        if page.is_empty() {
            return Ok((info, Vec::new()));
        }
        let rows = self.fetch_summaries(&page, SUMMARY_ITEMS).await?;
        Ok((info, rows))
    }

    /// The `limit` most recent messages of a folder, newest first, with
    /// the header fields a filter looks at (From, To, Cc, Subject, Date,
    /// List-Id and `extra_headers`), in one `UID FETCH` over the sorted
    /// UIDs the list uses. Header names must be atoms (letters, digits,
    /// `-`): they are written into the command. `None` fetches the whole
    /// header, for names that are not atoms.
    pub async fn recent_headers(
        &mut self,
        path: &str,
        limit: u32,
        extra_headers: Option<&[String]>,
    ) -> Result<Vec<SummaryData>, ImapError> {
        let section = match extra_headers {
            None => "HEADER".to_string(),
            Some(names) => {
                let mut fields = String::from("HEADER.FIELDS (FROM TO CC SUBJECT DATE LIST-ID");
                for name in names {
                    if !is_header_atom(name) {
                        return Err(ImapError::Invalid(format!("nom d'en-tête: {name}")));
                    }
                    fields.push(' ');
                    fields.push_str(&name.to_ascii_uppercase());
                }
                fields.push(')');
                fields
            }
        };
        self.select(path).await?;
        // Brings what arrived or left since the folder was selected (the
        // cached order is dropped when the membership changed).
        self.noop().await?;
        let sel = self
            .selected
            .clone()
            .ok_or_else(|| ImapError::Protocol("dossier désélectionné".into()))?;
        let uids = self.sorted_uids(&sel).await?;
        let wanted: Vec<u32> = uids.iter().take(limit as usize).copied().collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch_summaries(&wanted, &format!("BODY.PEEK[{section}]"))
            .await
    }

    /// Rows for these UIDs in this order (one `UID FETCH` of UID, FLAGS,
    /// size, arrival date and `items`); a message expunged meanwhile is
    /// skipped.
    async fn fetch_summaries(
        &mut self,
        uids: &[u32],
        items: &str,
    ) -> Result<Vec<SummaryData>, ImapError> {
        let cmd = format!(
            "UID FETCH {} (UID FLAGS RFC822.SIZE INTERNALDATE {items})",
            uid_set(uids)?
        );
        let mut by_uid: HashMap<u32, SummaryData> = HashMap::with_capacity(uids.len());
        self.each(&cmd, |r| {
            if let Response::Fetch(_, attrs) = r {
                let mut s = SummaryData {
                    uid: 0,
                    flags: Flags::default(),
                    size: 0,
                    internal_date: None,
                    has_attachments: false,
                    header: Vec::new(),
                };
                let mut complete = false;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => s.uid = *u,
                        AttributeValue::Flags(f) => s.flags = flags_of(f),
                        AttributeValue::Rfc822Size(n) => s.size = *n,
                        AttributeValue::InternalDate(d) => s.internal_date = parse_internal_date(d),
                        AttributeValue::BodyStructure(b) => s.has_attachments = has_attachments(b),
                        AttributeValue::BodySection { data: Some(d), .. } => {
                            s.header = d.to_vec();
                            complete = true;
                        }
                        _ => {}
                    }
                }
                if s.uid == 0 {
                    return;
                }
                if complete {
                    by_uid.insert(s.uid, s);
                } else if let Some(row) = by_uid.get_mut(&s.uid) {
                    // A flags-only FETCH (another client's change) updates the row.
                    row.flags = s.flags;
                }
            }
        })
        .await?;
        Ok(uids.iter().filter_map(|u| by_uid.remove(u)).collect())
    }

    /// The whole message. With `mark_seen`, `BODY[]` sets `\Seen` in the
    /// same command (RFC 3501 §6.4.5); otherwise `BODY.PEEK[]`.
    pub async fn message(
        &mut self,
        path: &str,
        uid: u32,
        mark_seen: bool,
    ) -> Result<FullMessage, ImapError> {
        match self.message_once(path, uid, mark_seen).await {
            // A message delivered after the folder was selected may not be
            // visible until the server has announced it: NOOP, once more.
            Err(ImapError::NoSuchMessage) => {
                self.noop().await?;
                self.message_once(path, uid, mark_seen).await
            }
            other => other,
        }
    }

    async fn message_once(
        &mut self,
        path: &str,
        uid: u32,
        mark_seen: bool,
    ) -> Result<FullMessage, ImapError> {
        self.select(path).await?;
        let item = if mark_seen { "BODY[]" } else { "BODY.PEEK[]" };
        let cmd = format!("UID FETCH {uid} (UID FLAGS RFC822.SIZE INTERNALDATE {item})");
        let mut msg: Option<FullMessage> = None;
        let mut late_flags: Option<Flags> = None;
        // A whole message may be tens of megabytes: give it time.
        let timeout = self.timeout * 6;
        self.each_within(&cmd, None, timeout, |r| {
            if let Response::Fetch(_, attrs) = r {
                let mut this_uid = 0;
                let mut flags = None;
                let mut size = 0;
                let mut date = None;
                let mut raw = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => this_uid = *u,
                        AttributeValue::Flags(f) => flags = Some(flags_of(f)),
                        AttributeValue::Rfc822Size(n) => size = *n,
                        AttributeValue::InternalDate(d) => date = parse_internal_date(d),
                        AttributeValue::BodySection { data: Some(d), .. } => raw = Some(d.to_vec()),
                        _ => {}
                    }
                }
                if this_uid != uid {
                    return;
                }
                match raw {
                    Some(raw) => {
                        msg = Some(FullMessage {
                            uid,
                            flags: flags.unwrap_or_default(),
                            size,
                            internal_date: date,
                            raw,
                        })
                    }
                    // The server may report the new \Seen in a second FETCH.
                    None => late_flags = flags.or(late_flags),
                }
            }
        })
        .await?;
        let mut msg = msg.ok_or(ImapError::NoSuchMessage)?;
        if let Some(f) = late_flags {
            msg.flags = f;
        }
        if mark_seen {
            msg.flags.seen = true;
        }
        Ok(msg)
    }

    /// Sets or clears `\Seen` and `\Flagged` on messages.
    pub async fn set_flags(
        &mut self,
        path: &str,
        uids: &[u32],
        seen: Option<bool>,
        flagged: Option<bool>,
    ) -> Result<(), ImapError> {
        self.select(path).await?;
        let set = uid_set(uids)?;
        for (flag, value) in [("\\Seen", seen), ("\\Flagged", flagged)] {
            if let Some(v) = value {
                let op = if v { "+FLAGS.SILENT" } else { "-FLAGS.SILENT" };
                self.command(&format!("UID STORE {set} {op} ({flag})"))
                    .await?;
            }
        }
        Ok(())
    }

    /// Moves messages (`UID MOVE`, RFC 6851; COPY + EXPUNGE otherwise).
    pub async fn move_messages(
        &mut self,
        path: &str,
        uids: &[u32],
        to: &str,
    ) -> Result<u32, ImapError> {
        self.select(path).await?;
        let set = uid_set(uids)?;
        let dest = mailbox_arg(to)?;
        let result = if self.has("MOVE") {
            self.command(&format!("UID MOVE {set} {dest}")).await
        } else {
            match self.command(&format!("UID COPY {set} {dest}")).await {
                Ok(_) => {
                    self.command(&format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))
                        .await?;
                    self.expunge(&set).await
                }
                Err(e) => Err(e),
            }
        };
        match result {
            Ok(()) => {
                self.sorted.remove(path);
                self.sorted.remove(to);
                Ok(uids.len() as u32)
            }
            Err(ImapError::NoSuchFolder(_)) => Err(ImapError::NoSuchFolder(to.to_string())),
            Err(e) => Err(e),
        }
    }

    /// Erases messages for good: `\Deleted` then `UID EXPUNGE` (UIDPLUS)
    /// so that only these messages go.
    pub async fn erase(&mut self, path: &str, uids: &[u32]) -> Result<u32, ImapError> {
        self.select(path).await?;
        let set = uid_set(uids)?;
        self.command(&format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"))
            .await?;
        self.expunge(&set).await?;
        self.sorted.remove(path);
        Ok(uids.len() as u32)
    }

    async fn expunge(&mut self, set: &str) -> Result<(), ImapError> {
        if self.has("UIDPLUS") {
            self.command(&format!("UID EXPUNGE {set}")).await
        } else {
            // A plain EXPUNGE would also erase what other clients marked
            // \Deleted: refuse rather than lose someone's mail.
            Err(ImapError::Refused(
                "le serveur ne permet pas d'effacer seulement ces messages (UIDPLUS absent)".into(),
            ))
        }
    }

    /// Path of the folder with a role, from the last folder listing.
    pub async fn folder_with_role(
        &mut self,
        role: FolderRole,
    ) -> Result<Option<String>, ImapError> {
        if self.roles.is_empty() {
            self.folders().await?;
        }
        Ok(self.roles.get(&role).cloned())
    }

    /// Creates a folder (its parents too, as servers do).
    pub async fn create_folder(&mut self, path: &str) -> Result<(), ImapError> {
        self.command(&format!("CREATE {}", mailbox_arg(path)?))
            .await?;
        self.roles.clear();
        Ok(())
    }

    /// Deletes a folder and the messages in it.
    pub async fn delete_folder(&mut self, path: &str) -> Result<(), ImapError> {
        if self.selected.as_ref().is_some_and(|s| s.path == path) {
            // Forget it first: whatever UNSELECT answers, it is no longer ours.
            self.selected = None;
            if self.has("UNSELECT") {
                self.command("UNSELECT").await?;
            } else {
                self.command("EXAMINE INBOX").await?;
            }
        }
        self.command(&format!("DELETE {}", mailbox_arg(path)?))
            .await?;
        self.sorted.remove(path);
        self.roles.clear();
        Ok(())
    }

    /// Appends a message (used by tests and, later, drafts, Sent and
    /// imports) with system flags and an INTERNALDATE
    /// (`"02-Mar-2026 10:00:00 +0100"`), or now. The message goes as a
    /// non-synchronizing literal (LITERAL+, RFC 7888) where offered.
    pub async fn append(
        &mut self,
        path: &str,
        flags: &[&str],
        date: Option<&str>,
        raw: &[u8],
    ) -> Result<Option<u32>, ImapError> {
        for f in flags {
            if !is_flag(f) {
                return Err(ImapError::Invalid(format!("drapeau « {f} »")));
            }
        }
        let mailbox = mailbox_arg(path)?;
        let date = match date {
            Some(d) => format!(" {}", quote(d)?),
            None => String::new(),
        };
        let flags = flags.join(" ");
        let timeout = self.timeout * 6;
        let result = if self.has("LITERAL+") {
            let cmd = format!("APPEND {mailbox} ({flags}){date} {{{}+}}", raw.len());
            self.each_within(&cmd, Some((raw, "")), timeout, |_| {})
                .await
        } else {
            let mailbox = mutf7::encode(path);
            let flags = format!("({flags})");
            let date = date.trim().to_string();
            let date = (!date.is_empty()).then_some(date);
            self.in_flight = true;
            let r = tokio::time::timeout(
                timeout,
                self.session
                    .append(&mailbox, Some(&flags), date.as_deref(), raw),
            )
            .await
            .map_err(|_| ImapError::Timeout)
            .and_then(|r| r.map_err(ImapError::from));
            // async-imap's APPEND reads its answer whole unless the
            // connection broke.
            if !matches!(
                r,
                Err(ImapError::ConnectionLost(_))
                    | Err(ImapError::Timeout)
                    | Err(ImapError::Protocol(_))
            ) {
                self.in_flight = false;
            }
            r
        };
        match result {
            Err(ImapError::Refused(t)) if t.contains("TryCreate") || t.contains("TRYCREATE") => {
                Err(ImapError::NoSuchFolder(path.to_string()))
            }
            Err(e) => Err(e),
            Ok(()) => {
                self.sorted.remove(path);
                // The new message's UID (UIDPLUS), when the server said it.
                Ok(self.last_append_uid.take())
            }
        }
    }

    /// Adds flags or keywords (`\Answered`, `$Forwarded`, `$Junk`…) to messages.
    pub async fn add_flags(
        &mut self,
        path: &str,
        uids: &[u32],
        flags: &[&str],
    ) -> Result<(), ImapError> {
        self.store_flags(path, uids, '+', flags).await
    }

    /// `UID STORE` adding (`+`) or removing (`-`) checked flags.
    async fn store_flags(
        &mut self,
        path: &str,
        uids: &[u32],
        sign: char,
        flags: &[&str],
    ) -> Result<(), ImapError> {
        for f in flags {
            if !is_flag(f) {
                return Err(ImapError::Invalid(format!("drapeau « {f} »")));
            }
        }
        self.select(path).await?;
        let set = uid_set(uids)?;
        self.command(&format!(
            "UID STORE {set} {sign}FLAGS.SILENT ({})",
            flags.join(" ")
        ))
        .await
    }

    /// Reads a private server annotation of the account (RFC 5464
    /// METADATA on the server, mailbox `""`), `None` when unset.
    pub async fn get_metadata(&mut self, entry: &str) -> Result<Option<String>, ImapError> {
        if !self.has("METADATA") {
            return Err(ImapError::Refused(
                "le serveur ne conserve pas les préférences (METADATA absent)".into(),
            ));
        }
        let entry = metadata_entry(entry)?;
        let mut value = None;
        self.each(&format!("GETMETADATA \"\" {entry}"), |r| {
            if let Response::MailboxData(MailboxDatum::MetadataSolicited { values, .. }) = r {
                for m in values {
                    if m.entry.eq_ignore_ascii_case(&entry) {
                        value = m.value.clone();
                    }
                }
            }
        })
        .await?;
        Ok(value)
    }

    /// Writes (or with `None` removes) a private server annotation; the
    /// value goes as a literal so any text fits.
    pub async fn set_metadata(
        &mut self,
        entry: &str,
        value: Option<&str>,
    ) -> Result<(), ImapError> {
        if !self.has("METADATA") {
            return Err(ImapError::Refused(
                "le serveur ne conserve pas les préférences (METADATA absent)".into(),
            ));
        }
        let entry = metadata_entry(entry)?;
        match value {
            None => {
                self.command(&format!("SETMETADATA \"\" ({entry} NIL)"))
                    .await
            }
            Some(v) if self.has("LITERAL+") => {
                let cmd = format!("SETMETADATA \"\" ({entry} {{{}+}}", v.len());
                let timeout = self.timeout;
                self.each_within(&cmd, Some((v.as_bytes(), ")")), timeout, |_| {})
                    .await
            }
            Some(v) => {
                let q = quote(v)?;
                self.command(&format!("SETMETADATA \"\" ({entry} {q})"))
                    .await
            }
        }
    }

    /// Whole messages for reading offline, in one `UID FETCH` of the whole
    /// set with `BODY.PEEK[]` (nothing is marked read). Each body is asked
    /// for up to `max_each + 1` bytes (a partial fetch, RFC 3501 §6.4.5):
    /// a message longer than `max_each` is dropped as it arrives, and so is
    /// any message that would take the bytes kept past `max_total`, so what
    /// is held in memory stays bounded. UIDs that do not exist (any more)
    /// are absent. The answer follows the order of `uids`.
    pub async fn messages(
        &mut self,
        path: &str,
        uids: &[u32],
        max_each: usize,
        max_total: usize,
    ) -> Result<Vec<FullMessage>, ImapError> {
        let set = uid_set(uids)?;
        self.select(path).await?;
        let cmd = format!(
            "UID FETCH {set} (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[]<0.{}>)",
            max_each.saturating_add(1)
        );
        let wanted: std::collections::HashSet<u32> = uids.iter().copied().collect();
        let mut by_uid: HashMap<u32, FullMessage> = HashMap::new();
        let mut late_flags: HashMap<u32, Flags> = HashMap::new();
        let mut kept = 0usize;
        // Whole messages may be large: give them time.
        let timeout = self.timeout * 6;
        self.each_within(&cmd, None, timeout, |r| {
            let Response::Fetch(_, attrs) = r else {
                return;
            };
            let mut uid = 0;
            let mut flags = None;
            let mut size = 0;
            let mut date = None;
            let mut raw: Option<&[u8]> = None;
            for a in attrs {
                match a {
                    AttributeValue::Uid(u) => uid = *u,
                    AttributeValue::Flags(f) => flags = Some(flags_of(f)),
                    AttributeValue::Rfc822Size(n) => size = *n,
                    AttributeValue::InternalDate(d) => date = parse_internal_date(d),
                    AttributeValue::BodySection { data: Some(d), .. } => raw = Some(d),
                    _ => {}
                }
            }
            if !wanted.contains(&uid) {
                return;
            }
            match raw {
                Some(raw) => {
                    // Longer than the partial fetch allows, or over budget.
                    if raw.len() > max_each
                        || size as usize > max_each
                        || kept.saturating_add(raw.len()) > max_total
                        || by_uid.contains_key(&uid)
                    {
                        return;
                    }
                    kept += raw.len();
                    by_uid.insert(
                        uid,
                        FullMessage {
                            uid,
                            flags: flags.unwrap_or_default(),
                            size,
                            internal_date: date,
                            raw: raw.to_vec(),
                        },
                    );
                }
                // Another client's change, reported while we read.
                None => {
                    if let Some(f) = flags {
                        late_flags.insert(uid, f);
                    }
                }
            }
        })
        .await?;
        for (uid, f) in late_flags {
            if let Some(m) = by_uid.get_mut(&uid) {
                m.flags = f;
            }
        }
        let mut seen = std::collections::HashSet::new();
        Ok(uids
            .iter()
            .filter(|u| seen.insert(**u))
            .filter_map(|u| by_uid.remove(u))
            .collect())
    }

    /// Selects a folder with QRESYNC (RFC 7162 §3.2.5) to learn what
    /// changed since `modseq`, a HIGHESTMODSEQ the client got with this
    /// `uid_validity`: flags changed and messages arrived (FETCH), UIDs
    /// expunged (VANISHED (EARLIER)), the new HIGHESTMODSEQ, and the counts.
    ///
    /// One round trip: `ENABLE QRESYNC` (the first time on this
    /// connection), the `SELECT` and the `UID SEARCH UNSEEN` that counts
    /// unread messages are pipelined (RFC 3501 §5.5), written together and
    /// answered together. The folder is then the selected one, with the
    /// same bookkeeping as [`ImapConn::select`].
    ///
    /// `reset` when the server cannot say what changed: no QRESYNC, another
    /// UIDVALIDITY, no mod-sequences for this folder, a `modseq` of 0, or
    /// more expunged UIDs than is worth listing.
    pub async fn select_qresync(
        &mut self,
        path: &str,
        uid_validity: u32,
        modseq: u64,
    ) -> Result<QresyncResult, ImapError> {
        let mailbox = mailbox_arg(path)?;
        // mod-sequence-value: 1 to 2^63-1 (RFC 7162 §7).
        if !self.has("QRESYNC") || uid_validity == 0 || modseq == 0 || modseq > i64::MAX as u64 {
            return self.resync_by_reset(path).await;
        }
        let enabling = !self.qresync_enabled;
        let mut cmds = Vec::with_capacity(3);
        if enabling {
            cmds.push("ENABLE QRESYNC".to_string());
        }
        let select_at = cmds.len();
        cmds.push(format!(
            "SELECT {mailbox} (QRESYNC ({uid_validity} {modseq}))"
        ));
        cmds.push("UID SEARCH UNSEEN".to_string());
        // Whatever the answer, the folder selected before is no longer.
        self.selected = None;
        let mut found = ResyncFound::default();
        let timeout = self.timeout * 3;
        let outcomes = self
            .pipeline(&cmds, timeout, |i, r| {
                if i >= select_at {
                    found.take(r, i == select_at);
                }
            })
            .await?;
        let mut outcomes = outcomes.into_iter();
        if enabling {
            match outcomes.next() {
                Some(Ok(())) => self.qresync_enabled = true,
                // Refused (a server that wants ENABLE before any SELECT):
                // the QRESYNC SELECT failed as well; do without.
                _ => return self.resync_by_reset(path).await,
            }
        }
        match outcomes.next() {
            Some(Ok(())) => {}
            Some(Err(ImapError::Refused(text)))
                if !text.starts_with('[') || text.contains("NONEXISTENT") =>
            {
                return Err(ImapError::NoSuchFolder(path.to_string()));
            }
            Some(Err(ImapError::NoSuchFolder(_))) => {
                return Err(ImapError::NoSuchFolder(path.to_string()));
            }
            Some(Err(e)) => return Err(e),
            None => return Err(ImapError::Protocol("SELECT sans réponse".into())),
        }
        let sel = Selected {
            path: path.to_string(),
            exists: found.exists,
            uid_validity: found.uid_validity,
            uid_next: found.uid_next,
            highest_modseq: found.highest_modseq,
        };
        // The order cached for this folder holds while its membership is
        // unchanged, as after a plain SELECT.
        if let Some(cached) = self.sorted.get(path)
            && (cached.uid_validity != sel.uid_validity
                || cached.uid_next != sel.uid_next
                || cached.uids.len() as u32 != sel.exists
                || found.membership_changed)
        {
            self.sorted.remove(path);
        }
        if found.membership_changed {
            self.generation += 1;
        }
        self.selected = Some(sel);
        match outcomes.next() {
            Some(Ok(())) => {}
            Some(Err(e)) => return Err(e),
            None => return Err(ImapError::Protocol("SEARCH sans réponse".into())),
        }
        let reset = found.uid_validity != uid_validity
            || found.highest_modseq == 0
            || found.too_many_vanished;
        let (changed, vanished) = if reset {
            (Vec::new(), Vec::new())
        } else {
            let mut vanished: Vec<u32> = found.vanished.into_iter().collect();
            vanished.sort_unstable();
            let mut changed: Vec<(u32, Flags)> = found
                .changed
                .into_iter()
                .filter(|(u, _)| vanished.binary_search(u).is_err())
                .collect();
            changed.sort_unstable_by_key(|(u, _)| *u);
            (changed, vanished)
        };
        Ok(QresyncResult {
            uid_validity: found.uid_validity,
            highest_modseq: found.highest_modseq,
            reset,
            changed,
            vanished,
            total: found.exists,
            unread: found.unread,
        })
    }

    /// The answer when the server cannot tell changes: the counts and
    /// HIGHESTMODSEQ (when CONDSTORE gives one) to start again from.
    async fn resync_by_reset(&mut self, path: &str) -> Result<QresyncResult, ImapError> {
        self.select(path).await?;
        let unread = self.unseen_count().await?;
        let sel = self
            .selected
            .clone()
            .ok_or_else(|| ImapError::Protocol("dossier désélectionné".into()))?;
        Ok(QresyncResult {
            uid_validity: sel.uid_validity,
            highest_modseq: sel.highest_modseq,
            reset: true,
            changed: Vec::new(),
            vanished: Vec::new(),
            total: sel.exists,
            unread,
        })
    }

    /// Sends commands together (pipelining, RFC 3501 §5.5) and reads their
    /// answers: one round trip for all. `each` gets every untagged
    /// response with the index of the first command not yet answered.
    /// The outer error is the connection's (lost, timed out, BYE); the
    /// inner results are each command's own `OK`, `NO` or `BAD`. Unlike
    /// [`ImapConn::each`], the selected folder's bookkeeping is left to
    /// the caller, which deselects it first.
    async fn pipeline(
        &mut self,
        cmds: &[String],
        timeout: Duration,
        mut each: impl FnMut(usize, &Response<'_>),
    ) -> Result<Vec<Result<(), ImapError>>, ImapError> {
        self.in_flight = true;
        let result = tokio::time::timeout(timeout, async {
            let mut tags = Vec::with_capacity(cmds.len());
            for cmd in cmds {
                tags.push(self.session.run_command(cmd).await?);
            }
            let mut outcomes: Vec<Option<Result<(), ImapError>>> =
                cmds.iter().map(|_| None).collect();
            let mut current = 0;
            while current < tags.len() {
                let Some(resp) = self.session.read_response().await? else {
                    return Err(ImapError::ConnectionLost("fermée par le serveur".into()));
                };
                match resp.parsed() {
                    Response::Done {
                        tag,
                        status,
                        outcome,
                    } => {
                        let Some(i) = tags.iter().position(|t| t == tag) else {
                            return Err(ImapError::Protocol(format!(
                                "réponse étiquetée inconnue: {}",
                                short(&tag.0)
                            )));
                        };
                        if let Some(slot) = outcomes.get_mut(i) {
                            *slot = Some(tagged_result(status, outcome));
                        }
                        while outcomes.get(current).is_some_and(Option::is_some) {
                            current += 1;
                        }
                    }
                    Response::Data {
                        status: Status::Bye,
                        outcome,
                    } => {
                        return Err(ImapError::ConnectionLost(
                            outcome.information.as_deref().unwrap_or("BYE").to_string(),
                        ));
                    }
                    other => each(current, other),
                }
            }
            Ok(outcomes
                .into_iter()
                .map(|o| o.unwrap_or_else(|| Err(ImapError::Protocol("sans réponse".into()))))
                .collect::<Vec<_>>())
        })
        .await
        .map_err(|_| ImapError::Timeout)
        .and_then(|r| r);
        if result.is_ok() {
            // Every answer was read: the connection is in step.
            self.in_flight = false;
            self.completed += cmds.len() as u64;
        }
        result
    }

    /// Removes flags or keywords (`$Junk`, `$NotJunk`…) from messages:
    /// the counterpart of [`ImapConn::add_flags`].
    pub async fn remove_flags(
        &mut self,
        path: &str,
        uids: &[u32],
        flags: &[&str],
    ) -> Result<(), ImapError> {
        self.store_flags(path, uids, '-', flags).await
    }

    /// The UIDs of a folder that match `criteria`, in `order` (largest or
    /// newest first): one `UID SORT (REVERSE …) UTF-8` (RFC 5256) where
    /// offered, else `UID SEARCH CHARSET UTF-8` and the order made here.
    /// Every search string goes quoted or as a literal (see
    /// [`SearchCriteria`]); the folder is selected through
    /// [`ImapConn::select`], so the bookkeeping of the selected folder
    /// holds.
    pub async fn search_uids(
        &mut self,
        path: &str,
        criteria: &SearchCriteria,
        order: SearchOrder,
    ) -> Result<Vec<u32>, ImapError> {
        // Built first: a refused criterion sends nothing.
        let sort = self.has("SORT");
        let head = if sort {
            format!("UID SORT (REVERSE {}) UTF-8", order.sort_key())
        } else {
            "UID SEARCH CHARSET UTF-8".to_string()
        };
        let mut wire = WireArgs::new(&head, self.has("LITERAL+"));
        criteria.write(&mut wire)?;
        let (cmd, rest) = wire.finish()?;
        self.select(path).await?;
        let mut uids: Vec<u32> = Vec::new();
        // Without FTS the server reads every message for BODY: give it time.
        let timeout = self.timeout * 6;
        let literal = (!rest.is_empty()).then_some((rest.as_slice(), ""));
        self.each_within(&cmd, literal, timeout, |r| match r {
            Response::MailboxData(MailboxDatum::Sort(ids))
            | Response::MailboxData(MailboxDatum::Search(ids)) => uids.extend_from_slice(ids),
            _ => {}
        })
        .await?;
        if !sort {
            match order {
                // UIDs ascend with arrival (RFC 3501 §2.3.1.1).
                SearchOrder::Arrival => uids.sort_unstable_by(|a, b| b.cmp(a)),
                SearchOrder::Size => {
                    if !uids.is_empty() {
                        let keys = self.fetch_keys(&uids).await?;
                        uids.retain(|u| keys.contains_key(u));
                        uids.sort_by(|a, b| {
                            let size = |u: &u32| keys.get(u).map(|k| k.0).unwrap_or(0);
                            size(b).cmp(&size(a)).then(b.cmp(a))
                        });
                    }
                }
            }
        }
        Ok(uids)
    }

    /// Size and arrival date of messages of the selected folder
    /// (`UID FETCH … (UID RFC822.SIZE INTERNALDATE)`), by UID.
    async fn fetch_keys(&mut self, uids: &[u32]) -> Result<HashMap<u32, (u32, i64)>, ImapError> {
        let cmd = format!(
            "UID FETCH {} (UID RFC822.SIZE INTERNALDATE)",
            uid_set(uids)?
        );
        let mut keys = HashMap::with_capacity(uids.len());
        self.each(&cmd, |r| {
            if let Response::Fetch(_, attrs) = r {
                let (mut uid, mut size, mut date, mut complete) = (0, 0, 0, false);
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = *u,
                        AttributeValue::Rfc822Size(n) => {
                            size = *n;
                            complete = true;
                        }
                        AttributeValue::InternalDate(d) => {
                            date = parse_internal_date(d).unwrap_or(0)
                        }
                        _ => {}
                    }
                }
                // A flags-only FETCH (another client's change) is not ours.
                if uid != 0 && complete {
                    keys.insert(uid, (size, date));
                }
            }
        })
        .await?;
        Ok(keys)
    }

    /// Searches several folders (in the order given, which breaks ties)
    /// and returns one page of the hits merged across them: newest
    /// arrival first, or largest first. Each folder is sorted by the
    /// server; only its first `offset + limit` hits are looked at (their
    /// size and arrival date), then the rows of the page are fetched with
    /// the items of a folder list, folder by folder. A folder that
    /// disappeared meanwhile is skipped when several are searched.
    pub async fn search(
        &mut self,
        folders: &[String],
        criteria: &SearchCriteria,
        order: SearchOrder,
        offset: u32,
        limit: u32,
    ) -> Result<SearchFound, ImapError> {
        struct Key {
            folder: usize,
            uid: u32,
            size: u32,
            date: i64,
        }
        let wanted = offset.saturating_add(limit) as usize;
        let many = folders.len() > 1;
        let mut keys: Vec<Key> = Vec::new();
        let mut total: u32 = 0;
        let mut folders_searched: u32 = 0;
        for (i, path) in folders.iter().enumerate() {
            let uids = match self.search_uids(path, criteria, order).await {
                Ok(u) => u,
                Err(ImapError::NoSuchFolder(_)) if many => continue,
                Err(e) => return Err(e),
            };
            folders_searched += 1;
            total = total.saturating_add(uids.len() as u32);
            let top: Vec<u32> = uids.iter().take(wanted).copied().collect();
            if top.is_empty() {
                continue;
            }
            let found = self.fetch_keys(&top).await?;
            keys.extend(top.into_iter().filter_map(|uid| {
                found.get(&uid).map(|&(size, date)| Key {
                    folder: i,
                    uid,
                    size,
                    date,
                })
            }));
        }
        keys.sort_by(|a, b| {
            let first = match order {
                SearchOrder::Arrival => b.date.cmp(&a.date),
                SearchOrder::Size => b.size.cmp(&a.size),
            };
            first.then(a.folder.cmp(&b.folder)).then(b.uid.cmp(&a.uid))
        });
        let page: Vec<&Key> = keys
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        let mut by_folder: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
        for k in &page {
            by_folder.entry(k.folder).or_default().push(k.uid);
        }
        // The folder still selected first: one SELECT fewer.
        let mut order_of_fetch: Vec<usize> = by_folder.keys().copied().collect();
        if let Some(sel) = &self.selected
            && let Some(pos) = order_of_fetch.iter().position(|&i| folders[i] == sel.path)
        {
            order_of_fetch[..=pos].rotate_right(1);
        }
        let mut rows: HashMap<(usize, u32), SummaryData> = HashMap::new();
        for i in order_of_fetch {
            let Some(uids) = by_folder.get(&i) else {
                continue;
            };
            match self.select(&folders[i]).await {
                Ok(_) => {}
                Err(ImapError::NoSuchFolder(_)) if many => continue,
                Err(e) => return Err(e),
            }
            for row in self.fetch_summaries(uids, SUMMARY_ITEMS).await? {
                rows.insert((i, row.uid), row);
            }
        }
        let hits = page
            .iter()
            .filter_map(|k| {
                rows.remove(&(k.folder, k.uid))
                    .map(|row| (folders[k.folder].clone(), row))
            })
            .collect();
        Ok(SearchFound {
            hits,
            total,
            folders_searched,
        })
    }

    /// Messages in a folder and their bytes, summed from `RFC822.SIZE`
    /// (`STATUS (SIZE)` of RFC 8438 would be shorter, but imap-proto
    /// cannot parse its answer and a parse error breaks the connection).
    pub async fn folder_usage(&mut self, path: &str) -> Result<(u32, u64), ImapError> {
        self.select(path).await?;
        let mut sizes: HashMap<u32, u32> = HashMap::new();
        let timeout = self.timeout * 3;
        self.each_within("UID FETCH 1:* (UID RFC822.SIZE)", None, timeout, |r| {
            if let Response::Fetch(_, attrs) = r {
                let (mut uid, mut size) = (0, None);
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = *u,
                        AttributeValue::Rfc822Size(n) => size = Some(*n),
                        _ => {}
                    }
                }
                if let (true, Some(n)) = (uid != 0, size) {
                    sizes.insert(uid, n);
                }
            }
        })
        .await?;
        let bytes = sizes.values().map(|&n| u64::from(n)).sum();
        Ok((sizes.len() as u32, bytes))
    }

    /// Every flag and keyword of one message as the server spells them
    /// (`\Seen`, `$Junk`…); `None` when the message does not exist.
    pub async fn raw_flags(
        &mut self,
        path: &str,
        uid: u32,
    ) -> Result<Option<Vec<String>>, ImapError> {
        self.select(path).await?;
        let mut found = None;
        self.each(
            &format!("UID FETCH {} (UID FLAGS)", uid_set(&[uid])?),
            |r| {
                if let Response::Fetch(_, attrs) = r {
                    let mut this = 0;
                    let mut flags = None;
                    for a in attrs {
                        match a {
                            AttributeValue::Uid(u) => this = *u,
                            AttributeValue::Flags(f) => {
                                flags = Some(f.iter().map(|f| f.to_string()).collect::<Vec<_>>())
                            }
                            _ => {}
                        }
                    }
                    if this == uid && flags.is_some() {
                        found = flags;
                    }
                }
            },
        )
        .await?;
        Ok(found)
    }

    /// Whether `path` is `root` or one of its subfolders, with the
    /// hierarchy delimiter `delim` (only `root` itself without one).
    pub fn is_under(path: &str, root: &str, delim: Option<&str>) -> bool {
        path == root
            || delim.filter(|d| !d.is_empty()).is_some_and(|d| {
                path.strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with(d))
            })
    }

    /// Forgets the selected folder when it is `root` or under it, and
    /// closes it on the server (`UNSELECT`, or `EXAMINE INBOX` without
    /// it), before that folder is renamed or deleted.
    async fn unselect_under(&mut self, root: &str) -> Result<(), ImapError> {
        let delim = self.delimiter.clone();
        if self
            .selected
            .as_ref()
            .is_some_and(|s| Self::is_under(&s.path, root, delim.as_deref()))
        {
            // Whatever the server answers, it is no longer ours.
            self.selected = None;
            if self.has("UNSELECT") {
                self.command("UNSELECT").await?;
            } else {
                self.command("EXAMINE INBOX").await?;
            }
        }
        Ok(())
    }

    /// Forgets what is cached about `root` and its subfolders: their sort
    /// orders, and the special-use roles.
    fn forget_under(&mut self, root: &str) {
        let delim = self.delimiter.clone();
        self.sorted
            .retain(|path, _| !Self::is_under(path, root, delim.as_deref()));
        self.roles.clear();
    }

    /// `root` and every folder under it (`LIST`), or every subscribed name
    /// among them (`LSUB`, with `subscribed`), as UTF-8 paths. The pattern
    /// is `root*`: names that only start like `root` (or that a `*` or `%`
    /// in `root` matches) are filtered out here. Needs the delimiter known
    /// from [`ImapConn::folders`].
    async fn list_under(&mut self, root: &str, subscribed: bool) -> Result<Vec<String>, ImapError> {
        let pattern = quote(&format!("{}*", mutf7::encode(root)))?;
        let verb = if subscribed { "LSUB" } else { "LIST" };
        let mut names = Vec::new();
        self.each(&format!("{verb} \"\" {pattern}"), |r| {
            if let Response::MailboxData(MailboxDatum::List(d)) = r {
                names.push(mutf7::decode(&d.name));
            }
        })
        .await?;
        let delim = self.delimiter.clone();
        names.retain(|n| Self::is_under(n, root, delim.as_deref()));
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Creates a folder (its parents too, as servers do) and subscribes
    /// to it, so that every client shows it.
    pub async fn create_subscribed_folder(&mut self, path: &str) -> Result<(), ImapError> {
        self.create_folder(path).await?;
        self.sorted.remove(path);
        self.set_subscribed(path, true).await
    }

    /// Subscribes to a folder (`SUBSCRIBE`) or unsubscribes from it
    /// (`UNSUBSCRIBE`).
    pub async fn set_subscribed(&mut self, path: &str, subscribed: bool) -> Result<(), ImapError> {
        let verb = if subscribed {
            "SUBSCRIBE"
        } else {
            "UNSUBSCRIBE"
        };
        self.command(&format!("{verb} {}", mailbox_arg(path)?))
            .await
    }

    /// Renames (or moves) a folder; its subfolders follow (RFC 3501
    /// §6.3.5). Subscriptions follow too: every subscribed name under
    /// `from` is subscribed under `to` and unsubscribed under `from`,
    /// whatever the server did itself. A selected folder under `from` is
    /// closed first, and what was cached about both trees is forgotten.
    /// Needs the delimiter known from [`ImapConn::folders`].
    pub async fn rename_folder(&mut self, from: &str, to: &str) -> Result<(), ImapError> {
        let from_arg = mailbox_arg(from)?;
        let to_arg = mailbox_arg(to)?;
        let subscribed = self.list_under(from, true).await?;
        self.unselect_under(from).await?;
        let result = self.command(&format!("RENAME {from_arg} {to_arg}")).await;
        self.forget_under(from);
        self.forget_under(to);
        result?;
        for old in subscribed {
            let Some(rest) = old.strip_prefix(from) else {
                continue;
            };
            let new = format!("{to}{rest}");
            for (name, subscribe) in [(&new, true), (&old, false)] {
                match self.set_subscribed(name, subscribe).await {
                    // The folder is renamed: a subscription the server
                    // will not move is not worth failing for.
                    Err(e) if e.is_connection() => return Err(e),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Deletes a folder and all its subfolders, deepest first, with their
    /// messages, and drops their subscriptions. A node that vanished with
    /// its last child (a `\Noselect` parent) is not an error. Answers how
    /// many folders the server deleted. Needs the delimiter known from
    /// [`ImapConn::folders`].
    pub async fn delete_folder_tree(&mut self, root: &str) -> Result<u32, ImapError> {
        let mut paths = self.list_under(root, false).await?;
        if !paths.iter().any(|p| p == root) {
            paths.push(root.to_string());
        }
        let subscribed = self.list_under(root, true).await?;
        self.unselect_under(root).await?;
        // A subfolder's path is longer than its parent's.
        paths.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
        let mut deleted = 0;
        for path in &paths {
            match self.delete_folder(path).await {
                Ok(()) => deleted += 1,
                Err(ImapError::NoSuchFolder(_)) if path != root || deleted > 0 => {}
                Err(e) => {
                    self.forget_under(root);
                    return Err(e);
                }
            }
        }
        self.forget_under(root);
        for name in subscribed {
            match self.set_subscribed(&name, false).await {
                Err(e) if e.is_connection() => return Err(e),
                _ => {}
            }
        }
        Ok(deleted)
    }

    /// How many messages a folder holds now (selects it and asks for news).
    pub async fn message_count(&mut self, path: &str) -> Result<u32, ImapError> {
        self.select(path).await?;
        self.noop().await?;
        self.selected
            .as_ref()
            .map(|s| s.exists)
            .ok_or_else(|| ImapError::Protocol("dossier désélectionné".into()))
    }

    /// Erases every message of a folder for good: `UID STORE 1:*
    /// +FLAGS.SILENT (\Deleted)` then `UID EXPUNGE 1:*`, refused without
    /// UIDPLUS (a plain EXPUNGE is never sent). Answers how many messages
    /// the server expunged.
    pub async fn erase_all(&mut self, path: &str) -> Result<u32, ImapError> {
        if !self.has("UIDPLUS") {
            return Err(ImapError::Refused(
                "le serveur ne permet pas d'effacer seulement ces messages (UIDPLUS absent)".into(),
            ));
        }
        let sel = self.select(path).await?;
        if sel.exists == 0 {
            return Ok(0);
        }
        self.command("UID STORE 1:* +FLAGS.SILENT (\\Deleted)")
            .await?;
        let mut erased: u32 = 0;
        let result = self
            .each("UID EXPUNGE 1:*", |r| match r {
                Response::Expunge(_) => erased = erased.saturating_add(1),
                Response::Vanished {
                    earlier: false,
                    uids,
                } => {
                    let gone: u32 = uids
                        .iter()
                        .map(|r| r.start().abs_diff(*r.end()).saturating_add(1))
                        .sum();
                    erased = erased.saturating_add(gone);
                }
                _ => {}
            })
            .await;
        self.sorted.remove(path);
        result?;
        Ok(erased)
    }

    /// Every UID of a folder, newest arrival first, and its UIDVALIDITY
    /// (the cached `UID SORT` order, after a `NOOP` brings what arrived
    /// or left since the folder was selected).
    pub async fn all_uids(&mut self, path: &str) -> Result<(u32, Arc<Vec<u32>>), ImapError> {
        self.select(path).await?;
        self.noop().await?;
        let sel = self
            .selected
            .clone()
            .ok_or_else(|| ImapError::Protocol("dossier désélectionné".into()))?;
        let uids = self.sorted_uids(&sel).await?;
        Ok((sel.uid_validity, uids))
    }

    /// Copies messages to another folder (`UID COPY`); answers how many
    /// were asked for.
    pub async fn copy_messages(
        &mut self,
        path: &str,
        uids: &[u32],
        to: &str,
    ) -> Result<u32, ImapError> {
        self.select(path).await?;
        let set = uid_set(uids)?;
        let dest = mailbox_arg(to)?;
        let timeout = self.timeout * 6;
        match self
            .each_within(&format!("UID COPY {set} {dest}"), None, timeout, |_| {})
            .await
        {
            Ok(()) => {
                self.sorted.remove(to);
                Ok(uids.len() as u32)
            }
            Err(ImapError::NoSuchFolder(_)) => Err(ImapError::NoSuchFolder(to.to_string())),
            Err(ImapError::Refused(t)) if t.contains("TRYCREATE") || t.contains("TryCreate") => {
                Err(ImapError::NoSuchFolder(to.to_string()))
            }
            Err(e) => Err(e),
        }
    }

    /// The conversations of a folder, the one with the newest arrival
    /// first; each lists its UIDs oldest arrival first. From `UID THREAD
    /// REFERENCES UTF-8 ALL` (RFC 5256) where offered, else grouped here
    /// by Message-ID, In-Reply-To and References
    /// ([`shared::bulk::group_threads`]). Also answers the folder's
    /// UIDVALIDITY.
    pub async fn threads(&mut self, path: &str) -> Result<(u32, Vec<Vec<u32>>), ImapError> {
        let (uid_validity, sorted) = self.all_uids(path).await?;
        if sorted.is_empty() {
            return Ok((uid_validity, Vec::new()));
        }
        let groups: Vec<Vec<u32>> = if self.has("THREAD=REFERENCES") {
            let lines = self.raw_untagged("UID THREAD REFERENCES UTF-8 ALL").await?;
            let mut groups = Vec::new();
            for line in &lines {
                if let Some(rest) = line
                    .get(..6)
                    .filter(|w| w.eq_ignore_ascii_case("THREAD"))
                    .and_then(|_| line.get(6..))
                {
                    groups.extend(shared::bulk::parse_thread_response(rest));
                }
            }
            groups
        } else {
            let mut rows = Vec::with_capacity(sorted.len());
            for chunk in sorted.chunks(1000) {
                rows.extend(
                    self.fetch_summaries(
                        chunk,
                        "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO REFERENCES)]",
                    )
                    .await?,
                );
            }
            let keys: Vec<shared::bulk::ThreadKeys> = rows
                .iter()
                .map(|r| shared::bulk::ThreadKeys::from_header(&r.header))
                .collect();
            shared::bulk::group_threads(&keys)
                .into_iter()
                .map(|g| {
                    g.into_iter()
                        .filter_map(|i| rows.get(i).map(|r| r.uid))
                        .collect()
                })
                .collect()
        };
        Ok((uid_validity, shared::bulk::order_threads(groups, &sorted)))
    }

    /// Sends a command whose answer imap-proto cannot parse (`THREAD`),
    /// reading the answer here, straight from the stream, byte by byte so
    /// that nothing past the tagged completion is taken from async-imap.
    /// Answers the untagged lines (without `* `); literals in them are
    /// skipped. Membership news (EXISTS, EXPUNGE, VANISHED) drop the
    /// folder's cached order.
    async fn raw_untagged(&mut self, cmd: &str) -> Result<Vec<String>, ImapError> {
        use tokio::io::AsyncReadExt;
        const MAX_LINE: usize = 64 * 1024 * 1024;
        self.in_flight = true;
        let timeout = self.timeout * 3;
        let result = tokio::time::timeout(timeout, async {
            let tag = self.session.run_command(cmd).await?.0;
            let stream = self.session.get_mut();
            let mut lines = Vec::new();
            let mut line: Vec<u8> = Vec::new();
            loop {
                line.clear();
                // One logical line, literals (`{n}\r\n` + n bytes) skipped.
                loop {
                    let b = stream.read_u8().await?;
                    line.push(b);
                    if line.len() > MAX_LINE {
                        return Err(ImapError::Protocol("réponse trop longue".into()));
                    }
                    if line.ends_with(b"\r\n") {
                        let body = &line[..line.len() - 2];
                        let literal = body
                            .iter()
                            .rposition(|&c| c == b'{')
                            .filter(|_| body.ends_with(b"}"))
                            .and_then(|open| {
                                std::str::from_utf8(&body[open + 1..body.len() - 1])
                                    .ok()
                                    .and_then(|n| n.trim_end_matches('+').parse::<u64>().ok())
                            });
                        match literal {
                            Some(n) => {
                                let mut skip = stream.take(n);
                                tokio::io::copy(&mut skip, &mut tokio::io::sink()).await?;
                            }
                            None => break,
                        }
                    }
                }
                let text = String::from_utf8_lossy(&line[..line.len() - 2]).into_owned();
                if let Some(rest) = text.strip_prefix(&format!("{tag} ")) {
                    let upper = rest.to_ascii_uppercase();
                    return if upper.starts_with("OK") {
                        Ok(lines)
                    } else if upper.starts_with("NO") {
                        Err(ImapError::from_refusal(&Status::No, rest))
                    } else {
                        Err(ImapError::from_refusal(&Status::Bad, rest))
                    };
                }
                if let Some(rest) = text.strip_prefix("* ") {
                    if rest.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("BYE")) {
                        return Err(ImapError::ConnectionLost(short(rest)));
                    }
                    lines.push(rest.to_string());
                }
                // A continuation (`+`) is not expected: ignored.
            }
        })
        .await
        .map_err(|_| ImapError::Timeout)
        .and_then(|r| r);
        if matches!(
            &result,
            Ok(_)
                | Err(ImapError::Refused(_))
                | Err(ImapError::NoSuchFolder(_))
                | Err(ImapError::OverQuota)
        ) {
            self.in_flight = false;
            self.completed += 1;
        }
        if let Ok(lines) = &result {
            let news = lines.iter().any(|l| {
                let mut words = l.split_ascii_whitespace();
                let first = words.next().unwrap_or("");
                let second = words.next().unwrap_or("").to_ascii_uppercase();
                first.eq_ignore_ascii_case("VANISHED")
                    || (first.parse::<u32>().is_ok() && (second == "EXISTS" || second == "EXPUNGE"))
            });
            if news && let Some(sel) = self.selected.clone() {
                // Counts are learnt again with the next NOOP.
                self.sorted.remove(&sel.path);
                self.generation += 1;
                self.selected = None;
                self.select(&sel.path).await?;
            }
        }
        result
    }

    /// List rows (the items of [`ImapConn::page`]) for these UIDs, in
    /// this order; UIDs gone are absent.
    pub async fn summaries(
        &mut self,
        path: &str,
        uids: &[u32],
    ) -> Result<Vec<SummaryData>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        self.select(path).await?;
        self.fetch_summaries(uids, SUMMARY_ITEMS).await
    }

    /// The `Message-ID`, `In-Reply-To` and `References` fields of these
    /// messages (in the `header` of each row).
    pub async fn thread_headers(
        &mut self,
        path: &str,
        uids: &[u32],
    ) -> Result<Vec<SummaryData>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        self.select(path).await?;
        self.fetch_summaries(
            uids,
            "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO REFERENCES)]",
        )
        .await
    }

    /// The unread UIDs of a folder (`UID SEARCH UNSEEN`).
    pub async fn unseen_uids(
        &mut self,
        path: &str,
    ) -> Result<std::collections::HashSet<u32>, ImapError> {
        self.select(path).await?;
        let mut uids = std::collections::HashSet::new();
        self.each("UID SEARCH UNSEEN", |r| {
            if let Response::MailboxData(MailboxDatum::Search(ids)) = r {
                uids.extend(ids.iter().copied());
            }
        })
        .await?;
        Ok(uids)
    }

    /// The messages of a folder that answer one of these Message-IDs
    /// (`HEADER In-Reply-To` or `HEADER References` holding it, every id
    /// quoted), ascending. Ids that cannot be quoted are skipped.
    pub async fn replies_to(&mut self, path: &str, ids: &[String]) -> Result<Vec<u32>, ImapError> {
        let mut keys: Vec<String> = Vec::new();
        for id in ids.iter().take(200) {
            let Ok(q) = quote(id) else {
                continue;
            };
            keys.push(format!("HEADER In-Reply-To {q}"));
            keys.push(format!("HEADER References {q}"));
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut program = "OR ".repeat(keys.len() - 1);
        program.push_str(&keys.join(" "));
        self.select(path).await?;
        let mut uids = Vec::new();
        let timeout = self.timeout * 3;
        self.each_within(&format!("UID SEARCH {program}"), None, timeout, |r| {
            if let Response::MailboxData(MailboxDatum::Search(found)) = r {
                uids.extend_from_slice(found);
            }
        })
        .await?;
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    // ── Watching a folder for live updates (a dedicated connection) ──

    /// `EXAMINE`s a folder (read-only: watching it changes nothing, not
    /// even `\Recent`) and reads its membership: every UID in sequence
    /// order (`UID SEARCH ALL`) and the unread count. The connection is
    /// then meant for [`ImapConn::idle`] and the other `watch_*` methods
    /// only: it is marked as having no folder selected, so that no other
    /// operation writes to a folder opened read-only.
    pub async fn watch_folder(
        &mut self,
        path: &str,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<WatchedFolder, ImapError> {
        self.selected = None;
        let cmd = format!("EXAMINE {}", mailbox_arg(path)?);
        let (mut exists, mut uid_validity, mut uid_next) = (0, 0, 0);
        let result = self
            .each(&cmd, |r| match r {
                Response::MailboxData(MailboxDatum::Exists(n)) => exists = *n,
                Response::Data { outcome, .. } => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => uid_validity = v,
                    Some(ResponseCode::UidNext(v)) => uid_next = v,
                    _ => {}
                },
                _ => {}
            })
            .await;
        match result {
            Err(ImapError::Refused(_) | ImapError::NoSuchFolder(_)) => {
                return Err(ImapError::NoSuchFolder(path.to_string()));
            }
            other => other?,
        }
        let uids = self.watch_uids(updates).await?;
        let unread = self.watch_unread(updates).await?;
        Ok(WatchedFolder {
            exists,
            uid_validity,
            uid_next,
            uids,
            unread,
        })
    }

    /// Every UID of the watched folder, ascending (= sequence order).
    pub async fn watch_uids(
        &mut self,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<Vec<u32>, ImapError> {
        let mut uids = Vec::new();
        self.each("UID SEARCH ALL", |r| match r {
            Response::MailboxData(MailboxDatum::Search(ids)) => uids.extend_from_slice(ids),
            other => MailboxUpdate::take(other, updates),
        })
        .await?;
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// Unread messages of the watched folder.
    pub async fn watch_unread(
        &mut self,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<u32, ImapError> {
        let mut unread = 0u32;
        self.each("UID SEARCH UNSEEN", |r| match r {
            Response::MailboxData(MailboxDatum::Search(ids)) => {
                unread = unread.saturating_add(ids.len() as u32);
            }
            other => MailboxUpdate::take(other, updates),
        })
        .await?;
        Ok(unread)
    }

    /// List rows (the items of [`ImapConn::page`]) of the watched folder's
    /// messages with a UID above `after`, ascending.
    pub async fn watch_new(
        &mut self,
        after: u32,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<Vec<SummaryData>, ImapError> {
        let first = after.saturating_add(1);
        let cmd =
            format!("UID FETCH {first}:* (UID FLAGS RFC822.SIZE INTERNALDATE {SUMMARY_ITEMS})");
        let mut rows: Vec<SummaryData> = Vec::new();
        self.each(&cmd, |r| {
            let Response::Fetch(_, attrs) = r else {
                return MailboxUpdate::take(r, updates);
            };
            if !attrs
                .iter()
                .any(|a| matches!(a, AttributeValue::BodySection { .. }))
            {
                // Flags changed on another message meanwhile.
                return MailboxUpdate::take(r, updates);
            }
            let mut s = SummaryData {
                uid: 0,
                flags: Flags::default(),
                size: 0,
                internal_date: None,
                has_attachments: false,
                header: Vec::new(),
            };
            for a in attrs {
                match a {
                    AttributeValue::Uid(u) => s.uid = *u,
                    AttributeValue::Flags(f) => s.flags = flags_of(f),
                    AttributeValue::Rfc822Size(n) => s.size = *n,
                    AttributeValue::InternalDate(d) => s.internal_date = parse_internal_date(d),
                    AttributeValue::BodyStructure(b) => s.has_attachments = has_attachments(b),
                    AttributeValue::BodySection { data: Some(d), .. } => s.header = d.to_vec(),
                    _ => {}
                }
            }
            // `n:*` names the last message even when its UID is below n.
            if s.uid >= first {
                rows.push(s);
            }
        })
        .await?;
        rows.sort_unstable_by_key(|s| s.uid);
        rows.dedup_by_key(|s| s.uid);
        Ok(rows)
    }

    /// `NOOP`, keeping what the server announces: a full sync, which also
    /// brings changes made between two IDLEs (Dovecot's lighter sync of a
    /// UID SEARCH may not, and its IDLE only tells what happens after it
    /// began).
    pub async fn watch_sync(&mut self, updates: &mut Vec<MailboxUpdate>) -> Result<(), ImapError> {
        self.each("NOOP", |r| MailboxUpdate::take(r, updates)).await
    }

    /// `STATUS (MESSAGES UNSEEN)` of a folder other than the watched one:
    /// (total, unread).
    pub async fn watch_status(
        &mut self,
        path: &str,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<(u32, u32), ImapError> {
        let cmd = format!("STATUS {} (MESSAGES UNSEEN)", mailbox_arg(path)?);
        let mut counts = (0, 0);
        self.each(&cmd, |r| match r {
            Response::MailboxData(MailboxDatum::Status { status, .. }) => {
                counts = status_counts(status);
            }
            other => MailboxUpdate::take(other, updates),
        })
        .await?;
        Ok(counts)
    }

    /// Waits for changes of the selected folder with IDLE (RFC 2177): sends
    /// `IDLE`, gathers what the server pushes, and ends it (`DONE`, then
    /// the tagged answer) once something came (after a short pause, so that
    /// a burst comes as one batch), after `max`, or when `stop` completes.
    /// Answers whether `stop` did. Without IDLE, waits (at most 30 s) and
    /// polls with NOOP.
    pub async fn idle(
        &mut self,
        max: Duration,
        stop: impl std::future::Future<Output = ()>,
        updates: &mut Vec<MailboxUpdate>,
    ) -> Result<bool, ImapError> {
        let stop = std::pin::pin!(stop);
        if !self.has("IDLE") {
            let stopped = tokio::select! {
                _ = stop => true,
                _ = tokio::time::sleep(max.min(Duration::from_secs(30))) => false,
            };
            if !stopped {
                self.each("NOOP", |r| MailboxUpdate::take(r, updates))
                    .await?;
            }
            return Ok(stopped);
        }
        let timeout = self.timeout;
        self.in_flight = true;
        let tag = tokio::time::timeout(timeout, self.session.run_command("IDLE"))
            .await
            .map_err(|_| ImapError::Timeout)??;
        // Up to the continuation request.
        loop {
            let resp = tokio::time::timeout(timeout, self.session.read_response())
                .await
                .map_err(|_| ImapError::Timeout)??
                .ok_or_else(|| ImapError::ConnectionLost("fermée par le serveur".into()))?;
            match resp.parsed() {
                Response::Continue(_) => break,
                Response::Done {
                    tag: t,
                    status,
                    outcome,
                } if *t == tag => {
                    // Refused before it began: the connection is in step.
                    self.in_flight = false;
                    self.completed += 1;
                    tagged_result(status, outcome)?;
                    return Err(ImapError::Protocol("IDLE terminé sans DONE".into()));
                }
                other => MailboxUpdate::check_take(other, updates)?,
            }
        }
        let before = updates.len();
        let deadline = tokio::time::Instant::now() + max;
        let mut wake = deadline;
        let mut stop = stop;
        let stopped = loop {
            tokio::select! {
                biased;
                _ = &mut stop => break true,
                _ = tokio::time::sleep_until(wake) => break false,
                resp = self.session.read_response() => {
                    let resp = resp?.ok_or_else(|| {
                        ImapError::ConnectionLost("fermée par le serveur".into())
                    })?;
                    MailboxUpdate::check_take(resp.parsed(), updates)?;
                    if updates.len() > before && wake == deadline {
                        wake = deadline.min(
                            tokio::time::Instant::now() + Duration::from_millis(150),
                        );
                    }
                }
            }
        };
        tokio::time::timeout(timeout, self.session.run_command_untagged("DONE"))
            .await
            .map_err(|_| ImapError::Timeout)??;
        loop {
            let resp = tokio::time::timeout(timeout, self.session.read_response())
                .await
                .map_err(|_| ImapError::Timeout)??
                .ok_or_else(|| ImapError::ConnectionLost("fermée par le serveur".into()))?;
            match resp.parsed() {
                Response::Done {
                    tag: t,
                    status,
                    outcome,
                } if *t == tag => {
                    self.in_flight = false;
                    self.completed += 1;
                    tagged_result(status, outcome)?;
                    return Ok(stopped);
                }
                other => MailboxUpdate::check_take(other, updates)?,
            }
        }
    }
}

/// A change of the selected folder the server announced on its own
/// (RFC 3501 §7: with any command, or while idling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailboxUpdate {
    /// `* n EXISTS`: the folder now holds n messages.
    Exists(u32),
    /// `* n EXPUNGE`: message n is gone; those after it move down by one.
    Expunge(u32),
    /// `* n FETCH (FLAGS …)`: the flags of message n (its UID when sent).
    Flags {
        seq: u32,
        uid: Option<u32>,
        flags: Flags,
    },
    /// `* VANISHED` (QRESYNC): these UIDs are gone.
    Vanished(Vec<u32>),
}

impl MailboxUpdate {
    /// Keeps `r` when it is such a change.
    fn take(r: &Response<'_>, out: &mut Vec<MailboxUpdate>) {
        match r {
            Response::MailboxData(MailboxDatum::Exists(n)) => out.push(MailboxUpdate::Exists(*n)),
            Response::Expunge(n) => out.push(MailboxUpdate::Expunge(*n)),
            Response::Fetch(seq, attrs) => {
                let mut uid = None;
                let mut flags = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = Some(*u),
                        AttributeValue::Flags(f) => flags = Some(flags_of(f)),
                        _ => {}
                    }
                }
                if let Some(flags) = flags {
                    out.push(MailboxUpdate::Flags {
                        seq: *seq,
                        uid,
                        flags,
                    });
                }
            }
            Response::Vanished {
                earlier: false,
                uids,
            } => {
                let mut v = Vec::new();
                for r in uids {
                    let (a, b) = (*r.start().min(r.end()), *r.start().max(r.end()));
                    if (b - a) as usize >= MAX_VANISHED || v.len() >= MAX_VANISHED {
                        break;
                    }
                    v.extend(a..=b);
                }
                out.push(MailboxUpdate::Vanished(v));
            }
            _ => {}
        }
    }

    /// The same, a `BYE` being the end of the connection.
    fn check_take(r: &Response<'_>, out: &mut Vec<MailboxUpdate>) -> Result<(), ImapError> {
        if let Response::Data {
            status: Status::Bye,
            outcome,
        } = r
        {
            return Err(ImapError::ConnectionLost(short(
                outcome.information.as_deref().unwrap_or("BYE"),
            )));
        }
        Self::take(r, out);
        Ok(())
    }
}

/// A folder as [`ImapConn::watch_folder`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedFolder {
    pub exists: u32,
    pub uid_validity: u32,
    pub uid_next: u32,
    /// Every UID, ascending: the UID of message n is `uids[n - 1]`.
    pub uids: Vec<u32>,
    pub unread: u32,
}

/// What a list row fetches besides UID, flags, size and date: the same
/// items as [`ImapConn::page`].
/// What a list row is made of (see `routes::messages::summary_of`).
const SUMMARY_ITEMS: &str = "BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)]";

/// What a search looks for; every part must match (AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchCriteria {
    /// Each word must be in From, To, Cc, Subject or the body
    /// (`OR OR OR OR FROM w TO w CC w SUBJECT w BODY w` per word). Sent
    /// quoted when plain ASCII, else as a literal; control characters
    /// are refused.
    pub words: Vec<String>,
    /// Arrived on or after this day (`SINCE`).
    pub since: Option<chrono::NaiveDate>,
    /// Arrived before this day (`BEFORE`).
    pub before: Option<chrono::NaiveDate>,
    /// `HEADER Content-Type "multipart/mixed"`: an approximation of "has
    /// an attachment" that IMAP SEARCH can answer (a message with
    /// attachments is nearly always multipart/mixed; a mixed message with
    /// inline parts only is counted too, and an attachment nested deeper
    /// than the top-level type is missed).
    pub multipart_mixed: bool,
    pub unread: bool,
    pub flagged: bool,
    /// Bigger than this many bytes (`LARGER`).
    pub larger_than: Option<u32>,
}

impl SearchCriteria {
    /// Appends the search keys; `ALL` when there are none.
    fn write(&self, w: &mut WireArgs) -> Result<(), ImapError> {
        let mut any = false;
        for word in &self.words {
            w.atom("OR OR OR OR FROM");
            w.string(word)?;
            for key in ["TO", "CC", "SUBJECT", "BODY"] {
                w.atom(key);
                w.string(word)?;
            }
            any = true;
        }
        if let Some(d) = self.since {
            w.atom(&format!("SINCE {}", imap_date(d)));
            any = true;
        }
        if let Some(d) = self.before {
            w.atom(&format!("BEFORE {}", imap_date(d)));
            any = true;
        }
        if self.multipart_mixed {
            w.atom("HEADER Content-Type \"multipart/mixed\"");
            any = true;
        }
        if self.unread {
            w.atom("UNSEEN");
            any = true;
        }
        if self.flagged {
            w.atom("FLAGGED");
            any = true;
        }
        if let Some(n) = self.larger_than {
            w.atom(&format!("LARGER {n}"));
            any = true;
        }
        if !any {
            w.atom("ALL");
        }
        Ok(())
    }
}

/// A day as IMAP writes it (`1-Mar-2026`, RFC 3501 `date`).
fn imap_date(d: chrono::NaiveDate) -> String {
    d.format("%-d-%b-%Y").to_string()
}

/// How search hits are ordered, first to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchOrder {
    /// Newest arrival (INTERNALDATE) first.
    Arrival,
    /// Largest first.
    Size,
}

impl SearchOrder {
    fn sort_key(self) -> &'static str {
        match self {
            SearchOrder::Arrival => "ARRIVAL",
            SearchOrder::Size => "SIZE",
        }
    }
}

/// One page of hits across folders: (folder, row) in order.
#[derive(Debug, Clone)]
pub struct SearchFound {
    pub hits: Vec<(String, SummaryData)>,
    /// Hits in all the folders searched.
    pub total: u32,
    pub folders_searched: u32,
}

/// The arguments of one command, strings quoted or as literals. With
/// LITERAL+ (RFC 7888) a literal needs no wait for the server, so the
/// whole command is written at once: the first line, then everything
/// after the first literal's `{n+}` (more literals included) as one block.
struct WireArgs {
    bytes: Vec<u8>,
    literal_plus: bool,
}

impl WireArgs {
    fn new(head: &str, literal_plus: bool) -> Self {
        WireArgs {
            bytes: head.as_bytes().to_vec(),
            literal_plus,
        }
    }

    /// An argument made by us (keywords, numbers, dates).
    fn atom(&mut self, s: &str) {
        self.bytes.push(b' ');
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// A string from the user: quoted when plain printable ASCII, as a
    /// literal when it holds other characters or quotes or backslashes;
    /// control characters are refused.
    fn string(&mut self, s: &str) -> Result<(), ImapError> {
        if s.chars().any(char::is_control) {
            return Err(ImapError::Invalid(
                "caractère de contrôle dans la recherche".into(),
            ));
        }
        let plain = s.bytes().all(|b| b.is_ascii() && b != b'"' && b != b'\\');
        if plain || (!self.literal_plus && s.is_ascii()) {
            let q = quote(s)?;
            self.atom(&q);
        } else if self.literal_plus {
            self.bytes
                .extend_from_slice(format!(" {{{}+}}\r\n", s.len()).as_bytes());
            self.bytes.extend_from_slice(s.as_bytes());
        } else {
            return Err(ImapError::Refused(
                "le serveur ne permet pas de chercher ce texte (LITERAL+ absent)".into(),
            ));
        }
        Ok(())
    }

    /// The command line (up to the first literal) and what follows it.
    fn finish(self) -> Result<(String, Vec<u8>), ImapError> {
        let cut = self.bytes.windows(2).position(|w| w == b"\r\n");
        let (line, rest) = match cut {
            Some(i) => (self.bytes[..i].to_vec(), self.bytes[i + 2..].to_vec()),
            None => (self.bytes, Vec::new()),
        };
        let line =
            String::from_utf8(line).map_err(|_| ImapError::Invalid("commande non ASCII".into()))?;
        Ok((line, rest))
    }
}

/// A system flag or a keyword made of letters, digits and `_` after `$`.
fn is_flag(f: &str) -> bool {
    matches!(
        f,
        "\\Seen" | "\\Answered" | "\\Flagged" | "\\Draft" | "\\Deleted"
    ) || (f.len() > 1
        && f.starts_with('$')
        && f[1..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// A METADATA entry name under `/private/` or `/shared/`, letters,
/// digits and `.`, `-`, `_`, `/` only.
fn metadata_entry(entry: &str) -> Result<String, ImapError> {
    let ok = (entry.starts_with("/private/") || entry.starts_with("/shared/"))
        && !entry.contains("//")
        && entry
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "./-_".contains(c));
    if ok {
        Ok(entry.to_string())
    } else {
        Err(ImapError::Invalid(format!("entrée « {entry} »")))
    }
}

/// Whether a header name can be written as is in `HEADER.FIELDS`: an
/// IMAP atom made of letters, digits and `-` (RFC 3501 §9 `header-fld-name`).
pub fn is_header_atom(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn capability_name(c: &imap_proto::Capability<'_>) -> String {
    match c {
        imap_proto::Capability::Imap4rev1 => "IMAP4rev1".into(),
        imap_proto::Capability::Auth(a) => format!("AUTH={a}"),
        imap_proto::Capability::Atom(a) => a.to_string(),
    }
}

fn name_attribute(a: &NameAttribute<'_>) -> String {
    match a {
        NameAttribute::NoInferiors => "\\noinferiors".into(),
        NameAttribute::NoSelect => "\\noselect".into(),
        NameAttribute::Marked => "\\marked".into(),
        NameAttribute::Unmarked => "\\unmarked".into(),
        NameAttribute::All => "\\all".into(),
        NameAttribute::Archive => "\\archive".into(),
        NameAttribute::Drafts => "\\drafts".into(),
        NameAttribute::Flagged => "\\flagged".into(),
        NameAttribute::Junk => "\\junk".into(),
        NameAttribute::Sent => "\\sent".into(),
        NameAttribute::Trash => "\\trash".into(),
        NameAttribute::Extension(s) => s.to_ascii_lowercase(),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    }
}

fn role_of(attr: &str) -> Option<FolderRole> {
    Some(match attr {
        "\\drafts" => FolderRole::Drafts,
        "\\sent" => FolderRole::Sent,
        "\\archive" => FolderRole::Archive,
        "\\junk" => FolderRole::Junk,
        "\\trash" => FolderRole::Trash,
        _ => return None,
    })
}

fn status_counts(status: &[StatusAttribute]) -> (u32, u32) {
    let mut total = 0;
    let mut unread = 0;
    for s in status {
        match s {
            StatusAttribute::Messages(n) => total = *n,
            StatusAttribute::Unseen(n) => unread = *n,
            _ => {}
        }
    }
    (total, unread)
}

/// Splits a folder path into (parent, last segment, depth).
fn split_path(path: &str, delim: Option<&str>) -> (Option<String>, String, u32) {
    match delim {
        Some(d) if !d.is_empty() && path.contains(d) => {
            let depth = path.matches(d).count() as u32;
            let (parent, name) = path.rsplit_once(d).unwrap_or(("", path));
            (Some(parent.to_string()), name.to_string(), depth)
        }
        _ => (None, path.to_string(), 0),
    }
}

/// Display order: Inbox, the special folders in a fixed order, then the
/// others alphabetically, children right after their parent.
fn sort_folders(folders: &mut [Folder]) {
    fn rank(f: &Folder) -> u8 {
        match f.role {
            Some(FolderRole::Inbox) => 0,
            Some(FolderRole::Drafts) => 1,
            Some(FolderRole::Sent) => 2,
            Some(FolderRole::Archive) => 3,
            Some(FolderRole::Junk) => 4,
            Some(FolderRole::Trash) => 5,
            None => 6,
        }
    }
    // Sort by the chain of ancestors so children follow their parent.
    let by_path: HashMap<String, (u8, String)> = folders
        .iter()
        .map(|f| (f.path.clone(), (rank(f), f.name.to_lowercase())))
        .collect();
    let key = |f: &Folder| -> Vec<(u8, String)> {
        let mut chain = Vec::new();
        let mut cur = Some(f.path.clone());
        while let Some(p) = cur {
            let folder_key = by_path.get(&p).cloned().unwrap_or((6, p.to_lowercase()));
            chain.push(folder_key);
            cur = folders
                .iter()
                .find(|x| x.path == p)
                .and_then(|x| x.parent.clone());
        }
        chain.reverse();
        chain
    };
    let keys: HashMap<String, Vec<(u8, String)>> =
        folders.iter().map(|f| (f.path.clone(), key(f))).collect();
    folders.sort_by(|a, b| keys.get(&a.path).cmp(&keys.get(&b.path)));
}

fn flags_of(flags: &[std::borrow::Cow<'_, str>]) -> Flags {
    let mut f = Flags::default();
    for flag in flags {
        match flag.to_ascii_lowercase().as_str() {
            "\\seen" => f.seen = true,
            "\\flagged" => f.flagged = true,
            "\\answered" => f.answered = true,
            "\\draft" => f.draft = true,
            "$forwarded" => f.forwarded = true,
            _ => {}
        }
    }
    f
}

/// `INTERNALDATE` ("17-Jul-1996 02:44:25 -0700") to Unix seconds.
fn parse_internal_date(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z")
        .ok()
        .map(|d| d.timestamp())
}

/// Whether a body structure holds a part a user would call an attachment.
pub fn has_attachments(b: &BodyStructure<'_>) -> bool {
    match b {
        BodyStructure::Multipart { bodies, common, .. } => {
            let mixed = common.ty.subtype.eq_ignore_ascii_case("mixed");
            bodies.iter().enumerate().any(|(i, part)| {
                has_attachments(part) || (mixed && i > 0 && is_leaf_attachment(part))
            })
        }
        other => is_leaf_attachment(other) && is_explicit_attachment(other),
    }
}

fn common_of<'a>(b: &'a BodyStructure<'a>) -> &'a imap_proto::BodyContentCommon<'a> {
    match b {
        BodyStructure::Basic { common, .. }
        | BodyStructure::Text { common, .. }
        | BodyStructure::Message { common, .. }
        | BodyStructure::Multipart { common, .. } => common,
    }
}

fn is_leaf_attachment(b: &BodyStructure<'_>) -> bool {
    match b {
        BodyStructure::Multipart { .. } => false,
        BodyStructure::Text { .. } => is_explicit_attachment(b),
        _ => {
            let c = common_of(b);
            // An inline image of an HTML body is not an attachment.
            !(c.ty.ty.eq_ignore_ascii_case("image")
                && c.disposition
                    .as_ref()
                    .is_some_and(|d| d.ty.eq_ignore_ascii_case("inline")))
        }
    }
}

fn is_explicit_attachment(b: &BodyStructure<'_>) -> bool {
    common_of(b)
        .disposition
        .as_ref()
        .is_some_and(|d| d.ty.eq_ignore_ascii_case("attachment"))
}

/// What a resync of a folder found (`SELECT … (QRESYNC …)`, RFC 7162).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QresyncResult {
    pub uid_validity: u32,
    /// Give this back next time; 0 when the folder has no mod-sequences.
    pub highest_modseq: u64,
    /// The client's cache of the folder is void: reload it.
    pub reset: bool,
    /// Messages whose flags changed, or that arrived, since the modseq
    /// asked for, by ascending UID.
    pub changed: Vec<(u32, Flags)>,
    /// UIDs expunged since the modseq asked for, ascending.
    pub vanished: Vec<u32>,
    pub total: u32,
    pub unread: u32,
}

/// Most UIDs a resync lists as expunged; past that the client reloads
/// the folder (a server without the history sends every UID it lacks).
const MAX_VANISHED: usize = 100_000;

/// Untagged answers of a QRESYNC select and the search that follows it.
#[derive(Debug, Default)]
struct ResyncFound {
    exists: u32,
    uid_validity: u32,
    uid_next: u32,
    highest_modseq: u64,
    changed: HashMap<u32, Flags>,
    vanished: std::collections::BTreeSet<u32>,
    too_many_vanished: bool,
    unread: u32,
    /// Mail arrived or left after the SELECT answered.
    membership_changed: bool,
}

impl ResyncFound {
    /// Takes one untagged response, `in_select` while the SELECT answers.
    fn take(&mut self, r: &Response<'_>, in_select: bool) {
        match r {
            Response::MailboxData(MailboxDatum::Exists(n)) => {
                if !in_select && *n != self.exists {
                    self.membership_changed = true;
                }
                self.exists = *n;
            }
            Response::Data { outcome, .. } if in_select => match outcome.code {
                Some(ResponseCode::UidValidity(v)) => self.uid_validity = v,
                Some(ResponseCode::UidNext(v)) => self.uid_next = v,
                Some(ResponseCode::HighestModSeq(v)) => self.highest_modseq = v,
                _ => {}
            },
            Response::Vanished { earlier, uids } => {
                if !*earlier {
                    // Expunged now (after the SELECT): fewer messages.
                    let gone: u32 = uids
                        .iter()
                        .map(|r| r.start().abs_diff(*r.end()).saturating_add(1))
                        .sum();
                    self.exists = self.exists.saturating_sub(gone);
                    if !in_select {
                        self.membership_changed = true;
                    }
                }
                self.add_vanished(uids);
            }
            Response::Expunge(_) => {
                // Not sent once QRESYNC is on; the UID is unknown.
                self.exists = self.exists.saturating_sub(1);
                self.membership_changed = true;
            }
            Response::Fetch(_, attrs) => {
                let mut uid = 0;
                let mut flags = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = *u,
                        AttributeValue::Flags(f) => flags = Some(flags_of(f)),
                        _ => {}
                    }
                }
                if uid != 0
                    && let Some(f) = flags
                {
                    self.changed.insert(uid, f);
                }
            }
            Response::MailboxData(MailboxDatum::Search(ids)) if !in_select => {
                self.unread = self.unread.saturating_add(ids.len() as u32);
            }
            _ => {}
        }
    }

    /// Adds UID ranges (in either order, RFC 3501 `seq-range`), up to
    /// [`MAX_VANISHED`].
    fn add_vanished(&mut self, ranges: &[std::ops::RangeInclusive<u32>]) {
        for r in ranges {
            let (a, b) = (*r.start().min(r.end()), *r.start().max(r.end()));
            if (b - a) as usize >= MAX_VANISHED
                || self.vanished.len() + (b - a) as usize >= MAX_VANISHED
            {
                self.too_many_vanished = true;
                return;
            }
            self.vanished.extend(a..=b);
        }
    }
}

/// A tagged answer as a result: `NO` and `BAD` mapped like in
/// [`ImapConn::each`].
fn tagged_result(status: &Status, outcome: &imap_proto::Outcome<'_>) -> Result<(), ImapError> {
    match status {
        Status::Ok => Ok(()),
        other => Err(ImapError::from_refusal(
            other,
            &format!(
                "{}{}",
                outcome
                    .code
                    .as_ref()
                    .map(|c| format!("[{c:?}] "))
                    .unwrap_or_default(),
                outcome.information.as_deref().unwrap_or("")
            ),
        )),
    }
}

#[cfg(test)]
mod resync_tests {
    use super::*;

    fn parse(line: &[u8]) -> Response<'_> {
        match Response::parse(line) {
            Ok((_, r)) => r,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn qresync_select_answers_are_gathered() {
        let mut f = ResyncFound::default();
        for line in [
            &b"* OK [CLOSED] Previous mailbox closed.\r\n"[..],
            b"* 4 EXISTS\r\n",
            b"* OK [UIDVALIDITY 1795898060] UIDs valid\r\n",
            b"* OK [UIDNEXT 9] Predicted next UID\r\n",
            b"* OK [HIGHESTMODSEQ 42] Highest\r\n",
            b"* VANISHED (EARLIER) 2,5:6\r\n",
            b"* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged) MODSEQ (40))\r\n",
            b"* 4 FETCH (UID 8 FLAGS () MODSEQ (41))\r\n",
        ] {
            f.take(&parse(line), true);
        }
        assert_eq!(f.exists, 4);
        assert_eq!(f.uid_validity, 1795898060);
        assert_eq!(f.uid_next, 9);
        assert_eq!(f.highest_modseq, 42);
        assert_eq!(f.vanished.iter().copied().collect::<Vec<_>>(), [2, 5, 6]);
        assert!(f.changed[&1].seen && f.changed[&1].flagged);
        assert!(!f.changed[&8].seen);
        assert!(!f.membership_changed);
        // Then the search: its count, and news that came with it.
        f.take(&parse(b"* SEARCH 8 3\r\n"), false);
        f.take(&parse(b"* VANISHED 3\r\n"), false);
        assert_eq!(f.unread, 2);
        assert_eq!(f.exists, 3);
        assert!(f.membership_changed && f.vanished.contains(&3));
        // Codes sent for the folder selected before are not ours.
        f.take(&parse(b"* OK [HIGHESTMODSEQ 7] Highest\r\n"), false);
        assert_eq!(f.highest_modseq, 42);
    }

    #[test]
    fn vanished_ranges_are_bounded() {
        let mut f = ResyncFound::default();
        // `9:7` on the wire: the same as `7:9` (RFC 3501 `seq-range`).
        let reversed = std::ops::RangeInclusive::new(9, 7);
        f.add_vanished(&[reversed]);
        assert_eq!(f.vanished.iter().copied().collect::<Vec<_>>(), [7, 8, 9]);
        f.add_vanished(&[1..=u32::MAX]);
        assert!(f.too_many_vanished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_and_refuses_line_breaks() {
        assert_eq!(quote(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(quote("INBOX\r\nA1 DELETE INBOX").is_err());
        assert!(quote("x\0y").is_err());
    }

    #[test]
    fn uid_sets_are_compressed() {
        assert_eq!(uid_set(&[5, 1, 2, 3, 9, 10, 7, 3]).unwrap(), "1:3,5,7,9:10");
        assert_eq!(uid_set(&[42]).unwrap(), "42");
        assert!(uid_set(&[]).is_err());
        assert!(uid_set(&[0]).is_err());
    }

    #[test]
    fn refusals_map_to_rfc5530_codes() {
        let e =
            ImapError::from_refusal(&Status::No, "[AUTHENTICATIONFAILED] Authentication failed.");
        assert!(matches!(e, ImapError::AuthenticationFailed));
        assert!(matches!(
            ImapError::from_refusal(&Status::No, "[EXPIRED] Password expired"),
            ImapError::PasswordExpired
        ));
        assert!(matches!(
            ImapError::from_refusal(&Status::No, "[AUTHORIZATIONFAILED] Disabled"),
            ImapError::AccountDisabled
        ));
        assert!(matches!(
            ImapError::from_refusal(&Status::No, "[OVERQUOTA] Quota exceeded"),
            ImapError::OverQuota
        ));
        assert!(matches!(
            ImapError::from_refusal(&Status::No, "something"),
            ImapError::Refused(_)
        ));
    }

    #[test]
    fn paths_split_into_parent_and_name() {
        assert_eq!(
            split_path("Projets/Voyage Rome", Some("/")),
            (Some("Projets".into()), "Voyage Rome".into(), 1)
        );
        assert_eq!(split_path("INBOX", Some("/")), (None, "INBOX".into(), 0));
        assert_eq!(
            split_path("a.b.c", Some(".")),
            (Some("a.b".into()), "c".into(), 2)
        );
    }

    fn folder(path: &str, role: Option<FolderRole>) -> Folder {
        let (parent, name, depth) = split_path(path, Some("/"));
        Folder {
            path: path.into(),
            name,
            depth,
            parent,
            role,
            selectable: true,
            subscribed: true,
            total: 0,
            unread: 0,
        }
    }

    #[test]
    fn folders_sort_inbox_first_then_roles_then_tree() {
        let mut v = vec![
            folder("Trash", Some(FolderRole::Trash)),
            folder("Projets/Voyage Rome", None),
            folder("Administration", None),
            folder("Sent", Some(FolderRole::Sent)),
            folder("Projets", None),
            folder("INBOX", Some(FolderRole::Inbox)),
            folder("Drafts", Some(FolderRole::Drafts)),
            folder("Projets/Atelier", None),
        ];
        sort_folders(&mut v);
        let order: Vec<_> = v.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "INBOX",
                "Drafts",
                "Sent",
                "Trash",
                "Administration",
                "Projets",
                "Projets/Atelier",
                "Projets/Voyage Rome"
            ]
        );
    }

    #[test]
    fn internal_dates_parse() {
        assert_eq!(
            parse_internal_date("17-Jul-1996 02:44:25 -0700"),
            Some(837596665)
        );
        assert_eq!(
            parse_internal_date(" 1-Jan-2026 00:00:00 +0000"),
            Some(1767225600)
        );
        assert_eq!(parse_internal_date("garbage"), None);
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;

    fn program(c: &SearchCriteria, literal_plus: bool) -> Result<(String, Vec<u8>), ImapError> {
        let mut w = WireArgs::new("UID SORT (REVERSE ARRIVAL) UTF-8", literal_plus);
        c.write(&mut w)?;
        w.finish()
    }

    #[test]
    fn plain_words_are_quoted_and_dates_written_as_imap() {
        let c = SearchCriteria {
            words: vec!["conseil".into()],
            since: chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            before: chrono::NaiveDate::from_ymd_opt(2026, 12, 25),
            multipart_mixed: true,
            unread: true,
            flagged: true,
            larger_than: Some(1000),
        };
        let (line, rest) = program(&c, true).unwrap();
        assert_eq!(
            line,
            "UID SORT (REVERSE ARRIVAL) UTF-8 OR OR OR OR FROM \"conseil\" TO \"conseil\" \
CC \"conseil\" SUBJECT \"conseil\" BODY \"conseil\" SINCE 1-Mar-2026 BEFORE 25-Dec-2026 \
HEADER Content-Type \"multipart/mixed\" UNSEEN FLAGGED LARGER 1000"
        );
        assert!(rest.is_empty());
        let (line, _) = program(&SearchCriteria::default(), true).unwrap();
        assert_eq!(line, "UID SORT (REVERSE ARRIVAL) UTF-8 ALL");
    }

    #[test]
    fn other_strings_go_as_literals_and_controls_are_refused() {
        let c = SearchCriteria {
            words: vec!["réunion".into(), "a\"b\\".into()],
            ..Default::default()
        };
        let (line, rest) = program(&c, true).unwrap();
        assert_eq!(
            line,
            "UID SORT (REVERSE ARRIVAL) UTF-8 OR OR OR OR FROM {8+}"
        );
        let rest = String::from_utf8(rest).unwrap();
        assert!(rest.starts_with("réunion TO {8+}\r\nréunion CC"), "{rest}");
        assert!(rest.ends_with(" BODY {4+}\r\na\"b\\"), "{rest}");
        // Without LITERAL+: ASCII quoted (escaped), the rest refused.
        let ascii = SearchCriteria {
            words: vec!["a\"b".into()],
            ..Default::default()
        };
        assert!(
            program(&ascii, false)
                .unwrap()
                .0
                .contains("FROM \"a\\\"b\"")
        );
        assert!(program(&c, false).is_err());
        for bad in ["a\r\nA1 LOGOUT", "x\0", "tab\t"] {
            let c = SearchCriteria {
                words: vec![bad.into()],
                ..Default::default()
            };
            assert!(matches!(program(&c, true), Err(ImapError::Invalid(_))));
        }
    }
}
