//! What a person reads (issue 18): the language asked for or an error, no "unknown" in
//! a sentence, reasons with the numbers they compared, and two audiences for `eval`.
//! Each through the command line, with the English and Spanish texts as snapshots.

mod common;

use common::asylon;

const BORDER: &str = "policies/us-mexico-border";
/// Referred on 2024-04-08 and still waiting: on 2024-06-24, 77 days.
const DETAINED: &str = "examples/detained_70_days_no_screening.json";
const DAY_77: &str = "2024-06-24";

fn eval(args: &[&str]) -> common::Run {
    let mut all = vec!["eval", BORDER, DETAINED, "--as-of", DAY_77];
    all.extend_from_slice(args);
    asylon(&all, "")
}

fn json(run: &common::Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("one JSON object")
}

// ---------------------------------------------------------------------------------------
// Languages

#[test]
fn a_regional_tag_reads_its_base_language_titles_dates_and_words_alike() {
    let mx = eval(&["--lang", "es-MX"]);
    assert_eq!(mx.code, 0, "{}", mx.stderr);
    // Spanish headings, titles, dates and periods: nothing of the English left.
    assert!(mx
        .stdout
        .starts_with("Frontera entre EE. UU. y México: cómo pedir asilo"));
    assert!(mx.stdout.contains("24 de junio de 2024"), "{}", mx.stdout);
    assert!(mx
        .stdout
        .contains("Su entrevista de miedo creíble está atrasada"));
    assert!(!mx.stdout.contains("June"), "{}", mx.stdout);
    insta::assert_snapshot!("eval_es_mx", mx.stdout);
    // The same as `es`, and as `ES`: tags match whatever their case.
    assert_eq!(eval(&["--lang", "es"]).stdout, mx.stdout);
    assert_eq!(eval(&["--lang", "ES"]).stdout, mx.stdout);
}

#[test]
fn en_us_is_english_and_json_names_the_language_used() {
    let us = eval(&["--lang", "en-US"]);
    assert_eq!(us.code, 0, "{}", us.stderr);
    assert_eq!(us.stdout, eval(&[]).stdout);
    insta::assert_snapshot!("eval_en_us", us.stdout);
    let es = json(&eval(&["--lang", "es-MX", "--format", "json"]));
    assert_eq!(es["lang"], "es");
    // The name stays the English one tools know; the title is the Spanish one.
    assert_eq!(es["policy"], "U.S.–Mexico border: seeking asylum");
    assert_eq!(
        es["title"],
        "Frontera entre EE. UU. y México: cómo pedir asilo"
    );
    let en = json(&eval(&["--lang", "EN-us", "--format", "json"]));
    assert_eq!(en["lang"], "en");
    assert!(en.get("title").is_none(), "{en}");
}

#[test]
fn a_language_the_policy_does_not_have_is_an_error_everywhere() {
    let run = eval(&["--lang", "fr"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("fr_is_refused", run.stderr);
    let explain = asylon(
        &[
            "explain",
            BORDER,
            DETAINED,
            "credible_fear_overdue",
            "--lang",
            "fr",
        ],
        "",
    );
    assert_eq!(explain.code, 1);
    assert!(explain.stderr.contains("asylon::unknown_language"));
    let batch = asylon(&["batch", BORDER, "-", "--lang", "fr"], "{}\n");
    assert_eq!(batch.code, 2, "the run does not start");
    assert!(batch.stderr.contains("asylon::unknown_language"));
    let ask = asylon(&["ask", BORDER, "--lang", "fr"], "");
    assert_eq!(ask.code, 1);
    assert!(ask.stderr.contains("`en`, `es`"), "{}", ask.stderr);
    let json = eval(&["--lang", "fr", "--format", "json"]);
    let error: serde_json::Value = serde_json::from_str(&json.stdout).expect("a JSON error");
    assert!(json.stdout.contains("asylon::unknown_language"), "{error}");
}

#[test]
fn the_policy_title_is_translated_and_check_asks_for_every_translation() {
    let run = asylon(
        &[
            "check",
            "tests/fixtures/reading/untranslated_title.asylon",
            "--deny",
            "warnings",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("untranslated_title", run.stderr);
    // The border policy translates every text: no warning.
    let border = asylon(&["check", BORDER, "--deny", "warnings"], "");
    assert_eq!(border.code, 0, "{}", border.stderr);
}

// ---------------------------------------------------------------------------------------
// A sentence never says "unknown"

#[test]
fn a_message_that_may_show_an_unknown_is_refused() {
    for name in ["unknown_in_sentence", "title_shows_a_fact"] {
        let path = format!("tests/fixtures/reading/{name}.asylon");
        let run = asylon(&["check", &path], "");
        assert_eq!(run.code, 1, "{name}");
        assert!(run.stderr.contains("asylon::maybe_unknown"));
        insta::assert_snapshot!(name, run.stderr);
    }
}

#[test]
fn a_fallback_prints_when_the_value_is_unknown() {
    let policy = "tests/fixtures/reading/with_fallback.asylon";
    let unknown_date = r#"{"credible_fear": {"referred": true}}"#;
    for lang in ["en", "es"] {
        let run = asylon(
            &["eval", policy, "-", "--as-of", DAY_77, "--lang", lang],
            unknown_date,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stdout.contains("unknown") && !run.stdout.contains("desconocido"));
        insta::assert_snapshot!(format!("fallback_{lang}"), run.stdout);
    }
    let known = r#"{"credible_fear": {"referred": true, "referral_date": "2024-04-08"}}"#;
    let run = asylon(
        &["eval", policy, "-", "--as-of", DAY_77, "--lang", "es"],
        known,
    );
    assert!(
        run.stdout.contains("oficina de asilo 8 de abril de 2024."),
        "{}",
        run.stdout
    );
}

#[test]
fn the_border_policy_passes_the_proof() {
    let run = asylon(&["check", BORDER], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// Reasons with the numbers they compared

#[test]
fn a_reason_shows_the_days_it_counted() {
    let why = eval(&["--why"]);
    assert!(
        why.stdout
            .contains("days since credible_fear.referral_date = 77 > 60"),
        "{}",
        why.stdout
    );
    insta::assert_snapshot!("eval_why_en", why.stdout);
    insta::assert_snapshot!("eval_why_es", eval(&["--why", "--lang", "es"]).stdout);
    let decision = json(&eval(&["--format", "json"]));
    let overdue = (decision["outcomes"].as_array().expect("outcomes"))
        .iter()
        .find(|o| o["id"] == "credible_fear_overdue")
        .expect("the screening is overdue");
    let compared: Vec<&str> = (overdue["because"].as_array().expect("reasons"))
        .iter()
        .filter_map(|r| r["with_values"].as_str())
        .collect();
    assert_eq!(
        compared,
        ["days since credible_fear.referral_date = 77 > 60"]
    );
    let explain = asylon(
        &[
            "explain",
            BORDER,
            DETAINED,
            "credible_fear_overdue",
            "--as-of",
            DAY_77,
        ],
        "",
    );
    assert!(explain
        .stdout
        .contains("days since credible_fear.referral_date = 77 > 60"));
}

#[test]
fn facts_compared_by_is_are_left_as_written_and_computed_values_shown() {
    let policy = "tests/fixtures/reading/compared.asylon";
    let run = asylon(
        &["eval", policy, "-", "--as-of", DAY_77, "--why"],
        r#"{"kind": "a", "n": 2, "entered": "2024-04-08"}"#,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compared", run.stdout);
    assert!(run.stdout.contains("because: kind is a (kind = \"a\")"));
    assert!(run.stdout.contains("because: n + 1 = 3 is limit = 3"));
    assert!(run
        .stdout
        .contains("entered + 60 days = \"2024-06-07\" < today = \"2024-06-24\""));
}

#[test]
fn an_exception_without_a_title_reads_as_a_sentence() {
    let policy = "tests/fixtures/reading/untitled_exception.asylon";
    let facts = r#"{"detained": true, "prior_removal_order": true}"#;
    for lang in ["en", "es"] {
        let run = asylon(
            &["eval", policy, "-", "--as-of", DAY_77, "--lang", lang],
            facts,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains("prior_removal_order"),
            "{}",
            run.stdout
        );
        insta::assert_snapshot!(format!("untitled_exception_{lang}"), run.stdout);
    }
}

// ---------------------------------------------------------------------------------------
// Two audiences

#[test]
fn eval_shows_people_no_conditions_unless_asked_why() {
    let people = eval(&[]);
    assert!(!people.stdout.contains("because:"), "{}", people.stdout);
    assert!(!people.stdout.contains("= 77 > 60"), "{}", people.stdout);
    assert!(!people.stdout.contains("depends on:"), "{}", people.stdout);
    let worker = eval(&["--why"]);
    assert!(worker.stdout.contains("because:"));
    // JSON always has the reasons.
    let decision = json(&eval(&["--format", "json"]));
    assert!(decision["outcomes"][0]["because"]
        .as_array()
        .is_some_and(|b| !b.is_empty()));
}
