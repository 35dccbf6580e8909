//! Constructor calls the language rejects when it reads the model, before any value is known
//! (so also in code that never runs):
//!
//! * a constructor written as the value of another constructor's argument that makes the wrong
//!   type: an instance for a plain attribute, or one of an entity that is not the relation's
//!   target (`A(b=C())` with `A.b -- B`);
//! * a call that leaves an index attribute unset, with nothing that could still give it: no
//!   `**dict` argument, and no assignment or outer constructor whose instance could be the
//!   inverse end of the one attribute missing.
//!
//! A value reaches its argument through a list literal, either branch of a conditional
//! expression and the value of a comprehension; anything else hides it.

use crate::ast::{Argument, Expr, ExprKind, Item, Stmt, StmtKind};
use crate::check::error::ConstructorError;
use crate::diagnostics::Diagnostic;
use crate::resolve::{for_each_child_expr, Def, Default, EntityId, Model};

/// Where a constructor's instance goes.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// A variable, a call, an index attribute: nowhere a relation could be read from.
    None,
    /// `x.attr = ...`: the type is only known at run time.
    Assignment,
    /// The argument `name` of a constructor of an entity.
    Argument(EntityId, &'a str),
}

pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut statements: Vec<&Stmt> = Vec::new();
    for namespace in model.namespaces.iter().filter(|n| !n.builtin) {
        statements.extend(
            model.modules[namespace.module]
                .1
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Statement(s) => Some(&**s),
                    _ => None,
                }),
        );
    }
    for implementation in &model.implementations {
        if !model.namespace(implementation.namespace).builtin {
            statements.extend(implementation.body.iter());
        }
    }
    for stmt in statements {
        statement(model, stmt, &mut found);
    }
    found.into_iter().map(Diagnostic::from).collect()
}

fn statement(model: &Model, stmt: &Stmt, found: &mut Vec<ConstructorError>) {
    match &stmt.kind {
        StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
            expr(model, target, Target::None, found);
            let into = match target.kind {
                ExprKind::Attribute { .. } => Target::Assignment,
                _ => Target::None,
            };
            expr(model, value, into, found);
        }
        StmtKind::For { iterable, body, .. } => {
            expr(model, iterable, Target::None, found);
            body.iter().for_each(|s| statement(model, s, found));
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (condition, body) in branches {
                expr(model, condition, Target::None, found);
                body.iter().for_each(|s| statement(model, s, found));
            }
            for s in otherwise.iter().flatten() {
                statement(model, s, found);
            }
        }
        StmtKind::Expr { expr: e } => expr(model, e, Target::None, found),
        StmtKind::Error => {}
    }
}

fn expr(model: &Model, e: &Expr, into: Target<'_>, found: &mut Vec<ConstructorError>) {
    match &e.kind {
        ExprKind::Construct { class, arguments } => {
            let Some(Def::Entity(entity)) = model.resolution.def_at(class.span) else {
                // Unresolved (reported already) or inferred from the relation at run time.
                for_each_child_expr(e, &mut |c| expr(model, c, Target::None, found));
                return;
            };
            if let Target::Argument(owner, name) = into {
                if let Some(error) = wrong_type(model, owner, name, entity, &class.to_text(), e) {
                    found.push(error);
                }
            }
            if let Some(error) = index_unset(model, entity, arguments, into, e) {
                found.push(error);
            }
            let indexed = index_members(model, entity);
            for argument in arguments {
                match argument {
                    Argument::Keyword { name, value } => {
                        // An index attribute is needed to make the instance: its value has no
                        // instance to go to yet.
                        let to = if indexed.contains(&name.text.as_str()) {
                            Target::None
                        } else {
                            Target::Argument(entity, &name.text)
                        };
                        expr(model, value, to, found);
                    }
                    Argument::Kwargs { value } | Argument::Positional { value } => {
                        expr(model, value, Target::None, found)
                    }
                }
            }
        }
        ExprKind::List { items } => items.iter().for_each(|i| expr(model, i, into, found)),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            expr(model, condition, Target::None, found);
            expr(model, then, into, found);
            expr(model, otherwise, into, found);
        }
        ExprKind::Comprehension {
            value,
            loops,
            guards,
        } => {
            expr(model, value, into, found);
            loops
                .iter()
                .for_each(|(_, l)| expr(model, l, Target::None, found));
            guards
                .iter()
                .for_each(|g| expr(model, g, Target::None, found));
        }
        _ => for_each_child_expr(e, &mut |c| expr(model, c, Target::None, found)),
    }
}

/// The names of the attributes and relations in an index of `entity` (own or inherited).
fn index_members(model: &Model, entity: EntityId) -> Vec<&str> {
    model
        .all_indexes(entity)
        .into_iter()
        .flat_map(|i| i.attributes.iter().map(String::as_str))
        .collect()
}

/// The argument `name` of a constructor of `owner` given a constructor of `made`.
fn wrong_type(
    model: &Model,
    owner: EntityId,
    name: &str,
    made: EntityId,
    written: &str,
    e: &Expr,
) -> Option<ConstructorError> {
    if let Some(attribute) = model.attribute(owner, name) {
        return Some(ConstructorError::WrongType {
            written: written.to_string(),
            expected: attribute.base_text.clone(),
            span: e.span,
        });
    }
    let end = model.relation_end(owner, name)?;
    if model.ancestry_unknown(made) || model.is_subtype(made, end.target) {
        return None;
    }
    Some(ConstructorError::WrongType {
        written: model.entity(made).full_name.clone(),
        expected: model.entity(end.target).full_name.clone(),
        span: e.span,
    })
}

/// The index attributes a call leaves unset when nothing could still give them.
fn index_unset(
    model: &Model,
    entity: EntityId,
    arguments: &[Argument],
    into: Target<'_>,
    e: &Expr,
) -> Option<ConstructorError> {
    if model.ancestry_unknown(entity) {
        return None;
    }
    let mut given: Vec<&str> = Vec::new();
    for argument in arguments {
        match argument {
            Argument::Keyword { name, .. } => given.push(&name.text),
            Argument::Kwargs { .. } => return None,
            Argument::Positional { .. } => {}
        }
    }
    let has_default = |name: &str| {
        model
            .attribute(entity, name)
            .is_some_and(|a| matches!(a.default, Default::Value(_)))
    };
    // Each index on its own, its attributes sorted: a name in two indexes counts twice.
    let mut missing: Vec<(String, bool)> = Vec::new();
    for index in model.all_indexes(entity) {
        let mut names: Vec<&String> = index.attributes.iter().collect();
        names.sort();
        for name in names {
            if !given.contains(&name.as_str()) && !has_default(name) {
                let relation = model.attribute(entity, name).is_none();
                missing.push((name.clone(), relation));
            }
        }
    }
    let inverse_may_give_it = !matches!(into, Target::None) && missing.len() == 1;
    if missing.is_empty() || inverse_may_give_it {
        return None;
    }
    Some(ConstructorError::IndexUnset {
        entity: model.entity(entity).full_name.clone(),
        missing,
        span: e.span,
    })
}
