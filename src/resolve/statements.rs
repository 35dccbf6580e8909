//! Checks on the names used inside statements that can be made before evaluation: the entity of
//! every constructor and index lookup, the attributes a constructor sets, and calls of built-in
//! plugins and type casts.

use crate::ast::{Argument, Expr, ExprKind, Item, Path, Stmt, StmtKind};
use crate::builtin::plugins::{self, ParamKind, PluginSignature};
use crate::diagnostics::suggest::did_you_mean;
use crate::resolve::error::{ArgumentProblem, ResolveError, Unresolved};
use crate::resolve::model::*;
use crate::resolve::names::Scope;
use crate::source::SourceMap;

pub fn check(model: &Model, sources: &SourceMap, errors: &mut Vec<ResolveError>) {
    for (ns_index, namespace) in model.namespaces.iter().enumerate() {
        let ns = NamespaceId(ns_index as u32);
        let mut checker = Checker {
            scope: Scope {
                model,
                namespace: ns,
            },
            sources,
            top_level: true,
            errors,
        };
        for item in &model.modules[namespace.module].1.items {
            match item {
                Item::Statement(stmt) => checker.stmt(stmt),
                Item::Implement(i) => {
                    if let Some(when) = &i.when {
                        checker.expr(when, false);
                    }
                }
                Item::Relation(r) => {
                    for a in &r.annotations {
                        checker.expr(a, false);
                    }
                }
                Item::Typedef(t) => checker.expr(&t.constraint, false),
                Item::Entity(e) => {
                    for a in &e.attributes {
                        if let crate::ast::AttributeDefault::Value(v) = &a.default {
                            checker.expr(v, false);
                        }
                    }
                }
                _ => {}
            }
        }
        checker.top_level = false;
        for implementation in &model.implementations {
            if implementation.namespace == ns {
                for stmt in &implementation.body {
                    checker.stmt(stmt);
                }
            }
        }
    }
}

struct Checker<'a, 'm> {
    scope: Scope<'m>,
    sources: &'a SourceMap,
    /// Whether the statements checked are the module's own (not in a block or an implementation):
    /// a bare name there is a top-level variable of the namespace.
    top_level: bool,
    errors: &'a mut Vec<ResolveError>,
}

impl Checker<'_, '_> {
    fn error(&mut self, error: ResolveError) {
        self.errors.push(error);
    }

    /// Records the error of a lookup; a poisoned one is a consequence of an error reported
    /// already.
    fn unresolved(&mut self, unresolved: Unresolved) {
        if let Unresolved::Error(error) = unresolved {
            self.errors.push(*error);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
                self.expr(target, false);
                // `a.rel = Sub(...)` may name Sub by its short name from another namespace: the
                // relation's type decides, which only evaluation knows.
                let inferable = matches!(target.kind, ExprKind::Attribute { .. });
                self.expr(value, inferable);
            }
            StmtKind::For { iterable, body, .. } => {
                self.expr(iterable, false);
                let top_level = std::mem::replace(&mut self.top_level, false);
                for s in body {
                    self.stmt(s);
                }
                self.top_level = top_level;
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let top_level = self.top_level;
                for (condition, body) in branches {
                    self.expr(condition, false);
                    self.top_level = false;
                    for s in body {
                        self.stmt(s);
                    }
                    self.top_level = top_level;
                }
                self.top_level = false;
                for s in otherwise.iter().flatten() {
                    self.stmt(s);
                }
                self.top_level = top_level;
            }
            StmtKind::Expr { expr } => self.expr(expr, false),
            StmtKind::Error => {}
        }
    }

    /// `inferable`: a constructor here may take its type from a relation (see `stmt`).
    fn expr(&mut self, expr: &Expr, inferable: bool) {
        match &expr.kind {
            ExprKind::Construct { class, arguments } => {
                let unresolved_short_name =
                    class.namespace.is_empty() && self.scope.entity(class).is_err();
                if inferable && unresolved_short_name {
                    // Left to evaluation: constructor type inference.
                } else {
                    match self.scope.entity(class) {
                        Ok(entity) => self.constructor_arguments(entity, class.span, arguments),
                        Err(unresolved) => self.unresolved(unresolved),
                    }
                }
                for a in arguments {
                    match a {
                        Argument::Keyword { value, .. } => self.expr(value, true),
                        Argument::Kwargs { value } | Argument::Positional { value } => {
                            self.expr(value, false)
                        }
                    }
                }
                return;
            }
            ExprKind::IndexLookup { class, .. } => {
                if let Err(unresolved) = self.scope.entity(class) {
                    self.unresolved(unresolved);
                }
            }
            ExprKind::Call {
                function,
                arguments,
            } => self.call(function, arguments, expr),
            ExprKind::List { items } => {
                for item in items {
                    self.expr(item, inferable);
                }
                return;
            }
            ExprKind::Var { path } if path.segments.len() > 1 => self.namespace_of(path, expr),
            _ => {}
        }
        for_each_child(expr, &mut |child| self.expr(child, false));
    }

    /// `ns::name`: Inmanta looks the namespace up when it normalizes the reference, so one that is
    /// not visible is an error even where the reference is never evaluated.
    fn namespace_of(&mut self, path: &Path, expr: &Expr) {
        let ns_name = path.segments[..path.segments.len() - 1]
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("::");
        if self.scope.visible(&ns_name).is_some() || self.scope.failed(&ns_name) {
            return;
        }
        self.error(ResolveError::NamespaceNotFound {
            unloaded: self.scope.unloaded_root(&ns_name),
            namespace: ns_name,
            span: expr.span,
        });
    }

    fn constructor_arguments(
        &mut self,
        entity: EntityId,
        class_span: crate::source::Span,
        arguments: &[Argument],
    ) {
        let model = self.scope.model;
        for argument in arguments {
            let Argument::Keyword { name, .. } = argument else {
                continue;
            };
            let known = model.attribute(entity, &name.text).is_some()
                || model.relation_end(entity, &name.text).is_some()
                || model.ancestors(entity).iter().any(|e| {
                    let e = model.entity(*e);
                    e.unresolved_parent || e.unresolved_relations.contains(&name.text)
                });
            if known {
                continue;
            }
            let candidates: Vec<String> = model
                .all_attributes(entity)
                .iter()
                .map(|a| a.name.clone())
                .chain(
                    model
                        .all_relation_ends(entity)
                        .iter()
                        .filter_map(|e| e.name.clone()),
                )
                .collect();
            let suggestion =
                did_you_mean(&name.text, candidates.iter().map(String::as_str)).map(str::to_string);
            self.error(ResolveError::UnknownConstructorAttribute {
                name: name.text.clone(),
                entity: model.entity(entity).full_name.clone(),
                class_span,
                name_span: name.span,
                suggestion,
            });
        }
    }

    fn call(&mut self, function: &Path, arguments: &[Argument], call: &Expr) {
        let model = self.scope.model;
        let segments: Vec<&str> = function.segments.iter().map(|s| s.text.as_str()).collect();
        let (ns_segments, name) = segments.split_at(segments.len() - 1);
        let name = name[0];
        if ns_segments.is_empty() {
            match name {
                "string" | "int" | "float" | "bool" | "number" => {
                    return self.cast(name, arguments, call)
                }
                "list" | "dict" => {
                    self.error(ResolveError::NotCallable {
                        name: name.to_string(),
                        span: function.span,
                    });
                    return;
                }
                _ => {}
            }
            // A bare plugin name is looked for in this namespace and its parents; only built-in
            // namespaces are known to have no other plugins than their table.
            let namespace = model.namespace(self.scope.namespace);
            if namespace.name == "__config__" || namespace.builtin {
                let root = namespace.name.split("::").next().unwrap_or("");
                let found = plugins::signature(&namespace.name, name)
                    .or_else(|| plugins::signature(root, name));
                match found {
                    Some(sig) => self.plugin_arguments(sig, arguments, call),
                    None => self.error(ResolveError::UnknownBarePlugin {
                        name: name.to_string(),
                        namespace: namespace.name.clone(),
                        span: function.span,
                        in_std: plugins::signature("std", name).is_some(),
                    }),
                }
            }
            return;
        }
        let ns_name = ns_segments.join("::");
        let Some(target) = self.scope.visible(&ns_name) else {
            if self.scope.failed(&ns_name) {
                return; // the import is reported
            }
            let error = self.scope.missing_import_error(
                &function.to_text(),
                &ns_name,
                function.span,
                false,
            );
            self.error(error);
            return;
        };
        let target_ns = model.namespace(target);
        if !target_ns.builtin {
            return; // plugins of other modules are Python: their signatures are not known here
        }
        match plugins::signature(&target_ns.name, name) {
            Some(sig) => self.plugin_arguments(sig, arguments, call),
            None => {
                let known: Vec<&str> = plugins::PLUGINS
                    .iter()
                    .filter(|p| p.namespace == target_ns.name)
                    .map(|p| p.name)
                    .collect();
                self.error(ResolveError::UnknownPlugin {
                    name: name.to_string(),
                    namespace: target_ns.name.clone(),
                    suggestion: did_you_mean(name, known).map(str::to_string),
                    visible: ns_name,
                    span: function.span,
                });
            }
        }
    }

    fn cast(&mut self, name: &str, arguments: &[Argument], call: &Expr) {
        let positional: Vec<&Expr> = arguments
            .iter()
            .filter_map(|a| match a {
                Argument::Positional { value } => Some(value),
                _ => None,
            })
            .collect();
        let values = if positional.len() != arguments.len() {
            None
        } else if positional.len() != 1 {
            // Inmanta shows the values of the arguments, as Python's `repr`.
            Some(positional.iter().map(|e| self.value_text(e)).collect())
        } else {
            return;
        };
        self.error(ResolveError::CastArguments {
            cast: name.to_string(),
            values,
            span: call.span,
        });
    }

    /// The value of an argument as Python's `repr` shows it, when it is known before evaluation;
    /// otherwise the expression as written.
    fn value_text(&self, expr: &Expr) -> String {
        static_repr(
            self.scope.model,
            self.scope.namespace,
            expr,
            self.top_level,
            0,
        )
        .unwrap_or_else(|| {
            let file = self.sources.get(expr.span.file);
            file.text
                .get(expr.span.start as usize..expr.span.end as usize)
                .unwrap_or("?")
                .to_string()
        })
    }

    /// Binds the arguments of a call to the plugin's parameters as Python would.
    fn plugin_arguments(&mut self, sig: &PluginSignature, arguments: &[Argument], call: &Expr) {
        let has_kwargs_splat = arguments
            .iter()
            .any(|a| matches!(a, Argument::Kwargs { .. }));
        let normal: Vec<_> = sig
            .params
            .iter()
            .filter(|p| p.kind == ParamKind::Normal)
            .collect();
        let var_positional = sig
            .params
            .iter()
            .any(|p| p.kind == ParamKind::VarPositional);
        let var_keyword = sig.params.iter().any(|p| p.kind == ParamKind::VarKeyword);
        let positional = arguments
            .iter()
            .filter(|a| matches!(a, Argument::Positional { .. }))
            .count();
        let mut problems = Vec::new();
        if positional > normal.len() && !var_positional {
            problems.push(ArgumentProblem::TooManyPositional {
                expected: normal.len(),
                given: positional,
            });
        }
        let mut given: Vec<&str> = normal.iter().take(positional).map(|p| p.name).collect();
        for a in arguments {
            let Argument::Keyword { name, .. } = a else {
                continue;
            };
            if given.contains(&name.text.as_str()) {
                problems.push(ArgumentProblem::RepeatedKeyword(name.text.clone()));
                continue;
            }
            let known = sig.params.iter().any(|p| {
                p.name == name.text && matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly)
            });
            if !known && !var_keyword {
                problems.push(ArgumentProblem::UnexpectedKeyword(name.text.clone()));
            }
            given.push(&name.text);
        }
        if !has_kwargs_splat {
            let missing: Vec<String> = sig
                .params
                .iter()
                .filter(|p| matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly))
                .filter(|p| !p.has_default && !given.contains(&p.name))
                .map(|p| p.name.to_string())
                .collect();
            if !missing.is_empty() {
                problems.push(ArgumentProblem::Missing(missing));
            }
        }
        for problem in problems {
            let parameters = sig
                .params
                .iter()
                .map(|p| match p.kind {
                    ParamKind::VarPositional => "*args".to_string(),
                    ParamKind::VarKeyword => "**kwargs".to_string(),
                    _ => p.name.to_string(),
                })
                .collect();
            self.error(ResolveError::PluginArguments {
                plugin: format!("{}::{}", sig.namespace, sig.name),
                problem,
                parameters,
                span: call.span,
            });
        }
    }
}

/// Calls `f` on each direct sub-expression.
pub fn for_each_child(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &expr.kind {
        ExprKind::Attribute { object, .. } => f(object),
        ExprKind::Call { arguments, .. }
        | ExprKind::Construct { arguments, .. }
        | ExprKind::IndexLookup { arguments, .. } => {
            for a in arguments {
                match a {
                    Argument::Positional { value }
                    | Argument::Keyword { value, .. }
                    | Argument::Kwargs { value } => f(value),
                }
            }
        }
        ExprKind::ShortIndexLookup {
            object, arguments, ..
        } => {
            f(object);
            for a in arguments {
                match a {
                    Argument::Positional { value }
                    | Argument::Keyword { value, .. }
                    | Argument::Kwargs { value } => f(value),
                }
            }
        }
        ExprKind::MapLookup { map, key } => {
            f(map);
            f(key);
        }
        ExprKind::List { items } => items.iter().for_each(f),
        ExprKind::Dict { entries } => entries.iter().for_each(|(_, v)| f(v)),
        ExprKind::Comprehension {
            value,
            loops,
            guards,
        } => {
            f(value);
            loops.iter().for_each(|(_, e)| f(e));
            guards.iter().for_each(f);
        }
        ExprKind::Binary { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Not { operand } => f(operand),
        ExprKind::IsDefined { target } => f(target),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            f(condition);
            f(then);
            f(otherwise);
        }
        ExprKind::Int { .. }
        | ExprKind::Float { .. }
        | ExprKind::Bool { .. }
        | ExprKind::Null
        | ExprKind::Str { .. }
        | ExprKind::Interpolated { .. }
        | ExprKind::FString { .. }
        | ExprKind::Regex { .. }
        | ExprKind::Var { .. }
        | ExprKind::Error => {}
    }
}

/// Calls `f` on an expression and every expression inside it.
pub fn walk_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    for_each_child(expr, &mut |child| walk_expr(child, f));
}

/// The Python `repr` of a value known without evaluation: a literal, a list or dict of them, or a
/// top-level variable assigned one (`top_level`: a bare name is looked up in the namespace).
fn static_repr(
    model: &Model,
    ns: NamespaceId,
    expr: &Expr,
    top_level: bool,
    depth: usize,
) -> Option<String> {
    use crate::python::{float_repr, string_repr};
    if depth > 16 {
        return None;
    }
    Some(match &expr.kind {
        ExprKind::Int { value } => value.to_string(),
        ExprKind::Float { value } => float_repr(*value),
        ExprKind::Bool { value } => if *value { "True" } else { "False" }.to_string(),
        ExprKind::Null => "null".to_string(),
        ExprKind::Str { value } => string_repr(value),
        ExprKind::List { items } => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|i| static_repr(model, ns, i, top_level, depth + 1))
                .collect();
            format!("[{}]", items?.join(", "))
        }
        ExprKind::Dict { entries } => {
            let entries: Option<Vec<String>> = entries
                .iter()
                .map(|(k, v)| {
                    static_repr(model, ns, v, top_level, depth + 1)
                        .map(|v| format!("{}: {v}", string_repr(k)))
                })
                .collect();
            format!("{{{}}}", entries?.join(", "))
        }
        ExprKind::Var { path } => {
            let (segments, name) = path.segments.split_at(path.segments.len() - 1);
            let target = if segments.is_empty() {
                if !top_level {
                    return None;
                }
                ns
            } else {
                let ns_name = segments
                    .iter()
                    .map(|s| s.text.as_str())
                    .collect::<Vec<_>>()
                    .join("::");
                *model.namespace(ns).imports.get(&ns_name)?
            };
            let module = &model.modules[model.namespace(target).module].1;
            let value = module.items.iter().find_map(|item| match item {
                Item::Statement(stmt) => match &stmt.kind {
                    StmtKind::Assign { target, value } => match &target.kind {
                        ExprKind::Var { path }
                            if path.segments.len() == 1
                                && path.segments[0].text == name[0].text =>
                        {
                            Some(value)
                        }
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            })?;
            return static_repr(model, target, value, true, depth + 1);
        }
        _ => return None,
    })
}
