//! `lsmc compile` on the oracle's models (`<shared>/oracle/models/`, where `<shared>` is
//! `$LSMC_SHARED` or `../shared` next to this crate):
//!
//! * every model with an `oracle_dump.json` (the reference compiler's instance dump, recorded by
//!   `oracle/record_models.sh`): `lsmc compile MODEL --config-only --dump FILE`, with
//!   `--inventory MODEL/inventory.json` when the model has one and `--validate ID` when its
//!   `oracle.env` sets `LSM_VALIDATE_INSTANCE` (the other `oracle.env` variables are passed in the
//!   environment), succeeds and writes the same dump, compared as parsed JSON;
//! * every expected failure `err*`: lsmc exits with status 1 and its first error has the
//!   exception type and the line of the error in the oracle's `oracle.txt`.
//!
//! When the models are missing the tests say so loudly, and fail under `CI=true`.
//! The binary gets `LSMC_PYTHON_PATH` (the v2 modules `fs` and `mitogen` some models import) from
//! the environment, or `corpus/site` as `scripts/test.sh` sets it.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;

use common::text;

/// `<shared>/oracle/models`, or `None` (after a loud message; a panic under `CI=true`).
fn models_dir() -> Option<PathBuf> {
    common::required(common::models_dir(), "THE ORACLE MODELS (set LSMC_SHARED)")
}

fn model_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("the models folder is readable")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

/// The `KEY=VALUE` lines of a model's `oracle.env`.
fn oracle_env(dir: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join("oracle.env")) else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Runs `lsmc` with a model's environment variables.
fn lsmc(args: &[&std::ffi::OsStr], env: &[(String, String)]) -> Output {
    common::lsmc_command()
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("lsmc runs")
}

#[test]
fn dumps_equal_the_oracle() {
    let Some(root) = models_dir() else { return };
    let out_dir = tempfile::tempdir().expect("a temporary folder");
    let mut problems = Vec::new();
    let mut compared = 0;
    for dir in model_dirs(&root) {
        let expected_path = dir.join("oracle_dump.json");
        if !expected_path.is_file() {
            continue;
        }
        let name = name_of(&dir);
        let dump = out_dir.path().join(format!("{name}.json"));
        let mut args: Vec<std::ffi::OsString> = vec![
            "compile".into(),
            dir.clone().into(),
            "--config-only".into(),
            "--dump".into(),
            dump.clone().into(),
            "--color".into(),
            "never".into(),
        ];
        let inventory = dir.join("inventory.json");
        if inventory.is_file() {
            args.push("--inventory".into());
            args.push(inventory.into());
        }
        let env = oracle_env(&dir);
        if let Some((_, id)) = env.iter().find(|(k, _)| k == "LSM_VALIDATE_INSTANCE") {
            args.push("--validate".into());
            args.push(id.into());
        }
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let output = lsmc(&args, &env);
        compared += 1;
        if !output.status.success() {
            problems.push(format!("{name}: lsmc compile failed:\n{}", text(&output)));
            continue;
        }
        let ours: Value = match std::fs::read_to_string(&dump)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{name}: no readable dump ({e})"));
                continue;
            }
        };
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path).expect("oracle_dump.json is readable"),
        )
        .expect("oracle_dump.json is JSON");
        if ours != expected {
            problems.push(format!(
                "{name}: the dump differs from oracle_dump.json; lsmc's:\n{}",
                serde_json::to_string_pretty(&ours).unwrap_or_default()
            ));
        }
    }
    assert!(
        compared > 0,
        "no model with an oracle_dump.json in {}",
        root.display()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The exception type of an error message of the reference compiler, by its wording.
const TYPES: &[(&str, &str)] = &[
    ("Could not set attribute", "inmanta.ast.AttributeException"),
    ("is not complete", "inmanta.execute.proxy.UnsetException"),
    ("Syntax error", "inmanta.parser.ParserException"),
];

/// The exception type and 1-based line of the error in an `oracle.txt`: the line of its
/// `(reported in ... (./main.cf:N))`, else the first `./main.cf:N` of the message (the instance
/// of an incomplete object).
fn oracle_error(text: &str) -> Option<(String, u64)> {
    let error = text.lines().find_map(|l| l.strip_prefix("Error: "))?;
    let kind = TYPES
        .iter()
        .find(|(words, _)| error.contains(words))
        .map(|(_, t)| t.to_string())?;
    let lines: Vec<u64> = error
        .match_indices("main.cf:")
        .filter_map(|(i, m)| {
            let digits: String = error[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect();
    let line = match error.rfind("(reported in ") {
        Some(at) => {
            let tail = &error[at..];
            let i = tail.rfind("main.cf:")?;
            tail[i + "main.cf:".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()?
        }
        None => *lines.first()?,
    };
    Some((kind, line))
}

#[test]
fn expected_failures_fail_as_the_oracle() {
    let Some(root) = models_dir() else { return };
    let mut problems = Vec::new();
    let mut compared = 0;
    for dir in model_dirs(&root) {
        let name = name_of(&dir);
        if !name.starts_with("err") {
            continue;
        }
        let oracle = std::fs::read_to_string(dir.join("oracle.txt")).unwrap_or_default();
        let Some((kind, line)) = oracle_error(&oracle) else {
            problems.push(format!(
                "{name}: no error with a known type and a line in oracle.txt (add its wording to TYPES)"
            ));
            continue;
        };
        compared += 1;
        let args: Vec<&std::ffi::OsStr> = vec![
            "compile".as_ref(),
            dir.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ];
        let output = lsmc(&args, &oracle_env(&dir));
        if output.status.code() != Some(1) {
            problems.push(format!(
                "{name}: lsmc exits with {:?}, expected 1:\n{}",
                output.status.code(),
                text(&output)
            ));
            continue;
        }
        let report: Value = match serde_json::from_slice(&output.stdout) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!(
                    "{name}: lsmc's JSON report is not JSON ({e}):\n{}",
                    text(&output)
                ));
                continue;
            }
        };
        let first = &report["errors"][0];
        let ours = (
            first["type"].as_str().unwrap_or_default().to_string(),
            first["location"]["range"]["start"]["line"]
                .as_u64()
                .map(|l| l + 1),
        );
        if ours != (kind.clone(), Some(line)) {
            problems.push(format!(
                "{name}: lsmc's first error is {ours:?}, the oracle's ({kind:?}, line {line}):\n{}",
                serde_json::to_string_pretty(first).unwrap_or_default()
            ));
        }
    }
    assert!(compared > 0, "no err* model in {}", root.display());
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn oracle_errors_are_read_from_oracle_txt() {
    let text = "Error: Could not set attribute `size` on instance `__config__::A (instantiated at \
                ./main.cf:8,./main.cf:9)` (reported in Construct(A) (./main.cf:9))\ncaused by:\n";
    assert_eq!(
        oracle_error(text),
        Some(("inmanta.ast.AttributeException".into(), 9))
    );
    let text = "Error: The object __config__::A (instantiated at ./main.cf:7) is not complete: \
                attribute y (./main.cf:4:9) is not set\nrc=1\n";
    assert_eq!(
        oracle_error(text),
        Some(("inmanta.execute.proxy.UnsetException".into(), 7))
    );
}
