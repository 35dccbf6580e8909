//! The arguments of a plugin call, bound to its signature's parameters, and how a plugin fails:
//! what the plugin dispatch (`plugins`) passes to the `std` and `lsm` plugins and gets back, in a
//! module of its own so that the plugins need not import the dispatch that calls them.

use std::rc::Rc;

use super::flow::Flow;
use super::value::Value;
use crate::builtin::plugins::Param;

/// The arguments of a call of a built-in plugin, bound to its parameters as Python binds them.
/// Implementations read them with `bind!`.
pub struct Args {
    pub(super) params: &'static [Param],
    /// By parameter position: `None` for a parameter the call leaves out, and for a variadic one.
    pub(super) values: Vec<Option<Value>>,
    /// `*args` of plugins that take them.
    pub rest: Vec<Value>,
    /// `**kwargs` of plugins that take them.
    pub extra: Vec<(String, Value)>,
}

impl Args {
    /// The arguments at these parameter positions (`Native::param`, through `bind!`).
    pub fn at<const N: usize>(&self, positions: [usize; N]) -> [Arg<'_>; N] {
        positions.map(|i| Arg {
            name: self.params[i].name,
            value: self.values[i].as_ref(),
        })
    }
}

/// One argument of a call: the parameter's name (for messages) and the value, `None` when the call
/// leaves it out.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    pub name: &'static str,
    pub value: Option<&'a Value>,
}

impl<'a> Arg<'a> {
    pub fn str(self) -> Result<&'a str, String> {
        match self.value {
            Some(Value::Str(s)) => Ok(s),
            Some(other) => Err(format!(
                "argument {} must be a string, got {}",
                self.name,
                other.type_name()
            )),
            None => Err(self.missing()),
        }
    }

    pub fn int(self) -> Result<i64, String> {
        match self.value {
            Some(Value::Int(i)) => Ok(*i),
            Some(Value::Bool(b)) => Ok(*b as i64),
            Some(other) => Err(format!(
                "argument {} must be an int, got {}",
                self.name,
                other.type_name()
            )),
            None => Err(self.missing()),
        }
    }

    pub fn list(self) -> Result<Rc<Vec<Value>>, String> {
        match self.value {
            Some(Value::List(l)) => Ok(l.clone()),
            Some(other) => Err(format!(
                "argument {} must be a list, got {}",
                self.name,
                other.type_name()
            )),
            None => Err(self.missing()),
        }
    }

    fn missing(self) -> String {
        format!("missing argument {}", self.name)
    }
}

/// How a native plugin failed: a `std` plugin with a message, reported as Python reports an
/// exception in a plugin; an `lsm` plugin with its error made (the reference's `PluginException`),
/// or waiting for a value.
pub enum Failure {
    Message(String),
    /// An argument the reference's type check refuses, before the plugin runs.
    Argument(String),
    /// A Python exception (`Class: text`) of a `std` plugin, which the reference reports as an
    /// `ExternalException`.
    External(String),
    /// A compiler error raised in a `std` plugin, which the reference wraps.
    Wrapped(String),
    /// Past one of lsmc's documented limits (where Python would run out of memory).
    Limit(String),
    Flow(Flow),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Message(message.to_string())
    }
}

impl From<Flow> for Failure {
    fn from(flow: Flow) -> Self {
        Failure::Flow(flow)
    }
}

/// `bind!(args, StdAssert: expression, message);` declares `expression` and `message`, the
/// arguments of those parameters. A name that is not a parameter of `Native::StdAssert`'s
/// signature does not compile: the positions are found at compile time.
macro_rules! bind {
    ($args:expr, $native:ident : $($name:ident),+ $(,)?) => {
        let [$($name),+] = $args.at([$({
            const AT: usize =
                $crate::builtin::plugins::Native::$native.param(stringify!($name));
            AT
        }),+]);
    };
}
pub(crate) use bind;
