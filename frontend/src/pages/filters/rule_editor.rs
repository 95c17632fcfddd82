//! One rule's editor: its name, all or any of its conditions, its actions,
//! and whether the rules after it still apply. Edits go straight into the
//! rule set; only adding, removing or changing the kind of a condition or
//! an action redraws its rows (so typing never loses the focus).

use leptos::prelude::*;
use shared::filters::{Action, Condition, Field, FilterRule, FilterSet, Op};

use super::form::{Label, button, check, choice, field, folder_choice};
use crate::i18n::t;

const FIELDS: &[(&str, Label)] = &[
    ("from", |t| t.from),
    ("to_cc", |t| t.to_cc),
    ("subject", |t| t.subject),
    ("list_id", |_| "List-Id"),
    ("header", |t| t.other_header),
    ("size_over", |t| t.size_over),
    ("size_under", |t| t.size_under),
];

const OPS: &[(&str, Label)] = &[
    ("contains", |t| t.op_contains),
    ("is", |t| t.op_is),
    ("begins_with", |t| t.op_begins),
    ("matches", |t| t.op_matches),
];

const ACTIONS: &[(&str, Label)] = &[
    ("move", |t| t.act_move),
    ("copy", |t| t.act_copy),
    ("read", |t| t.act_read),
    ("flag", |t| t.flag),
    ("forward", |t| t.act_forward),
    ("delete", |t| t.delete),
];

const MATCH: &[(&str, Label)] = &[("all", |t| t.match_all), ("any", |t| t.match_any)];

fn condition_kind(c: &Condition) -> &'static str {
    match c {
        Condition::Text { field, .. } => match field {
            Field::From => "from",
            Field::ToOrCc => "to_cc",
            Field::Subject => "subject",
            Field::ListId => "list_id",
            Field::Header(_) => "header",
        },
        Condition::SizeOver { .. } => "size_over",
        Condition::SizeUnder { .. } => "size_under",
    }
}

fn op_value(op: Op) -> &'static str {
    match op {
        Op::Contains => "contains",
        Op::Is => "is",
        Op::BeginsWith => "begins_with",
        Op::Matches => "matches",
    }
}

fn action_kind(a: &Action) -> &'static str {
    match a {
        Action::MoveTo(_) => "move",
        Action::CopyTo(_) => "copy",
        Action::MarkRead => "read",
        Action::Flag => "flag",
        Action::Forward { .. } => "forward",
        Action::Delete => "delete",
    }
}

/// `c` made into a condition of `kind`, keeping what still makes sense.
pub fn with_kind(c: &Condition, kind: &str) -> Condition {
    let (op, value, header) = match c {
        Condition::Text { field, op, value } => (
            *op,
            value.clone(),
            match field {
                Field::Header(h) => h.clone(),
                _ => String::new(),
            },
        ),
        _ => (Op::Contains, String::new(), String::new()),
    };
    let bytes = match c {
        Condition::SizeOver { bytes } | Condition::SizeUnder { bytes } => *bytes,
        Condition::Text { .. } => 1024 * 1024,
    };
    let field = match kind {
        "from" => Field::From,
        "to_cc" => Field::ToOrCc,
        "list_id" => Field::ListId,
        "header" => Field::Header(header),
        "size_over" => return Condition::SizeOver { bytes },
        "size_under" => return Condition::SizeUnder { bytes },
        _ => Field::Subject,
    };
    Condition::Text { field, op, value }
}

/// A new action of `kind`.
pub fn action_of_kind(kind: &str) -> Action {
    match kind {
        "copy" => Action::CopyTo(String::new()),
        "read" => Action::MarkRead,
        "flag" => Action::Flag,
        "forward" => Action::Forward {
            address: String::new(),
            keep_copy: true,
        },
        "delete" => Action::Delete,
        _ => Action::MoveTo(String::new()),
    }
}

fn parse_op(s: &str) -> Op {
    match s {
        "is" => Op::Is,
        "begins_with" => Op::BeginsWith,
        "matches" => Op::Matches,
        _ => Op::Contains,
    }
}

/// Changes rule `index` of `set`.
fn edit(set: RwSignal<FilterSet>, index: usize, f: impl FnOnce(&mut FilterRule)) {
    set.update(|s| {
        if let Some(r) = s.rules.get_mut(index) {
            f(r);
        }
    });
}

fn edit_condition(
    set: RwSignal<FilterSet>,
    index: usize,
    ci: usize,
    f: impl FnOnce(&mut Condition),
) {
    edit(set, index, |r| {
        if let Some(c) = r.conditions.get_mut(ci) {
            f(c);
        }
    });
}

fn edit_action(set: RwSignal<FilterSet>, index: usize, ai: usize, f: impl FnOnce(&mut Action)) {
    edit(set, index, |r| {
        if let Some(a) = r.actions.get_mut(ai) {
            f(a);
        }
    });
}

#[component]
pub fn RuleEditor(
    set: RwSignal<FilterSet>,
    index: usize,
    /// Folders a message can be filed into: (path, name shown).
    folders: Signal<Vec<(String, String)>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let rule = set.with_untracked(|s| s.rules.get(index).cloned())?;
    // The kinds of the rows: what redraws them.
    let condition_kinds = Memo::new(move |_| {
        set.with(|s| {
            s.rules
                .get(index)
                .map(|r| r.conditions.iter().map(condition_kind).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let action_kinds = Memo::new(move |_| {
        set.with(|s| {
            s.rules
                .get(index)
                .map(|r| r.actions.iter().map(action_kind).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });

    let conditions = move || {
        condition_kinds
            .get()
            .into_iter()
            .enumerate()
            .map(|(ci, kind)| {
                let c = set.with_untracked(|s| {
                    s.rules
                        .get(index)
                        .and_then(|r| r.conditions.get(ci).cloned())
                });
                condition_row(set, index, ci, kind, c)
            })
            .collect_view()
    };
    let actions = move || {
        action_kinds
            .get()
            .into_iter()
            .enumerate()
            .map(|(ai, kind)| {
                let a = set.with_untracked(|s| {
                    s.rules.get(index).and_then(|r| r.actions.get(ai).cloned())
                });
                action_row(set, index, ai, kind, a, folders)
            })
            .collect_view()
    };

    Some(view! {
        <section id="rule-editor" class="filters-section rule-editor" aria-labelledby="rule-editor-heading">
            <h2 id="rule-editor-heading">{t(|t| t.edit)}</h2>
            {field(|t| t.rule_name, "text", rule.name, Callback::new(move |v| edit(set, index, |r| r.name = v)))}
            {choice(
                |t| t.conditions,
                MATCH,
                if rule.match_all { "all" } else { "any" },
                Callback::new(move |v: String| edit(set, index, |r| r.match_all = v == "all")),
            )}
            <ul class="filter-rows">{conditions}</ul>
            {button(|t| t.add_condition, "", Callback::new(move |_| edit(set, index, |r| {
                r.conditions.push(Condition::Text { field: Field::From, op: Op::Contains, value: String::new() });
            })))}
            <h3>{t(|t| t.actions)}</h3>
            <ul class="filter-rows">{actions}</ul>
            {button(|t| t.add_action, "", Callback::new(move |_| edit(set, index, |r| r.actions.push(Action::MarkRead))))}
            {check(|t| t.stop_rules, rule.stop, Callback::new(move |on| edit(set, index, |r| r.stop = on)))}
            {button(|t| t.close, "", on_close)}
        </section>
    })
}

fn condition_row(
    set: RwSignal<FilterSet>,
    index: usize,
    ci: usize,
    kind: &'static str,
    c: Option<Condition>,
) -> AnyView {
    let (op, value, header, kb) = match c {
        Some(Condition::Text { field, op, value }) => {
            let header = match field {
                Field::Header(h) => h,
                _ => String::new(),
            };
            (op, value, header, 0)
        }
        Some(Condition::SizeOver { bytes } | Condition::SizeUnder { bytes }) => {
            (Op::Contains, String::new(), String::new(), bytes / 1024)
        }
        None => (Op::Contains, String::new(), String::new(), 0),
    };
    let size = kind.starts_with("size");
    view! {
        <li class="filter-row">
            {choice(
                |t| t.field_label,
                FIELDS,
                kind,
                Callback::new(move |k: String| edit_condition(set, index, ci, |c| *c = with_kind(c, &k))),
            )}
            {(kind == "header").then(|| field(
                |t| t.header_name,
                "text",
                header,
                Callback::new(move |v| edit_condition(set, index, ci, |c| {
                    if let Condition::Text { field: Field::Header(h), .. } = c {
                        *h = v;
                    }
                })),
            ))}
            {(!size).then(|| choice(
                |t| t.op_label,
                OPS,
                op_value(op),
                Callback::new(move |v: String| edit_condition(set, index, ci, |c| {
                    if let Condition::Text { op, .. } = c {
                        *op = parse_op(&v);
                    }
                })),
            ))}
            {if size {
                field(|t| t.value, "number", kb.to_string(), Callback::new(move |v: String| {
                    let kb = v.trim().parse::<u64>().unwrap_or(0);
                    edit_condition(set, index, ci, |c| {
                        if let Condition::SizeOver { bytes } | Condition::SizeUnder { bytes } = c {
                            *bytes = kb.saturating_mul(1024);
                        }
                    });
                }))
            } else {
                field(|t| t.value, "text", value, Callback::new(move |v| edit_condition(set, index, ci, |c| {
                    if let Condition::Text { value, .. } = c {
                        *value = v;
                    }
                })))
            }}
            {button(|t| t.remove, "", Callback::new(move |_| edit(set, index, |r| {
                if ci < r.conditions.len() {
                    r.conditions.remove(ci);
                }
            })))}
        </li>
    }
    .into_any()
}

fn action_row(
    set: RwSignal<FilterSet>,
    index: usize,
    ai: usize,
    kind: &'static str,
    a: Option<Action>,
    folders: Signal<Vec<(String, String)>>,
) -> AnyView {
    let details = match a {
        Some(Action::MoveTo(folder) | Action::CopyTo(folder)) => Some(folder_choice(
            folder,
            folders,
            Callback::new(move |v: String| edit_action(set, index, ai, |a| {
                if let Action::MoveTo(f) | Action::CopyTo(f) = a {
                    *f = v;
                }
            })),
        )),
        Some(Action::Forward { address, keep_copy }) => Some(
            view! {
                {field(|t| t.address, "email", address, Callback::new(move |v: String| edit_action(set, index, ai, |a| {
                    if let Action::Forward { address, .. } = a {
                        *address = v;
                    }
                })))}
                {check(|t| t.keep_copy, keep_copy, Callback::new(move |on: bool| edit_action(set, index, ai, |a| {
                    if let Action::Forward { keep_copy, .. } = a {
                        *keep_copy = on;
                    }
                })))}
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <li class="filter-row">
            {choice(
                |t| t.action_label,
                ACTIONS,
                kind,
                Callback::new(move |k: String| edit_action(set, index, ai, |a| *a = action_of_kind(&k))),
            )}
            {details}
            {button(|t| t.remove, "", Callback::new(move |_| edit(set, index, |r| {
                if ai < r.actions.len() {
                    r.actions.remove(ai);
                }
            })))}
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_changes_kind_keeping_what_it_can() {
        let c = Condition::Text {
            field: Field::From,
            op: Op::Is,
            value: "a@b.fr".into(),
        };
        assert_eq!(
            with_kind(&c, "subject"),
            Condition::Text {
                field: Field::Subject,
                op: Op::Is,
                value: "a@b.fr".into()
            }
        );
        assert_eq!(
            with_kind(&c, "size_over"),
            Condition::SizeOver { bytes: 1024 * 1024 }
        );
        let size = Condition::SizeUnder { bytes: 2048 };
        assert_eq!(
            with_kind(&size, "size_over"),
            Condition::SizeOver { bytes: 2048 }
        );
        for (kind, _) in FIELDS {
            assert_eq!(condition_kind(&with_kind(&c, kind)), *kind);
        }
        for (kind, _) in ACTIONS {
            assert_eq!(action_kind(&action_of_kind(kind)), *kind);
        }
        for (op, _) in OPS {
            assert_eq!(op_value(parse_op(op)), *op);
        }
    }
}
