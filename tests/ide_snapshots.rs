//! Snapshot tests of the editor features' texts: one snapshot per fixture folder
//! `fixtures/lsp/hover/<name>/` (the hover at the place marked `$0` in its `main.cf`) and
//! `fixtures/lsp/complete/<name>/` (the completion list there) and `fixtures/lsp/fix/<name>/` (the
//! fixes of the diagnostics there, applied). The fixtures import the modules
//! of fixtures/lsp/project/libs (v1) and fixtures/lsp/site (a v2 module).

mod common;

use common::{manifest_dir, Fixture, ModuleDir};
use lsmc::driver::{self, Checked, Input};
use lsmc::project::ModuleFiles;
use lsmc::source::FileId;

/// The v1 modules first, then the v2 ones, as `lsmc` looks them up.
struct Modules(Vec<ModuleDir>);

impl ModuleFiles for Modules {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        for dir in &self.0 {
            if let Some(found) = dir.module(segments)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

const CURSOR: &str = "$0";

/// The fixture checked without its cursor mark, and the mark's byte offset in `main.cf`.
fn check_at_cursor(fixture: &Fixture) -> (Checked, u32, String) {
    let marked = fixture.main_text();
    let offset = marked
        .find(CURSOR)
        .expect("the fixture marks a place with $0");
    let text = marked.replacen(CURSOR, "", 1);
    let lsp = manifest_dir().join("fixtures/lsp");
    let modules = Modules(vec![
        ModuleDir {
            dir: lsp.join("project/libs"),
            shown: "fixtures/lsp/project/libs".into(),
        },
        ModuleDir {
            dir: lsp.join("site/inmanta_plugins"),
            shown: "fixtures/lsp/site/inmanta_plugins".into(),
        },
    ]);
    let input = Input {
        main_name: &format!("{}/main.cf", fixture.shown),
        main_text: &text,
        files: &modules,
    };
    let checked = driver::check(&input, driver::Options::default());
    let line_start = marked[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = marked[offset..]
        .find('\n')
        .map_or(marked.len(), |i| offset + i);
    let line_number = marked[..offset].matches('\n').count() + 1;
    let shown = format!(
        "main.cf:{line_number}: {}",
        marked[line_start..line_end].replace(CURSOR, "‸")
    );
    (checked, offset as u32, shown)
}

#[test]
fn hover_fixtures() {
    insta::glob!("../fixtures/lsp/hover", "*/main.cf", |path| {
        let fixture = Fixture::of_main("lsp/hover", path);
        let (checked, offset, line) = check_at_cursor(&fixture);
        let hover = lsmc::ide::hover::hover(&checked, FileId(0), offset);
        let out = match hover {
            Some(h) => format!(
                "{line}\nhovered: {:?}\n\n{}\n",
                lsmc::ide::text_of(&checked, h.span),
                h.markdown
            ),
            None => format!("{line}\n(no hover)\n"),
        };
        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}

#[test]
fn completion_fixtures() {
    insta::glob!("../fixtures/lsp/complete", "*/main.cf", |path| {
        let fixture = Fixture::of_main("lsp/complete", path);
        let (checked, offset, line) = check_at_cursor(&fixture);
        let modules: Vec<String> = ["cloud", "lsm", "lsm::fsm", "net", "net::extra", "std"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let found = lsmc::ide::complete::complete(&checked, FileId(0), offset, &modules);
        let mut items = found.items.clone();
        items.sort_by(|a, b| (a.rank, &a.label).cmp(&(b.rank, &b.label)));
        let mut out = format!(
            "{line}\nreplaces: {:?}\n\n",
            &checked.sources.get(FileId(0)).text[found.start as usize..offset as usize]
        );
        for item in &items {
            out.push_str(&format!(
                "{} {:?} {}{}{}\n",
                item.rank,
                item.kind,
                item.label,
                item.insert
                    .as_ref()
                    .map(|i| format!(" (inserts {i:?})"))
                    .unwrap_or_default(),
                item.detail
                    .as_ref()
                    .map(|d| format!(" — {d}"))
                    .unwrap_or_default(),
            ));
        }
        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}

#[test]
fn every_fixture_folder_has_a_main_file() {
    common::assert_every_fixture_has_a_main_file("lsp/hover");
    common::assert_every_fixture_has_a_main_file("lsp/complete");
    common::assert_every_fixture_has_a_main_file("lsp/fix");
}

/// Each fix of the diagnostics at the place marked `$0` in `fixtures/lsp/fix/<name>/main.cf`, and
/// the file once it is applied.
#[test]
fn fix_fixtures() {
    insta::glob!("../fixtures/lsp/fix", "*/main.cf", |path| {
        let fixture = Fixture::of_main("lsp/fix", path);
        let (checked, offset, line) = check_at_cursor(&fixture);
        let fixes = lsmc::ide::fix::fixes(&checked, FileId(0), offset, offset);
        let mut out = format!("{line}\n");
        for fix in &fixes {
            let code = fix.diagnostic.as_ref().map_or("", |d| d.code.id);
            out.push_str(&format!("\nfix of {code}: {}\n", fix.title));
            let mut edits = fix.edits.clone();
            assert!(edits.iter().all(|(s, _)| s.file == FileId(0)), "{edits:?}");
            edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
            let mut text = checked.sources.get(FileId(0)).text.clone();
            for (span, new) in edits {
                text.replace_range(span.range(), &new);
            }
            out.push_str(&format!("--- main.cf with the fix\n{text}"));
        }
        if fixes.is_empty() {
            out.push_str("(no fix)\n");
        }
        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}
