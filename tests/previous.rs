//! The version rules against the catalog on record (`lsmc export --previous OLD.json
//! [--inventory FILE]`), on the fixture `fixtures/previous/services`: it is exported as the
//! catalog on record, then a copy of it is changed and exported against that record.
//!
//! * a changed version 1 is an error (E5009), and so is a changed version 0 next to another
//!   version; a changed sole version 0 (unversioned or versioned binding) is allowed;
//! * a removed version (or service) with instances in the inventory is an error (E5010); without
//!   instances (or with deleted ones only, or without `--inventory`) it is allowed;
//! * an error writes no catalog; a broken OLD.json is a tool failure (exit 2).

use std::path::PathBuf;

use serde_json::Value;

mod common;

use common::{lsmc, manifest_dir, text};

fn fixture() -> PathBuf {
    manifest_dir().join("fixtures/previous/services")
}

/// A work folder with the catalog on record (`old.json`, the export of the fixture) and a copy
/// of the model (`model/main.cf`) changed by `edit`.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(edit: &[(&str, &str)]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let original = std::fs::read_to_string(fixture().join("main.cf")).unwrap();
        let old = dir.path().join("old.json");
        let out = lsmc(&[
            "export".as_ref(),
            fixture().as_os_str(),
            "-o".as_ref(),
            old.as_os_str(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        let mut changed = original.clone();
        for (from, to) in edit {
            assert!(changed.contains(from), "the fixture has no `{from}`");
            changed = changed.replace(from, to);
        }
        std::fs::create_dir(dir.path().join("model")).unwrap();
        std::fs::write(dir.path().join("model/main.cf"), changed).unwrap();
        Case { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `lsmc export model -o new.json --previous old.json [extra] --format json`.
    fn export(&self, extra: &[&std::ffi::OsStr]) -> (i32, Value, String) {
        let mut args: Vec<std::ffi::OsString> = vec![
            "export".into(),
            self.path("model").into(),
            "-o".into(),
            self.path("new.json").into(),
            "--previous".into(),
            self.path("old.json").into(),
            "--format".into(),
            "json".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_os_string()));
        let out = lsmc(&args);
        let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code().unwrap_or(-1), json, text(&out))
    }

    /// An inventory with the fixture's records that `keep` selects.
    fn inventory(&self, keep: &dyn Fn(&Value) -> bool) -> PathBuf {
        let all: Value = serde_json::from_str(
            &std::fs::read_to_string(manifest_dir().join("fixtures/previous/inventory.json"))
                .unwrap(),
        )
        .unwrap();
        let records: Vec<Value> = all["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| keep(r))
            .cloned()
            .collect();
        let path = self.path("inventory.json");
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&serde_json::json!({ "data": records })).unwrap(),
        )
        .unwrap();
        path
    }
}

/// The errors of a JSON report: (code, message, primary line (1-based), notes).
fn errors(report: &Value) -> Vec<(String, String, Option<u64>, Vec<String>)> {
    report["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["code"].as_str().unwrap().to_string(),
                        e["message"].as_str().unwrap().to_string(),
                        e["location"]["range"]["start"]["line"]
                            .as_u64()
                            .map(|l| l + 1),
                        e["notes"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|n| n.as_str().unwrap().to_string())
                            .collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The 1-based line of the first line of the fixture that contains `needle`.
fn line_of(case: &Case, needle: &str) -> u64 {
    let text = std::fs::read_to_string(case.path("model/main.cf")).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[track_caller]
fn assert_written(case: &Case, result: &(i32, Value, String)) {
    assert_eq!(result.0, 0, "{}", result.2);
    assert!(case.path("new.json").is_file(), "no catalog written");
}

#[track_caller]
fn assert_refused(case: &Case, result: &(i32, Value, String)) {
    assert_eq!(result.0, 1, "{}", result.2);
    assert!(!case.path("new.json").exists(), "a catalog was written");
}

#[test]
fn unchanged_model_exports() {
    let case = Case::new(&[]);
    let result = case.export(&[]);
    assert_written(&case, &result);
    assert_eq!(
        std::fs::read_to_string(case.path("new.json")).unwrap(),
        std::fs::read_to_string(case.path("old.json")).unwrap()
    );
    // With the whole inventory too: nothing was removed.
    let inventory = case.inventory(&|_| true);
    assert_written(
        &case,
        &case.export(&["--inventory".as_ref(), inventory.as_os_str()]),
    );
}

#[test]
fn changed_version_1_is_an_error() {
    let case = Case::new(&[("string b = \"x\"", "string b = \"y\"")]);
    let result = case.export(&[]);
    assert_refused(&case, &result);
    let found = errors(&result.1);
    assert_eq!(found.len(), 1, "{}", result.2);
    let (code, message, line, notes) = &found[0];
    assert_eq!(code, "E5009");
    assert!(
        message.contains("version 1 of service `svc` differs from the catalog on record"),
        "{message}"
    );
    // At the version's constructor.
    assert_eq!(
        *line,
        Some(line_of(&case, "__config__::SvcV1\", lifecycle"))
    );
    assert_eq!(
        notes,
        &["`attributes[name=b].default_value`: \"x\" on record, now \"y\"".to_string()]
    );
}

#[test]
fn changed_version_0_next_to_another_version_is_an_error() {
    let case = Case::new(&[(
        "        Version 0 of svc.",
        "        Version 0 of svc, documented better.",
    )]);
    let result = case.export(&[]);
    assert_refused(&case, &result);
    let found = errors(&result.1);
    assert_eq!(found.len(), 1, "{}", result.2);
    assert_eq!(found[0].0, "E5009");
    assert!(
        found[0]
            .1
            .contains("version 0 may only change while it is the only version of the service, and the catalog on record has versions 0, 1"),
        "{}",
        found[0].1
    );
    assert_eq!(found[0].3, ["`description`: \"Version 0 of svc.\" on record, now \"Version 0 of svc, documented better.\""]);
}

#[test]
fn changed_sole_version_0_is_allowed() {
    // An unversioned binding and a versioned one with version 0 only.
    let case = Case::new(&[
        (
            "entity Solo extends lsm::ServiceEntity:\n    string name\n",
            "entity Solo extends lsm::ServiceEntity:\n    string name\n    int extra = 1\n",
        ),
        (
            "entity Single extends lsm::ServiceEntity:\n    string name\n",
            "entity Single extends lsm::ServiceEntity:\n    string name\n    bool flag = false\n",
        ),
    ]);
    let result = case.export(&[]);
    assert_written(&case, &result);
    let catalog = std::fs::read_to_string(case.path("new.json")).unwrap();
    assert!(catalog.contains("\"extra\"") && catalog.contains("\"flag\""));
}

#[test]
fn changed_version_0_with_a_new_version_is_an_error() {
    // Version 0 was the only one on record, but the model adds version 1 next to it.
    let case = Case::new(&[
        (
            "entity Single extends lsm::ServiceEntity:\n    string name\n",
            "entity Single extends lsm::ServiceEntity:\n    string name\n    bool flag = false\n",
        ),
        (
            "__config__::Single\", lifecycle=lsm::fsm::simple, version=0),\n",
            "__config__::Single\", lifecycle=lsm::fsm::simple, version=0),\n        lsm::ServiceBindingVersion(service_entity=\"__config__::Single\", lifecycle=lsm::fsm::service, version=1),\n",
        ),
    ]);
    let result = case.export(&[]);
    assert_refused(&case, &result);
    let found = errors(&result.1);
    assert_eq!(found.len(), 1, "{}", result.2);
    assert_eq!(found[0].0, "E5009");
    assert!(
        found[0].1.ends_with("and the model now has versions 0, 1"),
        "{}",
        found[0].1
    );
    assert_eq!(found[0].3, ["`attributes[name=flag]` was added"]);
}

#[test]
fn adding_a_version_changes_no_existing_one() {
    let case = Case::new(&[(
        "lifecycle=lsm::fsm::simple, version=1),\n",
        "lifecycle=lsm::fsm::simple, version=1),\n        lsm::ServiceBindingVersion(service_entity=\"__config__::SvcV1\", lifecycle=lsm::fsm::service, version=2),\n",
    )]);
    assert_written(&case, &case.export(&[]));
}

const V0_LINE: &str =
    "        lsm::ServiceBindingVersion(service_entity=\"__config__::Svc\", lifecycle=lsm::fsm::simple, version=0),\n";

#[test]
fn removed_version_with_instances_is_an_error() {
    let case = Case::new(&[(V0_LINE, "")]);
    let inventory = case.inventory(&|_| true);
    let result = case.export(&["--inventory".as_ref(), inventory.as_os_str()]);
    assert_refused(&case, &result);
    let found = errors(&result.1);
    assert_eq!(found.len(), 1, "{}", result.2);
    let (code, message, line, _) = &found[0];
    assert_eq!(code, "E5010");
    assert_eq!(
        message,
        "version 0 of service `svc` was removed, but 1 instance in the inventory still uses it: 11111111-1111-4111-8111-000000000001"
    );
    // At the binding, with the instance as a second label.
    assert_eq!(*line, Some(line_of(&case, "svc = lsm::ServiceBinding(")));
    let labels = result.1["errors"][0]["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels[1]["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("inventory.json"));
    assert_eq!(labels[1]["location"]["range"]["start"]["line"], 2);
}

#[test]
fn removed_version_without_instances_is_allowed() {
    let case = Case::new(&[(V0_LINE, "")]);
    // No instance of version 0 that is not deleted.
    let inventory = case.inventory(&|r| {
        r["service_entity_version"] != 0 || r["deleted"] == true || r["service_entity"] != "svc"
    });
    assert_written(
        &case,
        &case.export(&["--inventory".as_ref(), inventory.as_os_str()]),
    );
    // Without an inventory, removed versions are not checked.
    std::fs::remove_file(case.path("new.json")).unwrap();
    assert_written(&case, &case.export(&[]));
}

#[test]
fn removed_service_with_instances_is_an_error() {
    let case = Case::new(&[(
        "solo = lsm::ServiceEntityBindingV2(\n    service_entity=\"__config__::Solo\",\n    lifecycle=lsm::fsm::simple,\n    service_entity_name=\"solo\",\n)\n",
        "",
    )]);
    let inventory = case.inventory(&|_| true);
    let result = case.export(&["--inventory".as_ref(), inventory.as_os_str()]);
    assert_refused(&case, &result);
    let found = errors(&result.1);
    assert_eq!(found.len(), 1, "{}", result.2);
    assert_eq!(found[0].0, "E5010");
    assert!(
        found[0]
            .1
            .starts_with("service `solo` was removed, with its version 0, but 1 instance"),
        "{}",
        found[0].1
    );
    // No binding to point at: the instance in the inventory.
    assert!(result.1["errors"][0]["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("inventory.json"));
}

#[test]
fn text_report_and_tool_failures() {
    let case = Case::new(&[("string b = \"x\"", "string b = \"y\"")]);
    let out = lsmc(&[
        "export".as_ref(),
        case.path("model").as_os_str(),
        "-o".as_ref(),
        case.path("new.json").as_os_str(),
        "--previous".as_ref(),
        case.path("old.json").as_os_str(),
    ]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("[E5009] Error"), "{shown}");
    assert!(shown.contains("version 1 of `svc`"), "{shown}");
    assert!(shown.contains("service `svc`"), "{shown}");
    assert!(shown.contains("add a new version"), "{shown}");

    // OLD.json that is no catalog, or no JSON: exit 2, nothing written.
    for (content, expected) in [
        ("{\"x\": 1}", "it is not a catalog"),
        (
            "{\"services\": [{\"name\": \"svc\"}]}",
            "has no `versions` array",
        ),
        ("not json", "is not valid JSON"),
    ] {
        std::fs::write(case.path("old.json"), content).unwrap();
        let (code, _, shown) = case.export(&[]);
        assert_eq!(code, 2, "{shown}");
        assert!(shown.contains(expected), "{shown}");
        assert!(!case.path("new.json").exists());
    }
    // --inventory needs --previous.
    let out = lsmc(&[
        "export".as_ref(),
        fixture().as_os_str(),
        "-o".as_ref(),
        case.path("new.json").as_os_str(),
        "--inventory".as_ref(),
        "inventory.json".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // A broken inventory is reported as for `lsmc compile`.
    let case = Case::new(&[]);
    std::fs::write(case.path("inventory.json"), "[{\"id\": 1}]").unwrap();
    let (code, report, shown) = case.export(&[
        "--inventory".as_ref(),
        case.path("inventory.json").as_os_str(),
    ]);
    assert_eq!(code, 1, "{shown}");
    assert_eq!(errors(&report)[0].0, "E4013");
}
