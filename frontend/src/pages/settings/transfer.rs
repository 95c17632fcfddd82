//! The settings' "Importer et exporter" section: download a folder as an
//! `.mbox` file (a plain link), and add to a folder the messages of an
//! `.eml` or `.mbox` file (uploaded through `XMLHttpRequest`, which reports
//! its progress, like the attachments of a message).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ApiError;
use shared::bulk::ImportResult;
use shared::mail::{Folder, encode_segment};
use web_sys::{File, HtmlInputElement, XmlHttpRequest};

use crate::api::Failure;
use crate::components::error_banner::ErrorBanner;
use crate::i18n::people::{tp, use_trp};
use crate::i18n::use_tr;
use crate::state::folders::{FoldersCtx, display_name};

/// The largest file imported: larger ones are refused before the upload.
pub const MAX_IMPORT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What the file input offers.
pub const IMPORT_ACCEPT: &str = ".eml,.mbox,message/rfc822,application/mbox";

/// Downloads `folder` as an `.mbox` file.
pub fn export_url(folder: &str) -> String {
    format!("/api/folders/{}/export", encode_segment(folder))
}

/// Imports a file into `folder`, the messages marked as read.
pub fn import_url(folder: &str) -> String {
    format!("/api/folders/{}/import?seen=true", encode_segment(folder))
}

/// Whether a file of `bytes` (as the browser gives it) is too large to send.
pub fn too_large(bytes: f64) -> bool {
    !bytes.is_finite() || bytes > MAX_IMPORT_BYTES as f64
}

/// The content type sent with the file: the browser's, else from its name.
pub fn content_type(browser_type: &str, name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    match browser_type {
        "message/rfc822" => "message/rfc822",
        "application/mbox" => "application/mbox",
        _ if lower.ends_with(".eml") => "message/rfc822",
        _ if lower.ends_with(".mbox") => "application/mbox",
        _ => "application/octet-stream",
    }
}

/// The folders one may export or import into, with their shown names.
fn choices(folders: FoldersCtx, tr: &crate::i18n::Tr) -> Vec<(String, String)> {
    folders.list.with(|l| {
        l.as_ref()
            .map(|l| {
                l.folders
                    .iter()
                    .filter(|f| f.selectable)
                    .map(|f: &Folder| {
                        let indent = "\u{a0}\u{a0}".repeat(f.depth as usize);
                        (f.path.clone(), format!("{indent}{}", display_name(f, tr)))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Why an import did not happen.
#[derive(Clone)]
enum ImportProblem {
    /// Refused before the upload, or by the server (413).
    TooLarge,
    NoFile,
    Failed(Failure),
}

#[component]
pub fn TransferSection(folders: FoldersCtx) -> impl IntoView {
    let trp = use_trp();
    let tr = use_tr();
    let export_folder = RwSignal::new(String::new());
    let import_folder = RwSignal::new(String::new());
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let progress = RwSignal::new(None::<f64>);
    let result = RwSignal::new(None::<ImportResult>);
    let problem = RwSignal::new(None::<ImportProblem>);
    // The request under way, to abort when the page goes away.
    let running = StoredValue::new_local(None::<XmlHttpRequest>);
    on_cleanup(move || {
        if let Some(Some(xhr)) = running.try_update_value(Option::take) {
            let _ = xhr.abort();
        }
    });

    // Until the user chooses, the first folder (the inbox).
    let first = move || {
        folders.list.with(|l| {
            l.as_ref()
                .and_then(|l| l.folders.iter().find(|f| f.selectable))
                .map(|f| f.path.clone())
                .unwrap_or_default()
        })
    };
    let chosen = move |s: RwSignal<String>| {
        let c = s.get();
        if c.is_empty() { first() } else { c }
    };
    let options = move |s: RwSignal<String>| {
        let current = chosen(s);
        choices(folders, tr())
            .into_iter()
            .map(|(v, l)| {
                let sel = v == current;
                view! { <option value=v selected=sel>{l}</option> }
            })
            .collect_view()
    };

    let import = move || {
        result.set(None);
        problem.set(None);
        let file = file_ref
            .get_untracked()
            .and_then(|i: HtmlInputElement| i.files())
            .and_then(|l| l.get(0));
        let Some(file) = file else {
            problem.set(Some(ImportProblem::NoFile));
            return;
        };
        if too_large(file.size()) {
            problem.set(Some(ImportProblem::TooLarge));
            return;
        }
        let folder = chosen(import_folder);
        if folder.is_empty() {
            return;
        }
        progress.set(Some(0.0));
        spawn_local(async move {
            let answer = upload(
                &import_url(&folder),
                &file,
                move |f| {
                    progress.try_set(Some(f));
                },
                move |xhr| {
                    running.try_set_value(Some(xhr));
                },
            )
            .await;
            running.try_set_value(None);
            progress.try_set(None);
            match answer {
                Ok(r) => {
                    result.try_set(Some(r));
                    folders.refresh();
                    if let Some(input) = file_ref.get_untracked() {
                        input.set_value("");
                    }
                }
                Err(Failure::Api(ApiError::MessageTooLarge { .. })) => {
                    problem.try_set(Some(ImportProblem::TooLarge));
                }
                Err(Failure::Aborted) => {}
                Err(e) => {
                    problem.try_set(Some(ImportProblem::Failed(e)));
                }
            }
        });
    };
    let cancel = move || {
        if let Some(Some(xhr)) = running.try_update_value(Option::take) {
            let _ = xhr.abort();
        }
    };

    let failure = Signal::derive(move || match problem.get() {
        Some(ImportProblem::Failed(e)) => Some(e),
        _ => None,
    });
    let own_problem = move || {
        let p = trp();
        match problem.get()? {
            ImportProblem::TooLarge => Some(p.import_mail_too_large),
            ImportProblem::NoFile => Some(p.import_mail_no_file),
            ImportProblem::Failed(_) => None,
        }
        .map(|text| view! { <p class="transfer-problem" role="alert">{text}</p> })
    };
    let outcome = move || {
        let r = result.get()?;
        let p = trp();
        let stopped = r.stopped.as_ref().map(|e| {
            let why = tr().failure(&Failure::Api(e.clone()));
            view! { <p class="transfer-problem" role="alert">{p.import_mail_stopped}" "{why}</p> }
        });
        let errors = (!r.errors.is_empty()).then(|| {
            view! {
                <p>{p.import_mail_errors}</p>
                <ul class="transfer-errors">
                    {r.errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}
                </ul>
            }
        });
        Some(view! {
            <div class="transfer-result">
                <p class="transfer-imported">{(p.import_mail_done)(r.imported)}</p>
                {stopped}
                {errors}
            </div>
        })
    };

    view! {
        <section class="settings-section transfer-section" aria-labelledby="settings-transfer">
            <h2 id="settings-transfer">{tp(|t| t.transfer_heading)}</h2>
            <p class="settings-help">{tp(|t| t.transfer_help)}</p>

            <h3>{tp(|t| t.export_mail_heading)}</h3>
            <div class="transfer-row">
                <label class="field">
                    <span>{tp(|t| t.export_mail_folder)}</span>
                    <select on:change=move |ev| export_folder.set(event_target_value(&ev))>
                        {move || options(export_folder)}
                    </select>
                </label>
                <a
                    class="button"
                    href=move || {
                        let folder = chosen(export_folder);
                        (!folder.is_empty()).then(|| export_url(&folder))
                    }
                    download=""
                    title=tp(|t| t.export_mail_title)
                >
                    {tp(|t| t.export_mail)}
                </a>
            </div>

            <h3>{tp(|t| t.import_mail_heading)}</h3>
            <p class="settings-help">{tp(|t| t.import_mail_help)}</p>
            <div class="transfer-row">
                <label class="field">
                    <span>{tp(|t| t.import_mail_folder)}</span>
                    <select
                        disabled=move || progress.with(Option::is_some)
                        on:change=move |ev| import_folder.set(event_target_value(&ev))
                    >
                        {move || options(import_folder)}
                    </select>
                </label>
                <label class="field">
                    <span>{tp(|t| t.import_mail_file)}</span>
                    <input
                        type="file"
                        accept=IMPORT_ACCEPT
                        node_ref=file_ref
                        disabled=move || progress.with(Option::is_some)
                        on:change=move |_| {
                            result.set(None);
                            problem.set(None);
                        }
                    />
                </label>
                <button
                    type="button"
                    class="button primary"
                    disabled=move || progress.with(Option::is_some)
                    on:click=move |_| import()
                >
                    {tp(|t| t.import_mail)}
                </button>
            </div>
            {move || progress.get().map(|f| view! {
                <div class="transfer-progress">
                    <label>
                        <span>{trp().importing}</span>
                        <progress max="1" value=f.to_string()>
                            {format!("{} %", (f * 100.0).round() as u32)}
                        </progress>
                    </label>
                    <button type="button" class="button" on:click=move |_| cancel()>
                        {tr().cancel}
                    </button>
                </div>
            })}
            {own_problem}
            <ErrorBanner error=failure />
            <div role="status">{outcome}</div>
        </section>
    }
}

/// Sends `file` to the import route, with its progress.
async fn upload(
    url: &str,
    file: &File,
    on_progress: impl Fn(f64) + 'static,
    started: impl FnOnce(XmlHttpRequest),
) -> Result<ImportResult, Failure> {
    let ct = content_type(&file.type_(), &file.name());
    crate::api::upload::send_file(url, file, ct, &[], on_progress, started).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_the_folder() {
        assert_eq!(export_url("INBOX"), "/api/folders/INBOX/export");
        assert_eq!(import_url("INBOX"), "/api/folders/INBOX/import?seen=true");
        let path = "Projets/Sortie à Rome";
        assert_eq!(
            export_url(path),
            format!("/api/folders/{}/export", encode_segment(path))
        );
        assert!(!export_url(path).contains(' '));
        assert!(import_url(path).ends_with("/import?seen=true"));
        assert_eq!(import_url(path).matches('/').count(), 4);
    }

    #[test]
    fn files_over_2_gb_are_refused() {
        assert!(!too_large(0.0));
        assert!(!too_large(838.0 * 1024.0));
        assert!(!too_large(MAX_IMPORT_BYTES as f64));
        assert!(too_large(MAX_IMPORT_BYTES as f64 + 1.0));
        assert!(too_large(5e12));
        assert!(too_large(f64::NAN));
    }

    #[test]
    fn the_content_type_follows_the_file() {
        assert_eq!(content_type("message/rfc822", "a.eml"), "message/rfc822");
        assert_eq!(content_type("", "Cours.EML"), "message/rfc822");
        assert_eq!(content_type("", "archive.mbox"), "application/mbox");
        assert_eq!(content_type("application/mbox", "x"), "application/mbox");
        assert_eq!(content_type("", "notes.txt"), "application/octet-stream");
    }
}
