//! Why an outcome holds, does not hold, or is undetermined, as a tree.
//!
//! The tree follows the rule as written: `and`/`or` chains become "all of"/"any of"
//! nodes, `not` a node of its own, a definition or outcome used in the condition a node
//! that opens onto its own condition, exceptions and sources, and every other condition
//! (a comparison, a membership test, a fact read as a `bool`) a leaf with the facts it
//! reads. Every node carries its value for the case (`null`: unknown). The rule's
//! exceptions follow its condition, each with its own condition, the exceptions to it,
//! and whether it applied — an exception that applied is the one that defeated the rule.
//!
//! A definition used in several places is opened once, where it is first met; later
//! uses carry its value and `shown_above`, so a shared definition is read once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, FactId, RuleId, RuleKind};
use crate::decision::{value_json, Status};
use crate::error::{Error, ErrorKind};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::message::{fold_whitespace, format_value, render, render_known, template};
use crate::policy::{EvalOptions, Policy};
use crate::value::{Type, Value};

/// Why one outcome has its status, for one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The outcome's id.
    pub outcome: String,
    /// Its title, in the explanation's language.
    pub title: String,
    /// Its status for the case.
    pub status: Status,
    /// The revision of the rules that explain it, as in [`crate::Decision::revision`].
    #[serde(default)]
    pub revision: String,
    /// The evaluation date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The language of titles and explanations.
    pub lang: String,
    /// The outcome's own explanation, when it holds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
    /// The passages the outcome implements.
    pub sources: Vec<String>,
    /// Its condition (`when`), as a tree.
    pub condition: Node,
    /// The exceptions to it, in declaration order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionNode>,
    /// The exceptions that defeated it (applied while its condition held).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defeated_by: Vec<String>,
    /// When undetermined: the unknown facts that could decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// When undetermined: whether exceptions that disagree both applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
}

/// What a [`Node`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// `a and b and …`: holds when all its children hold.
    All,
    /// `a or b or …`: holds when any of its children holds.
    Any,
    /// `not a`
    Not,
    /// A definition, constant or outcome used by name.
    Rule,
    /// Any other condition: a comparison, a test, a fact.
    Condition,
}

/// One part of a condition, with its value for the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// What it stands for.
    pub kind: NodeKind,
    /// The condition as written in the policy.
    pub condition: String,
    /// For a condition that compares: the condition with the value of each operand it
    /// compared (`days since credible_fear.referral_date = 77 > 60`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_values: Option<String>,
    /// Its value (`true`/`false` for a condition; `null` when unknown).
    pub value: serde_json::Value,
    /// A value other than `true`/`false`, formatted for people in the explanation's
    /// language (a date, a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
    /// The facts it reads directly, with their values (`null`: unknown).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, serde_json::Value>,
    /// For a rule node: the rule's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// For a rule node: the passages the rule implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The parts: the operands of `all`/`any`/`not`, a rule's condition, or the rules a
    /// condition uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// For a rule node: the exceptions to the rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionNode>,
    /// For a rule node: the rule was opened earlier in the tree.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shown_above: bool,
}

/// An exception checked, with its condition and whether it applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceptionNode {
    /// Its name.
    pub exception: String,
    /// Its title, in the explanation's language.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Whether it applies (`null`: unknown). One that applies defeats what it is an
    /// exception to.
    pub applies: Option<bool>,
    /// For an exception to a rule that is not a `bool`: the value it gives instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gives: Option<serde_json::Value>,
    /// Its condition, as a tree.
    pub condition: Node,
    /// The exceptions to this exception.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionNode>,
    /// The passages it implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// Explains one outcome for a case. Refuses facts that contradict each other, like
/// [`Policy::evaluate`], and an outcome id the policy does not have.
pub fn explain(
    policy: &Policy,
    facts: &Facts,
    options: &EvalOptions,
    outcome: &str,
) -> Result<Explanation, Error> {
    let checked = policy.checked();
    let Some(id) = checked.outcome_named(outcome) else {
        return Err(unknown_outcome(checked, outcome));
    };
    let decision = policy.evaluate(facts, options)?;
    // The policy's own tag for the language asked for (`es` for `es-MX`).
    let lang = decision.lang.as_str();
    let status = decision.status(outcome).unwrap_or(Status::Undetermined);
    let mut builder = Builder {
        ev: Evaluator::new(checked, facts, options.as_of),
        lang,
        opened: vec![false; checked.rules.len()],
    };
    builder.opened[id.0 as usize] = true;
    let rule = checked.rule(id);
    let condition = builder.node(&rule.body);
    let exceptions = builder.exceptions(&rule.exceptions, &rule.ty);
    let (missing, conflict) = decision
        .undetermined
        .iter()
        .find(|u| u.id == outcome)
        .map(|u| {
            (
                u.missing.iter().map(|m| m.to_string()).collect(),
                u.conflict,
            )
        })
        .unwrap_or_default();
    let defeated_by = decision
        .does_not_hold
        .iter()
        .find(|n| n.id == outcome)
        .map(|n| {
            n.defeated_by
                .iter()
                .map(|d| d.exception.to_string())
                .collect()
        })
        .unwrap_or_default();
    let explanation = decision
        .outcomes
        .iter()
        .find(|o| o.id == outcome)
        .map(|o| o.explanation.to_string())
        .unwrap_or_default();
    let title = render(checked, &rule.title, lang, |r| match r {
        crate::checked::Ref::Fact(f) => facts.get(*f).cloned(),
        crate::checked::Ref::Rule(r) => builder.ev.rule(*r),
    });
    Ok(Explanation {
        outcome: outcome.to_string(),
        title,
        status,
        revision: decision.revision.to_string(),
        as_of: options.as_of.to_string(),
        lang: lang.to_string(),
        explanation,
        sources: rule.sources.iter().map(|s| fold_whitespace(s)).collect(),
        condition,
        exceptions,
        defeated_by,
        missing,
        conflict,
    })
}

fn unknown_outcome(policy: &CheckedPolicy, outcome: &str) -> Error {
    let names: Vec<&str> = policy
        .outcomes
        .iter()
        .map(|r| policy.rule(*r).name.as_str())
        .collect();
    let help = crate::suggest::did_you_mean(outcome, names.iter().copied())
        .unwrap_or_else(|| format!("the outcomes of this policy are {}", names.join(", ")));
    Error::from_reports(
        ErrorKind::Facts,
        vec![miette::miette!(
            code = "asylon::unknown_outcome",
            help = help,
            "`{outcome}` is not an outcome of this policy"
        )],
    )
}

struct Builder<'p> {
    ev: Evaluator<'p>,
    lang: &'p str,
    /// The rules already opened in this tree.
    opened: Vec<bool>,
}

impl Builder<'_> {
    fn node(&mut self, e: &Expr) -> Node {
        let policy = self.ev.policy;
        let value = self.ev.eval(e);
        let mut node = Node {
            kind: NodeKind::Condition,
            condition: fold_whitespace(policy.text(e.span)),
            with_values: None,
            value: value
                .as_ref()
                .map_or(serde_json::Value::Null, |v| value_json(policy, &e.ty, v)),
            shown: self.shown(&e.ty, value.as_ref()),
            facts: BTreeMap::new(),
            rule: None,
            sources: Vec::new(),
            children: Vec::new(),
            exceptions: Vec::new(),
            shown_above: false,
        };
        match &e.kind {
            ExprKind::And(..) | ExprKind::Or(..) => {
                let and = matches!(e.kind, ExprKind::And(..));
                node.kind = if and { NodeKind::All } else { NodeKind::Any };
                let mut parts = Vec::new();
                e.chain(and, &mut parts);
                node.children = parts.into_iter().map(|p| self.node(p)).collect();
            }
            ExprKind::Not(a) => {
                node.kind = NodeKind::Not;
                node.children = vec![self.node(a)];
            }
            ExprKind::Rule(r) => self.open_rule(*r, &mut node),
            _ => {
                node.with_values = crate::compared::with_values(&mut self.ev, e, None);
                let mut facts = Vec::new();
                let mut rules = Vec::new();
                direct(e, &mut facts, &mut rules);
                node.facts = facts
                    .into_iter()
                    .map(|f| {
                        let info = policy.fact(f);
                        let value =
                            self.ev.facts.get(f).map_or(serde_json::Value::Null, |v| {
                                value_json(policy, &info.ty, v)
                            });
                        (info.name.clone(), value)
                    })
                    .collect();
                for r in rules {
                    let rule = policy.rule(r);
                    let value = self.ev.rule(r);
                    let mut child = Node {
                        kind: NodeKind::Rule,
                        condition: rule.name.clone(),
                        with_values: None,
                        value: value
                            .as_ref()
                            .map_or(serde_json::Value::Null, |v| value_json(policy, &rule.ty, v)),
                        shown: self.shown(&rule.ty, value.as_ref()),
                        facts: BTreeMap::new(),
                        rule: None,
                        sources: Vec::new(),
                        children: Vec::new(),
                        exceptions: Vec::new(),
                        shown_above: false,
                    };
                    self.open_rule(r, &mut child);
                    node.children.push(child);
                }
            }
        }
        node
    }

    /// Fills a rule node: its name and sources, and — the first time it is met — its
    /// condition and exceptions.
    fn open_rule(&mut self, r: RuleId, node: &mut Node) {
        let policy = self.ev.policy;
        let rule = policy.rule(r);
        node.kind = NodeKind::Rule;
        node.rule = Some(rule.name.clone());
        node.sources = rule.sources.iter().map(|s| fold_whitespace(s)).collect();
        if rule.kind == RuleKind::Const {
            return;
        }
        if std::mem::replace(&mut self.opened[r.0 as usize], true) {
            node.shown_above = true;
            return;
        }
        node.children = vec![self.node(&rule.body)];
        node.exceptions = self.exceptions(&rule.exceptions, &rule.ty);
    }

    fn exceptions(&mut self, ids: &[ExceptionId], target_ty: &Type) -> Vec<ExceptionNode> {
        ids.iter().map(|x| self.exception(*x, target_ty)).collect()
    }

    fn exception(&mut self, x: ExceptionId, target_ty: &Type) -> ExceptionNode {
        let policy = self.ev.policy;
        let exc = policy.exception(x);
        let applies = self.ev.applies(x);
        let gives = (*target_ty != Type::Bool).then(|| {
            self.ev
                .eval(&exc.gives)
                .map_or(serde_json::Value::Null, |v| {
                    value_json(policy, target_ty, &v)
                })
        });
        let condition = self.node(&exc.when);
        let exceptions = self.exceptions(&exc.exceptions, &Type::Bool);
        let ev = &mut self.ev;
        let mut value = |r: &crate::checked::Ref| match r {
            crate::checked::Ref::Fact(f) => ev.facts.get(*f).cloned(),
            crate::checked::Ref::Rule(r) => ev.rule(*r),
        };
        // Shown whether or not it applied, so a value in it may be unknown: the title as
        // written then, with its `{name}`, rather than a sentence that says "unknown".
        let title = render_known(policy, &exc.title, self.lang, &mut value)
            .unwrap_or_else(|| template(policy, &exc.title, self.lang));
        ExceptionNode {
            exception: exc.name.clone(),
            title,
            applies,
            gives,
            condition,
            exceptions,
            sources: exc.sources.iter().map(|s| fold_whitespace(s)).collect(),
        }
    }

    /// A value that is not a truth value, formatted for people.
    fn shown(&self, ty: &Type, value: Option<&Value>) -> Option<String> {
        match (ty, value) {
            (Type::Bool, _) | (_, None) => None,
            (ty, Some(v)) => Some(format_value(self.ev.policy, ty, Some(v), self.lang)),
        }
    }
}

/// The facts and rules an expression reads directly (not through rules), first use first.
fn direct(e: &Expr, facts: &mut Vec<FactId>, rules: &mut Vec<RuleId>) {
    match &e.kind {
        ExprKind::Fact(f) => {
            if !facts.contains(f) {
                facts.push(*f);
            }
        }
        ExprKind::Rule(r) => {
            if !rules.contains(r) {
                rules.push(*r);
            }
        }
        _ => e.for_each_child(|c| direct(c, facts, rules)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
        policy "Explain" version "1"
        facts p { adult: bool "adult"  alone: bool "alone"  child: bool "child" }
        define grown = p.adult and not p.child
        outcome may_go when grown or p.alone title en "May go"
        exception with_child to may_go when p.child title en "Not with a child"
        exception child_is_adult to with_child when p.adult
    "#;

    fn explained(facts: &str, outcome: &str) -> Explanation {
        let policy = Policy::from_source("explain.asylon", POLICY).expect("the policy checks");
        let facts = policy.facts_from_json(facts).expect("valid facts");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        explain(&policy, &facts, &options, outcome).expect("an explanation")
    }

    #[test]
    fn an_exception_title_never_says_unknown_in_the_tree() {
        let policy = Policy::from_source(
            "t.asylon",
            r#"
            policy "T"
            fact detained: bool "detained"
            fact d: date "day of the order"
            outcome o when detained title en "o"
            exception e to o when days since d > 1 title en "An order of {d}"
        "#,
        )
        .expect("the policy checks");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        let title = |facts: &str| {
            let facts = policy.facts_from_json(facts).expect("valid facts");
            let e = explain(&policy, &facts, &options, "o").expect("an explanation");
            e.exceptions[0].title.clone()
        };
        assert_eq!(title(r#"{"detained": true}"#), "An order of {d}");
        assert_eq!(
            title(r#"{"detained": true, "d": "2024-01-02"}"#),
            "An order of January 2, 2024"
        );
    }

    #[test]
    fn the_tree_follows_the_rule_with_values() {
        let e = explained(r#"{"p": {"adult": true, "child": false}}"#, "may_go");
        assert_eq!(e.status, Status::Holds);
        assert_eq!(e.condition.kind, NodeKind::Any);
        let grown = &e.condition.children[0];
        assert_eq!(grown.kind, NodeKind::Rule);
        assert_eq!(grown.value, true);
        let body = &grown.children[0];
        assert_eq!(body.kind, NodeKind::All);
        assert_eq!(body.children[1].kind, NodeKind::Not);
        let alone = &e.condition.children[1];
        assert_eq!(alone.value, serde_json::Value::Null);
        assert_eq!(alone.facts["p.alone"], serde_json::Value::Null);
        assert_eq!(e.exceptions[0].applies, Some(false));
    }

    #[test]
    fn the_exception_that_defeated_the_rule_is_named() {
        let e = explained(
            r#"{"p": {"adult": false, "alone": true, "child": true}}"#,
            "may_go",
        );
        assert_eq!(e.status, Status::DoesNotHold);
        assert_eq!(e.defeated_by, ["with_child"]);
        assert_eq!(e.exceptions[0].applies, Some(true));
        assert_eq!(e.exceptions[0].title, "Not with a child");
        assert_eq!(e.exceptions[0].exceptions[0].applies, Some(false));
    }

    #[test]
    fn undetermined_says_what_is_missing() {
        let e = explained("{}", "may_go");
        assert_eq!(e.status, Status::Undetermined);
        assert_eq!(e.missing, ["p.adult", "p.alone", "p.child"]);
        assert_eq!(e.exceptions[0].applies, None);
    }

    #[test]
    fn a_value_exception_shows_what_it_gives_and_conflicts_are_flagged() {
        let policy = Policy::from_source(
            "days.asylon",
            r#"
            policy "Days" version "1"
            facts p { prior: bool "prior"  waiting: int "people waiting" }
            define screening_days: int = 60
            exception prior_order to screening_days when p.prior gives 30
            # Over a number, so the checker cannot find the conflict statically.
            exception fast_track to screening_days when p.waiting > 100 gives 10
            outcome long_wait when screening_days > 45 title en "A long wait"
        "#,
        )
        .expect("the policy checks");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        let explained = |json: &str| {
            let facts = policy.facts_from_json(json).expect("valid facts");
            explain(&policy, &facts, &options, "long_wait").expect("an explanation")
        };

        let e = explained(r#"{"p": {"prior": true, "waiting": 5}}"#);
        assert_eq!(e.status, Status::DoesNotHold);
        let days = &e.condition.children[0];
        assert_eq!(days.rule.as_deref(), Some("screening_days"));
        assert_eq!(days.value, 30);
        assert_eq!(days.shown.as_deref(), Some("30"));
        let prior = &days.exceptions[0];
        assert_eq!(
            (prior.applies, prior.gives.clone()),
            (Some(true), Some(30.into()))
        );
        assert_eq!(days.exceptions[1].applies, Some(false));

        let e = explained(r#"{"p": {"prior": true, "waiting": 500}}"#);
        assert_eq!(e.status, Status::Undetermined);
        assert!(e.conflict);
        assert!(e.missing.is_empty(), "no fact can settle a conflict");
    }

    #[test]
    fn an_unknown_outcome_gets_a_did_you_mean() {
        let policy = Policy::from_source("explain.asylon", POLICY).expect("the policy checks");
        let facts = policy.facts_from_json("{}").expect("valid facts");
        let options = EvalOptions::on("2024-06-17").expect("a date");
        let error = explain(&policy, &facts, &options, "may_goo").expect_err("no such outcome");
        let d = &error.diagnostics()[0];
        assert_eq!(d.to_string(), "`may_goo` is not an outcome of this policy");
        assert_eq!(
            d.help().map(|h| h.to_string()).as_deref(),
            Some("did you mean `may_go`?")
        );
    }
}
