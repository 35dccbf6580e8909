//! The plugins a module's Python code defines, read without running it: each `@plugin` function
//! with its name (the function's, or the one given to the decorator) and its parameters as a call
//! binds them. A parameter annotated `Context` is left out: the compiler passes it, not the call.

use ruff_python_ast::{self as py, Expr, Stmt};

use crate::builtin::plugins::ParamKind;

/// A plugin of a module's Python code.
#[derive(Debug, Clone, PartialEq)]
pub struct PythonPlugin {
    pub name: String,
    pub params: Vec<PythonParam>,
    /// The first parameter without an annotation, in the order the reference looks at them
    /// (`*args`, `**kwargs`, the positional ones, the keyword-only ones), with the line of the
    /// function: the reference refuses to load such a plugin.
    pub unannotated: Option<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PythonParam {
    pub name: String,
    pub kind: ParamKind,
    pub has_default: bool,
}

impl PythonPlugin {
    /// The parameter list as Python writes it: `a, b, *args, **kwargs`.
    pub fn parameter_list(&self) -> Vec<String> {
        self.params
            .iter()
            .map(|p| match p.kind {
                ParamKind::VarPositional => format!("*{}", p.name),
                ParamKind::VarKeyword => format!("**{}", p.name),
                _ => p.name.clone(),
            })
            .collect()
    }
}

/// The plugins of one Python file; `Err` with the parser's message when it is not Python.
pub fn read(text: &str) -> Result<Vec<PythonPlugin>, String> {
    let parsed = ruff_python_parser::parse_module(text).map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    collect(text, &parsed.syntax().body, &mut found);
    Ok(found)
}

/// Functions at the top level, also under `if` and `try` (as in `try: import x ... except`).
fn collect(text: &str, body: &[Stmt], found: &mut Vec<PythonPlugin>) {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(function) => {
                if let Some(name) = function.decorator_list.iter().find_map(plugin_name) {
                    let start = usize::from(function.name.range.start());
                    let line = 1 + text.as_bytes()[..start.min(text.len())]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    found.push(PythonPlugin {
                        name: name.unwrap_or_else(|| function.name.to_string()),
                        params: parameters(&function.parameters),
                        unannotated: unannotated(&function.parameters).map(|p| (p, line)),
                    });
                }
            }
            Stmt::If(branch) => {
                collect(text, &branch.body, found);
                for clause in &branch.elif_else_clauses {
                    collect(text, &clause.body, found);
                }
            }
            Stmt::Try(attempt) => {
                collect(text, &attempt.body, found);
                collect(text, &attempt.orelse, found);
                collect(text, &attempt.finalbody, found);
            }
            _ => {}
        }
    }
}

/// The first parameter without an annotation, in the reference's order: `*args`, `**kwargs`,
/// the positional parameters, then the keyword-only ones.
fn unannotated(parameters: &py::Parameters) -> Option<String> {
    let variadic = parameters.vararg.iter().chain(&parameters.kwarg);
    let named = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .chain(&parameters.kwonlyargs)
        .map(|p| &p.parameter);
    variadic
        .map(|p| &**p)
        .chain(named)
        .find(|p| p.annotation.is_none())
        .map(|p| p.name.to_string())
}

/// Whether a decorator is `@plugin` (`Some(None)`), `@plugin("name")` or `@plugin(name="name")`
/// (`Some(Some(name))`); `plugins.plugin` and `inmanta.plugins.plugin` too.
fn plugin_name(decorator: &py::Decorator) -> Option<Option<String>> {
    let is_plugin = |e: &Expr| match e {
        Expr::Name(n) => n.id.as_str() == "plugin",
        Expr::Attribute(a) => a.attr.as_str() == "plugin",
        _ => false,
    };
    match &decorator.expression {
        e if is_plugin(e) => Some(None),
        Expr::Call(call) if is_plugin(&call.func) => {
            let named = call
                .arguments
                .args
                .first()
                .or_else(|| {
                    call.arguments
                        .keywords
                        .iter()
                        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "name"))
                        .map(|k| &k.value)
                })
                .and_then(|e| match e {
                    Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
                    _ => None,
                });
            Some(named)
        }
        _ => None,
    }
}

fn is_context(annotation: Option<&Expr>) -> bool {
    match annotation {
        Some(Expr::Name(n)) => n.id.as_str() == "Context",
        Some(Expr::Attribute(a)) => a.attr.as_str() == "Context",
        Some(Expr::StringLiteral(s)) => s.value.to_str() == "Context",
        _ => false,
    }
}

fn parameters(parameters: &py::Parameters) -> Vec<PythonParam> {
    let mut params = Vec::new();
    let normal = parameters.posonlyargs.iter().chain(&parameters.args);
    for p in normal {
        if !is_context(p.parameter.annotation.as_deref()) {
            params.push(PythonParam {
                name: p.parameter.name.to_string(),
                kind: ParamKind::Normal,
                has_default: p.default.is_some(),
            });
        }
    }
    if let Some(p) = &parameters.vararg {
        params.push(PythonParam {
            name: p.name.to_string(),
            kind: ParamKind::VarPositional,
            has_default: true,
        });
    }
    for p in &parameters.kwonlyargs {
        if !is_context(p.parameter.annotation.as_deref()) {
            params.push(PythonParam {
                name: p.parameter.name.to_string(),
                kind: ParamKind::KeywordOnly,
                has_default: p.default.is_some(),
            });
        }
    }
    if let Some(p) = &parameters.kwarg {
        params.push(PythonParam {
            name: p.name.to_string(),
            kind: ParamKind::VarKeyword,
            has_default: true,
        });
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_decorated_functions_and_their_parameters() {
        let text = r#"
from inmanta.plugins import plugin, Context
import inmanta.plugins

@plugin
def one(a: "string", b: "int" = 1, *rest: "any", c: "int", **kw: "any") -> "string":
    pass

@plugin("renamed")
def two(context: Context, x: "any"):
    pass

@inmanta.plugins.plugin(allow_unknown=True)
def three():
    pass

def helper(a):
    pass
"#;
        let plugins = read(text).unwrap();
        let names: Vec<&str> = plugins.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["one", "renamed", "three"]);
        assert_eq!(
            plugins[0].parameter_list(),
            ["a", "b", "*rest", "c", "**kw"]
        );
        assert!(!plugins[0].params[0].has_default && plugins[0].params[1].has_default);
        assert_eq!(plugins[0].params[3].kind, ParamKind::KeywordOnly);
        assert_eq!(plugins[1].parameter_list(), ["x"]);
        assert!(plugins.iter().all(|p| p.unannotated.is_none()));
    }

    #[test]
    fn finds_the_first_parameter_without_an_annotation() {
        let text = "@plugin\ndef a(x: \"any\", y, *z):\n    pass\n\n@plugin\ndef b(x, **kw: \"any\"):\n    pass\n";
        let plugins = read(text).unwrap();
        // `*args` comes first in the reference's order.
        assert_eq!(plugins[0].unannotated, Some(("z".to_string(), 2)));
        assert_eq!(plugins[1].unannotated, Some(("x".to_string(), 6)));
    }

    #[test]
    fn text_that_is_not_python_is_an_error() {
        assert!(read("def (:").is_err());
    }
}
