//! The language server's latency, measured through `lsmc lsp` over stdio as an editor sees it:
//! - after a one-character edit in a project of about 10,000 lines over 20 files, the time until
//!   the edited file's diagnostics are published (its median and 95th percentile are printed);
//! - a hover and a completion answered in that project;
//! - the server's peak memory with every module of the public corpus (`corpus/`, see
//!   scripts/fetch-corpus.sh) open in one project.

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;
#[path = "common/module_project.rs"]
mod module_project;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_client::{uri, Client};
use serde_json::json;

/// A project of 19 modules and a main file, about 10,000 lines, written once under
/// target/bench-models/lsp/.
fn project() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-models/lsp");
    let modules = 19;
    let entities = 26;
    let mut main = String::new();
    for m in 0..modules {
        let text = module_project::module_text(entities, m, true);
        let model = dir.join(format!("libs/mod{m}/model"));
        std::fs::create_dir_all(&model).unwrap();
        std::fs::write(model.join("_init.cf"), text).unwrap();
        let _ = writeln!(main, "import mod{m}");
    }
    for m in 0..modules {
        for e in 0..entities.min(20) {
            let _ = writeln!(
                main,
                "item_{m}_{e} = mod{m}::Item{e}(name=\"i{m}_{e}\", port={})",
                1000 + e
            );
        }
    }
    std::fs::write(dir.join("main.cf"), main).unwrap();
    dir
}

fn lines_of(dir: &Path) -> usize {
    let mut count = std::fs::read_to_string(dir.join("main.cf"))
        .unwrap()
        .lines()
        .count();
    for entry in std::fs::read_dir(dir.join("libs")).unwrap() {
        let file = entry.unwrap().path().join("model/_init.cf");
        count += std::fs::read_to_string(file).unwrap().lines().count();
    }
    count
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at]
}

fn latency(c: &mut Criterion) {
    let dir = project();
    let lines = lines_of(&dir);
    let main = std::fs::canonicalize(dir.join("main.cf")).unwrap();
    let module = std::fs::canonicalize(dir.join("libs/mod7/model/_init.cf")).unwrap();
    let module_uri = uri(&module);
    let module_text = std::fs::read_to_string(&module).unwrap();
    let mut client = Client::start();
    client.initialize();
    client.open(&uri(&main), &std::fs::read_to_string(&main).unwrap());
    client.diagnostics_for(&uri(&main));
    client.open(&module_uri, &module_text);
    client.diagnostics_for(&module_uri);

    // One character typed into a type name and taken out again, in turn: each edit changes what
    // is published (an unknown type, then none).
    let at = module_text.find("    port_t port").unwrap() + "    port_t".len();
    let line = module_text[..at].matches('\n').count() as u32;
    let column = (at - module_text[..at].rfind('\n').unwrap() - 1) as u32;
    let mut version = 1;
    let mut typed = false;
    let mut samples = Vec::new();
    let mut group = c.benchmark_group(format!("lsp, project of {lines} lines in 20 files"));
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("diagnostics after a one-character edit", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                version += 1;
                let change = if typed {
                    json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": ""})
                } else {
                    json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "x"})
                };
                typed = !typed;
                let start = Instant::now();
                client.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": module_uri, "version": version}, "contentChanges": [change]}),
                );
                let published = client.diagnostics_for(&module_uri);
                let took = start.elapsed();
                assert_eq!(published.as_array().unwrap().is_empty(), !typed, "{published}");
                samples.push(took);
                total += took;
            }
            total
        })
    });
    if typed {
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": module_uri, "version": version}, "contentChanges": [{"text": module_text}]}),
        );
        client.diagnostics_for(&module_uri);
    }
    let hover_at = json!({"line": line, "character": column - 3});
    // `self.` in the implementation of the same entity, for the completion.
    let dot = module_text.find("self.enabled").unwrap() + "self.".len();
    let dot_line = module_text[..dot].matches('\n').count() as u32;
    let dot_column = (dot - module_text[..dot].rfind('\n').unwrap() - 1) as u32;
    group.bench_function("hover", |b| {
        b.iter(|| {
            let response = client.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": module_uri}, "position": hover_at}),
            );
            assert!(response["result"]["contents"].is_object(), "{response}");
        })
    });
    let completion_at = json!({"line": dot_line, "character": dot_column});
    group.bench_function("completion after a dot", |b| {
        b.iter(|| {
            let response = client.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": module_uri}, "position": completion_at}),
            );
            assert!(
                response["result"]
                    .as_array()
                    .is_some_and(|items| items.len() >= 4),
                "{response}"
            );
        })
    });
    group.finish();
    if !samples.is_empty() {
        let median = percentile(&mut samples, 0.5);
        let p95 = percentile(&mut samples, 0.95);
        eprintln!(
            "lsp: diagnostics after a one-character edit ({} edits): median {median:.2?}, p95 {p95:.2?}",
            samples.len()
        );
    }
    client.shutdown_and_exit();
}

/// Peak resident memory of a process, from /proc (Linux).
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn corpus_memory(_: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules_dir = root.join("corpus/modules");
    let site = root.join("corpus/site");
    if !modules_dir.is_dir() {
        eprintln!("lsp bench: corpus/ is not fetched (scripts/fetch-corpus.sh); memory skipped");
        return;
    }
    // A project that imports every module of the corpus, with every file of them open.
    let dir = root.join("target/bench-models/lsp-corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut main = String::new();
    let mut roots: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(&modules_dir).unwrap().flatten() {
        roots.push(entry.path());
    }
    for entry in std::fs::read_dir(site.join("inmanta_plugins"))
        .into_iter()
        .flatten()
        .flatten()
    {
        roots.push(entry.path());
    }
    roots.sort();
    for module in &roots {
        let name = module.file_name().unwrap().to_string_lossy().to_string();
        if name == "std" || !module.join("model/_init.cf").is_file() {
            continue;
        }
        let _ = writeln!(main, "import {name}");
        let mut stack = vec![module.join("model")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "cf") {
                    files.push(std::fs::canonicalize(&p).unwrap());
                }
            }
        }
    }
    std::fs::write(dir.join("main.cf"), &main).unwrap();
    std::fs::write(
        dir.join("project.yml"),
        format!("name: corpus\nmodulepath: {}\n", modules_dir.display()),
    )
    .unwrap();
    let mut client = Client::start();
    client.initialize_with(json!({"pythonPath": [site]}));
    let main_uri = uri(&std::fs::canonicalize(dir.join("main.cf")).unwrap());
    client.open(&main_uri, &main);
    client.diagnostics_for(&main_uri);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        client.open(&uri(file), &text);
    }
    // Every file checked: a request answers after the checks the opens asked for.
    for file in &files {
        client.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(file)}}),
        );
    }
    let peak = peak_memory_kib(client.pid());
    client.shutdown_and_exit();
    match peak {
        Some(kib) => eprintln!(
            "lsp: peak memory with the corpus open ({} modules, {} files): {:.1} MiB",
            roots.len(),
            files.len(),
            kib as f64 / 1024.0
        ),
        None => eprintln!("lsp bench: /proc is not readable; memory not measured"),
    }
}

criterion_group!(benches, latency, corpus_memory);
criterion_main!(benches);
