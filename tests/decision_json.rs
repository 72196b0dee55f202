//! `Decision::write_json`, the hand-written JSON of a decision that every front end
//! prints, writes exactly the bytes serde_json writes from the decision's `Serialize`
//! (the JSON the Python package and `to_value` see): on every example, on every date the
//! border policy changes around, in each language, and on decisions read back from JSON,
//! whose texts have no prepared form; and `Policy::evaluate_json_into`, which writes a
//! decision's JSON as it is assembled, writes the same bytes.

use asylon::{Decision, EvalOptions, Policy};

fn assert_same_json(decision: &Decision, what: &str) {
    let mut fast = Vec::new();
    decision.write_json(&mut fast);
    let serde = serde_json::to_vec(decision).expect("a decision is plain data");
    assert_eq!(
        String::from_utf8_lossy(&fast),
        String::from_utf8_lossy(&serde),
        "{what}"
    );
    let back: Decision = serde_json::from_slice(&serde).expect("a decision reads back");
    let mut again = Vec::new();
    back.write_json(&mut again);
    assert_eq!(again, serde, "{what}, read back from JSON");
}

#[test]
fn every_example_writes_the_json_serde_writes() {
    let policy = Policy::load("policies/us-mexico-border").expect("the border policy loads");
    let mut examples: Vec<_> = std::fs::read_dir("examples")
        .expect("examples/ is there")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 5, "the examples were found");
    for path in &examples {
        let text = std::fs::read_to_string(path).expect("an example reads");
        for as_of in ["2023-01-01", "2024-06-04", "2024-06-05", "2024-06-17"] {
            for lang in ["en", "es"] {
                let options = EvalOptions::on(as_of).expect("a date").lang(lang);
                let what = format!("{} on {as_of} in {lang}", path.display());
                let decision = match policy.evaluate_json(&what, &text, &options) {
                    Ok(decision) => decision,
                    // An example may be dated after an earlier evaluation date.
                    Err(_) if as_of != "2024-06-17" => continue,
                    Err(e) => panic!("{what}: {e:?}"),
                };
                assert_same_json(&decision, &what);
                assert_same_json(&decision.in_language("es"), &format!("{what}, in es"));
                // Written as it is assembled, with no decision built: the same bytes.
                let mut built = Vec::new();
                decision.write_json(&mut built);
                let mut written = Vec::new();
                (policy.evaluate_json_into(&what, &text, &options, &mut written))
                    .expect("decided above");
                assert_eq!(
                    String::from_utf8_lossy(&written),
                    String::from_utf8_lossy(&built),
                    "{what}, written as assembled"
                );
            }
        }
    }
}
