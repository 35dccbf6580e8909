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

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/vpn-service")
}

/// `lsmc ARGS`: exit code and stderr.
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .args(args)
        .output()
        .expect("lsmc runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn is_char_device(path: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

/// Devices stay devices: `export -o /dev/null` writes into it (as root, a rename once replaced
/// it by a regular file), and `--dump /dev/full` is the tool's failure (exit 2), not a new file.
#[test]
fn devices_are_written_in_place() {
    let example = example();
    let (status, stderr) = run(&[
        "export".as_ref(),
        example.as_os_str(),
        "-o".as_ref(),
        "/dev/null".as_ref(),
    ]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(is_char_device("/dev/null"));
    if !is_char_device("/dev/full") {
        eprintln!("/dev/full is not available: the rest is skipped");
        return;
    }
    let (status, stderr) = run(&[
        "compile".as_ref(),
        example.as_os_str(),
        "--no-instances".as_ref(),
        "--dump".as_ref(),
        "/dev/full".as_ref(),
    ]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("can not write /dev/full: No space left on device"),
        "{stderr}"
    );
    assert!(is_char_device("/dev/full"));
}

/// `--dump -` into a full disk (standard output redirected to /dev/full): once a success over a
/// truncated dump, now the tool's failure with the cause.
#[test]
fn standard_output_write_errors_are_failures() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("/dev/full is not available: skipped");
        return;
    };
    for args in [
        &["compile", "--no-instances", "--dump", "-"][..],
        &["export", "-o", "-"][..],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
            .arg(args[0])
            .arg(example())
            .args(&args[1..])
            .stdout(full.try_clone().unwrap())
            .output()
            .expect("lsmc runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("can not write to standard output: No space left on device"),
            "{stderr}"
        );
    }
}

/// A symbolic link is followed: its target gets the output and the link stays a link (also a
/// link to a file that does not exist yet); a file that exists keeps its mode (0600 here) and,
/// as root, its owner.
#[test]
fn links_are_followed_and_modes_kept() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    // As root (as CI runs), the file of another user stays that user's.
    let other_owner = std::os::unix::fs::chown(&real, Some(65534), Some(65534)).is_ok();
    let link = tmp.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let dangling = tmp.path().join("dangling.json");
    std::os::unix::fs::symlink("new.json", &dangling).unwrap();
    for out in [&link, &dangling] {
        let (status, stderr) = run(&[
            "export".as_ref(),
            example().as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert_eq!(status, Some(0), "{stderr}");
        let meta = std::fs::symlink_metadata(out).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "{} is still a link",
            out.display()
        );
    }
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(
        written.starts_with('{'),
        "the target was written: {written}"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    if other_owner {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&real).unwrap().uid(), 65534);
    }
    assert!(std::fs::read_to_string(tmp.path().join("new.json"))
        .unwrap()
        .starts_with('{'));
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "no temporary file is left: {names:?}");
}

/// `-o X --schemas X` once kept only the schemas: two outputs to one file are refused before
/// anything is written, also through a link.
#[test]
fn clashing_outputs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out.json");
    std::fs::write(&out, "untouched").unwrap();
    let link = tmp.path().join("link.json");
    std::os::unix::fs::symlink("out.json", &link).unwrap();
    for schemas in [&out, &link] {
        let (status, stderr) = run(&[
            "export".as_ref(),
            example().as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--schemas".as_ref(),
            schemas.as_os_str(),
        ]);
        assert_eq!(status, Some(2), "{stderr}");
        assert!(
            stderr.contains("the catalog and the schemas would both be written to"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "untouched");
    }
}

/// A run killed while it writes (SIGKILL can not be caught) leaves its temporary file beside the
/// target, visible (`<target>.lsmc-partial-<pid>-...`): the next run that writes the target
/// removes it once that process is gone, and keeps those of a process that still runs.
#[test]
fn leftovers_of_killed_runs_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dump.json");
    // Above any process id Linux gives (at most 2^22).
    let stale = tmp.path().join("dump.json.lsmc-partial-999999999-abc123");
    let running = tmp.path().join(format!(
        "dump.json.lsmc-partial-{}-abc123",
        std::process::id()
    ));
    let other = tmp.path().join("other.json.lsmc-partial-999999999-abc123");
    for file in [&stale, &running, &other] {
        std::fs::write(file, "partial").unwrap();
    }
    let (status, stderr) = run(&[
        "compile".as_ref(),
        example().as_os_str(),
        "--no-instances".as_ref(),
        "--dump".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(status, Some(0), "{stderr}");
    assert!(out.is_file());
    assert!(!stale.exists(), "the leftover of a gone process is removed");
    assert!(running.exists(), "a running writer's file is kept");
    assert!(other.exists(), "another target's file is kept");
}

/// SIGTERM (as SIGINT) while the dump is written: the temporary file is removed and the run ends
/// with 128 + 15. The dump of a large inventory takes long enough to be caught in the act; a run
/// that ends before its temporary file is seen proves nothing and is tried again, larger.
#[test]
fn temporary_outputs_are_removed_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(
        model.join("main.cf"),
        "import std\nentity A:\n    int n\nend\nimplement A using std::none\nfor i in std::sequence(COUNT):\n    A(n=i)\nend\n",
    )
    .unwrap();
    for count in [200_000, 1_000_000, 5_000_000] {
        let text = std::fs::read_to_string(model.join("main.cf")).unwrap();
        std::fs::write(
            model.join("main.cf"),
            text.replace("COUNT", &count.to_string()),
        )
        .unwrap();
        let out = tmp.path().join("dump.json");
        let mut child = Command::new(env!("CARGO_BIN_EXE_lsmc"))
            .arg("compile")
            .arg(&model)
            .arg("--dump")
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .expect("lsmc runs");
        let partial = |dir: &std::path::Path| {
            std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().contains(".lsmc-partial-"))
        };
        let mut caught = false;
        while child.try_wait().unwrap().is_none() {
            if partial(tmp.path()) {
                Command::new("kill")
                    .args(["-TERM", &child.id().to_string()])
                    .status()
                    .unwrap();
                caught = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let status = child.wait().unwrap();
        if !caught {
            std::fs::write(model.join("main.cf"), text).unwrap();
            continue;
        }
        assert_eq!(status.code(), Some(128 + 15));
        assert!(!partial(tmp.path()), "the temporary file is removed");
        assert!(!out.exists());
        return;
    }
    panic!("no run was caught while writing its dump");
}
