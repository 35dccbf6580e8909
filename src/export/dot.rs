//! A lifecycle as a Graphviz digraph, drawn as `lsm::render_dot` draws it (research
//! `catalog.md` 4.3): the initial state as a double circle, deleted states as triple octagons,
//! the other states as ellipses; per transfer a black edge from source to target and, when it has
//! an error state, a red edge from source to error with the same label. A label is the trigger
//! letters, then `(description)` when there is one, then a space and the target operation.
//!
//! Trigger letters: `R` resource based, `U` on update, `D` on delete, `S` API set state, `A`
//! auto, `c` switched by a config option (`config_name`), `V` validate.

use super::{Lifecycle, Transfer};

/// The DOT text of a lifecycle. One node per state, in catalog order.
pub fn render(lifecycle: &Lifecycle) -> String {
    let mut out = String::new();
    out.push_str("digraph finite_state_machine {\n");
    out.push_str(&format!("    label = {};\n", quote(&lifecycle.name)));
    out.push_str("    rankdir = LR;\n");
    for state in &lifecycle.states {
        let shape = if state.name == lifecycle.initial_state {
            "doublecircle"
        } else if state.deleted {
            "tripleoctagon"
        } else {
            "ellipse"
        };
        out.push_str(&format!("    {} [shape = {shape}];\n", quote(&state.name)));
    }
    for transfer in &lifecycle.transfers {
        let label = quote(&label(transfer));
        out.push_str(&format!(
            "    {} -> {} [label = {label}];\n",
            quote(&transfer.source),
            quote(&transfer.target)
        ));
        if let Some(error) = &transfer.error {
            out.push_str(&format!(
                "    {} -> {} [label = {label}, color = red, fontcolor = red];\n",
                quote(&transfer.source),
                quote(error)
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// The label of a transfer's edges: `AcV(ack to designed(auto))`, `S(abort update) clear
/// candidate`, `S rollback`, `R`.
pub fn label(t: &Transfer) -> String {
    let mut label = String::new();
    for (on, letter) in [
        (t.resource_based, 'R'),
        (t.on_update, 'U'),
        (t.on_delete, 'D'),
        (t.api_set_state, 'S'),
        (t.auto, 'A'),
        (t.config_name.is_some(), 'c'),
        (t.validate, 'V'),
    ] {
        if on {
            label.push(letter);
        }
    }
    if !t.description.is_empty() {
        label.push('(');
        label.push_str(&t.description);
        label.push(')');
    }
    if let Some(operation) = &t.target_operation {
        label.push(' ');
        label.push_str(operation);
    }
    label
}

/// A DOT quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}
