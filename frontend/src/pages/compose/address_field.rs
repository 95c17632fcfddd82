//! An address field (To, Cc, Bcc): each address a chip, pasted lists split,
//! an invalid address shown in red, and the address book and recent
//! correspondents proposed as the user types.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use shared::compose::{ParsedAddress, parse_address_list};
use shared::contacts::{Suggestion, SuggestionSource};
use shared::mail::Address;

use super::local::suggest;
use crate::i18n::write::{TrWrite, use_trw};

/// Most suggestions shown at once.
const MAX_SUGGESTIONS: usize = 8;

/// The valid addresses of a field.
pub fn valid(list: &[ParsedAddress]) -> Vec<Address> {
    list.iter()
        .filter_map(|p| match p {
            ParsedAddress::Valid(a) => Some(a.clone()),
            ParsedAddress::Invalid(_) => None,
        })
        .collect()
}

/// A field's chips from the addresses of a message.
pub fn chips(list: &[Address]) -> Vec<ParsedAddress> {
    list.iter().cloned().map(ParsedAddress::Valid).collect()
}

/// Adds what was typed or pasted to the chips, without duplicates.
pub fn add_typed(list: &mut Vec<ParsedAddress>, typed: &str) {
    for p in parse_address_list(typed) {
        let dup = match &p {
            ParsedAddress::Valid(a) => list.iter().any(
                |q| matches!(q, ParsedAddress::Valid(b) if b.email.eq_ignore_ascii_case(&a.email)),
            ),
            ParsedAddress::Invalid(s) => list
                .iter()
                .any(|q| matches!(q, ParsedAddress::Invalid(t) if t == s)),
        };
        if !dup {
            list.push(p);
        }
    }
}

fn chip_text(p: &ParsedAddress) -> (String, String) {
    match p {
        ParsedAddress::Valid(a) => (
            a.name.clone().unwrap_or_else(|| a.email.clone()),
            a.email.clone(),
        ),
        ParsedAddress::Invalid(s) => (s.clone(), s.clone()),
    }
}

#[component]
pub fn AddressField(
    /// The input's id (also names the suggestion list).
    id: &'static str,
    label: fn(&TrWrite) -> &'static str,
    list: RwSignal<Vec<ParsedAddress>>,
    /// Text typed and not yet made a chip (sending takes it too).
    typed: RwSignal<String>,
    suggestions: Signal<Vec<Suggestion>>,
    /// Called when the chips change.
    on_change: Callback<()>,
) -> impl IntoView {
    let trw = use_trw();
    let input = NodeRef::<html::Input>::new();
    let active = RwSignal::new(None::<usize>);
    let list_id = format!("{id}-suggestions");
    let shown = Memo::new(move |_| {
        let chosen: Vec<String> = list.with(|l| {
            l.iter()
                .filter_map(|p| match p {
                    ParsedAddress::Valid(a) => Some(a.email.clone()),
                    ParsedAddress::Invalid(_) => None,
                })
                .collect()
        });
        typed.with(|t| {
            suggestions.with(|all| {
                suggest(all, t, &chosen, MAX_SUGGESTIONS)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let commit = move || {
        let text = typed.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        list.update(|l| add_typed(l, &text));
        typed.set(String::new());
        active.set(None);
        on_change.run(());
    };
    let choose = move |s: Suggestion| {
        list.update(|l| {
            if !l.iter().any(
                |p| matches!(p, ParsedAddress::Valid(a) if a.email.eq_ignore_ascii_case(&s.email)),
            ) {
                l.push(ParsedAddress::Valid(Address {
                    name: s.name.clone(),
                    email: s.email.clone(),
                }));
            }
        });
        typed.set(String::new());
        active.set(None);
        on_change.run(());
        if let Some(i) = input.get_untracked() {
            let _ = i.focus();
        }
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        // A separator typed or pasted makes chips of what comes before.
        if let Some(cut) = value.rfind([',', ';', '\n']) {
            let (done, rest) = value.split_at(cut);
            list.update(|l| add_typed(l, done));
            typed.set(rest[1..].trim_start().to_string());
            on_change.run(());
        } else {
            typed.set(value);
        }
        active.set(None);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let n = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Enter" | "Tab" => {
                if let Some(s) = active
                    .get_untracked()
                    .and_then(|i| shown.with_untracked(|v| v.get(i).cloned()))
                {
                    ev.prevent_default();
                    choose(s);
                } else if !typed.with_untracked(|t| t.trim().is_empty()) {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                    }
                    commit();
                }
            }
            "Escape" => active.set(None),
            "Backspace" if typed.with_untracked(String::is_empty) => {
                list.update(|l| {
                    l.pop();
                });
                on_change.run(());
            }
            _ => {}
        }
    };
    let list_id2 = list_id.clone();
    let list_id3 = list_id.clone();
    let list_id4 = list_id.clone();
    view! {
        <div class="compose-field address-field">
            <label for=id>{move || label(trw())}</label>
            <div class="chips" on:click=move |_| {
                if let Some(i) = input.get_untracked() {
                    let _ = i.focus();
                }
            }>
                <For
                    each=move || list.get().into_iter().enumerate()
                    key=|(i, p)| (*i, format!("{p:?}"))
                    children=move |(i, p)| {
                        let invalid = matches!(p, ParsedAddress::Invalid(_));
                        let (label_text, email) = chip_text(&p);
                        let title = if invalid {
                            Signal::derive(move || (trw().invalid_address)(&email))
                        } else {
                            Signal::derive(move || email.clone())
                        };
                        let remove_label = {
                            let l = label_text.clone();
                            move || (trw().remove_recipient)(&l)
                        };
                        view! {
                            <span class="chip" class:invalid=invalid title=title>
                                <span class="chip-text">{label_text}</span>
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label=remove_label
                                    on:click=move |ev| {
                                        ev.stop_propagation();
                                        list.update(|l| {
                                            if i < l.len() {
                                                l.remove(i);
                                            }
                                        });
                                        on_change.run(());
                                    }
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    }
                />
                <input
                    id=id
                    node_ref=input
                    type="text"
                    inputmode="email"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=list_id.clone()
                    aria-expanded=move || (!shown.with(Vec::is_empty)).to_string()
                    aria-activedescendant=move || active.get().map(|i| format!("{list_id3}-{i}"))
                    prop:value=move || typed.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| commit()
                />
            </div>
            <ul
                id=list_id4
                class="suggestions"
                role="listbox"
                aria-label=move || trw().suggestions_label
                hidden=move || shown.with(Vec::is_empty)
            >
                {move || {
                    let list_id = list_id2.clone();
                    shown
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let s2 = s.clone();
                            let source = match s.source {
                                SuggestionSource::Contact => trw().from_contacts,
                                SuggestionSource::Recent => trw().recently_used,
                            };
                            view! {
                                <li
                                    id=format!("{list_id}-{i}")
                                    role="option"
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    on:mousedown=move |ev| {
                                        // Keep the focus in the field (no blur commit).
                                        ev.prevent_default();
                                        choose(s2.clone());
                                    }
                                >
                                    <span class="suggestion-name">{s.name.clone().unwrap_or_default()}</span>
                                    <span class="suggestion-email">{s.email.clone()}</span>
                                    <span class="suggestion-source">{source}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_lists_become_chips_once() {
        let mut l = Vec::new();
        add_typed(&mut l, "a@b.fr, Bob <bob@ac-demo.fr>; pas-une-adresse");
        add_typed(&mut l, "A@B.fr");
        assert_eq!(l.len(), 3);
        assert_eq!(valid(&l).len(), 2);
        assert!(matches!(&l[2], ParsedAddress::Invalid(s) if s == "pas-une-adresse"));
    }
}
