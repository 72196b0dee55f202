//! English and Spanish are complete for the border policy: every question, title,
//! explanation, exception title, enum choice and consistency message a person can read
//! has a Spanish text of its own, not the English fallback.

use asylon::internal::checked::Message;
use asylon::{EvalOptions, Policy};

#[test]
fn every_text_of_the_border_policy_is_in_spanish() {
    let policy = Policy::load("policies/us-mexico-border").expect("the policy checks");
    let checked = policy.checked();
    let mut missing = Vec::new();
    let mut need = |what: String, message: &Message| {
        if message.has("en") && !message.has("es") {
            missing.push(what);
        }
    };
    for fact in &checked.facts {
        need(format!("question of `{}`", fact.name), &fact.ask);
    }
    for rule in &checked.rules {
        need(format!("title of `{}`", rule.name), &rule.title);
        need(format!("explanation of `{}`", rule.name), &rule.explain);
    }
    for exception in &checked.exceptions {
        need(format!("title of `{}`", exception.name), &exception.title);
    }
    for e in &checked.enums {
        for v in &e.variants {
            need(format!("label of `{}.{}`", e.name, v.name), &v.label);
        }
    }
    for rule in &checked.impossibles {
        need(format!("message of `{}`", rule.name), &rule.message);
    }
    assert!(missing.is_empty(), "no Spanish text: {missing:#?}");
    // And every fact a person can be asked about has a question.
    let unasked: Vec<&str> = checked
        .facts
        .iter()
        .filter(|f| !f.ask.has("en"))
        .map(|f| f.name.as_str())
        .collect();
    assert!(unasked.is_empty(), "no question for {unasked:?}");
}

/// One evaluation speaks every language: rendering a decision again in a language gives
/// what evaluating with that language gives, for every example, from either language.
#[test]
fn a_decision_rendered_in_another_language_equals_evaluating_in_it() {
    let policy = Policy::load("policies/us-mexico-border").expect("the policy checks");
    assert_eq!(policy.languages(), ["en", "es"]);
    let mut examples = 0;
    for entry in std::fs::read_dir("examples").expect("the examples folder") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("the example reads");
        let facts = policy
            .facts_from_json(&text)
            .expect("the example's facts are valid");
        let decide = |lang: &str| {
            let options = EvalOptions::on("2024-06-17").expect("a date").lang(lang);
            policy
                .evaluate(&facts, &options)
                .expect("the example evaluates")
        };
        for (from, to) in [("en", "es"), ("es", "en"), ("en", "en")] {
            assert_eq!(
                decide(from).in_language(to),
                decide(to),
                "{} rendered from {from} in {to}",
                path.display()
            );
        }
        // The comparison means something: the two languages' texts differ.
        assert_ne!(decide("en"), decide("es"), "{}", path.display());
        examples += 1;
    }
    assert!(examples >= 10, "only {examples} examples");
}
