//! The calendar API against the real servers started by
//! `tests/servers.sh start` (Radicale for CalDAV, Postfix and Dovecot for
//! the invitations): calendars, a weekly series changed one occurrence at
//! a time and as a whole with the stored iCalendar checked, conflicting
//! edits, import and export, an invitation from alice accepted by bob,
//! and a colleague's calendar opened read-only or read-write as the
//! server's rights allow.
//!
//! Every test works in its own calendar (or its own far-off dates) and
//! removes what it made, so the tests run in parallel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use facteur::{
    dav::{DavClient, encode_segment},
    ical,
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::calendar::{
    Access, CalendarInfo, CalendarList, EventDetail, EventSaved, ImportResult, Invitation,
    Method as ItipMethod, OccurrenceList, PartStat,
};
use tower::ServiceExt;

use crate::common::*;

const TIMEOUT: Duration = Duration::from_secs(10);

fn tag() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("t{}x{n}", t % 1_000_000_000_000)
}

fn ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

fn dav_client(user: &str, password: &str) -> DavClient {
    let tls = facteur::tls::connector(Some(server_env("FACTEUR_CA_FILE").as_ref())).unwrap();
    DavClient::new(
        &server_env("FACTEUR_CALDAV_URL"),
        tls,
        user,
        password,
        TIMEOUT,
    )
    .unwrap()
}

fn cal_url(id: &str) -> String {
    format!("/api/calendars/{}", encode_segment(id))
}

fn event_url(cal: &str, id: &str) -> String {
    format!("{}/events/{}", cal_url(cal), encode_segment(id))
}

async fn new_calendar(app: &Router, user: &User, name: &str) -> CalendarInfo {
    post(
        app,
        "/api/calendars",
        user,
        json!({"name": name, "color": "#188038"}),
    )
    .await
    .ok()
}

async fn occurrences(app: &Router, user: &User, cal: &str, from: &str, to: &str) -> OccurrenceList {
    get(
        app,
        &format!(
            "/api/calendars/events?start={}&end={}&calendars={}",
            ms(from),
            ms(to),
            encode_segment(cal)
        ),
        user,
    )
    .await
    .ok()
}

/// The object as Radicale stores it.
async fn stored(user: &str, password: &str, cal: &str, id: &str) -> String {
    let mut c = dav_client(user, password);
    let (bytes, _) = c.get(&format!("{cal}{id}")).await.unwrap();
    String::from_utf8_lossy(&bytes).replace("\r\n ", "")
}

async fn send_raw(
    app: &Router,
    method: Method,
    uri: &str,
    user: &User,
    ct: &str,
    body: Vec<u8>,
) -> Resp {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, &user.cookie)
        .header(shared::CSRF_HEADER, &user.csrf)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn calendars_are_found_created_changed_and_deleted() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let list: CalendarList = get(&app, "/api/calendars", &user).await.ok();
    assert_eq!(list.email, "alice@ac-demo.fr");
    let agenda = list
        .calendars
        .iter()
        .find(|c| c.id == "/alice/agenda/")
        .expect("alice's default calendar");
    assert_eq!(agenda.name, "Agenda");
    assert_eq!(agenda.color, "#2a6fdb");
    assert!(agenda.writable);
    assert!(agenda.owner.is_none());

    let name = format!("Classe de 4e B {}", tag());
    let created = new_calendar(&app, &user, &name).await;
    assert_eq!(created.name, name);
    assert_eq!(created.color, "#188038");
    assert!(created.id.starts_with("/alice/"));
    let url = cal_url(&created.id);
    let changed: CalendarInfo = send(
        &app,
        Method::PATCH,
        &url,
        Some(&user),
        Some(json!({"name": "Réunions « parents »", "color": "#c2185b", "hidden": true})),
    )
    .await
    .ok();
    assert_eq!(
        (
            changed.name.as_str(),
            changed.color.as_str(),
            changed.hidden
        ),
        ("Réunions « parents »", "#c2185b", true)
    );
    let list: CalendarList = get(&app, "/api/calendars", &user).await.ok();
    assert!(
        list.calendars
            .iter()
            .any(|c| c.id == created.id && c.hidden && c.name == "Réunions « parents »")
    );
    let bad = send(
        &app,
        Method::PATCH,
        &url,
        Some(&user),
        Some(json!({"color": "red"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let r = send(&app, Method::DELETE, &url, Some(&user), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let list: CalendarList = get(&app, "/api/calendars", &user).await.ok();
    assert!(!list.calendars.iter().any(|c| c.id == created.id));
    // The hidden mark went with it? It stays harmless; a path outside
    // the user's home may not be deleted.
    let r = send(
        &app,
        Method::DELETE,
        &cal_url("/bob/agenda/"),
        Some(&user),
        None,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
}

#[tokio::test]
async fn weekly_series_with_exceptions_is_stored_as_icalendar_says() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let cal = new_calendar(&app, &user, &format!("Série {}", tag())).await;
    // Every Tuesday 17:30–18:30 in Paris, from 13 October 2026.
    let saved: EventSaved = post(
        &app,
        &format!("{}/events", cal_url(&cal.id)),
        &user,
        json!({"data": {
            "title": "Réunion d'équipe", "location": "Salle 12",
            "start": "2026-10-13T17:30", "end": "2026-10-13T18:30", "tz": "Europe/Paris",
            "recurrence": {"freq": "weekly", "interval": 1, "weekdays": [1]},
            "alarm_minutes": 15
        }}),
    )
    .await
    .ok();
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(
        text.contains("DTSTART;TZID=Europe/Paris:20261013T173000"),
        "{text}"
    );
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=TU"), "{text}");
    assert!(
        text.contains("BEGIN:VTIMEZONE") && text.contains("TRIGGER:-PT15M"),
        "{text}"
    );

    let nov = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-11-01T00:00:00+01:00",
        "2026-12-01T00:00:00+01:00",
    )
    .await;
    let starts: Vec<i64> = nov.occurrences.iter().map(|o| o.start).collect();
    assert_eq!(
        starts,
        vec![
            ms("2026-11-03T17:30:00+01:00"),
            ms("2026-11-10T17:30:00+01:00"),
            ms("2026-11-17T17:30:00+01:00"),
            ms("2026-11-24T17:30:00+01:00")
        ]
    );
    assert_eq!(
        nov.occurrences[0].alarm,
        Some(ms("2026-11-03T17:15:00+01:00"))
    );
    // Summer time in October: still 17:30 in Paris.
    let oct = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-10-13T00:00:00+02:00",
        "2026-10-14T00:00:00+02:00",
    )
    .await;
    assert_eq!(oct.occurrences[0].start, ms("2026-10-13T17:30:00+02:00"));

    // Move the occurrence of 17 November to Wednesday 10:00 (this one).
    let occ = &nov.occurrences[2];
    let rid = occ.recurrence_id.clone().unwrap();
    let detail: EventDetail = get(
        &app,
        &format!("{}?occurrence={rid}", event_url(&cal.id, &saved.id)),
        &user,
    )
    .await
    .ok();
    assert!(detail.recurring);
    assert_eq!(detail.data.start, "2026-11-17T17:30");
    let mut data = detail.data.clone();
    data.start = "2026-11-18T10:00".into();
    data.end = "2026-11-18T11:00".into();
    let moved: EventSaved = send(
        &app,
        Method::PUT,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": detail.etag, "data": data, "scope": "this", "occurrence": rid})),
    )
    .await
    .ok();
    // Delete the occurrence of 24 November (this one).
    let rid24 = nov.occurrences[3].recurrence_id.clone().unwrap();
    let del: EventSaved = send(
        &app,
        Method::DELETE,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": moved.etag, "scope": "this", "occurrence": rid24})),
    )
    .await
    .ok();
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(
        text.contains("RECURRENCE-ID;TZID=Europe/Paris:20261117T173000"),
        "{text}"
    );
    assert!(
        text.contains("DTSTART;TZID=Europe/Paris:20261118T100000"),
        "{text}"
    );
    assert!(
        text.contains("EXDATE;TZID=Europe/Paris:20261124T173000"),
        "{text}"
    );
    let nov = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-11-01T00:00:00+01:00",
        "2026-12-01T00:00:00+01:00",
    )
    .await;
    let starts: Vec<i64> = nov.occurrences.iter().map(|o| o.start).collect();
    assert_eq!(
        starts,
        vec![
            ms("2026-11-03T17:30:00+01:00"),
            ms("2026-11-10T17:30:00+01:00"),
            ms("2026-11-18T10:00:00+01:00")
        ]
    );

    // The whole series one hour later, from the occurrence of 10 November.
    let rid10 = nov.occurrences[1].recurrence_id.clone().unwrap();
    let detail: EventDetail = get(
        &app,
        &format!("{}?occurrence={rid10}", event_url(&cal.id, &saved.id)),
        &user,
    )
    .await
    .ok();
    let mut data = detail.data.clone();
    data.start = "2026-11-10T18:30".into();
    data.end = "2026-11-10T19:30".into();
    let all: EventSaved = send(
        &app,
        Method::PUT,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": del.etag, "data": data, "scope": "all", "occurrence": rid10})),
    )
    .await
    .ok();
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(
        text.contains("DTSTART;TZID=Europe/Paris:20261013T183000"),
        "{text}"
    );
    assert!(
        text.contains("EXDATE;TZID=Europe/Paris:20261124T183000"),
        "{text}"
    );

    // This and following from 8 December: the series ends, a new one starts.
    let dec = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-12-07T00:00:00+01:00",
        "2026-12-14T00:00:00+01:00",
    )
    .await;
    let rid8 = dec.occurrences[0].recurrence_id.clone().unwrap();
    let detail: EventDetail = get(
        &app,
        &format!("{}?occurrence={rid8}", event_url(&cal.id, &saved.id)),
        &user,
    )
    .await
    .ok();
    let mut data = detail.data.clone();
    data.title = "Réunion d'équipe (nouvel horaire)".into();
    data.start = "2026-12-08T12:00".into();
    data.end = "2026-12-08T13:00".into();
    let next: EventSaved = send(
        &app,
        Method::PUT,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": all.etag, "data": data, "scope": "following", "occurrence": rid8})),
    )
    .await
    .ok();
    assert_ne!(next.id, saved.id);
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(
        text.contains("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261208T"),
        "{text}"
    );
    let dec = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-12-01T00:00:00+01:00",
        "2026-12-16T00:00:00+01:00",
    )
    .await;
    let got: Vec<(i64, &str)> = dec
        .occurrences
        .iter()
        .map(|o| (o.start, o.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ms("2026-12-01T18:30:00+01:00"), "Réunion d'équipe"),
            (
                ms("2026-12-08T12:00:00+01:00"),
                "Réunion d'équipe (nouvel horaire)"
            ),
            (
                ms("2026-12-15T12:00:00+01:00"),
                "Réunion d'équipe (nouvel horaire)"
            ),
        ]
    );
    // Delete the whole new series.
    let r = send(
        &app,
        Method::DELETE,
        &event_url(&cal.id, &next.id),
        Some(&user),
        Some(json!({"etag": next.etag})),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let dec = occurrences(
        &app,
        &user,
        &cal.id,
        "2026-12-07T00:00:00+01:00",
        "2026-12-16T00:00:00+01:00",
    )
    .await;
    assert!(dec.occurrences.is_empty());
    send(&app, Method::DELETE, &cal_url(&cal.id), Some(&user), None).await;
}

#[tokio::test]
async fn a_change_made_elsewhere_is_never_overwritten() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let cal = new_calendar(&app, &user, &format!("Conflits {}", tag())).await;
    let saved: EventSaved = post(
        &app,
        &format!("{}/events", cal_url(&cal.id)),
        &user,
        json!({"data": {"title": "Conseil pédagogique", "start": "2027-01-12T17:00", "end": "2027-01-12T18:00"}}),
    )
    .await
    .ok();
    // A phone changes the event meanwhile.
    let mut phone = dav_client("alice", "secret");
    let path = format!("{}{}", cal.id, saved.id);
    let (bytes, etag) = phone.get(&path).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).replace(
        "SUMMARY:Conseil pédagogique",
        "SUMMARY:Conseil pédagogique (salle B)",
    );
    phone
        .put(
            &path,
            text.into_bytes(),
            "text/calendar",
            facteur::dav::IfMatch::Etag(etag.unwrap()),
        )
        .await
        .unwrap();
    // Facteur's edit, from the version it read, is refused.
    let r = send(
        &app,
        Method::PUT,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": saved.etag, "data": {"title": "Conseil (modifié)", "start": "2027-01-12T17:00", "end": "2027-01-12T18:00"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(r.code(), "edit_conflict");
    let detail: EventDetail = get(&app, &event_url(&cal.id, &saved.id), &user).await.ok();
    assert_eq!(detail.data.title, "Conseil pédagogique (salle B)");
    // Deleting with the old version is refused too.
    let r = send(
        &app,
        Method::DELETE,
        &event_url(&cal.id, &saved.id),
        Some(&user),
        Some(json!({"etag": saved.etag})),
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    // An invalid event is refused with the reason.
    let r = post(
        &app,
        &format!("{}/events", cal_url(&cal.id)),
        &user,
        json!({"data": {"title": "x", "start": "2027-01-12T18:00", "end": "2027-01-12T17:00"}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["detail"].as_str().unwrap().contains("fin"));
    let r = get(&app, &event_url(&cal.id, "nope.ics"), &user).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "not_found");
    send(&app, Method::DELETE, &cal_url(&cal.id), Some(&user), None).await;
}

#[tokio::test]
async fn ics_files_are_imported_and_exported() {
    let app = app();
    let user = login_ok(&app, "alice", "secret").await;
    let cal = new_calendar(&app, &user, &format!("Import {}", tag())).await;
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\n\
BEGIN:VTIMEZONE\r\nTZID:Romance Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:imp-a-UNIQ\r\nDTSTAMP:20260901T000000Z\r\nSUMMARY:Conseil de classe 3e A\r\nDTSTART;TZID=Romance Standard Time:20270302T170000\r\nDTEND;TZID=Romance Standard Time:20270302T180000\r\nX-MS-OLK-THING:kept\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:imp-b-UNIQ\r\nDTSTAMP:20260901T000000Z\r\nSUMMARY:Vacances d'hiver\r\nDTSTART;VALUE=DATE:20270213\r\nDTEND;VALUE=DATE:20270301\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:imp-c-UNIQ\r\nSUMMARY:Sans date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        .replace("UNIQ", &tag());
    let url = format!("{}/import", cal_url(&cal.id));
    let r: ImportResult = send_raw(
        &app,
        Method::POST,
        &url,
        &user,
        "text/calendar",
        ics.clone().into_bytes(),
    )
    .await
    .ok();
    assert_eq!((r.created, r.skipped, r.errors.len()), (2, 0, 1), "{r:?}");
    // Again: nothing new.
    let r: ImportResult = send_raw(
        &app,
        Method::POST,
        &url,
        &user,
        "text/calendar",
        ics.into_bytes(),
    )
    .await
    .ok();
    assert_eq!((r.created, r.skipped), (0, 2));
    let march = occurrences(
        &app,
        &user,
        &cal.id,
        "2027-02-01T00:00:00+01:00",
        "2027-03-31T00:00:00+02:00",
    )
    .await;
    let got: Vec<(&str, i64, bool)> = march
        .occurrences
        .iter()
        .map(|o| (o.title.as_str(), o.start, o.all_day))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Vacances d'hiver", ms("2027-02-13T00:00:00Z"), true),
            (
                "Conseil de classe 3e A",
                ms("2027-03-02T17:00:00+01:00"),
                false
            )
        ]
    );
    let r = get(&app, &format!("{}/export", cal_url(&cal.id)), &user).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".ics")
    );
    let text = String::from_utf8_lossy(&r.body).replace("\r\n ", "");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
    assert_eq!(text.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(text.contains("X-MS-OLK-THING:kept") && text.contains("X-WR-CALNAME:Import"));
    let back = ical::parse_all(text.as_bytes()).unwrap();
    assert_eq!(back.len(), 1);
    let r = send_raw(
        &app,
        Method::POST,
        &url,
        &user,
        "text/calendar",
        b"not a calendar".to_vec(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    send(&app, Method::DELETE, &cal_url(&cal.id), Some(&user), None).await;
}

async fn wait_for_subject(conn: &mut facteur::imap::ImapConn, subject: &str) -> u32 {
    for _ in 0..80 {
        let page = conn
            .page("INBOX", 0, 100)
            .await
            .map(|(_, rows)| rows)
            .unwrap_or_default();
        let subject_of = |h: &[u8]| {
            mail_parser::MessageParser::default()
                .parse_headers(h)
                .and_then(|m| m.subject().map(str::to_string))
                .unwrap_or_default()
        };
        if let Some(r) = page
            .iter()
            .find(|r| subject_of(&r.header).contains(subject))
        {
            return r.uid;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("no message with {subject}");
}

#[tokio::test]
async fn an_invitation_from_alice_accepted_by_bob() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let bob = login_ok(&app, "bob", "secret").await;
    let title = format!("Conseil de classe {}", tag());
    let cal = new_calendar(&app, &alice, &format!("Invitations {}", tag())).await;
    // Bob has something at the same time: a clash.
    let clash: EventSaved = post(
        &app,
        &format!("{}/events", cal_url("/bob/agenda/")),
        &bob,
        json!({"data": {"title": format!("Dentiste {title}"), "start": "2027-04-06T18:30", "end": "2027-04-06T19:00"}}),
    )
    .await
    .ok();
    let saved: EventSaved = post(
        &app,
        &format!("{}/events", cal_url(&cal.id)),
        &alice,
        json!({"data": {
            "title": title, "location": "Salle des conseils",
            "start": "2027-04-06T18:00", "end": "2027-04-06T19:30",
            "attendees": [{"email": "bob@ac-demo.fr", "name": "Bob Garnier"}]
        }}),
    )
    .await
    .ok();
    assert_eq!(
        saved.notified,
        vec!["bob@ac-demo.fr".to_string()],
        "{saved:?}"
    );
    assert_eq!(saved.notify_error, None);
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(
        text.contains("ORGANIZER") && text.contains("mailto:alice@ac-demo.fr"),
        "{text}"
    );

    // Bob's INBOX has the invitation; the card says what, when, who, and the clash.
    let mut bob_imap = imap_conn("bob", "secret").await;
    let uid = wait_for_subject(&mut bob_imap, &title).await;
    let card_url = format!("/api/folders/INBOX/messages/{uid}/invitation");
    let card: Invitation = get(&app, &card_url, &bob).await.ok();
    assert_eq!(card.method, ItipMethod::Request);
    assert_eq!(card.title, title);
    assert_eq!(card.start, ms("2027-04-06T18:00:00+02:00"));
    assert_eq!(card.organizer.as_ref().unwrap().email, "alice@ac-demo.fr");
    assert_eq!(card.my_status, Some(PartStat::NeedsAction));
    assert!(!card.in_calendar);
    assert!(
        card.clashes.contains(&format!("Dentiste {title}")),
        "{:?}",
        card.clashes
    );

    // Bob accepts: the event is in his calendar, alice gets the reply.
    let card: Invitation = post(&app, &card_url, &bob, json!({"answer": "accepted"}))
        .await
        .ok();
    assert!(card.in_calendar);
    assert_eq!(card.my_status, Some(PartStat::Accepted));
    let bobs = occurrences(
        &app,
        &bob,
        "/bob/agenda/",
        "2027-04-06T00:00:00+02:00",
        "2027-04-07T00:00:00+02:00",
    )
    .await;
    let mine = bobs
        .occurrences
        .iter()
        .find(|o| o.title == title)
        .expect("in bob's calendar");
    assert_eq!(mine.my_status, Some(PartStat::Accepted));
    assert_eq!(mine.organizer.as_deref(), Some("alice@ac-demo.fr"));

    let mut alice_imap = imap_conn("alice", "secret").await;
    let reply_uid = wait_for_subject(&mut alice_imap, &format!("a accepté : {title}")).await;
    let reply_url = format!("/api/folders/INBOX/messages/{reply_uid}/invitation");
    let card: Invitation = get(&app, &reply_url, &alice).await.ok();
    assert_eq!(card.method, ItipMethod::Reply);
    assert_eq!(
        card.replied.as_ref().map(|a| (a.email.as_str(), a.status)),
        Some(("bob@ac-demo.fr", PartStat::Accepted))
    );
    // Applying the reply updates alice's event.
    let _: Invitation = post(&app, &reply_url, &alice, json!({})).await.ok();
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    let bob_line = text
        .lines()
        .find(|l| l.starts_with("ATTENDEE") && l.contains("bob@ac-demo.fr"))
        .unwrap();
    assert!(bob_line.contains("PARTSTAT=ACCEPTED"), "{bob_line}");

    // Forged messages to alice change nothing: a reply whose sender is
    // not the attendee, and an invitation rewriting her own event.
    let mut alice_append = imap_conn("alice", "secret").await;
    for (method, from, extra) in [
        (
            "REPLY",
            "mallory@ac-demo.fr",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:bob@ac-demo.fr\r\nSUMMARY:x",
        ),
        (
            "REQUEST",
            "mallory@ac-demo.fr",
            "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:alice@ac-demo.fr\r\nSUMMARY:Piraté",
        ),
    ] {
        let forged = format!(
            "From: {from}\r\nTo: alice@ac-demo.fr\r\nSubject: Faux {method} {title}\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method={method}; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nUID:{}\r\nDTSTART:20270406T160000Z\r\nSEQUENCE:99\r\nORGANIZER:mailto:alice@ac-demo.fr\r\n{extra}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            saved.uid
        );
        let fuid = alice_append
            .append("INBOX", &[], None, forged.as_bytes())
            .await
            .unwrap()
            .unwrap();
        let url = format!("/api/folders/INBOX/messages/{fuid}/invitation");
        let r = post(&app, &url, &alice, json!({"answer": "accepted"})).await;
        if method == "REQUEST" {
            assert_eq!(r.code(), "forbidden", "{method}");
        }
    }
    let text = stored("alice", "secret", &cal.id, &saved.id).await;
    assert!(text.contains(&format!("SUMMARY:{title}")), "{text}");
    let bob_line = text
        .lines()
        .find(|l| l.starts_with("ATTENDEE") && l.contains("bob@ac-demo.fr"))
        .unwrap();
    assert!(bob_line.contains("PARTSTAT=ACCEPTED"), "{bob_line}");

    // A forged cancellation (same UID, another organiser) changes nothing.
    let forged = format!(
        "From: mallory@ac-demo.fr\r\nTo: bob@ac-demo.fr\r\nSubject: Faux {title}\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=CANCEL; charset=utf-8\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:{}\r\nDTSTART:20270406T160000Z\r\nSEQUENCE:9\r\nORGANIZER:mailto:mallory@ac-demo.fr\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        saved.uid
    );
    let forged_uid = bob_imap
        .append("INBOX", &[], None, forged.as_bytes())
        .await
        .unwrap()
        .unwrap();
    let forged_url = format!("/api/folders/INBOX/messages/{forged_uid}/invitation");
    let card: Invitation = get(&app, &forged_url, &bob).await.ok();
    assert!(
        !card.in_calendar,
        "another organiser's event is not this one"
    );
    let r = post(&app, &forged_url, &bob, json!({})).await;
    assert_eq!(r.code(), "not_found");
    let bobs = occurrences(
        &app,
        &bob,
        "/bob/agenda/",
        "2027-04-06T00:00:00+02:00",
        "2027-04-07T00:00:00+02:00",
    )
    .await;
    assert!(
        !bobs
            .occurrences
            .iter()
            .find(|o| o.title == title)
            .unwrap()
            .cancelled
    );

    // Alice cancels: bob's copy is marked cancelled when he applies it.
    let detail: EventDetail = get(&app, &event_url(&cal.id, &saved.id), &alice).await.ok();
    let del: EventSaved = send(
        &app,
        Method::DELETE,
        &event_url(&cal.id, &saved.id),
        Some(&alice),
        Some(json!({"etag": detail.etag})),
    )
    .await
    .ok();
    assert_eq!(del.notified, vec!["bob@ac-demo.fr".to_string()]);
    let cancel_uid = wait_for_subject(&mut bob_imap, &format!("Annulé : {title}")).await;
    let cancel_url = format!("/api/folders/INBOX/messages/{cancel_uid}/invitation");
    let card: Invitation = post(&app, &cancel_url, &bob, json!({})).await.ok();
    assert_eq!(card.method, ItipMethod::Cancel);
    let bobs = occurrences(
        &app,
        &bob,
        "/bob/agenda/",
        "2027-04-06T00:00:00+02:00",
        "2027-04-07T00:00:00+02:00",
    )
    .await;
    assert!(
        bobs.occurrences
            .iter()
            .find(|o| o.title == title)
            .unwrap()
            .cancelled
    );

    // Clean up bob's calendar.
    for o in bobs.occurrences.iter().filter(|o| o.title.contains(&title)) {
        send(
            &app,
            Method::DELETE,
            &event_url("/bob/agenda/", &o.id),
            Some(&bob),
            Some(json!({"notify": false})),
        )
        .await;
    }
    let _ = clash;
    send(&app, Method::DELETE, &cal_url(&cal.id), Some(&alice), None).await;
}

#[tokio::test]
async fn a_colleagues_calendar_is_read_only_or_writable_as_granted() {
    // Radicale's rights (tests/servers.sh): mmartin's "agenda" is readable
    // by everyone and writable by sdupont.
    let app = app();
    let mm = login_ok(&app, "mmartin", "demo").await;
    let title = format!("Permanence secrétariat {}", tag());
    let saved: EventSaved = post(
        &app,
        &format!("{}/events", cal_url("/mmartin/agenda/")),
        &mm,
        json!({"data": {"title": title, "start": "2027-05-03T08:00", "end": "2027-05-03T12:00"}}),
    )
    .await
    .ok();

    for (user, pass, writable) in [("bob", "secret", false), ("sdupont", "demo", true)] {
        let u = login_ok(&app, user, pass).await;
        // Radicale knows colleagues by identifier only (no
        // principal-property-search to find one by address).
        let found: Vec<CalendarInfo> =
            post(&app, "/api/calendars/others", &u, json!({"who": "mmartin"}))
                .await
                .ok();
        let agenda = found
            .iter()
            .find(|c| c.id == "/mmartin/agenda/")
            .expect("mmartin's agenda");
        assert_eq!(agenda.owner.as_deref(), Some("mmartin"));
        assert_eq!(agenda.writable, writable, "{user}");
        // It stays in the list.
        let list: CalendarList = get(&app, "/api/calendars", &u).await.ok();
        assert!(
            list.calendars
                .iter()
                .any(|c| c.id == "/mmartin/agenda/" && c.owner.is_some())
        );
        let occ = occurrences(
            &app,
            &u,
            "/mmartin/agenda/",
            "2027-05-03T00:00:00+02:00",
            "2027-05-04T00:00:00+02:00",
        )
        .await;
        assert!(
            occ.occurrences.iter().any(|o| o.title == title),
            "{user} reads it"
        );
        let r = post(
            &app,
            &format!("{}/events", cal_url("/mmartin/agenda/")),
            &u,
            json!({"data": {"title": format!("Ajout de {user} {title}"), "start": "2027-05-03T14:00", "end": "2027-05-03T15:00"}}),
        )
        .await;
        if writable {
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&r.body)
            );
            let s: EventSaved = r.ok();
            send(
                &app,
                Method::DELETE,
                &event_url("/mmartin/agenda/", &s.id),
                Some(&u),
                Some(json!({"etag": s.etag})),
            )
            .await;
        } else {
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{}",
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(r.code(), "forbidden");
        }
        // Removed from the list: the calendar itself stays.
        let r = send(
            &app,
            Method::DELETE,
            &cal_url("/mmartin/agenda/"),
            Some(&u),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let list: CalendarList = get(&app, "/api/calendars", &u).await.ok();
        assert!(!list.calendars.iter().any(|c| c.id == "/mmartin/agenda/"));
    }
    // Nobody's calendar: not found; alice's: nothing is shared with bob.
    let bob = login_ok(&app, "bob", "secret").await;
    // (Radicale answers 403 for a path nobody may read, existing or not.)
    let r = post(
        &app,
        "/api/calendars/others",
        &bob,
        json!({"who": "personne"}),
    )
    .await;
    assert!(
        ["not_found", "forbidden"].contains(&r.code().as_str()),
        "{}",
        r.code()
    );
    let r = post(&app, "/api/calendars/others", &bob, json!({"who": "alice"})).await;
    assert_eq!(r.code(), "forbidden");
    send(
        &app,
        Method::DELETE,
        &event_url("/mmartin/agenda/", &saved.id),
        Some(&mm),
        Some(json!({"etag": saved.etag})),
    )
    .await;
    let _ = Access::Read;
    let _: Value = json!({});
}
