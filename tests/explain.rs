//! `asylon explain` on the border policy's example cases: text for people (English and
//! Spanish) and JSON for tools, snapshot-tested; and the explanation always agrees with
//! the decision `eval` gives.

mod common;

use asylon::decision::Status;
use asylon::explain::explain;
use asylon::{EvalOptions, Policy};
use common::asylon;

const BORDER: &str = "policies/us-mexico-border";
const AS_OF: &str = "2024-06-17";

/// One outcome worth explaining per example: holding, defeated by an exception, not
/// holding, undetermined.
const CASES: &[(&str, &str)] = &[
    ("cannot_read_cannot_use_app", "cbp_one_exception_request"),
    ("detained_70_days_no_screening", "credible_fear_overdue"),
    (
        "entered_14_months_ago_never_applied",
        "one_year_deadline_passed",
    ),
    ("family_between_ports_during_ban", "asylum_ban_applies"),
    ("haitian_arriving_by_sea", "parole_processes_unavailable"),
    ("half_facts_unknown", "cbp_one_appointment_required"),
    ("medical_emergency_at_the_border", "asylum_ban_warning"),
    (
        "negative_screening_in_cbp_custody",
        "immigration_judge_review",
    ),
    ("unaccompanied_child_northwest_mexico", "asylum_ban_warning"),
    ("visa_holder", "asylum_ban_applies"),
];

fn run_explain(example: &str, outcome: &str, extra: &[&str]) -> String {
    let facts = format!("examples/{example}.json");
    let mut args = vec!["explain", BORDER, &facts, outcome, "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let run = asylon(&args, "");
    assert_eq!(run.code, 0, "{example} {outcome}: {}", run.stderr);
    run.stdout
}

#[test]
fn explanations_in_english_text() {
    for (example, outcome) in CASES {
        let text = run_explain(example, outcome, &[]);
        insta::assert_snapshot!(format!("{example}__{outcome}"), text);
    }
}

#[test]
fn explanations_in_spanish_text() {
    for (example, outcome) in CASES {
        let text = run_explain(example, outcome, &["--lang", "es"]);
        assert!(
            !text.contains("Why\n"),
            "{example}: English words in Spanish text"
        );
        insta::assert_snapshot!(format!("{example}__{outcome}__es"), text);
    }
}

#[test]
fn explanations_as_json() {
    for (example, outcome) in CASES {
        let text = run_explain(example, outcome, &["--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&text).expect("one JSON object");
        // The revision changes with every edit of the policy, not with what is explained.
        insta::assert_json_snapshot!(format!("{example}__{outcome}__json"), json, {
            ".revision" => "[revision]",
        });
    }
}

#[test]
fn the_exception_that_defeated_a_rule_is_named() {
    let text = run_explain(
        "unaccompanied_child_northwest_mexico",
        "asylum_ban_warning",
        &["--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["status"], "does_not_hold");
    assert_eq!(json["condition"]["value"], true, "its own condition held");
    assert_eq!(
        json["defeated_by"],
        serde_json::json!(["asylum_ban_warning.unless.1"])
    );
    assert_eq!(json["exceptions"][0]["applies"], true);
}

/// For every example and every outcome, the explanation's status, missing facts and
/// defeating exceptions are the decision's.
#[test]
fn explanations_agree_with_decisions() {
    let policy = Policy::load(BORDER).expect("the policy checks");
    let options = EvalOptions::on(AS_OF).expect("a date");
    for entry in std::fs::read_dir("examples").expect("the examples") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let facts = policy.facts_from_json(&text).expect("valid facts");
        let decision = policy.evaluate(&facts, &options).expect("a decision");
        for &id in &policy.checked().outcomes {
            let name = &policy.checked().rule(id).name;
            let e = explain(&policy, &facts, &options, name).expect("an explanation");
            let status = decision.status(name).expect("a status");
            assert_eq!(e.status, status, "{}: {name}", path.display());
            let condition_known = !e.condition.value.is_null();
            match status {
                Status::Undetermined => {
                    let u = decision.undetermined.iter().find(|u| &u.id == name);
                    assert_eq!(
                        Some(e.missing.clone()),
                        u.map(|u| u.missing.iter().map(|m| m.to_string()).collect())
                    );
                }
                Status::Holds => assert_eq!(e.condition.value, true, "{name}"),
                Status::DoesNotHold => {
                    let applied = e.exceptions.iter().any(|x| x.applies == Some(true));
                    assert!(
                        e.condition.value == false || applied,
                        "{}: {name} does not hold, so its condition is false or an exception applied",
                        path.display()
                    );
                    assert!(condition_known || applied);
                }
            }
        }
    }
}

#[test]
fn an_unknown_outcome_is_a_usage_error_with_a_suggestion() {
    let run = asylon(
        &[
            "explain",
            BORDER,
            "examples/visa_holder.json",
            "asylum_ban_aplies",
            "--as-of",
            AS_OF,
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("asylon::unknown_outcome"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `asylum_ban_applies`?"),
        "{}",
        run.stderr
    );
}
