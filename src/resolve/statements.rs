//! Checks on the names used inside statements that can be made before evaluation: the entity of
//! every constructor and index lookup, the attributes a constructor sets, and calls of built-in
//! plugins and type casts. What each of these names, and each variable reference, is recorded in
//! the [`Resolution`].

use crate::ast::{Argument, Expr, ExprKind, Item, Name, Path, Stmt, StmtKind};
use crate::builtin::plugins::{self, ParamKind, PluginSignature};
use crate::diagnostics::suggest::did_you_mean;
use crate::resolve::error::{ArgumentProblem, ResolveError, Unresolved};
use crate::resolve::model::*;
use crate::resolve::names::{join, Scope};
use crate::resolve::resolution::member;
use crate::source::SourceMap;

/// The variable a statement assigns, when it assigns one (`x = ...`).
pub fn assigned_variable(stmt: &Stmt) -> Option<&Name> {
    match &stmt.kind {
        StmtKind::Assign { target, .. } => match &target.kind {
            ExprKind::Var { path } if path.segments.len() == 1 => Some(&path.segments[0]),
            _ => None,
        },
        _ => None,
    }
}

/// Registers the variables assigned at the top level of every namespace, before any statement is
/// checked: a reference `ns::x` may come before `x`'s module is read. Records what each of those
/// assignments names, so that the statement check need not look the name up again.
pub fn top_level_variables(model: &mut Model, resolution: &mut Resolution) {
    for ns in 0..model.namespaces.len() {
        let module = model.namespaces[ns].module;
        let (modules, namespaces, variables) =
            (&model.modules, &mut model.namespaces, &mut model.variables);
        let names = &mut namespaces[ns].variables;
        // Sized once: growing it rehashed every name again at each doubling.
        let assignments = modules[module].1.items.iter().filter(
            |item| matches!(item, Item::Statement(stmt) if assigned_variable(stmt).is_some()),
        );
        names.reserve(assignments.count());
        for (i, item) in modules[module].1.items.iter().enumerate() {
            let Item::Statement(stmt) = item else {
                continue;
            };
            let Some(name) = assigned_variable(stmt) else {
                continue;
            };
            // One lookup per assignment: the entry both finds a variable assigned before and
            // registers a new one.
            let id = *names.entry(name.text.clone()).or_insert_with(|| {
                let id = VariableId(variables.len() as u32);
                variables.push(VariableDef {
                    name: name.text.clone(),
                    namespace: NamespaceId(ns as u32),
                    span: name.span,
                    first_item: Some(i),
                });
                id
            });
            resolution.record(name.span, Def::Variable(id));
        }
    }
}

/// Checks the statements of every namespace and records their names; returns the local
/// variables, numbered after the model's.
pub fn check(
    model: &Model,
    sources: &SourceMap,
    errors: &mut Vec<ResolveError>,
    resolution: &mut Resolution,
) -> Vec<VariableDef> {
    let mut locals = Vec::new();
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
            resolution,
            frames: Vec::new(),
            locals: &mut locals,
        };
        for item in &model.modules[namespace.module].1.items {
            match item {
                Item::Statement(stmt) => checker.stmt(stmt),
                Item::Implement(i) => {
                    if let Some(when) = &i.when {
                        // A condition sees the attributes of the instance.
                        let instance = match checker.resolution.def_at(i.entity.span) {
                            Some(Def::Entity(e)) => Some(e),
                            _ => None,
                        };
                        checker.frames.push(Frame {
                            variables: Vec::new(),
                            instance,
                        });
                        checker.expr(when, false);
                        checker.frames.pop();
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
                checker.block(&implementation.body, None, implementation.entity);
            }
        }
    }
    locals
}

/// The variables of a block (and, in an implementation or a `when`, the instance's members) that
/// hide those of the blocks around it.
#[derive(Default)]
struct Frame {
    variables: Vec<(String, VariableId)>,
    instance: Option<EntityId>,
}

struct Checker<'a, 'm> {
    scope: Scope<'m>,
    sources: &'a SourceMap,
    /// Whether the statements checked are the module's own (not in a block or an implementation):
    /// a bare name there is a top-level variable of the namespace.
    top_level: bool,
    errors: &'a mut Vec<ResolveError>,
    resolution: &'a mut Resolution,
    /// The blocks around the statement checked, innermost last; the namespace's top level is
    /// below them all.
    frames: Vec<Frame>,
    /// Local variables, numbered after the model's top-level ones.
    locals: &'a mut Vec<VariableDef>,
}

impl Checker<'_, '_> {
    /// A local variable, defined at `name`.
    fn local(&mut self, name: &Name) -> (String, VariableId) {
        let id = VariableId((self.scope.model.variables.len() + self.locals.len()) as u32);
        self.locals.push(VariableDef {
            name: name.text.clone(),
            namespace: self.scope.namespace,
            span: name.span,
            first_item: None,
        });
        (name.text.clone(), id)
    }

    /// Checks a block in a frame of its own: its loop variable (of a `for`), the variables it
    /// assigns, and the members of `instance` (in an implementation).
    fn block(&mut self, body: &[Stmt], bound: Option<&Name>, instance: Option<EntityId>) {
        let mut frame = Frame {
            variables: Vec::new(),
            instance,
        };
        if let Some(name) = bound {
            let local = self.local(name);
            self.resolution.record(name.span, Def::Variable(local.1));
            frame.variables.push(local);
        }
        for name in body.iter().filter_map(assigned_variable) {
            if !frame.variables.iter().any(|(n, _)| *n == name.text) {
                let local = self.local(name);
                frame.variables.push(local);
            }
        }
        self.frames.push(frame);
        for s in body {
            self.stmt(s);
        }
        self.frames.pop();
    }

    /// What a bare name means where it is written: a variable of a block around it (innermost
    /// first), a member of the instance of an implementation, or a top-level variable.
    fn bare_name(&self, name: &str) -> Option<Def> {
        let model = self.scope.model;
        for frame in self.frames.iter().rev() {
            if let Some((_, v)) = frame.variables.iter().rev().find(|(n, _)| n == name) {
                return Some(Def::Variable(*v));
            }
            if let Some(entity) = frame.instance {
                if name == "self" {
                    return None;
                }
                if let Some(def) = member(model, entity, name) {
                    return Some(def);
                }
            }
        }
        model
            .namespace(self.scope.namespace)
            .variables
            .get(name)
            .map(|v| Def::Variable(*v))
    }

    fn record_bare_name(&mut self, name: &Name) {
        if let Some(def) = self.bare_name(&name.text) {
            self.resolution.record(name.span, def);
        }
    }

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
                // A variable assigned at the top level is recorded already (by
                // `top_level_variables`).
                let recorded = self.top_level
                    && self.frames.is_empty()
                    && matches!(stmt.kind, StmtKind::Assign { .. })
                    && assigned_variable(stmt).is_some();
                if !recorded {
                    self.expr(target, false);
                }
                // `a.rel = Sub(...)` may name Sub by its short name from another namespace: the
                // relation's type decides, which only evaluation knows.
                let inferable = matches!(target.kind, ExprKind::Attribute { .. });
                self.expr(value, inferable);
            }
            StmtKind::For {
                variable,
                iterable,
                body,
            } => {
                self.expr(iterable, false);
                let top_level = std::mem::replace(&mut self.top_level, false);
                self.block(body, Some(variable), None);
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
                    self.block(body, None, None);
                    self.top_level = top_level;
                }
                self.top_level = false;
                if let Some(body) = otherwise {
                    self.block(body, None, None);
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
                match self.scope.entity(class) {
                    Err(unresolved) if inferable && class.namespace.is_empty() => {
                        // Left to evaluation: constructor type inference. Its error is kept for
                        // the evaluation to raise if no relation gives the type.
                        if let Unresolved::Error(error) = unresolved {
                            self.resolution
                                .defer(class.span, crate::diagnostics::Diagnostic::from(*error));
                        }
                    }
                    Ok(entity) => {
                        self.resolution
                            .record_class(&self.scope, class, Some(entity));
                        self.constructor_arguments(entity, class.span, arguments);
                    }
                    Err(unresolved) => {
                        self.resolution.record_class(&self.scope, class, None);
                        self.unresolved(unresolved);
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
            ExprKind::IndexLookup { class, arguments } => match self.scope.entity(class) {
                Ok(entity) => {
                    self.resolution
                        .record_class(&self.scope, class, Some(entity));
                    for argument in arguments {
                        if let Argument::Keyword { name, .. } = argument {
                            let def = member(self.scope.model, entity, &name.text);
                            self.resolution
                                .record(name.span, def.unwrap_or(Def::Unresolved));
                        }
                    }
                }
                Err(unresolved) => {
                    self.resolution.record_class(&self.scope, class, None);
                    self.unresolved(unresolved);
                }
            },
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
            ExprKind::Var { path } => self.record_bare_name(&path.segments[0]),
            ExprKind::Interpolated { parts, .. } | ExprKind::FString { parts, .. } => {
                for part in parts {
                    // A part whose place in the string is not known exactly has the whole
                    // string's span: recording it would answer for every other part too.
                    match part.reference.first() {
                        Some(first) if first.span != expr.span => self.record_bare_name(first),
                        _ => {}
                    }
                }
            }
            ExprKind::Comprehension {
                value,
                loops,
                guards,
            } => {
                // The first iterable is read outside the comprehension; the rest see its
                // variables.
                if let Some((_, first)) = loops.first() {
                    self.expr(first, false);
                }
                let mut frame = Frame::default();
                for (name, _) in loops {
                    let local = self.local(name);
                    self.resolution.record(name.span, Def::Variable(local.1));
                    frame.variables.push(local);
                }
                self.frames.push(frame);
                self.expr(value, false);
                for (_, iterable) in loops.iter().skip(1) {
                    self.expr(iterable, false);
                }
                for guard in guards {
                    self.expr(guard, false);
                }
                self.frames.pop();
                return;
            }
            _ => {}
        }
        for_each_child(expr, &mut |child| self.expr(child, false));
    }

    /// `ns::name`: Inmanta looks the namespace up when it normalizes the reference, so one that is
    /// not visible is an error even where the reference is never evaluated.
    fn namespace_of(&mut self, path: &Path, expr: &Expr) {
        let ns_name = join(&path.segments[..path.segments.len() - 1]);
        if let Some(target) = self.scope.visible(&ns_name) {
            let variable = self
                .scope
                .model
                .namespace(target)
                .variables
                .get(&path.last().text);
            if let Some(v) = variable {
                self.resolution
                    .record_path(&self.scope, path, Def::Variable(*v));
            }
            return;
        }
        self.resolution.record(path.span, Def::Unresolved);
        if self.scope.failed(&ns_name) {
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
            let def = member(model, entity, &name.text);
            self.resolution
                .record(name.span, def.unwrap_or(Def::Unresolved));
            let known = def.is_some()
                || model.ancestors(entity).iter().any(|e| {
                    let e = model.entity(*e);
                    // A definition that did not parse may have lost the attribute: reported once.
                    e.unresolved_parent
                        || e.unresolved_relations.contains(&name.text)
                        || model
                            .namespace(e.namespace)
                            .broken_definitions
                            .contains(&e.name)
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

    /// Checks a call and records what it calls.
    fn call(&mut self, function: &Path, arguments: &[Argument], call: &Expr) {
        let def = self.callee(function, arguments, call);
        self.resolution.record_path(&self.scope, function, def);
    }

    fn callee(&mut self, function: &Path, arguments: &[Argument], call: &Expr) -> Def {
        let model = self.scope.model;
        let (ns_segments, name) = function.segments.split_at(function.segments.len() - 1);
        let name = name[0].text.as_str();
        if ns_segments.is_empty() {
            match name {
                "string" | "int" | "float" | "bool" | "number" => {
                    self.cast(name, arguments, call);
                    return Primitive::from_name(name).map_or(Def::Unresolved, Def::Primitive);
                }
                "list" | "dict" => {
                    self.error(ResolveError::NotCallable {
                        name: name.to_string(),
                        span: function.span,
                    });
                    return Def::Unresolved;
                }
                _ => {}
            }
            // A bare plugin name is looked for in this namespace and its parents; only built-in
            // namespaces are known to have no other plugins than their table.
            let namespace = model.namespace(self.scope.namespace);
            if namespace.name == "__config__" || namespace.builtin {
                let root = namespace.name.split("::").next().unwrap_or("");
                let found =
                    plugins::find(&namespace.name, name).or_else(|| plugins::find(root, name));
                match found {
                    Some(id) => {
                        self.plugin_arguments(id.signature(), arguments, call);
                        return Def::Plugin(id);
                    }
                    None => self.error(ResolveError::UnknownBarePlugin {
                        name: name.to_string(),
                        namespace: namespace.name.clone(),
                        span: function.span,
                        in_std: plugins::signature("std", name).is_some(),
                    }),
                }
                return Def::Unresolved;
            }
            return self.resolution.module_plugin_id(self.scope.namespace, name);
        }
        let ns_name = join(ns_segments);
        let Some(target) = self.scope.visible(&ns_name) else {
            if self.scope.failed(&ns_name) {
                return Def::Unresolved; // the import is reported
            }
            let error = self.scope.missing_import_error(
                &function.to_text(),
                &ns_name,
                function.span,
                false,
            );
            self.error(error);
            return Def::Unresolved;
        };
        let target_ns = model.namespace(target);
        if !target_ns.builtin {
            // Plugins of other modules are Python: their signatures are not known here.
            return self.resolution.module_plugin_id(target, name);
        }
        match plugins::find(&target_ns.name, name) {
            Some(id) => {
                self.plugin_arguments(id.signature(), arguments, call);
                Def::Plugin(id)
            }
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
                Def::Unresolved
            }
        }
    }

    fn cast(&mut self, name: &str, arguments: &[Argument], call: &Expr) {
        let positional = Argument::positional(arguments);
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
                Scope {
                    model,
                    namespace: ns,
                }
                .visible_path(segments)?
            };
            let variable = *model.namespace(target).variables.get(&name[0].text)?;
            let value = model.top_level_value(variable)?;
            return static_repr(model, target, value, true, depth + 1);
        }
        _ => return None,
    })
}
