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
