//! Parsing and checking any text as a policy, then evaluating it with no facts: a policy
//! or diagnostics, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(policy) = asylon::Policy::from_source("fuzz.asylon", text) {
        let options = asylon::EvalOptions::on("2024-06-17").expect("a valid date");
        if let Ok(facts) = policy.facts_from_json("{}") {
            let _ = policy.evaluate(&facts, &options);
        }
    }
});
