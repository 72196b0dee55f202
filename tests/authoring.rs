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
    let tests = report["tests"].as_array().unwrap().len();
    assert_eq!(serde_json::json!(tests), summary["tests"]);
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
    assert_eq!(ban["line"], 22);
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

#[test]
fn every_lint_is_a_warning_with_code_span_and_help() {
    insta::glob!("fixtures/lints/*.asylon", |path| {
        let file = common::relative(path);
        if file.ends_with("no_false_positives.asylon") {
            return;
        }
        let run = asylon(&["check", &file], "");
        assert_eq!(run.code, 0, "{file}: warnings do not fail `check`");
        assert!(run.stdout.starts_with("ok: "), "{file}: {}", run.stdout);
        assert!(run.stderr.contains("asylon::lint::"), "{file}: a code");
        assert!(run.stderr.contains("⚠"), "{file}: a warning");
        assert!(run.stderr.contains("╭─["), "{file}: a span");
        assert!(run.stderr.contains("help:"), "{file}: help");
        insta::assert_snapshot!(run.stderr);
        let denied = asylon(&["check", &file, "--deny", "warnings"], "");
        assert_eq!(denied.code, 1, "{file}: --deny warnings fails");
        assert!(denied.stdout.is_empty());
    });
}

#[test]
fn lints_do_not_fire_on_numbers_dates_unknowns_or_the_border_policy() {
    for policy in ["tests/fixtures/lints/no_false_positives.asylon", BORDER] {
        let run = asylon(&["check", policy, "--deny", "warnings"], "");
        assert_eq!(run.code, 0, "{policy}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{policy}: {}", run.stderr);
    }
}

#[test]
fn warnings_are_listed_in_the_json_summary() {
    let run = asylon(
        &[
            "check",
            "tests/fixtures/lints/never_true.asylon",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 0);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["errors"], serde_json::json!([]));
    let codes: Vec<(&str, &str)> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["severity"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("warning", "asylon::lint::never_true"),
            ("warning", "asylon::lint::never_true"),
            ("warning", "asylon::lint::never_true"),
            ("warning", "asylon::lint::never_true"),
        ]
    );
    let denied = asylon(
        &[
            "check",
            "tests/fixtures/lints/never_true.asylon",
            "--format",
            "json",
            "--deny",
            "warnings",
        ],
        "",
    );
    assert_eq!(denied.code, 1);
    let report: serde_json::Value = serde_json::from_str(&denied.stdout).unwrap();
    assert_eq!(report["ok"], false);
    // Denied, they fail the run, and are still warnings.
    assert_eq!(report["warnings"].as_array().unwrap().len(), 4);
}

#[test]
fn the_library_returns_warnings() {
    let policy = asylon::Policy::load("tests/fixtures/lints/unused_fact.asylon").unwrap();
    let warnings = policy.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].code().map(|c| c.to_string()).as_deref(),
        Some("asylon::lint::unused_fact")
    );
    assert_eq!(warnings[0].severity(), Some(miette::Severity::Warning));
}

const CONSISTENCY: &str = "tests/fixtures/tests/consistency.asylon";

#[test]
fn a_test_can_expect_a_consistency_rule_to_refuse_its_facts() {
    let run = asylon(&["test", CONSISTENCY], "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn consistency_rules_count_in_coverage() {
    let run = asylon(&["test", CONSISTENCY, "--coverage", "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    let items = report["coverage"]["items"].as_array().expect("items");
    let impossible: Vec<(&str, &serde_json::Value)> = items
        .iter()
        .filter(|i| i["kind"] == "impossible")
        .map(|i| (i["name"].as_str().unwrap(), &i["missing"]))
        .collect();
    assert_eq!(
        impossible,
        [
            ("too_old", &serde_json::json!([])),
            ("detained_newborn", &serde_json::json!(["holds"])),
        ]
    );
    let text = asylon(&["test", CONSISTENCY, "--coverage"], "");
    assert!(
        text.stdout
            .contains("impossible `detained_newborn` never holds"),
        "{}",
        text.stdout
    );
}

#[test]
fn filter_runs_only_the_tests_whose_name_contains_the_text() {
    let run = asylon(&["test", BAN, "--filter", "wrong"], "");
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    let run = asylon(&["test", BAN, "--filter", "child", "--format", "json"], "");
    assert_eq!(run.code, 0, "only the passing test ran: {}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(report["passed"], 1);
    assert_eq!(report["filtered_out"], 3);
    // Without a filter, the report has no such field.
    let run = asylon(&["test", BAN, "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert!(report.get("filtered_out").is_none());
}

const ALLOWED: &str = "tests/fixtures/allow/silenced.asylon";

#[test]
fn allow_silences_a_lint_on_its_declaration_only() {
    let run = asylon(&["check", ALLOWED], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The fact without an `allow` still warns; the three silenced lints do not.
    insta::assert_snapshot!(run.stderr);
    let denied = asylon(&["check", ALLOWED, "--deny", "warnings"], "");
    assert_eq!(denied.code, 1, "the unsilenced warning still fails --deny");
}

#[test]
fn check_json_lists_what_is_silenced() {
    let run = asylon(&["check", ALLOWED, "--format", "json"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    let codes = |key: &str| -> Vec<(String, u64)> {
        summary[key]
            .as_array()
            .expect("a list")
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        codes("warnings"),
        [("asylon::lint::unused_fact".to_string(), 11)]
    );
    let mut silenced = codes("silenced");
    silenced.sort();
    assert_eq!(
        silenced,
        [
            ("asylon::lint::same_condition".to_string(), 23),
            ("asylon::lint::unused_definition".to_string(), 15),
            ("asylon::lint::unused_fact".to_string(), 10),
        ]
    );
    // A policy without `allow` silences nothing.
    let run = asylon(&["check", BAN, "--format", "json"], "");
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["silenced"], serde_json::json!([]));
}

#[test]
fn a_test_can_read_its_facts_from_a_fact_file_next_to_the_policy() {
    let run = asylon(&["test", "tests/fixtures/tests/given_file.asylon"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok    the detained adult's case file"));
    // The border policy reads the example cases unchanged.
    let run = asylon(&["test", BORDER, "--filter", "(examples/)"], "");
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("2 tests: 2 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_fact_file_that_is_not_there_fails_its_test_but_not_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.asylon");
    std::fs::write(
        &path,
        r#"policy "P" version "1"
fact adult: bool "over 18"
outcome o when adult title en "O"
test "a case whose file was not copied" as of 2024-01-01
  given file "cases/gone.json" expect o holds
"#,
    )
    .unwrap();
    let policy = path.to_str().unwrap();
    let check = asylon(&["check", policy], "");
    assert_eq!(check.code, 0, "the rules still load: {}", check.stderr);
    let run = asylon(&["test", policy], "");
    assert_eq!(run.code, 1);
    let gone = dir.path().join("cases/gone.json");
    assert!(
        run.stdout.contains(&format!(
            "error: cannot read the fact file `{}`",
            gone.display()
        )),
        "{}",
        run.stdout
    );
}
