//! English and Spanish are complete for the border policy: every question, title,
//! explanation, exception title, enum choice and consistency message a person can read
//! has a Spanish text of its own, not the English fallback.

use asylon::internal::checked::Message;
use asylon::Policy;

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
