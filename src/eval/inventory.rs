//! The service inventory: the service instances `lsm::all` reads, in the JSON shape of the LSM API
//! (an array, or `{"data": [...]}`). Problems are diagnostics that point into the inventory file.

use std::rc::Rc;

use super::value::Value;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::source::{FileId, Span};

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub records: Vec<Record>,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub service_entity: String,
    pub service_entity_version: i64,
    pub version: i64,
    pub state: String,
    pub candidate_attributes: serde_json::Value,
    pub active_attributes: serde_json::Value,
    pub rollback_attributes: serde_json::Value,
    pub deleted: bool,
    pub span: Span,
}

impl Record {
    pub fn attribute_set(&self, name: &str) -> &serde_json::Value {
        match name {
            "candidate" => &self.candidate_attributes,
            "active" => &self.active_attributes,
            "rollback" => &self.rollback_attributes,
            _ => &serde_json::Value::Null,
        }
    }
}

/// Parses an inventory file. A broken file gives diagnostics and an empty inventory.
pub fn parse(text: &str, file: FileId) -> (Inventory, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let error = |message: String, span: Span, label: &str| {
        Diagnostic::error(codes::INVENTORY_ERROR, message)
            .with_label(Label::primary(span, label))
            .with_help("the inventory is a JSON array of service instances (or {\"data\": [...]}), each with `id`, `service_entity`, `state` and the attribute sets")
    };
    let whole = Span::new(file, 0, text.len().min(1));
    let parsed: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let offset = offset_of(text, e.line(), e.column());
            diagnostics.push(error(
                format!("the inventory is not valid JSON: {e}"),
                Span::new(file, offset, (offset + 1).min(text.len())),
                "here",
            ));
            return (Inventory::default(), diagnostics);
        }
    };
    let items = match &parsed {
        serde_json::Value::Array(items) => items.clone(),
        serde_json::Value::Object(map) => match map.get("data") {
            Some(serde_json::Value::Array(items)) => items.clone(),
            _ => {
                diagnostics.push(error("the inventory must be an array of service instances, or an object with a `data` array".into(), whole, "not an array"));
                return (Inventory::default(), diagnostics);
            }
        },
        _ => {
            diagnostics.push(error(
                "the inventory must be an array of service instances".into(),
                whole,
                "not an array",
            ));
            return (Inventory::default(), diagnostics);
        }
    };
    let places = element_places(text);
    let mut records = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let span = places
            .get(i)
            .map(|(s, e)| Span::new(file, *s, *e))
            .unwrap_or(whole);
        let Some(object) = item.as_object() else {
            diagnostics.push(error(
                format!("service instance {i} is not an object"),
                span,
                "not an object",
            ));
            continue;
        };
        let string = |key: &str, diagnostics: &mut Vec<Diagnostic>| match object.get(key) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => {
                diagnostics.push(error(
                    format!("`{key}` of service instance {i} is not a string"),
                    span,
                    "in this instance",
                ));
                None
            }
            None => {
                diagnostics.push(error(
                    format!("service instance {i} has no `{key}`"),
                    span,
                    "in this instance",
                ));
                None
            }
        };
        let integer =
            |key: &str, default: i64, diagnostics: &mut Vec<Diagnostic>| match object.get(key) {
                None | Some(serde_json::Value::Null) => Some(default),
                Some(v) => match v.as_i64() {
                    Some(n) => Some(n),
                    None => {
                        diagnostics.push(error(
                            format!("`{key}` of service instance {i} is not an integer"),
                            span,
                            "in this instance",
                        ));
                        None
                    }
                },
            };
        let set = |key: &str, diagnostics: &mut Vec<Diagnostic>| match object.get(key) {
            None | Some(serde_json::Value::Null) => Some(serde_json::Value::Null),
            Some(v @ serde_json::Value::Object(_)) => Some(v.clone()),
            Some(_) => {
                diagnostics.push(error(
                    format!("`{key}` of service instance {i} is neither an object nor null"),
                    span,
                    "in this instance",
                ));
                None
            }
        };
        let deleted = match object.get("deleted") {
            None | Some(serde_json::Value::Null) => Some(false),
            Some(serde_json::Value::Bool(b)) => Some(*b),
            Some(_) => {
                diagnostics.push(error(
                    format!("`deleted` of service instance {i} is not a bool"),
                    span,
                    "in this instance",
                ));
                None
            }
        };
        let id = string("id", &mut diagnostics);
        let service_entity = string("service_entity", &mut diagnostics);
        let state = string("state", &mut diagnostics);
        let service_entity_version = integer("service_entity_version", 0, &mut diagnostics);
        let version = integer("version", 1, &mut diagnostics);
        let candidate = set("candidate_attributes", &mut diagnostics);
        let active = set("active_attributes", &mut diagnostics);
        let rollback = set("rollback_attributes", &mut diagnostics);
        if let (
            Some(id),
            Some(service_entity),
            Some(state),
            Some(sev),
            Some(version),
            Some(c),
            Some(a),
            Some(r),
            Some(deleted),
        ) = (
            id,
            service_entity,
            state,
            service_entity_version,
            version,
            candidate,
            active,
            rollback,
            deleted,
        ) {
            records.push(Record {
                id,
                service_entity,
                service_entity_version: sev,
                version,
                state,
                candidate_attributes: c,
                active_attributes: a,
                rollback_attributes: r,
                deleted,
                span,
            });
        }
    }
    (Inventory { records }, diagnostics)
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// Byte ranges of the elements of the inventory's array (the top level, or `data`), found by
/// scanning the text: serde_json does not keep positions.
fn element_places(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut places = Vec::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut array_depth: Option<i32> = None;
    let mut start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
            }
            b'[' | b'{' => {
                if b == b'[' && array_depth.is_none() {
                    array_depth = Some(depth + 1);
                } else if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth -= 1;
                if array_depth == Some(depth) {
                    if let Some(s) = start.take() {
                        places.push((s, i + 1));
                    }
                }
                if array_depth == Some(depth + 1) && b == b']' {
                    if let Some(s) = start.take() {
                        places.push((s, i));
                    }
                    break;
                }
            }
            b',' if array_depth == Some(depth) => {
                if let Some(s) = start.take() {
                    places.push((s, i));
                }
            }
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => {
                if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    places
}

/// A JSON value as a model value.
pub fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Dict(Rc::new(
            map.iter()
                .map(|(k, v)| (Rc::from(k.as_str()), from_json(v)))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_places() {
        let text = r#"{"data": [{"id": "a", "service_entity": "s", "state": "up"}, {"id": 3}]}"#;
        let (inventory, diagnostics) = parse(text, FileId(0));
        assert_eq!(inventory.records.len(), 1);
        assert_eq!(diagnostics.len(), 3); // id not a string, no service_entity, no state
        let span = diagnostics[0].primary_span().unwrap();
        assert_eq!(&text[span.range()], r#"{"id": 3}"#);
    }

    #[test]
    fn broken_json_points_at_the_error() {
        let (_, diagnostics) = parse("[\n  {\"id\": }\n]", FileId(0));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].primary_span().unwrap().start, 11);
    }
}
