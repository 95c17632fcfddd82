use super::*;
use shared::calendar::{Attendee, EventData, Frequency, MonthlyBy, PartStat, Recurrence};

const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nX-WR-CALNAME:Perso\r\n\
BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTAMP:20261101T100000Z\r\nSUMMARY:Réunion d'équipe\\, salle 12\r\n\
DTSTART;TZID=Europe/Paris:20261013T173000\r\nDTEND;TZID=Europe/Paris:20261013T183000\r\n\
RRULE:FREQ=WEEKLY;BYDAY=TU\r\nEXDATE;TZID=Europe/Paris:20261110T173000\r\nX-PHONE-COLOR:blue\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:r\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:weekly-1\r\nRECURRENCE-ID;TZID=Europe/Paris:20261117T173000\r\nDTSTAMP:20261101T100000Z\r\n\
SUMMARY:Réunion d'équipe (déplacée)\r\nDTSTART;TZID=Europe/Paris:20261118T100000\r\nDTEND;TZID=Europe/Paris:20261118T110000\r\n\
END:VEVENT\r\nX-UNKNOWN-THING:kept\r\nEND:VCALENDAR\r\n";

fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

fn me() -> Vec<String> {
    vec!["alice@ac-demo.fr".into()]
}

fn data(title: &str, start: &str, end: &str) -> EventData {
    EventData {
        title: title.into(),
        start: start.into(),
        end: end.into(),
        tz: "Europe/Paris".into(),
        ..Default::default()
    }
}

#[test]
fn round_trip_keeps_unknown_things() {
    let cal = parse(WEEKLY.as_bytes()).unwrap();
    let text = cal.to_ics();
    assert!(text.contains("X-PHONE-COLOR:blue"));
    assert!(text.contains("X-UNKNOWN-THING:kept"));
    assert!(text.contains("SUMMARY:Réunion d'équipe\\, salle 12"));
    assert_eq!(parse(text.as_bytes()).unwrap(), cal);
    assert_eq!(
        cal.master().unwrap().text("SUMMARY"),
        "Réunion d'équipe, salle 12"
    );
    assert!(parse(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n").is_err());
    assert!(parse(b"hello").is_err());
}

#[test]
fn quoted_params_and_folding() {
    let p = parse_line(
        "ATTENDEE;CN=\"Dupont; Sophie\";PARTSTAT=ACCEPTED:mailto:Sophie.Dupont@ac-demo.fr",
    )
    .unwrap();
    assert_eq!(p.param("CN"), Some("Dupont; Sophie"));
    assert_eq!(p.address(), "sophie.dupont@ac-demo.fr");
    let line = p.to_line();
    assert!(line.contains("CN=\"Dupont; Sophie\""));
    let long = Prop::text_prop("DESCRIPTION", &"é".repeat(200));
    let folded = fold(&long.to_line());
    assert!(folded.lines().all(|l| l.len() <= 75));
}

#[test]
fn weekly_series_with_exception_and_override() {
    let cal = parse(WEEKLY.as_bytes()).unwrap();
    let occ = occurrences(
        &cal,
        "/alice/agenda/",
        "weekly-1.ics",
        Some("\"e1\""),
        ms("2026-11-01T00:00:00+01:00"),
        ms("2026-12-01T00:00:00+01:00"),
        &me(),
    );
    let starts: Vec<i64> = occ.iter().map(|o| o.start).collect();
    // 3, (10 excluded), 17 moved to 18 at 10:00, 24 November.
    assert_eq!(
        starts,
        vec![
            ms("2026-11-03T17:30:00+01:00"),
            ms("2026-11-18T10:00:00+01:00"),
            ms("2026-11-24T17:30:00+01:00")
        ],
        "{occ:#?}"
    );
    assert_eq!(occ[1].title, "Réunion d'équipe (déplacée)");
    assert_eq!(occ[1].recurrence_id.as_deref(), Some("20261117T163000Z"));
    assert_eq!(occ[0].recurrence_id.as_deref(), Some("20261103T163000Z"));
    assert_eq!(occ[0].alarm, Some(ms("2026-11-03T17:15:00+01:00")));
    assert_eq!(occ[0].end - occ[0].start, 3_600_000);
    // Summer time: 17:30 in Paris is 15:30 UTC in October.
    let oct = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-10-12T00:00:00Z"),
        ms("2026-10-14T00:00:00Z"),
        &me(),
    );
    assert_eq!(oct.len(), 1);
    assert_eq!(oct[0].start, ms("2026-10-13T15:30:00Z"));
}

#[test]
fn open_rules_cost_the_range_only() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\nSUMMARY:Tous les jours\r\nDTSTART:20000101T080000Z\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = parse(text.as_bytes()).unwrap();
    let t = std::time::Instant::now();
    let occ = occurrences(
        &cal,
        "c",
        "d.ics",
        None,
        ms("2040-03-01T00:00:00Z"),
        ms("2040-04-01T00:00:00Z"),
        &me(),
    );
    assert_eq!(occ.len(), 31);
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(occ[0].start, ms("2040-03-01T08:00:00Z"));
}

#[test]
fn all_day_events() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Vacances\r\nDTSTART;VALUE=DATE:20261219\r\nDTEND;VALUE=DATE:20270104\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = parse(text.as_bytes()).unwrap();
    let occ = occurrences(
        &cal,
        "c",
        "a.ics",
        None,
        ms("2026-12-01T00:00:00+01:00"),
        ms("2027-01-01T00:00:00+01:00"),
        &me(),
    );
    assert_eq!(occ.len(), 1);
    assert!(occ[0].all_day);
    assert_eq!(occ[0].start, ms("2026-12-19T00:00:00Z"));
    assert_eq!(occ[0].end, ms("2027-01-04T00:00:00Z"));
    let d = occurrence_data(&cal, None).unwrap();
    assert_eq!(
        (d.start.as_str(), d.end.as_str(), d.all_day),
        ("2026-12-19", "2027-01-04", true)
    );
}

#[test]
fn editing_one_occurrence_writes_a_recurrence_id() {
    let mut cal = parse(WEEKLY.as_bytes()).unwrap();
    let rid = When::parse("20261124T163000Z").unwrap();
    let d = occurrence_data(&cal, Some(rid)).unwrap();
    assert_eq!(d.start, "2026-11-24T17:30");
    assert_eq!(d.end, "2026-11-24T18:30");
    assert_eq!(d.alarm_minutes, Some(15));
    assert_eq!(
        d.recurrence.as_ref().map(|r| r.weekdays.clone()),
        Some(vec![1])
    );
    let mut changed = d.clone();
    changed.start = "2026-11-24T18:00".into();
    changed.end = "2026-11-24T19:00".into();
    change_this(&mut cal, rid, &changed, ("alice@ac-demo.fr", "Alice")).unwrap();
    let text = cal.to_ics();
    assert!(
        text.contains("RECURRENCE-ID;TZID=Europe/Paris:20261124T173000"),
        "{text}"
    );
    assert!(text.contains("BEGIN:VTIMEZONE"));
    let occ = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-24T00:00:00Z"),
        ms("2026-11-25T00:00:00Z"),
        &me(),
    );
    assert_eq!(occ.len(), 1);
    assert_eq!(occ[0].start, ms("2026-11-24T18:00:00+01:00"));
    // Deleting another occurrence adds an EXDATE in the same form.
    delete_this(&mut cal, When::parse("20261201T163000Z").unwrap()).unwrap();
    assert!(
        cal.to_ics()
            .contains("EXDATE;TZID=Europe/Paris:20261201T173000")
    );
    let dec = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-12-01T00:00:00Z"),
        ms("2026-12-02T00:00:00Z"),
        &me(),
    );
    assert!(dec.is_empty());
}

#[test]
fn this_and_following_splits_the_series() {
    let mut cal = parse(WEEKLY.as_bytes()).unwrap();
    let rid = When::parse("20261201T163000Z").unwrap();
    let mut d = occurrence_data(&cal, Some(rid)).unwrap();
    d.start = "2026-12-01T18:00".into();
    d.end = "2026-12-01T19:00".into();
    let next = split_following(
        &mut cal,
        rid,
        "weekly-2",
        Some(&d),
        ("alice@ac-demo.fr", ""),
    )
    .unwrap()
    .unwrap();
    let rule = cal.master().unwrap().get("RRULE").unwrap().value.clone();
    assert_eq!(rule, "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T162959Z");
    let old = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-20T00:00:00Z"),
        ms("2027-01-01T00:00:00Z"),
        &me(),
    );
    assert_eq!(old.len(), 1, "{old:#?}");
    let new = occurrences(
        &next,
        "c",
        "j",
        None,
        ms("2026-11-20T00:00:00Z"),
        ms("2026-12-16T00:00:00Z"),
        &me(),
    );
    assert_eq!(
        new.iter().map(|o| o.start).collect::<Vec<_>>(),
        vec![
            ms("2026-12-01T18:00:00+01:00"),
            ms("2026-12-08T18:00:00+01:00"),
            ms("2026-12-15T18:00:00+01:00")
        ]
    );
    assert_eq!(next.uid(), "weekly-2");
    assert!(next.to_ics().contains("X-PHONE-COLOR:blue"));
}

#[test]
fn changing_the_whole_series_moves_it() {
    let mut cal = parse(WEEKLY.as_bytes()).unwrap();
    let rid = When::parse("20261124T163000Z").unwrap();
    let mut d = occurrence_data(&cal, Some(rid)).unwrap();
    // One hour later, every week; a new title.
    d.start = "2026-11-24T18:30".into();
    d.end = "2026-11-24T19:30".into();
    d.title = "Équipe".into();
    change_all(&mut cal, Some(rid), &d, ("alice@ac-demo.fr", "")).unwrap();
    let m = cal.master().unwrap();
    assert_eq!(m.get("DTSTART").unwrap().value, "20261013T183000");
    assert_eq!(m.text("SUMMARY"), "Équipe");
    assert_eq!(m.get("EXDATE").unwrap().value, "20261110T183000");
    let occ = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-01T00:00:00Z"),
        ms("2026-11-09T00:00:00Z"),
        &me(),
    );
    assert_eq!(occ[0].start, ms("2026-11-03T18:30:00+01:00"));
}

#[test]
fn recurrence_mapping() {
    let start = Stamp {
        local: NaiveDate::from_ymd_opt(2026, 12, 15)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap(),
        tz: Some(DEFAULT_TZ),
        utc: false,
        date: false,
    };
    let r = recurrence_of("FREQ=MONTHLY;BYDAY=3TU;COUNT=5", &start);
    assert_eq!(
        (r.freq, r.monthly_by, r.count, r.other.clone()),
        (Frequency::Monthly, MonthlyBy::Weekday, Some(5), None)
    );
    assert_eq!(
        rule_for(&r, &start).unwrap(),
        "FREQ=MONTHLY;BYDAY=3TU;COUNT=5"
    );
    let r = Recurrence {
        freq: Frequency::Weekly,
        interval: 2,
        weekdays: vec![3, 0],
        until: Some("2027-06-30".into()),
        ..Default::default()
    };
    assert_eq!(
        rule_for(&r, &start).unwrap(),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270630T215959Z"
    );
    let back = recurrence_of(&rule_for(&r, &start).unwrap(), &start);
    assert_eq!(back.until.as_deref(), Some("2027-06-30"));
    assert_eq!(back.weekdays, vec![0, 3]);
    let odd = recurrence_of("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1", &start);
    assert!(odd.other.is_some());
}

#[test]
fn new_events_and_checks() {
    let mut d = data("Conseil de classe", "2026-12-01T18:00", "2026-12-01T19:30");
    d.attendees = vec![Attendee {
        email: "bob@ac-demo.fr".into(),
        name: "Bob".into(),
        status: PartStat::NeedsAction,
    }];
    d.alarm_minutes = Some(10);
    d.recurrence = Some(Recurrence {
        freq: Frequency::Weekly,
        interval: 1,
        ..Default::default()
    });
    let cal = new_object("u-1", &d, ("alice@ac-demo.fr", "Alice Lefèvre")).unwrap();
    let text = cal.to_ics().replace("\r\n ", "");
    for needle in [
        "UID:u-1",
        "DTSTART;TZID=Europe/Paris:20261201T180000",
        "ORGANIZER;CN=Alice Lefèvre:mailto:alice@ac-demo.fr",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;RSVP=TRUE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@ac-demo.fr",
        "TRIGGER:-PT10M",
        "RRULE:FREQ=WEEKLY",
        "TZOFFSETTO:+0200",
        "TZOFFSETTO:+0100",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let back = occurrence_data(&parse(text.as_bytes()).unwrap(), None).unwrap();
    assert_eq!(back.start, d.start);
    assert_eq!(back.attendees.len(), 1);
    assert_eq!(back.organizer.as_deref(), Some("alice@ac-demo.fr"));
    assert!(check(&data("", "2026-12-01T18:00", "2026-12-01T19:00")).is_err());
    assert!(check(&data("x", "2026-12-01T18:00", "2026-12-01T17:00")).is_err());
    assert!(
        check(&EventData {
            tz: "Mars/Olympus".into(),
            ..data("x", "2026-12-01T18:00", "2026-12-01T19:00")
        })
        .is_err()
    );
    let mut bad = data("x", "2026-12-01T18:00", "2026-12-01T19:00");
    bad.attendees = vec![Attendee {
        email: "a@b\r\nX: y".into(),
        ..Default::default()
    }];
    assert!(check(&bad).is_err());
    // A title with a line break and commas stays one escaped line.
    let cal = new_object(
        "u-2",
        &data("a,b;c\nd", "2026-12-01T18:00", "2026-12-01T19:00"),
        ("alice@ac-demo.fr", ""),
    )
    .unwrap();
    assert!(cal.to_ics().contains("SUMMARY:a\\,b\\;c\\nd\r\n"));
}

#[test]
fn invitations() {
    let mut d = data("Conseil", "2026-12-01T18:00", "2026-12-01T19:00");
    d.attendees = vec![Attendee {
        email: "bob@ac-demo.fr".into(),
        ..Default::default()
    }];
    d.alarm_minutes = Some(5);
    let mut cal = new_object("inv-1", &d, ("alice@ac-demo.fr", "Alice")).unwrap();
    let req = itip(&cal, "REQUEST").to_ics();
    assert!(req.contains("METHOD:REQUEST") && !req.contains("VALARM"));
    let rep = reply(
        &parse(req.as_bytes()).unwrap(),
        "bob@ac-demo.fr",
        PartStat::Accepted,
    )
    .unwrap()
    .to_ics()
    .replace("\r\n ", "");
    assert!(rep.contains("METHOD:REPLY"));
    assert!(
        rep.contains("PARTSTAT=ACCEPTED:mailto:bob@ac-demo.fr"),
        "{rep}"
    );
    assert!(set_partstat(
        &mut cal,
        "bob@ac-demo.fr",
        PartStat::Accepted,
        None
    ));
    assert!(!set_partstat(
        &mut cal,
        "bob@ac-demo.fr",
        PartStat::Accepted,
        None
    ));
    let c = cancel(&cal, None).unwrap().to_ics();
    assert!(
        c.contains("METHOD:CANCEL") && c.contains("STATUS:CANCELLED") && c.contains("SEQUENCE:1")
    );
    // Bob sees Alice as the organiser and his own status.
    let occ = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-12-01T00:00:00Z"),
        ms("2026-12-02T00:00:00Z"),
        &["bob@ac-demo.fr".to_string()],
    );
    assert_eq!(occ[0].organizer.as_deref(), Some("alice@ac-demo.fr"));
    assert_eq!(occ[0].my_status, Some(PartStat::Accepted));
}

#[test]
fn timezones() {
    let vtz = vtimezone(DEFAULT_TZ, 2026).to_ics();
    assert!(vtz.contains("BEGIN:DAYLIGHT") && vtz.contains("BEGIN:STANDARD"));
    assert!(vtz.contains("DTSTART:20250330T020000"), "{vtz}");
    assert!(vtz.contains("TZOFFSETFROM:+0100"));
    let reunion = vtimezone(chrono_tz::Indian::Reunion, 2026).to_ics();
    assert!(reunion.contains("TZOFFSETTO:+0400"));
    assert_eq!(
        zone("Romance Standard Time"),
        Some(chrono_tz::Europe::Paris)
    );
    assert_eq!(parse_duration("-P1DT2H"), Some(Duration::hours(-26)));
    assert_eq!(parse_duration("P1W"), Some(Duration::days(7)));
    assert_eq!(parse_duration("PT"), Some(Duration::zero()));
    assert_eq!(parse_duration("P1X"), None);
    assert_eq!(object_name("abc@host/../x"), "abc-host-..-x.ics");
}

#[test]
fn splitting_a_counted_series_keeps_the_count_and_the_exceptions() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Stage\r\nDTSTART;TZID=Europe/Paris:20270104T090000\r\nDTEND;TZID=Europe/Paris:20270104T100000\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE;TZID=Europe/Paris:20270208T090000\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c\r\nRECURRENCE-ID;TZID=Europe/Paris:20270215T090000\r\nSUMMARY:Stage (salle B)\r\nDTSTART;TZID=Europe/Paris:20270215T110000\r\nDTEND;TZID=Europe/Paris:20270215T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut cal = parse(text.as_bytes()).unwrap();
    // From the 4th occurrence (25 January).
    let rid = When::parse("20270125T080000Z").unwrap();
    let d = occurrence_data(&cal, Some(rid)).unwrap();
    let next = split_following(&mut cal, rid, "c2", Some(&d), ("alice@ac-demo.fr", ""))
        .unwrap()
        .unwrap();
    let all = |c: &Component| {
        occurrences(
            c,
            "c",
            "i",
            None,
            ms("2027-01-01T00:00:00Z"),
            ms("2027-06-01T00:00:00Z"),
            &me(),
        )
        .len()
    };
    // 3 before, 7 after with one exception: 9 in all, as before the split.
    assert_eq!(all(&cal), 3);
    assert_eq!(all(&next), 6, "{}", next.to_ics());
    assert!(
        next.to_ics()
            .contains("EXDATE;TZID=Europe/Paris:20270208T090000")
    );
    // The moved occurrence of 15 February followed into the new series.
    let moved = occurrences(
        &next,
        "c",
        "i",
        None,
        ms("2027-02-15T00:00:00Z"),
        ms("2027-02-16T00:00:00Z"),
        &me(),
    );
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].title.as_str(), moved[0].start),
        ("Stage (salle B)", ms("2027-02-15T11:00:00+01:00"))
    );
    assert!(!cal.to_ics().contains("salle B"));
}

#[test]
fn an_unchanged_rule_is_kept_as_stored() {
    // An UNTIL at 08:59:59 (a split) and a floating one stay as they are.
    for rule in [
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261201T085959Z",
        "FREQ=DAILY;UNTIL=20261210T100000",
    ] {
        let text = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:k\r\nSUMMARY:x\r\nDTSTART;TZID=Europe/Paris:20261103T100000\r\nDTEND;TZID=Europe/Paris:20261103T110000\r\nRRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let mut cal = parse(text.as_bytes()).unwrap();
        let mut d = occurrence_data(&cal, None).unwrap();
        assert!(d.recurrence.as_ref().unwrap().until.is_some(), "{rule}");
        d.title = "Nouveau titre".into();
        change_all(&mut cal, None, &d, ("alice@ac-demo.fr", "")).unwrap();
        assert_eq!(cal.master().unwrap().get("RRULE").unwrap().value, rule);
    }
    // "Last Monday" that is also the fourth is not rewritten as the fourth.
    let start = Stamp {
        local: NaiveDate::from_ymd_opt(2026, 2, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        tz: Some(DEFAULT_TZ),
        utc: false,
        date: false,
    };
    assert!(
        recurrence_of("FREQ=MONTHLY;BYDAY=-1MO", &start)
            .other
            .is_some()
    );
    assert!(
        recurrence_of("FREQ=MONTHLY;BYDAY=1€", &start)
            .other
            .is_some()
    );
}

#[test]
fn moving_a_utc_series_keeps_its_overrides_and_exceptions() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:Cours\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nRRULE:FREQ=DAILY;COUNT=5\r\nEXDATE:20261202T090000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:u\r\nRECURRENCE-ID:20261203T090000Z\r\nSUMMARY:Cours déplacé\r\nDTSTART:20261203T140000Z\r\nDTEND:20261203T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut cal = parse(text.as_bytes()).unwrap();
    let before: Vec<i64> = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-30T00:00:00Z"),
        ms("2026-12-10T00:00:00Z"),
        &me(),
    )
    .iter()
    .map(|o| o.start)
    .collect();
    assert_eq!(before.len(), 4);
    // Only the title changes.
    let mut d = occurrence_data(&cal, None).unwrap();
    d.title = "Cours de 4e".into();
    change_all(&mut cal, None, &d, ("alice@ac-demo.fr", "")).unwrap();
    let after: Vec<i64> = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-30T00:00:00Z"),
        ms("2026-12-10T00:00:00Z"),
        &me(),
    )
    .iter()
    .map(|o| o.start)
    .collect();
    assert_eq!(after, before, "{}", cal.to_ics());
    // One hour later: the override and the exception follow.
    let mut d = occurrence_data(&cal, None).unwrap();
    d.start = "2026-12-01T11:00".into();
    d.end = "2026-12-01T12:00".into();
    change_all(&mut cal, None, &d, ("alice@ac-demo.fr", "")).unwrap();
    let occ = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-30T00:00:00Z"),
        ms("2026-12-10T00:00:00Z"),
        &me(),
    );
    assert_eq!(occ.len(), 4, "{}", cal.to_ics());
    assert!(occ.iter().any(|o| o.title == "Cours déplacé"));
}

#[test]
fn hostile_input_is_refused_not_fatal() {
    let deep = format!(
        "BEGIN:VCALENDAR\r\n{}{}END:VCALENDAR\r\n",
        "BEGIN:X\r\n".repeat(10_000),
        "END:X\r\n".repeat(10_000)
    );
    assert!(parse_all(deep.as_bytes()).is_err());
    assert_eq!(parse_duration("PT9999999999999999S"), None);
    assert_eq!(parse_duration("P99999999D"), None);
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:h\r\nDTSTART:20261201T090000Z\r\nDURATION:P99999999D\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = parse(text.as_bytes()).unwrap();
    let _ = occurrences(
        &cal,
        "c",
        "i",
        None,
        ms("2026-11-30T00:00:00Z"),
        ms("2026-12-10T00:00:00Z"),
        &me(),
    );
    let _ = first_span(&cal);
}
