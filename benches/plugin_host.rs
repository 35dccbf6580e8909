//! The cost of Python plugins, measured through `lsmc compile` as a user runs it:
//! - `python_plugin/start`: a model with one Python plugin call (the plugin host's start-up, a
//!   Python process importing inmanta-core, is most of it);
//! - `python_plugin/calls_10001`: the same with 10,000 more calls; the difference of the two,
//!   divided by 10,000, is the cost of one call after start-up (printed, from the fastest of
//!   several runs of each; target under 50 µs), with lsmc's context switches in a call (from the
//!   rusage of waited-for children; lsmc does not wait for its host at exit, so the host's are
//!   not in it: `perf stat -e context-switches` counts both).
//!
//! The environment is `$LSMC_TEST_PYTHON`, else `target/python-venv` (scripts/test.sh makes it);
//! without one the bench says so and measures nothing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

const CALLS: usize = 10_000;

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

/// A compile's time and lsmc's context switches (voluntary and not).
fn compile(dir: &Path, venv: &Path) -> Duration {
    compile_counted(dir, venv).0
}

fn compile_counted(dir: &Path, venv: &Path) -> (Duration, i64) {
    let switches_before = children_context_switches();
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
    let elapsed = start.elapsed();
    (elapsed, children_context_switches() - switches_before)
}

/// The context switches of this process's children that have ended and been waited for.
fn children_context_switches() -> i64 {
    // SAFETY: getrusage writes the struct it is given, which is zeroed and of the right type.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    usage.ru_nvcsw + usage.ru_nivcsw
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
    // The per-call figure, from the fastest of several runs of each (the others measure noise),
    // the two models taking turns so that a slow spell of the machine does not fall on one only.
    let mut fastest = [(Duration::MAX, 0); 2];
    for _ in 0..7 {
        for (best, dir) in fastest.iter_mut().zip([&one, &many]) {
            *best = (*best).min(compile_counted(dir, &venv));
        }
    }
    let [(start, start_switches), (all, all_switches)] = fastest;
    let per_call = all.saturating_sub(start) / CALLS as u32;
    eprintln!(
        "python_plugin: start-up {:.0} ms, one call after start-up {:.1} µs, {:.2} context switches of lsmc a call",
        start.as_secs_f64() * 1e3,
        per_call.as_secs_f64() * 1e6,
        (all_switches - start_switches) as f64 / CALLS as f64
    );
}

criterion_group!(benches, python_plugins);
criterion_main!(benches);
