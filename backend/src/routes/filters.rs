//! Filters and the out-of-office reply: read and save the user's Sieve
//! script through ManageSieve, and the dry run of rules on recent mail.
//!
//! Facteur writes one script, [`SCRIPT`]; an active script it did not write
//! is shown read-only and only replaced (made inactive, never deleted) with
//! the user's consent.

use std::time::Instant;

use axum::extract::State;
use mail_parser::MessageParser;
use shared::{
    ApiError,
    filters::{
        DryRunMatch, DryRunRequest, DryRunResult, Field, FilterRule, FilterSet, FiltersState,
        ForeignScript, MessageHeaders, SaveFilters,
    },
};

use crate::{
    AppState,
    auth::{Authed, Json},
    error::{AppError, AppResult},
    imap::{SummaryData, is_header_atom},
    mime,
    sieve::{self, SieveClient, SieveError, script},
};

/// The name of the script Facteur writes and activates.
pub const SCRIPT: &str = "facteur";
/// Where a foreign script that was itself named [`SCRIPT`] is kept when
/// the user replaces it.
pub const PREVIOUS_SCRIPT: &str = "facteur-precedent";
/// Messages the dry run examines unless asked otherwise.
const DRY_RUN_DEFAULT: u32 = 200;
/// Most messages the dry run examines.
const DRY_RUN_MAX: u32 = 500;
/// Most rules one dry run evaluates.
const DRY_RUN_MAX_RULES: usize = 200;

/// Opens the user's ManageSieve session. A password the server refuses
/// ends the Facteur session too, as IMAP does.
async fn open(state: &AppState, auth: &Authed) -> AppResult<SieveClient> {
    let result = sieve::connect(
        &state.config.sieve,
        &state.tls,
        &auth.data.username,
        auth.creds.password.expose(),
        state.config.server_timeout,
    )
    .await;
    match result {
        Ok(c) => Ok(c),
        Err(e @ SieveError::AuthenticationFailed) => {
            auth.end_session();
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends the ManageSieve session without waiting for the server.
fn close(client: SieveClient) {
    tokio::spawn(async move {
        let _ = client.logout().await;
    });
}

/// The active script read as filters: ours gives its rules, another
/// one is returned as is.
async fn read_state(client: &mut SieveClient) -> Result<FiltersState, SieveError> {
    let extensions = client.capabilities().sieve.clone();
    let (filters, foreign_script) = match client.active_script().await? {
        Some((name, content)) => match script::read_own(&content) {
            Some(set) => (set, None),
            None => (FilterSet::default(), Some(ForeignScript { name, content })),
        },
        None => (FilterSet::default(), None),
    };
    Ok(FiltersState {
        filters,
        foreign_script,
        extensions,
    })
}

/// The user's filters, or the script another program made active.
#[utoipa::path(get, path = "/api/filters", responses(
    (status = 200, body = FiltersState),
    (status = 401, body = ApiError),
    (status = 503, body = ApiError),
))]
pub async fn get(State(state): State<AppState>, auth: Authed) -> AppResult<Json<FiltersState>> {
    let mut client = open(&state, &auth).await?;
    let result = read_state(&mut client).await;
    close(client);
    Ok(Json(result?))
}

/// Saves the filters: checked here, then by the server, stored as
/// [`SCRIPT`] and made active. A foreign active script needs
/// `replace_foreign`; it stays on the server, inactive.
#[utoipa::path(put, path = "/api/filters", request_body = SaveFilters, responses(
    (status = 200, body = FiltersState),
    (status = 400, body = ApiError, description = "invalid_filters: une règle incomplète ou refusée par le serveur"),
    (status = 403, body = ApiError),
    (status = 409, body = ApiError, description = "foreign_filters: un script écrit par un autre programme est actif"),
))]
pub async fn save(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<SaveFilters>,
) -> AppResult<Json<FiltersState>> {
    req.filters
        .validate()
        .map_err(|detail| ApiError::InvalidFilters { detail })?;
    let mut client = open(&state, &auth).await?;
    let result = store(&mut client, &req).await;
    close(client);
    Ok(Json(result?))
}

async fn store(client: &mut SieveClient, req: &SaveFilters) -> AppResult<FiltersState> {
    if let Some((name, content)) = client.active_script().await?
        && script::read_own(&content).is_none()
    {
        if !req.replace_foreign {
            return Err(ApiError::ForeignFilters.into());
        }
        // Writing ours under its name would lose it: keep it aside.
        if name == SCRIPT {
            client.put_script(PREVIOUS_SCRIPT, &content).await?;
        }
    }
    let text = script::generate(&req.filters, client.capabilities().script_options())?;
    client.check_script(&text).await?;
    client.put_script(SCRIPT, &text).await?;
    client.set_active(SCRIPT).await?;
    Ok(read_state(client).await?)
}

/// What the rules would have done to the most recent messages of the
/// INBOX, newest first: each message some rule applies to, with the
/// actions of every rule that applies up to one that stops.
#[utoipa::path(post, path = "/api/filters/dry-run", request_body = DryRunRequest, responses(
    (status = 200, body = DryRunResult),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn dry_run(
    auth: Authed,
    Json(req): Json<DryRunRequest>,
) -> AppResult<Json<DryRunResult>> {
    let started = Instant::now();
    let limit = req.limit.unwrap_or(DRY_RUN_DEFAULT).clamp(1, DRY_RUN_MAX);
    if req.rules.len() > DRY_RUN_MAX_RULES {
        return Err(ApiError::InvalidFilters {
            detail: format!("au plus {DRY_RUN_MAX_RULES} règles"),
        }
        .into());
    }
    let names = extra_header_names(&req.rules);
    // A name IMAP cannot take as an atom: the whole header instead.
    let fetch_all = !names.iter().all(|n| is_header_atom(n));
    let rows = auth
        .imap(|c| {
            let names = names.clone();
            Box::pin(async move {
                let extra = (!fetch_all).then_some(names.as_slice());
                c.recent_headers("INBOX", limit, extra).await
            })
        })
        .await?;
    let examined = rows.len() as u32;
    let rules = req.rules;
    let matches = tokio::task::spawn_blocking(move || evaluate(&rules, &rows))
        .await
        .map_err(|e| AppError::from(anyhow::anyhow!("dry run task: {e}")))?;
    Ok(Json(DryRunResult {
        examined,
        matches,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }))
}

/// The header names the rules test besides those always fetched.
fn extra_header_names(rules: &[FilterRule]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for rule in rules.iter().filter(|r| r.enabled) {
        for c in &rule.conditions {
            if let shared::filters::Condition::Text {
                field: Field::Header(name),
                ..
            } = c
                && !names.iter().any(|n| n.eq_ignore_ascii_case(name))
            {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Runs the enabled rules in order on each message.
fn evaluate(rules: &[FilterRule], rows: &[SummaryData]) -> Vec<DryRunMatch> {
    let parser = MessageParser::default();
    let mut out = Vec::new();
    for row in rows {
        let Some(head) = parser.parse_headers(&row.header) else {
            continue;
        };
        let headers = message_headers(&head, row.size);
        let mut first = None;
        let mut actions = Vec::new();
        for rule in rules.iter().filter(|r| r.matches(&headers)) {
            first.get_or_insert_with(|| rule.name.clone());
            actions.extend(rule.actions.iter().cloned());
            if rule.stop {
                break;
            }
        }
        let Some(rule) = first else { continue };
        out.push(DryRunMatch {
            uid: row.uid,
            subject: headers.subject,
            from: headers.from.into_iter().next(),
            date: head
                .date()
                .map(|d| d.to_timestamp())
                .or(row.internal_date)
                .unwrap_or(0),
            rule,
            actions,
        });
    }
    out
}

/// The fields a rule looks at, as the server's `header` test sees them:
/// decoded From/To/Cc and Subject, other fields unfolded.
fn message_headers(head: &mail_parser::Message<'_>, size: u32) -> MessageHeaders {
    let mut to_cc = mime::addresses(head.to());
    to_cc.extend(mime::addresses(head.cc()));
    let mut list_id = None;
    let mut extra = Vec::new();
    for (name, raw) in head.headers_raw() {
        let value = unfold(raw);
        if name.eq_ignore_ascii_case("List-Id") {
            list_id.get_or_insert_with(|| value.clone());
        }
        extra.push((name.to_string(), value));
    }
    MessageHeaders {
        from: mime::addresses(head.from()),
        to_cc,
        subject: head.subject().unwrap_or_default().to_string(),
        list_id,
        size: u64::from(size),
        extra,
    }
}

/// A raw header value on one line (RFC 5322 §2.2.3), without the
/// surrounding blanks.
fn unfold(raw: &str) -> String {
    raw.replace("\r\n", "").replace('\n', "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use shared::filters::{Action, Condition, Op};

    use super::*;

    fn row(uid: u32, header: &str) -> SummaryData {
        SummaryData {
            uid,
            flags: Default::default(),
            size: header.len() as u32,
            internal_date: Some(1_700_000_000),
            has_attachments: false,
            header: header.as_bytes().to_vec(),
        }
    }

    fn rule(name: &str, field: Field, value: &str, actions: Vec<Action>, stop: bool) -> FilterRule {
        FilterRule {
            name: name.into(),
            enabled: true,
            match_all: true,
            conditions: vec![Condition::Text {
                field,
                op: Op::Contains,
                value: value.into(),
            }],
            actions,
            stop,
        }
    }

    #[test]
    fn rules_apply_in_order_up_to_a_stop() {
        let rows = [
            row(
                3,
                "From: Liste <liste@ac-demo.fr>\r\nSubject: =?utf-8?q?R=C3=A9union?=\r\n\
                 List-Id: Enseignants\r\n <enseignants.ac-demo.fr>\r\nX-Priority: 1\r\n\r\n",
            ),
            row(
                2,
                "From: Alice <alice@ac-demo.fr>\r\nTo: bob@ac-demo.fr\r\nCc: direction@ac-demo.fr\r\n\
                 Subject: Bonjour\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\r\n",
            ),
            row(1, "From: x@exemple.org\r\nSubject: Autre\r\n\r\n"),
        ];
        let rules = vec![
            rule(
                "Prioritaire",
                Field::Header("x-priority".into()),
                "1",
                vec![Action::Flag],
                false,
            ),
            rule(
                "Listes",
                Field::ListId,
                "<enseignants.ac-demo.fr>",
                vec![Action::MoveTo("Listes".into())],
                true,
            ),
            rule(
                "Après",
                Field::Subject,
                "réunion",
                vec![Action::Delete],
                false,
            ),
            rule(
                "Direction",
                Field::ToOrCc,
                "direction@",
                vec![Action::MarkRead],
                false,
            ),
        ];
        let m = evaluate(&rules, &rows);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].uid, 3);
        assert_eq!(m[0].rule, "Prioritaire");
        assert_eq!(m[0].subject, "Réunion");
        assert_eq!(
            m[0].actions,
            [Action::Flag, Action::MoveTo("Listes".into())],
            "the rule after the stop is not applied"
        );
        assert_eq!(m[1].uid, 2);
        assert_eq!(m[1].actions, [Action::MarkRead]);
        assert_eq!(m[1].date, 1_772_442_000);
        assert_eq!(
            m[1].from.as_ref().map(|a| a.email.as_str()),
            Some("alice@ac-demo.fr")
        );
    }

    #[test]
    fn header_names_the_rules_need() {
        let mut off = rule("b", Field::Header("X-Off".into()), "1", vec![], false);
        off.enabled = false;
        let rules = vec![
            rule("a", Field::Header("X-Priority".into()), "1", vec![], false),
            rule("b", Field::Header("x-priority".into()), "1", vec![], false),
            rule("c", Field::Subject, "1", vec![], false),
            off,
        ];
        assert_eq!(extra_header_names(&rules), ["X-Priority"]);
        assert!(is_header_atom("X-Spam-Flag"));
        assert!(!is_header_atom("X_Y"));
        assert!(!is_header_atom("X-\"}"));
    }
}
