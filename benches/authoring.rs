//! The authoring tools on the border policy: running its tests (with and without
//! coverage), computing its warnings, formatting its files; and one evaluation, to see
//! that the ordinary path pays nothing for them.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use asylon::{EvalOptions, Policy};

const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/us-mexico-border");

fn authoring(c: &mut Criterion) {
    let policy = Policy::load(POLICY).expect("the border policy loads");
    c.bench_function("test: run the border policy's tests", |b| {
        b.iter(|| black_box(policy.run_tests(false)))
    });
    c.bench_function("test --coverage: run them with coverage", |b| {
        b.iter(|| black_box(policy.run_tests(true)))
    });
    c.bench_function("check: compute the warnings", |b| {
        b.iter(|| black_box(policy.warnings()))
    });
    c.bench_function("load: parse and check the policy", |b| {
        b.iter(|| black_box(Policy::load(POLICY).expect("loads")))
    });
    let files: Vec<String> = std::fs::read_dir(POLICY)
        .expect("a directory")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).expect("readable"))
        .collect();
    c.bench_function("fmt: format every file of the policy", |b| {
        b.iter(|| {
            for f in &files {
                black_box(asylon::format::format_source(f).expect("formats"));
            }
        })
    });
    let facts = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/family_between_ports_during_ban.json"
    ))
    .expect("the example exists");
    let options = EvalOptions::on("2024-06-17").expect("a date");
    c.bench_function("eval: one case", |b| {
        b.iter(|| {
            black_box(
                policy
                    .evaluate_json("case.json", &facts, &options)
                    .expect("evaluates"),
            )
        })
    });
}

criterion_group!(benches, authoring);
criterion_main!(benches);
