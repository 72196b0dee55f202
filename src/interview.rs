//! Screening interviews: which question to ask next, and the state of one interview.
//!
//! # Which question next
//!
//! An interview asks only what can still change the answer. After every answer the case
//! is evaluated in three-valued logic, and each undetermined outcome lists the unknown
//! facts that could still decide it (its `missing` list, see the decision). A fact is
//! *relevant* when it is in the `missing` list of at least one undetermined outcome;
//! any other unknown fact can no longer change any outcome, because filling in a fact
//! never changes a value that is already known (Kleene logic is monotone).
//!
//! The next question is the relevant fact that appears in the most `missing` lists —
//! the one whose answer can decide the most undetermined outcomes — leaving out the
//! facts the person already said they do not know. Ties go to the fact declared first in
//! the policy, because authors declare facts in the order a conversation takes
//! (who you are, where you are, how you entered, …).
//!
//! A question may show facts answered before it (`ask en "You entered on {entry.date}.
//! Were you stopped within 14 days?"`). Such a question waits until the facts it shows
//! are known: among the relevant facts, those whose questions can be asked as written
//! come first. When only waiting ones are left (what they show was answered "I don't
//! know", or can no longer change anything), the question is asked with the fact's
//! description instead of its text, never with a value shown as "unknown".
//!
//! The interview is over exactly when no outcome is undetermined, or when every fact
//! that could still decide one was answered "I don't know" (nothing more can be asked).
//!
//! An answer is kept only if the facts it makes are valid and tell a possible story (the
//! policy's `impossible` rules); otherwise it is refused and nothing changes.
//!
//! # How many questions at most
//!
//! Every question asks a relevant fact not answered "I don't know", so the number of
//! such facts, [`remaining_at_most`], bounds the questions still to come. It is an upper
//! bound, not a count, because an answer can decide outcomes that other facts were
//! waiting on: answering a fact never makes another fact relevant (a part of a condition
//! whose value is known contributes no missing fact, and filling in facts only makes more
//! parts known), while it may make several irrelevant at once.
//!
//! # "I don't know" in the answers
//!
//! A fact answered "I don't know" is written as `null` in the answers (`null` means
//! unknown in a fact file), so a saved interview remembers it. [`Interview::resume`]
//! takes such a file back and does not ask its `null` facts again; [`Interview::new`]
//! asks them.

use crate::checked::{CheckedPolicy, FactId, Ref};
use crate::decision::Decision;
use crate::error::{Error, ErrorKind};
use crate::facts::Facts;
use crate::message::render;
use crate::policy::{EvalOptions, Policy};
use crate::value::Value;

/// A question to ask: an unknown fact, and the undetermined outcomes it can decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The fact.
    pub fact: FactId,
    /// Its dotted name.
    pub name: String,
    /// The ids of the undetermined outcomes whose `missing` list has it, in policy order.
    pub decides: Vec<String>,
}

/// The next question for a decision reached with `known`: the relevant fact (in some
/// undetermined outcome's `missing` list) that the most undetermined outcomes wait on,
/// ties by declaration order, leaving out the facts in `skip`; a fact whose question
/// shows a fact not in `known` comes after every other. `None` when nothing relevant is
/// left to ask.
pub fn next_question(
    policy: &Policy,
    decision: &Decision,
    skip: &[FactId],
    known: &Facts,
) -> Option<Question> {
    let checked = policy.checked();
    let mut best: Option<((bool, usize), FactId)> = None;
    for name in &decision.missing {
        let Some(fact) = checked.fact_named(name) else {
            continue;
        };
        if skip.contains(&fact) {
            continue;
        }
        let count = decision
            .undetermined
            .iter()
            .filter(|u| u.missing.contains(name))
            .count();
        // Questions that can be asked as written first, then by outcomes decided.
        let rank = (can_be_asked(checked, fact, known), count);
        let better = match best {
            None => true,
            Some((r, f)) => rank > r || (rank == r && fact < f),
        };
        if better {
            best = Some((rank, fact));
        }
    }
    let (_, fact) = best?;
    let name = checked.fact(fact).name.clone();
    let decides = decision
        .undetermined
        .iter()
        .filter(|u| u.missing.iter().any(|m| *m == name))
        .map(|u| u.id.to_string())
        .collect();
    Some(Question {
        fact,
        name,
        decides,
    })
}

/// At most how many questions an interview still asks, the next one included, after
/// reaching `decision` with the facts in `skip` answered "I don't know": the facts some
/// undetermined outcome is missing, less those in `skip`. `0` exactly when
/// [`next_question`] has nothing to ask. See the module documentation for why it is an
/// upper bound.
pub fn remaining_at_most(policy: &Policy, decision: &Decision, skip: &[FactId]) -> usize {
    let checked = policy.checked();
    decision
        .missing
        .iter()
        .filter(|name| checked.fact_named(name).is_some_and(|f| !skip.contains(&f)))
        .count()
}

/// Whether every fact the question of `fact` shows is in `known`.
fn can_be_asked(policy: &CheckedPolicy, fact: FactId, known: &Facts) -> bool {
    policy
        .fact(fact)
        .ask
        .shows()
        .all(|f| known.get(f).is_some())
}

/// The question of `fact` for a person reading `lang`, showing the facts `value` knows.
/// When it has no text, or shows a fact `value` does not know, it is the fact's
/// description (else its name): a question never shows a value as "unknown".
pub fn question_text(
    policy: &CheckedPolicy,
    fact: FactId,
    lang: &str,
    value: impl Fn(FactId) -> Option<Value>,
) -> String {
    let info = policy.fact(fact);
    let complete = info.ask.shows().all(|f| value(f).is_some());
    let text = if complete {
        render(policy, &info.ask, lang, |r| match r {
            Ref::Fact(f) => value(*f),
            // INVARIANT: the checker refuses a question that shows a rule.
            Ref::Rule(_) => None,
        })
    } else {
        String::new()
    };
    if !text.is_empty() {
        return text;
    }
    info.description
        .clone()
        .unwrap_or_else(|| info.name.clone())
}

/// One step of an interview, so that it can be undone.
#[derive(Debug, Clone)]
struct Step {
    fact: FactId,
    /// What the fact file held for this fact before (absent, or `null`); for "I don't
    /// know", `None` when the answers were left unchanged.
    before: Option<Option<serde_json::Value>>,
    dont_know: bool,
}

/// One interview: the answers so far (as a fact file), the facts the person does not
/// know, and the decision they give.
#[derive(Debug, Clone)]
pub struct Interview {
    policy: Policy,
    options: EvalOptions,
    answers: serde_json::Value,
    dont_know: Vec<FactId>,
    history: Vec<Step>,
    /// The facts the answers make, as the policy reads them.
    facts: Facts,
    decision: Decision,
}

impl Interview {
    /// Starts an interview from the facts already known (a fact object; `{}` for none).
    /// A fact given as `null` is unknown and asked like any other (see
    /// [`Interview::resume`] to leave it unasked).
    pub fn new(
        policy: &Policy,
        options: EvalOptions,
        start: serde_json::Value,
    ) -> Result<Interview, Error> {
        let (facts, decision) = evaluate(policy, &options, &start)?;
        Ok(Interview {
            policy: policy.clone(),
            options,
            answers: start,
            dont_know: Vec::new(),
            history: Vec::new(),
            facts,
            decision,
        })
    }

    /// Goes on with an interview saved from [`Interview::answers`]: as [`Interview::new`],
    /// but a fact given as `null` (or inside a group given as `null`) was answered "I
    /// don't know" and is not asked again. Like the other starting facts, it cannot be
    /// taken back with [`Interview::back`].
    pub fn resume(
        policy: &Policy,
        options: EvalOptions,
        saved: serde_json::Value,
    ) -> Result<Interview, Error> {
        let mut interview = Interview::new(policy, options, saved)?;
        let checked = policy.checked();
        interview.dont_know = (0..checked.facts.len())
            .map(|i| FactId(i as u32))
            .filter(|f| given_as_null(&interview.answers, &checked.fact(*f).name))
            .collect();
        Ok(interview)
    }

    /// The policy the interview is about.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The decision for the answers so far.
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The facts known so far (the starting facts and the answers).
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The answers so far, with the starting facts: a fact file `asylon eval` accepts.
    pub fn answers(&self) -> &serde_json::Value {
        &self.answers
    }

    /// The facts answered "I don't know": those given as `null` to
    /// [`Interview::resume`] in declaration order, then those answered, in the order asked.
    pub fn unknown(&self) -> &[FactId] {
        &self.dont_know
    }

    /// How many answers can be taken back with [`Interview::back`].
    pub fn answered(&self) -> usize {
        self.history.len()
    }

    /// At most how many questions are left, the next one included (see
    /// [`remaining_at_most`]); `0` when the interview is over.
    pub fn remaining_at_most(&self) -> usize {
        remaining_at_most(&self.policy, &self.decision, &self.dont_know)
    }

    /// The question to ask now, `None` when the interview is over.
    pub fn next_question(&self) -> Option<Question> {
        next_question(&self.policy, &self.decision, &self.dont_know, &self.facts)
    }

    /// The text of the question about `fact` in `lang`, showing the facts known so far
    /// (see [`question_text`]).
    pub fn question_text(&self, fact: FactId, lang: &str) -> String {
        question_text(self.policy.checked(), fact, lang, |f| {
            self.facts.get(f).cloned()
        })
    }

    /// Records an answer (the fact's value as a fact file writes it). Refused, with
    /// nothing changed, when it makes the facts invalid or impossible.
    pub fn answer(&mut self, fact: FactId, value: serde_json::Value) -> Result<(), Error> {
        let name = self.policy.checked().fact(fact).name.clone();
        let mut answers = self.answers.clone();
        let before = set_path(&mut answers, &name, Some(value));
        let (facts, decision) = evaluate(&self.policy, &self.options, &answers)?;
        self.answers = answers;
        self.facts = facts;
        self.decision = decision;
        self.history.push(Step {
            fact,
            before: Some(before),
            dont_know: false,
        });
        Ok(())
    }

    /// Records "I don't know": the fact is unknown (`null` in the answers) and is not
    /// asked again.
    pub fn dont_know(&mut self, fact: FactId) {
        if self.dont_know.contains(&fact) {
            return;
        }
        let name = self.policy.checked().fact(fact).name.clone();
        let mut answers = self.answers.clone();
        let before = set_path(&mut answers, &name, Some(serde_json::Value::Null));
        // `null` is valid for every fact; a fact known before is unknown now, so the
        // decision is made again. Should that fail, the answers stay as they were and
        // the fact is still not asked again.
        let before = match evaluate(&self.policy, &self.options, &answers) {
            Ok((facts, decision)) => {
                self.answers = answers;
                self.facts = facts;
                self.decision = decision;
                Some(before)
            }
            Err(_) => None,
        };
        self.dont_know.push(fact);
        self.history.push(Step {
            fact,
            before,
            dont_know: true,
        });
    }

    /// Takes back the last answer; returns its fact, or `None` when nothing was answered
    /// in this interview (the starting facts cannot be taken back).
    pub fn back(&mut self) -> Option<FactId> {
        let step = self.history.pop()?;
        if step.dont_know {
            self.dont_know.retain(|f| *f != step.fact);
        }
        if let Some(before) = step.before {
            let name = self.policy.checked().fact(step.fact).name.clone();
            set_path(&mut self.answers, &name, before);
            // The answers were valid before this step, and evaluating is deterministic.
            if let Ok((facts, decision)) = evaluate(&self.policy, &self.options, &self.answers) {
                self.facts = facts;
                self.decision = decision;
            }
        }
        Some(step.fact)
    }
}

fn evaluate(
    policy: &Policy,
    options: &EvalOptions,
    answers: &serde_json::Value,
) -> Result<(Facts, Decision), Error> {
    if !answers.is_object() {
        return Err(Error::from_reports(
            ErrorKind::Facts,
            vec![miette::miette!(
                code = "asylon::facts::not_an_object",
                "the starting facts must be a JSON object"
            )],
        ));
    }
    let facts = policy.facts_from_value(answers)?;
    let decision = policy.evaluate(&facts, options)?;
    Ok((facts, decision))
}

/// Whether the fact at a dotted path is given as `null`, itself or in a group given as
/// `null`.
fn given_as_null(root: &serde_json::Value, path: &str) -> bool {
    let mut node = root;
    for key in path.split('.') {
        match node {
            serde_json::Value::Null => return true,
            serde_json::Value::Object(map) => match map.get(key) {
                Some(next) => node = next,
                None => return false,
            },
            _ => return false,
        }
    }
    node.is_null()
}

/// Sets (or with `None`, removes) the value at a dotted path of a fact object, creating
/// the groups on the way; returns what was there.
fn set_path(
    root: &mut serde_json::Value,
    path: &str,
    value: Option<serde_json::Value>,
) -> Option<serde_json::Value> {
    let mut node = root;
    let mut segments = path.split('.').peekable();
    while let Some(key) = segments.next() {
        if !node.is_object() {
            // A group given as `null` (all unknown) becomes an object to hold the answer.
            *node = serde_json::Value::Object(serde_json::Map::new());
        }
        let serde_json::Value::Object(map) = node else {
            return None; // INVARIANT: made an object just above.
        };
        if segments.peek().is_none() {
            return match value {
                Some(v) => map.insert(key.to_string(), v),
                None => map.remove(key),
            };
        }
        if value.is_none() && !map.contains_key(key) {
            return None;
        }
        node = map
            .entry(key.to_string())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const POLICY: &str = r#"
        policy "Interview" version "1"
        facts p { a: bool "a"  b: bool "b"  c: bool "c"  d: bool "d" }
        outcome one when p.a and p.b title en "one"
        outcome two when p.b or p.c title en "two"
        outcome three when p.b and not p.a title en "three"
    "#;

    fn start(facts: serde_json::Value) -> Interview {
        let policy = Policy::from_source("interview.asylon", POLICY).expect("the policy checks");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        Interview::new(&policy, options, facts).expect("valid facts")
    }

    #[test]
    fn asks_the_fact_most_outcomes_wait_on_first() {
        let interview = start(json!({}));
        let q = interview.next_question().expect("a question");
        // b decides all three outcomes; a two; c one; d none.
        assert_eq!(q.name, "p.b");
        assert_eq!(q.decides, ["one", "two", "three"]);
    }

    #[test]
    fn ties_go_to_the_fact_declared_first() {
        let mut interview = start(json!({"p": {"b": true}}));
        // a decides `one` and `three`; nothing else is undetermined.
        assert_eq!(
            interview.next_question().map(|q| q.name),
            Some("p.a".into())
        );
        let a = interview.next_question().expect("a question").fact;
        interview.answer(a, json!(false)).expect("a valid answer");
        assert!(interview.next_question().is_none());
        assert!(interview.decision().undetermined.is_empty());
    }

    #[test]
    fn never_asks_a_fact_that_cannot_change_anything() {
        let interview = start(json!({"p": {"b": false}}));
        // `two` waits on c only; `one` and `three` are decided; d never matters.
        let q = interview.next_question().expect("a question");
        assert_eq!(q.name, "p.c");
        assert_eq!(q.decides, ["two"]);
    }

    #[test]
    fn dont_know_is_not_asked_again_and_back_undoes() {
        let mut interview = start(json!({}));
        let b = interview.next_question().expect("a question").fact;
        interview.dont_know(b);
        let next = interview.next_question().expect("a question");
        assert_eq!(next.name, "p.a");
        interview.answer(next.fact, json!(true)).expect("valid");
        assert_eq!(interview.answers(), &json!({"p": {"a": true, "b": null}}));
        assert_eq!(interview.back(), Some(next.fact));
        assert_eq!(interview.answers(), &json!({"p": {"b": null}}));
        assert_eq!(interview.back(), Some(b));
        assert_eq!(interview.answers(), &json!({"p": {}}));
        assert_eq!(interview.next_question().map(|q| q.fact), Some(b));
        assert_eq!(interview.back(), None);
    }

    #[test]
    fn ends_when_only_unknowable_facts_are_left() {
        let mut interview = start(json!({"p": {"a": true}}));
        // Only b is left for one, two (with c) and three.
        while let Some(q) = interview.next_question() {
            interview.dont_know(q.fact);
        }
        assert_eq!(interview.unknown().len(), 2);
        assert!(!interview.decision().undetermined.is_empty());
    }

    #[test]
    fn a_question_waits_for_the_facts_it_shows_and_then_shows_them() {
        const SHOWN: &str = r#"
            policy "Shown"
            fact student: bool "still a student" ask en "At {age}, are you still a student?"
            fact age: int "age in years"
            outcome o when student and age >= 18 title en "o"
        "#;
        let policy = Policy::from_source("shown.asylon", SHOWN).expect("the policy checks");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        let mut interview = Interview::new(&policy, options, json!({})).expect("valid facts");
        let first = interview.next_question().expect("a question");
        // A tie between the two; the studies come first in the policy but wait.
        assert_eq!(first.name, "age");
        assert_eq!(interview.question_text(first.fact, "en"), "age in years");
        let student = policy.checked().fact_named("student").expect("declared");
        assert_eq!(interview.question_text(student, "en"), "still a student");
        interview.answer(first.fact, json!(30)).expect("valid");
        assert_eq!(
            interview.question_text(student, "en"),
            "At 30, are you still a student?"
        );
    }

    #[test]
    fn a_saved_dont_know_is_not_asked_again_on_resume_but_is_by_new() {
        let policy = Policy::from_source("interview.asylon", POLICY).expect("the policy checks");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        let mut first = Interview::new(&policy, options.clone(), json!({})).expect("valid");
        let b = first.next_question().expect("a question").fact;
        first.dont_know(b);
        let saved = first.answers().clone();
        assert_eq!(saved, json!({"p": {"b": null}}));

        let resumed = Interview::resume(&policy, options.clone(), saved.clone()).expect("valid");
        assert_eq!(resumed.unknown(), [b]);
        assert_eq!(resumed.next_question(), first.next_question());
        assert_eq!(
            resumed.answered(),
            0,
            "a resumed \"I don't know\" is a starting fact"
        );

        let again = Interview::new(&policy, options, saved).expect("valid");
        assert_eq!(again.next_question().map(|q| q.fact), Some(b));
    }

    #[test]
    fn a_group_given_as_null_is_not_asked_on_resume() {
        let resumed = {
            let policy = Policy::from_source("i.asylon", POLICY).expect("the policy checks");
            let options = EvalOptions::on("2024-06-17").expect("a date");
            Interview::resume(&policy, options, json!({"p": null})).expect("valid")
        };
        assert_eq!(resumed.unknown().len(), 4);
        assert_eq!(resumed.next_question(), None);
        assert_eq!(resumed.remaining_at_most(), 0);
        assert!(given_as_null(&json!({"p": {"a": null}}), "p.a"));
        assert!(!given_as_null(&json!({"p": {}}), "p.a"));
        assert!(!given_as_null(&json!({"p": {"a": false}}), "p.a"));
    }

    #[test]
    fn at_most_counts_the_facts_still_waited_on_and_not_unknown() {
        let mut interview = start(json!({}));
        // a, b and c; d decides nothing.
        assert_eq!(interview.remaining_at_most(), 3);
        let b = interview.next_question().expect("a question").fact;
        interview.answer(b, json!(false)).expect("valid");
        // Only c is left: `one` and `three` no longer wait on a.
        assert_eq!(interview.remaining_at_most(), 1);
        let c = interview.next_question().expect("a question").fact;
        interview.dont_know(c);
        assert_eq!(interview.remaining_at_most(), 0);
        assert_eq!(interview.next_question(), None);
    }

    /// The policies the bound is proven on: the small one above, the interview tests'
    /// screening (lists, numbers, dates, a consistency rule) and the border policy.
    fn policies() -> &'static [Policy] {
        static POLICIES: std::sync::OnceLock<Vec<Policy>> = std::sync::OnceLock::new();
        let dir = env!("CARGO_MANIFEST_DIR");
        POLICIES.get_or_init(|| {
            vec![
                Policy::from_source("interview.asylon", POLICY).expect("the policy checks"),
                Policy::load(format!("{dir}/tests/fixtures/interview/screening.asylon"))
                    .expect("the screening policy checks"),
                Policy::load(format!("{dir}/policies/us-mexico-border"))
                    .expect("the border policy checks"),
            ]
        })
    }

    /// An answer to `fact` picked by `seed`, of the fact's type; some are refused
    /// (out of bounds, impossible), as a person's may be.
    fn some_answer(policy: &Policy, fact: FactId, seed: u64) -> serde_json::Value {
        use crate::value::Type;
        let checked = policy.checked();
        let pick = |options: &[&str]| json!(options[seed as usize % options.len()]);
        let variants = |e| {
            let info = checked.enum_info(e);
            info.variants
                .iter()
                .map(|v| v.name.clone())
                .collect::<Vec<_>>()
        };
        match &checked.fact(fact).ty {
            Type::Bool => json!(seed % 2 == 0),
            Type::Int => json!([0, 3, 14, 17, 18, 30, 64, 200][seed as usize % 8]),
            Type::Decimal => json!([0.5, 17.0, 1000.0][seed as usize % 3]),
            Type::Date => pick(&[
                "2019-07-16",
                "2023-05-11",
                "2024-06-03",
                "2024-06-17",
                "2030-01-01",
            ]),
            Type::Duration => pick(&["1 day", "60 days", "1 year"]),
            Type::Enum(e) => {
                let names = variants(*e);
                json!(names[seed as usize % names.len()])
            }
            Type::List(inner) => match inner.as_ref() {
                Type::Enum(e) => {
                    let names = variants(*e);
                    let chosen: Vec<_> = (names.iter().enumerate())
                        .filter(|(i, _)| seed >> (i % 60) & 1 == 1)
                        .map(|(_, n)| n.clone())
                        .collect();
                    json!(chosen)
                }
                _ => json!([]),
            },
            _ => json!("SV"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// Whatever the person answers, the interview never asks more questions than
        /// the bound said before any of them, and every question lowers the bound.
        #[test]
        fn the_interview_never_asks_more_than_at_most_said(
            which in 0..3usize,
            seeds in proptest::collection::vec(proptest::prelude::any::<u64>(), 60),
        ) {
            let policy = &policies()[which];
            let options = EvalOptions::on("2024-06-17").expect("a date");
            let mut interview = Interview::new(policy, options, json!({})).expect("valid");
            let mut bounds = Vec::new();
            let mut seeds = seeds.into_iter();
            while let Some(q) = interview.next_question() {
                let bound = interview.remaining_at_most();
                proptest::prop_assert!(bound >= 1);
                if let Some(&before) = bounds.last() {
                    proptest::prop_assert!(bound < before, "the bound went from {before} to {bound}");
                }
                bounds.push(bound);
                let seed = seeds.next().unwrap_or(0);
                // One in five: "I don't know"; a refused answer counts as one too.
                if seed % 5 == 0 || interview.answer(q.fact, some_answer(policy, q.fact, seed / 5)).is_err() {
                    interview.dont_know(q.fact);
                }
            }
            proptest::prop_assert_eq!(interview.remaining_at_most(), 0);
            let asked = bounds.len();
            for (i, bound) in bounds.iter().enumerate() {
                proptest::prop_assert!(asked - i <= *bound, "{} asked after a bound of {}", asked - i, bound);
            }
        }
    }

    #[test]
    fn paths_are_set_and_restored() {
        let mut facts = json!({"g": null});
        assert_eq!(set_path(&mut facts, "g.h.i", Some(json!(1))), None);
        assert_eq!(facts, json!({"g": {"h": {"i": 1}}}));
        assert_eq!(set_path(&mut facts, "g.h.i", None), Some(json!(1)));
        assert_eq!(set_path(&mut facts, "x.y", None), None);
        assert_eq!(facts, json!({"g": {"h": {}}}));
    }
}
