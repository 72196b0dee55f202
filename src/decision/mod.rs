//! The decision for one case: which outcomes hold, which do not, which are undetermined
//! and which facts would decide them, each with its reasons and sources.
//!
//! Its JSON form is what `asylon eval --format json` prints, and a contract other tools
//! rely on: `outcomes` (holding), `undetermined` (with `missing`), the top-level
//! `missing`, and `conflicts` when any occurred.
//!
//! A decision is assembled once from an evaluation (`assemble`), part by part, into
//! either this structure (`build`) or its JSON written as it goes (`crate::json`); its
//! texts in the decision's language come from `said`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, Ref};
use crate::facts::Facts;
use crate::text::Text;
use crate::texts::Texts;
use crate::value::{Date, Value};
#[doc(hidden)] // The inside: values are the checked policy's.
pub use crate::written::value_json;

mod assemble;
mod build;
mod said;

pub(crate) use assemble::{
    assemble, At, DefeatPart, Header, HoldingPart, NotHoldingPart, ReasonPart, Sink,
    UndeterminedPart,
};
pub(crate) use build::decide;
use said::{policy_title, Said};

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
                h.title = texts.title(rule, value).into_owned();
                h.explanation = texts.explanation(rule, value).into_owned();
            }
        }
        for u in &mut d.undetermined {
            if let Some(rule) = rule(&u.id) {
                u.title = texts.title(rule, value).into_owned();
            }
        }
        for n in &mut d.does_not_hold {
            let Some(rule) = rule(&n.id) else { continue };
            n.title = texts.title(rule, value).into_owned();
            for defeat in &mut n.defeated_by {
                let exception = (policy.rule(rule).exceptions.iter())
                    .copied()
                    .find(|e| policy.exception(*e).name == defeat.exception);
                if let Some(exception) = exception {
                    defeat.title = texts.defeat_title(exception, value).into_owned();
                }
            }
        }
        d
    }
}
