//! The out-of-office reply and the forwarding of all mail.

use leptos::prelude::*;
use shared::filters::{FilterSet, ForwardAll, Vacation};

use super::form::{check, field};
use super::{no_forward, no_vacation};
use crate::i18n::t;

fn edit_vacation(set: RwSignal<FilterSet>, f: impl FnOnce(&mut Vacation)) {
    set.update(|s| f(s.vacation.get_or_insert_with(no_vacation)));
}

fn edit_forward(set: RwSignal<FilterSet>, f: impl FnOnce(&mut ForwardAll)) {
    set.update(|s| f(s.forward.get_or_insert_with(no_forward)));
}

/// `a@x.fr, b@y.fr` as a list.
pub fn split_addresses(s: &str) -> Vec<String> {
    s.split([',', ';', ' '])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// A date input's value: empty is no date.
fn day(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

#[component]
pub fn VacationForm(
    set: RwSignal<FilterSet>,
    /// Forwarding is on (the address is kept while it is off).
    forward_on: RwSignal<bool>,
) -> impl IntoView {
    let v = set
        .with_untracked(|s| s.vacation.clone())
        .unwrap_or_else(no_vacation);
    let f = set
        .with_untracked(|s| s.forward.clone())
        .unwrap_or_else(no_forward);
    view! {
        <section class="filters-section" aria-labelledby="vacation-heading">
            <h2 id="vacation-heading">{t(|t| t.vacation)}</h2>
            {check(|t| t.vacation_on, v.enabled, Callback::new(move |on| edit_vacation(set, |v| v.enabled = on)))}
            <div class="filters-days">
                {field(|t| t.first_day, "date", v.first_day.unwrap_or_default(), Callback::new(move |d| edit_vacation(set, |v| v.first_day = day(d))))}
                {field(|t| t.last_day, "date", v.last_day.unwrap_or_default(), Callback::new(move |d| edit_vacation(set, |v| v.last_day = day(d))))}
            </div>
            {field(|t| t.subject, "text", v.subject, Callback::new(move |s| edit_vacation(set, |v| v.subject = s)))}
            <label class="field">
                <span>{t(|t| t.message_text)}</span>
                <textarea
                    rows="6"
                    prop:value=v.message
                    on:input=move |ev| {
                        let m = event_target_value(&ev);
                        edit_vacation(set, |v| v.message = m);
                    }
                ></textarea>
            </label>
            {field(|t| t.vacation_days, "number", v.days.to_string(), Callback::new(move |d: String| {
                let days = d.trim().parse().unwrap_or(0);
                edit_vacation(set, |v| v.days = days);
            }))}
            {field(|t| t.vacation_addresses, "text", v.addresses.join(", "), Callback::new(move |a: String| {
                edit_vacation(set, |v| v.addresses = split_addresses(&a));
            }))}
        </section>
        <section class="filters-section" aria-labelledby="forward-heading">
            <h2 id="forward-heading">{t(|t| t.forward_all)}</h2>
            {check(|t| t.forward_on, forward_on.get_untracked(), Callback::new(move |on| forward_on.set(on)))}
            {field(|t| t.address, "email", f.address, Callback::new(move |a| edit_forward(set, |f| f.address = a)))}
            {check(|t| t.keep_copy, f.keep_copy, Callback::new(move |on| edit_forward(set, |f| f.keep_copy = on)))}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_split_on_commas_and_spaces() {
        assert_eq!(
            split_addresses(" a@x.fr, b@y.fr;c@z.fr  ,"),
            vec!["a@x.fr", "b@y.fr", "c@z.fr"]
        );
        assert!(split_addresses(" , ").is_empty());
    }
}
