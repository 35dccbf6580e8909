//! Snapshot tests of the inventory check of `lsmc compile` (what every record of the inventory is
//! checked against before evaluation): one folder per fixture, `fixtures/inventory/<name>/`, with
//! `main.cf`, `inventory.json` and, for a validation compile, a file `validate` holding the
//! instance id of `--validate`. Each fixture goes through the pipeline as `lsmc compile` runs it
//! (load, resolve, the LSM checks, the inventory, its check, evaluation when nothing failed) and
//! has two snapshots: the numbered sources with the diagnostics as text, and the diagnostics as
//! JSON. The first line of `main.cf` names the codes the fixture shows (`# E5001, W5003: ...`).
//!
//! `ten_thousand_records_three_bad_ones`: an inventory of 10,000 services with three bad records
//! gives three errors, each with its instance id and its line in the inventory.
//!
//! `fixtures/inventory-cli/`: what the command line finds beside the model (`lsmc compile DIR`).

use lsmc::diagnostics::{render_json, Diagnostic, Severity};
use lsmc::driver::{Checked, EvalOptions, InventoryFile};

mod common;

use common::{diagnostics_section, source_section, sources_section, Fixture};

/// The diagnostics of a fixture run as `lsmc compile` runs it, and the run.
fn compile(fixture: &Fixture) -> (Checked, Vec<Diagnostic>) {
    let mut checked = fixture.check(lsmc::driver::Options::default());
    let validate = std::fs::read_to_string(fixture.dir.join("validate"))
        .ok()
        .map(|id| id.trim().to_string());
    if let Some(file) = fixture.inventory() {
        checked.read_inventory(file);
    }
    checked.check_inventory(validate.as_deref());
    // As `lsmc compile` does: the inventory's text, among the sources for its warnings, is let
    // go during the evaluation and given back, read again, for the diagnostics.
    let aside = checked.set_aside_inventory_text();
    let reread = || fixture.inventory().map(|file| file.text);
    let options = EvalOptions {
        validate,
        ..Default::default()
    };
    let evaluated = checked
        .evaluate(options)
        .map(|e| (e.diagnostics, e.unplaced_records));
    let Some((mut diagnostics, records)) = evaluated else {
        if aside {
            checked.restore_inventory_text(reread(), &mut []);
        }
        let diagnostics = checked.diagnostics.clone();
        return (checked, diagnostics);
    };
    if aside {
        checked.restore_inventory_text(reread(), &mut diagnostics);
    }
    // As `lsmc compile` does on an error from a record: the inventory, read again, labels it.
    if let Some(file) = fixture.inventory() {
        checked.place_error_records(&mut diagnostics, &records, file);
    }
    (checked, diagnostics)
}

#[test]
fn inventory_fixtures() {
    insta::glob!("../fixtures/inventory", "*/main.cf", |path| {
        let fixture = Fixture::of_main("inventory", path);
        let (checked, diagnostics) = compile(&fixture);
        let mut text = sources_section(&checked.sources);
        // The inventory is among the sources only when it has problems; the snapshot shows it.
        if let Some(file) = fixture.inventory() {
            if !checked.sources.iter().any(|(_, f)| f.name == file.name) {
                text.push_str(&source_section(&file.name, &file.text));
            }
        }
        text.push_str(&diagnostics_section(&diagnostics, &checked.sources));
        let uri_of = |name: &str| format!("file:///project/{name}");
        let json =
            serde_json::to_string_pretty(&render_json(&diagnostics, &checked.sources, &uri_of))
                .expect("JSON values serialise");
        fixture.snapshot_as(|| {
            insta::assert_snapshot!("text", text);
            insta::assert_snapshot!("json", json);
        });
    });
}

/// Each fixture gives the codes its first line names, each at least once, and no other.
#[test]
fn every_fixture_gives_the_codes_it_names() {
    for fixture in common::fixtures("inventory") {
        let main = fixture.main_text();
        let first = main.lines().next().unwrap_or_default();
        let named: Vec<&str> = first
            .strip_prefix("# ")
            .and_then(|rest| rest.split(':').next())
            .map(|codes| codes.split(", ").collect())
            .unwrap_or_default();
        let (_, diagnostics) = compile(&fixture);
        let mut given: Vec<&str> = diagnostics.iter().map(|d| d.code.id).collect();
        given.sort();
        given.dedup();
        let mut named = named.clone();
        named.sort();
        assert_eq!(given, named, "{}", fixture.dir.display());
    }
}

/// The bad records' fixture model, with an inventory of `count` records, one a line (record `i`
/// on line `i + 2`); `bad` replaces the attributes of some records.
fn scaled_inventory(count: usize, bad: &[(usize, &str)]) -> String {
    let mut text = String::from("[\n");
    for i in 0..count {
        let attributes = bad
            .iter()
            .find(|(b, _)| *b == i)
            .map(|(_, a)| a.to_string())
            .unwrap_or_else(|| {
                format!(
                    r#"{{"name": "svc-{i}", "vlan": {}, "ports": [{{"name": "p0", "speed": 1000}}]}}"#,
                    i % 4000
                )
            });
        let comma = if i + 1 < count { "," } else { "" };
        text.push_str(&format!(
            r#"{{"id": "{}", "service_entity": "svc", "service_entity_version": 0, "version": 1, "state": "up", "active_attributes": {attributes}}}{comma}"#,
            instance_id(i)
        ));
        text.push('\n');
    }
    text.push_str("]\n");
    text
}

fn instance_id(i: usize) -> String {
    format!("a0000000-0000-0000-0000-{:012}", i + 1)
}

#[test]
fn ten_thousand_records_three_bad_ones() {
    let fixture = Fixture::new(
        "inventory",
        &common::manifest_dir().join("fixtures/inventory/bad_records"),
    );
    let bad = [
        (17, r#"{"name": "bad-17", "vlan": "oops", "ports": []}"#),
        (5000, r#"{"name": "bad-5000", "vlan": null, "ports": []}"#),
        (
            9998,
            r#"{"name": "bad-9998", "vlan": 9, "ports": [{"name": "p0", "speed": "fast"}]}"#,
        ),
    ];
    let mut checked = fixture.check(lsmc::driver::Options::default());
    checked.read_inventory(InventoryFile {
        name: "inventory.json".into(),
        text: scaled_inventory(10_000, &bad),
    });
    checked.check_inventory(None);
    let errors: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_eq!(checked.diagnostics.len(), 3, "no other diagnostic");
    for (error, (index, _)) in errors.iter().zip(bad) {
        assert!(
            error.message.contains(&instance_id(index)),
            "{}",
            error.message
        );
        let span = error.primary_span().expect("a place in the inventory");
        let file = checked.sources.get(span.file);
        assert_eq!(file.name, "inventory.json");
        assert_eq!(file.line_of(span.start as usize), index + 1, "0-based line");
    }
    assert!(checked.evaluate(EvalOptions::default()).is_none());
    let mut text = diagnostics_section(&checked.diagnostics, &checked.sources);
    text.insert_str(0, "three bad records among 10,000: the diagnostics\n");
    let uri_of = |name: &str| format!("file:///project/{name}");
    let json = serde_json::to_string_pretty(&render_json(
        &checked.diagnostics,
        &checked.sources,
        &uri_of,
    ))
    .expect("JSON values serialise");
    insta::assert_snapshot!("ten_thousand_records_three_bad_ones_text", text);
    insta::assert_snapshot!("ten_thousand_records_three_bad_ones_json", json);
}

/// A good inventory: nothing to report, and the compile succeeds.
#[test]
fn good_inventory_compiles() {
    let dir = "fixtures/inventory/bad_records";
    let inventory =
        std::env::temp_dir().join(format!("lsmc-good-inventory-{}.json", std::process::id()));
    std::fs::write(&inventory, scaled_inventory(20, &[])).unwrap();
    let path = inventory.to_str().unwrap();
    let out = compile_cli(&["compile", dir, "--inventory", path]);
    assert!(out.starts_with("exit Some(0)"), "{out}");
    assert!(!out.contains("E500") && !out.contains("W500"), "{out}");
    std::fs::remove_file(&inventory).ok();
}

/// `lsmc compile DIR` (run in the crate's folder) and what it wrote, with its exit status; no
/// summary line (it holds a time).
fn compile_cli(args: &[&str]) -> String {
    let output = common::lsmc_command()
        .current_dir(common::manifest_dir())
        .args(args)
        .arg("--quiet")
        .output()
        .expect("lsmc runs");
    format!("exit {:?}\n{}", output.status.code(), common::text(&output))
}

/// An `inventory.json` beside `main.cf` that `--inventory` does not name: a warning (text and
/// JSON); none with `--no-instances`, nor when `--inventory` names it.
#[test]
fn unread_inventory_beside_main() {
    let dir = "fixtures/inventory-cli/unread_inventory";
    insta::assert_snapshot!("unread_inventory_text", compile_cli(&["compile", dir]));
    insta::assert_snapshot!(
        "unread_inventory_json",
        compile_cli(&["compile", dir, "--format", "json"])
    );
    let quiet = compile_cli(&["compile", dir, "--no-instances"]);
    assert!(!quiet.contains("W5002"), "{quiet}");
    let read = compile_cli(&[
        "compile",
        dir,
        "--inventory",
        &format!("{dir}/inventory.json"),
    ]);
    assert!(!read.contains("W5002") && read.contains("W5001"), "{read}");
}

/// `--validate ID` without an inventory: an error, exit 1.
#[test]
fn validate_without_inventory() {
    let dir = "fixtures/inventory/bad_records";
    insta::assert_snapshot!(compile_cli(&[
        "compile",
        dir,
        "--validate",
        "00000000-0000-0000-0000-0000000000a1",
        "--no-instances"
    ]));
}

/// Inventory problems are what the reference's `lsm::all` raises as plugin exceptions: in JSON,
/// the inventory check's errors (`E5xxx`) have the category of a broken inventory (`E4013`).
#[test]
fn inventory_problems_are_plugin_exceptions() {
    let mut seen = 0;
    for fixture in common::fixtures("inventory") {
        let (checked, diagnostics) = compile(&fixture);
        let json = render_json(&diagnostics, &checked.sources, &|name: &str| {
            name.to_string()
        });
        for error in json["errors"].as_array().into_iter().flatten() {
            let code = error["code"].as_str().unwrap_or_default();
            if code.starts_with("E5") || code == "E4013" {
                assert_eq!(error["category"], "plugin_exception", "{code}: {error}");
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "the fixtures show inventory problems");
}

/// The inventory's text is let go during the evaluation and read again for the diagnostics:
/// they show it as a run that kept it does (the warning's window, the error's record).
#[test]
fn inventory_read_again_for_its_diagnostics() {
    let dir = "fixtures/inventory/eval_implementation";
    let inventory = format!("{dir}/inventory.json");
    let out = compile_cli(&["compile", dir, "--inventory", &inventory]);
    assert!(out.starts_with("exit Some(1)"), "{out}");
    assert!(
        out.contains(r#""active_attributes": {"name": "one", "port": 80, "owner": "ops"}},"#),
        "{out}"
    );
    assert!(
        out.contains("service instance 00000000-0000-0000-0000-0000000000e2 (svc, version 0)"),
        "{out}"
    );
}

/// An inventory that is not the one read first when it is read again (the file changed during
/// the compile) is not shown: its diagnostics keep their places and say why the text is blank.
/// A text of another length is refused (on one line, nothing else would tell), and one of the
/// same length whose lines moved.
#[test]
fn inventory_changed_during_the_compile() {
    let fixture = Fixture::new(
        "inventory",
        &common::manifest_dir().join("fixtures/inventory/eval_implementation"),
    );
    let lines = fixture
        .inventory()
        .expect("the fixture has an inventory")
        .text;
    let one_line = lines.replace('\n', " ");
    let cases = [
        (one_line.clone(), one_line.replace("ops", "dev-ops")),
        (
            lines.clone(),
            lines
                .replacen('\n', " ", 1)
                .replace(r#""owner": "ops""#, "\"owner\":\n\"ops\""),
        ),
    ];
    for (first, changed) in cases {
        assert_ne!(first, changed);
        let mut checked = fixture.check(lsmc::driver::Options::default());
        checked.read_inventory(InventoryFile {
            name: "inventory.json".into(),
            text: first,
        });
        checked.check_inventory(None);
        let places = |text: &str| -> Vec<String> {
            let lines = text.lines().filter(|l| l.contains("inventory.json:"));
            lines.map(str::to_string).collect()
        };
        let before = places(&diagnostics_section(&checked.diagnostics, &checked.sources));
        assert!(!before.is_empty());
        assert!(checked.set_aside_inventory_text());
        let mut diagnostics = checked.diagnostics.clone();
        checked.restore_inventory_text(Some(changed), &mut diagnostics);
        let warning = diagnostics
            .iter()
            .find(|d| d.code.id == "W5003")
            .expect("the warning");
        assert!(
            warning
                .notes
                .iter()
                .any(|n| n.contains("changed during the compile")),
            "{warning:#?}"
        );
        let span = warning.primary_span().expect("a place in the inventory");
        let text = &checked.sources.get(span.file).text;
        assert!(text.trim().is_empty(), "blank, not the changed text");
        // Rendered without a panic, at the places the first text had.
        let after = places(&diagnostics_section(&diagnostics, &checked.sources));
        assert_eq!(before, after);
    }
}
