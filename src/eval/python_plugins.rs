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
use crate::source::Span;

/// What runs Python plugins for an evaluation.
pub trait PluginHost {
    /// Runs `plugin` (`mod::name`) with these arguments; `read` answers the reads of an
    /// instance's attribute (instance id, attribute name) while the plugin runs.
    fn call(
        &self,
        plugin: &str,
        args: Vec<Json>,
        kwargs: Map<String, Json>,
        read: &mut dyn FnMut(u64, &str) -> AttributeRead,
    ) -> HostReply;
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
    let args = positional.iter().map(|v| to_json(rt, v)).collect();
    let kwargs = keyword
        .iter()
        .map(|(k, v)| (k.clone(), to_json(rt, v)))
        .collect();
    let mut waited: Option<CellId> = None;
    let reply = host.0.call(plugin, args, kwargs, &mut |id, attribute| {
        read_attribute(rt, id, attribute, &mut waited)
    });
    let plugin = plugin.to_string();
    Some(match reply {
        HostReply::Value(value) => Ok(from_json(rt, &value)),
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
