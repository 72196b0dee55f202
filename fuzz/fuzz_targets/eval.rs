//! A fixed policy (the border policy and the test policy with every type) evaluated on
//! any bytes as facts: a decision or a diagnostic, never a crash; a decision's
//! hand-written JSON is the JSON serde_json writes of it; and the decision from the text
//! (which starts from the compiled pass) is the one the reference evaluator makes alone
//! from the same facts.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

macro_rules! policy_files {
    ($($path:literal),* $(,)?) => {
        vec![$(($path.to_string(), include_str!(concat!("../../", $path)).to_string())),*]
    };
}

static POLICIES: LazyLock<Vec<asylon::Policy>> = LazyLock::new(|| {
    let family = policy_files![
        "tests/fixtures/valid/family/00-header.asylon",
        "tests/fixtures/valid/family/10-rules.asylon",
        "tests/fixtures/valid/family/20-consistency.asylon",
    ];
    let border = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../policies/us-mexico-border"))
        .map(|dir| {
            let mut files: Vec<_> = dir.filter_map(Result::ok).map(|e| e.path()).collect();
            files.sort();
            files
                .into_iter()
                .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    // INVARIANT: these policies are checked by the test suite.
    vec![
        asylon::Policy::from_sources(family).expect("the family policy checks"),
        asylon::Policy::from_sources(border).expect("the border policy checks"),
    ]
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = asylon::EvalOptions::on("2024-06-17").expect("a valid date");
    for policy in POLICIES.iter() {
        let from_text = policy.evaluate_json("fuzz.json", text, &options);
        let reference = policy
            .facts_from_json(text)
            .and_then(|facts| policy.evaluate(&facts, &options));
        match (&from_text, &reference) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "the decision from the text"),
            (Err(_), Err(_)) => {}
            _ => panic!("one evaluation failed, the other did not"),
        }
        if let Ok(decision) = from_text {
            let mut fast = Vec::new();
            decision.write_json(&mut fast);
            // INVARIANT: a decision is plain data: strings, numbers, lists and maps.
            let serde = serde_json::to_vec(&decision).expect("a decision serializes");
            assert_eq!(fast, serde, "Decision::write_json wrote other bytes than serde_json");
        }
    }
});
