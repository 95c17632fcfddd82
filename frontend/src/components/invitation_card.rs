//! The card above a message that carries a calendar invitation, a reply
//! or a cancellation (iMIP): what, when (in the user's zone), where, who,
//! what clashes in the user's calendar, and the answer buttons. A reply
//! is applied to the organiser's event as soon as it is opened (the
//! server does it idempotently); a cancellation waits for the user.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::calendar::{Attendee, Invitation, InvitationAnswer, Method as ItipMethod, PartStat};

use crate::api::mail::invitation_url;
use crate::api::{Failure, Method, decode, get_text, json, send_text};
use crate::format::{civil, format_full_date, local_seconds};
use crate::i18n::{Tr, t, use_tr};

/// "12 mars 2027, 18:00 – 19:30", or the dates of an all-day event.
pub fn when_text(inv: &Invitation, tr: &Tr) -> String {
    if inv.all_day {
        let s = civil(inv.start / 1000);
        let last = civil(inv.end / 1000 - 86_400);
        let day = |c: &crate::format::Civil| {
            format!(
                "{}\u{a0}{} {}",
                c.day,
                tr.months[(c.month - 1) as usize],
                c.year
            )
        };
        if (s.year, s.month, s.day) == (last.year, last.month, last.day) || inv.end <= inv.start {
            format!("{} ({})", day(&s), tr.inv_all_day)
        } else {
            format!("{} – {} ({})", day(&s), day(&last), tr.inv_all_day)
        }
    } else {
        let start = local_seconds(inv.start / 1000);
        let end = civil(local_seconds(inv.end / 1000));
        let s = civil(start);
        if (s.year, s.month, s.day) == (end.year, end.month, end.day) {
            format!(
                "{} – {:02}:{:02}",
                format_full_date(start, tr),
                end.hour,
                end.minute
            )
        } else {
            format!(
                "{} – {}",
                format_full_date(start, tr),
                format_full_date(local_seconds(inv.end / 1000), tr)
            )
        }
    }
}

fn who(a: &Attendee) -> String {
    if a.name.trim().is_empty() {
        a.email.clone()
    } else {
        format!("{} <{}>", a.name, a.email)
    }
}

fn status_text(s: PartStat, tr: &Tr) -> &'static str {
    match s {
        PartStat::Accepted => tr.inv_accepted,
        PartStat::Tentative => tr.inv_tentative_status,
        PartStat::Declined => tr.inv_declined,
        PartStat::NeedsAction => tr.inv_needs_action,
    }
}

#[component]
pub fn InvitationCard(folder: String, uid: u32) -> impl IntoView {
    let tr = use_tr();
    let card = RwSignal::new(None::<Invitation>);
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let url = invitation_url(&folder, uid);
    {
        let url = url.clone();
        spawn_local(async move {
            let r: Result<Invitation, Failure> = match get_text(&url, None).await {
                Ok(text) => decode(&text),
                Err(e) => Err(e),
            };
            match r {
                Ok(inv) => {
                    // A reply is written into the organiser's event at once.
                    let apply = inv.method == ItipMethod::Reply && inv.in_calendar;
                    let _ = card.try_set(Some(inv));
                    if apply {
                        let body = json(&InvitationAnswer::default());
                        if let Ok(text) = send_text(Method::Post, &url, body).await
                            && let Ok(inv) = decode::<Invitation>(&text)
                        {
                            let _ = card.try_set(Some(inv));
                            let _ = done.try_set(true);
                        }
                    }
                }
                // Not an invitation we can read: no card.
                Err(Failure::Api(shared::ApiError::NotFound)) => {}
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
        });
    }
    let answer = move |a: Option<PartStat>| {
        let url = url.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = json(&InvitationAnswer {
                answer: a,
                calendar: None,
            });
            let r = match send_text(Method::Post, &url, body).await {
                Ok(text) => decode::<Invitation>(&text),
                Err(e) => Err(e),
            };
            match r {
                Ok(inv) => {
                    let _ = card.try_set(Some(inv));
                    let _ = done.try_set(true);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let answer = StoredValue::new(answer);
    move || {
        let inv = card.get()?;
        let tr_now = tr();
        let heading = match inv.method {
            ItipMethod::Request => tr_now.inv_request,
            ItipMethod::Reply => tr_now.inv_reply,
            ItipMethod::Cancel => tr_now.inv_cancel,
        };
        let when = when_text(&inv, tr_now);
        let organizer = inv.organizer.as_ref().map(who);
        let attendees = inv
            .attendees
            .iter()
            .map(|a| format!("{} — {}", who(a), status_text(a.status, tr_now)))
            .collect::<Vec<_>>();
        let clashes = inv.clashes.clone();
        let my = inv.my_status;
        let replied = inv.replied.clone();
        let method = inv.method;
        let in_calendar = inv.in_calendar;
        let outdated = inv.outdated;
        let button = move |label: fn(&Tr) -> &'static str, value: PartStat| {
            let pressed = my == Some(value);
            view! {
                <button
                    type="button"
                    class=if pressed { "button primary" } else { "button" }
                    aria-pressed=pressed.to_string()
                    disabled=busy
                    on:click=move |_| answer.with_value(|f| f(Some(value)))
                >
                    {t(label)}
                </button>
            }
        };
        Some(view! {
            <section class="invitation-card" aria-labelledby="invitation-title">
                <p class="invitation-kind">{heading}</p>
                <h2 id="invitation-title">{inv.title.clone()}</h2>
                <dl class="invitation-meta">
                    <div><dt>{t(|t| t.inv_when)}</dt><dd>{when}{inv.recurring.then(|| format!(" ({})", tr_now.inv_recurring))}</dd></div>
                    {(!inv.location.is_empty()).then(|| view! { <div><dt>{t(|t| t.inv_where)}</dt><dd>{inv.location.clone()}</dd></div> })}
                    {organizer.map(|o| view! { <div><dt>{t(|t| t.inv_organizer)}</dt><dd>{o}</dd></div> })}
                    {(!attendees.is_empty()).then(|| view! {
                        <div>
                            <dt>{t(|t| t.inv_attendees)}</dt>
                            <dd><ul>{attendees.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul></dd>
                        </div>
                    })}
                </dl>
                {(method == ItipMethod::Request).then(|| view! {
                    <p class=if clashes.is_empty() { "invitation-free" } else { "invitation-clash" } role="note">
                        {if clashes.is_empty() {
                            tr_now.inv_no_clash.to_string()
                        } else {
                            format!("{} {}", tr_now.inv_clash, clashes.join(", "))
                        }}
                    </p>
                })}
                {outdated.then(|| view! { <p class="invitation-note">{t(|t| t.inv_outdated)}</p> })}
                {match method {
                    ItipMethod::Request => view! {
                        <div class="invitation-answers" role="group" aria-label=t(|t| t.inv_answer_label)>
                            {button(|t| t.inv_accept, PartStat::Accepted)}
                            {button(|t| t.inv_maybe, PartStat::Tentative)}
                            {button(|t| t.inv_decline, PartStat::Declined)}
                        </div>
                        {my.filter(|s| *s != PartStat::NeedsAction).map(|s| view! {
                            <p class="invitation-status" role="status">
                                {match s {
                                    PartStat::Accepted => tr_now.inv_my_accepted,
                                    PartStat::Tentative => tr_now.inv_my_tentative,
                                    _ => tr_now.inv_my_declined,
                                }}
                                {move || done.get().then(|| format!(" {}", tr().inv_sent))}
                            </p>
                        })}
                    }
                    .into_any(),
                    ItipMethod::Reply => view! {
                        <p class="invitation-status" role="status">
                            {replied.map(|r| format!("{} : {}", who(&r), status_text(r.status, tr_now)))}
                            {if in_calendar { format!(". {}", tr_now.inv_applied) } else { format!(" ({})", tr_now.inv_not_in_calendar) }}
                        </p>
                    }
                    .into_any(),
                    ItipMethod::Cancel => view! {
                        <p class="invitation-status" role="status">{t(|t| t.inv_cancelled)}</p>
                        {(in_calendar && !done.get()).then(|| view! {
                            <button type="button" class="button" disabled=busy on:click=move |_| answer.with_value(|f| f(None))>
                                {t(|t| t.inv_apply_cancel)}
                            </button>
                        })}
                        {move || done.get().then(|| view! { <p role="status">{t(|t| t.inv_applied)}</p> })}
                    }
                    .into_any(),
                }}
                <a class="invitation-open" href="/calendar">{t(|t| t.inv_open_calendar)}</a>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{tr().failure(&e)}</p> })}
            </section>
        })
    }
}
