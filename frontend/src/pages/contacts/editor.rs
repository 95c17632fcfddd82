//! One card's form: names, addresses and numbers (lines added and
//! removed), organisation, title, note. The inputs are built from the card
//! when `version` changes (another card, a line added or removed, the
//! server's answer); typing only updates the card.

use leptos::prelude::*;
use shared::contacts::{Contact, Typed};

use super::card::{EMAIL_KINDS, Label, PHONE_KINDS, email_is_wrong, kind_choices};
use crate::i18n::people::{tp, use_trp};

/// The card being edited, `None` when none is.
pub type Form = RwSignal<Option<Contact>>;

/// Changes the card being edited.
fn edit(form: Form, f: impl FnOnce(&mut Contact)) {
    form.update(|c| {
        if let Some(c) = c {
            f(c)
        }
    });
}

/// A labelled input bound to one text field of the card.
pub fn text_field(
    form: Form,
    label: Label,
    kind: &'static str,
    autocomplete: &'static str,
    at: fn(&mut Contact) -> &mut String,
) -> AnyView {
    let value = form
        .with_untracked(|c| c.clone())
        .map(|mut c| std::mem::take(at(&mut c)))
        .unwrap_or_default();
    view! {
        <label class="field">
            <span>{tp(label)}</span>
            <input
                type=kind
                autocomplete=autocomplete
                prop:value=value
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |c| *at(c) = v);
                }
            />
        </label>
    }
    .into_any()
}

/// The note, on several lines.
pub fn note_field(form: Form) -> AnyView {
    let value = form.with_untracked(|c| c.as_ref().map(|c| c.note.clone()).unwrap_or_default());
    view! {
        <label class="field">
            <span>{tp(|t| t.note)}</span>
            <textarea
                rows="4"
                prop:value=value
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    edit(form, |c| c.note = v);
                }
            ></textarea>
        </label>
    }
    .into_any()
}

/// Which lines: the addresses or the numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Emails,
    Phones,
}

impl Lines {
    fn of(self, c: &mut Contact) -> &mut Vec<Typed> {
        match self {
            Lines::Emails => &mut c.emails,
            Lines::Phones => &mut c.phones,
        }
    }
}

/// The address or number lines, each with its kind and a remove button,
/// and a button to add one. `show_problems`: wrong addresses are flagged.
pub fn lines_field(
    form: Form,
    which: Lines,
    version: RwSignal<u32>,
    show_problems: RwSignal<bool>,
) -> AnyView {
    let trp = use_trp();
    let lines = form
        .with_untracked(|c| c.clone())
        .map(|mut c| std::mem::take(which.of(&mut c)))
        .unwrap_or_default();
    let (legend, value_label, add, kinds, input_type, autocomplete): (
        Label,
        Label,
        Label,
        _,
        _,
        _,
    ) = match which {
        Lines::Emails => (
            |t| t.emails,
            |t| t.email,
            |t| t.add_email,
            EMAIL_KINDS,
            "email",
            "email",
        ),
        Lines::Phones => (
            |t| t.phones,
            |t| t.phone,
            |t| t.add_phone,
            PHONE_KINDS,
            "tel",
            "tel",
        ),
    };
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let wrong = move || {
                which == Lines::Emails
                    && show_problems.get()
                    && form.with(|c| {
                        c.as_ref()
                            .and_then(|c| c.emails.get(i))
                            .is_some_and(|e| email_is_wrong(&e.value))
                    })
            };
            let current = line.kind.clone().unwrap_or_default();
            let choices = kind_choices(kinds, &current);
            let current = current.trim().to_ascii_lowercase();
            view! {
                <li class="contacts-line">
                    <label class="field contacts-kind">
                        <span>{tp(|t| t.kind)}</span>
                        <select on:change=move |ev| {
                            let v = event_target_value(&ev);
                            edit(form, |c| {
                                if let Some(l) = which.of(c).get_mut(i) {
                                    l.kind = (!v.is_empty()).then_some(v);
                                }
                            });
                        }>
                            {choices
                                .into_iter()
                                .map(|(value, label)| {
                                    let selected = value == current;
                                    let shown = value.clone();
                                    view! {
                                        <option value=value selected=selected>
                                            {move || label.map(|l| l(trp()).to_string()).unwrap_or_else(|| shown.clone())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label class="field contacts-value">
                        <span>{tp(value_label)}</span>
                        <input
                            type=input_type
                            autocomplete=autocomplete
                            prop:value=line.value
                            aria-invalid=move || wrong().then_some("true")
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(form, |c| {
                                    if let Some(l) = which.of(c).get_mut(i) {
                                        l.value = v;
                                    }
                                });
                            }
                        />
                    </label>
                    <button
                        type="button"
                        class="button contacts-remove"
                        on:click=move |_| {
                            edit(form, |c| {
                                let lines = which.of(c);
                                if i < lines.len() {
                                    lines.remove(i);
                                }
                            });
                            version.update(|v| *v += 1);
                        }
                    >
                        {tp(|t| t.remove_line)}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="contacts-lines">
            <legend>{tp(legend)}</legend>
            <ul>{rows}</ul>
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    edit(form, |c| which.of(c).push(Typed::default()));
                    version.update(|v| *v += 1);
                }
            >
                <span aria-hidden="true">"+ "</span>
                {tp(add)}
            </button>
        </fieldset>
    }
    .into_any()
}
