//! The filters page: the ordered rules and a rule's editor, the
//! out-of-office reply and forwarding, saving them all (a script another
//! program wrote is shown read-only, and replaced only with the user's
//! consent), and trying the rules on recent messages before saving.

mod dry_run;
mod form;
mod rule_editor;
mod rule_list;
mod vacation;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::filters::{
    Action, Condition, Field, FilterRule, FilterSet, FiltersState, ForeignScript, ForwardAll, Op,
    SaveFilters, Vacation,
};

use crate::api::{Aborter, Failure, filters};
use crate::app::HOME;
use crate::components::{
    confirm_dialog::ConfirmDialog, error_banner::ErrorBanner, lang_switch::LangSwitch,
};
use crate::i18n::{t, use_tr};
use crate::router::use_router;
use crate::state::folders::{display_name, provide_folders};
use crate::state::session::{SessionState, use_session};
use dry_run::DryRun;
use rule_editor::RuleEditor;
use rule_list::RuleList;
use vacation::VacationForm;

pub use super::filters_link::FILTERS_PATH;

/// A new rule, enabled, with one empty condition and a move to choose.
pub fn new_rule(name: String) -> FilterRule {
    FilterRule {
        name,
        enabled: true,
        match_all: true,
        conditions: vec![Condition::Text {
            field: Field::Subject,
            op: Op::Contains,
            value: String::new(),
        }],
        actions: vec![Action::MoveTo(String::new())],
        stop: false,
    }
}

/// The rule asked for by the address (`new=from:<address>` or
/// `new=list:<list-id>`), named `name` or after the value.
pub fn prefilled_rule(new: &str, name: Option<String>) -> Option<FilterRule> {
    let (kind, value) = new.split_once(':')?;
    let (field, op) = match kind {
        "from" => (Field::From, Op::Is),
        "list" => (Field::ListId, Op::Contains),
        _ => return None,
    };
    let value = value.trim().to_string();
    if value.is_empty() {
        return None;
    }
    let name = name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| value.clone());
    let mut rule = new_rule(name);
    rule.conditions = vec![Condition::Text { field, op, value }];
    Some(rule)
}

/// No out-of-office reply yet: off, once a week per sender.
pub fn no_vacation() -> Vacation {
    Vacation {
        enabled: false,
        first_day: None,
        last_day: None,
        subject: String::new(),
        message: String::new(),
        days: 7,
        addresses: Vec::new(),
    }
}

/// No forwarding yet: a copy is kept by default.
pub fn no_forward() -> ForwardAll {
    ForwardAll {
        address: String::new(),
        keep_copy: true,
    }
}

/// What is sent when saving: forwarding only when on, and an untouched,
/// unused out-of-office reply left out.
pub fn to_save(mut filters: FilterSet, forward_on: bool) -> FilterSet {
    if !forward_on {
        filters.forward = None;
    }
    if filters
        .vacation
        .as_ref()
        .is_some_and(|v| !v.enabled && v.message.trim().is_empty())
    {
        filters.vacation = None;
    }
    filters
}

/// What the confirmation dialog asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    DeleteRule(usize),
    ReplaceForeign,
}

/// Waits for the session like the mail pages (the app sends strangers to
/// the login page).
#[component]
pub fn FiltersPage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    move || {
        if logged_in.get() {
            Either::Left(FiltersShell())
        } else {
            Either::Right(view! { <p class="app-loading">{t(|t| t.loading)}</p> })
        }
    }
}

#[component]
fn FiltersShell() -> impl IntoView {
    let tr = use_tr();
    let session = use_session();
    let router = use_router();
    let folders = provide_folders();
    folders.refresh();

    let set = RwSignal::new(FilterSet::default());
    let forward_on = RwSignal::new(false);
    let foreign = RwSignal::new(None::<ForeignScript>);
    let loaded = RwSignal::new(false);
    let editing = RwSignal::new(None::<usize>);
    let error = RwSignal::new(None::<Failure>);
    let save_error = RwSignal::new(None::<Failure>);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let confirm = RwSignal::new(None::<Confirm>);
    let aborter = Aborter::new();

    let folder_options = Signal::derive(move || {
        let t = tr();
        folders.list.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.folders
                        .iter()
                        .filter(|f| f.selectable)
                        .map(|f| {
                            let indent = "\u{a0}\u{a0}".repeat(f.depth as usize);
                            (f.path.clone(), format!("{indent}{}", display_name(f, t)))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });

    // What the server holds becomes the form (with room for an
    // out-of-office reply and forwarding).
    let apply = move |state: FiltersState| {
        let mut f = state.filters;
        forward_on.set(f.forward.is_some());
        f.forward.get_or_insert_with(no_forward);
        f.vacation.get_or_insert_with(no_vacation);
        foreign.set(state.foreign_script);
        editing.set(None);
        set.set(f);
    };
    let load = move || {
        let ticket = aborter.next();
        error.set(None);
        spawn_local(async move {
            let answer = filters::load(&ticket).await;
            if !aborter.is_current(&ticket) {
                return;
            }
            match answer {
                Ok(state) => {
                    apply(state);
                    // "Créer un filtre" from a message: its rule, open.
                    if let Some(rule) = router
                        .query("new")
                        .and_then(|new| prefilled_rule(&new, router.query("name")))
                    {
                        let n = set.with_untracked(|s| s.rules.len());
                        set.update(|s| s.rules.push(rule));
                        editing.set(Some(n));
                        router.navigate(FILTERS_PATH, true);
                    }
                    loaded.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();

    let save = move |replace_foreign: bool| {
        let filters = to_save(set.get_untracked(), forward_on.get_untracked());
        saving.set(true);
        saved.set(false);
        save_error.set(None);
        spawn_local(async move {
            let answer = filters::save(&SaveFilters {
                filters,
                replace_foreign,
            })
            .await;
            saving.set(false);
            match answer {
                Ok(state) => {
                    apply(state);
                    saved.set(true);
                }
                Err(e) => save_error.set(Some(e)),
            }
        });
    };
    let answer = Callback::new(move |yes: bool| {
        let asked = confirm.get_untracked();
        confirm.set(None);
        match asked {
            Some(Confirm::DeleteRule(i)) if yes => {
                set.update(|s| {
                    if i < s.rules.len() {
                        s.rules.remove(i);
                    }
                });
                editing.update(|e| {
                    *e = match *e {
                        Some(e) if e == i => None,
                        Some(e) if e > i => Some(e - 1),
                        other => other,
                    }
                });
            }
            Some(Confirm::ReplaceForeign) if yes => save(true),
            _ => {}
        }
    });

    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", tr().filters, session.brand()));
    });
    on_cleanup(|| document().set_title(crate::state::session::DEFAULT_BRAND));

    let home = move |ev: leptos::ev::MouseEvent| router.follow(&ev, HOME);
    view! {
        <div class="app filters-app">
            <header class="app-header">
                <a class="button" href=HOME on:click=home>
                    <span aria-hidden="true">"‹ "</span>
                    {t(|t| t.mail)}
                </a>
                <span class="brand">{move || session.brand()}</span>
                <LangSwitch />
                <button type="button" class="button logout" on:click=move |_| session.logout()>
                    {t(|t| t.logout)}
                </button>
            </header>
            <main class="filters-page">
                <h1>{t(|t| t.filters)}</h1>
                <ErrorBanner error on_retry=Callback::new(move |_| load()) />
                {move || (!loaded.get() && error.with(Option::is_none)).then(|| view! { <p>{t(|t| t.loading)}</p> })}
                {move || foreign.get().map(|f| view! {
                    <section class="filters-section foreign" aria-labelledby="foreign-heading">
                        <h2 id="foreign-heading">{t(|t| t.foreign_heading)}</h2>
                        <p>{t(|t| t.foreign_text)}</p>
                        <pre>{f.content}</pre>
                        <div class="filters-buttons">
                            <a class="button" href=HOME on:click=home>{t(|t| t.keep_foreign)}</a>
                            {form::button(|t| t.replace_foreign, "danger", Callback::new(move |_| confirm.set(Some(Confirm::ReplaceForeign))))}
                        </div>
                    </section>
                })}
                {move || loaded.get().then(|| view! {
                    <RuleList set editing on_delete=Callback::new(move |i| confirm.set(Some(Confirm::DeleteRule(i)))) />
                    {move || editing.get().map(|index| view! {
                        <RuleEditor set index folders=folder_options on_close=Callback::new(move |_| editing.set(None)) />
                    })}
                    <DryRun set />
                    <VacationForm set forward_on />
                    <div class="filters-save">
                        <ErrorBanner error=save_error />
                        <p role="status">{move || saved.get().then(|| tr().saved)}</p>
                        <button type="button" class="button primary" disabled=saving on:click=move |_| save(false)>
                            {move || if saving.get() { tr().saving } else { tr().save }}
                        </button>
                    </div>
                })}
                {move || confirm.get().map(|c| {
                    let t = tr();
                    let (heading, text, label) = match c {
                        Confirm::DeleteRule(_) => (t.confirm_delete_rule, t.confirm_delete_rule_text, t.delete),
                        Confirm::ReplaceForeign => (t.confirm_replace, t.confirm_replace_text, t.replace_foreign),
                    };
                    view! { <ConfirmDialog heading text confirm_label=label on_answer=answer /> }
                })}
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::query_param;

    #[test]
    fn a_rule_from_a_message_goes_through_the_address() {
        let href =
            crate::pages::filters_link::new_rule_href("bob+listes@ac-demo.fr", "Bob Garnier");
        let search = href.split_once('?').unwrap().1;
        let rule = prefilled_rule(
            &query_param(search, "new").unwrap(),
            query_param(search, "name"),
        )
        .unwrap();
        assert_eq!(rule.name, "Bob Garnier");
        assert_eq!(
            rule.conditions,
            vec![Condition::Text {
                field: Field::From,
                op: Op::Is,
                value: "bob+listes@ac-demo.fr".into()
            }]
        );
        let list = prefilled_rule("list:enseignants.ac-demo.fr", None).unwrap();
        assert_eq!(list.name, "enseignants.ac-demo.fr");
        assert!(prefilled_rule("from:", None).is_none());
        assert!(prefilled_rule("x:y", None).is_none());
    }

    #[test]
    fn an_unused_reply_and_forwarding_are_not_saved() {
        let set = FilterSet {
            rules: vec![],
            vacation: Some(no_vacation()),
            forward: Some(no_forward()),
        };
        assert_eq!(to_save(set.clone(), false), FilterSet::default());
        let kept = to_save(set, true);
        assert_eq!(kept.forward, Some(no_forward()));
    }
}
