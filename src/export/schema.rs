//! The JSON Schema of a service entity version (catalog format 9): what Pydantic v2's
//! `model_json_schema()` gives for a model built from the catalog entry (draft 2020-12
//! semantics, no `$schema` key). Keys of every schema object are sorted, except `properties`,
//! which follows the catalog: attributes, then embedded entities, then inter-service relations.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use super::{Attribute, EmbeddedEntity, InterServiceRelation, ServiceEntity};

/// The schema of one version.
pub fn version_schema(entity: &ServiceEntity) -> Json {
    let mut defs: BTreeMap<String, Option<Json>> = BTreeMap::new();
    let root = object(
        &entity.name,
        &entity.attributes,
        &entity.embedded_entities,
        &entity.inter_service_relations,
        &mut defs,
    );
    let Json::Object(root) = root else {
        unreachable!("object() builds an object")
    };
    let mut out = Map::new();
    let defs: Map<String, Json> = defs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    if !defs.is_empty() {
        out.insert("$defs".into(), Json::Object(defs));
    }
    out.extend(root);
    sorted(out)
}

/// Python's `str.title()` then `_` replaced by a space: `lab_index` -> `Lab Index`,
/// `vlan2id` -> `Vlan2Id`.
pub fn title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_cased = false;
    for c in name.chars() {
        if c.is_alphabetic() {
            if previous_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            previous_cased = true;
        } else {
            out.push(c);
            previous_cased = false;
        }
    }
    out.replace('_', " ")
}

fn sorted(map: Map<String, Json>) -> Json {
    let mut entries: Vec<(String, Json)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Json::Object(entries.into_iter().collect())
}

fn object(
    title_text: &str,
    attributes: &[Attribute],
    embedded: &[EmbeddedEntity],
    isrs: &[InterServiceRelation],
    defs: &mut BTreeMap<String, Option<Json>>,
) -> Json {
    let mut properties = Map::new();
    let mut required: Vec<Json> = Vec::new();
    for a in attributes {
        properties.insert(a.name.clone(), attribute(a, defs));
        if !a.default_value_set && a.modifier != "r" {
            required.push(Json::String(a.name.clone()));
        }
    }
    for e in embedded {
        if !defs.contains_key(&e.type_) {
            // Reserve the name first: an entity that contains itself refers to itself.
            defs.insert(e.type_.clone(), None);
            let def = object(
                &e.type_,
                &e.attributes,
                &e.embedded_entities,
                &e.inter_service_relations,
                defs,
            );
            defs.insert(e.type_.clone(), Some(def));
        }
        let reference = json!({ "$ref": format!("#/$defs/{}", e.type_) });
        let (lower, upper) = (e.lower_limit, e.upper_limit);
        let mut p = Map::new();
        if upper == Some(1) {
            if lower == 0 {
                p.insert("anyOf".into(), json!([reference, { "type": "null" }]));
                p.insert("default".into(), Json::Null);
            } else {
                p = reference.as_object().cloned().unwrap_or_default();
            }
        } else {
            p.insert("items".into(), reference);
            p.insert("title".into(), Json::String(title(&e.name)));
            p.insert("type".into(), "array".into());
            array_limits(&mut p, lower, upper);
        }
        properties.insert(e.name.clone(), sorted(p));
        if lower > 0 && e.modifier != "r" {
            required.push(Json::String(e.name.clone()));
        }
    }
    for r in isrs {
        let uuid = json!({ "format": "uuid", "type": "string" });
        let (lower, upper) = (r.lower_limit, r.upper_limit);
        let mut p = Map::new();
        if upper == Some(1) {
            if lower == 0 {
                p.insert("anyOf".into(), json!([uuid, { "type": "null" }]));
                p.insert("default".into(), Json::Null);
            } else {
                p = uuid.as_object().cloned().unwrap_or_default();
            }
        } else {
            p.insert("items".into(), uuid);
            p.insert("type".into(), "array".into());
            array_limits(&mut p, lower, upper);
        }
        p.insert("title".into(), Json::String(title(&r.name)));
        properties.insert(r.name.clone(), sorted(p));
        if lower > 0 && r.modifier != "r" {
            required.push(Json::String(r.name.clone()));
        }
    }
    let mut o = Map::new();
    o.insert("additionalProperties".into(), Json::Bool(false));
    o.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        o.insert("required".into(), Json::Array(required));
    }
    o.insert("title".into(), Json::String(title_text.to_string()));
    o.insert("type".into(), "object".into());
    Json::Object(o)
}

fn array_limits(p: &mut Map<String, Json>, lower: i64, upper: Option<i64>) {
    if lower > 0 {
        p.insert("minItems".into(), Json::from(lower));
    }
    if let Some(upper) = upper {
        p.insert("maxItems".into(), Json::from(upper));
    }
    if lower == 0 {
        p.insert("default".into(), json!([]));
    }
}

/// The property of an attribute.
fn attribute(a: &Attribute, defs: &mut BTreeMap<String, Option<Json>>) -> Json {
    let mut t = a.type_.as_str();
    let nullable = t.ends_with('?');
    t = t.trim_end_matches('?');
    let list = t.ends_with("[]");
    let base = t.trim_end_matches("[]");
    let mut inner = element(a, base, defs);
    if list {
        inner = json!({ "items": inner, "type": "array" });
    }
    let mut p = if nullable {
        let mut m = Map::new();
        m.insert("anyOf".into(), json!([inner, { "type": "null" }]));
        m
    } else {
        inner.as_object().cloned().unwrap_or_default()
    };
    if !p.contains_key("$ref") {
        p.insert("title".into(), Json::String(title(&a.name)));
    }
    if a.default_value_set {
        p.insert("default".into(), a.default_value.clone());
    }
    sorted(p)
}

fn primitive(base: &str) -> Json {
    match base {
        "string" => json!({ "type": "string" }),
        "int" => json!({ "type": "integer" }),
        "float" | "number" => json!({ "type": "number" }),
        "bool" => json!({ "type": "boolean" }),
        "dict" => json!({ "additionalProperties": true, "type": "object" }),
        "list" => json!({ "items": {}, "type": "array" }),
        _ => json!({}),
    }
}

fn format(validation_type: &str) -> Option<Json> {
    Some(match validation_type {
        "ipaddress.IPv4Address" => json!({ "format": "ipv4", "type": "string" }),
        "ipaddress.IPv6Address" => json!({ "format": "ipv6", "type": "string" }),
        "ipaddress.IPv4Network" => json!({ "format": "ipv4network", "type": "string" }),
        "ipaddress.IPv6Network" => json!({ "format": "ipv6network", "type": "string" }),
        "ipaddress.IPv4Interface" => json!({ "format": "ipv4interface", "type": "string" }),
        "ipaddress.IPv6Interface" => json!({ "format": "ipv6interface", "type": "string" }),
        "uuid.UUID" => json!({ "format": "uuid", "type": "string" }),
        "datetime.datetime" => json!({ "format": "date-time", "type": "string" }),
        "datetime.date" => json!({ "format": "date", "type": "string" }),
        "datetime.time" => json!({ "format": "time", "type": "string" }),
        "pydantic.EmailStr" => json!({ "format": "email", "type": "string" }),
        "pydantic.NameEmail" => json!({ "format": "name-email", "type": "string" }),
        "pydantic.AnyUrl" | "pydantic.AnyHttpUrl" => {
            json!({ "format": "uri", "minLength": 1, "type": "string" })
        }
        "pydantic.HttpUrl" => {
            json!({ "format": "uri", "maxLength": 2083, "minLength": 1, "type": "string" })
        }
        "pydantic.IPvAnyAddress" => json!({ "format": "ipvanyaddress", "type": "string" }),
        "pydantic.IPvAnyInterface" => json!({ "format": "ipvanyinterface", "type": "string" }),
        "pydantic.IPvAnyNetwork" => json!({ "format": "ipvanynetwork", "type": "string" }),
        "pydantic.PositiveInt" => json!({ "exclusiveMinimum": 0, "type": "integer" }),
        "pydantic.NegativeInt" => json!({ "exclusiveMaximum": 0, "type": "integer" }),
        "pydantic.PositiveFloat" => json!({ "exclusiveMinimum": 0, "type": "number" }),
        "pydantic.NegativeFloat" => json!({ "exclusiveMaximum": 0, "type": "number" }),
        _ => return None,
    })
}

/// The schema of one element of an attribute (without list and null wrapping).
fn element(a: &Attribute, base: &str, defs: &mut BTreeMap<String, Option<Json>>) -> Json {
    let Some(validation_type) = &a.validation_type else {
        return primitive(base);
    };
    let core = validation_type.trim_end_matches('?').trim_end_matches("[]");
    let parameters = a.validation_parameters.as_object();
    match core {
        "enum" => {
            let Some(p) = parameters else {
                return primitive(base);
            };
            let name = p
                .get("value")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string();
            let values: Vec<Json> = p
                .get("names")
                .and_then(Json::as_object)
                .map(|n| n.values().cloned().collect())
                .unwrap_or_default();
            let kind = primitive(base).get("type").cloned().unwrap_or(Json::Null);
            defs.insert(
                name.clone(),
                Some(json!({ "enum": values, "title": name, "type": kind })),
            );
            json!({ "$ref": format!("#/$defs/{name}") })
        }
        "pydantic.conint" | "pydantic.confloat" => {
            let mut d = primitive(base).as_object().cloned().unwrap_or_default();
            for (k, v) in parameters.into_iter().flatten() {
                let key = match k.as_str() {
                    "ge" => "minimum",
                    "gt" => "exclusiveMinimum",
                    "le" => "maximum",
                    "lt" => "exclusiveMaximum",
                    "multiple_of" => "multipleOf",
                    _ => continue,
                };
                d.insert(key.into(), v.clone());
            }
            sorted(d)
        }
        "pydantic.constr" => {
            let mut d = Map::new();
            d.insert("type".into(), "string".into());
            for (k, v) in parameters.into_iter().flatten() {
                let key = match k.as_str() {
                    "regex" | "pattern" => "pattern",
                    "min_length" => "minLength",
                    "max_length" => "maxLength",
                    _ => continue,
                };
                d.insert(key.into(), v.clone());
            }
            sorted(d)
        }
        other => format(other).unwrap_or_else(|| primitive(base)),
    }
}

#[cfg(test)]
mod tests {
    use super::title;

    #[test]
    fn titles_like_python() {
        assert_eq!(title("lab_index"), "Lab Index");
        assert_eq!(title("vlan2id"), "Vlan2Id");
        assert_eq!(title("service_id"), "Service Id");
        assert_eq!(title("mgmt_IP"), "Mgmt Ip");
    }
}
