//! Editor features over a checked project: what a name at a place means, where it is defined and
//! used, its hover text, completions, symbols, renames and fixes.
//!
//! Everything here is pure: it takes a [`Checked`] project (from [`crate::driver::check`]) and a
//! place (a file and a byte offset) and returns data with spans. The editor server reads files,
//! overlays open buffers, converts positions and speaks the protocol. Names come from the
//! resolution side table ([`crate::resolve::Resolution`]); what it does not hold (the member
//! named after a `.`, a definition's own name) is found here from the syntax trees.

pub mod complete;
pub mod fix;
pub mod hover;
pub mod navigate;
pub mod symbols;

use crate::ast::{self, Expr, ExprKind, Item, Stmt, StmtKind};
use crate::driver::Checked;
use crate::resolve::resolution::member;
use crate::resolve::{Def, EntityId, Model};
use crate::source::{FileId, SourceFile, Span};

/// The byte offset of a 0-based line and UTF-16 column, clamped to the file: a place past the
/// end of a line is its end, a line past the end of the file is the end of the file.
pub fn offset_of(file: &SourceFile, line: u32, utf16_column: u32) -> u32 {
    let start = file.line_start(line as usize);
    if start >= file.text.len() {
        return file.text.len() as u32;
    }
    let rest = &file.text[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let mut units = 0;
    for (i, c) in line_text.char_indices() {
        if units >= utf16_column {
            return (start + i) as u32;
        }
        units += c.len_utf16() as u32;
    }
    (start + line_text.len()) as u32
}

/// Where the run of characters at the end of `text` starts: after the last character that
/// `stops` it (a byte offset on a character boundary, whatever the width of that character).
pub(crate) fn start_of_run(text: &str, stops: impl Fn(char) -> bool) -> usize {
    text.char_indices()
        .rev()
        .find(|(_, c)| stops(*c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The text of a span.
pub fn text_of(checked: &Checked, span: Span) -> &str {
    let file = checked.sources.get(span.file);
    file.text.get(span.range()).unwrap_or("")
}

/// The namespace whose file is `file`.
pub fn namespace_of_file(model: &Model, file: FileId) -> Option<crate::resolve::NamespaceId> {
    model
        .namespaces
        .iter()
        .position(|n| n.file == file)
        .map(|i| crate::resolve::NamespaceId(i as u32))
}

/// The syntax tree of a file.
pub fn module_of_file(model: &Model, file: FileId) -> Option<&ast::Module> {
    model
        .modules
        .iter()
        .map(|(_, m)| m)
        .find(|m| m.file == file)
}

/// The definition a name at `offset` refers to, and the span of that name: a use the resolution
/// recorded, a member after a `.` whose object's entity is known, or a definition's own name.
pub fn def_at(checked: &Checked, file: FileId, offset: u32) -> Option<(Span, Def)> {
    let model = &checked.model;
    if let Some((span, def)) = model.resolution.at(file, offset) {
        if def != Def::Unresolved {
            return Some((span, def));
        }
    }
    if let Some(found) = member_access_at(model, file, offset) {
        return Some(found);
    }
    definition_named_at(model, file, offset)
}

fn contains(span: Span, file: FileId, offset: u32) -> bool {
    span.file == file && span.start <= offset && offset <= span.end && !span.is_empty()
}

/// A definition whose own name is at `offset`.
fn definition_named_at(model: &Model, file: FileId, offset: u32) -> Option<(Span, Def)> {
    for (i, e) in model.entities.iter().enumerate() {
        let id = EntityId(i as u32);
        if contains(e.name_span, file, offset) {
            return Some((e.name_span, Def::Entity(id)));
        }
        if e.span.file != file {
            continue;
        }
        for (index, a) in e.attributes.iter().enumerate() {
            if contains(a.name_span, file, offset) {
                let def = Def::Attribute {
                    entity: id,
                    index: index as u16,
                };
                return Some((a.name_span, def));
            }
        }
    }
    for (i, t) in model.typedefs.iter().enumerate() {
        if contains(t.name_span, file, offset) {
            let def = Def::Typedef(crate::resolve::TypedefId(i as u32));
            return Some((t.name_span, def));
        }
    }
    for (i, r) in model.relations.iter().enumerate() {
        for (end, e) in r.ends.iter().enumerate() {
            if e.name.is_some() && contains(e.name_span, file, offset) {
                let def = Def::RelationEnd {
                    relation: crate::resolve::RelationId(i as u32),
                    end: end as u8,
                };
                return Some((e.name_span, def));
            }
        }
    }
    for (i, imp) in model.implementations.iter().enumerate() {
        if contains(imp.name_span, file, offset) {
            let def = Def::Implementation(crate::resolve::ImplementationId(i as u32));
            return Some((imp.name_span, def));
        }
    }
    for (i, v) in model.variables.iter().enumerate() {
        if contains(v.span, file, offset) {
            return Some((v.span, Def::Variable(crate::resolve::VariableId(i as u32))));
        }
    }
    None
}

/// `object.name` with the cursor on `name`, when the entity of `object` is known.
fn member_access_at(model: &Model, file: FileId, offset: u32) -> Option<(Span, Def)> {
    let module = module_of_file(model, file)?;
    let mut found = None;
    each_expr(module, &mut |expr, context| {
        if found.is_some() {
            return;
        }
        let (object, name) = match &expr.kind {
            ExprKind::Attribute { object, name } => (object, name),
            ExprKind::ShortIndexLookup {
                object, relation, ..
            } => (object, relation),
            _ => return,
        };
        if !contains(name.span, file, offset) {
            return;
        }
        if let Some(entity) = entity_of(model, context, object) {
            if let Some(def) = member(model, entity, &name.text) {
                found = Some((name.span, def));
            }
        }
    });
    found
}

/// Where an expression is: the implementation around it (whose `self` it may name).
#[derive(Clone, Copy)]
pub struct ExprContext<'m> {
    pub module: &'m ast::Module,
    pub implementation_entity: Option<EntityId>,
}

/// Calls `f` on every expression of a module, with its context.
pub fn each_expr<'m>(module: &'m ast::Module, f: &mut dyn FnMut(&'m Expr, ExprContext<'m>)) {
    fn stmts<'m>(
        body: &'m [Stmt],
        context: ExprContext<'m>,
        f: &mut dyn FnMut(&'m Expr, ExprContext<'m>),
    ) {
        for s in body {
            stmt(s, context, f);
        }
    }
    fn expr<'m>(
        e: &'m Expr,
        context: ExprContext<'m>,
        f: &mut dyn FnMut(&'m Expr, ExprContext<'m>),
    ) {
        walk_expr_ref(e, &mut |inner| f(inner, context));
    }
    fn stmt<'m>(
        s: &'m Stmt,
        context: ExprContext<'m>,
        f: &mut dyn FnMut(&'m Expr, ExprContext<'m>),
    ) {
        match &s.kind {
            StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
                expr(target, context, f);
                expr(value, context, f);
            }
            StmtKind::For { iterable, body, .. } => {
                expr(iterable, context, f);
                stmts(body, context, f);
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (condition, body) in branches {
                    expr(condition, context, f);
                    stmts(body, context, f);
                }
                if let Some(body) = otherwise {
                    stmts(body, context, f);
                }
            }
            StmtKind::Expr { expr: e } => expr(e, context, f),
            StmtKind::Error => {}
        }
    }
    let top = ExprContext {
        module,
        implementation_entity: None,
    };
    for item in &module.items {
        match item {
            Item::Statement(s) => stmt(s, top, f),
            Item::Implementation(_) => {}
            Item::Implement(i) => {
                if let Some(when) = &i.when {
                    expr(when, top, f);
                }
            }
            Item::Entity(e) => {
                for a in &e.attributes {
                    if let ast::AttributeDefault::Value(v) = &a.default {
                        expr(v, top, f);
                    }
                }
            }
            Item::Relation(r) => {
                for a in &r.annotations {
                    expr(a, top, f);
                }
            }
            Item::Typedef(t) => expr(&t.constraint, top, f),
            Item::Index(_) | Item::Import(_) | Item::Error(_) => {}
        }
    }
    // Implementations need the model to know their entity: done by `each_expr_in_model`.
}

/// Calls `f` on every expression of a file, implementations included.
pub fn each_expr_in_file<'m>(
    model: &'m Model,
    file: FileId,
    f: &mut dyn FnMut(&'m Expr, ExprContext<'m>),
) {
    let Some(module) = module_of_file(model, file) else {
        return;
    };
    each_expr(module, f);
    for implementation in &model.implementations {
        if implementation.span.file != file {
            continue;
        }
        let context = ExprContext {
            module,
            implementation_entity: implementation.entity,
        };
        for s in &implementation.body {
            each_stmt_expr(s, context, f);
        }
    }
}

fn each_stmt_expr<'m>(
    s: &'m Stmt,
    context: ExprContext<'m>,
    f: &mut dyn FnMut(&'m Expr, ExprContext<'m>),
) {
    let mut visit = |e: &'m Expr| walk_expr_ref(e, &mut |inner| f(inner, context));
    match &s.kind {
        StmtKind::Assign { target, value } | StmtKind::Extend { target, value } => {
            visit(target);
            visit(value);
        }
        StmtKind::For { iterable, body, .. } => {
            visit(iterable);
            for s in body {
                each_stmt_expr(s, context, f);
            }
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (condition, body) in branches {
                walk_expr_ref(condition, &mut |inner| f(inner, context));
                for s in body {
                    each_stmt_expr(s, context, f);
                }
            }
            for s in otherwise.iter().flatten() {
                each_stmt_expr(s, context, f);
            }
        }
        StmtKind::Expr { expr } => visit(expr),
        StmtKind::Error => {}
    }
}

/// [`crate::resolve::walk_expr`] with the lifetime of the tree.
fn walk_expr_ref<'m>(expr: &'m Expr, f: &mut dyn FnMut(&'m Expr)) {
    f(expr);
    let mut children: Vec<&'m Expr> = Vec::new();
    collect_children(expr, &mut children);
    for child in children {
        walk_expr_ref(child, f);
    }
}

fn collect_children<'m>(expr: &'m Expr, out: &mut Vec<&'m Expr>) {
    let arguments = |arguments: &'m [ast::Argument], out: &mut Vec<&'m Expr>| {
        for a in arguments {
            match a {
                ast::Argument::Positional { value }
                | ast::Argument::Keyword { value, .. }
                | ast::Argument::Kwargs { value } => out.push(value),
            }
        }
    };
    match &expr.kind {
        ExprKind::Attribute { object, .. } => out.push(object),
        ExprKind::Call { arguments: a, .. }
        | ExprKind::Construct { arguments: a, .. }
        | ExprKind::IndexLookup { arguments: a, .. } => arguments(a, out),
        ExprKind::ShortIndexLookup {
            object,
            arguments: a,
            ..
        } => {
            out.push(object);
            arguments(a, out);
        }
        ExprKind::MapLookup { map, key } => {
            out.push(map);
            out.push(key);
        }
        ExprKind::List { items } => out.extend(items),
        ExprKind::Dict { entries } => out.extend(entries.iter().map(|(_, v)| v)),
        ExprKind::Comprehension {
            value,
            loops,
            guards,
        } => {
            out.push(value);
            out.extend(loops.iter().map(|(_, e)| e));
            out.extend(guards);
        }
        ExprKind::Binary { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        ExprKind::Not { operand } => out.push(operand),
        ExprKind::IsDefined { target } => out.push(target),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            out.push(condition);
            out.push(then);
            out.push(otherwise);
        }
        _ => {}
    }
}

/// The entity of the instance an expression stands for, when it can be told without
/// evaluating: a constructor, `self` in an implementation, a variable assigned one of these
/// (or looping over a relation), a relation followed from one of these.
pub fn entity_of(model: &Model, context: ExprContext, expr: &Expr) -> Option<EntityId> {
    entity_of_depth(model, context, expr, 0)
}

fn entity_of_depth(
    model: &Model,
    context: ExprContext,
    expr: &Expr,
    depth: usize,
) -> Option<EntityId> {
    if depth > 16 {
        return None;
    }
    match &expr.kind {
        ExprKind::Construct { class, .. } | ExprKind::IndexLookup { class, .. } => {
            match model.resolution.def_at(class.span)? {
                Def::Entity(e) => Some(e),
                _ => None,
            }
        }
        ExprKind::Var { path } if path.segments.len() == 1 && path.segments[0].text == "self" => {
            context.implementation_entity
        }
        ExprKind::Var { path } => match model.resolution.def_at(path.span)? {
            Def::Variable(v) => variable_entity(model, context, v, depth + 1),
            def @ (Def::RelationEnd { .. } | Def::Attribute { .. }) => relation_target(model, def),
            _ => None,
        },
        ExprKind::Attribute { object, name }
        | ExprKind::ShortIndexLookup {
            object,
            relation: name,
            ..
        } => {
            let owner = entity_of_depth(model, context, object, depth + 1)?;
            relation_target(model, member(model, owner, &name.text)?)
        }
        _ => None,
    }
}

fn relation_target(model: &Model, def: Def) -> Option<EntityId> {
    match def {
        Def::RelationEnd { relation, end } => {
            Some(model.relations[relation.index()].ends[end as usize].target)
        }
        _ => None,
    }
}

/// The entity of what a variable holds: the value of its assignment, or the element of what a
/// `for` loops over.
pub fn variable_entity(
    model: &Model,
    context: ExprContext,
    variable: crate::resolve::VariableId,
    depth: usize,
) -> Option<EntityId> {
    let span = model.variable(variable).span;
    let module = module_of_file(model, span.file)?;
    let mut found = None;
    let mut visit = |s: &Stmt, context: ExprContext| match &s.kind {
        StmtKind::Assign { target, value } => {
            if let ExprKind::Var { path } = &target.kind {
                if path.span == span {
                    found = Some(entity_of_depth(model, context, value, depth + 1));
                }
            }
        }
        StmtKind::For {
            variable, iterable, ..
        } if variable.span == span => {
            found = Some(entity_of_depth(model, context, iterable, depth + 1));
        }
        _ => {}
    };
    let top = ExprContext {
        module,
        implementation_entity: None,
    };
    for item in &module.items {
        if let Item::Statement(s) = item {
            each_stmt(s, &mut |s| visit(s, top));
        }
    }
    for implementation in &model.implementations {
        if implementation.span.file != span.file {
            continue;
        }
        let inner = ExprContext {
            module,
            implementation_entity: implementation.entity,
        };
        for s in &implementation.body {
            each_stmt(s, &mut |s| visit(s, inner));
        }
    }
    let _ = context;
    found.flatten()
}

/// Calls `f` on a statement and every statement nested in it.
pub fn each_stmt<'m>(s: &'m Stmt, f: &mut dyn FnMut(&'m Stmt)) {
    f(s);
    match &s.kind {
        StmtKind::For { body, .. } => body.iter().for_each(|s| each_stmt(s, f)),
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (_, body) in branches {
                body.iter().for_each(|s| each_stmt(s, f));
            }
            otherwise.iter().flatten().for_each(|s| each_stmt(s, f));
        }
        _ => {}
    }
}

/// Every `object.name` access (and `object.name[...]` lookup) in the project whose object's
/// entity is known, with the member it names.
pub fn member_accesses(model: &Model) -> Vec<(Span, Def)> {
    let mut out = Vec::new();
    for (_, module) in &model.modules {
        each_expr_in_file(model, module.file, &mut |expr, context| {
            let (object, name) = match &expr.kind {
                ExprKind::Attribute { object, name } => (object, name),
                ExprKind::ShortIndexLookup {
                    object, relation, ..
                } => (object, relation),
                _ => return,
            };
            if let Some(entity) = entity_of(model, context, object) {
                if let Some(def) = member(model, entity, &name.text) {
                    out.push((name.span, def));
                }
            }
        });
    }
    out
}

/// The short name a definition is written with (for renames).
pub fn name_of(model: &Model, def: Def) -> Option<String> {
    Some(match def {
        Def::Namespace(ns) => model.namespace(ns).name.clone(),
        Def::Entity(e) => model.entity(e).name.clone(),
        Def::Typedef(t) => model.typedef(t).name.clone(),
        Def::Primitive(p) => p.name().to_string(),
        Def::Implementation(i) => model.implementations[i.index()].name.clone(),
        Def::Plugin(p) => p.signature().name.to_string(),
        Def::ModulePlugin(p) => model.resolution.module_plugin(p).1.to_string(),
        Def::Attribute { entity, index } => {
            model.entity(entity).attributes[index as usize].name.clone()
        }
        Def::RelationEnd { relation, end } => model.relations[relation.index()].ends[end as usize]
            .name
            .clone()?,
        Def::Variable(v) => model.variable(v).name.clone(),
        Def::Unresolved => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_offsets_clamped_to_the_file() {
        let file = SourceFile::new("m.cf", "a = 1\nb = \"é😀x\"\n");
        assert_eq!(offset_of(&file, 0, 0), 0);
        assert_eq!(offset_of(&file, 1, 0), 6);
        // `x` is after `é` (one UTF-16 unit) and `😀` (two).
        let x = file.text.find('x').unwrap() as u32;
        assert_eq!(offset_of(&file, 1, 8), x);
        // Past the end of a line: its end; past the last line: the end of the file.
        assert_eq!(offset_of(&file, 0, 99), 5);
        assert_eq!(offset_of(&file, 99, 0), file.text.len() as u32);
    }

    #[test]
    fn a_run_starts_after_a_wide_character() {
        let stops = |c: char| !c.is_alphanumeric();
        assert_eq!(start_of_run("x = “host", stops), "x = “".len());
        assert_eq!(start_of_run("host", stops), 0);
        assert_eq!(start_of_run("a 😀", stops), "a 😀".len());
    }
}
