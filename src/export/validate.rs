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

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Value as Json};

use super::{Attribute, EmbeddedEntity, InterServiceRelation, ServiceEntity};
use crate::diagnostics::{codes, Code};

/// One step into a JSON value: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A JSON pointer, as steps.
pub type Pointer = Vec<Seg>;

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
    let schema = super::schema::version_schema(entity);
    let members = Members::service(entity);
    let mut out: Vec<Problem> = schema_errors(&schema, set)
        .into_iter()
        .map(|e| schema_problem(entity, set, e))
        .collect();
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
struct Members<'c> {
    attributes: &'c [Attribute],
    embedded: &'c [EmbeddedEntity],
    isrs: &'c [InterServiceRelation],
    /// Strict modifier enforcement (of the service).
    strict: bool,
}

impl<'c> Members<'c> {
    fn service(e: &'c ServiceEntity) -> Self {
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

// ---------------------------------------------------------------------------------------------
// Paths

/// The readable path of a pointer into a set of this version: object members joined with `.`,
/// items of an embedded relation named by their key attributes (`ports[name=eth0]`), other
/// array elements by index (`tags[2]`).
pub fn render_path(entity: &ServiceEntity, root: &Json, pointer: &[Seg]) -> String {
    let mut out = String::new();
    let mut members = Some(Members::service(entity));
    let mut value = Some(root);
    let mut relation: Option<&EmbeddedEntity> = None;
    for seg in pointer {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                value = value.and_then(|v| v.get(k));
                let scope = members;
                members = None;
                relation = None;
                if let Some(e) = scope.and_then(|m| m.embedded.iter().find(|e| e.name == *k)) {
                    if e.upper_limit == Some(1) {
                        members = scope.map(|m| m.embedded(e));
                    } else {
                        relation = Some(e);
                        members = scope;
                    }
                }
            }
            Seg::Index(i) => {
                let item = value.and_then(|v| v.get(i));
                match relation.take() {
                    Some(e) => {
                        out.push_str(&item_label(e, item.and_then(Json::as_object), *i));
                        members = members.map(|m| m.embedded(e));
                    }
                    None => {
                        out.push_str(&format!("[{i}]"));
                        members = None;
                    }
                }
                value = item;
            }
        }
    }
    out
}

/// `[name=eth0]` (key attributes with scalar values), else `[3]`.
fn item_label(e: &EmbeddedEntity, item: Option<&Map<String, Json>>, index: usize) -> String {
    if let (Some(keys), Some(item)) = (&e.key_attributes, item) {
        if !keys.is_empty() {
            let parts: Option<Vec<String>> = keys
                .iter()
                .map(|k| match item.get(k) {
                    Some(Json::String(s)) => Some(format!("{k}={s}")),
                    Some(v @ (Json::Number(_) | Json::Bool(_) | Json::Null)) => {
                        Some(format!("{k}={v}"))
                    }
                    _ => None,
                })
                .collect();
            if let Some(parts) = parts {
                return format!("[{}]", parts.join(","));
            }
        }
    }
    format!("[{index}]")
}

/// What owns the object at a pointer: `service \`svc\` version 1`, `embedded entity \`Port\``.
fn owner_at(entity: &ServiceEntity, pointer: &[Seg]) -> String {
    let mut members = Some(Members::service(entity));
    let mut owner = format!("service `{}` version {}", entity.name, entity.version);
    for seg in pointer {
        if let Seg::Key(k) = seg {
            match members.and_then(|m| m.embedded.iter().find(|e| e.name == *k).map(|e| (m, e))) {
                Some((m, e)) => {
                    owner = format!("embedded entity `{}`", e.type_);
                    members = Some(m.embedded(e));
                }
                None => {
                    members = None;
                    owner = "this object".to_string();
                }
            }
        }
    }
    owner
}

fn child(pointer: &[Seg], seg: Seg) -> Pointer {
    let mut p = pointer.to_vec();
    p.push(seg);
    p
}

/// A short JSON text of a value, for messages.
pub fn preview(value: &Json) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.chars().count() > 48 {
        let cut: String = text.chars().take(45).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON Schema

/// A value that does not satisfy the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// The value (for `Missing` and `Unknown`: the object).
    pub pointer: Pointer,
    pub kind: SchemaErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemaErrorKind {
    /// `type`: the JSON Schema type names allowed.
    WrongType { expected: Vec<String> },
    /// `required`.
    Missing { name: String },
    /// `additionalProperties: false`: the names that are allowed.
    Unknown { name: String, known: Vec<String> },
    /// `enum`.
    NotInEnum { allowed: Vec<Json> },
    /// `pattern`.
    Pattern { pattern: String },
    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`,
    /// `minLength`, `maxLength`, `minItems`, `maxItems`.
    Bound { keyword: String, limit: Json },
    /// `format`.
    Format { format: String },
}

/// Validates a value against a schema of the form lsmc generates (draft 2020-12 semantics for
/// `type`, `properties`, `required`, `additionalProperties`, `items`, `anyOf`, local `$ref`,
/// `enum`, `pattern`, numeric and length bounds, and the formats of the validation types).
pub fn schema_errors(schema: &Json, value: &Json) -> Vec<SchemaError> {
    let mut out = Vec::new();
    let checker = Checker {
        root: schema,
        regexes: std::cell::RefCell::new(HashMap::new()),
    };
    checker.check(schema, value, &mut Vec::new(), &mut out, 0);
    out
}

struct Checker<'s> {
    root: &'s Json,
    regexes: std::cell::RefCell<HashMap<String, Option<fancy_regex::Regex>>>,
}

impl Checker<'_> {
    fn resolve(&self, reference: &str) -> Option<&Json> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    fn check(
        &self,
        schema: &Json,
        value: &Json,
        pointer: &mut Pointer,
        out: &mut Vec<SchemaError>,
        depth: usize,
    ) {
        let Json::Object(s) = schema else {
            return;
        };
        if depth > 128 {
            return;
        }
        if let Some(reference) = s.get("$ref").and_then(Json::as_str) {
            if let Some(target) = self.resolve(reference) {
                self.check(target, value, pointer, out, depth + 1);
            }
        }
        if let Some(Json::Array(branches)) = s.get("anyOf") {
            self.any_of(branches, value, pointer, out, depth);
        }
        if let Some(t) = s.get("type") {
            let expected: Vec<String> = match t {
                Json::String(t) => vec![t.clone()],
                Json::Array(ts) => ts
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            if !expected.is_empty() && !expected.iter().any(|t| has_type(value, t)) {
                out.push(SchemaError {
                    pointer: pointer.clone(),
                    kind: SchemaErrorKind::WrongType { expected },
                });
                return;
            }
        }
        if let Some(Json::Array(allowed)) = s.get("enum") {
            if !allowed.iter().any(|a| same_value(a, value)) {
                out.push(SchemaError {
                    pointer: pointer.clone(),
                    kind: SchemaErrorKind::NotInEnum {
                        allowed: allowed.clone(),
                    },
                });
            }
        }
        match value {
            Json::Number(n) => self.number(s, n, pointer, out),
            Json::String(text) => self.string(s, text, pointer, out),
            Json::Array(items) => {
                let count = items.len() as f64;
                for (keyword, below) in [("minItems", true), ("maxItems", false)] {
                    bound(s, keyword, count, below, pointer, out);
                }
                if let Some(item_schema) = s.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        pointer.push(Seg::Index(i));
                        self.check(item_schema, item, pointer, out, depth + 1);
                        pointer.pop();
                    }
                }
            }
            Json::Object(map) => self.object(s, map, pointer, out, depth),
            _ => {}
        }
    }

    fn any_of(
        &self,
        branches: &[Json],
        value: &Json,
        pointer: &mut Pointer,
        out: &mut Vec<SchemaError>,
        depth: usize,
    ) {
        let mut results = Vec::new();
        for branch in branches {
            let mut errors = Vec::new();
            self.check(branch, value, pointer, &mut errors, depth + 1);
            if errors.is_empty() {
                return;
            }
            results.push((branch, errors));
        }
        let is_null = |b: &Json| b.get("type").and_then(Json::as_str) == Some("null");
        let nullable = branches.iter().any(is_null);
        let type_mismatch = |errors: &[SchemaError]| {
            errors.iter().any(|e| {
                e.pointer == *pointer && matches!(e.kind, SchemaErrorKind::WrongType { .. })
            })
        };
        // The errors of the branch that the value's type fits, else of the first branch.
        let chosen = results
            .iter()
            .filter(|(b, _)| !is_null(b))
            .find(|(_, errors)| !type_mismatch(errors))
            .or_else(|| results.iter().find(|(b, _)| !is_null(b)));
        let Some((_, errors)) = chosen else {
            return;
        };
        if type_mismatch(errors) {
            // A type error: every branch's types are allowed.
            let mut expected = Vec::new();
            for (_, errors) in &results {
                for e in errors {
                    if let (true, SchemaErrorKind::WrongType { expected: types }) =
                        (e.pointer == *pointer, &e.kind)
                    {
                        for t in types {
                            if !expected.contains(t) {
                                expected.push(t.clone());
                            }
                        }
                    }
                }
            }
            if nullable && !expected.iter().any(|t| t == "null") {
                expected.push("null".into());
            }
            out.push(SchemaError {
                pointer: pointer.clone(),
                kind: SchemaErrorKind::WrongType { expected },
            });
        } else {
            out.extend(errors.iter().cloned());
        }
    }

    fn number(
        &self,
        s: &Map<String, Json>,
        n: &serde_json::Number,
        pointer: &Pointer,
        out: &mut Vec<SchemaError>,
    ) {
        let Some(x) = n.as_f64() else {
            return;
        };
        let limit = |k: &str| s.get(k).and_then(Json::as_f64);
        let failed = [
            ("minimum", limit("minimum").is_some_and(|l| x < l)),
            (
                "exclusiveMinimum",
                limit("exclusiveMinimum").is_some_and(|l| x <= l),
            ),
            ("maximum", limit("maximum").is_some_and(|l| x > l)),
            (
                "exclusiveMaximum",
                limit("exclusiveMaximum").is_some_and(|l| x >= l),
            ),
            (
                "multipleOf",
                limit("multipleOf").is_some_and(|l| l > 0.0 && (x / l).fract().abs() > 1e-9),
            ),
        ];
        for (keyword, failed) in failed {
            if failed {
                out.push(SchemaError {
                    pointer: pointer.clone(),
                    kind: SchemaErrorKind::Bound {
                        keyword: keyword.into(),
                        limit: s[keyword].clone(),
                    },
                });
            }
        }
    }

    fn string(
        &self,
        s: &Map<String, Json>,
        text: &str,
        pointer: &Pointer,
        out: &mut Vec<SchemaError>,
    ) {
        let length = text.chars().count() as f64;
        for (keyword, below) in [("minLength", true), ("maxLength", false)] {
            bound(s, keyword, length, below, pointer, out);
        }
        if let Some(pattern) = s.get("pattern").and_then(Json::as_str) {
            let mut regexes = self.regexes.borrow_mut();
            let regex = regexes
                .entry(pattern.to_string())
                .or_insert_with(|| fancy_regex::Regex::new(pattern).ok());
            // A pattern that lsmc can not compile is not checked (the model has reported it).
            if let Some(regex) = regex {
                if regex.is_match(text).ok() == Some(false) {
                    out.push(SchemaError {
                        pointer: pointer.clone(),
                        kind: SchemaErrorKind::Pattern {
                            pattern: pattern.to_string(),
                        },
                    });
                }
            }
        }
        if let Some(format) = s.get("format").and_then(Json::as_str) {
            if formats::check(format, text) == Some(false) {
                out.push(SchemaError {
                    pointer: pointer.clone(),
                    kind: SchemaErrorKind::Format {
                        format: format.to_string(),
                    },
                });
            }
        }
    }

    fn object(
        &self,
        s: &Map<String, Json>,
        map: &Map<String, Json>,
        pointer: &mut Pointer,
        out: &mut Vec<SchemaError>,
        depth: usize,
    ) {
        let properties = s.get("properties").and_then(Json::as_object);
        let additional = s.get("additionalProperties");
        for (name, v) in map {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => {
                    pointer.push(Seg::Key(name.clone()));
                    self.check(property, v, pointer, out, depth + 1);
                    pointer.pop();
                }
                None => match additional {
                    Some(Json::Bool(false)) => out.push(SchemaError {
                        pointer: pointer.clone(),
                        kind: SchemaErrorKind::Unknown {
                            name: name.clone(),
                            known: properties
                                .map(|p| p.keys().cloned().collect())
                                .unwrap_or_default(),
                        },
                    }),
                    Some(extra @ Json::Object(_)) => {
                        pointer.push(Seg::Key(name.clone()));
                        self.check(extra, v, pointer, out, depth + 1);
                        pointer.pop();
                    }
                    _ => {}
                },
            }
        }
        if let Some(Json::Array(required)) = s.get("required") {
            for name in required.iter().filter_map(Json::as_str) {
                if !map.contains_key(name) {
                    out.push(SchemaError {
                        pointer: pointer.clone(),
                        kind: SchemaErrorKind::Missing {
                            name: name.to_string(),
                        },
                    });
                }
            }
        }
    }
}

/// A count or length against `minX` (`below`: the value may not be below it) or `maxX`.
fn bound(
    s: &Map<String, Json>,
    keyword: &str,
    value: f64,
    below: bool,
    pointer: &Pointer,
    out: &mut Vec<SchemaError>,
) {
    if let Some(limit) = s.get(keyword).and_then(Json::as_f64) {
        if (below && value < limit) || (!below && value > limit) {
            out.push(SchemaError {
                pointer: pointer.clone(),
                kind: SchemaErrorKind::Bound {
                    keyword: keyword.into(),
                    limit: s[keyword].clone(),
                },
            });
        }
    }
}

fn has_type(value: &Json, t: &str) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        // Draft 2020-12: a number with a zero fractional part is an integer.
        "integer" => match value {
            Json::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => true,
    }
}

/// JSON equality with numbers compared by value (`1 == 1.0`) and objects by members.
pub fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// Like [`same_value`], but arrays of objects compare as multisets (the order of embedded
/// entities and inter-service relations does not matter).
fn same_unordered(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|item| {
                let found = y
                    .iter()
                    .enumerate()
                    .find(|(j, other)| !used[*j] && same_unordered(item, other));
                match found {
                    Some((j, _)) => {
                        used[j] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_unordered(v, w)))
        }
        _ => same_value(a, b),
    }
}

fn type_words(types: &[String]) -> String {
    let words: Vec<&str> = types
        .iter()
        .map(|t| match t.as_str() {
            "string" => "a string",
            "integer" => "an integer",
            "number" => "a number",
            "boolean" => "a boolean",
            "object" => "an object",
            "array" => "an array",
            "null" => "null",
            other => other,
        })
        .collect();
    words.join(" or ")
}

fn schema_problem(entity: &ServiceEntity, set: &Json, e: SchemaError) -> Problem {
    let value = set
        .pointer(&pointer_text(&e.pointer))
        .unwrap_or(&Json::Null);
    let path = render_path(entity, set, &e.pointer);
    let (code, path, message, label, at_key) = match e.kind {
        SchemaErrorKind::WrongType { expected } => (
            codes::INSTANCE_WRONG_TYPE,
            path,
            format!(
                "expected {}, found {} ({})",
                type_words(&expected),
                kind(value),
                preview(value)
            ),
            format!("not {}", type_words(&expected)),
            false,
        ),
        SchemaErrorKind::Missing { name } => (
            codes::INSTANCE_MISSING_ATTRIBUTE,
            join(&path, &name),
            format!(
                "the attribute `{name}` of {} is required but missing",
                owner_at(entity, &e.pointer)
            ),
            format!("`{name}` is missing"),
            false,
        ),
        SchemaErrorKind::Unknown { name, known } => {
            let hint =
                crate::diagnostics::suggest::did_you_mean(&name, known.iter().map(String::as_str))
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
            let message = format!(
                "`{name}` is not an attribute of {}{hint}; its attributes: {}",
                owner_at(entity, &e.pointer),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
            let mut pointer = e.pointer.clone();
            pointer.push(Seg::Key(name.clone()));
            return Problem {
                code: codes::INSTANCE_UNKNOWN_ATTRIBUTE,
                pointer,
                at_key: true,
                old_pointer: None,
                path: join(&path, &name),
                message,
                label: "unknown attribute".into(),
            };
        }
        SchemaErrorKind::NotInEnum { allowed } => {
            let allowed: Vec<String> = allowed.iter().map(preview).collect();
            (
                codes::INSTANCE_INVALID_VALUE,
                path,
                format!(
                    "{} is not one of the allowed values {}",
                    preview(value),
                    allowed.join(", ")
                ),
                "not an allowed value".into(),
                false,
            )
        }
        SchemaErrorKind::Pattern { pattern } => (
            codes::INSTANCE_INVALID_VALUE,
            path,
            format!("{} does not match the pattern `{pattern}`", preview(value)),
            "does not match the pattern".into(),
            false,
        ),
        SchemaErrorKind::Bound { keyword, limit } => {
            let measured = match value {
                Json::String(s) => format!("{} characters", s.chars().count()),
                Json::Array(a) => {
                    format!("{} item{}", a.len(), if a.len() == 1 { "" } else { "s" })
                }
                other => preview(other),
            };
            let rule = match keyword.as_str() {
                "minimum" => format!("at least {limit}"),
                "exclusiveMinimum" => format!("above {limit}"),
                "maximum" => format!("at most {limit}"),
                "exclusiveMaximum" => format!("below {limit}"),
                "multipleOf" => format!("a multiple of {limit}"),
                "minLength" => format!("at least {limit} characters long"),
                "maxLength" => format!("at most {limit} characters long"),
                "minItems" => format!("at least {limit} items"),
                "maxItems" => format!("at most {limit} items"),
                other => format!("{other} {limit}"),
            };
            (
                codes::INSTANCE_INVALID_VALUE,
                path,
                format!("{measured}: must be {rule} (`{keyword}`)"),
                format!("must be {rule}"),
                false,
            )
        }
        SchemaErrorKind::Format { format } => (
            codes::INSTANCE_INVALID_VALUE,
            path,
            format!(
                "{} is not a valid `{format}` value ({})",
                preview(value),
                formats::describe(&format)
            ),
            format!("not a valid `{format}`"),
            false,
        ),
    };
    Problem {
        code,
        pointer: e.pointer,
        at_key,
        old_pointer: None,
        path,
        message,
        label,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// RFC 6901 text of a pointer.
pub fn pointer_text(pointer: &[Seg]) -> String {
    let mut out = String::new();
    for seg in pointer {
        out.push('/');
        match seg {
            Seg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Embedded entities: keys and items

/// The identity of an item: its key attribute values (JSON text), `None` when the relation has
/// no key attributes or the item lacks one.
fn key_of(e: &EmbeddedEntity, item: &Map<String, Json>) -> Option<String> {
    let keys = e.key_attributes.as_ref()?;
    let values: Option<Vec<String>> = keys
        .iter()
        .map(|k| {
            item.get(k)
                .map(|v| serde_json::to_string(v).unwrap_or_default())
        })
        .collect();
    values.map(|v| v.join("\u{0}"))
}

/// The items of an embedded relation in a set: each object with its pointer (an object for an
/// upper limit of 1, the objects of an array otherwise; other values are the schema's concern).
fn items<'v>(value: Option<&'v Json>, pointer: &[Seg]) -> Vec<(Pointer, &'v Map<String, Json>)> {
    match value {
        Some(Json::Object(o)) => vec![(pointer.to_vec(), o)],
        Some(Json::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_object().map(|o| (child(pointer, Seg::Index(i)), o)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Two items of one embedded relation with the same key attribute values (at any depth).
fn duplicates(
    entity: &ServiceEntity,
    root: &Json,
    members: Members,
    map: &Map<String, Json>,
    pointer: &mut Pointer,
    out: &mut Vec<Problem>,
) {
    for e in members.embedded {
        let here = child(pointer, Seg::Key(e.name.clone()));
        let found = items(map.get(&e.name), &here);
        if matches!(map.get(&e.name), Some(Json::Array(_)))
            && e.key_attributes.as_ref().is_some_and(|k| !k.is_empty())
        {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (p, item) in &found {
                let Some(Seg::Index(i)) = p.last() else {
                    continue;
                };
                let Some(key) = key_of(e, item) else {
                    continue;
                };
                if let Some(first) = seen.get(&key) {
                    let keys = e.key_attributes.clone().unwrap_or_default();
                    let values: Vec<String> = keys
                        .iter()
                        .map(|k| format!("{k}={}", preview(&item[k])))
                        .collect();
                    out.push(Problem {
                        code: codes::INSTANCE_DUPLICATE_KEY,
                        pointer: p.clone(),
                        at_key: false,
                        old_pointer: None,
                        path: render_path(entity, root, p),
                        message: format!(
                            "items {first} and {i} of `{}` have the same key ({}): the key attributes of `{}` ({}) identify an item, so they must differ",
                            e.name,
                            values.join(", "),
                            e.type_,
                            keys.join(", ")
                        ),
                        label: format!("same key as item {first}"),
                    });
                } else {
                    seen.insert(key, *i);
                }
            }
        }
        for (mut p, item) in found {
            duplicates(entity, root, members.embedded(e), item, &mut p, out);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Modifiers

struct Walker<'c, 'o> {
    entity: &'c ServiceEntity,
    new_root: &'c Json,
    /// `r` values belong to the allocators (a stored set): not checked.
    allocator: bool,
    out: &'o mut Vec<Problem>,
}

/// The value an attribute has in a set: as given, else its default, else null.
fn effective<'v>(a: &'v Attribute, map: &'v Map<String, Json>) -> &'v Json {
    map.get(&a.name).unwrap_or(if a.default_value_set {
        &a.default_value
    } else {
        &Json::Null
    })
}

/// Whether a relation value holds anything (not absent, null or `[]`).
fn is_set(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => false,
        Some(Json::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// A relation value for comparison: absent is null, and an absent or null set is `[]`.
fn relation_value(value: Option<&Json>, upper: Option<i64>) -> Json {
    match value {
        None | Some(Json::Null) if upper != Some(1) => Json::Array(Vec::new()),
        None => Json::Null,
        Some(v) => v.clone(),
    }
}

impl Walker<'_, '_> {
    fn push(&mut self, code: Code, pointer: Pointer, message: String, label: &str) {
        let path = render_path(self.entity, self.new_root, &pointer);
        self.out.push(Problem {
            code,
            pointer,
            at_key: false,
            old_pointer: None,
            path,
            message,
            label: label.to_string(),
        });
    }

    /// A create call (or a new item of a `rw+` relation in an update).
    fn create(&mut self, members: Members, map: &Map<String, Json>, pointer: &mut Pointer) {
        for a in members.attributes {
            if a.modifier != "r" {
                continue;
            }
            let Some(given) = map.get(&a.name) else {
                continue;
            };
            let default = if a.default_value_set {
                &a.default_value
            } else {
                &Json::Null
            };
            if !same_value(given, default) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    child(pointer, Seg::Key(a.name.clone())),
                    format!(
                        "`{}` is read-only (modifier `r`): only the orchestrator (an allocator) sets it, it can not be given on create",
                        a.name
                    ),
                    "read-only attribute",
                );
            }
        }
        for r in members.isrs {
            if r.modifier == "r" && is_set(map.get(&r.name)) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    child(pointer, Seg::Key(r.name.clone())),
                    format!(
                        "`{}` is a read-only (`lsm::__r__`) inter-service relation: only the orchestrator sets it, it can not be given on create",
                        r.name
                    ),
                    "read-only relation",
                );
            }
        }
        for e in members.embedded {
            let value = map.get(&e.name);
            let here = child(pointer, Seg::Key(e.name.clone()));
            if e.modifier == "r" {
                if is_set(value) {
                    self.push(
                        codes::INSTANCE_READ_ONLY,
                        here,
                        format!(
                            "`{}` is a read-only (`lsm::__r__`) relation: only the orchestrator sets its embedded entities, they can not be given on create",
                            e.name
                        ),
                        "read-only relation",
                    );
                }
                continue;
            }
            // Legacy services enforce the top-level modifiers only.
            if members.strict {
                for (mut p, item) in items(value, &here) {
                    self.create(members.embedded(e), item, &mut p);
                }
            }
        }
    }

    /// An update of `old` by `new`.
    fn update(
        &mut self,
        members: Members,
        new: &Map<String, Json>,
        old: &Map<String, Json>,
        pointer: &mut Pointer,
        old_pointer: &mut Pointer,
        top: bool,
    ) {
        for a in members.attributes {
            let (now, before) = (effective(a, new), effective(a, old));
            if same_value(now, before) {
                continue;
            }
            let here = child(pointer, Seg::Key(a.name.clone()));
            match a.modifier.as_str() {
                "rw" => self.push(
                    codes::INSTANCE_ATTRIBUTE_CHANGED,
                    here,
                    format!(
                        "`{}` (modifier `rw`) can not change after the instance is created: it was {}, the update sets {}; only `rw+` attributes may be updated",
                        a.name,
                        preview(before),
                        preview(now)
                    ),
                    "changed",
                ),
                "r" if !self.allocator && new.contains_key(&a.name) => self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "`{}` is read-only (modifier `r`): only the orchestrator (an allocator) sets it; it was {}, the update sets {}",
                        a.name,
                        preview(before),
                        preview(now)
                    ),
                    "read-only attribute",
                ),
                _ => {}
            }
        }
        for r in members.isrs {
            let now = relation_value(new.get(&r.name), r.upper_limit);
            let before = relation_value(old.get(&r.name), r.upper_limit);
            if same_unordered(&now, &before) {
                continue;
            }
            let here = child(pointer, Seg::Key(r.name.clone()));
            match r.modifier.as_str() {
                "rw" => self.push(
                    codes::INSTANCE_ATTRIBUTE_CHANGED,
                    here,
                    format!(
                        "the inter-service relation `{}` (`lsm::__rw__`) can not change after the instance is created: it was {}, the update sets {}; only `lsm::__rwplus__` relations may be updated",
                        r.name,
                        preview(&before),
                        preview(&now)
                    ),
                    "changed",
                ),
                "r" if !self.allocator && new.contains_key(&r.name) => self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "the inter-service relation `{}` is read-only (`lsm::__r__`): only the orchestrator sets it",
                        r.name
                    ),
                    "read-only relation",
                ),
                _ => {}
            }
        }
        for e in members.embedded {
            self.embedded_update(members, e, new, old, pointer, old_pointer, top);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn embedded_update(
        &mut self,
        members: Members,
        e: &EmbeddedEntity,
        new: &Map<String, Json>,
        old: &Map<String, Json>,
        pointer: &mut Pointer,
        old_pointer: &mut Pointer,
        top: bool,
    ) {
        let here = child(pointer, Seg::Key(e.name.clone()));
        let old_here = child(old_pointer, Seg::Key(e.name.clone()));
        let now = relation_value(new.get(&e.name), e.upper_limit);
        let before = relation_value(old.get(&e.name), e.upper_limit);
        if e.modifier == "r" {
            if !self.allocator && new.contains_key(&e.name) && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "`{}` is a read-only (`lsm::__r__`) relation: only the orchestrator sets its embedded entities, an update can not change them",
                        e.name
                    ),
                    "read-only relation",
                );
            }
            return;
        }
        if !members.strict {
            // Legacy: a `rw` relation at the top freezes its whole subtree; `rw+` allows all.
            if top && e.modifier == "rw" && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    here,
                    format!(
                        "`{}` (`lsm::__rw__`) can not change after the instance is created: service `{}` does not enforce modifiers strictly (`strict_modifier_enforcement` false), so its embedded entities are fixed as a whole",
                        e.name, self.entity.name
                    ),
                    "changed",
                );
            }
            return;
        }
        let new_items = items(new.get(&e.name), &here);
        let old_items = items(old.get(&e.name), &old_here);
        if e.key_attributes.is_none() {
            if e.modifier == "rw" && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    here,
                    format!(
                        "`{}` (`lsm::__rw__`) changed, and its items can not be matched with the old ones: `{}` has no key attributes",
                        e.name, e.type_
                    ),
                    "changed",
                );
            }
            return;
        }
        let mut old_by_key: HashMap<String, usize> = HashMap::new();
        for (i, (_, item)) in old_items.iter().enumerate() {
            if let Some(k) = key_of(e, item) {
                old_by_key.entry(k).or_insert(i);
            }
        }
        let mut matched = vec![false; old_items.len()];
        let inner = members.embedded(e);
        for (p, item) in &new_items {
            let found = key_of(e, item).and_then(|k| old_by_key.get(&k).copied());
            match found {
                Some(j) if !matched[j] => {
                    matched[j] = true;
                    let (op, old_item) = &old_items[j];
                    self.update(inner, item, old_item, &mut p.clone(), &mut op.clone(), false);
                }
                _ if e.modifier == "rw" => self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    p.clone(),
                    format!(
                        "an item was added to `{}` (`lsm::__rw__`): the embedded entities of a `rw` relation are fixed after creation (none may be added or removed; items are matched on {}); use `lsm::__rwplus__` to allow it",
                        e.name,
                        key_words(e)
                    ),
                    "added",
                ),
                _ if !self.allocator => self.create(inner, item, &mut p.clone()),
                _ => {}
            }
        }
        if e.modifier != "rw" {
            return;
        }
        for ((op, item), used) in old_items.iter().zip(&matched) {
            if *used {
                continue;
            }
            let key = match op.last() {
                Some(Seg::Index(i)) => item_label(e, Some(item), *i),
                _ => String::new(),
            };
            // Point at the relation in the new set (or at its object when it is absent).
            let pointer_new = if new.contains_key(&e.name) {
                here.clone()
            } else {
                pointer.clone()
            };
            let path = render_path(self.entity, self.new_root, &pointer_new);
            self.out.push(Problem {
                code: codes::INSTANCE_EMBEDDED_SET_CHANGED,
                pointer: pointer_new,
                at_key: false,
                old_pointer: Some(op.clone()),
                path: if new.contains_key(&e.name) {
                    path
                } else {
                    join(&path, &e.name)
                },
                message: format!(
                    "the item {}{} was removed from `{}` (`lsm::__rw__`): the embedded entities of a `rw` relation are fixed after creation (none may be added or removed; items are matched on {}); use `lsm::__rwplus__` to allow it",
                    e.name,
                    key,
                    e.name,
                    key_words(e)
                ),
                label: "an item was removed here".into(),
            });
        }
    }
}

fn key_words(e: &EmbeddedEntity) -> String {
    match &e.key_attributes {
        Some(keys) if !keys.is_empty() => {
            let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("the key attributes {}", keys.join(", "))
        }
        _ => "their position (the relation holds one item)".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Formats

mod formats {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    /// Whether a string has a format; `None` for formats that are not checked.
    pub fn check(format: &str, s: &str) -> Option<bool> {
        Some(match format {
            "ipv4" => s.parse::<Ipv4Addr>().is_ok(),
            "ipv6" => s.parse::<Ipv6Addr>().is_ok(),
            "ipvanyaddress" => s.parse::<IpAddr>().is_ok(),
            "ipv4network" => network(s, Some(false), true),
            "ipv6network" => network(s, Some(true), true),
            "ipvanynetwork" => network(s, None, true),
            "ipv4interface" => network(s, Some(false), false),
            "ipv6interface" => network(s, Some(true), false),
            "ipvanyinterface" => network(s, None, false),
            "uuid" => uuid(s),
            "date" => date(s),
            "time" => time(s),
            "date-time" => date_time(s),
            "email" => email(s),
            "uri" => uri(s),
            _ => return None,
        })
    }

    pub fn describe(format: &str) -> &'static str {
        match format {
            "ipv4" => "an IPv4 address such as 192.168.0.1",
            "ipv6" => "an IPv6 address such as 2001:db8::1",
            "ipvanyaddress" => "an IPv4 or IPv6 address",
            "ipv4network" => "an IPv4 network such as 10.0.0.0/24, without host bits",
            "ipv6network" => "an IPv6 network such as 2001:db8::/64, without host bits",
            "ipvanynetwork" => "an IPv4 or IPv6 network, without host bits",
            "ipv4interface" => "an IPv4 address with an optional prefix, such as 10.0.0.1/24",
            "ipv6interface" => "an IPv6 address with an optional prefix",
            "ipvanyinterface" => "an IPv4 or IPv6 address with an optional prefix",
            "uuid" => "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
            "date" => "a date such as 2024-01-31",
            "time" => "a time such as 13:45:00",
            "date-time" => "a date and time such as 2024-01-31T13:45:00Z",
            "email" => "an e-mail address",
            "uri" => "a URL with a scheme",
            _ => "see the format",
        }
    }

    /// `addr[/prefix]`, the prefix a length or (IPv4) a netmask; `v6`: which family (`None`:
    /// either); `strict`: a network, no host bits set.
    fn network(s: &str, v6: Option<bool>, strict: bool) -> bool {
        let (address, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let Ok(address) = address.parse::<IpAddr>() else {
            return false;
        };
        if v6.is_some_and(|v6| v6 != address.is_ipv6()) {
            return false;
        }
        let bits: u32 = if address.is_ipv6() { 128 } else { 32 };
        let length = match prefix {
            None => bits,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                match p.parse::<u32>() {
                    Ok(n) if n <= bits => n,
                    _ => return false,
                }
            }
            Some(p) => match (address, p.parse::<Ipv4Addr>()) {
                (IpAddr::V4(_), Ok(mask)) => {
                    let m = u32::from(mask);
                    if m.leading_ones() + m.trailing_zeros() != 32 {
                        return false;
                    }
                    m.leading_ones()
                }
                _ => return false,
            },
        };
        if !strict || length == bits {
            return true;
        }
        match address {
            IpAddr::V4(a) => u32::from(a) & (u32::MAX >> length) == 0,
            IpAddr::V6(a) => u128::from(a) & (u128::MAX >> length) == 0,
        }
    }

    fn uuid(s: &str) -> bool {
        let s = s.as_bytes();
        s.len() == 36
            && s.iter().enumerate().all(|(i, b)| {
                if [8, 13, 18, 23].contains(&i) {
                    *b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            })
    }

    fn digits(s: &str, n: usize) -> Option<u32> {
        (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }

    fn date(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return false;
        };
        let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
            return false;
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&d)
    }

    /// `HH:MM[:SS[.f]]` with an optional `Z` or `+HH:MM` offset.
    fn time(s: &str) -> bool {
        let (clock, offset) = if let Some(c) = s.strip_suffix(['Z', 'z']) {
            (c, None)
        } else if let Some(i) = s.rfind(['+', '-']) {
            (&s[..i], Some(&s[i + 1..]))
        } else {
            (s, None)
        };
        if let Some(offset) = offset {
            let ok = match offset.split_once(':') {
                Some((h, m)) => {
                    digits(h, 2).is_some_and(|h| h < 24) && digits(m, 2).is_some_and(|m| m < 60)
                }
                None => digits(offset, 4).is_some_and(|o| o / 100 < 24 && o % 100 < 60),
            };
            if !ok {
                return false;
            }
        }
        let (clock, fraction) = match clock.split_once('.') {
            Some((c, f)) => (c, Some(f)),
            None => (clock, None),
        };
        if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
            return false;
        }
        let parts: Vec<&str> = clock.split(':').collect();
        match parts.as_slice() {
            [h, m] => {
                fraction.is_none()
                    && digits(h, 2).is_some_and(|h| h < 24)
                    && digits(m, 2).is_some_and(|m| m < 60)
            }
            [h, m, sec] => {
                digits(h, 2).is_some_and(|h| h < 24)
                    && digits(m, 2).is_some_and(|m| m < 60)
                    && digits(sec, 2).is_some_and(|s| s < 61)
            }
            _ => false,
        }
    }

    fn date_time(s: &str) -> bool {
        match s.find(['T', 't', ' ']) {
            Some(i) => date(&s[..i]) && time(&s[i + 1..]),
            None => false,
        }
    }

    fn email(s: &str) -> bool {
        match s.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        }
    }

    fn uri(s: &str) -> bool {
        let Some((scheme, rest)) = s.split_once(':') else {
            return false;
        };
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
            && !s.chars().any(char::is_whitespace)
    }

    #[cfg(test)]
    mod tests {
        use super::check;

        #[test]
        fn formats() {
            assert_eq!(check("ipv4", "10.0.0.1"), Some(true));
            assert_eq!(check("ipv4", "10.0.0"), Some(false));
            assert_eq!(check("ipv4network", "10.0.0.0/24"), Some(true));
            assert_eq!(check("ipv4network", "10.0.0.1/24"), Some(false));
            assert_eq!(check("ipv4network", "10.0.0.0/255.255.255.0"), Some(true));
            assert_eq!(check("ipv4interface", "10.0.0.1/24"), Some(true));
            assert_eq!(check("ipv6network", "2001:db8::/64"), Some(true));
            assert_eq!(check("ipv6network", "10.0.0.0/8"), Some(false));
            assert_eq!(
                check("uuid", "123e4567-e89b-12d3-a456-426614174000"),
                Some(true)
            );
            assert_eq!(check("uuid", "123e4567"), Some(false));
            assert_eq!(check("date", "2024-02-29"), Some(true));
            assert_eq!(check("date", "2023-02-29"), Some(false));
            assert_eq!(check("time", "13:45"), Some(true));
            assert_eq!(check("time", "13:45:00.5+02:00"), Some(true));
            assert_eq!(check("date-time", "2024-01-31T13:45:00Z"), Some(true));
            assert_eq!(check("date-time", "2024-01-31"), Some(false));
            assert_eq!(check("email", "a@b.be"), Some(true));
            assert_eq!(check("email", "a@b"), Some(false));
            assert_eq!(check("uri", "https://x"), Some(true));
            assert_eq!(check("uri", "x"), Some(false));
            assert_eq!(check("name-email", "x"), None);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Places in the JSON text

/// Where a value is in a JSON text, and the key of the member that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

/// Finds the value that a pointer designates in a JSON text (byte ranges). `None` when the
/// text is not JSON there or the pointer leads nowhere.
pub fn locate(text: &str, pointer: &[Seg]) -> Option<Located> {
    let b = text.as_bytes();
    let mut pos = ws(b, 0);
    let mut key = None;
    for seg in pointer {
        match seg {
            Seg::Key(wanted) => {
                if b.get(pos) != Some(&b'{') {
                    return None;
                }
                pos = ws(b, pos + 1);
                loop {
                    if b.get(pos) != Some(&b'"') {
                        return None;
                    }
                    let key_end = string_end(b, pos)?;
                    let name: String = serde_json::from_str(&text[pos..key_end]).ok()?;
                    let colon = ws(b, key_end);
                    if b.get(colon) != Some(&b':') {
                        return None;
                    }
                    let value_start = ws(b, colon + 1);
                    if name == *wanted {
                        key = Some(pos..key_end);
                        pos = value_start;
                        break;
                    }
                    let after = ws(b, value_end(b, value_start)?);
                    match b.get(after) {
                        Some(b',') => pos = ws(b, after + 1),
                        _ => return None,
                    }
                }
            }
            Seg::Index(wanted) => {
                if b.get(pos) != Some(&b'[') {
                    return None;
                }
                pos = ws(b, pos + 1);
                for _ in 0..*wanted {
                    let after = ws(b, value_end(b, pos)?);
                    match b.get(after) {
                        Some(b',') => pos = ws(b, after + 1),
                        _ => return None,
                    }
                }
                key = None;
            }
        }
    }
    let end = value_end(b, pos)?;
    Some(Located {
        key,
        value: pos..end,
    })
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string that starts at `i` (after its closing quote).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of the value that starts at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        b',' | b'}' | b']' | b':' => None,
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_values_and_keys() {
        let text = r#"{"a": 1, "b": {"c": [10, {"d": "x\"y"}, 30]}, "e": null}"#;
        let at = |p: &[Seg]| {
            let l = locate(text, p).unwrap();
            (
                l.key.map(|k| text[k].to_string()),
                text[l.value].to_string(),
            )
        };
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(at(&[k("a")]), (Some("\"a\"".into()), "1".into()));
        assert_eq!(
            at(&[k("b"), k("c"), Seg::Index(1), k("d")]),
            (Some("\"d\"".into()), "\"x\\\"y\"".into())
        );
        assert_eq!(at(&[k("b"), k("c"), Seg::Index(2)]), (None, "30".into()));
        assert_eq!(at(&[k("e")]).1, "null");
        assert!(locate(text, &[k("z")]).is_none());
        assert!(locate(text, &[k("b"), k("c"), Seg::Index(3)]).is_none());
    }

    #[test]
    fn schema_subset() {
        let schema = serde_json::json!({
            "$defs": {"E": {"enum": ["a", "b"], "title": "E", "type": "string"}},
            "additionalProperties": false,
            "properties": {
                "n": {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
                "s": {"anyOf": [{"type": "string", "pattern": "^x+$"}, {"type": "null"}]},
                "e": {"$ref": "#/$defs/E"},
                "l": {"items": {"type": "string"}, "type": "array", "maxItems": 2}
            },
            "required": ["n"],
            "type": "object"
        });
        let ok = serde_json::json!({"n": 3, "s": null, "e": "a", "l": ["x"]});
        assert!(schema_errors(&schema, &ok).is_empty());
        let ok_float = serde_json::json!({"n": 3.0});
        assert!(schema_errors(&schema, &ok_float).is_empty());
        let bad = serde_json::json!({"n": 10, "s": "y", "e": "c", "l": ["x", 1, "z"], "q": 1});
        let kinds: Vec<String> = schema_errors(&schema, &bad)
            .into_iter()
            .map(|e| format!("{} {:?}", pointer_text(&e.pointer), e.kind))
            .collect();
        assert_eq!(kinds.len(), 6, "{kinds:#?}");
        assert!(kinds[0].starts_with("/n Bound"));
        assert!(kinds[1].starts_with("/s Pattern"));
        assert!(kinds[2].starts_with("/e NotInEnum"));
        assert!(kinds[3].starts_with("/l Bound"));
        assert!(kinds[4].starts_with("/l/1 WrongType"));
        assert!(kinds[5].starts_with(" Unknown"));
        let missing = serde_json::json!({"s": 3});
        let kinds: Vec<String> = schema_errors(&schema, &missing)
            .into_iter()
            .map(|e| format!("{} {:?}", pointer_text(&e.pointer), e.kind))
            .collect();
        assert_eq!(kinds.len(), 2, "{kinds:#?}");
        assert!(kinds[0].contains("WrongType") && kinds[0].contains("null"));
        assert!(kinds[1].contains("Missing"));
    }
}
