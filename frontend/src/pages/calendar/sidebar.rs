//! The list of calendars: shown or hidden, and for each a menu (rename,
//! colour, share, import, export, delete, or take a colleague's out of the
//! list); a new calendar; a colleague's calendars; notifications.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::calendar::{Access, COLORS, CalendarChange, CalendarInfo, ImportResult};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, Notification, NotificationPermission};

use super::{Cal, use_cal};
use crate::api::{Failure, calendar as api};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::i18n::calendar::{tc, use_trc};

/// The form open under a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    Rename,
    Color,
    Share,
}

/// How an import went.
#[derive(Debug, Clone, PartialEq)]
enum Imported {
    Done(ImportResult),
    Unreadable,
}

#[component]
pub fn Sidebar(open: RwSignal<bool>) -> impl IntoView {
    let cal = use_cal();
    let trc = use_trc();
    let panel = RwSignal::new(None::<(String, Panel)>);
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let confirm = RwSignal::new(None::<CalendarInfo>);
    let imported = RwSignal::new(None::<(String, Imported)>);
    let adding = RwSignal::new(None::<bool>); // Some(true): new calendar, Some(false): colleague
    let field = RwSignal::new(String::new());
    let other_error = RwSignal::new(None::<&'static str>);
    let can_ask = RwSignal::new(Notification::permission() == NotificationPermission::Default);

    // Runs a change to a calendar; its answer replaces it in the list.
    let change = move |id: String, change: CalendarChange, reload: bool| {
        error.set(None);
        spawn_local(async move {
            match api::change(&id, &change).await {
                Ok(info) => {
                    cal.upsert(info);
                    panel.try_set(None);
                    if reload {
                        cal.refresh();
                    }
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };

    let delete = Callback::new(move |yes: bool| {
        let Some(info) = confirm.get_untracked() else {
            return;
        };
        confirm.set(None);
        if yes {
            remove(cal, error, info.id);
        }
    });

    let submit_add = move || {
        let value = field.get_untracked().trim().to_string();
        other_error.set(None);
        if value.is_empty() {
            other_error.set(Some(cal.tr().name_required));
            return;
        }
        let new_calendar = adding.get_untracked() == Some(true);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if new_calendar {
                let change = CalendarChange {
                    name: Some(value),
                    color: Some(
                        COLORS[cal.calendars.with_untracked(Vec::len) % COLORS.len()].into(),
                    ),
                    hidden: None,
                };
                match api::create(&change).await {
                    Ok(info) => {
                        cal.upsert(info);
                        adding.try_set(None);
                        field.try_set(String::new());
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            } else {
                match api::open_other(&value).await {
                    Ok(list) => {
                        for info in list {
                            cal.upsert(info);
                        }
                        adding.try_set(None);
                        field.try_set(String::new());
                        cal.refresh();
                    }
                    Err(Failure::Api(ApiError::NotFound)) => {
                        other_error.try_set(Some(cal.tr().colleague_unknown));
                    }
                    Err(Failure::Api(ApiError::Forbidden)) => {
                        other_error.try_set(Some(cal.tr().colleague_nothing_shared));
                    }
                    Err(e) => {
                        error.try_set(Some(e));
                    }
                }
            }
            busy.try_set(false);
        });
    };

    // A calendar a colleague shared: added to the list, or declined.
    let answer_offer = move |id: String, accept: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::answer_pending(&id, accept).await {
                Ok(list) => {
                    cal.calendars.try_set(list.calendars);
                    cal.pending.try_set(list.pending);
                    cal.refresh();
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };

    let row = move |c: CalendarInfo| {
        let id = c.id.clone();
        let own = c.owner.is_none();
        let name = c.name.clone();
        let color = c.color.clone();
        let hidden = c.hidden;
        let toggle = {
            let id = id.clone();
            move |ev: leptos::ev::Event| {
                let shown = event_target::<HtmlInputElement>(&ev).checked();
                change(
                    id.clone(),
                    CalendarChange {
                        hidden: Some(!shown),
                        ..CalendarChange::default()
                    },
                    true,
                );
            }
        };
        let open_panel = {
            let id = id.clone();
            move |p: Panel| {
                panel.update(|cur| {
                    *cur = match cur {
                        Some((i, q)) if *i == id && *q == p => None,
                        _ => Some((id.clone(), p)),
                    }
                })
            }
        };
        let menu = if own {
            let (p1, p2, p3) = (open_panel.clone(), open_panel.clone(), open_panel.clone());
            let info = c.clone();
            let import_id = id.clone();
            let share_item = cal.sharing.get_untracked().then(|| {
                view! { <li><button type="button" class="button" on:click=move |_| p3(Panel::Share)>{tc(|t| t.share)}</button></li> }
            });
            view! {
                <li><button type="button" class="button" on:click=move |_| p1(Panel::Rename)>{tc(|t| t.rename)}</button></li>
                <li><button type="button" class="button" on:click=move |_| p2(Panel::Color)>{tc(|t| t.color)}</button></li>
                {share_item}
                <li>
                    <label class="button cal-import">
                        <span>{tc(|t| t.import)}</span>
                        <input
                            type="file"
                            class="visually-hidden"
                            accept=".ics,text/calendar"
                            on:change=move |ev| import_file(cal, &ev, import_id.clone(), imported, error)
                        />
                    </label>
                </li>
                <li><a class="button" href=api::export_url(&id) download="">{tc(|t| t.export)}</a></li>
                <li>
                    <button type="button" class="button danger" on:click=move |_| confirm.set(Some(info.clone()))>
                        {tc(|t| t.delete_calendar)}
                    </button>
                </li>
            }
            .into_any()
        } else {
            let id = id.clone();
            view! {
                <li>
                    <button type="button" class="button" on:click=move |_| remove(cal, error, id.clone())>
                        {tc(|t| t.remove_from_list)}
                    </button>
                </li>
            }
            .into_any()
        };
        let owner = c.owner.clone().map(|who| {
            view! { <span class="cal-owner">{move || (trc().owner)(&who)}</span> }
        });
        let badge =
            (!c.writable).then(|| view! { <span class="cal-badge">{tc(|t| t.read_only)}</span> });
        let panel_view = {
            let c = c.clone();
            move || {
                let p = panel.with(|p| p.as_ref().filter(|(i, _)| *i == c.id).map(|(_, p)| *p))?;
                Some(match p {
                    Panel::Rename => rename_panel(c.clone(), change).into_any(),
                    Panel::Color => color_panel(c.clone(), change).into_any(),
                    Panel::Share => share_panel(cal, c.clone(), error).into_any(),
                })
            }
        };
        let import_report = {
            let id = id.clone();
            move || {
                let (_, result) = imported.get().filter(|(i, _)| *i == id)?;
                let t = trc();
                Some(match result {
                    Imported::Done(r) => {
                        let errors = (!r.errors.is_empty()).then(|| {
                            view! {
                                <p>{t.import_errors}</p>
                                <ul>{r.errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
                            }
                        });
                        view! {
                            <div class="cal-import-report" role="status">
                                <p>{(t.imported)(r.created, r.skipped)}</p>
                                {errors}
                            </div>
                        }
                        .into_any()
                    }
                    Imported::Unreadable => view! {
                        <div class="cal-import-report" role="status"><p>{t.import_unreadable}</p></div>
                    }
                    .into_any(),
                })
            }
        };
        let label_name = name.clone();
        view! {
            <li class="cal-calendar" data-id=id.clone()>
                <div class="cal-calendar-row">
                    <label class="cal-calendar-show">
                        <input
                            type="checkbox"
                            prop:checked=!hidden
                            aria-label=move || (trc().show)(&label_name)
                            on:change=toggle
                        />
                        <span class="cal-swatch" style=format!("background: {color}") aria-hidden="true"></span>
                        <span class="cal-calendar-name">{name.clone()}</span>
                    </label>
                    {owner}
                    {badge}
                    <details class="cal-menu">
                        <summary class="button" aria-label=move || (trc().calendar_menu)(&name)>
                            <span aria-hidden="true">"⋯"</span>
                        </summary>
                        <ul>{menu}</ul>
                    </details>
                </div>
                {panel_view}
                {import_report}
            </li>
        }
    };

    let add_form = move || {
        let new_calendar = adding.get()?;
        let label = if new_calendar {
            trc().name
        } else {
            trc().other_who
        };
        Some(view! {
            <form
                class="cal-add-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit_add();
                }
            >
                <label class="field">
                    <span>{label}</span>
                    <input
                        type="text"
                        autocomplete="off"
                        prop:value=move || field.get()
                        aria-invalid=move || other_error.get().is_some().then_some("true")
                        on:input=move |ev| field.set(event_target_value(&ev))
                    />
                </label>
                {move || other_error.get().map(|e| view! { <p class="cal-field-error" role="alert">{e}</p> })}
                <div class="cal-form-buttons">
                    <button type="submit" class="button primary" disabled=busy>
                        {move || if new_calendar { trc().save } else { trc().open }}
                    </button>
                    <button type="button" class="button" on:click=move |_| adding.set(None)>
                        {tc(|t| t.cancel)}
                    </button>
                </div>
            </form>
        })
    };

    view! {
        <aside
            id="cal-sidebar"
            class="cal-sidebar"
            aria-label=tc(|t| t.calendars)
            data-open=move || open.get().then_some("true")
        >
            <h2>{tc(|t| t.calendars)}</h2>
            <ErrorBanner error />
            <ul class="cal-calendars">
                <For
                    each=move || cal.calendars.get()
                    key=|c: &CalendarInfo| format!("{}|{}|{}|{}|{}", c.id, c.name, c.color, c.hidden, c.shares.len())
                    children=row
                />
            </ul>
            {move || {
                let offers = cal.pending.get();
                (!offers.is_empty()).then(|| {
                    let items = offers
                        .into_iter()
                        .map(|p| {
                            let text = (trc().shared_with_you)(&p.owner, &p.name, p.access == Access::ReadWrite);
                            let (id_yes, id_no) = (p.id.clone(), p.id);
                            view! {
                                <li class="cal-offer">
                                    <p>{text}</p>
                                    <div class="cal-form-buttons">
                                        <button type="button" class="button primary" disabled=busy on:click=move |_| answer_offer(id_yes.clone(), true)>
                                            {tc(|t| t.add_shared)}
                                        </button>
                                        <button type="button" class="button" disabled=busy on:click=move |_| answer_offer(id_no.clone(), false)>
                                            {tc(|t| t.decline_shared)}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="cal-offers" aria-labelledby="cal-offers-heading">
                            <h3 id="cal-offers-heading">{tc(|t| t.shared_offers)}</h3>
                            <ul>{items}</ul>
                        </section>
                    }
                })
            }}
            <div class="cal-sidebar-buttons">
                <button type="button" class="button" on:click=move |_| {
                    field.set(String::new());
                    other_error.set(None);
                    adding.set(Some(true));
                }>
                    <span aria-hidden="true">"+ "</span>
                    {tc(|t| t.new_calendar)}
                </button>
                <button type="button" class="button" on:click=move |_| {
                    field.set(String::new());
                    other_error.set(None);
                    adding.set(Some(false));
                }>
                    {tc(|t| t.open_other)}
                </button>
            </div>
            {add_form}
            {move || can_ask.get().then(|| view! {
                <button type="button" class="button cal-notify" on:click=move |_| {
                    // Asked only on the user's click, as browsers require.
                    let _ = Notification::request_permission();
                    can_ask.set(false);
                }>
                    {tc(|t| t.enable_notifications)}
                </button>
            })}
            {move || confirm.get().map(|info| {
                let t = trc();
                view! {
                    <ConfirmDialog
                        heading=t.confirm_delete_calendar
                        text=(t.confirm_delete_calendar_text)(&info.name)
                        confirm_label=t.delete_calendar
                        on_answer=delete
                    />
                }
            })}
        </aside>
    }
}

/// Deletes an own calendar, or takes a colleague's out of the list.
fn remove(cal: Cal, error: RwSignal<Option<Failure>>, id: String) {
    error.set(None);
    spawn_local(async move {
        match api::delete(&id).await {
            Ok(()) => {
                cal.calendars.try_update(|l| l.retain(|c| c.id != id));
                cal.refresh();
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}

fn import_file(
    cal: Cal,
    ev: &leptos::ev::Event,
    id: String,
    imported: RwSignal<Option<(String, Imported)>>,
    error: RwSignal<Option<Failure>>,
) {
    let input = event_target::<HtmlInputElement>(ev);
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    error.set(None);
    imported.set(None);
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string());
        let Some(text) = text else {
            imported.try_set(Some((id, Imported::Unreadable)));
            return;
        };
        match api::import(&id, text).await {
            Ok(result) => {
                imported.try_set(Some((id, Imported::Done(result))));
                cal.refresh();
            }
            Err(e) => {
                error.try_set(Some(e));
            }
        }
    });
}

fn rename_panel(
    c: CalendarInfo,
    change: impl Fn(String, CalendarChange, bool) + Copy + 'static,
) -> impl IntoView {
    let name = RwSignal::new(c.name.clone());
    let id = c.id;
    view! {
        <form class="cal-panel" on:submit=move |ev| {
            ev.prevent_default();
            let n = name.get_untracked().trim().to_string();
            if !n.is_empty() {
                change(id.clone(), CalendarChange { name: Some(n), ..CalendarChange::default() }, false);
            }
        }>
            <label class="field">
                <span>{tc(|t| t.name)}</span>
                <input type="text" prop:value=c.name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary">{tc(|t| t.save)}</button>
        </form>
    }
}

fn color_panel(
    c: CalendarInfo,
    change: impl Fn(String, CalendarChange, bool) + Copy + 'static,
) -> impl IntoView {
    let trc = use_trc();
    let swatches = COLORS
        .iter()
        .enumerate()
        .map(|(i, &color)| {
            let id = c.id.clone();
            let current = c.color.eq_ignore_ascii_case(color);
            view! {
                <button
                    type="button"
                    class="cal-color"
                    style=format!("background: {color}")
                    aria-pressed=if current { "true" } else { "false" }
                    aria-label=move || (trc().color_n)(i + 1)
                    on:click=move |_| change(id.clone(), CalendarChange { color: Some(color.to_string()), ..CalendarChange::default() }, true)
                ></button>
            }
        })
        .collect_view();
    view! {
        <div class="cal-panel cal-colors" role="group" aria-label=tc(|t| t.color)>{swatches}</div>
    }
}

fn share_panel(cal: Cal, c: CalendarInfo, error: RwSignal<Option<Failure>>) -> impl IntoView {
    let trc = use_trc();
    let who = RwSignal::new(String::new());
    let access = RwSignal::new(Access::Read);
    let id = c.id.clone();
    let shares = if c.shares.is_empty() {
        view! { <p class="cal-muted">{tc(|t| t.not_shared)}</p> }.into_any()
    } else {
        c.shares
            .iter()
            .map(|s| {
                let shown = if s.name.is_empty() { s.who.clone() } else { format!("{} ({})", s.name, s.who) };
                let (id, w, w2) = (id.clone(), s.who.clone(), s.who.clone());
                let write = s.access == Access::ReadWrite;
                view! {
                    <li>
                        <span>{shown}</span>
                        <span class="cal-muted">{move || if write { trc().access_write } else { trc().access_read }}</span>
                        <button
                            type="button"
                            class="button"
                            aria-label=move || (trc().remove_share)(&w2)
                            on:click=move |_| {
                                let (id, w) = (id.clone(), w.clone());
                                error.set(None);
                                spawn_local(async move {
                                    match api::unshare(&id, &w).await {
                                        Ok(info) => cal.upsert(info),
                                        Err(e) => {
                                            error.try_set(Some(e));
                                        }
                                    }
                                });
                            }
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="cal-panel cal-share">
            <p><strong>{tc(|t| t.shared_with)}</strong></p>
            <ul class="cal-shares">{shares}</ul>
            <form on:submit=move |ev| {
                ev.prevent_default();
                let w = who.get_untracked().trim().to_string();
                if w.is_empty() {
                    return;
                }
                let (id, a) = (id.clone(), access.get_untracked());
                error.set(None);
                spawn_local(async move {
                    match api::share(&id, &w, a).await {
                        Ok(info) => cal.upsert(info),
                        Err(e) => {
                            error.try_set(Some(e));
                        }
                    }
                });
            }>
                <label class="field">
                    <span>{tc(|t| t.share_who)}</span>
                    <input type="text" autocomplete="off" on:input=move |ev| who.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{tc(|t| t.access_read)}" / "{tc(|t| t.access_write)}</span>
                    <select on:change=move |ev| {
                        access.set(if event_target_value(&ev) == "rw" { Access::ReadWrite } else { Access::Read })
                    }>
                        <option value="r">{tc(|t| t.access_read)}</option>
                        <option value="rw">{tc(|t| t.access_write)}</option>
                    </select>
                </label>
                <button type="submit" class="button primary">{tc(|t| t.add_share)}</button>
            </form>
        </div>
    }
}
