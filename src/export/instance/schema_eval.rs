//! A JSON Schema evaluator for the schemas lsmc generates (`crate::export::schema`): the
//! keywords they use, with draft 2020-12 semantics, each failure as a [`SchemaError`] at a
//! pointer.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::formats;
use super::paths::{Pointer, Seg};

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
    schema_errors_with(schema, value, &Regexes::default())
}

/// The compiled patterns of a schema, kept between calls that validate against it.
#[derive(Default)]
pub struct Regexes(std::cell::RefCell<HashMap<String, Option<fancy_regex::Regex>>>);

/// [`schema_errors`] with the patterns compiled once for many values.
pub fn schema_errors_with(schema: &Json, value: &Json, regexes: &Regexes) -> Vec<SchemaError> {
    let mut out = Vec::new();
    let checker = Checker {
        root: schema,
        regexes: &regexes.0,
    };
    checker.check(schema, value, &mut Vec::new(), &mut out, 0);
    out
}

struct Checker<'s> {
    root: &'s Json,
    regexes: &'s std::cell::RefCell<HashMap<String, Option<fancy_regex::Regex>>>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::instance::pointer_text;

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
