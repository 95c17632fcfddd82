//! The event dialog: a new event, or one read from the server (then
//! changed with the version read, or shown read-only when the user may
//! not change it). Nothing typed is lost on an error: the dialog stays
//! open; an edit conflict shows the current version.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::calendar::{
    Attendee, Availability, EventDelete, EventDetail, EventSaved, EventWrite, FreeBusyRequest,
    MonthlyBy, PartStat, Scope, parse_date, parse_local,
};
use shared::compose::valid_email;

use super::form::{ALARMS, Form, Problem, ZONES, data_of, form_of, new_form};
use super::logic::{Ends, Repeat, day_number, nth_weekday, weekday_of};
use super::{Cal, Open, ScopeAsk, browser_tz, local_ms, use_cal};
use crate::api::{Failure, calendar as api};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::i18n::calendar::{TrCal, tc, use_trc};

/// Waits this long (ms) after a change of times or attendees before asking
/// who is free.
const FREE_BUSY_DELAY_MS: u64 = 700;

type Text = fn(&TrCal) -> &'static str;

#[component]
pub fn EventEditor(open: Open) -> impl IntoView {
    let cal = use_cal();
    let trc = use_trc();
    let form = RwSignal::new(Form::default());
    let version = RwSignal::new(0u32);
    let detail = RwSignal::new(None::<EventDetail>);
    let loading = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let save_error = RwSignal::new(None::<Failure>);
    let saving = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let attendee_error = RwSignal::new(None::<String>);
    let new_attendee = RwSignal::new(String::new());
    let free_busy = RwSignal::new(HashMap::<String, Availability>::new());
    let occurrence = match &open {
        Open::Existing(o) => Some((**o).clone()),
        Open::New { .. } => None,
    };
    let is_new = occurrence.is_none();

    let close = move || cal.editor.set(None);
    // What the form held when it opened: closing with changes asks first,
    // so nothing typed is lost by a stray Escape.
    let initial = StoredValue::new(None::<Form>);
    let discard_ask = RwSignal::new(false);

    // Reads the event (again, after a conflict) and shows it.
    let load = {
        let occurrence = occurrence.clone();
        move || {
            let Some(o) = occurrence.clone() else { return };
            loading.set(true);
            spawn_local(async move {
                let answer = api::event(&o.calendar, &o.id, o.recurrence_id.as_deref()).await;
                loading.try_set(false);
                match answer {
                    Ok(d) => {
                        let f = form_of(&d.data, &d.calendar);
                        initial.try_set_value(Some(f.clone()));
                        form.try_set(f);
                        detail.try_set(Some(d));
                        version.try_update(|v| *v += 1);
                    }
                    Err(e) => {
                        save_error.try_set(Some(e));
                    }
                }
            });
        }
    };
    match &open {
        Open::New { day, minute } => {
            let default = cal.calendars.with_untracked(|l| {
                l.iter()
                    .filter(|c| c.writable)
                    .min_by_key(|c| (c.owner.is_some(), c.hidden))
                    .map(|c| c.id.clone())
                    .unwrap_or_default()
            });
            let f = new_form(*day, *minute, &browser_tz(), &default);
            initial.set_value(Some(f.clone()));
            form.set(f);
        }
        Open::Existing(_) => load(),
    }

    // A new event opened before the calendars were listed: it goes to the
    // first writable one as soon as the list is there.
    if is_new {
        Effect::new(move |_| {
            let first = cal.calendars.with(|l| {
                l.iter()
                    .filter(|c| c.writable)
                    .min_by_key(|c| (c.owner.is_some(), c.hidden))
                    .map(|c| c.id.clone())
            });
            if let Some(first) = first
                && form.with_untracked(|f| f.calendar.is_empty())
            {
                initial.update_value(|i| {
                    if let Some(i) = i {
                        i.calendar = first.clone();
                    }
                });
                form.update(|f| f.calendar = first);
            }
        });
    }

    let editable = move || is_new || detail.with(|d| d.as_ref().is_some_and(|d| d.editable));
    let leave = move || {
        let changed =
            initial.with_value(|i| i.as_ref().is_some_and(|i| form.with_untracked(|f| f != i)));
        if editable() && changed {
            discard_ask.set(true);
        } else {
            close();
        }
    };
    let answer_discard = Callback::new(move |yes: bool| {
        discard_ask.set(false);
        if yes {
            close();
        }
    });
    let recurring = move || detail.with_untracked(|d| d.as_ref().is_some_and(|d| d.recurring));

    // Who is free at the event's time.
    let fb_gen = StoredValue::new(0u32);
    Effect::new(move |_| {
        let asked = form.with(|f| {
            (
                f.all_day,
                f.start_date.clone(),
                f.start_time.clone(),
                f.end_date.clone(),
                f.end_time.clone(),
                f.attendees
                    .iter()
                    .map(|a| a.email.clone())
                    .collect::<Vec<_>>(),
            )
        });
        if !cal.free_busy.get() || asked.5.is_empty() || !editable() {
            return;
        }
        let generation = fb_gen
            .try_update_value(|g| {
                *g += 1;
                *g
            })
            .unwrap_or(0);
        set_timeout(
            move || {
                if fb_gen.try_get_value() != Some(generation) {
                    return;
                }
                let (all_day, sd, st, ed, et, attendees) = asked;
                let (Some(start), Some(end)) = (
                    instant(all_day, &sd, &st, false),
                    instant(all_day, &ed, &et, true),
                ) else {
                    return;
                };
                if end <= start {
                    return;
                }
                spawn_local(async move {
                    let request = FreeBusyRequest {
                        attendees,
                        start,
                        end,
                    };
                    if let Ok(list) = api::free_busy(&request).await
                        && fb_gen.try_get_value() == Some(generation)
                    {
                        free_busy.try_set(
                            list.into_iter()
                                .map(|f| (f.email.to_lowercase(), f.availability))
                                .collect(),
                        );
                    }
                });
            },
            std::time::Duration::from_millis(FREE_BUSY_DELAY_MS),
        );
    });

    let done = move |saved: EventSaved, text: &'static str| {
        cal.flash(text.to_string());
        if let Some(why) = saved.notify_error {
            cal.warning.set(Some((cal.tr().not_notified)(&why)));
        }
        close();
        cal.refresh();
    };
    let failed = {
        let load = load.clone();
        move |e: Failure| {
            let conflict = e == Failure::Api(ApiError::EditConflict);
            save_error.set(Some(e));
            if conflict {
                load();
            }
        }
    };

    let write = {
        let failed = failed.clone();
        move |scope: Scope| {
            let Ok(data) = data_of(&form.get_untracked()) else {
                return;
            };
            let calendar = form.with_untracked(|f| f.calendar.clone());
            let d = detail.get_untracked();
            saving.set(true);
            save_error.set(None);
            let failed = failed.clone();
            spawn_local(async move {
                let answer = match &d {
                    None => {
                        let w = EventWrite {
                            etag: None,
                            data,
                            scope: Scope::All,
                            occurrence: None,
                            notify: true,
                        };
                        api::create_event(&calendar, &w).await
                    }
                    Some(d) => {
                        let w = EventWrite {
                            etag: d.etag.clone(),
                            data,
                            scope,
                            occurrence: if d.recurring {
                                d.occurrence.clone()
                            } else {
                                None
                            },
                            notify: true,
                        };
                        api::update_event(&d.calendar, &d.id, &w).await
                    }
                };
                saving.try_set(false);
                match answer {
                    Ok(saved) => done(saved, cal.tr().saved),
                    Err(e) => failed(e),
                }
            });
        }
    };
    let save = {
        let write = write.clone();
        move || {
            let found = match data_of(&form.get_untracked()) {
                Ok(_) => Vec::new(),
                Err(p) => p,
            };
            if is_new && form.with_untracked(|f| f.calendar.is_empty()) {
                save_error.set(None);
            }
            problems.set(found.clone());
            if !found.is_empty() {
                return;
            }
            if recurring() {
                let write = write.clone();
                cal.scope_ask.set(Some(ScopeAsk {
                    delete: false,
                    then: Callback::new(move |s: Option<Scope>| {
                        if let Some(s) = s {
                            write(s)
                        }
                    }),
                }));
            } else {
                write(Scope::All);
            }
        }
    };

    let remove = {
        let failed = failed.clone();
        move |scope: Scope| {
            let Some(d) = detail.get_untracked() else {
                return;
            };
            saving.set(true);
            save_error.set(None);
            let failed = failed.clone();
            spawn_local(async move {
                let body = EventDelete {
                    etag: d.etag.clone(),
                    scope,
                    occurrence: if d.recurring {
                        d.occurrence.clone()
                    } else {
                        None
                    },
                    notify: true,
                };
                let answer = api::delete_event(&d.calendar, &d.id, &body).await;
                saving.try_set(false);
                match answer {
                    Ok(saved) => done(saved, cal.tr().deleted),
                    Err(e) => failed(e),
                }
            });
        }
    };
    let ask_delete = {
        let remove = remove.clone();
        move || {
            if recurring() {
                let remove = remove.clone();
                cal.scope_ask.set(Some(ScopeAsk {
                    delete: true,
                    then: Callback::new(move |s: Option<Scope>| {
                        if let Some(s) = s {
                            remove(s)
                        }
                    }),
                }));
            } else {
                confirm.set(true);
            }
        }
    };
    let answer_delete = {
        let remove = remove.clone();
        Callback::new(move |yes: bool| {
            confirm.set(false);
            if yes {
                remove(Scope::All);
            }
        })
    };

    let add_attendee = move || {
        let raw = new_attendee.get_untracked();
        let email = raw
            .trim()
            .trim_matches(|c| c == '<' || c == '>' || c == ',')
            .to_string();
        if email.is_empty() {
            return;
        }
        if !valid_email(&email) {
            attendee_error.set(Some((cal.tr().invalid_email)(&email)));
            return;
        }
        attendee_error.set(None);
        form.update(|f| {
            if !f
                .attendees
                .iter()
                .any(|a| a.email.eq_ignore_ascii_case(&email))
            {
                f.attendees.push(Attendee {
                    email,
                    ..Attendee::default()
                });
            }
        });
        new_attendee.set(String::new());
    };

    let first = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(i) = first.get() {
            let _ = i.focus();
        }
    });

    let heading = move || {
        let t = trc();
        if is_new {
            t.new_event
        } else if editable() {
            t.edit_event
        } else {
            t.event_details
        }
    };

    let body = move || {
        version.track();
        if loading.get() && detail.with_untracked(Option::is_none) {
            return view! { <p class="cal-loading">{tc(|t| t.loading)}</p> }.into_any();
        }
        if !is_new && detail.with_untracked(Option::is_none) {
            return ().into_any();
        }
        if !editable() {
            let target =
                detail.with_untracked(|d| d.as_ref().map(|d| (d.calendar.clone(), d.id.clone())));
            return read_only(cal, form.get_untracked(), target).into_any();
        }
        fields(
            cal,
            form,
            is_new,
            first,
            free_busy,
            new_attendee,
            attendee_error,
            add_attendee,
        )
        .into_any()
    };

    let problem_list = move || {
        let found = problems.get();
        (!found.is_empty()).then(|| {
            let t = trc();
            view! {
                <div class="cal-problems" role="alert">
                    <p>{t.fix_problems}</p>
                    <ul>{found.iter().map(|p| view! { <li>{p.text(t)}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    let no_calendar = move || {
        (is_new && cal.listed.get() && form.with(|f| f.calendar.is_empty())).then(
            || view! { <p class="cal-problems" role="alert">{tc(|t| t.no_writable_calendar)}</p> },
        )
    };

    let save_click = save.clone();
    let delete_click = ask_delete.clone();
    view! {
        <div class="dialog-backdrop cal-editor-backdrop">
            <div
                class="dialog cal-editor"
                role="dialog"
                aria-modal="true"
                aria-labelledby="cal-editor-heading"
                on:keydown=move |ev| {
                    if ev.key() == "Escape"
                        && cal.scope_ask.with_untracked(Option::is_none)
                        && !confirm.get_untracked()
                        && !discard_ask.get_untracked()
                    {
                        ev.stop_propagation();
                        leave();
                    }
                }
            >
                <form
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if editable() {
                            save_click();
                        }
                    }
                >
                    <div class="cal-editor-top">
                        <h2 id="cal-editor-heading">{heading}</h2>
                        <button type="button" class="button" aria-label=tc(|t| t.close) on:click=move |_| leave()>
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </div>
                    <div class="cal-editor-body">
                        {body}
                        {problem_list}
                        {no_calendar}
                        <ErrorBanner error=save_error />
                    </div>
                    <div class="dialog-buttons cal-editor-buttons">
                        {move || (!is_new && editable()).then(|| {
                            let delete_click = delete_click.clone();
                            view! {
                                <button type="button" class="button danger cal-delete" disabled=saving on:click=move |_| delete_click()>
                                    {tc(|t| t.delete)}
                                </button>
                            }
                        })}
                        <button type="button" class="button cal-cancel" on:click=move |_| leave()>
                            {move || if editable() { trc().cancel } else { trc().close }}
                        </button>
                        {move || editable().then(|| view! {
                            <button type="submit" class="button primary cal-save" disabled=move || saving.get() || (is_new && form.with(|f| f.calendar.is_empty()))>
                                {move || if saving.get() { trc().saving } else { trc().save }}
                            </button>
                        })}
                    </div>
                </form>
            </div>
            {move || discard_ask.get().then(|| {
                let t = trc();
                view! {
                    <ConfirmDialog
                        heading=t.discard_heading
                        text=t.discard_text
                        confirm_label=t.discard
                        on_answer=answer_discard
                    />
                }
            })}
            {move || confirm.get().then(|| {
                let t = trc();
                view! {
                    <ConfirmDialog
                        heading=t.confirm_delete_event
                        text=t.confirm_delete_event_text
                        confirm_label=t.delete
                        on_answer=answer_delete
                    />
                }
            })}
        </div>
    }
}

/// The instant (ms) of a date and time typed; for all-day events local
/// midnight (the day after for an end).
fn instant(all_day: bool, date: &str, time: &str, end: bool) -> Option<i64> {
    let d = parse_date(date)?;
    if all_day {
        let d = if end {
            shared::calendar::add_days(d, 1)
        } else {
            d
        };
        return Some(local_ms(d, 0));
    }
    let (_, h, m) = parse_local(&format!("{date}T{time}"))?;
    Some(local_ms(d, i64::from(h * 60 + m)))
}

/// Changes the form.
fn edit(form: RwSignal<Form>, f: impl FnOnce(&mut Form)) {
    form.update(f);
}

/// A labelled text input bound to one field.
fn text_input(
    form: RwSignal<Form>,
    label: Text,
    kind: &'static str,
    at: fn(&mut Form) -> &mut String,
    node: NodeRef<leptos::html::Input>,
) -> AnyView {
    let value = form.with_untracked(|f| {
        let mut f = f.clone();
        std::mem::take(at(&mut f))
    });
    let input = view! {
        <input
            type=kind
            node_ref=node
            prop:value=value
            on:input=move |ev| {
                let v = event_target_value(&ev);
                edit(form, |f| *at(f) = v);
            }
        />
    };
    view! {
        <label class="field">
            <span>{tc(label)}</span>
            {input}
        </label>
    }
    .into_any()
}

#[allow(clippy::too_many_arguments)]
fn fields(
    cal: Cal,
    form: RwSignal<Form>,
    is_new: bool,
    first: NodeRef<leptos::html::Input>,
    free_busy: RwSignal<HashMap<String, Availability>>,
    new_attendee: RwSignal<String>,
    attendee_error: RwSignal<Option<String>>,
    add_attendee: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let trc = use_trc();
    let all_day = move || form.with(|f| f.all_day);
    let f0 = form.get_untracked();

    let description = view! {
        <label class="field">
            <span>{tc(|t| t.description)}</span>
            <textarea rows="3" prop:value=f0.description.clone() on:input=move |ev| {
                let v = event_target_value(&ev);
                edit(form, |f| f.description = v);
            }></textarea>
        </label>
    };

    let when = move || {
        let f = form.get_untracked();
        let timed = !f.all_day;
        let time_input = move |label: Text, value: String, at: fn(&mut Form) -> &mut String| {
            timed.then(|| {
                view! {
                    <label class="field cal-time">
                        <span>{tc(label)}</span>
                        <input type="time" step="300" prop:value=value on:input=move |ev| {
                            let v = event_target_value(&ev);
                            edit(form, |f| *at(f) = v);
                        } />
                    </label>
                }
            })
        };
        view! {
            <div class="cal-when">
                <label class="field cal-date">
                    <span>{tc(|t| t.start_date)}</span>
                    <input type="date" prop:value=f.start_date.clone() on:input=move |ev| {
                        let v = event_target_value(&ev);
                        // The end follows the start when it was the same day.
                        edit(form, |f| {
                            if f.end_date == f.start_date || f.end_date < v {
                                f.end_date = v.clone();
                            }
                            f.start_date = v;
                        });
                    } />
                </label>
                {time_input(|t| t.start_time, f.start_time.clone(), |f| &mut f.start_time)}
                <label class="field cal-date">
                    <span>{tc(|t| t.end_date)}</span>
                    <input type="date" prop:value=move || form.with(|f| f.end_date.clone()) on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(form, |f| f.end_date = v);
                    } />
                </label>
                {time_input(|t| t.end_time, f.end_time.clone(), |f| &mut f.end_time)}
            </div>
        }
    };

    let zones = {
        let current = f0.tz.clone();
        let browser = browser_tz();
        let mut list: Vec<String> = vec![current.clone()];
        for z in std::iter::once(browser.as_str()).chain(ZONES) {
            if !list.iter().any(|x| x == z) {
                list.push(z.to_string());
            }
        }
        list.into_iter()
            .map(|z| {
                let selected = z == current;
                view! { <option value=z.clone() selected=selected>{z.clone()}</option> }
            })
            .collect_view()
    };

    let calendar_select = is_new.then(|| {
        let current = f0.calendar.clone();
        let options = cal.calendars.with_untracked(|l| {
            l.iter()
                .filter(|c| c.writable)
                .map(|c| {
                    let name = match &c.owner {
                        Some(o) => format!("{} ({o})", c.name),
                        None => c.name.clone(),
                    };
                    view! { <option value=c.id.clone() selected=c.id == current>{name}</option> }
                })
                .collect_view()
        });
        view! {
            <label class="field">
                <span>{tc(|t| t.calendar)}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |f| f.calendar = v);
                }>{options}</select>
            </label>
        }
    });

    let alarms = {
        let current = f0.alarm;
        let mut choices: Vec<u32> = ALARMS.to_vec();
        if let Some(a) = current
            && !choices.contains(&a)
        {
            choices.push(a);
            choices.sort_unstable();
        }
        let options = choices
            .into_iter()
            .map(|m| {
                view! { <option value=m.to_string() selected=current == Some(m)>{move || (trc().reminder_before)(m)}</option> }
            })
            .collect_view();
        view! {
            <label class="field">
                <span>{tc(|t| t.reminder)}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev).parse::<u32>().ok();
                    edit(form, |f| f.alarm = v);
                }>
                    <option value="" selected=current.is_none()>{tc(|t| t.reminder_none)}</option>
                    {options}
                </select>
            </label>
        }
    };

    let attendees = move || {
        let list = form.with(|f| f.attendees.clone());
        let items = list
            .into_iter()
            .map(|a| {
                let email = a.email.clone();
                let shown = if a.name.is_empty() { a.email.clone() } else { format!("{} <{}>", a.name, a.email) };
                let status = a.status;
                let key = a.email.to_lowercase();
                let availability = move || {
                    (cal.free_busy.get()).then(|| {
                        let t = trc();
                        let (text, class) = match free_busy.with(|m| m.get(&key).copied()) {
                            Some(Availability::Free) => (t.free, "cal-free"),
                            Some(Availability::Busy) => (t.busy, "cal-busy"),
                            _ => (t.unknown, "cal-unknown"),
                        };
                        view! { <span class=format!("cal-availability {class}")>{text}</span> }
                    })
                };
                let remove_label = email.clone();
                view! {
                    <li class="cal-attendee">
                        <span class="cal-attendee-name">{shown}</span>
                        <span class="cal-status">{move || trc().status(status)}</span>
                        {availability}
                        <button
                            type="button"
                            class="button"
                            aria-label=move || (trc().remove_attendee)(&remove_label)
                            on:click=move |_| edit(form, |f| f.attendees.retain(|x| x.email != email))
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                }
            })
            .collect_view();
        let note = form
            .with(|f| !f.attendees.is_empty())
            .then(|| view! { <p class="cal-note">{tc(|t| t.invitations_sent)}</p> });
        view! {
            <ul class="cal-attendees">{items}</ul>
            {note}
        }
    };

    view! {
        <div class="cal-fields">
            {text_input(form, |t| t.title, "text", |f| &mut f.title, first)}
            {text_input(form, |t| t.location, "text", |f| &mut f.location, NodeRef::new())}
            <label class="cal-check">
                <input type="checkbox" prop:checked=f0.all_day on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    edit(form, |f| f.all_day = on);
                } />
                <span>{tc(|t| t.all_day)}</span>
            </label>
            {move || {
                all_day();
                when()
            }}
            <label class="field">
                <span>{tc(|t| t.time_zone)}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |f| f.tz = v);
                }>{zones}</select>
            </label>
            {calendar_select}
            {repeat_fields(form)}
            {alarms}
            <fieldset class="cal-attendees-set">
                <legend>{tc(|t| t.attendees)}</legend>
                {attendees}
                <div class="cal-add-attendee">
                    <label class="field">
                        <span>{tc(|t| t.attendee_address)}</span>
                        <input
                            type="email"
                            autocomplete="email"
                            prop:value=move || new_attendee.get()
                            aria-invalid=move || attendee_error.with(Option::is_some).then_some("true")
                            on:input=move |ev| new_attendee.set(event_target_value(&ev))
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" {
                                    ev.prevent_default();
                                    add_attendee();
                                }
                            }
                        />
                    </label>
                    <button type="button" class="button" on:click=move |_| add_attendee()>
                        {tc(|t| t.add_attendee)}
                    </button>
                </div>
                {move || attendee_error.get().map(|e| view! { <p class="cal-field-error" role="alert">{e}</p> })}
            </fieldset>
            {description}
        </div>
    }
}

/// Repeat: never, daily, weekly (which days), monthly (which way),
/// yearly; every N; until a date or N times. A rule the editor cannot
/// show is kept unless replaced.
fn repeat_fields(form: RwSignal<Form>) -> impl IntoView {
    let trc = use_trc();
    move || {
        let f = form.get_untracked();
        if let Some(other) = f.repeat.other.clone() {
            let rule = other.other.clone().unwrap_or_default();
            return view! {
                <div class="cal-repeat">
                    <p><strong>{tc(|t| t.repeat)}</strong></p>
                    <p>{tc(|t| t.other_rule)}" "<code>{rule}</code></p>
                    <button type="button" class="button" on:click=move |_| form.update(|f| {
                        f.repeat.other = None;
                        f.repeat.repeat = Repeat::Weekly;
                    })>{tc(|t| t.replace_rule)}</button>
                </div>
            }
            .into_any();
        }
        let repeat = f.repeat.repeat;
        let start = parse_date(&f.start_date).unwrap_or((1970, 1, 1));
        let kinds: [(Repeat, &str, Text); 5] = [
            (Repeat::Never, "never", |t| t.repeat_never),
            (Repeat::Daily, "daily", |t| t.repeat_daily),
            (Repeat::Weekly, "weekly", |t| t.repeat_weekly),
            (Repeat::Monthly, "monthly", |t| t.repeat_monthly),
            (Repeat::Yearly, "yearly", |t| t.repeat_yearly),
        ];
        let options = kinds
            .into_iter()
            .map(
                |(r, v, label)| view! { <option value=v selected=r == repeat>{tc(label)}</option> },
            )
            .collect_view();
        let select = view! {
            <label class="field">
                <span>{tc(|t| t.repeat)}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let r = kinds.iter().find(|k| k.1 == v).map_or(Repeat::Never, |k| k.0);
                    form.update(|f| f.repeat.repeat = r);
                }>{options}</select>
            </label>
        };
        if repeat == Repeat::Never {
            return view! { <div class="cal-repeat">{select}</div> }.into_any();
        }
        let unit = match repeat {
            Repeat::Daily => 0,
            Repeat::Weekly => 1,
            Repeat::Monthly => 2,
            _ => 3,
        };
        let interval = view! {
            <label class="field cal-inline">
                <span>{tc(|t| t.every)}</span>
                <input type="number" min="1" max="999" inputmode="numeric" prop:value=f.repeat.interval.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |f| f.repeat.interval = v);
                } />
                <span>{move || trc().every_units[unit]}</span>
            </label>
        };
        let weekdays = (repeat == Repeat::Weekly).then(|| {
            let boxes = (0..7usize)
                .map(|i| {
                    let checked = f.repeat.weekdays[i];
                    view! {
                        <label class="cal-weekday" title=move || trc().days[i]>
                            <input type="checkbox" prop:checked=checked aria-label=move || trc().days[i] on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                edit(form, |f| f.repeat.weekdays[i] = on);
                            } />
                            <span aria-hidden="true">{move || trc().days_letter[i]}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="cal-weekdays">
                    <legend>{tc(|t| t.on_days)}</legend>
                    {boxes}
                </fieldset>
            }
        });
        let monthly = (repeat == Repeat::Monthly).then(|| {
            let by = f.repeat.monthly_by;
            let (n, wd) = (nth_weekday(start), weekday_of(start));
            view! {
                <label class="field">
                    <span class="visually-hidden">{tc(|t| t.repeat_monthly)}</span>
                    <select on:change=move |ev| {
                        let by = if event_target_value(&ev) == "weekday" { MonthlyBy::Weekday } else { MonthlyBy::Date };
                        edit(form, |f| f.repeat.monthly_by = by);
                    }>
                        <option value="date" selected=by == MonthlyBy::Date>{move || (trc().monthly_date)(start.2)}</option>
                        <option value="weekday" selected=by == MonthlyBy::Weekday>{move || (trc().monthly_weekday)(n, wd)}</option>
                    </select>
                </label>
            }
        });
        let ends = f.repeat.ends;
        let end_choice = move |e: Ends, v: &'static str, label: Text| {
            view! {
                <label class="cal-radio">
                    <input type="radio" name="cal-ends" value=v prop:checked=ends == e on:change=move |_| {
                        form.update(|f| f.repeat.ends = e);
                    } />
                    <span>{tc(label)}</span>
                </label>
            }
        };
        let until = (ends == Ends::On).then(|| {
            view! {
                <input type="date" aria-label=tc(|t| t.bad_until) prop:value=f.repeat.until.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |f| f.repeat.until = v);
                } />
            }
        });
        let count = (ends == Ends::After).then(|| {
            view! {
                <input type="number" min="1" max="999" inputmode="numeric" aria-label=tc(|t| t.times) prop:value=f.repeat.count.clone() on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |f| f.repeat.count = v);
                } />
                <span>{tc(|t| t.times)}</span>
            }
        });
        let _ = day_number(start);
        view! {
            <div class="cal-repeat">
                {select}
                {interval}
                {weekdays}
                {monthly}
                <fieldset class="cal-ends">
                    <legend>{tc(|t| t.ends)}</legend>
                    {end_choice(Ends::Never, "never", |t| t.ends_never)}
                    <div class="cal-inline">{end_choice(Ends::On, "on", |t| t.ends_on)}{until}</div>
                    <div class="cal-inline">{end_choice(Ends::After, "after", |t| t.ends_after)}{count}</div>
                </fieldset>
            </div>
        }
        .into_any()
    }
}

/// Someone else's event, or one in a read-only calendar. When the user
/// is invited, they answer here (the organiser is told).
fn read_only(cal: Cal, f: Form, target: Option<(String, String)>) -> impl IntoView {
    let trc = use_trc();
    let me = cal.email.get_untracked().to_lowercase();
    let mine = f
        .attendees
        .iter()
        .find(|a| !me.is_empty() && a.email.to_lowercase() == me)
        .map(|a| a.status);
    let when = if f.all_day {
        if f.start_date == f.end_date {
            f.start_date.clone()
        } else {
            format!("{} – {}", f.start_date, f.end_date)
        }
    } else if f.start_date == f.end_date {
        format!(
            "{} {} – {} ({})",
            f.start_date, f.start_time, f.end_time, f.tz
        )
    } else {
        format!(
            "{} {} – {} {} ({})",
            f.start_date, f.start_time, f.end_date, f.end_time, f.tz
        )
    };
    let when = parse_date(&f.start_date)
        .map(|d| {
            let day = (cal.tr().day_title)(d);
            if f.all_day && f.start_date == f.end_date {
                format!("{day}, {}", cal.tr().all_day.to_lowercase())
            } else if !f.all_day && f.start_date == f.end_date {
                format!("{day}, {} – {} ({})", f.start_time, f.end_time, f.tz)
            } else {
                when.clone()
            }
        })
        .unwrap_or(when);
    let attendees = f
        .attendees
        .iter()
        .map(|a| {
            let status = a.status;
            let shown = if a.name.is_empty() { a.email.clone() } else { a.name.clone() };
            view! { <li><span>{shown}</span>" "<span class="cal-status">{move || trc().status(status)}</span></li> }
        })
        .collect_view();
    let organizer = f.organizer.clone().map(|o| {
        view! { <p><strong>{tc(|t| t.organizer)}{tc(|t| t.colon)}</strong>{o}</p> }
    });
    let answered = RwSignal::new(mine);
    let status = mine.map(|_| {
        view! { <p class="cal-my-status"><strong>{tc(|t| t.your_answer)}{tc(|t| t.colon)}</strong>{move || answered.get().map(|s| trc().status(s))}</p> }
    });
    let busy = RwSignal::new(false);
    let answers = mine.zip(target).map(|(_, (cal_id, id))| {
        let answer = move |value: PartStat| {
            let (cal_id, id) = (cal_id.clone(), id.clone());
            busy.set(true);
            spawn_local(async move {
                let body = shared::calendar::InvitationAnswer {
                    answer: Some(value),
                    calendar: None,
                };
                match crate::api::calendar::answer_event(&cal_id, &id, &body).await {
                    Ok(saved) => {
                        let _ = answered.try_set(Some(value));
                        match saved.notify_error {
                            Some(e) => cal.warning.set(Some(e)),
                            None => cal.flash(cal.tr().answer_sent.to_string()),
                        }
                        cal.refresh();
                    }
                    Err(e) => cal.error.set(Some(e)),
                }
                let _ = busy.try_set(false);
            });
        };
        let answer = StoredValue::new(answer);
        let button = move |label: fn(&TrCal) -> &'static str, value: PartStat| {
            view! {
                <button
                    type="button"
                    class="button"
                    class:primary=move || answered.get() == Some(value)
                    aria-pressed=move || (answered.get() == Some(value)).to_string()
                    disabled=busy
                    on:click=move |_| answer.with_value(|f| f(value))
                >
                    {tc(label)}
                </button>
            }
        };
        view! {
            <div class="cal-answers" role="group" aria-label=tc(|t| t.your_answer)>
                {button(|t| t.answer_accept, PartStat::Accepted)}
                {button(|t| t.answer_maybe, PartStat::Tentative)}
                {button(|t| t.answer_decline, PartStat::Declined)}
            </div>
        }
    });
    view! {
        <div class="cal-read-only">
            <p class="cal-muted">{tc(|t| t.read_only_event)}</p>
            <h3>{f.title.clone()}</h3>
            <p>{when}</p>
            {(!f.location.is_empty()).then(|| view! { <p>{f.location.clone()}</p> })}
            {organizer}
            {status}
            {answers}
            {(!f.attendees.is_empty()).then(|| view! {
                <p><strong>{tc(|t| t.attendees)}</strong></p>
                <ul>{attendees}</ul>
            })}
            {(!f.description.is_empty()).then(|| view! { <p class="cal-description">{f.description.clone()}</p> })}
        </div>
    }
}
