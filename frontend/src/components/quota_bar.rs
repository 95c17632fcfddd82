//! How full the mailbox is: "212 Mo sur 1 Go", amber from 80 %, red from 95 %.

use leptos::prelude::*;
use shared::mail::Quota;

use crate::format::format_size;
use crate::i18n::{t, use_tr};

/// The warning level of a quota use, in percent.
pub fn quota_level(percent: f64) -> &'static str {
    if percent >= 95.0 {
        "critical"
    } else if percent >= 80.0 {
        "warn"
    } else {
        "ok"
    }
}

/// The share of the quota used, in percent (0 when there is no limit).
pub fn quota_percent(q: &Quota) -> f64 {
    if q.limit_bytes == 0 {
        0.0
    } else {
        (q.used_bytes as f64 * 100.0 / q.limit_bytes as f64).min(100.0)
    }
}

#[component]
pub fn QuotaBar(#[prop(into)] quota: Signal<Option<Quota>>) -> impl IntoView {
    let tr = use_tr();
    move || {
        quota.get().filter(|q| q.limit_bytes > 0).map(|q| {
            let percent = quota_percent(&q);
            let level = quota_level(percent);
            let text = move || {
                let t = tr();
                (t.quota_text)(&format_size(q.used_bytes, t), &format_size(q.limit_bytes, t))
            };
            view! {
                <div class="quota" data-level=level>
                    <div
                        class="quota-track"
                        role="meter"
                        aria-label=t(|t| t.quota_label)
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=(percent.round() as u32).to_string()
                        aria-valuetext=text
                    >
                        <div class="quota-fill" style:width=format!("{}%", percent.round() as u32)></div>
                    </div>
                    <p class="quota-text">{text}</p>
                    {(level == "critical").then(|| view! {
                        <p class="quota-warning">{t(|t| t.quota_almost_full)}</p>
                    })}
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        let q = |used, limit| Quota {
            used_bytes: used,
            limit_bytes: limit,
        };
        assert_eq!(quota_level(quota_percent(&q(79, 100))), "ok");
        assert_eq!(quota_level(quota_percent(&q(80, 100))), "warn");
        assert_eq!(quota_level(quota_percent(&q(95, 100))), "critical");
        assert_eq!(quota_percent(&q(5, 0)), 0.0);
        assert_eq!(quota_percent(&q(200, 100)), 100.0);
    }
}
