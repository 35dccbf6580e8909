//! One document per stream: every command with `--format json`, in success and in failure,
//! writes exactly one JSON document on standard output (what `lsmc ... | python3 -m json.tool`
//! needs, and each run is piped through it): its payload when it writes one there, else the
//! diagnostics. A payload on stdout sends the JSON diagnostics to stderr, or to
//! `--diagnostics FILE`.
//!
//! The cases cover every command `lsmc --help` lists and every flag `lsmc COMMAND --help` lists,
//! each flag in a run that succeeds and in one that fails (a test reads the help texts and checks
//! it). Commands that write no JSON (`lifecycle`, `explain`, `lsp`) refuse `--format json` with
//! the failure document, so they have failing runs only; `--color` is refused with
//! `--format json` (it would do nothing); `-h`/`--help` and `-V`/`--version` print text for
//! people whatever the format.

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

/// The outputs of the runs, each to be read by `python3 -m json.tool` as a tool behind a pipe
/// would read it: one Python process runs json.tool's own `main` on each (a process per output
/// would cost more than the runs), and writes it back indented one space per level, which must
/// give the same text.
struct JsonTool {
    dir: tempfile::TempDir,
    inputs: Vec<(PathBuf, String)>,
}

impl JsonTool {
    fn new() -> JsonTool {
        JsonTool {
            dir: tempfile::tempdir().unwrap(),
            inputs: Vec::new(),
        }
    }

    /// `what` (an output of the run `context`) is to be read.
    fn add(&mut self, what: &str, text: &[u8], context: &str) {
        let path = self.dir.path().join(format!("{}.json", self.inputs.len()));
        std::fs::write(&path, text).unwrap();
        self.inputs.push((path, format!("{context}: {what}")));
    }

    /// Every output added reads without an error.
    #[track_caller]
    fn assert_all_read(self) {
        // Written back with the reference's indentation (`json.dumps(..., indent=1)`).
        const READ_EACH: &str = r#"
import json.tool, sys
for path in sys.argv[1:]:
    sys.argv = ["json.tool", "--indent", "1", "--no-ensure-ascii", path, path + ".out"]
    try:
        json.tool.main()
    except SystemExit as e:
        if e.code not in (None, 0):
            print(path, e.code)
"#;
        let out = std::process::Command::new("python3")
            .args(["-c", READ_EACH])
            .args(self.inputs.iter().map(|(path, _)| path))
            .output()
            .expect("python3 runs (scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let failed: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| {
                let path = line.split_whitespace().next()?;
                let (_, context) = self.inputs.iter().find(|(p, _)| p.to_str() == Some(path))?;
                let text = std::fs::read_to_string(path).unwrap_or_default();
                Some(format!(
                    "{context}: `python3 -m json.tool` fails on:\n{text}"
                ))
            })
            .collect();
        assert!(failed.is_empty(), "{}", failed.join("\n"));
        assert!(!self.inputs.is_empty());
        // Every JSON document lsmc writes is indented as the reference's: json.tool writes it
        // back byte for byte.
        for (path, context) in &self.inputs {
            let written = std::fs::read_to_string(path).unwrap();
            let again = std::fs::read_to_string(path.with_extension("json.out")).unwrap();
            assert_eq!(
                written.trim_end(),
                again.trim_end(),
                "{context}: not indented one space per level"
            );
        }
    }
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
    /// The example's inventory with a record of the wrong type (the inventory check's error).
    bad_inventory: PathBuf,
    /// The example's catalog as `export` wrote it (for `--previous`).
    previous: PathBuf,
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
    let inventory = std::fs::read_to_string(example.join("inventory.json")).unwrap();
    let bad = inventory.replace(r#""bandwidth_mbps": 500"#, r#""bandwidth_mbps": "fast""#);
    assert_ne!(
        bad, inventory,
        "the example's inventory has the value replaced"
    );
    let bad_inventory = dir.join("bad_inventory.json");
    std::fs::write(&bad_inventory, bad).unwrap();
    let previous = dir.join("previous.json");
    let out = common::lsmc(&[
        Path::new("export"),
        &example,
        Path::new("-o"),
        &previous,
        Path::new("-q"),
    ]);
    assert_eq!(out.status.code(), Some(0), "the example exports");
    Setup {
        _tmp: tmp,
        dir,
        example,
        broken,
        printing,
        valid_set,
        invalid_set,
        bad_inventory,
        previous,
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
    let bad_inv = &s.bad_inventory;
    let broken = &s.broken;
    let missing = s.dir.join("missing");
    let file = s.dir.join("out.json");
    let (valid, invalid) = (&s.valid_set, &s.invalid_set);
    let prev = &s.previous;
    let id = "6e1bcd2f-6a4d-4d57-9f0c-0d0c7b8a9a11";
    let venv = &s.dir;
    let main = ex.join("main.cf");
    vec![
        // check
        case(&[&"check", ex], 0, Diagnostics, Text),
        case(&[&"check", ex, &"-v"], 0, Diagnostics, Text),
        case(&[&"check", ex, &"--verbose"], 0, Diagnostics, Text),
        case(
            &[&"check", ex, &"-v", &"--python", &"python3"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"check", ex, &"--python-path", venv],
            0,
            Diagnostics,
            Text,
        ),
        case(&[&"check", ex, &"-q"], 0, Diagnostics, Nothing),
        case(&[&"check", ex, &"--quiet"], 0, Diagnostics, Nothing),
        case(&[&"check", broken], 1, Diagnostics, Text),
        case(&[&"check", broken, &"-v"], 1, Diagnostics, Text),
        case(
            &[&"check", broken, &"--verbose", &"--python", &"python3"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"check", broken, &"--python-path", venv],
            1,
            Diagnostics,
            Text,
        ),
        case(&[&"check", broken, &"--quiet"], 1, Diagnostics, Text),
        case(&[&"check", broken, &"-q"], 1, Diagnostics, Text),
        case(&[&"check", &missing], 2, Diagnostics, Text),
        case(&[&"check", ex, &"--color", &"always"], 2, Diagnostics, Text),
        case(&[&"check", ex, &"--color", &"never"], 2, Diagnostics, Text),
        case(&[&"check", ex, &"--no-such-flag"], 2, Diagnostics, Text),
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
        case(&[&"compile", ex, &"--no-lsm-checks"], 0, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--python-path", venv],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--python", &"python3"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--plugin-timeout", &"5"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--max-steps", &"1000000"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--max-instances", &"1000"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"-q", &"--no-instances"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"compile", ex, &"--quiet", &"--no-instances"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(&[&"compile", &s.printing], 0, Diagnostics, Text),
        case(
            &[&"compile", &s.printing, &"--dump", &"-"],
            0,
            Payload,
            Text,
        ),
        case(&[&"compile", broken], 1, Diagnostics, Text),
        case(&[&"compile", broken, &"--dump", &"-"], 1, Diagnostics, Text),
        case(
            &[&"compile", broken, &"--dump", &file, &"--config-only"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", broken, &"--no-instances"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", broken, &"--no-lsm-checks"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", broken, &"--python-path", venv],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", broken, &"--python", &"python3"],
            1,
            Diagnostics,
            Text,
        ),
        case(&[&"compile", broken, &"--quiet"], 1, Diagnostics, Text),
        case(&[&"compile", broken, &"-q"], 1, Diagnostics, Text),
        case(
            &[&"compile", ex, &"--inventory", bad_inv],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--inventory", bad_inv, &"--dump", &"-"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"compile",
                ex,
                &"--inventory",
                &inv,
                &"--validate",
                &"no-such-id",
            ],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--max-steps", &"1"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--max-instances", &"1"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"compile", ex, &"--plugin-timeout", &"soon"],
            2,
            Diagnostics,
            Text,
        ),
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
        // flags that do nothing, or are not understood
        case(&[&"compile", ex, &"--config-only"], 2, Diagnostics, Text),
        case(&[&"compile", ex, &"--color", &"auto"], 2, Diagnostics, Text),
        case(&[&"compile", ex, &"--no-such-flag"], 2, Diagnostics, Text),
        // export
        case(&[&"export", ex, &"-o", &"-"], 0, Payload, Diagnostics),
        case(
            &[&"export", ex, &"--output", &"-", &"--v1"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"export", ex, &"-o", &file], 0, Diagnostics, Text),
        case(
            &[&"export", ex, &"-o", &file, &"-q"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"export", ex, &"-o", &file, &"--quiet"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"export", ex, &"-o", &file, &"--schemas", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"export", ex, &"-o", &"-", &"--previous", prev],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[
                &"export",
                ex,
                &"-o",
                &"-",
                &"--previous",
                prev,
                &"--inventory",
                &inv,
            ],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"export", ex, &"-o", &"-", &"--python-path", venv],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"export", broken, &"-o", &"-"], 1, Diagnostics, Text),
        case(
            &[&"export", broken, &"--output", &file, &"--v1"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", broken, &"-o", &file, &"-q"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", broken, &"-o", &file, &"--quiet"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", broken, &"-o", &file, &"--schemas", &"-"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", broken, &"-o", &"-", &"--python-path", venv],
            1,
            Diagnostics,
            Text,
        ),
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
        case(
            &[
                &"export",
                ex,
                &"-o",
                &"-",
                &"--previous",
                prev,
                &"--inventory",
                &missing,
            ],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", ex, &"-o", &"-", &"--inventory", &inv],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"export", ex, &"-o", &"-", &"--color", &"always"],
            2,
            Diagnostics,
            Text,
        ),
        case(&[&"export", ex], 2, Diagnostics, Text),
        // schema
        case(&[&"schema", &"vpn", ex], 0, Payload, Diagnostics),
        case(
            &[&"schema", &"vpn", ex, &"--version", &"0"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"schema", &"vpn", ex, &"-o", &file], 0, Diagnostics, Text),
        case(
            &[&"schema", &"vpn", ex, &"--output", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"schema", &"vpn", ex, &"-o", &file, &"-q"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"schema", &"vpn", ex, &"-o", &file, &"--quiet"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"schema", &"vpn", ex, &"--python-path", venv],
            0,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"schema", &"vpn", ex, &"--version", &"7"],
            2,
            Diagnostics,
            Text,
        ),
        case(&[&"schema", &"nope", ex], 2, Diagnostics, Text),
        case(&[&"schema", &"vpn", broken], 1, Diagnostics, Text),
        case(
            &[&"schema", &"vpn", broken, &"-o", &file],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"schema", &"vpn", broken, &"--output", &"-"],
            1,
            Diagnostics,
            Text,
        ),
        case(&[&"schema", &"vpn", broken, &"-q"], 1, Diagnostics, Text),
        case(
            &[&"schema", &"vpn", broken, &"--quiet"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"schema", &"vpn", broken, &"--python-path", venv],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"schema", &"vpn", ex, &"--color", &"never"],
            2,
            Diagnostics,
            Text,
        ),
        // validate-instance
        case(
            &[&"validate-instance", &"vpn", valid, ex],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"--version", &"0"],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"--update", valid],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                valid,
                ex,
                &"--migrate-to",
                &"0",
            ],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                valid,
                ex,
                &"--python-path",
                venv,
            ],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"-q"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"--quiet"],
            0,
            Diagnostics,
            Nothing,
        ),
        case(
            &[&"validate-instance", &"vpn", invalid, ex],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                invalid,
                ex,
                &"--version",
                &"0",
            ],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                valid,
                ex,
                &"--update",
                invalid,
            ],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                invalid,
                ex,
                &"--migrate-to",
                &"0",
            ],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                invalid,
                ex,
                &"--python-path",
                venv,
            ],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", invalid, ex, &"-q"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", invalid, ex, &"--quiet"],
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
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"--version", &"3"],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                valid,
                ex,
                &"--migrate-to",
                &"5",
            ],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"validate-instance",
                &"vpn",
                valid,
                ex,
                &"--update",
                &missing,
            ],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"validate-instance", &"vpn", valid, ex, &"--color", &"auto"],
            2,
            Diagnostics,
            Text,
        ),
        // parse
        case(&[&"parse", &main], 0, Diagnostics, Text),
        case(&[&"parse", &main, &"--ast"], 0, Payload, Diagnostics),
        case(
            &[&"parse", &main, &"--ast", &"-o", &file],
            0,
            Diagnostics,
            Text,
        ),
        case(
            &[&"parse", &main, &"--ast", &"--output", &"-"],
            0,
            Payload,
            Diagnostics,
        ),
        case(&[&"parse", &main, &"-q"], 0, Diagnostics, Nothing),
        case(&[&"parse", &main, &"--quiet"], 0, Diagnostics, Nothing),
        case(&[&"parse", &broken.join("main.cf")], 1, Diagnostics, Text),
        case(
            &[&"parse", &broken.join("main.cf"), &"--ast"],
            1,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"parse", &broken.join("main.cf"), &"--ast", &"-o", &file],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[
                &"parse",
                &broken.join("main.cf"),
                &"--ast",
                &"--output",
                &"-",
            ],
            1,
            Payload,
            Diagnostics,
        ),
        case(
            &[&"parse", &broken.join("main.cf"), &"-q"],
            1,
            Diagnostics,
            Text,
        ),
        case(
            &[&"parse", &broken.join("main.cf"), &"--quiet"],
            1,
            Diagnostics,
            Text,
        ),
        case(&[&"parse", &missing], 2, Diagnostics, Text),
        case(&[&"parse", &main, &"-o", &file], 2, Diagnostics, Text),
        case(
            &[&"parse", &main, &"--color", &"always"],
            2,
            Diagnostics,
            Text,
        ),
        // commands that write no JSON: `--format json` is refused with the failure document
        case(&[&"lifecycle", &"lsm::fsm::simple"], 2, Diagnostics, Text),
        case(
            &[&"lifecycle", &"vpn", ex, &"-o", &file],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"lifecycle", &"vpn", ex, &"--output", &"-"],
            2,
            Diagnostics,
            Text,
        ),
        case(
            &[&"lifecycle", &"vpn", ex, &"--python-path", venv],
            2,
            Diagnostics,
            Text,
        ),
        case(&[&"explain", &"E4013"], 2, Diagnostics, Text),
        case(&[&"explain"], 2, Diagnostics, Text),
        case(&[&"lsp"], 2, Diagnostics, Text),
    ]
}

/// Every case: stdout holds exactly one JSON document (the payload, or the diagnostics) that
/// `python3 -m json.tool` reads, and a payload there sends the diagnostics to stderr as one JSON
/// document.
#[test]
fn every_command_writes_one_json_document_on_stdout() {
    let s = setup();
    let mut json_tool = JsonTool::new();
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
        json_tool.add("stdout", &out.stdout, &context);
        assert_holds("stderr", &stderr, case.stderr, &context);
    }
    json_tool.assert_all_read();
}

/// With `--diagnostics FILE`, the file holds the diagnostics document (which `python3 -m
/// json.tool` reads) and stdout only the payload (or nothing).
#[test]
fn diagnostics_file_takes_the_diagnostics() {
    let s = setup();
    let diagnostics = s.dir.join("diagnostics.json");
    let mut json_tool = JsonTool::new();
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
        if stdout == Holds::Payload {
            json_tool.add("stdout", &out.stdout, &context);
        }
        let written = std::fs::read(&diagnostics)
            .unwrap_or_else(|e| panic!("{context}: no diagnostics file ({e})"));
        assert_holds(
            "the diagnostics file",
            &String::from_utf8_lossy(&written),
            Holds::Diagnostics,
            &context,
        );
        json_tool.add("the diagnostics file", &written, &context);
        // stderr holds text only: the summary, or the failure's message.
        assert!(
            json_values(&stderr).map_or(true, |v| v.is_empty()),
            "{context}: JSON on stderr:\n{stderr}"
        );
    }
    json_tool.assert_all_read();
}

/// The commands `lsmc --help` lists (but `help`), each with the flags its own help lists (but
/// `-h`/`--help`), every spelling of a flag together (`-o`, `--output`); and whether the command
/// takes `--format json`.
fn commands_and_flags() -> Vec<(String, bool, Vec<Vec<String>>)> {
    let help = |args: &[&str]| {
        let out = common::lsmc_command()
            .args(args)
            .output()
            .expect("lsmc runs");
        assert_eq!(out.status.code(), Some(0), "lsmc {args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    assert!(
        commands.len() >= 9,
        "commands read from the help: {commands:?}"
    );
    commands
        .into_iter()
        .map(|command| {
            let text = help(&[&command, "--help"]);
            let flags: Vec<Vec<String>> = text
                .lines()
                .skip_while(|l| !l.starts_with("Options:"))
                .skip(1)
                .map(str::trim_start)
                .take_while(|l| l.starts_with('-'))
                .map(|l| {
                    l.split_whitespace()
                        .take_while(|w| w.starts_with('-'))
                        .map(|w| w.trim_end_matches(',').to_string())
                        .collect::<Vec<_>>()
                })
                .filter(|spellings| !spellings.iter().any(|s| s == "--help"))
                .collect();
            let json = text.contains("possible values: text, json");
            (command, json, flags)
        })
        .collect()
}

/// The cases run every command `lsmc --help` lists and every flag of its help, each in a run
/// that succeeds and in one that fails (a command that writes no JSON: in a failing one).
/// `--format` is in every run, `--diagnostics` in every run of the test above; `--color` with
/// `--format json` is refused, so it has failing runs only.
#[test]
fn cases_cover_every_command_and_flag() {
    let s = setup();
    let cases = cases(&s);
    let mut missing = Vec::new();
    for (command, takes_json, flags) in commands_and_flags() {
        let runs: Vec<&Case> = cases.iter().filter(|c| c.args[0] == command).collect();
        let has = |code_ok: bool, spellings: &[String]| {
            runs.iter().any(|c| {
                (c.code == 0) == code_ok
                    && (spellings.is_empty() || c.args.iter().any(|a| spellings.contains(a)))
            })
        };
        let mut wanted: Vec<Vec<String>> = vec![Vec::new()];
        wanted.extend(
            flags
                .into_iter()
                .filter(|f| !f.iter().any(|s| s == "--format" || s == "--diagnostics")),
        );
        for spellings in wanted {
            let name = if spellings.is_empty() {
                "(no flag)".to_string()
            } else {
                spellings.join("/")
            };
            let can_succeed = takes_json && !spellings.iter().any(|s| s == "--color");
            if can_succeed && !has(true, &spellings) {
                missing.push(format!("{command} {name}: no run that succeeds"));
            }
            if !has(false, &spellings) {
                missing.push(format!("{command} {name}: no run that fails"));
            }
        }
    }
    assert!(missing.is_empty(), "not covered:\n{}", missing.join("\n"));
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
