//! Lexer and parser throughput on a generated ~10 MB model.
//!
//! The model (`common/parse_model.rs`) repeats a block of varied, realistic definitions.
//! `cargo bench --bench parse` reports MB/s for lexing and for lexing and parsing
//! (`parse_module`). The tree is dropped outside the timed part: dropping is not parsing.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

// The allocator of the lsmc binary, so that the benchmarks measure what users run.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use lsmc::lexer::lex;
use lsmc::parser::parse_module;
use lsmc::source::FileId;

#[path = "common/parse_model.rs"]
mod parse_model;
use parse_model::model;

const TARGET_BYTES: usize = 10 * 1024 * 1024;

fn bench(c: &mut Criterion) {
    let text = model(TARGET_BYTES);
    // The benchmark measures valid input: a model with errors would take recovery paths.
    let (module, diagnostics) = parse_module(&text, FileId(0));
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors.is_empty(),
        "the generated model has {} errors, the first: {:?} in {:?}",
        errors.len(),
        errors.first(),
        errors
            .first()
            .and_then(|d| d.primary_span())
            .map(|s| &text[s.start as usize - 100..s.end as usize + 20])
    );
    eprintln!(
        "model: {:.1} MB, {} tokens, {} items",
        text.len() as f64 / 1e6,
        lex(&text, FileId(0)).tokens.len(),
        module.items.len()
    );

    let mut group = c.benchmark_group("parse");
    // Decimal megabytes per second, the unit of the target.
    group.throughput(Throughput::BytesDecimal(text.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("lex", |b| {
        b.iter(|| lex(black_box(&text), FileId(0)).tokens.len())
    });
    group.bench_function("lex+parse", |b| {
        b.iter_batched(
            || (),
            |()| parse_module(black_box(&text), FileId(0)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
