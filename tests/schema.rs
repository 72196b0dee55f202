//! `asylon schema`: the JSON Schema of the facts, checked with a real validator
//! (`jsonschema`) against the example fact files and against invalid ones; and
//! `asylon schema --decision`, checked against what `eval --format json` and `batch`
//! print for every example.

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

const AS_OF: &str = "2024-06-17";

/// `asylon schema --decision`, of any policy's decisions or narrowed to the border
/// policy's.
fn decision_schema(narrowed: bool) -> serde_json::Value {
    let args: &[&str] = if narrowed {
        &["schema", "--decision", BORDER]
    } else {
        &["schema", "--decision"]
    };
    let run = asylon(args, "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("the schema is JSON")
}

/// The example fact files: name and text.
fn examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
    assert!(out.len() >= 10, "only {} example files", out.len());
    out.sort();
    out
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &serde_json::Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn the_decision_schema_is_2020_12_and_valid_against_its_meta_schema() {
    for narrowed in [false, true] {
        let schema = decision_schema(narrowed);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(jsonschema::meta::is_valid(&schema));
    }
}

#[test]
fn eval_json_of_every_example_in_every_language_validates() {
    let schemas = [
        validator(&decision_schema(false)),
        validator(&decision_schema(true)),
    ];
    for (name, facts) in examples() {
        for lang in ["en", "es", "es-MX"] {
            let run = asylon(
                &[
                    "eval", BORDER, "-", "--as-of", AS_OF, "--format", "json", "--lang", lang,
                ],
                &facts,
            );
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            let decision: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            for v in &schemas {
                assert_valid(v, &format!("{name} in {lang}"), &decision);
            }
        }
    }
}

#[test]
fn every_result_of_a_full_batch_over_the_examples_validates() {
    let v = validator(&decision_schema(true));
    let mut input = String::new();
    for (i, (_, facts)) in examples().iter().enumerate() {
        let facts: serde_json::Value = serde_json::from_str(facts).unwrap();
        // Bare fact objects and `{"id", "facts"}` envelopes, alternately.
        let line = if i % 2 == 0 {
            facts
        } else {
            serde_json::json!({"id": i, "facts": facts})
        };
        input.push_str(&format!("{line}\n"));
    }
    for lang in ["en", "es"] {
        let run = asylon(
            &["batch", BORDER, "-", "--as-of", AS_OF, "--lang", lang],
            &input,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), input.lines().count());
        for line in lines {
            let line: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_valid(
                &v,
                &format!("batch line {} in {lang}", line["line"]),
                &line["result"],
            );
        }
    }
}

#[test]
fn a_renamed_or_dropped_field_does_not_validate() {
    let v = validator(&decision_schema(false));
    let (_, facts) = examples()
        .into_iter()
        .find(|(name, _)| name.ends_with("medical_emergency_at_the_border.json"))
        .expect("an example with every kind of outcome and a defeat");
    let run = asylon(
        &["eval", BORDER, "-", "--as-of", AS_OF, "--format", "json"],
        &facts,
    );
    let decision: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid(&v, "as printed", &decision);
    let defeated = (decision["does_not_hold"].as_array().unwrap().iter())
        .position(|n| n.get("defeated_by").is_some())
        .expect("an outcome defeated by an exception");
    let defeat = format!("/does_not_hold/{defeated}/defeated_by/0");
    // A field dropped or renamed, at the top and in each kind of outcome and reason.
    let renames = [
        ("", "missing"),
        ("", "as_of"),
        ("/outcomes/0", "title"),
        ("/outcomes/0/because/0", "condition"),
        ("/undetermined/0", "missing"),
        ("/does_not_hold/0", "status"),
        (defeat.as_str(), "exception"),
    ];
    for (at, field) in renames {
        for rename in [false, true] {
            let mut changed = decision.clone();
            let object = changed
                .pointer_mut(at)
                .and_then(|o| o.as_object_mut())
                .unwrap_or_else(|| panic!("the example has {at}"));
            let value = object
                .remove(field)
                .unwrap_or_else(|| panic!("{at} has {field}"));
            if rename {
                object.insert(format!("{field}s"), value);
            }
            assert!(
                !v.is_valid(&changed),
                "{at}/{field} (renamed: {rename}) validates"
            );
        }
    }
    // A status that does not match the list it is in.
    let mut changed = decision.clone();
    changed["outcomes"][0]["status"] = serde_json::json!("undetermined");
    assert!(!v.is_valid(&changed));
}

#[test]
fn the_narrowed_decision_schema_knows_the_policy_s_outcomes_and_facts() {
    let v = validator(&decision_schema(true));
    let (_, facts) = examples().into_iter().next().expect("an example");
    let run = asylon(
        &["eval", BORDER, "-", "--as-of", AS_OF, "--format", "json"],
        &facts,
    );
    let decision: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut changed = decision.clone();
    changed["missing"] = serde_json::json!(["person.no_such_fact"]);
    assert!(!v.is_valid(&changed), "an unknown fact validates");
    let mut changed = decision;
    changed["policy"] = serde_json::json!("Another policy");
    assert!(!v.is_valid(&changed), "another policy's name validates");
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
