//! iCalendar (RFC 5545) for the calendar: a content-line model that keeps
//! every property and component it does not know byte for byte (an event
//! written by a phone or Thunderbird keeps its X- properties, attachments
//! and alarms when edited here), the mapping between a `VEVENT` and the
//! editor's [`EventData`], recurrence changes (`RRULE`, `EXDATE`,
//! `RECURRENCE-ID`), `VTIMEZONE`s for the zones we write, and the
//! expansion of occurrences for a range.
//!
//! Expansion uses `calcard`'s recurrence engine (RRULE with every BY* part,
//! EXDATE, RDATE, overridden occurrences, VTIMEZONE or IANA zones); an
//! unbounded rule is bounded at the end of the asked range first, so a
//! daily meeting without an end costs what the range shows, not 10,000
//! occurrences.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use shared::calendar::{
    Attendee, EventData, Frequency, MonthlyBy, Occurrence, PartStat, Recurrence,
};

use crate::vcard::{escape, fold, unescape, unfold};

/// The zone of times written without one (floating) and the default of
/// new events.
pub const DEFAULT_TZ: Tz = chrono_tz::Europe::Paris;

/// The most occurrences expanded per object and range.
const EXPAND_LIMIT: usize = 5000;

/// The longest duration read (ten years); longer ones are ignored.
const MAX_DURATION_SECS: i64 = 10 * 366 * 86_400;
/// Components nest this deep at most (VCALENDAR > VEVENT > VALARM is 3).
const MAX_DEPTH: usize = 8;

/// `PRODID` of what Facteur writes.
pub const PRODID: &str = "-//Facteur//Agenda//FR";

// ------------------------------------------------------------------ model

/// One content line: `NAME;PARAM=VALUE:value`. The value stays as written
/// (escaped); [`Prop::text`] unescapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    /// Upper case.
    pub name: String,
    /// Names upper case; values without their quotes.
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Prop {
    pub fn new(name: &str, value: impl Into<String>) -> Prop {
        Prop {
            name: name.to_ascii_uppercase(),
            params: Vec::new(),
            value: value.into(),
        }
    }

    /// A text property, its value escaped.
    pub fn text_prop(name: &str, text: &str) -> Prop {
        Prop::new(name, escape(text))
    }

    pub fn with_param(mut self, name: &str, value: &str) -> Prop {
        self.set_param(name, value);
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_param(&mut self, name: &str, value: &str) {
        let name = name.to_ascii_uppercase();
        // Parameter values may not hold quotes or control characters.
        let value: String = value
            .chars()
            .filter(|c| *c != '"' && !c.is_control())
            .collect();
        match self.params.iter_mut().find(|(k, _)| *k == name) {
            Some(p) => p.1 = value,
            None => self.params.push((name, value)),
        }
    }

    pub fn remove_param(&mut self, name: &str) {
        self.params.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    /// The value unescaped.
    pub fn text(&self) -> String {
        unescape(&self.value)
    }

    /// An address value without its `mailto:`, lower case.
    pub fn address(&self) -> String {
        let v = self.value.trim();
        let v = v
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("mailto:"))
            .map_or(v, |_| &v[7..]);
        v.to_ascii_lowercase()
    }

    fn to_line(&self) -> String {
        let mut line = self.name.clone();
        for (k, v) in &self.params {
            line.push(';');
            line.push_str(k);
            line.push('=');
            if v.contains([';', ':', ',']) {
                line.push('"');
                line.push_str(v);
                line.push('"');
            } else {
                line.push_str(v);
            }
        }
        line.push(':');
        line.push_str(&self.value);
        line
    }
}

/// A component (`VCALENDAR`, `VEVENT`, `VALARM`…) with its properties in
/// order and its sub-components.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Component {
    /// Upper case.
    pub name: String,
    pub props: Vec<Prop>,
    pub children: Vec<Component>,
}

impl Component {
    pub fn new(name: &str) -> Component {
        Component {
            name: name.to_ascii_uppercase(),
            ..Default::default()
        }
    }

    pub fn get(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Prop> {
        self.props.iter_mut().find(|p| p.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// The unescaped text of a property, empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.get(name).map(Prop::text).unwrap_or_default()
    }

    /// Replaces the property (the first of its name stays in place, the
    /// others go), or adds it.
    pub fn set(&mut self, prop: Prop) {
        match self.props.iter().position(|p| p.name == prop.name) {
            Some(i) => {
                let name = prop.name.clone();
                self.props[i] = prop;
                let mut seen = false;
                self.props.retain(|p| {
                    if p.name != name {
                        return true;
                    }
                    let keep = !seen;
                    seen = true;
                    keep
                });
            }
            None => self.props.push(prop),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.props.retain(|p| p.name != name);
    }

    /// Sets a text property, or removes it when the text is empty.
    pub fn set_text(&mut self, name: &str, text: &str) {
        if text.trim().is_empty() {
            self.remove(name);
        } else if self.text(name) != text {
            self.set(Prop::text_prop(name, text));
        }
    }

    /// The component and every one under it, in the order they begin.
    pub fn flatten(&self) -> Vec<&Component> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.flatten());
        }
        out
    }

    pub fn events(&self) -> impl Iterator<Item = &Component> {
        self.children.iter().filter(|c| c.name == "VEVENT")
    }

    /// The iCalendar text, folded, with CRLF line ends.
    pub fn to_ics(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push_str("BEGIN:");
        out.push_str(&self.name);
        out.push_str("\r\n");
        for p in &self.props {
            out.push_str(&fold(&p.to_line()));
        }
        for c in &self.children {
            c.write(out);
        }
        out.push_str("END:");
        out.push_str(&self.name);
        out.push_str("\r\n");
    }

    pub fn uid(&self) -> String {
        self.events()
            .find_map(|e| e.get("UID").map(Prop::text))
            .unwrap_or_default()
    }

    /// The main event: the one without `RECURRENCE-ID` (else the first).
    pub fn master(&self) -> Option<&Component> {
        self.events()
            .find(|e| e.get("RECURRENCE-ID").is_none())
            .or_else(|| self.events().next())
    }

    pub fn master_mut(&mut self) -> Option<&mut Component> {
        let i = self
            .children
            .iter()
            .position(|e| e.name == "VEVENT" && e.get("RECURRENCE-ID").is_none())
            .or_else(|| self.children.iter().position(|e| e.name == "VEVENT"))?;
        self.children.get_mut(i)
    }

    /// The series repeats.
    pub fn is_recurring(&self) -> bool {
        self.events()
            .any(|e| e.get("RRULE").is_some() || e.get("RDATE").is_some())
    }
}

/// Parses one content line.
fn parse_line(line: &str) -> Option<Prop> {
    let mut chars = line.char_indices().peekable();
    let mut name_end = None;
    for (i, c) in chars.by_ref() {
        if c == ';' || c == ':' {
            name_end = Some((i, c));
            break;
        }
    }
    let (end, mut stop) = name_end?;
    let name = line[..end].trim().to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let mut params = Vec::new();
    let mut pos = end + 1;
    while stop == ';' {
        let rest = &line[pos..];
        let eq = rest.find('=')?;
        let pname = rest[..eq].trim().to_ascii_uppercase();
        let mut value = String::new();
        let mut quoted = false;
        let mut consumed = eq + 1;
        let mut found = None;
        for (i, c) in rest[eq + 1..].char_indices() {
            consumed = eq + 1 + i + c.len_utf8();
            match c {
                '"' => quoted = !quoted,
                ';' | ':' if !quoted => {
                    found = Some(c);
                    break;
                }
                c => value.push(c),
            }
        }
        params.push((pname, value));
        pos += consumed;
        stop = found?;
    }
    Some(Prop {
        name,
        params,
        value: line.get(pos..).unwrap_or("").to_string(),
    })
}

/// Parses iCalendar text into its `VCALENDAR` components (a file may hold
/// several). Lines outside a component are skipped; a component that does
/// not end is an error.
pub fn parse_all(data: &[u8]) -> Result<Vec<Component>, String> {
    let mut done = Vec::new();
    let mut stack: Vec<Component> = Vec::new();
    for line in unfold(data) {
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            continue;
        }
        let Some(prop) = parse_line(line) else {
            continue;
        };
        match prop.name.as_str() {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    return Err("composants imbriqués trop profondément".into());
                }
                stack.push(Component::new(prop.value.trim()))
            }
            "END" => {
                let Some(c) = stack.pop() else {
                    continue;
                };
                if !c.name.eq_ignore_ascii_case(prop.value.trim()) {
                    return Err(format!("END:{} inside {}", prop.value.trim(), c.name));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(c),
                    None => done.push(c),
                }
            }
            _ => {
                if let Some(c) = stack.last_mut() {
                    c.props.push(prop);
                }
            }
        }
    }
    if let Some(c) = stack.last() {
        return Err(format!("{} does not end", c.name));
    }
    Ok(done.into_iter().filter(|c| c.name == "VCALENDAR").collect())
}

/// Parses one calendar object (a `VCALENDAR` with at least one event).
pub fn parse(data: &[u8]) -> Result<Component, String> {
    let cal = parse_all(data)?
        .into_iter()
        .next()
        .ok_or_else(|| "no VCALENDAR".to_string())?;
    if cal.events().next().is_none() {
        return Err("no VEVENT".into());
    }
    Ok(cal)
}

// ------------------------------------------------------------------ times

/// A date or date-time property as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub local: NaiveDateTime,
    /// Its `TZID` (resolved), when it has one.
    pub tz: Option<Tz>,
    /// Written in UTC (`Z`).
    pub utc: bool,
    /// A date without time (`VALUE=DATE`).
    pub date: bool,
}

/// An occurrence's identity: a date, or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum When {
    Date(NaiveDate),
    At(DateTime<Utc>),
}

impl When {
    /// `20261201` or `20261201T173000Z`.
    pub fn to_ical(self) -> String {
        match self {
            When::Date(d) => d.format("%Y%m%d").to_string(),
            When::At(t) => t.format("%Y%m%dT%H%M%SZ").to_string(),
        }
    }

    pub fn parse(s: &str) -> Option<When> {
        let s = s.trim();
        if s.len() == 8 {
            return NaiveDate::parse_from_str(s, "%Y%m%d").ok().map(When::Date);
        }
        let naive = NaiveDateTime::parse_from_str(s.strip_suffix('Z')?, "%Y%m%dT%H%M%S").ok()?;
        Some(When::At(naive.and_utc()))
    }

    /// An `UNTIL`: UTC, a date, or (wrongly, but clients write it) a
    /// local time in the series' zone.
    pub fn parse_until(s: &str, zone: Tz) -> Option<When> {
        When::parse(s).or_else(|| {
            let naive = NaiveDateTime::parse_from_str(s.trim(), "%Y%m%dT%H%M%S").ok()?;
            Some(When::At(local_to_utc(zone, naive)))
        })
    }
}

/// The zone a `TZID` names: IANA names, else what calcard recognises
/// (Windows names such as "Romance Standard Time").
pub fn zone(name: &str) -> Option<Tz> {
    let name = name.trim().trim_start_matches('/');
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    match name.parse::<calcard::common::timezone::Tz>() {
        Ok(calcard::common::timezone::Tz::Tz(tz)) => Some(tz),
        _ => None,
    }
}

/// A wall-clock time in `tz` as an instant: the earlier one when the
/// clock goes back, the hour after when it skips forward.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        LocalResult::None => local_to_utc(tz, local + Duration::hours(1)),
    }
}

impl Stamp {
    pub fn read(p: &Prop) -> Option<Stamp> {
        let v = p.value.trim();
        let date = p
            .param("VALUE")
            .is_some_and(|t| t.eq_ignore_ascii_case("DATE"))
            || v.len() == 8;
        if date {
            let d = NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok()?;
            return Some(Stamp {
                local: d.and_time(NaiveTime::MIN),
                tz: None,
                utc: false,
                date: true,
            });
        }
        let utc = v.ends_with('Z') || v.ends_with('z');
        let local = NaiveDateTime::parse_from_str(v.get(..15)?, "%Y%m%dT%H%M%S").ok()?;
        let tz = if utc {
            None
        } else {
            p.param("TZID").and_then(zone)
        };
        Some(Stamp {
            local,
            tz,
            utc,
            date: false,
        })
    }

    /// The instant (dates: midnight UTC).
    pub fn instant(&self) -> DateTime<Utc> {
        if self.utc || self.date {
            return self.local.and_utc();
        }
        local_to_utc(self.tz.unwrap_or(DEFAULT_TZ), self.local)
    }

    pub fn when(&self) -> When {
        if self.date {
            When::Date(self.local.date())
        } else {
            When::At(self.instant())
        }
    }

    /// The zone it is shown and edited in.
    pub fn zone(&self) -> Tz {
        self.tz.unwrap_or(DEFAULT_TZ)
    }

    /// As a property named `name`, in the same form as `self`.
    pub fn to_prop(&self, name: &str) -> Prop {
        if self.date {
            return Prop::new(name, self.local.format("%Y%m%d").to_string())
                .with_param("VALUE", "DATE");
        }
        if self.utc {
            return Prop::new(name, self.local.format("%Y%m%dT%H%M%SZ").to_string());
        }
        let p = Prop::new(name, self.local.format("%Y%m%dT%H%M%S").to_string());
        match self.tz {
            Some(tz) => p.with_param("TZID", tz.name()),
            None => p,
        }
    }

    /// An occurrence at `when`, written like `self` (for `RECURRENCE-ID`
    /// and `EXDATE`, which must match `DTSTART`'s form).
    pub fn like(&self, when: When) -> Stamp {
        match when {
            When::Date(d) => Stamp {
                local: d.and_time(NaiveTime::MIN),
                ..*self
            },
            When::At(t) => {
                let local = if self.utc {
                    t.naive_utc()
                } else {
                    t.with_timezone(&self.zone()).naive_local()
                };
                Stamp { local, ..*self }
            }
        }
    }
}

/// Reads an iCalendar duration (`-PT15M`, `P1D`, `P1W`, `PT1H30M`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let s = s.strip_prefix('P')?;
    let mut secs: i64 = 0;
    let mut num = String::new();
    let mut in_time = false;
    for c in s.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => num.push(c),
            _ => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                let unit = match (c, in_time) {
                    ('W', _) => 604_800,
                    ('D', _) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                secs = secs.checked_add(n.checked_mul(unit)?)?;
            }
        }
    }
    // Ten years at most: anything longer is not an event's length.
    if !num.is_empty() || secs > MAX_DURATION_SECS {
        return None;
    }
    Some(Duration::seconds(if neg { -secs } else { secs }))
}

fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds();
    let (sign, secs) = if secs < 0 { ("-", -secs) } else { ("", secs) };
    if secs % 86_400 == 0 && secs > 0 {
        format!("{sign}P{}D", secs / 86_400)
    } else {
        format!("{sign}PT{}M", secs / 60)
    }
}

/// `YYYY-MM-DDTHH:MM` / `YYYY-MM-DD` of the editor.
fn editor_text(local: NaiveDateTime, date: bool) -> String {
    if date {
        local.format("%Y-%m-%d").to_string()
    } else {
        local.format("%Y-%m-%dT%H:%M").to_string()
    }
}

fn parse_editor(s: &str, date: bool) -> Option<NaiveDateTime> {
    if date {
        let (y, m, d) = shared::calendar::parse_date(s.get(..10)?)?;
        return NaiveDate::from_ymd_opt(y, m, d).map(|d| d.and_time(NaiveTime::MIN));
    }
    let ((y, m, d), h, min) = shared::calendar::parse_local(s)?;
    NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, min, 0)
}

fn now_stamp() -> String {
    Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

// ------------------------------------------------------------- recurrence

const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// The parts of an `RRULE` value, in order.
fn rule_parts(rule: &str) -> Vec<(String, String)> {
    rule.split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().to_string()))
        .collect()
}

fn join_parts(parts: &[(String, String)]) -> String {
    parts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The rule as the editor shows it; `other` carries it when it says more.
pub fn recurrence_of(rule: &str, start: &Stamp) -> Recurrence {
    let parts = rule_parts(rule);
    let mut r = Recurrence {
        interval: 1,
        ..Default::default()
    };
    let mut simple = true;
    let mut by_day: Vec<String> = Vec::new();
    let mut by_month_day: Option<String> = None;
    for (k, v) in &parts {
        match k.as_str() {
            "FREQ" => {
                r.freq = match v.as_str() {
                    "DAILY" => Frequency::Daily,
                    "WEEKLY" => Frequency::Weekly,
                    "MONTHLY" => Frequency::Monthly,
                    "YEARLY" => Frequency::Yearly,
                    _ => {
                        simple = false;
                        Frequency::Daily
                    }
                }
            }
            "INTERVAL" => r.interval = v.parse().unwrap_or(1).max(1),
            "COUNT" => r.count = v.parse().ok(),
            "UNTIL" => {
                r.until = When::parse_until(v, start.zone()).map(|w| match w {
                    When::Date(d) => d.format("%Y-%m-%d").to_string(),
                    When::At(t) => t
                        .with_timezone(&start.zone())
                        .format("%Y-%m-%d")
                        .to_string(),
                })
            }
            "BYDAY" => by_day = v.split(',').map(|s| s.to_ascii_uppercase()).collect(),
            "BYMONTHDAY" => by_month_day = Some(v.clone()),
            "WKST" if v == "MO" => {}
            "BYMONTH" if r.freq == Frequency::Yearly && v.parse() == Ok(start.local.month()) => {}
            _ => simple = false,
        }
    }
    match r.freq {
        Frequency::Daily => simple &= by_day.is_empty() && by_month_day.is_none(),
        Frequency::Weekly => {
            simple &= by_month_day.is_none();
            for d in &by_day {
                match DAYS.iter().position(|x| x == d) {
                    Some(i) => r.weekdays.push(i as u8),
                    None => simple = false,
                }
            }
        }
        Frequency::Monthly => {
            if let Some(md) = &by_month_day {
                simple &= by_day.is_empty() && md.parse() == Ok(start.local.day());
            } else if by_day.len() == 1 {
                let d = &by_day[0];
                let cut = d.len().saturating_sub(2);
                let day = d.get(cut..).unwrap_or("");
                let n: i32 = d.get(..cut).and_then(|n| n.parse().ok()).unwrap_or(0);
                let wd = start.local.weekday().num_days_from_monday() as usize;
                let nth = ((start.local.day() - 1) / 7 + 1) as i32;
                // The editor writes "last" only for a fifth weekday: a
                // "last Monday" that is also the fourth stays as stored.
                simple &= DAYS[wd] == day && (n == nth && n < 5 || n == -1 && nth == 5);
                r.monthly_by = MonthlyBy::Weekday;
            } else {
                simple &= by_day.is_empty();
            }
        }
        Frequency::Yearly => {
            simple &= by_day.is_empty()
                && by_month_day
                    .as_ref()
                    .is_none_or(|md| md.parse() == Ok(start.local.day()));
        }
    }
    if !simple {
        r.other = Some(rule.to_string());
    }
    r
}

/// The `RRULE` value for the editor's recurrence starting at `start`.
pub fn rule_for(r: &Recurrence, start: &Stamp) -> Result<String, String> {
    let mut parts: Vec<(String, String)> = Vec::new();
    let freq = match r.freq {
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Yearly => "YEARLY",
    };
    parts.push(("FREQ".into(), freq.into()));
    if r.interval > 1 {
        parts.push(("INTERVAL".into(), r.interval.min(999).to_string()));
    }
    match r.freq {
        Frequency::Weekly if !r.weekdays.is_empty() => {
            let mut days: Vec<u8> = r.weekdays.iter().copied().filter(|d| *d < 7).collect();
            days.sort_unstable();
            days.dedup();
            let days: Vec<&str> = days.iter().map(|d| DAYS[*d as usize]).collect();
            parts.push(("BYDAY".into(), days.join(",")));
        }
        Frequency::Monthly if r.monthly_by == MonthlyBy::Weekday => {
            let day = start.local.day();
            let wd = DAYS[start.local.weekday().num_days_from_monday() as usize];
            let nth = (day - 1) / 7 + 1;
            let n = if nth >= 5 { -1 } else { nth as i32 };
            parts.push(("BYDAY".into(), format!("{n}{wd}")));
        }
        _ => {}
    }
    if let Some(until) = &r.until {
        let d =
            parse_editor(until, true).ok_or_else(|| format!("date de fin invalide : {until}"))?;
        if start.date {
            parts.push(("UNTIL".into(), d.format("%Y%m%d").to_string()));
        } else {
            let end_of_day = d.date().and_hms_opt(23, 59, 59).unwrap_or(d);
            let t = if start.utc {
                end_of_day.and_utc()
            } else {
                local_to_utc(start.zone(), end_of_day)
            };
            parts.push(("UNTIL".into(), t.format("%Y%m%dT%H%M%SZ").to_string()));
        }
    } else if let Some(count) = r.count {
        parts.push(("COUNT".into(), count.clamp(1, 9999).to_string()));
    }
    Ok(join_parts(&parts))
}

/// The rule cut so that the last occurrence starts before `before`.
fn rule_until(rule: &str, before: When, start: &Stamp) -> String {
    let mut parts: Vec<(String, String)> = rule_parts(rule)
        .into_iter()
        .filter(|(k, _)| k != "UNTIL" && k != "COUNT")
        .collect();
    let until = match before {
        When::Date(d) => When::Date(d - Duration::days(1)),
        When::At(t) => When::At(t - Duration::seconds(1)),
    };
    let v = match (until, start.date) {
        (When::Date(d), _) => d.format("%Y%m%d").to_string(),
        (When::At(t), true) => t.format("%Y%m%d").to_string(),
        (When::At(t), false) => t.format("%Y%m%dT%H%M%SZ").to_string(),
    };
    parts.push(("UNTIL".into(), v));
    join_parts(&parts)
}

// -------------------------------------------------------------- expansion

fn addresses_match(a: &str, me: &[String]) -> bool {
    me.iter().any(|m| m.eq_ignore_ascii_case(a))
}

/// An alarm's trigger relative to the event: minutes before the start.
fn alarm_before(ev: &Component) -> Option<(Duration, bool)> {
    ev.children
        .iter()
        .filter(|c| c.name == "VALARM")
        .find_map(|a| {
            let t = a.get("TRIGGER")?;
            if t.param("VALUE")
                .is_some_and(|v| v.eq_ignore_ascii_case("DATE-TIME"))
            {
                return None;
            }
            let d = parse_duration(&t.value)?;
            let end = t
                .param("RELATED")
                .is_some_and(|r| r.eq_ignore_ascii_case("END"));
            Some((d, end))
        })
}

/// Every occurrence of the object `cal` overlapping `[from, to)` (ms).
pub fn occurrences(
    cal: &Component,
    calendar: &str,
    id: &str,
    etag: Option<&str>,
    from: i64,
    to: i64,
    me: &[String],
) -> Vec<Occurrence> {
    let range_end =
        DateTime::<Utc>::from_timestamp_millis(to).unwrap_or_else(Utc::now) + Duration::days(2);
    let range_start =
        DateTime::<Utc>::from_timestamp_millis(from).unwrap_or_else(Utc::now) - Duration::days(8);
    // A bounded copy: an open rule ends after the range, and a daily or
    // weekly one that began long before starts again near it (moved by
    // whole weeks, so weekdays and the occurrences' times stay).
    let mut bounded = cal.clone();
    for ev in bounded.children.iter_mut().filter(|c| c.name == "VEVENT") {
        let Some(start) = ev.get("DTSTART").and_then(Stamp::read) else {
            continue;
        };
        if let Some(rule) = ev.get("RRULE").map(|r| rule_parts(&r.value)) {
            let freq = rule
                .iter()
                .find(|(k, _)| k == "FREQ")
                .map(|(_, v)| v.as_str());
            let interval: i64 = rule
                .iter()
                .find(|(k, _)| k == "INTERVAL")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1)
                .max(1);
            let open = !rule.iter().any(|(k, _)| k == "COUNT" || k == "BYSETPOS");
            if open && matches!(freq, Some("DAILY" | "WEEKLY")) && start.instant() < range_start {
                let step = 7 * interval;
                let k = (range_start - start.instant()).num_days() / step;
                let shift = Duration::days(k * step);
                if k > 0 {
                    let end = span(ev).map(|(_, e)| e);
                    ev.set(
                        Stamp {
                            local: start.local + shift,
                            ..start
                        }
                        .to_prop("DTSTART"),
                    );
                    if let (Some(end), true) = (end, ev.get("DTEND").is_some()) {
                        ev.set(
                            Stamp {
                                local: end.local + shift,
                                ..end
                            }
                            .to_prop("DTEND"),
                        );
                    }
                }
            }
        }
        let Some(start) = ev.get("DTSTART").and_then(Stamp::read) else {
            continue;
        };
        // calcard pairs an override with its series only when their
        // SEQUENCE match; clients bump it in one and not the other.
        ev.remove("SEQUENCE");
        // calcard reads `…Z` times in the default zone: name UTC instead.
        for p in ev.props.iter_mut() {
            if matches!(
                p.name.as_str(),
                "DTSTART" | "DTEND" | "RECURRENCE-ID" | "EXDATE" | "RDATE"
            ) && p.value.ends_with(['Z', 'z'])
            {
                p.value = p.value.replace(['Z', 'z'], "");
                p.set_param("TZID", "UTC");
            }
        }
        for rule in ev.props.iter_mut().filter(|p| p.name == "RRULE") {
            let parts = rule_parts(&rule.value);
            if parts.iter().any(|(k, _)| k == "COUNT") {
                continue;
            }
            let until = parts
                .iter()
                .find(|(k, _)| k == "UNTIL")
                .and_then(|(_, v)| When::parse_until(v, start.zone()));
            let limit = When::At(range_end);
            let later = match until {
                None => true,
                Some(When::At(t)) => t > range_end,
                Some(When::Date(d)) => d.and_time(NaiveTime::MIN).and_utc() > range_end,
            };
            if later {
                rule.value = rule_until(&rule.value, limit, &start);
            }
        }
    }
    let text = bounded.to_ics();
    let calcard::Entry::ICalendar(parsed) = calcard::Parser::new(&text).entry() else {
        return Vec::new();
    };
    let expanded = parsed.expand_dates(calcard::common::timezone::Tz::Tz(DEFAULT_TZ), EXPAND_LIMIT);
    let flat = bounded.flatten();
    let recurring = cal.is_recurring() || cal.events().any(|e| e.get("RECURRENCE-ID").is_some());
    let uid = cal.uid();
    let mut out = Vec::new();
    for e in expanded.events {
        let Some(comp) = flat.get(e.comp_id as usize) else {
            continue;
        };
        if comp.name != "VEVENT" {
            continue;
        }
        let start_prop = comp.get("DTSTART").and_then(Stamp::read);
        let all_day = start_prop.is_some_and(|s| s.date);
        let start = e.start.timestamp_millis();
        let end = match e.end {
            calcard::icalendar::dates::TimeOrDelta::Time(t) => t.timestamp_millis(),
            calcard::icalendar::dates::TimeOrDelta::Delta(d) => start + d.num_milliseconds(),
        };
        let (start, end) = if all_day {
            let s = e.start.naive_local().date();
            let days = ((end - start) as f64 / 86_400_000.0).round().max(1.0) as i64;
            let s_ms = s.and_time(NaiveTime::MIN).and_utc().timestamp_millis();
            (s_ms, s_ms + days * 86_400_000)
        } else {
            (start, end.max(start))
        };
        // All-day dates are compared with a day's margin: the range is in
        // the user's local midnights.
        let margin = if all_day { 86_400_000 } else { 0 };
        if start >= to + margin || end <= from - margin || (end == start && start < from) {
            continue;
        }
        let recurrence_id =
            recurring.then(|| match comp.get("RECURRENCE-ID").and_then(Stamp::read) {
                Some(rid) => rid.when().to_ical(),
                None if all_day => When::Date(e.start.naive_local().date()).to_ical(),
                None => When::At(e.start.with_timezone(&Utc)).to_ical(),
            });
        let alarm = alarm_before(comp)
            .map(|(d, rel_end)| if rel_end { end } else { start } + d.num_milliseconds());
        let organizer = comp
            .get("ORGANIZER")
            .map(Prop::address)
            .filter(|o| !o.is_empty() && !addresses_match(o, me));
        let attendees: Vec<&Prop> = comp.all("ATTENDEE").collect();
        let my_status = attendees
            .iter()
            .find(|a| addresses_match(&a.address(), me))
            .filter(|_| organizer.is_some())
            .map(|a| PartStat::from_ical(a.param("PARTSTAT").unwrap_or("")));
        let status = comp.text("STATUS").to_ascii_uppercase();
        out.push(Occurrence {
            calendar: calendar.to_string(),
            id: id.to_string(),
            etag: etag.map(str::to_string),
            uid: uid.clone(),
            recurrence_id,
            title: comp.text("SUMMARY"),
            location: comp.text("LOCATION"),
            start,
            end,
            all_day,
            alarm,
            organizer,
            attendees: attendees.len() as u32,
            my_status,
            cancelled: status == "CANCELLED",
            tentative: status == "TENTATIVE",
        });
    }
    out
}

// ------------------------------------------------------- events ↔ editor

/// The start and end of an event as written (`DTEND`, else `DURATION`,
/// else a day for dates and nothing for times).
fn span(ev: &Component) -> Option<(Stamp, Stamp)> {
    let start = Stamp::read(ev.get("DTSTART")?)?;
    let end = match ev.get("DTEND").and_then(Stamp::read) {
        Some(end) => end,
        None => {
            let d = ev
                .get("DURATION")
                .and_then(|p| parse_duration(&p.value))
                .unwrap_or(if start.date {
                    Duration::days(1)
                } else {
                    Duration::zero()
                });
            Stamp {
                local: start.local.checked_add_signed(d)?,
                ..start
            }
        }
    };
    Some((start, end))
}

/// The editor's fields of one `VEVENT` (its own times).
pub fn data_of(ev: &Component, master: Option<&Component>) -> Option<EventData> {
    let (start, end) = span(ev)?;
    let tz = start.zone();
    let shown = |s: &Stamp| -> NaiveDateTime {
        if s.date {
            s.local
        } else if s.utc || s.tz.is_some() && s.tz != Some(tz) {
            s.instant().with_timezone(&tz).naive_local()
        } else {
            s.local
        }
    };
    let rule_src = master.unwrap_or(ev);
    let recurrence = rule_src.get("RRULE").map(|r| {
        let mstart = rule_src
            .get("DTSTART")
            .and_then(Stamp::read)
            .unwrap_or(start);
        recurrence_of(&r.value, &mstart)
    });
    Some(EventData {
        title: ev.text("SUMMARY"),
        location: ev.text("LOCATION"),
        description: ev.text("DESCRIPTION"),
        all_day: start.date,
        start: editor_text(shown(&start), start.date),
        end: editor_text(shown(&end), start.date),
        tz: tz.name().to_string(),
        recurrence,
        alarm_minutes: alarm_before(ev)
            .filter(|(d, end)| !end && d.num_seconds() <= 0)
            .map(|(d, _)| (-d.num_minutes()) as u32),
        attendees: ev
            .all("ATTENDEE")
            .map(|a| Attendee {
                email: a.address(),
                name: a.param("CN").unwrap_or("").to_string(),
                status: PartStat::from_ical(a.param("PARTSTAT").unwrap_or("")),
            })
            .collect(),
        organizer: ev.get("ORGANIZER").map(Prop::address),
    })
}

/// The fields of the occurrence `rid` of a series (an overridden one as
/// stored; another one is the series moved to that date).
pub fn occurrence_data(cal: &Component, rid: Option<When>) -> Option<EventData> {
    let master = cal.master()?;
    let Some(rid) = rid else {
        return data_of(master, None);
    };
    if let Some(ov) = find_override(cal, rid) {
        return data_of(ov, Some(master));
    }
    let mut data = data_of(master, None)?;
    let (start, end) = span(master)?;
    let occ = start.like(rid);
    let shift = occ.local - start.local;
    let moved = |s: &Stamp| {
        let t = if s.date {
            s.local
        } else {
            start
                .zone()
                .from_utc_datetime(&s.instant().naive_utc())
                .naive_local()
        };
        editor_text(t + shift, s.date)
    };
    data.start = moved(&start);
    data.end = moved(&end);
    Some(data)
}

fn find_override(cal: &Component, rid: When) -> Option<&Component> {
    cal.events().find(|e| {
        e.get("RECURRENCE-ID")
            .and_then(Stamp::read)
            .is_some_and(|s| s.when() == rid)
    })
}

/// Checks the editor's fields; the problem in French when they are wrong.
pub fn check(data: &EventData) -> Result<(Stamp, Stamp), String> {
    if data.title.trim().is_empty() {
        return Err("le titre est obligatoire".into());
    }
    if data.title.chars().count() > 500 || data.location.chars().count() > 500 {
        return Err("le titre ou le lieu est trop long".into());
    }
    if data.description.len() > 100_000 {
        return Err("la description est trop longue".into());
    }
    let tz = if data.all_day {
        None
    } else {
        Some(zone(&data.tz).ok_or_else(|| format!("fuseau horaire inconnu : {}", data.tz))?)
    };
    let start = parse_editor(&data.start, data.all_day).ok_or("la date de début est invalide")?;
    let end = parse_editor(&data.end, data.all_day).ok_or("la date de fin est invalide")?;
    if end < start || data.all_day && end == start {
        return Err("la fin doit venir après le début".into());
    }
    let stamp = |local| Stamp {
        local,
        tz,
        utc: false,
        date: data.all_day,
    };
    for a in &data.attendees {
        if !shared::compose::valid_email(&a.email) {
            return Err(format!("adresse de participant invalide : {}", a.email));
        }
    }
    Ok((stamp(start), stamp(end)))
}

fn attendee_prop(a: &Attendee, existing: Option<&Prop>) -> Prop {
    let mut p = existing.cloned().unwrap_or_else(|| {
        Prop::new("ATTENDEE", format!("mailto:{}", a.email))
            .with_param("CUTYPE", "INDIVIDUAL")
            .with_param("ROLE", "REQ-PARTICIPANT")
            .with_param("RSVP", "TRUE")
    });
    if !a.name.trim().is_empty() {
        p.set_param("CN", a.name.trim());
    }
    p.set_param("PARTSTAT", a.status.as_ical());
    p
}

/// Writes the editor's fields into `ev` (properties it does not edit
/// stay). `organizer` is the user, set when there are attendees. The
/// rule is not touched here (see [`apply_rule`]).
pub fn apply(
    ev: &mut Component,
    data: &EventData,
    start: &Stamp,
    end: &Stamp,
    organizer: (&str, &str),
) {
    ev.set_text("SUMMARY", data.title.trim());
    ev.set_text("LOCATION", data.location.trim());
    ev.set_text("DESCRIPTION", &data.description);
    let old = span(ev);
    let moved = old.is_none_or(|(s, e)| s != *start || e != *end);
    ev.set(start.to_prop("DTSTART"));
    ev.remove("DURATION");
    ev.set(end.to_prop("DTEND"));
    // Alarms: ours is the first display alarm before the start.
    let ours = ev.children.iter().position(|c| c.name == "VALARM");
    match (data.alarm_minutes, ours) {
        (Some(m), Some(i)) => {
            let trigger = Prop::new("TRIGGER", format_duration(Duration::minutes(-i64::from(m))));
            ev.children[i].set(trigger);
        }
        (Some(m), None) => {
            let mut a = Component::new("VALARM");
            a.props.push(Prop::new("ACTION", "DISPLAY"));
            a.props
                .push(Prop::text_prop("DESCRIPTION", data.title.trim()));
            a.props.push(Prop::new(
                "TRIGGER",
                format_duration(Duration::minutes(-i64::from(m))),
            ));
            ev.children.push(a);
        }
        (None, Some(i)) => {
            ev.children.remove(i);
        }
        (None, None) => {}
    }
    // Attendees: kept with their parameters; new ones added; removed ones go.
    let old_attendees: Vec<Prop> = ev.all("ATTENDEE").cloned().collect();
    ev.remove("ATTENDEE");
    if !data.attendees.is_empty() {
        if ev.get("ORGANIZER").is_none() {
            let mut o = Prop::new("ORGANIZER", format!("mailto:{}", organizer.0));
            if !organizer.1.is_empty() {
                o.set_param("CN", organizer.1);
            }
            ev.props.push(o);
        }
        let org = ev.get("ORGANIZER").map(Prop::address).unwrap_or_default();
        let mut seen: Vec<String> = Vec::new();
        for a in &data.attendees {
            let email = a.email.trim().to_ascii_lowercase();
            if seen.contains(&email) {
                continue;
            }
            seen.push(email.clone());
            let existing = old_attendees.iter().find(|p| p.address() == email);
            let mut a = a.clone();
            a.email = email;
            // The organiser's own line says they come.
            if a.email == org {
                a.status = PartStat::Accepted;
            }
            ev.props.push(attendee_prop(&a, existing));
        }
    } else {
        ev.remove("ORGANIZER");
    }
    let seq: u32 = ev.text("SEQUENCE").trim().parse().unwrap_or(0);
    if moved && (ev.get("SEQUENCE").is_some() || !data.attendees.is_empty()) {
        ev.set(Prop::new("SEQUENCE", (seq + 1).to_string()));
    }
    let now = now_stamp();
    ev.set(Prop::new("DTSTAMP", now.clone()));
    ev.set(Prop::new("LAST-MODIFIED", now));
}

/// Sets or removes the series' rule from the editor's recurrence (an
/// unchanged `other` keeps the stored rule).
pub fn apply_rule(ev: &mut Component, r: Option<&Recurrence>, start: &Stamp) -> Result<(), String> {
    match r {
        None => {
            ev.remove("RRULE");
            ev.remove("EXDATE");
            ev.remove("RDATE");
        }
        Some(r) => {
            if let Some(other) = &r.other
                && ev.get("RRULE").is_some_and(|p| &p.value == other)
            {
                return Ok(());
            }
            // The same rule as stored (its UNTIL may be at any time of
            // day, which the editor shows as a date): kept as it is.
            let stored = ev.get("DTSTART").and_then(Stamp::read);
            if let (Some(rule), Some(st)) = (ev.get("RRULE"), stored)
                && st.date == start.date
                && recurrence_of(&rule.value, &st) == *r
            {
                return Ok(());
            }
            ev.set(Prop::new("RRULE", rule_for(r, start)?));
        }
    }
    Ok(())
}

/// A new calendar object for the editor's fields.
pub fn new_object(
    uid: &str,
    data: &EventData,
    organizer: (&str, &str),
) -> Result<Component, String> {
    let (start, end) = check(data)?;
    let mut ev = Component::new("VEVENT");
    ev.props.push(Prop::text_prop("UID", uid));
    ev.props.push(Prop::new("CREATED", now_stamp()));
    apply(&mut ev, data, &start, &end, organizer);
    apply_rule(&mut ev, data.recurrence.as_ref(), &start)?;
    ev.set(Prop::new("SEQUENCE", "0"));
    let mut cal = Component::new("VCALENDAR");
    cal.props.push(Prop::new("VERSION", "2.0"));
    cal.props.push(Prop::new("PRODID", PRODID));
    cal.children.push(ev);
    add_timezones(&mut cal);
    Ok(cal)
}

/// Changes the whole series (or the single event) from the fields of the
/// occurrence `rid`: a new time moves every occurrence by the same amount.
pub fn change_all(
    cal: &mut Component,
    rid: Option<When>,
    data: &EventData,
    organizer: (&str, &str),
) -> Result<(), String> {
    let (start, end) = check(data)?;
    let recurring = cal.is_recurring();
    let master = cal.master_mut().ok_or("événement vide")?;
    let (mstart, _) = span(master).ok_or("événement sans date")?;
    let (start, end) = match rid.filter(|_| recurring) {
        Some(rid) if start.date == mstart.date => {
            // Move the series by what the occurrence moved.
            let occ = mstart.like(rid);
            let occ_local = if occ.date {
                occ.local
            } else {
                occ.instant().with_timezone(&start.zone()).naive_local()
            };
            let delta = start.local - occ_local;
            let base = if mstart.date {
                mstart.local
            } else {
                mstart.instant().with_timezone(&start.zone()).naive_local()
            };
            let new_start = Stamp {
                local: base + delta,
                ..start
            };
            let new_end = Stamp {
                local: base + delta + (end.local - start.local),
                ..end
            };
            (new_start, new_end)
        }
        _ => (start, end),
    };
    // How far the series moved, on the wall clock of its (new) zone.
    let zone = start.zone();
    let old_base = if mstart.date {
        mstart.local
    } else {
        mstart.instant().with_timezone(&zone).naive_local()
    };
    let shift = start.local - old_base;
    let moved = |w: When| -> When {
        match w {
            When::Date(d) => When::Date(d + Duration::days(shift.num_days())),
            When::At(t) => When::At(local_to_utc(
                zone,
                t.with_timezone(&zone).naive_local() + shift,
            )),
        }
    };
    // All day ↔ timed: overrides and exceptions no longer name occurrences.
    let changed_form = mstart.date != start.date;
    apply(master, data, &start, &end, organizer);
    apply_rule(master, data.recurrence.as_ref(), &start)?;
    // Exceptions move with the series, in its new form.
    let exdates: Vec<Prop> = master.all("EXDATE").cloned().collect();
    master.remove("EXDATE");
    if !changed_form {
        for ex in exdates {
            for v in ex.value.split(',') {
                let mut p = ex.clone();
                p.value = v.to_string();
                if let Some(s) = Stamp::read(&p) {
                    master
                        .props
                        .push(start.like(moved(s.when())).to_prop("EXDATE"));
                }
            }
        }
    }
    if changed_form {
        cal.children
            .retain(|c| c.name != "VEVENT" || c.get("RECURRENCE-ID").is_none());
    } else {
        // Overrides keep naming the occurrences they change.
        for ov in cal.children.iter_mut().filter(|c| c.name == "VEVENT") {
            if let Some(rid) = ov.get("RECURRENCE-ID").and_then(Stamp::read) {
                ov.set(start.like(moved(rid.when())).to_prop("RECURRENCE-ID"));
            }
        }
    }
    add_timezones(cal);
    Ok(())
}

/// Changes only the occurrence `rid` (an override with `RECURRENCE-ID`).
pub fn change_this(
    cal: &mut Component,
    rid: When,
    data: &EventData,
    organizer: (&str, &str),
) -> Result<(), String> {
    let (start, end) = check(data)?;
    let master = cal.master().ok_or("événement vide")?.clone();
    let (mstart, _) = span(&master).ok_or("événement sans date")?;
    let data = EventData {
        recurrence: None,
        ..data.clone()
    };
    match cal.children.iter_mut().find(|e| {
        e.name == "VEVENT"
            && e.get("RECURRENCE-ID")
                .and_then(Stamp::read)
                .is_some_and(|s| s.when() == rid)
    }) {
        Some(ov) => apply(ov, &data, &start, &end, organizer),
        None => {
            let mut ov = Component::new("VEVENT");
            // The series' properties the editor does not show come along.
            for p in &master.props {
                if !matches!(
                    p.name.as_str(),
                    "RRULE" | "EXDATE" | "RDATE" | "DTSTART" | "DTEND" | "DURATION"
                ) {
                    ov.props.push(p.clone());
                }
            }
            ov.children = master.children.clone();
            ov.props.push(mstart.like(rid).to_prop("RECURRENCE-ID"));
            apply(&mut ov, &data, &start, &end, organizer);
            cal.children.push(ov);
        }
    }
    add_timezones(cal);
    Ok(())
}

/// Ends the series before `rid`; returns the object for `rid` and after
/// (a new UID), built from the editor's fields, or `None` to delete.
pub fn split_following(
    cal: &mut Component,
    rid: When,
    new_uid: &str,
    data: Option<&EventData>,
    organizer: (&str, &str),
) -> Result<Option<Component>, String> {
    let master = cal.master_mut().ok_or("événement vide")?;
    let (mstart, _) = span(master).ok_or("événement sans date")?;
    let rule = master
        .get("RRULE")
        .map(|p| p.value.clone())
        .ok_or("l'événement ne se répète pas")?;
    // What the old series had from `rid` on: its exceptions (carried to
    // the new series when it keeps the same times) and, for a rule with
    // COUNT, how many occurrences came before.
    let before = {
        let copy = Component {
            children: cal
                .children
                .iter()
                .filter(|c| c.name != "VEVENT" || c.get("RECURRENCE-ID").is_none())
                .cloned()
                .collect(),
            ..cal.clone()
        };
        let until = match rid {
            When::Date(d) => d.and_time(NaiveTime::MIN).and_utc(),
            When::At(t) => t,
        };
        occurrences(
            &copy,
            "",
            "",
            None,
            mstart.instant().timestamp_millis() - 86_400_000,
            until.timestamp_millis(),
            &[],
        )
        .iter()
        .filter(|o| o.start < until.timestamp_millis())
        .count() as u32
    };
    let master = cal.master_mut().ok_or("événement vide")?;
    let later_exdates: Vec<When> = master
        .all("EXDATE")
        .flat_map(|p| {
            p.value
                .split(',')
                .filter_map(|v| {
                    Stamp::read(&Prop {
                        value: v.to_string(),
                        ..p.clone()
                    })
                    .map(|s| s.when())
                })
                .collect::<Vec<_>>()
        })
        .filter(|w| *w > rid)
        .collect();
    master.set(Prop::new("RRULE", rule_until(&rule, rid, &mstart)));
    let cut = |s: Stamp| s.when() >= rid;
    // Overrides from `rid` on leave the old series (and join the new one
    // when it keeps the same times).
    let (later, kept): (Vec<Component>, Vec<Component>) = std::mem::take(&mut cal.children)
        .into_iter()
        .partition(|c| {
            c.name == "VEVENT"
                && c.get("RECURRENCE-ID")
                    .and_then(Stamp::read)
                    .is_some_and(cut)
        });
    cal.children = kept;
    let Some(data) = data else {
        return Ok(None);
    };
    // The new series counts what is left of the old one.
    let mut data = data.clone();
    let old_count = rule_parts(&rule)
        .iter()
        .find(|(k, _)| k == "COUNT")
        .and_then(|(_, v)| v.parse::<u32>().ok());
    if let (Some(r), Some(old)) = (data.recurrence.as_mut(), old_count)
        && r.count == Some(old)
    {
        r.count = Some(old.saturating_sub(before).max(1));
    }
    let mut next = new_object(new_uid, &data, organizer)?;
    if let Some(dst) = next.master_mut() {
        let (nstart, _) = span(dst).ok_or("événement sans date")?;
        if nstart.when() == rid || nstart.date && When::Date(nstart.local.date()) == rid {
            for w in later_exdates {
                dst.props.push(nstart.like(w).to_prop("EXDATE"));
            }
            for mut ov in later.into_iter().filter(|c| {
                c.get("RECURRENCE-ID")
                    .and_then(Stamp::read)
                    .is_some_and(|r| r.when() != rid)
            }) {
                ov.set(Prop::text_prop("UID", new_uid));
                next.children.push(ov);
            }
        }
    }
    // Keep the series' other properties (categories, X- …).
    if let (Some(src), Some(dst)) = (cal.master(), next.master_mut()) {
        for p in &src.props {
            if dst.get(&p.name).is_none()
                && !matches!(
                    p.name.as_str(),
                    "RRULE"
                        | "EXDATE"
                        | "RDATE"
                        | "RECURRENCE-ID"
                        | "DURATION"
                        | "ATTENDEE"
                        | "ORGANIZER"
                )
            {
                dst.props.push(p.clone());
            }
        }
    }
    Ok(Some(next))
}

/// Removes the occurrence `rid` (an `EXDATE`; its override goes).
pub fn delete_this(cal: &mut Component, rid: When) -> Result<(), String> {
    cal.children.retain(|c| {
        c.name != "VEVENT"
            || c.get("RECURRENCE-ID")
                .and_then(Stamp::read)
                .is_none_or(|s| s.when() != rid)
    });
    let master = cal.master_mut().ok_or("événement vide")?;
    let (mstart, _) = span(master).ok_or("événement sans date")?;
    master.props.push(mstart.like(rid).to_prop("EXDATE"));
    master.set(Prop::new("DTSTAMP", now_stamp()));
    Ok(())
}

// -------------------------------------------------------------- time zones

/// Adds a `VTIMEZONE` for every `TZID` the events use that has none.
pub fn add_timezones(cal: &mut Component) {
    let mut needed: Vec<(Tz, i32)> = Vec::new();
    for c in cal.flatten() {
        for p in &c.props {
            if let (Some(name), Some(s)) = (p.param("TZID"), Stamp::read(p))
                && let Some(tz) = zone(name)
                && !needed.iter().any(|(t, _)| *t == tz)
            {
                needed.push((tz, s.local.year()));
            }
        }
    }
    let have: Vec<String> = cal
        .children
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .map(|c| c.text("TZID"))
        .collect();
    for (tz, year) in needed {
        if have.iter().any(|h| h == tz.name()) {
            continue;
        }
        let at = cal
            .children
            .iter()
            .position(|c| c.name != "VTIMEZONE")
            .unwrap_or(0);
        cal.children.insert(at, vtimezone(tz, year));
    }
}

fn offset_secs(tz: Tz, t: NaiveDateTime) -> (i32, bool, String) {
    let o = tz.offset_from_utc_datetime(&t);
    let dst = !o.dst_offset().is_zero();
    let name = o.abbreviation().unwrap_or("").to_string();
    (o.fix().local_minus_utc(), dst, name)
}

fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let s = secs.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// A `VTIMEZONE` for `tz` with its transitions from the year before
/// `year` to ten years after, as `RDATE`s (no rule to get wrong).
pub fn vtimezone(tz: Tz, year: i32) -> Component {
    let mut vtz = Component::new("VTIMEZONE");
    vtz.props.push(Prop::new("TZID", tz.name()));
    // (utc instant, offset before, offset after, dst after, name after)
    let mut transitions: Vec<(NaiveDateTime, i32, i32, bool, String)> = Vec::new();
    let first = NaiveDate::from_ymd_opt(year - 1, 1, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN);
    let last = NaiveDate::from_ymd_opt(year + 10, 12, 31)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN);
    let mut t = first;
    let mut cur = offset_secs(tz, t);
    let initial = cur.clone();
    while t < last {
        let next = t + Duration::days(1);
        let o = offset_secs(tz, next);
        if o.0 != cur.0 || o.1 != cur.1 {
            // Narrow down to the minute.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::minutes(1) {
                let mid = lo + Duration::minutes((hi - lo).num_minutes() / 2);
                if offset_secs(tz, mid).0 == cur.0 && offset_secs(tz, mid).1 == cur.1 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            transitions.push((hi, cur.0, o.0, o.1, o.2.clone()));
            cur = o;
        }
        t = next;
    }
    if transitions.is_empty() {
        let mut std = Component::new("STANDARD");
        std.props.push(Prop::new("DTSTART", "19700101T000000"));
        std.props
            .push(Prop::new("TZOFFSETFROM", format_offset(initial.0)));
        std.props
            .push(Prop::new("TZOFFSETTO", format_offset(initial.0)));
        if !initial.2.is_empty() {
            std.props.push(Prop::text_prop("TZNAME", &initial.2));
        }
        vtz.children.push(std);
        return vtz;
    }
    for dst in [false, true] {
        let mine: Vec<_> = transitions.iter().filter(|t| t.3 == dst).collect();
        let Some(head) = mine.first() else {
            continue;
        };
        let mut c = Component::new(if dst { "DAYLIGHT" } else { "STANDARD" });
        let local = |t: &(NaiveDateTime, i32, i32, bool, String)| {
            (t.0 + Duration::seconds(i64::from(t.1)))
                .format("%Y%m%dT%H%M%S")
                .to_string()
        };
        c.props.push(Prop::new("DTSTART", local(head)));
        c.props
            .push(Prop::new("TZOFFSETFROM", format_offset(head.1)));
        c.props.push(Prop::new("TZOFFSETTO", format_offset(head.2)));
        if !head.4.is_empty() {
            c.props.push(Prop::text_prop("TZNAME", &head.4));
        }
        let rdates: Vec<String> = mine
            .iter()
            .skip(1)
            .filter(|t| t.1 == head.1 && t.2 == head.2)
            .map(|t| local(t))
            .collect();
        if !rdates.is_empty() {
            c.props.push(Prop::new("RDATE", rdates.join(",")));
        }
        vtz.children.push(c);
    }
    vtz
}

// ---------------------------------------------------------------- iMIP

/// The message body for attendees: the object with `METHOD`, without the
/// organiser's alarms.
pub fn itip(cal: &Component, method: &str) -> Component {
    let mut out = cal.clone();
    out.remove("METHOD");
    let at = out
        .props
        .iter()
        .position(|p| p.name == "PRODID")
        .map_or(0, |i| i + 1);
    out.props.insert(at, Prop::new("METHOD", method));
    for ev in out.children.iter_mut().filter(|c| c.name == "VEVENT") {
        ev.children.retain(|c| c.name != "VALARM");
        if ev.get("DTSTAMP").is_none() {
            ev.props.push(Prop::new("DTSTAMP", now_stamp()));
        }
    }
    out
}

/// A cancellation of the series (or of the occurrence `rid`).
pub fn cancel(cal: &Component, rid: Option<When>) -> Option<Component> {
    let master = cal.master()?;
    let mut ev = Component::new("VEVENT");
    for name in [
        "UID",
        "ORGANIZER",
        "SUMMARY",
        "LOCATION",
        "DTSTART",
        "DTEND",
    ] {
        if let Some(p) = master.get(name) {
            ev.props.push(p.clone());
        }
    }
    ev.props.extend(master.all("ATTENDEE").cloned());
    let seq: u32 = master.text("SEQUENCE").trim().parse().unwrap_or(0);
    ev.props.push(Prop::new("SEQUENCE", (seq + 1).to_string()));
    ev.props.push(Prop::new("DTSTAMP", now_stamp()));
    ev.props.push(Prop::new("STATUS", "CANCELLED"));
    if let Some(rid) = rid {
        let (mstart, _) = span(master)?;
        ev.props.push(mstart.like(rid).to_prop("RECURRENCE-ID"));
    }
    let mut out = Component::new("VCALENDAR");
    out.props.push(Prop::new("VERSION", "2.0"));
    out.props.push(Prop::new("PRODID", PRODID));
    out.props.push(Prop::new("METHOD", "CANCEL"));
    out.children.extend(
        cal.children
            .iter()
            .filter(|c| c.name == "VTIMEZONE")
            .cloned(),
    );
    out.children.push(ev);
    Some(out)
}

/// An attendee's reply (`METHOD:REPLY`) with their `PARTSTAT`.
pub fn reply(cal: &Component, me: &str, status: PartStat) -> Option<Component> {
    let mut out = Component::new("VCALENDAR");
    out.props.push(Prop::new("VERSION", "2.0"));
    out.props.push(Prop::new("PRODID", PRODID));
    out.props.push(Prop::new("METHOD", "REPLY"));
    out.children.extend(
        cal.children
            .iter()
            .filter(|c| c.name == "VTIMEZONE")
            .cloned(),
    );
    for src in cal.events() {
        let mut ev = Component::new("VEVENT");
        for name in [
            "UID",
            "RECURRENCE-ID",
            "SEQUENCE",
            "ORGANIZER",
            "SUMMARY",
            "DTSTART",
            "DTEND",
            "DURATION",
        ] {
            if let Some(p) = src.get(name) {
                ev.props.push(p.clone());
            }
        }
        let mut a = src
            .all("ATTENDEE")
            .find(|a| a.address().eq_ignore_ascii_case(me))
            .cloned()
            .unwrap_or_else(|| Prop::new("ATTENDEE", format!("mailto:{me}")));
        a.set_param("PARTSTAT", status.as_ical());
        a.remove_param("RSVP");
        ev.props.push(a);
        ev.props.push(Prop::new("DTSTAMP", now_stamp()));
        out.children.push(ev);
    }
    out.children
        .iter()
        .any(|c| c.name == "VEVENT")
        .then_some(out)
}

/// Sets `who`'s `PARTSTAT` in every event of `cal` (or only in the
/// occurrence `rid`); true when something changed.
pub fn set_partstat(cal: &mut Component, who: &str, status: PartStat, rid: Option<When>) -> bool {
    let mut changed = false;
    for ev in cal.children.iter_mut().filter(|c| c.name == "VEVENT") {
        let this = ev
            .get("RECURRENCE-ID")
            .and_then(Stamp::read)
            .map(|s| s.when());
        if rid.is_some() && this != rid {
            continue;
        }
        for a in ev.props.iter_mut().filter(|p| p.name == "ATTENDEE") {
            if a.address().eq_ignore_ascii_case(who)
                && a.param("PARTSTAT") != Some(status.as_ical())
            {
                a.set_param("PARTSTAT", status.as_ical());
                a.remove_param("RSVP");
                changed = true;
            }
        }
    }
    changed
}

/// The `SEQUENCE` of the main event.
pub fn sequence(cal: &Component) -> u32 {
    cal.master()
        .map_or(0, |m| m.text("SEQUENCE").trim().parse().unwrap_or(0))
}

/// The first occurrence's instants (ms) and whether it is all day.
pub fn first_span(cal: &Component) -> Option<(i64, i64, bool)> {
    let (s, e) = span(cal.master()?)?;
    Some((
        s.instant().timestamp_millis(),
        e.instant().timestamp_millis(),
        s.date,
    ))
}

/// A file name for a new object from its UID (URL-safe).
pub fn object_name(uid: &str) -> String {
    let clean: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(120)
        .collect();
    format!("{}.ics", clean.trim_matches('.'))
}

#[cfg(test)]
mod tests;
