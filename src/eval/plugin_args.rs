//! The arguments of a plugin call, bound to its signature's parameters: what the plugin
//! dispatch (`plugins`) passes to the `std` and `lsm` plugins, in a module of its own so that
//! the `lsm` plugins need not import the dispatch that calls them.

use super::value::Value;

/// Arguments bound to a plugin's parameter names.
pub struct Args {
    pub values: Vec<(String, Value)>,
    /// `*args` of plugins that take them.
    pub rest: Vec<Value>,
    /// `**kwargs` of plugins that take them.
    pub extra: Vec<(String, Value)>,
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}
