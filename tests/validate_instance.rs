//! Service instances against their service version (`lsmc validate-instance`):
//!
//! * the schema of every seed service entity (`../shared/oracle/models/ee*`, `mv*`, and the
//!   `seed-*` cases of `../shared/conformance/lsm`) accepts the attribute sets of that model's
//!   inventory and rejects a wrong type, a missing required attribute and an extra attribute:
//!   judged by a real JSON Schema validator (the `jsonschema` crate, draft 2020-12, formats
//!   checked) and by lsmc's own validation, which must agree; `lsmc validate-instance` accepts
//!   every record of those inventories;
//! * the fixture `fixtures/validate/router`: every kind of problem (type, value, missing,
//!   unknown, read-only, changed `rw`, fixed `__rw__` sets, duplicate keys, legacy services),
//!   instance records, migrations, and tool failures (exit 2).

use std::path::{Path, PathBuf};

use lsmc::export::instance::{pointer_text, schema_errors};
use serde_json::{json, Value};

mod common;

use common::{lsmc, manifest_dir, models_dir, required, suite_dir, text};

/// The seed models with an inventory.
fn seed_models() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(models) = required(models_dir(), "THE ORACLE MODELS") {
        for entry in std::fs::read_dir(models).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with("ee") || name.starts_with("mv") {
                dirs.push(entry.path());
            }
        }
    }
    if let Some(lsm) = required(suite_dir().join("lsm"), "THE CONFORMANCE SUITE") {
        for entry in std::fs::read_dir(lsm).unwrap().flatten() {
            if entry.file_name().to_string_lossy().starts_with("seed-") {
                dirs.push(entry.path());
            }
        }
    }
    dirs.retain(|d| d.join("inventory.json").is_file() && d.join("main.cf").is_file());
    dirs.sort();
    dirs
}

fn records(inventory: &Path) -> Vec<Value> {
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(inventory).unwrap()).expect("JSON");
    match json {
        Value::Array(items) => items,
        Value::Object(mut o) => match o.remove("data") {
            Some(Value::Array(items)) => items,
            _ => panic!("{}: no data array", inventory.display()),
        },
        _ => panic!("{}: not an inventory", inventory.display()),
    }
}

/// Both validators' verdicts on one attribute set: (jsonschema crate, lsmc).
fn verdicts(validator: &jsonschema::Validator, schema: &Value, set: &Value) -> (bool, bool) {
    (
        validator.is_valid(set),
        schema_errors(schema, set).is_empty(),
    )
}

/// A value of another JSON type than `v`.
fn wrong_type(v: &Value) -> Value {
    match v {
        Value::String(_) => json!(3.5),
        Value::Null => json!({"x": 1}),
        _ => json!("not the right type"),
    }
}

#[test]
fn seed_inventories_against_their_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sets_checked = 0;
    let mut records_checked = 0;
    let mut failures = Vec::new();
    for dir in seed_models() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let schemas_file = tmp.path().join(format!("{name}.schemas.json"));
        let out = lsmc(&[
            "export".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            tmp.path().join(format!("{name}.catalog.json")).as_os_str(),
            "--schemas".as_ref(),
            schemas_file.as_os_str(),
        ]);
        assert!(
            out.status.success(),
            "{name}: export failed:\n{}",
            text(&out)
        );
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(&schemas_file).unwrap()).unwrap();
        let schema_of = |service: &str, version: i64| -> Value {
            file["schemas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == service && s["version"] == version)
                .unwrap_or_else(|| panic!("{name}: no schema for {service} {version}"))["schema"]
                .clone()
        };
        for (i, record) in records(&dir.join("inventory.json")).iter().enumerate() {
            let service = record["service_entity"].as_str().unwrap();
            let version = record["service_entity_version"].as_i64().unwrap_or(0);
            let schema = schema_of(service, version);
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{name}: the schema of {service} is invalid: {e}"));
            for set_name in [
                "candidate_attributes",
                "active_attributes",
                "rollback_attributes",
            ] {
                let Some(set @ Value::Object(attributes)) = record.get(set_name) else {
                    continue;
                };
                let at = format!("{name} record {i} {set_name}");
                let errors: Vec<String> =
                    validator.iter_errors(set).map(|e| e.to_string()).collect();
                if !errors.is_empty() {
                    failures.push(format!("{at}: jsonschema rejects it: {errors:?}"));
                }
                let own = schema_errors(&schema, set);
                if !own.is_empty() {
                    failures.push(format!("{at}: lsmc rejects it: {own:?}"));
                }
                // An extra attribute.
                let mut extra = attributes.clone();
                extra.insert("not_an_attribute".into(), json!(1));
                let extra = Value::Object(extra);
                if verdicts(&validator, &schema, &extra) != (false, false) {
                    failures.push(format!("{at}: an extra attribute is not rejected by both"));
                }
                let own = schema_errors(&schema, &extra);
                if !own
                    .iter()
                    .any(|e| format!("{:?}", e.kind).contains("not_an_attribute"))
                {
                    failures.push(format!("{at}: lsmc does not name the extra attribute"));
                }
                // Each required attribute missing, and of a wrong type.
                for key in schema["required"].as_array().into_iter().flatten() {
                    let key = key.as_str().unwrap();
                    let mut missing = attributes.clone();
                    missing.shift_remove(key);
                    let missing = Value::Object(missing);
                    if verdicts(&validator, &schema, &missing) != (false, false) {
                        failures.push(format!("{at}: missing `{key}` is not rejected by both"));
                    }
                    let Some(value) = attributes.get(key) else {
                        continue;
                    };
                    let mut wrong = attributes.clone();
                    wrong.insert(key.into(), wrong_type(value));
                    let wrong = Value::Object(wrong);
                    if verdicts(&validator, &schema, &wrong) != (false, false) {
                        failures.push(format!(
                            "{at}: a wrong type for `{key}` is not rejected by both"
                        ));
                    }
                    let own = schema_errors(&schema, &wrong);
                    if !own
                        .iter()
                        .any(|e| pointer_text(&e.pointer) == format!("/{key}"))
                    {
                        failures.push(format!("{at}: lsmc does not point at `{key}`: {own:?}"));
                    }
                }
                sets_checked += 1;
            }
            // The whole record through the command line.
            let record_file = tmp.path().join(format!("{name}.record{i}.json"));
            std::fs::write(&record_file, record.to_string()).unwrap();
            let out = lsmc(&[
                "validate-instance".as_ref(),
                service.as_ref(),
                record_file.as_os_str(),
                dir.as_os_str(),
            ]);
            if !out.status.success() {
                failures.push(format!(
                    "{name} record {i}: lsmc validate-instance fails:\n{}",
                    text(&out)
                ));
            }
            records_checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if !seed_models().is_empty() {
        assert!(
            sets_checked > 0 && records_checked > 0,
            "nothing was checked"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture

fn fixture() -> PathBuf {
    manifest_dir().join("fixtures/validate/router")
}

struct Run {
    code: i32,
    /// (code, message) of every error.
    errors: Vec<(String, String)>,
    output: String,
}

/// `lsmc validate-instance NAME FILE fixture [extra] --format json`, FILE (and the files of
/// `extra` given as JSON values) written to a temporary folder.
fn validate(name: &str, set: &Value, extra: &[&str], old: Option<&Value>) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("instance.json");
    std::fs::write(&file, serde_json::to_string_pretty(set).unwrap()).unwrap();
    let mut args: Vec<std::ffi::OsString> = vec![
        "validate-instance".into(),
        name.into(),
        file.clone().into(),
        fixture().into(),
        "--format".into(),
        "json".into(),
    ];
    if let Some(old) = old {
        let old_file = tmp.path().join("old.json");
        std::fs::write(&old_file, serde_json::to_string_pretty(old).unwrap()).unwrap();
        args.push("--update".into());
        args.push(old_file.into());
    }
    args.extend(extra.iter().map(std::ffi::OsString::from));
    let out = lsmc(&args);
    let code = out.status.code().unwrap_or(-1);
    let output = text(&out);
    let errors = if code == 2 {
        Vec::new()
    } else {
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON on stdout ({e}):\n{output}"));
        json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["code"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    Run {
        code,
        errors,
        output,
    }
}

#[track_caller]
fn assert_ok(run: &Run) {
    assert_eq!(run.code, 0, "expected no problem:\n{}", run.output);
    assert!(run.errors.is_empty(), "{}", run.output);
}

/// Exactly these (code, text in the message) errors, in this order; exit 1.
#[track_caller]
fn assert_errors(run: &Run, expected: &[(&str, &str)]) {
    assert_eq!(run.code, 1, "expected exit 1:\n{}", run.output);
    let got: Vec<String> = run.errors.iter().map(|(c, m)| format!("{c} {m}")).collect();
    assert_eq!(
        run.errors.len(),
        expected.len(),
        "expected {expected:?}, got:\n{}",
        got.join("\n")
    );
    for ((code, message), (want_code, want_text)) in run.errors.iter().zip(expected) {
        assert_eq!(code, want_code, "{}", got.join("\n"));
        assert!(
            message.contains(want_text),
            "`{message}` does not contain `{want_text}`"
        );
    }
}

fn router() -> Value {
    json!({
        "name": "r1",
        "mgmt_ip": "192.0.2.1",
        "ports": [{"name": "eth0", "speed": 100}, {"name": "eth1"}],
        "vlans": [{"id": 10}, {"id": 20, "label": "voice"}],
        "uplink": {"peer": "isp", "prefix": "198.51.100.0/24"}
    })
}

/// `router()` with a change at a JSON pointer (`None`: remove it).
fn with(base: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut v = base.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = v.pointer_mut(parent).unwrap();
    match (target, value) {
        (Value::Object(o), Some(x)) => {
            o.insert(key.to_string(), x);
        }
        (Value::Object(o), None) => {
            o.shift_remove(key);
        }
        (Value::Array(a), Some(x)) => {
            let i: usize = key.parse().unwrap();
            if i == a.len() {
                a.push(x);
            } else {
                a[i] = x;
            }
        }
        (Value::Array(a), None) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("no container at {parent}"),
    }
    v
}

#[test]
fn create_valid_and_schema_problems() {
    assert_ok(&validate("router", &router(), &[], None));
    // The minimal set: defaults and optional relations left out.
    assert_ok(&validate(
        "router",
        &json!({"name": "r1", "mgmt_ip": "192.0.2.1"}),
        &[],
        None,
    ));
    assert_errors(
        &validate(
            "router",
            &with(&router(), "/ports/0/speed", Some(json!("fast"))),
            &[],
            None,
        ),
        &[(
            "E5001",
            "`ports[name=eth0].speed`: expected an integer, found a string (\"fast\")",
        )],
    );
    assert_errors(
        &validate("router", &with(&router(), "/mgmt_ip", None), &[], None),
        &[(
            "E5003",
            "`mgmt_ip`: the attribute `mgmt_ip` of service `router` version 0 is required",
        )],
    );
    assert_errors(
        &validate(
            "router",
            &with(&router(), "/ports/1/sped", Some(json!(10))),
            &[],
            None,
        ),
        &[(
            "E5004",
            "`ports[name=eth1].sped`: `sped` is not an attribute of embedded entity `Port` (did you mean `speed`?)",
        )],
    );
    assert_errors(
        &validate("router", &with(&router(), "/vlans/0/id", None), &[], None),
        &[(
            "E5003",
            "`vlans[0].id`: the attribute `id` of embedded entity `Vlan`",
        )],
    );
    // Values: enum, bounds, formats, nullable.
    let bad = with(&router(), "/ports/0/mode", Some(json!("hybrid")));
    let bad = with(&bad, "/ports/1/mtu", Some(json!(10000)));
    let bad = with(&bad, "/uplink/prefix", Some(json!("198.51.100.1/24")));
    let bad = with(&bad, "/name", Some(Value::Null));
    assert_errors(
        &validate("router", &bad, &[], None),
        &[
            ("E5001", "`name`: expected a string, found null"),
            ("E5002", "`ports[name=eth0].mode`: \"hybrid\" is not one of the allowed values \"access\", \"trunk\""),
            ("E5002", "`ports[name=eth1].mtu`: 10000: must be at most 9000 (`maximum`)"),
            ("E5002", "`uplink.prefix`: \"198.51.100.1/24\" is not a valid `ipv4network` value"),
        ],
    );
    assert_ok(&validate(
        "router",
        &with(&router(), "/router_id", Some(Value::Null)),
        &[],
        None,
    ));
    assert_errors(
        &validate(
            "router",
            &with(&router(), "/uplink", Some(json!([]))),
            &[],
            None,
        ),
        &[(
            "E5001",
            "`uplink`: expected an object or null, found an array",
        )],
    );
    assert_errors(
        &validate("router", &json!([1]), &[], None),
        &[(
            "E5001",
            "the attribute set: expected an object, found an array",
        )],
    );
}

#[test]
fn create_read_only_and_duplicate_keys() {
    let bad = with(&router(), "/router_id", Some(json!(7)));
    let bad = with(&bad, "/ports/1/allocated", Some(json!("x")));
    assert_errors(
        &validate("router", &bad, &[], None),
        // In the order of the file (`router_id` was added at its end).
        &[
            (
                "E5005",
                "`ports[name=eth1].allocated`: `allocated` is read-only",
            ),
            (
                "E5005",
                "`router_id`: `router_id` is read-only (modifier `r`)",
            ),
        ],
    );
    let duplicate = with(
        &router(),
        "/ports/2",
        Some(json!({"name": "eth0", "speed": 10})),
    );
    assert_errors(
        &validate("router", &duplicate, &[], None),
        &[(
            "E5008",
            "`ports[name=eth0]`: items 0 and 2 of `ports` have the same key (name=\"eth0\")",
        )],
    );
    // Also found in a migration (the schema alone does not see it).
    assert_errors(
        &validate(
            "router",
            &with(&duplicate, "/site", Some(json!("bru"))),
            &["--migrate-to", "1"],
            None,
        ),
        &[("E5008", "items 0 and 2 of `ports`")],
    );
}

#[test]
fn updates() {
    let old = with(&router(), "/ports/0/allocated", Some(json!("a0")));
    // rw+ attributes change, rw+ items come and go, r values stay.
    let new = with(&old, "/description", Some(json!("changed")));
    let new = with(&new, "/ports/0/speed", Some(json!(40000)));
    let new = with(&new, "/ports/1", None);
    let new = with(&new, "/ports/1", Some(json!({"name": "eth2"})));
    let new = with(&new, "/vlans/1/label", Some(json!("data")));
    assert_ok(&validate("router", &new, &[], Some(&old)));
    // Items are matched on their keys, not their position.
    let mut reordered = old.clone();
    reordered["vlans"].as_array_mut().unwrap().reverse();
    reordered["ports"].as_array_mut().unwrap().reverse();
    assert_ok(&validate("router", &reordered, &[], Some(&old)));

    // rw attributes can not change, at the top or in a kept item.
    let new = with(&old, "/mgmt_ip", Some(json!("192.0.2.2")));
    let new = with(&new, "/ports/0/mtu", Some(json!(9000)));
    let new = with(&new, "/uplink/peer", Some(json!("other")));
    assert_errors(
        &validate("router", &new, &[], Some(&old)),
        &[
            ("E5006", "`mgmt_ip`: `mgmt_ip` (modifier `rw`) can not change after the instance is created: it was \"192.0.2.1\", the update sets \"192.0.2.2\""),
            ("E5006", "`ports[name=eth0].mtu`: `mtu` (modifier `rw`) can not change"),
            ("E5006", "`uplink.peer`: `peer` (modifier `rw`)"),
        ],
    );
    // A default left out is no change; giving another value is.
    let new = with(&old, "/ports/1/mtu", Some(json!(1500)));
    assert_ok(&validate("router", &new, &[], Some(&old)));

    // r values: not given (kept) is fine, another value is not.
    let new = with(&old, "/ports/0/allocated", None);
    assert_ok(&validate("router", &new, &[], Some(&old)));
    let new = with(&old, "/ports/0/allocated", Some(json!("a1")));
    let new = with(&new, "/router_id", Some(json!(3)));
    assert_errors(
        &validate("router", &new, &[], Some(&old)),
        &[
            ("E5005", "`ports[name=eth0].allocated`"),
            ("E5005", "`router_id`: `router_id` is read-only (modifier `r`): only the orchestrator (an allocator) sets it; it was null, the update sets 3"),
        ],
    );
    // A new item of a rw+ relation is created: its r attributes can not be given.
    let new = with(
        &old,
        "/ports/2",
        Some(json!({"name": "eth9", "allocated": "x"})),
    );
    assert_errors(
        &validate("router", &new, &[], Some(&old)),
        &[(
            "E5005",
            "`ports[name=eth9].allocated`: `allocated` is read-only",
        )],
    );

    // The items of a rw relation are fixed.
    let added = with(&old, "/vlans/2", Some(json!({"id": 30})));
    assert_errors(
        &validate("router", &added, &[], Some(&old)),
        &[(
            "E5007",
            "`vlans[id=30]`: an item was added to `vlans` (`lsm::__rw__`)",
        )],
    );
    let removed = with(&old, "/vlans/0", None);
    let run = validate("router", &removed, &[], Some(&old));
    assert_errors(
        &run,
        &[(
            "E5007",
            "`vlans`: the item vlans[id=10] was removed from `vlans` (`lsm::__rw__`)",
        )],
    );
    assert!(run.output.contains("before the update"), "{}", run.output);
    // A changed key is a removed and an added item.
    let rekeyed = with(&old, "/vlans/0/id", Some(json!(11)));
    assert_errors(
        &validate("router", &rekeyed, &[], Some(&old)),
        &[
            ("E5007", "`vlans`: the item vlans[id=10] was removed"),
            ("E5007", "`vlans[id=11]`: an item was added"),
        ],
    );
    // The single item of a [0:1] rw relation can not be added or removed.
    let no_uplink = with(&old, "/uplink", Some(Value::Null));
    assert_errors(
        &validate("router", &no_uplink, &[], Some(&old)),
        &[("E5007", "the item uplink was removed")],
    );
    assert_errors(
        &validate("router", &old, &[], Some(&no_uplink)),
        &[("E5007", "`uplink`: an item was added to `uplink`")],
    );
    // The schema still applies to an update.
    assert_errors(
        &validate(
            "router",
            &with(&old, "/ports/0/speed", Some(json!(1.5))),
            &[],
            Some(&old),
        ),
        &[(
            "E5001",
            "`ports[name=eth0].speed`: expected an integer, found a number",
        )],
    );
}

#[test]
fn legacy_services() {
    let old = json!({
        "name": "l1",
        "items": [{"key": "a", "value": "1"}],
        "extras": [{"key": "x"}]
    });
    // Top-level rw+ attributes and everything under a rw+ relation may change.
    let new = with(&old, "/note", Some(json!("n")));
    let new = with(&new, "/extras/0/key", Some(json!("y")));
    let new = with(&new, "/extras/1", Some(json!({"key": "z"})));
    assert_ok(&validate("legacy", &new, &[], Some(&old)));
    // A rw relation freezes its whole subtree, even rw+ attributes of its items.
    let new = with(&old, "/items/0/value", Some(json!("2")));
    assert_errors(
        &validate("legacy", &new, &[], Some(&old)),
        &[(
            "E5007",
            "`items`: `items` (`lsm::__rw__`) can not change after the instance is created: service `legacy` does not enforce modifiers strictly",
        )],
    );
    assert_errors(
        &validate(
            "legacy",
            &with(&old, "/name", Some(json!("l2"))),
            &[],
            Some(&old),
        ),
        &[("E5006", "`name`")],
    );
}

#[test]
fn instance_records() {
    let active = with(&router(), "/ports/0/allocated", Some(json!("a0")));
    // The candidate set is an update of the active set; r values are the allocators'.
    let candidate = with(&active, "/ports/0/allocated", Some(json!("a1")));
    let candidate = with(&candidate, "/description", Some(json!("new")));
    let record = json!({
        "id": "5e5e0000-0000-4000-8000-000000000001",
        "service_entity": "router",
        "service_entity_version": 0,
        "state": "update_start",
        "candidate_attributes": candidate,
        "active_attributes": active,
        "rollback_attributes": null
    });
    assert_ok(&validate("router", &record, &[], None));
    let bad = with(
        &record,
        "/candidate_attributes/mgmt_ip",
        Some(json!("192.0.2.9")),
    );
    let bad = with(&bad, "/active_attributes/ports/1/speed", Some(json!("x")));
    assert_errors(
        &validate("router", &bad, &[], None),
        &[
            (
                "E5006",
                "candidate_attributes: `mgmt_ip`: `mgmt_ip` (modifier `rw`) can not change",
            ),
            (
                "E5001",
                "active_attributes: `ports[name=eth1].speed`: expected an integer",
            ),
        ],
    );
    // A record of another service or version, or without attribute sets: exit 2.
    assert_eq!(validate("legacy", &record, &[], None).code, 2);
    assert_eq!(
        validate("router", &record, &["--version", "1"], None).code,
        2
    );
    let empty = json!({"service_entity": "router", "active_attributes": null});
    assert_eq!(validate("router", &empty, &[], None).code, 2);
    // An update given as records: the candidate (else active) set against OLD's active set.
    let old_record = with(&record, "/candidate_attributes", Some(Value::Null));
    let new_record = with(
        &record,
        "/candidate_attributes/mgmt_ip",
        Some(json!("192.0.2.9")),
    );
    // As an API update (not a stored set), the r value that the candidate changed counts.
    assert_errors(
        &validate("router", &new_record, &[], Some(&old_record)),
        &[
            ("E5006", "candidate_attributes: `mgmt_ip`"),
            (
                "E5005",
                "candidate_attributes: `ports[name=eth0].allocated`",
            ),
        ],
    );
}

#[test]
fn migrations() {
    // Version 1 needs `site`: every given set is checked against its schema.
    let record = json!({
        "id": "5e5e0000-0000-4000-8000-000000000002",
        "service_entity": "router",
        "service_entity_version": 0,
        "candidate_attributes": null,
        "active_attributes": router(),
        "rollback_attributes": with(&router(), "/site", Some(json!("bru")))
    });
    assert_errors(
        &validate("router", &record, &["--migrate-to", "1"], None),
        &[(
            "E5003",
            "active_attributes: `site`: the attribute `site` of service `router` version 1 is required but missing",
        )],
    );
    let migrated = with(&record, "/active_attributes/site", Some(json!("ams")));
    assert_ok(&validate("router", &migrated, &["--migrate-to", "1"], None));
    // Back to version 0: `site` is unknown there.
    assert_errors(
        &validate(
            "router",
            &with(&router(), "/site", Some(json!("bru"))),
            &["--version", "1", "--migrate-to", "0"],
            None,
        ),
        &[(
            "E5004",
            "`site`: `site` is not an attribute of service `router` version 0",
        )],
    );
    assert_eq!(
        validate("router", &router(), &["--migrate-to", "7"], None).code,
        2
    );
}

#[test]
fn tool_failures_and_text_output() {
    assert_eq!(validate("nope", &router(), &[], None).code, 2);
    assert_eq!(
        validate("router", &router(), &["--version", "5"], None).code,
        2
    );
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, "{\"name\": ").unwrap();
    let out = lsmc(&[
        "validate-instance".as_ref(),
        "router".as_ref(),
        broken.as_os_str(),
        fixture().as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is not valid JSON"), "{}", text(&out));
    let missing = tmp.path().join("missing.json");
    let out = lsmc(&[
        "validate-instance".as_ref(),
        "router".as_ref(),
        missing.as_os_str(),
        fixture().as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // --update and --migrate-to do not go together.
    let out = lsmc(&[
        "validate-instance",
        "router",
        "x.json",
        "--update",
        "y.json",
        "--migrate-to",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // Text: the diagnostic points into the file.
    let file = tmp.path().join("instance.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&with(&router(), "/ports/0/speed", Some(json!("fast"))))
            .unwrap(),
    )
    .unwrap();
    let out = lsmc(&[
        "validate-instance".as_ref(),
        "router".as_ref(),
        file.as_os_str(),
        fixture().as_os_str(),
    ]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("[E5001] Error"), "{shown}");
    assert!(shown.contains("instance.json"), "{shown}");
    assert!(shown.contains("\"speed\": \"fast\""), "{shown}");
    assert!(shown.contains("not an integer"), "{shown}");
    // Success says so on stderr.
    std::fs::write(&file, router().to_string()).unwrap();
    let out = lsmc(&[
        "validate-instance".as_ref(),
        "router".as_ref(),
        file.as_os_str(),
        fixture().as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("ok: a valid create of service `router` version 0"),
        "{}",
        text(&out)
    );
}
