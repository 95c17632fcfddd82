//! The address book page: the cards sorted by name, searched as one
//! types; a card's form (new, changed with the version read, deleted after
//! a confirmation); "Écrire"; importing a `.vcf` file and exporting them
//! all. `?new=<address>&name=<name>` ("Ajouter aux contacts" on a message)
//! opens a new card with them, or the card that already has the address.
//! On a phone, the list or the form, with a back button.

#[cfg(all(test, target_family = "wasm"))]
mod browser_tests;
pub mod card;
mod editor;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::contacts::{Contact, ImportResult, contact_matches};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::api::{Aborter, Failure, contacts};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::components::page_header::{Here, PageHeader};
use crate::i18n::people::{TrPeople, tp, use_trp};
use crate::i18n::t;
use crate::pages::links::{CONTACTS_PATH, write_to_href};
use crate::router::use_router;
use crate::state::session::{SessionState, use_session};
use card::{
    Problem, cleaned, display_name, find_by_email, first_email, for_form, import_summary,
    new_contact, problems, sort_contacts, upsert,
};
use editor::{Lines, lines_field, note_field, text_field};

/// What the floating notice says, for a few seconds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Notice {
    Saved,
    Deleted,
}

impl Notice {
    fn text(self, t: &TrPeople) -> &'static str {
        match self {
            Notice::Saved => t.saved,
            Notice::Deleted => t.deleted,
        }
    }
}

/// How long a notice stays.
const NOTICE_MS: u64 = 5000;

/// How an import went.
#[derive(Clone, PartialEq, Eq)]
enum Imported {
    Done(ImportResult),
    /// The file could not be read as text.
    Unreadable,
    /// Larger than the server takes.
    TooLarge,
}

/// The largest `.vcf` file the server imports (`MAX_IMPORT_BYTES`).
const MAX_IMPORT_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// Waits for the session like the mail pages (the app sends strangers to
/// the login page).
#[component]
pub fn ContactsPage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    view! {
        <div class="app people-app">
            <PageHeader here=Here::Contacts />
            {move || {
                if logged_in.get() {
                    Either::Left(ContactsShell())
                } else {
                    Either::Right(view! { <p class="app-loading">{t(|t| t.loading)}</p> })
                }
            }}
        </div>
    }
}

#[component]
fn ContactsShell() -> impl IntoView {
    let trp = use_trp();
    let session = use_session();
    let router = use_router();

    let list = RwSignal::new(Vec::<Contact>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<Failure>);
    let query = RwSignal::new(String::new());
    // The card in the form, and when to build the form again.
    let form = RwSignal::new(None::<Contact>);
    let version = RwSignal::new(0u32);
    let show_problems = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let save_error = RwSignal::new(None::<Failure>);
    let confirm = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let notice_gen = StoredValue::new(0u32);
    let importing = RwSignal::new(false);
    let imported = RwSignal::new(None::<Imported>);
    let import_error = RwSignal::new(None::<Failure>);
    // "Ajouter aux contacts": done once the list is there.
    let asked = StoredValue::new(router.query("new").map(|new| (new, router.query("name"))));
    let aborter = Aborter::new();

    let flash = move |n: Notice| {
        notice.set(Some(n));
        let generation = notice_gen
            .try_update_value(|g| {
                *g += 1;
                *g
            })
            .unwrap_or(0);
        set_timeout(
            move || {
                if notice_gen.try_get_value() == Some(generation) {
                    notice.try_set(None);
                }
            },
            std::time::Duration::from_millis(NOTICE_MS),
        );
    };
    // Shows `card` in the form (or none), built anew.
    let show = move |card: Option<Contact>| {
        form.set(card.map(for_form));
        show_problems.set(false);
        version.update(|v| *v += 1);
    };
    // Opens a card the user chose: what was said about the last one goes.
    let open = move |card: Option<Contact>| {
        save_error.set(None);
        confirm.set(false);
        show(card);
    };

    // The address book; `reopen`: a card to show again as the server now
    // has it (after an edit conflict).
    let load = move |reopen: Option<String>| {
        let ticket = aborter.next();
        error.set(None);
        spawn_local(async move {
            let answer = contacts::list(&ticket).await;
            if !aborter.is_current(&ticket) {
                return;
            }
            match answer {
                Ok(book) => {
                    let mut cards = book.contacts;
                    sort_contacts(&mut cards);
                    if let Some(id) = reopen {
                        show(cards.iter().find(|c| c.id == id).cloned());
                    }
                    if let Some((new, name)) = asked.try_update_value(Option::take).flatten() {
                        let known = find_by_email(&cards, &new).cloned();
                        open(Some(
                            known.unwrap_or_else(|| new_contact(Some(&new), name.as_deref())),
                        ));
                        router.navigate(CONTACTS_PATH, true);
                    }
                    list.set(cards);
                    loaded.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load(None);

    let shown = Memo::new(move |_| {
        query.with(|q| {
            list.with(|l| {
                l.iter()
                    .filter(|c| contact_matches(c, q))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let current_id = Memo::new(move |_| form.with(|f| f.as_ref().map(|c| c.id.clone())));

    // A change the server refused because the card changed elsewhere: the
    // banner says so, and the card is shown as it now is.
    let refused = move |id: String, e: Failure| {
        let conflict = e == Failure::Api(ApiError::EditConflict);
        save_error.set(Some(e));
        if conflict {
            load(Some(id));
        }
    };

    let save = move || {
        let Some(card) = form.get_untracked() else {
            return;
        };
        if !problems(&card).is_empty() {
            show_problems.set(true);
            return;
        }
        let card = cleaned(&card);
        saving.set(true);
        save_error.set(None);
        spawn_local(async move {
            let answer = if card.id.is_empty() {
                contacts::create(&card).await
            } else {
                contacts::update(&card).await
            };
            saving.try_set(false);
            match answer {
                Ok(saved) => {
                    list.try_update(|l| upsert(l, saved.clone()));
                    show(Some(saved));
                    flash(Notice::Saved);
                }
                Err(e) => refused(card.id, e),
            }
        });
    };

    let answer = Callback::new(move |yes: bool| {
        confirm.set(false);
        let Some(card) = form.get_untracked().filter(|_| yes) else {
            return;
        };
        if card.id.is_empty() {
            open(None);
            return;
        }
        saving.set(true);
        save_error.set(None);
        spawn_local(async move {
            let answer = contacts::delete(&card.id, card.etag.as_deref()).await;
            saving.try_set(false);
            match answer {
                Ok(()) => {
                    list.try_update(|l| l.retain(|c| c.id != card.id));
                    show(None);
                    flash(Notice::Deleted);
                }
                Err(e) => refused(card.id, e),
            }
        });
    });

    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file may be chosen again.
        input.set_value("");
        import_error.set(None);
        if file.size() > MAX_IMPORT_BYTES {
            imported.set(Some(Imported::TooLarge));
            return;
        }
        importing.set(true);
        imported.set(None);
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                importing.try_set(false);
                imported.try_set(Some(Imported::Unreadable));
                return;
            };
            let answer = contacts::import(text).await;
            importing.try_set(false);
            match answer {
                Ok(result) => {
                    imported.try_set(Some(Imported::Done(result)));
                    load(None);
                }
                Err(e) => {
                    import_error.try_set(Some(e));
                }
            }
        });
    };

    Effect::new(move |_| {
        document().set_title(&format!("{} – {}", trp().contacts_heading, session.brand()));
    });
    on_cleanup(|| document().set_title(crate::state::session::DEFAULT_BRAND));

    // One row per card, kept while the search narrows the list.
    let row = move |c: Contact| {
        let id = c.id.clone();
        let name = display_name(&c);
        let email = c
            .emails
            .first()
            .map(|e| e.value.clone())
            .unwrap_or_default();
        let org = c.organization.clone();
        let selected = move || current_id.with(|cur| cur.as_deref() == Some(id.as_str()));
        view! {
            <li>
                <button
                    type="button"
                    class="contacts-row"
                    aria-current=move || selected().then_some("true")
                    on:click=move |_| open(Some(c.clone()))
                >
                    <span class="contacts-name">
                        {if name.is_empty() { Either::Left(tp(|t| t.no_name)) } else { Either::Right(name) }}
                    </span>
                    <span class="contacts-email">{email}</span>
                    <span class="contacts-org">{org}</span>
                </button>
            </li>
        }
    };

    let empty = move || {
        (loaded.get() && shown.with(Vec::is_empty)).then(|| {
            let text = move || {
                if list.with(Vec::is_empty) {
                    trp().no_contacts
                } else {
                    trp().no_match
                }
            };
            view! { <p class="contacts-empty">{text}</p> }
        })
    };

    let import_report = move || {
        imported.get().map(|i| {
            let (head, errors) = match i {
                Imported::Done(r) => import_summary(trp(), &r),
                Imported::Unreadable => (trp().import_unreadable.to_string(), Vec::new()),
                Imported::TooLarge => (trp().import_too_large.to_string(), Vec::new()),
            };
            let errors = (!errors.is_empty()).then(|| {
                view! {
                    <p>{tp(|t| t.import_errors)}</p>
                    <ul class="contacts-import-errors">
                        {errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                }
            });
            view! {
                <div class="contacts-import-report" role="status">
                    <p>{head}</p>
                    {errors}
                </div>
            }
        })
    };

    let pane = move || {
        if form.with(Option::is_some) {
            "form"
        } else {
            "list"
        }
    };

    view! {
        <main class="contacts-page" data-pane=pane>
            <section class="contacts-list-pane" aria-labelledby="contacts-heading">
                <div class="contacts-toolbar">
                    <h1 id="contacts-heading">{tp(|t| t.contacts_heading)}</h1>
                    <button
                        type="button"
                        class="button primary"
                        on:click=move |_| open(Some(new_contact(None, None)))
                    >
                        <span aria-hidden="true">"+ "</span>
                        {tp(|t| t.new_contact)}
                    </button>
                </div>
                <label class="field contacts-search">
                    <span>{tp(|t| t.search_label)}</span>
                    <input
                        type="search"
                        autocomplete="off"
                        placeholder=tp(|t| t.search_placeholder)
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                </label>
                <ErrorBanner error on_retry=Callback::new(move |_| load(None)) />
                {move || (!loaded.get() && error.with(Option::is_none)).then(|| view! { <p class="contacts-empty">{t(|t| t.loading)}</p> })}
                {move || loaded.get().then(|| view! {
                    <p class="contacts-count" aria-live="polite">
                        {move || (trp().contact_count)(shown.with(Vec::len))}
                    </p>
                })}
                <ul class="contacts-list" aria-label=tp(|t| t.list_label)>
                    <For
                        each=move || shown.get()
                        key=|c: &Contact| (c.id.clone(), c.etag.clone())
                        children=row
                    />
                </ul>
                {empty}
                <div class="contacts-transfer">
                    <label class="button contacts-import" aria-disabled=move || importing.get().then_some("true")>
                        <span>{move || if importing.get() { trp().importing } else { trp().import }}</span>
                        <input
                            type="file"
                            class="visually-hidden"
                            accept=".vcf,.vcard,text/vcard,text/x-vcard"
                            disabled=importing
                            on:change=on_file
                        />
                    </label>
                    <a class="button" href=contacts::EXPORT_URL download="" title=tp(|t| t.export_title)>
                        {tp(|t| t.export)}
                    </a>
                </div>
                <ErrorBanner error=import_error />
                {import_report}
            </section>
            <section class="contacts-form-pane" aria-labelledby="contact-heading">
                {move || {
                    version.track();
                    if form.with_untracked(Option::is_none) {
                        return Either::Left(view! {
                            <p class="contacts-none">{tp(|t| t.no_selection)}</p>
                        });
                    }
                    Either::Right(view! {
                        <ContactForm form version show_problems saving save_error
                            on_save=Callback::new(move |_| save())
                            on_delete=Callback::new(move |_| confirm.set(true))
                            on_close=Callback::new(move |_| open(None)) />
                    })
                }}
            </section>
            {move || confirm.get().then(|| {
                let t = trp();
                view! {
                    <ConfirmDialog
                        heading=t.confirm_delete
                        text=t.confirm_delete_text
                        confirm_label=t.delete
                        on_answer=answer
                    />
                }
            })}
            <p class="people-notice" role="status">{move || notice.get().map(|n| n.text(trp()))}</p>
        </main>
    }
}

/// The form of the card in `form`.
#[component]
fn ContactForm(
    form: RwSignal<Option<Contact>>,
    version: RwSignal<u32>,
    show_problems: RwSignal<bool>,
    saving: RwSignal<bool>,
    save_error: RwSignal<Option<Failure>>,
    on_save: Callback<()>,
    on_delete: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let trp = use_trp();
    let router = use_router();
    let is_new = form.with_untracked(|c| c.as_ref().is_none_or(|c| c.id.is_empty()));
    let heading = move || {
        let name = form.with(|c| {
            c.as_ref()
                .map(|c| display_name(&cleaned(c)))
                .unwrap_or_default()
        });
        match name.is_empty() {
            true if is_new => trp().new_contact.to_string(),
            true => trp().edit_contact.to_string(),
            false => name,
        }
    };
    let write_href = move || {
        form.with(|c| c.as_ref().and_then(first_email))
            .map(|a| write_to_href(&a))
    };
    let problem_list = move || {
        if !show_problems.get() {
            return None;
        }
        let found: Vec<Problem> = form.with(|c| c.as_ref().map(problems).unwrap_or_default());
        (!found.is_empty()).then(|| {
            let t = trp();
            view! {
                <div class="contacts-problems" role="alert">
                    <p>{t.fix_problems}</p>
                    <ul>{found.iter().map(|p| view! { <li>{p.text(t)}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    view! {
        <form
            class="contacts-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_save.run(());
            }
        >
            <div class="contacts-form-top">
                <button
                    type="button"
                    class="button contacts-back"
                    aria-label=tp(|t| t.back_to_list)
                    on:click=move |_| on_close.run(())
                >
                    <span aria-hidden="true">"‹ "</span>
                    {tp(|t| t.back)}
                </button>
                <h2 id="contact-heading">{heading}</h2>
                {move || write_href().map(|href| {
                    let to = href.clone();
                    view! {
                        <a class="button" href=href on:click=move |ev| router.follow(&ev, &to)>
                            {tp(|t| t.write)}
                        </a>
                    }
                })}
            </div>
            <div class="contacts-names">
                {text_field(form, |t| t.full_name, "text", "name", |c| &mut c.full_name)}
                {text_field(form, |t| t.given_name, "text", "given-name", |c| &mut c.given_name)}
                {text_field(form, |t| t.family_name, "text", "family-name", |c| &mut c.family_name)}
            </div>
            {lines_field(form, Lines::Emails, version, show_problems)}
            {lines_field(form, Lines::Phones, version, show_problems)}
            <div class="contacts-names">
                {text_field(form, |t| t.organization, "text", "organization", |c| &mut c.organization)}
                {text_field(form, |t| t.job_title, "text", "organization-title", |c| &mut c.title)}
            </div>
            {note_field(form)}
            {problem_list}
            <ErrorBanner error=save_error />
            <div class="contacts-form-buttons">
                <button type="submit" class="button primary" disabled=saving>
                    {move || if saving.get() { trp().saving } else { trp().save }}
                </button>
                {if is_new {
                    Either::Left(view! {
                        <button type="button" class="button" on:click=move |_| on_close.run(())>
                            {t(|t| t.cancel)}
                        </button>
                    })
                } else {
                    Either::Right(view! {
                        <button type="button" class="button danger" disabled=saving on:click=move |_| on_delete.run(())>
                            {tp(|t| t.delete)}
                        </button>
                    })
                }}
            </div>
        </form>
    }
}
