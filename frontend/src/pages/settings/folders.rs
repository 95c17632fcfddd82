//! The settings' "Dossiers" section: create a folder (nested), rename or
//! move one, delete one (the server says how many messages it holds, and
//! the user confirms that number), subscribe or not. Special folders
//! (INBOX, Sent, Trash…) cannot be renamed or deleted.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::mail::{
    CreateFolderRequest, Folder, FolderList, RenameFolderRequest, SubscriptionRequest,
    encode_segment, folder_name_problem,
};

use crate::api::{Failure, Method, decode, json, send_text};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::error_banner::ErrorBanner;
use crate::i18n::people::{tp, use_trp};
use crate::state::folders::{FoldersCtx, display_name};

/// Whether a folder may be renamed, moved or deleted.
pub fn editable(f: &Folder) -> bool {
    f.role.is_none() && !f.path.eq_ignore_ascii_case("INBOX")
}

/// The parents a folder may move under: not itself nor its subfolders.
pub fn parents_for<'a>(
    all: &'a [Folder],
    moving: Option<&str>,
    delimiter: &str,
) -> Vec<&'a Folder> {
    all.iter()
        .filter(|f| match moving {
            Some(m) => f.path != m && !f.path.starts_with(&format!("{m}{delimiter}")),
            None => true,
        })
        .collect()
}

async fn call(method: Method, url: &str, body: Option<String>) -> Result<FolderList, Failure> {
    decode(&send_text(method, url, body).await?)
}

#[component]
pub fn FoldersSection(folders: FoldersCtx) -> impl IntoView {
    let trp = use_trp();
    let tr = crate::i18n::use_tr();
    let error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let new_parent = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<String>);
    let edit_name = RwSignal::new(String::new());
    let edit_parent = RwSignal::new(String::new());
    // A deletion waiting for the user's yes: (path, messages, folders).
    let confirming = RwSignal::new(None::<(String, u32, u32)>);
    let delimiter = move || {
        folders
            .list
            .with(|l| l.as_ref().and_then(|l| l.delimiter.clone()))
            .unwrap_or_else(|| "/".into())
    };
    let done = move |r: Result<FolderList, Failure>| {
        busy.set(false);
        match r {
            Ok(list) => {
                folders.list.set(Some(list));
                error.set(None);
                true
            }
            Err(e) => {
                error.set(Some(e));
                false
            }
        }
    };
    let create = move || {
        let name = new_name.get_untracked().trim().to_string();
        if let Some(p) = folder_name_problem(&name, Some(&delimiter())) {
            error.set(Some(Failure::Api(ApiError::InvalidRequest { detail: p })));
            return;
        }
        let parent = Some(new_parent.get_untracked()).filter(|p| !p.is_empty());
        busy.set(true);
        spawn_local(async move {
            let r = call(
                Method::Post,
                "/api/folders",
                json(&CreateFolderRequest { parent, name }),
            )
            .await;
            if done(r) {
                new_name.set(String::new());
            }
        });
    };
    let rename = move |from: String| {
        let to_name = edit_name.get_untracked().trim().to_string();
        let to_parent = Some(edit_parent.get_untracked()).filter(|p| !p.is_empty());
        busy.set(true);
        spawn_local(async move {
            let r = call(
                Method::Post,
                "/api/folders/rename",
                json(&RenameFolderRequest {
                    from,
                    to_parent,
                    to_name,
                }),
            )
            .await;
            if done(r) {
                editing.set(None);
            }
        });
    };
    // Deleting: first without a count; the server answers how many
    // messages (and subfolders) would go, and the user confirms them.
    let delete = move |path: String, confirm: Option<u32>| {
        busy.set(true);
        spawn_local(async move {
            let mut url = format!("/api/folders/{}", encode_segment(&path));
            if let Some(n) = confirm {
                url.push_str(&format!("?confirm={n}"));
            }
            match call(Method::Delete, &url, None).await {
                Err(Failure::Api(ApiError::ConfirmDelete {
                    messages,
                    folders: subfolders,
                })) => {
                    busy.set(false);
                    confirming.set(Some((path, messages, subfolders)));
                }
                r => {
                    done(r);
                }
            }
        });
    };
    let subscribe = move |folder: String, subscribed: bool| {
        spawn_local(async move {
            let r = call(
                Method::Post,
                "/api/folders/subscription",
                json(&SubscriptionRequest { folder, subscribed }),
            )
            .await;
            done(r);
        });
    };
    let all = move || {
        folders
            .list
            .with(|l| l.as_ref().map(|l| l.folders.clone()).unwrap_or_default())
    };
    let options = move |moving: Option<String>| {
        let t = tr();
        let d = delimiter();
        let list = all();
        let mut out = vec![(String::new(), trp().folders_top_level.to_string())];
        out.extend(
            parents_for(&list, moving.as_deref(), &d)
                .into_iter()
                .map(|f| {
                    let indent = "\u{a0}\u{a0}".repeat(f.depth as usize);
                    (f.path.clone(), format!("{indent}{}", display_name(f, t)))
                }),
        );
        out
    };
    let answer = Callback::new(move |yes: bool| {
        let asked = confirming.get_untracked();
        confirming.set(None);
        if let (true, Some((path, messages, _))) = (yes, asked) {
            delete(path, Some(messages));
        }
    });
    view! {
        <section class="settings-section" aria-labelledby="settings-folders">
            <h2 id="settings-folders">{tp(|t| t.folders_heading)}</h2>
            <p class="settings-help">{tp(|t| t.folders_help)}</p>
            <ErrorBanner error />
            <form class="folders-new" on:submit=move |ev| {
                ev.prevent_default();
                create();
            }>
                <label class="field">
                    <span>{tp(|t| t.folder_name)}</span>
                    <input type="text" maxlength="200" prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{tp(|t| t.folder_parent)}</span>
                    <select on:change=move |ev| new_parent.set(event_target_value(&ev))>
                        {move || options(None).into_iter().map(|(v, l)| {
                            let sel = v == new_parent.get_untracked();
                            view! { <option value=v selected=sel>{l}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button primary" disabled=busy>{tp(|t| t.folder_create)}</button>
            </form>
            <ul class="folders-list">
                {move || all().into_iter().map(|f| {
                    let t = tr();
                    let name = display_name(&f, t);
                    let path = f.path.clone();
                    let can_edit = editable(&f);
                    let indent = format!("padding-left: {}rem", f.depth as f32 * 1.2);
                    let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path.clone());
                    let parent = f.parent.clone().unwrap_or_default();
                    let own = f.name.clone();
                    let is_editing = move || editing.get().as_deref() == Some(p1.as_str());
                    view! {
                        <li class="folders-item" style=indent>
                            <span class="folders-name">{name.clone()}</span>
                            <span class="folders-count">{(trp().folder_messages)(f.total)}</span>
                            <label class="search-check">
                                <input type="checkbox" prop:checked=f.subscribed disabled=!can_edit
                                    on:change=move |ev| subscribe(p2.clone(), event_target_checked(&ev)) />
                                {tp(|t| t.folder_subscribed)}
                            </label>
                            {can_edit.then(|| view! {
                                <button type="button" class="button" on:click=move |_| {
                                    edit_name.set(own.clone());
                                    edit_parent.set(parent.clone());
                                    editing.set(Some(p3.clone()));
                                }>{tp(|t| t.folder_rename)}</button>
                                <button type="button" class="button danger" disabled=busy
                                    on:click=move |_| delete(p4.clone(), None)>{tp(|t| t.folder_delete)}</button>
                            })}
                            <Show when=is_editing.clone()>
                                {
                                    let from = path.clone();
                                    let moving = path.clone();
                                    view! {
                                        <form class="folders-edit" on:submit=move |ev| {
                                            ev.prevent_default();
                                            rename(from.clone());
                                        }>
                                            <label class="field">
                                                <span>{tp(|t| t.folder_name)}</span>
                                                <input type="text" maxlength="200" prop:value=move || edit_name.get()
                                                    on:input=move |ev| edit_name.set(event_target_value(&ev)) />
                                            </label>
                                            <label class="field">
                                                <span>{tp(|t| t.folder_parent)}</span>
                                                <select on:change=move |ev| edit_parent.set(event_target_value(&ev))>
                                                    {options(Some(moving.clone())).into_iter().map(|(v, l)| {
                                                        let sel = v == edit_parent.get_untracked();
                                                        view! { <option value=v selected=sel>{l}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </label>
                                            <button type="submit" class="button primary" disabled=busy>{tp(|t| t.save)}</button>
                                            <button type="button" class="button" on:click=move |_| editing.set(None)>{t.cancel}</button>
                                        </form>
                                    }
                                }
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || confirming.get().map(|(path, messages, subfolders)| {
                let t = trp();
                let name = folders.find(&path).map(|f| display_name(&f, tr())).unwrap_or(path.clone());
                let text = (t.folder_delete_text)(&name, messages, subfolders);
                view! { <ConfirmDialog heading=t.folder_delete_confirm text confirm_label=t.folder_delete on_answer=answer /> }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::mail::FolderRole;

    fn folder(path: &str, role: Option<FolderRole>) -> Folder {
        Folder {
            path: path.into(),
            name: path.rsplit('/').next().unwrap_or(path).into(),
            depth: path.matches('/').count() as u32,
            parent: path.rsplit_once('/').map(|(p, _)| p.to_string()),
            role,
            selectable: true,
            subscribed: true,
            total: 0,
            unread: 0,
        }
    }

    #[test]
    fn special_folders_stay_and_a_folder_never_moves_under_itself() {
        assert!(!editable(&folder("INBOX", Some(FolderRole::Inbox))));
        assert!(!editable(&folder("Sent", Some(FolderRole::Sent))));
        assert!(editable(&folder("Projets", None)));
        let all = vec![
            folder("Projets", None),
            folder("Projets/Rome", None),
            folder("Projets2", None),
            folder("Pédagogie", None),
        ];
        let p: Vec<_> = parents_for(&all, Some("Projets"), "/")
            .into_iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(p, vec!["Projets2", "Pédagogie"]);
        assert_eq!(parents_for(&all, None, "/").len(), 4);
    }
}
