//! How long a person waits between two questions of an interview, and for an
//! explanation, on the U.S.–Mexico border policy.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};

use asylon::explain::explain;
use asylon::interview::Interview;
use asylon::{EvalOptions, Policy};

fn interview(c: &mut Criterion) {
    let policy = Policy::load("policies/us-mexico-border").expect("the policy checks");
    let options = EvalOptions::on("2024-06-17").expect("a date");
    let start = Interview::new(&policy, options.clone(), serde_json::json!({}))
        .expect("no facts are valid");
    let first = start.next_question().expect("a first question");

    c.bench_function("interview/next_question (no facts)", |b| {
        b.iter(|| start.next_question())
    });
    c.bench_function("interview/answer + next_question", |b| {
        b.iter(|| {
            let mut i = start.clone();
            i.answer(first.fact, serde_json::json!(false))
                .expect("a valid answer");
            i.next_question()
        })
    });

    let text = std::fs::read_to_string("examples/family_between_ports_during_ban.json")
        .expect("the example");
    let facts = policy.facts_from_json(&text).expect("valid facts");
    c.bench_function("explain/asylum_ban_applies (family example)", |b| {
        b.iter(|| explain(&policy, &facts, &options, "asylum_ban_applies").expect("explained"))
    });
}

criterion_group!(benches, interview);
criterion_main!(benches);
