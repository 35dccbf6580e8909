//! lsmc: a compiler for the Inmanta modelling language and its LSM extension.
//!
//! The library does no IO: it takes sources and returns results with diagnostics, so that the
//! CLI, the tests and an editor server share it. Modules in pipeline order:
//! [`source`] -> [`lexer`] -> [`parser`] -> [`ast`] -> [`project`] -> [`resolve`] -> [`check`] ->
//! [`eval`] -> [`export`]; [`diagnostics`], [`python`] and [`builtin`] beside them. [`driver`]
//! runs them in that order for every entry point.

pub mod ast;
pub mod builtin;
pub mod check;
pub mod diagnostics;
pub mod docstring;
pub mod driver;
pub mod eval;
pub mod export;
pub mod ide;
pub mod lexer;
pub mod parser;
pub mod plugin_signatures;
pub mod project;
pub mod python;
pub mod resolve;
pub mod source;
