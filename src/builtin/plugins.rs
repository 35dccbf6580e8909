//! Signatures of the built-in plugins (`std::*`, `lsm::*`), as their Python definitions declare
//! them: used to check calls before evaluation and to bind arguments during it.

/// The type of a plugin parameter or return value, as written in Inmanta's plugin annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginType {
    /// `"any"` or no annotation.
    Any,
    String,
    Int,
    Float,
    Number,
    Bool,
    List,
    Dict,
    /// An entity type, by full name (`std::Entity`, `lsm::ServiceEntityBinding`).
    Entity(&'static str),
    /// `null` (only as a return type: the plugin returns nothing).
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A normal parameter: positional or keyword.
    Normal,
    /// Keyword-only (after `*` in Python).
    KeywordOnly,
    /// `*args`.
    VarPositional,
    /// `**kwargs`.
    VarKeyword,
}

#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub ty: PluginType,
    /// Whether the type is nullable (`"string?"`, `Optional[...]`).
    pub nullable: bool,
    pub kind: ParamKind,
    /// Whether the parameter has a default value (may be left out of a call).
    pub has_default: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct PluginSignature {
    /// The namespace of the plugin, `std` or `lsm`.
    pub namespace: &'static str,
    pub name: &'static str,
    pub params: &'static [Param],
    pub returns: PluginType,
    pub returns_nullable: bool,
}

include!("plugin_table.rs");

/// A built-in plugin, as resolution names it: its place in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PluginId(pub u16);

impl PluginId {
    pub fn signature(self) -> &'static PluginSignature {
        &PLUGINS[self.0 as usize]
    }
}

/// The built-in plugin `namespace::name`, if there is one.
pub fn find(namespace: &str, name: &str) -> Option<PluginId> {
    PLUGINS
        .iter()
        .position(|p| p.namespace == namespace && p.name == name)
        .map(|i| PluginId(i as u16))
}

/// The signature of `namespace::name`, if it is a built-in plugin.
pub fn signature(namespace: &str, name: &str) -> Option<&'static PluginSignature> {
    find(namespace, name).map(PluginId::signature)
}
