//! Attachments: chosen with the file picker or dropped on the page, each
//! uploading with its own progress bar, refused before upload when larger
//! than the submission server accepts.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::compose::{AttachmentSource, ComposeAttachment};
use web_sys::File;

use crate::api::Failure;
use crate::api::compose::{Upload, upload};
use crate::format::format_size;
use crate::i18n::use_tr;
use crate::i18n::write::use_trw;

#[derive(Debug, Clone, PartialEq)]
pub enum AttState {
    /// Fraction uploaded.
    Uploading(f64),
    Ready(ComposeAttachment),
    Failed(Failure),
}

/// One attachment of the message, in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct AttItem {
    pub key: u32,
    pub name: String,
    pub size: u64,
    pub state: AttState,
}

/// The attachments and what is needed to add some.
#[derive(Clone, Copy)]
pub struct Attachments {
    pub items: RwSignal<Vec<AttItem>>,
    uploads: StoredValue<HashMap<u32, Upload>, LocalStorage>,
    next: StoredValue<u32>,
    /// Most bytes of files one message may carry (from the server's SIZE).
    pub max_bytes: RwSignal<Option<u64>>,
    /// A file refused before upload: its name.
    pub too_large: RwSignal<Option<String>>,
}

impl Attachments {
    pub fn new() -> Self {
        Attachments {
            items: RwSignal::new(Vec::new()),
            uploads: StoredValue::new_local(HashMap::new()),
            next: StoredValue::new(0),
            max_bytes: RwSignal::new(None),
            too_large: RwSignal::new(None),
        }
    }

    /// The attachments of a message loaded (a draft, a forward).
    pub fn set_ready(self, list: &[ComposeAttachment]) {
        let items = list
            .iter()
            .map(|a| {
                let key = self.take_key();
                AttItem {
                    key,
                    name: a.filename.clone(),
                    size: a.size,
                    state: AttState::Ready(a.clone()),
                }
            })
            .collect();
        self.items.set(items);
    }

    fn take_key(self) -> u32 {
        let k = self.next.get_value();
        self.next.set_value(k + 1);
        k
    }

    /// What the message carries: the attachments uploaded or already on
    /// the server.
    pub fn ready(self) -> Vec<ComposeAttachment> {
        self.items.with_untracked(|l| {
            l.iter()
                .filter_map(|i| match &i.state {
                    AttState::Ready(a) => Some(a.clone()),
                    _ => None,
                })
                .collect()
        })
    }

    pub fn uploading(self) -> bool {
        self.items
            .with(|l| l.iter().any(|i| matches!(i.state, AttState::Uploading(_))))
    }

    fn bytes(self) -> u64 {
        self.items.with_untracked(|l| {
            l.iter()
                .filter(|i| !matches!(i.state, AttState::Failed(_)))
                .map(|i| i.size)
                .sum()
        })
    }

    /// Uploads files; `changed` runs when one is ready (to save the draft).
    pub fn add(self, files: Vec<File>, changed: Callback<()>) {
        for file in files {
            let size = file.size().max(0.0) as u64;
            let name = file.name();
            if let Some(max) = self.max_bytes.get_untracked()
                && self.bytes() + size > max
            {
                self.too_large.set(Some(name));
                continue;
            }
            self.too_large.set(None);
            let key = self.take_key();
            self.items.update(|l| {
                l.push(AttItem {
                    key,
                    name: name.clone(),
                    size,
                    state: AttState::Uploading(0.0),
                })
            });
            let items = self.items;
            let uploads = self.uploads;
            let set = move |state: AttState| {
                items.update(|l| {
                    if let Some(i) = l.iter_mut().find(|i| i.key == key) {
                        i.state = state;
                    }
                })
            };
            spawn_local(async move {
                let result = upload(
                    &file,
                    move |f| set(AttState::Uploading(f)),
                    move |u| {
                        uploads.update_value(|m| {
                            m.insert(key, u);
                        })
                    },
                )
                .await;
                uploads.update_value(|m| {
                    m.remove(&key);
                });
                // Removed meanwhile: nothing to do.
                if !items.with_untracked(|l| l.iter().any(|i| i.key == key)) {
                    return;
                }
                match result {
                    Ok(up) => {
                        set(AttState::Ready(ComposeAttachment {
                            source: AttachmentSource::Upload { id: up.id },
                            filename: up.filename,
                            content_type: up.content_type,
                            size: up.size,
                        }));
                        changed.run(());
                    }
                    Err(e) => set(AttState::Failed(e)),
                }
            });
        }
    }

    pub fn remove(self, key: u32) {
        if let Some(u) = self.uploads.try_update_value(|m| m.remove(&key)).flatten() {
            u.abort();
        }
        self.items.update(|l| l.retain(|i| i.key != key));
    }
}

/// The files of a file list (picker or drop).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn AttachmentList(att: Attachments, on_change: Callback<()>) -> impl IntoView {
    let tr = use_tr();
    let trw = use_trw();
    view! {
        <div class="compose-attachments">
            <label class="button attach-button">
                <span aria-hidden="true">"📎 "</span>
                {move || trw().attach}
                <input
                    type="file"
                    multiple
                    class="visually-hidden"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        att.add(files_of(input.files()), on_change);
                        input.set_value("");
                    }
                />
            </label>
            {move || att.too_large.get().map(|name| {
                let max = format_size(att.max_bytes.get().unwrap_or(0), tr());
                view! { <p class="error-text" role="alert">{(trw().file_too_large)(&name, &max)}</p> }
            })}
            <ul class="attachment-items" aria-label=move || trw().attachments>
                <For
                    each=move || att.items.get()
                    key=|i| (i.key, format!("{:?}", i.state))
                    children=move |i| {
                        let key = i.key;
                        let name = i.name.clone();
                        let size = format_size(i.size, tr());
                        let status = match &i.state {
                            AttState::Uploading(f) => {
                                let pct = (f * 100.0).round();
                                view! {
                                    <progress max="100" value=pct aria-label=move || trw().uploading></progress>
                                }
                                .into_any()
                            }
                            AttState::Failed(Failure::Api(e)) => {
                                let e = e.clone();
                                view! { <span class="error-text">{move || (tr().api_error)(&e)}</span> }.into_any()
                            }
                            AttState::Failed(_) => {
                                view! { <span class="error-text">{move || trw().upload_failed}</span> }.into_any()
                            }
                            AttState::Ready(_) => ().into_any(),
                        };
                        let remove_label = {
                            let n = name.clone();
                            move || (trw().remove_attachment)(&n)
                        };
                        view! {
                            <li class="attachment-item">
                                <span class="attachment-name">{name}</span>
                                <span class="attachment-size">{size}</span>
                                {status}
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label=remove_label
                                    on:click=move |_| {
                                        att.remove(key);
                                        on_change.run(());
                                    }
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    }
                />
            </ul>
        </div>
    }
}
