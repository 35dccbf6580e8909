//! What the LSM rules ([`super::lsm_rules`]) and the catalog export (`crate::export`) both read
//! from a model: the services and their versions (from the bindings' static values), which members
//! of an entity are part of the service API, modifiers, relation annotations, the key attributes of
//! embedded entities, defaults, descriptions and the states of a lifecycle.
//!
//! Everything here comes from the resolved model and the statics; nothing is evaluated.

use crate::ast::Expr;
use crate::check::lineage::{self, Lineage};
use crate::check::statics::{ObjectId, Statics, Value};
use crate::resolve::{
    AttributeDef, Default as AttrDefault, EntityId, Model, RelationId, TypedefId, ValueType,
};
use crate::source::Span;

/// The lsm entities the rules and the export refer to.
#[derive(Debug, Clone)]
pub struct LsmTypes {
    pub service_entity: EntityId,
    pub embedded_entity: EntityId,
    pub entity_binding: EntityId,
    pub service_binding: EntityId,
    pub relationship_metadata: Option<EntityId>,
    pub inter_service_relation: Option<EntityId>,
    pub relation_annotations: Option<EntityId>,
    pub attribute_modifier: Option<TypedefId>,
}

impl LsmTypes {
    pub fn find(model: &Model) -> Option<LsmTypes> {
        let known = &model.well_known;
        Some(LsmTypes {
            service_entity: known.service_entity?,
            embedded_entity: known.embedded_entity?,
            entity_binding: known.entity_binding?,
            service_binding: known.service_binding?,
            relationship_metadata: known.relationship_metadata,
            inter_service_relation: known.inter_service_relation,
            relation_annotations: known.relation_annotations,
            attribute_modifier: known.attribute_modifier,
        })
    }
}

/// One version of a service: the entity it binds and how.
#[derive(Debug, Clone)]
pub struct Version {
    /// The `ServiceEntityBinding[V2]` or `ServiceBindingVersion` object.
    pub object: ObjectId,
    pub entity: Option<EntityId>,
    pub strict: bool,
    pub version: i64,
    pub span: Span,
}

/// A service: a `ServiceEntityBinding[V2]` (one version) or a `ServiceBinding` (several).
#[derive(Debug, Clone)]
pub struct Service {
    pub object: ObjectId,
    pub name: Option<String>,
    /// Whether this is an `lsm::ServiceBinding` (a versioned service).
    pub versioned: bool,
    /// In the order written (not sorted).
    pub versions: Vec<Version>,
    pub span: Span,
}

/// How a relation of a service or embedded entity takes part in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    /// Annotated `lsm::__service__`.
    InterService,
    /// To an `lsm::EmbeddedEntity` (sub)type.
    Embedded,
    /// To anything else: an error (`lsm.NotEmbeddedEntity`).
    NotEmbedded,
}

/// A public relation of an entity (its own or inherited, not declared by lsm or std).
#[derive(Debug, Clone)]
pub struct RelationMember {
    pub relation: RelationId,
    /// The index of this entity's end in the relation.
    pub end: usize,
    pub name: String,
    pub kind: MemberKind,
}

/// The key attributes of an embedded entity in one relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    /// Sorted: `__lsm_key_attributes`, the plain attributes of the one qualifying index, or
    /// nothing (upper arity 1 without a qualifying index).
    Keys(Vec<String>),
    /// `__lsm_key_attributes` (as written) is not the plain attributes of a qualifying index.
    DeclaredWithoutIndex(Vec<String>),
    /// Several qualifying indexes and no `__lsm_key_attributes`.
    Ambiguous,
    /// Upper arity above 1 and no qualifying index.
    NoQualifying,
}

/// The shared view of the LSM parts of a model.
pub struct LsmView<'m> {
    pub model: &'m Model,
    pub statics: &'m Statics,
    pub types: LsmTypes,
    /// Every binding, in source order.
    pub services: Vec<Service>,
    /// What is read of each entity's ancestors, made once.
    pub lineage: Lineage<'m>,
}

impl<'m> LsmView<'m> {
    /// `None` when the model does not use the lsm module.
    pub fn new(model: &'m Model, statics: &'m Statics) -> Option<LsmView<'m>> {
        let types = LsmTypes::find(model)?;
        let mut view = LsmView {
            model,
            statics,
            types,
            services: Vec::new(),
            lineage: Lineage::new(model),
        };
        view.services = view.collect_services();
        Some(view)
    }

    /// The value of an argument of a constructor call, or the attribute's default.
    pub fn argument(&self, object: ObjectId, name: &str) -> Value {
        let o = self.statics.object(object);
        if let Some(v) = o.argument(name) {
            return v.clone();
        }
        match self.model.attribute(o.entity, name).map(|a| &a.default) {
            Some(AttrDefault::Value(e)) => literal(e),
            _ => Value::Unknown,
        }
    }

    /// The object an argument refers to (`None` for null, missing or unknown values).
    pub fn object_argument(&self, object: ObjectId, name: &str) -> Option<ObjectId> {
        self.argument(object, name).as_object()
    }

    fn collect_services(&self) -> Vec<Service> {
        let mut services = Vec::new();
        for (i, object) in self.statics.objects.iter().enumerate() {
            let id = ObjectId(i as u32);
            let name = || {
                self.argument(id, "service_entity_name")
                    .as_str()
                    .map(str::to_string)
            };
            if self
                .model
                .is_subtype(object.entity, self.types.entity_binding)
            {
                services.push(Service {
                    object: id,
                    name: name(),
                    versioned: false,
                    versions: vec![self.version(id, 0)],
                    span: object.span,
                });
            } else if self
                .model
                .is_subtype(object.entity, self.types.service_binding)
            {
                let versions = match self.argument(id, "versions") {
                    Value::List(items) => items
                        .iter()
                        .filter_map(Value::as_object)
                        .map(|v| {
                            let number = match self.argument(v, "version") {
                                Value::Int(n) => n,
                                _ => 0,
                            };
                            self.version(v, number)
                        })
                        .collect(),
                    Value::Object(v) => vec![self.version(v, 0)],
                    _ => Vec::new(),
                };
                services.push(Service {
                    object: id,
                    name: name(),
                    versioned: true,
                    versions,
                    span: object.span,
                });
            }
        }
        services.sort_by_key(|s| (s.span.file, s.span.start));
        services
    }

    fn version(&self, object: ObjectId, number: i64) -> Version {
        let entity = self
            .argument(object, "service_entity")
            .as_str()
            .and_then(|name| self.model.entity_by_name(name));
        let strict = matches!(
            self.argument(object, "strict_modifier_enforcement"),
            Value::Bool(true)
        );
        Version {
            object,
            entity,
            strict,
            version: number,
            span: self.statics.object(object).span,
        }
    }

    /// The service whose binding, or one of whose versions, is this object.
    pub fn service_of(&self, object: ObjectId) -> Option<usize> {
        self.services
            .iter()
            .position(|s| s.object == object || s.versions.iter().any(|v| v.object == object))
    }

    /// The services that have a version binding `target` or one of its subtypes (each once).
    pub fn services_binding(&self, target: EntityId) -> Vec<usize> {
        (0..self.services.len())
            .filter(|&i| {
                self.services[i]
                    .versions
                    .iter()
                    .any(|v| v.entity.is_some_and(|e| self.model.is_subtype(e, target)))
            })
            .collect()
    }

    /// Whether an entity belongs to the lsm or std module (its members are not API members).
    pub fn is_lsm_or_std(&self, entity: EntityId) -> bool {
        lineage::is_lsm_or_std(self.model, entity)
    }

    /// Whether an attribute is part of the service API (rule 3.1 of the catalog format).
    pub fn is_catalog_attribute(
        &self,
        entity: EntityId,
        name: &str,
        declared_by: EntityId,
    ) -> bool {
        !self.is_lsm_or_std(declared_by)
            && !name.starts_with('_')
            && self.meta_base(entity, name).is_none()
    }

    /// For `<base>__modifier|__annotations|__description` with an existing base: the base.
    pub fn meta_base(&self, entity: EntityId, name: &str) -> Option<String> {
        for suffix in ["__modifier", "__annotations", "__description"] {
            if let Some(base) = name.strip_suffix(suffix) {
                if !base.is_empty()
                    && (self.model.attribute(entity, base).is_some()
                        || self.model.relation_end(entity, base).is_some())
                {
                    return Some(base.to_string());
                }
            }
        }
        None
    }

    /// The names of the API attributes of an entity (own ones first).
    pub fn catalog_attributes(&self, entity: EntityId) -> Vec<String> {
        self.model
            .all_attributes(entity)
            .iter()
            .filter(|a| self.is_catalog_attribute(entity, &a.name, a.entity))
            .map(|a| a.name.clone())
            .collect()
    }

    /// The API attributes of an entity in catalog order (catalog format 3.2): declaration order,
    /// parents first (in `extends` order, recursively); a name keeps the place of its first
    /// declaration, the definition is the most derived one.
    pub fn catalog_attributes_in_order(&self, entity: EntityId) -> Vec<&'m AttributeDef> {
        fn visit(model: &Model, entity: EntityId, seen: &mut Vec<String>, depth: usize) {
            if depth > 64 {
                return;
            }
            for parent in &model.entity(entity).parents {
                visit(model, *parent, seen, depth + 1);
            }
            for attribute in &model.entity(entity).attributes {
                if !seen.contains(&attribute.name) {
                    seen.push(attribute.name.clone());
                }
            }
        }
        let mut names = Vec::new();
        visit(self.model, entity, &mut names, 0);
        let model: &'m Model = self.model;
        names
            .iter()
            .filter_map(|name| model.attribute(entity, name))
            .filter(|a| self.is_catalog_attribute(entity, &a.name, a.entity))
            .collect()
    }

    /// The modifier of a member: the default of `<name>__modifier`, else `rw`.
    pub fn modifier_of(&self, entity: EntityId, name: &str) -> String {
        match self
            .model
            .attribute(entity, &format!("{name}__modifier"))
            .map(|a| &a.default)
        {
            Some(AttrDefault::Value(e)) => literal(e).as_str().unwrap_or("rw").to_string(),
            _ => "rw".to_string(),
        }
    }

    /// The default of an attribute as Inmanta computes it (`Entity.get_default_values`): the
    /// entity's own declaration (a default, or `= undef` which erases it), else the first parent
    /// (left-most first) that has one.
    pub fn default_of(&self, entity: EntityId, name: &str) -> Option<&'m Expr> {
        fn find<'a>(
            model: &'a Model,
            entity: EntityId,
            name: &str,
            depth: usize,
        ) -> Option<&'a Expr> {
            if depth > 64 {
                return None;
            }
            let def = model.entity(entity);
            if let Some(own) = def.attributes.iter().find(|a| a.name == name) {
                match &own.default {
                    AttrDefault::Value(e) => return Some(e),
                    AttrDefault::Undef => return None,
                    AttrDefault::None => {}
                }
            }
            def.parents
                .iter()
                .find_map(|p| find(model, *p, name, depth + 1))
        }
        find(self.model, entity, name, 0)
    }

    /// The primitive a value type stands for (through typedefs).
    pub fn primitive_of(&self, mut t: ValueType) -> Option<&'static str> {
        for _ in 0..32 {
            match t {
                ValueType::Primitive(p) => return Some(p.name()),
                ValueType::Typedef(id) => t = self.model.typedef(id).base,
                ValueType::Unknown => return None,
            }
        }
        None
    }

    /// The relation annotation objects of a relation.
    pub fn annotation_objects(&self, relation: RelationId) -> Vec<ObjectId> {
        let def = &self.model.relations[relation.index()];
        def.annotations
            .iter()
            .filter_map(|annotation| self.static_value(annotation).as_object())
            .collect()
    }

    fn static_value(&self, expr: &Expr) -> Value {
        // Annotations are names of top-level variables or constructor calls: both were evaluated
        // when the statics were collected; find the object by its place for calls.
        match &expr.kind {
            crate::ast::ExprKind::Construct { .. } => self
                .statics
                .objects
                .iter()
                .position(|o| o.span == expr.span)
                .map(|i| Value::Object(ObjectId(i as u32)))
                .unwrap_or(Value::Unknown),
            crate::ast::ExprKind::Var { .. } => self.statics.peek(self.model, expr),
            _ => Value::Unknown,
        }
    }

    fn annotation_of_type(&self, relation: RelationId, t: Option<EntityId>) -> Option<ObjectId> {
        let t = t?;
        self.annotation_objects(relation)
            .into_iter()
            .find(|o| self.model.is_subtype(self.statics.object(*o).entity, t))
    }

    /// `r`, `rw` or `rw+` from `lsm::__r__`/`__rw__`/`__rwplus__`; `rw` for `--`.
    pub fn relation_modifier(&self, relation: RelationId) -> String {
        match self.annotation_of_type(relation, self.types.relationship_metadata) {
            Some(o) => self
                .argument(o, "modifier")
                .as_str()
                .unwrap_or("rw")
                .to_string(),
            None => "rw".to_string(),
        }
    }

    pub fn is_inter_service(&self, relation: RelationId) -> bool {
        self.annotation_of_type(relation, self.types.inter_service_relation)
            .is_some()
    }

    /// The `annotations` of an `lsm::RelationAnnotations` among the relation's annotations.
    pub fn relation_annotations(&self, relation: RelationId) -> Option<Value> {
        self.annotation_of_type(relation, self.types.relation_annotations)
            .map(|o| self.argument(o, "annotations"))
    }

    /// The public relations of an entity, sorted by name: own and inherited ones, not declared
    /// by lsm or std, not starting with `_`, and not `via` (the relation through which an
    /// embedded entity is reached: its back-reference is not one of its members).
    pub fn relation_members(
        &self,
        entity: EntityId,
        via: Option<RelationId>,
    ) -> Vec<RelationMember> {
        let model = self.model;
        let mut ends: Vec<(RelationId, usize)> = self.lineage.relation_ends(entity).to_vec();
        ends.sort_by(|a, b| {
            let na = &model.relations[a.0.index()].ends[a.1].name;
            let nb = &model.relations[b.0.index()].ends[b.1].name;
            na.cmp(nb)
        });
        let mut members = Vec::new();
        for (relation, end) in ends {
            let this = &model.relations[relation.index()].ends[end];
            let Some(name) = this.name.clone() else {
                continue;
            };
            if name.starts_with('_') || Some(relation) == via {
                continue;
            }
            let kind = if self.is_inter_service(relation) {
                MemberKind::InterService
            } else if self
                .lineage
                .is_subtype(this.target, self.types.embedded_entity)
            {
                MemberKind::Embedded
            } else {
                MemberKind::NotEmbedded
            };
            members.push(RelationMember {
                relation,
                end,
                name,
                kind,
            });
        }
        members
    }

    /// The name of the other end of a relation (the back-reference from the embedded entity),
    /// when it has one.
    pub fn back_reference(&self, relation: RelationId, end: usize) -> Option<String> {
        let def = &self.model.relations[relation.index()];
        let this = &def.ends[end];
        let other = &def.ends[1 - end];
        other
            .name
            .clone()
            .filter(|_| !(other.owner == this.owner && other.name == this.name))
    }

    /// The plain attributes of each qualifying index of `target` (catalog format 5): at least
    /// one plain attribute, all public, and no relation but the back-reference.
    pub fn qualifying_indexes(
        &self,
        target: EntityId,
        back_reference: Option<&str>,
    ) -> Vec<Vec<String>> {
        let model = self.model;
        model
            .all_indexes(target)
            .iter()
            .filter_map(|index| {
                let plain: Vec<String> = index
                    .attributes
                    .iter()
                    .filter(|a| model.attribute(target, a).is_some())
                    .cloned()
                    .collect();
                let relations_ok = index
                    .attributes
                    .iter()
                    .filter(|a| model.attribute(target, a).is_none())
                    .all(|a| back_reference == Some(a.as_str()));
                (!plain.is_empty() && plain.iter().all(|a| !a.starts_with('_')) && relations_ok)
                    .then_some(plain)
            })
            .collect()
    }

    /// The default of `__lsm_key_attributes` when it is a list (not null).
    pub fn declared_key_attributes(&self, target: EntityId) -> Option<Vec<String>> {
        let attribute = self.model.attribute(target, "__lsm_key_attributes")?;
        match &attribute.default {
            AttrDefault::Value(e) => match literal(e) {
                Value::List(items) => Some(
                    items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                ),
                _ => None,
            },
            _ => None,
        }
    }

    /// Which attributes identify the items of an embedded entity in a relation (catalog format
    /// 5, `key_attributes`, without the strict/legacy decision).
    pub fn key_attributes(
        &self,
        target: EntityId,
        back_reference: Option<&str>,
        upper_above_one: bool,
    ) -> KeyOutcome {
        let qualifying = self.qualifying_indexes(target, back_reference);
        if let Some(declared) = self.declared_key_attributes(target) {
            let mut wanted = declared.clone();
            wanted.sort();
            let mut set = wanted.clone();
            set.dedup();
            let found = qualifying.iter().any(|q| {
                let mut q = q.clone();
                q.sort();
                q.dedup();
                q == set
            });
            return if found {
                KeyOutcome::Keys(wanted)
            } else {
                KeyOutcome::DeclaredWithoutIndex(declared)
            };
        }
        match qualifying.len() {
            1 => {
                let mut keys = qualifying[0].clone();
                keys.sort();
                KeyOutcome::Keys(keys)
            }
            0 if upper_above_one => KeyOutcome::NoQualifying,
            0 => KeyOutcome::Keys(Vec::new()),
            _ => KeyOutcome::Ambiguous,
        }
    }

    /// The states of a lifecycle object: its initial state, then every source, target and error
    /// of its transfers in order, each object once (catalog format 7).
    pub fn lifecycle_states(&self, lifecycle: ObjectId) -> Vec<ObjectId> {
        let mut states = Vec::new();
        let mut add = |s: Option<ObjectId>| {
            if let Some(s) = s {
                if !states.contains(&s) {
                    states.push(s);
                }
            }
        };
        add(self.object_argument(lifecycle, "initial_state"));
        for transfer in self.lifecycle_transfers(lifecycle) {
            for end in ["source", "target", "error"] {
                add(self.object_argument(transfer, end));
            }
        }
        states
    }

    /// The transfer objects of a lifecycle, in the order written.
    pub fn lifecycle_transfers(&self, lifecycle: ObjectId) -> Vec<ObjectId> {
        match self.argument(lifecycle, "transfers") {
            Value::List(items) => items.iter().filter_map(Value::as_object).collect(),
            Value::Object(o) => vec![o],
            _ => Vec::new(),
        }
    }

    /// The docstring description of an entity (catalog format 3.3).
    pub fn entity_description(&self, entity: EntityId) -> Option<String> {
        let doc = self.model.entity(entity).doc.as_deref()?;
        crate::docstring::parse(doc).description()
    }

    /// The description of a member of an entity (catalog format 3.3): `:attr <name>:` in the
    /// docstring of the entity, else of its parents (depth first, left to right), else the
    /// default of `<name>__description`.
    pub fn member_description(&self, entity: EntityId, name: &str) -> Option<String> {
        fn chain(model: &Model, entity: EntityId, out: &mut Vec<EntityId>, depth: usize) {
            if depth > 64 {
                return;
            }
            for parent in &model.entity(entity).parents {
                out.push(*parent);
                chain(model, *parent, out, depth + 1);
            }
        }
        let mut entities = vec![entity];
        chain(self.model, entity, &mut entities, 0);
        for e in entities {
            if let Some(doc) = self.model.entity(e).doc.as_deref() {
                if let Some(text) = crate::docstring::parse(doc).attribute(name) {
                    return Some(text.to_string());
                }
            }
        }
        let meta = format!("{name}__description");
        self.model.attribute(entity, &meta)?;
        match self.default_of(entity, &meta).map(literal) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }
}

/// The value of a constant expression (attribute defaults).
pub fn literal(expr: &Expr) -> Value {
    use crate::ast::ExprKind;
    match &expr.kind {
        ExprKind::Int { value } => Value::Int(*value),
        ExprKind::Float { value } => Value::Float(*value),
        ExprKind::Bool { value } => Value::Bool(*value),
        ExprKind::Null => Value::Null,
        ExprKind::Str { value } => Value::Str(value.clone()),
        ExprKind::List { items } => Value::List(items.iter().map(literal).collect()),
        ExprKind::Dict { entries } => Value::Dict(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), literal(v)))
                .collect(),
        ),
        _ => Value::Unknown,
    }
}
