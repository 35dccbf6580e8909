//! Rules checked on the resolved model before evaluation: the LSM rules ([`lsm_rules`]), on the
//! static values of the model's top-level statements ([`statics`]).

pub mod constructors;
pub mod error;
pub mod lineage;
pub mod lsm_rules;
pub mod names;
pub mod python_plugins;
pub mod statics;
pub mod view;

use crate::diagnostics::Diagnostic;
use crate::resolve::Model;

/// Runs every check; returns the statics for the stages after it.
pub fn check(model: &Model) -> (statics::Statics, Vec<Diagnostic>) {
    let statics = statics::Statics::collect(model);
    let diagnostics = lsm_rules::check(model, &statics);
    (statics, diagnostics)
}
