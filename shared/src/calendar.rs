//! The calendar: the user's CalDAV calendars and colleagues' ones, events
//! with their recurrence, invitations (iMIP), sharing and free/busy.
//!
//! Times that name an instant travel as milliseconds since the epoch (UTC):
//! the browser shows them in the user's zone. Times the user edits travel
//! as local wall-clock text (`2026-12-01T18:30`) with the IANA zone they
//! belong to, exactly as the event stores them (`DTSTART;TZID=…`), so a
//! weekly meeting at 18:30 in Paris stays at 18:30 across summer time.
//! All-day events carry dates only (`2026-12-01`); their end is exclusive,
//! as in iCalendar.

use serde::{Deserialize, Serialize};

/// The zone of new events unless the user's browser says otherwise.
pub const DEFAULT_TZ: &str = "Europe/Paris";

/// Colours offered for calendars (the first is the default).
pub const COLORS: [&str; 10] = [
    "#2a6fdb", "#d93025", "#188038", "#e37400", "#8e24aa", "#00897b", "#c2185b", "#5f6368",
    "#3949ab", "#795548",
];

/// What the user may do in a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Access {
    #[default]
    Read,
    ReadWrite,
}

/// A colleague a calendar is shared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// Identifier or address, as the server names them.
    pub who: String,
    #[serde(default)]
    pub name: String,
    pub access: Access,
}

/// One calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarInfo {
    /// The collection's path on the CalDAV server: the calendar's id in
    /// the API (one percent-encoded path segment in URLs).
    pub id: String,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Whose it is when it is not the user's (identifier or address).
    #[serde(default)]
    pub owner: Option<String>,
    /// The user may add and change events (the server's rights).
    pub writable: bool,
    /// Hidden from the views (a preference; still in the list).
    #[serde(default)]
    pub hidden: bool,
    /// Colleagues it is shared with (own calendars, where the server
    /// offers sharing).
    #[serde(default)]
    pub shares: Vec<Share>,
}

/// `GET /api/calendars`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarList {
    /// Own calendars first, then colleagues' ones, each sorted by name.
    pub calendars: Vec<CalendarInfo>,
    /// The server lets the user share calendars (CalendarServer sharing
    /// or WebDAV ACL).
    pub sharing: bool,
    /// The server answers free/busy queries about colleagues.
    pub free_busy: bool,
    /// The user's address, to find them among attendees.
    pub email: String,
    /// Calendars colleagues shared with the user, waiting for their
    /// answer (servers with CalendarServer sharing).
    #[serde(default)]
    pub pending: Vec<PendingShare>,
}

/// A calendar a colleague shared with the user, not yet added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingShare {
    /// The invitation's id (for [`ShareAnswer`]).
    pub id: String,
    /// Who shared it.
    pub owner: String,
    /// The calendar's name, when the invitation says it.
    #[serde(default)]
    pub name: String,
    pub access: Access,
}

/// `POST /api/calendars/pending`: add a shared calendar, or decline it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareAnswer {
    pub id: String,
    pub accept: bool,
}

/// `POST /api/calendars` (create) and `PATCH /api/calendars/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarChange {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub hidden: Option<bool>,
}

/// `POST /api/calendars/others`: open a colleague's calendars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenOther {
    /// Identifier (`mmartin`) or address (`marc.martin@ac-….fr`).
    pub who: String,
}

/// `POST /api/calendars/{id}/shares`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRequest {
    pub who: String,
    pub access: Access,
}

/// A reply of an attendee (`PARTSTAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartStat {
    #[default]
    NeedsAction,
    Accepted,
    Tentative,
    Declined,
}

impl PartStat {
    pub fn as_ical(self) -> &'static str {
        match self {
            PartStat::NeedsAction => "NEEDS-ACTION",
            PartStat::Accepted => "ACCEPTED",
            PartStat::Tentative => "TENTATIVE",
            PartStat::Declined => "DECLINED",
        }
    }

    pub fn from_ical(s: &str) -> PartStat {
        match s.to_ascii_uppercase().as_str() {
            "ACCEPTED" => PartStat::Accepted,
            "TENTATIVE" => PartStat::Tentative,
            "DECLINED" => PartStat::Declined,
            _ => PartStat::NeedsAction,
        }
    }
}

/// Someone invited to an event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: PartStat,
}

/// How often an event repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    #[default]
    Weekly,
    Monthly,
    Yearly,
}

/// A monthly event repeats on the same date (the 15th) or the same
/// weekday of the month (the third Tuesday, or the last Friday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MonthlyBy {
    #[default]
    Date,
    Weekday,
}

/// A recurrence the editor can show (`RRULE`). Rules it cannot show are
/// kept as they are unless the user replaces them (`other`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recurrence {
    pub freq: Frequency,
    /// Every `interval` days, weeks…; at least 1.
    #[serde(default = "one")]
    pub interval: u32,
    /// Weekly: the days, 0 = Monday … 6 = Sunday (empty: the start's day).
    #[serde(default)]
    pub weekdays: Vec<u8>,
    #[serde(default)]
    pub monthly_by: MonthlyBy,
    /// The last day an occurrence may start (`YYYY-MM-DD`, inclusive).
    #[serde(default)]
    pub until: Option<String>,
    /// How many occurrences in all.
    #[serde(default)]
    pub count: Option<u32>,
    /// The rule as stored, when it says more than the fields above (read
    /// only; sending it back unchanged keeps the stored rule).
    #[serde(default)]
    pub other: Option<String>,
}

fn one() -> u32 {
    1
}

/// The fields of an event, as the editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    pub title: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub all_day: bool,
    /// `YYYY-MM-DDTHH:MM` in `tz`, or `YYYY-MM-DD` when all day.
    pub start: String,
    /// Same form; exclusive for all-day events (the day after the last).
    pub end: String,
    /// IANA zone of `start` and `end` (`Europe/Paris`).
    #[serde(default = "default_tz")]
    pub tz: String,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
    /// A reminder this many minutes before the start.
    #[serde(default)]
    pub alarm_minutes: Option<u32>,
    /// Invited people; the organiser is the user when there are any.
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    /// The organiser's address, when the event has one.
    #[serde(default)]
    pub organizer: Option<String>,
}

fn default_tz() -> String {
    DEFAULT_TZ.to_string()
}

/// One occurrence in a view (a single event is its only occurrence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occurrence {
    pub calendar: String,
    /// The event's resource name in the calendar.
    pub id: String,
    #[serde(default)]
    pub etag: Option<String>,
    pub uid: String,
    /// Set when the event repeats: this occurrence's `RECURRENCE-ID`
    /// (iCalendar text, `20261201T173000Z` or `20261201`).
    #[serde(default)]
    pub recurrence_id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub location: String,
    /// Instants (ms, UTC); for all-day events, midnight UTC of the dates.
    pub start: i64,
    pub end: i64,
    #[serde(default)]
    pub all_day: bool,
    /// When the reminder is due (ms, UTC).
    #[serde(default)]
    pub alarm: Option<i64>,
    /// The organiser, when it is someone else.
    #[serde(default)]
    pub organizer: Option<String>,
    #[serde(default)]
    pub attendees: u32,
    /// The user's own reply, when invited.
    #[serde(default)]
    pub my_status: Option<PartStat>,
    /// `STATUS:CANCELLED` or `TENTATIVE`.
    #[serde(default)]
    pub cancelled: bool,
    #[serde(default)]
    pub tentative: bool,
}

/// `GET /api/calendars/events?start=&end=&calendars=` (ms; ids comma-separated).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccurrenceList {
    /// Sorted by start.
    pub occurrences: Vec<Occurrence>,
    /// Calendars that could not be read, with why (the others are shown).
    #[serde(default)]
    pub errors: Vec<String>,
}

/// `GET /api/calendars/{cal}/events/{id}?occurrence=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDetail {
    pub calendar: String,
    pub id: String,
    pub etag: Option<String>,
    pub uid: String,
    /// The series repeats (`data.recurrence` is the series' rule).
    pub recurring: bool,
    /// The occurrence asked for, when the series repeats.
    #[serde(default)]
    pub occurrence: Option<String>,
    /// The occurrence's (or single event's) fields.
    pub data: EventData,
    /// The user may change it (the calendar's rights, and the user is
    /// the organiser or there is none).
    pub editable: bool,
}

/// Which part of a repeating event a change or a deletion applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The whole series (or the single event).
    #[default]
    All,
    /// Only this occurrence (`RECURRENCE-ID` / `EXDATE`).
    This,
    /// This occurrence and the following ones (the series is cut with
    /// `UNTIL` and a new one starts here).
    Following,
}

/// `POST /api/calendars/{cal}/events` (create) and
/// `PUT /api/calendars/{cal}/events/{id}` (change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventWrite {
    /// The version read; a change made elsewhere since gives
    /// `edit_conflict` and nothing is written.
    #[serde(default)]
    pub etag: Option<String>,
    pub data: EventData,
    #[serde(default)]
    pub scope: Scope,
    /// The occurrence changed (`RECURRENCE-ID`), for `this`/`following`.
    #[serde(default)]
    pub occurrence: Option<String>,
    /// Send invitations, updates or cancellations to the attendees.
    #[serde(default = "yes")]
    pub notify: bool,
}

fn yes() -> bool {
    true
}

/// `DELETE /api/calendars/{cal}/events/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDelete {
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub scope: Scope,
    #[serde(default)]
    pub occurrence: Option<String>,
    #[serde(default = "yes")]
    pub notify: bool,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSaved {
    pub id: String,
    pub etag: Option<String>,
    pub uid: String,
    /// Attendees a message was sent to.
    #[serde(default)]
    pub notified: Vec<String>,
    /// Why the attendees could not be told (the event is saved).
    #[serde(default)]
    pub notify_error: Option<String>,
}

/// `POST /api/calendars/{cal}/import` (an `.ics` body).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub created: u32,
    /// Already in the calendar (same UID): left as they are.
    pub skipped: u32,
    pub errors: Vec<String>,
}

/// The kind of an invitation message (`METHOD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Request,
    Reply,
    Cancel,
}

/// `GET /api/folders/{folder}/messages/{uid}/invitation`: the card shown
/// above a message that carries an invitation, a reply or a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub method: Method,
    pub uid: String,
    pub title: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub description: String,
    pub start: i64,
    pub end: i64,
    #[serde(default)]
    pub all_day: bool,
    /// The event repeats (the card shows the first occurrence).
    #[serde(default)]
    pub recurring: bool,
    #[serde(default)]
    pub organizer: Option<Attendee>,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    /// The user's reply: as stored in their calendar, else as the
    /// message says.
    #[serde(default)]
    pub my_status: Option<PartStat>,
    /// The event is in the user's calendar already.
    #[serde(default)]
    pub in_calendar: bool,
    /// The user's events at the same time (titles).
    #[serde(default)]
    pub clashes: Vec<String>,
    /// For a reply: who answered, and what (already applied to the
    /// organiser's event when `in_calendar`).
    #[serde(default)]
    pub replied: Option<Attendee>,
    /// The message is older than what the calendar holds (`SEQUENCE`).
    #[serde(default)]
    pub outdated: bool,
}

/// `POST /api/folders/{folder}/messages/{uid}/invitation`: answer an
/// invitation (`answer`), or, without one, apply a reply or a
/// cancellation to the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationAnswer {
    #[serde(default)]
    pub answer: Option<PartStat>,
    /// Where to put an accepted event (the first writable own calendar
    /// when absent).
    #[serde(default)]
    pub calendar: Option<String>,
}

/// `POST /api/calendars/freebusy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeBusyRequest {
    pub attendees: Vec<String>,
    pub start: i64,
    pub end: i64,
}

/// Whether someone is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Free,
    Busy,
    /// The server does not know them or would not say.
    Unknown,
}

/// One attendee's answer to a free/busy query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreeBusy {
    pub email: String,
    pub availability: Availability,
    /// Busy periods within the asked range (ms, UTC).
    #[serde(default)]
    pub busy: Vec<(i64, i64)>,
}

/// Checks a calendar colour (`#rrggbb`).
pub fn valid_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())
}

/// Parses `YYYY-MM-DD` into (year, month, day), checking the day exists.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// Parses `YYYY-MM-DDTHH:MM` into (date, hour, minute).
pub fn parse_local(s: &str) -> Option<((i32, u32, u32), u32, u32)> {
    let (date, time) = s.split_once('T')?;
    let date = parse_date(date)?;
    let (h, m) = time.get(0..5)?.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((date, h, m))
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// Day of the week, 0 = Monday … 6 = Sunday.
pub fn weekday(y: i32, m: u32, d: u32) -> u8 {
    // 1970-01-01 was a Thursday (3).
    ((days_from_civil(y, m, d) + 3).rem_euclid(7)) as u8
}

/// `YYYY-MM-DD`.
pub fn format_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The date `n` days after `date`.
pub fn add_days(date: (i32, u32, u32), n: i64) -> (i32, u32, u32) {
    civil_from_days(days_from_civil(date.0, date.1, date.2) + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        for z in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 20_786, 100_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format_date(add_days((2026, 12, 31), 1)), "2027-01-01");
        assert_eq!(format_date(add_days((2028, 3, 1), -1)), "2028-02-29");
    }

    #[test]
    fn weekdays() {
        // 2026-11-30 is a Monday; 2026-11-29 a Sunday.
        assert_eq!(weekday(2026, 11, 30), 0);
        assert_eq!(weekday(2026, 11, 29), 6);
        assert_eq!(weekday(2000, 1, 1), 5);
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(
            parse_local("2026-12-01T18:30"),
            Some(((2026, 12, 1), 18, 30))
        );
        assert_eq!(parse_local("2026-12-01T24:00"), None);
        assert!(valid_color("#2a6fdb"));
        assert!(!valid_color("red"));
        assert!(!valid_color("#2a6fdg"));
    }

    #[test]
    fn write_defaults() {
        let w: EventWrite = serde_json::from_str(
            r#"{"data":{"title":"x","start":"2026-12-01","end":"2026-12-02","all_day":true}}"#,
        )
        .unwrap();
        assert!(w.notify);
        assert_eq!(w.scope, Scope::All);
        assert_eq!(w.data.tz, "Europe/Paris");
    }
}
