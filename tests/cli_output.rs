//! The command line's outputs: standard output when its reader goes away early (`lsmc ... |
//! head`), and an output file that can not be written.

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

/// A dump into a folder that does not exist: the tool's failure (exit 2) names the folder, and
/// nothing is written.
#[test]
fn dump_into_a_missing_folder_fails_cleanly() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/vpn-service");
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing");
    let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .arg("compile")
        .arg(&example)
        .arg("--inventory")
        .arg(example.join("inventory.json"))
        .arg("--dump")
        .arg(missing.join("dump.json"))
        .output()
        .expect("lsmc runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("can not write in {}", missing.display())),
        "{stderr}"
    );
    assert!(!stderr.contains(".lsmc-"), "no temporary name: {stderr}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// An output that is neither a file nor a folder (a named pipe here; `/dev/null`,
/// `/dev/stdout`) is written in place: renaming a finished file over it would replace it.
#[test]
fn output_to_a_named_pipe_is_written_in_place() {
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/vpn-service");
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    let made = Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available: skipped");
        return;
    }
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).expect("the pipe is readable"))
    };
    let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .args(["schema", "vpn"])
        .arg(&example)
        .arg("-o")
        .arg(&pipe)
        .output()
        .expect("lsmc runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let schema: serde_json::Value =
        serde_json::from_str(&reader.join().unwrap()).expect("the schema came through the pipe");
    assert_eq!(schema["title"], "vpn");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo());
}
