//! The LSM rules: bindings, service entities and their embedded entities, checked from the model
//! alone (no inventory, no evaluation). The rules, their names and where each error points are
//! those of `../shared/conformance/lsm/RULES.md`.
//!
//! Strict rules hold for bindings whose `strict_modifier_enforcement` is true; an embedded entity
//! reached from several bindings is checked once per binding, in that binding's mode, and the
//! same error found twice is reported once.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use crate::check::error::{KeyIndexProblem, LsmError};
use crate::check::statics::{ObjectId, Statics, Value};
use crate::check::view::{KeyOutcome, LsmView, MemberKind};
pub use crate::check::view::{Service, Version};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Default as AttrDefault, EntityId, Model, RelationId, ValueType};
use crate::source::Span;

pub fn check(model: &Model, statics: &Statics) -> Vec<Diagnostic> {
    let Some(view) = LsmView::new(model, statics) else {
        return Vec::new();
    };
    let mut checker = Checker {
        model,
        statics,
        view,
        errors: Vec::new(),
    };
    checker.binding_rules();
    checker.lifecycle_rules();
    let services = checker.view.services.clone();
    for service in &services {
        for version in &service.versions {
            let Some(entity) = version.entity else {
                continue;
            };
            if !checker
                .view
                .lineage
                .is_subtype(entity, checker.view.types.service_entity)
            {
                continue;
            }
            checker.walk(entity, version.strict, &mut vec![entity], None);
        }
    }
    let mut diagnostics: Vec<Diagnostic> =
        checker.errors.into_iter().map(Diagnostic::from).collect();
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code.id, d.primary_span().map(|s| (s.file, s.start)))));
    diagnostics
}

struct Checker<'m> {
    model: &'m Model,
    statics: &'m Statics,
    view: LsmView<'m>,
    errors: Vec<LsmError>,
}

impl Checker<'_> {
    fn error(&mut self, error: LsmError) {
        self.errors.push(error);
    }

    fn binding_rules(&mut self) {
        let services = self.view.services.clone();
        // Where each service name is first bound: a table, as a scan of the names before each
        // made n services quadratic.
        let mut names: FxHashMap<&str, Span> = FxHashMap::default();
        for service in &services {
            if let Some(name) = &service.name {
                if let Some(&first) = names.get(name.as_str()) {
                    self.error(LsmError::DuplicateServiceName {
                        name: name.clone(),
                        span: service.span,
                        first,
                    });
                } else {
                    names.insert(name, service.span);
                }
            }
            for version in &service.versions {
                self.version_rules(version);
            }
            if self.model.is_subtype(
                self.statics.object(service.object).entity,
                self.view.types.service_binding,
            ) {
                let mut seen: Vec<(i64, Span)> = Vec::new();
                for version in &service.versions {
                    if let Some((_, first)) = seen.iter().find(|(n, _)| *n == version.version) {
                        let first = *first;
                        self.error(LsmError::DuplicateVersion {
                            version: version.version,
                            service: service.name.as_deref().unwrap_or("?").to_string(),
                            span: version.span,
                            first,
                        });
                    } else {
                        seen.push((version.version, version.span));
                    }
                }
                if let Value::Int(default) = self.view.argument(service.object, "default_version") {
                    if !service.versions.is_empty()
                        && !service.versions.iter().any(|v| v.version == default)
                    {
                        self.error(LsmError::DefaultVersionMissing {
                            default,
                            service: service.name.as_deref().unwrap_or("?").to_string(),
                            versions: service.versions.iter().map(|v| v.version).collect(),
                            span: service.span,
                        });
                    }
                }
            }
        }
        self.ownership_cycles(&services);
    }

    fn version_rules(&mut self, version: &Version) {
        let written = self.view.argument(version.object, "service_entity");
        let Some(name) = written.as_str() else { return };
        let Some(entity) = version.entity else {
            let candidates: Vec<String> = (0..self.model.entities.len() as u32)
                .map(EntityId)
                .filter(|e| self.model.is_subtype(*e, self.view.types.service_entity))
                .map(|e| self.model.entity(e).full_name.clone())
                .collect();
            let suggestion = crate::diagnostics::suggest::did_you_mean(
                name,
                candidates.iter().map(String::as_str),
            )
            .map(str::to_string);
            self.error(LsmError::UnknownServiceEntity {
                name: name.to_string(),
                span: version.span,
                suggestion,
            });
            return;
        };
        if self.view.lineage.ancestry_unknown(entity) {
            return;
        }
        if !self
            .view
            .lineage
            .is_subtype(entity, self.view.types.service_entity)
        {
            self.error(LsmError::NotServiceEntity {
                entity: self.model.entity(entity).full_name.clone(),
                span: version.span,
                defined: self.model.entity(entity).name_span,
            });
            return;
        }
        let identity = self.view.argument(version.object, "service_identity");
        if let Some(identity) = identity.as_str() {
            let attribute = self
                .model
                .attribute(entity, identity)
                .filter(|a| self.view.is_catalog_attribute(entity, &a.name, a.entity));
            let full = self.model.entity(entity).full_name.clone();
            match attribute {
                None => {
                    let candidates = self.view.catalog_attributes(entity);
                    let suggestion = crate::diagnostics::suggest::did_you_mean(
                        identity,
                        candidates.iter().map(String::as_str),
                    )
                    .map(str::to_string);
                    self.error(LsmError::ServiceIdentityUnknown {
                        identity: identity.to_string(),
                        entity: full,
                        span: version.span,
                        suggestion,
                    });
                }
                Some(a) => {
                    let a = a.clone();
                    let modifier = self.view.modifier_of(entity, &a.name);
                    if modifier != "rw" {
                        self.error(LsmError::ServiceIdentityModifier {
                            identity: identity.to_string(),
                            entity: full,
                            modifier: modifier.to_string(),
                            span: version.span,
                            declared: a.span,
                        });
                    } else if a.nullable
                        || a.list
                        || !matches!(self.view.primitive_of(a.base), Some("string") | Some("int"))
                    {
                        self.error(LsmError::ServiceIdentityType {
                            identity: identity.to_string(),
                            entity: full,
                            written: a.type_text(),
                            span: version.span,
                            declared: a.span,
                        });
                    }
                }
            }
        }
    }

    /// Two different states with the same name in the lifecycle of a binding.
    fn lifecycle_rules(&mut self) {
        let mut lifecycles: Vec<ObjectId> = Vec::new();
        for service in &self.view.services {
            for version in &service.versions {
                if let Some(l) = self.view.object_argument(version.object, "lifecycle") {
                    if !lifecycles.contains(&l) {
                        lifecycles.push(l);
                    }
                }
            }
        }
        for lifecycle in lifecycles {
            let mut states = self.view.lifecycle_states(lifecycle);
            states.sort_by_key(|s| {
                let span = self.statics.object(*s).span;
                (span.file, span.start)
            });
            let mut seen: Vec<(String, Span)> = Vec::new();
            for state in states {
                let Some(name) = self
                    .view
                    .argument(state, "name")
                    .as_str()
                    .map(str::to_string)
                else {
                    continue;
                };
                let span = self.statics.object(state).span;
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    let first = *first;
                    let lifecycle_name = self
                        .view
                        .argument(lifecycle, "name")
                        .as_str()
                        .unwrap_or("?")
                        .to_string();
                    self.error(LsmError::DuplicateStateName {
                        lifecycle: lifecycle_name,
                        name,
                        span,
                        first,
                    });
                } else {
                    seen.push((name, span));
                }
            }
        }
    }

    fn ownership_cycles(&mut self, services: &[Service]) {
        // owner of a service: the service whose binding (or one of whose versions) is named.
        let owner_of = |this: &Self, index: usize| -> Option<usize> {
            let service = &services[index];
            std::iter::once(service.object)
                .chain(service.versions.iter().map(|v| v.object))
                .find_map(|o| {
                    this.statics
                        .object(o)
                        .argument("owner")
                        .and_then(Value::as_object)
                })
                .and_then(|o| this.view.service_of(o))
        };
        let mut reported: HashSet<usize> = HashSet::new();
        for start in 0..services.len() {
            let mut path = vec![start];
            let mut current = start;
            while let Some(next) = owner_of(self, current) {
                if let Some(pos) = path.iter().position(|p| *p == next) {
                    let cycle: Vec<usize> = path[pos..].to_vec();
                    // Services are sorted by place: the smallest index comes first in the file.
                    let first = *cycle.iter().min().expect("a cycle has members");
                    if reported.insert(first) {
                        let names: Vec<String> = cycle
                            .iter()
                            .map(|i| services[*i].name.clone().unwrap_or_else(|| "?".into()))
                            .collect();
                        self.error(LsmError::OwnershipCycle {
                            services: names,
                            span: services[first].span,
                            others: cycle
                                .iter()
                                .filter(|i| **i != first)
                                .map(|i| services[*i].span)
                                .collect(),
                        });
                    }
                    break;
                }
                path.push(next);
                current = next;
            }
        }
    }

    fn walk(
        &mut self,
        entity: EntityId,
        strict: bool,
        stack: &mut Vec<EntityId>,
        via: Option<RelationId>,
    ) {
        self.meta_attributes(entity);
        let model = self.model;
        for member in self.view.relation_members(entity, via) {
            let (relation, end, name) = (member.relation, member.end, member.name);
            let def = &model.relations[relation.index()];
            let this = &def.ends[end];
            self.relation_annotations_are_strings(relation);
            if member.kind == MemberKind::InterService {
                self.inter_service(relation, this.target);
                continue;
            }
            let target = this.target;
            if member.kind == MemberKind::NotEmbedded {
                if !self.view.lineage.ancestry_unknown(target) {
                    self.error(LsmError::NotEmbeddedEntity {
                        relation: name.to_string(),
                        entity: model.entity(entity).full_name.clone(),
                        target: model.entity(target).full_name.clone(),
                        span: def.span,
                    });
                }
                continue;
            }
            self.embedded_relation(entity, relation, end, strict);
            if stack.contains(&target) {
                self.error(LsmError::EmbeddedCycle {
                    target: model.entity(target).full_name.clone(),
                    relation: name.to_string(),
                    span: def.span,
                });
                continue;
            }
            stack.push(target);
            self.walk(target, strict, stack, Some(relation));
            stack.pop();
        }
    }

    fn embedded_relation(
        &mut self,
        entity: EntityId,
        relation: RelationId,
        end: usize,
        strict: bool,
    ) {
        let model = self.model;
        let def = &model.relations[relation.index()];
        let this = &def.ends[end];
        let other = &def.ends[1 - end];
        let name = this.name.clone().unwrap_or_default();
        let target = this.target;
        let target_name = model.entity(target).full_name.clone();
        let back_reference = self.view.back_reference(relation, end);
        if let Some(back) = &back_reference {
            if !back.starts_with('_') {
                self.error(LsmError::BackReferenceNotPrivate {
                    back: back.clone(),
                    target: target_name.clone(),
                    span: def.span,
                });
            }
            if other.upper != Some(1) {
                self.error(LsmError::BackReferenceArity {
                    back: back.clone(),
                    target: target_name.clone(),
                    span: def.span,
                });
            }
        }
        if !strict {
            return;
        }
        let upper_above_one = this.upper.is_none_or(|u| u > 1);
        let indexes = model.all_indexes(target);
        if upper_above_one && indexes.is_empty() {
            let mut example: Vec<String> = back_reference.iter().cloned().collect();
            example.push(identifying_attribute(model, target));
            self.error(LsmError::MissingIndex {
                relation: name.clone(),
                target: target_name.clone(),
                short: model.entity(target).name.clone(),
                example,
                back_reference: back_reference.clone(),
                span: def.span,
            });
        }
        // Which attributes identify an embedded entity.
        let key: Option<Vec<String>> =
            match self
                .view
                .key_attributes(target, back_reference.as_deref(), upper_above_one)
            {
                KeyOutcome::Keys(keys) => Some(keys),
                KeyOutcome::DeclaredWithoutIndex(declared) => {
                    let decl = model
                        .attribute(target, "__lsm_key_attributes")
                        .map(|a| a.span)
                        .unwrap_or(def.span);
                    self.error(LsmError::KeyAttributesWithoutIndex {
                        target: target_name.clone(),
                        declared,
                        span: decl,
                    });
                    None
                }
                KeyOutcome::Ambiguous => {
                    let entity_line = model.entity(target).span;
                    let entity_start = Span {
                        end: model.entity(target).name_span.end,
                        ..entity_line
                    };
                    self.error(LsmError::AmbiguousKeyIndex {
                        target: target_name.clone(),
                        span: entity_start,
                    });
                    None
                }
                KeyOutcome::NoQualifying => {
                    if let Some(first) = indexes.iter().min_by_key(|i| (i.span.file, i.span.start))
                    {
                        let plain: Vec<&String> = first
                            .attributes
                            .iter()
                            .filter(|a| model.attribute(target, a).is_some())
                            .collect();
                        let foreign = first.attributes.iter().find(|a| {
                            model.attribute(target, a).is_none()
                                && back_reference.as_deref() != Some(a.as_str())
                        });
                        let problem = if plain.is_empty() {
                            KeyIndexProblem::NoPlainAttribute
                        } else if let Some(p) = plain.iter().find(|a| a.starts_with('_')) {
                            KeyIndexProblem::PrivateAttribute(p.to_string())
                        } else if let Some(f) = foreign {
                            KeyIndexProblem::ForeignRelation(f.clone())
                        } else {
                            KeyIndexProblem::CanNotIdentify
                        };
                        self.error(LsmError::KeyIndex {
                            problem,
                            target: target_name.clone(),
                            relation: name.clone(),
                            span: first.span,
                        });
                    }
                    Some(Vec::new())
                }
            };
        for key_name in key.iter().flatten() {
            if self.view.modifier_of(target, key_name) == "rw+" {
                let span = model
                    .attribute(target, &format!("{key_name}__modifier"))
                    .map(|a| a.span)
                    .unwrap_or(def.span);
                self.error(LsmError::KeyAttributeRwPlus {
                    key: key_name.clone(),
                    target: target_name.clone(),
                    relation: name.clone(),
                    span,
                });
            }
        }
        if self.view.relation_modifier(relation) == "r" {
            self.read_only(target, &name);
        }
        let _ = entity;
    }

    /// Under an `lsm::__r__` relation every public attribute is `r`, and nested relations `__r__`.
    fn read_only(&mut self, target: EntityId, relation_name: &str) {
        let model = self.model;
        for attribute in model.all_attributes(target) {
            if !self
                .view
                .is_catalog_attribute(target, &attribute.name, attribute.entity)
            {
                continue;
            }
            let modifier = self.view.modifier_of(target, &attribute.name);
            if modifier != "r" {
                let modifier_decl =
                    model.attribute(target, &format!("{}__modifier", attribute.name));
                let span = modifier_decl.map_or(attribute.span, |m| m.span);
                self.error(LsmError::ReadOnlyAttributeWritable {
                    relation: relation_name.to_string(),
                    attribute: attribute.name.clone(),
                    target: model.entity(target).full_name.clone(),
                    modifier: modifier.to_string(),
                    span,
                });
            }
        }
        for ancestor in model.ancestors(target) {
            if self.view.is_lsm_or_std(ancestor) {
                continue;
            }
            for &(relation, end) in &model.entity(ancestor).relation_ends {
                let def = &model.relations[relation.index()];
                let Some(name) = &def.ends[end].name else {
                    continue;
                };
                if name.starts_with('_')
                    || !model.is_subtype(def.ends[end].target, self.view.types.embedded_entity)
                {
                    continue;
                }
                if self.view.relation_modifier(relation) != "r" {
                    self.error(LsmError::ReadOnlyNestedRelation {
                        relation: relation_name.to_string(),
                        nested: name.clone(),
                        span: def.span,
                    });
                }
            }
        }
    }

    fn relation_annotations_are_strings(&mut self, relation: RelationId) {
        let Some(annotations_type) = self.view.types.relation_annotations else {
            return;
        };
        for o in self.view.annotation_objects(relation) {
            if !self
                .model
                .is_subtype(self.statics.object(o).entity, annotations_type)
            {
                continue;
            }
            if let Value::Dict(entries) = self.view.argument(o, "annotations") {
                if let Some((key, _)) = entries
                    .iter()
                    .find(|(_, v)| !matches!(v, Value::Str(_) | Value::Unknown))
                {
                    let span = self.model.relations[relation.index()].span;
                    self.error(LsmError::RelationAnnotationsNotString {
                        key: key.to_string(),
                        span,
                    });
                }
            }
        }
    }

    fn inter_service(&mut self, relation: RelationId, target: EntityId) {
        let bound: Vec<String> = self
            .view
            .services_binding(target)
            .into_iter()
            .map(|i| self.view.services[i].name.clone().unwrap_or_default())
            .collect();
        let span = self.model.relations[relation.index()].span;
        let full = self.model.entity(target).full_name.clone();
        if bound.is_empty() {
            self.error(LsmError::IsrTargetNotBound { target: full, span });
        } else if bound.len() > 1 {
            self.error(LsmError::IsrTargetAmbiguous {
                target: full,
                services: bound,
                span,
            });
        }
    }

    /// `<attr>__modifier`, `<attr>__annotations`, `__annotations`: type, base and default.
    fn meta_attributes(&mut self, entity: EntityId) {
        let model = self.model;
        for &attribute in self.view.lineage.all_attributes(entity).iter() {
            if self.view.is_lsm_or_std(attribute.entity) {
                continue;
            }
            let name = &attribute.name;
            let has_default = matches!(attribute.default, AttrDefault::Value(_));
            if let Some(base) = name.strip_suffix("__modifier").filter(|b| !b.is_empty()) {
                let base_exists = self.view.lineage.attribute(entity, base).is_some()
                    || model.relation_end(entity, base).is_some();
                if !base_exists {
                    self.error(LsmError::ModifierWithoutAttribute {
                        name: name.clone(),
                        base: base.to_string(),
                        entity: model.entity(entity).full_name.clone(),
                        span: attribute.span,
                    });
                    continue;
                }
                let is_modifier_type = matches!(attribute.base, ValueType::Typedef(t) if Some(t) == self.view.types.attribute_modifier);
                if !is_modifier_type || attribute.list {
                    self.error(LsmError::ModifierType {
                        name: name.clone(),
                        written: attribute.type_text(),
                        span: attribute.span,
                    });
                } else if !has_default {
                    self.error(LsmError::ModifierWithoutDefault {
                        name: name.clone(),
                        span: attribute.span,
                    });
                }
            } else if let Some(base) = name.strip_suffix("__annotations") {
                let base_exists = base.is_empty()
                    || self.view.lineage.attribute(entity, base).is_some()
                    || model.relation_end(entity, base).is_some();
                if !base_exists {
                    continue;
                }
                let is_dict = attribute.base
                    == ValueType::Primitive(crate::resolve::Primitive::Dict)
                    && !attribute.list;
                if !is_dict {
                    self.error(LsmError::AnnotationsType {
                        name: name.clone(),
                        written: attribute.type_text(),
                        span: attribute.span,
                    });
                } else if !has_default {
                    self.error(LsmError::AnnotationsWithoutDefault {
                        name: name.clone(),
                        span: attribute.span,
                    });
                }
            }
        }
    }
}

/// The attribute an example index names: `name` when the entity has it, else its first plain
/// attribute (not private, not a list, not nullable, not a `__` companion), else `name`.
fn identifying_attribute(model: &Model, entity: EntityId) -> String {
    let plain: Vec<&str> = model
        .all_attributes(entity)
        .into_iter()
        .filter(|a| !a.name.starts_with('_') && !a.name.contains("__") && !a.list && !a.nullable)
        .map(|a| a.name.as_str())
        .collect();
    plain
        .iter()
        .find(|n| **n == "name")
        .or(plain.first())
        .unwrap_or(&"name")
        .to_string()
}
