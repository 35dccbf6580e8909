//! Checks the language makes when it defines types, before any statement runs: every attribute
//! default must fit its attribute's type and its typedef's constraint, whether or not the entity
//! is ever constructed. They live here because a constraint is an expression to evaluate (plugin
//! calls included); the driver runs them with the other checks, so `check` and `export` refuse
//! what `compile` would.

use super::{types, Options, Runtime};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::resolve::{Default as AttrDefault, Model};
use crate::source::SourceMap;

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
            let value = types::constant(expr);
            if let Err(message) = runtime.check_attribute_value(attribute, &value) {
                found.push(
                    Diagnostic::error(codes::INVALID_DEFAULT, message)
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
                );
            }
        }
    }
    found
}
