//! Plugin calls: type casts, and the native versions of the built-in `std` and `lsm` plugins.
//! Plugins of other modules are Python code that lsmc can not run: calling one is a diagnostic.

use std::rc::Rc;

use super::cells::TaskId;
use super::flow::{error, R};
use super::plugin_args::Args;
use super::value::Value;
use super::Runtime;
use crate::ast::Path;
use crate::builtin::plugins::{signature, ParamKind};
use crate::diagnostics::codes;
use crate::resolve::NamespaceId;
use crate::source::Span;

pub fn call(
    rt: &mut Runtime<'_>,
    task: TaskId,
    namespace: NamespaceId,
    function: &Path,
    positional: Vec<Value>,
    keyword: Vec<(String, Value)>,
    span: Span,
) -> R<Value> {
    let segments: Vec<&str> = function.segments.iter().map(|s| s.text.as_str()).collect();
    let (ns_segments, name) = segments.split_at(segments.len() - 1);
    let name = name[0];
    let target = if ns_segments.is_empty() {
        if let Some(v) = cast(rt, name, &positional, &keyword, span)? {
            return Ok(v);
        }
        rt.model.namespace(namespace).name.clone()
    } else {
        let visible = ns_segments.join("::");
        match rt.model.namespace(namespace).imports.get(&visible) {
            Some(ns) => rt.model.namespace(*ns).name.clone(),
            None => {
                return Err(error(
                    codes::NOT_FOUND,
                    format!(
                        "Namespace {visible} not found.\nTry importing it with `import {visible}`"
                    ),
                    function.span,
                    "not imported",
                ))
            }
        }
    };
    let full = format!("{target}::{name}");
    let Some(sig) = signature(&target, name) else {
        return Err(error(
            codes::PLUGIN_NOT_SUPPORTED,
            format!("Exception in plugin {full}: lsmc can not run Python plugins, and {full} has no native version"),
            span,
            "this plugin is Python code",
        ));
    };
    // Bind as Python does: positional arguments in order, then keywords.
    let mut args = Args {
        values: Vec::new(),
        rest: Vec::new(),
        extra: Vec::new(),
    };
    let mut positional = positional.into_iter();
    for param in sig.params {
        match param.kind {
            ParamKind::Normal => {
                if let Some(v) = positional.next() {
                    args.values.push((param.name.to_string(), v));
                }
            }
            ParamKind::VarPositional => args.rest.extend(positional.by_ref()),
            _ => {}
        }
    }
    if positional.next().is_some() {
        return Err(error(
            codes::PLUGIN_ARGUMENTS,
            format!("{full}() takes fewer positional arguments than were given"),
            span,
            "in this call",
        ));
    }
    for (k, v) in keyword {
        let known = sig
            .params
            .iter()
            .any(|p| p.name == k && matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly));
        if known {
            if args.get(&k).is_some() {
                return Err(error(
                    codes::PLUGIN_ARGUMENTS,
                    format!("Keyword argument {k} repeated in function call {full}()"),
                    span,
                    "in this call",
                ));
            }
            args.values.push((k, v));
        } else {
            args.extra.push((k, v));
        }
    }
    let result = match target.as_str() {
        "std" => std_plugin(rt, name, &args),
        "lsm" | "lsm::allocators" => {
            return super::lsm_plugins::plugin(rt, task, &full, &args, span)
        }
        _ => Err(format!("{full} has no native version")),
    };
    result.map_err(|message| {
        error(
            codes::PLUGIN_ERROR,
            format!("Exception in plugin {full}: {message}"),
            span,
            "in this call",
        )
    })
}

/// `int(x)`, `string(x)`, ...: `Ok(None)` when `name` is no cast.
fn cast(
    rt: &Runtime<'_>,
    name: &str,
    positional: &[Value],
    keyword: &[(String, Value)],
    span: Span,
) -> R<Option<Value>> {
    if !matches!(name, "string" | "int" | "float" | "bool" | "number") {
        return Ok(None);
    }
    if !keyword.is_empty() {
        return Err(error(
            codes::RUNTIME_ERROR,
            "Only positional arguments allowed in type cast",
            span,
            "in this cast",
        ));
    }
    if positional.len() != 1 {
        return Err(error(
            codes::RUNTIME_ERROR,
            format!(
                "Illegal arguments {},0: type cast expects exactly 1 argument",
                positional.len()
            ),
            span,
            "in this cast",
        ));
    }
    let v = &positional[0];
    let fail = || {
        error(
            codes::RUNTIME_ERROR,
            format!("Failed to cast {} to {name}", rt.repr_of(v)),
            span,
            "in this cast",
        )
    };
    Ok(Some(match name {
        "string" => Value::str(&match v {
            Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            other => rt.str_of(other),
        }),
        "int" => match v {
            Value::Int(i) => Value::Int(*i),
            Value::Bool(b) => Value::Int(*b as i64),
            Value::Float(f) => Value::Int(f.trunc() as i64),
            Value::Str(s) => Value::Int(s.trim().parse().map_err(|_| fail())?),
            _ => return Err(fail()),
        },
        "float" => match v {
            Value::Int(i) => Value::Float(*i as f64),
            Value::Bool(b) => Value::Float(*b as i64 as f64),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Float(s.trim().parse().map_err(|_| fail())?),
            _ => return Err(fail()),
        },
        "number" => match v {
            Value::Int(_) | Value::Float(_) => v.clone(),
            Value::Bool(b) => Value::Int(*b as i64),
            Value::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Float(s.trim().parse().map_err(|_| fail())?),
            },
            _ => return Err(fail()),
        },
        _ => Value::Bool(match v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Instance(_) | Value::Unknown => true,
        }),
    }))
}

fn string_arg<'a>(args: &'a Args, name: &str) -> Result<&'a str, String> {
    match args.get(name) {
        Some(Value::Str(s)) => Ok(s),
        Some(other) => Err(format!(
            "argument {name} must be a string, got {}",
            other.type_name()
        )),
        None => Err(format!("missing argument {name}")),
    }
}

fn int_arg(args: &Args, name: &str) -> Result<i64, String> {
    match args.get(name) {
        Some(Value::Int(i)) => Ok(*i),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(other) => Err(format!(
            "argument {name} must be an int, got {}",
            other.type_name()
        )),
        None => Err(format!("missing argument {name}")),
    }
}

fn list_arg(args: &Args, name: &str) -> Result<Rc<Vec<Value>>, String> {
    match args.get(name) {
        Some(Value::List(l)) => Ok(l.clone()),
        Some(other) => Err(format!(
            "argument {name} must be a list, got {}",
            other.type_name()
        )),
        None => Err(format!("missing argument {name}")),
    }
}

fn std_plugin(rt: &mut Runtime<'_>, name: &str, args: &Args) -> Result<Value, String> {
    Ok(match name {
        "print" => {
            let text = args
                .get("message")
                .map(|v| rt.str_of(v))
                .unwrap_or_default();
            rt.printed.push(text);
            Value::Null
        }
        "assert" => {
            if !matches!(args.get("expression"), Some(Value::Bool(true))) {
                let message = args
                    .get("message")
                    .map(|v| rt.str_of(v))
                    .unwrap_or_default();
                return Err(format!("assertion failed: {message}"));
            }
            Value::Null
        }
        "equals" => {
            if args.get("arg1") != args.get("arg2") {
                return Err("values are not equal".into());
            }
            Value::Null
        }
        "len" | "count" => Value::Int(list_arg(args, "item_list")?.len() as i64),
        "length" => Value::Int(string_arg(args, "value")?.chars().count() as i64),
        "at" | "item" => {
            let list = list_arg(args, "objects")?;
            let index = int_arg(args, "index")?;
            let i = if index < 0 {
                list.len() as i64 + index
            } else {
                index
            };
            list.get(i as usize)
                .cloned()
                .ok_or("list index out of range")?
        }
        "flatten" => {
            let mut out = Vec::new();
            for v in list_arg(args, "item_list")?.iter() {
                match v {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    other => out.push(other.clone()),
                }
            }
            Value::list(out)
        }
        "unique" => {
            let list = list_arg(args, "item_list")?;
            let unique = list
                .iter()
                .enumerate()
                .all(|(i, a)| list[..i].iter().all(|b| a != b));
            Value::Bool(unique)
        }
        "lower" => Value::str(&string_arg(args, "string")?.to_lowercase()),
        "upper" => Value::str(&string_arg(args, "string")?.to_uppercase()),
        "capitalize" => {
            let s = string_arg(args, "string")?;
            let mut c = s.chars();
            Value::str(&match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        "replace" => Value::str(
            &string_arg(args, "string")?
                .replace(string_arg(args, "old")?, string_arg(args, "new")?),
        ),
        "split" => Value::list(
            string_arg(args, "string_list")?
                .split(string_arg(args, "delim")?)
                .map(Value::str)
                .collect(),
        ),
        "limit" => Value::str(
            &string_arg(args, "string")?
                .chars()
                .take(int_arg(args, "length")?.max(0) as usize)
                .collect::<String>(),
        ),
        "sequence" => {
            let start = args
                .get("start")
                .map(|_| int_arg(args, "start"))
                .transpose()?
                .unwrap_or(0);
            let n = int_arg(args, "i")?;
            Value::list((start..start + n).map(Value::Int).collect())
        }
        "inlineif" => match args.get("conditional") {
            Some(Value::Bool(true)) => args.get("a").cloned().unwrap_or(Value::Null),
            _ => args.get("b").cloned().unwrap_or(Value::Null),
        },
        "invert" => Value::Bool(!matches!(args.get("value"), Some(Value::Bool(true)))),
        "isset" => Value::Bool(!matches!(args.get("value"), Some(Value::Null) | None)),
        "contains" => {
            let key = string_arg(args, "key")?;
            Value::Bool(args.get("dct").and_then(|d| d.dict_get(key)).is_some())
        }
        "dict_get" => {
            let key = string_arg(args, "key")?;
            args.get("dct")
                .and_then(|d| d.dict_get(key))
                .cloned()
                .ok_or_else(|| format!("key {key} not found"))?
        }
        "select" => {
            let attr = string_arg(args, "attr")?.to_string();
            let mut out = Vec::new();
            for v in list_arg(args, "objects")?.iter() {
                let Value::Instance(i) = v else {
                    return Err("select works on instances".into());
                };
                let Some(cell) = rt.slot(*i, &attr) else {
                    return Err(format!("no attribute {attr}"));
                };
                out.push(rt.cells[cell.0 as usize].read().unwrap_or(Value::Unknown));
            }
            Value::list(out)
        }
        "key_sort" => {
            let list = list_arg(args, "items")?;
            let key = args.get("key").cloned().unwrap_or(Value::Null);
            let mut keyed: Vec<(Value, Value)> = Vec::new();
            for item in list.iter() {
                let k = match (&key, item) {
                    (Value::Str(attr), Value::Instance(i)) => {
                        let cell = rt
                            .slot(*i, attr)
                            .ok_or_else(|| format!("no attribute {attr}"))?;
                        rt.cells[cell.0 as usize].read().unwrap_or(Value::Unknown)
                    }
                    (Value::Str(k), Value::Dict(_)) => {
                        item.dict_get(k).cloned().unwrap_or(Value::Null)
                    }
                    _ => item.clone(),
                };
                keyed.push((k, item.clone()));
            }
            keyed.sort_by(|a, b| compare(&a.0, &b.0));
            Value::list(keyed.into_iter().map(|(_, v)| v).collect())
        }
        "json_dumps" => Value::str(&super::value::python_json(&super::dump::to_json(
            args.get("obj").unwrap_or(&Value::Null),
            &|_| serde_json::Value::Null,
        ))),
        "json_loads" => {
            let text = string_arg(args, "s")?;
            let parsed: serde_json::Value =
                serde_json::from_str(text).map_err(|e| e.to_string())?;
            super::inventory::from_json(&parsed)
        }
        "is_base64_encoded" => {
            let s = string_arg(args, "s")?;
            Value::Bool(
                !s.is_empty()
                    && s.len() % 4 == 0
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            )
        }
        "validate_type" => {
            let kind = string_arg(args, "fq_type_name")?.to_string();
            let value = args.get("value").cloned().unwrap_or(Value::Null);
            let params = args.get("validation_parameters").cloned();
            Value::Bool(super::validators::validate(&kind, &value, params.as_ref()))
        }
        "format" => {
            let template = string_arg(args, "__string")?;
            let mut values: Vec<(String, Value)> = args.extra.clone();
            for (i, v) in args.rest.iter().enumerate() {
                values.push((i.to_string(), v.clone()));
            }
            Value::str(&super::format::format_python(rt, template, &values)?)
        }
        "type" => Value::str(args.get("obj").map(|v| v.type_name()).unwrap_or("NoneType")),
        "getattr" => {
            let attribute = string_arg(args, "attribute_name")?.to_string();
            let default = args.get("default_value").cloned().unwrap_or(Value::Null);
            match args.get("entity") {
                Some(Value::Instance(i)) => match rt.slot(*i, &attribute) {
                    Some(cell) => rt.cells[cell.0 as usize].read().unwrap_or(default),
                    None => default,
                },
                _ => default,
            }
        }
        other => return Err(format!("std::{other} has no native version in lsmc")),
    })
}

/// Python's ordering for sorting: numbers, then strings; others by their text.
pub fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        _ => match (a, b) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            _ => format!("{a:?}").cmp(&format!("{b:?}")),
        },
    }
}
