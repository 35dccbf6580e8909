//! Snapshot tests of the name resolution and static checks: one snapshot per project folder
//! `fixtures/check/<name>/` (a `main.cf`, and its own modules under `libs/`), holding the numbered
//! source of every file of the project and the diagnostics of loading and resolving it, rendered as
//! text (no colour). See `tests/README.md`.

use std::path::Path;

use lsmc::diagnostics::{render_text, TextOptions};

mod common;

use common::{numbered, FixtureModules};

#[test]
fn check_fixtures() {
    insta::glob!("../fixtures/check", "*/main.cf", |path| {
        let dir = path.parent().expect("main.cf is in a fixture folder");
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a fixture folder has a UTF-8 name");
        let shown = format!("fixtures/check/{name}");
        let text = std::fs::read_to_string(path).expect("fixtures are UTF-8 text");
        let modules = FixtureModules {
            dir: dir.to_path_buf(),
            shown: shown.clone(),
        };
        let (project, mut diagnostics) =
            lsmc::project::load(&format!("{shown}/main.cf"), &text, &modules);
        let (_model, sources, resolve_diagnostics) = lsmc::resolve::resolve(project);
        diagnostics.extend(resolve_diagnostics);
        lsmc::diagnostics::sort(&mut diagnostics);

        let mut out = String::new();
        for (_, file) in sources.iter() {
            if file.name.starts_with("<builtin>") {
                continue;
            }
            out.push_str(&format!(
                "----- SOURCE {}\n{}",
                file.name,
                numbered(&file.text)
            ));
        }
        let rendered = render_text(&diagnostics, &sources, TextOptions { color: false });
        out.push_str(&format!("----- DIAGNOSTICS\n{rendered}"));

        // One snapshot per fixture, named after its folder.
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name);
        settings.bind(|| insta::assert_snapshot!(out));
    });
}

/// Every fixture folder has a `main.cf` (a folder without one would be skipped silently).
#[test]
fn every_fixture_folder_has_a_main_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check");
    for entry in std::fs::read_dir(&root).expect("fixtures/check exists") {
        let dir = entry.expect("a readable entry").path();
        if dir.is_dir() {
            assert!(
                dir.join("main.cf").is_file(),
                "{} has no main.cf",
                dir.display()
            );
        }
    }
}
