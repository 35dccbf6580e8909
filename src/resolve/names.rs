//! Looking names up from one namespace, as Inmanta's `Namespace.get_type` does:
//! `a::b::Name` needs `a::b` to be visible (imported, the namespace itself, or `std`); a bare name
//! is a primitive type, or a type of the namespace or of its parent namespaces (never of an
//! imported module, never of `std`).

use crate::ast::{ClassRef, Name, Path};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::resolve::model::*;
use crate::source::Span;

/// Marks the diagnostic of a lookup through an import whose module failed to load: the failure is
/// reported at the import, so [`crate::resolve::resolve`] drops these.
const FAILED_IMPORT: &str = "consequence of an import that failed";

fn failed_import_consequence(span: Span) -> Diagnostic {
    Diagnostic::error(codes::MODULE_NOT_FOUND, FAILED_IMPORT)
        .with_label(Label::primary(span, ""))
        .with_note(FAILED_IMPORT)
}

/// Whether `d` only repeats the failure of an import (see [`FAILED_IMPORT`]).
pub fn is_failed_import_consequence(d: &Diagnostic) -> bool {
    d.message == FAILED_IMPORT && d.notes.iter().any(|n| n == FAILED_IMPORT)
}

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

    fn lookup(
        &self,
        segments: &[Name],
        name: &Name,
        span: Span,
        kind: Kind,
    ) -> Result<Found, Box<Diagnostic>> {
        let ns_name = join(segments);
        let written = if segments.is_empty() {
            name.text.clone()
        } else {
            format!("{ns_name}::{}", name.text)
        };
        if !segments.is_empty() {
            let Some(target) = self.visible(&ns_name) else {
                if self.ns().failed_imports.contains(&ns_name) {
                    return Err(Box::new(failed_import_consequence(span)));
                }
                return Err(Box::new(self.missing_import(&written, &ns_name, span)));
            };
            return self
                .find_in(target, &name.text, kind)
                .ok_or_else(|| Box::new(self.not_found(&written, name, Some(target), span, kind)));
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
            current = self.model.namespace(ns).parent;
        }
        Err(Box::new(self.not_found(&written, name, None, span, kind)))
    }

    /// Whether names qualified with `ns_name` are not to be reported: its import failed.
    pub fn failed(&self, ns_name: &str) -> bool {
        self.ns().failed_imports.contains(ns_name)
    }

    /// Inmanta's `MissingImportException`: `could not find type a::X in namespace ns.\nTry
    /// importing the module with `import a` in <file>`.
    pub fn missing_import_message(&self, written: &str, ns_name: &str) -> String {
        format!(
            "could not find type {written} in namespace {}.\nTry importing the module with `import {ns_name}` in {}",
            self.ns().name,
            self.ns().path
        )
    }

    fn missing_import(&self, written: &str, ns_name: &str, span: Span) -> Diagnostic {
        let root = ns_name.split("::").next().unwrap_or(ns_name);
        let loaded = self.model.namespace_by_name.contains_key(ns_name);
        let mut d = Diagnostic::error(
            codes::MISSING_IMPORT,
            self.missing_import_message(written, ns_name),
        )
        .with_label(Label::primary(
            span,
            format!("`{ns_name}` is not imported here"),
        ));
        d = d.with_help(format!("add `import {ns_name}` at the top of this file"));
        if !loaded && ns_name != root {
            d = d.with_note(format!("module `{root}` must be on the module path"));
        }
        d
    }

    fn not_found(
        &self,
        written: &str,
        name: &Name,
        target: Option<NamespaceId>,
        span: Span,
        kind: Kind,
    ) -> Diagnostic {
        let ns_name = target.map_or_else(
            || self.ns().name.clone(),
            |t| self.model.namespace(t).name.clone(),
        );
        let (code, message) = match kind {
            Kind::Implementation => (
                codes::TYPE_NOT_FOUND,
                format!("could not find type {written} in namespace {ns_name}"),
            ),
            _ => (
                codes::TYPE_NOT_FOUND,
                format!("could not find type {written} in namespace {ns_name}"),
            ),
        };
        let mut d =
            Diagnostic::error(code, message).with_label(Label::primary(span, "not defined"));
        let candidates = self.candidates(target, kind);
        if let Some(s) = did_you_mean(
            if target.is_some() {
                &name.text
            } else {
                written
            },
            candidates.iter().map(String::as_str),
        ) {
            let s = match target {
                Some(_) => {
                    let prefix = written.rsplit_once("::").map_or("", |(p, _)| p);
                    format!("{prefix}::{s}")
                }
                None => s.to_string(),
            };
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if target.is_none() {
            // A bare name defined in an imported module must be qualified.
            let qualified: Vec<String> = self
                .ns()
                .imports
                .iter()
                .filter(|(_, ns)| **ns != self.namespace)
                .filter(|(_, ns)| self.find_in(**ns, &name.text, kind).is_some())
                .map(|(alias, _)| format!("{alias}::{}", name.text))
                .collect();
            if let Some(q) = qualified.iter().min() {
                d = d.with_help(format!(
                    "types of other modules are not visible by their short name: write `{q}`"
                ));
            }
        }
        d
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
    pub fn entity(&self, class: &ClassRef) -> Result<EntityId, Box<Diagnostic>> {
        match self.lookup(&class.namespace, &class.name, class.span, Kind::Entity)? {
            Found::Type(TypeDef::Entity(e)) => Ok(e),
            _ => Err(Box::new(
                Diagnostic::error(
                    codes::TYPE_NOT_FOUND,
                    format!(
                        "could not find type {} in namespace {}",
                        class.to_text(),
                        self.ns().name
                    ),
                )
                .with_label(Label::primary(class.span, "not an entity")),
            )),
        }
    }

    /// The base type of an attribute or typedef, with a deprecation warning for `number`.
    pub fn value_type(
        &self,
        path: &Path,
    ) -> Result<(ValueType, Option<Diagnostic>), Box<Diagnostic>> {
        let (segments, name) = path.segments.split_at(path.segments.len() - 1);
        match self.lookup(segments, &name[0], path.span, Kind::Value)? {
            Found::Primitive(Primitive::Number) => Ok((
                ValueType::Primitive(Primitive::Number),
                Some(
                    Diagnostic::warning(
                        codes::NUMBER_DEPRECATED,
                        "Type 'number' is deprecated, use 'float' or 'int' instead",
                    )
                    .with_label(Label::primary(path.span, "deprecated type")),
                ),
            )),
            Found::Primitive(p) => Ok((ValueType::Primitive(p), None)),
            Found::Type(TypeDef::Typedef(t)) => Ok((ValueType::Typedef(t), None)),
            Found::Type(TypeDef::Entity(_)) | Found::Implementation(_) => Err(Box::new(
                Diagnostic::error(
                    codes::TYPE_NOT_FOUND,
                    format!(
                        "could not find type {} in namespace {}",
                        path.to_text(),
                        self.ns().name
                    ),
                )
                .with_label(Label::primary(path.span, "not a value type")),
            )),
        }
    }

    /// An implementation named in `implement ... using`.
    pub fn implementation(&self, path: &Path) -> Result<ImplementationId, Box<Diagnostic>> {
        let (segments, name) = path.segments.split_at(path.segments.len() - 1);
        match self.lookup(segments, &name[0], path.span, Kind::Implementation)? {
            Found::Implementation(i) => Ok(i),
            _ => unreachable!("implementation lookups only find implementations"),
        }
    }
}
