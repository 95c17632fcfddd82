//! The ordered rules: on/off, reordered by drag and drop (desktop) or by
//! the up and down buttons (phones), edited, duplicated, deleted.

use leptos::prelude::*;
use shared::filters::FilterSet;

use super::form::button;
use super::new_rule;
use crate::i18n::{t, use_tr};

/// Where the rule at `e` ends up when the rule at `from` moves to `to`.
pub fn moved_index(e: usize, from: usize, to: usize) -> usize {
    if e == from {
        to
    } else if from < e && e <= to {
        e - 1
    } else if to <= e && e < from {
        e + 1
    } else {
        e
    }
}

#[component]
pub fn RuleList(
    set: RwSignal<FilterSet>,
    /// The rule open in the editor.
    editing: RwSignal<Option<usize>>,
    /// Asks to delete a rule (after a confirmation).
    on_delete: Callback<usize>,
) -> impl IntoView {
    let tr = use_tr();
    // What the list shows: typing a condition does not redraw it.
    let rows = Memo::new(move |_| {
        set.with(|s| {
            s.rules
                .iter()
                .map(|r| (r.name.clone(), r.enabled))
                .collect::<Vec<_>>()
        })
    });
    let dragged = StoredValue::new(None::<usize>);
    let move_rule = move |from: usize, to: usize| {
        set.update(|s| {
            if from < s.rules.len() && to < s.rules.len() {
                let rule = s.rules.remove(from);
                s.rules.insert(to, rule);
            }
        });
        editing.update(|e| *e = e.map(|e| moved_index(e, from, to)));
    };
    let open = move |i: usize| {
        editing.set(Some(i));
        // On a phone the editor is below the list: bring it into view.
        request_animation_frame(|| {
            if let Some(el) = document().get_element_by_id("rule-editor") {
                el.scroll_into_view();
            }
        });
    };
    let add = move |_: ()| {
        let n = set.with_untracked(|s| s.rules.len());
        set.update(|s| s.rules.push(new_rule(tr().new_rule.to_string())));
        open(n);
    };

    view! {
        <section class="filters-section" aria-labelledby="rules-heading">
            <h2 id="rules-heading">{t(|t| t.rules)}</h2>
            <ol class="rule-list">
                {move || {
                    let rows = rows.get();
                    let n = rows.len();
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, (name, on))| {
                            view! {
                                <li
                                    class="rule-row"
                                    class:editing=move || editing.get() == Some(i)
                                    draggable="true"
                                    on:dragstart=move |ev| {
                                        dragged.set_value(Some(i));
                                        if let Some(dt) = ev.data_transfer() {
                                            let _ = dt.set_data("text/plain", &i.to_string());
                                        }
                                    }
                                    on:dragover=|ev| ev.prevent_default()
                                    on:drop=move |ev| {
                                        ev.prevent_default();
                                        if let Some(from) = dragged.get_value() {
                                            move_rule(from, i);
                                        }
                                        dragged.set_value(None);
                                    }
                                >
                                    <input
                                        type="checkbox"
                                        aria-label=t(|t| t.rule_on)
                                        title=t(|t| t.rule_on)
                                        prop:checked=on
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            set.update(|s| {
                                                if let Some(r) = s.rules.get_mut(i) {
                                                    r.enabled = on;
                                                }
                                            });
                                        }
                                    />
                                    <span class="rule-name">{name}</span>
                                    <span class="rule-buttons">
                                        <button
                                            type="button"
                                            class="button"
                                            aria-label=t(|t| t.move_up)
                                            title=t(|t| t.move_up)
                                            disabled=i == 0
                                            on:click=move |_| move_rule(i, i.saturating_sub(1))
                                        >
                                            "↑"
                                        </button>
                                        <button
                                            type="button"
                                            class="button"
                                            aria-label=t(|t| t.move_down)
                                            title=t(|t| t.move_down)
                                            disabled=i + 1 == n
                                            on:click=move |_| move_rule(i, i + 1)
                                        >
                                            "↓"
                                        </button>
                                        {button(|t| t.edit, "", Callback::new(move |_| open(i)))}
                                        {button(|t| t.duplicate, "", Callback::new(move |_| {
                                            set.update(|s| {
                                                if let Some(r) = s.rules.get(i).cloned() {
                                                    s.rules.insert(i + 1, r);
                                                }
                                            });
                                            editing.update(|e| *e = e.map(|e| if e > i { e + 1 } else { e }));
                                        }))}
                                        {button(|t| t.delete, "danger", Callback::new(move |_| on_delete.run(i)))}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            {move || rows.with(Vec::is_empty).then(|| view! { <p class="filters-empty">{t(|t| t.no_rules)}</p> })}
            {button(|t| t.new_rule, "", Callback::new(add))}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_rule_follows_a_move() {
        // [a b c d], b (1) moves to 3: [a c d b].
        assert_eq!(moved_index(1, 1, 3), 3);
        assert_eq!(moved_index(2, 1, 3), 1);
        assert_eq!(moved_index(3, 1, 3), 2);
        assert_eq!(moved_index(0, 1, 3), 0);
        // d (3) moves to 0: [d a b c].
        assert_eq!(moved_index(3, 3, 0), 0);
        assert_eq!(moved_index(0, 3, 0), 1);
        assert_eq!(moved_index(2, 3, 0), 3);
    }
}
