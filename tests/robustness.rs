//! Inputs that once made lsmc panic or overflow its stack: each now gives a diagnostic, through
//! the command line as a user runs it.

use std::path::{Path, PathBuf};

mod common;

use common::{lsmc, text};

fn example() -> PathBuf {
    common::manifest_dir().join("examples/vpn-service")
}

/// Runs `lsmc compile` on the example project with `inventory` as its inventory file.
fn compile_with_inventory(dir: &Path, inventory: &[u8]) -> (Option<i32>, String) {
    let path = dir.join("inventory.json");
    std::fs::write(&path, inventory).unwrap();
    let output = lsmc(&[
        "compile".as_ref(),
        example().as_os_str(),
        "--inventory".as_ref(),
        path.as_os_str(),
    ]);
    (output.status.code(), text(&output))
}

/// serde_json blames a byte column: at a character of several bytes (a byte-order mark, `é`) the
/// diagnostic once pointed inside it, and the renderer panicked ("not a char boundary").
#[test]
fn inventory_syntax_error_at_a_multibyte_character() {
    let tmp = tempfile::tempdir().unwrap();
    for inventory in [&b"\xef\xbb\xbf[]"[..], "[é]".as_bytes(), "\"é".as_bytes()] {
        let (status, output) = compile_with_inventory(tmp.path(), inventory);
        assert!(!output.contains("panicked"), "{output}");
        assert_eq!(status, Some(1), "{output}");
        assert!(output.contains("[E4013]"), "{output}");
        assert!(output.contains("is not valid JSON"), "{output}");
    }
}

/// A typedef based on itself (or two based on each other) passed `check` and overflowed the stack
/// in `compile`, which checks values against it.
#[test]
fn typedef_cycles_are_errors_in_check_and_compile() {
    for name in ["typedef_cycle", "typedef_cycle_two_typedefs"] {
        let project = common::manifest_dir().join("fixtures/check").join(name);
        for command in ["check", "compile"] {
            let output = lsmc(&[command.as_ref(), project.as_os_str()]);
            let output_text = text(&output);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{command} {name}: {output_text}"
            );
            assert!(output_text.contains("[E1020]"), "{output_text}");
        }
    }
}

/// Models nested `n` deep in each way the issue found overflowing the stack, each valid.
fn nested(kind: &str, n: usize) -> String {
    match kind {
        "calls" => format!(
            "x = {}1{}\n",
            "std::inlineif(true, ".repeat(n),
            ", 0)".repeat(n)
        ),
        "parentheses" => format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        "lists" => format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
        "dicts" => format!("x = {}1{}\n", "{\"a\": ".repeat(n), "}".repeat(n)),
        "ifs" => format!("{}x = 1\n{}", "if true:\n".repeat(n), "end\n".repeat(n)),
        "fors" => format!(
            "{}x = 1\n{}",
            (0..n)
                .map(|i| format!("for i{i} in [1]:\n"))
                .collect::<String>(),
            "end\n".repeat(n)
        ),
        "operators" => format!("x = 1{}\n", " + 1".repeat(n)),
        "negations" => format!("x = {}true\n", "not ".repeat(n)),
        "conditionals" => format!("x = {}2\n", "true ? 1 : ".repeat(n)),
        _ => unreachable!("{kind}"),
    }
}

const KINDS: &[&str] = &[
    "calls",
    "parentheses",
    "lists",
    "dicts",
    "ifs",
    "fors",
    "operators",
    "negations",
    "conditionals",
];

fn nesting_codes(text: &str) -> Vec<&'static str> {
    let mut sources = lsmc::source::SourceMap::new();
    let file = sources.add("main.cf", text);
    let (_, diagnostics) = lsmc::parser::parse_module(text, file);
    diagnostics.iter().map(|d| d.code.id).collect()
}

/// The largest `n` at which `nested(kind, n)` is read.
fn deepest_read(kind: &str) -> usize {
    let (mut read, mut refused) = (1, 2 * lsmc::parser::depth::MAX_NESTING);
    assert!(nesting_codes(&nested(kind, refused)).contains(&"E0019"));
    while refused - read > 1 {
        let middle = (read + refused) / 2;
        if nesting_codes(&nested(kind, middle)).is_empty() {
            read = middle;
        } else {
            refused = middle;
        }
    }
    read
}

/// Nesting past the limit is one E0019 error at the token that passes it, whatever the kind;
/// at the limit, the whole pipeline (resolve, check, eval and dropping the tree) runs on a thread
/// with the stack of a main thread (8 MiB), in a debug build, and the model compiles.
#[test]
fn nesting_is_limited_where_the_tree_is_built() {
    for kind in KINDS {
        let n = deepest_read(kind);
        // The measure follows the tree: each kind reaches close to the limit.
        assert!(
            n >= lsmc::parser::depth::MAX_NESTING / 2 - 2,
            "{kind}: only {n} levels are read"
        );
        assert_eq!(nesting_codes(&nested(kind, n + 1)), ["E0019"], "{kind}");
        let text = nested(kind, n);
        let errors = std::thread::Builder::new()
            .stack_size(8 * 1024 * 1024)
            .spawn(move || {
                let files = lsmc::project::MemoryFiles::default();
                let input = lsmc::driver::Input {
                    main_name: "main.cf",
                    main_text: &text,
                    files: &files,
                };
                let mut checked = lsmc::driver::check(&input, lsmc::driver::Options::default());
                let mut codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.id).collect();
                if let Some(evaluated) = checked.evaluate(Default::default()) {
                    codes = evaluated.diagnostics.iter().map(|d| d.code.id).collect();
                }
                codes
            })
            .unwrap()
            .join()
            .unwrap_or_else(|_| panic!("{kind}: the pipeline panicked at depth {n}"));
        assert!(errors.is_empty(), "{kind} at depth {n}: {errors:?}");
    }
}

/// The limit is the same in a large file: other statements around the nesting do not count.
#[test]
fn nesting_limit_does_not_depend_on_the_file_size() {
    let padding: String = (0..5000)
        .map(|i| format!("v{i} = a.b + c * {i}\n"))
        .collect();
    for kind in ["parentheses", "operators"] {
        let n = deepest_read(kind);
        let padded = |n| format!("{padding}{}{padding}", nested(kind, n));
        assert!(nesting_codes(&padded(n)).is_empty(), "{kind}");
        assert_eq!(nesting_codes(&padded(n + 1)), ["E0019"], "{kind}");
    }
}

/// Through the command line, nesting far past the limit (where the stack once overflowed) is an
/// E0019 error, for every kind.
#[test]
fn deep_nesting_through_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let dir = tmp.path().join(kind);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("main.cf"), nested(kind, 100_000)).unwrap();
        let output = lsmc(&["compile".as_ref(), dir.as_os_str()]);
        let output_text = text(&output);
        assert_eq!(output.status.code(), Some(1), "{kind}: {output_text}");
        assert!(output_text.contains("[E0019]"), "{kind}: {output_text}");
    }
}

/// Values can nest without any nesting in the text: each statement wraps the value of the one
/// before. Deep enough, every walk over the value (its repr in `std::print`, the dump) once
/// overflowed the stack (50,000 levels); past 1000 levels it is an E4017 error at the dict that
/// passes the limit, for dicts in dicts and for lists of dicts.
#[test]
fn values_nested_by_statements_are_limited() {
    let tmp = tempfile::tempdir().unwrap();
    for (kind, wrap) in [("dicts", "{\"a\": P}"), ("lists", "[{\"a\": P}, 1]")] {
        let dir = tmp.path().join(kind);
        std::fs::create_dir(&dir).unwrap();
        let mut model = String::from("import std\nv0 = 1\n");
        for i in 1..=5000 {
            let previous = format!("std::inlineif(true, v{}, 0)", i - 1);
            model.push_str(&format!("v{i} = {}\n", wrap.replace('P', &previous)));
        }
        model.push_str("std::print(v5000)\n");
        std::fs::write(dir.join("main.cf"), model).unwrap();
        let output = lsmc(&["compile".as_ref(), dir.as_os_str()]);
        let output_text = text(&output);
        assert_eq!(output.status.code(), Some(1), "{kind}: {output_text}");
        assert!(output_text.contains("[E4017]"), "{kind}: {output_text}");
    }
}
