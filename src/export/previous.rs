//! The version rules of services (seed 003), checked offline against the catalog on record
//! (`lsmc export --previous OLD.json [--inventory FILE]`):
//!
//! * an existing version can not be changed (any difference in its catalog entry), except
//!   version 0 while it is the only version of its service (on record and in the model);
//! * a version can not be removed while instances still use it: the inventory's records that
//!   are not deleted, matched on `service_entity` and `service_entity_version`.
//!
//! Each violation is a diagnostic that points at the binding in the model.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::instance::{preview, same_value};
use super::Catalog;
use crate::check::statics::Statics;
use crate::check::view::LsmView;
use crate::diagnostics::Diagnostic;
use crate::export::error::ExportError;
use crate::resolve::Model;
use crate::source::Span;

/// Where a service is bound in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingSpans {
    /// The binding's constructor call (`lsm::ServiceBinding(...)`,
    /// `lsm::ServiceEntityBindingV2(...)`).
    pub binding: Span,
    /// The constructor of each version (`lsm::ServiceBindingVersion(...)`; for a single
    /// binding, the binding itself as version 0), in the order written.
    pub versions: Vec<(i64, Span)>,
}

impl BindingSpans {
    /// The span of a version, else of the binding.
    pub fn version(&self, version: i64) -> Span {
        self.versions
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, s)| *s)
            .unwrap_or(self.binding)
    }
}

/// The bindings of a model's services, by service name.
pub fn binding_spans(model: &Model, statics: &Statics) -> BTreeMap<String, BindingSpans> {
    let mut out = BTreeMap::new();
    let Some(view) = LsmView::new(model, statics) else {
        return out;
    };
    for service in &view.services {
        let Some(name) = &service.name else {
            continue;
        };
        out.entry(name.clone()).or_insert_with(|| BindingSpans {
            binding: service.span,
            versions: service
                .versions
                .iter()
                .map(|v| (v.version, v.span))
                .collect(),
        });
    }
    out
}

/// A service instance of the inventory, as far as the version rules look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    pub service_entity: String,
    pub service_entity_version: i64,
    /// In a deleted state (`deleted: true`): it does not hold its version.
    pub deleted: bool,
    /// Where the instance is in the inventory file.
    pub span: Option<Span>,
}

/// One service of a catalog file: its name and its versions' entries.
struct Recorded<'j> {
    name: &'j str,
    versions: Vec<(i64, &'j Json)>,
}

/// Reads a catalog file (catalog format 2). `Err` says what is wrong with it.
fn recorded(old: &Json) -> Result<Vec<Recorded<'_>>, String> {
    let services = old
        .get("services")
        .and_then(Json::as_array)
        .ok_or("it is not a catalog: it has no `services` array")?;
    let mut out = Vec::new();
    for (i, service) in services.iter().enumerate() {
        let name = service
            .get("name")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("`services[{i}]` has no `name`"))?;
        let list = service
            .get("versions")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("service `{name}` has no `versions` array"))?;
        let mut versions = Vec::new();
        for (j, entry) in list.iter().enumerate() {
            let version = entry.get("version").and_then(Json::as_i64).ok_or_else(|| {
                format!("`versions[{j}]` of service `{name}` has no integer `version`")
            })?;
            versions.push((version, entry));
        }
        out.push(Recorded { name, versions });
    }
    Ok(out)
}

/// Compares the catalog of the model with the catalog on record. `inventory`: the instances
/// that hold versions (`None`: removed versions are not checked). `Err`: the old catalog is
/// not a catalog file.
pub fn compare(
    new: &Catalog,
    old: &Json,
    spans: &BTreeMap<String, BindingSpans>,
    inventory: Option<&[Instance]>,
) -> Result<Vec<Diagnostic>, String> {
    let mut out = Vec::new();
    for service in recorded(old)? {
        let name = service.name;
        let current = new.service(name);
        let binding = spans.get(name);
        let old_numbers: Vec<i64> = service.versions.iter().map(|(v, _)| *v).collect();
        for (version, entry) in &service.versions {
            match current.and_then(|s| s.version(*version)) {
                Some(now) => {
                    let now = serde_json::to_value(now).expect("catalog values serialize");
                    if same_value(&now, entry) {
                        continue;
                    }
                    let new_numbers: Vec<i64> = current
                        .map(|s| s.versions.iter().map(|v| v.version).collect())
                        .unwrap_or_default();
                    if *version == 0 && old_numbers == [0] && new_numbers == [0] {
                        continue; // the only version 0 may still change
                    }
                    out.push(changed(
                        name,
                        *version,
                        entry,
                        &now,
                        binding,
                        old_numbers.clone(),
                        new_numbers,
                    ));
                }
                None => {
                    let Some(instances) = inventory else {
                        continue;
                    };
                    let holding: Vec<&Instance> = instances
                        .iter()
                        .filter(|i| {
                            !i.deleted
                                && i.service_entity == name
                                && i.service_entity_version == *version
                        })
                        .collect();
                    if !holding.is_empty() {
                        out.push(removed(
                            name,
                            *version,
                            &holding,
                            binding,
                            current.is_some(),
                        ));
                    }
                }
            }
        }
    }
    let mut out: Vec<Diagnostic> = out.into_iter().map(Diagnostic::from).collect();
    crate::diagnostics::sort(&mut out);
    Ok(out)
}

fn changed(
    name: &str,
    version: i64,
    old: &Json,
    new: &Json,
    binding: Option<&BindingSpans>,
    recorded: Vec<i64>,
    current: Vec<i64>,
) -> ExportError {
    let mut found = Vec::new();
    differences(old, new, "", &mut found);
    ExportError::VersionChanged {
        service: name.to_string(),
        version,
        recorded,
        current,
        places: binding.map(|b| (b.version(version), b.binding)),
        differences: found,
    }
}

fn removed(
    name: &str,
    version: i64,
    holding: &[&Instance],
    binding: Option<&BindingSpans>,
    service_exists: bool,
) -> ExportError {
    ExportError::VersionRemoved {
        service: name.to_string(),
        version,
        service_exists,
        binding: binding.map(|b| b.binding),
        instances: holding.iter().map(|i| (i.id.clone(), i.span)).collect(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The names of an array's items when every item is an object with a unique `name`.
fn names(items: &[Json]) -> Option<Vec<&str>> {
    let names: Option<Vec<&str>> = items
        .iter()
        .map(|i| i.get("name").and_then(Json::as_str))
        .collect();
    let names = names?;
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == names.len()).then_some(names)
}

/// Every difference between two catalog entries, as readable lines (`attributes[name=x].type:
/// was "string", now "int"`).
pub fn differences(old: &Json, new: &Json, path: &str, out: &mut Vec<String>) {
    let shown = |p: &str| {
        if p.is_empty() {
            "the entry".to_string()
        } else {
            format!("`{p}`")
        }
    };
    match (old, new) {
        (Json::Object(o), Json::Object(n)) => {
            for (k, v) in o {
                match n.get(k) {
                    Some(w) => differences(v, w, &join(path, k), out),
                    None => out.push(format!("{} was removed", shown(&join(path, k)))),
                }
            }
            for k in n.keys().filter(|k| !o.contains_key(*k)) {
                out.push(format!("{} was added", shown(&join(path, k))));
            }
        }
        (Json::Array(o), Json::Array(n)) => match (names(o), names(n)) {
            (Some(old_names), Some(new_names)) => {
                for (item, name) in o.iter().zip(&old_names) {
                    let here = format!("{path}[name={name}]");
                    match new_names.iter().position(|m| m == name) {
                        Some(j) => differences(item, &n[j], &here, out),
                        None => out.push(format!("`{here}` was removed")),
                    }
                }
                for name in new_names.iter().filter(|m| !old_names.contains(m)) {
                    out.push(format!("`{path}[name={name}]` was added"));
                }
                let kept_old: Vec<&&str> =
                    old_names.iter().filter(|m| new_names.contains(m)).collect();
                let kept_new: Vec<&&str> =
                    new_names.iter().filter(|m| old_names.contains(m)).collect();
                if kept_old != kept_new {
                    out.push(format!("{}: the order changed", shown(path)));
                }
            }
            _ if o.len() != n.len() => out.push(format!(
                "{}: {} items, {} on record",
                shown(path),
                n.len(),
                o.len()
            )),
            _ => {
                for (i, (v, w)) in o.iter().zip(n).enumerate() {
                    differences(v, w, &format!("{path}[{i}]"), out);
                }
            }
        },
        _ if same_value(old, new) => {}
        _ => out.push(format!(
            "{}: {} on record, now {}",
            shown(path),
            preview(old),
            preview(new)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::differences;
    use serde_json::json;

    #[test]
    fn differences_by_name_and_index() {
        let old = json!({
            "attributes": [{"name": "a", "type": "string"}, {"name": "b", "type": "int"}],
            "lifecycle": {"transfers": [{"source": "x"}, {"source": "y"}]},
            "owner": null
        });
        let new = json!({
            "attributes": [{"name": "a", "type": "int"}, {"name": "c", "type": "int"}],
            "lifecycle": {"transfers": [{"source": "x"}, {"source": "z"}]},
            "owner": null
        });
        let mut out = Vec::new();
        differences(&old, &new, "", &mut out);
        assert_eq!(
            out,
            [
                "`attributes[name=a].type`: \"string\" on record, now \"int\"",
                "`attributes[name=b]` was removed",
                "`attributes[name=c]` was added",
                "`lifecycle.transfers[1].source`: \"y\" on record, now \"z\"",
            ]
        );
        let mut none = Vec::new();
        differences(&old, &old.clone(), "", &mut none);
        assert!(none.is_empty());
    }
}
