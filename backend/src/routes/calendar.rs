//! The calendar: the user's CalDAV calendars and the colleagues' ones they
//! opened, occurrences for a range (recurrence expanded here), events
//! written with their ETag (`If-Match`: a change made elsewhere is never
//! overwritten), `.ics` import and export, iMIP invitations sent through
//! the user's SMTP submission, sharing (CalendarServer sharing or WebDAV
//! ACL, where the server has them) and free/busy (RFC 6638 outbox).
//!
//! Discovery (principal, calendar home, scheduling outbox, what the
//! server supports) is remembered per user in this instance: a request
//! costs the DAV round trips it needs, not three more.

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use mail_parser::MimeHeaders;
use serde::Deserialize;
use shared::{
    ApiError,
    calendar::{
        Access, Attendee, Availability, COLORS, CalendarChange, CalendarInfo, CalendarList,
        EventDelete, EventDetail, EventSaved, EventWrite, FreeBusy, FreeBusyRequest, ImportResult,
        Invitation, InvitationAnswer, Method as ItipMethod, Occurrence, OccurrenceList, OpenOther,
        PartStat, PendingShare, Scope, Share, ShareAnswer, ShareRequest, valid_color,
    },
    compose::valid_email,
    mail::Address,
};

use super::contacts::{new_uid, random_hex};
use crate::{
    AppState,
    auth::{Authed, Json, Path, Query},
    compose::{self, Sender},
    dav::{self, CALDAV, CALENDARSERVER, DAV, DavClient, DavError, DavResponse, Depth, IfMatch},
    error::{AppError, AppResult},
    ical::{self, Component, Prop, When},
    smtp,
};

/// Content type of an event.
const ICS_TYPE: &str = "text/calendar; charset=utf-8";
/// Most events imported at once.
const MAX_IMPORT_EVENTS: usize = 5000;
/// Largest `.ics` file imported at once.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// The longest range one request may ask for (a bit over a year).
const MAX_RANGE_MS: i64 = 400 * 86_400_000;
/// Users whose discovery is remembered (beyond, the memory is cleared).
const MAX_REMEMBERED: usize = 50_000;

/// Where a user's calendars are, and what the server offers.
#[derive(Debug, Clone, Default)]
pub struct Home {
    pub principal: String,
    pub home: String,
    /// `schedule-outbox-URL` (RFC 6638): free/busy queries.
    pub outbox: Option<String>,
    /// The server announces CalendarServer sharing.
    pub cs_sharing: bool,
    /// The server announces WebDAV ACL (RFC 3744).
    pub acl: bool,
    /// The user's addresses as the server knows them.
    pub addresses: Vec<String>,
    /// The server schedules by itself (RFC 6638 `calendar-auto-schedule`):
    /// it delivers invitations and replies, Facteur sends no iMIP mail.
    pub auto_schedule: bool,
    /// Where sharing invitations arrive (CalendarServer `notification-URL`).
    pub notifications: Option<String>,
}

static HOMES: LazyLock<Mutex<HashMap<String, Home>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// An open connection to the user's CalDAV server.
pub struct Cal {
    pub client: DavClient,
    pub home: Home,
    /// The user's addresses (login address first).
    pub me: Vec<String>,
    pub email: String,
    pub username: String,
}

fn invalid(detail: impl Into<String>) -> AppError {
    ApiError::InvalidRequest {
        detail: detail.into(),
    }
    .into()
}

/// DAV errors as the calendar tells them: a refused write is a read-only
/// calendar, a missing resource was deleted elsewhere.
fn dav_err(e: DavError) -> AppError {
    match &e {
        DavError::NotFound => AppError {
            api: ApiError::NotFound,
            cause: Some(e.to_string()),
        },
        DavError::Refused { status: 403, .. } => AppError {
            api: ApiError::Forbidden,
            cause: Some(e.to_string()),
        },
        _ => AppError::from(e),
    }
}

/// Opens the DAV connection with the user's credentials and finds their
/// calendar home (remembered).
pub async fn open(state: &AppState, auth: &Authed) -> AppResult<Cal> {
    let mut client = DavClient::new(
        &state.config.caldav_url,
        state.tls.clone(),
        &auth.data.username,
        auth.creds.password.expose(),
        state.config.server_timeout,
    )?;
    let key = format!("{}\n{}", state.config.caldav_url, auth.data.username);
    let known = HOMES.lock().ok().and_then(|m| m.get(&key).cloned());
    let home = match known {
        Some(h) => h,
        None => {
            let h = discover(&mut client).await?;
            if let Ok(mut m) = HOMES.lock() {
                if m.len() >= MAX_REMEMBERED {
                    m.clear();
                }
                m.insert(key, h.clone());
            }
            h
        }
    };
    let mut me = vec![auth.data.email.to_ascii_lowercase()];
    for a in &home.addresses {
        if !me.contains(a) {
            me.push(a.clone());
        }
    }
    Ok(Cal {
        client,
        home,
        me,
        email: auth.data.email.clone(),
        username: auth.data.username.clone(),
    })
}

async fn discover(client: &mut DavClient) -> Result<Home, DavError> {
    let p = client.principal().await?;
    let home = p.calendar_home.clone().unwrap_or_else(|| p.href.clone());
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="{CALDAV}" xmlns:S="{CALENDARSERVER}"><D:prop><C:schedule-outbox-URL/><C:calendar-user-address-set/><S:notification-URL/></D:prop></D:propfind>"#
    );
    let mut notifications = None;
    let (outbox, addresses) = match client.propfind(&p.href, Depth::Zero, &body).await {
        Ok(r) => {
            let first = r.first();
            let outbox = first
                .and_then(|r| r.href_in(CALDAV, "schedule-outbox-URL"))
                .map(str::to_string);
            notifications = first
                .and_then(|r| r.href_in(CALENDARSERVER, "notification-URL"))
                .map(str::to_string);
            let addresses = first
                .and_then(|r| r.prop(CALDAV, "calendar-user-address-set"))
                .map(|p| {
                    p.hrefs
                        .iter()
                        .filter_map(|h| {
                            let h = dav::percent_decode(h);
                            h.get(..7)
                                .filter(|s| s.eq_ignore_ascii_case("mailto:"))
                                .map(|_| h[7..].to_ascii_lowercase())
                        })
                        .collect()
                })
                .unwrap_or_default();
            (outbox, addresses)
        }
        Err(DavError::Timeout | DavError::Unreachable(_)) => return Err(DavError::Timeout),
        Err(_) => (None, Vec::new()),
    };
    let options = client.request(Method::OPTIONS, &home, &[], None).await?;
    let dav_header: String = options
        .headers
        .get_all("dav")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    let has = |what: &str| dav_header.split(',').any(|t| t.trim() == what);
    Ok(Home {
        principal: p.href,
        home,
        outbox,
        cs_sharing: has("calendarserver-sharing"),
        acl: has("access-control"),
        auto_schedule: has("calendar-auto-schedule"),
        addresses,
        notifications,
    })
}

// --------------------------------------------------------------- calendars

const CAL_PROPS: &str = "<I:calendar-color/><D:current-user-privilege-set/><D:owner/><S:invite/><A:supported-calendar-component-set/><D:acl/>";

/// What the user may do, from `current-user-privilege-set` (absent:
/// `own`).
fn writable(r: &DavResponse, own: bool) -> bool {
    match r
        .prop(DAV, "current-user-privilege-set")
        .filter(|p| p.status == 200)
    {
        Some(p) => p.descendants.iter().any(|(ns, n)| {
            ns == DAV && matches!(n.as_str(), "write" | "write-content" | "all" | "bind")
        }),
        None => own,
    }
}

fn supports_events(r: &DavResponse) -> bool {
    match r
        .prop(CALDAV, "supported-calendar-component-set")
        .filter(|p| p.status == 200)
    {
        Some(p) => p.xml.to_ascii_uppercase().contains("VEVENT") || p.xml.is_empty(),
        None => true,
    }
}

fn color_of(r: &DavResponse, index: usize) -> String {
    let c = r
        .text(dav::APPLE_ICAL, "calendar-color")
        .map(str::trim)
        .unwrap_or("");
    // Apple writes #RRGGBBAA.
    let c = if c.len() == 9 {
        c.get(..7).unwrap_or(c)
    } else {
        c
    };
    if valid_color(c) {
        c.to_ascii_lowercase()
    } else {
        COLORS[index % COLORS.len()].to_string()
    }
}

/// The name of a principal path's owner (`/dav/principals/user/bob/` → `bob`).
fn principal_name(href: &str) -> String {
    dav::percent_decode(&dav::last_segment(href))
}

/// Shares of a calendar from its `CS:invite` (CalendarServer sharing) or
/// its `DAV:acl` (grants to other principals).
fn shares_of(r: &DavResponse, own_principal: &str) -> Vec<Share> {
    let mut out = Vec::new();
    if let Some(p) = r.prop(CALENDARSERVER, "invite").filter(|p| p.status == 200) {
        // `p.xml` declares the namespaces it uses.
        if let Ok(doc) = roxmltree::Document::parse(&p.xml) {
            for user in doc
                .descendants()
                .filter(|n| n.tag_name().name() == "user" || n.tag_name().name() == "sharee")
            {
                let href = user
                    .descendants()
                    .find(|n| n.tag_name().name() == "href")
                    .and_then(|n| n.text())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if href.is_empty() {
                    continue;
                }
                let name = user
                    .descendants()
                    .find(|n| n.tag_name().name() == "common-name")
                    .and_then(|n| n.text())
                    .unwrap_or("")
                    .to_string();
                let rw = user
                    .descendants()
                    .any(|n| matches!(n.tag_name().name(), "read-write" | "read-write-schedule"));
                out.push(Share {
                    who: who_of_href(&href),
                    name,
                    access: if rw { Access::ReadWrite } else { Access::Read },
                });
            }
        }
    }
    if out.is_empty()
        && let Some(p) = r.prop(DAV, "acl").filter(|p| p.status == 200)
        && let Ok(doc) = roxmltree::Document::parse(&p.xml)
    {
        for ace in doc.descendants().filter(|n| n.tag_name().name() == "ace") {
            if ace
                .descendants()
                .any(|n| matches!(n.tag_name().name(), "deny" | "inherited" | "protected"))
            {
                continue;
            }
            let Some(href) = ace
                .children()
                .find(|n| n.tag_name().name() == "principal")
                .and_then(|p| p.children().find(|n| n.tag_name().name() == "href"))
                .and_then(|n| n.text())
            else {
                continue;
            };
            let href = href.trim();
            if dav::same_path(href, own_principal) {
                continue;
            }
            let privs: Vec<&str> = ace
                .descendants()
                .filter(|n| {
                    n.parent()
                        .is_some_and(|p| p.tag_name().name() == "privilege")
                })
                .map(|n| n.tag_name().name())
                .collect();
            if !privs.iter().any(|p| matches!(*p, "read" | "all")) {
                continue;
            }
            let rw = privs
                .iter()
                .any(|p| matches!(*p, "write" | "write-content" | "all"));
            out.push(Share {
                who: principal_name(href),
                name: String::new(),
                access: if rw { Access::ReadWrite } else { Access::Read },
            });
        }
    }
    out
}

fn who_of_href(href: &str) -> String {
    let h = dav::percent_decode(href);
    match h.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => h[7..].to_string(),
        _ => principal_name(&h),
    }
}

fn info_of(
    r: &DavResponse,
    index: usize,
    cal: &Cal,
    hidden: &[String],
    other: bool,
) -> CalendarInfo {
    let mut href = r.href.clone();
    if !href.ends_with('/') {
        href.push('/');
    }
    let owner_href = r.prop(DAV, "owner").and_then(|p| p.hrefs.first().cloned());
    let owner = match (&owner_href, other) {
        (Some(o), _) if !dav::same_path(o, &cal.home.principal) => Some(principal_name(o)),
        (_, true) => Some(owner_from_path(&href, &cal.home.home)),
        _ => None,
    };
    let own = owner.is_none();
    let name = r
        .text(DAV, "displayname")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| dav::percent_decode(&dav::last_segment(&href)));
    CalendarInfo {
        hidden: hidden.contains(&href),
        writable: writable(r, own),
        shares: if own {
            shares_of(r, &cal.home.principal)
        } else {
            Vec::new()
        },
        color: color_of(r, index),
        owner,
        name,
        id: href,
    }
}

/// A colleague's name from their calendar's path: the segment that takes
/// the user's place in the user's own home path.
fn owner_from_path(href: &str, my_home: &str) -> String {
    let mine: Vec<&str> = my_home.trim_matches('/').split('/').collect();
    let theirs: Vec<&str> = href.trim_matches('/').split('/').collect();
    for (i, seg) in mine.iter().enumerate() {
        if let Some(t) = theirs.get(i)
            && t != seg
        {
            return dav::percent_decode(t);
        }
    }
    dav::percent_decode(&dav::last_segment(href))
}

async fn own_calendars(cal: &mut Cal, hidden: &[String]) -> AppResult<Vec<CalendarInfo>> {
    let home = cal.home.home.clone();
    let found = cal
        .client
        .collections(&home, CALDAV, "calendar", CAL_PROPS)
        .await
        .map_err(dav_err)?;
    Ok(found
        .iter()
        .filter(|c| supports_events(&c.response))
        .enumerate()
        .map(|(i, c)| info_of(&c.response, i, cal, hidden, false))
        .collect())
}

async fn one_calendar(
    cal: &mut Cal,
    path: &str,
    index: usize,
    hidden: &[String],
    other: bool,
) -> AppResult<CalendarInfo> {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:A="{CALDAV}" xmlns:I="{}" xmlns:S="{CALENDARSERVER}"><D:prop><D:resourcetype/><D:displayname/>{CAL_PROPS}</D:prop></D:propfind>"#,
        dav::APPLE_ICAL
    );
    let r = cal
        .client
        .propfind(path, Depth::Zero, &body)
        .await
        .map_err(dav_err)?;
    let r = r
        .into_iter()
        .next()
        .ok_or_else(|| AppError::from(ApiError::NotFound))?;
    if !r.is_type(CALDAV, "calendar") {
        return Err(ApiError::NotFound.into());
    }
    let mut info = info_of(&r, index, cal, hidden, other);
    info.id = path.to_string();
    Ok(info)
}

/// A calendar id from the URL: a path on the DAV server, without `..`.
fn check_cal_id(id: &str) -> AppResult<String> {
    if !id.starts_with('/')
        || id.contains("..")
        || id.chars().any(|c| c.is_control() || c == '?' || c == '#')
        || id.len() > 1000
    {
        return Err(invalid("identifiant d'agenda invalide"));
    }
    let mut id = id.to_string();
    if !id.ends_with('/') {
        id.push('/');
    }
    Ok(id)
}

fn check_event_id(id: &str) -> AppResult<()> {
    if dav::valid_name(id) {
        Ok(())
    } else {
        Err(invalid("identifiant d'événement invalide"))
    }
}

/// Every calendar: the user's, then the colleagues' ones they opened.
pub async fn calendars(
    cal: &mut Cal,
    auth: &Authed,
) -> AppResult<(Vec<CalendarInfo>, shared::prefs::Preferences)> {
    let prefs = super::prefs::load(auth).await?;
    let mut list = own_calendars(cal, &prefs.hidden_calendars).await?;
    let n = list.len();
    for (i, path) in prefs.other_calendars.iter().enumerate() {
        if list.iter().any(|c| dav::same_path(&c.id, path)) {
            continue;
        }
        match one_calendar(cal, path, n + i, &prefs.hidden_calendars, true).await {
            Ok(info) => list.push(info),
            Err(e) => {
                tracing::info!(user = %cal.username, calendar = %path, "agenda d'un collègue illisible: {:?}", e.cause)
            }
        }
    }
    Ok((list, prefs))
}

/// The user's calendars and the colleagues' ones they opened.
#[utoipa::path(get, path = "/api/calendars", responses(
    (status = 200, body = CalendarList),
    (status = 401, body = ApiError),
    (status = 503, body = ApiError),
))]
pub async fn list(State(state): State<AppState>, auth: Authed) -> AppResult<Json<CalendarList>> {
    let mut cal = open(&state, &auth).await?;
    let (calendars, _) = calendars(&mut cal, &auth).await?;
    // Invitations answered elsewhere may still be there: not offered when
    // the calendar is in the list already.
    let pending = pending_shares(&mut cal)
        .await
        .into_iter()
        .filter(|p| {
            !calendars
                .iter()
                .any(|c| c.owner.as_deref() == Some(p.owner.as_str()) && c.name == p.name)
        })
        .collect();
    Ok(Json(CalendarList {
        calendars,
        sharing: cal.home.cs_sharing || cal.home.acl,
        free_busy: cal.home.outbox.is_some(),
        email: cal.email.clone(),
        pending,
    }))
}

/// Adds a calendar a colleague shared (it joins the user's list), or
/// declines it; answers the list of calendars as it is now.
#[utoipa::path(post, path = "/api/calendars/pending", request_body = ShareAnswer, responses(
    (status = 200, body = CalendarList), (status = 404, body = ApiError)))]
pub async fn answer_pending(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<ShareAnswer>,
) -> AppResult<Json<CalendarList>> {
    let mut cal = open(&state, &auth).await?;
    let Some(base) = cal.home.notifications.clone() else {
        return Err(ApiError::NotFound.into());
    };
    // Only an invitation of the user's own notifications.
    let id = check_cal_id(&req.id)?.trim_end_matches('/').to_string();
    if !id.starts_with(&base) || dav::same_path(&id, &base) {
        return Err(ApiError::Forbidden.into());
    }
    answer_share(&mut cal, &id, req.accept)
        .await
        .map_err(dav_err)?;
    list(State(state), auth).await
}

fn clean_name(name: &str) -> AppResult<String> {
    let n: String = name.chars().filter(|c| !c.is_control()).collect();
    let n = n.trim().to_string();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(invalid("le nom de l'agenda est vide ou trop long"));
    }
    Ok(n)
}

/// Creates a calendar (`MKCALENDAR`) in the user's home.
#[utoipa::path(post, path = "/api/calendars", request_body = CalendarChange, responses(
    (status = 200, body = CalendarInfo), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<CalendarChange>,
) -> AppResult<Json<CalendarInfo>> {
    let name = clean_name(req.name.as_deref().unwrap_or(""))?;
    let color = req
        .color
        .filter(|c| valid_color(c))
        .unwrap_or_else(|| COLORS[1].to_string());
    let mut cal = open(&state, &auth).await?;
    let path = dav::member_path(&cal.home.home, &random_hex(8)?)? + "/";
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="{CALDAV}" xmlns:I="{}"><D:set><D:prop><D:displayname>{}</D:displayname><I:calendar-color>{color}</I:calendar-color><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#,
        dav::APPLE_ICAL,
        dav::xml_escape(&name)
    );
    let method = Method::from_bytes(b"MKCALENDAR").map_err(|e| anyhow::anyhow!("{e}"))?;
    cal.client
        .request(
            method,
            &path,
            &[],
            Some(("application/xml; charset=utf-8", body.into_bytes())),
        )
        .await?
        .check()
        .map_err(dav_err)?;
    let info = one_calendar(&mut cal, &path, 1, &[], false).await?;
    tracing::info!(user = %auth.data.username, "agenda créé");
    Ok(Json(info))
}

/// Renames, recolours, hides or shows a calendar.
#[utoipa::path(patch, path = "/api/calendars/{cal}", request_body = CalendarChange, responses(
    (status = 200, body = CalendarInfo), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn change(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    Json(req): Json<CalendarChange>,
) -> AppResult<Json<CalendarInfo>> {
    let id = check_cal_id(&id)?;
    let mut cal = open(&state, &auth).await?;
    let mut sets = String::new();
    if let Some(name) = &req.name {
        sets.push_str(&format!(
            "<D:displayname>{}</D:displayname>",
            dav::xml_escape(&clean_name(name)?)
        ));
    }
    if let Some(color) = &req.color {
        if !valid_color(color) {
            return Err(invalid("couleur invalide"));
        }
        sets.push_str(&format!("<I:calendar-color>{color}</I:calendar-color>"));
    }
    if !sets.is_empty() {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:I="{}"><D:set><D:prop>{sets}</D:prop></D:set></D:propertyupdate>"#,
            dav::APPLE_ICAL
        );
        let method = Method::from_bytes(b"PROPPATCH").map_err(|e| anyhow::anyhow!("{e}"))?;
        let reply = cal
            .client
            .request(
                method,
                &id,
                &[],
                Some(("application/xml; charset=utf-8", body.into_bytes())),
            )
            .await?
            .check()
            .map_err(dav_err)?;
        // A multistatus may still refuse a property.
        if reply.status == StatusCode::MULTI_STATUS
            && let Ok(r) = dav::parse_multistatus(&reply.text())
            && r.iter()
                .flat_map(|r| &r.props)
                .any(|p| p.status == 403 || p.status == 401)
        {
            return Err(ApiError::Forbidden.into());
        }
    }
    let mut prefs = super::prefs::load(&auth).await?;
    if let Some(hidden) = req.hidden {
        prefs.hidden_calendars.retain(|h| !dav::same_path(h, &id));
        if hidden {
            prefs.hidden_calendars.push(id.clone());
        }
        save_prefs(&auth, prefs.clone()).await?;
    }
    let other = prefs.other_calendars.iter().any(|o| dav::same_path(o, &id));
    Ok(Json(
        one_calendar(&mut cal, &id, 0, &prefs.hidden_calendars, other).await?,
    ))
}

async fn save_prefs(auth: &Authed, prefs: shared::prefs::Preferences) -> AppResult<()> {
    super::prefs::store(auth, prefs).await.map(|_| ())
}

/// Deletes one of the user's calendars with its events, or removes a
/// colleague's calendar from the list.
#[utoipa::path(delete, path = "/api/calendars/{cal}", responses(
    (status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let id = check_cal_id(&id)?;
    let mut prefs = super::prefs::load(&auth).await?;
    if prefs.other_calendars.iter().any(|o| dav::same_path(o, &id)) {
        prefs.other_calendars.retain(|o| !dav::same_path(o, &id));
        prefs.hidden_calendars.retain(|o| !dav::same_path(o, &id));
        save_prefs(&auth, prefs).await?;
        return Ok(StatusCode::NO_CONTENT);
    }
    let mut cal = open(&state, &auth).await?;
    if !id.starts_with(&cal.home.home) || dav::same_path(&id, &cal.home.home) {
        return Err(ApiError::Forbidden.into());
    }
    cal.client.delete(&id, None).await.map_err(dav_err)?;
    tracing::info!(user = %auth.data.username, "agenda supprimé");
    Ok(StatusCode::NO_CONTENT)
}

/// Paths where a colleague's principal may be, from how the user's own
/// principal is named.
fn principal_candidates(my_principal: &str, my_name: &str, theirs: &str) -> Vec<String> {
    let mut out = Vec::new();
    let enc = dav::encode_segment(theirs);
    let segs: Vec<&str> = my_principal.trim_end_matches('/').split('/').collect();
    if let Some(pos) = segs
        .iter()
        .rposition(|s| dav::percent_decode(s).eq_ignore_ascii_case(my_name))
    {
        let mut s: Vec<String> = segs.iter().map(|x| x.to_string()).collect();
        s[pos] = enc.clone();
        out.push(format!("{}/", s.join("/")));
    }
    out
}

/// Opens a colleague's calendars (by identifier or address): the ones
/// the server lets the user read are added to their list.
#[utoipa::path(post, path = "/api/calendars/others", request_body = OpenOther, responses(
    (status = 200, body = Vec<CalendarInfo>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn open_other(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<OpenOther>,
) -> AppResult<Json<Vec<CalendarInfo>>> {
    let who = req.who.trim().to_ascii_lowercase();
    if who.is_empty()
        || who.len() > 200
        || who
            .chars()
            .any(|c| c.is_control() || c == '/' || c.is_whitespace())
    {
        return Err(invalid("identifiant ou adresse invalide"));
    }
    let mut cal = open(&state, &auth).await?;
    let mut names = vec![who.clone()];
    if let Some((local, _)) = who.split_once('@') {
        names.push(local.to_string());
        if let Some(found) = search_principal(&mut cal, &who).await {
            names.insert(0, found);
        }
    }
    let me = cal.username.clone();
    let principal = cal.home.principal.clone();
    let home = cal.home.home.clone();
    // A server with sharing puts the calendars shared with the user in
    // their home once they accept the invitation: accept the colleague's,
    // then take theirs from the home.
    if cal.home.notifications.is_some() {
        let is_them = |owner: &str| {
            let owner = owner.to_ascii_lowercase();
            let local = owner.split('@').next().unwrap_or("").to_string();
            names.iter().any(|n| *n == owner || *n == local)
        };
        for p in pending_shares(&mut cal).await {
            if is_them(&p.owner)
                && let Err(e) = answer_share(&mut cal, &p.id, true).await
            {
                tracing::info!(user = %me, "invitation de partage non acceptée: {e}");
            }
        }
        let theirs: Vec<CalendarInfo> = own_calendars(&mut cal, &[])
            .await?
            .into_iter()
            .filter(|c| c.owner.as_deref().is_some_and(is_them))
            .collect();
        if !theirs.is_empty() {
            return Ok(Json(theirs));
        }
    }
    let mut found: Vec<CalendarInfo> = Vec::new();
    let mut forbidden = false;
    for name in names {
        if name == me.to_ascii_lowercase() {
            continue;
        }
        // Their home: named like ours, with their name in our place.
        let mut homes = principal_candidates(&home, &me, &name);
        homes.extend(principal_candidates(&principal, &me, &name));
        homes.dedup();
        for h in homes {
            let body = format!(
                r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:A="{CALDAV}" xmlns:I="{}" xmlns:S="{CALENDARSERVER}"><D:prop><D:resourcetype/><D:displayname/><A:calendar-home-set/>{CAL_PROPS}</D:prop></D:propfind>"#,
                dav::APPLE_ICAL
            );
            let listing = match cal.client.propfind(&h, Depth::One, &body).await {
                Ok(r) => r,
                Err(DavError::Refused { status: 403, .. }) => {
                    forbidden = true;
                    continue;
                }
                Err(DavError::NotFound | DavError::Refused { .. }) => continue,
                Err(e) => return Err(dav_err(e)),
            };
            // A principal: go to its calendar home.
            let listing = match listing
                .first()
                .and_then(|r| r.href_in(CALDAV, "calendar-home-set"))
                .map(str::to_string)
            {
                Some(ch) if !dav::same_path(&ch, &h) => {
                    match cal.client.propfind(&ch, Depth::One, &body).await {
                        Ok(r) => r,
                        Err(DavError::Refused { status: 403, .. }) => {
                            forbidden = true;
                            continue;
                        }
                        Err(DavError::NotFound | DavError::Refused { .. }) => continue,
                        Err(e) => return Err(dav_err(e)),
                    }
                }
                _ => listing,
            };
            for (i, r) in listing.iter().enumerate() {
                if r.is_type(CALDAV, "calendar")
                    && supports_events(r)
                    && r.status.is_none_or(|s| s == 200)
                {
                    let mut info = info_of(r, i + 3, &cal, &[], true);
                    if info.owner.is_none() {
                        info.owner = Some(name.clone());
                    }
                    if !found.iter().any(|f| f.id == info.id) {
                        found.push(info);
                    }
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    if found.is_empty() {
        return Err(if forbidden {
            ApiError::Forbidden
        } else {
            ApiError::NotFound
        }
        .into());
    }
    let mut prefs = super::prefs::load(&auth).await?;
    for f in &found {
        if !prefs
            .other_calendars
            .iter()
            .any(|o| dav::same_path(o, &f.id))
        {
            prefs.other_calendars.push(f.id.clone());
        }
    }
    save_prefs(&auth, prefs).await?;
    Ok(Json(found))
}

/// Sharing invitations waiting for the user (CalendarServer
/// notifications), the 20 newest looked at.
async fn pending_shares(cal: &mut Cal) -> Vec<PendingShare> {
    let Some(url) = cal.home.notifications.clone() else {
        return Vec::new();
    };
    let body = r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:notificationtype/></D:prop></D:propfind>"#;
    let Ok(list) = cal.client.propfind(&url, Depth::One, body).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in list
        .iter()
        .filter(|r| !dav::same_path(&r.href, &url))
        .rev()
        .take(20)
    {
        let invite = r
            .props
            .iter()
            .any(|p| p.name == "notificationtype" && p.status == 200 && p.xml.contains("invite"));
        if !invite {
            continue;
        }
        let Ok((bytes, _)) = cal.client.get(&r.href).await else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Ok(doc) = roxmltree::Document::parse(&text) else {
            continue;
        };
        let waiting = doc
            .descendants()
            .any(|n| n.tag_name().name() == "invite-noresponse");
        let owner = doc
            .descendants()
            .find(|n| n.tag_name().name() == "organizer")
            .and_then(|o| o.descendants().find(|n| n.tag_name().name() == "href"))
            .and_then(|n| n.text())
            .map(|h| who_of_href(h.trim()));
        let text_of = |name: &str| {
            doc.descendants()
                .find(|n| n.tag_name().name() == name)
                .map(|n| {
                    n.descendants()
                        .filter(|t| t.is_text())
                        .filter_map(|t| t.text())
                        .collect::<String>()
                })
                .unwrap_or_default()
        };
        let host = doc
            .descendants()
            .find(|n| n.tag_name().name() == "hosturl")
            .and_then(|o| o.descendants().find(|n| n.tag_name().name() == "href"))
            .and_then(|n| n.text())
            .map(|h| dav::percent_decode(&dav::last_segment(h.trim())))
            .unwrap_or_default();
        let summary = text_of("summary").trim().to_string();
        let rw = doc
            .descendants()
            .any(|n| matches!(n.tag_name().name(), "read-write" | "read-write-schedule"));
        if let (true, Some(owner)) = (waiting, owner) {
            out.push(PendingShare {
                id: r.href.clone(),
                owner,
                name: if summary.is_empty() { host } else { summary },
                access: if rw { Access::ReadWrite } else { Access::Read },
            });
        }
    }
    out
}

/// Answers a sharing invitation: accepted, the calendar joins the user's
/// home.
async fn answer_share(cal: &mut Cal, notification: &str, accept: bool) -> Result<(), DavError> {
    let body = if accept {
        r#"<?xml version="1.0" encoding="utf-8"?><D:invite-reply xmlns:D="DAV:"><D:invite-accepted/></D:invite-reply>"#
    } else {
        r#"<?xml version="1.0" encoding="utf-8"?><D:invite-reply xmlns:D="DAV:"><D:invite-declined/></D:invite-reply>"#
    };
    cal.client
        .request(
            Method::POST,
            notification,
            &[],
            Some((
                "application/davsharing+xml; charset=utf-8",
                body.as_bytes().to_vec(),
            )),
        )
        .await?
        .check()?;
    // Answered: the invitation is not offered again (the server keeps the
    // notification otherwise).
    if let Err(e) = cal.client.delete(notification, None).await {
        tracing::debug!("notification de partage non effacée: {e}");
    }
    Ok(())
}

/// The principal whose calendar address is `email` (RFC 3744
/// `principal-property-search`), where the server answers it.
async fn search_principal(cal: &mut Cal, email: &str) -> Option<String> {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><D:principal-property-search xmlns:D="DAV:" xmlns:C="{CALDAV}"><D:property-search><D:prop><C:calendar-user-address-set/></D:prop><D:match>{}</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>"#,
        dav::xml_escape(email)
    );
    let collection = {
        let p = cal.home.principal.trim_end_matches('/');
        match p.rfind('/') {
            Some(i) => format!("{}/", &p[..i]),
            None => "/".into(),
        }
    };
    let r = cal
        .client
        .report(&collection, Depth::Zero, &body)
        .await
        .ok()?;
    r.first().map(|r| principal_name(&r.href))
}

// ------------------------------------------------------------------ shares

/// Shares one of the user's calendars with a colleague.
#[utoipa::path(post, path = "/api/calendars/{cal}/shares", request_body = ShareRequest, responses(
    (status = 200, body = CalendarInfo), (status = 403, body = ApiError)))]
pub async fn share(
    State(state): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
    Json(req): Json<ShareRequest>,
) -> AppResult<Json<CalendarInfo>> {
    let id = check_cal_id(&id)?;
    let who = req.who.trim().to_string();
    if who.is_empty()
        || who
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '<' || c == '>' || c == '/')
    {
        return Err(invalid("identifiant ou adresse invalide"));
    }
    let mut cal = open(&state, &auth).await?;
    let name = one_calendar(&mut cal, &id, 0, &[], false).await?.name;
    set_share(&mut cal, &id, &who, Some((req.access, &name))).await?;
    let hidden = super::prefs::load(&auth).await?.hidden_calendars;
    Ok(Json(one_calendar(&mut cal, &id, 0, &hidden, false).await?))
}

/// Stops sharing a calendar with a colleague.
#[utoipa::path(delete, path = "/api/calendars/{cal}/shares/{who}", responses(
    (status = 200, body = CalendarInfo), (status = 403, body = ApiError)))]
pub async fn unshare(
    State(state): State<AppState>,
    auth: Authed,
    Path((id, who)): Path<(String, String)>,
) -> AppResult<Json<CalendarInfo>> {
    let id = check_cal_id(&id)?;
    let mut cal = open(&state, &auth).await?;
    set_share(&mut cal, &id, who.trim(), None).await?;
    let hidden = super::prefs::load(&auth).await?.hidden_calendars;
    Ok(Json(one_calendar(&mut cal, &id, 0, &hidden, false).await?))
}

/// How a colleague is named in a share: their address (an identifier
/// gets the user's own domain), as `mailto:` (CalendarServer sharing), or
/// their principal's path (WebDAV ACL).
fn sharee_href(cal: &Cal, who: &str) -> String {
    let address = if who.contains('@') {
        who.to_string()
    } else {
        let domain = cal.email.rsplit_once('@').map_or("", |(_, d)| d);
        format!("{who}@{domain}")
    };
    if cal.home.cs_sharing || who.contains('@') {
        format!("mailto:{address}")
    } else {
        principal_candidates(&cal.home.principal, &cal.username, who)
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("mailto:{address}"))
    }
}

/// Shares `id` with `who` (`access` and the calendar's name, which the
/// invitation carries), or stops sharing it (`None`).
async fn set_share(
    cal: &mut Cal,
    id: &str,
    who: &str,
    access: Option<(Access, &str)>,
) -> AppResult<()> {
    if !id.starts_with(&cal.home.home) {
        return Err(ApiError::Forbidden.into());
    }
    let href = dav::xml_escape(&sharee_href(cal, who));
    if cal.home.cs_sharing {
        let body = match access {
            Some((a, name)) => format!(
                r#"<?xml version="1.0" encoding="utf-8"?><CS:share xmlns:D="DAV:" xmlns:CS="{CALENDARSERVER}"><CS:set><D:href>{href}</D:href><CS:summary>{}</CS:summary>{}</CS:set></CS:share>"#,
                dav::xml_escape(name),
                if a == Access::ReadWrite {
                    "<CS:read-write/>"
                } else {
                    "<CS:read/>"
                }
            ),
            None => format!(
                r#"<?xml version="1.0" encoding="utf-8"?><CS:share xmlns:D="DAV:" xmlns:CS="{CALENDARSERVER}"><CS:remove><D:href>{href}</D:href></CS:remove></CS:share>"#
            ),
        };
        cal.client
            .request(
                Method::POST,
                id,
                &[],
                // The sharing POST has its own type (Cyrus refuses plain XML).
                Some((
                    "application/davsharing+xml; charset=utf-8",
                    body.into_bytes(),
                )),
            )
            .await?
            .check()
            .map_err(dav_err)?;
        return Ok(());
    }
    if cal.home.acl {
        return set_acl(cal, id, who, access.map(|(a, _)| a)).await;
    }
    Err(ApiError::Forbidden.into())
}

/// WebDAV ACL: the calendar's own grants (not inherited, not protected)
/// rewritten with the colleague's grant set, changed or removed.
async fn set_acl(cal: &mut Cal, id: &str, who: &str, access: Option<Access>) -> AppResult<()> {
    let body = r#"<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:acl/></D:prop></D:propfind>"#;
    let r = cal
        .client
        .propfind(id, Depth::Zero, body)
        .await
        .map_err(dav_err)?;
    let xml = r
        .first()
        .and_then(|r| r.prop(DAV, "acl"))
        .map(|p| p.xml.clone())
        .unwrap_or_default();
    let target = sharee_href(cal, who);
    let mut aces = String::new();
    if let Ok(doc) = roxmltree::Document::parse(&xml) {
        for ace in doc.descendants().filter(|n| n.tag_name().name() == "ace") {
            if ace
                .children()
                .any(|n| matches!(n.tag_name().name(), "inherited" | "protected"))
            {
                continue;
            }
            let principal = ace.children().find(|n| n.tag_name().name() == "principal");
            let href = principal
                .and_then(|p| p.children().find(|n| n.tag_name().name() == "href"))
                .and_then(|n| n.text())
                .map(str::trim);
            if href.is_some_and(|h| dav::same_path(h, &target) || h.eq_ignore_ascii_case(&target)) {
                continue;
            }
            // With its namespaces: it leaves its `acl` parent.
            aces.push_str(&dav::self_contained(ace, &xml));
        }
    }
    if let Some(a) = access {
        let privs = if a == Access::ReadWrite {
            "<D:privilege><D:read/></D:privilege><D:privilege><D:write/></D:privilege>"
        } else {
            "<D:privilege><D:read/></D:privilege>"
        };
        aces.push_str(&format!(
            r#"<D:ace xmlns:D="DAV:"><D:principal><D:href>{}</D:href></D:principal><D:grant>{privs}</D:grant></D:ace>"#,
            dav::xml_escape(&target)
        ));
    }
    let body =
        format!(r#"<?xml version="1.0" encoding="utf-8"?><D:acl xmlns:D="DAV:">{aces}</D:acl>"#);
    let method = Method::from_bytes(b"ACL").map_err(|e| anyhow::anyhow!("{e}"))?;
    cal.client
        .request(
            method,
            id,
            &[],
            Some(("application/xml; charset=utf-8", body.into_bytes())),
        )
        .await?
        .check()
        .map_err(dav_err)?;
    Ok(())
}

// ------------------------------------------------------------------ events

/// `?start=&end=` (ms).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RangeQuery {
    pub start: i64,
    pub end: i64,
    /// Only these calendars (ids, comma-separated); the shown ones when absent.
    #[serde(default)]
    pub calendars: Option<String>,
}

fn ical_utc(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// The objects of a calendar with an event in `[start, end)` (ms), or all
/// of them: (resource name, ETag, text).
pub async fn objects(
    client: &mut DavClient,
    calendar: &str,
    range: Option<(i64, i64)>,
) -> Result<Vec<(String, Option<String>, String)>, DavError> {
    let filter = match range {
        Some((s, e)) => format!(
            r#"<C:comp-filter name="VEVENT"><C:time-range start="{}" end="{}"/></C:comp-filter>"#,
            ical_utc(s),
            ical_utc(e)
        ),
        None => r#"<C:comp-filter name="VEVENT"/>"#.to_string(),
    };
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="{CALDAV}"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR">{filter}</C:comp-filter></C:filter></C:calendar-query>"#
    );
    let found = client.report(calendar, Depth::One, &body).await?;
    Ok(found
        .into_iter()
        .filter(|r| r.status.is_none_or(|s| s == 200))
        .filter_map(|r| {
            let data = r.text(CALDAV, "calendar-data")?.to_string();
            let etag = r.etag().map(str::to_string);
            Some((dav::percent_decode(&dav::last_segment(&r.href)), etag, data))
        })
        .collect())
}

/// The objects with this UID in a calendar.
async fn by_uid(
    client: &mut DavClient,
    calendar: &str,
    uid: &str,
) -> Result<Vec<(String, Option<String>, String)>, DavError> {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" xmlns:C="{CALDAV}"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">{}</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#,
        dav::xml_escape(uid)
    );
    let found = client.report(calendar, Depth::One, &body).await?;
    Ok(found
        .into_iter()
        .filter_map(|r| {
            let data = r.text(CALDAV, "calendar-data")?.to_string();
            let cal = ical::parse(data.as_bytes()).ok()?;
            (cal.uid() == uid).then(|| {
                (
                    dav::percent_decode(&dav::last_segment(&r.href)),
                    r.etag().map(str::to_string),
                    data,
                )
            })
        })
        .collect())
}

/// Occurrences of the shown calendars in a range.
#[utoipa::path(get, path = "/api/calendars/events", params(RangeQuery), responses(
    (status = 200, body = OccurrenceList), (status = 400, body = ApiError)))]
pub async fn events(
    State(state): State<AppState>,
    auth: Authed,
    Query(q): Query<RangeQuery>,
) -> AppResult<Json<OccurrenceList>> {
    if q.end <= q.start || q.end - q.start > MAX_RANGE_MS {
        return Err(invalid("période invalide (un an au plus)"));
    }
    let mut cal = open(&state, &auth).await?;
    let (list, _) = calendars(&mut cal, &auth).await?;
    let wanted: Option<Vec<String>> = q
        .calendars
        .as_ref()
        .map(|c| c.split(',').map(|s| s.trim().to_string()).collect());
    let mut out = OccurrenceList::default();
    for c in list {
        let shown = match &wanted {
            Some(w) => w.iter().any(|x| dav::same_path(x, &c.id)),
            None => !c.hidden,
        };
        if !shown {
            continue;
        }
        match range_occurrences(&mut cal, &c.id, q.start, q.end).await {
            Ok(mut o) => out.occurrences.append(&mut o),
            Err(e) => {
                tracing::info!(user = %cal.username, calendar = %c.id, "agenda illisible: {e}");
                out.errors.push(c.name.clone());
            }
        }
    }
    out.occurrences
        .sort_by(|a, b| (a.start, &a.title).cmp(&(b.start, &b.title)));
    Ok(Json(out))
}

async fn range_occurrences(
    cal: &mut Cal,
    calendar: &str,
    start: i64,
    end: i64,
) -> Result<Vec<Occurrence>, DavError> {
    // All-day events are stored in dates: ask a day more on each side.
    let objs = objects(
        &mut cal.client,
        calendar,
        Some((start - 86_400_000, end + 86_400_000)),
    )
    .await?;
    let me = cal.me.clone();
    let calendar = calendar.to_string();
    // Expansion is CPU work: off the async threads.
    let out = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for (id, etag, data) in objs {
            match ical::parse(data.as_bytes()) {
                Ok(obj) => out.extend(ical::occurrences(
                    &obj,
                    &calendar,
                    &id,
                    etag.as_deref(),
                    start,
                    end,
                    &me,
                )),
                Err(e) => tracing::info!(%id, "événement illisible ignoré: {e}"),
            }
        }
        out
    })
    .await
    .unwrap_or_default();
    Ok(out)
}

/// `?occurrence=` (a `RECURRENCE-ID`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OccurrenceQuery {
    #[serde(default)]
    pub occurrence: Option<String>,
}

fn parse_rid(s: Option<&str>) -> AppResult<Option<When>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => When::parse(s)
            .map(Some)
            .ok_or_else(|| invalid("occurrence invalide")),
    }
}

async fn load_object(
    cal: &mut Cal,
    calendar: &str,
    id: &str,
) -> AppResult<(Component, Option<String>, String)> {
    let path = dav::member_path(calendar, id)?;
    let (bytes, etag) = cal.client.get(&path).await.map_err(dav_err)?;
    let obj = ical::parse(&bytes).map_err(|e| AppError {
        api: ApiError::ServerRefused {
            detail: format!("événement illisible : {e}"),
        },
        cause: Some(e),
    })?;
    Ok((obj, etag, path))
}

fn is_mine(obj: &Component, me: &[String]) -> bool {
    obj.master()
        .and_then(|m| m.get("ORGANIZER"))
        .is_none_or(|o| me.iter().any(|m| m.eq_ignore_ascii_case(&o.address())))
}

/// One event (or one occurrence of a series), as the editor shows it.
#[utoipa::path(get, path = "/api/calendars/{cal}/events/{id}", params(OccurrenceQuery), responses(
    (status = 200, body = EventDetail), (status = 404, body = ApiError)))]
pub async fn event(
    State(state): State<AppState>,
    auth: Authed,
    Path((calendar, id)): Path<(String, String)>,
    Query(q): Query<OccurrenceQuery>,
) -> AppResult<Json<EventDetail>> {
    let calendar = check_cal_id(&calendar)?;
    check_event_id(&id)?;
    let rid = parse_rid(q.occurrence.as_deref())?;
    let mut cal = open(&state, &auth).await?;
    let (obj, etag, _) = load_object(&mut cal, &calendar, &id).await?;
    let recurring = obj.is_recurring();
    let data = ical::occurrence_data(&obj, rid.filter(|_| recurring || obj.events().count() > 1))
        .ok_or_else(|| invalid("événement sans date"))?;
    Ok(Json(EventDetail {
        calendar,
        id,
        etag,
        uid: obj.uid(),
        recurring,
        occurrence: rid.map(When::to_ical),
        editable: is_mine(&obj, &cal.me),
        data,
    }))
}

/// The user as organiser or attendee: the login identity (its name from
/// the preferences, none if they cannot be read).
async fn sender_of(auth: &Authed) -> Sender {
    super::compose::sender_of(auth, None)
        .await
        .unwrap_or_else(|_| Sender {
            name: String::new(),
            email: auth.data.email.clone(),
            reply_to: None,
        })
}

/// "mardi 1 décembre 2026 à 18:00" in Paris time, for the messages.
fn when_text(obj: &Component) -> String {
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    use chrono::{Datelike, Timelike};
    let Some((start, _, all_day)) = ical::first_span(obj) else {
        return String::new();
    };
    let Some(t) = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(start) else {
        return String::new();
    };
    let t = if all_day {
        t.naive_utc()
    } else {
        t.with_timezone(&ical::DEFAULT_TZ).naive_local()
    };
    let day = format!(
        "{} {} {} {}",
        DAYS[t.weekday().num_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month0() as usize],
        t.year()
    );
    if all_day {
        day
    } else {
        format!("{day} à {:02}:{:02}", t.hour(), t.minute())
    }
}

/// Sends an iTIP message (`REQUEST`, `CANCEL`, `REPLY`) by mail.
async fn send_itip(
    state: &AppState,
    auth: &Authed,
    to: &[String],
    itip: &Component,
    method: &str,
) -> AppResult<()> {
    if to.is_empty() {
        return Ok(());
    }
    let master = itip.master();
    let title = master.map(|m| m.text("SUMMARY")).unwrap_or_default();
    let when = when_text(itip);
    let sender = sender_of(auth).await;
    let who = if sender.name.is_empty() {
        sender.email.clone()
    } else {
        sender.name.clone()
    };
    let (subject, text) = match method {
        "REQUEST" => (
            format!("Invitation : {title} ({when})"),
            format!(
                "{who} vous invite à « {title} », {when}.\n\nOuvrez ce message dans Facteur ou dans votre agenda pour répondre."
            ),
        ),
        "CANCEL" => (
            format!("Annulé : {title} ({when})"),
            format!("{who} a annulé « {title} », prévu {when}."),
        ),
        _ => {
            let status = master
                .and_then(|m| m.get("ATTENDEE"))
                .map(|a| PartStat::from_ical(a.param("PARTSTAT").unwrap_or("")))
                .unwrap_or_default();
            let verb = match status {
                PartStat::Accepted => "a accepté",
                PartStat::Tentative => "a répondu peut-être à",
                PartStat::Declined => "a refusé",
                PartStat::NeedsAction => "a répondu à",
            };
            (
                format!("{who} {verb} : {title}"),
                format!("{who} {verb} votre invitation « {title} », {when}."),
            )
        }
    };
    let to: Vec<Address> = to
        .iter()
        .map(|e| Address {
            name: None,
            email: e.clone(),
        })
        .collect();
    let domain = sender
        .email
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d)
        .to_string();
    let id = compose::new_message_id(&domain);
    let wire = compose::build_imip(
        &sender,
        &to,
        &subject,
        &text,
        &itip.to_ics(),
        method,
        &id,
        chrono::Utc::now().timestamp(),
    )?;
    let rcpts: Vec<String> = to.iter().map(|a| a.email.clone()).collect();
    smtp::submit(
        &super::compose::server(state),
        &auth.data.username,
        auth.creds.password.expose(),
        &sender.email,
        &rcpts,
        &wire,
    )
    .await?;
    tracing::info!(user = %auth.data.username, method, rcpts = rcpts.len(), "message d'agenda envoyé");
    Ok(())
}

/// Attendees other than the user.
fn others(obj: &Component, me: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ev in obj.events() {
        for a in ev.all("ATTENDEE") {
            let e = a.address();
            if valid_email(&e)
                && !me.iter().any(|m| m.eq_ignore_ascii_case(&e))
                && !out.contains(&e)
            {
                out.push(e);
            }
        }
    }
    out
}

/// Tells attendees; a failure is reported, the event stays saved.
async fn notify(
    state: &AppState,
    auth: &Authed,
    auto_schedule: bool,
    saved: &mut EventSaved,
    to: Vec<String>,
    itip: Option<Component>,
    method: &str,
) {
    let Some(itip) = itip else {
        return;
    };
    if to.is_empty() {
        return;
    }
    if auto_schedule {
        saved.notified.extend(to);
        return;
    }
    match send_itip(state, auth, &to, &itip, method).await {
        Ok(()) => saved.notified.extend(to),
        Err(e) => {
            tracing::warn!(user = %auth.data.username, "invitations non envoyées: {:?}", e.cause);
            saved.notify_error = Some(match e.api {
                ApiError::RecipientsRefused { addresses, .. } => {
                    format!("adresses refusées : {}", addresses.join(", "))
                }
                ApiError::ServerUnavailable => "le serveur d'envoi ne répond pas".into(),
                other => format!("{other:?}"),
            });
        }
    }
}

/// Creates an event; invitations go to its attendees.
#[utoipa::path(post, path = "/api/calendars/{cal}/events", request_body = EventWrite, responses(
    (status = 200, body = EventSaved), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
pub async fn create_event(
    State(state): State<AppState>,
    auth: Authed,
    Path(calendar): Path<String>,
    Json(req): Json<EventWrite>,
) -> AppResult<Json<EventSaved>> {
    let calendar = check_cal_id(&calendar)?;
    let mut cal = open(&state, &auth).await?;
    let sender = sender_of(&auth).await;
    let uid = new_uid()?;
    let obj = ical::new_object(&uid, &req.data, (&cal.email, &sender.name)).map_err(invalid)?;
    let id = ical::object_name(&uid);
    let path = dav::member_path(&calendar, &id)?;
    let etag = cal
        .client
        .put(
            &path,
            obj.to_ics().into_bytes(),
            ICS_TYPE,
            IfMatch::NoneMatch,
        )
        .await
        .map_err(dav_err)?;
    let mut saved = EventSaved {
        id,
        etag,
        uid,
        notified: Vec::new(),
        notify_error: None,
    };
    if req.notify {
        let to = others(&obj, &cal.me);
        notify(
            &state,
            &auth,
            cal.home.auto_schedule,
            &mut saved,
            to,
            Some(ical::itip(&obj, "REQUEST")),
            "REQUEST",
        )
        .await;
    }
    Ok(Json(saved))
}

async fn put_checked(
    cal: &mut Cal,
    path: &str,
    obj: &Component,
    etag: Option<String>,
) -> AppResult<Option<String>> {
    let cond = match etag {
        Some(e) => IfMatch::Etag(e),
        None => IfMatch::Any,
    };
    cal.client
        .put(path, obj.to_ics().into_bytes(), ICS_TYPE, cond)
        .await
        .map_err(dav_err)
}

/// Changes an event, one occurrence, or an occurrence and the following
/// ones; attendees get the update (removed ones a cancellation).
#[utoipa::path(put, path = "/api/calendars/{cal}/events/{id}", request_body = EventWrite, responses(
    (status = 200, body = EventSaved), (status = 403, body = ApiError), (status = 412, body = ApiError)))]
pub async fn update_event(
    State(state): State<AppState>,
    auth: Authed,
    Path((calendar, id)): Path<(String, String)>,
    Json(req): Json<EventWrite>,
) -> AppResult<Json<EventSaved>> {
    let calendar = check_cal_id(&calendar)?;
    check_event_id(&id)?;
    let rid = parse_rid(req.occurrence.as_deref())?;
    let mut cal = open(&state, &auth).await?;
    let (mut obj, current, path) = load_object(&mut cal, &calendar, &id).await?;
    if req.etag.is_some() && req.etag != current {
        return Err(ApiError::EditConflict.into());
    }
    if !is_mine(&obj, &cal.me) {
        return Err(ApiError::Forbidden.into());
    }
    let sender = sender_of(&auth).await;
    let org = (cal.email.clone(), sender.name.clone());
    let before = others(&obj, &cal.me);
    let etag = req.etag.clone().or(current);
    let first = obj
        .master()
        .and_then(|m| m.get("DTSTART"))
        .and_then(ical::Stamp::read)
        .map(|s| s.when());
    let mut created: Option<(String, Component)> = None;
    match (req.scope, rid) {
        (Scope::This, Some(rid)) if obj.is_recurring() => {
            ical::change_this(&mut obj, rid, &req.data, (&org.0, &org.1)).map_err(invalid)?
        }
        (Scope::Following, Some(rid)) if obj.is_recurring() && Some(rid) != first => {
            let uid = new_uid()?;
            let next =
                ical::split_following(&mut obj, rid, &uid, Some(&req.data), (&org.0, &org.1))
                    .map_err(invalid)?
                    .ok_or_else(|| invalid("suite de la série vide"))?;
            created = Some((uid, next));
        }
        _ => ical::change_all(&mut obj, rid, &req.data, (&org.0, &org.1)).map_err(invalid)?,
    }
    // A split series: the new part is written first, so that a failure
    // of either write never leaves the following occurrences nowhere.
    let mut written: Option<(String, String, Option<String>)> = None;
    if let Some((uid, next)) = &created {
        let nid = ical::object_name(uid);
        let npath = dav::member_path(&calendar, &nid)?;
        let netag = cal
            .client
            .put(
                &npath,
                next.to_ics().into_bytes(),
                ICS_TYPE,
                IfMatch::NoneMatch,
            )
            .await
            .map_err(dav_err)?;
        written = Some((nid, npath, netag));
    }
    let new_etag = match put_checked(&mut cal, &path, &obj, etag).await {
        Ok(e) => e,
        Err(e) => {
            if let Some((_, npath, netag)) = &written
                && let Err(undo) = cal.client.delete(npath, netag.as_deref()).await
            {
                tracing::warn!(user = %auth.data.username, "suite de série non retirée: {undo}");
            }
            return Err(e);
        }
    };
    let mut saved = EventSaved {
        id: id.clone(),
        etag: new_etag,
        uid: obj.uid(),
        notified: Vec::new(),
        notify_error: None,
    };
    if let (Some((nid, _, netag)), Some((uid, _))) = (written, &created) {
        saved = EventSaved {
            id: nid,
            etag: netag,
            uid: uid.clone(),
            ..saved
        };
    }
    if req.notify {
        let after = others(&obj, &cal.me);
        if !after.is_empty() {
            notify(
                &state,
                &auth,
                cal.home.auto_schedule,
                &mut saved,
                after.clone(),
                Some(ical::itip(&obj, "REQUEST")),
                "REQUEST",
            )
            .await;
        }
        if let Some((_, next)) = &created {
            let to = others(next, &cal.me);
            notify(
                &state,
                &auth,
                cal.home.auto_schedule,
                &mut saved,
                to,
                Some(ical::itip(next, "REQUEST")),
                "REQUEST",
            )
            .await;
        }
        let removed: Vec<String> = before.into_iter().filter(|b| !after.contains(b)).collect();
        if !removed.is_empty() {
            // Only the removed ones: the cancellation names them.
            let mut c = ical::cancel(&obj, None);
            if let Some(c) = c.as_mut() {
                for ev in c.children.iter_mut().filter(|e| e.name == "VEVENT") {
                    ev.remove("ATTENDEE");
                    for r in &removed {
                        ev.props.push(Prop::new("ATTENDEE", format!("mailto:{r}")));
                    }
                }
            }
            notify(
                &state,
                &auth,
                cal.home.auto_schedule,
                &mut saved,
                removed,
                c,
                "CANCEL",
            )
            .await;
        }
    }
    Ok(Json(saved))
}

/// Deletes an event, one occurrence, or an occurrence and the following
/// ones; attendees get a cancellation (or the organiser a refusal).
#[utoipa::path(delete, path = "/api/calendars/{cal}/events/{id}", request_body = EventDelete, responses(
    (status = 200, body = EventSaved), (status = 403, body = ApiError), (status = 412, body = ApiError)))]
pub async fn delete_event(
    State(state): State<AppState>,
    auth: Authed,
    Path((calendar, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Json<EventSaved>> {
    let req: EventDelete = if body.is_empty() {
        EventDelete::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| invalid(e.to_string()))?
    };
    let calendar = check_cal_id(&calendar)?;
    check_event_id(&id)?;
    let rid = parse_rid(req.occurrence.as_deref())?;
    let mut cal = open(&state, &auth).await?;
    let (mut obj, current, path) = load_object(&mut cal, &calendar, &id).await?;
    if req.etag.is_some() && req.etag != current {
        return Err(ApiError::EditConflict.into());
    }
    let etag = req.etag.clone().or(current);
    let mine = is_mine(&obj, &cal.me);
    let to = others(&obj, &cal.me);
    let first = obj
        .master()
        .and_then(|m| m.get("DTSTART"))
        .and_then(ical::Stamp::read)
        .map(|s| s.when());
    let mut saved = EventSaved {
        id: id.clone(),
        etag: None,
        uid: obj.uid(),
        notified: Vec::new(),
        notify_error: None,
    };
    let cancel = match (req.scope, rid) {
        (Scope::This, Some(rid)) if obj.is_recurring() => {
            let c = ical::cancel(&obj, Some(rid));
            ical::delete_this(&mut obj, rid).map_err(invalid)?;
            saved.etag = put_checked(&mut cal, &path, &obj, etag).await?;
            c
        }
        (Scope::Following, Some(rid)) if obj.is_recurring() && Some(rid) != first => {
            ical::split_following(&mut obj, rid, "", None, ("", "")).map_err(invalid)?;
            saved.etag = put_checked(&mut cal, &path, &obj, etag).await?;
            Some(ical::itip(&obj, "REQUEST"))
        }
        _ => {
            cal.client
                .delete(&path, etag.as_deref())
                .await
                .map_err(dav_err)?;
            ical::cancel(&obj, None)
        }
    };
    if req.notify {
        if mine {
            let method = if matches!(req.scope, Scope::Following) && rid.is_some() && rid != first {
                "REQUEST"
            } else {
                "CANCEL"
            };
            notify(
                &state,
                &auth,
                cal.home.auto_schedule,
                &mut saved,
                to,
                cancel,
                method,
            )
            .await;
        } else if let Some(org) = obj
            .master()
            .and_then(|m| m.get("ORGANIZER"))
            .map(Prop::address)
            && valid_email(&org)
            && req.scope == Scope::All
        {
            // An invitation deleted by an attendee: the organiser learns
            // they will not come.
            let me = cal.email.clone();
            let r = ical::reply(&obj, &me, PartStat::Declined);
            notify(
                &state,
                &auth,
                cal.home.auto_schedule,
                &mut saved,
                vec![org],
                r,
                "REPLY",
            )
            .await;
        }
    }
    Ok(Json(saved))
}

/// Answers an invitation from the calendar (the user's copy of an event
/// someone else organises): their `PARTSTAT` is stored and the organiser
/// gets the reply (the server sends it when it schedules by itself).
#[utoipa::path(post, path = "/api/calendars/{cal}/events/{id}/answer", request_body = InvitationAnswer, responses(
    (status = 200, body = EventSaved), (status = 403, body = ApiError), (status = 412, body = ApiError)))]
pub async fn answer_event(
    State(state): State<AppState>,
    auth: Authed,
    Path((calendar, id)): Path<(String, String)>,
    Json(req): Json<InvitationAnswer>,
) -> AppResult<Json<EventSaved>> {
    let calendar = check_cal_id(&calendar)?;
    check_event_id(&id)?;
    let answer = req.answer.ok_or_else(|| invalid("réponse manquante"))?;
    let mut cal = open(&state, &auth).await?;
    let (mut obj, etag, path) = load_object(&mut cal, &calendar, &id).await?;
    let master = obj.master().ok_or_else(|| invalid("événement vide"))?;
    let me = master
        .all("ATTENDEE")
        .map(Prop::address)
        .find(|a| cal.me.iter().any(|m| m.eq_ignore_ascii_case(a)))
        .ok_or_else(|| invalid("vous n'êtes pas invité à cet événement"))?;
    let organizer = master
        .get("ORGANIZER")
        .map(Prop::address)
        .filter(|o| valid_email(o));
    ical::set_partstat(&mut obj, &me, answer, None);
    let new_etag = put_checked(&mut cal, &path, &obj, etag).await?;
    let mut saved = EventSaved {
        id,
        etag: new_etag,
        uid: obj.uid(),
        notified: Vec::new(),
        notify_error: None,
    };
    if let Some(org) = organizer {
        let r = ical::reply(&obj, &me, answer);
        notify(
            &state,
            &auth,
            cal.home.auto_schedule,
            &mut saved,
            vec![org],
            r,
            "REPLY",
        )
        .await;
    }
    Ok(Json(saved))
}

// ---------------------------------------------------------- import/export

/// Imports an `.ics` file into a calendar: one object per UID; events
/// already there (same UID) are left as they are.
#[utoipa::path(post, path = "/api/calendars/{cal}/import", request_body(content = String, content_type = "text/calendar"), responses(
    (status = 200, body = ImportResult), (status = 400, body = ApiError)))]
pub async fn import(
    State(state): State<AppState>,
    auth: Authed,
    Path(calendar): Path<String>,
    body: Bytes,
) -> AppResult<Json<ImportResult>> {
    let calendar = check_cal_id(&calendar)?;
    let cals =
        ical::parse_all(&body).map_err(|e| invalid(format!("fichier .ics illisible : {e}")))?;
    if cals.is_empty() {
        return Err(invalid("ce fichier ne contient aucun agenda (.ics)"));
    }
    let events: usize = cals.iter().map(|c| c.events().count()).sum();
    if events > MAX_IMPORT_EVENTS {
        return Err(invalid(format!(
            "ce fichier contient {events} événements : {MAX_IMPORT_EVENTS} au plus par import"
        )));
    }
    let mut groups: Vec<(String, Component)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut result = ImportResult::default();
    for c in cals {
        let tzs: Vec<Component> = c
            .children
            .iter()
            .filter(|x| x.name == "VTIMEZONE")
            .cloned()
            .collect();
        for ev in c.children.iter().filter(|x| x.name == "VEVENT") {
            let uid = ev.text("UID");
            let uid = if uid.trim().is_empty() {
                new_uid()?
            } else {
                uid
            };
            match index.get(&uid).and_then(|i| groups.get_mut(*i)) {
                Some((_, obj)) => obj.children.push(ev.clone()),
                None => {
                    index.insert(uid.clone(), groups.len());
                    let mut obj = Component::new("VCALENDAR");
                    obj.props.push(Prop::new("VERSION", "2.0"));
                    obj.props.push(Prop::new("PRODID", ical::PRODID));
                    obj.children.extend(tzs.iter().cloned());
                    let mut ev = ev.clone();
                    if ev.get("UID").is_none() {
                        ev.props.insert(0, Prop::text_prop("UID", &uid));
                    }
                    obj.children.push(ev);
                    groups.push((uid, obj));
                }
            }
        }
    }
    let mut cal = open(&state, &auth).await?;
    for (i, (uid, mut obj)) in groups.into_iter().enumerate() {
        // Only the zones the events use.
        let used: Vec<String> = obj
            .flatten()
            .iter()
            .filter(|c| c.name != "VTIMEZONE")
            .flat_map(|c| {
                c.props
                    .iter()
                    .filter_map(|p| p.param("TZID").map(str::to_string))
            })
            .collect();
        obj.children
            .retain(|c| c.name != "VTIMEZONE" || used.contains(&c.text("TZID")));
        if obj
            .events()
            .any(|e| e.get("DTSTART").and_then(ical::Stamp::read).is_none())
        {
            result.errors.push(format!(
                "événement {} : date de début manquante ou invalide",
                i + 1
            ));
            continue;
        }
        let path = dav::member_path(&calendar, &ical::object_name(&uid))?;
        match cal
            .client
            .put(
                &path,
                obj.to_ics().into_bytes(),
                ICS_TYPE,
                IfMatch::NoneMatch,
            )
            .await
        {
            Ok(_) => result.created += 1,
            Err(DavError::PreconditionFailed) => result.skipped += 1,
            Err(
                e @ (DavError::Timeout | DavError::Unreachable(_) | DavError::AuthenticationFailed),
            ) => return Err(dav_err(e)),
            Err(DavError::Refused { status: 403, .. }) => return Err(ApiError::Forbidden.into()),
            Err(e) => result.errors.push(format!(
                "événement {} ({}) : {e}",
                i + 1,
                obj.master().map(|m| m.text("SUMMARY")).unwrap_or_default()
            )),
        }
    }
    tracing::info!(user = %auth.data.username, created = result.created, skipped = result.skipped, "agenda importé");
    Ok(Json(result))
}

/// The whole calendar as one `.ics` file.
#[utoipa::path(get, path = "/api/calendars/{cal}/export", responses((status = 200, content_type = "text/calendar", body = String)))]
pub async fn export(
    State(state): State<AppState>,
    auth: Authed,
    Path(calendar): Path<String>,
) -> AppResult<Response> {
    let calendar = check_cal_id(&calendar)?;
    let mut cal = open(&state, &auth).await?;
    let info = one_calendar(&mut cal, &calendar, 0, &[], false).await?;
    let objs = objects(&mut cal.client, &calendar, None)
        .await
        .map_err(dav_err)?;
    let mut out = Component::new("VCALENDAR");
    out.props.push(Prop::new("VERSION", "2.0"));
    out.props.push(Prop::new("PRODID", ical::PRODID));
    out.props.push(Prop::text_prop("X-WR-CALNAME", &info.name));
    let mut tzids: Vec<String> = Vec::new();
    let mut events = Vec::new();
    for (_, _, data) in objs {
        let Ok(obj) = ical::parse(data.as_bytes()) else {
            continue;
        };
        for c in obj.children {
            if c.name == "VTIMEZONE" {
                let id = c.text("TZID");
                if !tzids.contains(&id) {
                    tzids.push(id);
                    out.children.push(c);
                }
            } else {
                events.push(c);
            }
        }
    }
    out.children.extend(events);
    let name: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, ICS_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::mime::content_disposition(&format!("{}.ics", name.trim())),
            ),
        ],
        out.to_ics(),
    )
        .into_response())
}

// -------------------------------------------------------------- free/busy

/// Whether colleagues are free (RFC 6638 scheduling outbox).
#[utoipa::path(post, path = "/api/calendars/freebusy", request_body = FreeBusyRequest, responses(
    (status = 200, body = Vec<FreeBusy>)))]
pub async fn free_busy(
    State(state): State<AppState>,
    auth: Authed,
    Json(req): Json<FreeBusyRequest>,
) -> AppResult<Json<Vec<FreeBusy>>> {
    if req.end <= req.start || req.end - req.start > MAX_RANGE_MS {
        return Err(invalid("période invalide"));
    }
    let attendees: Vec<String> = req
        .attendees
        .iter()
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| valid_email(a))
        .take(50)
        .collect();
    let unknown = |a: &String| FreeBusy {
        email: a.clone(),
        availability: Availability::Unknown,
        busy: Vec::new(),
    };
    let mut cal = open(&state, &auth).await?;
    let Some(outbox) = cal.home.outbox.clone() else {
        return Ok(Json(attendees.iter().map(unknown).collect()));
    };
    if attendees.is_empty() {
        return Ok(Json(Vec::new()));
    }
    let mut fb = Component::new("VFREEBUSY");
    fb.props.push(Prop::text_prop("UID", &new_uid()?));
    fb.props.push(Prop::new(
        "DTSTAMP",
        ical_utc(chrono::Utc::now().timestamp_millis()),
    ));
    fb.props.push(Prop::new("DTSTART", ical_utc(req.start)));
    fb.props.push(Prop::new("DTEND", ical_utc(req.end)));
    fb.props
        .push(Prop::new("ORGANIZER", format!("mailto:{}", cal.email)));
    for a in &attendees {
        fb.props.push(Prop::new("ATTENDEE", format!("mailto:{a}")));
    }
    let mut vcal = Component::new("VCALENDAR");
    vcal.props.push(Prop::new("VERSION", "2.0"));
    vcal.props.push(Prop::new("PRODID", ical::PRODID));
    vcal.props.push(Prop::new("METHOD", "REQUEST"));
    vcal.children.push(fb);
    let email = cal.email.clone();
    let reply = cal
        .client
        .request(
            Method::POST,
            &outbox,
            &[
                (
                    header::HeaderName::from_static("originator"),
                    format!("mailto:{email}"),
                ),
                (
                    header::HeaderName::from_static("recipient"),
                    attendees
                        .iter()
                        .map(|a| format!("mailto:{a}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
            Some((ICS_TYPE, vcal.to_ics().into_bytes())),
        )
        .await?;
    if !reply.status.is_success() {
        tracing::info!(status = %reply.status, "free/busy refusé");
        return Ok(Json(attendees.iter().map(unknown).collect()));
    }
    Ok(Json(parse_schedule_response(
        &reply.text(),
        &attendees,
        req.start,
        req.end,
    )))
}

/// Reads a `schedule-response`: each recipient's `FREEBUSY` periods.
pub fn parse_schedule_response(
    xml: &str,
    attendees: &[String],
    start: i64,
    end: i64,
) -> Vec<FreeBusy> {
    let mut out: Vec<FreeBusy> = attendees
        .iter()
        .map(|a| FreeBusy {
            email: a.clone(),
            availability: Availability::Unknown,
            busy: Vec::new(),
        })
        .collect();
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return out;
    };
    for resp in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "response")
    {
        let Some(who) = resp
            .descendants()
            .find(|n| n.tag_name().name() == "recipient")
            .and_then(|r| r.descendants().find(|n| n.tag_name().name() == "href"))
            .and_then(|n| n.text())
            .map(|h| who_of_href(h.trim()).to_ascii_lowercase())
        else {
            continue;
        };
        let status = resp
            .descendants()
            .find(|n| n.tag_name().name() == "request-status")
            .and_then(|n| n.text())
            .unwrap_or("");
        let data: String = resp
            .descendants()
            .find(|n| n.tag_name().name() == "calendar-data")
            .map(|n| {
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect()
            })
            .unwrap_or_default();
        let Some(entry) = out.iter_mut().find(|f| f.email == who) else {
            continue;
        };
        if !status.trim_start().starts_with("2.") {
            continue;
        }
        let mut busy = Vec::new();
        if let Ok(cals) = ical::parse_all(data.as_bytes()) {
            for c in cals.iter().flat_map(|c| c.flatten()) {
                for p in c.all("FREEBUSY") {
                    if p.param("FBTYPE")
                        .is_some_and(|t| t.eq_ignore_ascii_case("FREE"))
                    {
                        continue;
                    }
                    for period in p.value.split(',') {
                        let Some((a, b)) = period.split_once('/') else {
                            continue;
                        };
                        let Some(When::At(s)) = When::parse(a) else {
                            continue;
                        };
                        let e = match When::parse(b) {
                            Some(When::At(e)) => e,
                            _ => match ical::parse_duration(b) {
                                Some(d) => s + d,
                                None => continue,
                            },
                        };
                        let (s, e) = (s.timestamp_millis(), e.timestamp_millis());
                        if s < end && e > start {
                            busy.push((s, e));
                        }
                    }
                }
            }
        }
        entry.availability = if busy.is_empty() {
            Availability::Free
        } else {
            Availability::Busy
        };
        entry.busy = busy;
    }
    out
}

// ------------------------------------------------------------- invitations

/// The iCalendar part of a message (`text/calendar`, or an `.ics`
/// attachment), with the method its MIME type names.
fn calendar_part(raw: &[u8]) -> Option<(Component, Option<String>)> {
    let msg = mail_parser::MessageParser::default().parse(raw)?;
    for part in &msg.parts {
        let ct = part.content_type();
        let is_cal = ct.is_some_and(|c| {
            let t = format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase();
            t == "text/calendar" || t == "application/ics"
        });
        if !is_cal {
            continue;
        }
        let method = ct
            .and_then(|c| c.attribute("method"))
            .map(str::to_ascii_uppercase);
        let body = part.contents();
        if body.len() > 2 * 1024 * 1024 {
            continue;
        }
        if let Ok(cal) = ical::parse(body) {
            return Some((cal, method));
        }
    }
    None
}

fn method_of(cal: &Component, mime: Option<&str>) -> Option<ItipMethod> {
    let m = cal
        .get("METHOD")
        .map(|p| p.value.trim().to_ascii_uppercase())
        .or(mime.map(str::to_string))?;
    match m.as_str() {
        "REQUEST" => Some(ItipMethod::Request),
        "REPLY" => Some(ItipMethod::Reply),
        "CANCEL" => Some(ItipMethod::Cancel),
        _ => None,
    }
}

/// The calendar a message carries, its method, and the message's sender.
async fn message_calendar(
    auth: &Authed,
    folder: &str,
    uid: u32,
) -> AppResult<Option<(Component, ItipMethod, String)>> {
    let full = auth
        .imap(|c| {
            let folder = folder.to_string();
            Box::pin(async move { c.message(&folder, uid, false).await })
        })
        .await?;
    let from = mail_parser::MessageParser::default()
        .parse_headers(&full.raw)
        .and_then(|h| {
            h.from()
                .and_then(|f| f.first())
                .and_then(|a| a.address().map(str::to_ascii_lowercase))
        })
        .unwrap_or_default();
    Ok(calendar_part(&full.raw)
        .and_then(|(c, m)| method_of(&c, m.as_deref()).map(|m| (c, m, from))))
}

fn organizer_of(obj: &Component) -> String {
    obj.master()
        .and_then(|m| m.get("ORGANIZER"))
        .map(Prop::address)
        .unwrap_or_default()
}

/// The user's copy of the event a message is about (same UID) in their
/// own calendars: (calendar, id, ETag, object). Only a copy with the
/// message's organiser counts: a forged invitation that reuses a UID
/// must not rewrite someone else's event.
async fn find_copy(
    cal: &mut Cal,
    own: &[CalendarInfo],
    message: &Component,
) -> Option<(String, String, Option<String>, Component)> {
    let found = find_by_uid(cal, own, &message.uid()).await?;
    (organizer_of(&found.3).eq_ignore_ascii_case(&organizer_of(message))).then_some(found)
}

async fn find_by_uid(
    cal: &mut Cal,
    own: &[CalendarInfo],
    uid: &str,
) -> Option<(String, String, Option<String>, Component)> {
    for c in own.iter().filter(|c| c.owner.is_none()) {
        if let Ok(found) = by_uid(&mut cal.client, &c.id, uid).await
            && let Some((id, etag, data)) = found.into_iter().next()
            && let Ok(obj) = ical::parse(data.as_bytes())
        {
            return Some((c.id.clone(), id, etag, obj));
        }
    }
    None
}

fn attendee_of(p: &Prop) -> Attendee {
    Attendee {
        email: p.address(),
        name: p.param("CN").unwrap_or("").to_string(),
        status: PartStat::from_ical(p.param("PARTSTAT").unwrap_or("")),
    }
}

/// The card shown above a message with an invitation, a reply or a
/// cancellation: what, when, who, the user's answer, and clashes.
#[utoipa::path(get, path = "/api/folders/{folder}/messages/{uid}/invitation", responses(
    (status = 200, body = Invitation), (status = 404, body = ApiError)))]
pub async fn invitation(
    State(state): State<AppState>,
    auth: Authed,
    Path((folder, uid)): Path<(String, u32)>,
) -> AppResult<Json<Invitation>> {
    let (obj, method, _) = message_calendar(&auth, &folder, uid)
        .await?
        .ok_or_else(|| AppError::from(ApiError::NotFound))?;
    let master = obj
        .master()
        .ok_or_else(|| AppError::from(ApiError::NotFound))?;
    let (start, end, all_day) =
        ical::first_span(&obj).ok_or_else(|| invalid("invitation sans date"))?;
    let mut cal = open(&state, &auth).await?;
    let me = cal.me.clone();
    let own = own_calendars(&mut cal, &[]).await.unwrap_or_default();
    let event_uid = obj.uid();
    let copy = find_copy(&mut cal, &own, &obj).await;
    let mine = |a: &Prop| me.iter().any(|m| m.eq_ignore_ascii_case(&a.address()));
    let msg_status = master
        .all("ATTENDEE")
        .find(|a| mine(a))
        .map(attendee_of)
        .map(|a| a.status);
    let stored_status = copy.as_ref().and_then(|(_, _, _, o)| {
        o.master()?
            .all("ATTENDEE")
            .find(|a| mine(a))
            .map(|a| attendee_of(a).status)
    });
    let replied = (method == ItipMethod::Reply)
        .then(|| master.get("ATTENDEE").map(attendee_of))
        .flatten();
    let mut clashes = Vec::new();
    if method == ItipMethod::Request {
        for c in &own {
            // A hostile invitation may span millennia: a month at most.
            let until = end.max(start + 1).min(start + 31 * 86_400_000);
            if let Ok(occ) = range_occurrences(&mut cal, &c.id, start, until).await {
                for o in occ {
                    let overlaps = o.start < end && o.end > start;
                    if overlaps
                        && o.uid != event_uid
                        && !o.cancelled
                        && o.my_status != Some(PartStat::Declined)
                        && !clashes.contains(&o.title)
                    {
                        clashes.push(o.title);
                    }
                }
            }
        }
    }
    let outdated = copy
        .as_ref()
        .is_some_and(|(_, _, _, o)| ical::sequence(o) > ical::sequence(&obj));
    let my_status = match method {
        ItipMethod::Reply => None,
        _ => stored_status.or(msg_status),
    };
    Ok(Json(Invitation {
        method,
        uid: event_uid,
        title: master.text("SUMMARY"),
        location: master.text("LOCATION"),
        description: master.text("DESCRIPTION"),
        start,
        end,
        all_day,
        recurring: obj.is_recurring(),
        organizer: master.get("ORGANIZER").map(attendee_of),
        attendees: master.all("ATTENDEE").map(attendee_of).collect(),
        my_status,
        in_calendar: copy.is_some(),
        clashes,
        replied,
        outdated,
    }))
}

/// Answers an invitation (the event goes in the user's calendar with
/// their answer, and the organiser gets the reply), or applies a reply
/// or a cancellation to the calendar.
#[utoipa::path(post, path = "/api/folders/{folder}/messages/{uid}/invitation", request_body = InvitationAnswer, responses(
    (status = 200, body = Invitation), (status = 404, body = ApiError)))]
pub async fn answer_invitation(
    State(state): State<AppState>,
    auth: Authed,
    Path((folder, uid)): Path<(String, u32)>,
    Json(req): Json<InvitationAnswer>,
) -> AppResult<Json<Invitation>> {
    let (obj, method, from) = message_calendar(&auth, &folder, uid)
        .await?
        .ok_or_else(|| AppError::from(ApiError::NotFound))?;
    let mut cal = open(&state, &auth).await?;
    let own = own_calendars(&mut cal, &[]).await?;
    let event_uid = obj.uid();
    let copy = find_copy(&mut cal, &own, &obj).await;
    // An invitation or a cancellation never changes an event the user
    // organises (a message claiming to come from them is forged).
    if method != ItipMethod::Reply
        && copy.as_ref().is_some_and(|(_, _, _, o)| {
            is_mine(o, &cal.me) && o.master().and_then(|m| m.get("ORGANIZER")).is_some()
        })
    {
        return Err(ApiError::Forbidden.into());
    }
    let email = cal.email.clone();
    let me_addr = {
        let master = obj.master();
        master
            .and_then(|m| {
                m.all("ATTENDEE")
                    .map(Prop::address)
                    .find(|a| cal.me.iter().any(|m| m.eq_ignore_ascii_case(a)))
            })
            .unwrap_or(email.clone())
    };
    match method {
        ItipMethod::Request => {
            let answer = req.answer.ok_or_else(|| invalid("réponse manquante"))?;
            let only_overrides = obj.events().all(|e| e.get("RECURRENCE-ID").is_some());
            let mut stored = match &copy {
                // A newer invitation replaces the copy; an older one
                // only changes the answer.
                Some((_, _, _, o)) if ical::sequence(o) > ical::sequence(&obj) => o.clone(),
                // An update of some occurrences: merged into the series.
                Some((_, _, _, o)) if only_overrides => {
                    let mut o = o.clone();
                    for ov in obj.events() {
                        let rid = ov.get("RECURRENCE-ID").map(|p| p.value.clone());
                        o.children.retain(|c| {
                            c.name != "VEVENT"
                                || c.get("RECURRENCE-ID").map(|p| p.value.clone()) != rid
                        });
                        o.children.push(ov.clone());
                    }
                    o
                }
                _ => {
                    let mut o = obj.clone();
                    o.remove("METHOD");
                    o
                }
            };
            // The sender's alarms are theirs (a server may act on them).
            for ev in stored.children.iter_mut().filter(|c| c.name == "VEVENT") {
                if copy.is_none() {
                    ev.children.retain(|c| c.name != "VALARM");
                }
            }
            ical::set_partstat(&mut stored, &me_addr, answer, None);
            match &copy {
                Some((c, id, etag, _)) => {
                    let path = dav::member_path(c, id)?;
                    put_checked(&mut cal, &path, &stored, etag.clone()).await?;
                }
                None => {
                    let target = match req.calendar.as_deref() {
                        Some(c) => check_cal_id(c)?,
                        None => own
                            .iter()
                            .find(|c| c.owner.is_none() && c.writable)
                            .map(|c| c.id.clone())
                            .ok_or_else(|| AppError::from(ApiError::Forbidden))?,
                    };
                    let path = dav::member_path(&target, &ical::object_name(&event_uid))?;
                    cal.client
                        .put(
                            &path,
                            stored.to_ics().into_bytes(),
                            ICS_TYPE,
                            IfMatch::NoneMatch,
                        )
                        .await
                        .map_err(dav_err)?;
                }
            }
            if let Some(org) = obj
                .master()
                .and_then(|m| m.get("ORGANIZER"))
                .map(Prop::address)
                .filter(|o| valid_email(o))
                && let Some(r) = ical::reply(&obj, &me_addr, answer)
            {
                send_itip(&state, &auth, &[org], &r, "REPLY").await?;
            }
        }
        ItipMethod::Reply => {
            let (c, id, etag, mut stored) =
                copy.ok_or_else(|| AppError::from(ApiError::NotFound))?;
            // Replies change only events the user organises.
            let org = organizer_of(&stored);
            if !cal.me.iter().any(|m| m.eq_ignore_ascii_case(&org)) {
                return Err(ApiError::Forbidden.into());
            }
            let mut changed = false;
            for ev in obj.events() {
                let rid = ev
                    .get("RECURRENCE-ID")
                    .and_then(ical::Stamp::read)
                    .map(|s| s.when());
                // Only the sender's own answer counts: one attendee cannot
                // answer for the others.
                for a in ev.all("ATTENDEE").filter(|a| a.address() == from) {
                    let status = PartStat::from_ical(a.param("PARTSTAT").unwrap_or(""));
                    changed |= ical::set_partstat(&mut stored, &a.address(), status, rid);
                }
            }
            if changed {
                let path = dav::member_path(&c, &id)?;
                put_checked(&mut cal, &path, &stored, etag).await?;
            }
        }
        ItipMethod::Cancel => {
            let (c, id, etag, mut stored) =
                copy.ok_or_else(|| AppError::from(ApiError::NotFound))?;
            let rid = obj
                .master()
                .and_then(|m| m.get("RECURRENCE-ID"))
                .and_then(ical::Stamp::read)
                .map(|s| s.when());
            match rid {
                Some(rid) => ical::delete_this(&mut stored, rid).map_err(invalid)?,
                None => {
                    for ev in stored.children.iter_mut().filter(|e| e.name == "VEVENT") {
                        ev.set(Prop::new("STATUS", "CANCELLED"));
                    }
                }
            }
            let path = dav::member_path(&c, &id)?;
            put_checked(&mut cal, &path, &stored, etag).await?;
        }
    }
    invitation(State(state), auth, Path((folder, uid))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_of_colleagues() {
        assert_eq!(
            principal_candidates("/alice/", "alice", "bob"),
            vec!["/bob/".to_string()]
        );
        assert_eq!(
            principal_candidates("/dav/principals/user/alice/", "alice", "bob"),
            vec!["/dav/principals/user/bob/".to_string()]
        );
        assert_eq!(
            owner_from_path(
                "/dav/calendars/user/bob/Default/",
                "/dav/calendars/user/alice/"
            ),
            "bob"
        );
        assert_eq!(owner_from_path("/bob/agenda/", "/alice/"), "bob");
    }

    #[test]
    fn schedule_responses() {
        let xml = r#"<?xml version="1.0"?><C:schedule-response xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:response><C:recipient><D:href>mailto:bob@ac-demo.fr</D:href></C:recipient><C:request-status>2.0;Success</C:request-status><C:calendar-data>BEGIN:VCALENDAR
VERSION:2.0
METHOD:REPLY
BEGIN:VFREEBUSY
DTSTART:20261201T000000Z
DTEND:20261202T000000Z
FREEBUSY;FBTYPE=BUSY:20261201T170000Z/20261201T180000Z,20261201T200000Z/PT1H
END:VFREEBUSY
END:VCALENDAR
</C:calendar-data></C:response><C:response><C:recipient><D:href>mailto:nobody@ac-demo.fr</D:href></C:recipient><C:request-status>3.7;Invalid calendar user</C:request-status></C:response></C:schedule-response>"#;
        let ms = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis()
        };
        let fb = parse_schedule_response(
            xml,
            &["bob@ac-demo.fr".into(), "nobody@ac-demo.fr".into()],
            ms("2026-12-01T00:00:00Z"),
            ms("2026-12-02T00:00:00Z"),
        );
        assert_eq!(fb[0].availability, Availability::Busy);
        assert_eq!(
            fb[0].busy,
            vec![
                (ms("2026-12-01T17:00:00Z"), ms("2026-12-01T18:00:00Z")),
                (ms("2026-12-01T20:00:00Z"), ms("2026-12-01T21:00:00Z"))
            ]
        );
        assert_eq!(fb[1].availability, Availability::Unknown);
    }

    #[test]
    fn shares_from_invite_and_acl() {
        let r = dav::parse_multistatus(r#"<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:response><D:href>/dav/calendars/user/alice/Default/</D:href><D:propstat><D:prop><CS:invite><CS:user><D:href>mailto:bob@ac-demo.fr</D:href><CS:common-name>Bob</CS:common-name><CS:invite-accepted/><CS:access><CS:read-write/></CS:access></CS:user></CS:invite></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"#).unwrap();
        let s = shares_of(&r[0], "/dav/principals/user/alice/");
        assert_eq!(
            s,
            vec![Share {
                who: "bob@ac-demo.fr".into(),
                name: "Bob".into(),
                access: Access::ReadWrite
            }]
        );
        let r = dav::parse_multistatus(r#"<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/c/</D:href><D:propstat><D:prop><D:acl><D:ace><D:principal><D:href>/dav/principals/user/alice/</D:href></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant><D:protected/></D:ace><D:ace><D:principal><D:href>/dav/principals/user/bob/</D:href></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"#).unwrap();
        let s = shares_of(&r[0], "/dav/principals/user/alice/");
        assert_eq!(
            s,
            vec![Share {
                who: "bob".into(),
                name: String::new(),
                access: Access::Read
            }]
        );
    }

    #[test]
    fn invitation_parts() {
        let raw = b"From: alice@ac-demo.fr\r\nTo: bob@ac-demo.fr\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261201T170000Z\r\nSUMMARY:Conseil\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n";
        let (c, m) = calendar_part(raw).unwrap();
        assert_eq!(m.as_deref(), Some("REQUEST"));
        assert_eq!(method_of(&c, m.as_deref()), Some(ItipMethod::Request));
        assert!(calendar_part(b"Subject: x\r\n\r\nhello").is_none());
    }
}
