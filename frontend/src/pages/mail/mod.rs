//! The mail screen: folders | list | message on a desktop, one pane at a
//! time on a phone. Requires a session: without one, the user goes to the
//! login page and comes back here afterwards.

pub mod bulk;
pub mod conversation;
pub mod folder;
pub mod message;
pub mod offline;

use std::time::Duration;

use leptos::either::Either;
use leptos::prelude::*;
use shared::mail::{FolderRole, decode_segment};

use crate::components::{
    error_banner::ErrorBanner, folder_tree::FolderTree, folder_tree::folder_href,
    lang_switch::LangSwitch, quota_bar::QuotaBar,
};
use crate::i18n::{t, use_tr};
use crate::pages::filters_link::FILTERS_PATH;
use crate::pages::links::{
    CALENDAR_PATH, COMPOSE_PATH, CONTACTS_PATH, SETTINGS_PATH, answer_href, go,
};
use crate::router::use_router;
use crate::state::folders::{display_name, provide_folders};
use crate::state::mailbox::MailboxCtx;
use crate::state::session::{SessionState, use_session};
use folder::FolderPane;
use message::{MessagePage, NoMessage};
use shared::compose::ComposeMode;

/// What the address says is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRoute {
    /// The folder path, decoded.
    pub folder: String,
    /// The message segment, if any (`Some(None)` when it is not a UID).
    pub message: Option<Option<u32>>,
}

/// Reads `/mail/{folder}[/{uid}]`, the folder percent-encoded as one segment.
pub fn parse_mail_path(path: &str) -> Option<MailRoute> {
    let rest = path.strip_prefix("/mail/")?;
    let mut parts = rest.splitn(2, '/');
    let raw_folder = parts.next().filter(|f| !f.is_empty())?;
    let folder = decode_segment(raw_folder).unwrap_or_else(|| raw_folder.to_string());
    let message = parts
        .next()
        .map(|m| m.trim_end_matches('/'))
        .filter(|m| !m.is_empty())
        .map(|m| m.parse::<u32>().ok().filter(|uid| *uid > 0));
    Some(MailRoute { folder, message })
}

/// The open folder and message, shared through context.
#[derive(Clone, Copy)]
pub struct RouteCtx {
    pub folder: Memo<String>,
    /// `Some` when a message segment is in the address (`Some(None)`: not a UID).
    pub message: Memo<Option<Option<u32>>>,
}

/// What the keyboard asks of the open message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKey {
    Archive,
    Delete,
    Flag,
    Junk,
}

/// The keyboard's command waiting for the message pane, through context.
#[derive(Clone, Copy)]
pub struct KeyCmd(pub RwSignal<Option<MessageKey>>);

/// A short confirmation ("Message moved…"), read out politely, gone after
/// a few seconds.
#[derive(Clone, Copy)]
pub struct NoticeCtx(pub RwSignal<Option<String>>);

impl NoticeCtx {
    pub fn show(self, text: Option<String>) {
        let notice = self.0;
        notice.set(text.clone());
        set_timeout(
            move || {
                if notice.get_untracked() == text {
                    notice.set(None);
                }
            },
            Duration::from_secs(6),
        );
    }
}

/// The mail routes: waits for the session, sends strangers to the login page.
#[component]
pub fn MailPage() -> impl IntoView {
    let session = use_session();
    let logged_in = Memo::new(move |_| matches!(session.state.get(), SessionState::LoggedIn(_)));
    move || {
        if logged_in.get() {
            Either::Left(MailShell())
        } else {
            Either::Right(view! { <p class="app-loading">{t(|t| t.loading)}</p> })
        }
    }
}

#[component]
fn MailShell() -> impl IntoView {
    let tr = use_tr();
    let session = use_session();
    let router = use_router();

    let folder = Memo::new(move |_| {
        router
            .path
            .with(|p| parse_mail_path(p).map_or_else(|| "INBOX".to_string(), |r| r.folder))
    });
    let message = Memo::new(move |_| {
        router
            .path
            .with(|p| parse_mail_path(p).and_then(|r| r.message))
    });
    provide_context(RouteCtx { folder, message });

    let folders = provide_folders();

    folders.refresh();
    let mailbox = MailboxCtx::provide(folder);
    let selection = crate::state::selection::SelectionCtx::provide();
    crate::state::prefs::PrefsCtx::provide();
    provide_context(offline::SearchCtx {
        query: RwSignal::new(String::new()),
        opts: RwSignal::new(offline::SearchOpts::default()),
    });
    // New mail, flags and counts from the server as they change.
    crate::offline::live::follow(folders, mailbox, crate::state::lang::use_lang());
    let can_ask = RwSignal::new(crate::offline::live::can_ask_notifications());
    // A selection belongs to its folder.
    Effect::new(move |_| {
        folder.track();
        selection.clear();
    });
    let keys = KeyCmd(RwSignal::new(None));
    provide_context(keys);
    let show_shortcuts = RwSignal::new(false);

    // The keyboard (shown by "?"): not while typing, nor with Ctrl, Alt or
    // Cmd (the browser's own shortcuts).
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // The listener outlives this page (logging out shows the login page).
        let on_mail = router.path.with_untracked(|p| p.starts_with("/mail"));
        if !on_mail || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.is_content_editable()
            });
        if typing {
            return;
        }
        let open = message.get_untracked().flatten();
        let here = folder.get_untracked();
        let command = |k: MessageKey| keys.0.set(Some(k));
        match ev.key().as_str() {
            "c" => go(COMPOSE_PATH),
            "r" | "a" | "f" => {
                let mode = match ev.key().as_str() {
                    "r" => ComposeMode::Reply,
                    "a" => ComposeMode::ReplyAll,
                    _ => ComposeMode::Forward,
                };
                if let Some(uid) = open {
                    go(&answer_href(mode, &here, uid));
                }
            }
            "j" | "k" | "o" | "Enter" => {
                let step = match ev.key().as_str() {
                    "j" => 1,
                    "k" => -1,
                    _ if open.is_some() => return,
                    _ => 0,
                };
                let rows: Vec<u32> = mailbox.pages.with_untracked(|p| p.uids_in_order());
                let at = open.and_then(|u| rows.iter().position(|r| *r == u));
                let next = match at {
                    Some(i) => i.checked_add_signed(step).filter(|n| *n < rows.len()),
                    None => (!rows.is_empty()).then_some(0),
                };
                if let Some(uid) = next.and_then(|n| rows.get(n)) {
                    ev.prevent_default();
                    router.navigate(&format!("{}/{uid}", folder_href(&here)), false);
                }
            }
            "u" | "Escape" if !show_shortcuts.get_untracked() && open.is_some() => {
                router.navigate(&folder_href(&here), false);
            }
            "Escape" => show_shortcuts.set(false),
            "e" => command(MessageKey::Archive),
            "#" => command(MessageKey::Delete),
            "s" => command(MessageKey::Flag),
            "!" => command(MessageKey::Junk),
            "/" => {
                if let Some(input) = document()
                    .query_selector(".search-box input")
                    .ok()
                    .flatten()
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
            "?" => show_shortcuts.update(|s| *s = !*s),
            _ => {}
        }
    });

    let notice = RwSignal::new(None::<String>);
    provide_context(NoticeCtx(notice));
    let outbox_ctx = offline::OutboxCtx(RwSignal::new(Vec::new()));
    provide_context(outbox_ctx);
    offline::keep_in_sync(NoticeCtx(notice), outbox_ctx);

    // Phone: which pane is shown.
    let show_folders = RwSignal::new(false);
    let pane = Signal::derive(move || {
        if show_folders.get() {
            "folders"
        } else if message.with(Option::is_some) {
            "message"
        } else {
            "list"
        }
    });

    let folder_name = Signal::derive(move || {
        let t = tr();
        let path = folder.get();
        folders
            .find(&path)
            .map(|f| display_name(&f, t))
            .unwrap_or_else(|| {
                if path.eq_ignore_ascii_case("INBOX") {
                    t.role_inbox.to_string()
                } else {
                    path
                }
            })
    });

    // "(3) Boîte de réception – Facteur": the inbox's unread count, the open folder.
    Effect::new(move |_| {
        let inbox_unread = folders.list.with(|l| {
            l.as_ref()
                .and_then(|l| {
                    l.folders.iter().find(|f| {
                        f.role == Some(FolderRole::Inbox) || f.path.eq_ignore_ascii_case("INBOX")
                    })
                })
                .map_or(0, |f| f.unread)
        });
        let name = folder_name.get();
        let brand = session.brand();
        let title = if inbox_unread > 0 {
            format!("({inbox_unread}) {name} – {brand}")
        } else {
            format!("{name} – {brand}")
        };
        document().set_title(&title);
    });
    on_cleanup(|| {
        document().set_title(crate::state::session::DEFAULT_BRAND);
    });

    let email = Signal::derive(move || match session.state.get() {
        SessionState::LoggedIn(info) => info.email,
        _ => String::new(),
    });
    let brand = Signal::derive(move || session.brand());
    // "‹ Retour" (to the list) from a message, "‹ Dossiers" from the list.
    let back_text = Signal::derive(move || {
        if pane.get() == "message" {
            tr().back
        } else {
            tr().folders
        }
    });
    let back_label = Signal::derive(move || {
        if pane.get() == "message" {
            tr().back_to_list
        } else {
            tr().folders
        }
    });
    let back = move |_| {
        if message.get_untracked().is_some() {
            router.navigate(&folder_href(&folder.get_untracked()), false);
        } else {
            show_folders.set(true);
        }
    };
    let message_open = Memo::new(move |_| message.with(Option::is_some));
    let quota = Signal::derive(move || folders.list.with(|l| l.as_ref().and_then(|l| l.quota)));

    view! {
        <div class="app" data-pane=pane>
            <header class="app-header">
                <button type="button" class="back-button" on:click=back aria-label=back_label>
                    <span aria-hidden="true">"‹"</span>
                    <span class="back-text">{back_text}</span>
                </button>
                <span class="brand">{brand}</span>
                <span class="user-email" title=t(|t| t.signed_in_as)>{email}</span>
                <a class="button primary compose-button" href=COMPOSE_PATH title=t(|t| t.new_message) aria-keyshortcuts="c">
                    <span aria-hidden="true">"✎"</span>
                    <span class="compose-text">{t(|t| t.new_message)}</span>
                </a>
                <a class="button header-link" href=FILTERS_PATH on:click=move |ev| router.follow(&ev, FILTERS_PATH)>
                    {t(|t| t.filters)}
                </a>
                <LangSwitch />
                <button type="button" class="button logout" on:click=move |_| session.logout()>
                    {t(|t| t.logout)}
                </button>
            </header>
            <offline::OfflineBanner />
            {move || show_shortcuts.get().then(|| view! { <ShortcutsHelp open=show_shortcuts /> })}
            <p class="notice" role="status">{notice}</p>
            <div class="panes">
                <nav class="pane pane-folders" aria-label=t(|t| t.folders)>
                    <ErrorBanner error=folders.error on_retry=Callback::new(move |_| folders.refresh()) />
                    <FolderTree current=folder on_select=Callback::new(move |_| show_folders.set(false)) />
                    <QuotaBar quota />
                    <offline::SavedSearches />
                    <offline::OutboxPane outbox_ctx />
                    <ul class="more-links">
                        <li><a href=CONTACTS_PATH>{t(|t| t.contacts)}</a></li>
                        <li><a href=CALENDAR_PATH>{t(|t| t.calendar)}</a></li>
                        <li><a href=SETTINGS_PATH>{t(|t| t.settings)}</a></li>
                    </ul>
                    {move || can_ask.get().then(|| view! {
                        <button type="button" class="link-button notify-button" on:click=move |_| {
                            // Asked only on the user's click, as browsers require.
                            if let Ok(p) = web_sys::Notification::request_permission() {
                                let _ = p;
                            }
                            can_ask.set(false);
                        }>
                            {t(|t| t.enable_notifications)}
                        </button>
                    })}
                </nav>
                <section class="pane pane-list" aria-labelledby="folder-title">
                    <FolderPane name=folder_name />
                </section>
                <section class="pane pane-message">
                    {move || if message_open.get() { Either::Left(MessagePage()) } else { Either::Right(NoMessage()) }}
                </section>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_paths() {
        assert_eq!(
            parse_mail_path("/mail/INBOX"),
            Some(MailRoute {
                folder: "INBOX".into(),
                message: None
            })
        );
        assert_eq!(
            parse_mail_path("/mail/Projets%2FVoyage%20Rome/42"),
            Some(MailRoute {
                folder: "Projets/Voyage Rome".into(),
                message: Some(Some(42))
            })
        );
        assert_eq!(
            parse_mail_path("/mail/a%2541/x"),
            Some(MailRoute {
                folder: "a%41".into(),
                message: Some(None)
            })
        );
        assert_eq!(
            parse_mail_path("/mail/INBOX/"),
            Some(MailRoute {
                folder: "INBOX".into(),
                message: None
            })
        );
        assert_eq!(parse_mail_path("/mail/"), None);
        assert_eq!(parse_mail_path("/login"), None);
    }
}

/// The list of keyboard shortcuts ("?").
#[component]
fn ShortcutsHelp(open: RwSignal<bool>) -> impl IntoView {
    let tr = use_tr();
    view! {
        <div class="dialog-backdrop" on:click=move |_| open.set(false)>
            <div
                class="dialog shortcuts"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-heading"
                on:click=|ev| ev.stop_propagation()
            >
                <h2 id="shortcuts-heading">{t(|t| t.shortcuts_heading)}</h2>
                <dl>
                    {move || tr().shortcuts.iter().map(|(k, what)| view! {
                        <div class="shortcut"><dt><kbd>{*k}</kbd></dt><dd>{*what}</dd></div>
                    }).collect_view()}
                </dl>
                <div class="dialog-buttons">
                    <button type="button" class="button" on:click=move |_| open.set(false)>{t(|t| t.close_help)}</button>
                </div>
            </div>
        </div>
    }
}
