//! Every module of the public corpus (`scripts/fetch-corpus.sh`) resolves without error when it is
//! imported with all its submodules: std built in, the rest from `corpus/modules/`.

use std::path::Path;

use lsmc::diagnostics::{render_text, TextOptions};
use lsmc::driver::{self, Input};

mod common;

/// `mod`, `mod::sub`, ... for every `.cf` file under a module's `model/` folder.
fn module_names(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "cf") {
                let relative = path.strip_prefix(root).expect("below the root");
                let parts: Vec<String> = relative
                    .iter()
                    .map(|p| p.to_string_lossy().to_string())
                    .collect();
                // <mod>/model/<sub>/.../<file>.cf
                let mut segments = vec![parts[0].clone()];
                segments.extend(parts[2..parts.len() - 1].iter().cloned());
                let file = parts[parts.len() - 1].trim_end_matches(".cf").to_string();
                if file != "_init" {
                    segments.push(file);
                }
                names.push(segments.join("::"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_corpus_module_resolves() {
    let Some(root) = common::required(
        common::manifest_dir().join("corpus/modules"),
        "corpus/modules (run scripts/fetch-corpus.sh)",
    ) else {
        return;
    };
    let names = module_names(&root);
    assert!(names.len() > 10, "the corpus has modules: {names:?}");
    let main: String = names.iter().map(|n| format!("import {n}\n")).collect();
    let modules = common::ModuleDir {
        dir: root,
        shown: "corpus/modules".to_string(),
    };
    let input = Input {
        main_name: "main.cf",
        main_text: &main,
        files: &modules,
    };
    let options = driver::Options {
        lsm_checks: false,
        ..Default::default()
    };
    let checked = driver::check(&input, options);
    let errors: Vec<_> = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(
        errors.is_empty(),
        "the corpus does not resolve cleanly:\n{}",
        render_text(&errors, &checked.sources, TextOptions { color: false })
    );
}
