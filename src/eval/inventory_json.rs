//! The model values that the inventory was read into, as a JSON representation the `jsonschema`
//! crate validates in place: an attribute set is checked against its version's schema without
//! being converted to a `serde_json` tree first (at 10,000 services, the conversion would cost
//! more than the validation).
//!
//! The mapping is the one of [`crate::eval::inventory::to_json`]: a dict is an object (keys in
//! their order), a list an array, `Int` and `Float` numbers; values that JSON has no form for
//! (instances, unknowns) are null, as they are when converted.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use jsonschema_value::LazyInstance;
use serde_json::Value as JsonValue;

use super::inventory::to_json;
use super::value::{Dict, Str, Value};

/// The representation: nodes are `&Value`.
pub struct ModelJson;

impl Json for ModelJson {
    type Node<'a> = &'a Value;
    type PreparedKey = String;
    type StringBuffer = StringNode;

    // A dict is a slice searched from its start: one pass over the members is cheaper than a
    // lookup per property as soon as an object has a few of them.
    const KEYS_PER_LOOKUP: usize = 4;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut StringNode,
        string: &str,
        f: impl FnOnce(&Value) -> T,
    ) -> T {
        buffer.0 = Value::str(string);
        f(&buffer.0)
    }
}

/// The node of a property name, when a schema validates names.
pub struct StringNode(Value);

impl Default for StringNode {
    fn default() -> Self {
        StringNode(Value::Null)
    }
}

/// A number of the model: as read from the inventory, an integer or a float.
#[derive(Clone, Copy)]
pub enum ModelNumber {
    Int(i64),
    Float(f64),
}

impl JsonNumber for ModelNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            ModelNumber::Int(i) => u64::try_from(i).ok(),
            ModelNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            ModelNumber::Int(i) => Some(i),
            ModelNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            ModelNumber::Int(i) => i as f64,
            ModelNumber::Float(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            ModelNumber::Int(i) => serde_json::Number::from(i),
            ModelNumber::Float(f) => {
                serde_json::Number::from_f64(f).unwrap_or_else(|| serde_json::Number::from(0))
            }
        })
    }

    fn is_integer(&self) -> bool {
        match *self {
            ModelNumber::Int(_) => true,
            ModelNumber::Float(f) => f.is_finite() && f.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, ModelNumber::Int(_))
    }
}

impl<'a> Node<'a, ModelJson> for &'a Value {
    type Object = &'a Dict;
    type Array = &'a [Value];
    type Number = ModelNumber;

    fn as_object(&self) -> Option<&'a Dict> {
        match self {
            Value::Dict(d) => Some(d),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Value]> {
        match self {
            Value::List(items) => Some(items.as_slice()),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<ModelNumber> {
        match self {
            Value::Int(i) => Some(ModelNumber::Int(*i)),
            // As `to_json`: a float that JSON can not hold is null.
            Value::Float(f) if f.is_finite() => Some(ModelNumber::Float(*f)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match self {
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) => JsonType::Number,
            Value::Float(f) if f.is_finite() => JsonType::Number,
            Value::Str(_) => JsonType::String,
            Value::List(_) => JsonType::Array,
            Value::Dict(_) => JsonType::Object,
            Value::Float(_) | Value::Null | Value::Instance(_) | Value::Unknown => JsonType::Null,
        }
    }

    fn equals_value(&self, expected: &JsonValue) -> bool {
        // Enums of strings are the common case: compared without building a JSON value.
        match (self, expected) {
            (Value::Str(s), JsonValue::String(e)) => s.as_str() == e,
            (Value::Str(_), _) => false,
            _ => jsonschema::json::cmp::equal(&to_json(self), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, JsonValue> {
        Cow::Owned(to_json(self))
    }

    fn lazy_value(&self) -> LazyInstance<'a> {
        // The instance an error carries: lsmc reads an error's place and kind only, and a copy
        // of the value (a whole attribute set, for a missing attribute) per error would cost
        // more than the validation.
        LazyInstance::Ready(Cow::Owned(JsonValue::Null))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Value>(self) as usize))
    }
}

impl<'a> Object<'a, ModelJson> for &'a Dict {
    type Node = &'a Value;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[(Str, Value)]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Value> {
        self.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The members of a dict, in their order.
pub struct Members<'a>(std::slice::Iter<'a, (Str, Value)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'a> Array<'a, ModelJson> for &'a [Value] {
    type Node = &'a Value;
    type ElementsIter = std::slice::Iter<'a, Value>;

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Value> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::inventory::from_json;
    use super::ModelJson;

    /// The crate gives the same verdict on a model value as on the JSON it came from.
    #[test]
    fn same_verdict_as_json() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name", "vlan"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z]+$"},
                "vlan": {"type": "integer", "minimum": 1},
                "kind": {"enum": ["a", "b"]},
                "ratio": {"type": "number"},
                "ports": {"type": "array", "items": {"type": "object", "required": ["id"]}},
                "extra": {"anyOf": [{"type": "object"}, {"type": "null"}]}
            }
        });
        let on_values = jsonschema::options_for::<ModelJson>()
            .build(&schema)
            .unwrap();
        let on_json = jsonschema::validator_for(&schema).unwrap();
        for set in [
            json!({"name": "a", "vlan": 1}),
            json!({"name": "a", "vlan": 1.0, "ratio": 2, "kind": "b", "extra": null}),
            json!({"name": "A", "vlan": 1}),
            json!({"name": "a", "vlan": 0}),
            json!({"name": "a", "vlan": 1.5}),
            json!({"name": "a", "vlan": true}),
            json!({"name": "a", "vlan": 1, "kind": "c"}),
            json!({"name": "a", "vlan": 1, "ports": [{"id": 1}, {}]}),
            json!({"name": "a", "vlan": 1, "extra": []}),
            json!({"name": "a"}),
            json!({"name": "a", "vlan": 1, "other": 2}),
        ] {
            let value = from_json(&set);
            assert_eq!(on_values.is_valid(&value), on_json.is_valid(&set), "{set}");
            assert_eq!(
                on_values.iter_errors(&value).count(),
                on_json.iter_errors(&set).count(),
                "{set}"
            );
        }
    }
}
