//! The IMAP connection of one session: opened on first use, reopened
//! transparently when the server dropped it, closed at logout or when the
//! session has been idle for a while.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration};

use tokio::sync::Mutex;
use tokio_rustls::TlsConnector;

use super::{ImapConn, ImapError, connect, login};
use crate::{config::ServerUrl, session::Password};

/// The future of one operation on a connection.
pub type ImapFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, ImapError>> + Send + 'c>>;

/// How to (re)open a connection for one user.
#[derive(Clone)]
pub struct Credentials {
    pub server: ServerUrl,
    pub tls: TlsConnector,
    pub username: String,
    pub password: Password,
    pub timeout: Duration,
}

/// A session's command connection. Cloning shares the same connection.
#[derive(Clone, Default)]
pub struct ImapHandle {
    conn: Arc<Mutex<Option<ImapConn>>>,
}

impl ImapHandle {
    /// A handle already holding the connection made at login.
    pub fn with(conn: ImapConn) -> Self {
        ImapHandle {
            conn: Arc::new(Mutex::new(Some(conn))),
        }
    }

    /// Runs an operation on the connection, opening it if needed. When the
    /// connection turns out to be dead, it is reopened and the operation
    /// tried once more: the user never sees a dropped idle connection.
    pub async fn run<T>(
        &self,
        creds: &Credentials,
        mut op: impl for<'c> FnMut(&'c mut ImapConn) -> ImapFuture<'c, T> + Send,
    ) -> Result<T, ImapError> {
        let mut guard = self.conn.lock().await;
        // A connection whose last command was cut off (its request was
        // dropped) still holds that command's answers: never reuse it.
        if guard.as_ref().is_some_and(|c| c.is_in_flight()) {
            *guard = None;
        }
        let mut fresh = false;
        if guard.is_none() {
            *guard = Some(open(creds).await?);
            fresh = true;
        }
        loop {
            let Some(conn) = guard.as_mut() else {
                return Err(ImapError::ConnectionLost("connexion absente".into()));
            };
            let completed_before = conn.completed();
            let result = op(conn).await;
            let nothing_done = guard
                .as_ref()
                .is_none_or(|c| c.completed() == completed_before);
            match result {
                // The server dropped an idle connection before this operation
                // did anything: reconnect and try once more. A timeout is not
                // retried (the server is slow; trying again doubles the wait),
                // nor is an operation that had already done part of its work.
                Err(ImapError::ConnectionLost(e)) if !fresh && nothing_done => {
                    tracing::info!(error = %e, "IMAP connection lost, reconnecting");
                    *guard = None;
                    *guard = Some(open(creds).await?);
                    fresh = true;
                }
                Err(e) if e.is_connection() => {
                    *guard = None;
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    /// Closes the connection, if open.
    pub async fn close(&self) {
        let conn = self.conn.lock().await.take();
        if let Some(conn) = conn {
            conn.logout().await;
        }
    }

    /// Closes the connection without waiting when nobody is using it.
    pub fn try_close_idle(&self) {
        if let Ok(mut guard) = self.conn.try_lock()
            && let Some(conn) = guard.take()
        {
            tokio::spawn(conn.logout());
        }
    }
}

async fn open(creds: &Credentials) -> Result<ImapConn, ImapError> {
    let client = connect(&creds.server, &creds.tls, creds.timeout).await?;
    let logged_in = login(
        client,
        &creds.username,
        creds.password.expose(),
        creds.timeout,
    )
    .await?;
    ImapConn::new(logged_in, creds.timeout).await
}
