//! Places in an attribute set: JSON pointers (as steps and as RFC 6901 text) and the readable
//! paths that problems show (`ports[name=eth0].speed`, items named by their key attributes).

use serde_json::{Map, Value as Json};

use super::Members;
use crate::export::{EmbeddedEntity, ServiceEntity};

/// One step into a JSON value: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A JSON pointer, as steps.
pub type Pointer = Vec<Seg>;

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
pub(super) fn item_label(
    e: &EmbeddedEntity,
    item: Option<&Map<String, Json>>,
    index: usize,
) -> String {
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
pub(super) fn owner_at(entity: &ServiceEntity, pointer: &[Seg]) -> String {
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

pub(super) fn child(pointer: &[Seg], seg: Seg) -> Pointer {
    let mut p = pointer.to_vec();
    p.push(seg);
    p
}

pub(super) fn join(path: &str, name: &str) -> String {
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
