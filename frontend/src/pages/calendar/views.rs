//! The month grid, the week and day columns, the planning, and dragging
//! events (pointer events, mouse and pen only: a finger scrolls).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::calendar::{
    EventSaved, EventWrite, Occurrence, Scope, add_days, format_date, parse_date,
};
use web_sys::PointerEvent;

use super::logic::{
    DAY_MINUTES, SNAP_MINUTES, Shift, View, Ymd, day_number, day_segment, hm, layout, local_text,
    month_grid, shifted, snap_minutes, split_local, visible_days,
};
use super::{Cal, Open, ScopeAsk, local_span, use_cal};
use crate::api::{Failure, calendar as api};
use crate::i18n::calendar::{tc, use_trc};

/// The height of an hour in the week and day views (px); the CSS takes it
/// from `--cal-hour` set here.
const HOUR_PX: f64 = 48.0;
const PX_PER_MINUTE: f64 = HOUR_PX / 60.0;
/// The grid is scrolled to this hour at first.
const FIRST_HOUR: f64 = 7.0;
/// Events listed in a month cell before "+N autres".
const MONTH_CELL_MAX: usize = 3;
/// A pointer moved less than this (px) is a click, not a drag.
const DRAG_THRESHOLD: f64 = 5.0;
/// A click this soon after a drag (ms) is the drag's end.
const CLICK_AFTER_DRAG_MS: f64 = 400.0;

/// An occurrence with its local span (see [`super::logic`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub occ: Occurrence,
    pub key: String,
    pub start: i64,
    pub end: i64,
}

/// Tells occurrences apart (a repeating event has several).
pub fn occ_key(o: &Occurrence) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}",
        o.calendar,
        o.id,
        o.recurrence_id.as_deref().unwrap_or("")
    )
}

/// An event being dragged.
#[derive(Debug, Clone, PartialEq)]
struct Drag {
    key: String,
    occ: Occurrence,
    /// The day (number) of the cell or column it was grabbed in.
    grab_day: i64,
    x0: f64,
    y0: f64,
    moved: bool,
    /// The vertical move changes the time (week and day columns).
    timed: bool,
    resize: bool,
    shift: Shift,
}

/// What the views share.
#[derive(Clone, Copy)]
struct Ctx {
    cal: Cal,
    placed: Memo<Vec<Placed>>,
    drag: RwSignal<Option<Drag>>,
    /// When the last drag ended (ms), to ignore the click that follows.
    dropped_at: StoredValue<f64>,
}

impl Ctx {
    fn just_dragged(self) -> bool {
        js_sys::Date::now() - self.dropped_at.get_value() < CLICK_AFTER_DRAG_MS
    }
}

/// The view the toolbar chose.
#[component]
pub fn CurrentView() -> impl IntoView {
    let cal = use_cal();
    let drag = RwSignal::new(None::<Drag>);
    // The occurrences where they are shown, the one dragged where it goes.
    let placed = Memo::new(move |_| {
        let moving = drag.with(|d| {
            d.as_ref()
                .filter(|d| d.moved)
                .map(|d| (d.key.clone(), d.shift))
        });
        cal.occs.with(|l| {
            l.iter()
                .map(|o| {
                    let key = occ_key(o);
                    let (mut start, mut end) = local_span(o);
                    if let Some((k, s)) = &moving
                        && *k == key
                    {
                        let delta = s.days * DAY_MINUTES + s.minutes;
                        if !s.resize {
                            start += delta;
                        }
                        end = (end + delta).max(start + SNAP_MINUTES);
                    }
                    Placed {
                        occ: o.clone(),
                        key,
                        start,
                        end,
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let ctx = Ctx {
        cal,
        placed,
        drag,
        dropped_at: StoredValue::new(0.0),
    };
    let on_move = window_event_listener(leptos::ev::pointermove, move |ev: PointerEvent| {
        if drag.with_untracked(Option::is_none) {
            return;
        }
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let day = day_under(x, y);
        drag.update(|d| {
            let Some(d) = d else { return };
            if !d.moved && (x - d.x0).hypot(y - d.y0) < DRAG_THRESHOLD {
                return;
            }
            d.moved = true;
            let mut shift = Shift {
                resize: d.resize,
                ..Shift::default()
            };
            if !d.resize {
                shift.days = day.map_or(d.shift.days, |day| day - d.grab_day);
            }
            if d.timed {
                shift.minutes = snap_minutes(y - d.y0, PX_PER_MINUTE);
            }
            d.shift = shift;
        });
    });
    let on_up = window_event_listener(leptos::ev::pointerup, move |_| {
        let Some(d) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        if !d.moved {
            return;
        }
        ctx.dropped_at.set_value(js_sys::Date::now());
        if !d.shift.is_none() {
            drop_event(cal, d.occ, d.shift);
        }
    });
    let on_cancel = window_event_listener(leptos::ev::pointercancel, move |_| drag.set(None));
    on_cleanup(move || {
        on_move.remove();
        on_up.remove();
        on_cancel.remove();
    });

    move || {
        let view = cal.view.get();
        let (first, n) = visible_days(view, cal.cursor.get(), cal.narrow.get());
        match view {
            View::Month => month_view(ctx).into_any(),
            View::Week | View::Day => week_view(ctx, first, n).into_any(),
            View::Agenda => agenda_view(ctx, first, n).into_any(),
        }
    }
}

/// The day (number) of the cell or column under a point.
fn day_under(x: f64, y: f64) -> Option<i64> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let cell = el.closest("[data-date]").ok()??;
    parse_date(&cell.get_attribute("data-date")?).map(day_number)
}

/// How an event is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// In a month cell.
    Chip,
    /// On the all-day row of the week.
    AllDay,
    /// Placed by its times in a day column.
    Timed,
    /// A line of the planning.
    Line,
}

/// An event: a button that opens it, dragged on a desktop.
fn event_button(ctx: Ctx, p: &Placed, day: i64, kind: Kind, style: String) -> AnyView {
    let cal = ctx.cal;
    let trc = use_trc();
    let o = p.occ.clone();
    let t = trc();
    let title = if o.title.is_empty() {
        t.no_title.to_string()
    } else {
        o.title.clone()
    };
    let (sd, sm) = split_local(p.start);
    let (_, em) = split_local(p.end);
    let times = (!o.all_day).then_some((
        sm,
        if p.end - p.start >= DAY_MINUTES {
            DAY_MINUTES
        } else {
            em
        },
    ));
    let mut label = (t.event_label)(&title, sd, times);
    if o.cancelled {
        label = format!("{label} ({})", t.cancelled);
    }
    let data_start = if o.all_day {
        format_date(sd)
    } else {
        local_text(p.start)
    };
    let color = cal
        .calendars
        .with_untracked(|l| {
            l.iter()
                .find(|c| c.id == o.calendar)
                .map(|c| c.color.clone())
        })
        .unwrap_or_else(|| shared::calendar::COLORS[0].to_string());
    let draggable = cal.writable(&o.calendar) && o.organizer.is_none() && kind != Kind::Line;
    let time_text = (!o.all_day && kind != Kind::AllDay).then(|| hm(sm));
    let dragging = {
        let key = p.key.clone();
        move || {
            ctx.drag
                .with(|d| d.as_ref().is_some_and(|d| d.moved && d.key == key))
        }
    };
    let start_drag = {
        let o = o.clone();
        let key = p.key.clone();
        move |ev: PointerEvent, resize: bool| {
            if !draggable || ev.button() != 0 || ev.pointer_type() == "touch" {
                return;
            }
            ev.prevent_default();
            ctx.drag.set(Some(Drag {
                key: key.clone(),
                occ: o.clone(),
                grab_day: day,
                x0: f64::from(ev.client_x()),
                y0: f64::from(ev.client_y()),
                moved: false,
                timed: kind == Kind::Timed,
                resize,
                shift: Shift::default(),
            }));
        }
    };
    let start_resize = start_drag.clone();
    let open = move |_| {
        if !ctx.just_dragged() {
            cal.editor.set(Some(Open::Existing(Box::new(o.clone()))));
        }
    };
    let class = match kind {
        Kind::Chip => "cal-event cal-chip",
        Kind::AllDay => "cal-event cal-allday",
        Kind::Timed => "cal-event cal-timed",
        Kind::Line => "cal-event cal-line",
    };
    let location = (kind == Kind::Line && !p.occ.location.is_empty()).then(|| {
        view! { <span class="cal-event-location">{p.occ.location.clone()}</span> }
    });
    let resize_handle = (kind == Kind::Timed && draggable).then(|| {
        view! {
            <span
                class="cal-resize"
                aria-hidden="true"
                on:pointerdown=move |ev: PointerEvent| {
                    ev.stop_propagation();
                    start_resize(ev, true);
                }
            ></span>
        }
    });
    view! {
        <button
            type="button"
            class=class
            class:cal-cancelled=p.occ.cancelled
            class:cal-tentative=p.occ.tentative
            class:cal-dragging=dragging
            class:cal-draggable=draggable
            data-id=p.occ.id.clone()
            data-calendar=p.occ.calendar.clone()
            data-start=data_start
            style=format!("--cal-color: {color}; {style}")
            aria-label=label
            on:click=move |ev| {
                ev.stop_propagation();
                open(ev);
            }
            on:pointerdown=move |ev: PointerEvent| start_drag(ev, false)
        >
            {time_text.map(|t| view! { <span class="cal-event-time">{t}</span> })}
            <span class="cal-event-title">{title}</span>
            {location}
            {resize_handle}
        </button>
    }
    .into_any()
}

/// The occurrences on the day `day` (number): all-day ones first.
fn on_day(placed: &[Placed], day: i64) -> Vec<Placed> {
    let mut found: Vec<Placed> = placed
        .iter()
        .filter(|p| day_segment(p.start, p.end, day).is_some())
        .cloned()
        .collect();
    found.sort_by_key(|p| (!p.occ.all_day, p.start, -p.end));
    found
}

fn month_view(ctx: Ctx) -> impl IntoView {
    let cal = ctx.cal;
    let trc = use_trc();
    let cursor = cal.cursor.get_untracked();
    let grid = month_grid(cursor.0, cursor.1);
    let heads = (0..7)
        .map(|i| {
            view! {
                <div role="columnheader" class="cal-month-head">
                    <abbr title=move || trc().days[i]>{move || trc().days_short[i]}</abbr>
                </div>
            }
        })
        .collect_view();
    let rows = grid
        .chunks(7)
        .map(|week| {
            let cells = week
                .iter()
                .map(|&d| month_cell(ctx, d, d.1 == cursor.1))
                .collect_view();
            view! { <div role="row" class="cal-month-row">{cells}</div> }
        })
        .collect_view();
    view! {
        <div class="cal-view-month" role="grid" aria-labelledby="cal-period">
            <div role="row" class="cal-month-row cal-month-heads">{heads}</div>
            {rows}
        </div>
    }
}

fn month_cell(ctx: Ctx, d: Ymd, in_month: bool) -> impl IntoView {
    let cal = ctx.cal;
    let trc = use_trc();
    let day = day_number(d);
    let is_today = move || cal.today.get() == d;
    let events = move || {
        let found = ctx.placed.with(|p| on_day(p, day));
        let more = found.len().saturating_sub(MONTH_CELL_MAX);
        let shown = found
            .iter()
            .take(if more > 0 {
                MONTH_CELL_MAX - 1
            } else {
                MONTH_CELL_MAX
            })
            .map(|p| view! { <li>{event_button(ctx, p, day, Kind::Chip, String::new())}</li> })
            .collect_view();
        let hidden = if more > 0 { more + 1 } else { 0 };
        let more = (hidden > 0).then(|| {
            view! {
                <li>
                    <button
                        type="button"
                        class="cal-more"
                        on:click=move |ev| {
                            ev.stop_propagation();
                            cal.cursor.set(d);
                            cal.view.set(View::Day);
                        }
                    >
                        {move || (trc().more)(hidden)}
                    </button>
                </li>
            }
        });
        view! { <ul class="cal-day-events">{shown}{more}</ul> }
    };
    view! {
        <div
            role="gridcell"
            class="cal-day"
            class:cal-other-month=!in_month
            class:cal-today=is_today
            data-date=format_date(d)
            aria-current=move || is_today().then_some("date")
            on:click=move |_| {
                if !ctx.just_dragged() {
                    cal.editor.set(Some(Open::New { day: d, minute: 9 * 60 }));
                }
            }
        >
            <button
                type="button"
                class="cal-day-number"
                aria-label=move || (trc().day_title)(d)
                on:click=move |ev| {
                    ev.stop_propagation();
                    cal.cursor.set(d);
                    cal.view.set(View::Day);
                }
            >
                {d.2}
            </button>
            {events}
        </div>
    }
}

fn week_view(ctx: Ctx, first: Ymd, n: i64) -> impl IntoView {
    let cal = ctx.cal;
    let trc = use_trc();
    let days: Vec<Ymd> = (0..n).map(|i| add_days(first, i)).collect();
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            el.set_scroll_top((FIRST_HOUR * HOUR_PX) as i32);
        }
    });
    let heads = days
        .iter()
        .map(|&d| {
            let is_today = move || cal.today.get() == d;
            view! {
                <div role="columnheader" class="cal-col-head" class:cal-today=is_today>
                    <button
                        type="button"
                        class="cal-col-day"
                        aria-current=move || is_today().then_some("date")
                        on:click=move |_| {
                            cal.cursor.set(d);
                            cal.view.set(View::Day);
                        }
                    >
                        {move || (trc().day_short)(d)}
                    </button>
                </div>
            }
        })
        .collect_view();
    let all_day = days
        .iter()
        .map(|&d| {
            let day = day_number(d);
            let events = move || {
                ctx.placed.with(|p| {
                    p.iter()
                        .filter(|p| p.occ.all_day && day_segment(p.start, p.end, day).is_some())
                        .map(|p| event_button(ctx, p, day, Kind::AllDay, String::new()))
                        .collect_view()
                })
            };
            view! {
                <div role="gridcell" class="cal-allday-cell" data-date=format_date(d)>
                    {events}
                </div>
            }
        })
        .collect_view();
    let hours = (0..24)
        .map(|h| view! { <div class="cal-hour-label">{hm(h * 60)}</div> })
        .collect_view();
    let columns = days.iter().map(|&d| day_column(ctx, d)).collect_view();
    let view_class = if n == 1 {
        "cal-view-week cal-view-day"
    } else {
        "cal-view-week"
    };
    view! {
        <div
            class=view_class
            data-days=n
            role="grid"
            aria-labelledby="cal-period"
            style=format!("--cal-hour: {HOUR_PX}px; --cal-days: {n}")
        >
            <div role="row" class="cal-week-heads">
                <div class="cal-gutter" aria-hidden="true"></div>
                {heads}
            </div>
            <div role="row" class="cal-allday-row">
                <div class="cal-gutter cal-allday-label">{tc(|t| t.all_day)}</div>
                {all_day}
            </div>
            <div class="cal-scroller" node_ref=scroller>
                <div role="row" class="cal-hours">
                    <div class="cal-gutter cal-hour-labels" aria-hidden="true">{hours}</div>
                    {columns}
                </div>
            </div>
        </div>
    }
}

/// One day of the week or day view: half-hour slots, the timed events,
/// the current time.
fn day_column(ctx: Ctx, d: Ymd) -> impl IntoView {
    let cal = ctx.cal;
    let trc = use_trc();
    let day = day_number(d);
    let date = format_date(d);
    let slots = (0..48i64)
        .map(|i| {
            let minute = i * 30;
            view! {
                <div
                    class="cal-slot"
                    class:cal-slot-hour=minute % 60 == 0
                    data-date=date.clone()
                    data-time=hm(minute)
                    title=move || (trc().new_event_at)(&(trc().day_short)(d), &hm(minute))
                    on:click=move |_| {
                        if !ctx.just_dragged() {
                            cal.editor.set(Some(Open::New { day: d, minute }));
                        }
                    }
                ></div>
            }
        })
        .collect_view();
    let events = move || {
        ctx.placed.with(|p| {
            let segments: Vec<(&Placed, (i64, i64))> = p
                .iter()
                .filter(|p| !p.occ.all_day)
                .filter_map(|p| day_segment(p.start, p.end, day).map(|s| (p, s)))
                .collect();
            let spans: Vec<(i64, i64)> = segments.iter().map(|(_, s)| *s).collect();
            let places = layout(&spans);
            segments
                .iter()
                .zip(places)
                .map(|((p, (s, e)), (column, columns))| {
                    let height = ((e - s).max(super::logic::MIN_DRAWN_MINUTES) as f64) * PX_PER_MINUTE;
                    let style = format!(
                        "top: {}px; height: {}px; left: calc({column} * 100% / {columns}); width: calc(100% / {columns});",
                        *s as f64 * PX_PER_MINUTE,
                        height
                    );
                    event_button(ctx, p, day, Kind::Timed, style)
                })
                .collect_view()
        })
    };
    let now_line = move || {
        (cal.today.get() == d).then(|| {
            let (_, minute) = super::local_of(cal.now_ms.get() as i64);
            view! {
                <div
                    class="cal-now"
                    role="presentation"
                    title=tc(|t| t.now_line)
                    style=format!("top: {}px", minute as f64 * PX_PER_MINUTE)
                ></div>
            }
        })
    };
    let is_today = move || cal.today.get() == d;
    view! {
        <div
            role="gridcell"
            class="cal-col cal-day"
            class:cal-today=is_today
            data-date=date.clone()
            aria-current=move || is_today().then_some("date")
            aria-label=move || (trc().day_title)(d)
        >
            {slots}
            <div class="cal-col-events">{events}</div>
            {now_line}
        </div>
    }
}

fn agenda_view(ctx: Ctx, first: Ymd, n: i64) -> impl IntoView {
    let cal = ctx.cal;
    let trc = use_trc();
    let groups = move || {
        let start = day_number(first);
        let groups: Vec<_> = (start..start + n)
            .filter_map(|day| {
                let found = ctx.placed.with(|p| on_day(p, day));
                (!found.is_empty()).then_some((day, found))
            })
            .collect();
        if groups.is_empty() {
            return view! { <p class="cal-empty">{tc(|t| t.no_events)}</p> }.into_any();
        }
        groups
            .into_iter()
            .map(|(day, found)| {
                let d = shared::calendar::civil_from_days(day);
                let is_today = move || cal.today.get() == d;
                let items = found
                    .iter()
                    .map(|p| view! { <li>{event_button(ctx, p, day, Kind::Line, String::new())}</li> })
                    .collect_view();
                view! {
                    <section class="cal-agenda-day cal-day" data-date=format_date(d) aria-current=move || is_today().then_some("date")>
                        <h2>{move || (trc().day_title)(d)}</h2>
                        <ul>{items}</ul>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };
    view! { <div class="cal-view-agenda">{groups}</div> }
}

/// A dropped event: shown at its new place at once, then changed on the
/// server (asking first which occurrences, for a repeating one); put back
/// with the reason when the server refuses.
fn drop_event(cal: Cal, occ: Occurrence, shift: Shift) {
    let key = occ_key(&occ);
    let ms = shift.ms();
    cal.occs.update(|l| {
        if let Some(o) = l.iter_mut().find(|o| occ_key(o) == key) {
            if !shift.resize {
                o.start += ms;
            }
            o.end += ms;
        }
    });
    if occ.recurrence_id.is_some() {
        let then = Callback::new(move |scope: Option<Scope>| match scope {
            Some(scope) => spawn_local(move_event(cal, occ.clone(), shift, scope)),
            None => put_back(cal, &occ, None),
        });
        cal.scope_ask.set(Some(ScopeAsk {
            delete: false,
            then,
        }));
    } else {
        spawn_local(move_event(cal, occ, shift, Scope::All));
    }
}

fn put_back(cal: Cal, occ: &Occurrence, error: Option<Failure>) {
    let key = occ_key(occ);
    cal.occs.try_update(|l| {
        if let Some(o) = l.iter_mut().find(|o| occ_key(o) == key) {
            *o = occ.clone();
        }
    });
    if let Some(e) = error {
        cal.error.try_set(Some(e));
    }
}

async fn move_event(cal: Cal, occ: Occurrence, shift: Shift, scope: Scope) {
    let answer: Result<EventSaved, Failure> = async {
        let detail = api::event(&occ.calendar, &occ.id, occ.recurrence_id.as_deref()).await?;
        if !detail.editable {
            return Err(Failure::Api(ApiError::Forbidden));
        }
        let mut data = detail.data;
        let (start, end) = shifted(&data.start, &data.end, data.all_day, shift).ok_or(
            Failure::Api(ApiError::InvalidRequest {
                detail: String::new(),
            }),
        )?;
        data.start = start;
        data.end = end;
        let write = EventWrite {
            etag: detail.etag,
            data,
            scope,
            occurrence: if detail.recurring {
                detail.occurrence.or_else(|| occ.recurrence_id.clone())
            } else {
                None
            },
            notify: true,
        };
        api::update_event(&occ.calendar, &occ.id, &write).await
    }
    .await;
    match answer {
        Ok(saved) => {
            cal.flash(cal.tr().moved.to_string());
            if let Some(why) = saved.notify_error {
                cal.warning.try_set(Some((cal.tr().not_notified)(&why)));
            }
        }
        Err(e) => put_back(cal, &occ, Some(e)),
    }
    cal.refresh();
}
