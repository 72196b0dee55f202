//! `asylon schema`: the JSON Schema of the facts, checked with a real validator
//! (`jsonschema`) against the example fact files and against invalid ones.

mod common;

use common::asylon;

const BORDER: &str = "policies/us-mexico-border";

fn border_schema() -> serde_json::Value {
    let run = asylon(&["schema", BORDER], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("the schema is JSON")
}

fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .expect("the schema is a valid 2020-12 schema")
}

#[test]
fn the_schema_is_2020_12_and_valid_against_its_meta_schema() {
    let schema = border_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(jsonschema::meta::is_valid(&schema));
}

#[test]
fn every_example_fact_file_validates() {
    let v = validator(&border_schema());
    let mut n = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let facts: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = v.iter_errors(&facts).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        n += 1;
    }
    assert!(n >= 10, "only {n} example files");
}

#[test]
fn invalid_fact_files_do_not_validate_and_asylon_refuses_them_too() {
    let v = validator(&border_schema());
    let invalid = [
        r#"{"authorisation": "none"}"#,
        r#"{"authorization": "visa"}"#,
        r#"{"person": {"fears_return": "yes"}}"#,
        r#"{"person": {"nationality": "Cuba"}}"#,
        r#"{"person": {"persecution_grounds": ["religion", null]}}"#,
        r#"{"person": {"persecution_grounds": ["faith"]}}"#,
        r#"{"border": {"daily_crossings_average": -1}}"#,
        r#"{"border": {"daily_crossings_average": "3000"}}"#,
        r#"{"entry": {"date": "2024-6-1"}}"#,
        r#"{"entry": {"date": "2023-02-29"}}"#,
        r#"{"entry": {"date": "2024-06-10", "gate": 3}}"#,
        r#"{"travel": {"irregular_crossings": "panama"}}"#,
        r#"[]"#,
    ];
    for text in invalid {
        let facts: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(!v.is_valid(&facts), "the schema accepts {text}");
        let run = asylon(&["eval", BORDER, "-", "--as-of", "2024-06-17"], text);
        assert_eq!(run.code, 1, "asylon accepts {text}");
    }
}

#[test]
fn unknown_facts_are_absent_or_null_in_the_schema_too() {
    let v = validator(&border_schema());
    for text in [
        "{}",
        r#"{"person": null}"#,
        r#"{"authorization": null, "entry": {"date": null}}"#,
        r#"{"person": {"persecution_grounds": []}}"#,
    ] {
        let facts: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(v.is_valid(&facts), "the schema refuses {text}");
    }
}

#[test]
fn facts_carry_their_description_questions_and_labels() {
    let schema = border_schema();
    let fears = &schema["properties"]["person"]["properties"]["fears_return"];
    assert_eq!(
        fears["x-asylon-ask"]["es"],
        "¿Tiene miedo de sufrir daño si tiene que regresar a su país de origen o al país donde vivió por última vez?"
    );
    assert!(fears["description"]
        .as_str()
        .unwrap()
        .contains("fears persecution"));
    let authorization = &schema["properties"]["authorization"];
    assert_eq!(
        authorization["x-asylon-labels"]["none"]["en"],
        "no permission to enter"
    );
    let crossings = &schema["properties"]["border"]["properties"]["daily_crossings_average"];
    assert_eq!(crossings["minimum"], 0);
}

#[test]
fn a_policy_that_does_not_check_has_no_schema() {
    let run = asylon(
        &["schema", "tests/fixtures/invalid/unknown_name.asylon"],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("asylon::unknown_name"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_question_showing_a_fact_keeps_its_placeholder_for_the_form_to_fill() {
    let run = asylon(&["schema", "tests/fixtures/interview/shown.asylon"], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let stopped = &schema["properties"]["entry"]["properties"]["stopped"];
    assert_eq!(
        stopped["x-asylon-ask"]["es"],
        "Entró el {entry.date}. ¿Cuántos días después lo detuvieron?"
    );
}
