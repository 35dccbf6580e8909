//! One document per stream: every command with `--format json`, in success and in failure,
//! writes exactly one JSON document on standard output (what `lsmc ... | python3 -m json.tool`
//! needs): its payload when it writes one there, else the diagnostics. A payload on stdout sends
//! the JSON diagnostics to stderr, or to `--diagnostics FILE`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// What a stream holds after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// The diagnostics document (`{"errors": [...], "warnings": [...]}`).
    Diagnostics,
    /// A payload: a dump, catalog, schema or syntax tree (any JSON document but the diagnostics).
    Payload,
    /// Nothing at all.
    Nothing,
    /// Text for people (not checked).
    Text,
}

/// The JSON values of a text, one after the other; `Err` when it is not a sequence of them.
fn json_values(text: &str) -> Result<Vec<Value>, String> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

fn is_diagnostics(value: &Value) -> bool {
    value.get("errors").is_some_and(Value::is_array)
        && value.get("warnings").is_some_and(Value::is_array)
}

#[track_caller]
fn assert_holds(what: &str, text: &str, holds: Holds, context: &str) {
    if holds == Holds::Text {
        return;
    }
    let values = json_values(text)
        .unwrap_or_else(|e| panic!("{context}: {what} is not JSON ({e}):\n{text}"));
    match holds {
        Holds::Nothing => assert!(text.is_empty(), "{context}: {what} is not empty:\n{text}"),
        Holds::Diagnostics | Holds::Payload => {
            assert_eq!(
                values.len(),
                1,
                "{context}: {what} holds {} JSON documents:\n{text}",
                values.len()
            );
            assert_eq!(
                is_diagnostics(&values[0]),
                holds == Holds::Diagnostics,
                "{context}: {what} should hold {holds:?}:\n{text}"
            );
        }
        Holds::Text => {}
    }
}

struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    example: PathBuf,
    broken: PathBuf,
    /// A model that prints (`std::print`): the printed line must not land in the JSON on stdout.
    printing: PathBuf,
    valid_set: PathBuf,
    invalid_set: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let example = common::manifest_dir().join("examples/vpn-service");
    let broken = dir.join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("main.cf"), "entity A:\n    string name\n").unwrap();
    let printing = dir.join("printing");
    std::fs::create_dir(&printing).unwrap();
    std::fs::write(printing.join("main.cf"), "std::print(\"hello\")\n").unwrap();
    let site = |name: &str, gateway: &str| serde_json::json!({"name": name, "gateway": gateway});
    let valid_set = dir.join("valid.json");
    std::fs::write(
        &valid_set,
        serde_json::json!({"name": "abc", "sites": [site("a", "192.0.2.1"), site("b", "192.0.2.2")]})
            .to_string(),
    )
    .unwrap();
    let invalid_set = dir.join("invalid.json");
    std::fs::write(&invalid_set, r#"{"name": 5, "sites": []}"#).unwrap();
    Setup {
        _tmp: tmp,
        dir,
        example,
        broken,
        printing,
        valid_set,
        invalid_set,
    }
}

/// One run: its arguments, exit code, and what stdout and stderr hold.
struct Case {
    args: Vec<String>,
    code: i32,
    stdout: Holds,
    stderr: Holds,
}

fn case(args: &[&dyn AsRef<std::ffi::OsStr>], code: i32, stdout: Holds, stderr: Holds) -> Case {
    Case {
        args: args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect(),
        code,
        stdout,
        stderr,
    }
}

fn run(case: &Case, extra: &[&str]) -> Output {
    common::lsmc_command()
        .args(&case.args)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("lsmc runs")
}

fn cases(s: &Setup) -> Vec<Case> {
    use Holds::*;
    let ex = &s.example;
    let inv = ex.join("inventory.json");
    let broken = &s.broken;
    let missing = s.dir.join("missing");
    let file = s.dir.join("out.json");
    let id = "6e1bcd2f-6a4d-4d57-9f0c-0d0c7b8a9a11";
    vec![
        // check
        case(&[&"check", ex], 0, Diagnostics, Text),
        case(&[&"check", ex, &"-v"], 0, Diagnostics, Text),
        case(&[&"check", broken], 1, Diagnostics, Text),
        case(&[&"check", &missing], 2, Diagnostics, Text),
        // compile
        case(&[&"compile", ex], 0, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--inventory", &inv],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--inventory", &inv, &"--validate", &id],
            0,
            Diagnostics,
            Text,
        ),
        case(&[&"compile", ex, &"--no-instances"], 0, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--inventory", &inv, &"--dump", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"compile", ex, &"--dump", &"-", &"--config-only"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"compile", ex, &"--dump", &file], 0, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--inventory", &inv, &"--dump", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"compile", broken], 1, Diagnostics, Text),
        case(&[&"compile", &s.printing], 0, Diagnostics, Text),
        case(
            &[&"compile", &s.printing, &"--dump", &"-"],
            0,
            Payload,
            Text,
        ),
        case(&[&"compile", broken, &"--dump", &"-"], 1, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--inventory", &missing],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--dump", &missing.join("dump.json")],
            2,
            Diagnostics,
            Text,
        ),
        // arguments that do nothing or are not understood
        case(&[&"compile", ex, &"--config-only"], 2, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--check-inventory"],
            2,
            Diagnostics,
            Text,
        ),
        case(&[&"compile", ex, &"--no-such-flag"], 2, Diagnostics, Text),
        case(&[&"check", ex, &"--color", &"always"], 2, Diagnostics, Text),
        // export
        case(&[&"export", ex, &"-o", &"-"], 0, Payload, Diagnostics),
        case(
            &[&"export", ex, &"-o", &"-", &"--v1"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"export", ex, &"-o", &file], 0, Diagnostics, Text),
        case(
            &[&"export", ex, &"-o", &file, &"--schemas", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"export", broken, &"-o", &"-"], 1, Diagnostics, Text),
        case(
            &[&"export", ex, &"-o", &"-", &"--schemas", &"-"],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", ex, &"-o", &"-", &"--previous", &missing],
            2,
            Diagnostics,
            Text,
        ),
        // schema
        case(&[&"schema", &"vpn", ex], 0, Payload, Diagnostics),
        case(&[&"schema", &"vpn", ex, &"-o", &file], 0, Diagnostics, Text),
        case(
            &[&"schema", &"vpn", ex, &"--version", &"7"],
            2,
            Diagnostics,
            Text,
        ),
        case(&[&"schema", &"nope", ex], 2, Diagnostics, Text),
        case(&[&"schema", &"vpn", broken], 1, Diagnostics, Text),
        // validate-instance
        case(
            &[&"validate-instance", &"vpn", &s.valid_set, ex],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", &s.invalid_set, ex],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", &missing, ex],
            2,
            Diagnostics,
            Text,
        ),
        // parse
        case(&[&"parse", &ex.join("main.cf")], 0, Diagnostics, Text),
        case(
            &[&"parse", &ex.join("main.cf"), &"--ast"],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"parse", &ex.join("main.cf"), &"--ast", &"-o", &file],
            0,
            Diagnostics,
            Text,
        ),
        case(&[&"parse", &broken.join("main.cf")], 1, Diagnostics, Text),
        case(
            &[&"parse", &broken.join("main.cf"), &"--ast"],
            1,
            Payload,
            Diagnostics,
        ),
        case(&[&"parse", &missing], 2, Diagnostics, Text),
        case(
            &[&"parse", &ex.join("main.cf"), &"-o", &file],
            2,
            Diagnostics,
            Text,
        ),
    ]
}

/// Every case: stdout holds exactly one JSON document (the payload, or the diagnostics), and a
/// payload there sends the diagnostics to stderr as one JSON document.
#[test]
fn every_command_writes_one_json_document_on_stdout() {
    let s = setup();
    for case in cases(&s) {
        let out = run(&case, &[]);
        let context = format!("lsmc {} --format json", case.args.join(" "));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(case.code), "{context}:\n{stderr}");
        assert_holds(
            "stdout",
            &String::from_utf8_lossy(&out.stdout),
            case.stdout,
            &context,
        );
        assert_holds("stderr", &stderr, case.stderr, &context);
    }
}

/// With `--diagnostics FILE`, the file holds the diagnostics document and stdout only the
/// payload (or nothing).
#[test]
fn diagnostics_file_takes_the_diagnostics() {
    let s = setup();
    let diagnostics = s.dir.join("diagnostics.json");
    for case in cases(&s) {
        let _ = std::fs::remove_file(&diagnostics);
        let out = run(&case, &["--diagnostics", &diagnostics.to_string_lossy()]);
        let context = format!(
            "lsmc {} --format json --diagnostics FILE",
            case.args.join(" ")
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(case.code), "{context}:\n{stderr}");
        let stdout = match case.stdout {
            Holds::Payload if case.code == 0 || case.args.iter().any(|a| a == "--ast") => {
                Holds::Payload
            }
            // With the diagnostics elsewhere, stdout is free for what the model prints.
            _ if case.args.iter().any(|a| a.ends_with("printing")) => Holds::Text,
            _ => Holds::Nothing,
        };
        assert_holds(
            "stdout",
            &String::from_utf8_lossy(&out.stdout),
            stdout,
            &context,
        );
        let written = std::fs::read_to_string(&diagnostics)
            .unwrap_or_else(|e| panic!("{context}: no diagnostics file ({e})"));
        assert_holds(
            "the diagnostics file",
            &written,
            Holds::Diagnostics,
            &context,
        );
        // stderr holds text only: the summary, or the failure's message.
        assert!(
            json_values(&stderr).map_or(true, |v| v.is_empty()),
            "{context}: JSON on stderr:\n{stderr}"
        );
    }
}

/// Text diagnostics never go to stdout: a run that writes no payload leaves it empty, and the
/// summary line is on stderr unless `--quiet`.
#[test]
fn text_diagnostics_and_the_summary_go_to_stderr() {
    let example = common::manifest_dir().join("examples/vpn-service");
    let out = common::lsmc(&[Path::new("check"), &example]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("ok: checked 1 file in "), "{stderr}");
    let out = common::lsmc(&[Path::new("check"), &example, Path::new("--quiet")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}
