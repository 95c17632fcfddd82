//! The calendar: the list of calendars (own and colleagues'), their
//! sharing, the occurrences of a period, one event read and written (an
//! event changed elsewhere meanwhile answers `edit_conflict`), importing an
//! `.ics` file, free/busy. Exporting is a plain download link
//! ([`export_url`]).

use shared::calendar::{
    Access, CalendarChange, CalendarInfo, CalendarList, EventDelete, EventDetail, EventSaved,
    EventWrite, FreeBusy, FreeBusyRequest, ImportResult, OccurrenceList, OpenOther, ShareRequest,
};
use shared::mail::encode_segment;
use wasm_bindgen::JsCast;
use web_sys::Headers;

use super::{Failure, Method, Ticket, decode, get_text, json, send_text};

/// `GET` the list, `POST` a new calendar.
pub const CALENDARS_URL: &str = "/api/calendars";
/// `POST`: open a colleague's calendars.
pub const OTHERS_URL: &str = "/api/calendars/others";
/// `POST`: who is free.
pub const FREEBUSY_URL: &str = "/api/calendars/freebusy";

/// One calendar (`PATCH`, `DELETE`).
pub fn calendar_url(cal: &str) -> String {
    format!("{CALENDARS_URL}/{}", encode_segment(cal))
}

/// The occurrences of the visible calendars in `[start, end)` (ms).
pub fn events_url(start: i64, end: i64) -> String {
    format!("{CALENDARS_URL}/events?start={start}&end={end}")
}

/// A calendar's events (`POST` creates one).
pub fn calendar_events_url(cal: &str) -> String {
    format!("{}/events", calendar_url(cal))
}

/// One event; `occurrence` (a `RECURRENCE-ID`) for one occurrence of a
/// repeating event.
pub fn event_url(cal: &str, id: &str, occurrence: Option<&str>) -> String {
    let url = format!("{}/{}", calendar_events_url(cal), encode_segment(id));
    match occurrence {
        Some(o) => format!("{url}?occurrence={}", encode_segment(o)),
        None => url,
    }
}

/// Sharing a calendar with someone, or no longer.
pub fn share_url(cal: &str, who: Option<&str>) -> String {
    match who {
        Some(who) => format!("{}/shares/{}", calendar_url(cal), encode_segment(who)),
        None => format!("{}/shares", calendar_url(cal)),
    }
}

/// The whole calendar as one `.ics` file (a download link).
pub fn export_url(cal: &str) -> String {
    format!("{}/export", calendar_url(cal))
}

pub async fn list(ticket: &Ticket) -> Result<CalendarList, Failure> {
    decode(&get_text(CALENDARS_URL, Some(ticket)).await?)
}

pub async fn create(change: &CalendarChange) -> Result<CalendarInfo, Failure> {
    decode(&send_text(Method::Post, CALENDARS_URL, json(change)).await?)
}

pub async fn change(cal: &str, change: &CalendarChange) -> Result<CalendarInfo, Failure> {
    decode(&send_text(Method::Patch, &calendar_url(cal), json(change)).await?)
}

/// Deletes an own calendar, or takes a colleague's out of the list.
pub async fn delete(cal: &str) -> Result<(), Failure> {
    send_text(Method::Delete, &calendar_url(cal), None).await?;
    Ok(())
}

pub async fn open_other(who: &str) -> Result<Vec<CalendarInfo>, Failure> {
    let body = OpenOther {
        who: who.to_string(),
    };
    decode(&send_text(Method::Post, OTHERS_URL, json(&body)).await?)
}

pub async fn share(cal: &str, who: &str, access: Access) -> Result<CalendarInfo, Failure> {
    let body = ShareRequest {
        who: who.to_string(),
        access,
    };
    decode(&send_text(Method::Post, &share_url(cal, None), json(&body)).await?)
}

pub async fn unshare(cal: &str, who: &str) -> Result<CalendarInfo, Failure> {
    decode(&send_text(Method::Delete, &share_url(cal, Some(who)), None).await?)
}

pub async fn occurrences(start: i64, end: i64, ticket: &Ticket) -> Result<OccurrenceList, Failure> {
    decode(&get_text(&events_url(start, end), Some(ticket)).await?)
}

pub async fn event(cal: &str, id: &str, occurrence: Option<&str>) -> Result<EventDetail, Failure> {
    decode(&get_text(&event_url(cal, id, occurrence), None).await?)
}

pub async fn create_event(cal: &str, write: &EventWrite) -> Result<EventSaved, Failure> {
    decode(&send_text(Method::Post, &calendar_events_url(cal), json(write)).await?)
}

pub async fn update_event(cal: &str, id: &str, write: &EventWrite) -> Result<EventSaved, Failure> {
    decode(&send_text(Method::Put, &event_url(cal, id, None), json(write)).await?)
}

pub async fn delete_event(
    cal: &str,
    id: &str,
    delete: &EventDelete,
) -> Result<EventSaved, Failure> {
    decode(&send_text(Method::Delete, &event_url(cal, id, None), json(delete)).await?)
}

/// Adds a calendar a colleague shared, or declines it: the list as it is
/// then.
pub async fn answer_pending(id: &str, accept: bool) -> Result<CalendarList, Failure> {
    let body = shared::calendar::ShareAnswer {
        id: id.to_string(),
        accept,
    };
    decode(&send_text(Method::Post, "/api/calendars/pending", json(&body)).await?)
}

/// Answers an invitation in the user's calendar (the organiser is told).
pub async fn answer_event(
    cal: &str,
    id: &str,
    answer: &shared::calendar::InvitationAnswer,
) -> Result<EventSaved, Failure> {
    let url = format!("{}/answer", event_url(cal, id, None));
    decode(&send_text(Method::Post, &url, json(answer)).await?)
}

pub async fn free_busy(request: &FreeBusyRequest) -> Result<Vec<FreeBusy>, Failure> {
    decode(&send_text(Method::Post, FREEBUSY_URL, json(request)).await?)
}

/// Sends the text of an `.ics` file into the calendar `cal`.
pub async fn import(cal: &str, ics: String) -> Result<ImportResult, Failure> {
    let url = format!("{}/import", calendar_url(cal));
    let init = super::request_init(Method::Post, Some(&ics), None)?;
    if let Ok(headers) = init.get_headers().dyn_into::<Headers>() {
        let _ = headers.set("content-type", "text/calendar; charset=utf-8");
    }
    let answer = super::fetch(&url, &init).await;
    decode(&super::outcome(&url, answer, false)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_one_segment() {
        assert_eq!(
            calendar_url("/alice/agenda/"),
            "/api/calendars/%2Falice%2Fagenda%2F"
        );
        assert_eq!(
            event_url("/a/b/", "x y.ics", Some("20261201T173000Z")),
            "/api/calendars/%2Fa%2Fb%2F/events/x%20y.ics?occurrence=20261201T173000Z"
        );
        assert_eq!(
            share_url("/a/", Some("m.martin@ac-demo.fr")),
            "/api/calendars/%2Fa%2F/shares/m.martin%40ac-demo.fr"
        );
        assert_eq!(events_url(1, 2), "/api/calendars/events?start=1&end=2");
    }
}
