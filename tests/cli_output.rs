//! The command line's standard output when its reader goes away early (`lsmc ... | head`).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A reader that stops after the first bytes does not make lsmc panic: the rest of the output is
/// dropped and the run ends with the model's status (0 for the example project).
#[test]
fn closed_standard_output_is_not_a_panic() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/vpn-service");
    let mut child = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .arg("compile")
        .arg(&example)
        .arg("--inventory")
        .arg(example.join("inventory.json"))
        .args(["--dump", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lsmc runs");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("piped")
        .read_exact(&mut first)
        .expect("the dump starts");
    // The read end is closed here, before lsmc has written the whole dump.
    let output = child.wait_with_output().expect("lsmc ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
