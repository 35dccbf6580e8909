//! Calls of the plugins of modules' Python code, checked against the `@plugin` functions that
//! code defines (read by [`crate::plugin_signatures`], without running it): a plugin the module
//! does not define, and arguments its parameters do not take, are reported before evaluation,
//! as the reference reports them at the call. Modules whose Python files are not known (or do not
//! parse) are left to evaluation.

use std::collections::HashMap;

use super::names::each_expr;
use crate::ast::{Argument, AttributeDefault, Expr, ExprKind, Item};
use crate::builtin::plugins::ParamKind;
use crate::diagnostics::{suggest::did_you_mean, Diagnostic};
use crate::plugin_signatures::{self, PythonPlugin};
use crate::project::ModuleFiles;
use crate::resolve::error::{ArgumentProblem, ResolveError};
use crate::resolve::{walk_expr, Def, Model};

pub fn check(model: &Model, files: &dyn ModuleFiles) -> Vec<Diagnostic> {
    // The plugins of each imported module, by namespace; `None`: not known.
    let mut modules: HashMap<String, Option<HashMap<String, Vec<PythonPlugin>>>> = HashMap::new();
    let mut found = unannotated_parameters(model, files, &mut modules);
    for (_, module) in &model.modules {
        each_call(&module.items, &mut |call| {
            let ExprKind::Call {
                function,
                arguments,
            } = &call.kind
            else {
                return;
            };
            let Some(Def::ModulePlugin(id)) = model.resolution.def_at(function.span) else {
                return;
            };
            let (namespace, name) = model.resolution.module_plugin(id);
            let namespace = &model.namespace(namespace).name;
            let root = namespace.split("::").next().unwrap_or_default();
            let plugins = modules
                .entry(root.to_string())
                .or_insert_with(|| plugins_of(files, root));
            let Some(plugins) = plugins else {
                return;
            };
            let in_namespace = plugins
                .get(namespace.as_str())
                .map_or(&[][..], Vec::as_slice);
            match in_namespace.iter().find(|p| p.name == name) {
                Some(plugin) => {
                    let full = format!("{namespace}::{name}");
                    if let Some(problem) = argument_problem(plugin, arguments) {
                        found.push(
                            ResolveError::PluginArguments {
                                plugin: full,
                                problem,
                                parameters: plugin.parameter_list(),
                                span: call.span,
                            }
                            .into(),
                        );
                    }
                }
                None => {
                    let written = function.to_text();
                    let visible = written.rsplit_once("::").map_or("", |(ns, _)| ns);
                    let suggestion =
                        did_you_mean(name, in_namespace.iter().map(|p| p.name.as_str()));
                    found.push(
                        ResolveError::UnknownPlugin {
                            name: format!("{namespace}::{name}"),
                            namespace: namespace.clone(),
                            visible: visible.to_string(),
                            span: function.span,
                            suggestion: suggestion.map(str::to_string),
                        }
                        .into(),
                    );
                }
            }
        });
    }
    found
}

/// Plugins with a parameter that has no annotation, in every imported module, whether the model
/// calls them or not: the reference refuses to load such a module. Each is reported at the
/// module's first `import`, as the reference names no place. Each module's plugins, read on the
/// way, go to `modules` for the check of the calls (see [`plugins_of`]).
fn unannotated_parameters(
    model: &Model,
    files: &dyn ModuleFiles,
    modules: &mut HashMap<String, Option<HashMap<String, Vec<PythonPlugin>>>>,
) -> Vec<Diagnostic> {
    let mut first_import: Vec<(&str, crate::source::Span)> = Vec::new();
    for (_, module) in &model.modules {
        for item in &module.items {
            if let Item::Import(import) = item {
                let Some(root) = import.module.segments.first() else {
                    continue;
                };
                // The built-in modules' plugins are lsmc's own (and looking for their Python
                // code would search the Python environment).
                let built_in = crate::project::BUILT_IN.contains(&root.text.as_str());
                if !built_in && !first_import.iter().any(|(name, _)| *name == root.text) {
                    first_import.push((&root.text, import.span));
                }
            }
        }
    }
    let mut found = Vec::new();
    for (module, span) in first_import {
        let sources = files.plugin_sources(module);
        let mut by_namespace = sources.is_some().then(HashMap::<String, Vec<_>>::new);
        for source in sources.unwrap_or_default() {
            let Ok(plugins) = plugin_signatures::read(&source.text) else {
                by_namespace = None;
                continue;
            };
            for plugin in &plugins {
                if let Some((parameter, line)) = &plugin.unannotated {
                    found.push(
                        ResolveError::UnannotatedPluginParameter {
                            plugin: format!("{}::{}", source.namespace, plugin.name),
                            parameter: parameter.clone(),
                            file: source.name.clone(),
                            line: *line,
                            span,
                        }
                        .into(),
                    );
                }
            }
            if let Some(known) = &mut by_namespace {
                known.entry(source.namespace).or_default().extend(plugins);
            }
        }
        modules.insert(module.to_string(), by_namespace);
    }
    found
}

/// The plugins of a module by namespace; `None` when its Python files are not known or one of
/// them does not parse (then what it defines is not known either).
fn plugins_of(files: &dyn ModuleFiles, module: &str) -> Option<HashMap<String, Vec<PythonPlugin>>> {
    let mut by_namespace: HashMap<String, Vec<PythonPlugin>> = HashMap::new();
    for source in files.plugin_sources(module)? {
        let plugins = plugin_signatures::read(&source.text).ok()?;
        by_namespace
            .entry(source.namespace)
            .or_default()
            .extend(plugins);
    }
    Some(by_namespace)
}

/// The first problem of a call's arguments, in the order the reference checks them: too many
/// positional arguments, missing ones, then each keyword.
fn argument_problem(plugin: &PythonPlugin, arguments: &[Argument]) -> Option<ArgumentProblem> {
    let normal: Vec<_> = plugin
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Normal)
        .collect();
    let has = |kind| plugin.params.iter().any(|p| p.kind == kind);
    let positional = arguments
        .iter()
        .filter(|a| matches!(a, Argument::Positional { .. }))
        .count();
    if positional > normal.len() && !has(ParamKind::VarPositional) {
        return Some(ArgumentProblem::TooManyPositional {
            expected: normal.len(),
            given: positional,
        });
    }
    let keywords: Vec<&str> = arguments
        .iter()
        .filter_map(|a| match a {
            Argument::Keyword { name, .. } => Some(name.text.as_str()),
            _ => None,
        })
        .collect();
    let splat = arguments
        .iter()
        .any(|a| matches!(a, Argument::Kwargs { .. }));
    if !splat {
        let missing: Vec<String> = plugin
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly))
            .filter(|(i, p)| {
                let by_position = p.kind == ParamKind::Normal && *i < positional;
                !p.has_default && !by_position && !keywords.contains(&p.name.as_str())
            })
            .map(|(_, p)| p.name.clone())
            .collect();
        if !missing.is_empty() {
            return Some(ArgumentProblem::Missing(missing));
        }
    }
    for keyword in keywords {
        let param = plugin.params.iter().position(|p| {
            p.name == keyword && matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly)
        });
        match param {
            Some(i) if plugin.params[i].kind == ParamKind::Normal && i < positional => {
                return Some(ArgumentProblem::RepeatedKeyword(keyword.to_string()));
            }
            None if !has(ParamKind::VarKeyword) => {
                return Some(ArgumentProblem::UnexpectedKeyword(keyword.to_string()));
            }
            _ => {}
        }
    }
    None
}

/// Every call in a module's items: statements, implementation bodies, defaults, conditions,
/// relation annotations and typedef constraints.
fn each_call(items: &[Item], f: &mut dyn FnMut(&Expr)) {
    let mut expr = |e: &Expr| {
        walk_expr(e, &mut |inner| {
            if matches!(inner.kind, ExprKind::Call { .. }) {
                f(inner)
            }
        })
    };
    for item in items {
        match item {
            Item::Entity(entity) => {
                for attribute in &entity.attributes {
                    if let AttributeDefault::Value(value) = &attribute.default {
                        expr(value);
                    }
                }
            }
            Item::Implementation(implementation) => {
                implementation
                    .body
                    .iter()
                    .for_each(|s| each_expr(s, &mut expr));
            }
            Item::Implement(implement) => implement.when.iter().for_each(&mut expr),
            Item::Relation(relation) => relation.annotations.iter().for_each(&mut expr),
            Item::Typedef(typedef) => expr(&typedef.constraint),
            Item::Statement(stmt) => each_expr(stmt, &mut expr),
            Item::Index(_) | Item::Import(_) | Item::Error(_) => {}
        }
    }
}
