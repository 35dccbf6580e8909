//! Validation of a service instance's attribute set against one version of its service: the
//! JSON Schema that [`super::schema`] generates for the version (types, required attributes, no
//! extra attributes, nullable values, enums, patterns, bounds and formats of validation types)
//! AND the LSM rules that a schema can not express: attribute and relation modifiers on create
//! and update (`../shared/spec/catalog.md` 5.2), embedded entities matched on their key
//! attributes, and duplicate keys among the embedded entities of one set.
//!
//! Every problem carries a [`Pointer`] into the attribute set (and, for an item that an update
//! removed, into the old set) and a readable path such as `ports[name=eth0].speed`: items of an
//! embedded relation are named by their key attributes. [`locate`] finds a pointer in the JSON
//! text, so that callers can point at it.
//!
//! One job per module: the schema's verdict by the `jsonschema` crate, as lsmc's errors
//! (`schema_eval`, with the string formats in `formats`; `model_json` lets the crate read the
//! model values an inventory was read into, without a conversion), the modifier rules (`modifiers`), the keys of embedded entities and duplicate keys
//! (`keys`), pointers and readable paths (`paths`), the wording of problems (`wording`), and
//! where a pointer is in the JSON text (`locate`). This module runs them in order.

mod formats;
pub mod inventory;
mod keys;
mod locate;
mod modifiers;
mod paths;
mod schema_eval;
mod wording;

use jsonschema::json::{Json as JsonRepr, SerdeJson};
use serde_json::Value as Json;

use super::{Attribute, EmbeddedEntity, InterServiceRelation, ServiceEntity};
use crate::diagnostics::Code;
use keys::duplicates;
use modifiers::Walker;
use wording::schema_problem;

pub use locate::{locate, Located};
pub use paths::{pointer_text, render_path, Pointer, Seg};
pub use schema_eval::{same_value, schema_errors, SchemaError, SchemaErrorKind};
pub use wording::preview;

/// What is checked besides the schema.
#[derive(Debug, Clone, Copy)]
pub enum Check<'a> {
    /// A create call: `r` attributes and `lsm::__r__` relations may not be given (in strict
    /// services also inside embedded entities).
    Create,
    /// An update call of an instance whose attribute set was `old`: `r` and `rw` values may not
    /// change, `rw+` ones may; embedded entities are matched on their key attributes; the items
    /// of a `lsm::__rw__` relation are fixed, those of `lsm::__rwplus__` may be added (as on
    /// create) and removed. Legacy services (`strict_modifier_enforcement` false) enforce the
    /// top-level modifiers only, and a `rw` relation freezes its whole subtree.
    Update { old: &'a Json },
    /// A set the orchestrator stores next to `old` (a candidate set next to the active one): as
    /// [`Check::Update`], but `r` values belong to the allocators and are not checked.
    Stored { old: &'a Json },
    /// The schema and the duplicate keys only (a version migration, a stored set).
    SchemaOnly,
}

/// One problem with an attribute set.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: Code,
    /// Where in the set (for a missing attribute: the object that lacks it).
    pub pointer: Pointer,
    /// The pointer designates the member's key (an unknown attribute), not its value.
    pub at_key: bool,
    /// Where in the old set, for an item that the update removed.
    pub old_pointer: Option<Pointer>,
    /// The readable path of the value: `ports[name=eth0].speed`, `""` for the set itself.
    pub path: String,
    /// What is wrong, without the path.
    pub message: String,
    /// A short text to show at the place.
    pub label: String,
}

impl Problem {
    /// The path and the message: `` `ports[name=eth0].speed`: expected an integer, ... ``.
    pub fn text(&self) -> String {
        if self.path.is_empty() {
            format!("the attribute set: {}", self.message)
        } else {
            format!("`{}`: {}", self.path, self.message)
        }
    }
}

/// Validates an attribute set against a version. The problems come in the order of the set.
pub fn validate(entity: &ServiceEntity, set: &Json, check: Check) -> Vec<Problem> {
    Prepared::<SerdeJson>::new(entity).validate(set, check)
}

/// A version with its schema made once, for validating many attribute sets against it.
/// `F`: the representation of the sets (`serde_json` values, or another one the `jsonschema`
/// crate reads in place, such as the values an inventory was read into).
pub struct Prepared<'c, F: JsonRepr = SerdeJson> {
    entity: &'c ServiceEntity,
    schema: Json,
    /// The schema compiled by the `jsonschema` crate: its verdicts, which lsmc words.
    compiled: Option<jsonschema::Validator<F>>,
    /// The schema without what the names of members alone decide, compiled when first asked
    /// for (see [`Prepared::relaxed_is_valid`]).
    relaxed: std::cell::OnceCell<Option<jsonschema::Validator<F>>>,
}

/// A verdict of the compiled schema: where in the set, and what.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A required attribute is missing from the object at the pointer.
    Missing { pointer: Pointer, name: String },
    /// The object at the pointer has a member that is not an attribute.
    Unknown { pointer: Pointer, name: String },
    /// Anything else (a type, a value): lsmc's evaluator says what.
    Other,
}

impl<'c, F: JsonRepr> Prepared<'c, F> {
    pub fn new(entity: &'c ServiceEntity) -> Self {
        let schema = super::schema::version_schema(entity);
        let compiled = schema_eval::compile::<F>(&schema);
        Prepared {
            entity,
            schema,
            compiled,
            relaxed: std::cell::OnceCell::new(),
        }
    }

    /// Whether a set satisfies the schema without `required` and `additionalProperties: false`
    /// (`None`: that schema did not compile). When it does, the set's verdicts (missing and
    /// unknown members only) follow from the names of its members, the lengths of its lists
    /// and which of its values are null: sets of one shape share them.
    pub fn relaxed_is_valid(&self, set: F::Node<'_>) -> Option<bool> {
        self.relaxed
            .get_or_init(|| {
                schema_eval::compile::<F>(&schema_eval::without_member_names(&self.schema))
            })
            .as_ref()
            .map(|validator| validator.is_valid(set))
    }

    /// What the compiled schema refuses in a set as read, before it is worded (`None`: the
    /// schema did not compile).
    pub fn verdicts<'a>(&'a self, set: F::Node<'a>) -> Option<Vec<Verdict>> {
        let compiled = self.compiled.as_ref()?;
        if compiled.is_valid(set.clone()) {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        for error in compiled.iter_errors(set) {
            let pointer: Pointer = error
                .instance_path()
                .iter()
                .map(|segment| match segment {
                    jsonschema::paths::LocationSegment::Property(name) => {
                        Seg::Key(name.to_string())
                    }
                    jsonschema::paths::LocationSegment::Index(i) => Seg::Index(i),
                })
                .collect();
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    out.push(Verdict::Missing {
                        pointer,
                        name: property.as_str().unwrap_or_default().to_string(),
                    })
                }
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => out
                    .extend(unexpected.iter().map(|name| Verdict::Unknown {
                        pointer: pointer.clone(),
                        name: name.clone(),
                    })),
                _ => out.push(Verdict::Other),
            }
        }
        Some(out)
    }

    pub fn entity(&self) -> &'c ServiceEntity {
        self.entity
    }

    /// The schema's verdicts on a set (`node`, which is `set` in the representation `F`), not
    /// yet worded (wording costs more than validating).
    pub fn schema_errors_of<'a>(&'a self, node: F::Node<'a>, set: &Json) -> Vec<SchemaError> {
        match &self.compiled {
            Some(validator) => schema_eval::errors_of(validator, &self.schema, node, set),
            None => Vec::new(),
        }
    }

    /// A schema error worded.
    pub fn problem(&self, set: &Json, error: SchemaError) -> Problem {
        schema_problem(self.entity, set, error)
    }

    /// The problems of a set: its schema errors (`errors`, worded) and the rules a schema can
    /// not express.
    pub fn problems(&self, set: &Json, errors: Vec<SchemaError>, check: Check) -> Vec<Problem> {
        let out = errors
            .into_iter()
            .map(|e| schema_problem(self.entity, set, e))
            .collect();
        rules(self.entity, set, check, out)
    }
}

impl Prepared<'_, SerdeJson> {
    /// [`validate`] against this version.
    pub fn validate(&self, set: &Json, check: Check) -> Vec<Problem> {
        let errors = self.schema_errors(set);
        self.problems(set, errors, check)
    }

    /// The schema's verdicts alone, not yet worded.
    pub fn schema_errors(&self, set: &Json) -> Vec<SchemaError> {
        self.schema_errors_of(set, set)
    }
}

fn rules(entity: &ServiceEntity, set: &Json, check: Check, mut out: Vec<Problem>) -> Vec<Problem> {
    let members = Members::service(entity);
    if let Json::Object(map) = set {
        duplicates(entity, set, members, map, &mut Vec::new(), &mut out);
    }
    let (old, allocator) = match check {
        Check::Create => {
            if let Json::Object(map) = set {
                let mut walker = Walker {
                    entity,
                    new_root: set,
                    allocator: false,
                    out: &mut out,
                };
                walker.create(members, map, &mut Vec::new());
            }
            return out;
        }
        Check::SchemaOnly => return out,
        Check::Update { old } => (old, false),
        Check::Stored { old } => (old, true),
    };
    if let (Json::Object(new), Json::Object(old_map)) = (set, old) {
        let mut walker = Walker {
            entity,
            new_root: set,
            allocator,
            out: &mut out,
        };
        walker.update(
            members,
            new,
            old_map,
            &mut Vec::new(),
            &mut Vec::new(),
            true,
        );
    }
    out
}

/// The members of a service version or an embedded entity.
#[derive(Clone, Copy)]
pub(super) struct Members<'c> {
    attributes: &'c [Attribute],
    embedded: &'c [EmbeddedEntity],
    isrs: &'c [InterServiceRelation],
    /// Strict modifier enforcement (of the service).
    strict: bool,
}

impl<'c> Members<'c> {
    pub(super) fn service(e: &'c ServiceEntity) -> Self {
        Members {
            attributes: &e.attributes,
            embedded: &e.embedded_entities,
            isrs: &e.inter_service_relations,
            strict: e.strict_modifier_enforcement,
        }
    }

    fn embedded(self, e: &'c EmbeddedEntity) -> Self {
        Members {
            attributes: &e.attributes,
            embedded: &e.embedded_entities,
            isrs: &e.inter_service_relations,
            strict: self.strict,
        }
    }
}
