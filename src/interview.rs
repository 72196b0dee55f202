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
        .filter(|u| u.missing.contains(&name))
        .map(|u| u.id.clone())
        .collect();
    Some(Question {
        fact,
        name,
        decides,
    })
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
    /// What the fact file held for this fact before (absent, or `null`).
    before: Option<serde_json::Value>,
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

    /// The facts answered "I don't know", in the order asked.
    pub fn unknown(&self) -> &[FactId] {
        &self.dont_know
    }

    /// How many answers can be taken back with [`Interview::back`].
    pub fn answered(&self) -> usize {
        self.history.len()
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
            before,
            dont_know: false,
        });
        Ok(())
    }

    /// Records "I don't know": the fact stays unknown and is not asked again.
    pub fn dont_know(&mut self, fact: FactId) {
        if !self.dont_know.contains(&fact) {
            self.dont_know.push(fact);
            self.history.push(Step {
                fact,
                before: None,
                dont_know: true,
            });
        }
    }

    /// Takes back the last answer; returns its fact, or `None` when nothing was answered
    /// in this interview (the starting facts cannot be taken back).
    pub fn back(&mut self) -> Option<FactId> {
        let step = self.history.pop()?;
        if step.dont_know {
            self.dont_know.retain(|f| *f != step.fact);
        } else {
            let name = self.policy.checked().fact(step.fact).name.clone();
            set_path(&mut self.answers, &name, step.before);
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
        assert_eq!(interview.answers(), &json!({"p": {"a": true}}));
        assert_eq!(interview.back(), Some(next.fact));
        assert_eq!(interview.answers(), &json!({"p": {}}));
        assert_eq!(interview.back(), Some(b));
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
    fn paths_are_set_and_restored() {
        let mut facts = json!({"g": null});
        assert_eq!(set_path(&mut facts, "g.h.i", Some(json!(1))), None);
        assert_eq!(facts, json!({"g": {"h": {"i": 1}}}));
        assert_eq!(set_path(&mut facts, "g.h.i", None), Some(json!(1)));
        assert_eq!(set_path(&mut facts, "x.y", None), None);
        assert_eq!(facts, json!({"g": {"h": {}}}));
    }
}
