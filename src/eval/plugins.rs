//! Plugin calls: type casts, and the native versions of the built-in `std` and `lsm` plugins.
//! Plugins of other modules, and built-in ones without a native version, are Python code: they
//! run in the evaluation's plugin host ([`python_plugins`]), and calling one without a host is a
//! diagnostic. The arguments of a `std` plugin are checked against its signature's types as the
//! reference checks them, and a `std` plugin that does not take unknowns returns unknown when
//! given one.

use super::error::EvalError;
use super::flow::{Flow, R};
use super::plugin_args::{bind, Arg, Args, Failure};
use super::python_plugins;
use super::value::Value;
use super::{Runtime, ScopeId};
use crate::ast::Path;
use crate::builtin::plugins::{Native, Param, ParamKind, PluginType, Run};
use crate::resolve::Def;
use crate::source::Span;

/// How a plugin reads a variable of the calling scope by name (`std::template`): `None` when the
/// scope has none of that name. Given by the caller, which knows scopes.
pub(super) type ReadVariable = fn(&mut Runtime<'_>, &str, ScopeId) -> Option<R<Value>>;

/// Calls a plugin (or a cast) from `scope`.
pub fn call(
    rt: &mut Runtime<'_>,
    function: &Path,
    positional: Vec<Value>,
    keyword: Vec<(String, Value)>,
    (scope, read_variable): (ScopeId, ReadVariable),
    span: Span,
) -> R<Value> {
    let sig = match rt.model.resolution.def_at(function.span) {
        Some(Def::Plugin(id)) => id.signature(),
        Some(Def::Primitive(p)) => match cast(rt, p.name(), &positional, &keyword, span)? {
            Some(v) => return Ok(v),
            None => return Err(not_callable(function)),
        },
        Some(Def::ModulePlugin(id)) => {
            let (namespace, name) = rt.model.resolution.module_plugin(id);
            let plugin = format!("{}::{name}", rt.model.namespace(namespace).name);
            return match python_plugins::call(rt, &plugin, &positional, &keyword, span) {
                Some(result) => result,
                None => Err(EvalError::PythonPlugin { plugin, span }.into()),
            };
        }
        _ => return Err(not_callable(function)),
    };
    let (target, name) = (&sig.namespace, sig.name);
    // Named in messages only: made when one is worded.
    let full = || format!("{target}::{name}");
    if sig.run == Run::NotNative {
        // The module's own Python code, when a plugin host can run it.
        if let Some(result) = python_plugins::call(rt, &full(), &positional, &keyword, span) {
            return result;
        }
    }
    // Bind as Python does: positional arguments in order, then keywords.
    let mut args = Args {
        params: sig.params,
        values: vec![None; sig.params.len()],
        rest: Vec::new(),
        extra: Vec::new(),
    };
    let mut positional = positional.into_iter();
    for (param, slot) in sig.params.iter().zip(&mut args.values) {
        match param.kind {
            ParamKind::Normal => *slot = positional.next(),
            ParamKind::VarPositional => args.rest.extend(positional.by_ref()),
            _ => {}
        }
    }
    if positional.next().is_some() {
        return Err(EvalError::TooManyPositional {
            plugin: full(),
            span,
        }
        .into());
    }
    for (k, v) in keyword {
        let named = sig.params.iter().position(|p| {
            p.name == k && matches!(p.kind, ParamKind::Normal | ParamKind::KeywordOnly)
        });
        match named {
            Some(i) if args.values[i].is_some() => {
                return Err(EvalError::RepeatedKeyword {
                    keyword: k,
                    plugin: full(),
                    span,
                }
                .into());
            }
            Some(i) => args.values[i] = Some(v),
            None => args.extra.push((k, v)),
        }
    }
    let Run::Native(native) = sig.run else {
        return Err(EvalError::NoNativeVersion {
            plugin: full(),
            span,
        }
        .into());
    };
    if sig.namespace == "std" {
        for (param, value) in sig.params.iter().zip(&args.values) {
            if let Some(value) = value {
                check_argument(rt, param, value, span)?;
            }
        }
        let takes_unknowns = matches!(native, Native::StdGetattr | Native::StdIsUnknown);
        let given = args.values.iter().flatten().chain(&args.rest);
        let given = given.chain(args.extra.iter().map(|(_, v)| v));
        if !takes_unknowns && given.into_iter().any(|v| matches!(v, Value::Unknown)) {
            return Ok(Value::Unknown);
        }
    }
    let lsm_fail = |message: String| -> Flow {
        EvalError::LsmPlugin {
            plugin: full(),
            message,
            span,
        }
        .into()
    };
    run_native(rt, native, &args, (scope, read_variable), &lsm_fail).map_err(
        |failure| match failure {
            Failure::Message(message) => EvalError::Plugin {
                plugin: full(),
                message,
                span,
            }
            .into(),
            Failure::Limit(message) => EvalError::PluginLimit {
                plugin: full(),
                message,
                span,
            }
            .into(),
            Failure::Argument(message) => EvalError::PluginArgument { message, span }.into(),
            Failure::External(message) => EvalError::PluginException {
                plugin: full(),
                message,
                wrapped: false,
                span,
            }
            .into(),
            Failure::Wrapped(message) => EvalError::PluginException {
                plugin: full(),
                message,
                wrapped: true,
                span,
            }
            .into(),
            Failure::Flow(flow) => flow,
        },
    )
}

/// The reference's check of an argument against its parameter's type (`Type.validate`), before
/// the plugin runs.
fn check_argument(rt: &Runtime<'_>, param: &Param, value: &Value, span: Span) -> R<()> {
    let fits = match (param.ty, value) {
        (_, Value::Unknown) | (PluginType::Any, _) | (PluginType::Null, _) => true,
        (_, Value::Null) => param.nullable,
        (PluginType::String, v) => matches!(v, Value::Str(_)),
        (PluginType::Int, v) => matches!(v, Value::Int(_) | Value::Bool(_)),
        (PluginType::Float, v) => matches!(v, Value::Float(_)),
        (PluginType::Number, v) => v.as_number().is_some(),
        (PluginType::Bool, v) => matches!(v, Value::Bool(_)),
        (PluginType::List, v) => matches!(v, Value::List(_)),
        (PluginType::Dict, v) => matches!(v, Value::Dict(_)),
        (PluginType::Entity(name), Value::Instance(i)) => {
            let entity = rt.instances[i.0 as usize].entity;
            match rt.model.entity_by_name(name) {
                Some(wanted) if !rt.is_subtype(entity, wanted) => {
                    return Err(EvalError::PluginArgument {
                        message: format!(
                            "Invalid class type for {}, should be {name}",
                            rt.describe(*i)
                        ),
                        span,
                    }
                    .into());
                }
                _ => true,
            }
        }
        (PluginType::Entity(name), v) => {
            return Err(EvalError::PluginArgument {
                message: format!(
                    "Invalid type for value '{}', should be type {name}",
                    rt.str_of(v)
                ),
                span,
            }
            .into());
        }
    };
    if fits {
        return Ok(());
    }
    let expected = match param.ty {
        PluginType::Any | PluginType::Null | PluginType::Entity(_) => "any",
        primitive => primitive.name(),
    };
    Err(EvalError::PluginArgument {
        message: format!("Invalid value '{}', expected {expected}", rt.str_of(value)),
        span,
    }
    .into())
}

/// A call of a name that resolution did not find a plugin for (reported before evaluation).
fn not_callable(function: &Path) -> Flow {
    EvalError::NotAPlugin {
        name: function.to_text(),
        span: function.span,
    }
    .into()
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
        return Err(EvalError::CastWithKeywords { span }.into());
    }
    if positional.len() != 1 {
        return Err(EvalError::CastArity {
            given: positional.len(),
            span,
        }
        .into());
    }
    let v = &positional[0];
    let fail = || -> Flow {
        EvalError::CastFailed {
            repr: rt.repr_of(v),
            to: name.to_string(),
            span,
        }
        .into()
    };
    Ok(Some(match name {
        "string" => Value::str(&match v {
            Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            other => rt.str_of(other),
        }),
        "int" => match v {
            Value::Int(i) => Value::Int(*i),
            Value::Bool(b) => Value::Int(*b as i64),
            // `as` would saturate: Python raises for infinity, fails the cast for NaN, and
            // gives an int of any size, which lsmc's 64-bit ints refuse.
            Value::Float(f) if f.is_nan() => return Err(fail()),
            Value::Float(f) if f.is_infinite() => {
                return Err(EvalError::Operator {
                    message: "cannot convert float infinity to integer".into(),
                    span,
                }
                .into())
            }
            Value::Float(f) if f.trunc() < -(2f64.powi(63)) || f.trunc() >= 2f64.powi(63) => {
                return Err(EvalError::Operator {
                    message: format!(
                        "integer overflow: int({}) does not fit in 64 bits (lsmc's ints are 64-bit)",
                        rt.repr_of(v)
                    ),
                    span,
                }
                .into())
            }
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

/// The longest list `std::sequence` makes: a larger count is an error rather than an allocation
/// that fails or takes all memory.
pub const MAX_SEQUENCE: i64 = 10_000_000;

/// Runs lsmc's implementation of a built-in plugin: the one place that maps each `Native` to its
/// code. `lsm_fail` makes an `lsm` plugin's error.
fn run_native(
    rt: &mut Runtime<'_>,
    native: Native,
    args: &Args,
    (scope, read_variable): (ScopeId, ReadVariable),
    lsm_fail: &dyn Fn(String) -> Flow,
) -> Result<Value, Failure> {
    use super::std_plugins as std;
    let caller = || {
        rt.model
            .namespace(rt.scopes[scope.0 as usize].namespace)
            .name
            .clone()
    };
    Ok(match native {
        Native::StdPrint => {
            bind!(args, StdPrint: message);
            let text = message.value.map(|v| rt.str_of(v)).unwrap_or_default();
            rt.printed.push(text);
            Value::Null
        }
        Native::StdAssert => {
            bind!(args, StdAssert: expression, message);
            if !matches!(expression.value, Some(Value::Bool(true))) {
                let message = message.value.map(|v| rt.str_of(v)).unwrap_or_default();
                return Err(Failure::External(format!(
                    "AssertionError: Assertion error: {message}"
                )));
            }
            Value::Null
        }
        Native::StdEquals => {
            bind!(args, StdEquals: arg1, arg2, desc);
            if arg1.value != arg2.value {
                let text = |arg: Arg<'_>| arg.value.map(|v| rt.str_of(v)).unwrap_or_default();
                let mut message = format!("AssertionError: {} != {}", text(arg1), text(arg2));
                if let Some(desc) = desc.value.filter(|d| !d.is_null()) {
                    message = format!("{message}: {}", rt.str_of(desc));
                }
                return Err(Failure::External(message));
            }
            Value::Null
        }
        Native::StdLen => {
            bind!(args, StdLen: item_list);
            Value::Int(item_list.list()?.len() as i64)
        }
        Native::StdCount => {
            bind!(args, StdCount: item_list);
            Value::Int(item_list.list()?.len() as i64)
        }
        Native::StdLength => {
            bind!(args, StdLength: value);
            Value::Int(value.str()?.chars().count() as i64)
        }
        Native::StdAt => {
            bind!(args, StdAt: objects, index);
            list_at(objects, index).map_err(Failure::External)?
        }
        Native::StdItem => {
            // The element at `index` of each of the lists.
            bind!(args, StdItem: objects, index);
            let index = index.int()?;
            let mut out = Vec::new();
            for object in objects.list()?.iter() {
                let Value::List(items) = object else {
                    return Err(Failure::External(format!(
                        "TypeError: '{}' object is not subscriptable",
                        std::python_type(object)
                    )));
                };
                out.push(python_index(items, index).ok_or_else(|| {
                    Failure::External("IndexError: list index out of range".into())
                })?);
            }
            Value::list(out)
        }
        Native::StdFlatten => {
            bind!(args, StdFlatten: item_list);
            let mut out = Vec::new();
            for v in item_list.list()?.iter() {
                match v {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    other => out.push(other.clone()),
                }
            }
            Value::list(out)
        }
        Native::StdUnique => {
            bind!(args, StdUnique: item_list);
            let list = item_list.list()?;
            let unique = list
                .iter()
                .enumerate()
                .all(|(i, a)| list[..i].iter().all(|b| a != b));
            Value::Bool(unique)
        }
        Native::StdLower => {
            bind!(args, StdLower: string);
            Value::str(&string.str()?.to_lowercase())
        }
        Native::StdUpper => {
            bind!(args, StdUpper: string);
            Value::str(&string.str()?.to_uppercase())
        }
        Native::StdCapitalize => {
            bind!(args, StdCapitalize: string);
            let mut c = string.str()?.chars();
            Value::str(&match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                None => String::new(),
            })
        }
        Native::StdReplace => {
            bind!(args, StdReplace: string, old, new);
            Value::str(&string.str()?.replace(old.str()?, new.str()?))
        }
        Native::StdSplit => {
            bind!(args, StdSplit: string_list, delim);
            Value::list(
                string_list
                    .str()?
                    .split(delim.str()?)
                    .map(Value::str)
                    .collect(),
            )
        }
        Native::StdLimit => {
            bind!(args, StdLimit: string, length);
            Value::str(
                &string
                    .str()?
                    .chars()
                    .take(length.int()?.max(0) as usize)
                    .collect::<String>(),
            )
        }
        Native::StdSequence => {
            bind!(args, StdSequence: i, start);
            let start = start.value.map(|_| start.int()).transpose()?.unwrap_or(0);
            let n = i.int()?;
            if n > MAX_SEQUENCE {
                return Err(Failure::Limit(format!(
                    "MemoryError: lsmc makes lists of at most {MAX_SEQUENCE} elements, not {n}"
                )));
            }
            let end = start
                .checked_add(n)
                .ok_or("integer overflow: the end of the sequence does not fit in 64 bits")?;
            Value::list((start..end).map(Value::Int).collect())
        }
        Native::StdInlineif => {
            bind!(args, StdInlineif: conditional, a, b);
            match conditional.value {
                Some(Value::Bool(true)) => a.value.cloned().unwrap_or(Value::Null),
                _ => b.value.cloned().unwrap_or(Value::Null),
            }
        }
        Native::StdInvert => {
            bind!(args, StdInvert: value);
            Value::Bool(!matches!(value.value, Some(Value::Bool(true))))
        }
        Native::StdIsset => {
            bind!(args, StdIsset: value);
            Value::Bool(!matches!(value.value, Some(Value::Null) | None))
        }
        Native::StdContains => {
            bind!(args, StdContains: dct, key);
            let key = key.str()?;
            Value::Bool(dct.value.and_then(|d| d.dict_get(key)).is_some())
        }
        Native::StdDictGet => {
            bind!(args, StdDictGet: dct, key);
            let key = key.str()?;
            dct.value
                .and_then(|d| d.dict_get(key))
                .cloned()
                .ok_or_else(|| {
                    Failure::External(format!("KeyError: {}", rt.repr_of(&Value::str(key))))
                })?
        }
        Native::StdSelect => {
            bind!(args, StdSelect: objects, attr);
            let attr = attr.str()?.to_string();
            let mut out = Vec::new();
            for v in objects.list()?.iter() {
                let Value::Instance(i) = v else {
                    return Err(Failure::External(format!(
                        "AttributeError: '{}' object has no attribute '{attr}'",
                        std::python_type(v)
                    )));
                };
                let Some(cell) = rt.slot(*i, &attr) else {
                    return Err(Failure::Wrapped(format!("could not find value {attr}")));
                };
                out.push(rt.cells[cell.0 as usize].read().unwrap_or(Value::Unknown));
            }
            Value::list(out)
        }
        Native::StdKeySort => {
            bind!(args, StdKeySort: items, key);
            let list = items.list()?;
            let key = key.value.cloned().unwrap_or(Value::Null);
            let mut keyed: Vec<(Value, Value)> = Vec::new();
            for item in list.iter() {
                let k = match (&key, item) {
                    (Value::Str(attr), Value::Instance(i)) => {
                        let cell = rt.slot(*i, attr).ok_or_else(|| {
                            Failure::Wrapped(format!("could not find value {attr}"))
                        })?;
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
        Native::StdJsonDumps => {
            bind!(args, StdJsonDumps: obj);
            Value::str(&super::value::python_json(&super::dump::to_json(
                obj.value.unwrap_or(&Value::Null),
                &|_| serde_json::Value::Null,
            )))
        }
        Native::StdJsonLoads => {
            bind!(args, StdJsonLoads: s);
            let parsed: serde_json::Value = serde_json::from_str(s.str()?)
                .map_err(|e| Failure::External(format!("json.decoder.JSONDecodeError: {e}")))?;
            super::inventory::from_json(&parsed)
        }
        Native::StdIsBase64Encoded => {
            bind!(args, StdIsBase64Encoded: s);
            let s = s.str()?;
            // The empty string decodes (to nothing), so it counts as encoded.
            Value::Bool(
                s.len() % 4 == 0
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            )
        }
        Native::StdValidateType => {
            bind!(args, StdValidateType: fq_type_name, value, validation_parameters);
            let kind = fq_type_name.str()?.to_string();
            let value = value.value.cloned().unwrap_or(Value::Null);
            let params = validation_parameters.value.cloned();
            Value::Bool(super::validators::validate(&kind, &value, params.as_ref()))
        }
        Native::StdFormat => {
            bind!(args, StdFormat: __string);
            let template = __string.str()?;
            let mut values: Vec<(String, Value)> = args.extra.clone();
            for (i, v) in args.rest.iter().enumerate() {
                values.push((i.to_string(), v.clone()));
            }
            Value::str(&super::format::format_python(rt, template, &values)?)
        }
        Native::StdType => {
            bind!(args, StdType: obj);
            Value::str(obj.value.map(|v| v.type_name()).unwrap_or("NoneType"))
        }
        Native::StdGetattr => {
            bind!(args, StdGetattr: entity, attribute_name, default_value);
            let attribute = attribute_name.str()?.to_string();
            let default = default_value.value.cloned().unwrap_or(Value::Null);
            match entity.value {
                Some(Value::Instance(i)) => match rt.slot(*i, &attribute) {
                    Some(cell) => rt.cells[cell.0 as usize].read().unwrap_or(default),
                    None => default,
                },
                _ => default,
            }
        }
        Native::StdHostname => std::hostname(args).map_err(external)?,
        Native::StdUniqueFile => std::unique_file(args).map_err(external)?,
        Native::StdIsUnknown => std::is_unknown(args).map_err(external)?,
        Native::StdTimestamp => std::timestamp(rt),
        Native::StdGetEnv => std::get_env(rt, args).map_err(external)?,
        Native::StdGetEnvInt => std::get_env_int(rt, args).map_err(external)?,
        Native::StdEnvironment | Native::StdEnvironmentName => {
            return Err(external(std::no_environment()))
        }
        // The reference asks its client for the server's address: without a configured server,
        // the default one.
        Native::StdEnvironmentServer => Value::str("localhost"),
        Native::StdServerCa | Native::StdServerToken => Value::str(""),
        Native::StdServerPort => Value::Int(8888),
        Native::StdServerSsl => Value::Bool(false),
        Native::StdGetfact => std::getfact(rt, args).map_err(external)?,
        Native::StdAttr => std::attr(rt, args).map_err(external)?,
        Native::StdObjid => std::objid(rt, args).map_err(external)?,
        Native::StdIsInstance => std::is_instance(rt, args).map_err(external)?,
        Native::StdFamilyof => std::familyof(rt, args).map_err(external)?,
        Native::StdFilter => std::filter(args).map_err(external)?,
        Native::StdSource => std::source(rt, &caller(), args).map_err(external)?,
        Native::StdFile => std::file(rt, &caller(), args).map_err(external)?,
        Native::StdListFiles => std::list_files(rt, &caller(), args).map_err(external)?,
        Native::StdPassword => std::password(rt, args).map_err(external)?,
        Native::StdGeneratePassword => std::generate_password(rt, args).map_err(external)?,
        Native::StdIpAddressFromInterface => {
            std::ip_address_from_interface(args).map_err(external)?
        }
        Native::StdPrefixlen => std::prefixlen(args).map_err(external)?,
        Native::StdNetworkAddress => std::network_address(args).map_err(external)?,
        Native::StdNetmask => std::netmask(args).map_err(external)?,
        Native::StdPrefixlengthToNetmask => std::prefixlength_to_netmask(args).map_err(external)?,
        Native::StdIpindex => std::ipindex(args).map_err(external)?,
        Native::StdAddToIp => std::add_to_ip(args).map_err(external)?,
        Native::StdTemplate => {
            bind!(args, StdTemplate: path);
            let path = path.str()?.to_string();
            let caller = caller();
            super::template::render(rt, &caller, &path, &args.extra, &mut |rt, name| {
                read_variable(rt, name, scope)
            })
            .map_err(external)?
        }
        Native::LsmAll => super::lsm_plugins::all(rt, args, lsm_fail)?,
        Native::LsmGetServiceBindingVersion => {
            super::lsm_plugins::get_service_binding_version(rt, args, lsm_fail)?
        }
        Native::LsmRenderDot => super::lsm_plugins::render_dot(rt, args)?,
        Native::LsmIsPurged => super::lsm_plugins::is_purged(rt, args)?,
        Native::LsmFormat => super::lsm_plugins::format(rt, args, lsm_fail)?,
        Native::LsmAllocatorsGetUsedValues => {
            super::lsm_plugins::get_used_values(rt, args, lsm_fail)?
        }
        Native::LsmAllocatorsGetFirstFreeInteger => {
            super::lsm_plugins::get_first_free_integer(rt, args, lsm_fail)?
        }
    })
}

/// A `std` plugin's failure as the reference reports the Python exception it raises.
fn external(failure: Failure) -> Failure {
    match failure {
        Failure::Message(message) => Failure::External(message),
        other => other,
    }
}

/// `std::at`: the element at `index`, counted from the end when negative.
fn list_at(objects: Arg<'_>, index: Arg<'_>) -> Result<Value, String> {
    let list = objects.list()?;
    python_index(&list, index.int()?).ok_or_else(|| "IndexError: list index out of range".into())
}

/// `list[index]` as Python reads it: counted from the end when negative.
fn python_index(list: &[Value], index: i64) -> Option<Value> {
    let i = if index < 0 {
        list.len() as i64 + index
    } else {
        index
    };
    usize::try_from(i).ok().and_then(|i| list.get(i).cloned())
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
