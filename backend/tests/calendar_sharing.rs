//! Sharing and free/busy against a CalDAV server that has them: Cyrus
//! (Debian's `cyrus-caldav`), started by `tests/servers.sh start` beside
//! Radicale (which has neither). alice shares a calendar with bob
//! read-only, then read-write, then stops; bob opens it as a colleague's
//! calendar and may read, then write, then nothing. alice asks whether
//! bob is free. Cyrus schedules by itself (`calendar-auto-schedule`), so
//! Facteur sends no invitation mail there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::{Router, http::Method, http::StatusCode};
use facteur::dav::encode_segment;
use serde_json::json;
use shared::calendar::{
    Access, Availability, CalendarInfo, CalendarList, EventSaved, FreeBusy, OccurrenceList,
};

use crate::common::*;

fn app() -> Router {
    let mut c = config();
    c.caldav_url = server_env("FACTEUR_SHARING_CALDAV_URL");
    app_with(c)
}

fn tag() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("t{}", t % 1_000_000_000_000)
}

fn ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_millis()
}

fn cal_url(id: &str) -> String {
    format!("/api/calendars/{}", encode_segment(id))
}

async fn create_in(
    app: &Router,
    user: &User,
    cal: &str,
    title: &str,
    start: &str,
    end: &str,
) -> Resp {
    post(
        app,
        &format!("{}/events", cal_url(cal)),
        user,
        json!({"data": {"title": title, "start": start, "end": end}}),
    )
    .await
}

async fn titles(app: &Router, user: &User, cal: &str) -> Resp {
    get(
        app,
        &format!(
            "/api/calendars/events?start={}&end={}&calendars={}",
            ms("2027-09-01T00:00:00+02:00"),
            ms("2027-10-01T00:00:00+02:00"),
            encode_segment(cal)
        ),
        user,
    )
    .await
}

#[tokio::test]
async fn a_shared_calendar_is_readable_then_writable_then_gone() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let bob = login_ok(&app, "bob", "secret").await;
    let list: CalendarList = get(&app, "/api/calendars", &alice).await.ok();
    assert!(list.sharing, "Cyrus offers sharing");
    assert!(list.free_busy, "Cyrus answers free/busy");
    let agenda = list
        .calendars
        .iter()
        .find(|c| c.name == "Agenda")
        .expect("alice's Default calendar");
    assert!(agenda.id.starts_with("/dav/calendars/user/alice/"));

    let name = format!("Secrétariat {}", tag());
    let cal: CalendarInfo = post(&app, "/api/calendars", &alice, json!({"name": name}))
        .await
        .ok();
    let title = format!("Permanence {}", tag());
    let r = create_in(
        &app,
        &alice,
        &cal.id,
        &title,
        "2027-09-06T08:00",
        "2027-09-06T12:00",
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );

    // Nothing shared yet: bob cannot open it.
    // (Other calendars of alice's may be shared with bob already.)
    let r = post(&app, "/api/calendars/others", &bob, json!({"who": "alice"})).await;
    if r.status == StatusCode::OK {
        let opened: Vec<CalendarInfo> = r.ok();
        assert!(!opened.iter().any(|c| c.name == name));
    } else {
        assert!(
            ["forbidden", "not_found"].contains(&r.code().as_str()),
            "{}",
            r.code()
        );
    }

    // Read-only.
    let shared: CalendarInfo = post(
        &app,
        &format!("{}/shares", cal_url(&cal.id)),
        &alice,
        json!({"who": "bob", "access": "read"}),
    )
    .await
    .ok();
    assert_eq!(
        shared.shares.len(),
        1,
        "{shared:?} {:?}",
        get(&app, "/api/calendars", &alice).await.json()
    );
    assert_eq!(shared.shares[0].who, "bob@ac-demo.fr");
    assert_eq!(shared.shares[0].access, Access::Read);
    // Bob's list offers it; he adds it.
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    let offer = list
        .pending
        .iter()
        .find(|p| p.name == name)
        .expect("offered to bob");
    assert_eq!(
        (offer.owner.as_str(), offer.access),
        ("alice", Access::Read)
    );
    let list: CalendarList = post(
        &app,
        "/api/calendars/pending",
        &bob,
        json!({"id": offer.id, "accept": true}),
    )
    .await
    .ok();
    assert!(!list.pending.iter().any(|p| p.name == name));
    assert!(
        list.calendars
            .iter()
            .any(|c| c.name == name && c.owner.as_deref() == Some("alice"))
    );
    // Opening alice's calendars finds it too.
    let opened: Vec<CalendarInfo> =
        post(&app, "/api/calendars/others", &bob, json!({"who": "alice"}))
            .await
            .ok();
    let theirs = opened
        .iter()
        .find(|c| c.name == name)
        .expect("the shared calendar")
        .clone();
    assert_eq!(theirs.owner.as_deref(), Some("alice"));
    assert!(!theirs.writable);
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    assert!(
        list.calendars
            .iter()
            .any(|c| c.id == theirs.id && c.owner.is_some()),
        "kept in bob's list"
    );
    let seen: OccurrenceList = titles(&app, &bob, &theirs.id).await.ok();
    assert!(
        seen.occurrences.iter().any(|o| o.title == title),
        "{seen:?}"
    );
    let r = create_in(
        &app,
        &bob,
        &theirs.id,
        "Ajout de Bob",
        "2027-09-07T08:00",
        "2027-09-07T09:00",
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.code(), "forbidden");

    // Read-write.
    let shared: CalendarInfo = post(
        &app,
        &format!("{}/shares", cal_url(&cal.id)),
        &alice,
        json!({"who": "bob", "access": "read_write"}),
    )
    .await
    .ok();
    assert_eq!(shared.shares[0].access, Access::ReadWrite);
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    assert!(
        list.calendars
            .iter()
            .find(|c| c.id == theirs.id)
            .unwrap()
            .writable
    );
    let r = create_in(
        &app,
        &bob,
        &theirs.id,
        &format!("Ajout de Bob {title}"),
        "2027-09-07T08:00",
        "2027-09-07T09:00",
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let seen: OccurrenceList = titles(&app, &alice, &cal.id).await.ok();
    assert!(
        seen.occurrences
            .iter()
            .any(|o| o.title == format!("Ajout de Bob {title}")),
        "alice sees bob's event"
    );

    // Stopped: bob has nothing more.
    let r = send(
        &app,
        Method::DELETE,
        &format!(
            "{}/shares/{}",
            cal_url(&cal.id),
            encode_segment("bob@ac-demo.fr")
        ),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let unshared: CalendarInfo = r.ok();
    assert!(unshared.shares.is_empty(), "{unshared:?}");
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    assert!(
        !list.calendars.iter().any(|c| c.id == theirs.id),
        "gone from bob's list"
    );
    let r = create_in(
        &app,
        &bob,
        &theirs.id,
        "Trop tard",
        "2027-09-08T08:00",
        "2027-09-08T09:00",
    )
    .await;
    assert_ne!(r.status, StatusCode::OK);

    let r = send(&app, Method::DELETE, &cal_url(&cal.id), Some(&alice), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // Declined: neither offered nor listed any more.
    let other = format!("Déclinée {}", tag());
    let cal: CalendarInfo = post(&app, "/api/calendars", &alice, json!({"name": other}))
        .await
        .ok();
    let _: CalendarInfo = post(
        &app,
        &format!("{}/shares", cal_url(&cal.id)),
        &alice,
        json!({"who": "bob", "access": "read"}),
    )
    .await
    .ok();
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    let offer = list
        .pending
        .iter()
        .find(|p| p.name == other)
        .expect("offered to bob")
        .clone();
    let list: CalendarList = post(
        &app,
        "/api/calendars/pending",
        &bob,
        json!({"id": offer.id, "accept": false}),
    )
    .await
    .ok();
    assert!(!list.pending.iter().any(|p| p.name == other));
    assert!(!list.calendars.iter().any(|c| c.name == other));
    // Only the user's own invitations can be answered.
    let r = post(
        &app,
        "/api/calendars/pending",
        &bob,
        json!({"id": "/dav/calendars/user/alice/", "accept": true}),
    )
    .await;
    assert_eq!(r.code(), "forbidden");
    send(&app, Method::DELETE, &cal_url(&cal.id), Some(&alice), None).await;
}

#[tokio::test]
async fn free_busy_of_colleagues() {
    let app = app();
    let alice = login_ok(&app, "alice", "secret").await;
    let bob = login_ok(&app, "bob", "secret").await;
    let list: CalendarList = get(&app, "/api/calendars", &bob).await.ok();
    let bobs = list
        .calendars
        .iter()
        .find(|c| c.name == "Agenda" && c.owner.is_none())
        .unwrap()
        .id
        .clone();
    let busy: EventSaved = create_in(
        &app,
        &bob,
        &bobs,
        &format!("Occupé {}", tag()),
        "2027-09-14T14:00",
        "2027-09-14T16:00",
    )
    .await
    .ok();

    let fb: Vec<FreeBusy> = post(
        &app,
        "/api/calendars/freebusy",
        &alice,
        json!({"attendees": ["bob@ac-demo.fr", "personne@ailleurs.example"], "start": ms("2027-09-14T00:00:00+02:00"), "end": ms("2027-09-15T00:00:00+02:00")}),
    )
    .await
    .ok();
    let b = fb.iter().find(|f| f.email == "bob@ac-demo.fr").unwrap();
    assert_eq!(b.availability, Availability::Busy);
    assert_eq!(
        b.busy,
        vec![(
            ms("2027-09-14T14:00:00+02:00"),
            ms("2027-09-14T16:00:00+02:00")
        )]
    );
    let other = fb
        .iter()
        .find(|f| f.email == "personne@ailleurs.example")
        .unwrap();
    assert_eq!(other.availability, Availability::Unknown);
    // Free the next day.
    let fb: Vec<FreeBusy> = post(
        &app,
        "/api/calendars/freebusy",
        &alice,
        json!({"attendees": ["bob@ac-demo.fr"], "start": ms("2027-09-15T00:00:00+02:00"), "end": ms("2027-09-16T00:00:00+02:00")}),
    )
    .await
    .ok();
    assert_eq!(fb[0].availability, Availability::Free);

    // An event with bob as attendee: Cyrus delivers it (no mail from
    // Facteur) and bob answers from his calendar.
    let title = format!("Conseil {}", tag());
    let list: CalendarList = get(&app, "/api/calendars", &alice).await.ok();
    let alices = list
        .calendars
        .iter()
        .find(|c| c.name == "Agenda" && c.owner.is_none())
        .unwrap()
        .id
        .clone();
    let saved: EventSaved = post(
        &app,
        &format!("{}/events", cal_url(&alices)),
        &alice,
        json!({"data": {"title": title, "start": "2027-09-20T17:00", "end": "2027-09-20T18:00", "attendees": [{"email": "bob@ac-demo.fr"}]}}),
    )
    .await
    .ok();
    assert_eq!(saved.notified, vec!["bob@ac-demo.fr".to_string()]);
    let mut delivered = None;
    for _ in 0..40 {
        let occ: OccurrenceList = get(
            &app,
            &format!(
                "/api/calendars/events?start={}&end={}&calendars={}",
                ms("2027-09-20T00:00:00+02:00"),
                ms("2027-09-21T00:00:00+02:00"),
                encode_segment(&bobs)
            ),
            &bob,
        )
        .await
        .ok();
        delivered = occ.occurrences.into_iter().find(|o| o.title == title);
        if delivered.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let inv = delivered.expect("Cyrus put the invitation in bob's calendar");
    assert_eq!(inv.organizer.as_deref(), Some("alice@ac-demo.fr"));
    let answered: EventSaved = post(
        &app,
        &format!(
            "{}/events/{}/answer",
            cal_url(&bobs),
            encode_segment(&inv.id)
        ),
        &bob,
        json!({"answer": "accepted"}),
    )
    .await
    .ok();
    assert_eq!(answered.notified, vec!["alice@ac-demo.fr".to_string()]);
    // Cyrus carries the reply to alice's event.
    let mut status = None;
    for _ in 0..40 {
        let d: serde_json::Value = get(
            &app,
            &format!("{}/events/{}", cal_url(&alices), encode_segment(&saved.id)),
            &alice,
        )
        .await
        .ok();
        status = d["data"]["attendees"][0]["status"]
            .as_str()
            .map(str::to_string);
        if status.as_deref() == Some("accepted") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(status.as_deref(), Some("accepted"));

    for (u, c, id) in [(&bob, &bobs, &busy.id), (&alice, &alices, &saved.id)] {
        send(
            &app,
            Method::DELETE,
            &format!("{}/events/{}", cal_url(c), encode_segment(id)),
            Some(u),
            Some(json!({"notify": false})),
        )
        .await;
    }
}
