//! Snapshot tests of the LSM rules (`lsmc::check`, codes E3001..E3030): one snapshot per project
//! folder `fixtures/lsm/<name>/` (a `main.cf`, and its own modules under `libs/` if any), holding
//! the numbered source of every file of the project and the diagnostics of loading, resolving and
//! checking it, rendered as text (no colour). See `tests/README.md`.
//!
//! A fixture breaks one rule in strict mode (`lsm::ServiceEntityBindingV2`); a fixture named
//! `<rule>_legacy` is the same model with a legacy binding (`lsm::ServiceEntityBinding`), which a
//! strict-only rule accepts: its snapshot shows no diagnostic.

use std::path::{Path, PathBuf};

use lsmc::diagnostics::{render_text, Severity, TextOptions};

mod common;

use common::{numbered, FixtureModules};

/// Loads, resolves and checks a fixture: the snapshot text and the codes of its errors.
fn run_fixture(dir: &Path) -> (String, Vec<&'static str>) {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a fixture folder has a UTF-8 name");
    let shown = format!("fixtures/lsm/{name}");
    let text = std::fs::read_to_string(dir.join("main.cf")).expect("fixtures are UTF-8 text");
    let modules = FixtureModules {
        dir: dir.to_path_buf(),
        shown: shown.clone(),
    };
    let (project, mut diagnostics) =
        lsmc::project::load(&format!("{shown}/main.cf"), &text, &modules);
    let (model, sources, resolve_diagnostics) = lsmc::resolve::resolve(project);
    diagnostics.extend(resolve_diagnostics);
    let (_statics, check_diagnostics) = lsmc::check::check(&model);
    diagnostics.extend(check_diagnostics);
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
    let codes = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.id)
        .collect();
    (out, codes)
}

#[test]
fn lsm_fixtures() {
    insta::glob!("../fixtures/lsm", "*/main.cf", |path| {
        let dir = path.parent().expect("main.cf is in a fixture folder");
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a fixture folder has a UTF-8 name")
            .to_string();
        let (out, _) = run_fixture(dir);
        // One snapshot per fixture, named after its folder.
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name);
        settings.bind(|| insta::assert_snapshot!(out));
    });
}

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lsm");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/lsm exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every fixture folder has a `main.cf` (a folder without one would be skipped silently).
#[test]
fn every_fixture_folder_has_a_main_file() {
    for dir in fixture_dirs() {
        assert!(
            dir.join("main.cf").is_file(),
            "{} has no main.cf",
            dir.display()
        );
    }
}

/// The first line of a fixture names the code it shows (`# E3004: ...`); a strict fixture gives
/// exactly one error, with that code; a `_legacy` fixture whose first line says `no error` gives
/// none. Every code E3001..E3030 has a fixture.
#[test]
fn every_fixture_gives_the_error_it_names() {
    let mut covered = Vec::new();
    for dir in fixture_dirs() {
        let text = std::fs::read_to_string(dir.join("main.cf")).expect("readable");
        let first = text.lines().next().unwrap_or_default();
        let (_, codes) = run_fixture(&dir);
        if first.starts_with("# no error") {
            assert!(
                codes.is_empty(),
                "{} should give no error, gives {codes:?}",
                dir.display()
            );
            continue;
        }
        let expected = first
            .strip_prefix("# ")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            codes,
            vec![expected.as_str()],
            "{} should give exactly one {expected}",
            dir.display()
        );
        covered.push(expected);
    }
    for n in 1..=30 {
        let code = format!("E30{n:02}");
        assert!(covered.contains(&code), "no fixture shows {code}");
    }
}
