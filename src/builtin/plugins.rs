//! The registry of the built-in plugins (`std::*`, `lsm::*`): each one's signature, as its Python
//! definition declares it (used to check calls before evaluation and to bind arguments during
//! it), and what runs it. One entry per plugin, in `plugin_table.rs`.
//!
//! A plugin lsmc implements names a `Native` variant; `eval` dispatches on it with one exhaustive
//! `match`, so a variant without an implementation does not compile, and the enum is made from the
//! table, so a variant without a signature can not be written.

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

impl PluginType {
    /// The type as a plugin annotation writes it (an entity type by its full name).
    pub fn name(self) -> &'static str {
        match self {
            PluginType::Any => "any",
            PluginType::String => "string",
            PluginType::Int => "int",
            PluginType::Float => "float",
            PluginType::Number => "number",
            PluginType::Bool => "bool",
            PluginType::List => "list",
            PluginType::Dict => "dict",
            PluginType::Entity(name) => name,
            PluginType::Null => "null",
        }
    }
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
    pub run: Run,
}

/// What runs a built-in plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// lsmc's own implementation, in `eval`.
    Native(Native),
    /// None: the plugin is Python code only, and a call of it is an error at run time.
    NotNative,
}

impl Native {
    /// The signature of the plugin this implements.
    pub const fn signature(self) -> &'static PluginSignature {
        let mut i = 0;
        while i < PLUGINS.len() {
            if let Run::Native(native) = PLUGINS[i].run {
                if native as u16 == self as u16 {
                    return &PLUGINS[i];
                }
            }
            i += 1;
        }
        panic!("a Native variant without a signature")
    }

    /// The position of the parameter `name` in this plugin's signature, among all its parameters.
    /// Evaluated at compile time where an implementation binds its arguments (`eval::plugins`), so
    /// that asking for a name that is not a parameter does not compile. Variadic parameters are
    /// not bound by name (their values are `Args::rest` and `Args::extra`).
    pub const fn param(self, name: &str) -> usize {
        let params = self.signature().params;
        let mut i = 0;
        while i < params.len() {
            let param = &params[i];
            if matches!(param.kind, ParamKind::Normal | ParamKind::KeywordOnly)
                && same_text(param.name, name)
            {
                return i;
            }
            i += 1;
        }
        panic!("not a named parameter of this plugin")
    }
}

/// `a == b`, which `str` does not offer in a `const fn`.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Declares the built-in plugins, by namespace: `namespace { entry... }`, an entry being
/// `name(parameters) -> type => run;`. A parameter is written as in Python: `name: type`, `type?`
/// when it is nullable, `= _` when it has a default (the value is the implementation's business),
/// `*name: type` and `**name: type` for the variadic ones, and after a lone `*` the keyword-only
/// ones. A type is a primitive's name or an entity's full name in quotes (no built-in plugin
/// returns a nullable type). `run` is the `Native` variant that implements the plugin, or
/// `NotNative`.
///
/// Makes `PLUGINS`, in the order written, and the `Native` enum of the variants named, with
/// `Native::ALL`. The entries are read one at a time, the signatures and variants gathered in
/// `[...]` as they go, because only the native entries name a variant.
macro_rules! plugins {
    (@namespaces [$($signatures:tt)*] [$($natives:ident)*]) => {
        pub const PLUGINS: &[PluginSignature] = &[$($signatures)*];

        /// A plugin lsmc implements, named by its entry in `PLUGINS`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Native {
            $($natives,)*
        }

        impl Native {
            pub const ALL: &[Native] = &[$(Native::$natives,)*];
        }
    };
    (@namespaces [$($signatures:tt)*] [$($natives:ident)*]
        $($namespace:ident)::+ { $($entries:tt)* }
        $($namespaces:tt)*
    ) => {
        plugins!(@entries [$($signatures)*] [$($natives)*] ($($namespace)::+) [$($namespaces)*]
            $($entries)*);
    };
    // The end of a namespace's entries: `$namespaces` are the ones after it.
    (@entries [$($signatures:tt)*] [$($natives:ident)*] $namespace:tt [$($namespaces:tt)*]) => {
        plugins!(@namespaces [$($signatures)*] [$($natives)*] $($namespaces)*);
    };
    // `NotNative` is tried first: the macro does not backtrack.
    (@entries [$($signatures:tt)*] [$($natives:ident)*] $namespace:tt $namespaces:tt
        $name:ident $params:tt -> $returns:tt => NotNative;
        $($rest:tt)*
    ) => {
        plugins!(@entries
            [$($signatures)*
                plugins!(@signature $namespace $name $params $returns Run::NotNative),]
            [$($natives)*]
            $namespace $namespaces
            $($rest)*);
    };
    (@entries [$($signatures:tt)*] [$($natives:ident)*] $namespace:tt $namespaces:tt
        $name:ident $params:tt -> $returns:tt => $native:ident;
        $($rest:tt)*
    ) => {
        plugins!(@entries
            [$($signatures)*
                plugins!(@signature $namespace $name $params $returns
                    Run::Native(Native::$native)),]
            [$($natives)* $native]
            $namespace $namespaces
            $($rest)*);
    };
    (@signature ($first:ident $(:: $more:ident)*)
        $name:ident ($($params:tt)*) $returns:tt $run:expr
    ) => {
        PluginSignature {
            namespace: concat!(stringify!($first) $(, "::", stringify!($more))*),
            name: stringify!($name),
            params: plugin_params!(Normal [] $($params)*),
            returns: plugin_type!($returns),
            returns_nullable: false,
            run: $run,
        }
    };
    // The entry point: every other rule starts with `@`.
    ($($namespaces:tt)*) => {
        plugins!(@namespaces [] [] $($namespaces)*);
    };
}

/// The parameters of one `plugins!` entry, read one at a time: `$kind` is the kind of a parameter
/// without a `*` (keyword-only after a lone `*` or after `*args`, as in Python).
macro_rules! plugin_params {
    ($kind:ident [$($params:tt)*]) => {
        &[$($params)*]
    };
    ($kind:ident [$($params:tt)*] , $($rest:tt)*) => {
        plugin_params!($kind [$($params)*] $($rest)*)
    };
    ($kind:ident [$($params:tt)*] * , $($rest:tt)*) => {
        plugin_params!(KeywordOnly [$($params)*] $($rest)*)
    };
    ($kind:ident [$($params:tt)*] * * $name:ident : $ty:tt $($rest:tt)*) => {
        plugin_params!($kind
            [$($params)* plugin_param!($name $ty false VarKeyword false),]
            $($rest)*)
    };
    ($kind:ident [$($params:tt)*] * $name:ident : $ty:tt $($rest:tt)*) => {
        plugin_params!(KeywordOnly
            [$($params)* plugin_param!($name $ty false VarPositional false),]
            $($rest)*)
    };
    ($kind:ident [$($params:tt)*] $name:ident : $ty:tt ? = _ $($rest:tt)*) => {
        plugin_params!($kind
            [$($params)* plugin_param!($name $ty true $kind true),]
            $($rest)*)
    };
    ($kind:ident [$($params:tt)*] $name:ident : $ty:tt ? $($rest:tt)*) => {
        plugin_params!($kind
            [$($params)* plugin_param!($name $ty true $kind false),]
            $($rest)*)
    };
    ($kind:ident [$($params:tt)*] $name:ident : $ty:tt = _ $($rest:tt)*) => {
        plugin_params!($kind
            [$($params)* plugin_param!($name $ty false $kind true),]
            $($rest)*)
    };
    ($kind:ident [$($params:tt)*] $name:ident : $ty:tt $($rest:tt)*) => {
        plugin_params!($kind
            [$($params)* plugin_param!($name $ty false $kind false),]
            $($rest)*)
    };
}

/// One parameter read by `plugin_params!`.
macro_rules! plugin_param {
    ($name:ident $ty:tt $nullable:literal $kind:ident $has_default:literal) => {
        Param {
            name: stringify!($name),
            ty: plugin_type!($ty),
            nullable: $nullable,
            kind: ParamKind::$kind,
            has_default: $has_default,
        }
    };
}

macro_rules! plugin_type {
    (any) => {
        PluginType::Any
    };
    (string) => {
        PluginType::String
    };
    (int) => {
        PluginType::Int
    };
    (float) => {
        PluginType::Float
    };
    (number) => {
        PluginType::Number
    };
    (bool) => {
        PluginType::Bool
    };
    (list) => {
        PluginType::List
    };
    (dict) => {
        PluginType::Dict
    };
    (null) => {
        PluginType::Null
    };
    ($entity:literal) => {
        PluginType::Entity($entity)
    };
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
