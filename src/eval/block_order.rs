//! The order in which a nested block's statements are queued.
//!
//! The language queues a block's statements last first. Where no statement of the block reads
//! what another one sets, that order shows (which of two colliding constructors reports the
//! collision, which of two values set twice is the second). Where one does, the reader waits
//! for the writer and so runs after it, as in source order: lsmc queues such a block in source
//! order, which gives the same runs without the waits.

use crate::ast::{Expr, ExprKind, Stmt, StmtKind};
use crate::resolve::walk_expr;

/// Whether to queue `body` last first: it has two statements or more, and none reads a variable
/// or an attribute that a statement of the block sets.
pub fn last_first(body: &[Stmt]) -> bool {
    if body.len() < 2 {
        return false;
    }
    let mut set: Vec<&str> = Vec::new();
    body.iter().for_each(|s| sets(s, &mut set));
    !body.iter().any(|s| reads_any(s, &set))
}

/// The variables and attribute names a statement (and its blocks) assigns.
fn sets<'a>(stmt: &'a Stmt, out: &mut Vec<&'a str>) {
    match &stmt.kind {
        StmtKind::Assign { target, .. } | StmtKind::Extend { target, .. } => match &target.kind {
            ExprKind::Var { path } => out.extend(path.segments.last().map(|n| n.text.as_str())),
            ExprKind::Attribute { name, .. } => out.push(&name.text),
            _ => {}
        },
        StmtKind::For { body, .. } => body.iter().for_each(|s| sets(s, out)),
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (_, body) in branches {
                body.iter().for_each(|s| sets(s, out));
            }
            otherwise.iter().flatten().for_each(|s| sets(s, out));
        }
        StmtKind::Expr { .. } | StmtKind::Error => {}
    }
}

/// Whether a statement (or its blocks) reads one of `names`, as a variable, a member or an
/// attribute.
fn reads_any(stmt: &Stmt, names: &[&str]) -> bool {
    let read = |e: &Expr| {
        let mut found = false;
        walk_expr(e, &mut |x| match &x.kind {
            ExprKind::Var { path } => {
                found |= path
                    .segments
                    .iter()
                    .any(|n| names.contains(&n.text.as_str()))
            }
            ExprKind::Attribute { name, .. } => found |= names.contains(&name.text.as_str()),
            _ => {}
        });
        found
    };
    match &stmt.kind {
        StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
            let object = match &target.kind {
                ExprKind::Attribute { object, .. } => read(object),
                _ => false,
            };
            object || read(value)
        }
        StmtKind::For { iterable, body, .. } => {
            read(iterable) || body.iter().any(|s| reads_any(s, names))
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            branches
                .iter()
                .any(|(c, body)| read(c) || body.iter().any(|s| reads_any(s, names)))
                || otherwise.iter().flatten().any(|s| reads_any(s, names))
        }
        StmtKind::Expr { expr } => read(expr),
        StmtKind::Error => false,
    }
}
