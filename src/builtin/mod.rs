//! The modules lsmc carries in itself: `std` and `lsm` (models and plugin signatures).
//!
//! Their `.cf` files are compiled into the binary; their plugins are native (see `eval`). A real
//! `std` or `lsm` found on the module path is ignored in favour of these.

pub mod plugins;

/// A built-in module file: its namespace (`std`, `lsm::fsm`) and its text.
pub struct BuiltinFile {
    pub namespace: &'static str,
    /// The name shown in diagnostics, e.g. `<builtin>/std/model/_init.cf`.
    pub display_name: &'static str,
    pub text: &'static str,
}

/// Every built-in module file.
pub const FILES: &[BuiltinFile] = &[
    BuiltinFile {
        namespace: "std",
        display_name: "<builtin>/std/model/_init.cf",
        text: include_str!("std/_init.cf"),
    },
    BuiltinFile {
        namespace: "std::testing",
        display_name: "<builtin>/std/model/testing.cf",
        text: include_str!("std/testing.cf"),
    },
    BuiltinFile {
        namespace: "lsm",
        display_name: "<builtin>/lsm/model/_init.cf",
        text: include_str!("lsm/_init.cf"),
    },
    BuiltinFile {
        namespace: "lsm::fsm",
        display_name: "<builtin>/lsm/model/fsm.cf",
        text: include_str!("lsm/fsm.cf"),
    },
    BuiltinFile {
        namespace: "lsm::allocators",
        display_name: "<builtin>/lsm/model/allocators.cf",
        text: include_str!("lsm/allocators.cf"),
    },
];

/// The built-in file of a namespace, if there is one.
pub fn file(namespace: &str) -> Option<&'static BuiltinFile> {
    FILES.iter().find(|f| f.namespace == namespace)
}
