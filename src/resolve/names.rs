//! Looking names up from one namespace, as Inmanta's `Namespace.get_type` does:
//! `a::b::Name` needs `a::b` to be visible (imported, the namespace itself, or `std`); a bare name
//! is a primitive type, or a type of the namespace or of its parent namespaces (never of an
//! imported module, never of `std`).

use crate::ast::{ClassRef, Name, Path};
use crate::diagnostics::suggest::did_you_mean;
use crate::resolve::error::{ResolveError, Unresolved};
use crate::resolve::model::*;
use crate::source::Span;

/// `a::b` from the segments `a`, `b`.
pub fn join(segments: &[Name]) -> String {
    segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("::")
}

pub struct Scope<'m> {
    pub model: &'m Model,
    pub namespace: NamespaceId,
}

/// What a name looked up as a type can be.
#[derive(Debug, Clone, Copy)]
enum Found {
    Type(TypeDef),
    Implementation(ImplementationId),
    Primitive(Primitive),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Entity,
    Value,
    Implementation,
}

impl Scope<'_> {
    fn ns(&self) -> &Namespace {
        self.model.namespace(self.namespace)
    }

    /// The namespace visible under `name` from here.
    pub fn visible(&self, name: &str) -> Option<NamespaceId> {
        self.ns().imports.get(name).copied()
    }

    /// The namespace visible under the segments `a`, `b` of `a::b::X`.
    pub fn visible_path(&self, segments: &[Name]) -> Option<NamespaceId> {
        self.visible(&join(segments))
    }

    fn find_in(&self, ns: NamespaceId, name: &str, kind: Kind) -> Option<Found> {
        let namespace = self.model.namespace(ns);
        match kind {
            Kind::Implementation => namespace
                .implementations
                .get(name)
                .map(|i| Found::Implementation(*i)),
            _ => namespace.types.get(name).map(|t| Found::Type(*t)),
        }
    }

    /// Whether `name` is a definition of `ns` that did not parse.
    fn broken_in(&self, ns: NamespaceId, name: &str) -> bool {
        self.model.namespace(ns).broken_definitions.contains(name)
    }

    fn lookup(
        &self,
        segments: &[Name],
        name: &Name,
        span: Span,
        kind: Kind,
    ) -> Result<Found, Unresolved> {
        let ns_name = join(segments);
        let written = if segments.is_empty() {
            name.text.clone()
        } else {
            format!("{ns_name}::{}", name.text)
        };
        if !segments.is_empty() {
            let Some(target) = self.visible(&ns_name) else {
                if self.failed(&ns_name) {
                    return Err(Unresolved::Poisoned);
                }
                return Err(self.missing_import(&written, &ns_name, span).into());
            };
            return match self.find_in(target, &name.text, kind) {
                Some(found) => Ok(found),
                None if self.broken_in(target, &name.text) => Err(Unresolved::Poisoned),
                None => Err(self
                    .not_found(&written, name, Some(target), span, kind)
                    .into()),
            };
        }
        if kind == Kind::Value {
            if let Some(p) = Primitive::from_name(&name.text) {
                return Ok(Found::Primitive(p));
            }
        }
        let mut current = Some(self.namespace);
        while let Some(ns) = current {
            if let Some(found) = self.find_in(ns, &name.text, kind) {
                return Ok(found);
            }
            // The nearest namespace that has the name decides, even when it did not parse.
            if self.broken_in(ns, &name.text) {
                return Err(Unresolved::Poisoned);
            }
            current = self.model.namespace(ns).parent;
        }
        Err(self.not_found(&written, name, None, span, kind).into())
    }

    /// Whether names qualified with `ns_name` are not to be reported: its import failed.
    pub fn failed(&self, ns_name: &str) -> bool {
        self.ns().failed_imports.contains(ns_name)
    }

    /// The root module of `ns_name` when `ns_name` is a submodule that was not loaded: it must be
    /// on the module path.
    pub fn unloaded_root(&self, ns_name: &str) -> Option<String> {
        let root = ns_name.split("::").next().unwrap_or(ns_name);
        let loaded = self.model.namespace_by_name.contains_key(ns_name);
        (!loaded && ns_name != root).then(|| root.to_string())
    }

    /// Inmanta's `MissingImportException` for `written`, qualified with `ns_name`, which is not
    /// visible here; `unloaded`: whether to say that its module must be on the module path.
    pub fn missing_import_error(
        &self,
        written: &str,
        ns_name: &str,
        span: Span,
        unloaded: bool,
    ) -> ResolveError {
        ResolveError::MissingImport {
            written: written.to_string(),
            namespace: self.ns().name.clone(),
            path: self.ns().path.clone(),
            visible: ns_name.to_string(),
            span,
            unloaded: if unloaded {
                self.unloaded_root(ns_name)
            } else {
                None
            },
        }
    }

    fn missing_import(&self, written: &str, ns_name: &str, span: Span) -> ResolveError {
        self.missing_import_error(written, ns_name, span, true)
    }

    fn not_found(
        &self,
        written: &str,
        name: &Name,
        target: Option<NamespaceId>,
        span: Span,
        kind: Kind,
    ) -> ResolveError {
        let namespace = target.map_or_else(
            || self.ns().name.clone(),
            |t| self.model.namespace(t).name.clone(),
        );
        let candidates = self.candidates(target, kind);
        let suggestion = did_you_mean(
            if target.is_some() {
                &name.text
            } else {
                written
            },
            candidates.iter().map(String::as_str),
        )
        .map(|s| match target {
            Some(_) => {
                let prefix = written.rsplit_once("::").map_or("", |(p, _)| p);
                format!("{prefix}::{s}")
            }
            None => s.to_string(),
        });
        // A bare name defined in an imported module must be qualified.
        let qualified = if suggestion.is_none() && target.is_none() {
            self.ns()
                .imports
                .iter()
                .filter(|(_, ns)| **ns != self.namespace)
                .filter(|(_, ns)| self.find_in(**ns, &name.text, kind).is_some())
                .map(|(alias, _)| format!("{alias}::{}", name.text))
                .min()
        } else {
            None
        };
        ResolveError::TypeNotFound {
            written: written.to_string(),
            namespace,
            span,
            suggestion,
            qualified,
        }
    }
    /// Names a lookup could have meant: in the target namespace, or here and in the parents.
    fn candidates(&self, target: Option<NamespaceId>, kind: Kind) -> Vec<String> {
        let names_of = |ns: NamespaceId| -> Vec<String> {
            let namespace = self.model.namespace(ns);
            match kind {
                Kind::Implementation => namespace.implementations.keys().cloned().collect(),
                Kind::Entity => namespace
                    .types
                    .iter()
                    .filter(|(_, t)| matches!(t, TypeDef::Entity(_)))
                    .map(|(n, _)| n.clone())
                    .collect(),
                Kind::Value => namespace
                    .types
                    .iter()
                    .filter(|(_, t)| matches!(t, TypeDef::Typedef(_)))
                    .map(|(n, _)| n.clone())
                    .collect(),
            }
        };
        let mut out = Vec::new();
        match target {
            Some(t) => out.extend(names_of(t)),
            None => {
                let mut current = Some(self.namespace);
                while let Some(ns) = current {
                    out.extend(names_of(ns));
                    current = self.model.namespace(ns).parent;
                }
                if kind == Kind::Value {
                    out.extend(
                        ["string", "int", "float", "bool", "list", "dict"]
                            .iter()
                            .map(|s| s.to_string()),
                    );
                }
            }
        }
        out.sort();
        out
    }

    /// An entity reference.
    pub fn entity(&self, class: &ClassRef) -> Result<EntityId, Unresolved> {
        match self.lookup(&class.namespace, &class.name, class.span, Kind::Entity)? {
            Found::Type(TypeDef::Entity(e)) => Ok(e),
            _ => Err(ResolveError::NotAnEntity {
                written: class.to_text(),
                namespace: self.ns().name.clone(),
                span: class.span,
            }
            .into()),
        }
    }

    /// The base type of an attribute or typedef, with a deprecation warning for `number`.
    pub fn value_type(&self, path: &Path) -> Result<(ValueType, Option<ResolveError>), Unresolved> {
        let (segments, name) = path.segments.split_at(path.segments.len() - 1);
        match self.lookup(segments, &name[0], path.span, Kind::Value)? {
            Found::Primitive(Primitive::Number) => Ok((
                ValueType::Primitive(Primitive::Number),
                Some(ResolveError::NumberDeprecated { span: path.span }),
            )),
            // `any` types plugin arguments only: an attribute or typedef of that type is unknown.
            Found::Primitive(Primitive::Any) => Err(self
                .not_found(&path.to_text(), &name[0], None, path.span, Kind::Value)
                .into()),
            Found::Primitive(p) => Ok((ValueType::Primitive(p), None)),
            Found::Type(TypeDef::Typedef(t)) => Ok((ValueType::Typedef(t), None)),
            Found::Type(TypeDef::Entity(_)) | Found::Implementation(_) => {
                Err(ResolveError::NotAValueType {
                    written: path.to_text(),
                    namespace: self.ns().name.clone(),
                    span: path.span,
                }
                .into())
            }
        }
    }

    /// An implementation named in `implement ... using`.
    pub fn implementation(&self, path: &Path) -> Result<ImplementationId, Unresolved> {
        let (segments, name) = path.segments.split_at(path.segments.len() - 1);
        match self.lookup(segments, &name[0], path.span, Kind::Implementation)? {
            Found::Implementation(i) => Ok(i),
            _ => unreachable!("implementation lookups only find implementations"),
        }
    }
}
