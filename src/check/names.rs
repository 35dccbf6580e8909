//! Names that are certainly unknown, reported before evaluation: a bare variable that nothing in
//! its namespace assigns, binds or declares as a member, and `ns::name` where the namespace is
//! imported but defines no such variable.
//!
//! Inmanta assigns variables in any order, and a block sees the variables of the blocks around
//! it, so a name that some statement of the namespace assigns (anywhere) is left to evaluation:
//! only a name that no scope could ever hold is reported here.

use std::cell::OnceCell;
use std::collections::HashSet;

use crate::ast::{Expr, ExprKind, Item, Stmt, StmtKind};
use crate::diagnostics::{codes, suggest::did_you_mean, Diagnostic, Label};
use crate::resolve::{walk_expr, Model, NamespaceId};

pub fn check(model: &Model) -> Vec<Diagnostic> {
    // A member name may be read bare in an implementation body (or a block in one).
    let mut members: HashSet<&str> = HashSet::new();
    for entity in &model.entities {
        members.extend(entity.attributes.iter().map(|a| a.name.as_str()));
    }
    for relation in &model.relations {
        members.extend(relation.ends.iter().filter_map(|e| e.name.as_deref()));
    }
    let mut found = Vec::new();
    for (i, namespace) in model.namespaces.iter().enumerate() {
        if namespace.builtin {
            continue;
        }
        let ns = NamespaceId(i as u32);
        let mut bodies: Vec<&[Stmt]> = Vec::new();
        let top: Vec<&Stmt> = model.modules[namespace.module]
            .1
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Statement(s) => Some(&**s),
                _ => None,
            })
            .collect();
        for implementation in &model.implementations {
            // Without its entity, an implementation's members are unknown: its body is left out.
            if implementation.namespace == ns && implementation.entity.is_some() {
                bodies.push(&implementation.body);
            }
        }
        let mut statements: Vec<&Stmt> = top;
        for body in &bodies {
            statements.extend(body.iter());
        }
        // Read only for a name that did not resolve: made then, as it holds every name assigned.
        let bound_cell: OnceCell<HashSet<String>> = OnceCell::new();
        let bound = || {
            bound_cell.get_or_init(|| {
                let mut bound = HashSet::new();
                for stmt in &statements {
                    bound_names(stmt, &mut bound);
                }
                bound
            })
        };
        // Relation annotations are read at the top level, where no member is visible.
        let no_members = HashSet::new();
        for relation in model.relations.iter().filter(|r| r.namespace == ns) {
            for annotation in &relation.annotations {
                walk_expr(annotation, &mut |e| {
                    if let Some(d) = unknown(model, ns, e, &bound, &no_members) {
                        found.push(d);
                    }
                });
            }
        }
        for stmt in &statements {
            each_expr(stmt, &mut |expr| {
                walk_expr(expr, &mut |e| {
                    if let Some(d) = unknown(model, ns, e, &bound, &members) {
                        found.push(d);
                    }
                })
            });
        }
    }
    found
}

/// The diagnostic for `expr` when it is a variable reference no scope could hold.
fn unknown<'b>(
    model: &Model,
    ns: NamespaceId,
    expr: &Expr,
    bound: &dyn Fn() -> &'b HashSet<String>,
    members: &HashSet<&str>,
) -> Option<Diagnostic> {
    let ExprKind::Var { path } = &expr.kind else {
        return None;
    };
    if model.resolution.def_at(path.span).is_some() {
        return None;
    }
    let namespace = model.namespace(ns);
    let name = path.last().text.as_str();
    if path.segments.len() == 1 {
        let bound = bound();
        if name == "self"
            || bound.contains(name)
            || members.contains(name)
            || namespace.variables.contains_key(name)
            || namespace.types.contains_key(name)
        {
            return None;
        }
        let candidates = bound
            .iter()
            .map(String::as_str)
            .chain(namespace.variables.keys().map(String::as_str))
            .chain(members.iter().copied());
        return Some(report(name, None, expr, did_you_mean(name, candidates)));
    }
    let prefix: Vec<&str> = path.segments[..path.segments.len() - 1]
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    let prefix = prefix.join("::");
    let target = model.namespace(*namespace.imports.get(&prefix)?);
    if target.variables.contains_key(name) || target.types.contains_key(name) {
        return None;
    }
    let suggestion = did_you_mean(name, target.variables.keys().map(String::as_str));
    Some(report(name, Some(&prefix), expr, suggestion))
}

fn report(
    name: &str,
    namespace: Option<&str>,
    expr: &Expr,
    suggestion: Option<&str>,
) -> Diagnostic {
    let label = match namespace {
        Some(ns) => format!("`{ns}` has no variable `{name}`"),
        None => "no statement assigns this name".to_string(),
    };
    let d = Diagnostic::error(
        codes::UNKNOWN_VARIABLE,
        format!("variable {name} not found"),
    )
    .with_label(Label::primary(expr.span, label));
    match (suggestion, namespace) {
        (Some(s), Some(ns)) => d.with_help(format!("did you mean `{ns}::{s}`?")),
        (Some(s), None) => d.with_help(format!("did you mean `{s}`?")),
        (None, _) => d.with_help("assign the variable, or correct its name"),
    }
}

/// The names a statement (and the blocks in it) assigns or binds.
fn bound_names(stmt: &Stmt, bound: &mut HashSet<String>) {
    match &stmt.kind {
        StmtKind::Assign { target, .. } | StmtKind::Extend { target, .. } => {
            if let ExprKind::Var { path } = &target.kind {
                if path.segments.len() == 1 {
                    bound.insert(path.segments[0].text.clone());
                }
            }
        }
        StmtKind::For { variable, body, .. } => {
            bound.insert(variable.text.clone());
            body.iter().for_each(|s| bound_names(s, bound));
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (_, body) in branches {
                body.iter().for_each(|s| bound_names(s, bound));
            }
            for s in otherwise.iter().flatten() {
                bound_names(s, bound);
            }
        }
        StmtKind::Expr { .. } | StmtKind::Error => {}
    }
    each_expr(stmt, &mut |expr| {
        walk_expr(expr, &mut |e| {
            if let ExprKind::Comprehension { loops, .. } = &e.kind {
                bound.extend(loops.iter().map(|(n, _)| n.text.clone()));
            }
        })
    });
}

/// The expressions of a statement, and of the statements of its blocks.
pub(super) fn each_expr<'a>(stmt: &'a Stmt, f: &mut dyn FnMut(&'a Expr)) {
    match &stmt.kind {
        StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
            f(target);
            f(value);
        }
        StmtKind::For { iterable, body, .. } => {
            f(iterable);
            body.iter().for_each(|s| each_expr(s, f));
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (condition, body) in branches {
                f(condition);
                body.iter().for_each(|s| each_expr(s, f));
            }
            for s in otherwise.iter().flatten() {
                each_expr(s, f);
            }
        }
        StmtKind::Expr { expr } => f(expr),
        StmtKind::Error => {}
    }
}
