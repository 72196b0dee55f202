//! The [`Sink`] that builds a [`Decision`], and the decision built for a case: what
//! [`crate::Policy::evaluate`] gives.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::assemble::{
    assemble, At, DefeatPart, Header, HoldingPart, NotHoldingPart, ReasonPart, Sink,
    UndeterminedPart,
};
use super::{
    value_json, Conflict, ConflictingException, Decision, Defeat, Evaluated, Holding, NotHolding,
    Origin, Reason, Status, Undetermined,
};
use crate::checked::{CheckedPolicy, FactId};
use crate::eval::{ConflictInfo, EvalError, Evaluator};
use crate::facts::Facts;
use crate::text::Text;
use crate::texts::Texts;

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
    assemble(&mut ev, texts, &revision, lang, &mut build)?;
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
            policy: h.policy.clone(),
            title: h.title,
            version: h.version.cloned(),
            revision: h.revision.clone(),
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
            id: h.id.into_owned(),
            status: Status::Holds,
            title: h.title.into_owned(),
            explanation: h.explanation.into_owned(),
            source: h.source.into_owned(),
            sources: h.sources.to_vec(),
            effective: h.effective.map(Cow::into_owned),
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
            exception: r.exception.map(Cow::into_owned),
            condition: r.condition.into_owned(),
            with_values: r.with_values,
            value: (r.value.as_ref())
                .map_or(serde_json::Value::Null, |v| value_json(policy, r.ty, v)),
            facts,
            defeated_by: (r.defeated_by.iter())
                .map(|e| at.texts.names.exception(policy, *e).into_owned())
                .collect(),
            source: r.source.map(Cow::into_owned),
        };
        if let Some(h) = self.decision.outcomes.last_mut() {
            h.because.push(reason);
        }
    }

    fn end_holding(&mut self) {}

    fn undetermined(&mut self, at: &At<'_>, u: UndeterminedPart<'_>) {
        self.decision.undetermined.push(Undetermined {
            id: u.id.into_owned(),
            status: Status::Undetermined,
            title: u.title.into_owned(),
            missing: (u.missing.iter())
                .map(|f| at.texts.names.fact(at.policy, *f))
                .collect(),
            conflict: u.conflict,
        });
    }

    fn not_holding(&mut self, n: NotHoldingPart<'_>) {
        self.decision.does_not_hold.push(NotHolding {
            id: n.id.into_owned(),
            status: Status::DoesNotHold,
            title: n.title.into_owned(),
            effective: n.effective,
            defeated_by: Vec::new(),
        });
    }

    fn defeat(&mut self, d: DefeatPart<'_>) {
        if let Some(n) = self.decision.does_not_hold.last_mut() {
            n.defeated_by.push(Defeat {
                exception: d.exception.into_owned(),
                title: d.title.into_owned(),
                source: d.source.map(Cow::into_owned),
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
                    rule: names.rule(policy, c.rule).into_owned(),
                    exceptions: (c.exceptions.iter())
                        .map(|(e, v)| ConflictingException {
                            exception: names.exception(policy, *e).into_owned(),
                            value: value_json(policy, &rule.ty, v),
                        })
                        .collect(),
                }
            })
            .collect();
    }
}
