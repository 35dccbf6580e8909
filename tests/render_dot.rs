//! `lsm::render_dot(...)` in a model writes the lifecycle's drawing into the working directory:
//! `fsm.svg` when Graphviz is installed, else `fsm.dot`.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn render_dot_writes_the_drawing() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/render_dot");
    let work = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .arg("compile")
        .arg(&fixture)
        .current_dir(work.path())
        .output()
        .expect("lsmc runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let svg = work.path().join("fsm.svg");
    let dot = work.path().join("fsm.dot");
    let graphviz = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if graphviz {
        let text = std::fs::read_to_string(&svg).expect("fsm.svg is written");
        assert!(text.contains("<svg"), "an SVG drawing");
        // lsm::fsm::simple has 17 states: one node each.
        assert_eq!(text.matches("class=\"node\"").count(), 17);
        // The drawing of `lsmc lifecycle`: its legend explains the edge codes.
        assert!(text.contains("resources deployed"), "the legend");
    } else {
        let text = std::fs::read_to_string(&dot).expect("fsm.dot is written");
        assert_eq!(
            text,
            lsmc::export::dot::render(
                &lsmc::driver::lsm_modules()
                    .lifecycle("lsm::fsm::simple")
                    .expect("a built-in lifecycle")
            ),
            "the drawing of `lsmc lifecycle`"
        );
    }
    assert!(!(svg.exists() && dot.exists()), "one drawing, not both");
}
