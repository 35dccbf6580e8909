//! A lifecycle as a Graphviz digraph, drawn to be read at a glance: ranked top to bottom from
//! the initial state, the states grouped by phase (ordering, deployed, update, delete) and
//! coloured by kind (start, validation, in progress, up, failed, terminal), and a legend of the
//! edge codes under the title. `lsmc lifecycle` and `lsm::render_dot` both draw this.
//!
//! Per source and target one black edge labelled with the codes of its transfers (one line
//! each, `→ operation` when the transfer changes the attribute sets); per source and error state
//! one red dashed edge. The full label of a transfer ([`label`]: codes, `(description)`,
//! operation) is the edge's tooltip in the SVG.
//!
//! Codes: `R` resource based, `U` on update, `D` on delete, `S` API set state, `A` auto, `c`
//! switched by a config option (`config_name`), `V` validate.

use super::{Lifecycle, State, Transfer};

/// What a state is, as its colour tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Start,
    Validation,
    InProgress,
    Up,
    Failed,
    Terminal,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Start,
        Kind::Validation,
        Kind::InProgress,
        Kind::Up,
        Kind::Failed,
        Kind::Terminal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Start => "start",
            Kind::Validation => "validation",
            Kind::InProgress => "in progress",
            Kind::Up => "up",
            Kind::Failed => "failed",
            Kind::Terminal => "terminal",
        }
    }

    /// Fill and text colour.
    fn colours(self) -> (&'static str, &'static str) {
        match self {
            Kind::Start => ("#cfe2f3", "black"),
            Kind::Validation => ("#fff2cc", "black"),
            Kind::InProgress => ("#ffffff", "black"),
            Kind::Up => ("#b6d7a8", "black"),
            Kind::Failed => ("#f4cccc", "black"),
            Kind::Terminal => ("#666666", "white"),
        }
    }
}

/// The kind of a state, from what the lifecycle says of it: the initial state, a deleted state,
/// the `success` label, a `danger` or `warning` label, a state that validates its candidate
/// attributes, else a state in progress (deploying, rolling back, deleting).
pub fn kind(lifecycle: &Lifecycle, state: &State) -> Kind {
    if state.name == lifecycle.initial_state {
        Kind::Start
    } else if state.deleted {
        Kind::Terminal
    } else {
        match state.label.as_deref() {
            Some("success") => Kind::Up,
            Some("danger" | "warning") => Kind::Failed,
            _ if state.validate_self.as_deref() == Some("candidate") => Kind::Validation,
            _ => Kind::InProgress,
        }
    }
}

/// The phases, top to bottom, each a box around its states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Order,
    Deployed,
    Update,
    Delete,
}

impl Phase {
    const ALL: [Phase; 4] = [Phase::Order, Phase::Deployed, Phase::Update, Phase::Delete];

    fn of(state: &State) -> Phase {
        if state.deleted || state.purge_resources {
            Phase::Delete
        } else if !state.export_resources {
            Phase::Order
        } else if state.validate_self.as_deref() == Some("candidate") {
            Phase::Update
        } else {
            Phase::Deployed
        }
    }

    fn id(self) -> &'static str {
        match self {
            Phase::Order => "order",
            Phase::Deployed => "deployed",
            Phase::Update => "update",
            Phase::Delete => "delete",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Phase::Order => "order: the candidate is validated, nothing deployed",
            Phase::Deployed => "deployed: the active attributes",
            Phase::Update => "update: a new candidate is validated",
            Phase::Delete => "delete",
        }
    }
}

/// What each code on an edge means (the legend).
const CODES: [(&str, &str); 8] = [
    (
        "R",
        "resources deployed: to the target on success, to the error state on failure",
    ),
    ("U", "attributes updated through the API"),
    ("D", "deleted through the API"),
    ("S", "state set through the API"),
    ("A", "automatic"),
    ("c", "only when its config option is on"),
    ("V", "attributes validated: to the error state when invalid"),
    ("→ op", "operation on the attribute sets"),
];

/// The DOT text of a lifecycle. One node per state, in catalog order within its phase.
pub fn render(lifecycle: &Lifecycle) -> String {
    let mut out = String::new();
    out.push_str("digraph finite_state_machine {\n");
    // newrank: ranks across the phase boxes, which keeps the drawing compact.
    out.push_str("    graph [rankdir = TB, newrank = true, fontname = \"Helvetica\", fontsize = 12, nodesep = 0.25, ranksep = 0.4, labelloc = t];\n");
    out.push_str(&format!("    label = <{}>;\n", legend(lifecycle)));
    out.push_str("    node [shape = box, style = \"rounded,filled\", fontname = \"Helvetica\", fontsize = 11, margin = \"0.1,0.04\", height = 0.3];\n");
    out.push_str("    edge [fontname = \"Helvetica\", fontsize = 9, arrowsize = 0.7];\n");
    for phase in Phase::ALL {
        let states: Vec<&State> = lifecycle
            .states
            .iter()
            .filter(|s| Phase::of(s) == phase)
            .collect();
        if states.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "    subgraph cluster_{} {{\n        label = {}; style = \"rounded,dashed\"; color = \"#999999\"; fontsize = 10; fontcolor = \"#555555\";\n",
            phase.id(),
            quote(phase.title())
        ));
        for state in states {
            let kind = kind(lifecycle, state);
            let (fill, text) = kind.colours();
            let peripheries = if matches!(kind, Kind::Start | Kind::Terminal) {
                2
            } else {
                1
            };
            out.push_str(&format!(
                "        {} [fillcolor = \"{fill}\", fontcolor = {text}, peripheries = {peripheries}, tooltip = {}];\n",
                quote(&state.name),
                quote(&format!("{} ({})", state.name, kind.name()))
            ));
        }
        out.push_str("    }\n");
    }
    let rank = depths(lifecycle);
    let mut targets: Vec<((&str, &str), Vec<&Transfer>)> = Vec::new();
    let mut errors: Vec<((&str, &str), Vec<&Transfer>)> = Vec::new();
    for t in &lifecycle.transfers {
        group(&mut targets, (&t.source, &t.target), t);
        if let Some(error) = &t.error {
            group(&mut errors, (&t.source, error), t);
        }
    }
    for ((source, target), transfers) in &targets {
        let drawn: Vec<String> = transfers.iter().map(|t| edge_label(t)).collect();
        let tooltip: Vec<String> = transfers.iter().map(|t| label(t)).collect();
        let attributes = format!(
            "label = {}, tooltip = {}",
            quote(&drawn.join("\n")),
            quote(&tooltip.join("\n"))
        );
        out.push_str(&edge(source, target, &rank, &attributes));
    }
    for ((source, error), transfers) in &errors {
        let tooltip: Vec<String> = transfers
            .iter()
            .map(|t| format!("on failure of {}", label(t)))
            .collect();
        let attributes = format!(
            "color = \"#cc0000\", style = dashed, tooltip = {}",
            quote(&tooltip.join("\n"))
        );
        out.push_str(&edge(source, error, &rank, &attributes));
    }
    out.push_str("}\n");
    out
}

/// One edge line. An edge back to an earlier rank is written the other way round with
/// `dir = back`, so that it draws the same arrow without pulling its target down.
fn edge(source: &str, target: &str, rank: &dyn Fn(&str) -> usize, attributes: &str) -> String {
    if rank(target) >= rank(source) {
        format!(
            "    {} -> {} [{attributes}];\n",
            quote(source),
            quote(target)
        )
    } else {
        format!(
            "    {} -> {} [dir = back, {attributes}];\n",
            quote(target),
            quote(source)
        )
    }
}

fn group<'l>(
    groups: &mut Vec<((&'l str, &'l str), Vec<&'l Transfer>)>,
    key: (&'l str, &'l str),
    transfer: &'l Transfer,
) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, members)) => members.push(transfer),
        None => groups.push((key, vec![transfer])),
    }
}

/// How many transfers a state is from the initial state, not counting deletes (the deleted
/// states come last); a state never reached counts as farthest.
fn depths(lifecycle: &Lifecycle) -> impl Fn(&str) -> usize + '_ {
    let mut depth: Vec<(&str, usize)> = vec![(lifecycle.initial_state.as_str(), 0)];
    let mut next = 0;
    while next < depth.len() {
        let (state, d) = depth[next];
        next += 1;
        for t in lifecycle
            .transfers
            .iter()
            .filter(|t| t.source == state && !t.on_delete)
        {
            for reached in std::iter::once(&t.target).chain(&t.error) {
                if !depth.iter().any(|(s, _)| s == reached) {
                    depth.push((reached, d + 1));
                }
            }
        }
    }
    move |state: &str| {
        depth
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(usize::MAX, |(_, d)| *d)
    }
}

/// The codes of a transfer: `AcV`, `S`, `R`.
pub fn codes(t: &Transfer) -> String {
    [
        (t.resource_based, 'R'),
        (t.on_update, 'U'),
        (t.on_delete, 'D'),
        (t.api_set_state, 'S'),
        (t.auto, 'A'),
        (t.config_name.is_some(), 'c'),
        (t.validate, 'V'),
    ]
    .into_iter()
    .filter_map(|(on, letter)| on.then_some(letter))
    .collect()
}

/// The label drawn on an edge: the codes, then `→ operation` when there is one.
pub fn edge_label(t: &Transfer) -> String {
    match &t.target_operation {
        Some(operation) => format!("{} → {operation}", codes(t)),
        None => codes(t),
    }
}

/// The full label of a transfer, as `lsm::render_dot` of the real module writes it:
/// `AcV(ack to designed(auto))`, `S(abort update) clear candidate`, `S rollback`, `R`.
pub fn label(t: &Transfer) -> String {
    let mut label = codes(t);
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

/// The title and the legend, as a Graphviz HTML-like label.
fn legend(lifecycle: &Lifecycle) -> String {
    let mut out =
        String::from("\n        <table border=\"0\" cellspacing=\"2\" cellpadding=\"1\">");
    out.push_str(&format!(
        "\n        <tr><td colspan=\"2\"><font point-size=\"14\"><b>{}</b></font></td></tr>",
        html(&lifecycle.name)
    ));
    for (code, meaning) in CODES {
        out.push_str(&format!(
            "\n        <tr><td align=\"right\"><b>{}</b></td><td align=\"left\">{}</td></tr>",
            html(code),
            html(meaning)
        ));
    }
    out.push_str(
        "\n        <tr><td align=\"right\"><font color=\"#cc0000\"><b>- - →</b></font></td><td align=\"left\">to the error state</td></tr>",
    );
    out.push_str("\n        <tr><td colspan=\"2\"><table border=\"0\" cellspacing=\"3\"><tr>");
    for kind in Kind::ALL {
        let (fill, text) = kind.colours();
        out.push_str(&format!(
            "\n            <td bgcolor=\"{fill}\" border=\"1\" style=\"rounded\"><font color=\"{text}\">{}</font></td>",
            kind.name()
        ));
    }
    out.push_str("\n        </tr></table></td></tr>\n        </table>\n    ");
    out
}

/// Text inside a Graphviz HTML-like label.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
