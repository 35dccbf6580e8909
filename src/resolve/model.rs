//! The resolved model: every definition of a project with its names resolved to ids.
//!
//! Arenas indexed by typed ids; spans are kept so that later stages can point at definitions.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use crate::ast;
use crate::builtin::plugins::PluginId;
pub use crate::resolve::resolution::{Def, ModulePluginId, Resolution};
use crate::source::{FileId, Span};

macro_rules! id {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(NamespaceId);
id!(EntityId);
id!(TypedefId);
id!(RelationId);
id!(ImplementationId);
id!(VariableId);

/// The primitive types of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    String,
    Int,
    Float,
    Bool,
    /// Deprecated: int or float.
    Number,
    List,
    Dict,
    Any,
}

impl Primitive {
    pub fn from_name(name: &str) -> Option<Primitive> {
        Some(match name {
            "string" => Primitive::String,
            "int" => Primitive::Int,
            "float" => Primitive::Float,
            "bool" => Primitive::Bool,
            "number" => Primitive::Number,
            "list" => Primitive::List,
            "dict" => Primitive::Dict,
            "any" => Primitive::Any,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Primitive::String => "string",
            Primitive::Int => "int",
            Primitive::Float => "float",
            Primitive::Bool => "bool",
            Primitive::Number => "number",
            Primitive::List => "list",
            Primitive::Dict => "dict",
            Primitive::Any => "any",
        }
    }
}

/// What a value type (of an attribute, or the base of a typedef) refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    Primitive(Primitive),
    Typedef(TypedefId),
    /// The name did not resolve; its diagnostic is recorded.
    Unknown,
}

/// A named type defined in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDef {
    Entity(EntityId),
    Typedef(TypedefId),
}

#[derive(Debug, Clone)]
pub struct Namespace {
    /// `__config__`, `std`, `mod::sub`.
    pub name: String,
    pub file: FileId,
    /// Index of its module in [`Model::modules`].
    pub module: usize,
    pub parent: Option<NamespaceId>,
    /// The file's name as diagnostics show it.
    pub path: String,
    /// Visible namespaces: the name used in this file (alias or full name) to the namespace.
    pub imports: HashMap<String, NamespaceId>,
    /// Names of imports whose module failed to load (reported once, at the import): lookups
    /// through them report nothing more.
    pub failed_imports: HashSet<String>,
    /// Names of this namespace's definitions that did not parse (reported as syntax errors):
    /// lookups that reach them report nothing more.
    pub broken_definitions: HashSet<String>,
    // Fx: looked up once per name use; SipHash was most of the lookup of a short name.
    pub types: FxHashMap<String, TypeDef>,
    pub implementations: FxHashMap<String, ImplementationId>,
    /// The variables assigned at the top level of the module.
    pub variables: FxHashMap<String, VariableId>,
    /// Whether this namespace's module is built into lsmc.
    pub builtin: bool,
}

#[derive(Debug, Clone)]
pub struct AttributeDef {
    pub name: String,
    pub base: ValueType,
    /// How the base type was written (`string`, `std::ipv4_address`).
    pub base_text: String,
    pub list: bool,
    pub nullable: bool,
    pub default: Default,
    pub span: Span,
    /// The span of the name.
    pub name_span: Span,
    pub entity: EntityId,
}

impl AttributeDef {
    /// The type as written: `string[]?`.
    pub fn type_text(&self) -> String {
        format!(
            "{}{}{}",
            self.base_text,
            if self.list { "[]" } else { "" },
            if self.nullable { "?" } else { "" }
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Default {
    None,
    Value(ast::Expr),
    /// `= undef`: an inherited default is removed.
    Undef,
}

#[derive(Debug, Clone)]
pub struct EntityDef {
    pub name: String,
    pub namespace: NamespaceId,
    /// `ns::Name`.
    pub full_name: String,
    /// Direct parents, in the order written (`std::Entity` added when none is written).
    pub parents: Vec<EntityId>,
    pub attributes: Vec<AttributeDef>,
    /// Relation ends whose owner is this entity: (relation, end index 0 or 1).
    pub relation_ends: Vec<(RelationId, usize)>,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
    /// Indexes declared on this entity (not inherited ones).
    pub indexes: Vec<IndexDef>,
    /// `implement` statements of this entity, in source order.
    pub implements: Vec<ImplementDef>,
    /// Relation names of this entity whose relation did not resolve (reported already).
    pub unresolved_relations: Vec<String>,
    /// Whether a parent written in `extends` did not resolve (reported already): the entity may
    /// have attributes that are not known.
    pub unresolved_parent: bool,
}

#[derive(Debug, Clone)]
pub struct TypedefDef {
    pub name: String,
    pub namespace: NamespaceId,
    pub full_name: String,
    pub base: ValueType,
    pub constraint: ast::Expr,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

/// One end of a relation, seen from the entity that owns the attribute.
#[derive(Debug, Clone)]
pub struct RelationEndDef {
    /// The entity that has this relation attribute.
    pub owner: EntityId,
    /// The attribute name; `None` on the far side of a unidirectional relation.
    pub name: Option<String>,
    /// The entity the attribute points to.
    pub target: EntityId,
    pub lower: i64,
    pub upper: Option<i64>,
    pub span: Span,
    /// The span of the name (the whole end when it has none).
    pub name_span: Span,
}

#[derive(Debug, Clone)]
pub struct RelationDef {
    /// `ends[0]` is the written left end (`A.x`), `ends[1]` the right end (`B.y`).
    pub ends: [RelationEndDef; 2],
    pub annotations: Vec<ast::Expr>,
    pub namespace: NamespaceId,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct IndexDef {
    pub attributes: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ImplementationDef {
    pub name: String,
    pub name_span: Span,
    pub namespace: NamespaceId,
    pub entity: Option<EntityId>,
    pub body: Vec<ast::Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ImplementDef {
    pub implementations: Vec<ImplementationId>,
    pub parents: bool,
    pub when: Option<ast::Expr>,
    pub namespace: NamespaceId,
    pub span: Span,
}

/// A variable: assigned at the top level of a namespace, or local to a block (an implementation,
/// a `for` or `if` body, a comprehension).
#[derive(Debug, Clone)]
pub struct VariableDef {
    pub name: String,
    pub namespace: NamespaceId,
    /// The name at its first assignment (or the loop variable of a `for`).
    pub span: Span,
    /// For a top-level variable: the index of its first assignment in its module's items.
    pub first_item: Option<usize>,
}

/// The definitions lsmc itself refers to, found once by [`crate::resolve::resolve`]: `None` when
/// the project does not load their module.
#[derive(Debug, Clone, Default)]
pub struct WellKnown {
    pub service_entity: Option<EntityId>,
    pub embedded_entity: Option<EntityId>,
    pub entity_binding: Option<EntityId>,
    pub service_binding: Option<EntityId>,
    pub relationship_metadata: Option<EntityId>,
    pub inter_service_relation: Option<EntityId>,
    pub relation_annotations: Option<EntityId>,
    pub lifecycle: Option<EntityId>,
    pub attribute_modifier: Option<TypedefId>,
    pub validate_type: Option<PluginId>,
    pub get_service_binding_version: Option<PluginId>,
}

impl WellKnown {
    fn find(model: &Model) -> WellKnown {
        let lsm = |name: &str| model.entity_by_name(&format!("lsm::{name}"));
        let plugin = |ns: &str, name: &str| {
            model
                .namespace_by_name
                .contains_key(ns)
                .then(|| crate::builtin::plugins::find(ns, name))
                .flatten()
        };
        WellKnown {
            service_entity: lsm("ServiceEntity"),
            embedded_entity: lsm("EmbeddedEntity"),
            entity_binding: lsm("ServiceEntityBinding"),
            service_binding: lsm("ServiceBinding"),
            relationship_metadata: lsm("RelationshipMetadata"),
            inter_service_relation: lsm("InterServiceRelation"),
            relation_annotations: lsm("RelationAnnotations"),
            lifecycle: lsm("LifecycleStateMachine"),
            attribute_modifier: model.namespace_by_name.get("lsm").and_then(|ns| {
                match model.namespace(*ns).types.get("attribute_modifier") {
                    Some(TypeDef::Typedef(t)) => Some(*t),
                    _ => None,
                }
            }),
            validate_type: plugin("std", "validate_type"),
            get_service_binding_version: plugin("lsm", "get_service_binding_version"),
        }
    }
}

/// A resolved project.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub namespaces: Vec<Namespace>,
    pub entities: Vec<EntityDef>,
    pub typedefs: Vec<TypedefDef>,
    pub relations: Vec<RelationDef>,
    pub implementations: Vec<ImplementationDef>,
    /// The syntax trees, one per module, in load order (`__config__` first).
    pub modules: Vec<(String, ast::Module)>,
    pub namespace_by_name: HashMap<String, NamespaceId>,
    /// `std::Entity`, the root of every entity.
    pub root_entity: Option<EntityId>,
    pub variables: Vec<VariableDef>,
    /// What each name use refers to.
    pub resolution: Resolution,
    pub well_known: WellKnown,
}

impl Model {
    pub fn entity(&self, id: EntityId) -> &EntityDef {
        &self.entities[id.index()]
    }

    pub fn typedef(&self, id: TypedefId) -> &TypedefDef {
        &self.typedefs[id.index()]
    }

    pub fn namespace(&self, id: NamespaceId) -> &Namespace {
        &self.namespaces[id.index()]
    }

    pub fn variable(&self, id: VariableId) -> &VariableDef {
        &self.variables[id.index()]
    }

    /// The value of the first assignment of a top-level variable.
    pub fn top_level_value(&self, id: VariableId) -> Option<&ast::Expr> {
        let variable = self.variable(id);
        let module = &self.modules[self.namespace(variable.namespace).module].1;
        match &module.items.get(variable.first_item?)? {
            ast::Item::Statement(stmt) => match &stmt.kind {
                ast::StmtKind::Assign { value, .. } => Some(value),
                _ => None,
            },
            _ => None,
        }
    }

    /// Fills [`Model::well_known`]; once every type is registered.
    pub(crate) fn find_well_known(&mut self) {
        self.well_known = WellKnown::find(self);
    }

    /// The top-level variable `name` of the namespace called `namespace` (as a user names it on
    /// the command line, not in the model).
    pub fn top_level_variable(&self, namespace: &str, name: &str) -> Option<VariableId> {
        let ns = self.namespace_by_name.get(namespace)?;
        self.namespace(*ns).variables.get(name).copied()
    }

    /// Where a definition is written: the name of an entity, typedef, implementation,
    /// attribute, relation end or variable; the start of a namespace's file. `None` for what has
    /// no place in the project (primitives, plugins, what did not resolve).
    pub fn definition_span(&self, def: Def) -> Option<Span> {
        Some(match def {
            Def::Namespace(ns) => Span::new(self.namespace(ns).file, 0, 0),
            Def::Entity(e) => self.entity(e).name_span,
            Def::Typedef(t) => self.typedef(t).name_span,
            Def::Implementation(i) => self.implementations[i.index()].name_span,
            Def::Attribute { entity, index } => {
                self.entity(entity).attributes[index as usize].name_span
            }
            Def::RelationEnd { relation, end } => {
                self.relations[relation.index()].ends[end as usize].name_span
            }
            Def::Variable(v) => self.variable(v).span,
            Def::Primitive(_) | Def::Plugin(_) | Def::ModulePlugin(_) | Def::Unresolved => {
                return None
            }
        })
    }

    pub fn entity_by_name(&self, full_name: &str) -> Option<EntityId> {
        let (ns, name) = full_name.rsplit_once("::")?;
        let ns = self.namespace_by_name.get(ns)?;
        match self.namespace(*ns).types.get(name)? {
            TypeDef::Entity(e) => Some(*e),
            TypeDef::Typedef(_) => None,
        }
    }

    /// The entity and all its ancestors, nearest first, each once (`std::Entity` last).
    pub fn ancestors(&self, id: EntityId) -> Vec<EntityId> {
        let mut out = vec![id];
        // Past a few ancestors, a bit per entity says which are in: a scan of `out` for each
        // made a long chain of entities quadratic here.
        let mut seen: Vec<u64> = Vec::new();
        let mut i = 0;
        while i < out.len() {
            for parent in &self.entity(out[i]).parents {
                let new = if out.len() < 16 {
                    !out.contains(parent)
                } else {
                    if seen.is_empty() {
                        seen = vec![0; self.entities.len().div_ceil(64)];
                        for e in &out {
                            seen[e.index() / 64] |= 1 << (e.index() % 64);
                        }
                    }
                    let (word, bit) = (parent.index() / 64, 1 << (parent.index() % 64));
                    let new = seen[word] & bit == 0;
                    seen[word] |= bit;
                    new
                };
                if new {
                    out.push(*parent);
                }
            }
            i += 1;
        }
        out
    }

    /// Whether a parent of the entity or of one of its ancestors did not resolve (reported
    /// already): what the entity extends is not known, so no rule about its kind applies.
    pub fn ancestry_unknown(&self, id: EntityId) -> bool {
        self.ancestors(id)
            .into_iter()
            .any(|e| self.entity(e).unresolved_parent)
    }

    /// Whether `child` is `ancestor` or inherits from it.
    pub fn is_subtype(&self, child: EntityId, ancestor: EntityId) -> bool {
        self.ancestors(child).contains(&ancestor)
    }

    /// Every attribute of an entity, own ones first, then inherited ones (left-most parent first),
    /// each name once: the nearest definition wins.
    pub fn all_attributes(&self, id: EntityId) -> Vec<&AttributeDef> {
        let mut out: Vec<&AttributeDef> = Vec::new();
        for entity in self.ancestors(id) {
            for attribute in &self.entity(entity).attributes {
                if !out.iter().any(|a| a.name == attribute.name) {
                    out.push(attribute);
                }
            }
        }
        out
    }

    /// The attribute `name` of an entity (own or inherited).
    pub fn attribute(&self, id: EntityId, name: &str) -> Option<&AttributeDef> {
        self.ancestors(id)
            .into_iter()
            .find_map(|e| self.entity(e).attributes.iter().find(|a| a.name == name))
    }

    /// Every relation end an entity has (own or inherited), nearest first.
    pub fn all_relation_ends(&self, id: EntityId) -> Vec<&RelationEndDef> {
        let mut out: Vec<&RelationEndDef> = Vec::new();
        for entity in self.ancestors(id) {
            for (relation, end) in &self.entity(entity).relation_ends {
                let end = &self.relations[relation.index()].ends[*end];
                if !out.iter().any(|e| e.name == end.name) {
                    out.push(end);
                }
            }
        }
        out
    }

    /// The relation end `name` of an entity (own or inherited).
    pub fn relation_end(&self, id: EntityId, name: &str) -> Option<&RelationEndDef> {
        self.all_relation_ends(id)
            .into_iter()
            .find(|e| e.name.as_deref() == Some(name))
    }

    /// Every index of an entity: its own and its ancestors'.
    pub fn all_indexes(&self, id: EntityId) -> Vec<&IndexDef> {
        let mut out: Vec<&IndexDef> = Vec::new();
        for entity in self.ancestors(id) {
            for index in &self.entity(entity).indexes {
                let mut sorted = index.attributes.clone();
                sorted.sort();
                let duplicate = out.iter().any(|i| {
                    let mut other = i.attributes.clone();
                    other.sort();
                    other == sorted
                });
                if !duplicate {
                    out.push(index);
                }
            }
        }
        out
    }

    /// The entities that inherit from `id` (not `id` itself).
    pub fn subtypes(&self, id: EntityId) -> Vec<EntityId> {
        (0..self.entities.len() as u32)
            .map(EntityId)
            .filter(|e| *e != id && self.is_subtype(*e, id))
            .collect()
    }
}
