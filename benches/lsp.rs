//! The editor analysis on the border policy (seven files): what `asylon lsp` computes
//! after each edit (parse, check, lint, index: the diagnostics), and for a hover, a
//! go to definition and a completion. Targets: an edit to its diagnostics under 20 ms,
//! hover and definition under 5 ms.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use asylon::analysis::Analysis;

const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/us-mexico-border");
const BAN: &str = "20-asylum-ban.asylon";

fn lsp(c: &mut Criterion) {
    let mut paths: Vec<_> = std::fs::read_dir(POLICY)
        .expect("a directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "asylon"))
        .collect();
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(p).expect("readable"))
        })
        .collect();
    let edited = |n: usize| {
        files
            .iter()
            .map(|(name, text)| {
                let text = if name == BAN {
                    text.replace("= 2500", &format!("= {}", 2500 + n))
                } else {
                    text.clone()
                };
                (name.clone(), text)
            })
            .collect::<Vec<_>>()
    };
    let mut n = 0;
    c.bench_function("lsp: edit → diagnostics (analyse the policy)", |b| {
        b.iter(|| {
            n += 1;
            let analysis = Analysis::new(edited(n % 7));
            black_box(analysis.problems().len())
        })
    });
    let analysis = Analysis::new(files.clone());
    let ban = analysis.file_named(BAN).expect("the file is there");
    let text = &files.iter().find(|(n, _)| n == BAN).expect("the file").1;
    let use_of = text.find("unauthorized").expect("a use") + 1;
    c.bench_function("lsp: hover", |b| {
        b.iter(|| black_box(analysis.hover(ban, use_of)))
    });
    c.bench_function("lsp: definition (across files)", |b| {
        b.iter(|| black_box(analysis.definition(ban, use_of)))
    });
    let after_is = text.find("entry.method is ").expect("an `is`") + "entry.method is ".len();
    c.bench_function("lsp: completion after `is`", |b| {
        b.iter(|| black_box(analysis.complete(ban, after_is)))
    });
    c.bench_function("lsp: references (across files)", |b| {
        b.iter(|| black_box(analysis.references(ban, use_of, true)))
    });
    c.bench_function("lsp: semantic tokens", |b| {
        b.iter(|| black_box(analysis.tokens(ban)))
    });
}

criterion_group!(benches, lsp);
criterion_main!(benches);
