//! The service catalog export (`lsmc export`, `lsmc schema`, `lsmc lifecycle`).
//!
//! * every conformance case with a `catalog.json` (and `schema.json`): lsmc's output equals it as
//!   parsed JSON (`../shared/conformance/lsm`, or `$LSMC_CONFORMANCE/lsm`);
//! * an insta snapshot of the catalog of every seed model (`../shared/oracle/models/ee*`, `mv*`)
//!   and of the fixtures under `fixtures/export/`;
//! * two exports are byte-identical; a failed export leaves no file; `--v1` and `schema`;
//! * the DOT of `lsm::fsm::simple` and `lsm::fsm::service`: one node per state, one edge per
//!   target and per error; rendered with Graphviz `dot -Tsvg` when it is installed.
//! * the schemas of the seed models accept their inventories' attribute sets (Python `jsonschema`,
//!   when installed).
//!
//! The binary is run with `LSMC_PYTHON_PATH` set to `corpus/site` (the v2 modules `fs` and
//! `mitogen` that some seed models import) unless the environment sets it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::{lsmc, manifest_dir, models_dir, required, suite_dir};

/// `lsmc export DIR -o OUT [extra...]`, panicking with lsmc's output when it fails.
fn export(dir: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "export".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let output = lsmc(&args);
    assert!(
        output.status.success(),
        "lsmc export {} failed:\n{}",
        dir.display(),
        common::text(&output)
    );
    std::fs::read_to_string(out).expect("the catalog was written")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.cf").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn conformance_catalogs_and_schemas() {
    let Some(lsm) = required(suite_dir().join("lsm"), "THE CONFORMANCE SUITE") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in sorted_dirs(&lsm) {
        let expect = read_json(&case.join("expect.json"));
        let Some(catalog_file) = expect.get("catalog").and_then(Value::as_str) else {
            continue;
        };
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let out = tmp.path().join(format!("{name}.catalog.json"));
        let schemas_out = tmp.path().join(format!("{name}.schema.json"));
        export(&case, &out, &["--schemas", schemas_out.to_str().unwrap()]);
        if read_json(&out) != read_json(&case.join(catalog_file)) {
            failures.push(format!("{name}: catalog differs"));
        }
        if let Some(schema_file) = expect.get("schema").and_then(Value::as_str) {
            let want = read_json(&case.join(schema_file));
            if read_json(&schemas_out) != want {
                failures.push(format!("{name}: schema file differs"));
            }
            for entry in want["schemas"].as_array().unwrap() {
                let service = entry["name"].as_str().unwrap();
                let version = entry["version"].to_string();
                let output = lsmc(&[
                    "schema".as_ref(),
                    service.as_ref(),
                    "--version".as_ref(),
                    version.as_ref(),
                    case.as_os_str(),
                ]);
                let got: Option<Value> = serde_json::from_slice(&output.stdout).ok();
                if !output.status.success() || got.as_ref() != Some(&entry["schema"]) {
                    failures.push(format!(
                        "{name}: lsmc schema {service} --version {version} differs"
                    ));
                }
            }
        }
        checked += 1;
    }
    println!("{checked} conformance catalogs checked");
    assert!(checked > 0, "no conformance case has a catalog.json");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_model_catalogs() {
    let Some(models) = required(models_dir(), "THE ORACLE MODELS") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut count = 0;
    for dir in sorted_dirs(&models) {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("ee") || name.starts_with("mv")) {
            continue;
        }
        let text = export(&dir, &tmp.path().join("catalog.json"), &[]);
        insta::assert_snapshot!(format!("catalog@{name}"), text);
        count += 1;
    }
    assert_eq!(count, 12, "the seeds are ee1-ee8 and mv1-mv4");
}

#[test]
fn fixture_catalogs_and_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in sorted_dirs(&manifest_dir().join("fixtures/export")) {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let schemas = tmp.path().join("schemas.json");
        let text = export(
            &dir,
            &tmp.path().join("catalog.json"),
            &["--schemas", schemas.to_str().unwrap()],
        );
        insta::assert_snapshot!(format!("fixture@{name}"), text);
        let schemas = std::fs::read_to_string(&schemas).unwrap();
        insta::assert_snapshot!(format!("fixture_schemas@{name}"), schemas);
    }
}

#[test]
fn export_is_deterministic() {
    let Some(models) = required(models_dir(), "THE ORACLE MODELS") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for name in ["ee5_key_attributes", "mv3_versioned_isr"] {
        let dir = models.join(name);
        let a = tmp.path().join("a.json");
        let b = tmp.path().join("b.json");
        let sa = tmp.path().join("sa.json");
        let sb = tmp.path().join("sb.json");
        export(&dir, &a, &["--schemas", sa.to_str().unwrap()]);
        export(&dir, &b, &["--schemas", sb.to_str().unwrap()]);
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert_eq!(std::fs::read(&sa).unwrap(), std::fs::read(&sb).unwrap());
    }
    let extras = manifest_dir().join("fixtures/export/extras");
    let a = export(&extras, &tmp.path().join("a.json"), &[]);
    let b = export(&extras, &tmp.path().join("b.json"), &[]);
    assert_eq!(a, b);
}

/// An exported file has the mode of any new file in its folder (0666 less the umask), not the
/// private mode of the temporary file it was written to.
#[cfg(unix)]
#[test]
fn exported_files_have_the_mode_of_new_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let plain = tmp.path().join("plain.txt");
    std::fs::write(&plain, "").unwrap();
    let catalog = tmp.path().join("catalog.json");
    let schemas = tmp.path().join("schemas.json");
    let extras = manifest_dir().join("fixtures/export/extras");
    export(&extras, &catalog, &["--schemas", schemas.to_str().unwrap()]);
    assert_eq!(mode(&catalog), mode(&plain), "catalog");
    assert_eq!(mode(&schemas), mode(&plain), "schemas");
}

/// The files of a folder (to see that nothing, not even a temporary file, was left behind).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn failed_export_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("catalog.json");
    let schemas = out_dir.join("schemas.json");
    for broken in [
        "rule_error",
        "not_static",
        "default_wrong_type",
        "modifier_value",
        "unknown_variable",
        "unknown_lifecycle",
    ] {
        let dir = manifest_dir().join("fixtures/export-errors").join(broken);
        let output = lsmc(&[
            "export".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--schemas".as_ref(),
            schemas.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{broken}: model errors exit 1"
        );
        let json: Value = serde_json::from_slice(&output.stdout).expect("JSON diagnostics");
        assert!(
            !json["errors"].as_array().unwrap().is_empty(),
            "{broken}: errors reported"
        );
        assert!(
            files_in(&out_dir).is_empty(),
            "{broken}: files left: {:?}",
            files_in(&out_dir)
        );
    }
    // An existing catalog is left as it was.
    std::fs::write(&out, "old").unwrap();
    let dir = manifest_dir().join("fixtures/export-errors/rule_error");
    let output = lsmc(&[
        "export".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(files_in(&out_dir), vec!["catalog.json".to_string()]);
    // A folder that does not exist: lsmc could not do its job.
    let missing = tmp.path().join("no/such/dir/catalog.json");
    let ok = manifest_dir().join("fixtures/export/extras");
    let output = lsmc(&[
        "export".as_ref(),
        ok.as_os_str(),
        "-o".as_ref(),
        missing.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn error_fixtures_report_the_expected_codes() {
    for (fixture, code) in [
        ("rule_error", "lsm.MissingIndex"),
        ("not_static", "lsm.CatalogValueNotStatic"),
        ("duplicate_state", "lsm.DuplicateStateName"),
        ("default_wrong_type", "inmanta.ast.RuntimeException"),
        ("modifier_value", "inmanta.ast.RuntimeException"),
        ("unknown_variable", "inmanta.ast.NotFoundException"),
        ("unknown_lifecycle", "inmanta.ast.NotFoundException"),
    ] {
        let dir = manifest_dir().join("fixtures/export-errors").join(fixture);
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("c.json");
        let output = lsmc(&[
            "export".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        assert_eq!(output.status.code(), Some(1), "{fixture}");
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        let types: Vec<&str> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["type"].as_str())
            .collect();
        assert_eq!(types, vec![code], "{fixture}");
        assert!(!out.exists());
    }
}

#[test]
fn v1_list_and_schema_command() {
    let tmp = tempfile::tempdir().unwrap();
    let extras = manifest_dir().join("fixtures/export/extras");
    let full: Value =
        serde_json::from_str(&export(&extras, &tmp.path().join("c.json"), &[])).unwrap();
    let v1: Value =
        serde_json::from_str(&export(&extras, &tmp.path().join("v1.json"), &["--v1"])).unwrap();
    let v1 = v1.as_array().expect("the v1 catalog is a list");
    let services = full["services"].as_array().unwrap();
    assert_eq!(v1.len(), services.len());
    for (entity, service) in v1.iter().zip(services) {
        assert_eq!(entity["name"], service["name"]);
        assert_eq!(entity["version"], service["default_version"]);
        let same = service["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["version"] == service["default_version"])
            .unwrap();
        assert_eq!(entity, same);
    }
    // Without --version: the default version (item: 1).
    let default = lsmc(&["schema".as_ref(), "item".as_ref(), extras.as_os_str()]);
    let explicit = lsmc(&[
        "schema".as_ref(),
        "item".as_ref(),
        "--version".as_ref(),
        "1".as_ref(),
        extras.as_os_str(),
    ]);
    assert!(default.status.success());
    assert_eq!(default.stdout, explicit.stdout);
    let unknown = lsmc(&["schema".as_ref(), "itme".as_ref(), extras.as_os_str()]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `item`"));
    let no_version = lsmc(&[
        "schema".as_ref(),
        "item".as_ref(),
        "--version".as_ref(),
        "7".as_ref(),
        extras.as_os_str(),
    ]);
    assert_eq!(no_version.status.code(), Some(2));
}

/// The lifecycle `name` of the built-in lsm::fsm, as the catalog holds it.
fn builtin_lifecycle(name: &str) -> lsmc::export::Lifecycle {
    let checked = lsmc::driver::lsm_modules();
    assert!(checked.diagnostics.is_empty());
    checked.lifecycle(name).expect("a built-in lifecycle")
}

fn check_dot(variable: &str, name: &str, states: usize, transfers: usize) {
    use lsmc::export::dot::{edge_label, kind, Kind};
    let lifecycle = builtin_lifecycle(variable);
    assert_eq!(lifecycle.name, name);
    assert_eq!(lifecycle.states.len(), states);
    assert_eq!(lifecycle.transfers.len(), transfers);
    let dot = lsmc::export::dot::render(&lifecycle);
    assert!(dot.starts_with("digraph finite_state_machine {\n"));
    assert!(dot.contains("rankdir = TB"), "ranked top to bottom");
    // The legend explains every code.
    for code in ["R", "U", "D", "S", "A", "c", "V"] {
        assert!(
            dot.contains(&format!("<b>{code}</b>")),
            "{code} in the legend"
        );
    }
    let nodes: Vec<&str> = dot
        .lines()
        .filter(|l| l.contains("[fillcolor = "))
        .collect();
    assert_eq!(nodes.len(), states, "one node per state");
    for state in &lifecycle.states {
        let node = format!("        \"{}\" [fillcolor = ", state.name);
        let lines: Vec<&&str> = nodes.iter().filter(|l| l.starts_with(&node)).collect();
        assert_eq!(lines.len(), 1, "{}", state.name);
        let kind = kind(&lifecycle, state);
        assert!(
            lines[0].contains(&format!("({})", kind.name())),
            "{}",
            lines[0]
        );
    }
    let of_kind = |k: Kind| {
        lifecycle
            .states
            .iter()
            .filter(|s| kind(&lifecycle, s) == k)
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(of_kind(Kind::Start), ["start"]);
    assert_eq!(of_kind(Kind::Up), ["up"]);
    assert_eq!(of_kind(Kind::Terminal), ["terminated"]);
    assert!(of_kind(Kind::Failed).contains(&"update_failed"));
    assert!(of_kind(Kind::Validation).contains(&"acknowledged"));
    assert!(of_kind(Kind::InProgress).contains(&"creating"));
    // Each phase is a box.
    for phase in ["order", "deployed", "update", "delete"] {
        assert!(
            dot.contains(&format!("subgraph cluster_{phase} {{")),
            "{phase}"
        );
    }
    // One edge per source and target, and per source and error state; an edge drawn back up
    // is written the other way round with `dir = back`.
    let edges: Vec<&str> = dot.lines().filter(|l| l.contains(" -> ")).collect();
    let edge_of = |from: &str, to: &str, error: bool| {
        let forward = format!("    \"{from}\" -> \"{to}\" [");
        let back = format!("    \"{to}\" -> \"{from}\" [dir = back, ");
        let found: Vec<&&str> = edges
            .iter()
            .filter(|l| {
                let drawn_forward = l.starts_with(&forward) && !l.contains("[dir = back");
                (drawn_forward || l.starts_with(&back)) && l.contains("#cc0000") == error
            })
            .collect();
        assert_eq!(found.len(), 1, "{from} -> {to} in {edges:#?}");
        found[0].to_string()
    };
    let mut pairs = std::collections::BTreeSet::new();
    for t in &lifecycle.transfers {
        let line = edge_of(&t.source, &t.target, false);
        assert!(line.contains(&edge_label(t)), "{line}");
        pairs.insert((t.source.clone(), t.target.clone(), false));
        if let Some(error) = &t.error {
            let line = edge_of(&t.source, error, true);
            assert!(line.contains("style = dashed"), "{line}");
            pairs.insert((t.source.clone(), error.clone(), true));
        }
    }
    assert_eq!(edges.len(), pairs.len(), "no other edge");
    if let Some(svg) = render_svg(&dot) {
        let (width, height) = svg_size(&svg);
        assert!(
            width < 2.0 * height && height < 2.0 * width,
            "{name}: {width} x {height} pt, not under 2:1"
        );
    }
}

/// The width and height in points of an SVG drawing of Graphviz.
fn svg_size(svg: &str) -> (f64, f64) {
    let size = |attribute: &str| -> f64 {
        let start = svg.find(&format!("{attribute}=\"")).expect(attribute) + attribute.len() + 2;
        let rest = &svg[start..];
        rest[..rest.find("pt\"").expect("points")]
            .parse()
            .expect("a number")
    };
    (size("width"), size("height"))
}

/// The SVG drawing of a DOT text by Graphviz (`None`, loudly, when `dot` is not installed).
fn render_svg(dot: &str) -> Option<String> {
    use std::io::Write;
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let message =
                "*** Graphviz `dot` is not installed: the SVG rendering is not checked ***";
            assert!(!common::in_ci(), "{message}");
            eprintln!("{message}");
            return None;
        }
        Err(e) => panic!("can not run dot: {e}"),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot -Tsvg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.contains("<svg"));
    Some(svg)
}

#[test]
fn dot_of_simple() {
    check_dot("lsm::fsm::simple", "lsm::simple", 17, 29);
}

#[test]
fn dot_of_service() {
    check_dot("lsm::fsm::service", "lsm::service", 20, 53);
}

#[test]
fn dot_labels() {
    let lifecycle = builtin_lifecycle("lsm::fsm::service");
    let labels: Vec<String> = lifecycle
        .transfers
        .iter()
        .map(lsmc::export::dot::label)
        .collect();
    for expected in [
        "AV(initial validation)",
        "AcV(ack to designed(auto))",
        "S(abort update) clear candidate",
        "D(delete on up)",
        "R(rollback complete)",
        "S rollback",
        "R",
    ] {
        assert!(
            labels.iter().any(|l| l == expected),
            "{expected} in {labels:?}"
        );
    }
}

#[test]
fn lifecycle_command() {
    let tmp = tempfile::tempdir().unwrap();
    // Outside a project: the built-in lifecycles.
    let out = common::lsmc_command()
        .args(["lifecycle", "lsm::fsm::simple"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        lsmc::export::dot::render(&builtin_lifecycle("lsm::fsm::simple"))
    );
    // A lifecycle variable of a project, and a lifecycle by its name.
    if let Some(lsm) = required(suite_dir().join("lsm"), "THE CONFORMANCE SUITE") {
        let case = lsm.join("cat-custom-lifecycle");
        for name in ["basic", "__config__::basic", "testing::basic_lifecycle"] {
            let out = lsmc(&["lifecycle".as_ref(), name.as_ref(), case.as_os_str()]);
            assert!(out.status.success(), "{name}");
            let dot = String::from_utf8(out.stdout).unwrap();
            assert!(dot.contains("\"start\" [fillcolor = \"#cfe2f3\""), "{dot}");
            assert!(dot.contains("tooltip = \"rejected (terminal)\""), "{dot}");
        }
        // lsm::fsm lifecycles are found in a project that does not import lsm::fsm.
        let out = lsmc(&[
            "lifecycle".as_ref(),
            "lsm::fsm::service".as_ref(),
            case.as_os_str(),
        ]);
        assert!(out.status.success());
    }
    let unknown = lsmc(&[
        "lifecycle".as_ref(),
        "nope".as_ref(),
        tmp.path().as_os_str(),
    ]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// The README shows the drawings of the two `lsm::fsm` lifecycles, committed in docs/.
#[test]
fn readme_shows_the_lifecycle_pictures() {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    for picture in ["docs/lifecycle-simple.png", "docs/lifecycle-service.png"] {
        assert!(
            readme.contains(&format!("]({picture})")),
            "{picture} in the README"
        );
        let bytes = std::fs::read(manifest_dir().join(picture)).expect(picture);
        assert!(bytes.starts_with(b"\x89PNG"), "{picture} is a PNG");
    }
}

/// A service name stands for the lifecycle of its binding; an unknown name lists the services.
#[test]
fn lifecycle_of_a_service() {
    let example = manifest_dir().join("examples/vpn-service");
    let out = lsmc(&["lifecycle".as_ref(), "vpn".as_ref(), example.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        lsmc::export::dot::render(&builtin_lifecycle("lsm::fsm::simple"))
    );
    let unknown = lsmc(&["lifecycle".as_ref(), "vpnx".as_ref(), example.as_os_str()]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8(unknown.stderr).unwrap();
    assert!(stderr.contains("(services: vpn)"), "{stderr}");
}

/// The schemas of the seed models accept every attribute set of their inventories, and reject
/// a wrong type, a missing required attribute and an extra attribute; judged by the Python
/// `jsonschema` package (draft 2020-12) when it is installed (skipped loudly otherwise).
#[test]
fn seed_inventories_validate_against_their_schemas() {
    let Some(models) = required(models_dir(), "THE ORACLE MODELS") else {
        return;
    };
    // The plugin venv that scripts/test.sh builds has jsonschema; a bare python3 may too.
    let venv_python = manifest_dir().join("target/python-venv/bin/python");
    let python = if venv_python.is_file() {
        venv_python
    } else {
        PathBuf::from("python3")
    };
    let probe = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        let message = "*** python3 with jsonschema is not installed: schemas not validated ***";
        assert!(!common::in_ci(), "{message}");
        eprintln!("{message}");
        return;
    }
    const SCRIPT: &str = r#"
import json, sys, jsonschema
schemas = {(s["name"], s["version"]): s["schema"] for s in json.load(open(sys.argv[1]))["schemas"]}
records = json.load(open(sys.argv[2]))
records = records["data"] if isinstance(records, dict) else records
checked = 0
for r in records:
    schema = schemas[(r["service_entity"], r.get("service_entity_version", 0))]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for name in ("candidate_attributes", "active_attributes", "rollback_attributes"):
        attributes = r.get(name)
        if attributes is None:
            continue
        errors = [e.message for e in validator.iter_errors(attributes)]
        assert not errors, (r["id"], name, errors)
        extra = dict(attributes, not_an_attribute=1)
        assert any("not_an_attribute" in e.message for e in validator.iter_errors(extra)), "extra"
        for key in schema.get("required", []):
            missing = {k: v for k, v in attributes.items() if k != key}
            assert any(key in e.message for e in validator.iter_errors(missing)), ("missing", key)
            wrong = dict(attributes, **{key: 3.5 if isinstance(attributes[key], str) else "x"})
            assert list(validator.iter_errors(wrong)), ("wrong type", key)
        checked += 1
print(checked)
"#;
    let tmp = tempfile::tempdir().unwrap();
    let mut total = 0;
    for dir in sorted_dirs(&models) {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("ee") || name.starts_with("mv"))
            || !dir.join("inventory.json").is_file()
        {
            continue;
        }
        let schemas = tmp.path().join("schemas.json");
        export(
            &dir,
            &tmp.path().join("c.json"),
            &["--schemas", schemas.to_str().unwrap()],
        );
        let out = Command::new(&python)
            .args(["-c", SCRIPT])
            .arg(&schemas)
            .arg(dir.join("inventory.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        total += String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<usize>()
            .unwrap();
    }
    assert!(total > 0, "no attribute set was validated");
}
