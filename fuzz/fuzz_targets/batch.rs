//! Batch lines: any bytes as one input line of `asylon batch` on the border policy, in
//! compact form (the compiled evaluator, one case at a time and in lanes of 64) and in
//! full (the reference evaluator). Each gives one JSON result line numbered as given, the
//! two compact forms are the same text, and compact and full agree on every verdict and
//! every missing fact.
#![no_main]

use std::sync::LazyLock;

use asylon::internal::batch::LineEvaluator;
use asylon::{EvalOptions, Policy};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Evaluators {
    compact: LineEvaluator,
    full: LineEvaluator,
}

static EVALUATORS: LazyLock<Evaluators> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/us-mexico-border");
    // INVARIANT: the border policy is checked by the test suite.
    let policy = Policy::load(dir).expect("the border policy checks");
    let options = EvalOptions::on("2024-06-17").expect("a valid date");
    Evaluators {
        compact: LineEvaluator::new(policy.clone(), options.clone(), true),
        full: LineEvaluator::new(policy, options, false),
    }
});

/// `(holding ids, undetermined ids with their missing facts)` of a result line.
fn verdicts(line: &Value, compact: bool) -> Option<(Vec<String>, Vec<(String, Value)>)> {
    let result = line.get("result")?;
    let holds_key = if compact { "holds" } else { "outcomes" };
    let mut holds: Vec<String> = result[holds_key]
        .as_array()?
        .iter()
        .map(|o| o.as_str().map(String::from).or_else(|| o["id"].as_str().map(String::from)))
        .collect::<Option<_>>()?;
    holds.sort();
    let mut undetermined: Vec<(String, Value)> = result["undetermined"]
        .as_array()?
        .iter()
        .map(|u| Some((u["id"].as_str()?.to_string(), u["missing"].clone())))
        .collect::<Option<_>>()?;
    undetermined.sort_by(|a, b| a.0.cmp(&b.0));
    Some((holds, undetermined))
}

fuzz_target!(|data: &[u8]| {
    if data.contains(&b'\n') {
        return;
    }
    let e = &*EVALUATORS;
    let (mut compact_out, mut full_out) = (Vec::new(), Vec::new());
    let compact_ok = e.compact.line(&mut e.compact.scratch(), 7, data, &mut compact_out);
    let full_ok = e.full.line(&mut e.full.scratch(), 7, data, &mut full_out);
    let mut lanes_out = Vec::new();
    let errors = e.compact.lines(&mut e.compact.worker(), 7, data, &[(0, data.len())], &mut lanes_out);
    assert_eq!(lanes_out, compact_out, "one case at a time and in lanes differ");
    assert_eq!(errors, usize::from(!compact_ok));
    let compact_out = String::from_utf8(compact_out).expect("a result line is UTF-8");
    let full_out = String::from_utf8(full_out).expect("a result line is UTF-8");
    assert_eq!(compact_ok, full_ok, "one form failed, the other did not:\n{compact_out}\n{full_out}");
    let compact: Value = serde_json::from_str(compact_out.trim_end()).expect("a compact result line is JSON");
    let full: Value = serde_json::from_str(full_out.trim_end()).expect("a full result line is JSON");
    assert_eq!(compact["line"], 7);
    assert_eq!(full["line"], 7);
    if compact_ok {
        assert_eq!(verdicts(&compact, true), verdicts(&full, false), "compiled and reference disagree");
    }
});
