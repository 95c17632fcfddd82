//! An open message: who and when, the actions, the attachments, and the
//! body. HTML bodies go into an iframe sandboxed without scripts and
//! without our origin (the backend already sanitized them and gave the
//! document its own Content-Security-Policy: two walls, not one). Plain
//! text is shown as text, its web links made into safe links.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use shared::mail::{Address, Message};

use crate::api::mail::{attachment_url, raw_url};
use crate::components::invitation_card::InvitationCard;
use crate::format::{format_full_date, format_size, local_seconds};
use crate::i18n::{Tr, t, use_tr};
use crate::linkify::{Segment, linkify};
use crate::pages::filters_link::{new_list_rule_href, new_rule_href};
use crate::pages::links::{CONTACTS_PATH, answer_href, draft_href};
use crate::router::use_router;
use shared::compose::ComposeMode;
use shared::mail::encode_segment;

/// What the message view lets the user do; the page does it.
#[derive(Clone, Copy)]
pub struct MessageActions {
    pub mark_unread: Callback<()>,
    pub toggle_flag: Callback<()>,
    /// Moves the message to the folder at this path.
    pub move_to: Callback<String>,
    pub delete: Callback<()>,
    pub show_images: Callback<()>,
    /// "Indésirable" (`true`) or, in the Junk folder, "Pas indésirable".
    pub junk: Callback<bool>,
}

/// `Name <address>`, or the address alone.
fn address_text(a: &Address) -> String {
    match &a.name {
        Some(n) if !n.trim().is_empty() => format!("{n} <{}>", a.email),
        _ => a.email.clone(),
    }
}

fn address_list(list: &[Address]) -> String {
    list.iter().map(address_text).collect::<Vec<_>>().join(", ")
}

#[component]
pub fn MessageView(
    message: Message,
    #[prop(into)] flagged: Signal<bool>,
    /// An action is under way: the buttons wait.
    #[prop(into)]
    busy: Signal<bool>,
    /// Folders the message can move to: (path, name shown).
    #[prop(into)]
    move_targets: Signal<Vec<(String, String)>>,
    /// The message is in the Trash: deleting is for good.
    #[prop(into)]
    in_trash: Signal<bool>,
    /// The message is a draft: it is continued, not answered.
    #[prop(into)]
    in_drafts: Signal<bool>,
    /// The message is in the Junk folder.
    #[prop(into)]
    in_junk: Signal<bool>,
    actions: MessageActions,
) -> impl IntoView {
    let tr = use_tr();
    let folder = message.folder.clone();
    let uid = message.uid;
    let subject = message.subject.clone();
    let subject = Signal::derive(move || {
        if subject.trim().is_empty() {
            tr().no_subject.to_string()
        } else {
            subject.clone()
        }
    });
    let from = address_list(&message.from);
    let to = address_list(&message.to);
    let cc = address_list(&message.cc);
    let date = message.date;
    let row = |label: fn(&Tr) -> &'static str, value: String| {
        (!value.is_empty()).then(|| {
            view! {
                <div class="meta-row">
                    <dt>{t(label)}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
    };
    let attachments: Vec<_> = message
        .attachments
        .iter()
        .filter(|a| !a.inline)
        .cloned()
        .collect();

    let body = match (&message.html, &message.text) {
        (Some(html), _) => EitherOf3::A(view! {
            <iframe
                class="message-frame"
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                referrerpolicy="no-referrer"
                title=t(|t| t.message_frame_title)
                srcdoc=html.clone()
            ></iframe>
        }),
        (None, Some(text)) if !text.trim().is_empty() => {
            let parts = linkify(text)
                .into_iter()
                .map(|seg| match seg {
                    Segment::Text(t) => Either::Left(t.to_string()),
                    Segment::Link(url) => Either::Right(view! {
                        <a href=url.to_string() target="_blank" rel="noopener noreferrer nofollow">
                            {url.to_string()}
                        </a>
                    }),
                })
                .collect_view();
            EitherOf3::B(view! { <div class="message-text">{parts}</div> })
        }
        _ => EitherOf3::C(view! { <p class="message-text empty">{t(|t| t.empty_body)}</p> }),
    };

    let raw = raw_url(&folder, uid);
    // "Créer un filtre": a rule for the mailing list the message came
    // through, else for its sender, named after them.
    let router = use_router();
    let filter_href = match &message.list_id {
        Some(id) => Some(new_list_rule_href(id)),
        None => message.from.first().map(|a| {
            let name = a.name.as_deref().filter(|n| !n.trim().is_empty());
            new_rule_href(&a.email, name.unwrap_or(&a.email))
        }),
    };
    // Answering and forwarding open the compose bundle (a full page load).
    let answers = {
        let folder = folder.clone();
        move || {
            if in_drafts.get() {
                let href = draft_href(&folder, uid);
                return view! {
                    <a class="button primary" href=href>{t(|t| t.continue_draft)}</a>
                }
                .into_any();
            }
            let link = |mode: ComposeMode, label: fn(&Tr) -> &'static str, class: &'static str| {
                view! { <a class=class href=answer_href(mode, &folder, uid)>{t(label)}</a> }
            };
            view! {
                {link(ComposeMode::Reply, |t| t.reply, "button primary")}
                {link(ComposeMode::ReplyAll, |t| t.reply_all, "button")}
                {link(ComposeMode::Forward, |t| t.forward, "button")}
                {link(ComposeMode::ForwardAsAttachment, |t| t.forward_attached, "button")}
            }
            .into_any()
        }
    };
    // "Ajouter aux contacts": the address book with the sender filled in.
    let add_contact = message.from.first().map(|a| {
        let name = a.name.clone().unwrap_or_default();
        format!(
            "{CONTACTS_PATH}?new={}&name={}",
            encode_segment(&a.email),
            encode_segment(&name)
        )
    });
    view! {
        <article class="message-view" aria-labelledby="message-subject">
            <header class="message-header">
                <h1 id="message-subject" class="message-subject" tabindex="-1">{subject}</h1>
                <dl class="message-meta">
                    {row(|t| t.from, from)}
                    {row(|t| t.to, to)}
                    {row(|t| t.cc, cc)}
                    <div class="meta-row">
                        <dt>{t(|t| t.date)}</dt>
                        <dd>{Signal::derive(move || format_full_date(local_seconds(date), tr()))}</dd>
                    </div>
                </dl>
            </header>
            <div class="message-actions" role="toolbar" aria-label=t(|t| t.actions_label)>
                {answers}
                <button type="button" class="button" disabled=busy on:click=move |_| actions.mark_unread.run(())>
                    {t(|t| t.mark_unread)}
                </button>
                <button
                    type="button"
                    class="button"
                    aria-pressed=Signal::derive(move || flagged.get().to_string())
                    disabled=busy
                    on:click=move |_| actions.toggle_flag.run(())
                >
                    {Signal::derive(move || if flagged.get() { tr().unflag } else { tr().flag })}
                </button>
                <select
                    class="button move-select"
                    aria-label=t(|t| t.move_to)
                    disabled=busy
                    on:change=move |ev| {
                        let to = event_target_value(&ev);
                        if !to.is_empty() {
                            actions.move_to.run(to);
                        }
                        let select: web_sys::HtmlSelectElement = event_target(&ev);
                        select.set_value("");
                    }
                >
                    <option value="" selected>{t(|t| t.move_to)}</option>
                    {move || {
                        move_targets
                            .get()
                            .into_iter()
                            .map(|(path, name)| view! { <option value=path>{name}</option> })
                            .collect_view()
                    }}
                </select>
                <button
                    type="button"
                    class="button"
                    disabled=busy
                    aria-keyshortcuts="!"
                    on:click=move |_| actions.junk.run(!in_junk.get_untracked())
                >
                    {Signal::derive(move || if in_junk.get() { tr().not_junk } else { tr().junk })}
                </button>
                <button type="button" class="button danger" disabled=busy on:click=move |_| actions.delete.run(())>
                    {Signal::derive(move || if in_trash.get() { tr().delete_forever } else { tr().delete })}
                </button>
                <a class="button" href=raw download="">{t(|t| t.download_eml)}</a>
                {add_contact.map(|href| view! {
                    <a class="button" href=href>{t(|t| t.add_to_contacts)}</a>
                })}
                {filter_href.map(|href| {
                    let to = href.clone();
                    view! {
                        <a class="button" href=href on:click=move |ev| router.follow(&ev, &to)>
                            {t(|t| t.create_filter)}
                        </a>
                    }
                })}
            </div>
            {message.invitation.then(|| view! { <InvitationCard folder=folder.clone() uid /> })}
            {message.remote_content_blocked.then(|| view! {
                <div class="remote-bar" role="status">
                    <p>{t(|t| t.remote_blocked)}</p>
                    <button type="button" class="button" on:click=move |_| actions.show_images.run(())>
                        {t(|t| t.show_images)}
                    </button>
                </div>
            })}
            {(!attachments.is_empty()).then(|| {
                let items = attachments
                    .into_iter()
                    .map(|a| {
                        let href = attachment_url(&folder, uid, a.part);
                        let size = a.size;
                        view! {
                            <li>
                                <a class="attachment" href=href download=a.filename.clone()>
                                    <span class="attachment-name">{a.filename.clone()}</span>
                                    <span class="attachment-size">{Signal::derive(move || format_size(size, tr()))}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="attachments" aria-labelledby="attachments-heading">
                        <h2 id="attachments-heading">{t(|t| t.attachments)}</h2>
                        <ul>{items}</ul>
                    </section>
                }
            })}
            <div class="message-body">{body}</div>
        </article>
    }
}
