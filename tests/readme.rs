//! The README teaches the language with a policy: it must stay a valid one.

use asylon::{EvalOptions, Policy};

#[test]
fn the_readme_policy_checks_and_evaluates() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```asylon\n")
        .expect("the README has an asylon example")
        + "```asylon\n".len();
    let end = start + readme[start..].find("```").expect("the example is closed");
    let policy =
        Policy::from_source("README.md", &readme[start..end]).expect("the README policy checks");
    let decision = policy
        .evaluate_json(
            "case.json",
            r#"{"authorization": "none", "border": {"daily_crossings_average": 2600},
                "person": {"unaccompanied_child": true}}"#,
            &EvalOptions::on("2024-06-17").unwrap(),
        )
        .expect("the case evaluates");
    assert_eq!(
        decision.status("asylum_ban_in_effect"),
        Some(asylon::Status::Holds)
    );
    assert_eq!(
        decision.status("asylum_ban_applies"),
        Some(asylon::Status::DoesNotHold)
    );
    assert_eq!(
        decision.does_not_hold[0].defeated_by[0].exception,
        "unaccompanied_children"
    );
}
