//! The settings' "Libérer de l'espace" section: how full the mailbox is,
//! its 20 largest messages (each a link to open it in the mail pages),
//! and the Trash and Junk folders with a button to empty each (the user
//! confirms the number of messages that go).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::mail::{Quota, encode_segment};
use shared::search::{FolderUsage, SearchHit, SpaceReport};

use crate::api::{Failure, Method, decode, get_text, send_text};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::components::quota_bar::{quota_level, quota_percent};
use crate::format::{format_list_date, format_size, local_seconds, now_secs};
use crate::i18n::people::{tp, use_trp};
use crate::i18n::{t, use_tr};
use crate::state::folders::{FoldersCtx, display_name};

pub const SPACE_URL: &str = "/api/space";

/// The share used (in whole percent) and its warning level (`ok`, `warn`
/// from 80 %, `critical` from 95 %), when the mailbox has a limit.
pub fn quota_state(q: Option<Quota>) -> Option<(u32, &'static str)> {
    let q = q.filter(|q| q.limit_bytes > 0)?;
    let percent = quota_percent(&q);
    Some((percent.round() as u32, quota_level(percent)))
}

/// Where a message opens in the mail pages (another bundle: a plain link).
pub fn message_href(folder: &str, uid: u32) -> String {
    format!("/mail/{}/{uid}", encode_segment(folder))
}

/// Empties `folder` once the user confirmed its `count` messages.
pub fn empty_url(folder: &str, count: u32) -> String {
    format!(
        "/api/folders/{}/empty?confirm={count}",
        encode_segment(folder)
    )
}

#[component]
pub fn SpaceSection(folders: FoldersCtx) -> impl IntoView {
    let trp = use_trp();
    let tr = use_tr();
    let report = RwSignal::new(None::<SpaceReport>);
    let error = RwSignal::new(None::<Failure>);
    let loading = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Emptying waiting for the user's yes: (folder, messages).
    let confirming = RwSignal::new(None::<(String, u32)>);
    let emptied = RwSignal::new(None::<String>);

    let load = move || {
        loading.set(true);
        error.set(None);
        spawn_local(async move {
            let answer = match get_text(SPACE_URL, None).await {
                Ok(text) => decode::<SpaceReport>(&text),
                Err(e) => Err(e),
            };
            loading.try_set(false);
            match answer {
                Ok(r) => {
                    report.try_set(Some(r));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    load();
    let retry = Callback::new(move |_| load());

    let empty = move |folder: String, count: u32| {
        busy.set(true);
        error.set(None);
        emptied.set(None);
        spawn_local(async move {
            let answer = send_text(Method::Post, &empty_url(&folder, count), None).await;
            busy.try_set(false);
            match answer {
                // The folder changed meanwhile: ask again with the new count.
                Err(Failure::Api(ApiError::ConfirmDelete { messages, .. })) => {
                    confirming.try_set(Some((folder, messages)));
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
                Ok(_) => {
                    emptied.try_set(Some(folder));
                    folders.refresh();
                    load();
                }
            }
        });
    };
    let answer = Callback::new(move |yes: bool| {
        let asked = confirming.get_untracked();
        confirming.set(None);
        if let (true, Some((folder, messages))) = (yes, asked) {
            empty(folder, messages);
        }
    });
    let name_of = move |path: &str| {
        folders
            .find(path)
            .map(|f| display_name(&f, tr()))
            .unwrap_or_else(|| path.to_string())
    };

    let quota = move || {
        let r = report.get()?;
        let t = tr();
        let p = trp();
        Some(match (r.quota, quota_state(r.quota)) {
            (Some(q), Some((percent, level))) => {
                let text = (p.space_used)(
                    &format_size(q.used_bytes, t),
                    &format_size(q.limit_bytes, t),
                );
                let warning = match level {
                    "critical" => Some(p.space_critical),
                    "warn" => Some(p.space_warn),
                    _ => None,
                };
                view! {
                    <div class="space-quota" data-level=level>
                        <div
                            class="space-track"
                            role="meter"
                            aria-label=p.space_quota_label
                            aria-valuemin="0"
                            aria-valuemax="100"
                            aria-valuenow=percent.to_string()
                            aria-valuetext=text.clone()
                        >
                            <div class="space-fill" style:width=format!("{percent}%")></div>
                        </div>
                        <p class="space-quota-text">{text}</p>
                        {warning.map(|w| view! { <p class="space-warning">{w}</p> })}
                    </div>
                }
                .into_any()
            }
            _ => view! { <p class="settings-help">{p.space_no_limit}</p> }.into_any(),
        })
    };

    let largest = move || {
        let r = report.get()?;
        let p = trp();
        if r.largest.is_empty() {
            return Some(view! { <p class="settings-help">{p.space_no_messages}</p> }.into_any());
        }
        let now = local_seconds(now_secs());
        let rows = r
            .largest
            .into_iter()
            .map(|hit| largest_row(hit, now, name_of))
            .collect_view();
        Some(
            view! {
                <div class="space-table-wrap">
                    <table class="space-largest">
                        <thead>
                            <tr>
                                <th scope="col" class="space-size">{tp(|t| t.space_col_size)}</th>
                                <th scope="col">{tp(|t| t.space_col_date)}</th>
                                <th scope="col">{tp(|t| t.space_col_subject)}</th>
                                <th scope="col">{tp(|t| t.space_col_from)}</th>
                                <th scope="col">{tp(|t| t.space_col_folder)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any(),
        )
    };

    let bin = move |usage: FolderUsage| {
        let t = tr();
        let p = trp();
        let name = name_of(&usage.folder);
        let text = (p.space_bin_usage)(usage.messages, &format_size(usage.bytes, t));
        let (folder, messages) = (usage.folder.clone(), usage.messages);
        view! {
            <li class="space-bin">
                <span class="space-bin-name">{name}</span>
                <span class="space-bin-usage">{text}</span>
                <button
                    type="button"
                    class="button danger"
                    disabled=move || busy.get() || messages == 0
                    on:click=move |_| confirming.set(Some((folder.clone(), messages)))
                >
                    {tp(|t| t.space_empty)}
                </button>
            </li>
        }
    };
    let bins = move || {
        let r = report.get()?;
        let list: Vec<FolderUsage> = r.trash.into_iter().chain(r.junk).collect();
        (!list.is_empty()).then(|| {
            view! {
                <h3>{tp(|t| t.space_bins)}</h3>
                <ul class="space-bins">{list.into_iter().map(bin).collect_view()}</ul>
            }
        })
    };

    view! {
        <section class="settings-section space-section" aria-labelledby="settings-space">
            <h2 id="settings-space">{tp(|t| t.space_heading)}</h2>
            <p class="settings-help">{tp(|t| t.space_help)}</p>
            <ErrorBanner error on_retry=retry />
            {quota}
            <p role="status" class="space-emptied">
                {move || emptied.get().map(|f| (trp().space_emptied)(&name_of(&f)))}
            </p>
            {bins}
            <h3>{tp(|t| t.space_largest)}</h3>
            <p class="settings-help">{tp(|t| t.space_largest_help)}</p>
            {move || (loading.get() && report.with(Option::is_none))
                .then(|| view! { <p>{t(|t| t.loading)}</p> })}
            {largest}
            <button type="button" class="button" disabled=loading on:click=move |_| load()>
                {move || if loading.get() { trp().space_refreshing } else { trp().space_refresh }}
            </button>
            {move || confirming.get().map(|(folder, messages)| {
                let p = trp();
                let text = (p.space_empty_text)(&name_of(&folder), messages);
                view! {
                    <ConfirmDialog
                        heading=p.space_empty_confirm
                        text
                        confirm_label=p.space_empty
                        on_answer=answer
                    />
                }
            })}
        </section>
    }
}

/// One of the largest messages: a row whose subject opens it.
fn largest_row(hit: SearchHit, now: i64, name_of: impl Fn(&str) -> String) -> AnyView {
    let tr = use_tr();
    let m = hit.summary;
    let href = message_href(&hit.folder, m.uid);
    let folder = name_of(&hit.folder);
    let from = m
        .from
        .as_ref()
        .map(|a| a.display().to_string())
        .unwrap_or_default();
    let subject = m.subject.clone();
    let (size, date) = (u64::from(m.size), m.date);
    view! {
        <tr>
            <td class="space-size">{move || format_size(size, tr())}</td>
            <td class="space-date">{move || format_list_date(local_seconds(date), now, tr())}</td>
            <td class="space-subject">
                <a href=href>
                    {move || {
                        if subject.trim().is_empty() {
                            tr().no_subject.to_string()
                        } else {
                            subject.clone()
                        }
                    }}
                </a>
            </td>
            <td class="space-from">{from}</td>
            <td class="space-folder">{folder}</td>
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(used: u64, limit: u64) -> Option<Quota> {
        Some(Quota {
            used_bytes: used,
            limit_bytes: limit,
        })
    }

    #[test]
    fn the_quota_warns_at_80_and_95_percent() {
        assert_eq!(quota_state(q(838, 1000)), Some((84, "warn")));
        assert_eq!(quota_state(q(79, 100)), Some((79, "ok")));
        assert_eq!(quota_state(q(80, 100)), Some((80, "warn")));
        assert_eq!(quota_state(q(95, 100)), Some((95, "critical")));
        assert_eq!(quota_state(q(300, 100)), Some((100, "critical")));
        assert_eq!(quota_state(q(5, 0)), None);
        assert_eq!(quota_state(None), None);
    }

    #[test]
    fn links_and_urls_encode_the_folder() {
        assert_eq!(message_href("INBOX", 42), "/mail/INBOX/42");
        assert_eq!(
            message_href("Projets/Sortie à Rome", 7),
            format!("/mail/{}/7", encode_segment("Projets/Sortie à Rome"))
        );
        assert!(!message_href("Projets/Rome", 7).contains("Projets/Rome"));
        assert_eq!(
            empty_url("Trash", 12),
            "/api/folders/Trash/empty?confirm=12"
        );
        assert_eq!(
            empty_url("Courrier indésirable", 0),
            format!(
                "/api/folders/{}/empty?confirm=0",
                encode_segment("Courrier indésirable")
            )
        );
    }
}
