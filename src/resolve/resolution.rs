//! What every name written in a project means: a side table from the span of each name use to
//! the definition it names, filled by [`crate::resolve::resolve`] as it looks names up, once.
//!
//! Later stages read it instead of looking names up by their text; an editor asks it both ways:
//! [`Resolution::at`] (the name at a place, for goto and hover) and [`Resolution::uses`] (every
//! place that names a definition, for references and rename). A definition's own place is
//! [`crate::resolve::Model::definition_span`].

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::ast::{ClassRef, Name, Path};
use crate::builtin::plugins::PluginId;
use crate::diagnostics::Diagnostic;
use crate::resolve::model::*;
use crate::resolve::names::Scope;
use crate::source::{FileId, Span};

/// A plugin of a module written in Python: lsmc knows its name, not its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModulePluginId(pub u32);

/// What a name use refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Def {
    Namespace(NamespaceId),
    Entity(EntityId),
    Typedef(TypedefId),
    Primitive(Primitive),
    Implementation(ImplementationId),
    /// A built-in plugin with a native version.
    Plugin(PluginId),
    /// A plugin of a user module (see [`Resolution::module_plugin`]).
    ModulePlugin(ModulePluginId),
    /// The attribute `index` of the `attributes` of `entity`, the entity that defines it.
    Attribute {
        entity: EntityId,
        index: u32,
    },
    RelationEnd {
        relation: RelationId,
        end: u8,
    },
    Variable(VariableId),
    /// The name does not resolve and its error is reported already (or, for a use that only
    /// evaluation can decide, kept in [`Resolution::deferred`]): consumers stay silent.
    Unresolved,
}

/// The resolution of a project's names.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    defs: FxHashMap<Span, Def>,
    /// Every use in (file, start, end) order, for [`Resolution::at`]. Made on first use, as is
    /// `uses`: a compile never asks, an editor does.
    ordered: OnceLock<Vec<(Span, Def)>>,
    /// Every use of each definition, in source order.
    uses: OnceLock<FxHashMap<Def, Vec<Span>>>,
    module_plugins: Vec<(NamespaceId, String)>,
    module_plugin_ids: FxHashMap<(NamespaceId, String), ModulePluginId>,
    /// Errors of uses that are reported only if evaluation reaches them (a constructor whose
    /// type a relation may give).
    deferred: FxHashMap<Span, Diagnostic>,
}

impl Resolution {
    /// The definition named by the use at exactly `span`.
    #[inline]
    pub fn def_at(&self, span: Span) -> Option<Def> {
        self.defs.get(&span).copied()
    }

    /// The innermost name use at a byte offset of a file, and what it names.
    pub fn at(&self, file: FileId, offset: u32) -> Option<(Span, Def)> {
        let ordered = self.ordered();
        let first = ordered.partition_point(|(s, _)| s.file < file);
        ordered[first..]
            .iter()
            .take_while(|(s, _)| s.file == file && s.start <= offset)
            .filter(|(s, _)| offset < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
            .copied()
    }

    /// Every place that names `def`, in source order.
    pub fn uses(&self, def: Def) -> &[Span] {
        let uses = self.uses.get_or_init(|| {
            let mut uses: FxHashMap<Def, Vec<Span>> = FxHashMap::default();
            for (span, def) in self.ordered() {
                uses.entry(*def).or_default().push(*span);
            }
            uses
        });
        uses.get(&def).map_or(&[], Vec::as_slice)
    }

    /// The namespace and name of a plugin of a user module.
    pub fn module_plugin(&self, id: ModulePluginId) -> (NamespaceId, &str) {
        let (ns, name) = &self.module_plugins[id.0 as usize];
        (*ns, name)
    }

    /// The error of a use left to evaluation, if it does not resolve.
    pub fn deferred(&self, span: Span) -> Option<&Diagnostic> {
        self.deferred.get(&span)
    }

    pub(crate) fn record(&mut self, span: Span, def: Def) {
        self.defs.insert(span, def);
    }

    pub(crate) fn defer(&mut self, span: Span, diagnostic: Diagnostic) {
        self.record(span, Def::Unresolved);
        self.deferred.insert(span, diagnostic);
    }

    pub(crate) fn module_plugin_id(&mut self, namespace: NamespaceId, name: &str) -> Def {
        let key = (namespace, name.to_string());
        if let Some(id) = self.module_plugin_ids.get(&key) {
            return Def::ModulePlugin(*id);
        }
        let id = ModulePluginId(self.module_plugins.len() as u32);
        self.module_plugins.push(key.clone());
        self.module_plugin_ids.insert(key, id);
        Def::ModulePlugin(id)
    }

    /// The namespace part of a qualified name (`a::b` of `a::b::X`), when it is visible.
    fn record_prefix(&mut self, scope: &Scope, prefix: &[Name]) {
        let (Some(first), Some(last)) = (prefix.first(), prefix.last()) else {
            return;
        };
        if let Some(ns) = scope.visible_path(prefix) {
            self.record(first.span.to(last.span), Def::Namespace(ns));
        }
    }

    /// An entity reference and the namespace it is qualified with.
    pub(crate) fn record_class(
        &mut self,
        scope: &Scope,
        class: &ClassRef,
        found: Option<EntityId>,
    ) {
        self.record_prefix(scope, &class.namespace);
        self.record(class.span, found.map_or(Def::Unresolved, Def::Entity));
    }

    /// A (possibly qualified) name and the namespace it is qualified with.
    pub(crate) fn record_path(&mut self, scope: &Scope, path: &Path, def: Def) {
        self.record_prefix(scope, &path.segments[..path.segments.len() - 1]);
        self.record(path.span, def);
    }

    fn ordered(&self) -> &[(Span, Def)] {
        self.ordered.get_or_init(|| {
            let mut ordered: Vec<(Span, Def)> = self.defs.iter().map(|(s, d)| (*s, *d)).collect();
            ordered.sort_by_key(|(s, _)| (s.file, s.start, s.end));
            ordered
        })
    }
}

/// The member `name` of an entity (own or inherited) as a definition: an attribute or a relation
/// end.
pub(crate) fn member(model: &Model, entity: EntityId, name: &str) -> Option<Def> {
    if let Some(a) = model.attribute(entity, name) {
        let index = model
            .entity(a.entity)
            .attributes
            .iter()
            .position(|x| x.name == name)?;
        return Some(Def::Attribute {
            entity: a.entity,
            index: index as u32,
        });
    }
    model.ancestors(entity).into_iter().find_map(|e| {
        model
            .entity(e)
            .relation_ends
            .iter()
            .find(|(r, i)| model.relations[r.index()].ends[*i].name.as_deref() == Some(name))
            .map(|(r, i)| Def::RelationEnd {
                relation: *r,
                end: *i as u8,
            })
    })
}
