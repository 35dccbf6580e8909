//! The resolution asked both ways on `fixtures/resolve/uses` (a `main.cf` and the v1 module
//! `net`): from a place in a file to the definition named there, and from a definition to every
//! place that names it.

use std::path::Path;

use lsmc::builtin::plugins;
use lsmc::resolve::{Def, Model};
use lsmc::source::{FileId, SourceMap, Span};

mod common;

use common::Fixture;

const SHOWN: &str = "fixtures/resolve/uses";

/// The fixture through the driver, as `lsmc check` reads it; it has no error.
fn resolved() -> (Model, SourceMap) {
    let fixture = Fixture::new(
        "resolve",
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(SHOWN),
    );
    let checked = fixture.check(lsmc::driver::Options {
        lsm_checks: false,
        progress: None,
    });
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
    (checked.model, checked.sources)
}

fn file(sources: &SourceMap, suffix: &str) -> FileId {
    sources
        .iter()
        .find(|(_, f)| f.name.ends_with(suffix))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no file {suffix}"))
}

/// The byte offset of the `nth` (0-based) occurrence of `needle` in a file, plus `within`.
fn offset(sources: &SourceMap, file: FileId, needle: &str, nth: usize, within: usize) -> u32 {
    let text = &sources.get(file).text;
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", nth + 1))
        .0;
    (at + within) as u32
}

/// A span as `file:line:text`, for readable comparisons.
fn show(sources: &SourceMap, span: Span) -> String {
    let file = sources.get(span.file);
    let name = file.name.trim_start_matches(SHOWN).trim_start_matches('/');
    let line = file.line_of(span.start as usize) + 1;
    format!("{name}:{line}:{}", &file.text[span.range()])
}

/// What the name at a place refers to, and where that is defined.
fn goto(model: &Model, sources: &SourceMap, file: FileId, offset: u32) -> (Def, String) {
    let (_, def) = model
        .resolution
        .at(file, offset)
        .unwrap_or_else(|| panic!("no name at offset {offset}"));
    let target = model
        .definition_span(def)
        .map_or_else(|| "-".to_string(), |s| show(sources, s));
    (def, target)
}

fn references(model: &Model, sources: &SourceMap, def: Def) -> Vec<String> {
    model
        .resolution
        .uses(def)
        .iter()
        .map(|s| show(sources, *s))
        .collect()
}

#[test]
fn an_entity_of_another_module() {
    let (model, sources) = resolved();
    let main = file(&sources, "main.cf");
    // `Device` in `extends net::Device`.
    let at = offset(&sources, main, "net::Device", 0, 6);
    let (def, target) = goto(&model, &sources, main, at);
    let Def::Entity(device) = def else {
        panic!("{def:?}")
    };
    assert_eq!(model.entity(device).full_name, "net::Device");
    assert_eq!(target, "libs/net/model/_init.cf:1:Device");
    assert_eq!(
        references(&model, &sources, def),
        [
            "main.cf:3:net::Device",            // a parent
            "main.cf:14:net::Device",           // a constructor
            "main.cf:16:net::Device",           // an index lookup
            "libs/net/model/_init.cf:5:Device", // an index
            "libs/net/model/_init.cf:7:Device", // an implement
        ]
    );
    // `net` of `net::Device` names the module.
    let (def, target) = goto(&model, &sources, main, at - 5);
    assert!(matches!(def, Def::Namespace(_)), "{def:?}");
    assert_eq!(target, "libs/net/model/_init.cf:1:");
    assert_eq!(
        references(&model, &sources, def),
        [
            "main.cf:1:net",
            "main.cf:3:net",
            "main.cf:14:net",
            "main.cf:15:net",
            "main.cf:16:net"
        ]
    );
}

#[test]
fn an_attribute_set_by_keyword() {
    let (model, sources) = resolved();
    let main = file(&sources, "main.cf");
    // `name` in `Router(name="r1", ...)`: inherited from net::Device.
    let at = offset(&sources, main, "name=", 1, 0);
    let (def, target) = goto(&model, &sources, main, at);
    assert!(matches!(def, Def::Attribute { .. }), "{def:?}");
    assert_eq!(target, "libs/net/model/_init.cf:2:name");
    assert_eq!(
        references(&model, &sources, def),
        [
            "main.cf:14:name",
            "main.cf:15:name",
            "main.cf:16:name",
            "libs/net/model/_init.cf:5:name",
        ]
    );
    // `mtu` in the implementation body is the instance's attribute.
    let at = offset(&sources, main, "self.mtu", 0, 0);
    assert!(
        model.resolution.at(main, at).is_none(),
        "`self` names nothing"
    );
    let at = offset(&sources, main, "mtu=", 0, 0);
    assert_eq!(goto(&model, &sources, main, at).1, "main.cf:4:mtu");
}

#[test]
fn an_implementation_and_plugins() {
    let (model, sources) = resolved();
    let main = file(&sources, "main.cf");
    let at = offset(&sources, main, "using configure", 0, 6);
    let (def, target) = goto(&model, &sources, main, at);
    assert!(matches!(def, Def::Implementation(_)), "{def:?}");
    assert_eq!(target, "main.cf:7:configure");
    assert_eq!(references(&model, &sources, def), ["main.cf:12:configure"]);
    let print = plugins::find("std", "print").expect("std::print is built in");
    let at = offset(&sources, main, "std::print", 1, 5);
    assert_eq!(
        goto(&model, &sources, main, at),
        (Def::Plugin(print), "-".into())
    );
    assert_eq!(
        references(&model, &sources, Def::Plugin(print)),
        [
            "main.cf:9:std::print",
            "main.cf:17:std::print",
            "main.cf:19:std::print"
        ]
    );
    let net = file(&sources, "net/model/_init.cf");
    let at = offset(&sources, net, "std::none", 0, 5);
    let (def, _) = goto(&model, &sources, net, at);
    assert_eq!(
        def,
        Def::Implementation(find_implementation(&model, "none"))
    );
}

fn find_implementation(model: &Model, name: &str) -> lsmc::resolve::ImplementationId {
    let index = model
        .implementations
        .iter()
        .position(|i| i.name == name && model.namespace(i.namespace).name == "std")
        .expect("std defines it");
    lsmc::resolve::ImplementationId(index as u32)
}

#[test]
fn variables() {
    let (model, sources) = resolved();
    let main = file(&sources, "main.cf");
    // `net::default_mtu`: a top-level variable of the module.
    let at = offset(&sources, main, "default_mtu", 0, 0);
    let (def, target) = goto(&model, &sources, main, at);
    assert!(matches!(def, Def::Variable(_)), "{def:?}");
    assert_eq!(target, "libs/net/model/_init.cf:9:default_mtu");
    assert_eq!(
        references(&model, &sources, def),
        [
            "main.cf:15:net::default_mtu",
            "libs/net/model/_init.cf:9:default_mtu"
        ]
    );
    // A local variable of an implementation, and a loop variable.
    let at = offset(&sources, main, "print(copy)", 0, 6);
    assert_eq!(goto(&model, &sources, main, at).1, "main.cf:8:copy");
    let at = offset(&sources, main, "print(x)", 0, 6);
    let (def, target) = goto(&model, &sources, main, at);
    assert_eq!(target, "main.cf:18:x");
    assert_eq!(
        references(&model, &sources, def),
        ["main.cf:18:x", "main.cf:19:x"]
    );
    // A top-level variable of main.cf, used in a later statement.
    let at = offset(&sources, main, "found.name", 0, 0);
    assert_eq!(goto(&model, &sources, main, at).1, "main.cf:16:found");
}

/// An f-string's parts have no place of their own in the text (each has the whole string's
/// span): none is recorded, so no use of one answers for another.
#[test]
fn f_string_parts_do_not_answer_for_each_other() {
    let (model, sources) = resolved();
    let main = file(&sources, "main.cf");
    let at = offset(&sources, main, "f\"{found.name}", 0, 3);
    assert_eq!(model.resolution.at(main, at), None);
    let found = offset(&sources, main, "found = ", 0, 0);
    let (def, _) = goto(&model, &sources, main, found);
    assert_eq!(
        references(&model, &sources, def),
        ["main.cf:16:found", "main.cf:17:found"]
    );
}
