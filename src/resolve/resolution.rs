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

/// What a name use refers to. Eight bytes, as the table holds one per use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Def {
    Namespace(NamespaceId),
    Entity(EntityId),
    Typedef(TypedefId),
    Primitive(Primitive),
    Implementation(ImplementationId),
    /// A built-in plugin (with a native version or not).
    Plugin(PluginId),
    /// A plugin of a user module (see [`Resolution::module_plugin`]).
    ModulePlugin(ModulePluginId),
    /// The attribute `index` of the `attributes` of `entity`, the entity that defines it.
    Attribute {
        entity: EntityId,
        index: u16,
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
///
/// The uses are kept in (file, start, end) order, 16 bytes each, with a directory of each file
/// in slices of 64 bytes: [`Resolution::def_at`] goes straight to the uses that start in
/// the slice of its span (two or three in written code) and compares them. That is a third of
/// the memory of a hash table of the same uses, and fewer instructions than hashing a span or
/// searching the whole array.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    uses: Vec<Use>,
    /// The first use that starts in each slice, file after file, and `uses.len()` at the end:
    /// the uses of slice `i` are `uses[slices[i]..slices[i + 1]]`.
    slices: Vec<u32>,
    /// The first slice of each file, and the number of slices at the end: a file's slices reach
    /// its last use, so an offset past them has no use.
    files: Vec<u32>,
    /// Uses recorded since the last [`Resolution::settle`], which lookups do not see yet.
    pending: Vec<(Span, Def)>,
    /// Every use of each definition, in source order. Made on first use: a compile never asks,
    /// an editor does.
    by_def: OnceLock<FxHashMap<Def, Vec<Span>>>,
    module_plugins: Vec<(NamespaceId, String)>,
    module_plugin_ids: FxHashMap<(NamespaceId, String), ModulePluginId>,
    /// Errors of uses that are reported only if evaluation reaches them (a constructor whose
    /// type a relation may give).
    deferred: FxHashMap<Span, Diagnostic>,
}

/// A name use; its file is known from where it is kept.
#[derive(Debug, Clone, Copy)]
struct Use {
    start: u32,
    end: u32,
    def: Def,
}

/// Log2 of the bytes of text a directory entry covers: uses are a few dozen bytes apart in
/// written code, so a slice holds a few of them, and the directory costs 4 bytes per 64 bytes of
/// text that has uses.
const SLICE_BITS: u32 = 6;

impl Resolution {
    /// The definition named by the use at exactly `span`.
    #[inline]
    pub fn def_at(&self, span: Span) -> Option<Def> {
        let file = span.file.0 as usize;
        let (Some(&first), Some(&end)) = (self.files.get(file), self.files.get(file + 1)) else {
            return None;
        };
        let slice = first as usize + (span.start >> SLICE_BITS) as usize;
        if slice >= end as usize {
            return None;
        }
        let uses = self.slices[slice] as usize..self.slices[slice + 1] as usize;
        self.uses[uses]
            .iter()
            .find(|u| u.start == span.start && u.end == span.end)
            .map(|u| u.def)
    }

    /// The innermost name use at a byte offset of a file, and what it names.
    pub fn at(&self, file: FileId, offset: u32) -> Option<(Span, Def)> {
        self.in_file(file)
            .take_while(|(s, _)| s.start <= offset)
            .filter(|(s, _)| offset < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.end - s.start)
    }

    /// Every place that names `def`, in source order.
    pub fn uses(&self, def: Def) -> &[Span] {
        let uses = self.by_def.get_or_init(|| {
            let mut uses: FxHashMap<Def, Vec<Span>> = FxHashMap::default();
            for (span, def) in self.all() {
                uses.entry(def).or_default().push(span);
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

    /// The uses in a file, in order.
    fn in_file(&self, file: FileId) -> impl Iterator<Item = (Span, Def)> + '_ {
        let index = file.0 as usize;
        let uses = match (self.files.get(index), self.files.get(index + 1)) {
            (Some(&first), Some(&end)) => {
                self.slices[first as usize] as usize..self.slices[end as usize] as usize
            }
            _ => 0..0,
        };
        self.uses[uses].iter().map(move |u| {
            let span = Span {
                file,
                start: u.start,
                end: u.end,
            };
            (span, u.def)
        })
    }

    /// Every use, in (file, start, end) order.
    fn all(&self) -> impl Iterator<Item = (Span, Def)> + '_ {
        let files = self.files.len().saturating_sub(1) as u32;
        (0..files).flat_map(|file| self.in_file(FileId(file)))
    }

    /// Adds a use; a later use at the same span replaces it. Seen by lookups after the next
    /// [`Resolution::settle`].
    pub(crate) fn record(&mut self, span: Span, def: Def) {
        self.pending.push((span, def));
    }

    /// Sorts the uses recorded so far into the searched arrays, sized to fit.
    pub(crate) fn settle(&mut self) {
        let mut all: Vec<(Span, Def)> = self.all().collect();
        all.append(&mut self.pending);
        self.pending = Vec::new();
        // Stable: of the uses at one span, the last recorded comes last and is kept.
        all.sort_by_key(|(s, _)| (s.file, s.start, s.end));
        all.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 = later.1;
            }
            same
        });
        let file_count = all.last().map_or(0, |(s, _)| s.file.0 as usize + 1);
        let mut uses = Vec::with_capacity(all.len());
        let mut slices = Vec::new();
        let mut files = Vec::with_capacity(file_count + 1);
        let mut next = all.iter().peekable();
        for file in 0..file_count as u32 {
            files.push(slices.len() as u32);
            let first = uses.len();
            while let Some((span, def)) = next.next_if(|(s, _)| s.file.0 == file) {
                uses.push(Use {
                    start: span.start,
                    end: span.end,
                    def: *def,
                });
            }
            let Some(last) = uses[first..].last() else {
                continue;
            };
            // Slice `i` of the file begins at its first use that starts at `i << SLICE_BITS` or later.
            let mut at = first;
            for slice in 0..=(last.start >> SLICE_BITS) {
                while uses[at].start >> SLICE_BITS < slice {
                    at += 1;
                }
                slices.push(at as u32);
            }
        }
        files.push(slices.len() as u32);
        slices.push(uses.len() as u32);
        slices.shrink_to_fit();
        self.uses = uses;
        self.slices = slices;
        self.files = files;
        self.by_def = OnceLock::new();
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
        // An entity of more than 65,536 attributes: the name is left without a definition.
        return Some(Def::Attribute {
            entity: a.entity,
            index: u16::try_from(index).ok()?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn span(file: u32, start: u32, end: u32) -> Span {
        Span {
            file: FileId(file),
            start,
            end,
        }
    }

    #[test]
    fn a_def_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Def>(), 8);
    }

    #[test]
    fn every_use_is_found_through_the_directory() {
        let mut resolution = Resolution::default();
        // Uses in files 0 and 2 (none in 1), close together, in one slice, and far apart.
        let spans: Vec<Span> = [
            (0, 0, 3),
            (0, 1, 2),
            (0, 63, 70),
            (0, 64, 65),
            (0, 900, 905),
        ]
        .into_iter()
        .chain([(2, 5, 9), (2, 5, 12), (2, 7, 8), (2, 200, 201)])
        .map(|(file, start, end)| span(file, start, end))
        .collect();
        for (i, s) in spans.iter().rev().enumerate() {
            resolution.record(*s, Def::Variable(VariableId(i as u32)));
        }
        resolution.settle();
        for (i, s) in spans.iter().rev().enumerate() {
            assert_eq!(
                resolution.def_at(*s),
                Some(Def::Variable(VariableId(i as u32))),
                "{s:?}"
            );
        }
        for missing in [
            (0, 0, 2),
            (0, 65, 66),
            (0, 906, 910),
            (1, 0, 3),
            (2, 6, 9),
            (3, 0, 1),
        ] {
            let (file, start, end) = missing;
            assert_eq!(
                resolution.def_at(span(file, start, end)),
                None,
                "{missing:?}"
            );
        }
        let all: Vec<Span> = resolution.all().map(|(s, _)| s).collect();
        let mut sorted = spans.clone();
        sorted.sort_by_key(|s| (s.file, s.start, s.end));
        assert_eq!(all, sorted);
        assert_eq!(Resolution::default().def_at(span(0, 0, 1)), None);
    }

    #[test]
    fn lookups_see_settled_uses_and_the_last_use_at_a_span_wins() {
        let mut resolution = Resolution::default();
        let (ns, entity) = (Def::Namespace(NamespaceId(1)), Def::Entity(EntityId(2)));
        resolution.record(span(1, 10, 20), entity);
        resolution.record(span(1, 10, 13), ns);
        resolution.record(span(0, 40, 45), Def::Unresolved);
        assert_eq!(resolution.def_at(span(1, 10, 20)), None, "not settled yet");
        resolution.settle();
        resolution.record(span(0, 40, 45), Def::Variable(VariableId(3)));
        resolution.record(span(0, 5, 8), Def::Primitive(Primitive::Int));
        resolution.settle();
        assert_eq!(resolution.def_at(span(1, 10, 20)), Some(entity));
        assert_eq!(resolution.def_at(span(1, 10, 13)), Some(ns));
        assert_eq!(resolution.def_at(span(1, 10, 14)), None);
        assert_eq!(resolution.def_at(span(2, 10, 20)), None);
        assert_eq!(
            resolution.def_at(span(0, 40, 45)),
            Some(Def::Variable(VariableId(3)))
        );
        assert_eq!(
            resolution.at(FileId(1), 11),
            Some((span(1, 10, 13), ns)),
            "the innermost use"
        );
        assert_eq!(
            resolution.at(FileId(1), 15),
            Some((span(1, 10, 20), entity))
        );
        assert_eq!(resolution.at(FileId(1), 20), None);
        assert_eq!(resolution.at(FileId(0), 9), None);
        assert_eq!(resolution.uses(Def::Unresolved), &[] as &[Span]);
        assert_eq!(
            resolution.uses(Def::Variable(VariableId(3))),
            &[span(0, 40, 45)]
        );
    }
}
