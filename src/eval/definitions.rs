//! Checks the language makes when it defines types, before any statement runs: every attribute
//! default must fit its attribute's type and its typedef's constraint, whether or not the entity
//! is ever constructed. They live here because a constraint is an expression to evaluate (plugin
//! calls included); the driver runs them with the other checks, so `check` and `export` refuse
//! what `compile` would.

use super::{types, Options, Runtime, Value};
use crate::ast::{ExprKind, Path};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::resolve::{walk_expr, Default as AttrDefault, Model, ValueType};
use crate::source::{SourceMap, Span};

/// Every attribute default that does not fit its attribute's type, in definition order.
pub fn check_defaults(model: &Model, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut runtime = Runtime::new(model, sources, Options::default());
    runtime.make_roots();
    let mut found = Vec::new();
    for entity in &model.entities {
        for attribute in &entity.attributes {
            let AttrDefault::Value(expr) = &attribute.default else {
                continue;
            };
            if let Some(problem) = unevaluable_constraint(model, attribute.base) {
                let (code, message, span, label) = match problem {
                    Unevaluable::Variable(path) => (
                        codes::CONSTRAINT_VARIABLE,
                        format!(
                            "Unable to resolve `{}`: a type constraint can not reference variables.",
                            path.to_text()
                        ),
                        path.span,
                        "a variable in a type constraint",
                    ),
                    Unevaluable::Interpolation { template, span } => (
                        codes::CONSTRAINT_NOT_DIRECT,
                        format!(
                            "The statement Format('{template}') can not be executed in this context"
                        ),
                        span,
                        "a string interpolation in a type constraint",
                    ),
                };
                found.push(
                    Diagnostic::error(code, message)
                        .with_label(Label::primary(span, label))
                        .with_label(Label::secondary(
                            expr.span,
                            format!("checked here, for the default of `{}`", attribute.name),
                        ))
                        .with_help(
                            "a constraint is evaluated on its own: write the values into it; only `self` can be named there",
                        ),
                );
                continue;
            }
            let value = types::constant(expr);
            let Err(message) = runtime.check_attribute_value(attribute, &value) else {
                continue;
            };
            // A constraint that fails to evaluate (rather than refusing the value) is the
            // constraint's error, and the language reports it there.
            let failing = failing_constraint(&mut runtime, attribute.base, &value, &message);
            let diagnostic = match failing {
                Some(constraint) => Diagnostic::error(codes::INVALID_DEFAULT, message)
                    .with_label(Label::primary(constraint, "this constraint fails"))
                    .with_label(Label::secondary(
                        expr.span,
                        format!("checked here, for the default of `{}`", attribute.name),
                    ))
                    .with_help(
                        "make the constraint give a boolean for every value of its base type",
                    ),
                None => Diagnostic::error(codes::INVALID_DEFAULT, message)
                    .with_label(Label::primary(
                        expr.span,
                        format!("the default of `{}`", attribute.name),
                    ))
                    .with_label(Label::secondary(
                        attribute.name_span,
                        format!("declared as {}", attribute.type_text()),
                    ))
                    .with_help(format!(
                        "give `{}` a default of type {}, or remove the default",
                        attribute.name,
                        attribute.type_text()
                    )),
            };
            found.push(diagnostic);
        }
    }
    found
}

/// The span of the typedef constraint whose evaluation gave `message` for `value` (or one of its
/// items), when the message is an evaluation error of that constraint.
fn failing_constraint(
    runtime: &mut Runtime<'_>,
    mut base: ValueType,
    value: &Value,
    message: &str,
) -> Option<Span> {
    let items: Vec<Value> = match value {
        Value::List(items) => items.iter().cloned().collect(),
        other => vec![other.clone()],
    };
    let model = runtime.model;
    while let ValueType::Typedef(id) = base {
        let typedef = model.typedef(id);
        for item in &items {
            if let Err(m) = runtime.eval_constraint(typedef.namespace, &typedef.constraint, item) {
                if m == message {
                    return Some(typedef.constraint.span);
                }
            }
        }
        base = typedef.base;
    }
    None
}

/// What makes a constraint impossible to evaluate on its own.
enum Unevaluable {
    /// A name other than `self`.
    Variable(Path),
    /// `"{{name}}"`: a string to fill in at run time.
    Interpolation { template: String, span: Span },
}

/// The first part of the constraint of a typedef (or of the typedefs it is built on) that can
/// not be evaluated on its own.
fn unevaluable_constraint(model: &Model, mut base: ValueType) -> Option<Unevaluable> {
    while let ValueType::Typedef(id) = base {
        let typedef = model.typedef(id);
        let mut problem = None;
        walk_expr(&typedef.constraint, &mut |e| {
            if problem.is_some() {
                return;
            }
            match &e.kind {
                ExprKind::Var { path } if path.segments[0].text != "self" => {
                    problem = Some(Unevaluable::Variable(path.clone()));
                }
                ExprKind::Interpolated { template, .. } => {
                    problem = Some(Unevaluable::Interpolation {
                        template: template.clone(),
                        span: e.span,
                    });
                }
                _ => {}
            }
        });
        if problem.is_some() {
            return problem;
        }
        base = typedef.base;
    }
    None
}
