//! The login page: identifier, password, the help links of the
//! configuration, errors said plainly; then back where the user was going.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::session::LoginRequest;

use crate::api::{self, Failure};
use crate::app::HOME;
use crate::components::lang_switch::LangSwitch;
use crate::i18n::{Tr, t, use_tr};
use crate::state::session::{LoggedOutReason, SessionState, use_session};

/// Where to go after logging in: `next` when it is a path of this site
/// (never another origin), else the inbox.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/login") =>
        {
            n.to_string()
        }
        _ => HOME.to_string(),
    }
}

/// What the alert region says.
#[derive(Clone, PartialEq)]
enum LoginProblem {
    MissingFields,
    Failed(Failure),
}

/// A link of the configuration (lost password, support), absent without a URL.
fn help_link(url: Signal<Option<String>>, label: fn(&Tr) -> &'static str) -> impl IntoView {
    let label = t(label);
    move || {
        url.get()
            .map(|url| view! { <li><a href=url rel="external">{label}</a></li> })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let tr = use_tr();
    let session = use_session();

    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let value = |input: NodeRef<leptos::html::Input>| {
        input.get_untracked().map(|i| i.value()).unwrap_or_default()
    };
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<LoginProblem>);
    let shared = RwSignal::new(crate::store::shared_device());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let req = LoginRequest {
            username: value(username).trim().to_string(),
            password: value(password),
        };
        if req.username.is_empty() || req.password.is_empty() {
            problem.set(Some(LoginProblem::MissingFields));
            return;
        }
        problem.set(None);
        pending.set(true);
        // Said before anything is kept: on a shared computer, nothing is.
        crate::store::set_shared_device(shared.get_untracked());
        spawn_local(async move {
            match api::session::login(&req).await {
                Ok(info) => session.establish(info).await,
                Err(e) => {
                    problem.set(Some(LoginProblem::Failed(e)));
                    pending.set(false);
                }
            }
        });
    };

    let notice = Signal::derive(move || match session.state.get() {
        SessionState::LoggedOut(LoggedOutReason::Expired) => Some(tr().session_expired),
        SessionState::LoggedOut(LoggedOutReason::LoggedOut) => Some(tr().logged_out),
        _ => None,
    });
    let problem_text = move || {
        problem.get().map(|p| match p {
            LoginProblem::MissingFields => tr().fields_required.to_string(),
            LoginProblem::Failed(e) => tr().failure(&e),
        })
    };
    let config = session.config;
    let hint = Signal::derive(move || {
        config
            .with(|c| c.as_ref().and_then(|c| c.domain.clone()))
            .map(|d| (tr().username_hint)(&d))
    });
    let lost_url = Signal::derive(move || {
        config.with(|c| c.as_ref().and_then(|c| c.lost_password_url.clone()))
    });
    let support_url =
        Signal::derive(move || config.with(|c| c.as_ref().and_then(|c| c.support_url.clone())));
    let invalid = Signal::derive(move || problem.with(Option::is_some).to_string());
    let brand = Signal::derive(move || session.brand());

    view! {
        <main class="login-page">
            <div class="login-card">
                <div class="login-top">
                    <LangSwitch />
                </div>
                <p class="brand login-brand">{brand}</p>
                <h1 class="login-heading">{t(|t| t.login_heading)}</h1>
                <p class="login-notice" role="status">{notice}</p>
                <form class="login-form" on:submit=submit novalidate>
                    <label for="login-username">{t(|t| t.username)}</label>
                    <input
                        id="login-username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        aria-describedby="login-username-hint"
                        aria-invalid=invalid
                        node_ref=username
                    />
                    <p id="login-username-hint" class="hint">{hint}</p>
                    <label for="login-password">{t(|t| t.password)}</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=invalid
                        node_ref=password
                    />
                    <label class="shared-device">
                        <input
                            type="checkbox"
                            aria-describedby="shared-device-help"
                            prop:checked=move || shared.get()
                            on:change=move |ev| shared.set(event_target_checked(&ev))
                        />
                        {t(|t| t.shared_device)}
                    </label>
                    <p id="shared-device-help" class="field-help">{t(|t| t.shared_device_help)}</p>
                    <div class="form-error" role="alert">
                        {move || problem_text().map(|t| view! { <p>{t}</p> })}
                    </div>
                    <button type="submit" class="button primary" disabled=pending>
                        {Signal::derive(move || if pending.get() { tr().logging_in } else { tr().login_button })}
                    </button>
                </form>
                <ul class="login-links">
                    {help_link(lost_url, |t| t.lost_password)}
                    {help_link(support_url, |t| t.support)}
                </ul>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/mail/Projets%2FRome/12")),
            "/mail/Projets%2FRome/12"
        );
        assert_eq!(safe_next(Some("//evil.example/")), HOME);
        assert_eq!(safe_next(Some("/\\evil.example/")), HOME);
        assert_eq!(safe_next(Some("https://evil.example/")), HOME);
        assert_eq!(safe_next(Some("/login?next=/x")), HOME);
        assert_eq!(safe_next(None), HOME);
    }
}
