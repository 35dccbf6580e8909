//! The generated benchmark models at N = 100 (`../shared/oracle/gen_scaled.py`, copied into
//! `fixtures/bench/` with the reference's dump) give the same instances as the reference.
//!
//! Instances whose attributes are all equal (the ports `p0` of different services, say) are
//! ordered by the reference in the order its scheduler happened to create them, which depends on
//! its internals; so the dumps are compared up to the order of such look-alikes: every label is
//! replaced by the attributes of the instance it names before the lists are compared as sorted
//! lists.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// A dump with every `Type[i]` label replaced by the attributes of that instance, and every
/// type's instances sorted by their JSON text.
fn canonical(dump: &Value) -> Value {
    let resolve = |label: &Value| -> Value {
        let Some(text) = label.as_str() else {
            return label.clone();
        };
        let Some((ty, rest)) = text.rsplit_once('[') else {
            return label.clone();
        };
        let Ok(i) = rest.trim_end_matches(']').parse::<usize>() else {
            return label.clone();
        };
        dump[ty][i]["attributes"].clone()
    };
    let mut out = serde_json::Map::new();
    for (ty, instances) in dump.as_object().expect("a dump is an object") {
        let mut rows: Vec<String> = instances
            .as_array()
            .expect("instances are a list")
            .iter()
            .map(|instance| {
                let mut relations = serde_json::Map::new();
                for (name, value) in instance["relations"].as_object().expect("relations") {
                    let resolved = match value {
                        Value::Array(items) => {
                            let mut items: Vec<String> =
                                items.iter().map(|v| resolve(v).to_string()).collect();
                            items.sort();
                            Value::from(items)
                        }
                        other => resolve(other),
                    };
                    relations.insert(name.clone(), resolved);
                }
                serde_json::json!({"attributes": instance["attributes"], "relations": relations})
                    .to_string()
            })
            .collect();
        rows.sort();
        out.insert(ty.clone(), Value::from(rows));
    }
    Value::Object(out)
}

fn compare(kind: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bench")
        .join(format!("{kind}_100"));
    let dump = tempfile::NamedTempFile::new().expect("a temporary file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lsmc"));
    cmd.arg("compile")
        .arg(&dir)
        .args([
            "--no-lsm-checks",
            "--config-only",
            "--color",
            "never",
            "--dump",
        ])
        .arg(dump.path());
    if dir.join("inventory.json").is_file() {
        cmd.arg("--inventory").arg(dir.join("inventory.json"));
    }
    let output = cmd.output().expect("lsmc runs");
    assert!(
        output.status.success(),
        "lsmc compile failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Value = serde_json::from_str(&std::fs::read_to_string(dump.path()).unwrap()).unwrap();
    let want: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("oracle_dump.json")).unwrap())
            .unwrap();
    assert_eq!(
        canonical(&got),
        canonical(&want),
        "{kind}: the instances differ from the reference's"
    );
}

#[test]
fn lsm_100_gives_the_reference_instances() {
    compare("lsm");
}

#[test]
fn pure_100_gives_the_reference_instances() {
    compare("pure");
}
