//! The language and engine through the command line: diagnostics for every error kind,
//! decisions on a multi-file policy with every type, exceptions of exceptions and
//! unknown facts, and the contracts of `check` and `eval`.

mod common;

use common::{asylon, eval_json, missing, relative, status};

const FAMILY: &str = "tests/fixtures/valid/family";

#[test]
fn every_error_kind_has_a_diagnostic_with_code_span_and_help() {
    insta::glob!("fixtures/invalid/*.asylon", |path| {
        let file = relative(path);
        let run = asylon(&["check", &file], "");
        assert_eq!(run.code, 1, "{file} should be refused");
        assert!(run.stdout.is_empty(), "{file}: diagnostics go to stderr");
        assert!(
            run.stderr.contains("asylon::"),
            "{file}: every diagnostic has a code"
        );
        assert!(
            run.stderr.contains("╭─["),
            "{file}: every diagnostic points into the source"
        );
        insta::assert_snapshot!(run.stderr);
    });
}

#[test]
fn all_errors_of_a_file_are_reported_in_one_run() {
    let run = asylon(
        &[
            "check",
            "tests/fixtures/invalid/many_errors.asylon",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON diagnostics");
    assert_eq!(report["ok"], false);
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "asylon::unknown_variant",
            "asylon::bad_operands",
            "asylon::unknown_name",
            "asylon::missing_english"
        ]
    );
    let first = &report["errors"][0];
    assert_eq!(
        first["location"],
        serde_json::json!({
            "in": "policy",
            "file": "tests/fixtures/invalid/many_errors.asylon",
            "line": 4,
            "column": 33
        })
    );
    assert_eq!(first["help"], "did you mean `none`?");
    assert_eq!(first["severity"], "error");
}

#[test]
fn a_duplicate_in_another_file_names_that_file() {
    let run = asylon(
        &[
            "check",
            "tests/fixtures/invalid_multi/duplicate_across_files",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("fact `a` is declared twice"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("b.asylon"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the first is in tests/fixtures/invalid_multi/duplicate_across_files/a.asylon, line 2"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn check_accepts_a_valid_policy_of_several_files() {
    let run = asylon(&["check", FAMILY], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "ok: policy \"Test family: every feature\" version t1 — 9 facts, 8 outcomes, 4 exceptions; languages: en, es\n"
    );
    let run = asylon(&["check", FAMILY, "--format", "json"], "");
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["outcomes"], 8);
}

#[test]
fn decisions_on_the_test_cases() {
    insta::glob!("fixtures/cases/*.json", |path| {
        let file = relative(path);
        let text = asylon(&["eval", FAMILY, &file, "--as-of", "2025-03-01"], "");
        let json = asylon(
            &[
                "eval",
                FAMILY,
                &file,
                "--as-of",
                "2025-03-01",
                "--format",
                "json",
            ],
            "",
        );
        // The revision changes with every edit of the policy, not with the decision.
        insta::with_settings!({filters => vec![(r"sha256:[0-9a-f]{64}", "[revision]")]}, {
            insta::assert_snapshot!(format!(
                "exit {}\n--- text\n{}{}--- json\n{}",
                text.code, text.stdout, text.stderr, json.stdout
            ));
        });
    });
}

#[test]
fn unknown_facts_leave_outcomes_undetermined_with_what_would_decide_them() {
    let d = eval_json(FAMILY, "{}", "2025-03-01");
    assert_eq!(status(&d, "eligible"), "undetermined");
    assert_eq!(
        missing(&d, "eligible"),
        ["person.age", "person.grounds", "person.income"]
    );
    // `is known` is itself always known: an unknown code is not a listed code.
    assert_eq!(status(&d, "listed_code"), "does_not_hold");
    // The top-level list: most needed first, ties by name.
    assert_eq!(d["missing"][0], "person.age");
    assert_eq!(d["missing"][1], "entry.date");
}

#[test]
fn false_and_unknown_is_false_and_true_or_unknown_is_true() {
    // adult is false, the grounds unknown: `adult and …` does not hold.
    let d = eval_json(FAMILY, r#"{"person": {"age": 12}}"#, "2025-03-01");
    assert_eq!(status(&d, "eligible"), "does_not_hold");
    // A long wait: the wait is long enough, the entry date unknown: `… or …` holds.
    let d = eval_json(FAMILY, r#"{"entry": {"wait": "91 days"}}"#, "2025-03-01");
    assert_eq!(status(&d, "long_wait"), "holds");
    let d = eval_json(FAMILY, r#"{"entry": {"wait": "89 days"}}"#, "2025-03-01");
    assert_eq!(status(&d, "long_wait"), "undetermined");
    assert_eq!(missing(&d, "long_wait"), ["entry.date"]);
}

#[test]
fn months_and_days_compare_by_the_calendar_from_the_evaluation_date() {
    // From 1 March 2025, 3 months end on 1 June: 92 days, a long wait.
    let d = eval_json(FAMILY, r#"{"entry": {"wait": "3 months"}}"#, "2025-03-01");
    assert_eq!(status(&d, "long_wait"), "holds");
    // From 1 November 2024, 2 months end on 1 January: 61 days.
    let d = eval_json(FAMILY, r#"{"entry": {"wait": "2 months"}}"#, "2024-11-01");
    assert_eq!(status(&d, "long_wait"), "undetermined");
}

#[test]
fn an_explicit_null_is_unknown() {
    let with_null = eval_json(
        FAMILY,
        r#"{"person": {"age": null, "code": null}, "entry": null}"#,
        "2025-03-01",
    );
    let absent = eval_json(FAMILY, "{}", "2025-03-01");
    assert_eq!(with_null, absent);
}

#[test]
fn exceptions_defeat_rules_and_exceptions_of_exceptions_restore_them() {
    let married = eval_json(
        FAMILY,
        r#"{"person": {"status": "married"}, "veteran": false}"#,
        "2025-03-01",
    );
    assert_eq!(status(&married, "short_period"), "holds");
    assert_eq!(married["outcomes"][0]["title"], "A short period of 30 days");
    let veteran = eval_json(
        FAMILY,
        r#"{"person": {"status": "married"}, "veteran": true}"#,
        "2025-03-01",
    );
    assert_eq!(status(&veteran, "short_period"), "does_not_hold");
    // Whether the veteran exception applies decides the period.
    let unsure = eval_json(FAMILY, r#"{"person": {"status": "married"}}"#, "2025-03-01");
    assert_eq!(missing(&unsure, "short_period"), ["veteran"]);
    // An adult is not a child: the exception defeats the outcome and the decision says so.
    let d = eval_json(
        FAMILY,
        r#"{"person": {"age": 17, "child": true}}"#,
        "2025-03-01",
    );
    assert_eq!(status(&d, "child_alone"), "holds");
    let exception = &d["outcomes"][0]["because"][1];
    assert_eq!(exception["kind"], "exception");
    assert_eq!(exception["exception"], "adults_are_not_children");
    assert_eq!(exception["value"], false);
    let d = eval_json(
        FAMILY,
        r#"{"person": {"income": 9000.0, "age": 30, "grounds": ["race"]}}"#,
        "2025-03-01",
    );
    assert_eq!(status(&d, "eligible"), "does_not_hold");
    let defeat = &d["does_not_hold"][0];
    assert_eq!(defeat["id"], "eligible");
    assert_eq!(defeat["defeated_by"][0]["exception"], "eligible.unless.1");
}

#[test]
fn a_conflict_found_only_at_evaluation_is_reported_in_the_decision() {
    // Depends on an int, so `check` cannot enumerate it; evaluation reports it.
    let policy = r#"
policy "C"
fact n: int "n"
define period: int = 60
exception low to period when n < 10 gives 30
exception even_lower to period when n < 5 gives 20
outcome short when period < 45 title en "Short"
"#;
    let file = common::temp_policy(policy);
    let path = file.path.clone();
    assert_eq!(asylon(&["check", &path], "").code, 0);
    let d = eval_json(&path, r#"{"n": 3}"#, "2025-03-01");
    assert_eq!(status(&d, "short"), "undetermined");
    assert_eq!(d["undetermined"][0]["conflict"], true);
    assert_eq!(d["conflicts"][0]["rule"], "period");
    assert_eq!(d["conflicts"][0]["exceptions"][0]["exception"], "low");
    assert_eq!(d["conflicts"][0]["exceptions"][1]["value"], 20);
    // Only one applies: no conflict.
    let d = eval_json(&path, r#"{"n": 7}"#, "2025-03-01");
    assert_eq!(status(&d, "short"), "holds");
    assert!(d.get("conflicts").is_none());
}

#[test]
fn messages_interpolate_values_formatted_for_the_language() {
    let facts = r#"{"person": {"age": 30, "grounds": ["race"], "income": 10.0}, "entry": {"date": "2024-02-29"}}"#;
    let en = eval_json(FAMILY, facts, "2025-03-01");
    assert_eq!(
        en["outcomes"][0]["explanation"],
        "You are 30 and entered on February 29, 2024; apply by February 28, 2025."
    );
    let run = asylon(
        &[
            "eval",
            FAMILY,
            "-",
            "--as-of",
            "2025-03-01",
            "--format",
            "json",
            "--lang",
            "es",
        ],
        facts,
    );
    let es: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(es["outcomes"][0]["title"], "Elegible");
    assert_eq!(
        es["outcomes"][0]["explanation"],
        "Tiene 30 años y entró el 29 de febrero de 2024; presente su solicitud antes del 28 de febrero de 2025."
    );
    assert_eq!(es["outcomes"][1]["title"], "El plazo ha vencido");
    // A message without Spanish falls back to English.
    let long_wait = es["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "long_wait")
        .unwrap();
    assert_eq!(long_wait["title"], "A long wait");
}

#[test]
fn invalid_facts_are_refused_with_the_json_path() {
    let cases = [
        (
            r#"{"person": {"agee": 3}}"#,
            "`person.agee` is not a fact of this policy",
            "did you mean `person.age`?",
        ),
        (
            r#"{"person": {"age": 30.0}}"#,
            "`person.age` must be a whole number, found the number 30.0",
            "without a fraction",
        ),
        (
            r#"{"person": {"age": "30"}}"#,
            "`person.age` must be a whole number, found the string \"30\"",
            "without quotes",
        ),
        (
            r#"{"person": {"age": -1}}"#,
            "`person.age` must be at least 0, found -1",
            "",
        ),
        (
            r#"{"person": {"status": "widowed"}}"#,
            "`person.status` must be one of the values of `Status`",
            "\"single\", \"married\"",
        ),
        (
            r#"{"person": {"grounds": ["race", "colour"]}}"#,
            "`person.grounds[1]` must be one of the values of `Ground`",
            "",
        ),
        (
            r#"{"person": {"grounds": "race"}}"#,
            "`person.grounds` must be a list",
            "",
        ),
        (
            r#"{"person": {"code": "cuba"}}"#,
            "`person.code` must be a string matching `[A-Z]{2}`",
            "",
        ),
        (
            r#"{"entry": {"date": "2024-2-29"}}"#,
            "`entry.date` must be a date",
            "YYYY-MM-DD",
        ),
        (
            r#"{"entry": {"date": "2023-02-29"}}"#,
            "`entry.date` must be a date",
            "real calendar day",
        ),
        (
            r#"{"entry": {"wait": 90}}"#,
            "`entry.wait` must be a duration",
            "",
        ),
        (
            r#"{"person": 3}"#,
            "`person` must be an object of facts",
            "",
        ),
        (
            r#"{"veteran": true, "veteran": false}"#,
            "`veteran` is given twice",
            "",
        ),
        (
            r#"[{"veteran": true}]"#,
            "the facts must be a JSON object, found an array",
            "",
        ),
        ("", "the facts are not valid JSON", ""),
        (r#"{"veteran": tru}"#, "the facts are not valid JSON", ""),
        (
            r#"{"person": {"age": 99999999999999999999}}"#,
            "`person.age` must be a whole number",
            "",
        ),
    ];
    for (facts, message, help) in cases {
        let run = asylon(&["eval", FAMILY, "-", "--as-of", "2025-03-01"], facts);
        assert_eq!(run.code, 1, "{facts}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{facts}: nothing is evaluated");
        assert!(
            run.stderr.contains(message),
            "{facts}: expected `{message}` in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(help),
            "{facts}: expected `{help}` in\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{facts}");
    }
}

#[test]
fn facts_that_contradict_each_other_are_refused_naming_the_facts() {
    let run = asylon(
        &["eval", FAMILY, "-", "--as-of", "2025-03-01"],
        r#"{"entry": {"date": "2025-03-02"}}"#,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("The day of entry, March 2, 2025, is after today."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("entry.date = \"2025-03-02\""),
        "{}",
        run.stderr
    );
    // The same facts are fine a day later.
    assert_eq!(
        asylon(
            &["eval", FAMILY, "-", "--as-of", "2025-03-02"],
            r#"{"entry": {"date": "2025-03-02"}}"#
        )
        .code,
        0
    );
}

#[test]
fn usage_errors_exit_2_and_bad_input_exits_1() {
    assert_eq!(asylon(&["eval", FAMILY], "").code, 2);
    assert_eq!(asylon(&["frobnicate"], "").code, 2);
    assert_eq!(
        asylon(&["eval", FAMILY, "-", "--format", "yaml"], "{}").code,
        2
    );
    let run = asylon(&["eval", FAMILY, "-", "--as-of", "2025-02-30"], "{}");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`2025-02-30` is not a date"),
        "{}",
        run.stderr
    );
    let run = asylon(&["check", "tests/fixtures/no-such-policy"], "");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("cannot read `tests/fixtures/no-such-policy`"),
        "{}",
        run.stderr
    );
    let run = asylon(
        &[
            "eval",
            FAMILY,
            "tests/fixtures/cases/no-such.json",
            "--as-of",
            "2025-03-01",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("cannot read `tests/fixtures/cases/no-such.json`"),
        "{}",
        run.stderr
    );
}

#[test]
fn evaluation_is_deterministic() {
    let facts = std::fs::read_to_string(format!(
        "{}/tests/fixtures/cases/half_unknown.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let first = asylon(
        &[
            "eval",
            FAMILY,
            "-",
            "--as-of",
            "2025-03-01",
            "--format",
            "json",
        ],
        &facts,
    );
    for _ in 0..3 {
        let again = asylon(
            &[
                "eval",
                FAMILY,
                "-",
                "--as-of",
                "2025-03-01",
                "--format",
                "json",
            ],
            &facts,
        );
        assert_eq!(again.stdout, first.stdout);
    }
}

#[test]
fn as_of_defaults_to_the_current_date() {
    let run = asylon(&["eval", FAMILY, "-", "--format", "json"], "{}");
    assert_eq!(run.code, 0);
    let d: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let today = jiff::Zoned::now().date().to_string();
    assert_eq!(d["as_of"], today);
}

#[test]
fn a_consistency_message_can_show_a_definition_that_reads_today() {
    let policy = r#"
policy "I"
fact d: date "a day"
define evaluation_date: date = today
impossible future when d > today message en "The day {d} is after {evaluation_date}."
"#;
    let file = common::temp_policy(policy);
    let path = file.path.clone();
    let run = asylon(
        &["eval", &path, "-", "--as-of", "2024-06-17"],
        r#"{"d": "2024-06-18"}"#,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("The day June 18, 2024 is after June 17, 2024."),
        "{}",
        run.stderr
    );
}

#[test]
fn one_exception_can_defeat_several_rules_and_be_defeated_itself() {
    let policy = r#"
policy "M"
fact child: bool "child"
fact with_sibling: bool "travels with an adult sibling"
fact a: bool "a"
outcome x when a title en "X"
outcome y when a title en "Y"
outcome z when a title en "Z"
exception not_for_children to x, y when child source "not for children"
exception unless_with_sibling to not_for_children when with_sibling
"#;
    let file = common::temp_policy(policy);
    let path = file.path.clone();
    let d = eval_json(
        &path,
        r#"{"a": true, "child": true, "with_sibling": false}"#,
        "2024-06-17",
    );
    assert_eq!(status(&d, "x"), "does_not_hold");
    assert_eq!(status(&d, "y"), "does_not_hold");
    assert_eq!(status(&d, "z"), "holds");
    assert_eq!(
        d["does_not_hold"][1]["defeated_by"][0]["exception"],
        "not_for_children"
    );
    let d = eval_json(
        &path,
        r#"{"a": true, "child": true, "with_sibling": true}"#,
        "2024-06-17",
    );
    assert_eq!((status(&d, "x"), status(&d, "y")), ("holds", "holds"));
    let d = eval_json(&path, r#"{"a": true, "child": true}"#, "2024-06-17");
    assert_eq!(missing(&d, "y"), ["with_sibling"]);
}
