//! Sessions: an opaque id in an HttpOnly cookie, the data server side in a
//! [`SessionStore`] (memory here; a shared store such as Redis lets several
//! instances serve the same users). The password the session keeps, to
//! open the user's IMAP (and later SMTP, DAV, Sieve) connections, is
//! encrypted with a key only the instances hold.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::Context;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::{
    ChaCha20Poly1305, Key, Nonce,
    aead::{Aead, KeyInit},
};
use serde::{Deserialize, Serialize};

/// A password in memory. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }

    /// The clear text, for the protocol that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The key that encrypts passwords at rest in the session store.
#[derive(Clone)]
pub struct SessionKey([u8; 32]);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(***)")
    }
}

impl SessionKey {
    /// A fresh random key (sessions then die with the process).
    pub fn random() -> anyhow::Result<Self> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        Ok(SessionKey(k))
    }

    /// From the configuration: 32 bytes in base64 (standard or URL-safe).
    pub fn from_base64(s: &str) -> anyhow::Result<Self> {
        let s = s.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s)
            .or_else(|_| URL_SAFE_NO_PAD.decode(s))
            .context("session_key : base64 invalide")?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("session_key : il faut exactement 32 octets"))?;
        Ok(SessionKey(arr))
    }

    /// Encrypts with a random nonce; the nonce is stored in front.
    pub fn seal(&self, clear: &str) -> anyhow::Result<Vec<u8>> {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let mut out = nonce.to_vec();
        out.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), clear.as_bytes())
                .map_err(|_| anyhow::anyhow!("chiffrement"))?,
        );
        Ok(out)
    }

    /// Decrypts what [`seal`](Self::seal) produced.
    pub fn open(&self, sealed: &[u8]) -> anyhow::Result<Password> {
        if sealed.len() < 12 {
            anyhow::bail!("secret tronqué");
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&self.0));
        let (nonce, body) = sealed.split_at(12);
        let clear = cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| anyhow::anyhow!("secret illisible (clé changée ?)"))?;
        Ok(Password(String::from_utf8(clear).context("secret")?))
    }
}

/// Makes an unguessable token (session id, CSRF token): 256 random bits.
pub fn random_token() -> anyhow::Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(b))
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What the store keeps for one session; serializable so that a shared
/// store can hold it.
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionData {
    /// What the user typed to log in (the IMAP login name).
    pub username: String,
    pub email: String,
    /// The password, sealed with the instances' [`SessionKey`].
    pub sealed_password: Vec<u8>,
    pub csrf_token: String,
    pub created_at: u64,
    pub last_seen: u64,
}

impl std::fmt::Debug for SessionData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionData")
            .field("username", &self.username)
            .field("created_at", &self.created_at)
            .field("last_seen", &self.last_seen)
            .finish_non_exhaustive()
    }
}

/// Where sessions live. Ids are opaque random tokens.
pub trait SessionStore: Send + Sync + 'static {
    fn get(&self, id: &str) -> Option<SessionData>;
    fn put(&self, id: &str, data: SessionData);
    fn remove(&self, id: &str) -> Option<SessionData>;
    /// Drops sessions idle since before `idle_before` or created before
    /// `created_before`; returns their ids.
    fn expire(&self, idle_before: u64, created_before: u64) -> Vec<String>;
}

/// The default store: this process's memory.
#[derive(Default)]
pub struct MemoryStore {
    map: Mutex<HashMap<String, SessionData>>,
}

impl SessionStore for MemoryStore {
    fn get(&self, id: &str) -> Option<SessionData> {
        self.map.lock().ok()?.get(id).cloned()
    }

    fn put(&self, id: &str, data: SessionData) {
        if let Ok(mut m) = self.map.lock() {
            m.insert(id.to_string(), data);
        }
    }

    fn remove(&self, id: &str) -> Option<SessionData> {
        self.map.lock().ok()?.remove(id)
    }

    fn expire(&self, idle_before: u64, created_before: u64) -> Vec<String> {
        let Ok(mut m) = self.map.lock() else {
            return Vec::new();
        };
        let dead: Vec<String> = m
            .iter()
            .filter(|(_, s)| s.last_seen < idle_before || s.created_at < created_before)
            .map(|(k, _)| k.clone())
            .collect();
        for k in &dead {
            m.remove(k);
        }
        dead
    }
}

/// Slows down repeated failed logins per identifier: each name is
/// normalised (case, surrounding space) and both the identifier and the
/// full address typed count for the same person when their local parts
/// match the configured domain.
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, u64)>>,
    /// Failures allowed before any delay.
    pub free_attempts: u32,
    /// Longest wait imposed.
    pub max_delay: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            failures: Mutex::new(HashMap::new()),
            free_attempts: 3,
            max_delay: Duration::from_secs(300),
        }
    }
}

impl LoginThrottle {
    /// The key failures are counted under.
    pub fn key(username: &str, domain: Option<&str>) -> String {
        let u = username.trim().to_lowercase();
        if let (Some(d), Some((local, host))) = (domain, u.rsplit_once('@'))
            && host == d.to_lowercase()
        {
            return local.to_string();
        }
        u
    }

    /// Seconds the caller must still wait before trying this name, if any.
    pub fn wait(&self, key: &str, now: u64) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let (count, last) = *map.get(key)?;
        self.wait_for(count, last, now)
    }

    fn wait_for(&self, count: u32, last: u64, now: u64) -> Option<u64> {
        if count < self.free_attempts {
            return None;
        }
        let until = last + self.delay_for(count);
        (until > now).then(|| until - now)
    }

    fn delay_for(&self, count: u32) -> u64 {
        let over = (count + 1).saturating_sub(self.free_attempts).min(16);
        (1u64 << over).min(self.max_delay.as_secs())
    }

    /// Counts an attempt before it is made (so that parallel attempts are
    /// counted too), or says how long to wait.
    pub fn attempt(&self, key: &str, now: u64) -> Result<(), u64> {
        let Ok(mut map) = self.failures.lock() else {
            return Ok(());
        };
        let entry = map.entry(key.to_string()).or_insert((0, now));
        if let Some(wait) = self.wait_for(entry.0, entry.1, now) {
            return Err(wait);
        }
        entry.0 += 1;
        entry.1 = now;
        Ok(())
    }

    /// Records a failure (an attempt that was not counted beforehand).
    pub fn failed(&self, key: &str, now: u64) {
        if let Ok(mut map) = self.failures.lock() {
            let e = map.entry(key.to_string()).or_insert((0, now));
            e.0 += 1;
            e.1 = now;
        }
    }

    /// Restarts the wait from now, when a counted attempt has failed.
    pub fn touch(&self, key: &str, now: u64) {
        if let Ok(mut map) = self.failures.lock()
            && let Some(e) = map.get_mut(key)
        {
            e.1 = now;
        }
    }

    /// Takes back an attempt that failed for reasons not the user's.
    pub fn refund(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock()
            && let Some(e) = map.get_mut(key)
        {
            e.0 = e.0.saturating_sub(1);
            if e.0 == 0 {
                map.remove(key);
            }
        }
    }

    /// Forgets failures after a success.
    pub fn succeeded(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }

    /// Forgets names quiet for an hour (called by the housekeeping task).
    pub fn prune(&self, now: u64) {
        if let Ok(mut map) = self.failures.lock() {
            map.retain(|_, (_, last)| now.saturating_sub(*last) < 3600);
        }
    }
}

/// The sessions and this instance's live connections for them.
pub struct Sessions {
    pub store: Arc<dyn SessionStore>,
    pub key: SessionKey,
    pub connections: Mutex<HashMap<String, crate::imap::pool::ImapHandle>>,
    pub throttle: LoginThrottle,
}

impl Sessions {
    pub fn new(store: Arc<dyn SessionStore>, key: SessionKey) -> Self {
        Sessions {
            store,
            key,
            connections: Mutex::new(HashMap::new()),
            throttle: LoginThrottle::default(),
        }
    }

    /// The connection handle of a session on this instance (created empty:
    /// it connects on first use).
    pub fn handle(&self, id: &str) -> crate::imap::pool::ImapHandle {
        match self.connections.lock() {
            Ok(mut m) => m.entry(id.to_string()).or_default().clone(),
            Err(_) => Default::default(),
        }
    }

    /// Forgets a session's connection handle, returning it for closing.
    pub fn take_handle(&self, id: &str) -> Option<crate::imap::pool::ImapHandle> {
        self.connections.lock().ok()?.remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_sealed_and_hidden() {
        let key = SessionKey::random().unwrap();
        let sealed = key.seal("mot de passe secret").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("secret"));
        assert_eq!(key.open(&sealed).unwrap().expose(), "mot de passe secret");
        let other = SessionKey::random().unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(key.open(&sealed[..5]).is_err());
        assert_eq!(format!("{:?}", Password::new("x")), "***");
        assert_eq!(format!("{key:?}"), "SessionKey(***)");
    }

    #[test]
    fn keys_from_config() {
        let k = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert!(SessionKey::from_base64(&k).is_ok());
        assert!(SessionKey::from_base64("c2hvcnQ=").is_err());
        assert!(SessionKey::from_base64("%%%").is_err());
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn memory_store_expires_idle_and_old_sessions() {
        let store = MemoryStore::default();
        let data = |created, seen| SessionData {
            username: "u".into(),
            email: "u@x".into(),
            sealed_password: vec![],
            csrf_token: "t".into(),
            created_at: created,
            last_seen: seen,
        };
        store.put("fresh", data(100, 200));
        store.put("idle", data(100, 110));
        store.put("old", data(10, 200));
        let mut dead = store.expire(150, 50);
        dead.sort();
        assert_eq!(dead, ["idle", "old"]);
        assert!(store.get("fresh").is_some());
        assert!(store.remove("fresh").is_some());
        assert!(store.get("fresh").is_none());
    }

    #[test]
    fn throttle_counts_identifier_and_address_together() {
        assert_eq!(
            LoginThrottle::key(" SDupont ", Some("ac-demo.fr")),
            "sdupont"
        );
        assert_eq!(
            LoginThrottle::key("sdupont@AC-demo.fr", Some("ac-demo.fr")),
            "sdupont"
        );
        assert_eq!(
            LoginThrottle::key("sdupont@ailleurs.fr", Some("ac-demo.fr")),
            "sdupont@ailleurs.fr"
        );
        let t = LoginThrottle::default();
        for _ in 0..3 {
            assert_eq!(t.wait("k", 1000), None);
            t.failed("k", 1000);
        }
        assert_eq!(t.wait("k", 1000), Some(2));
        t.failed("k", 1000);
        assert_eq!(t.wait("k", 1000), Some(4));
        assert_eq!(t.wait("k", 1004), None);
        for _ in 0..30 {
            t.failed("k", 1000);
        }
        assert_eq!(t.wait("k", 1000), Some(300));
        t.succeeded("k");
        assert_eq!(t.wait("k", 1000), None);
        // Attempts count before they are made; refunds take them back.
        for _ in 0..3 {
            assert_eq!(t.attempt("p", 50), Ok(()));
        }
        assert_eq!(t.attempt("p", 50), Err(2));
        t.touch("p", 51);
        assert_eq!(t.attempt("p", 51), Err(2));
        t.refund("p");
        assert_eq!(t.attempt("p", 50), Ok(()));
        t.prune(50 + 3600);
        assert_eq!(t.wait("p", 50 + 3600), None);
    }
}
