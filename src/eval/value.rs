//! Runtime values, with Python's semantics where the language borrows them: equality across
//! numbers and booleans, `str()` and `repr()` for string formatting and messages, and the JSON
//! text `json.dumps` writes (used to order instances as the reference does).

use std::rc::Rc;

/// An instance of an entity, by index in the runtime's arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u32);

/// A shared string: one pointer (a value is two words), with its length beside the text.
pub type Str = arcstr::ArcStr;

/// The entries of a dict, in insertion order (as Python dicts keep them): shared, and held in
/// one allocation with their count (an inventory has several dicts per service).
/// The header holds the dict's nesting (see [`Value::nesting`]), set once it is made, so that
/// the nesting of a value built from dicts is known without walking them.
#[derive(Clone)]
pub struct Dict(triomphe::ThinArc<std::cell::Cell<u32>, (Str, Value)>);

/// The deepest nesting of lists and dicts a value may have: far beyond what models build, and far
/// below what the recursive walks over values (repr, comparison, the dump) need in stack.
pub const MAX_VALUE_NESTING: u32 = 1000;

impl Dict {
    pub fn new(entries: Vec<(Str, Value)>) -> Dict {
        Dict::from_exact(entries.into_iter())
    }

    pub fn from_exact(entries: impl ExactSizeIterator<Item = (Str, Value)>) -> Dict {
        let dict = Dict(triomphe::ThinArc::from_header_and_iter(
            std::cell::Cell::new(0),
            entries,
        ));
        let mut inner = 0;
        for (_, value) in dict.iter() {
            if matches!(value, Value::List(_) | Value::Dict(_)) {
                inner = inner.max(value.nesting());
            }
        }
        dict.0.header.header.set(inner.saturating_add(1));
        dict
    }

    /// 1 for a dict of plain values, one more for each level of lists and dicts in it.
    pub fn nesting(&self) -> u32 {
        self.0.header.header.get()
    }
}

impl std::ops::Deref for Dict {
    type Target = [(Str, Value)];

    fn deref(&self) -> &[(Str, Value)] {
        &self.0.slice
    }
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<(Str, Value)> for Dict {
    fn from_iter<I: IntoIterator<Item = (Str, Value)>>(entries: I) -> Dict {
        Dict::new(entries.into_iter().collect())
    }
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    List(Rc<Vec<Value>>),
    /// Keys in insertion order, as Python dicts.
    Dict(Dict),
    Instance(InstanceId),
    /// A value that is not known at compile time.
    Unknown,
}

impl Value {
    /// How deeply lists and dicts nest in this value: 0 for a plain value, 1 for a list or dict of
    /// plain values. A dict knows its own; lists of lists are walked without recursion, and only
    /// to just past [`MAX_VALUE_NESTING`].
    pub fn nesting(&self) -> u32 {
        let items = match self {
            Value::Dict(d) => return d.nesting(),
            Value::List(items) => items,
            _ => return 0,
        };
        if !items
            .iter()
            .any(|v| matches!(v, Value::List(_) | Value::Dict(_)))
        {
            return 1;
        }
        let mut deepest = 0;
        let mut stack: Vec<(&Value, u32)> = vec![(self, 0)];
        while let Some((value, above)) = stack.pop() {
            match value {
                Value::Dict(d) => deepest = deepest.max(above.saturating_add(d.nesting())),
                Value::List(items) => {
                    let depth = above + 1;
                    deepest = deepest.max(depth);
                    if depth <= MAX_VALUE_NESTING {
                        stack.extend(
                            items
                                .iter()
                                .filter(|v| matches!(v, Value::List(_) | Value::Dict(_)))
                                .map(|v| (v, depth)),
                        );
                    }
                }
                _ => {}
            }
        }
        deepest
    }
}

impl PartialEq for Value {
    /// Python `==`: numbers and booleans compare by value, containers structurally.
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) | (Unknown, Unknown) => true,
            (Str(a), Str(b)) => a == b,
            (List(a), List(b)) => a == b,
            (Dict(a), Dict(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Instance(a), Instance(b)) => a == b,
            _ => match (self.as_number(), other.as_number()) {
                (Some(a), Some(b)) => a.equals(b),
                _ => false,
            },
        }
    }
}

/// A number as Python sees it for arithmetic and comparison.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    fn equals(self, other: Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            _ => self.as_f64() == other.as_f64(),
        }
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Str::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    /// Ints, floats and booleans (a bool is an int in Python).
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Float(f) => Some(Number::Float(*f)),
            Value::Bool(b) => Some(Number::Int(*b as i64)),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The Python type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NoneValue",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Instance(_) => "Instance",
            Value::Unknown => "Unknown",
        }
    }

    pub fn dict_get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(d) => d.iter().find(|(k, _)| &**k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

pub use crate::python::{float_repr, python_json, string_repr};

// A model holds a value per attribute of every instance: keep values two words.
const _: () = assert!(std::mem::size_of::<Value>() == 16);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_equality() {
        assert_eq!(Value::Int(1), Value::Float(1.0));
        assert_eq!(Value::Int(1), Value::Bool(true));
        assert_ne!(Value::Int(1), Value::str("1"));
        assert_eq!(
            Value::list(vec![Value::Int(1)]),
            Value::list(vec![Value::Float(1.0)])
        );
    }
}
