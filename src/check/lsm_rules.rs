//! The LSM rules: bindings, service entities and their embedded entities, checked from the model
//! alone (no inventory, no evaluation). The rules, their names and where each error points are
//! those of `../shared/conformance/lsm/RULES.md`.
//!
//! Strict rules hold for bindings whose `strict_modifier_enforcement` is true; an embedded entity
//! reached from several bindings is checked once per binding, in that binding's mode, and the
//! same error found twice is reported once.

use std::collections::HashSet;

use crate::check::statics::{ObjectId, Statics, Value};
use crate::check::view::{KeyOutcome, LsmView, MemberKind};
pub use crate::check::view::{Service, Version};
use crate::diagnostics::{codes, Code, Diagnostic, Label};
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
        diagnostics: Vec::new(),
    };
    checker.binding_rules();
    checker.lifecycle_rules();
    let services = checker.view.services.clone();
    for service in &services {
        for version in &service.versions {
            let Some(entity) = version.entity else {
                continue;
            };
            if !model.is_subtype(entity, checker.view.types.service_entity) {
                continue;
            }
            checker.walk(entity, version.strict, &mut vec![entity], None);
        }
    }
    let mut seen = HashSet::new();
    checker
        .diagnostics
        .retain(|d| seen.insert((d.code.id, d.primary_span().map(|s| (s.file, s.start)))));
    for d in &mut checker.diagnostics {
        if d.help.is_none() {
            d.help = default_fix(d.code).map(str::to_string);
        }
    }
    checker.diagnostics
}

/// The usual fix of a rule, for the diagnostics that have no more specific help.
fn default_fix(code: crate::diagnostics::Code) -> Option<&'static str> {
    Some(match code.id {
        id if id == codes::DUPLICATE_SERVICE_NAME.id => "give each binding its own `service_entity_name`",
        id if id == codes::DUPLICATE_VERSION.id => "number the versions of a service binding differently",
        id if id == codes::NOT_SERVICE_ENTITY.id => {
            "make the entity extend lsm::ServiceEntity, or bind the service entity that holds it"
        }
        id if id == codes::SERVICE_IDENTITY_MODIFIER.id => {
            "drop the identity attribute's `__modifier` (it is `rw` by default), or pick an `rw` attribute"
        }
        id if id == codes::SERVICE_IDENTITY_TYPE.id => {
            "pick a `string` or `int` attribute that is not nullable as the service identity"
        }
        id if id == codes::DUPLICATE_STATE_NAME.id => "give every state of a lifecycle its own name, or reuse the one state",
        id if id == codes::OWNERSHIP_CYCLE.id => "remove the `owner` of one of the bindings in the cycle",
        id if id == codes::EMBEDDED_CYCLE.id => {
            "an embedded entity can not contain itself: make the inner relation an inter-service relation or drop it"
        }
        id if id == codes::BACK_REFERENCE_ARITY.id => "give the back-reference arity [1] (or [0:1])",
        id if id == codes::KEY_ATTRIBUTES_WITHOUT_INDEX.id => {
            "list the plain attributes of one index of the embedded entity in `__lsm_key_attributes`"
        }
        id if id == codes::KEY_INDEX_WITHOUT_ATTRIBUTE.id => {
            "add an index with at least one public plain attribute (and at most the back-reference)"
        }
        id if id == codes::KEY_INDEX_PRIVATE_ATTRIBUTE.id => {
            "index the embedded entity on public attributes (names without a leading `_`)"
        }
        id if id == codes::KEY_INDEX_FOREIGN_RELATION.id => {
            "index the embedded entity on its attributes and the back-reference of this relation only"
        }
        id if id == codes::ISR_TARGET_NOT_BOUND.id => "bind the target entity with a service entity binding",
        id if id == codes::ISR_TARGET_AMBIGUOUS.id => {
            "point the inter-service relation at an entity that exactly one service binds"
        }
        id if id == codes::MODIFIER_WITHOUT_ATTRIBUTE.id => {
            "rename the modifier `<attribute>__modifier` after an existing attribute, or remove it"
        }
        id if id == codes::ANNOTATIONS_TYPE.id => "declare annotations as `dict <attribute>__annotations = {...}`",
        id if id == codes::UNKNOWN_SERVICE_ENTITY.id => {
            "write the full name of the entity, e.g. `__config__::MyService`"
        }
        _ => return None,
    })
}

struct Checker<'m> {
    model: &'m Model,
    statics: &'m Statics,
    view: LsmView<'m>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, code: Code, message: String, span: Span, label: &str) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, message).with_label(Label::primary(span, label)));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn binding_rules(&mut self) {
        let services = self.view.services.clone();
        let mut names: Vec<(String, Span)> = Vec::new();
        for service in &services {
            if let Some(name) = &service.name {
                if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                    let first = *first;
                    self.error(
                        codes::DUPLICATE_SERVICE_NAME,
                        format!("Two bindings use the service entity name `{name}`"),
                        service.span,
                        "this binding",
                    )
                    .labels
                    .push(Label::secondary(first, "the name is first used here"));
                } else {
                    names.push((name.clone(), service.span));
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
                        self.error(
                            codes::DUPLICATE_VERSION,
                            format!(
                                "Version {} of service `{}` is defined twice",
                                version.version,
                                service.name.as_deref().unwrap_or("?")
                            ),
                            version.span,
                            "this version number is already used",
                        )
                        .labels
                        .push(Label::secondary(first, "first defined here"));
                    } else {
                        seen.push((version.version, version.span));
                    }
                }
                if let Value::Int(default) = self.view.argument(service.object, "default_version") {
                    if !service.versions.is_empty()
                        && !service.versions.iter().any(|v| v.version == default)
                    {
                        let versions: Vec<String> = service
                            .versions
                            .iter()
                            .map(|v| v.version.to_string())
                            .collect();
                        self.error(
                            codes::DEFAULT_VERSION_MISSING,
                            format!(
                                "default_version {default} is not one of the versions of service `{}` ({})",
                                service.name.as_deref().unwrap_or("?"),
                                versions.join(", ")
                            ),
                            service.span,
                            "this binding",
                        )
                        .help = Some("set default_version to one of the versions' `version`".into());
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
            let d = self.error(
                codes::UNKNOWN_SERVICE_ENTITY,
                format!("service_entity `{name}` names no entity type"),
                version.span,
                "this binding",
            );
            if let Some(s) = crate::diagnostics::suggest::did_you_mean(
                name,
                candidates.iter().map(String::as_str),
            ) {
                d.help = Some(format!("did you mean `{s}`?"));
            } else {
                d.help =
                    Some("write the full name of the entity, e.g. `__config__::MyService`".into());
            }
            return;
        };
        if !self
            .model
            .is_subtype(entity, self.view.types.service_entity)
        {
            let full = self.model.entity(entity).full_name.clone();
            let entity_span = self.model.entity(entity).name_span;
            self.error(
                codes::NOT_SERVICE_ENTITY,
                format!("service_entity `{full}` does not extend lsm::ServiceEntity"),
                version.span,
                "this binding",
            )
            .labels
            .push(Label::secondary(entity_span, "defined here"));
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
                    let d = self.error(
                        codes::SERVICE_IDENTITY_UNKNOWN,
                        format!("service_identity `{identity}` is not an attribute of {full}"),
                        version.span,
                        "this binding",
                    );
                    if let Some(s) = crate::diagnostics::suggest::did_you_mean(
                        identity,
                        candidates.iter().map(String::as_str),
                    ) {
                        d.help = Some(format!("did you mean `{s}`?"));
                    }
                }
                Some(a) => {
                    let a = a.clone();
                    let modifier = self.view.modifier_of(entity, &a.name);
                    if modifier != "rw" {
                        self.error(
                            codes::SERVICE_IDENTITY_MODIFIER,
                            format!("the service identity `{identity}` of {full} is `{modifier}`, it must be `rw`"),
                            version.span,
                            "this binding",
                        )
                        .labels
                        .push(Label::secondary(a.span, "declared here"));
                    } else if a.nullable
                        || a.list
                        || !matches!(self.view.primitive_of(a.base), Some("string") | Some("int"))
                    {
                        self.error(
                            codes::SERVICE_IDENTITY_TYPE,
                            format!(
                                "the service identity `{identity}` of {full} is `{}`: it must be a string or int that is not nullable",
                                a.type_text()
                            ),
                            version.span,
                            "this binding",
                        )
                        .labels
                        .push(Label::secondary(a.span, "declared here"));
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
                    self.error(
                        codes::DUPLICATE_STATE_NAME,
                        format!(
                            "lifecycle `{lifecycle_name}` has two different states named `{name}`"
                        ),
                        span,
                        "this state",
                    )
                    .labels
                    .push(Label::secondary(first, "the other state with this name"));
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
                        let mut d = Diagnostic::error(
                            codes::OWNERSHIP_CYCLE,
                            format!(
                                "The owners of these services form a cycle: {}",
                                names.join(" -> ")
                            ),
                        )
                        .with_label(Label::primary(
                            services[first].span,
                            "this binding is its own owner",
                        ));
                        for i in &cycle {
                            if *i != first {
                                d = d.with_label(Label::secondary(
                                    services[*i].span,
                                    "part of the cycle",
                                ));
                            }
                        }
                        self.diagnostics.push(d);
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
                let full = model.entity(target).full_name.clone();
                self.error(
                    codes::NOT_EMBEDDED_ENTITY,
                    format!(
                        "relation `{name}` of {} points to {full}, which is not an lsm::EmbeddedEntity",
                        model.entity(entity).full_name
                    ),
                    def.span,
                    "this relation",
                )
                .help = Some(format!(
                    "make {full} extend lsm::EmbeddedEntity, mark the relation `lsm::__service__` for a relation to another service, or name it `_{name}` to keep it out of the API"
                ));
                continue;
            }
            self.embedded_relation(entity, relation, end, strict);
            if stack.contains(&target) {
                let full = model.entity(target).full_name.clone();
                self.error(
                    codes::EMBEDDED_CYCLE,
                    format!("embedded entity {full} contains itself through relation `{name}`"),
                    def.span,
                    "this relation closes the cycle",
                );
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
                self.error(
                    codes::BACK_REFERENCE_NOT_PRIVATE,
                    format!("the back-reference `{back}` from {target_name} to its embedding entity must start with `_`"),
                    def.span,
                    "this relation",
                )
                .help = Some(format!("rename it `_{back}`"));
            }
            if other.upper != Some(1) {
                self.error(
                    codes::BACK_REFERENCE_ARITY,
                    format!("the back-reference `{back}` from {target_name} must have arity [1] or [0:1]"),
                    def.span,
                    "this relation",
                );
            }
        }
        if !strict {
            return;
        }
        let upper_above_one = this.upper.is_none_or(|u| u > 1);
        let indexes = model.all_indexes(target);
        if upper_above_one && indexes.is_empty() {
            self.error(
                codes::MISSING_INDEX,
                format!(
                    "relation `{name}` holds several {target_name} but {target_name} has no index to identify them"
                ),
                def.span,
                "this relation",
            )
            .help = Some(format!("add an index on the attributes that identify one, e.g. `index {}(name)`", model.entity(target).name));
        }
        // Which attributes identify an embedded entity.
        let key: Option<Vec<String>> = match self.view.key_attributes(
            target,
            back_reference.as_deref(),
            upper_above_one,
        ) {
            KeyOutcome::Keys(keys) => Some(keys),
            KeyOutcome::DeclaredWithoutIndex(declared) => {
                let decl = model
                    .attribute(target, "__lsm_key_attributes")
                    .map(|a| a.span)
                    .unwrap_or(def.span);
                self.error(
                    codes::KEY_ATTRIBUTES_WITHOUT_INDEX,
                    format!(
                        "__lsm_key_attributes of {target_name} ({}) are not the attributes of one of its indexes",
                        declared.join(", ")
                    ),
                    decl,
                    "these key attributes",
                );
                None
            }
            KeyOutcome::Ambiguous => {
                let entity_line = model.entity(target).span;
                let entity_start = Span {
                    end: model.entity(target).name_span.end,
                    ..entity_line
                };
                self.error(
                    codes::AMBIGUOUS_KEY_INDEX,
                    format!("{target_name} has several indexes that could identify it, and no __lsm_key_attributes"),
                    entity_start,
                    "this embedded entity",
                )
                .help = Some("add `string[]? __lsm_key_attributes = [\"...\"]` naming the attributes of one index".into());
                None
            }
            KeyOutcome::NoQualifying => {
                if let Some(first) = indexes.iter().min_by_key(|i| (i.span.file, i.span.start)) {
                    let plain: Vec<&String> = first
                        .attributes
                        .iter()
                        .filter(|a| model.attribute(target, a).is_some())
                        .collect();
                    let foreign = first.attributes.iter().find(|a| {
                        model.attribute(target, a).is_none()
                            && back_reference.as_deref() != Some(a.as_str())
                    });
                    let (code, message) = if plain.is_empty() {
                        (
                            codes::KEY_INDEX_WITHOUT_ATTRIBUTE,
                            "has no plain attribute to identify an item".to_string(),
                        )
                    } else if let Some(p) = plain.iter().find(|a| a.starts_with('_')) {
                        (
                            codes::KEY_INDEX_PRIVATE_ATTRIBUTE,
                            format!("holds the private attribute `{p}`"),
                        )
                    } else if let Some(f) = foreign {
                        (codes::KEY_INDEX_FOREIGN_RELATION, format!("holds the relation `{f}`, which is not the back-reference of `{name}`"))
                    } else {
                        (
                            codes::KEY_INDEX_WITHOUT_ATTRIBUTE,
                            "can not identify an item".to_string(),
                        )
                    };
                    self.error(
                        code,
                        format!("the index of {target_name} {message}, so it can not identify the items of relation `{name}`"),
                        first.span,
                        "this index",
                    );
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
                self.error(
                    codes::KEY_ATTRIBUTE_RW_PLUS,
                    format!("`{key_name}` identifies {target_name} in relation `{name}`, so it can not be `rw+`"),
                    span,
                    "this modifier",
                )
                .help = Some("an identifying attribute can not change: make it `rw` or `r`".into());
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
                self.error(
                    codes::READ_ONLY_RELATION_WRITABLE,
                    format!(
                        "relation `{relation_name}` is read-only (lsm::__r__) but attribute `{}` of {} is `{modifier}`",
                        attribute.name,
                        model.entity(target).full_name
                    ),
                    span,
                    "this attribute",
                )
                .help = Some(format!("declare `lsm::attribute_modifier {}__modifier = \"r\"`", attribute.name));
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
                    self.error(
                        codes::READ_ONLY_RELATION_WRITABLE,
                        format!("relation `{relation_name}` is read-only (lsm::__r__) but the nested relation `{name}` is not"),
                        def.span,
                        "this relation",
                    )
                    .help = Some("annotate the nested relation with lsm::__r__".into());
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
                    self.error(
                        codes::RELATION_ANNOTATIONS_NOT_STRING,
                        format!("the relation annotation `{key}` is not a string"),
                        span,
                        "this relation",
                    )
                    .help = Some("relation annotations are strings: quote the value".into());
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
            self.error(
                codes::ISR_TARGET_NOT_BOUND,
                format!("no service binds {full}, the target of this inter-service relation"),
                span,
                "this relation",
            );
        } else if bound.len() > 1 {
            self.error(
                codes::ISR_TARGET_AMBIGUOUS,
                format!("several services bind {full}: {}", bound.join(", ")),
                span,
                "this relation",
            );
        }
    }

    /// `<attr>__modifier`, `<attr>__annotations`, `__annotations`: type, base and default.
    fn meta_attributes(&mut self, entity: EntityId) {
        let model = self.model;
        for attribute in model.all_attributes(entity) {
            if self.view.is_lsm_or_std(attribute.entity) {
                continue;
            }
            let name = &attribute.name;
            let has_default = matches!(attribute.default, AttrDefault::Value(_));
            if let Some(base) = name.strip_suffix("__modifier").filter(|b| !b.is_empty()) {
                let base_exists = model.attribute(entity, base).is_some()
                    || model.relation_end(entity, base).is_some();
                if !base_exists {
                    self.error(
                        codes::MODIFIER_WITHOUT_ATTRIBUTE,
                        format!(
                            "`{name}` is the modifier of `{base}`, which is no attribute of {}",
                            model.entity(entity).full_name
                        ),
                        attribute.span,
                        "this modifier",
                    );
                    continue;
                }
                let is_modifier_type = matches!(attribute.base, ValueType::Typedef(t) if Some(t) == self.view.types.attribute_modifier);
                if !is_modifier_type || attribute.list {
                    self.error(
                        codes::MODIFIER_TYPE,
                        format!(
                            "the modifier `{name}` must have type lsm::attribute_modifier, not {}",
                            attribute.type_text()
                        ),
                        attribute.span,
                        "this modifier",
                    )
                    .help = Some(format!("declare `lsm::attribute_modifier {name} = \"rw\"`"));
                } else if !has_default {
                    self.error(
                        codes::MODIFIER_WITHOUT_DEFAULT,
                        format!("the modifier `{name}` has no default value"),
                        attribute.span,
                        "this modifier",
                    )
                    .help = Some(format!(
                        "give it a value: `lsm::attribute_modifier {name} = \"rw\"`"
                    ));
                }
            } else if let Some(base) = name.strip_suffix("__annotations") {
                let base_exists = base.is_empty()
                    || model.attribute(entity, base).is_some()
                    || model.relation_end(entity, base).is_some();
                if !base_exists {
                    continue;
                }
                let is_dict = attribute.base
                    == ValueType::Primitive(crate::resolve::Primitive::Dict)
                    && !attribute.list;
                if !is_dict {
                    self.error(
                        codes::ANNOTATIONS_TYPE,
                        format!(
                            "the annotations `{name}` must be a dict, not {}",
                            attribute.type_text()
                        ),
                        attribute.span,
                        "these annotations",
                    );
                } else if !has_default {
                    self.error(
                        codes::ANNOTATIONS_WITHOUT_DEFAULT,
                        format!("the annotations `{name}` have no default value"),
                        attribute.span,
                        "these annotations",
                    )
                    .help = Some(format!("give them a value: `dict {name} = {{}}`"));
                }
            }
        }
    }
}
