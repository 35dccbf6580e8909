//! The layering of docs/architecture.md, read from the code: each library module imports only the
//! modules that come before it in the pipeline (or stand beside it), and only the command line
//! touches files, processes, the environment and the terminal.
//!
//! The imports are read from the source text (`crate::module` in code, including `use crate::{a,
//! b::c}` groups), so a new dependency that breaks the layering fails here, whatever its form.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules in layers, in pipeline order: a module may import the modules
/// of earlier layers only, never one of its own layer or a later one. The first layer stands
/// beside the pipeline (spans, Python's text forms, docstrings, the built-in modules); `export`
/// reads the model and the LSM view, never the evaluator; `driver` runs the pipeline for every
/// entry point, so it reads every module and none reads it but `ide`, the editor features over a
/// checked project.
const LAYERS: &[&[&str]] = &[
    &["source", "python", "docstring", "builtin"],
    &["diagnostics"],
    &["lexer", "ast"],
    &["parser", "plugin_signatures"],
    &["project"],
    &["resolve"],
    &["check"],
    &["eval", "export"],
    &["driver"],
    &["ide"],
];

/// What each module may import: the modules of the layers before its own.
fn allowed_imports() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let mut out = BTreeMap::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        let earlier: BTreeSet<&str> = LAYERS[..i].iter().flat_map(|l| l.iter().copied()).collect();
        for module in *layer {
            out.insert(*module, earlier.clone());
        }
    }
    out
}

/// What only the command line may use: files, processes, the environment, the terminal.
const IO: &[&str] = &[
    "std::fs",
    "std::process",
    "std::env",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "File::open",
    "File::create",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/eval/exec.rs` is `eval`, `src/python.rs` is
/// `python`; `src/main.rs`, `src/cli/` and the editor server `src/server/` are the command line.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    let first = first.to_string_lossy();
    match first.strip_suffix(".rs") {
        Some("main") => "cli".into(),
        None if first == "server" => "cli".into(),
        Some(stem) => stem.into(),
        None => first.into_owned(),
    }
}

/// The code of a file without its comments and its `#[cfg(test)]` module, whose helpers may do
/// what the library does not (read fixtures).
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push((i + 1, code));
    }
    out
}

/// The top-level modules named by `crate::...` in a line: `crate::resolve::Model`, and every
/// first segment of a group `crate::{ast, resolve::Model}`.
fn imports_of(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // The first name of each item at the group's top level: `{ast, resolve::{A, B}}`.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        item_start = false;
                        out.push(first_name(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            let name = first_name(after);
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = after;
    }
    out
}

fn first_name(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every import of one library module of another that the layering forbids, as
/// `file:line: module imports other`.
fn violations(src: &Path) -> Vec<String> {
    let allowed = allowed_imports();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        if module == "cli" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = code_lines(&text);
        let shown = file.strip_prefix(src).unwrap().display().to_string();
        match allowed.get(module.as_str()) {
            None => out.push(format!(
                "{shown}: module `{module}` has no place in the layering table of tests/layering.rs"
            )),
            Some(deps) => {
                for (line, code) in &lines {
                    for import in imports_of(code) {
                        if import != module && !deps.contains(import.as_str()) {
                            out.push(format!("{shown}:{line}: `{module}` imports `{import}`"));
                        }
                    }
                }
            }
        }
        for (line, code) in &lines {
            for io in IO {
                if code.contains(io) {
                    out.push(format!("{shown}:{line}: library code uses `{io}`"));
                }
            }
        }
    }
    out
}

#[test]
fn library_modules_import_only_earlier_stages_and_do_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "the layering of docs/architecture.md is broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_sees_every_form_of_import() {
    assert_eq!(imports_of("use crate::resolve::Model;"), ["resolve"]);
    assert_eq!(
        imports_of("use crate::{ast, resolve::{Model, EntityId}};"),
        ["ast", "resolve"]
    );
    assert_eq!(
        imports_of("let x = crate::eval::run(crate::check::check(m));"),
        ["eval", "check"]
    );
    assert!(imports_of("let s = \"no import\";").is_empty());
}

/// The check itself can fail: a library file of a tree that imports a later stage, or prints,
/// is reported.
#[test]
fn a_forbidden_import_and_io_are_reported() {
    let dir = std::env::temp_dir().join(format!("lsmc-layering-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("resolve")).unwrap();
    std::fs::write(
        src.join("resolve/mod.rs"),
        "use crate::eval::Runtime;\n// crate::export in a comment is fine\nfn f() { println!(\"x\"); }\n",
    )
    .unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod resolve;\n").unwrap();
    let found = violations(&src);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        found,
        [
            "resolve/mod.rs:1: `resolve` imports `eval`",
            "resolve/mod.rs:3: library code uses `println!`"
        ]
    );
}

/// The files of a folder module (but `mod.rs`, which holds what they share) and the sibling
/// files each one names with `super::file`.
fn sibling_imports(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    let names: BTreeSet<String> = files
        .iter()
        .filter_map(|f| f.file_stem()?.to_str().map(str::to_string))
        .filter(|n| n != "mod")
        .collect();
    let mut out = BTreeMap::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let mut imports = BTreeSet::new();
        for (_, code) in code_lines(&text) {
            let mut rest = code;
            while let Some(at) = rest.find("super::") {
                rest = &rest[at + "super::".len()..];
                let mut named = vec![first_name(rest)];
                if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    named = group[..end]
                        .split(',')
                        .map(|i| first_name(i.trim()))
                        .collect();
                }
                imports.extend(
                    named
                        .into_iter()
                        .filter(|n| names.contains(n) && *n != name),
                );
            }
        }
        out.insert(name, imports);
    }
    out
}

/// A cycle in an import graph, as `a -> b -> a`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut shown = path[at..].to_vec();
            shown.push(node.to_string());
            return Some(shown.join(" -> "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// docs/architecture.md, eval: its files import each other without a cycle.
#[test]
fn eval_files_import_each_other_without_a_cycle() {
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/eval");
    let graph = sibling_imports(&eval);
    assert!(graph.len() > 10, "the eval files are read: {graph:?}");
    assert_eq!(cycle(&graph), None);
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("exec", &["flow", "plugins"][..]),
        ("plugins", &["flow", "exec"][..]),
        ("flow", &[][..]),
    ]
    .into_iter()
    .map(|(n, d)| (n.to_string(), d.iter().map(|s| s.to_string()).collect()))
    .collect();
    assert_eq!(cycle(&graph).as_deref(), Some("exec -> plugins -> exec"));
}
