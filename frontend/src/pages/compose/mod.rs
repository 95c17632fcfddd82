//! Writing a message: new, reply, reply to all, forward, or a draft
//! continued. Nothing written is lost: every change is kept on this device
//! at once (IndexedDB) and in the Drafts folder a few seconds after typing
//! stops (again when the network comes back); a send refused keeps the
//! draft; "Envoyer" waits a few seconds with "Annuler" first.

mod address_field;
mod attachments;
mod editor;
pub mod local;

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::compose::{
    BodyFormat, ComposeMessage, ComposeMode, ParsedAddress, PreparedMessage, SaveDraft, SendRequest,
};
use shared::contacts::Suggestion;
use shared::mail::encode_segment;
use shared::prefs::{DEFAULT_UNDO_SEND_SECS, Preferences};

use crate::api::{Failure, compose as api, prefs as prefs_api};
use crate::app::HOME;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::components::page_header::{Here, PageHeader};
use crate::i18n::t;
use crate::i18n::write::{TrWrite, tw, use_trw};
use crate::pages::links::{COMPOSE_PATH, go, mode_from_name};
use crate::router::use_router;
use crate::state::lang::use_lang;
use crate::state::session::{SessionState, use_session};
use crate::store;
use address_field::{AddressField, add_typed, chips, valid};
use attachments::{AttachmentList, Attachments, files_of};
use editor::BodyEditor;
use local::{LAST_KEY, LocalDraft, is_blank, random_id, record_key, with_signature};

/// Seconds after the last change before the draft goes to the server.
const SERVER_SAVE_DELAY: Duration = Duration::from_secs(3);
/// Before it is kept on this device.
const LOCAL_SAVE_DELAY: Duration = Duration::from_millis(300);
/// Before trying the server again when it could not be reached.
const RETRY_DELAY: Duration = Duration::from_secs(15);

/// What kind of message this is (the heading).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    New,
    Reply,
    Forward,
    Draft,
}

/// Where the draft is.
#[derive(Clone, PartialEq)]
enum Saved {
    Nothing,
    Saving,
    OnServer(String),
    OnDevice,
    Offline,
    Failed(Failure),
}

/// Where sending is.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Editing,
    /// Seconds left before it goes ("Annuler" shown).
    Countdown(u64),
    Sending,
    Sent {
        copy_saved: bool,
    },
    /// Offline: in the outbox, it leaves when the network is back.
    Queued,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Discard,
    NoSubject,
}

/// Waits for the session like the other pages.
#[component]
pub fn ComposePage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    move || {
        if logged_in.get() {
            ComposeShell().into_any()
        } else {
            view! { <p class="app-loading">{t(|t| t.loading)}</p> }.into_any()
        }
    }
}

fn now_hm() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

#[component]
fn ComposeShell() -> impl IntoView {
    let trw = use_trw();
    let router = use_router();
    let session = use_session();
    let lang = use_lang();

    let to = RwSignal::new(Vec::<ParsedAddress>::new());
    let cc = RwSignal::new(Vec::<ParsedAddress>::new());
    let bcc = RwSignal::new(Vec::<ParsedAddress>::new());
    let typed = [
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    ];
    let show_cc = RwSignal::new(false);
    let show_bcc = RwSignal::new(false);
    let subject = RwSignal::new(String::new());
    let format = RwSignal::new(BodyFormat::Html);
    let body = RwSignal::new(String::new());
    let reset = RwSignal::new(0u32);
    let att = Attachments::new();
    let identity = RwSignal::new(None::<String>);
    let prefs = RwSignal::new(None::<Preferences>);
    // What the message answers (from the server's preparation).
    let context = StoredValue::new(ComposeMessage::default());
    let draft_uid = RwSignal::new(None::<u32>);
    let local_id = StoredValue::new(random_id());
    let send_id = StoredValue::new(format!("{}{}", random_id(), random_id()));
    let initial_body = StoredValue::new(String::new());
    let kind = RwSignal::new(Kind::New);
    let back = StoredValue::new(HOME.to_string());
    let loaded = RwSignal::new(false);
    let load_error = RwSignal::new(None::<Failure>);
    let restored = RwSignal::new(false);
    let saved = RwSignal::new(Saved::Nothing);
    let phase = RwSignal::new(Phase::Editing);
    let send_error = RwSignal::new(None::<Failure>);
    let form_error = RwSignal::new(None::<fn(&TrWrite) -> &'static str>);
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let confirm = RwSignal::new(None::<Confirm>);
    let revision = StoredValue::new(0u64);
    let server_busy = StoredValue::new(false);
    let dragging = RwSignal::new(false);

    // The message as it stands.
    let message = move || -> ComposeMessage {
        let ctx = context.get_value();
        ComposeMessage {
            identity: identity.get_untracked(),
            to: to.with_untracked(|l| valid(l)),
            cc: cc.with_untracked(|l| valid(l)),
            bcc: bcc.with_untracked(|l| valid(l)),
            subject: subject.get_untracked(),
            format: format.get_untracked(),
            body: body.get_untracked(),
            attachments: att.ready(),
            in_reply_to: ctx.in_reply_to,
            references: ctx.references,
            original: ctx.original,
        }
    };
    let blank = move || is_blank(&message(), &initial_body.get_value());
    let record = move |on_server: bool| LocalDraft {
        local_id: local_id.get_value(),
        message: message(),
        draft_uid: draft_uid.get_untracked(),
        send_id: send_id.get_value(),
        saved_on_server: on_server,
        in_outbox: false,
    };
    let keep_local = move |on_server: bool| {
        let r = record(on_server);
        let is_blank = blank();
        spawn_local(async move {
            if let Ok(text) = serde_json::to_string(&r) {
                store::put(&record_key(&r.local_id), &text).await;
                if !is_blank {
                    store::put(LAST_KEY, &r.local_id).await;
                }
            }
        });
    };
    let forget_local = move || {
        let id = local_id.get_value();
        spawn_local(async move {
            store::remove(&record_key(&id)).await;
            if store::get(LAST_KEY).await.as_deref() == Some(id.as_str()) {
                store::remove(LAST_KEY).await;
            }
        });
    };

    // The draft to the server; `then` runs once it is there (or not).
    let save_server = move |then: Option<Callback<bool>>| {
        if blank() || !matches!(phase.get_untracked(), Phase::Editing) {
            if let Some(f) = then {
                f.run(true);
            }
            return;
        }
        if server_busy.get_value() {
            // A save is under way: try again once it is over.
            set_timeout(
                move || {
                    if let Some(f) = then {
                        f.run(false);
                    }
                },
                Duration::from_millis(500),
            );
            return;
        }
        server_busy.set_value(true);
        let rev = revision.get_value();
        saved.set(Saved::Saving);
        let req = SaveDraft {
            message: message(),
            replaces: draft_uid.get_untracked(),
        };
        spawn_local(async move {
            let answer = api::save_draft(&req).await;
            server_busy.set_value(false);
            let ok = answer.is_ok();
            match answer {
                Ok(s) => {
                    draft_uid.set(s.uid);
                    let current = revision.get_value() == rev;
                    keep_local(current);
                    saved.set(Saved::OnServer(now_hm()));
                }
                Err(Failure::Network) => {
                    saved.set(Saved::Offline);
                }
                Err(e) => saved.set(Saved::Failed(e)),
            }
            if let Some(f) = then {
                f.run(ok);
            }
        });
    };
    let retry_later = move || {
        set_timeout(
            move || {
                if matches!(saved.get_untracked(), Saved::Offline) {
                    save_server(None);
                }
            },
            RETRY_DELAY,
        );
    };
    Effect::new(move |_| {
        if saved.get() == Saved::Offline {
            retry_later();
        }
    });
    let _online = window_event_listener(ev::online, move |_| {
        if matches!(saved.get_untracked(), Saved::Offline | Saved::OnDevice) {
            save_server(None);
        }
    });

    let on_change = Callback::new(move |_: ()| {
        revision.update_value(|r| *r += 1);
        form_error.set(None);
        let rev = revision.get_value();
        set_timeout(
            move || {
                if revision.get_value() == rev {
                    keep_local(false);
                    if !matches!(saved.get_untracked(), Saved::Saving | Saved::Offline) {
                        saved.set(Saved::OnDevice);
                    }
                }
            },
            LOCAL_SAVE_DELAY,
        );
        set_timeout(
            move || {
                if revision.get_value() == rev {
                    save_server(None);
                }
            },
            SERVER_SAVE_DELAY,
        );
    });

    // A message loaded becomes the form.
    let apply = move |m: ComposeMessage, uid: Option<u32>| {
        to.set(chips(&m.to));
        cc.set(chips(&m.cc));
        bcc.set(chips(&m.bcc));
        show_cc.set(!m.cc.is_empty());
        show_bcc.set(!m.bcc.is_empty());
        subject.set(m.subject.clone());
        format.set(m.format);
        body.set(m.body.clone());
        initial_body.set_value(m.body.clone());
        identity.set(m.identity.clone());
        att.set_ready(&m.attachments);
        draft_uid.set(uid);
        context.set_value(ComposeMessage {
            in_reply_to: m.in_reply_to,
            references: m.references,
            original: m.original,
            ..Default::default()
        });
        reset.update(|r| *r += 1);
    };

    // What the address asks for.
    let load = move || {
        load_error.set(None);
        let folder = router.query("folder");
        let uid = router.query("uid").and_then(|u| u.parse::<u32>().ok());
        let draft = router.query("draft").and_then(|u| u.parse::<u32>().ok());
        let mode = router.query("mode").and_then(|m| mode_from_name(&m));
        let to_param = router.query("to");
        let local = router.query("local");
        let lang_code = lang.get_untracked().code();
        spawn_local(async move {
            // Limits and addresses: nice to have, never blocking.
            spawn_local(async move {
                if let Ok(l) = api::limits().await {
                    att.max_bytes.set(Some(l.max_attachments_bytes));
                }
            });
            spawn_local(async move {
                if let Ok(s) = api::recipients().await {
                    suggestions.set(s);
                }
            });
            let p = prefs_api::load().await.unwrap_or_default();
            prefs.set(Some(p.clone()));
            let signature_of = |id: Option<&str>| {
                p.identity(id)
                    .map(|i| i.signature.clone())
                    .unwrap_or_default()
            };
            // A message kept on this device: asked for, or the last one
            // left unfinished when a new one is opened.
            let mut wanted_local = local.clone();
            let fresh = folder.is_none() && local.is_none();
            if fresh {
                wanted_local = store::get(LAST_KEY).await;
            }
            if let Some(id) = wanted_local
                && let Some(text) = store::get(&record_key(&id)).await
                && let Ok(r) = serde_json::from_str::<LocalDraft>(&text)
                && (local.is_some() || !r.saved_on_server)
            {
                if r.in_outbox {
                    // Opened from the outbox to edit it: it waits no more.
                    crate::offline::outbox::take_out(&r.local_id).await;
                }
                local_id.set_value(r.local_id.clone());
                send_id.set_value(r.send_id.clone());
                let k = if r.message.original.is_some() {
                    Kind::Reply
                } else {
                    Kind::Draft
                };
                kind.set(k);
                apply(r.message, r.draft_uid);
                initial_body.set_value(String::new());
                restored.set(fresh);
                loaded.set(true);
                router.navigate(
                    &format!("{COMPOSE_PATH}?local={}", local_id.get_value()),
                    true,
                );
                return;
            }
            let prepared: Result<PreparedMessage, Failure> =
                match (folder.as_deref(), draft, mode, uid) {
                    (Some(f), Some(d), _, _) => api::prepare(f, d, None, lang_code).await,
                    (Some(f), None, Some(m), Some(u)) => {
                        match api::prepare(f, u, Some(m), lang_code).await {
                            // Offline: made here from the message kept on the device.
                            Err(Failure::Network) => {
                                match store::get(&store::message_key(f, u)).await.and_then(|t| {
                                    serde_json::from_str::<shared::mail::Message>(&t).ok()
                                }) {
                                    Some(cached) => {
                                        let own: Vec<String> =
                                            p.identities.iter().map(|i| i.email.clone()).collect();
                                        let mut message =
                                            local::answer_offline(&cached, m, &own, lang_code);
                                        message.format = BodyFormat::Html;
                                        Ok(PreparedMessage {
                                            message,
                                            draft_uid: None,
                                        })
                                    }
                                    None => Err(Failure::Network),
                                }
                            }
                            other => other,
                        }
                    }
                    _ => {
                        // `?to=` is an address, or a whole `mailto:` link
                        // (the app is the browser's mail handler).
                        let link = local::mailto(to_param.as_deref().unwrap_or(""));
                        let chips_of = |t: &str| {
                            let mut l = Vec::new();
                            add_typed(&mut l, t);
                            valid(&l)
                        };
                        let body = match p.compose_format {
                            BodyFormat::Html => local::text_to_html(&link.body),
                            BodyFormat::Text => link.body.clone(),
                        };
                        Ok(PreparedMessage {
                            message: ComposeMessage {
                                format: p.compose_format,
                                to: chips_of(&link.to),
                                cc: chips_of(&link.cc),
                                bcc: chips_of(&link.bcc),
                                subject: link.subject,
                                body: if link.body.is_empty() {
                                    String::new()
                                } else {
                                    body
                                },
                                ..Default::default()
                            },
                            draft_uid: None,
                        })
                    }
                };
            match prepared {
                Ok(mut pm) => {
                    match (draft, mode) {
                        (Some(_), _) => kind.set(Kind::Draft),
                        (None, Some(ComposeMode::Reply | ComposeMode::ReplyAll)) => {
                            kind.set(Kind::Reply)
                        }
                        (None, Some(_)) => kind.set(Kind::Forward),
                        (None, None) => kind.set(Kind::New),
                    }
                    if draft.is_none() {
                        // A new message or an answer: the user's format, the signature.
                        if mode.is_some() && pm.message.format != p.compose_format {
                            pm.message.format = p.compose_format;
                            if p.compose_format == BodyFormat::Text {
                                pm.message.body = local::html_to_text_rough(&pm.message.body);
                            }
                        }
                        let sig = signature_of(None);
                        pm.message.body = with_signature(&pm.message.body, pm.message.format, &sig);
                        pm.message.identity = p.identities.first().map(|i| i.id.clone());
                    }
                    if let (Some(f), Some(u), Some(_)) = (folder.as_deref(), uid, mode) {
                        back.set_value(format!("/mail/{}/{u}", encode_segment(f)));
                    } else if let (Some(f), Some(_)) = (folder.as_deref(), draft) {
                        back.set_value(format!("/mail/{}", encode_segment(f)));
                    }
                    apply(pm.message, pm.draft_uid);
                    loaded.set(true);
                    keep_local(pm.draft_uid.is_some());
                    router.navigate(
                        &format!("{COMPOSE_PATH}?local={}", local_id.get_value()),
                        true,
                    );
                }
                Err(e) => load_error.set(Some(e)),
            }
        });
    };
    load();

    // Sending.
    let do_send = move || {
        phase.set(Phase::Sending);
        send_error.set(None);
        let req = SendRequest {
            message: message(),
            send_id: send_id.get_value(),
            draft_uid: draft_uid.get_untracked(),
        };
        spawn_local(async move {
            match api::send(&req).await {
                Ok(r) => {
                    forget_local();
                    phase.set(Phase::Sent {
                        copy_saved: r.saved_to_sent,
                    });
                    if r.saved_to_sent {
                        set_timeout(move || go(&back.get_value()), Duration::from_millis(1200));
                    }
                }
                Err(Failure::Network) => {
                    // Offline: the outbox keeps it and sends it (once) later.
                    crate::offline::outbox::add(record(false)).await;
                    phase.set(Phase::Queued);
                    set_timeout(move || go(&back.get_value()), Duration::from_millis(2500));
                }
                Err(e) => {
                    phase.set(Phase::Editing);
                    send_error.set(Some(e));
                    save_server(None);
                }
            }
        });
    };
    let tick = move || {
        fn step(phase: RwSignal<Phase>, do_send: impl Fn() + Copy + 'static) {
            set_timeout(
                move || match phase.get_untracked() {
                    Phase::Countdown(n) if n <= 1 => do_send(),
                    Phase::Countdown(n) => {
                        phase.set(Phase::Countdown(n - 1));
                        step(phase, do_send);
                    }
                    _ => {}
                },
                Duration::from_secs(1),
            );
        }
        step(phase, do_send);
    };
    let start_send = move |subject_ok: bool| {
        // What is typed and not yet a chip goes too.
        for (list, text) in [(to, typed[0]), (cc, typed[1]), (bcc, typed[2])] {
            let t = text.get_untracked();
            if !t.trim().is_empty() {
                list.update(|l| add_typed(l, &t));
                text.set(String::new());
            }
        }
        let invalid = [to, cc, bcc].iter().any(|l| {
            l.with_untracked(|l| l.iter().any(|p| matches!(p, ParsedAddress::Invalid(_))))
        });
        let m = message();
        if invalid {
            form_error.set(Some(|t| t.invalid_addresses));
            return;
        }
        if m.to.is_empty() && m.cc.is_empty() && m.bcc.is_empty() {
            form_error.set(Some(|t| t.no_recipient));
            return;
        }
        if att.uploading() {
            form_error.set(Some(|t| t.wait_uploads));
            return;
        }
        if !subject_ok && m.subject.trim().is_empty() {
            confirm.set(Some(Confirm::NoSubject));
            return;
        }
        keep_local(false);
        let secs = prefs
            .with_untracked(|p| p.as_ref().map(|p| p.undo_send_secs))
            .unwrap_or(DEFAULT_UNDO_SEND_SECS) as u64;
        if secs == 0 {
            do_send();
        } else {
            phase.set(Phase::Countdown(secs));
            tick();
        }
    };
    let discard = move || {
        let uid = draft_uid.get_untracked();
        phase.set(Phase::Sending);
        forget_local();
        spawn_local(async move {
            if let Some(uid) = uid {
                let _ = api::delete_draft(uid).await;
            }
            go(&back.get_value());
        });
    };
    let close = move || {
        if blank() {
            forget_local();
            go(&back.get_value());
            return;
        }
        keep_local(false);
        save_server(Some(Callback::new(move |_ok: bool| go(&back.get_value()))));
    };
    let answer = Callback::new(move |yes: bool| {
        let asked = confirm.get_untracked();
        confirm.set(None);
        match asked {
            Some(Confirm::Discard) if yes => discard(),
            Some(Confirm::NoSubject) if yes => start_send(true),
            _ => {}
        }
    });

    Effect::new(move |_| {
        let t = trw();
        let h = match kind.get() {
            Kind::New => t.new_message,
            Kind::Reply => t.reply_title,
            Kind::Forward => t.forward_title,
            Kind::Draft => t.draft_title,
        };
        document().set_title(&format!("{h} – {}", session.brand()));
    });

    let heading = move || {
        let t = trw();
        match kind.get() {
            Kind::New => t.new_message,
            Kind::Reply => t.reply_title,
            Kind::Forward => t.forward_title,
            Kind::Draft => t.draft_title,
        }
    };
    let status = move || {
        let t = trw();
        match saved.get() {
            Saved::Nothing => String::new(),
            Saved::Saving => t.saving.to_string(),
            Saved::OnServer(at) => (t.saved_at)(&at),
            Saved::OnDevice => t.saved_locally.to_string(),
            Saved::Offline => t.not_saved_offline.to_string(),
            Saved::Failed(_) => String::new(),
        }
    };
    let save_failure = Signal::derive(move || match saved.get() {
        Saved::Failed(e) => Some(e),
        _ => None,
    });
    let identities =
        move || prefs.with(|p| p.as_ref().map(|p| p.identities.clone()).unwrap_or_default());
    let has_files = |ev: &ev::DragEvent| {
        ev.data_transfer()
            .map(|d| {
                d.types()
                    .iter()
                    .any(|t| t.as_string().as_deref() == Some("Files"))
            })
            .unwrap_or(false)
    };
    let editing = move || matches!(phase.get(), Phase::Editing);
    view! {
        <div
            class="app compose-app"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: ev::DragEvent| {
                if has_files(&ev) {
                    ev.prevent_default();
                    dragging.set(true);
                }
            }
            on:dragleave=move |ev: ev::DragEvent| {
                if ev.related_target().is_none() {
                    dragging.set(false);
                }
            }
            on:drop=move |ev: ev::DragEvent| {
                if has_files(&ev) {
                    ev.prevent_default();
                    dragging.set(false);
                    att.add(files_of(ev.data_transfer().and_then(|d| d.files())), on_change);
                    on_change.run(());
                }
            }
            on:keydown=move |ev: ev::KeyboardEvent| {
                if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && editing() {
                    ev.prevent_default();
                    start_send(false);
                }
            }
        >
            <PageHeader here=Here::Compose />
            <main class="compose-page">
                <div class="compose-top">
                    <h1>{heading}</h1>
                    <p class="save-status" role="status">{status}</p>
                </div>
                <ErrorBanner error=load_error on_retry=Callback::new(move |_| load()) />
                {move || restored.get().then(|| view! { <p class="notice" role="status">{tw(|t| t.restored_local)}</p> })}
                {move || (!loaded.get() && load_error.with(Option::is_none)).then(|| view! { <p>{tw(|t| t.loading)}</p> })}
                <Show when=move || loaded.get()>
                    <form class="compose-form" on:submit=move |ev| {
                        ev.prevent_default();
                        start_send(false);
                    }>
                        {move || (identities().len() > 1).then(|| view! {
                            <div class="compose-field">
                                <label for="compose-from">{tw(|t| t.from)}</label>
                                <select id="compose-from" on:change=move |ev| {
                                    identity.set(Some(event_target_value(&ev)));
                                    on_change.run(());
                                }>
                                    {identities().into_iter().map(|i| {
                                        let id = i.id.clone();
                                        let selected = identity.get_untracked().as_deref() == Some(id.as_str());
                                        let label = if i.name.is_empty() { i.email.clone() } else { format!("{} <{}>", i.name, i.email) };
                                        view! { <option value=id selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        })}
                        <AddressField id="compose-to" label=|t| t.to list=to typed=typed[0] suggestions=suggestions.into() on_change />
                        <div class="cc-toggles">
                            <Show when=move || !show_cc.get()>
                                <button type="button" class="link-button" on:click=move |_| show_cc.set(true)>{tw(|t| t.add_cc)}</button>
                            </Show>
                            <Show when=move || !show_bcc.get()>
                                <button type="button" class="link-button" on:click=move |_| show_bcc.set(true)>{tw(|t| t.add_bcc)}</button>
                            </Show>
                        </div>
                        <Show when=move || show_cc.get()>
                            <AddressField id="compose-cc" label=|t| t.cc list=cc typed=typed[1] suggestions=suggestions.into() on_change />
                        </Show>
                        <Show when=move || show_bcc.get()>
                            <AddressField id="compose-bcc" label=|t| t.bcc list=bcc typed=typed[2] suggestions=suggestions.into() on_change />
                        </Show>
                        <div class="compose-field">
                            <label for="compose-subject">{tw(|t| t.subject)}</label>
                            <input
                                id="compose-subject"
                                type="text"
                                maxlength="400"
                                prop:value=move || subject.get()
                                on:input=move |ev| {
                                    subject.set(event_target_value(&ev));
                                    on_change.run(());
                                }
                            />
                        </div>
                        <BodyEditor format body reset on_change />
                        <AttachmentList att on_change />
                        <p class="drop-hint" aria-hidden="true">{tw(|t| t.drop_here)}</p>
                        {move || form_error.get().map(|f| view! { <p class="error-text" role="alert">{move || f(trw())}</p> })}
                        <ErrorBanner error=send_error />
                        {move || send_error.with(Option::is_some).then(|| view! { <p class="notice">{tw(|t| t.kept_as_draft)}</p> })}
                        <ErrorBanner error=save_failure />
                        <div class="compose-actions">
                            <button type="submit" class="button primary" disabled=move || !editing()>
                                {move || if matches!(phase.get(), Phase::Sending) { trw().sending } else { trw().send }}
                            </button>
                            <button type="button" class="button" disabled=move || !editing() on:click=move |_| save_server(None)>
                                {tw(|t| t.save_draft)}
                            </button>
                            <button type="button" class="button" disabled=move || !editing() on:click=move |_| close()>
                                {tw(|t| t.close)}
                            </button>
                            <button type="button" class="button danger" disabled=move || !editing() on:click=move |_| confirm.set(Some(Confirm::Discard))>
                                {tw(|t| t.discard)}
                            </button>
                        </div>
                    </form>
                </Show>
                {move || match phase.get() {
                    Phase::Countdown(n) => Some(view! {
                        <div class="send-toast" role="status">
                            <span>{move || (trw().sending_in)(n)}</span>
                            <button type="button" class="button" on:click=move |_| phase.set(Phase::Editing)>
                                {tw(|t| t.undo)}
                            </button>
                        </div>
                    }.into_any()),
                    Phase::Queued => Some(view! {
                        <div class="send-toast" role="status">
                            <span>{move || trw().queued_offline}</span>
                            <a class="button" href=back.get_value()>{tw(|t| t.close)}</a>
                        </div>
                    }.into_any()),
                    Phase::Sent { copy_saved } => Some(view! {
                        <div class="send-toast" class:warning=!copy_saved role="status">
                            <span>{move || if copy_saved { trw().sent } else { trw().sent_no_copy }}</span>
                            <a class="button" href=back.get_value()>{tw(|t| t.close)}</a>
                        </div>
                    }.into_any()),
                    _ => None,
                }}
                {move || confirm.get().map(|c| {
                    let t = trw();
                    let (heading, text, label) = match c {
                        Confirm::Discard => (t.discard_confirm, t.discard_confirm_text, t.discard),
                        Confirm::NoSubject => (t.empty_subject_confirm, "", t.send),
                    };
                    view! { <ConfirmDialog heading text confirm_label=label on_answer=answer /> }
                })}
            </main>
        </div>
    }
}
