//! The editor's fields as the inputs hold them, from and to the API's
//! [`EventData`], with what is wrong in them (pure, tested natively).

use shared::calendar::{Attendee, EventData, format_date, parse_date, parse_local};

use super::logic::{
    DAY_MINUTES, RepeatForm, RepeatProblem, Ymd, day_number, hm, inclusive_end, repeat_form,
    repeat_of, shift_date, split_local,
};
use crate::i18n::calendar::TrCal;

/// The zones offered besides the event's own and the browser's.
pub const ZONES: [&str; 10] = [
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "Indian/Reunion",
    "America/Martinique",
    "Pacific/Noumea",
    "America/Cayenne",
    "Indian/Mayotte",
    "Pacific/Tahiti",
    "UTC",
];

/// The reminder choices (minutes before).
pub const ALARMS: [u32; 6] = [5, 10, 15, 30, 60, 1440];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Form {
    pub title: String,
    pub location: String,
    pub description: String,
    pub all_day: bool,
    pub start_date: String,
    pub start_time: String,
    /// The last day for all-day events (inclusive, unlike the data).
    pub end_date: String,
    pub end_time: String,
    pub tz: String,
    /// Where a new event goes.
    pub calendar: String,
    pub repeat: RepeatForm,
    pub alarm: Option<u32>,
    pub attendees: Vec<Attendee>,
    pub organizer: Option<String>,
}

/// What is wrong in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    TitleRequired,
    BadDates,
    EndBeforeStart,
    Repeat(RepeatProblem),
}

impl Problem {
    pub fn text(&self, t: &TrCal) -> &'static str {
        match self {
            Problem::TitleRequired => t.title_required,
            Problem::BadDates => t.bad_dates,
            Problem::EndBeforeStart => t.end_before_start,
            Problem::Repeat(RepeatProblem::Interval) => t.bad_interval,
            Problem::Repeat(RepeatProblem::Until) => t.bad_until,
            Problem::Repeat(RepeatProblem::Count) => t.bad_count,
        }
    }
}

/// A new event on `day` at `minute`, one hour long, in `tz`.
pub fn new_form(day: Ymd, minute: i64, tz: &str, calendar: &str) -> Form {
    let minute = minute.clamp(0, 23 * 60);
    let (end_day, end_minute) = split_local(day_number(day) * DAY_MINUTES + minute + 60);
    Form {
        start_date: format_date(day),
        end_date: format_date(end_day),
        start_time: hm(minute),
        end_time: hm(end_minute),
        tz: tz.to_string(),
        calendar: calendar.to_string(),
        repeat: repeat_form(None, day),
        ..Form::default()
    }
}

/// The form of an event's fields.
pub fn form_of(data: &EventData, calendar: &str) -> Form {
    let split = |s: &str| match s.split_once('T') {
        Some((d, t)) => (d.to_string(), t.get(0..5).unwrap_or("").to_string()),
        None => (s.to_string(), String::new()),
    };
    let (start_date, mut start_time) = split(&data.start);
    let (mut end_date, mut end_time) = split(&data.end);
    if data.all_day {
        end_date = inclusive_end(&start_date, &end_date);
        start_time = "09:00".into();
        end_time = "10:00".into();
    }
    let day = parse_date(&start_date).unwrap_or((1970, 1, 1));
    Form {
        title: data.title.clone(),
        location: data.location.clone(),
        description: data.description.clone(),
        all_day: data.all_day,
        start_date,
        start_time,
        end_date,
        end_time,
        tz: data.tz.clone(),
        calendar: calendar.to_string(),
        repeat: repeat_form(data.recurrence.as_ref(), day),
        alarm: data.alarm_minutes,
        attendees: data.attendees.clone(),
        organizer: data.organizer.clone(),
    }
}

/// The event's fields for the form, or everything wrong with it.
pub fn data_of(form: &Form) -> Result<EventData, Vec<Problem>> {
    let mut problems = Vec::new();
    if form.title.trim().is_empty() {
        problems.push(Problem::TitleRequired);
    }
    let (start, end) = if form.all_day {
        match (parse_date(&form.start_date), parse_date(&form.end_date)) {
            (Some(_), Some(_)) => {
                if form.end_date < form.start_date {
                    problems.push(Problem::EndBeforeStart);
                }
                let end = shift_date(&form.end_date, 1).unwrap_or_default();
                (form.start_date.clone(), end)
            }
            _ => {
                problems.push(Problem::BadDates);
                (String::new(), String::new())
            }
        }
    } else {
        let start = format!("{}T{}", form.start_date, form.start_time);
        let end = format!("{}T{}", form.end_date, form.end_time);
        match (parse_local(&start), parse_local(&end)) {
            (Some(_), Some(_)) => {
                if end <= start {
                    problems.push(Problem::EndBeforeStart);
                }
            }
            _ => problems.push(Problem::BadDates),
        }
        (start, end)
    };
    let recurrence = match repeat_of(&form.repeat) {
        Ok(r) => r,
        Err(p) => {
            problems.push(Problem::Repeat(p));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(EventData {
        title: form.title.trim().to_string(),
        location: form.location.trim().to_string(),
        description: form.description.clone(),
        all_day: form.all_day,
        start,
        end,
        tz: form.tz.clone(),
        recurrence,
        alarm_minutes: form.alarm,
        attendees: form.attendees.clone(),
        organizer: form.organizer.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::calendar::logic::{Ends, Repeat};

    #[test]
    fn timed_events_round_trip() {
        let data = EventData {
            title: "Conseil de classe".into(),
            location: "Salle 12".into(),
            start: "2026-12-01T18:30".into(),
            end: "2026-12-01T19:30".into(),
            tz: "Europe/Paris".into(),
            alarm_minutes: Some(15),
            ..EventData::default()
        };
        let form = form_of(&data, "/a/");
        assert_eq!(form.start_time, "18:30");
        assert_eq!(form.end_date, "2026-12-01");
        assert_eq!(data_of(&form), Ok(data));
    }

    #[test]
    fn all_day_ends_are_shown_inclusive() {
        let data = EventData {
            title: "Voyage".into(),
            all_day: true,
            start: "2026-12-01".into(),
            end: "2026-12-04".into(),
            tz: "Europe/Paris".into(),
            ..EventData::default()
        };
        let form = form_of(&data, "/a/");
        assert_eq!(form.end_date, "2026-12-03");
        assert_eq!(data_of(&form), Ok(data));
    }

    #[test]
    fn problems_are_found() {
        let mut form = new_form((2026, 12, 1), 9 * 60, "Europe/Paris", "/a/");
        assert_eq!(
            (form.start_time.as_str(), form.end_time.as_str()),
            ("09:00", "10:00")
        );
        assert_eq!(data_of(&form), Err(vec![Problem::TitleRequired]));
        form.title = "Réunion".into();
        form.end_time = "08:00".into();
        assert_eq!(data_of(&form), Err(vec![Problem::EndBeforeStart]));
        form.end_time = "".into();
        assert_eq!(data_of(&form), Err(vec![Problem::BadDates]));
        form.end_time = "10:00".into();
        form.repeat.repeat = Repeat::Weekly;
        form.repeat.ends = Ends::After;
        form.repeat.count = "0".into();
        assert_eq!(
            data_of(&form),
            Err(vec![Problem::Repeat(RepeatProblem::Count)])
        );
        form.repeat.count = "6".into();
        let data = data_of(&form).ok();
        let r = data.and_then(|d| d.recurrence);
        assert_eq!(r.map(|r| (r.weekdays, r.count)), Some((vec![1], Some(6))));
        // A late new event stays within the day.
        let late = new_form((2026, 12, 31), 23 * 60 + 30, "UTC", "/a/");
        assert_eq!(
            (
                late.start_time.as_str(),
                late.end_date.as_str(),
                late.end_time.as_str()
            ),
            ("23:00", "2027-01-01", "00:00")
        );
    }
}
