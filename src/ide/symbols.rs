//! Symbols: the outline of a file, and the definitions of a project found by name.

use crate::ast::{Item, StmtKind};
use crate::driver::Checked;
use crate::resolve::{Def, EntityId, ImplementationId, TypedefId};
use crate::source::{FileId, Span};

use super::module_of_file;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Module,
    Entity,
    Attribute,
    Relation,
    Typedef,
    Implementation,
    Variable,
}

/// A definition in an outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// What editors show beside it: a type, the entity an implementation is for.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole definition.
    pub span: Span,
    /// Its name.
    pub name_span: Span,
    pub children: Vec<Symbol>,
    pub def: Def,
}

/// The outline of a file: its entities (with their attributes and relations), typedefs,
/// implementations and top-level variables, in source order.
pub fn document_symbols(checked: &Checked, file: FileId) -> Vec<Symbol> {
    let model = &checked.model;
    let mut out = Vec::new();
    for (i, entity) in model.entities.iter().enumerate() {
        if entity.span.file != file {
            continue;
        }
        let id = EntityId(i as u32);
        let mut children: Vec<Symbol> = entity
            .attributes
            .iter()
            .enumerate()
            .map(|(index, a)| Symbol {
                name: a.name.clone(),
                detail: Some(a.type_text()),
                kind: SymbolKind::Attribute,
                span: a.span,
                name_span: a.name_span,
                children: Vec::new(),
                def: Def::Attribute {
                    entity: id,
                    index: index as u16,
                },
            })
            .collect();
        for (relation, end) in &entity.relation_ends {
            let end_def = &model.relations[relation.index()].ends[*end];
            let Some(name) = &end_def.name else { continue };
            children.push(Symbol {
                name: name.clone(),
                detail: Some(model.entity(end_def.target).full_name.clone()),
                kind: SymbolKind::Relation,
                span: model.relations[relation.index()].span,
                name_span: end_def.name_span,
                children: Vec::new(),
                def: Def::RelationEnd {
                    relation: *relation,
                    end: *end as u8,
                },
            });
        }
        out.push(Symbol {
            name: entity.name.clone(),
            detail: None,
            kind: SymbolKind::Entity,
            span: entity.span,
            name_span: entity.name_span,
            children,
            def: Def::Entity(id),
        });
    }
    for (i, typedef) in model.typedefs.iter().enumerate() {
        if typedef.span.file == file {
            out.push(leaf(
                &typedef.name,
                SymbolKind::Typedef,
                typedef.span,
                typedef.name_span,
                Def::Typedef(TypedefId(i as u32)),
            ));
        }
    }
    for (i, implementation) in model.implementations.iter().enumerate() {
        if implementation.span.file == file {
            let mut symbol = leaf(
                &implementation.name,
                SymbolKind::Implementation,
                implementation.span,
                implementation.name_span,
                Def::Implementation(ImplementationId(i as u32)),
            );
            symbol.detail = implementation
                .entity
                .map(|e| format!("for {}", model.entity(e).name));
            out.push(symbol);
        }
    }
    // Top-level variables, at their first assignment.
    if let Some(module) = module_of_file(model, file) {
        let ns = super::namespace_of_file(model, file);
        for item in &module.items {
            let Item::Statement(stmt) = item else {
                continue;
            };
            let StmtKind::Assign { target, .. } = &stmt.kind else {
                continue;
            };
            let crate::ast::ExprKind::Var { path } = &target.kind else {
                continue;
            };
            let Some(v) = ns.and_then(|ns| model.namespace(ns).variables.get(&path.to_text()))
            else {
                continue;
            };
            if model.variable(*v).span == path.span {
                out.push(leaf(
                    &path.to_text(),
                    SymbolKind::Variable,
                    stmt.span,
                    path.span,
                    Def::Variable(*v),
                ));
            }
        }
    }
    out.sort_by_key(|s| s.span.start);
    out
}

fn leaf(name: &str, kind: SymbolKind, span: Span, name_span: Span, def: Def) -> Symbol {
    Symbol {
        name: name.to_string(),
        detail: None,
        kind,
        span,
        name_span,
        children: Vec::new(),
        def,
    }
}

/// The definitions of every file of the project whose full name contains `query` (ignoring
/// case; every definition for an empty query), with the full name as the name. Built-in modules
/// are left out: their files are not on disk.
pub fn workspace_symbols(checked: &Checked, query: &str) -> Vec<Symbol> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for namespace in &checked.model.namespaces {
        if namespace.builtin {
            continue;
        }
        for mut symbol in document_symbols(checked, namespace.file) {
            let children = std::mem::take(&mut symbol.children);
            let prefix = namespace.name.clone();
            symbol.name = format!("{prefix}::{}", symbol.name);
            for mut child in children {
                child.name = format!("{}.{}", symbol.name, child.name);
                if child.name.to_lowercase().contains(&query) {
                    out.push(child);
                }
            }
            if symbol.name.to_lowercase().contains(&query) {
                out.push(symbol);
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
