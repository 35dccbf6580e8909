//! Calls of plugins that lsmc has no native version of: they run in a plugin host (a Python
//! process of the project's environment) behind [`PluginHost`], which the caller provides (the
//! CLI starts the process; the library never does IO). Values cross as JSON: `null`, booleans,
//! numbers (an integer and a float stay apart), strings and lists as themselves; a dict is
//! `{"$d": {...}}`, an instance `{"$i": id, "$e": "mod::Entity"}`, an unknown `{"$u": 0}`. An
//! instance's attributes are read back from the runtime while the plugin runs.

use std::rc::Rc;

use serde_json::{json, Map, Value as Json};

use super::error::EvalError;
use super::flow::{Flow, R};
use super::value::{Dict, InstanceId, Str, Value};
use super::{CellId, Runtime};
use crate::resolve::{EntityId, Primitive, TypeDef, ValueType};
use crate::source::Span;

/// What runs Python plugins for an evaluation.
pub trait PluginHost {
    /// Runs `plugin` (`mod::name`), called from namespace `caller`, with these arguments;
    /// `read` answers the reads of an instance's attribute (instance id, attribute name) while
    /// the plugin runs.
    fn call(
        &self,
        plugin: &str,
        caller: &str,
        args: Vec<Json>,
        kwargs: Map<String, Json>,
        read: &mut dyn FnMut(u64, &str) -> AttributeRead,
    ) -> HostReply;

    /// The annotations of `plugin`'s parameters and result, which its arguments and result are
    /// checked against as the reference checks them; `None` when the host can not say (then
    /// the call reports why).
    fn signature(&self, _plugin: &str) -> Option<Rc<Signature>> {
        None
    }
}

/// A Python plugin's signature as the host reads it from the function: each parameter's
/// annotation, the `Context` one left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// The parameters a positional argument fills, in order (also nameable by keyword).
    pub positional: Vec<(String, Annotation)>,
    pub var_positional: Option<Annotation>,
    pub keyword_only: Vec<(String, Annotation)>,
    pub var_keyword: Option<Annotation>,
    /// `any` when the function has no return annotation.
    pub returns: Annotation,
}

/// An annotation of a plugin's parameter or result.
#[derive(Debug, Clone, PartialEq)]
pub enum Annotation {
    /// A type of the model as text: `string`, `int[]`, `std::port?`, `mod::Entity`.
    Type(String),
    /// `None`: only `null` passes.
    Null,
    /// Not a string (a Python class such as `str`): its Python type and text, which the
    /// reference refuses.
    Python { kind: String, text: String },
}

impl Signature {
    /// Reads the host's `{"positional": [[name, annotation]...], "var_positional": annotation,
    /// "keyword_only": [...], "var_keyword": annotation, "returns": annotation}`, where an
    /// annotation is a string, `null`, or `{"py": type name, "text": repr}`, and an absent
    /// variadic parameter is left out.
    pub fn from_json(json: &Json) -> Option<Signature> {
        fn annotation(json: &Json) -> Option<Annotation> {
            Some(match json {
                Json::String(s) => Annotation::Type(s.clone()),
                Json::Null => Annotation::Null,
                Json::Object(o) => Annotation::Python {
                    kind: o.get("py")?.as_str()?.to_string(),
                    text: o.get("text")?.as_str()?.to_string(),
                },
                _ => return None,
            })
        }
        fn named(json: Option<&Json>) -> Option<Vec<(String, Annotation)>> {
            json?
                .as_array()?
                .iter()
                .map(|pair| {
                    Some((
                        pair.get(0)?.as_str()?.to_string(),
                        annotation(pair.get(1)?)?,
                    ))
                })
                .collect()
        }
        let variadic = |key: &str| match json.get(key) {
            None => Some(None),
            Some(a) => annotation(a).map(Some),
        };
        Some(Signature {
            positional: named(json.get("positional"))?,
            var_positional: variadic("var_positional")?,
            keyword_only: named(json.get("keyword_only"))?,
            var_keyword: variadic("var_keyword")?,
            returns: annotation(json.get("returns")?)?,
        })
    }

    fn for_position(&self, position: usize) -> Option<&Annotation> {
        self.positional
            .get(position)
            .map(|(_, a)| a)
            .or(self.var_positional.as_ref())
    }

    fn for_keyword(&self, name: &str) -> Option<&Annotation> {
        self.positional
            .iter()
            .chain(&self.keyword_only)
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
            .or(self.var_keyword.as_ref())
    }
}

/// The answer to a plugin's read of an instance attribute.
pub enum AttributeRead {
    Value(Json),
    /// Not known yet: the plugin stops and its call runs again once it is.
    Wait,
    /// The instance has no attribute of that name.
    Missing,
}

/// How a call in the host ended.
#[derive(Debug, Clone, PartialEq)]
pub enum HostReply {
    Value(Json),
    /// An attribute read waited (see [`AttributeRead::Wait`]).
    Wait,
    /// The plugin raised: `explicit` for a `PluginException`, with the Python error's text.
    Raised {
        explicit: bool,
        message: String,
    },
    /// No plugin of that name in the module.
    NotFound,
    /// The plugin ran longer than the limit (seconds) and was stopped.
    TimedOut(u64),
    /// The host could not run (no Python, no inmanta-core): what to install.
    Unavailable(String),
}

/// A [`PluginHost`] in [`super::Options`].
#[derive(Clone)]
pub struct HostHandle(pub Rc<dyn PluginHost>);

impl std::fmt::Debug for HostHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostHandle")
    }
}

/// Calls `plugin` in the host; `None` when the evaluation has none.
pub fn call(
    rt: &mut Runtime<'_>,
    plugin: &str,
    positional: &[Value],
    keyword: &[(String, Value)],
    span: Span,
) -> Option<R<Value>> {
    let host = rt.options.plugin_host.clone()?;
    let signature = host.0.signature(plugin);
    if let Some(signature) = &signature {
        let positions = positional.iter().enumerate();
        let given = positions.map(|(i, v)| (signature.for_position(i), v));
        let named = keyword.iter().map(|(k, v)| (signature.for_keyword(k), v));
        for (annotation, value) in given.chain(named) {
            // Arguments no parameter takes are the plugin's to refuse, as Python refuses them.
            if let Some(annotation) = annotation {
                if let Err(message) = check_value(rt, plugin, annotation, value) {
                    return Some(Err(EvalError::PluginArgument { message, span }.into()));
                }
            }
        }
    }
    let args = positional.iter().map(|v| to_json(rt, v)).collect();
    let kwargs = keyword
        .iter()
        .map(|(k, v)| (k.clone(), to_json(rt, v)))
        .collect();
    let mut waited: Option<CellId> = None;
    // The namespace of the file the call is in (`Context.owner.namespace`).
    let caller = rt.model.namespaces.iter().find(|ns| ns.file == span.file);
    let caller = caller.map_or("", |ns| ns.name.as_str());
    let reply = host
        .0
        .call(plugin, caller, args, kwargs, &mut |id, attribute| {
            read_attribute(rt, id, attribute, &mut waited)
        });
    let plugin = plugin.to_string();
    Some(match reply {
        HostReply::Value(value) => {
            let value = from_json(rt, &value);
            // The reference checks the result inside the plugin's call: a refused one is an
            // exception of the plugin.
            match signature.map(|s| check_value(rt, &plugin, &s.returns, &value)) {
                Some(Err(message)) => Err(EvalError::PythonRaised {
                    plugin,
                    explicit: false,
                    message,
                    span,
                }
                .into()),
                _ => Ok(value),
            }
        }
        HostReply::Wait => match waited {
            Some(cell) => Err(Flow::Wait(cell)),
            None => Err(EvalError::PluginHost {
                plugin,
                message: "the plugin host waited for no attribute".into(),
                span,
            }
            .into()),
        },
        HostReply::Raised { explicit, message } => Err(EvalError::PythonRaised {
            plugin,
            explicit,
            message,
            span,
        }
        .into()),
        HostReply::NotFound => Err(EvalError::PythonPluginNotFound { plugin, span }.into()),
        HostReply::TimedOut(seconds) => Err(EvalError::PluginTimeout {
            plugin,
            seconds,
            span,
        }
        .into()),
        HostReply::Unavailable(message) => Err(EvalError::PluginHost {
            plugin,
            message,
            span,
        }
        .into()),
    })
}

/// Checks a value against a plugin's annotation as the reference's `Type.validate` does; an
/// unknown passes (the host returns unknown for it, unless the plugin takes unknowns).
fn check_value(
    rt: &mut Runtime<'_>,
    plugin: &str,
    annotation: &Annotation,
    value: &Value,
) -> Result<(), String> {
    let text = match annotation {
        Annotation::Type(text) => text.as_str(),
        Annotation::Null => "null",
        Annotation::Python { kind, text } => {
            return Err(format!(
                "Bad annotation in plugin {plugin}, expected str but got {kind} ({text})"
            ))
        }
    };
    if matches!(value, Value::Unknown) || matches!(text, "any" | "expression") {
        return Ok(());
    }
    let refused = |rt: &Runtime<'_>, value: &Value, expected: &str| {
        Err(format!(
            "Invalid value '{}', expected {expected}",
            rt.str_of(value)
        ))
    };
    if text == "null" {
        return match value {
            Value::Null => Ok(()),
            other => refused(rt, other, "null"),
        };
    }
    let (base, nullable) = match text.strip_suffix('?') {
        Some(base) => (base, true),
        None => (text, false),
    };
    if matches!(value, Value::Null) {
        return if nullable {
            Ok(())
        } else {
            refused(rt, value, text)
        };
    }
    let (element, list) = match base.strip_suffix("[]") {
        Some(element) => (element, true),
        None => (base, false),
    };
    // As an annotation, `list` and `dict` take any list or dict, instances in them too (the
    // reference's plugin types, unlike an attribute's).
    match (base, value) {
        ("list", Value::List(_)) | ("dict", Value::Dict(_)) => return Ok(()),
        ("list" | "dict", other) => return refused(rt, other, base),
        _ => {}
    }
    let namespace = plugin.rsplit_once("::").map_or("", |(ns, _)| ns);
    let ty = resolve_type(rt, namespace, element)?;
    if !list {
        return check_element(rt, ty, value);
    }
    let Value::List(items) = value else {
        return refused(rt, value, base);
    };
    for item in items.iter() {
        check_element(rt, ty, item)?;
    }
    Ok(())
}

/// The type an annotation names, as the reference resolves it in the plugin's namespace.
#[derive(Clone, Copy)]
enum Annotated {
    Value(ValueType),
    Entity(EntityId),
}

fn resolve_type(rt: &Runtime<'_>, namespace: &str, name: &str) -> Result<Annotated, String> {
    if let Some(primitive) = Primitive::from_name(name) {
        return Ok(Annotated::Value(ValueType::Primitive(primitive)));
    }
    let (in_namespace, short) = match name.rsplit_once("::") {
        Some((ns, short)) => (ns, short),
        None => (namespace, name),
    };
    let found = rt
        .model
        .namespace_by_name
        .get(in_namespace)
        .and_then(|ns| rt.model.namespace(*ns).types.get(short));
    match found {
        Some(TypeDef::Entity(e)) => Ok(Annotated::Entity(*e)),
        Some(TypeDef::Typedef(t)) => Ok(Annotated::Value(ValueType::Typedef(*t))),
        None => Err(format!(
            "could not find type {name} in namespace {namespace}"
        )),
    }
}

fn check_element(rt: &mut Runtime<'_>, ty: Annotated, value: &Value) -> Result<(), String> {
    match (ty, value) {
        (_, Value::Unknown) => Ok(()),
        (Annotated::Value(base), value) => rt.check_base(base, value),
        (Annotated::Entity(wanted), Value::Instance(i)) => {
            if rt.is_subtype(rt.instances[i.0 as usize].entity, wanted) {
                Ok(())
            } else {
                Err(format!(
                    "Invalid class type for {}, should be {}",
                    rt.describe(*i),
                    rt.model.entity(wanted).full_name
                ))
            }
        }
        (Annotated::Entity(wanted), other) => Err(format!(
            "Invalid type for value '{}', should be type {}",
            rt.str_of(other),
            rt.model.entity(wanted).full_name
        )),
    }
}

fn read_attribute(
    rt: &mut Runtime<'_>,
    id: u64,
    attribute: &str,
    waited: &mut Option<CellId>,
) -> AttributeRead {
    let Ok(index) = u32::try_from(id) else {
        return AttributeRead::Missing;
    };
    if index as usize >= rt.instances.len() {
        return AttributeRead::Missing;
    }
    let Some(cell) = rt.slot(InstanceId(index), attribute) else {
        return AttributeRead::Missing;
    };
    match rt.read(cell) {
        Ok(value) => AttributeRead::Value(to_json(rt, &value)),
        Err(_) => {
            *waited = Some(cell);
            AttributeRead::Wait
        }
    }
}

/// A value as the host reads it.
pub fn to_json(rt: &Runtime<'_>, value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.to_string()),
        Value::List(items) => Json::Array(items.iter().map(|v| to_json(rt, v)).collect()),
        Value::Dict(entries) => {
            let map: Map<String, Json> = entries
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(rt, v)))
                .collect();
            json!({ "$d": map })
        }
        Value::Instance(id) => {
            let entity = rt.instances[id.0 as usize].entity;
            json!({ "$i": id.0, "$e": rt.model.entity(entity).full_name })
        }
        Value::Unknown => json!({ "$u": 0 }),
    }
}

/// A value the host returned.
pub fn from_json(rt: &Runtime<'_>, value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::str(s),
        Json::Array(items) => Value::list(items.iter().map(|v| from_json(rt, v)).collect()),
        Json::Object(map) => {
            if let Some(Json::Object(entries)) = map.get("$d") {
                Value::Dict(Dict::new(
                    entries
                        .iter()
                        .map(|(k, v)| (Str::from(k.as_str()), from_json(rt, v)))
                        .collect(),
                ))
            } else if let Some(id) = map.get("$i").and_then(Json::as_u64) {
                match u32::try_from(id) {
                    Ok(id) if (id as usize) < rt.instances.len() => Value::Instance(InstanceId(id)),
                    _ => Value::Unknown,
                }
            } else {
                Value::Unknown
            }
        }
    }
}
