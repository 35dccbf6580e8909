//! Name resolution: namespaces, imports, types, entities with inheritance, attributes, relations,
//! typedefs, indexes, implementations and `implement` statements, as Inmanta's "define types" and
//! "normalize" phases do them. The result is a [`Model`] that the later stages read.
//!
//! Invariants: never stops at a user error (a name that does not resolve becomes
//! `ValueType::Unknown` or is left out, with its diagnostic); the inheritance graph of the returned
//! model has no cycle (a cycle is reported and cut); every unknown-name diagnostic carries a
//! suggestion from [`crate::diagnostics::suggest`] when one is close enough.

pub mod error;
pub mod model;
pub(crate) mod names;
pub mod resolution;
mod statements;

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};

use crate::ast::{self, Item};
use crate::diagnostics::Diagnostic;
use crate::project::{MissingModule, Project};
use crate::source::Span;
pub use error::{ArgumentProblem, ResolveError, Unresolved};
pub use model::*;
use names::Scope;
pub use statements::{for_each_child as for_each_child_expr, walk_expr};

/// Resolves a loaded project. The project's modules move into the model.
pub fn resolve(project: Project) -> (Model, crate::source::SourceMap, Vec<Diagnostic>) {
    let Project {
        sources,
        modules,
        missing,
        unreadable: _,
    } = project;
    let mut r = Resolver {
        model: Model::default(),
        errors: Vec::new(),
        resolution: Resolution::default(),
    };
    r.model.modules = modules.into_iter().map(|m| (m.name, m.ast)).collect();
    r.namespaces(&sources);
    r.imports(&missing);
    r.import_cycles();
    r.register_types();
    r.entity_parents();
    r.inheritance_cycles();
    r.attributes();
    r.typedefs();
    r.typedef_cycles();
    r.relations();
    r.indexes();
    r.implementations();
    statements::top_level_variables(&mut r.model, &mut r.resolution);
    // The statement checks look up what the passes above recorded (an implement's entity).
    r.resolution.settle();
    let locals = statements::check(&r.model, &sources, &mut r.errors, &mut r.resolution);
    r.model.variables.extend(locals);
    r.resolution.settle();
    r.model.resolution = std::mem::take(&mut r.resolution);
    r.model.find_well_known();
    let diagnostics = r.errors.into_iter().map(Diagnostic::from).collect();
    (r.model, sources, diagnostics)
}

struct Resolver {
    model: Model,
    errors: Vec<ResolveError>,
    /// Filled as names are looked up; moved into the model at the end.
    resolution: Resolution,
}

impl Resolver {
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

    /// Calls `f` on every item of every namespace, namespace by namespace in load order.
    fn each_item(&mut self, mut f: impl FnMut(&mut Self, NamespaceId, &Item)) {
        // The items are lent out of the model so that `f` may change the model.
        let modules = std::mem::take(&mut self.model.modules);
        for ns in 0..self.model.namespaces.len() {
            let module = self.model.namespaces[ns].module;
            for item in &modules[module].1.items {
                f(self, NamespaceId(ns as u32), item);
            }
        }
        self.model.modules = modules;
    }

    fn items(&self, module: usize) -> &[Item] {
        &self.model.modules[module].1.items
    }

    /// One namespace per module, plus `std::Entity`.
    fn namespaces(&mut self, sources: &crate::source::SourceMap) {
        for (i, (name, ast)) in self.model.modules.iter().enumerate() {
            let id = NamespaceId(self.model.namespaces.len() as u32);
            self.model.namespaces.push(Namespace {
                name: name.clone(),
                file: ast.file,
                path: sources.get(ast.file).name.clone(),
                module: i,
                parent: None,
                imports: HashMap::new(),
                failed_imports: HashSet::new(),
                broken_definitions: ast.broken_definitions.iter().cloned().collect(),
                types: FxHashMap::default(),
                implementations: FxHashMap::default(),
                variables: FxHashMap::default(),
                builtin: crate::builtin::file(name).is_some(),
            });
            self.model.namespace_by_name.insert(name.clone(), id);
        }
        for i in 0..self.model.namespaces.len() {
            let name = self.model.namespaces[i].name.clone();
            if let Some((parent, _)) = name.rsplit_once("::") {
                self.model.namespaces[i].parent = self.model.namespace_by_name.get(parent).copied();
            }
        }
        if let Some(&std) = self.model.namespace_by_name.get("std") {
            let id = EntityId(self.model.entities.len() as u32);
            let span = Span::new(self.model.namespace(std).file, 0, 0);
            self.model.entities.push(EntityDef {
                name: "Entity".into(),
                namespace: std,
                full_name: "std::Entity".into(),
                parents: Vec::new(),
                attributes: Vec::new(),
                relation_ends: Vec::new(),
                doc: Some("The base of every entity.".into()),
                span,
                name_span: span,
                indexes: Vec::new(),
                implements: Vec::new(),
                unresolved_relations: Vec::new(),
                unresolved_parent: false,
            });
            self.model.namespaces[std.index()]
                .types
                .insert("Entity".into(), TypeDef::Entity(id));
            self.model.root_entity = Some(id);
            // `requires` and `provides`: the one relation pair of std::Entity.
            let rid = RelationId(0);
            let end = |name: &str| RelationEndDef {
                owner: id,
                name: Some(name.into()),
                target: id,
                lower: 0,
                upper: None,
                span,
                name_span: span,
            };
            self.model.relations.push(RelationDef {
                ends: [end("requires"), end("provides")],
                annotations: Vec::new(),
                namespace: std,
                doc: None,
                span,
            });
            self.model.entities[id.index()].relation_ends = vec![(rid, 0), (rid, 1)];
        }
    }

    /// The names under which each namespace sees others: its imports, itself, and `std`.
    ///
    /// An import whose module (or one of its parent modules) was not found is reported once, naming
    /// the module as imported; its visible name is marked failed, so that the names used through it
    /// report nothing more.
    fn imports(&mut self, missing: &[MissingModule]) {
        let missing: HashSet<&str> = missing.iter().map(|m| m.name.as_str()).collect();
        for ns in 0..self.model.namespaces.len() {
            let module = self.model.namespaces[ns].module;
            let own = self.model.namespaces[ns].name.clone();
            let mut imports: HashMap<String, NamespaceId> = HashMap::new();
            let mut failed: HashSet<String> = HashSet::new();
            let mut first_at: HashMap<String, Span> = HashMap::new();
            imports.insert(own.clone(), NamespaceId(ns as u32));
            if let Some(&std) = self.model.namespace_by_name.get("std") {
                imports.insert("std".into(), std);
            }
            let mut duplicates = Vec::new();
            let mut not_loaded = Vec::new();
            let mut imported = Vec::new();
            for item in self.items(module) {
                let Item::Import(import) = item else { continue };
                let target = import.module.to_text();
                imported.push((
                    import.module.span,
                    self.model
                        .namespace_by_name
                        .get(&target)
                        .map_or(Def::Unresolved, |ns| Def::Namespace(*ns)),
                ));
                let visible = import
                    .alias
                    .as_ref()
                    .map_or(target.clone(), |a| a.text.clone());
                // `a::b::c` needs `a`, `a::b` and `a::b::c`: the first of them that is missing.
                let first_missing = (1..=import.module.segments.len())
                    .map(|n| {
                        import.module.segments[..n]
                            .iter()
                            .map(|s| s.text.as_str())
                            .collect::<Vec<_>>()
                            .join("::")
                    })
                    .find(|prefix| missing.contains(prefix.as_str()));
                if let Some(prefix) = first_missing {
                    not_loaded.push((target.clone(), prefix, import.module.span));
                }
                if let Some(first) = first_at.get(&visible) {
                    duplicates.push((visible.clone(), import.span, *first));
                    continue;
                }
                first_at.insert(visible.clone(), import.span);
                match self.model.namespace_by_name.get(&target) {
                    Some(&id) => {
                        imports.insert(visible, id);
                    }
                    None => {
                        failed.insert(visible);
                    }
                }
            }
            for (target, missing, span) in not_loaded {
                self.error(ResolveError::ModuleNotFound {
                    target,
                    missing,
                    span,
                });
            }
            for (name, span, first) in duplicates {
                self.error(ResolveError::DuplicateImportName { name, span, first });
            }
            for (span, def) in imported {
                self.resolution.record(span, def);
            }
            self.model.namespaces[ns].imports = imports;
            self.model.namespaces[ns].failed_imports = failed;
        }
    }

    /// Modules that import each other in a circle: allowed by the language (namespaces are
    /// resolved lazily), but a sign of tangled modules, so a warning on the import that closes it.
    fn import_cycles(&mut self) {
        let count = self.model.namespaces.len();
        let mut graph = DiGraph::<usize, ()>::with_capacity(count, count);
        let nodes: Vec<_> = (0..count).map(|i| graph.add_node(i)).collect();
        let mut edges: Vec<(usize, usize, Span)> = Vec::new();
        for (from, namespace) in self.model.namespaces.iter().enumerate() {
            for item in &self.model.modules[namespace.module].1.items {
                let Item::Import(import) = item else { continue };
                if let Some(to) = self.model.namespace_by_name.get(&import.module.to_text()) {
                    graph.add_edge(nodes[from], nodes[to.index()], ());
                    edges.push((from, to.index(), import.span));
                }
            }
        }
        for component in tarjan_scc(&graph) {
            let members: Vec<usize> = component.iter().map(|n| graph[*n]).collect();
            let self_import = members.len() == 1
                && edges
                    .iter()
                    .any(|(f, t, _)| *f == members[0] && *t == members[0]);
            if members.len() < 2 && !self_import {
                continue;
            }
            let mut names: Vec<String> = members
                .iter()
                .map(|m| self.model.namespaces[*m].name.clone())
                .collect();
            names.sort();
            // The import inside the cycle that comes last in load order closes it.
            let Some(&(_, _, span)) = edges
                .iter()
                .filter(|(f, t, _)| members.contains(f) && members.contains(t))
                .max_by_key(|(f, _, s)| (*f, s.start))
            else {
                continue;
            };
            self.error(ResolveError::ImportCycle {
                modules: names,
                span,
            });
        }
    }

    /// Registers entities, typedefs and implementations by name in their namespace.
    fn register_types(&mut self) {
        // Where each name was first defined: `None` for `std::Entity`, which the compiler defines.
        let mut types_first: HashMap<(NamespaceId, String), Option<Span>> = HashMap::new();
        if let Some(&std) = self.model.namespace_by_name.get("std") {
            types_first.insert((std, "Entity".into()), None);
        }
        let mut implementations_first: HashMap<(NamespaceId, String), Span> = HashMap::new();
        self.each_item(|r, nsid, item| {
            let ns_name = &r.model.namespace(nsid).name;
            match item {
                Item::Entity(_) | Item::Typedef(_) => {
                    let (name, kind) = match item {
                        Item::Entity(e) => (&e.name, "Entity"),
                        Item::Typedef(t) => (&t.name, "TypeConstraint"),
                        _ => unreachable!(),
                    };
                    let key = (nsid, name.text.clone());
                    if let Some(first) = types_first.get(&key) {
                        let error = ResolveError::DuplicateDefinition {
                            kind,
                            namespace: ns_name.clone(),
                            name: name.text.clone(),
                            span: name.span,
                            first: *first,
                        };
                        r.error(error);
                        return;
                    }
                    types_first.insert(key, Some(name.span));
                    r.register_type(nsid, item);
                }
                Item::Implementation(i) => {
                    let key = (nsid, i.name.text.clone());
                    if let Some(first) = implementations_first.get(&key) {
                        let error = ResolveError::DuplicateImplementation {
                            namespace: ns_name.clone(),
                            name: i.name.text.clone(),
                            entity: i.entity.to_text(),
                            span: i.name.span,
                            first: *first,
                        };
                        r.error(error);
                        return;
                    }
                    implementations_first.insert(key, i.name.span);
                    let id = ImplementationId(r.model.implementations.len() as u32);
                    r.model.implementations.push(ImplementationDef {
                        name: i.name.text.clone(),
                        name_span: i.name.span,
                        namespace: nsid,
                        entity: None,
                        body: i.body.clone(),
                        span: i.span,
                    });
                    r.model.namespaces[nsid.index()]
                        .implementations
                        .insert(i.name.text.clone(), id);
                }
                _ => {}
            }
        });
    }

    /// Adds the entity or typedef that `item` defines to the model and its namespace.
    fn register_type(&mut self, nsid: NamespaceId, item: &Item) {
        let ns_name = &self.model.namespace(nsid).name;
        match item {
            Item::Entity(e) => {
                let id = EntityId(self.model.entities.len() as u32);
                let full_name = format!("{ns_name}::{}", e.name.text);
                self.model.entities.push(EntityDef {
                    name: e.name.text.clone(),
                    namespace: nsid,
                    full_name,
                    parents: Vec::new(),
                    attributes: Vec::new(),
                    relation_ends: Vec::new(),
                    doc: e.doc.as_ref().map(|d| d.text.clone()),
                    span: e.span,
                    name_span: e.name.span,
                    indexes: Vec::new(),
                    implements: Vec::new(),
                    unresolved_relations: Vec::new(),
                    unresolved_parent: false,
                });
                self.model.namespaces[nsid.index()]
                    .types
                    .insert(e.name.text.clone(), TypeDef::Entity(id));
            }
            Item::Typedef(t) => {
                let id = TypedefId(self.model.typedefs.len() as u32);
                let full_name = format!("{ns_name}::{}", t.name.text);
                self.model.typedefs.push(TypedefDef {
                    name: t.name.text.clone(),
                    namespace: nsid,
                    full_name,
                    base: ValueType::Unknown,
                    constraint: t.constraint.clone(),
                    doc: t.doc.as_ref().map(|d| d.text.clone()),
                    span: t.span,
                    name_span: t.name.span,
                });
                self.model.namespaces[nsid.index()]
                    .types
                    .insert(t.name.text.clone(), TypeDef::Typedef(id));
            }
            _ => {}
        }
    }

    fn scope(&self, ns: NamespaceId) -> Scope<'_> {
        Scope {
            model: &self.model,
            namespace: ns,
        }
    }

    /// Records what an entity reference written in `ns` names.
    fn note_class(&mut self, ns: NamespaceId, class: &ast::ClassRef, found: Option<EntityId>) {
        let scope = Scope {
            model: &self.model,
            namespace: ns,
        };
        self.resolution.record_class(&scope, class, found);
    }

    /// Records what a (possibly qualified) name written in `ns` names.
    fn note_path(&mut self, ns: NamespaceId, path: &ast::Path, def: Def) {
        let scope = Scope {
            model: &self.model,
            namespace: ns,
        };
        self.resolution.record_path(&scope, path, def);
    }

    /// The entity defined by an `entity` item of a namespace.
    fn entity_of(&self, ns: NamespaceId, name: &ast::Name) -> Option<EntityId> {
        match self.model.namespace(ns).types.get(&name.text) {
            Some(TypeDef::Entity(e)) if self.model.entity(*e).name_span == name.span => Some(*e),
            _ => None,
        }
    }

    fn entity_parents(&mut self) {
        self.each_item(Self::parents_of);
    }

    fn parents_of(&mut self, nsid: NamespaceId, item: &Item) {
        let root = self.model.root_entity;
        let Item::Entity(e) = item else { return };
        let Some(id) = self.entity_of(nsid, &e.name) else {
            return;
        };
        let mut parents = Vec::new();
        for parent in &e.parents {
            let resolved = self.scope(nsid).entity(parent);
            self.note_class(nsid, parent, resolved.as_ref().ok().copied());
            match resolved {
                Ok(p) => {
                    if parents.contains(&p) {
                        self.error(ResolveError::ParentTwice {
                            parent: parent.to_text(),
                            span: parent.span,
                        });
                    } else {
                        parents.push(p);
                    }
                }
                Err(unresolved) => {
                    self.model.entities[id.index()].unresolved_parent = true;
                    self.unresolved(unresolved);
                }
            }
        }
        if parents.is_empty() && Some(id) != root {
            parents.extend(root);
        }
        self.model.entities[id.index()].parents = parents;
    }

    /// Reports inheritance cycles and cuts them, so that the graph is a DAG afterwards.
    ///
    /// As Inmanta's `sort_entities`: a depth-first walk over the entities in definition order,
    /// parents in the order written; an entity whose parent is on the walk's stack is blamed, and
    /// the message lists the stack from that entity back to the parent. The edge is cut and the walk
    /// goes on, so that every cycle is reported once.
    fn inheritance_cycles(&mut self) {
        let count = self.model.entities.len();
        let mut done = vec![false; count];
        let mut on_stack = vec![false; count];
        for start in 0..count {
            if !done[start] {
                let mut stack = Vec::new();
                self.walk_parents(EntityId(start as u32), &mut done, &mut on_stack, &mut stack);
            }
        }
    }

    fn walk_parents(
        &mut self,
        id: EntityId,
        done: &mut [bool],
        on_stack: &mut [bool],
        stack: &mut Vec<EntityId>,
    ) {
        done[id.index()] = true;
        on_stack[id.index()] = true;
        stack.push(id);
        let parents = self.model.entity(id).parents.clone();
        for parent in parents {
            if on_stack[parent.index()] {
                self.report_cycle(id, parent, stack);
            } else if !done[parent.index()] {
                self.walk_parents(parent, done, on_stack, stack);
            }
        }
        stack.pop();
        on_stack[id.index()] = false;
    }

    /// `entity` extends `parent`, which is on the walk's stack: report and cut that edge.
    fn report_cycle(&mut self, entity: EntityId, parent: EntityId, stack: &[EntityId]) {
        let from = stack
            .iter()
            .rposition(|e| *e == parent)
            .expect("the parent is on the stack");
        // The blamed entity first, then back along the walk to the parent.
        let path: Vec<EntityId> = stack[from..].iter().rev().copied().collect();
        let names: Vec<String> = path
            .iter()
            .map(|e| self.model.entity(*e).full_name.clone())
            .collect();
        self.error(ResolveError::InheritanceCycle {
            cycle: names,
            span: self.model.entity(entity).name_span,
            parent: (entity != parent).then(|| self.model.entity(parent).name.clone()),
            others: path[1..]
                .iter()
                .map(|other| self.model.entity(*other).name_span)
                .collect(),
        });
        let root = self.model.root_entity;
        let blamed = &mut self.model.entities[entity.index()];
        blamed.parents.retain(|p| *p != parent);
        if blamed.parents.is_empty() && Some(entity) != root {
            blamed.parents.extend(root);
        }
    }

    fn attributes(&mut self) {
        self.each_item(Self::attributes_of);
        // A redefinition of an inherited attribute must keep its type exactly.
        for id in 0..self.model.entities.len() {
            let id = EntityId(id as u32);
            // Only an entity with attributes of its own can redefine one: the others' ancestors
            // are not listed (every entity's, in a long chain, made this quadratic).
            if self.model.entity(id).attributes.is_empty() {
                continue;
            }
            let ancestors = self.model.ancestors(id);
            for attribute in self.model.entity(id).attributes.clone() {
                for ancestor in ancestors.iter().skip(1) {
                    let Some(inherited) = self
                        .model
                        .entity(*ancestor)
                        .attributes
                        .iter()
                        .find(|a| a.name == attribute.name)
                    else {
                        continue;
                    };
                    let same = inherited.base == attribute.base
                        && inherited.list == attribute.list
                        && inherited.nullable == attribute.nullable;
                    if !same {
                        self.error(ResolveError::IncompatibleAttribute {
                            entity: self.model.entity(id).full_name.clone(),
                            ancestor: self.model.entity(*ancestor).full_name.clone(),
                            attribute: attribute.name.clone(),
                            written: attribute.type_text(),
                            inherited: inherited.type_text(),
                            span: attribute.span,
                            inherited_span: inherited.span,
                        });
                    }
                    break;
                }
            }
        }
    }

    fn attributes_of(&mut self, nsid: NamespaceId, item: &Item) {
        let Item::Entity(e) = item else { return };
        let Some(id) = self.entity_of(nsid, &e.name) else {
            return;
        };
        let mut attributes: Vec<AttributeDef> = Vec::new();
        for a in &e.attributes {
            if let Some(first) = attributes.iter().find(|x| x.name == a.name.text) {
                // Inmanta blames the attribute that is already there.
                let first = first.name_span;
                self.error(ResolveError::DuplicateAttribute {
                    name: a.name.text.clone(),
                    entity: e.name.text.clone(),
                    first,
                    again: a.name.span,
                });
                continue;
            }
            let base = self.value_type(nsid, &a.ty.base);
            attributes.push(AttributeDef {
                name: a.name.text.clone(),
                base,
                base_text: a.ty.base.to_text(),
                list: a.ty.list,
                nullable: a.ty.nullable,
                default: match &a.default {
                    ast::AttributeDefault::None => Default::None,
                    ast::AttributeDefault::Value(v) => Default::Value(v.clone()),
                    ast::AttributeDefault::Undef => Default::Undef,
                },
                span: a.span,
                name_span: a.name.span,
                entity: id,
            });
        }
        self.model.entities[id.index()].attributes = attributes;
    }

    /// Resolves the base type of an attribute or typedef.
    fn value_type(&mut self, ns: NamespaceId, path: &ast::Path) -> ValueType {
        let found = self.scope(ns).value_type(path);
        let def = match &found {
            Ok((ValueType::Primitive(p), _)) => Def::Primitive(*p),
            Ok((ValueType::Typedef(t), _)) => Def::Typedef(*t),
            _ => Def::Unresolved,
        };
        self.note_path(ns, path, def);
        match found {
            Ok((t, warning)) => {
                if let Some(w) = warning {
                    self.error(w);
                }
                t
            }
            Err(unresolved) => {
                self.unresolved(unresolved);
                ValueType::Unknown
            }
        }
    }

    fn typedefs(&mut self) {
        self.each_item(Self::typedef_base);
    }

    fn typedef_base(&mut self, nsid: NamespaceId, item: &Item) {
        let Item::Typedef(t) = item else { return };
        let Some(TypeDef::Typedef(id)) =
            self.model.namespace(nsid).types.get(&t.name.text).copied()
        else {
            return;
        };
        if self.model.typedef(id).name_span != t.name.span {
            return;
        }
        let base = self.value_type(nsid, &t.base);
        self.model.typedefs[id.index()].base = base;
        let references_self = matches!(t.constraint.kind, ast::ExprKind::Regex { .. })
            || mentions_variable(&t.constraint, "self")
            || mentions_variable(&t.constraint, &t.name.text);
        let constructor_form = matches!(t.constraint.kind, ast::ExprKind::Construct { .. });
        if !references_self && !constructor_form {
            self.error(ResolveError::TypedefWithoutSelf {
                span: t.constraint.span,
            });
        }
    }

    /// A typedef based on itself, directly or through others, would make every check of a value
    /// recurse without end: each cycle is reported once and cut at the typedef that closes it.
    /// A typedef has one base, so a walk is a chain and needs no stack.
    fn typedef_cycles(&mut self) {
        const UNSEEN: u8 = 0;
        const ON_WALK: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![UNSEEN; self.model.typedefs.len()];
        for first in 0..self.model.typedefs.len() {
            let mut walk = Vec::new();
            let mut current = Some(TypedefId(first as u32));
            while let Some(id) = current {
                match state[id.index()] {
                    DONE => break,
                    ON_WALK => {
                        let from = walk.iter().position(|t| *t == id).unwrap_or(0);
                        self.report_typedef_cycle(&walk[from..]);
                        break;
                    }
                    _ => {}
                }
                state[id.index()] = ON_WALK;
                walk.push(id);
                current = match self.model.typedef(id).base {
                    ValueType::Typedef(next) => Some(next),
                    _ => None,
                };
            }
            for id in walk {
                state[id.index()] = DONE;
            }
        }
    }

    /// `cycle` in base order: the last one's base is the first. The last one is blamed and its
    /// base cut.
    fn report_typedef_cycle(&mut self, cycle: &[TypedefId]) {
        let Some(&blamed) = cycle.last() else { return };
        let mut names: Vec<String> = cycle
            .iter()
            .map(|t| self.model.typedef(*t).full_name.clone())
            .collect();
        names.push(names[0].clone());
        self.error(ResolveError::TypedefCycle {
            name: self.model.typedef(blamed).name.clone(),
            base: self.model.typedef(cycle[0]).name.clone(),
            cycle: names,
            span: self.model.typedef(blamed).span,
            others: cycle[..cycle.len() - 1]
                .iter()
                .map(|t| self.model.typedef(*t).name_span)
                .collect(),
        });
        self.model.typedefs[blamed.index()].base = ValueType::Unknown;
    }

    fn relations(&mut self) {
        self.each_item(Self::relation);
        self.inherited_relation_clashes();
    }

    fn relation(&mut self, nsid: NamespaceId, item: &Item) {
        let Item::Relation(rel) = item else { return };
        let left = self.scope(nsid).entity(&rel.left.entity);
        let right = self.scope(nsid).entity(&rel.right.entity);
        self.note_class(nsid, &rel.left.entity, left.as_ref().ok().copied());
        self.note_class(nsid, &rel.right.entity, right.as_ref().ok().copied());
        let (left, right) = match (left, right) {
            (Ok(l), Ok(r)) => (l, r),
            (l, r) => {
                // The end that did resolve still has its relation name.
                for (own, end) in [(&l, &rel.left), (&r, &rel.right)] {
                    if let (Ok(owner), Some(name)) = (own, &end.name) {
                        self.model.entities[owner.index()]
                            .unresolved_relations
                            .push(name.text.clone());
                    }
                }
                if let Err(unresolved) = l {
                    self.unresolved(unresolved);
                }
                if let Err(unresolved) = r {
                    self.unresolved(unresolved);
                }
                return;
            }
        };
        let multiplicity =
            |end: &ast::RelationEnd| end.multiplicity.map_or((0, None), |m| (m.lower, m.upper));
        let (ll, lu) = multiplicity(&rel.left);
        let (rl, ru) = multiplicity(&rel.right);
        // `A.x [1] -- B.y [0:]`: A gets `x` (to B, arity [1]), B gets `y` (to A, [0:]).
        let ends = [
            RelationEndDef {
                owner: left,
                name: rel.left.name.as_ref().map(|n| n.text.clone()),
                target: right,
                lower: ll,
                upper: lu,
                span: rel.left.span,
                name_span: rel.left.name.as_ref().map_or(rel.left.span, |n| n.span),
            },
            RelationEndDef {
                owner: right,
                name: rel.right.name.as_ref().map(|n| n.text.clone()),
                target: left,
                lower: rl,
                upper: ru,
                span: rel.right.span,
                name_span: rel.right.name.as_ref().map_or(rel.right.span, |n| n.span),
            },
        ];
        let id = RelationId(self.model.relations.len() as u32);
        self.model.relations.push(RelationDef {
            ends: ends.clone(),
            annotations: rel.annotations.clone(),
            namespace: nsid,
            doc: rel.doc.as_ref().map(|d| d.text.clone()),
            span: rel.span,
        });
        for (i, end) in ends.iter().enumerate() {
            let Some(name) = &end.name else { continue };
            if i == 0 && end.owner == ends[1].owner && ends[1].name.as_ref() == Some(name) {
                // A symmetric relation is one end: Inmanta keeps the right one (its name's place,
                // its arity).
                continue;
            }
            if let Some(existing) = self.own_member(end.owner, name) {
                // Inmanta blames the attribute or relation that is already there.
                self.error(ResolveError::RelationNameClash {
                    name: name.clone(),
                    entity: self.model.entity(end.owner).name.clone(),
                    existing,
                    span: end.name_span,
                });
                continue;
            }
            self.model.entities[end.owner.index()]
                .relation_ends
                .push((id, i));
        }
    }

    /// An attribute or relation named `name` defined on `entity` itself: the span of its name.
    fn own_member(&self, entity: EntityId, name: &str) -> Option<Span> {
        let e = self.model.entity(entity);
        if let Some(a) = e.attributes.iter().find(|a| a.name == name) {
            return Some(a.name_span);
        }
        e.relation_ends
            .iter()
            .map(|(r, i)| &self.model.relations[r.index()].ends[*i])
            .find(|end| end.name.as_deref() == Some(name))
            .map(|end| end.name_span)
    }

    /// An attribute or relation named `name` of `entity` or of an ancestor, searched as Inmanta's
    /// `Entity.get_attribute` does (own members, then each parent depth-first): the entity that
    /// defines it and the span of its name.
    fn member(&self, entity: EntityId, name: &str) -> Option<(EntityId, Span)> {
        if let Some(span) = self.own_member(entity, name) {
            return Some((entity, span));
        }
        self.model
            .entity(entity)
            .parents
            .iter()
            .find_map(|p| self.member(*p, name))
    }

    /// A relation may not reuse the name of an attribute or relation of an ancestor. Checked once
    /// every relation is known, as Inmanta's `Entity.normalize` does; the clashing end is dropped.
    fn inherited_relation_clashes(&mut self) {
        for id in 0..self.model.entities.len() {
            let id = EntityId(id as u32);
            let ends = self.model.entity(id).relation_ends.clone();
            for (relation, i) in ends {
                let end = self.model.relations[relation.index()].ends[i].clone();
                let Some(name) = &end.name else { continue };
                let parents = self.model.entity(id).parents.clone();
                let Some((owner, at)) = parents.iter().find_map(|p| self.member(*p, name)) else {
                    continue;
                };
                self.error(ResolveError::InheritedRelationClash {
                    name: name.clone(),
                    owner: self.model.entity(owner).name.clone(),
                    span: end.name_span,
                    defined: at,
                });
                self.model.entities[id.index()]
                    .relation_ends
                    .retain(|e| *e != (relation, i));
            }
        }
    }

    fn indexes(&mut self) {
        self.each_item(Self::index);
    }

    fn index(&mut self, nsid: NamespaceId, item: &Item) {
        let Item::Index(index) = item else { return };
        let found = self.scope(nsid).entity(&index.entity);
        self.note_class(nsid, &index.entity, found.as_ref().ok().copied());
        let entity = match found {
            Ok(e) => e,
            Err(unresolved) => {
                self.unresolved(unresolved);
                return;
            }
        };
        let full_name = self.model.entity(entity).full_name.clone();
        let mut ok = true;
        for name in &index.attributes {
            self.resolution.record(
                name.span,
                resolution::member(&self.model, entity, &name.text).unwrap_or(Def::Unresolved),
            );
            // Inmanta's wording, odd spacing included: `Attribute ' name.ns::Entity'`.
            let quoted = format!("' {}.{full_name}'", name.text);
            if let Some(a) = self.model.attribute(entity, &name.text) {
                if a.list {
                    ok = false;
                    let defined = a.span;
                    self.error(ResolveError::IndexListAttribute {
                        quoted,
                        span: name.span,
                        defined,
                    });
                }
            } else if let Some(end) = self.model.relation_end(entity, &name.text) {
                let optional = end.lower == 0;
                if optional || end.upper.is_none_or(|u| u > 1) {
                    ok = false;
                    let arity = match end.upper {
                        Some(u) if u == end.lower => format!("[{u}]"),
                        Some(u) => format!("[{}:{u}]", end.lower),
                        None => format!("[{}:]", end.lower),
                    };
                    let relation = end.span;
                    self.error(ResolveError::IndexRelationArity {
                        quoted,
                        optional,
                        arity,
                        span: name.span,
                        relation,
                    });
                }
            } else {
                ok = false;
                let candidates: Vec<String> = self
                    .model
                    .all_attributes(entity)
                    .iter()
                    .map(|a| a.name.clone())
                    .chain(
                        self.model
                            .all_relation_ends(entity)
                            .iter()
                            .filter_map(|e| e.name.clone()),
                    )
                    .collect();
                let suggestion = crate::diagnostics::suggest::did_you_mean(
                    &name.text,
                    candidates.iter().map(String::as_str),
                )
                .map(str::to_string);
                self.error(ResolveError::IndexUnknownAttribute {
                    name: name.text.clone(),
                    entity: full_name.clone(),
                    span: name.span,
                    suggestion,
                });
            }
        }
        if ok {
            self.model.entities[entity.index()].indexes.push(IndexDef {
                attributes: index.attributes.iter().map(|a| a.text.clone()).collect(),
                span: index.span,
            });
        }
    }

    fn implementations(&mut self) {
        self.each_item(|r, nsid, item| match item {
            Item::Implementation(i) => r.implementation_entity(nsid, i),
            Item::Implement(imp) => r.implement(nsid, imp),
            _ => {}
        });
    }

    fn implementation_entity(&mut self, nsid: NamespaceId, i: &ast::Implementation) {
        let Some(&id) = self.model.namespace(nsid).implementations.get(&i.name.text) else {
            return;
        };
        if self.model.implementations[id.index()].span != i.span {
            return;
        }
        let found = self.scope(nsid).entity(&i.entity);
        self.note_class(nsid, &i.entity, found.as_ref().ok().copied());
        match found {
            Ok(e) => self.model.implementations[id.index()].entity = Some(e),
            Err(unresolved) => self.unresolved(unresolved),
        }
    }

    fn implement(&mut self, ns: NamespaceId, imp: &ast::Implement) {
        let found = self.scope(ns).entity(&imp.entity);
        self.note_class(ns, &imp.entity, found.as_ref().ok().copied());
        let entity = match found {
            Ok(e) => e,
            Err(unresolved) => {
                self.unresolved(unresolved);
                return;
            }
        };
        let mut implementations = Vec::new();
        let mut parents = false;
        for using in &imp.using {
            match using {
                ast::ImplementationRef::Parents(span) => {
                    parents = true;
                    if imp.when.is_some() {
                        self.error(ResolveError::ConditionalParents { span: *span });
                    }
                }
                ast::ImplementationRef::Named(path) => match self.scope(ns).implementation(path) {
                    Ok(id) => {
                        self.note_path(ns, path, Def::Implementation(id));
                        let implementation = &self.model.implementations[id.index()];
                        if let Some(for_entity) = implementation.entity {
                            if !self.model.is_subtype(entity, for_entity) {
                                self.error(ResolveError::ImplementationTypeMismatch {
                                    implementation: path.to_text(),
                                    target: self.model.entity(entity).full_name.clone(),
                                    actual: self.model.entity(for_entity).full_name.clone(),
                                    span: path.span,
                                    defined: implementation.span,
                                });
                                continue;
                            }
                        }
                        implementations.push(id);
                    }
                    Err(unresolved) => {
                        self.note_path(ns, path, Def::Unresolved);
                        self.unresolved(unresolved)
                    }
                },
            }
        }
        self.model.entities[entity.index()]
            .implements
            .push(ImplementDef {
                implementations,
                parents,
                when: imp.when.clone(),
                namespace: ns,
                span: imp.span,
            });
    }
}

/// Whether an expression reads the variable `name` anywhere.
fn mentions_variable(expr: &ast::Expr, name: &str) -> bool {
    let mut found = false;
    statements::walk_expr(expr, &mut |e| {
        if let ast::ExprKind::Var { path } = &e.kind {
            if path.segments.len() == 1 && path.segments[0].text == name {
                found = true;
            }
        }
    });
    found
}
