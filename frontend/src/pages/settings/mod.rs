//! The settings page: the identities (the login address, whose name,
//! reply-to and signature may change, and others added), the format
//! messages are written in, the undo delay of "Envoyer", the language,
//! what is kept for offline reading ([`offline`]). Saved together; what
//! the server kept is shown. Then sections acting at once: the folders
//! ([`folders`]), freeing space ([`space`]), import and export ([`transfer`]).

pub mod edit;
pub mod folders;
pub mod offline;
pub mod space;
pub mod transfer;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::compose::BodyFormat;
use shared::prefs::{Identity, Preferences};

use crate::api::{Failure, prefs};
use crate::components::error_banner::ErrorBanner;
use crate::components::page_header::{Here, PageHeader};
use crate::i18n::people::{TrPeople, tp, use_trp};
use crate::i18n::{Lang, t};
use crate::state::folders::provide_folders;
use crate::state::lang::{set_lang, use_lang};
use crate::state::session::{SessionState, use_session};
use edit::{Problem, cleaned, new_identity, problems, undo_choices, with_login_identity};
use offline::{DeviceData, offline_section};

/// A label picked from the current language's table.
type Label = fn(&TrPeople) -> &'static str;

/// The page's state, handed to the parts of the form.
#[derive(Clone, Copy)]
struct Ctx {
    /// The preferences being edited (`None` until loaded).
    prefs: RwSignal<Option<Preferences>>,
    /// Changes when the form must be built again from `prefs`.
    version: RwSignal<u32>,
    show_problems: RwSignal<bool>,
    saved: RwSignal<bool>,
}

impl Ctx {
    /// Changes the preferences as the user typed.
    fn edit(self, f: impl FnOnce(&mut Preferences)) {
        self.saved.set(false);
        self.prefs.update(|p| {
            if let Some(p) = p {
                f(p)
            }
        });
    }

    /// Changes the identity `n`.
    fn edit_identity(self, n: usize, f: impl FnOnce(&mut Identity)) {
        self.edit(|p| {
            if let Some(i) = p.identities.get_mut(n) {
                f(i)
            }
        });
    }

    /// Builds the form again (after a change of its shape).
    fn rebuild(self) {
        self.version.update(|v| *v += 1);
    }
}

/// Waits for the session like the mail pages.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    view! {
        <div class="app people-app">
            <PageHeader here=Here::Settings />
            {move || {
                if logged_in.get() {
                    Either::Left(SettingsShell())
                } else {
                    Either::Right(view! { <p class="app-loading">{t(|t| t.loading)}</p> })
                }
            }}
        </div>
    }
}

#[component]
fn SettingsShell() -> impl IntoView {
    let trp = use_trp();
    let session = use_session();
    let lang = use_lang();
    let login_email = StoredValue::new(match session.state.get_untracked() {
        SessionState::LoggedIn(info) => info.email,
        _ => String::new(),
    });
    let ctx = Ctx {
        prefs: RwSignal::new(None),
        version: RwSignal::new(0),
        show_problems: RwSignal::new(false),
        saved: RwSignal::new(false),
    };
    let error = RwSignal::new(None::<Failure>);
    let save_error = RwSignal::new(None::<Failure>);
    let saving = RwSignal::new(false);
    // The folders one may keep offline, and what this device keeps.
    let folders = provide_folders();
    folders.refresh();
    let device = DeviceData::new();

    // What the server holds becomes the form.
    let apply = move |p: Preferences| {
        let login = login_email.try_get_value().unwrap_or_default();
        ctx.prefs.try_set(Some(with_login_identity(p, &login)));
        ctx.show_problems.try_set(false);
        ctx.version.try_update(|v| *v += 1);
    };
    let load = move || {
        error.set(None);
        spawn_local(async move {
            match prefs::load().await {
                Ok(p) => apply(p),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    load();
    let retry = Callback::new(move |_| load());

    let save = move || {
        let Some(p) = ctx.prefs.get_untracked() else {
            return;
        };
        if !problems(&p).is_empty() {
            ctx.show_problems.set(true);
            return;
        }
        saving.set(true);
        ctx.saved.set(false);
        save_error.set(None);
        spawn_local(async move {
            let answer = prefs::save(&cleaned(&p)).await;
            saving.try_set(false);
            match answer {
                Ok(kept) => {
                    apply(kept);
                    ctx.saved.try_set(true);
                }
                Err(e) => {
                    save_error.try_set(Some(e));
                }
            }
        });
    };

    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", trp().settings_heading, session.brand()));
    });
    on_cleanup(|| document().set_title(crate::state::session::DEFAULT_BRAND));

    let problem_list = move || {
        if !ctx.show_problems.get() {
            return None;
        }
        let found = ctx
            .prefs
            .with(|p| p.as_ref().map(problems).unwrap_or_default());
        (!found.is_empty()).then(|| {
            let t = trp();
            view! {
                <div class="settings-problems" role="alert">
                    <p>{t.fix_problems}</p>
                    <ul>{found.iter().map(|p| view! { <li>{p.text(t)}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };

    let form = move || {
        ctx.version.track();
        let p = ctx.prefs.get_untracked()?;
        let identities = p
            .identities
            .iter()
            .enumerate()
            .map(|(n, i)| identity_view(ctx, n, i))
            .collect_view();
        let chosen_lang = p
            .language
            .clone()
            .unwrap_or_else(|| lang.get_untracked().code().to_string());
        Some(view! {
            <form
                class="settings-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    save();
                }
            >
                <section class="settings-section" aria-labelledby="settings-identities">
                    <h2 id="settings-identities">{tp(|t| t.identities)}</h2>
                    <p class="settings-help">{tp(|t| t.identities_help)}</p>
                    {identities}
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            ctx.edit(|p| {
                                let added = new_identity(p);
                                p.identities.push(added);
                            });
                            ctx.rebuild();
                        }
                    >
                        <span aria-hidden="true">"+ "</span>
                        {tp(|t| t.add_identity)}
                    </button>
                </section>
                <section class="settings-section">
                    <fieldset class="settings-choices">
                        <legend>{tp(|t| t.format_heading)}</legend>
                        <p class="settings-help">{tp(|t| t.format_help)}</p>
                        {format_choice(ctx, BodyFormat::Html, |t| t.format_rich, p.compose_format)}
                        {format_choice(ctx, BodyFormat::Text, |t| t.format_plain, p.compose_format)}
                    </fieldset>
                </section>
                <section class="settings-section">
                    <label class="field">
                        <span class="settings-legend">{tp(|t| t.undo_heading)}</span>
                        <span class="settings-help">{tp(|t| t.undo_help)}</span>
                        <select
                            class="settings-undo"
                            on:change=move |ev| {
                                if let Ok(s) = event_target_value(&ev).parse::<u8>() {
                                    ctx.edit(|p| p.undo_send_secs = s);
                                }
                            }
                        >
                            {undo_choices(p.undo_send_secs)
                                .into_iter()
                                .map(|s| view! {
                                    <option value=s.to_string() selected=s == p.undo_send_secs>
                                        {move || (trp().undo_secs)(s)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </label>
                </section>
                <section class="settings-section">
                    <fieldset class="settings-choices">
                        <legend>{tp(|t| t.language_heading)}</legend>
                        <p class="settings-help">{tp(|t| t.language_help)}</p>
                        {Lang::ALL
                            .into_iter()
                            .map(|l| {
                                let checked = chosen_lang == l.code();
                                view! {
                                    <label class="settings-radio">
                                        <input
                                            type="radio"
                                            name="settings-language"
                                            value=l.code()
                                            checked=checked
                                            on:change=move |_| {
                                                ctx.edit(|p| p.language = Some(l.code().to_string()));
                                                set_lang(lang, l);
                                            }
                                        />
                                        <span lang=l.code()>{l.table().lang_name}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                </section>
                {offline_section(ctx, &p, folders, device)}
                <folders::FoldersSection folders />
                <space::SpaceSection folders />
                <transfer::TransferSection folders />
                {problem_list}
                <ErrorBanner error=save_error />
                <div class="settings-save">
                    <p role="status">{move || ctx.saved.get().then(|| trp().saved)}</p>
                    <button type="submit" class="button primary" disabled=saving>
                        {move || if saving.get() { trp().saving } else { trp().save }}
                    </button>
                </div>
            </form>
        })
    };

    view! {
        <main class="people-page settings-page">
            <h1>{tp(|t| t.settings_heading)}</h1>
            <ErrorBanner error on_retry=retry />
            {move || (ctx.prefs.with(Option::is_none) && error.with(Option::is_none))
                .then(|| view! { <p>{t(|t| t.loading)}</p> })}
            {form}
        </main>
    }
}

/// One radio button of the message format.
fn format_choice(ctx: Ctx, format: BodyFormat, label: Label, current: BodyFormat) -> AnyView {
    let value = match format {
        BodyFormat::Html => "html",
        BodyFormat::Text => "text",
    };
    view! {
        <label class="settings-radio">
            <input
                type="radio"
                name="settings-format"
                value=value
                checked=format == current
                on:change=move |_| ctx.edit(|p| p.compose_format = format)
            />
            <span>{tp(label)}</span>
        </label>
    }
    .into_any()
}

/// A labelled input bound to a text field of the identity `n`.
fn identity_field(
    ctx: Ctx,
    n: usize,
    label: Label,
    kind: &'static str,
    value: String,
    at: fn(&mut Identity) -> &mut String,
) -> AnyView {
    // Only an address is checked here (the reply-to has its own input).
    let wrong = move || {
        kind == "email"
            && ctx.show_problems.get()
            && ctx.prefs.with(|p| {
                p.as_ref().is_some_and(|p| {
                    problems(p)
                        .iter()
                        .any(|pb| pb.identity() == n && !matches!(pb, Problem::InvalidReplyTo(..)))
                })
            })
    };
    view! {
        <label class="field">
            <span>{tp(label)}</span>
            <input
                type=kind
                prop:value=value
                aria-invalid=move || wrong().then_some("true")
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    ctx.edit_identity(n, |i| *at(i) = v);
                }
            />
        </label>
    }
    .into_any()
}

/// The fields of the identity `n`: the login one (`n == 0`) keeps its address.
fn identity_view(ctx: Ctx, n: usize, i: &Identity) -> AnyView {
    let main = n == 0;
    let address = if main {
        view! {
            <p class="settings-address">
                <span class="settings-legend">{tp(|t| t.identity_email)}</span>
                <span>{i.email.clone()}</span>
            </p>
        }
        .into_any()
    } else {
        identity_field(
            ctx,
            n,
            |t| t.identity_email,
            "email",
            i.email.clone(),
            |i| &mut i.email,
        )
    };
    let remove = (!main).then(|| {
        view! {
            <button
                type="button"
                class="button danger"
                on:click=move |_| {
                    ctx.edit(|p| {
                        if n < p.identities.len() {
                            p.identities.remove(n);
                        }
                    });
                    ctx.rebuild();
                }
            >
                {tp(|t| t.remove_identity)}
            </button>
        }
    });
    let signature = i.signature.clone();
    let reply_to = i.reply_to.clone().unwrap_or_default();
    view! {
        <fieldset class="settings-identity">
            <legend>{tp(if main { |t| t.login_identity } else { |t| t.other_identity })}</legend>
            {address}
            {identity_field(ctx, n, |t| t.identity_name, "text", i.name.clone(), |i| &mut i.name)}
            <label class="field">
                <span>{tp(|t| t.reply_to)}</span>
                <input
                    type="email"
                    prop:value=reply_to
                    aria-invalid=move || {
                        (ctx.show_problems.get()
                            && ctx.prefs.with(|p| {
                                p.as_ref().is_some_and(|p| {
                                    problems(p)
                                        .iter()
                                        .any(|pb| matches!(pb, Problem::InvalidReplyTo(m, _) if *m == n))
                                })
                            }))
                        .then_some("true")
                    }
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ctx.edit_identity(n, |i| i.reply_to = Some(v));
                    }
                />
            </label>
            <label class="field">
                <span>{tp(|t| t.signature)}</span>
                <span class="settings-help">{tp(|t| t.signature_help)}</span>
                <textarea
                    rows="4"
                    prop:value=signature
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        ctx.edit_identity(n, |i| i.signature = v);
                    }
                ></textarea>
            </label>
            {remove}
        </fieldset>
    }
    .into_any()
}
