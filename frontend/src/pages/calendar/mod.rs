//! The calendar page (calendar bundle): a toolbar (today, previous/next,
//! the period, month/week/day/planning), the list of calendars in a side
//! panel (behind a button on a phone), the views, the event editor (a
//! dialog), dragging events on a desktop, reminders while the page is open.
//!
//! The occurrences of the visible period are loaded per range (local
//! midnights) and kept in a small cache; every write, and the window
//! getting the focus again, empties it and loads the period again.
//!
//! Hooks for browser tests:
//! - `.cal-view-month`, `.cal-view-week` (also the day view, with
//!   `data-days="1"`), `.cal-view-agenda`: the view shown;
//! - `.cal-day[data-date="2026-12-01"]`: a day cell of the month grid, a
//!   day column of the week and day views;
//! - `.cal-slot[data-date="2026-12-01"][data-time="09:00"]`: a half hour of
//!   the week and day views (a click creates a one-hour event there);
//! - `.cal-event[data-id="<event id>"][data-start="2026-12-01T18:30"]`: an
//!   event (a button; `data-start` is the local start, a date when all day;
//!   `data-calendar` its calendar id);
//! - `.cal-editor`: the event dialog; `.cal-scope-dialog`: the question
//!   "this occurrence / and the following / the whole series";
//! - `.cal-toolbar` buttons: `.cal-today`, `.cal-prev`, `.cal-next`,
//!   `.cal-new`, `.cal-view-switch button[data-view="month|week|day|agenda"]`;
//! - `.cal-sidebar .cal-calendar[data-id="<calendar id>"]`;
//! - `.cal-notice` (role status), `.cal-toast` (reminders).

mod editor;
mod form;
pub mod logic;
mod sidebar;
mod views;

use std::collections::{HashMap, HashSet};

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::calendar::{CalendarInfo, DEFAULT_TZ, Occurrence, OccurrenceList, Scope};
use wasm_bindgen::JsValue;

use crate::api::{Aborter, Failure, calendar as api};
use crate::components::error_banner::ErrorBanner;
use crate::components::page_header::{Here, PageHeader};
use crate::i18n::Lang;
use crate::i18n::calendar::{TrCal, tc, use_trc};
use crate::i18n::t;
use crate::state::session::{SessionState, use_session};
use logic::{DAY_MINUTES, View, Ymd, day_number, period_title, step, visible_days};

/// Under this width (px) the page is laid out for a phone.
const NARROW_PX: f64 = 700.0;
/// How often reminders and the current-time line are looked at.
const TICK_MS: u64 = 30_000;
/// A reminder still shown when the page was opened this late (ms).
const REMINDER_GRACE_MS: f64 = 10.0 * 60_000.0;
/// Ranges kept in the cache.
const CACHE_RANGES: usize = 12;
/// How long a notice stays.
const NOTICE_MS: u64 = 5000;

/// What the editor opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Open {
    /// A new event on `day`, at `minute` (one hour long).
    New {
        day: Ymd,
        minute: i64,
    },
    Existing(Box<Occurrence>),
}

/// A question about a repeating event: which part a change applies to.
#[derive(Clone, Copy)]
pub struct ScopeAsk {
    pub delete: bool,
    pub then: Callback<Option<Scope>>,
}

/// A reminder on screen.
#[derive(Debug, Clone, PartialEq)]
struct Toast {
    key: String,
    text: String,
}

/// The page's state, shared by its parts (a context).
#[derive(Clone, Copy)]
pub struct Cal {
    pub calendars: RwSignal<Vec<CalendarInfo>>,
    pub sharing: RwSignal<bool>,
    pub free_busy: RwSignal<bool>,
    /// Calendars colleagues shared, waiting for the user's answer.
    pub pending: RwSignal<Vec<shared::calendar::PendingShare>>,
    pub email: RwSignal<String>,
    pub listed: RwSignal<bool>,
    pub occs: RwSignal<Vec<Occurrence>>,
    pub read_errors: RwSignal<Vec<String>>,
    pub loading: RwSignal<bool>,
    pub view: RwSignal<View>,
    pub cursor: RwSignal<Ymd>,
    pub narrow: RwSignal<bool>,
    pub today: RwSignal<Ymd>,
    pub now_ms: RwSignal<f64>,
    pub error: RwSignal<Option<Failure>>,
    pub notice: RwSignal<Option<String>>,
    /// Said until dismissed (an event saved but the attendees not told).
    pub warning: RwSignal<Option<String>>,
    pub editor: RwSignal<Option<Open>>,
    pub scope_ask: RwSignal<Option<ScopeAsk>>,
    pub lang: RwSignal<Lang>,
    cache: StoredValue<HashMap<(i64, i64), OccurrenceList>>,
    notice_gen: StoredValue<u32>,
    aborter: Aborter,
}

pub fn use_cal() -> Cal {
    expect_context::<Cal>()
}

impl Cal {
    /// The sentences in the current language, outside views (untracked).
    pub fn tr(self) -> &'static TrCal {
        self.lang.get_untracked().cal()
    }

    /// The instants (ms) of the visible days' local midnights.
    fn range(self) -> (i64, i64) {
        let (first, n) = visible_days(
            self.view.get_untracked(),
            self.cursor.get_untracked(),
            self.narrow.get_untracked(),
        );
        (
            local_ms(first, 0),
            local_ms(shared::calendar::add_days(first, n), 0),
        )
    }

    /// Shows the occurrences of the visible period: from the cache at
    /// once, else from the server.
    pub fn load(self) {
        let range = self.range();
        if let Some(list) = self.cache.with_value(|c| c.get(&range).cloned()) {
            self.aborter.next();
            self.loading.set(false);
            self.read_errors.set(list.errors);
            self.occs.set(list.occurrences);
            return;
        }
        let ticket = self.aborter.next();
        self.loading.set(true);
        spawn_local(async move {
            let answer = api::occurrences(range.0, range.1, &ticket).await;
            if !self.aborter.is_current(&ticket) {
                return;
            }
            self.loading.try_set(false);
            match answer {
                Ok(list) => {
                    self.error.try_set(None);
                    self.cache.update_value(|c| {
                        if c.len() >= CACHE_RANGES {
                            c.clear();
                        }
                        c.insert(range, list.clone());
                    });
                    self.read_errors.try_set(list.errors);
                    self.occs.try_set(list.occurrences);
                }
                Err(e) => {
                    self.error.try_set(Some(e));
                }
            }
        });
    }

    /// Forgets what was loaded and loads the period again (after a write).
    pub fn refresh(self) {
        self.cache.update_value(HashMap::clear);
        self.load();
    }

    /// Replaces (or adds) a calendar in the list.
    pub fn upsert(self, info: CalendarInfo) {
        self.calendars
            .update(|l| match l.iter_mut().find(|c| c.id == info.id) {
                Some(c) => *c = info,
                None => l.push(info),
            });
    }

    /// Says something for a few seconds.
    pub fn flash(self, text: String) {
        self.notice.set(Some(text));
        let generation = self
            .notice_gen
            .try_update_value(|g| {
                *g += 1;
                *g
            })
            .unwrap_or(0);
        let (notice, gen_) = (self.notice, self.notice_gen);
        set_timeout(
            move || {
                if gen_.try_get_value() == Some(generation) {
                    notice.try_set(None);
                }
            },
            std::time::Duration::from_millis(NOTICE_MS),
        );
    }

    /// Whether events of the calendar `id` may be changed here.
    pub fn writable(self, id: &str) -> bool {
        self.calendars
            .with_untracked(|l| l.iter().any(|c| c.id == id && c.writable))
    }
}

/// The browser's wall clock of an instant: the date and the minute of
/// the day.
pub fn local_of(ms: i64) -> (Ymd, i64) {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    (
        (d.get_full_year() as i32, d.get_month() + 1, d.get_date()),
        i64::from(d.get_hours() * 60 + d.get_minutes()),
    )
}

/// The instant (ms) of a local wall-clock time.
pub fn local_ms(d: Ymd, minute: i64) -> i64 {
    js_sys::Date::new_with_year_month_day_hr_min_sec(
        d.0.max(0) as u32,
        d.1 as i32 - 1,
        d.2 as i32,
        (minute / 60) as i32,
        (minute % 60) as i32,
        0,
    )
    .get_time() as i64
}

/// An occurrence's start and end as local minutes (see [`logic`]); all-day
/// ones are dates whatever the zone.
pub fn local_span(o: &Occurrence) -> (i64, i64) {
    if o.all_day {
        (
            o.start.div_euclid(logic::DAY_MS) * DAY_MINUTES,
            o.end.div_euclid(logic::DAY_MS) * DAY_MINUTES,
        )
    } else {
        let (sd, sm) = local_of(o.start);
        let (ed, em) = local_of(o.end);
        (
            day_number(sd) * DAY_MINUTES + sm,
            day_number(ed) * DAY_MINUTES + em,
        )
    }
}

/// Today in the browser's zone.
fn today() -> Ymd {
    local_of(js_sys::Date::now() as i64).0
}

/// The browser's zone (`Europe/Paris`), else [`DEFAULT_TZ`].
pub fn browser_tz() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .filter(|z| !z.is_empty())
        .unwrap_or_else(|| DEFAULT_TZ.to_string())
}

fn window_narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < NARROW_PX)
}

/// Waits for the session like the other pages (the app sends strangers to
/// the login page).
#[component]
pub fn CalendarPage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    view! {
        <div class="app cal-app">
            <PageHeader here=Here::Calendar />
            {move || {
                if logged_in.get() {
                    Either::Left(CalendarShell())
                } else {
                    Either::Right(view! { <p class="app-loading">{t(|t| t.loading)}</p> })
                }
            }}
        </div>
    }
}

fn initial_view() -> View {
    match crate::router::use_router().query("view").as_deref() {
        Some("week") => View::Week,
        Some("day") => View::Day,
        Some("agenda") => View::Agenda,
        _ => View::Month,
    }
}

fn initial_date() -> logic::Ymd {
    crate::router::use_router()
        .query("date")
        .and_then(|d| shared::calendar::parse_date(&d))
        .unwrap_or_else(today)
}

#[component]
fn CalendarShell() -> impl IntoView {
    let trc = use_trc();
    let session = use_session();
    let cal = Cal {
        calendars: RwSignal::new(Vec::new()),
        sharing: RwSignal::new(false),
        free_busy: RwSignal::new(false),
        pending: RwSignal::new(Vec::new()),
        email: RwSignal::new(String::new()),
        listed: RwSignal::new(false),
        occs: RwSignal::new(Vec::new()),
        read_errors: RwSignal::new(Vec::new()),
        loading: RwSignal::new(false),
        // `?view=week&date=2026-12-01` opens there (links, tests).
        view: RwSignal::new(initial_view()),
        cursor: RwSignal::new(initial_date()),
        narrow: RwSignal::new(window_narrow()),
        today: RwSignal::new(today()),
        now_ms: RwSignal::new(js_sys::Date::now()),
        error: RwSignal::new(None),
        notice: RwSignal::new(None),
        warning: RwSignal::new(None),
        editor: RwSignal::new(None),
        scope_ask: RwSignal::new(None),
        lang: crate::state::lang::use_lang(),
        cache: StoredValue::new(HashMap::new()),
        notice_gen: StoredValue::new(0),
        aborter: Aborter::new(),
    };
    provide_context(cal);
    let list_error = RwSignal::new(None::<Failure>);
    let list_aborter = Aborter::new();
    let load_list = move || {
        let ticket = list_aborter.next();
        list_error.set(None);
        spawn_local(async move {
            let answer = api::list(&ticket).await;
            if !list_aborter.is_current(&ticket) {
                return;
            }
            match answer {
                Ok(list) => {
                    cal.calendars.try_set(list.calendars);
                    cal.sharing.try_set(list.sharing);
                    cal.free_busy.try_set(list.free_busy);
                    cal.pending.try_set(list.pending);
                    cal.email.try_set(list.email);
                    cal.listed.try_set(true);
                }
                Err(e) => {
                    list_error.try_set(Some(e));
                }
            }
        });
    };
    load_list();

    // The period follows the view, the cursor and the width.
    Effect::new(move |_| {
        cal.view.track();
        cal.cursor.track();
        cal.narrow.track();
        cal.load();
    });

    let resize = window_event_listener(leptos::ev::resize, move |_| {
        let narrow = window_narrow();
        if cal.narrow.get_untracked() != narrow {
            cal.narrow.set(narrow);
        }
    });
    let focus = window_event_listener(leptos::ev::focus, move |_| {
        if cal.editor.get_untracked().is_none() {
            cal.refresh();
        }
    });
    on_cleanup(move || {
        resize.remove();
        focus.remove();
    });

    // Reminders and the current time.
    let toasts = RwSignal::new(Vec::<Toast>::new());
    let reminded = StoredValue::new(HashSet::<String>::new());
    let tick = move || {
        let now = js_sys::Date::now();
        cal.now_ms.try_set(now);
        let day = today();
        if cal.today.get_untracked() != day {
            cal.today.try_set(day);
        }
        let mut due = Vec::new();
        let mut look = |o: &Occurrence| {
            let Some(alarm) = o.alarm else { return };
            let alarm = alarm as f64;
            if alarm > now + 1000.0 || alarm < now - REMINDER_GRACE_MS || o.cancelled {
                return;
            }
            let key = format!(
                "{}|{}|{}|{}",
                o.calendar,
                o.id,
                o.recurrence_id.as_deref().unwrap_or(""),
                alarm
            );
            if reminded.with_value(|r| r.contains(&key)) {
                return;
            }
            reminded.update_value(|r| {
                r.insert(key.clone());
            });
            due.push((key, o.clone()));
        };
        cal.occs.with_untracked(|l| l.iter().for_each(&mut look));
        cal.cache.with_value(|c| {
            c.values()
                .for_each(|l| l.occurrences.iter().for_each(&mut look))
        });
        for (key, o) in due {
            let time = if o.all_day {
                trc().all_day.to_lowercase()
            } else {
                logic::hm(local_of(o.start).1)
            };
            let title = if o.title.is_empty() {
                trc().no_title
            } else {
                &o.title
            };
            let text = (trc().reminder_text)(title, &time);
            notify_desktop(&text, &o.location);
            toasts.update(|t| t.push(Toast { key, text }));
        }
    };
    let interval = set_interval_with_handle(tick, std::time::Duration::from_millis(TICK_MS)).ok();
    on_cleanup(move || {
        if let Some(i) = interval {
            i.clear();
        }
    });
    // Once the first period is there.
    Effect::new(move |_| {
        cal.occs.track();
        tick();
    });

    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", trc().heading, session.brand()));
    });
    on_cleanup(|| document().set_title(crate::state::session::DEFAULT_BRAND));

    let sidebar_open = RwSignal::new(false);
    let read_errors = move || {
        cal.read_errors.with(|e| {
            (!e.is_empty()).then(|| {
                let items = e
                    .iter()
                    .map(|e| view! { <li>{e.clone()}</li> })
                    .collect_view();
                view! {
                    <div class="cal-warning" role="status">
                        <p>{tc(|t| t.read_errors)}</p>
                        <ul>{items}</ul>
                    </div>
                }
            })
        })
    };
    let warning = move || {
        cal.warning.get().map(|w| {
            view! {
                <div class="cal-warning" role="alert">
                    <p>{w}</p>
                    <button type="button" class="button" on:click=move |_| cal.warning.set(None)>
                        {tc(|t| t.close)}
                    </button>
                </div>
            }
        })
    };
    let toast_list = move || {
        toasts
            .get()
            .into_iter()
            .map(|toast| {
                let key = toast.key.clone();
                view! {
                    <div class="cal-toast" role="status">
                        <p>{toast.text}</p>
                        <button
                            type="button"
                            class="button"
                            aria-label=tc(|t| t.dismiss)
                            on:click=move |_| toasts.update(|t| t.retain(|x| x.key != key))
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <main class="cal-page" data-sidebar=move || if sidebar_open.get() { "open" } else { "closed" }>
            <Toolbar sidebar_open />
            <ErrorBanner error=list_error on_retry=Callback::new(move |_| load_list()) />
            <ErrorBanner error=cal.error on_retry=Callback::new(move |_| cal.refresh()) />
            {read_errors}
            {warning}
            <div class="cal-body">
                <sidebar::Sidebar open=sidebar_open />
                <section class="cal-main" aria-labelledby="cal-period">
                    {move || cal.loading.get().then(|| view! { <p class="cal-loading">{tc(|t| t.loading)}</p> })}
                    <views::CurrentView />
                </section>
            </div>
            {move || cal.editor.get().map(|open| view! { <editor::EventEditor open /> })}
            {move || cal.scope_ask.get().map(|ask| view! { <ScopeDialog ask /> })}
            <div class="cal-toasts">{toast_list}</div>
            <p class="cal-notice" role="status">{move || cal.notice.get()}</p>
        </main>
    }
}

/// A desktop notification, when the user allowed them.
fn notify_desktop(text: &str, body: &str) {
    use web_sys::{Notification, NotificationOptions, NotificationPermission};
    if Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    if !body.is_empty() {
        options.set_body(body);
    }
    let _ = Notification::new_with_options(text, &options);
}

/// Today, previous/next, the period, the views, a new event.
#[component]
fn Toolbar(sidebar_open: RwSignal<bool>) -> impl IntoView {
    let cal = use_cal();
    let trc = use_trc();
    let title = move || period_title(trc(), cal.view.get(), cal.cursor.get(), cal.narrow.get());
    let go = move |dir: i32| {
        cal.cursor.update(|c| {
            *c = step(
                cal.view.get_untracked(),
                *c,
                cal.narrow.get_untracked(),
                dir,
            )
        })
    };
    let views = View::ALL
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let name = match v {
                View::Month => "month",
                View::Week => "week",
                View::Day => "day",
                View::Agenda => "agenda",
            };
            view! {
                <button
                    type="button"
                    class="button"
                    data-view=name
                    aria-pressed=move || if cal.view.get() == v { "true" } else { "false" }
                    on:click=move |_| cal.view.set(v)
                >
                    {move || trc().view_names[i]}
                </button>
            }
        })
        .collect_view();
    let new_event = move |_| {
        let now = local_of(js_sys::Date::now() as i64);
        let cursor = cal.cursor.get_untracked();
        let (day, minute) = if cursor == now.0 {
            (cursor, ((now.1 / 60) + 1).min(23) * 60)
        } else {
            (cursor, 9 * 60)
        };
        cal.editor.set(Some(Open::New { day, minute }));
    };
    view! {
        <div class="cal-toolbar">
            <button
                type="button"
                class="button cal-sidebar-toggle"
                aria-controls="cal-sidebar"
                aria-expanded=move || if sidebar_open.get() { "true" } else { "false" }
                on:click=move |_| sidebar_open.update(|o| *o = !*o)
            >
                {move || if sidebar_open.get() { trc().hide_calendars } else { trc().show_calendars }}
            </button>
            <button type="button" class="button cal-today" on:click=move |_| cal.cursor.set(today())>
                {tc(|t| t.today)}
            </button>
            <span class="cal-arrows">
                <button type="button" class="button cal-prev" aria-label=tc(|t| t.previous) on:click=move |_| go(-1)>
                    <span aria-hidden="true">"‹"</span>
                </button>
                <button type="button" class="button cal-next" aria-label=tc(|t| t.next) on:click=move |_| go(1)>
                    <span aria-hidden="true">"›"</span>
                </button>
            </span>
            <h1 id="cal-period" class="cal-period" aria-live="polite">{title}</h1>
            <div class="cal-view-switch" role="group" aria-label=tc(|t| t.views_label)>
                {views}
            </div>
            <button type="button" class="button primary cal-new" on:click=new_event>
                <span aria-hidden="true">"+ "</span>
                {tc(|t| t.new_event)}
            </button>
        </div>
    }
}

/// "Cette occurrence / Cette occurrence et les suivantes / Toute la série".
#[component]
fn ScopeDialog(ask: ScopeAsk) -> impl IntoView {
    let cal = use_cal();
    let answer = move |s: Option<Scope>| {
        cal.scope_ask.set(None);
        ask.then.run(s);
    };
    let first = NodeRef::<leptos::html::Button>::new();
    request_animation_frame(move || {
        if let Some(b) = first.get_untracked() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="dialog-backdrop" on:click=move |_| answer(None)>
            <div
                class="dialog cal-scope-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="cal-scope-heading"
                aria-describedby="cal-scope-text"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        answer(None);
                    }
                }
            >
                <h2 id="cal-scope-heading">
                    {move || if ask.delete { tc(|t| t.scope_delete_heading)() } else { tc(|t| t.scope_heading)() }}
                </h2>
                <p id="cal-scope-text">{tc(|t| t.scope_text)}</p>
                <div class="cal-scope-choices">
                    <button type="button" class="button" data-scope="this" node_ref=first on:click=move |_| answer(Some(Scope::This))>
                        {tc(|t| t.scope_this)}
                    </button>
                    <button type="button" class="button" data-scope="following" on:click=move |_| answer(Some(Scope::Following))>
                        {tc(|t| t.scope_following)}
                    </button>
                    <button type="button" class="button" data-scope="all" on:click=move |_| answer(Some(Scope::All))>
                        {tc(|t| t.scope_all)}
                    </button>
                </div>
                <div class="dialog-buttons">
                    <button type="button" class="button" on:click=move |_| answer(None)>
                        {tc(|t| t.cancel)}
                    </button>
                </div>
            </div>
        </div>
    }
}
