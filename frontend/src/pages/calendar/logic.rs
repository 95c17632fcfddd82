//! The calendar's arithmetic, free of the browser so that it is tested
//! natively: the days a view shows, moving through periods, the layout of
//! timed events in a day column, shifting wall-clock times (dragging) and
//! the recurrence form.
//!
//! Times in a view are "local minutes": the day number (days since
//! 1970-01-01, [`days_from_civil`]) × 1440 + the minute of the day, in the
//! browser's wall clock. The browser turns instants into them (mod.rs).

use shared::calendar::{
    Frequency, MonthlyBy, Recurrence, add_days, civil_from_days, days_from_civil, days_in_month,
    format_date, parse_date, parse_local, weekday,
};

use crate::i18n::calendar::TrCal;

/// A civil date (year, month 1–12, day).
pub type Ymd = (i32, u32, u32);

pub const DAY_MINUTES: i64 = 1440;
pub const DAY_MS: i64 = 86_400_000;
/// Dragging snaps to this many minutes.
pub const SNAP_MINUTES: i64 = 15;
/// A short event is drawn (and laid out) at least this long.
pub const MIN_DRAWN_MINUTES: i64 = 20;
/// The planning shows this many days from its first.
pub const AGENDA_DAYS: i64 = 30;

/// The four ways of looking at the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Month,
    Week,
    Day,
    Agenda,
}

impl View {
    pub const ALL: [View; 4] = [View::Month, View::Week, View::Day, View::Agenda];
}

pub fn day_number(d: Ymd) -> i64 {
    days_from_civil(d.0, d.1, d.2)
}

pub fn weekday_of(d: Ymd) -> u8 {
    weekday(d.0, d.1, d.2)
}

/// The Monday of the week of `d` (French weeks start on Monday).
pub fn monday_of(d: Ymd) -> Ymd {
    add_days(d, -i64::from(weekday_of(d)))
}

/// The dates of a month's grid: whole weeks, Monday first, from the week
/// of the 1st to the week of the last day (4 to 6 weeks).
pub fn month_grid(year: i32, month: u32) -> Vec<Ymd> {
    let first = monday_of((year, month, 1));
    let last = (year, month, days_in_month(year, month).max(1));
    let days = day_number(last) - day_number(first) + 1;
    let weeks = (days + 6) / 7;
    (0..weeks * 7).map(|i| add_days(first, i)).collect()
}

/// `d` moved by `n` months, the day kept when the month has it.
pub fn add_months(d: Ymd, n: i32) -> Ymd {
    let index = d.0 * 12 + d.1 as i32 - 1 + n;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    (y, m, d.2.min(days_in_month(y, m)))
}

/// The first day a view shows around `cursor`, and how many days. On a
/// phone (`narrow`) the week shows one day at a time.
pub fn visible_days(view: View, cursor: Ymd, narrow: bool) -> (Ymd, i64) {
    match view {
        View::Month => {
            let grid = month_grid(cursor.0, cursor.1);
            (grid.first().copied().unwrap_or(cursor), grid.len() as i64)
        }
        View::Week if narrow => (cursor, 1),
        View::Week => (monday_of(cursor), 7),
        View::Day => (cursor, 1),
        View::Agenda => (cursor, AGENDA_DAYS),
    }
}

/// The cursor after "previous" (`dir` = -1) or "next" (1).
pub fn step(view: View, cursor: Ymd, narrow: bool, dir: i32) -> Ymd {
    let dir64 = i64::from(dir);
    match view {
        View::Month => add_months((cursor.0, cursor.1, 1), dir),
        View::Week if narrow => add_days(cursor, dir64),
        View::Week => add_days(cursor, 7 * dir64),
        View::Day => add_days(cursor, dir64),
        View::Agenda => add_days(cursor, AGENDA_DAYS * dir64),
    }
}

/// The title of the period shown ("novembre 2026", "semaine du 30 nov.
/// au 6 déc. 2026", "lundi 30 novembre 2026").
pub fn period_title(t: &TrCal, view: View, cursor: Ymd, narrow: bool) -> String {
    let (first, n) = visible_days(view, cursor, narrow);
    let last = add_days(first, n - 1);
    match view {
        View::Month => (t.month_title)(cursor.0, cursor.1),
        _ if n == 1 => (t.day_title)(first),
        View::Week => (t.week_title)(first, last),
        _ => (t.range_title)(first, last),
    }
}

/// `HH:MM` of a minute of the day (24 h).
pub fn hm(minute: i64) -> String {
    let m = minute.rem_euclid(DAY_MINUTES);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The date and minute of a local minute index.
pub fn split_local(local: i64) -> (Ymd, i64) {
    (
        civil_from_days(local.div_euclid(DAY_MINUTES)),
        local.rem_euclid(DAY_MINUTES),
    )
}

/// `YYYY-MM-DDTHH:MM` of a local minute index.
pub fn local_text(local: i64) -> String {
    let (d, m) = split_local(local);
    format!("{}T{}", format_date(d), hm(m))
}

/// The part of `[start, end)` (local minutes) inside the day `day`, as
/// minutes of that day; an instant event belongs to the day it is in.
pub fn day_segment(start: i64, end: i64, day: i64) -> Option<(i64, i64)> {
    let (d0, d1) = (day * DAY_MINUTES, (day + 1) * DAY_MINUTES);
    if end <= start {
        return (start >= d0 && start < d1).then(|| (start - d0, start - d0));
    }
    let (s, e) = (start.max(d0), end.min(d1));
    (s < e).then(|| (s - d0, e - d0))
}

/// Side-by-side layout of the events of one day column: for each
/// `(start, end)` (minutes), its column and the number of columns of its
/// group of overlapping events.
pub fn layout(items: &[(i64, i64)]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].0, -items[i].1));
    let mut out = vec![(0usize, 1usize); items.len()];
    let mut group: Vec<usize> = Vec::new();
    let mut column_ends: Vec<i64> = Vec::new();
    let mut group_end = i64::MIN;
    let close = |group: &mut Vec<usize>, columns: usize, out: &mut Vec<(usize, usize)>| {
        for &i in group.iter() {
            out[i].1 = columns.max(1);
        }
        group.clear();
    };
    for i in order {
        let (s, e) = items[i];
        let e = e.max(s + MIN_DRAWN_MINUTES);
        if !group.is_empty() && s >= group_end {
            close(&mut group, column_ends.len(), &mut out);
            column_ends.clear();
            group_end = i64::MIN;
        }
        let column = match column_ends.iter().position(|&end| end <= s) {
            Some(c) => c,
            None => {
                column_ends.push(e);
                column_ends.len() - 1
            }
        };
        column_ends[column] = e;
        out[i].0 = column;
        group.push(i);
        group_end = group_end.max(e);
    }
    close(&mut group, column_ends.len(), &mut out);
    out
}

/// A pixel distance as minutes, snapped to [`SNAP_MINUTES`].
pub fn snap_minutes(pixels: f64, pixels_per_minute: f64) -> i64 {
    if pixels_per_minute <= 0.0 {
        return 0;
    }
    let minutes = pixels / pixels_per_minute / SNAP_MINUTES as f64;
    minutes.round() as i64 * SNAP_MINUTES
}

/// A wall-clock time (`YYYY-MM-DDTHH:MM`) `minutes` later (or earlier).
pub fn shift_local(s: &str, minutes: i64) -> Option<String> {
    let (date, h, m) = parse_local(s)?;
    let local = day_number(date) * DAY_MINUTES + i64::from(h * 60 + m) + minutes;
    Some(local_text(local))
}

/// A date (`YYYY-MM-DD`) `days` later (or earlier).
pub fn shift_date(s: &str, days: i64) -> Option<String> {
    Some(format_date(add_days(parse_date(s)?, days)))
}

/// What a drag does to an event: moved by `days` and `minutes`, or (when
/// `resize`) only its end moved by `minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shift {
    pub days: i64,
    pub minutes: i64,
    pub resize: bool,
}

impl Shift {
    pub fn is_none(&self) -> bool {
        self.days == 0 && self.minutes == 0
    }

    /// The shift in milliseconds (for showing the event at its new place
    /// at once; the server computes the real instants).
    pub fn ms(&self) -> i64 {
        (self.days * DAY_MINUTES + self.minutes) * 60_000
    }
}

/// The new `(start, end)` of an event's fields after a drag: wall-clock
/// text for timed events, dates for all-day ones (where only whole days
/// move). `None` when the texts are not what they should be, or when a
/// resize would end the event before it starts.
pub fn shifted(start: &str, end: &str, all_day: bool, shift: Shift) -> Option<(String, String)> {
    if all_day {
        if shift.resize {
            return None;
        }
        return Some((shift_date(start, shift.days)?, shift_date(end, shift.days)?));
    }
    let total = shift.days * DAY_MINUTES + shift.minutes;
    if shift.resize {
        let new_end = shift_local(end, total)?;
        // Same form, so the text order is the time order.
        return (new_end.as_str() > start).then(|| (start.to_string(), new_end));
    }
    Some((shift_local(start, total)?, shift_local(end, total)?))
}

/// How the editor shows a recurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Repeat {
    #[default]
    Never,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// How a recurrence ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ends {
    #[default]
    Never,
    On,
    After,
}

/// The recurrence part of the editor, as the inputs hold it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepeatForm {
    pub repeat: Repeat,
    pub interval: String,
    /// Monday first.
    pub weekdays: [bool; 7],
    pub monthly_by: MonthlyBy,
    pub ends: Ends,
    pub until: String,
    pub count: String,
    /// A rule the editor cannot show, kept unless the user replaces it.
    pub other: Option<Recurrence>,
}

/// What is wrong with a recurrence as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepeatProblem {
    Interval,
    Until,
    Count,
}

/// The form for an event's recurrence; `start` is its first day (the
/// weekday checked when a weekly rule names none).
pub fn repeat_form(r: Option<&Recurrence>, start: Ymd) -> RepeatForm {
    let mut form = RepeatForm {
        interval: "1".into(),
        count: "10".into(),
        ..RepeatForm::default()
    };
    form.weekdays[usize::from(weekday_of(start))] = true;
    let Some(r) = r else {
        return form;
    };
    if r.other.is_some() {
        form.other = Some(r.clone());
        return form;
    }
    form.repeat = match r.freq {
        Frequency::Daily => Repeat::Daily,
        Frequency::Weekly => Repeat::Weekly,
        Frequency::Monthly => Repeat::Monthly,
        Frequency::Yearly => Repeat::Yearly,
    };
    form.interval = r.interval.max(1).to_string();
    if !r.weekdays.is_empty() {
        form.weekdays = [false; 7];
        for &d in &r.weekdays {
            if let Some(slot) = form.weekdays.get_mut(usize::from(d)) {
                *slot = true;
            }
        }
    }
    form.monthly_by = r.monthly_by;
    if let Some(until) = &r.until {
        form.ends = Ends::On;
        form.until = until.clone();
    } else if let Some(count) = r.count {
        form.ends = Ends::After;
        form.count = count.to_string();
    }
    form
}

/// The recurrence to send for the form (`None`: the event does not
/// repeat). A rule kept as it was (`other`) goes back unchanged.
pub fn repeat_of(form: &RepeatForm) -> Result<Option<Recurrence>, RepeatProblem> {
    if let Some(other) = &form.other {
        return Ok(Some(other.clone()));
    }
    let freq = match form.repeat {
        Repeat::Never => return Ok(None),
        Repeat::Daily => Frequency::Daily,
        Repeat::Weekly => Frequency::Weekly,
        Repeat::Monthly => Frequency::Monthly,
        Repeat::Yearly => Frequency::Yearly,
    };
    let interval = form
        .interval
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=999).contains(n))
        .ok_or(RepeatProblem::Interval)?;
    let weekdays = if freq == Frequency::Weekly {
        (0u8..7)
            .filter(|&d| form.weekdays[usize::from(d)])
            .collect()
    } else {
        Vec::new()
    };
    let (until, count) = match form.ends {
        Ends::Never => (None, None),
        Ends::On => {
            let until = form.until.trim();
            parse_date(until).ok_or(RepeatProblem::Until)?;
            (Some(until.to_string()), None)
        }
        Ends::After => {
            let n = form
                .count
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=999).contains(n))
                .ok_or(RepeatProblem::Count)?;
            (None, Some(n))
        }
    };
    Ok(Some(Recurrence {
        freq,
        interval,
        weekdays,
        monthly_by: if freq == Frequency::Monthly {
            form.monthly_by
        } else {
            MonthlyBy::Date
        },
        until,
        count,
        other: None,
    }))
}

/// Which weekday of its month a date is: 1 to 4, or 5 for the last one
/// ("le dernier vendredi").
pub fn nth_weekday(d: Ymd) -> u32 {
    let n = (d.2 - 1) / 7 + 1;
    if d.2 + 7 > days_in_month(d.0, d.1) {
        5
    } else {
        n.min(4)
    }
}

/// The last day of an all-day event as the form shows it (the data's end
/// is exclusive).
pub fn inclusive_end(start: &str, end: &str) -> String {
    match shift_date(end, -1) {
        Some(last) if last.as_str() >= start => last,
        _ => start.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::calendar::{EN, FR};

    fn local(d: Ymd, h: i64, m: i64) -> i64 {
        day_number(d) * DAY_MINUTES + h * 60 + m
    }

    #[test]
    fn month_grids_start_on_monday() {
        let grid = month_grid(2026, 12);
        assert_eq!(grid.first(), Some(&(2026, 11, 30)));
        assert_eq!(grid.len(), 35);
        assert_eq!(grid.last(), Some(&(2027, 1, 3)));
        // February 2027 starts on a Monday and has 28 days: four weeks.
        assert_eq!(month_grid(2027, 2).len(), 28);
        assert_eq!(month_grid(2027, 2)[0], (2027, 2, 1));
        // Leap year: 2028-02-29 is in the grid; August 2026 needs six weeks.
        assert!(month_grid(2028, 2).contains(&(2028, 2, 29)));
        assert!(!month_grid(2026, 2).contains(&(2026, 2, 29)));
        assert_eq!(month_grid(2026, 8).len(), 42);
        for d in month_grid(2026, 8).iter().step_by(7) {
            assert_eq!(weekday_of(*d), 0);
        }
    }

    #[test]
    fn weeks_and_steps() {
        assert_eq!(monday_of((2026, 12, 6)), (2026, 11, 30));
        assert_eq!(monday_of((2026, 11, 30)), (2026, 11, 30));
        assert_eq!(monday_of((2027, 1, 1)), (2026, 12, 28));
        assert_eq!(
            visible_days(View::Week, (2026, 12, 3), false),
            ((2026, 11, 30), 7)
        );
        assert_eq!(
            visible_days(View::Week, (2026, 12, 3), true),
            ((2026, 12, 3), 1)
        );
        assert_eq!(step(View::Week, (2026, 12, 3), false, 1), (2026, 12, 10));
        assert_eq!(step(View::Week, (2026, 12, 3), true, -1), (2026, 12, 2));
        assert_eq!(step(View::Month, (2026, 1, 31), false, 1), (2026, 2, 1));
        assert_eq!(step(View::Month, (2026, 1, 15), false, -1), (2025, 12, 1));
        assert_eq!(add_months((2028, 1, 31), 1), (2028, 2, 29));
        assert_eq!(step(View::Agenda, (2026, 12, 1), false, 1), (2026, 12, 31));
    }

    #[test]
    fn period_titles() {
        assert_eq!(
            period_title(&FR, View::Month, (2026, 11, 12), false),
            "novembre 2026"
        );
        assert_eq!(
            period_title(&FR, View::Week, (2026, 12, 2), false),
            "semaine du 30 nov. au 6 déc. 2026"
        );
        assert_eq!(
            period_title(&FR, View::Week, (2026, 12, 9), false),
            "semaine du 7 au 13 déc. 2026"
        );
        assert_eq!(
            period_title(&FR, View::Week, (2026, 12, 30), false),
            "semaine du 28 déc. 2026 au 3 janv. 2027"
        );
        assert_eq!(
            period_title(&FR, View::Day, (2026, 11, 30), false),
            "lundi 30 novembre 2026"
        );
        assert_eq!(
            period_title(&FR, View::Day, (2026, 12, 1), false),
            "mardi 1er décembre 2026"
        );
        assert_eq!(
            period_title(&FR, View::Week, (2026, 12, 1), true),
            "mardi 1er décembre 2026"
        );
        assert_eq!(
            period_title(&FR, View::Agenda, (2026, 12, 1), false),
            "du 1er au 30 déc. 2026"
        );
        assert_eq!(
            period_title(&EN, View::Month, (2026, 11, 12), false),
            "November 2026"
        );
        assert_eq!(
            period_title(&EN, View::Week, (2026, 12, 2), false),
            "Week of Nov 30 – Dec 6, 2026"
        );
        assert_eq!(
            period_title(&EN, View::Week, (2026, 12, 30), false),
            "Week of Dec 28, 2026 – Jan 3, 2027"
        );
        assert_eq!(
            period_title(&EN, View::Day, (2026, 11, 30), false),
            "Monday, November 30, 2026"
        );
        assert_eq!(
            (FR.event_label)("Conseil de classe", (2026, 12, 1), Some((1110, 1170))),
            "Conseil de classe, mardi 1er décembre, 18:30 – 19:30"
        );
        assert_eq!(
            (FR.event_label)("Sortie", (2026, 12, 1), None),
            "Sortie, mardi 1er décembre, toute la journée"
        );
    }

    #[test]
    fn segments_of_a_day() {
        let day = day_number((2026, 12, 1));
        let s = local((2026, 12, 1), 22, 0);
        let e = local((2026, 12, 2), 2, 0);
        assert_eq!(day_segment(s, e, day), Some((1320, 1440)));
        assert_eq!(day_segment(s, e, day + 1), Some((0, 120)));
        assert_eq!(day_segment(s, e, day + 2), None);
        // Ending at midnight: nothing on the next day.
        let e = local((2026, 12, 2), 0, 0);
        assert_eq!(day_segment(s, e, day + 1), None);
        assert_eq!(day_segment(s, s, day), Some((1320, 1320)));
    }

    #[test]
    fn overlapping_events_side_by_side() {
        // 9–10 and 9:30–11 overlap; 10–11 fits under the first; 12–13 alone.
        let items = [(540, 600), (570, 660), (600, 660), (720, 780)];
        assert_eq!(layout(&items), vec![(0, 2), (1, 2), (0, 2), (0, 1)]);
        // Three at once.
        let items = [(540, 600), (540, 600), (540, 600)];
        assert_eq!(layout(&items), vec![(0, 3), (1, 3), (2, 3)]);
        // Touching events do not overlap.
        assert_eq!(layout(&[(540, 600), (600, 660)]), vec![(0, 1), (0, 1)]);
        // A 5-minute event is drawn 20 minutes long.
        assert_eq!(layout(&[(540, 545), (550, 600)]), vec![(0, 2), (1, 2)]);
        assert!(layout(&[]).is_empty());
    }

    #[test]
    fn drag_shifts_wall_clock_text() {
        assert_eq!(
            shift_local("2026-12-01T23:30", 45).as_deref(),
            Some("2026-12-02T00:15")
        );
        assert_eq!(
            shift_local("2026-12-31T23:00", 120).as_deref(),
            Some("2027-01-01T01:00")
        );
        assert_eq!(
            shift_local("2028-03-01T00:15", -30).as_deref(),
            Some("2028-02-29T23:45")
        );
        assert_eq!(shift_local("nope", 15), None);
        assert_eq!(shift_date("2026-11-30", 1).as_deref(), Some("2026-12-01"));
        let moved = Shift {
            days: 1,
            minutes: -30,
            resize: false,
        };
        assert_eq!(
            shifted("2026-11-30T18:30", "2026-11-30T19:30", false, moved),
            Some(("2026-12-01T18:00".into(), "2026-12-01T19:00".into()))
        );
        let all_day = Shift {
            days: 2,
            ..Shift::default()
        };
        assert_eq!(
            shifted("2026-12-30", "2026-12-31", true, all_day),
            Some(("2027-01-01".into(), "2027-01-02".into()))
        );
        let longer = Shift {
            minutes: 45,
            resize: true,
            ..Shift::default()
        };
        assert_eq!(
            shifted("2026-11-30T18:30", "2026-11-30T19:30", false, longer),
            Some(("2026-11-30T18:30".into(), "2026-11-30T20:15".into()))
        );
        let inverted = Shift {
            minutes: -60,
            resize: true,
            ..Shift::default()
        };
        assert_eq!(
            shifted("2026-11-30T18:30", "2026-11-30T19:30", false, inverted),
            None
        );
        assert_eq!(snap_minutes(24.0, 0.8), 30);
        assert_eq!(snap_minutes(-7.0, 0.8), -15);
        assert_eq!(snap_minutes(5.0, 0.8), 0);
        assert_eq!(hm(18 * 60 + 5), "18:05");
        assert_eq!(local_text(local((2026, 12, 1), 9, 0)), "2026-12-01T09:00");
        assert_eq!(inclusive_end("2026-12-01", "2026-12-02"), "2026-12-01");
        assert_eq!(inclusive_end("2026-12-01", "2026-12-04"), "2026-12-03");
        assert_eq!(inclusive_end("2026-12-01", "2026-12-01"), "2026-12-01");
    }

    #[test]
    fn recurrence_round_trips_through_the_form() {
        let start = (2026, 12, 1); // a Tuesday
        let none = repeat_form(None, start);
        assert_eq!(none.repeat, Repeat::Never);
        assert_eq!(
            none.weekdays,
            [false, true, false, false, false, false, false]
        );
        assert_eq!(repeat_of(&none), Ok(None));

        let weekly = Recurrence {
            freq: Frequency::Weekly,
            interval: 2,
            weekdays: vec![0, 3],
            until: Some("2027-06-30".into()),
            ..Recurrence::default()
        };
        let form = repeat_form(Some(&weekly), start);
        assert_eq!(form.repeat, Repeat::Weekly);
        assert_eq!(form.interval, "2");
        assert_eq!(form.ends, Ends::On);
        assert_eq!(repeat_of(&form), Ok(Some(weekly)));

        let monthly = Recurrence {
            freq: Frequency::Monthly,
            interval: 1,
            monthly_by: MonthlyBy::Weekday,
            count: Some(5),
            ..Recurrence::default()
        };
        let form = repeat_form(Some(&monthly), start);
        assert_eq!((form.repeat, form.ends), (Repeat::Monthly, Ends::After));
        assert_eq!(repeat_of(&form), Ok(Some(monthly)));

        let other = Recurrence {
            other: Some("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9".into()),
            ..Recurrence::default()
        };
        let form = repeat_form(Some(&other), start);
        assert_eq!(repeat_of(&form), Ok(Some(other)));

        let mut bad = repeat_form(None, start);
        bad.repeat = Repeat::Daily;
        bad.interval = "0".into();
        assert_eq!(repeat_of(&bad), Err(RepeatProblem::Interval));
        bad.interval = "3".into();
        bad.ends = Ends::On;
        bad.until = "2027-02-30".into();
        assert_eq!(repeat_of(&bad), Err(RepeatProblem::Until));
        bad.ends = Ends::After;
        bad.count = "x".into();
        assert_eq!(repeat_of(&bad), Err(RepeatProblem::Count));
        bad.count = "4".into();
        let daily = repeat_of(&bad).ok().flatten();
        assert_eq!(
            daily.map(|r| (r.freq, r.interval, r.count)),
            Some((Frequency::Daily, 3, Some(4)))
        );

        assert_eq!(nth_weekday((2026, 12, 15)), 3);
        assert_eq!(nth_weekday((2026, 12, 29)), 5);
        assert_eq!(nth_weekday((2026, 12, 25)), 5);
        assert_eq!(nth_weekday((2026, 12, 24)), 4);
    }
}
