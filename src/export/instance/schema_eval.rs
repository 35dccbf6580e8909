//! The verdict of the `jsonschema` crate on a value against a schema lsmc generates
//! (`crate::export::schema`), each failure as a [`SchemaError`] at a pointer: what lsmc words,
//! in the order of the value, with the errors of a nullable value's `anyOf` unwrapped.

use serde_json::{Map, Value as Json};

use super::formats;
use super::paths::{Pointer, Seg};
use jsonschema::json::{Json as JsonRepr, SerdeJson};

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

/// Validates a value against a schema of the form lsmc generates, with the `jsonschema` crate
/// (draft 2020-12, the formats of the validation types as lsmc reads them).
pub fn schema_errors(schema: &Json, value: &Json) -> Vec<SchemaError> {
    match compile::<SerdeJson>(schema) {
        Some(validator) => errors_of(&validator, schema, value, value),
        None => Vec::new(),
    }
}

/// The schema compiled for values in the representation `F`: `None` for a schema the crate
/// refuses, which lsmc does not generate.
pub fn compile<F: JsonRepr>(schema: &Json) -> Option<jsonschema::Validator<F>> {
    let mut options = jsonschema::options_for::<F>()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true);
    // The formats of the validation types, as lsmc words them (the crate does not know most
    // of them, and would let them pass).
    for format in formats::NAMES {
        options = options.with_format(*format, |s: &str| formats::check(format, s).unwrap_or(true));
    }
    options.build(schema).ok()
}

/// A schema without the keywords that the names of an object's members alone decide:
/// `required`, and `additionalProperties: false`. Only keywords are taken out: a property named
/// `required` keeps its schema.
pub fn without_member_names(schema: &Json) -> Json {
    let relaxed_map = |map: &Map<String, Json>| -> Json {
        Json::Object(
            map.iter()
                .map(|(name, s)| (name.clone(), without_member_names(s)))
                .collect(),
        )
    };
    match schema {
        Json::Object(map) => {
            let mut out = Map::new();
            for (keyword, value) in map {
                let relaxed = match (keyword.as_str(), value) {
                    ("required", _) | ("additionalProperties", Json::Bool(false)) => continue,
                    ("properties" | "$defs", Json::Object(schemas)) => relaxed_map(schemas),
                    ("items" | "additionalProperties" | "anyOf" | "allOf" | "oneOf", _) => {
                        without_member_names(value)
                    }
                    _ => value.clone(),
                };
                out.insert(keyword.clone(), relaxed);
            }
            Json::Object(out)
        }
        Json::Array(schemas) => Json::Array(schemas.iter().map(without_member_names).collect()),
        other => other.clone(),
    }
}

/// What the compiled `schema` refuses in `value` (`node` is `value` in the representation
/// `F`), each failure once, in the order of the value's members (a missing attribute after the
/// members of its object).
pub fn errors_of<'a, F: JsonRepr>(
    validator: &'a jsonschema::Validator<F>,
    schema: &Json,
    node: F::Node<'a>,
    value: &Json,
) -> Vec<SchemaError> {
    if validator.is_valid(node.clone()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for error in validator.iter_errors(node) {
        convert(schema, &error, &mut out);
    }
    // A value of the wrong type has no other problem (its bounds, its enum).
    let wrong_type: Vec<Pointer> = out
        .iter()
        .filter(|e| matches!(e.kind, SchemaErrorKind::WrongType { .. }))
        .map(|e| e.pointer.clone())
        .collect();
    out.retain(|e| {
        matches!(e.kind, SchemaErrorKind::WrongType { .. }) || !wrong_type.contains(&e.pointer)
    });
    let mut unique: Vec<SchemaError> = Vec::with_capacity(out.len());
    for e in out {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    unique.sort_by_cached_key(|e| document_order(value, e));
    unique
}

/// One error of the crate as lsmc's errors (`anyOf`: the errors of the branch the value was
/// meant for).
fn convert(root: &Json, error: &jsonschema::ValidationError, out: &mut Vec<SchemaError>) {
    use jsonschema::error::ValidationErrorKind as Kind;
    let pointer: Pointer = error
        .instance_path()
        .iter()
        .map(|segment| match segment {
            jsonschema::paths::LocationSegment::Property(name) => Seg::Key(name.to_string()),
            jsonschema::paths::LocationSegment::Index(i) => Seg::Index(i),
        })
        .collect();
    let bound = |keyword: &str, given: Json| SchemaErrorKind::Bound {
        keyword: keyword.into(),
        // As the schema spells it (`10`, not `10.0`).
        limit: schema_at(root, &pointer)
            .and_then(|s| s.get(keyword))
            .cloned()
            .unwrap_or(given),
    };
    let kind = match error.kind() {
        Kind::Type { kind } => SchemaErrorKind::WrongType {
            expected: match kind {
                jsonschema::error::TypeKind::Single(t) => vec![t.to_string()],
                jsonschema::error::TypeKind::Multiple(ts) => {
                    ts.iter().map(|t| t.to_string()).collect()
                }
            },
        },
        Kind::Required { property } => SchemaErrorKind::Missing {
            name: property.as_str().unwrap_or_default().to_string(),
        },
        Kind::AdditionalProperties { unexpected } => {
            let known: Vec<String> = schema_at(root, &pointer)
                .and_then(|s| s.get("properties"))
                .and_then(Json::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            for name in unexpected {
                out.push(SchemaError {
                    pointer: pointer.clone(),
                    kind: SchemaErrorKind::Unknown {
                        name: name.clone(),
                        known: known.clone(),
                    },
                });
            }
            return;
        }
        Kind::Enum { options } => SchemaErrorKind::NotInEnum {
            allowed: options.as_array().cloned().unwrap_or_default(),
        },
        Kind::Constant { expected_value } => SchemaErrorKind::NotInEnum {
            allowed: vec![(**expected_value).clone()],
        },
        Kind::Pattern { pattern } => SchemaErrorKind::Pattern {
            pattern: pattern.clone(),
        },
        Kind::Format { format } => SchemaErrorKind::Format {
            format: format.clone(),
        },
        Kind::Minimum { limit } => bound("minimum", limit.clone()),
        Kind::Maximum { limit } => bound("maximum", limit.clone()),
        Kind::ExclusiveMinimum { limit } => bound("exclusiveMinimum", limit.clone()),
        Kind::ExclusiveMaximum { limit } => bound("exclusiveMaximum", limit.clone()),
        Kind::MultipleOf { multiple_of } => bound("multipleOf", Json::from(*multiple_of)),
        Kind::MinLength { limit } => bound("minLength", Json::from(*limit)),
        Kind::MaxLength { limit } => bound("maxLength", Json::from(*limit)),
        Kind::MinItems { limit } => bound("minItems", Json::from(*limit)),
        Kind::MaxItems { limit } => bound("maxItems", Json::from(*limit)),
        Kind::AnyOf { context } => {
            let branches: Vec<Vec<SchemaError>> = context
                .iter()
                .map(|errors| {
                    let mut converted = Vec::new();
                    for e in errors {
                        convert(root, e, &mut converted);
                    }
                    converted
                })
                .collect();
            any_of(branches, &pointer, out);
            return;
        }
        // Keywords that lsmc's schemas do not use.
        _ => return,
    };
    out.push(SchemaError { pointer, kind });
}

/// The errors of an `anyOf` that no branch satisfies: those of the branch the value's type
/// fits (not the `null` of a nullable value), else of the first branch; a value whose type no
/// branch fits is one type error that names every branch's types.
fn any_of(results: Vec<Vec<SchemaError>>, pointer: &Pointer, out: &mut Vec<SchemaError>) {
    let is_null = |errors: &[SchemaError]| {
        matches!(errors, [SchemaError { pointer: p, kind: SchemaErrorKind::WrongType { expected } }]
            if p == pointer && expected.len() == 1 && expected[0] == "null")
    };
    let nullable = results.iter().any(|e| is_null(e));
    let type_mismatch = |errors: &[SchemaError]| {
        errors
            .iter()
            .any(|e| e.pointer == *pointer && matches!(e.kind, SchemaErrorKind::WrongType { .. }))
    };
    let chosen = results
        .iter()
        .filter(|e| !is_null(e))
        .find(|e| !type_mismatch(e))
        .or_else(|| results.iter().find(|e| !is_null(e)));
    let Some(errors) = chosen else {
        return;
    };
    if type_mismatch(errors) {
        let mut expected: Vec<String> = Vec::new();
        for errors in results.iter().filter(|e| !is_null(e)) {
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

/// The schema object that applies to the value at `pointer` (through `$ref`, a one-branch
/// `allOf`, and the non-null branch of a nullable value).
fn schema_at<'s>(root: &'s Json, pointer: &[Seg]) -> Option<&'s Map<String, Json>> {
    let mut s = resolve(root, root.as_object()?)?;
    for seg in pointer {
        let next = match seg {
            Seg::Key(k) => s
                .get("properties")
                .and_then(|p| p.get(k.as_str()))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))?,
            Seg::Index(_) => s.get("items")?,
        };
        s = resolve(root, next.as_object()?)?;
    }
    Some(s)
}

fn resolve<'s>(root: &'s Json, mut s: &'s Map<String, Json>) -> Option<&'s Map<String, Json>> {
    for _ in 0..32 {
        let next = if let Some(reference) = s.get("$ref").and_then(Json::as_str) {
            root.pointer(reference.strip_prefix('#')?)
        } else if let Some(Json::Array(branches)) = s.get("allOf").or_else(|| s.get("anyOf")) {
            branches
                .iter()
                .find(|b| b.get("type").and_then(Json::as_str) != Some("null"))
        } else {
            return Some(s);
        };
        s = next?.as_object()?;
    }
    Some(s)
}

/// Where an error is in the value, as lsmc's evaluator walked it: members in their order,
/// items by index, an unknown member at its place, a missing one after its object's members.
fn document_order(value: &Json, e: &SchemaError) -> Vec<usize> {
    let mut key = Vec::with_capacity(e.pointer.len() + 1);
    let mut at = Some(value);
    for seg in &e.pointer {
        let (index, next) = match (seg, at) {
            (Seg::Key(k), Some(Json::Object(map))) => (
                map.keys().position(|m| m == k).unwrap_or(usize::MAX),
                map.get(k.as_str()),
            ),
            (Seg::Index(i), Some(Json::Array(items))) => (*i, items.get(*i)),
            _ => (usize::MAX, None),
        };
        key.push(index);
        at = next;
    }
    match (&e.kind, at) {
        (SchemaErrorKind::Unknown { name, .. }, Some(Json::Object(map))) => {
            key.push(map.keys().position(|m| m == name).unwrap_or(usize::MAX))
        }
        (SchemaErrorKind::Missing { .. }, _) => key.push(usize::MAX),
        _ => {}
    }
    key
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::instance::pointer_text;

    /// Only keywords go: a property named `required` keeps its schema, and
    /// `additionalProperties` that is a schema stays.
    #[test]
    fn without_member_names_takes_out_keywords_only() {
        let schema = serde_json::json!({
            "$defs": {"E": {"additionalProperties": false, "properties": {"a": {"type": "string"}}, "required": ["a"], "type": "object"}},
            "additionalProperties": false,
            "properties": {
                "required": {"type": "integer"},
                "e": {"anyOf": [{"$ref": "#/$defs/E"}, {"type": "null"}]},
                "d": {"additionalProperties": {"type": "string"}, "type": "object"},
                "l": {"items": {"$ref": "#/$defs/E"}, "type": "array"}
            },
            "required": ["required"],
            "type": "object"
        });
        let relaxed = serde_json::json!({
            "$defs": {"E": {"properties": {"a": {"type": "string"}}, "type": "object"}},
            "properties": {
                "required": {"type": "integer"},
                "e": {"anyOf": [{"$ref": "#/$defs/E"}, {"type": "null"}]},
                "d": {"additionalProperties": {"type": "string"}, "type": "object"},
                "l": {"items": {"$ref": "#/$defs/E"}, "type": "array"}
            },
            "type": "object"
        });
        assert_eq!(without_member_names(&schema), relaxed);
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
