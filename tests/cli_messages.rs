//! Snapshots of what the command line itself says: the summary line, flags that do nothing,
//! `explain` without a code, help texts, the JSON of a failure, and the missing `modulepath`
//! folder of `fixtures/cli/missing_module_folder` (text and JSON). Each snapshot shows the
//! command, its exit code, stdout and stderr; times and this checkout's folder are replaced.

mod common;

use std::path::Path;

/// The run of `lsmc ARGS` in `dir`, as a snapshot shows it.
fn shown(dir: &Path, args: &[&str]) -> String {
    let out = common::lsmc_command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("lsmc runs");
    let root = common::manifest_dir().to_string_lossy().into_owned();
    let clean = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).replace(&root, "<repo>");
        // The time of the summary line.
        let mut out = String::new();
        for line in text.split_inclusive('\n') {
            match line.rfind(" in ").filter(|_| line.starts_with("ok: ")) {
                Some(at) if line.trim_end().ends_with(" ms") => {
                    out.push_str(&line[..at]);
                    out.push_str(" in <time> ms\n");
                }
                _ => out.push_str(line),
            }
        }
        out
    };
    format!(
        "$ lsmc {}\nexit {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

fn fixture(name: &str) -> std::path::PathBuf {
    common::manifest_dir().join("fixtures/cli").join(name)
}

fn example() -> std::path::PathBuf {
    common::manifest_dir().join("examples/vpn-service")
}

#[test]
fn missing_module_folder_text() {
    let dir = fixture("missing_module_folder");
    let source = common::source_section(
        "project.yml",
        &std::fs::read_to_string(dir.join("project.yml")).unwrap(),
    );
    insta::assert_snapshot!(format!("{source}\n{}", shown(&dir, &["check"])));
}

#[test]
fn missing_module_folder_json() {
    let dir = fixture("missing_module_folder");
    let source = common::source_section(
        "project.yml",
        &std::fs::read_to_string(dir.join("project.yml")).unwrap(),
    );
    insta::assert_snapshot!(format!(
        "{source}\n{}",
        shown(&dir, &["check", "--format", "json"])
    ));
}

#[test]
fn summary_of_each_command() {
    let dir = example();
    let tmp = tempfile::tempdir().unwrap();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let (catalog, schema) = (out("catalog.json"), out("schema.json"));
    let (set, dump) = (out("set.json"), out("dump.json"));
    std::fs::write(
        &set,
        r#"{"name": "abc", "sites": [{"name": "a", "gateway": "192.0.2.1"},
            {"name": "b", "gateway": "192.0.2.2"}]}"#,
    )
    .unwrap();
    let runs = [
        vec!["check"],
        vec!["compile", "--inventory", "inventory.json", "--dump", &dump],
        vec!["export", "-o", &catalog],
        vec!["schema", "vpn", "-o", &schema],
        vec!["validate-instance", "vpn", &set],
        vec!["parse", "main.cf"],
        vec!["check", "--quiet"],
    ];
    let tmp_name = tmp.path().to_string_lossy().into_owned();
    let text: Vec<String> = runs
        .iter()
        .map(|args| shown(&dir, args).replace(&tmp_name, "<tmp>"))
        .collect();
    insta::assert_snapshot!(text.join("\n"));
}

#[test]
fn config_only_without_dump() {
    insta::assert_snapshot!(shown(&example(), &["compile", "--config-only"]));
}

#[test]
fn color_with_json() {
    insta::assert_snapshot!(shown(
        &example(),
        &["check", "--format", "json", "--color", "always"]
    ));
}

#[test]
fn output_of_parse_without_ast() {
    insta::assert_snapshot!(shown(&example(), &["parse", "main.cf", "-o", "tree.json"]));
}

#[test]
fn argument_error_with_json() {
    insta::assert_snapshot!(shown(
        &example(),
        &["check", "--format", "json", "--no-such-flag"]
    ));
}

#[test]
fn tool_failure_json() {
    insta::assert_snapshot!(shown(
        &example(),
        &["check", "no-such-folder", "--format", "json"]
    ));
}

#[test]
fn explain_lists_every_code() {
    insta::assert_snapshot!(shown(&example(), &["explain"]));
}

#[test]
fn explain_unknown_code_lists_every_code() {
    insta::assert_snapshot!(shown(&example(), &["explain", "E9999"]));
}

#[test]
fn help_of_compile() {
    insta::assert_snapshot!(shown(&example(), &["compile", "--help"]));
}

#[test]
fn help_of_parse() {
    insta::assert_snapshot!(shown(&example(), &["parse", "--help"]));
}

#[test]
fn help_of_explain() {
    insta::assert_snapshot!(shown(&example(), &["explain", "--help"]));
}

#[test]
fn help_of_schema() {
    insta::assert_snapshot!(shown(&example(), &["schema", "--help"]));
}

#[test]
fn python_path_of_lifecycle_without_project() {
    let tmp = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(shown(
        tmp.path(),
        &["lifecycle", "lsm::fsm::simple", "--python-path", "venv"]
    ));
}

#[test]
fn catalog_and_schemas_both_on_stdout() {
    insta::assert_snapshot!(shown(&example(), &["export", "-o", "-", "--schemas", "-"]));
}

#[test]
fn help_of_lsmc() {
    insta::assert_snapshot!(shown(&example(), &["--help"]));
}

#[test]
fn config_only_without_dump_json() {
    insta::assert_snapshot!(shown(
        &example(),
        &["compile", "--config-only", "--format", "json"]
    ));
}

/// A `project.yml` of the wrong shape was ignored (modules were looked for in `libs/`): now the
/// tool's failure, naming the file and what is wrong.
#[test]
fn project_yml_of_the_wrong_shape() {
    let mut text = String::new();
    for name in [
        "modulepath_not_a_folder_name",
        "modulepath_entry_not_a_string",
        "project_yml_not_a_mapping",
    ] {
        let dir = fixture(name);
        let yml = std::fs::read_to_string(dir.join("project.yml")).unwrap();
        text.push_str(&common::source_section(
            &format!("{name}/project.yml"),
            &yml,
        ));
        text.push_str(&shown(&dir, &["check"]));
        text.push('\n');
    }
    insta::assert_snapshot!(text);
}

/// A `main.cf` that is a folder, a named pipe or a link to nothing was "has no main.cf": now
/// each says what it is.
#[test]
fn main_file_that_is_not_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("folder");
    std::fs::create_dir_all(folder.join("main.cf")).unwrap();
    let pipe = tmp.path().join("pipe");
    std::fs::create_dir(&pipe).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(pipe.join("main.cf"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo runs");
    let link = tmp.path().join("link");
    std::fs::create_dir(&link).unwrap();
    std::os::unix::fs::symlink("gone.cf", link.join("main.cf")).unwrap();
    let mut text = String::new();
    for name in ["folder", "pipe", "link"] {
        text.push_str(&shown(tmp.path(), &["check", name]));
    }
    insta::assert_snapshot!(text);
}

/// An evaluation error from the work of inventory records, with an inventory the check found
/// clean: `compile` reads the inventory again on the error path and labels each record the
/// error came from at its line in the file (here two records whose values collide in an index:
/// both, by id and line), in text and in JSON.
fn error_from_records(format: &str) -> String {
    let dir = common::manifest_dir().join("fixtures/inventory/eval_index_collision");
    let inventory = common::source_section(
        "inventory.json",
        &std::fs::read_to_string(dir.join("inventory.json")).unwrap(),
    );
    let args = [
        "compile",
        "--inventory",
        "inventory.json",
        "--format",
        format,
    ];
    format!("{inventory}\n{}", shown(&dir, &args))
}

#[test]
fn error_from_records_text() {
    insta::assert_snapshot!(error_from_records("text"));
}

#[test]
fn error_from_records_json() {
    insta::assert_snapshot!(error_from_records("json"));
}
