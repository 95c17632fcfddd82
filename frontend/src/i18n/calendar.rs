//! The sentences of the calendar page (calendar bundle). Same rules as
//! [`super::Tr`]: one `const` per language, French first.

use leptos::prelude::*;

use super::Lang;

type Ymd = (i32, u32, u32);

pub struct TrCal {
    pub heading: &'static str,
    pub loading: &'static str,
    pub today: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub views_label: &'static str,
    /// Month, week, day, planning.
    pub view_names: [&'static str; 4],
    pub new_event: &'static str,
    pub calendars: &'static str,
    pub show_calendars: &'static str,
    pub hide_calendars: &'static str,
    pub all_day: &'static str,
    /// Full weekday names, Monday first.
    pub days: [&'static str; 7],
    /// Short weekday names, Monday first ("lun.").
    pub days_short: [&'static str; 7],
    /// One letter per weekday, Monday first (the weekly checkboxes).
    pub days_letter: [&'static str; 7],
    pub month_title: fn(i32, u32) -> String,
    pub week_title: fn(Ymd, Ymd) -> String,
    pub day_title: fn(Ymd) -> String,
    pub range_title: fn(Ymd, Ymd) -> String,
    /// A column or agenda heading: "mar. 1er déc.".
    pub day_short: fn(Ymd) -> String,
    /// An event's accessible name: title, day, times (minutes of the day)
    /// or all day.
    pub event_label: fn(&str, Ymd, Option<(i64, i64)>) -> String,
    /// "+3 autres".
    pub more: fn(usize) -> String,
    pub no_title: &'static str,
    pub no_events: &'static str,
    pub cancelled: &'static str,
    pub read_errors: &'static str,
    pub now_line: &'static str,
    pub new_event_at: fn(&str, &str) -> String,

    // Sidebar.
    pub show: fn(&str) -> String,
    pub calendar_menu: fn(&str) -> String,
    pub read_only: &'static str,
    pub owner: fn(&str) -> String,
    pub rename: &'static str,
    pub name: &'static str,
    pub color: &'static str,
    pub color_n: fn(usize) -> String,
    pub share: &'static str,
    pub shared_with: &'static str,
    pub not_shared: &'static str,
    pub share_who: &'static str,
    pub access_read: &'static str,
    pub access_write: &'static str,
    pub add_share: &'static str,
    pub remove_share: fn(&str) -> String,
    pub import: &'static str,
    pub imported: fn(u32, u32) -> String,
    pub import_errors: &'static str,
    pub import_unreadable: &'static str,
    pub export: &'static str,
    pub delete_calendar: &'static str,
    pub confirm_delete_calendar: &'static str,
    pub confirm_delete_calendar_text: fn(&str) -> String,
    pub remove_from_list: &'static str,
    pub new_calendar: &'static str,
    pub open_other: &'static str,
    pub other_who: &'static str,
    pub open: &'static str,
    pub colleague_unknown: &'static str,
    pub colleague_nothing_shared: &'static str,
    pub enable_notifications: &'static str,
    pub close: &'static str,
    pub name_required: &'static str,

    // Editor.
    pub edit_event: &'static str,
    pub event_details: &'static str,
    pub title: &'static str,
    pub location: &'static str,
    pub description: &'static str,
    pub start_date: &'static str,
    pub start_time: &'static str,
    pub end_date: &'static str,
    pub end_time: &'static str,
    pub time_zone: &'static str,
    pub calendar: &'static str,
    pub repeat: &'static str,
    pub repeat_never: &'static str,
    pub repeat_daily: &'static str,
    pub repeat_weekly: &'static str,
    pub repeat_monthly: &'static str,
    pub repeat_yearly: &'static str,
    pub every: &'static str,
    /// The unit after "tous les N": days, weeks, months, years.
    pub every_units: [&'static str; 4],
    pub on_days: &'static str,
    /// "le 15".
    pub monthly_date: fn(u32) -> String,
    /// "le 3e mardi" (5: "le dernier mardi"), the weekday 0 = Monday.
    pub monthly_weekday: fn(u32, u8) -> String,
    pub ends: &'static str,
    pub ends_never: &'static str,
    pub ends_on: &'static str,
    pub ends_after: &'static str,
    pub times: &'static str,
    pub other_rule: &'static str,
    pub replace_rule: &'static str,
    pub reminder: &'static str,
    pub reminder_none: &'static str,
    /// A reminder choice, in minutes before.
    pub reminder_before: fn(u32) -> String,
    pub attendees: &'static str,
    pub add_attendee: &'static str,
    pub attendee_address: &'static str,
    pub remove_attendee: fn(&str) -> String,
    /// Accepted, tentative, declined, waiting.
    pub statuses: [&'static str; 4],
    pub free: &'static str,
    pub busy: &'static str,
    pub unknown: &'static str,
    pub invitations_sent: &'static str,
    pub organizer: &'static str,
    pub your_answer: &'static str,
    /// " : " in French, ": " in English.
    pub colon: &'static str,
    pub shared_offers: &'static str,
    /// "Alice vous partage « Secrétariat » (lecture seule)."
    pub shared_with_you: fn(&str, &str, bool) -> String,
    pub add_shared: &'static str,
    pub decline_shared: &'static str,
    pub discard_heading: &'static str,
    pub discard_text: &'static str,
    pub discard: &'static str,
    pub answer_accept: &'static str,
    pub answer_maybe: &'static str,
    pub answer_decline: &'static str,
    pub answer_sent: &'static str,
    pub read_only_event: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub delete: &'static str,
    pub cancel: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    pub moved: &'static str,
    pub not_notified: fn(&str) -> String,
    pub confirm_delete_event: &'static str,
    pub confirm_delete_event_text: &'static str,
    pub fix_problems: &'static str,
    pub title_required: &'static str,
    pub bad_dates: &'static str,
    pub end_before_start: &'static str,
    pub bad_interval: &'static str,
    pub bad_until: &'static str,
    pub bad_count: &'static str,
    pub invalid_email: fn(&str) -> String,
    pub no_writable_calendar: &'static str,

    // Scope of a change to a repeating event.
    pub scope_heading: &'static str,
    pub scope_delete_heading: &'static str,
    pub scope_text: &'static str,
    pub scope_this: &'static str,
    pub scope_following: &'static str,
    pub scope_all: &'static str,

    // Reminders.
    /// "Rappel : Conseil de classe à 18:30".
    pub reminder_text: fn(&str, &str) -> String,
    pub dismiss: &'static str,
}

impl TrCal {
    /// A reply status's name.
    pub fn status(&self, s: shared::calendar::PartStat) -> &'static str {
        use shared::calendar::PartStat;
        match s {
            PartStat::Accepted => self.statuses[0],
            PartStat::Tentative => self.statuses[1],
            PartStat::Declined => self.statuses[2],
            PartStat::NeedsAction => self.statuses[3],
        }
    }
}

const FR_MONTHS: [&str; 12] = [
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
const FR_MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const FR_DAYS_SHORT: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const EN_MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const EN_DAYS_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn month_index(m: u32) -> usize {
    (m.clamp(1, 12) - 1) as usize
}

fn weekday(d: Ymd) -> usize {
    usize::from(shared::calendar::weekday(d.0, d.1, d.2))
}

/// "1er", "2"… (French writes the first of the month "1er").
fn fr_day(d: u32) -> String {
    if d == 1 { "1er".into() } else { d.to_string() }
}

fn hm(m: i64) -> String {
    let m = m.clamp(0, 1440);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// "30 nov. au 6 déc. 2026", "7 au 13 déc. 2026", "28 déc. 2026 au 3 janv. 2027".
fn fr_span(a: Ymd, b: Ymd) -> String {
    let (ma, mb) = (
        FR_MONTHS_SHORT[month_index(a.1)],
        FR_MONTHS_SHORT[month_index(b.1)],
    );
    let (da, db) = (fr_day(a.2), fr_day(b.2));
    if a.0 != b.0 {
        format!("{da} {ma} {} au {db} {mb} {}", a.0, b.0)
    } else if a.1 != b.1 {
        format!("{da} {ma} au {db} {mb} {}", b.0)
    } else {
        format!("{da} au {db} {mb} {}", b.0)
    }
}

/// "Nov 30 – Dec 6, 2026", "Dec 7 – 13, 2026", "Dec 28, 2026 – Jan 3, 2027".
fn en_span(a: Ymd, b: Ymd) -> String {
    let (ma, mb) = (
        EN_MONTHS_SHORT[month_index(a.1)],
        EN_MONTHS_SHORT[month_index(b.1)],
    );
    if a.0 != b.0 {
        format!("{ma} {}, {} – {mb} {}, {}", a.2, a.0, b.2, b.0)
    } else if a.1 != b.1 {
        format!("{ma} {} – {mb} {}, {}", a.2, b.2, b.0)
    } else {
        format!("{ma} {} – {}, {}", a.2, b.2, b.0)
    }
}

fn fr_day_long(d: Ymd) -> String {
    format!(
        "{} {} {}",
        FR_DAYS[weekday(d)],
        fr_day(d.2),
        FR_MONTHS[month_index(d.1)]
    )
}

fn en_day_long(d: Ymd) -> String {
    format!(
        "{}, {} {}",
        EN_DAYS[weekday(d)],
        EN_MONTHS[month_index(d.1)],
        d.2
    )
}

const FR_STATUSES: [&str; 4] = ["Accepté", "Peut-être", "Refusé", "En attente"];

pub const FR: TrCal = TrCal {
    heading: "Agenda",
    loading: "Chargement…",
    today: "Aujourd'hui",
    previous: "Période précédente",
    next: "Période suivante",
    views_label: "Affichage",
    view_names: ["Mois", "Semaine", "Jour", "Planning"],
    new_event: "Nouvel événement",
    calendars: "Agendas",
    show_calendars: "Afficher les agendas",
    hide_calendars: "Masquer les agendas",
    all_day: "Toute la journée",
    days: FR_DAYS,
    days_short: FR_DAYS_SHORT,
    days_letter: ["L", "M", "M", "J", "V", "S", "D"],
    month_title: |y, m| format!("{} {y}", FR_MONTHS[month_index(m)]),
    week_title: |a, b| format!("semaine du {}", fr_span(a, b)),
    day_title: |d| format!("{} {}", fr_day_long(d), d.0),
    range_title: |a, b| format!("du {}", fr_span(a, b)),
    day_short: |d| {
        format!(
            "{} {} {}",
            FR_DAYS_SHORT[weekday(d)],
            fr_day(d.2),
            FR_MONTHS_SHORT[month_index(d.1)]
        )
    },
    event_label: |title, d, times| match times {
        Some((s, e)) => format!("{title}, {}, {} – {}", fr_day_long(d), hm(s), hm(e)),
        None => format!("{title}, {}, toute la journée", fr_day_long(d)),
    },
    more: |n| {
        if n == 1 {
            "+1 autre".into()
        } else {
            format!("+{n} autres")
        }
    },
    no_title: "(sans titre)",
    no_events: "Aucun événement sur cette période.",
    cancelled: "Annulé",
    read_errors: "Certains agendas n'ont pas pu être lus :",
    now_line: "Heure actuelle",
    new_event_at: |day, time| format!("Nouvel événement {day} à {time}"),

    show: |name| format!("Afficher l'agenda « {name} »"),
    calendar_menu: |name| format!("Options de l'agenda « {name} »"),
    read_only: "lecture seule",
    owner: |who| format!("de {who}"),
    rename: "Renommer",
    name: "Nom",
    color: "Couleur",
    color_n: |n| format!("Couleur {n}"),
    share: "Partager",
    shared_with: "Partagé avec",
    not_shared: "Cet agenda n'est partagé avec personne.",
    share_who: "Identifiant ou adresse du collègue",
    access_read: "Lecture seule",
    access_write: "Lecture et écriture",
    add_share: "Partager",
    remove_share: |who| format!("Ne plus partager avec {who}"),
    import: "Importer un fichier .ics",
    imported: |created, skipped| {
        let c = match created {
            0 => "Aucun événement importé".to_string(),
            1 => "1 événement importé".to_string(),
            n => format!("{n} événements importés"),
        };
        match skipped {
            0 => format!("{c}."),
            1 => format!("{c}, 1 déjà présent."),
            n => format!("{c}, {n} déjà présents."),
        }
    },
    import_errors: "Ces éléments n'ont pas pu être importés :",
    import_unreadable: "Ce fichier n'a pas pu être lu.",
    export: "Exporter (.ics)",
    delete_calendar: "Supprimer",
    confirm_delete_calendar: "Supprimer cet agenda ?",
    confirm_delete_calendar_text: |name| {
        format!("L'agenda « {name} » et tous ses événements seront supprimés définitivement.")
    },
    remove_from_list: "Retirer de la liste",
    new_calendar: "Nouvel agenda",
    open_other: "Ouvrir l'agenda d'un collègue",
    other_who: "Identifiant ou adresse du collègue",
    open: "Ouvrir",
    colleague_unknown: "Aucun collègue ne correspond à cet identifiant ou à cette adresse.",
    colleague_nothing_shared: "Ce collègue ne partage aucun agenda avec vous.",
    enable_notifications: "Activer les notifications",
    close: "Fermer",
    name_required: "Indiquez un nom.",

    edit_event: "Modifier l'événement",
    event_details: "Détails de l'événement",
    title: "Titre",
    location: "Lieu",
    description: "Description",
    start_date: "Date de début",
    start_time: "Heure de début",
    end_date: "Date de fin",
    end_time: "Heure de fin",
    time_zone: "Fuseau horaire",
    calendar: "Agenda",
    repeat: "Répétition",
    repeat_never: "Ne se répète pas",
    repeat_daily: "Tous les jours",
    repeat_weekly: "Toutes les semaines",
    repeat_monthly: "Tous les mois",
    repeat_yearly: "Tous les ans",
    every: "Tous les",
    every_units: ["jours", "semaines", "mois", "ans"],
    on_days: "Les jours",
    monthly_date: |d| format!("le {}", fr_day(d)),
    monthly_weekday: |n, wd| {
        let day = FR_DAYS[usize::from(wd.min(6))];
        match n {
            1 => format!("le 1er {day}"),
            5 => format!("le dernier {day}"),
            n => format!("le {n}e {day}"),
        }
    },
    ends: "Fin de la répétition",
    ends_never: "Jamais",
    ends_on: "Le",
    ends_after: "Après",
    times: "fois",
    other_rule: "Cette répétition ne peut pas être modifiée ici ; elle est conservée telle quelle :",
    replace_rule: "Remplacer",
    reminder: "Rappel",
    reminder_none: "Aucun",
    reminder_before: |m| match m {
        1440 => "1 jour avant".into(),
        60 => "1 heure avant".into(),
        m if m % 1440 == 0 => format!("{} jours avant", m / 1440),
        m if m % 60 == 0 => format!("{} heures avant", m / 60),
        m => format!("{m} minutes avant"),
    },
    attendees: "Participants",
    add_attendee: "Ajouter",
    attendee_address: "Adresse du participant",
    remove_attendee: |who| format!("Retirer {who}"),
    statuses: FR_STATUSES,
    free: "disponible",
    busy: "occupé",
    unknown: "inconnu",
    invitations_sent: "Les participants recevront une invitation par courriel.",
    organizer: "Organisateur",
    your_answer: "Votre réponse",
    colon: " : ",
    shared_offers: "Agendas partagés avec vous",
    shared_with_you: |who, name, rw| {
        format!(
            "{who} vous partage « {name} » ({}).",
            if rw {
                "lecture et écriture"
            } else {
                "lecture seule"
            }
        )
    },
    add_shared: "Ajouter",
    decline_shared: "Refuser",
    discard_heading: "Abandonner les modifications ?",
    discard_text: "Ce que vous avez saisi dans cet événement sera perdu.",
    discard: "Abandonner",
    answer_accept: "Accepter",
    answer_maybe: "Peut-être",
    answer_decline: "Refuser",
    answer_sent: "Réponse envoyée à l'organisateur.",
    read_only_event: "Vous ne pouvez pas modifier cet événement.",
    save: "Enregistrer",
    saving: "Enregistrement…",
    delete: "Supprimer",
    cancel: "Annuler",
    saved: "Événement enregistré.",
    deleted: "Événement supprimé.",
    moved: "Événement déplacé.",
    not_notified: |why| {
        format!(
            "L'événement est enregistré, mais les participants n'ont pas pu être prévenus : {why}"
        )
    },
    confirm_delete_event: "Supprimer cet événement ?",
    confirm_delete_event_text: "L'événement sera supprimé ; les participants éventuels en seront avertis.",
    fix_problems: "Corrigez ces points avant d'enregistrer :",
    title_required: "Indiquez un titre.",
    bad_dates: "Une date ou une heure n'est pas valide.",
    end_before_start: "La fin doit être après le début.",
    bad_interval: "L'intervalle de répétition doit être un nombre entre 1 et 999.",
    bad_until: "Indiquez la date de fin de la répétition.",
    bad_count: "Le nombre de répétitions doit être entre 1 et 999.",
    invalid_email: |a| format!("« {a} » n'est pas une adresse valide."),
    no_writable_calendar: "Vous n'avez aucun agenda où ajouter des événements.",

    scope_heading: "Modifier un événement périodique",
    scope_delete_heading: "Supprimer un événement périodique",
    scope_text: "Cet événement se répète. À quoi s'applique la modification ?",
    scope_this: "Cette occurrence",
    scope_following: "Cette occurrence et les suivantes",
    scope_all: "Toute la série",

    reminder_text: |title, time| format!("Rappel : {title} à {time}"),
    dismiss: "Fermer le rappel",
};

pub const EN: TrCal = TrCal {
    heading: "Calendar",
    loading: "Loading…",
    today: "Today",
    previous: "Previous period",
    next: "Next period",
    views_label: "View",
    view_names: ["Month", "Week", "Day", "Agenda"],
    new_event: "New event",
    calendars: "Calendars",
    show_calendars: "Show calendars",
    hide_calendars: "Hide calendars",
    all_day: "All day",
    days: EN_DAYS,
    days_short: EN_DAYS_SHORT,
    days_letter: ["M", "T", "W", "T", "F", "S", "S"],
    month_title: |y, m| format!("{} {y}", EN_MONTHS[month_index(m)]),
    week_title: |a, b| format!("Week of {}", en_span(a, b)),
    day_title: |d| format!("{}, {}", en_day_long(d), d.0),
    range_title: en_span,
    day_short: |d| {
        format!(
            "{} {} {}",
            EN_DAYS_SHORT[weekday(d)],
            EN_MONTHS_SHORT[month_index(d.1)],
            d.2
        )
    },
    event_label: |title, d, times| match times {
        Some((s, e)) => format!("{title}, {}, {} – {}", en_day_long(d), hm(s), hm(e)),
        None => format!("{title}, {}, all day", en_day_long(d)),
    },
    more: |n| format!("+{n} more"),
    no_title: "(no title)",
    no_events: "No events in this period.",
    cancelled: "Cancelled",
    read_errors: "Some calendars could not be read:",
    now_line: "Current time",
    new_event_at: |day, time| format!("New event on {day} at {time}"),

    show: |name| format!("Show the calendar “{name}”"),
    calendar_menu: |name| format!("Options of the calendar “{name}”"),
    read_only: "read only",
    owner: |who| format!("by {who}"),
    rename: "Rename",
    name: "Name",
    color: "Colour",
    color_n: |n| format!("Colour {n}"),
    share: "Share",
    shared_with: "Shared with",
    not_shared: "This calendar is not shared with anyone.",
    share_who: "Colleague's identifier or address",
    access_read: "Read only",
    access_write: "Read and write",
    add_share: "Share",
    remove_share: |who| format!("Stop sharing with {who}"),
    import: "Import an .ics file",
    imported: |created, skipped| {
        let c = match created {
            0 => "No event imported".to_string(),
            1 => "1 event imported".to_string(),
            n => format!("{n} events imported"),
        };
        match skipped {
            0 => format!("{c}."),
            1 => format!("{c}, 1 already there."),
            n => format!("{c}, {n} already there."),
        }
    },
    import_errors: "These items could not be imported:",
    import_unreadable: "This file could not be read.",
    export: "Export (.ics)",
    delete_calendar: "Delete",
    confirm_delete_calendar: "Delete this calendar?",
    confirm_delete_calendar_text: |name| {
        format!("The calendar “{name}” and all its events will be deleted for good.")
    },
    remove_from_list: "Remove from the list",
    new_calendar: "New calendar",
    open_other: "Open a colleague's calendar",
    other_who: "Colleague's identifier or address",
    open: "Open",
    colleague_unknown: "No colleague has this identifier or address.",
    colleague_nothing_shared: "This colleague shares no calendar with you.",
    enable_notifications: "Turn on notifications",
    close: "Close",
    name_required: "Give a name.",

    edit_event: "Edit the event",
    event_details: "Event details",
    title: "Title",
    location: "Location",
    description: "Description",
    start_date: "Start date",
    start_time: "Start time",
    end_date: "End date",
    end_time: "End time",
    time_zone: "Time zone",
    calendar: "Calendar",
    repeat: "Repeat",
    repeat_never: "Does not repeat",
    repeat_daily: "Every day",
    repeat_weekly: "Every week",
    repeat_monthly: "Every month",
    repeat_yearly: "Every year",
    every: "Every",
    every_units: ["days", "weeks", "months", "years"],
    on_days: "On",
    monthly_date: |d| format!("on day {d}"),
    monthly_weekday: |n, wd| {
        let day = EN_DAYS[usize::from(wd.min(6))];
        match n {
            1 => format!("on the first {day}"),
            2 => format!("on the second {day}"),
            3 => format!("on the third {day}"),
            4 => format!("on the fourth {day}"),
            _ => format!("on the last {day}"),
        }
    },
    ends: "Ends",
    ends_never: "Never",
    ends_on: "On",
    ends_after: "After",
    times: "times",
    other_rule: "This repetition cannot be changed here; it is kept as it is:",
    replace_rule: "Replace",
    reminder: "Reminder",
    reminder_none: "None",
    reminder_before: |m| match m {
        1440 => "1 day before".into(),
        60 => "1 hour before".into(),
        m if m % 1440 == 0 => format!("{} days before", m / 1440),
        m if m % 60 == 0 => format!("{} hours before", m / 60),
        m => format!("{m} minutes before"),
    },
    attendees: "Attendees",
    add_attendee: "Add",
    attendee_address: "Attendee's address",
    remove_attendee: |who| format!("Remove {who}"),
    statuses: ["Accepted", "Maybe", "Declined", "Waiting"],
    free: "free",
    busy: "busy",
    unknown: "unknown",
    invitations_sent: "The attendees will receive an invitation by email.",
    organizer: "Organiser",
    your_answer: "Your answer",
    colon: ": ",
    shared_offers: "Calendars shared with you",
    shared_with_you: |who, name, rw| {
        format!(
            "{who} shares “{name}” with you ({}).",
            if rw { "read and write" } else { "read only" }
        )
    },
    add_shared: "Add",
    decline_shared: "Decline",
    discard_heading: "Discard your changes?",
    discard_text: "What you typed in this event will be lost.",
    discard: "Discard",
    answer_accept: "Accept",
    answer_maybe: "Maybe",
    answer_decline: "Decline",
    answer_sent: "Answer sent to the organiser.",
    read_only_event: "You cannot change this event.",
    save: "Save",
    saving: "Saving…",
    delete: "Delete",
    cancel: "Cancel",
    saved: "Event saved.",
    deleted: "Event deleted.",
    moved: "Event moved.",
    not_notified: |why| format!("The event is saved, but the attendees could not be told: {why}"),
    confirm_delete_event: "Delete this event?",
    confirm_delete_event_text: "The event will be deleted; attendees, if any, will be told.",
    fix_problems: "Fix these before saving:",
    title_required: "Give a title.",
    bad_dates: "A date or a time is not valid.",
    end_before_start: "The end must be after the start.",
    bad_interval: "The repeat interval must be a number from 1 to 999.",
    bad_until: "Give the date the repetition ends.",
    bad_count: "The number of repetitions must be from 1 to 999.",
    invalid_email: |a| format!("“{a}” is not a valid address."),
    no_writable_calendar: "You have no calendar to add events to.",

    scope_heading: "Change a repeating event",
    scope_delete_heading: "Delete a repeating event",
    scope_text: "This event repeats. What does the change apply to?",
    scope_this: "This occurrence",
    scope_following: "This and following occurrences",
    scope_all: "The whole series",

    reminder_text: |title, time| format!("Reminder: {title} at {time}"),
    dismiss: "Dismiss the reminder",
};

impl Lang {
    pub fn cal(self) -> &'static TrCal {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// A calendar text that follows the language switch (see [`super::t`]).
pub fn tc(
    pick: fn(&TrCal) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || pick(lang.get().cal())
}

/// A getter for the current language's [`TrCal`].
pub fn use_trc() -> impl Fn() -> &'static TrCal + Copy + Send + Sync + 'static {
    let lang = crate::state::lang::use_lang();
    move || lang.get().cal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_agree_with_their_numbers() {
        assert_eq!(
            (FR.imported)(3, 2),
            "3 événements importés, 2 déjà présents."
        );
        assert_eq!((FR.imported)(1, 0), "1 événement importé.");
        assert_eq!((EN.imported)(0, 1), "No event imported, 1 already there.");
        assert_eq!((FR.more)(3), "+3 autres");
        assert_eq!((FR.reminder_before)(60), "1 heure avant");
        assert_eq!((FR.reminder_before)(15), "15 minutes avant");
        assert_eq!((FR.reminder_before)(1440), "1 jour avant");
        assert_eq!((FR.monthly_weekday)(3, 1), "le 3e mardi");
        assert_eq!((FR.monthly_weekday)(5, 4), "le dernier vendredi");
        assert_eq!((FR.monthly_date)(15), "le 15");
        assert_eq!(
            (FR.reminder_text)("Conseil", "18:30"),
            "Rappel : Conseil à 18:30"
        );
        assert_eq!((FR.day_short)((2026, 12, 1)), "mar. 1er déc.");
        assert_eq!(FR.view_names, ["Mois", "Semaine", "Jour", "Planning"]);
    }
}
