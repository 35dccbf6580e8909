//! Projects: `main.cf` and the module files it imports, read through a [`ModuleFiles`] so that the
//! library stays free of IO (the CLI reads the disk, tests and editors read memory).
//!
//! Namespaces follow Inmanta: `main.cf` is `__config__`; `mod` is `<mod>/model/_init.cf`;
//! `mod::sub` is `<mod>/model/sub.cf` (or `sub/_init.cf`). Importing `mod::sub` loads `mod` too.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

use crate::ast::{Item, Module, Path};
use crate::diagnostics::Diagnostic;
use crate::parser::parse_module;
use crate::source::{FileId, SourceMap, Span};

/// Where module files come from.
pub trait ModuleFiles {
    /// The file of module `segments` (`["mod", "sub"]`), as (display name, text); `Ok(None)` when
    /// no module path has it, `Err` when it exists but can not be read.
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String>;

    /// The Python files of module `name`'s plugins; `None` when they are not known, and the
    /// calls of its plugins are then left to evaluation.
    fn plugin_sources(&self, _name: &str) -> Option<Vec<PluginSource>> {
        None
    }
}

/// A Python file of a module's plugins.
pub struct PluginSource {
    /// The namespace its plugins are in: `mod` for the module's `__init__.py`, `mod::sub` for
    /// `sub.py` or `sub/__init__.py`.
    pub namespace: String,
    /// The file's name as diagnostics show it.
    pub name: String,
    pub text: String,
}

/// Modules that need no file: they are built into lsmc.
pub const BUILT_IN: &[&str] = &["std", "lsm"];

pub struct LoadedModule {
    /// `__config__`, `mod`, `mod::sub`.
    pub name: String,
    pub ast: Module,
}

/// An `import` whose module was not found.
pub struct MissingModule {
    pub name: String,
    pub span: Span,
}

pub struct Project {
    pub sources: SourceMap,
    pub modules: Vec<LoadedModule>,
    pub missing: Vec<MissingModule>,
    /// Files that exist but could not be read: (module, reason).
    pub unreadable: Vec<(String, String, Span)>,
}

/// The syntax trees of the files of the last load, for an editor that loads a project again
/// after each edit: a file whose text and place in the load order (its `FileId`, which its spans
/// hold) did not change is not parsed again.
#[derive(Default)]
pub struct ParseCache {
    files: RefCell<HashMap<String, Parsed>>,
}

struct Parsed {
    text: String,
    file: FileId,
    ast: Module,
    diagnostics: Vec<Diagnostic>,
}

impl ParseCache {
    fn parse(&self, name: &str, text: &str, file: FileId) -> (Module, Vec<Diagnostic>) {
        let mut files = self.files.borrow_mut();
        if let Some(parsed) = files.get(name) {
            if parsed.file == file && parsed.text == text {
                return (parsed.ast.clone(), parsed.diagnostics.clone());
            }
        }
        let (ast, diagnostics) = parse_module(text, file);
        let parsed = Parsed {
            text: text.to_string(),
            file,
            ast: ast.clone(),
            diagnostics: diagnostics.clone(),
        };
        files.insert(name.to_string(), parsed);
        (ast, diagnostics)
    }

    /// Forgets the files the last load did not read.
    fn keep_only(&self, sources: &SourceMap) {
        let names: std::collections::HashSet<&str> =
            sources.iter().map(|(_, f)| f.name.as_str()).collect();
        self.files
            .borrow_mut()
            .retain(|name, _| names.contains(name.as_str()));
    }
}

/// Parses `main.cf` and, transitively, every module it imports.
pub fn load(
    main_name: &str,
    main_text: &str,
    files: &dyn ModuleFiles,
) -> (Project, Vec<Diagnostic>) {
    load_cached(main_name, main_text, files, None)
}

/// [`load`], parsing only the files that changed since the last load with `cache`.
pub fn load_cached(
    main_name: &str,
    main_text: &str,
    files: &dyn ModuleFiles,
    cache: Option<&ParseCache>,
) -> (Project, Vec<Diagnostic>) {
    let parse = |name: &str, text: &str, file: FileId| match cache {
        Some(cache) => cache.parse(name, text, file),
        None => parse_module(text, file),
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut modules = Vec::new();
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut queue: VecDeque<(String, Span)> = VecDeque::new();

    let main = sources.add(main_name, main_text);
    let (ast, diags) = parse(main_name, main_text, main);
    diagnostics.extend(diags);
    enqueue_imports(&ast, &mut queue);
    modules.push(LoadedModule {
        name: "__config__".to_string(),
        ast,
    });
    seen.insert("__config__".to_string(), ());
    // std is visible everywhere without an import.
    queue.push_front(("std".to_string(), Span::default()));

    while let Some((name, span)) = queue.pop_front() {
        if seen.insert(name.clone(), ()).is_some() {
            continue;
        }
        let segments: Vec<&str> = name.split("::").collect();
        let found = if BUILT_IN.contains(&segments[0]) {
            Ok(crate::builtin::file(&name)
                .map(|f| (f.display_name.to_string(), f.text.to_string())))
        } else {
            files.module(&segments)
        };
        match found {
            Ok(Some((display, text))) => {
                let file = sources.add(display, text);
                let source = sources.get(file);
                let (ast, diags) = parse(&source.name, &source.text, file);
                diagnostics.extend(diags);
                enqueue_imports(&ast, &mut queue);
                modules.push(LoadedModule { name, ast });
            }
            Ok(None) => missing.push(MissingModule { name, span }),
            Err(reason) => unreadable.push((name, reason, span)),
        }
    }
    if let Some(cache) = cache {
        cache.keep_only(&sources);
    }
    (
        Project {
            sources,
            modules,
            missing,
            unreadable,
        },
        diagnostics,
    )
}

fn enqueue_imports(ast: &Module, queue: &mut VecDeque<(String, Span)>) {
    for item in &ast.items {
        if let Item::Import(import) = item {
            for prefix in prefixes(&import.module) {
                queue.push_back((prefix, import.module.span));
            }
        }
    }
}

/// `a::b::c` needs `a`, `a::b` and `a::b::c`.
fn prefixes(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut name = String::new();
    for segment in &path.segments {
        if !name.is_empty() {
            name.push_str("::");
        }
        name.push_str(&segment.text);
        out.push(name.clone());
    }
    out
}

/// An in-memory [`ModuleFiles`]: module name (`mod::sub`) to text.
#[derive(Default)]
pub struct MemoryFiles {
    pub files: HashMap<String, String>,
}

impl ModuleFiles for MemoryFiles {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        let name = segments.join("::");
        Ok(self.files.get(&name).map(|text| {
            let display = if segments.len() == 1 {
                format!("{}/model/_init.cf", segments[0])
            } else {
                format!("{}/model/{}.cf", segments[0], segments[1..].join("/"))
            };
            (display, text.clone())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_followed_transitively_and_once() {
        let mut files = MemoryFiles::default();
        files
            .files
            .insert("a".into(), "import a::sub\nimport b\n".into());
        files.files.insert("a::sub".into(), "x = 1\n".into());
        let (project, diagnostics) =
            load("main.cf", "import a::sub\nimport std\nimport zz\n", &files);
        assert!(diagnostics.is_empty());
        let names: Vec<_> = project.modules.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, vec!["__config__", "std", "a", "a::sub"]);
        let missing: Vec<_> = project.missing.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(missing, vec!["zz", "b"]);
    }

    #[test]
    fn the_cache_parses_again_only_what_changed() {
        let mut files = MemoryFiles::default();
        files.files.insert("a".into(), "x = 1\n".into());
        let cache = ParseCache::default();
        let (first, _) = load_cached("main.cf", "import a\n", &files, Some(&cache));
        assert_eq!(cache.files.borrow().len(), first.sources.len());
        // The cached trees are the ones a load without the cache makes.
        let (again, _) = load_cached("main.cf", "import a\n", &files, Some(&cache));
        let (plain, _) = load("main.cf", "import a\n", &files);
        let asts = |p: &Project| p.modules.iter().map(|m| m.ast.clone()).collect::<Vec<_>>();
        assert_eq!(asts(&again), asts(&plain));
        // An edited file is parsed again: its new text is in its tree.
        files.files.insert("a".into(), "x = 1\ny = 2\n".into());
        let (edited, diagnostics) = load_cached("main.cf", "import a\n", &files, Some(&cache));
        assert!(diagnostics.is_empty());
        let a = edited.modules.iter().find(|m| m.name == "a").unwrap();
        assert_eq!(a.ast.items.len(), 2);
        // A file no longer imported is forgotten.
        let (alone, _) = load_cached("main.cf", "x = 1\n", &files, Some(&cache));
        assert_eq!(cache.files.borrow().len(), alone.sources.len());
    }
}
