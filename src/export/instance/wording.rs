//! The wording of problems: JSON Schema errors as [`Problem`]s with a message and a label, and
//! the words they are made of (short previews of values, JSON types, key attributes).

use serde_json::Value as Json;

use super::formats;
use super::paths::{join, owner_at, pointer_text, render_path, Seg};
use super::schema_eval::{SchemaError, SchemaErrorKind};
use super::Problem;
use crate::diagnostics::codes;
use crate::export::{EmbeddedEntity, ServiceEntity};

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

pub(super) fn schema_problem(entity: &ServiceEntity, set: &Json, e: SchemaError) -> Problem {
    let value = set
        .pointer(&pointer_text(&e.pointer))
        .unwrap_or(&Json::Null);
    let path = render_path(entity, set, &e.pointer);
    let (code, path, message, label, at_key) = match e.kind {
        SchemaErrorKind::WrongType { expected } => (
            codes::INSTANCE_WRONG_TYPE,
            path,
            match value {
                // `null` says it all.
                Json::Null => format!("expected {}, found null", type_words(&expected)),
                _ => format!(
                    "expected {}, found {} ({})",
                    type_words(&expected),
                    kind(value),
                    preview(value)
                ),
            },
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

pub(super) fn key_words(e: &EmbeddedEntity) -> String {
    match &e.key_attributes {
        Some(keys) if !keys.is_empty() => {
            let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            format!("the key attributes {}", keys.join(", "))
        }
        _ => "their position (the relation holds one item)".to_string(),
    }
}
