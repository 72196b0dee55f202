//! Structure-aware: a policy generated from the fuzzer's bytes (`asylon_fuzz::Policy`,
//! every construct of the language), printed as source over one to three files, then
//! formatted, checked, evaluated on facts read as answers, explained, its tests run and
//! an interview held over it. Never a crash; formatting never changes whether a policy
//! checks; a question never shows an unknown value.
#![no_main]

use asylon::internal::answer::{read_answer, Reply};
use asylon::internal::checked::FactId;
use asylon::interview::Interview;
use asylon::{EvalOptions, Policy};
use asylon_fuzz::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: Input| {
    let files = input.policy.files();
    let mut formatted = Vec::with_capacity(files.len());
    for (name, text) in &files {
        match asylon::format::format_source(text) {
            Ok(f) => formatted.push((name.clone(), f)),
            // A generated number out of range: a syntax error, nothing more to see.
            Err(_) => return,
        }
    }
    let policy = Policy::from_sources(files);
    let again = Policy::from_sources(formatted);
    assert_eq!(
        policy.is_ok(),
        again.is_ok(),
        "formatting changed whether the policy checks"
    );
    let Ok(policy) = policy else { return };
    // A language the policy does not have is refused: ask for one it has.
    let asked = if input.spanish { "es" } else { "en" };
    let lang = policy
        .resolve_language(asked)
        .unwrap_or_else(|_| "en".into());
    let lang = lang.as_str();
    let options = EvalOptions::on("2024-06-17")
        .expect("a valid date")
        .lang(lang);
    let checked = policy.checked();
    let n = checked.facts.len();
    let Ok(mut interview) = Interview::new(&policy, options.clone(), serde_json::json!({})) else {
        return;
    };
    // The facts of the case, typed as a person would answer their questions.
    for (f, answer) in input.facts.iter().take(8) {
        if n == 0 {
            break;
        }
        let fact = FactId(*f as u32 % n as u32);
        if let Ok(Reply::Value(v)) = read_answer(checked, fact, &answer.line(), lang) {
            let _ = interview.answer(fact, v);
        }
    }
    let facts = interview.facts().clone();
    if let Ok(decision) = policy.evaluate(&facts, &options) {
        let _ = serde_json::to_string(&decision).expect("a decision is JSON");
        for outcome in &checked.outcomes {
            let name = &checked.rule(*outcome).name;
            let _ = asylon::explain::explain(&policy, &facts, &options, name);
        }
    }
    let _ = policy.run_tests(true);
    for answer in input.answers.iter().take(12) {
        let Some(q) = interview.next_question() else {
            break;
        };
        let text = interview.question_text(q.fact, lang);
        assert!(
            !text.contains("unknown") && !text.contains("desconocido"),
            "a question shows an unknown value: {text}"
        );
        match read_answer(checked, q.fact, &answer.line(), lang) {
            Ok(Reply::Value(v)) => {
                let _ = interview.answer(q.fact, v);
            }
            Ok(Reply::DontKnow) => interview.dont_know(q.fact),
            Ok(Reply::Back) => {
                interview.back();
            }
            Err(_) => {}
        }
    }
});
