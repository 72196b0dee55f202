//! Errors a program can use: every problem of a fact set in one run, each as a record
//! with its code, help and place, the same on `eval`, `check` and batch lines.

mod common;

use common::asylon;
use serde_json::{json, Value};

const POLICY: &str = "policies/us-mexico-border";
const AS_OF: &str = "2024-06-17";

/// Five problems: a misspelt key, a wrong type, a bad variant, a bad date, a number
/// below its bound; and a flattened key.
const SIX_PROBLEMS: &str = r#"{
  "fear_statd": true,
  "person": {"fears_return": "yes", "persecution_grounds": ["religion"]},
  "entry": {"method": "by_boat", "date": "2024-02-30"},
  "border": {"daily_crossings_average": -4},
  "person.unaccompanied_child": true
}
"#;

fn eval(format: &str, facts: &str) -> common::Run {
    asylon(
        &["eval", POLICY, "-", "--as-of", AS_OF, "--format", format],
        facts,
    )
}

#[test]
fn a_fact_set_with_several_problems_reports_them_all_at_once() {
    let text = eval("text", SIX_PROBLEMS);
    assert_eq!(text.code, 1);
    assert!(text.stdout.is_empty(), "{}", text.stdout);
    insta::assert_snapshot!("six_problems_text", text.stderr);

    let run = eval("json", SIX_PROBLEMS);
    assert_eq!(run.code, 1, "the exit code does not depend on the format");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert_eq!(report["ok"], false);
    let places: Vec<(&str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap(),
                e["location"]["path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("asylon::facts::unknown_fact", "fear_statd"),
            ("asylon::facts::wrong_type", "person.fears_return"),
            ("asylon::facts::not_in_enum", "entry.method"),
            ("asylon::facts::wrong_type", "entry.date"),
            (
                "asylon::facts::out_of_range",
                "border.daily_crossings_average"
            ),
            ("asylon::facts::unknown_fact", "person.unaccompanied_child"),
        ]
    );
    insta::assert_json_snapshot!("six_problems_json", report);
}

#[test]
fn a_flattened_key_is_told_how_to_nest() {
    let run = eval("json", r#"{"person.unaccompanied_child": true}"#);
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let error = &report["errors"][0];
    assert_eq!(
        error["help"],
        "facts are nested by group, not written with dots: write {\"person\": {\"unaccompanied_child\": true}}"
    );
    assert_eq!(
        error["location"],
        json!({"in": "fact", "path": "person.unaccompanied_child", "line": 1, "column": 2})
    );
}

#[test]
fn a_flattened_key_that_names_no_fact_says_so_and_what_was_meant() {
    let run = eval(
        "json",
        r#"{"person.fear_return": true, "entry.method.by": "sea", "person.detained": true}"#,
    );
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let helps: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        [
            "facts are nested by group, not written with dots: write {\"person\": {\"fear_return\": true}}; \
             but `person` has no fact `fear_return`; did you mean `person.fears_return`?",
            "facts are nested by group, not written with dots: write {\"entry\": {\"method\": {\"by\": \"sea\"}}}; \
             but `entry.method` has no fact `by`",
            "facts are nested by group, not written with dots: write {\"person\": {\"detained\": true}}; \
             but `person` has no fact `detained`",
        ]
    );
}

#[test]
fn past_twenty_problems_the_rest_are_counted() {
    let keys: Vec<String> = (0..25).map(|i| format!("\"nope_{i}\": {i}")).collect();
    let run = eval("json", &format!("{{{}}}", keys.join(", ")));
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 21);
    assert_eq!(errors[19]["location"]["path"], "nope_19");
    assert_eq!(errors[20]["code"], "asylon::facts::more");
    assert_eq!(errors[20]["message"], "and 5 more problems in the facts");
    assert_eq!(errors[20]["location"], Value::Null);
}

#[test]
fn a_json_syntax_error_points_into_the_fact_text() {
    let run = eval("json", "{\n  \"fear_stated\": true,\n}");
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"][0]["code"], "asylon::facts::json");
    assert_eq!(
        report["errors"][0]["location"],
        json!({"in": "fact_text", "line": 3, "column": 1})
    );
}

#[test]
fn contradictory_facts_point_at_the_first_fact_involved() {
    let run = eval(
        "json",
        r#"{"entry": {"method": "not_yet_entered", "date": "2024-06-01"}}"#,
    );
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let error = &report["errors"][0];
    assert_eq!(error["code"], "asylon::facts::impossible");
    assert_eq!(error["location"]["in"], "fact");
    assert!(error["help"].as_str().unwrap().contains("`entry.date`"));
}

#[test]
fn policy_errors_name_file_line_column_and_related_places() {
    let run = asylon(
        &[
            "check",
            "tests/fixtures/invalid/duplicate_name.asylon",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("duplicate_name_json", report);
    // The same record on a failing `eval`: the policy is read first.
    let run = asylon(
        &[
            "eval",
            "tests/fixtures/invalid/syntax_unexpected.asylon",
            "-",
            "--format",
            "json",
        ],
        "{}",
    );
    assert_eq!(run.code, 1);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"][0]["code"], "asylon::syntax");
    assert_eq!(
        report["errors"][0]["location"],
        json!({
            "in": "policy",
            "file": "tests/fixtures/invalid/syntax_unexpected.asylon",
            "line": 4,
            "column": 9
        })
    );
}

#[test]
fn a_batch_error_line_names_the_fact_s_path() {
    let input = [
        r#"{"person": {"fears_return": "yes"}}"#,
        r#"{"person.unaccompanied_child": true}"#,
        "{bad",
    ]
    .join("\n");
    let run = asylon(&["batch", POLICY, "-", "--as-of", AS_OF], &input);
    assert_eq!(run.code, 1);
    let errors: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["error"].clone())
        .collect();
    assert_eq!(errors[0]["path"], "person.fears_return");
    assert_eq!(errors[0]["column"], 29);
    assert_eq!(errors[1]["path"], "person.unaccompanied_child");
    assert!(errors[1]["help"]
        .as_str()
        .unwrap()
        .contains(r#"write {"person": {"unaccompanied_child": true}}"#));
    assert_eq!(errors[2]["path"], Value::Null, "a syntax error has no path");
}
