//! Every module of the public corpus (`scripts/fetch-corpus.sh`) resolves without error when it is
//! imported with all its submodules: std built in, the rest from `corpus/modules/`.

use std::path::{Path, PathBuf};

use lsmc::diagnostics::{render_text, TextOptions};
use lsmc::project::{load, ModuleFiles};

struct CorpusFiles {
    root: PathBuf,
}

impl ModuleFiles for CorpusFiles {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        let model = self.root.join(segments[0]).join("model");
        let mut candidates = Vec::new();
        if segments.len() == 1 {
            candidates.push(model.join("_init.cf"));
        } else {
            let mut dir = model;
            for s in &segments[1..segments.len() - 1] {
                dir = dir.join(s);
            }
            let last = segments[segments.len() - 1];
            candidates.push(dir.join(format!("{last}.cf")));
            candidates.push(dir.join(last).join("_init.cf"));
        }
        for candidate in candidates {
            if candidate.is_file() {
                let text = std::fs::read_to_string(&candidate).map_err(|e| e.to_string())?;
                let name = candidate
                    .strip_prefix(&self.root)
                    .unwrap_or(&candidate)
                    .display()
                    .to_string();
                return Ok(Some((format!("corpus/modules/{name}"), text)));
            }
        }
        Ok(None)
    }
}

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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/modules");
    if !root.is_dir() {
        let message = "\n\n*** corpus/modules IS MISSING: run scripts/fetch-corpus.sh ***\n\n";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        eprintln!("{message}");
        return;
    }
    let names = module_names(&root);
    assert!(names.len() > 10, "the corpus has modules: {names:?}");
    let main: String = names.iter().map(|n| format!("import {n}\n")).collect();
    let (project, mut diagnostics) = load("main.cf", &main, &CorpusFiles { root });
    let (_model, sources, resolve_diagnostics) = lsmc::resolve::resolve(project);
    diagnostics.extend(resolve_diagnostics);
    let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "the corpus does not resolve cleanly:\n{}",
        render_text(&errors, &sources, TextOptions { color: false })
    );
}
