//! The cost of Python plugins, measured through `lsmc compile` as a user runs it:
//! - `python_plugin/start`: a model with one Python plugin call (the plugin host's start-up, a
//!   Python process importing inmanta-core, is most of it);
//! - `python_plugin/calls_2001`: the same with 2,000 more calls; the difference of the two,
//!   divided by 2,000, is the cost of one call after start-up (printed; target under 50 µs).
//!
//! The environment is `$LSMC_TEST_PYTHON`, else `target/python-venv` (scripts/test.sh makes it);
//! without one the bench says so and measures nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

const CALLS: usize = 2000;

/// A project over the plugin test module, with `calls` more plugin calls than one.
fn project(calls: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench-models/plugin_host/calls_{calls}"));
    std::fs::create_dir_all(&dir).unwrap();
    let libs = root.join("fixtures/plugins/python/libs");
    std::fs::write(
        dir.join("project.yml"),
        format!("modulepath: {}\n", libs.display()),
    )
    .unwrap();
    let mut main = String::from("import pyplug\n\nfirst = pyplug::add(0)\n");
    if calls > 0 {
        let _ = writeln!(
            main,
            "for i in std::sequence({calls}):\n    x = pyplug::add(i)\nend"
        );
    }
    std::fs::write(dir.join("main.cf"), main).unwrap();
    dir
}

fn venv() -> Option<PathBuf> {
    let venv = std::env::var_os("LSMC_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/python-venv"));
    venv.join("bin/python").exists().then_some(venv)
}

fn compile(dir: &Path, venv: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_lsmc"))
        .arg("compile")
        .arg(dir)
        .arg("--python")
        .arg(venv)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("lsmc runs");
    assert!(status.success(), "the bench model compiles");
    start.elapsed()
}

fn python_plugins(c: &mut Criterion) {
    let Some(venv) = venv() else {
        eprintln!("no Python environment with inmanta-core (scripts/test.sh makes target/python-venv): nothing measured");
        return;
    };
    let one = project(0);
    let many = project(CALLS);
    let mut group = c.benchmark_group("python_plugin");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    group.bench_function("start", |b| b.iter(|| compile(&one, &venv)));
    group.bench_function(format!("calls_{}", CALLS + 1), |b| {
        b.iter(|| compile(&many, &venv))
    });
    group.finish();
    // The per-call figure, from the fastest of a few runs of each (the others measure noise).
    let fastest = |dir: &Path| (0..5).map(|_| compile(dir, &venv)).min().unwrap();
    let (start, all) = (fastest(&one), fastest(&many));
    let per_call = all.saturating_sub(start) / CALLS as u32;
    eprintln!(
        "python_plugin: start-up {:.0} ms, one call after start-up {:.1} µs",
        start.as_secs_f64() * 1e3,
        per_call.as_secs_f64() * 1e6
    );
}

criterion_group!(benches, python_plugins);
criterion_main!(benches);
