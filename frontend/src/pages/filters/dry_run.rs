//! "Tester sur les messages récents": the rules being edited, evaluated by
//! the backend against the latest messages of the INBOX, and what they
//! would have done, in words.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::filters::{DryRunRequest, DryRunResult, FilterSet};

use crate::api::{Failure, filters};
use crate::components::error_banner::ErrorBanner;
use crate::format::{format_full_date, local_seconds};
use crate::i18n::use_tr;

#[component]
pub fn DryRun(set: RwSignal<FilterSet>) -> impl IntoView {
    let tr = use_tr();
    let result = RwSignal::new(None::<DryRunResult>);
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let run = move |_| {
        let rules = set.with_untracked(|s| s.rules.clone());
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = filters::dry_run(&DryRunRequest { rules, limit: None }).await;
            busy.set(false);
            match answer {
                Ok(r) => result.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="filters-section dry-run" aria-label=move || tr().dry_run>
            <button type="button" class="button" disabled=busy on:click=run>
                {move || if busy.get() { tr().dry_running } else { tr().dry_run }}
            </button>
            <ErrorBanner error />
            {move || {
                let t = tr();
                result.get().map(|r| {
                    let empty = r.matches.is_empty();
                    let rows = r
                        .matches
                        .into_iter()
                        .map(|m| {
                            let subject = if m.subject.trim().is_empty() { t.no_subject.to_string() } else { m.subject };
                            let from = m.from.map_or_else(|| t.no_sender.to_string(), |a| a.name.filter(|n| !n.trim().is_empty()).unwrap_or(a.email));
                            let what = m.actions.iter().map(|a| (t.action_text)(a)).collect::<Vec<_>>().join(", ");
                            view! {
                                <li>
                                    <strong>{subject}</strong>
                                    <span>{from}" · "{format_full_date(local_seconds(m.date), t)}</span>
                                    <span>{t.rule_label}" : "{m.rule}" → "{what}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <p role="status">{(t.examined)(r.examined)}</p>
                        {empty.then(|| view! { <p>{t.no_match}</p> })}
                        <ul class="dry-run-list">{rows}</ul>
                    }
                })
            }}
        </section>
    }
}
