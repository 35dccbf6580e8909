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
            assert_eq!(output.status.code(), Some(1), "{command} {name}: {output_text}");
            assert!(output_text.contains("[E1020]"), "{output_text}");
        }
    }
}
