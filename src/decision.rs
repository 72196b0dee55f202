//! The decision for one case: which outcomes hold, which do not, which are undetermined
//! and which facts would decide them, each with its reasons and sources.
//!
//! Its JSON form is what `asylon eval --format json` prints, and a contract other tools
//! rely on: `outcomes` (holding), `undetermined` (with `missing`), the top-level
//! `missing`, and `conflicts` when any occurred.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::checked::{
    CheckedPolicy, ExceptionId, ExceptionInfo, Expr, ExprKind, FactId, Message, Ref, RuleId,
    RuleInfo,
};
use crate::eval::{ConflictInfo, EvalError, Evaluator};
use crate::facts::Facts;
use crate::message::{fold_whitespace, render};
use crate::text::Text;
use crate::texts::{collect_facts, Texts};
use crate::value::{Date, Type, Value};
#[doc(hidden)] // The inside: values are the checked policy's.
pub use crate::written::value_json;

/// The verdict on one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Its condition holds.
    Holds,
    /// Its condition does not hold (or an exception defeated it).
    DoesNotHold,
    /// It depends on unknown facts (or on a conflict).
    Undetermined,
}

/// A holding outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    /// The outcome's id.
    pub id: Text,
    /// Always [`Status::Holds`].
    pub status: Status,
    /// Its title, in the decision's language.
    pub title: Text,
    /// Its explanation, in the decision's language.
    pub explanation: Text,
    /// The passages it implements, one per line.
    pub source: Text,
    /// The same passages, one per item.
    pub sources: Vec<Text>,
    /// For a rule that changed over time, the version that applied
    /// (`effective from 2024-06-05`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Text>,
    /// Why it holds: its conditions, and the exceptions checked.
    pub because: Vec<Reason>,
}

/// One reason in an explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// `condition` (a part of the rule's condition) or `exception` (an exception checked).
    pub kind: ReasonKind,
    /// The exception's name, for an exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<Text>,
    /// The condition as written in the policy.
    pub condition: Text,
    /// The condition with the value of each operand it compared, for this case:
    /// `days since credible_fear.referral_date = 77 > 60`. Absent when it compares
    /// nothing whose value would show (see the language guide, "Reasons").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_values: Option<String>,
    /// Its value for this case (`true`/`false`, `null` when unknown).
    pub value: serde_json::Value,
    /// The known facts it read, directly or through definitions.
    #[serde(serialize_with = "keys_as_strings")]
    pub facts: BTreeMap<Text, serde_json::Value>,
    /// The exceptions that stopped this one from applying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defeated_by: Vec<Text>,
    /// The passage the exception implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Text>,
}

/// A map's keys written as plain strings: JSON keys cannot take a text's prepared JSON
/// form (see [`crate::text::write_json`]).
fn keys_as_strings<S: serde::Serializer>(
    map: &BTreeMap<Text, serde_json::Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter().map(|(k, v)| (k.as_str(), v)))
}

/// What a [`Reason`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// A part of the rule's own condition.
    Condition,
    /// An exception to the rule.
    Exception,
}

/// An outcome that depends on unknown facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undetermined {
    /// The outcome's id.
    pub id: Text,
    /// Always [`Status::Undetermined`].
    pub status: Status,
    /// Its title, in the decision's language.
    pub title: Text,
    /// The unknown facts that could decide it, in declaration order.
    pub missing: Vec<Text>,
    /// Whether a conflict between exceptions (see `conflicts`) leaves it undetermined.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
}

/// An outcome that does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotHolding {
    /// The outcome's id.
    pub id: Text,
    /// Always [`Status::DoesNotHold`].
    pub status: Status,
    /// Its title, in the decision's language.
    pub title: Text,
    /// For a rule that changed over time and has no version in force on the evaluation
    /// date, why it does not hold (`not in force on 2024-06-04: effective from 2024-06-05`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Text>,
    /// The exceptions that defeated it, when its own condition held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defeated_by: Vec<Defeat>,
}

/// An exception that defeated a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Defeat {
    /// The exception's name.
    pub exception: Text,
    /// Its title, or its condition as written.
    pub title: Text,
    /// The passage it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Text>,
}

/// Two or more exceptions to one rule that applied and gave different values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The rule.
    pub rule: Text,
    /// Each exception with the value it gave.
    pub exceptions: Vec<ConflictingException>,
}

/// One side of a [`Conflict`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictingException {
    /// The exception's name.
    pub exception: Text,
    /// The value it gave.
    pub value: serde_json::Value,
}

/// The decision for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The policy's name (`policy "…"`; its English title).
    pub policy: Text,
    /// The policy's title in the decision's language, when the policy translates it
    /// (`policy en "…" es "…"`) and it differs from `policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The policy's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Text>,
    /// The revision of the rules that made the decision ([`crate::Policy::revision`]:
    /// `sha256:` and the hex digest of the policy's sources), so that a stored decision
    /// can be traced to them. Empty in a decision read back from JSON that had none.
    #[serde(default)]
    pub revision: Text,
    /// The evaluation date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The language of titles and explanations.
    pub lang: String,
    /// The outcomes that hold, in policy order.
    pub outcomes: Vec<Holding>,
    /// The outcomes that depend on unknown facts, in policy order.
    pub undetermined: Vec<Undetermined>,
    /// The outcomes that do not hold, in policy order.
    pub does_not_hold: Vec<NotHolding>,
    /// Every fact some undetermined outcome is missing, the most needed first (ties by
    /// name).
    pub missing: Vec<Text>,
    /// Conflicts between exceptions, when any occurred.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// What its texts were rendered from, for [`Decision::in_language`].
    #[serde(skip)]
    origin: Origin,
}

/// What a decision's texts are rendered from, so that it can speak another language
/// without being evaluated again: the policy's messages and the values they interpolate,
/// as the evaluation found them. Not part of the decision's content: decisions with the
/// same content are equal, and print alike, whatever their origin (a decision read back
/// from JSON has none).
#[derive(Clone, Default)]
struct Origin(Option<Arc<Evaluated>>);

/// One finished evaluation.
struct Evaluated {
    policy: Arc<CheckedPolicy>,
    texts: Arc<Texts>,
    today: Date,
    /// The case's facts, shared with the caller that read them rather than copied.
    facts: Arc<Facts>,
    /// Every rule's value: a decision evaluates them all.
    rules: Vec<Option<Value>>,
}

impl Evaluated {
    fn value(&self, r: Ref) -> Option<Value> {
        match r {
            Ref::Fact(f) => self.facts.get(f).cloned(),
            Ref::Rule(r) => self.rules.get(r.0 as usize).cloned().flatten(),
        }
    }
}

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Origin")
    }
}

impl Decision {
    /// The verdict on an outcome, by id; `None` for an id the policy does not have.
    pub fn status(&self, id: &str) -> Option<Status> {
        if self.outcomes.iter().any(|o| o.id == id) {
            Some(Status::Holds)
        } else if self.undetermined.iter().any(|o| o.id == id) {
            Some(Status::Undetermined)
        } else if self.does_not_hold.iter().any(|o| o.id == id) {
            Some(Status::DoesNotHold)
        } else {
            None
        }
    }

    /// The same decision with its titles, explanations and exception titles in `lang`
    /// (falling back to English where the policy has no text in it), rendered from this
    /// evaluation's values: a caller showing English and Spanish side by side evaluates
    /// once. Equal to evaluating again with `lang`. A decision read back from JSON
    /// cannot be rendered again and is returned as it is, its `lang` unchanged.
    ///
    /// ```
    /// use asylon::{EvalOptions, Policy};
    ///
    /// let policy = Policy::from_source("p.asylon", r#"
    ///     policy "P" version "1"
    ///     fact age: int "age in years"
    ///     outcome adult when age >= 18
    ///       title en "An adult" es "Una persona adulta"
    ///       explain en "You are {age} years old." es "Tiene {age} años."
    /// "#)?;
    /// let facts = policy.facts_from_json(r#"{"age": 20}"#)?;
    /// let english = policy.evaluate(&facts, &EvalOptions::on("2024-06-17")?)?;
    /// let spanish = english.in_language("es-MX");
    /// assert_eq!(english.outcomes[0].explanation, "You are 20 years old.");
    /// assert_eq!(spanish.outcomes[0].explanation, "Tiene 20 años.");
    /// assert_eq!(spanish.lang, "es");
    /// # Ok::<(), asylon::Error>(())
    /// ```
    pub fn in_language(&self, lang: &str) -> Decision {
        let mut d = self.clone();
        let Some(from) = self.origin.0.as_deref() else {
            return d;
        };
        let policy = &*from.policy;
        let value = |r: &Ref| from.value(*r);
        // The policy's own tag for it (`es` for `es-MX`); one it lacks reads English.
        let lang =
            crate::message::match_language(&policy.languages, lang).map_or("en", String::as_str);
        let texts = Said::new(policy, &from.texts, from.today, lang);
        let rule = |id: &str| policy.outcome_named(id);
        d.lang = lang.to_string();
        d.title = policy_title(policy, &from.texts, lang);
        for h in &mut d.outcomes {
            if let Some(rule) = rule(&h.id) {
                h.title = texts.title(rule, value);
                h.explanation = texts.explanation(rule, value);
            }
        }
        for u in &mut d.undetermined {
            if let Some(rule) = rule(&u.id) {
                u.title = texts.title(rule, value);
            }
        }
        for n in &mut d.does_not_hold {
            let Some(rule) = rule(&n.id) else { continue };
            n.title = texts.title(rule, value);
            for defeat in &mut n.defeated_by {
                let exception = (policy.rule(rule).exceptions.iter())
                    .copied()
                    .find(|e| policy.exception(*e).name == defeat.exception);
                if let Some(exception) = exception {
                    defeat.title = texts.defeat_title(exception, value);
                }
            }
        }
        d
    }
}

/// The policy's title in `lang`, when it differs from its name.
fn policy_title(policy: &CheckedPolicy, texts: &Texts, lang: &str) -> Option<Text> {
    texts.names.title(lang).unwrap_or_else(|| {
        let title = render(policy, &policy.header.title, lang, |_| None);
        (!title.is_empty() && title != policy.header.name).then(|| Text::from(title))
    })
}

/// An outcome's title, explanation and sources: those of its version in force on
/// `today`, for a rule that changed over time.
fn texts_of(rule: &RuleInfo, today: Date) -> (&Message, &Message, &[String]) {
    match rule.version_at(today) {
        Some(v) => (&v.title, &v.explain, &v.sources),
        None => (&rule.title, &rule.explain, &rule.sources),
    }
}

/// A decision's texts in one language on one day: those rendered at load copied, the
/// others rendered.
struct Said<'a> {
    policy: &'a CheckedPolicy,
    texts: &'a Texts,
    today: Date,
    lang: &'a str,
    /// `lang`'s place among the policy's languages, when it is one of them: where the
    /// texts made at load keep each message's text in it.
    at: Option<usize>,
}

impl<'a> Said<'a> {
    fn new(policy: &'a CheckedPolicy, texts: &'a Texts, today: Date, lang: &'a str) -> Said<'a> {
        let at = policy.languages.iter().position(|l| l == lang);
        Said {
            policy,
            texts,
            today,
            lang,
            at,
        }
    }

    /// An outcome's title.
    fn title(&self, id: RuleId, value: impl FnMut(&Ref) -> Option<Value>) -> Text {
        let rule = self.policy.rule(id);
        let message = texts_of(rule, self.today).0;
        match self.texts.rule_at(id.0 as usize, rule, self.today) {
            Some(t) => t
                .title
                .render(self.policy, message, (self.lang, self.at), value),
            None => Text::from(render(self.policy, message, self.lang, value)),
        }
    }

    /// An outcome's explanation.
    fn explanation(&self, id: RuleId, value: impl FnMut(&Ref) -> Option<Value>) -> Text {
        let rule = self.policy.rule(id);
        let message = texts_of(rule, self.today).1;
        match self.texts.rule_at(id.0 as usize, rule, self.today) {
            Some(t) => t
                .explain
                .render(self.policy, message, (self.lang, self.at), value),
            None => Text::from(render(self.policy, message, self.lang, value)),
        }
    }

    /// The title of an exception that defeated a rule.
    fn defeat_title(&self, id: ExceptionId, mut value: impl FnMut(&Ref) -> Option<Value>) -> Text {
        let exception = self.policy.exception(id);
        let texts = self.texts.exception(id.0 as usize);
        let title = match texts {
            Some(t) => t.title.render(
                self.policy,
                &exception.title,
                (self.lang, self.at),
                &mut value,
            ),
            None => Text::from(render(self.policy, &exception.title, self.lang, &mut value)),
        };
        if !title.is_empty() {
            return title;
        }
        Text::from(untitled(self.policy, exception, self.lang, value))
    }
}

/// The title of an exception written without one: a sentence made from its name
/// (`Exception “prior order” applies`), as a person reads this, not the condition (which
/// the reasons show).
fn untitled(
    policy: &CheckedPolicy,
    exception: &ExceptionInfo,
    lang: &str,
    mut value: impl FnMut(&Ref) -> Option<Value>,
) -> String {
    if !exception.inline {
        return crate::message::untitled_exception(Some(&exception.name), lang);
    }
    // An inline `unless` has no name of its own; `unless ban_exception` reads as the name
    // it tests (as written: the condition of a version's `unless` also tests the dates).
    let written = fold_whitespace(policy.text(exception.when.span));
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    if written.is_empty() || !written.chars().all(is_name) {
        return crate::message::untitled_exception(None, lang);
    }
    if let Some(outcome) = policy.outcome_named(&written).map(|r| policy.rule(r)) {
        let title = render(policy, &outcome.title, lang, &mut value);
        if !title.is_empty() {
            return title;
        }
    }
    crate::message::untitled_exception(Some(&written), lang)
}

/// Builds the decision for the evaluator's case, which keeps what it takes to speak
/// another language ([`Decision::in_language`]). `policy` and `facts` are the
/// evaluator's.
pub(crate) fn decide(
    mut ev: Evaluator<'_>,
    policy: &Arc<CheckedPolicy>,
    facts: &Arc<Facts>,
    texts: &Arc<Texts>,
    revision: Text,
    lang: &str,
) -> Result<Decision, EvalError> {
    let mut build = Build::new();
    assemble(&mut ev, texts, revision, lang, &mut build)?;
    let mut decision = build.decision;
    decision.origin = Origin(Some(Arc::new(Evaluated {
        policy: Arc::clone(policy),
        texts: Arc::clone(texts),
        today: ev.today,
        facts: Arc::clone(facts),
        rules: ev.into_rule_values(),
    })));
    Ok(decision)
}

/// The parts of a decision, handed to a [`Sink`] in the order its JSON lists them, so
/// that one assembly makes both the [`Decision`] ([`Build`]) and its JSON written as it
/// goes (`crate::json::Writer`), which builds and drops no structure.
pub(crate) trait Sink {
    /// The decision's header; `outcomes` counts the holding, undetermined and
    /// not-holding outcomes to come.
    fn header(&mut self, header: Header<'_>, outcomes: [usize; 3]);
    /// An outcome that holds; its reasons follow, then [`Sink::end_holding`].
    fn holding(&mut self, holding: HoldingPart<'_>);
    /// A reason of the last holding outcome.
    fn reason(&mut self, at: &At<'_>, reason: ReasonPart<'_>);
    /// The last holding outcome is complete.
    fn end_holding(&mut self);
    /// An undetermined outcome: all of them come after the holding ones.
    fn undetermined(&mut self, at: &At<'_>, outcome: UndeterminedPart<'_>);
    /// An outcome that does not hold, after every undetermined one; the exceptions that
    /// defeated it follow, then [`Sink::end_not_holding`].
    fn not_holding(&mut self, outcome: NotHoldingPart);
    /// An exception that defeated the last outcome that does not hold.
    fn defeat(&mut self, defeat: DefeatPart);
    /// The last outcome that does not hold is complete.
    fn end_not_holding(&mut self);
    /// The facts undetermined outcomes are missing, the most needed first; then the
    /// conflicts, and the decision is complete.
    fn end(&mut self, at: &At<'_>, missing: &[FactId], conflicts: &[ConflictInfo]);
}

/// What a [`Sink`] looks names, types and values up in.
pub(crate) struct At<'a> {
    pub policy: &'a CheckedPolicy,
    pub texts: &'a Texts,
    pub facts: &'a Facts,
}

/// The header of a decision.
pub(crate) struct Header<'a> {
    pub policy: Text,
    pub title: Option<Text>,
    pub version: Option<Text>,
    pub revision: Text,
    pub as_of: Date,
    pub lang: &'a str,
}

/// An outcome that holds, without its reasons.
pub(crate) struct HoldingPart<'a> {
    pub rule: RuleId,
    pub id: Text,
    pub title: Text,
    pub explanation: Text,
    pub source: Text,
    pub sources: &'a [Text],
    pub effective: Option<Text>,
    /// How many reasons follow.
    pub reasons: usize,
}

/// A [`Reason`], its values as the evaluator has them.
pub(crate) struct ReasonPart<'a> {
    pub kind: ReasonKind,
    pub exception: Option<Text>,
    pub condition: Text,
    pub with_values: Option<String>,
    /// Its value, of type `ty`.
    pub value: Option<Value>,
    pub ty: &'a Type,
    /// The facts it reads, sorted by name: those known are shown.
    pub facts: &'a [FactId],
    /// The exceptions that stopped it from applying.
    pub defeated_by: Vec<ExceptionId>,
    pub source: Option<Text>,
}

/// An undetermined outcome.
pub(crate) struct UndeterminedPart<'a> {
    pub rule: RuleId,
    pub id: Text,
    pub title: Text,
    /// The unknown facts that could decide it, in declaration order.
    pub missing: &'a [FactId],
    pub conflict: bool,
}

/// An outcome that does not hold, without its defeats.
pub(crate) struct NotHoldingPart {
    pub rule: RuleId,
    pub id: Text,
    pub title: Text,
    pub effective: Option<Text>,
}

/// A [`Defeat`].
pub(crate) struct DefeatPart {
    pub exception: Text,
    pub title: Text,
    pub source: Option<Text>,
}

/// The [`Sink`] that builds a [`Decision`], empty until the header comes.
struct Build {
    decision: Decision,
}

impl Build {
    fn new() -> Build {
        Build {
            decision: Decision {
                policy: Text::default(),
                title: None,
                version: None,
                revision: Text::default(),
                as_of: String::new(),
                lang: String::new(),
                outcomes: Vec::new(),
                undetermined: Vec::new(),
                does_not_hold: Vec::new(),
                missing: Vec::new(),
                conflicts: Vec::new(),
                origin: Origin::default(),
            },
        }
    }
}

impl Sink for Build {
    fn header(&mut self, h: Header<'_>, [holding, undetermined, not_holding]: [usize; 3]) {
        self.decision = Decision {
            policy: h.policy,
            title: h.title,
            version: h.version,
            revision: h.revision,
            as_of: h.as_of.to_string(),
            lang: h.lang.to_string(),
            // Each list made at its size: grown one push at a time, they were copied
            // seven times per decision.
            outcomes: Vec::with_capacity(holding),
            undetermined: Vec::with_capacity(undetermined),
            does_not_hold: Vec::with_capacity(not_holding),
            missing: Vec::new(),
            conflicts: Vec::new(),
            origin: Origin::default(),
        };
    }

    fn holding(&mut self, h: HoldingPart<'_>) {
        self.decision.outcomes.push(Holding {
            id: h.id,
            status: Status::Holds,
            title: h.title,
            explanation: h.explanation,
            source: h.source,
            sources: h.sources.to_vec(),
            effective: h.effective,
            because: Vec::with_capacity(h.reasons),
        });
    }

    fn reason(&mut self, at: &At<'_>, r: ReasonPart<'_>) {
        let policy = at.policy;
        // Inserted one by one: a map of a few facts is one node, and building it from an
        // iterator would first gather and sort the entries in a list of its own.
        let mut facts = BTreeMap::new();
        for &f in r.facts {
            if let Some(v) = at.facts.get(f) {
                let info = policy.fact(f);
                facts.insert(
                    at.texts.names.fact(policy, f),
                    value_json(policy, &info.ty, v),
                );
            }
        }
        let reason = Reason {
            kind: r.kind,
            exception: r.exception,
            condition: r.condition,
            with_values: r.with_values,
            value: (r.value.as_ref())
                .map_or(serde_json::Value::Null, |v| value_json(policy, r.ty, v)),
            facts,
            defeated_by: (r.defeated_by.iter())
                .map(|e| at.texts.names.exception(policy, *e))
                .collect(),
            source: r.source,
        };
        if let Some(h) = self.decision.outcomes.last_mut() {
            h.because.push(reason);
        }
    }

    fn end_holding(&mut self) {}

    fn undetermined(&mut self, at: &At<'_>, u: UndeterminedPart<'_>) {
        self.decision.undetermined.push(Undetermined {
            id: u.id,
            status: Status::Undetermined,
            title: u.title,
            missing: (u.missing.iter())
                .map(|f| at.texts.names.fact(at.policy, *f))
                .collect(),
            conflict: u.conflict,
        });
    }

    fn not_holding(&mut self, n: NotHoldingPart) {
        self.decision.does_not_hold.push(NotHolding {
            id: n.id,
            status: Status::DoesNotHold,
            title: n.title,
            effective: n.effective,
            defeated_by: Vec::new(),
        });
    }

    fn defeat(&mut self, d: DefeatPart) {
        if let Some(n) = self.decision.does_not_hold.last_mut() {
            n.defeated_by.push(Defeat {
                exception: d.exception,
                title: d.title,
                source: d.source,
            });
        }
    }

    fn end_not_holding(&mut self) {}

    fn end(&mut self, at: &At<'_>, missing: &[FactId], conflicts: &[ConflictInfo]) {
        let policy = at.policy;
        let names = &at.texts.names;
        let d = &mut self.decision;
        d.missing = missing.iter().map(|f| names.fact(policy, *f)).collect();
        d.conflicts = (conflicts.iter())
            .map(|c| {
                let rule = policy.rule(c.rule);
                Conflict {
                    rule: names.rule(policy, c.rule),
                    exceptions: (c.exceptions.iter())
                        .map(|(e, v)| ConflictingException {
                            exception: names.exception(policy, *e),
                            value: value_json(policy, &rule.ty, v),
                        })
                        .collect(),
                }
            })
            .collect();
    }
}

/// Assembles the decision for the evaluator's case, in `lang`, into `sink`; returns each
/// outcome's verdict, in policy order (`None`: undetermined).
pub(crate) fn assemble(
    ev: &mut Evaluator<'_>,
    texts: &Texts,
    revision: Text,
    lang: &str,
    sink: &mut impl Sink,
) -> Result<Vec<Option<bool>>, EvalError> {
    let policy = ev.policy;
    let at = At {
        policy,
        texts,
        facts: ev.facts,
    };
    let said = Said::new(policy, texts, ev.today, lang);
    // Every rule, so that a conflict anywhere is reported, not only on the paths the
    // outcomes happened to take.
    for i in 0..policy.rules.len() {
        ev.settle(RuleId(i as u32));
    }
    if let Some(e) = ev.failure.take() {
        return Err(e);
    }
    let verdicts: Vec<Option<bool>> = (policy.outcomes.iter())
        .map(|&id| ev.rule(id).and_then(|v| v.as_bool()))
        .collect();
    let count = |verdict: Option<bool>| verdicts.iter().filter(|v| **v == verdict).count();
    sink.header(
        Header {
            policy: texts.names.policy.clone(),
            title: policy_title(policy, texts, lang),
            version: texts.names.version.clone(),
            revision,
            as_of: ev.today,
            lang,
        },
        [count(Some(true)), count(None), count(Some(false))],
    );
    // The outcomes of each verdict in turn, as the decision lists them. Every verdict
    // was settled above, without failure; what is evaluated from here on only explains
    // them, and the order it is asked in cannot change a value.
    let outcomes = || {
        policy
            .outcomes
            .iter()
            .copied()
            .zip(verdicts.iter().copied())
    };
    let mut parts = Vec::with_capacity(8);
    for (id, _) in outcomes().filter(|(_, v)| *v == Some(true)) {
        holding(ev, &at, &said, id, &mut parts, sink);
    }
    // How many undetermined outcomes miss each fact, by fact.
    let mut counts = vec![0usize; policy.facts.len()];
    for (id, _) in outcomes().filter(|(_, v)| v.is_none()) {
        let found = ev.missing_for_rule(id);
        let conflict = found.conflict;
        let missing = found.sorted();
        for f in &missing {
            if let Some(n) = counts.get_mut(f.0 as usize) {
                *n += 1;
            }
        }
        let title = said.title(id, |r| value_of(ev, *r));
        let outcome = UndeterminedPart {
            rule: id,
            id: texts.names.rule(policy, id),
            title,
            missing: &missing,
            conflict,
        };
        sink.undetermined(&at, outcome);
    }
    for (id, _) in outcomes().filter(|(_, v)| *v == Some(false)) {
        not_holding(ev, &said, id, sink);
    }
    let mut missing: Vec<(usize, FactId)> = (counts.iter().enumerate())
        .filter(|(_, n)| **n > 0)
        .map(|(f, n)| (*n, FactId(f as u32)))
        .collect();
    let name = |f: FactId| (texts.names.facts.get(f.0 as usize)).map(Text::as_str);
    missing.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| name(a.1).cmp(&name(b.1))));
    let missing: Vec<FactId> = missing.into_iter().map(|(_, f)| f).collect();
    sink.end(&at, &missing, &ev.conflicts);
    Ok(verdicts)
}

/// An outcome that holds, with its reasons; `parts` is room for the parts of its
/// condition.
fn holding<'p>(
    ev: &mut Evaluator<'p>,
    at: &At<'_>,
    said: &Said<'_>,
    id: RuleId,
    parts: &mut Vec<&'p Expr>,
    sink: &mut impl Sink,
) {
    let (policy, texts) = (at.policy, at.texts);
    let rule = policy.rule(id);
    let title = said.title(id, |r| value_of(ev, *r));
    let explanation = said.explanation(id, |r| value_of(ev, *r));
    parts.clear();
    conditions(ev, id, parts);
    let reasons = parts.len() + rule.exceptions.len();
    let made;
    let (sources, source, effective) = match texts.rule_at(id.0 as usize, rule, ev.today) {
        Some(t) => (&t.sources[..], t.source.clone(), t.effective.clone()),
        None => {
            let sources: Vec<String> = (texts_of(rule, ev.today).2.iter())
                .map(|s| fold_whitespace(s))
                .collect();
            let source = Text::from(sources.join("\n"));
            let version = rule.version_at(ev.today);
            let effective = version.map(|v| Text::from(v.effective.describe()));
            made = sources.into_iter().map(Text::from).collect::<Vec<_>>();
            (&made[..], source, effective)
        }
    };
    sink.holding(HoldingPart {
        rule: id,
        id: texts.names.rule(policy, id),
        title,
        explanation,
        source,
        sources,
        effective,
        reasons,
    });
    // The outcome holds; when its one condition is its value (no exception could
    // apply), that condition held, and so did each of its parts: an `and` holds only
    // when both its sides do. No need to evaluate them again.
    let held =
        rule.versions.len() <= 1 && (rule.exceptions.iter()).all(|e| ev.applies(*e) == Some(false));
    for &part in parts.iter() {
        let value = if held {
            Some(Value::Bool(true))
        } else {
            ev.eval(part)
        };
        let written = texts.condition(part.span);
        let found;
        let facts = match written.and_then(|c| c.facts.as_deref()) {
            Some(facts) => facts,
            None => {
                found = read_by_name(policy, texts, part);
                &found[..]
            }
        };
        let reason = ReasonPart {
            kind: ReasonKind::Condition,
            exception: None,
            condition: match written {
                Some(c) => c.text.clone(),
                None => Text::from(fold_whitespace(policy.text(part.span))),
            },
            with_values: crate::compared::with_values(ev, part, written),
            value,
            ty: &part.ty,
            facts,
            defeated_by: Vec::new(),
            source: None,
        };
        sink.reason(at, reason);
    }
    for &e in &rule.exceptions {
        exception_reason(ev, at, e, sink);
    }
    sink.end_holding();
}

/// The parts of a holding outcome's condition a reason is given for, into `parts`:
/// those of its version in force, for a rule that changed over time.
fn conditions<'p>(ev: &mut Evaluator<'p>, id: RuleId, parts: &mut Vec<&'p Expr>) {
    let rule = ev.policy.rule(id);
    let mut body = &rule.body;
    if rule.versions.len() > 1 {
        // `(in force 1 and body 1) or (in force 2 and body 2) …`: explain the version in
        // force.
        let mut disjuncts = Vec::new();
        crate::texts::disjuncts(body, &mut disjuncts);
        for d in disjuncts {
            if let ExprKind::And(in_force, _) = &d.kind {
                if ev.eval_bool(in_force) == Some(true) {
                    body = d;
                }
            }
        }
    }
    crate::texts::conjuncts(body, parts);
}

/// An outcome that does not hold, with the exceptions that defeated it when its own
/// condition held.
fn not_holding(ev: &mut Evaluator<'_>, said: &Said<'_>, id: RuleId, sink: &mut impl Sink) {
    let policy = ev.policy;
    let rule = policy.rule(id);
    let title = said.title(id, |r| value_of(ev, *r));
    let not_in_force =
        (!rule.versions.is_empty() && rule.version_at(ev.today).is_none()).then(|| {
            let periods: Vec<String> = (rule.versions.iter())
                .map(|v| v.effective.describe())
                .collect();
            Text::from(format!(
                "not in force on {}: {}",
                ev.today,
                periods.join("; ")
            ))
        });
    sink.not_holding(NotHoldingPart {
        rule: id,
        id: said.texts.names.rule(policy, id),
        title,
        effective: not_in_force,
    });
    // Whether an exception applied (known already) before whether the rule's own
    // condition held (evaluated again): for most rules that do not hold, none applied.
    let applied = (rule.exceptions.iter()).any(|e| ev.applies(*e) == Some(true));
    if applied && ev.eval_bool(&rule.body) == Some(true) {
        for &e in &rule.exceptions {
            if ev.applies(e) != Some(true) {
                continue;
            }
            sink.defeat(DefeatPart {
                exception: said.texts.names.exception(policy, e),
                title: said.defeat_title(e, |r| value_of(ev, *r)),
                source: exception_source(said.texts, policy, e),
            });
        }
    }
    sink.end_not_holding();
}

fn value_of(ev: &mut Evaluator<'_>, r: Ref) -> Option<Value> {
    match r {
        Ref::Fact(f) => ev.facts.get(f).cloned(),
        Ref::Rule(r) => ev.rule(r),
    }
}

/// An exception's passages, folded into one text.
fn exception_source(texts: &Texts, policy: &CheckedPolicy, e: ExceptionId) -> Option<Text> {
    match texts.exception(e.0 as usize) {
        Some(t) => t.source.clone(),
        None => {
            let exc = policy.exception(e);
            (!exc.sources.is_empty()).then(|| Text::from(fold_whitespace(&exc.sources.join("\n"))))
        }
    }
}

/// The reason an exception to a holding outcome gives: it was checked, and did not apply.
fn exception_reason(ev: &mut Evaluator<'_>, at: &At<'_>, e: ExceptionId, sink: &mut impl Sink) {
    let (policy, texts) = (at.policy, at.texts);
    let exc = policy.exception(e);
    let written = texts.exception(e.0 as usize).map(|t| &t.when);
    let applies = ev.applies(e);
    let defeated_by = (exc.exceptions.iter())
        .copied()
        .filter(|s| ev.applies(*s) == Some(true))
        .collect();
    let mut condition = match written {
        Some(c) => c.text.clone(),
        None => Text::from(fold_whitespace(policy.text(exc.when.span))),
    };
    if let Some(period) = exc.effective.filter(|p| !p.contains(ev.today)) {
        condition = Text::from(format!("{condition} (not in force: {})", period.describe()));
    }
    let found;
    let facts = match written.and_then(|c| c.facts.as_deref()) {
        Some(facts) => facts,
        None => {
            found = read_by_name(policy, texts, &exc.when);
            &found[..]
        }
    };
    let reason = ReasonPart {
        kind: ReasonKind::Exception,
        exception: Some(texts.names.exception(policy, e)),
        condition,
        with_values: crate::compared::with_values(ev, &exc.when, written),
        value: applies.map(Value::Bool),
        ty: &exc.when.ty,
        facts,
        defeated_by,
        source: exception_source(texts, policy, e),
    };
    sink.reason(at, reason);
}

/// The facts an expression reads, directly or through rules, sorted by name as a
/// reason lists them: for a condition whose facts were not found at load.
fn read_by_name(policy: &CheckedPolicy, texts: &Texts, e: &Expr) -> Vec<FactId> {
    let mut found = Vec::new();
    collect_facts(policy, e, &mut found, &mut Vec::new());
    found.sort_by_key(|f| texts.names.fact(policy, *f));
    found
}
