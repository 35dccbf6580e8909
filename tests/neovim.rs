//! A real editor against `lsmc lsp`: headless Neovim, configured by editors/neovim/lsmc.lua,
//! opens a copy of fixtures/editors/project, and tests/neovim/session.lua types, asks, renames
//! and saves the way a user would (see that script for the steps). This test checks what the
//! editor saw, then checks the project the session saved.
//!
//! Neovim is installed by scripts/test.sh; where it is missing the test says so and passes,
//! except under `CI=true`, where it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Far more than a session takes; only there so that a hung editor fails the test.
const SESSION_LIMIT: Duration = Duration::from_secs(180);

fn neovim_version() -> Option<String> {
    let output = Command::new("nvim").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output
        .status
        .success()
        .then(|| text.lines().next().unwrap_or_default().to_string())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a folder for the project copy");
    for entry in std::fs::read_dir(from).expect("the fixture project") {
        let entry = entry.expect("a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a fixture file copied");
        }
    }
}

struct Session {
    result: Value,
    project: PathBuf,
    _work: tempfile::TempDir,
}

/// Runs the session script; panics with Neovim's output and the client's log when it fails.
fn run_session() -> Option<Session> {
    let Some(version) = neovim_version() else {
        assert!(
            !common::in_ci(),
            "nvim is not installed, and under CI=true the Neovim session must run"
        );
        eprintln!("nvim is not installed (scripts/test.sh installs it): the Neovim session test is skipped");
        return None;
    };
    let root = common::manifest_dir();
    let work = tempfile::tempdir().expect("a temporary folder");
    let project = work.path().join("project");
    copy_dir(&root.join("fixtures/editors/project"), &project);
    let project = project.canonicalize().expect("the project copy");
    let result_file = work.path().join("session.json");
    let log = work.path().join("nvim.log");
    let state = work.path().join("state");

    let script = root.join("tests/neovim/session.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(&project)
        .env("LSMC_BIN", env!("CARGO_BIN_EXE_lsmc"))
        .env("LSMC_NVIM_CONFIG", root.join("editors/neovim/lsmc.lua"))
        .env("LSMC_PROJECT", &project)
        .env("LSMC_RESULT", &result_file)
        // Neovim's own files (the LSP client's log among them) stay in the temporary folder.
        .env("XDG_CONFIG_HOME", state.join("config"))
        .env("XDG_DATA_HOME", state.join("data"))
        .env("XDG_STATE_HOME", state.join("state"))
        .env("XDG_CACHE_HOME", state.join("cache"))
        .env_remove("LSMC_PYTHON_PATH")
        .env_remove("VIRTUAL_ENV")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("the session log"))
        .stderr(std::fs::File::create(log.with_extension("err")).expect("the session log"))
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("nvim runs") {
            break Some(status);
        }
        if started.elapsed() > SESSION_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let succeeded = status.is_some_and(|s| s.success()) && result_file.exists();
    if !succeeded {
        let read = |path: PathBuf| std::fs::read_to_string(path).unwrap_or_default();
        let lsp_log = ["cache/nvim/lsp.log", "state/nvim/lsp.log"]
            .iter()
            .map(|p| read(state.join(p)))
            .collect::<String>();
        panic!(
            "the Neovim session ({version}) failed: {}\n--- stdout\n{}\n--- stderr\n{}\n--- LSP log\n{}",
            status.map_or("it did not end in time".to_string(), |s| s.to_string()),
            read(log.clone()),
            read(log.with_extension("err")),
            lsp_log
        );
    }
    let text = std::fs::read_to_string(&result_file).expect("the session's result");
    let result = serde_json::from_str(&text).expect("the session's result is JSON");
    Some(Session {
        result,
        project,
        _work: work,
    })
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("a list, not {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

fn lines_of(value: &Value) -> Vec<(&str, u64)> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("a list, not {value}"))
        .iter()
        .map(|v| {
            (
                v["file"].as_str().expect("a file"),
                v["line"].as_u64().expect("a line"),
            )
        })
        .collect()
}

#[test]
fn neovim_edits_a_project_through_lsmc_lsp() {
    // The temporary folder lives as long as `_work`: the saved project is read at the end.
    let Some(Session {
        result,
        project,
        _work,
    }) = run_session()
    else {
        return;
    };
    let step = |name: &str| {
        result
            .get(name)
            .unwrap_or_else(|| panic!("the session recorded no {name}: {result:#}"))
    };

    assert_eq!(step("filetype"), "inmanta", "the configuration's filetype");

    // On open: the misspelt entity of main.cf, as the server publishes it and as Neovim shows it.
    let opened = step("diagnostics_on_open");
    assert_eq!(opened.as_array().map(Vec::len), Some(1), "{opened:#}");
    let typo = &opened[0];
    assert_eq!((&typo["line"], &typo["character"]), (&json!(14), &json!(7)));
    assert_eq!(
        (&typo["end_line"], &typo["end_character"]),
        (&json!(14), &json!(12))
    );
    assert_eq!(typo["code"], "E1001");
    assert_eq!(typo["severity"], 1, "an error");
    let message = typo["message"].as_str().unwrap();
    assert!(
        message.contains("Routr") && message.contains("did you mean `Router`"),
        "the message and its help: {typo:#}"
    );
    assert_eq!(
        lines_of(&typo["related"]),
        [("main.cf", 14)],
        "the label: {typo:#}"
    );
    assert!(
        typo["code_href"]
            .as_str()
            .is_some_and(|h| h.contains("E1001")),
        "the code links to its page: {typo:#}"
    );
    assert_eq!(step("shown_on_open"), 1, "Neovim shows the diagnostic");

    // The diagnostic's help as a quick fix: the replacement of the name, nothing else.
    let actions = step("code_actions_on_open");
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions:#}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert!(
        actions[0]["title"].as_str().unwrap().contains("Router"),
        "{actions:#}"
    );
    assert_eq!(
        actions[0]["edits"],
        json!({"main.cf": [{"line": 14, "character": 7, "end_line": 14, "end_character": 12, "new_text": "Router"}]})
    );

    // Typing the fix: the new publication is empty, and Neovim shows nothing.
    assert_eq!(step("line_after_fix"), "edge = Router(name=\"edge\")");
    assert_eq!(step("diagnostics_after_fix"), &json!([]));
    assert_eq!(step("shown_after_fix"), 0);

    // Hover: the entity's kind, name, parent and docstring (its `:attr` lines included); an
    // inherited attribute named in a constructor: its type, owner and documentation.
    let hover = step("hover_entity").as_str().expect("a hover text");
    for part in [
        "entity",
        "Router",
        "net::Device",
        "A router of the test network",
        "The largest packet it forwards",
    ] {
        assert!(hover.contains(part), "hover lacks {part:?}: {hover}");
    }
    let hover = step("hover_inherited_attribute")
        .as_str()
        .expect("a hover text");
    for part in ["string", "net::Device.name", "The host name of the device"] {
        assert!(hover.contains(part), "hover lacks {part:?}: {hover}");
    }

    // Definition: across files for the module's entity, in the file for a variable.
    assert_eq!(
        lines_of(step("definition_module_entity")),
        [("libs/net/model/_init.cf", 0)]
    );
    assert_eq!(lines_of(step("definition_variable")), [("main.cf", 13)]);

    // References of net::Device, its declaration included: the module's three, main.cf's one.
    assert_eq!(
        lines_of(step("references_module_entity")),
        [
            ("libs/net/model/_init.cf", 0),
            ("libs/net/model/_init.cf", 9),
            ("libs/net/model/_init.cf", 11),
            ("main.cf", 2),
        ]
    );

    // The outline of main.cf, and the project's symbols named like the module's entity.
    assert_eq!(
        strings(step("document_symbols")),
        ["Router", "Router.mtu", "core", "edge"]
    );
    let symbols = step("workspace_symbols");
    assert!(
        symbols
            .as_array()
            .is_some_and(|found| found.iter().any(|s| {
                s["name"] == "net::Device"
                    && s["file"] == "libs/net/model/_init.cf"
                    && s["line"] == 0
            })),
        "{symbols:#}"
    );

    // Completion in half-typed lines: attributes after `.`, the module's names after `net::`.
    let after_dot = strings(step("completion_after_dot"));
    for attribute in ["mtu", "name"] {
        assert!(
            after_dot.contains(&attribute),
            "{attribute} in {after_dot:?}"
        );
    }
    let after_namespace = strings(step("completion_after_namespace"));
    for name in ["Device", "default_mtu"] {
        assert!(
            after_namespace.contains(&name),
            "{name} in {after_namespace:?}"
        );
    }
    // The half-typed lines are errors while they last, and undoing them clears them.
    let typing = step("diagnostics_while_typing");
    assert!(
        typing
            .as_array()
            .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d["line"].as_u64() >= Some(16))),
        "errors on the typed lines only: {typing:#}"
    );
    assert_eq!(step("diagnostics_after_undo"), &json!([]));

    // Rename of net::Device to Host: every place, in both files, and nothing else.
    let prepared = step("prepare_rename");
    assert_eq!(
        (
            &prepared["line"],
            &prepared["character"],
            &prepared["end_character"]
        ),
        (&json!(2), &json!(27), &json!(33)),
        "the name without its namespace: {prepared:#}"
    );
    let edits = step("rename_edits");
    let places = |file: &str| {
        edits[file]
            .as_array()
            .unwrap_or_else(|| panic!("no edits of {file}: {edits:#}"))
            .iter()
            .map(|e| {
                assert_eq!(e["new_text"], "Host", "{e}");
                (
                    e["line"].as_u64().unwrap(),
                    e["character"].as_u64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        places("libs/net/model/_init.cf"),
        [(0, 7), (9, 6), (11, 10)]
    );
    assert_eq!(places("main.cf"), [(2, 27)]);
    assert_eq!(edits.as_object().map(|o| o.len()), Some(2), "{edits:#}");
    assert_eq!(
        step("module_attached"),
        true,
        "the renamed module is attached"
    );
    assert_eq!(
        step("diagnostics_after_rename"),
        &json!({"main.cf": [], "libs/net/model/_init.cf": []})
    );
    assert!(step("main_after_rename")
        .as_str()
        .unwrap()
        .contains("entity Router extends net::Host:"));
    assert!(!step("module_after_rename")
        .as_str()
        .unwrap()
        .contains("Device"));

    // Evaluation over the configured inventory, on save: a value set twice, which checking the
    // typed line does not find. The constructor's `mtu` argument waits for the module's
    // variable and still sets the value first: the assignment (main.cf:17) sets it again and
    // reports it, as the reference compiler does.
    assert_eq!(
        step("diagnostics_while_typing_evaluation_error"),
        &json!([])
    );
    let saved = step("diagnostics_on_save");
    assert_eq!(saved.as_array().map(Vec::len), Some(1), "{saved:#}");
    assert_eq!(
        (&saved[0]["code"], &saved[0]["line"]),
        (&json!("E4001"), &json!(16))
    );
    assert_eq!(
        lines_of(&saved[0]["related"]),
        [("main.cf", 16), ("main.cf", 13)],
        "set again, first set: {saved:#}"
    );
    assert_eq!(step("diagnostics_on_save_after_undo"), &json!([]));

    // The server shut down when asked, with status 0.
    assert_eq!(step("server_exit")["code"], 0, "{:#}", step("server_exit"));

    // What the session saved is a valid project, as the command line checks it.
    let saved = std::fs::read_to_string(project.join("libs/net/model/_init.cf")).unwrap();
    assert!(saved.starts_with("entity Host:"), "{saved}");
    let check = common::lsmc(&[Path::new("check"), &project]);
    assert!(check.status.success(), "{}", common::text(&check));
}
