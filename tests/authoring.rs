//! The authoring tools through the command line: `asylon test` (with coverage).

mod common;

use common::asylon;

const BORDER: &str = "policies/us-mexico-border";
const BAN: &str = "tests/fixtures/tests/ban.asylon";

#[test]
fn the_border_policy_passes_its_own_tests() {
    let run = asylon(&["test", BORDER], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    assert!(run.stdout.contains(" 0 failed"), "{}", run.stdout);
}

#[test]
fn the_border_policy_tests_cover_every_outcome_definition_and_exception() {
    let run = asylon(&["test", BORDER, "--coverage", "--format", "json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    let coverage = &report["coverage"];
    let uncovered: Vec<&serde_json::Value> = coverage["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["covered"] != true)
        .collect();
    assert!(uncovered.is_empty(), "not covered: {uncovered:#?}");
    assert_eq!(coverage["covered"], coverage["total"]);
    // Every outcome of the policy is an item.
    let check = asylon(&["check", BORDER, "--format", "json"], "");
    let summary: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON summary");
    let outcomes = coverage["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "outcome")
        .count();
    assert_eq!(serde_json::json!(outcomes), summary["outcomes"]);
}

#[test]
fn failing_tests_show_expected_against_actual_and_exit_1() {
    let run = asylon(&["test", BAN], "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn the_json_report_counts_and_lists_tests() {
    let run = asylon(&["test", BAN, "--format", "json"], "");
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(report["passed"], 2);
    assert_eq!(report["failed"], 2);
    let tests = report["tests"].as_array().expect("tests");
    let oks: Vec<(&str, bool)> = tests
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        oks,
        [
            ("a child travelling alone is not subject to the ban", true),
            ("the ban waits on whether the person travels alone", true),
            ("a wrong expectation fails", false),
            ("wrong missing facts fail", false),
        ]
    );
    let failure = &tests[3]["failures"][0];
    assert_eq!(failure["subject"], "asylum_ban_applies");
    assert_eq!(
        failure["expected_missing"],
        serde_json::json!(["person.fears_return"])
    );
    assert_eq!(
        failure["actual_missing"],
        serde_json::json!(["authorization", "person.unaccompanied_child"])
    );
    assert!(report.get("coverage").is_none());
}

#[test]
fn coverage_lists_what_no_test_reached_with_its_location() {
    let run = asylon(&["test", BAN, "--coverage"], "");
    assert_eq!(run.code, 1);
    let coverage = &run.stdout[run.stdout.find("coverage:").expect("a coverage report")..];
    insta::assert_snapshot!(coverage);
    let json = asylon(&["test", BAN, "--coverage", "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["coverage"]["total"], 3);
    assert_eq!(report["coverage"]["covered"], 0);
    let ban = &report["coverage"]["items"][1];
    assert_eq!(ban["name"], "asylum_ban_applies");
    assert_eq!(ban["line"], 17);
    assert_eq!(ban["missing"], serde_json::json!(["holds"]));
}

#[test]
fn facts_a_test_gives_that_contradict_each_other_fail_the_test() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.asylon");
    std::fs::write(
        &path,
        r#"policy "P" version "1"
fact age: int "age"
outcome adult when age >= 18 title en "An adult"
impossible too_old when age > 150 message en "Nobody is {age} years old."
test "too old" as of 2024-01-01 given { age: 200 } expect adult holds
"#,
    )
    .unwrap();
    let run = asylon(&["test", path.to_str().unwrap()], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error: the given facts are impossible (too_old): Nobody is 200 years old."),
        "{}",
        run.stdout
    );
}

#[test]
fn an_exception_that_defeats_its_rule_is_covered_only_when_it_changes_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.asylon");
    // The exception applies in the first test, but the rule is false anyway.
    std::fs::write(
        &path,
        r#"policy "P" version "1"
fact a: bool "a"
fact b: bool "b"
outcome o when a title en "O"
exception e to o when b
test "applies without changing anything" as of 2024-01-01
  given { a: false, b: true } expect e holds expect o does not hold
"#,
    )
    .unwrap();
    let run = asylon(
        &[
            "test",
            path.to_str().unwrap(),
            "--coverage",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let e = &report["coverage"]["items"][1];
    assert_eq!(e["name"], "e");
    assert!(e["missing"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("defeats its rule")));
}
