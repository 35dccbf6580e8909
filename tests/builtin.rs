//! The built-in modules (`lsmc::builtin`): their `.cf` files parse cleanly and the plugin table
//! is consistent.

use std::collections::HashSet;

use lsmc::builtin::plugins::{self, Native, ParamKind, Run, PLUGINS};
use lsmc::builtin::FILES;
use lsmc::parser::parse_module;
use lsmc::source::FileId;

#[test]
fn builtin_files_parse_without_diagnostics() {
    let mut failures = Vec::new();
    for (i, file) in FILES.iter().enumerate() {
        let (_module, diagnostics) = parse_module(file.text, FileId(i as u32));
        for d in &diagnostics {
            failures.push(format!("{}: {:?}", file.display_name, d));
        }
    }
    assert!(
        failures.is_empty(),
        "diagnostics in built-in files:\n{}",
        failures.join("\n")
    );
}

#[test]
fn builtin_namespaces_are_unique() {
    let mut seen = HashSet::new();
    for file in FILES {
        assert!(
            seen.insert(file.namespace),
            "namespace {} twice",
            file.namespace
        );
        assert_eq!(
            lsmc::builtin::file(file.namespace).unwrap().display_name,
            file.display_name
        );
    }
}

#[test]
fn plugin_table_has_no_duplicates_and_is_sorted() {
    let mut seen = HashSet::new();
    for p in PLUGINS {
        assert!(
            seen.insert((p.namespace, p.name)),
            "{}::{} twice",
            p.namespace,
            p.name
        );
    }
    let keys: Vec<_> = PLUGINS.iter().map(|p| (p.namespace, p.name)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "PLUGINS is not sorted by (namespace, name)");
}

#[test]
fn plugin_table_counts() {
    let count = |ns: &str| PLUGINS.iter().filter(|p| p.namespace == ns).count();
    assert_eq!(count("std"), 63);
    assert_eq!(count("lsm"), 5);
    assert_eq!(count("lsm::allocators"), 2);
}

#[test]
fn plugin_params_are_well_formed() {
    for p in PLUGINS {
        let mut names = HashSet::new();
        // Python order: normal, *args, keyword-only, **kwargs; at most one of each var kind.
        let rank = |k: ParamKind| match k {
            ParamKind::Normal => 0,
            ParamKind::VarPositional => 1,
            ParamKind::KeywordOnly => 2,
            ParamKind::VarKeyword => 3,
        };
        let mut last = 0;
        let mut seen_default = false;
        for param in p.params {
            assert!(
                names.insert(param.name),
                "{}::{}: parameter {} twice",
                p.namespace,
                p.name,
                param.name
            );
            let r = rank(param.kind);
            assert!(
                r >= last,
                "{}::{}: parameters out of order",
                p.namespace,
                p.name
            );
            assert!(
                !(r == last && (r == 1 || r == 3)),
                "{}::{}: two variadic parameters of one kind",
                p.namespace,
                p.name
            );
            last = r;
            if param.kind == ParamKind::Normal {
                assert!(
                    param.has_default || !seen_default,
                    "{}::{}: a parameter without a default after one with",
                    p.namespace,
                    p.name
                );
                seen_default |= param.has_default;
            }
            if matches!(param.kind, ParamKind::VarPositional | ParamKind::VarKeyword) {
                assert!(!param.has_default);
            }
        }
    }
}

#[test]
fn known_signatures() {
    let print = plugins::signature("std", "print").expect("std::print");
    assert_eq!(print.params[0].name, "message");
    assert_eq!(print.params.len(), 1);

    let all = plugins::signature("lsm", "all").expect("lsm::all");
    assert_eq!(all.params[0].name, "binding");
    assert_eq!(all.params.len(), 6);
    assert_eq!(all.returns, plugins::PluginType::List);

    let format = plugins::signature("std", "format").expect("std::format");
    let kinds: Vec<_> = format.params.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ParamKind::Normal,
            ParamKind::VarPositional,
            ParamKind::VarKeyword
        ]
    );

    let alloc = plugins::signature("lsm::allocators", "get_first_free_integer").expect("allocator");
    assert_eq!(alloc.params[2].name, "range_start");
    assert_eq!(alloc.params[2].kind, ParamKind::KeywordOnly);
    assert!(!alloc.params[2].has_default);

    // A `Context` parameter is not a plugin parameter.
    let template = plugins::signature("std", "template").expect("std::template");
    assert_eq!(template.params[0].name, "path");

    assert!(plugins::signature("std", "printf").is_none());
    assert!(plugins::signature("lsm", "get_first_free_integer").is_none());
}

/// The plugins lsmc has no native version of: a call of one is an error at run time. Giving one
/// a native version means taking it out of this list.
const NOT_NATIVE: &[&str] = &[];

#[test]
fn plugins_without_native_version_are_the_listed_ones() {
    let not_native: Vec<String> = PLUGINS
        .iter()
        .filter(|p| p.run == Run::NotNative)
        .map(|p| format!("{}::{}", p.namespace, p.name))
        .collect();
    assert_eq!(not_native, NOT_NATIVE);
}

#[test]
fn every_native_implementation_runs_exactly_one_plugin() {
    for native in Native::ALL {
        let runs: Vec<_> = PLUGINS
            .iter()
            .filter(|p| p.run == Run::Native(*native))
            .map(|p| format!("{}::{}", p.namespace, p.name))
            .collect();
        assert_eq!(runs.len(), 1, "{native:?} runs {runs:?}");
    }
    for p in PLUGINS {
        if let Run::Native(native) = p.run {
            assert!(
                Native::ALL.contains(&native),
                "{native:?} not in Native::ALL"
            );
        }
    }
}

#[test]
fn native_parameters_are_found_by_name() {
    let at = Native::StdAt;
    assert_eq!(at.signature().name, "at");
    assert_eq!(at.param("objects"), 0);
    assert_eq!(at.param("index"), 1);
    let alloc = Native::LsmAllocatorsGetFirstFreeInteger;
    assert_eq!(alloc.param("range_start"), 2);
}
