//! `std::template`: a Jinja2 template of a module (`<module>/templates/<path>` for
//! `module/path`) rendered with MiniJinja, as std renders it with Jinja2: `StrictUndefined`, no
//! autoescape, the calling scope's variables (or only the keyword arguments, when there are
//! some), entities as objects whose attributes are read from the model, and the model's lists and
//! dicts shown as the reference's proxies show them (`@[...]`, `@{...}`).
//!
//! The template engine can not hold the runtime while it renders, so values are read lazily
//! between renders: a render that asks for a variable or an attribute not read yet notes it and
//! gets a stand-in; the plugin then reads what was asked for (or waits for it, as the reference's
//! statement does) and renders again, until a render asks for nothing new. Reads only grow, so
//! this ends. Before each render, what is ready among the names the template's source uses is
//! read ahead (the variables, and the attributes of the instances it has met), so that an
//! attribute chain costs one render, not one per link; what is not ready is still read lazily,
//! so the waits and the result are the same.

use std::fmt;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value as Jinja};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use rustc_hash::FxHashMap;

use super::flow::Flow;
use super::plugin_args::Failure;
use super::value::{InstanceId, Value};
use super::Runtime;

/// What the renders asked for, and what was read for them.
#[derive(Default)]
struct Reads {
    /// Variables by name: `None` when the scope has none of that name. (Fx hashing and lookups
    /// by `&str`: a template looks a name up at each use, in every one of its renders.)
    variables: FxHashMap<String, Option<Jinja>>,
    /// Attributes by instance, then name: `None` when unset or missing (undefined in Jinja).
    attributes: FxHashMap<u32, FxHashMap<String, Option<Jinja>>>,
    /// Asked for in the last render and not read yet.
    wanted: Vec<Want>,
    /// Whether only the keyword arguments are variables.
    kwargs_only: bool,
    /// What the last undefined value was, for the message of Jinja's `UndefinedError`.
    last_undefined: Option<String>,
    /// Instances made template objects since the last prefetch: their attributes that the
    /// template names are read before the next render.
    new_instances: Vec<InstanceId>,
}

enum Want {
    Variable(String),
    Attribute(InstanceId, String),
}

type Shared = Arc<Mutex<Reads>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Reads> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The names MiniJinja gives templates itself: a variable of the model does not hide them unless
/// the model has one of that name.
const GLOBALS: &[&str] = &[
    "range",
    "dict",
    "debug",
    "namespace",
    "loop",
    "super",
    "caller",
];

/// The variables of the template: the calling scope's, read as they are asked for.
#[derive(Debug)]
struct Scope(Shared);

impl fmt::Debug for Reads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reads")
    }
}

impl Object for Scope {
    fn get_value(self: &Arc<Self>, key: &Jinja) -> Option<Jinja> {
        let name = key.as_str()?;
        let mut reads = lock(&self.0);
        match reads.variables.get(name) {
            Some(Some(value)) => Some(value.clone()),
            Some(None) => {
                if !GLOBALS.contains(&name) {
                    reads.last_undefined = Some(format!("'{name}' is undefined"));
                }
                None
            }
            None if reads.kwargs_only || name == "self" => {
                reads.last_undefined = Some(format!("'{name}' is undefined"));
                None
            }
            None => {
                reads.wanted.push(Want::Variable(name.to_string()));
                Some(Jinja::from(()))
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }
}

/// An entity instance: its attributes and relations, read from the model.
#[derive(Debug)]
struct Entity {
    id: InstanceId,
    /// As the reference shows an instance.
    text: String,
    shared: Shared,
}

impl Object for Entity {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Jinja) -> Option<Jinja> {
        let name = key.as_str()?;
        let mut reads = lock(&self.shared);
        match reads.attributes.get(&self.id.0).and_then(|a| a.get(name)) {
            Some(Some(value)) => Some(value.clone()),
            Some(None) => {
                reads.last_undefined = Some(format!("variable {name} not set on {}", self.text));
                None
            }
            None => {
                reads
                    .wanted
                    .push(Want::Attribute(self.id, name.to_string()));
                Some(Jinja::from(()))
            }
        }
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A list of the model, as the reference's `JinjaSequenceProxy`: iterable, shown as `@[...]`.
#[derive(Debug)]
struct List {
    items: Vec<Jinja>,
    text: String,
}

impl Object for List {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Jinja) -> Option<Jinja> {
        let index = key.as_i64()?;
        let index = if index < 0 {
            self.items.len() as i64 + index
        } else {
            index
        };
        self.items.get(usize::try_from(index).ok()?).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.items.len())
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.text)
    }
}

/// A dict of the model, as the reference's `JinjaDictProxy`: shown as `@{...}`.
#[derive(Debug)]
struct Dict {
    entries: Vec<(String, Jinja)>,
    text: String,
}

impl Object for Dict {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Jinja) -> Option<Jinja> {
        let key = key.as_str()?;
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.entries
                .iter()
                .map(|(k, _)| Jinja::from(k.as_str()))
                .collect(),
        )
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.text)
    }
}

/// A value of the model as the template sees it; `None` for an unknown one.
fn to_jinja(rt: &Runtime<'_>, shared: &Shared, value: &Value) -> Option<Jinja> {
    Some(match value {
        Value::Null => Jinja::from(()),
        Value::Bool(b) => Jinja::from(*b),
        Value::Int(i) => Jinja::from(*i),
        Value::Float(f) => Jinja::from(*f),
        Value::Str(s) => Jinja::from(s.as_str()),
        Value::List(items) => Jinja::from_object(List {
            items: items
                .iter()
                .map(|v| to_jinja(rt, shared, v))
                .collect::<Option<Vec<_>>>()?,
            text: rt.repr_of(value),
        }),
        Value::Dict(entries) => Jinja::from_object(Dict {
            entries: entries
                .iter()
                .map(|(k, v)| Some((k.to_string(), to_jinja(rt, shared, v)?)))
                .collect::<Option<Vec<_>>>()?,
            text: rt.repr_of(value),
        }),
        Value::Instance(id) => {
            lock(shared).new_instances.push(*id);
            Jinja::from_object(Entity {
                id: *id,
                text: instance_text(rt, *id),
                shared: shared.clone(),
            })
        }
        Value::Unknown => return None,
    })
}

/// An instance as the reference's proxy shows it: its entity and a number.
fn instance_text(rt: &Runtime<'_>, id: InstanceId) -> String {
    let entity = &rt
        .model
        .entity(rt.instances[id.0 as usize].entity)
        .full_name;
    format!("{entity} {:x}", id.0)
}

/// Values as Python's `str` shows them in a Jinja2 output: `True`, `None`.
fn python_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Jinja,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Bool => out.write_str(if value.is_true() { "True" } else { "False" }),
        ValueKind::None => out.write_str("None"),
        ValueKind::Seq if value.as_object().is_none() || !is_model_object(value) => {
            out.write_str(&python_repr(value))
        }
        ValueKind::Map if !is_model_object(value) => out.write_str(&python_repr(value)),
        _ => return minijinja::escape_formatter(out, state, value),
    }
    .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "could not write"))
}

fn is_model_object(value: &Jinja) -> bool {
    value.downcast_object_ref::<List>().is_some() || value.downcast_object_ref::<Dict>().is_some()
}

/// Python's `repr` of a value made in the template (a `list` filter's result, ...).
fn python_repr(value: &Jinja) -> String {
    use minijinja::value::ValueKind;
    if let Some(list) = value.downcast_object_ref::<List>() {
        return format!("@{}", list.text);
    }
    if let Some(dict) = value.downcast_object_ref::<Dict>() {
        return format!("@{}", dict.text);
    }
    match value.kind() {
        ValueKind::Bool => if value.is_true() { "True" } else { "False" }.to_string(),
        ValueKind::None | ValueKind::Undefined => "None".to_string(),
        ValueKind::String => super::value::string_repr(value.as_str().unwrap_or_default()),
        ValueKind::Seq => {
            let items: Vec<String> = value
                .try_iter()
                .map(|it| it.map(|v| python_repr(&v)).collect())
                .unwrap_or_default();
            format!("[{}]", items.join(", "))
        }
        ValueKind::Map => {
            let items: Vec<String> = value
                .try_iter()
                .map(|it| {
                    it.map(|k| {
                        let v = value.get_item(&k).unwrap_or_default();
                        format!("{}: {}", python_repr(&k), python_repr(&v))
                    })
                    .collect()
                })
                .unwrap_or_default();
            format!("{{{}}}", items.join(", "))
        }
        _ => value.to_string(),
    }
}

/// Renders `path` (`module/rest`, `./rest` for the calling module) with the calling scope's
/// variables (`read_variable` reads one: `None` when there is none) or only `kwargs`.
pub(super) fn render(
    rt: &mut Runtime<'_>,
    caller: &str,
    path: &str,
    kwargs: &[(String, Value)],
    read_variable: &mut dyn FnMut(&mut Runtime<'_>, &str) -> Option<super::flow::R<Value>>,
) -> Result<Value, Failure> {
    let path = super::std_plugins::module_path(caller, path)?;
    let engine = match &rt.templates {
        Some(engine) => engine.clone(),
        None => rt
            .templates
            .insert(Rc::new(Engine {
                env: environment(rt),
                names: Default::default(),
            }))
            .clone(),
    };
    let template = engine
        .env
        .get_template(&path)
        .map_err(|e| template_error(&e, &path, None))?;
    let shared: Shared = Arc::default();
    {
        let mut reads = lock(&shared);
        reads.kwargs_only = !kwargs.is_empty();
    }
    for (name, value) in kwargs {
        let Some(converted) = to_jinja(rt, &shared, value) else {
            return Ok(Value::Unknown);
        };
        lock(&shared)
            .variables
            .insert(name.clone(), Some(converted));
    }
    let root = Jinja::from_object(Scope(shared.clone()));
    // The values read hold template objects, which hold `shared`: a cycle, broken when the
    // call returns, whichever way it does, so that each call's reads are freed.
    let _reads_freed = FreeReads(&shared);
    let names = engine.names_of(&path, template.source());
    if !lock(&shared).kwargs_only {
        for name in &names.variables {
            // Only what is ready: a variable that is not, or that fails, is left to the render
            // that asks for it (which then waits, or reports, as without this read).
            if let Some(Ok(value)) = read_variable(rt, name) {
                if let Some(converted) = to_jinja(rt, &shared, &value) {
                    lock(&shared)
                        .variables
                        .insert(name.clone(), Some(converted));
                }
            }
        }
    }
    let mut prefetch_budget = PREFETCH_INSTANCES;
    loop {
        prefetch_attributes(rt, &shared, &names, &mut prefetch_budget);
        lock(&shared).last_undefined = None;
        let rendered = template.render(&root);
        let wanted = std::mem::take(&mut lock(&shared).wanted);
        if wanted.is_empty() {
            return match rendered {
                Ok(text) => Ok(Value::str(&text)),
                Err(e) => Err(template_error(
                    &e,
                    &path,
                    lock(&shared).last_undefined.take(),
                )),
            };
        }
        for want in wanted {
            match want {
                Want::Variable(name) => {
                    let value = match read_variable(rt, &name) {
                        None => None,
                        Some(Ok(v)) => match to_jinja(rt, &shared, &v) {
                            Some(j) => Some(j),
                            None => return Ok(Value::Unknown),
                        },
                        Some(Err(Flow::Wait(cell))) => return Err(Flow::Wait(cell).into()),
                        // An optional value that is not set: undefined, as the reference's
                        // resolver makes it.
                        Some(Err(_)) => None,
                    };
                    lock(&shared).variables.insert(name, value);
                }
                Want::Attribute(id, name) => {
                    let value = match read_attribute(rt, &shared, id, &name) {
                        Attribute::Missing => None,
                        Attribute::Ready(value) => value,
                        Attribute::Unknown => return Ok(Value::Unknown),
                        Attribute::Wait(cell) => return Err(Flow::Wait(cell).into()),
                    };
                    lock(&shared)
                        .attributes
                        .entry(id.0)
                        .or_default()
                        .insert(name, value);
                }
            }
        }
    }
}

/// Empties a call's reads when the call ends (see [`render`]).
struct FreeReads<'a>(&'a Shared);

impl Drop for FreeReads<'_> {
    fn drop(&mut self) {
        let mut reads = lock(self.0);
        reads.variables = FxHashMap::default();
        reads.attributes = FxHashMap::default();
        reads.new_instances = Vec::new();
    }
}

/// An attribute of an instance as a render reads it.
enum Attribute {
    /// The entity has no attribute of that name: undefined in Jinja.
    Missing,
    /// Its value; `None`: undefined in Jinja (unset optional, frozen empty).
    Ready(Option<Jinja>),
    /// The value is unknown: so is the render's result.
    Unknown,
    /// Not set yet.
    Wait(super::cells::CellId),
}

fn read_attribute(rt: &mut Runtime<'_>, shared: &Shared, id: InstanceId, name: &str) -> Attribute {
    let Some(cell) = rt.slot(id, name) else {
        return Attribute::Missing;
    };
    let c = &rt.cells[cell.0 as usize];
    match c.read() {
        Some(v) if c.shape == super::cells::Shape::Optional && v.is_null() => {
            Attribute::Ready(None)
        }
        Some(v) => match to_jinja(rt, shared, &v) {
            Some(j) => Attribute::Ready(Some(j)),
            None => Attribute::Unknown,
        },
        None if c.frozen() => Attribute::Ready(None),
        None => Attribute::Wait(cell),
    }
}

/// How many instances one call of `std::template` reads ahead (see [`prefetch_attributes`]):
/// enough for the instances a configuration template walks, and a bound on the work when the
/// names it uses reach far into the model.
const PREFETCH_INSTANCES: usize = 256;

/// Reads ahead, for each instance that became a template object, the attributes whose names
/// the template's source uses, when they are ready: a render then finds the values an
/// attribute chain (`peer.site.pe_router`) reads without a render per link. What is not ready,
/// or unknown, is left to the render that asks for it, so the result and the waits are those
/// of the lazy reads alone.
fn prefetch_attributes(rt: &mut Runtime<'_>, shared: &Shared, names: &Names, budget: &mut usize) {
    loop {
        let Some(id) = lock(shared).new_instances.pop() else {
            return;
        };
        if lock(shared).attributes.contains_key(&id.0) {
            continue;
        }
        if *budget == 0 {
            lock(shared).new_instances.clear();
            return;
        }
        *budget -= 1;
        lock(shared).attributes.insert(id.0, FxHashMap::default());
        for name in &names.attributes {
            // An attribute the entity lacks, or not ready, stays unread: a render that asks
            // for it reads it then, as without this read.
            if let Attribute::Ready(value) = read_attribute(rt, shared, id, name) {
                lock(shared)
                    .attributes
                    .entry(id.0)
                    .or_default()
                    .insert(name.clone(), value);
            }
        }
    }
}

/// The names a template's source uses: those after a `.` or in a string (`attribute="name"`),
/// which may be attributes, and the others, which may be variables. More than the template
/// reads (loop variables, filters, words of its text) costs a lookup each, nothing else.
#[derive(Default)]
struct Names {
    variables: Vec<String>,
    attributes: Vec<String>,
}

impl Names {
    fn of(source: &str) -> Names {
        let mut variables = Vec::new();
        let mut attributes = Vec::new();
        let bytes = source.as_bytes();
        let mut i = 0;
        // Only inside `{{ ... }}` and `{% ... %}`.
        while let Some(open) = source[i..].find(['{']).map(|at| i + at) {
            let Some(&kind) = bytes.get(open + 1) else {
                break;
            };
            let close = match kind {
                b'{' => "}}",
                b'%' => "%}",
                _ => {
                    i = open + 1;
                    continue;
                }
            };
            let end = source[open + 2..]
                .find(close)
                .map_or(source.len(), |at| open + 2 + at);
            let code = &source[open + 2..end];
            let mut after_dot = false;
            let mut in_string: Option<char> = None;
            let mut word = String::new();
            let mut flush = |word: &mut String, after_dot: bool, quoted: bool| {
                if word.is_empty() || word.as_bytes()[0].is_ascii_digit() {
                    word.clear();
                    return;
                }
                let list = if after_dot || quoted {
                    &mut attributes
                } else {
                    &mut variables
                };
                if !list.contains(word) {
                    list.push(std::mem::take(word));
                }
                word.clear();
            };
            for c in code.chars() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                flush(&mut word, after_dot, in_string.is_some());
                match in_string {
                    Some(q) if c == q => in_string = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => in_string = Some(c),
                    None => {}
                }
                after_dot = c == '.' || (after_dot && c.is_whitespace());
            }
            flush(&mut word, after_dot, in_string.is_some());
            i = (end + 2).min(source.len());
        }
        Names {
            variables,
            attributes,
        }
    }
}

/// The template engine of a run. Its loader keeps each template it loaded, compiled, by its
/// resolved name (`module/path`): a file is read and parsed once, whatever the number of renders;
/// the names each template uses are found once too.
pub(super) struct Engine {
    env: Environment<'static>,
    names: std::cell::RefCell<FxHashMap<String, Rc<Names>>>,
}

impl Engine {
    fn names_of(&self, path: &str, source: &str) -> Rc<Names> {
        self.names
            .borrow_mut()
            .entry(path.to_string())
            .or_insert_with(|| Rc::new(Names::of(source)))
            .clone()
    }
}

/// The engine `std` makes: templates of the loaded modules (`module/path`) and of the project
/// (`/path`), undefined values as errors, no escaping, Python's `str` of values.
fn environment(rt: &Runtime<'_>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_formatter(python_formatter);
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    let modules: Vec<String> = rt
        .model
        .namespaces
        .iter()
        .map(|ns| ns.name.split("::").next().unwrap_or("").to_string())
        .collect();
    let host = rt.options.host.0.clone();
    env.set_loader(move |name| {
        let (module, rest) = name.split_once('/').unwrap_or(("", name));
        if !module.is_empty() && !modules.iter().any(|m| m == module) {
            return Ok(None);
        }
        Ok(host.module_file(module, "templates", rest).ok())
    });
    // std registers its plugins as filters (`std.upper`): those that need no model.
    for (name, f) in [
        ("std.upper", str::to_uppercase as fn(&str) -> String),
        ("std.lower", str::to_lowercase),
    ] {
        env.add_filter(name, move |s: &str| f(s));
    }
    env.add_filter("std.hostname", |s: &str| {
        s.split('.').next().unwrap_or("").to_string()
    });
    env.add_filter("std.length", |s: &str| s.chars().count());
    env.add_filter("std.key_sort", key_sort);
    env
}

/// `std::key_sort` as a filter: the items sorted (stably, as Python's `sorted`) by one
/// attribute, or by several given as a list.
fn key_sort(items: Vec<Jinja>, key: Jinja) -> Result<Vec<Jinja>, minijinja::Error> {
    let names: Vec<String> = match key.as_str() {
        Some(name) => vec![name.to_string()],
        None => key.try_iter()?.map(|k| k.to_string()).collect(),
    };
    let mut keyed = items
        .into_iter()
        .map(|item| {
            let key = names
                .iter()
                .map(|name| item.get_attr(name))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((key, item))
        })
        .collect::<Result<Vec<_>, minijinja::Error>>()?;
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, item)| item).collect())
}

/// A failed render as the reference reports the exception of its Jinja2 call.
fn template_error(error: &minijinja::Error, path: &str, undefined: Option<String>) -> Failure {
    match error.kind() {
        ErrorKind::TemplateNotFound => format!(
            "jinja2.exceptions.TemplateNotFound: {}",
            error.name().unwrap_or(path)
        )
        .into(),
        // Jinja2's `UndefinedError`, which std raises again as a `NotFoundException`.
        ErrorKind::UndefinedError => Failure::Wrapped(
            undefined.unwrap_or_else(|| error.detail().unwrap_or("undefined value").to_string()),
        ),
        _ => {
            let mut message = error.to_string();
            if let Some(detail) = error.detail() {
                if !message.contains(detail) {
                    message = format!("{message}: {detail}");
                }
            }
            message.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call's reads hold template objects that hold the reads: the guard breaks that cycle,
    /// or every call's reads would stay allocated until the process ends.
    #[test]
    fn a_calls_reads_are_freed_when_it_returns() {
        let shared: Shared = Arc::default();
        let entity = Jinja::from_object(Entity {
            id: InstanceId(0),
            text: "m::E 0".to_string(),
            shared: shared.clone(),
        });
        lock(&shared)
            .attributes
            .entry(0)
            .or_default()
            .insert("peer".to_string(), Some(entity));
        lock(&shared)
            .variables
            .insert("e".to_string(), Some(Jinja::from(1)));
        assert_eq!(Arc::strong_count(&shared), 2, "the cycle is there");
        drop(FreeReads(&shared));
        assert_eq!(Arc::strong_count(&shared), 1);
    }

    #[test]
    fn names_are_read_from_the_template_code_only() {
        let names = Names::of(
            "host {{ name }} of {{ vpn . vrf }}\n{% for p in vpn.endpoints | sort(attribute=\"site.name\") %}{{ p.port }}{% endfor %} {text.outside}",
        );
        assert_eq!(
            names.variables,
            [
                "name",
                "vpn",
                "for",
                "p",
                "in",
                "sort",
                "attribute",
                "endfor"
            ]
        );
        assert_eq!(
            names.attributes,
            ["vrf", "endpoints", "site", "name", "port"]
        );
    }
}
