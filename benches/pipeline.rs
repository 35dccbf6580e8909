//! Whole-pipeline benchmarks on generated models:
//! - `check`: parse, resolve and check a project of about 10,000 lines spread over a main file and
//!   modules (the target: under 50 ms);
//! - `compile` and `export`: the scaled LSM model the reference compiler was measured on
//!   (`../shared/oracle/gen_scaled.py --kind lsm --types 10`), N = 1,000 services, with the dump.
//!   `scripts/bench.sh` times the whole process at N = 1,000 to 100,000.

use std::fmt::Write;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

// The allocator of the lsmc binary, so that the benchmarks measure what users run.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[path = "common/module_project.rs"]
mod module_project;

use lsmc::driver::{self, Checked, Input, InventoryFile};
use lsmc::project::MemoryFiles;

/// A project of `modules` modules of `entities` entities each, plus a main file that uses them.
fn project(modules: usize, entities: usize) -> (String, MemoryFiles) {
    let mut files = MemoryFiles::default();
    let mut main = String::new();
    for m in 0..modules {
        let text = module_project::module_text(entities, m, false);
        files.files.insert(format!("mod{m}"), text);
        let _ = writeln!(main, "import mod{m}");
    }
    for m in 0..modules {
        for e in 0..entities.min(10) {
            let _ = writeln!(
                main,
                "mod{m}::Item{e}(name=\"i{m}_{e}\", port={})",
                1000 + e
            );
        }
    }
    (main, files)
}

fn check(c: &mut Criterion) {
    // 20 modules x 25 entities x ~20 lines = about 10,000 lines.
    let (main, files) = project(20, 25);
    let lines: usize = files
        .files
        .values()
        .map(|t| t.lines().count())
        .sum::<usize>()
        + main.lines().count();
    let mut group = c.benchmark_group("check");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function(format!("project of {lines} lines"), |b| {
        b.iter(|| {
            let input = input_of(black_box(&main), &files);
            let checked = driver::check(&input, driver::Options::default());
            assert!(!checked.has_errors(), "the generated project checks clean");
            black_box(checked)
        })
    });
    group.finish();
}

/// The scaled model at N services, generated once into target/bench-models/.
fn scaled(n: usize) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench-models/lsm_10_{n}"));
    if !dir.join("main.cf").is_file() {
        let generator = std::env::var_os("LSMC_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared"))
            .join("oracle/gen_scaled.py");
        let status = std::process::Command::new("python3")
            .arg(&generator)
            .arg(&dir)
            .args([
                "--kind",
                "lsm",
                "--types",
                "10",
                "--instances",
                &n.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
    }
    Some(dir)
}

fn compile_and_export(c: &mut Criterion) {
    let Some(dir) = scaled(1000) else {
        eprintln!("pipeline bench: ../shared/oracle/gen_scaled.py is not available; compile/export skipped");
        return;
    };
    let main = std::fs::read_to_string(dir.join("main.cf")).expect("generated model");
    let inventory_text =
        std::fs::read_to_string(dir.join("inventory.json")).expect("generated inventory");
    let files = MemoryFiles::default();
    let mut group = c.benchmark_group("scaled lsm model, N=1000");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("compile with dump", |b| {
        b.iter(|| {
            // As `lsmc compile --no-lsm-checks`: the reference's compile.
            let mut checked = resolved(&main, &files);
            checked.read_inventory(InventoryFile {
                name: "inventory.json".to_string(),
                text: inventory_text.clone(),
            });
            let mut evaluated = checked
                .evaluate(Default::default())
                .expect("the generated model has no error");
            assert!(evaluated.diagnostics.is_empty());
            let dump = evaluated.dump(true);
            black_box(serde_json::to_string_pretty(&dump).expect("a dump is JSON"));
        })
    });
    group.bench_function("check (LSM rules)", |b| {
        let model = resolved(&main, &files).model;
        b.iter(|| black_box(lsmc::check::check(&model)))
    });
    group.bench_function("export (catalog and schemas as JSON)", |b| {
        // The generated services relate to a plain entity, which the LSM rules refuse in a
        // catalog (the reference's compile does not check them): an embedded entity here.
        let exportable = main.replace("entity Site:", "entity Site extends lsm::EmbeddedEntity:");
        assert_ne!(exportable, main, "the generated model defines Site");
        let model = resolved(&exportable, &files).model;
        b.iter(|| {
            let (statics, _) = lsmc::check::check(&model);
            let catalog = lsmc::export::catalog(&model, &statics).expect("a valid catalog");
            black_box((
                lsmc::export::to_pretty_json(&catalog),
                lsmc::export::to_pretty_json(&catalog.schemas()),
            ))
        })
    });
    group.finish();
}

fn input_of<'a>(main: &'a str, files: &'a MemoryFiles) -> Input<'a> {
    Input {
        main_name: "main.cf",
        main_text: main,
        files,
    }
}

/// A project loaded and resolved, for the benchmarks of the stages after resolve.
fn resolved(main: &str, files: &MemoryFiles) -> Checked {
    let options = driver::Options {
        lsm_checks: false,
        ..Default::default()
    };
    driver::check(&input_of(main, files), options)
}

criterion_group!(benches, check, compile_and_export);
criterion_main!(benches);
