//! The service catalog export: from the resolved model and the static values of its top-level
//! statements (no inventory, no evaluation), the catalog exactly as
//! `../shared/spec/catalog-format.md` fixes it ([`catalog`]), the JSON Schema of each service
//! version ([`schema`]), the v1 list ([`Catalog::v1`]) and lifecycles as Graphviz DOT ([`dot`]).
//!
//! The export refuses a model for which the LSM rules ([`crate::check::lsm_rules`]) report
//! errors: it returns those diagnostics and no catalog. What it reads from the model is shared
//! with those rules through [`crate::check::view::LsmView`].

pub mod dot;
pub mod error;
pub mod instance;
pub mod previous;
pub mod schema;
pub mod validation_type;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::ast::{Argument, Expr, ExprKind};
use crate::check::statics::{ObjectId, Statics, Value};
use crate::check::view::{literal, KeyOutcome, LsmView, MemberKind, RelationMember};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Def, EntityId, Model, NamespaceId, ValueType};
use crate::source::Span;
use error::ExportError;

/// The catalog file (catalog format 2): one entry per service, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    pub services: Vec<ServiceVersions>,
}

/// A service with its versions (the v2 `ServiceEntityVersions`, with the name in front).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceVersions {
    pub name: String,
    pub default_version: i64,
    /// Sorted by version.
    pub versions: Vec<ServiceEntity>,
}

/// One version of a service (catalog format 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceEntity {
    pub name: String,
    pub version: i64,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
    pub embedded_entities: Vec<EmbeddedEntity>,
    pub inter_service_relations: Vec<InterServiceRelation>,
    pub lifecycle: Lifecycle,
    pub config: Map<String, Json>,
    pub service_identity: Option<String>,
    pub service_identity_display_name: Option<String>,
    pub strict_modifier_enforcement: bool,
    pub entity_annotations: Json,
    pub owner: Option<String>,
    pub relation_to_owner: Option<String>,
    pub owned_entities: Vec<String>,
}

/// An attribute (catalog format 4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub modifier: String,
    pub description: Option<String>,
    pub default_value: Json,
    pub default_value_set: bool,
    pub validation_type: Option<String>,
    pub validation_parameters: Json,
    pub attribute_annotations: Json,
}

/// A relation to an embedded entity (catalog format 5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmbeddedEntity {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub description: Option<String>,
    pub modifier: String,
    pub lower_limit: i64,
    pub upper_limit: Option<i64>,
    pub key_attributes: Option<Vec<String>>,
    pub attributes: Vec<Attribute>,
    pub embedded_entities: Vec<EmbeddedEntity>,
    pub inter_service_relations: Vec<InterServiceRelation>,
    pub attribute_annotations: Json,
    pub entity_annotations: Json,
}

/// A relation to another service (catalog format 6).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterServiceRelation {
    pub name: String,
    pub entity_type: String,
    pub lower_limit: i64,
    pub upper_limit: Option<i64>,
    pub modifier: String,
    pub description: Option<String>,
    pub attribute_annotations: Json,
}

/// A lifecycle (catalog format 7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    pub name: String,
    pub initial_state: String,
    pub states: Vec<State>,
    pub transfers: Vec<Transfer>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub name: String,
    pub label: Option<String>,
    pub export_resources: bool,
    pub validate_self: Option<String>,
    pub validate_others: Option<String>,
    pub purge_resources: bool,
    pub deleted: bool,
    pub values: Json,
    pub previous_attr_set_on_validate: Option<String>,
    pub previous_attr_set_on_export: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transfer {
    pub source: String,
    pub target: String,
    pub error: Option<String>,
    pub on_update: bool,
    pub on_delete: bool,
    pub api_set_state: bool,
    pub resource_based: bool,
    pub auto: bool,
    pub validate: bool,
    pub config_name: Option<String>,
    pub description: String,
    pub target_operation: Option<String>,
    pub error_operation: Option<String>,
    pub target_same_desired_state: bool,
    pub error_same_desired_state: bool,
}

impl Catalog {
    /// The service `name`.
    pub fn service(&self, name: &str) -> Option<&ServiceVersions> {
        self.services.iter().find(|s| s.name == name)
    }

    /// The v1 list: the default version of every service, sorted by name (what
    /// `GET lsm/v1/service_catalog` returns, without the API envelope).
    pub fn v1(&self) -> Vec<&ServiceEntity> {
        self.services
            .iter()
            .filter_map(ServiceVersions::default_entity)
            .collect()
    }

    /// The schema file (catalog format 9): the schema of every version, sorted like the catalog.
    pub fn schemas(&self) -> Json {
        let schemas: Vec<Json> = self
            .services
            .iter()
            .flat_map(|s| &s.versions)
            .map(|v| {
                let mut entry = Map::new();
                entry.insert("name".into(), Json::String(v.name.clone()));
                entry.insert("version".into(), Json::from(v.version));
                entry.insert("schema".into(), schema::version_schema(v));
                Json::Object(entry)
            })
            .collect();
        let mut file = Map::new();
        file.insert("schemas".into(), Json::Array(schemas));
        Json::Object(file)
    }
}

impl ServiceVersions {
    pub fn version(&self, version: i64) -> Option<&ServiceEntity> {
        self.versions.iter().find(|v| v.version == version)
    }

    pub fn default_entity(&self) -> Option<&ServiceEntity> {
        self.version(self.default_version)
    }
}

/// Pretty JSON, one space per level (as Python's `json.dumps(..., indent=1)`), with a final
/// newline: the indentation of every JSON document lsmc writes. The same value always gives the
/// same bytes.
pub fn to_pretty_json<T: Serialize + ?Sized>(value: &T) -> String {
    crate::diagnostics::to_pretty_text(value)
}

/// Builds the catalog of a model. Refuses (returns the diagnostics) when the LSM rules report
/// errors, or when a value the catalog needs is not known without evaluating the model.
pub fn catalog(model: &Model, statics: &Statics) -> Result<Catalog, Vec<Diagnostic>> {
    let rules = crate::check::lsm_rules::check(model, statics);
    if crate::diagnostics::has_errors(&rules) {
        return Err(rules);
    }
    let Some(view) = LsmView::new(model, statics) else {
        return Ok(Catalog {
            services: Vec::new(),
        });
    };
    let mut builder = Builder {
        view,
        problems: Vec::new(),
    };
    let catalog = builder.catalog();
    if builder.problems.is_empty() {
        Ok(catalog)
    } else {
        let mut problems: Vec<Diagnostic> =
            builder.problems.into_iter().map(Diagnostic::from).collect();
        crate::diagnostics::sort(&mut problems);
        Err(problems)
    }
}

/// The services of the bindings by name only, without their versions: enough to tell which
/// service entity names the model binds, at a fraction of the cost of [`catalog`].
pub fn bound_services(model: &Model, statics: &Statics) -> Catalog {
    let mut services: Vec<ServiceVersions> = LsmView::new(model, statics)
        .map(|view| view.services)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|service| service.name)
        .map(|name| ServiceVersions {
            name,
            default_version: 0,
            versions: Vec::new(),
        })
        .collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    services.dedup_by(|a, b| a.name == b.name);
    Catalog { services }
}

/// The lifecycle that a name designates: a top-level variable (`lsm::fsm::simple`,
/// `basic` or `__config__::basic` for a variable of `main.cf`, `mod::x`), else a lifecycle
/// object whose `name` is that name (`lsm::simple`). `Err` holds the reason.
pub fn lifecycle_named(model: &Model, statics: &Statics, name: &str) -> Result<Lifecycle, String> {
    let lifecycle_type = model
        .well_known
        .lifecycle
        .ok_or_else(|| "the model does not import lsm".to_string())?;
    let view =
        LsmView::new(model, statics).ok_or_else(|| "the model does not import lsm".to_string())?;
    let (ns, var) = match name.rsplit_once("::") {
        Some((ns, var)) => (ns, var),
        None => ("__config__", name),
    };
    let by_variable = model
        .top_level_variable(ns, var)
        .and_then(|v| statics.lookup(v).as_object())
        .filter(|o| model.is_subtype(statics.object(*o).entity, lifecycle_type));
    let by_name = || {
        (0..statics.objects.len() as u32).map(ObjectId).find(|o| {
            model.is_subtype(statics.object(*o).entity, lifecycle_type)
                && view.argument(*o, "name").as_str() == Some(name)
        })
    };
    let Some(object) = by_variable.or_else(by_name) else {
        let mut known: Vec<String> = Vec::new();
        for (i, object) in statics.objects.iter().enumerate() {
            if model.is_subtype(object.entity, lifecycle_type) {
                if let Some(n) = view.argument(ObjectId(i as u32), "name").as_str() {
                    known.push(n.to_string());
                }
            }
        }
        known.sort();
        known.dedup();
        return Err(format!(
            "no lifecycle named `{name}` (lifecycles of this model: {})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    };
    let mut builder = Builder {
        view,
        problems: Vec::new(),
    };
    let span = statics.object(object).span;
    match builder.lifecycle(Value::Object(object), span) {
        Some(l) if builder.problems.is_empty() => Ok(l),
        _ => Err(builder
            .problems
            .into_iter()
            .next()
            .map(|problem| Diagnostic::from(problem).message)
            .unwrap_or_else(|| format!("lifecycle `{name}` is not known statically"))),
    }
}

struct Builder<'m> {
    view: LsmView<'m>,
    problems: Vec<ExportError>,
}

impl<'m> Builder<'m> {
    fn not_static(&mut self, what: String, span: Span) {
        self.problems
            .push(ExportError::ValueNotStatic { what, span });
    }

    /// The span of an argument of an object, or of the object.
    fn argument_span(&self, object: ObjectId, name: &str) -> Span {
        let o = self.view.statics.object(object);
        o.arguments
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, s)| *s)
            .unwrap_or(o.span)
    }

    fn string(&mut self, object: ObjectId, name: &str) -> Option<String> {
        match self.view.argument(object, name) {
            Value::Str(s) => Some(s),
            _ => {
                let span = self.argument_span(object, name);
                self.not_static(format!("`{name}`"), span);
                None
            }
        }
    }

    fn optional_string(&mut self, object: ObjectId, name: &str) -> Option<String> {
        match self.view.argument(object, name) {
            Value::Str(s) => Some(s),
            Value::Null => None,
            _ => {
                let span = self.argument_span(object, name);
                self.not_static(format!("`{name}`"), span);
                None
            }
        }
    }

    fn boolean(&mut self, object: ObjectId, name: &str) -> bool {
        match self.view.argument(object, name) {
            Value::Bool(b) => b,
            _ => {
                let span = self.argument_span(object, name);
                self.not_static(format!("`{name}`"), span);
                false
            }
        }
    }

    fn json(&mut self, value: &Value, what: &str, span: Span) -> Json {
        match to_json(value) {
            Some(j) => j,
            None => {
                self.not_static(what.to_string(), span);
                Json::Null
            }
        }
    }

    fn catalog(&mut self) -> Catalog {
        let services = self.view.services.clone();
        // Owners first: every version's owner service, for `owner` and `owned_entities`.
        let mut owners: Vec<Vec<Option<usize>>> = Vec::new();
        for service in &services {
            let list = service
                .versions
                .iter()
                .map(|v| self.owner_of(v.object))
                .collect();
            owners.push(list);
        }
        let mut out = Vec::new();
        for (index, service) in services.iter().enumerate() {
            let Some(name) = service.name.clone() else {
                let span = self.argument_span(service.object, "service_entity_name");
                self.not_static("`service_entity_name`".into(), span);
                continue;
            };
            let mut owned: Vec<String> = services
                .iter()
                .enumerate()
                .filter(|(i, _)| owners[*i].contains(&Some(index)))
                .filter_map(|(_, s)| s.name.clone())
                .collect();
            owned.sort();
            owned.dedup();
            let default_version = if service.versioned {
                match self.view.argument(service.object, "default_version") {
                    Value::Int(n) => n,
                    _ => {
                        let span = self.argument_span(service.object, "default_version");
                        self.not_static("`default_version`".into(), span);
                        0
                    }
                }
            } else {
                0
            };
            let mut versions = Vec::new();
            for (vi, version) in service.versions.iter().enumerate() {
                if service.versioned
                    && !matches!(self.view.argument(version.object, "version"), Value::Int(_))
                {
                    let span = self.argument_span(version.object, "version");
                    self.not_static("`version`".into(), span);
                }
                let owner = owners[index][vi].and_then(|o| services[o].name.clone());
                if let Some(entity) = self.version_entity(&name, version, owner, owned.clone()) {
                    versions.push(entity);
                }
            }
            versions.sort_by_key(|v| v.version);
            out.push(ServiceVersions {
                name,
                default_version,
                versions,
            });
        }
        out.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        Catalog { services: out }
    }

    /// The service that owns a binding (version): the service holding the `owner` object.
    fn owner_of(&mut self, binding: ObjectId) -> Option<usize> {
        match self.view.argument(binding, "owner") {
            Value::Object(o) => self.view.service_of(o),
            Value::Null => None,
            Value::Unknown => {
                let o = self.view.statics.object(binding);
                o.argument("owner")?;
                // `lsm::get_service_binding_version(binding, n)`: the service is the binding's.
                let ns = o.namespace;
                let span = self.argument_span(binding, "owner");
                match self.owner_call_service(ns, binding) {
                    Some(s) => Some(s),
                    None => {
                        self.not_static("the `owner` of this binding".into(), span);
                        None
                    }
                }
            }
            _ => None,
        }
    }

    /// For `owner=lsm::get_service_binding_version(b, n)`: the service of `b`.
    fn owner_call_service(&self, ns: NamespaceId, binding: ObjectId) -> Option<usize> {
        let model = self.view.model;
        let object = self.view.statics.object(binding);
        let construct = find_expr(model, ns, object.span)?;
        let ExprKind::Construct { arguments, .. } = &construct.kind else {
            return None;
        };
        let value = arguments.iter().find_map(|a| match a {
            Argument::Keyword { name, value } if name.text == "owner" => Some(value),
            _ => None,
        })?;
        let ExprKind::Call {
            function,
            arguments,
        } = &value.kind
        else {
            return None;
        };
        let called = model.resolution.def_at(function.span);
        if called.is_none()
            || called
                != model
                    .well_known
                    .get_service_binding_version
                    .map(Def::Plugin)
        {
            return None;
        }
        let first = arguments.iter().find_map(|a| match a {
            Argument::Positional { value } => Some(value),
            Argument::Keyword { name, value } if name.text == "binding" => Some(value),
            _ => None,
        })?;
        let target = self.view.statics.peek(model, first).as_object()?;
        self.view.service_of(target)
    }

    fn version_entity(
        &mut self,
        name: &str,
        version: &crate::check::view::Version,
        owner: Option<String>,
        owned_entities: Vec<String>,
    ) -> Option<ServiceEntity> {
        let object = version.object;
        let Some(entity) = version.entity else {
            let span = self.argument_span(object, "service_entity");
            self.not_static("`service_entity`".into(), span);
            return None;
        };
        let lifecycle_value = self.view.argument(object, "lifecycle");
        let lifecycle_span = self.argument_span(object, "lifecycle");
        let lifecycle = self.lifecycle(lifecycle_value, lifecycle_span)?;
        let (embedded_entities, inter_service_relations) =
            self.relations(entity, None, version.strict, 0);
        Some(ServiceEntity {
            name: name.to_string(),
            version: version.version,
            description: self.view.entity_description(entity),
            attributes: self.attributes(entity),
            embedded_entities,
            inter_service_relations,
            lifecycle,
            config: Map::new(),
            service_identity: self.optional_string(object, "service_identity"),
            service_identity_display_name: self
                .optional_string(object, "service_identity_display_name"),
            strict_modifier_enforcement: version.strict,
            entity_annotations: self.default_json(entity, "__annotations"),
            owner,
            relation_to_owner: self.optional_string(object, "relation_to_owner"),
            owned_entities,
        })
    }

    /// The default of an attribute as JSON, `{}` when it has none.
    fn default_json(&mut self, entity: EntityId, name: &str) -> Json {
        match self.view.default_of(entity, name) {
            Some(expr) => {
                let v = literal(expr);
                self.json(&v, &format!("the default of `{name}`"), expr.span)
            }
            None => Json::Object(Map::new()),
        }
    }

    fn attributes(&mut self, entity: EntityId) -> Vec<Attribute> {
        let view = &self.view;
        let model = view.model;
        let mut out = Vec::new();
        for a in view.catalog_attributes_in_order(entity) {
            let (default_value, default_value_set) = match self.view.default_of(entity, &a.name) {
                Some(expr) => {
                    let v = literal(expr);
                    (
                        self.json(&v, &format!("the default of `{}`", a.name), expr.span),
                        true,
                    )
                }
                None => (Json::Null, false),
            };
            let (validation_type, validation_parameters) = match a.base {
                ValueType::Typedef(t) => match validation_type::of_typedef(model, t) {
                    Some((name, parameters)) => (
                        Some(format!(
                            "{name}{}{}",
                            if a.list { "[]" } else { "" },
                            if a.nullable { "?" } else { "" }
                        )),
                        parameters,
                    ),
                    None => (None, Json::Null),
                },
                _ => (None, Json::Null),
            };
            let base = self.view.primitive_of(a.base).unwrap_or("any");
            out.push(Attribute {
                name: a.name.clone(),
                type_: format!(
                    "{base}{}{}",
                    if a.list { "[]" } else { "" },
                    if a.nullable { "?" } else { "" }
                ),
                modifier: self.view.modifier_of(entity, &a.name),
                description: self.view.member_description(entity, &a.name),
                default_value,
                default_value_set,
                validation_type,
                validation_parameters,
                attribute_annotations: self
                    .default_json(entity, &format!("{}__annotations", a.name)),
            });
        }
        out
    }

    /// The `attribute_annotations` of a relation (catalog format 5).
    fn relation_annotations(&mut self, entity: EntityId, member: &RelationMember) -> Json {
        let span = self.view.model.relations[member.relation.index()].span;
        if let Some(value) = self.view.relation_annotations(member.relation) {
            return self.json(&value, "the relation annotations", span);
        }
        self.default_json(entity, &format!("{}__annotations", member.name))
    }

    fn relations(
        &mut self,
        entity: EntityId,
        via: Option<crate::resolve::RelationId>,
        strict: bool,
        depth: usize,
    ) -> (Vec<EmbeddedEntity>, Vec<InterServiceRelation>) {
        let mut embedded = Vec::new();
        let mut isrs = Vec::new();
        if depth > 64 {
            // An embedded entity that contains itself: reported by the rules.
            return (embedded, isrs);
        }
        let model = self.view.model;
        for member in self.view.relation_members(entity, via) {
            let def = &model.relations[member.relation.index()];
            let this = &def.ends[member.end];
            match member.kind {
                MemberKind::NotEmbedded => {}
                MemberKind::InterService => {
                    let services = self.view.services_binding(this.target);
                    let entity_type = match services.as_slice() {
                        [one] => self.view.services[*one].name.clone().unwrap_or_default(),
                        _ => continue, // reported by the rules
                    };
                    isrs.push(InterServiceRelation {
                        name: member.name.clone(),
                        entity_type,
                        lower_limit: this.lower,
                        upper_limit: this.upper,
                        modifier: self.view.relation_modifier(member.relation),
                        description: self.view.member_description(entity, &member.name),
                        attribute_annotations: self.relation_annotations(entity, &member),
                    });
                }
                MemberKind::Embedded => {
                    let target = this.target;
                    let back = self.view.back_reference(member.relation, member.end);
                    let upper_above_one = this.upper.is_none_or(|u| u > 1);
                    let key_attributes =
                        match self
                            .view
                            .key_attributes(target, back.as_deref(), upper_above_one)
                        {
                            KeyOutcome::Keys(keys) => Some(keys),
                            // Strict bindings have these reported as errors; legacy: no key.
                            _ => {
                                let _ = strict;
                                None
                            }
                        };
                    let (nested, nested_isrs) =
                        self.relations(target, Some(member.relation), strict, depth + 1);
                    embedded.push(EmbeddedEntity {
                        name: member.name.clone(),
                        type_: model.entity(target).name.clone(),
                        description: self.view.member_description(entity, &member.name),
                        modifier: self.view.relation_modifier(member.relation),
                        lower_limit: this.lower,
                        upper_limit: this.upper,
                        key_attributes,
                        attributes: self.attributes(target),
                        embedded_entities: nested,
                        inter_service_relations: nested_isrs,
                        attribute_annotations: self.relation_annotations(entity, &member),
                        entity_annotations: self.default_json(target, "__annotations"),
                    });
                }
            }
        }
        (embedded, isrs)
    }

    fn lifecycle(&mut self, value: Value, span: Span) -> Option<Lifecycle> {
        let Value::Object(lifecycle) = value else {
            self.not_static("the lifecycle".into(), span);
            return None;
        };
        let name = self.string(lifecycle, "name")?;
        let Some(initial) = self.view.object_argument(lifecycle, "initial_state") else {
            let span = self.argument_span(lifecycle, "initial_state");
            self.not_static(format!("the initial state of lifecycle `{name}`"), span);
            return None;
        };
        let transfer_objects = self.view.lifecycle_transfers(lifecycle);
        if !matches!(
            self.view.argument(lifecycle, "transfers"),
            Value::List(_) | Value::Object(_)
        ) || matches!(self.view.argument(lifecycle, "transfers"), Value::List(ref items) if items.iter().any(|i| i.as_object().is_none()))
        {
            let span = self.argument_span(lifecycle, "transfers");
            self.not_static(format!("the transfers of lifecycle `{name}`"), span);
            return None;
        }
        let mut states = Vec::new();
        for state in self.view.lifecycle_states(lifecycle) {
            states.push(self.state(state)?);
        }
        let state_name = |b: &mut Self, o: ObjectId| b.string(o, "name");
        let initial_state = state_name(self, initial)?;
        let mut transfers = Vec::new();
        for t in transfer_objects {
            let Some(source) = self.view.object_argument(t, "source") else {
                let span = self.argument_span(t, "source");
                self.not_static("the source of this transfer".into(), span);
                return None;
            };
            let Some(target) = self.view.object_argument(t, "target") else {
                let span = self.argument_span(t, "target");
                self.not_static("the target of this transfer".into(), span);
                return None;
            };
            let error = match self.view.argument(t, "error") {
                Value::Object(e) => Some(state_name(self, e)?),
                Value::Null => None,
                Value::Unknown if self.view.statics.object(t).argument("error").is_none() => None,
                _ => {
                    let span = self.argument_span(t, "error");
                    self.not_static("the error state of this transfer".into(), span);
                    return None;
                }
            };
            transfers.push(Transfer {
                source: state_name(self, source)?,
                target: state_name(self, target)?,
                error,
                on_update: self.boolean(t, "on_update"),
                on_delete: self.boolean(t, "on_delete"),
                api_set_state: self.boolean(t, "api_set_state"),
                resource_based: self.boolean(t, "resource_based"),
                auto: self.boolean(t, "auto"),
                validate: self.boolean(t, "validate"),
                config_name: self.optional_string(t, "config_name"),
                description: self.string(t, "description").unwrap_or_default(),
                target_operation: self.optional_string(t, "target_operation"),
                error_operation: self.optional_string(t, "error_operation"),
                target_same_desired_state: self.boolean(t, "target_same_desired_state"),
                error_same_desired_state: self.boolean(t, "error_same_desired_state"),
            });
        }
        Some(Lifecycle {
            name,
            initial_state,
            states,
            transfers,
        })
    }

    fn state(&mut self, s: ObjectId) -> Option<State> {
        let values = self.view.argument(s, "values");
        let span = self.argument_span(s, "values");
        Some(State {
            name: self.string(s, "name")?,
            label: self.optional_string(s, "label"),
            export_resources: self.boolean(s, "export_resources"),
            validate_self: self.optional_string(s, "validate_self"),
            validate_others: self.optional_string(s, "validate_others"),
            purge_resources: self.boolean(s, "purge_resources"),
            deleted: self.boolean(s, "deleted"),
            values: self.json(&values, "`values`", span),
            previous_attr_set_on_validate: self.optional_string(s, "previous_attr_set_on_validate"),
            previous_attr_set_on_export: self.optional_string(s, "previous_attr_set_on_export"),
        })
    }
}

/// A static value as JSON; `None` when it holds an object or an unknown value.
pub fn to_json(value: &Value) -> Option<Json> {
    Some(match value {
        Value::Str(s) => Json::String(s.clone()),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Bool(b) => Json::Bool(*b),
        Value::Null => Json::Null,
        Value::List(items) => Json::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Value::Dict(entries) => {
            let mut map = Map::new();
            for (k, v) in entries.iter() {
                map.insert(k.clone(), to_json(v)?);
            }
            Json::Object(map)
        }
        Value::Object(_) | Value::Unknown => return None,
    })
}

/// The expression of a namespace's top-level statements that has exactly this span (a copy).
fn find_expr(model: &Model, ns: NamespaceId, span: Span) -> Option<Expr> {
    use crate::ast::{Item, StmtKind};
    fn search(expr: &Expr, span: Span, found: &mut Option<Expr>) {
        if found.is_some() {
            return;
        }
        if expr.span == span {
            *found = Some(expr.clone());
            return;
        }
        crate::resolve::for_each_child_expr(expr, &mut |child| search(child, span, found));
    }
    let module = &model.modules[model.namespace(ns).module].1;
    let mut found = None;
    for item in &module.items {
        if let Item::Statement(stmt) = item {
            match &stmt.kind {
                StmtKind::Assign { value, .. } => search(value, span, &mut found),
                StmtKind::Expr { expr } => search(expr, span, &mut found),
                _ => {}
            }
        }
        if found.is_some() {
            break;
        }
    }
    found
}
