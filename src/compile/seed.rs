//! What the compiled pass found for one case, handed to the reference evaluator: the
//! facts, each rule's value, and each undetermined outcome's missing facts.
//!
//! A full decision ([`crate::Decision`]) says more than the compiled pass knows — the
//! reasons an outcome holds, what defeated one, titles with values — and the reference
//! evaluator words all of it. What it needs to start, though, the compiled pass has
//! already computed, at a fraction of the cost: reading the facts, evaluating every rule
//! and walking for missing facts were 70 k of the 111 k instructions of a decision of the
//! border policy. So `Policy::evaluate_json` runs the compiled pass first and, when it
//! did not fall back, starts the reference evaluator from what it found
//! ([`crate::eval::Evaluator::seeded`]). The differential tests (`tests/compiled.rs`)
//! hold the two starts to the same decision, byte for byte.

use super::run::{T, U};
use super::value::{Arenas, V};
use super::{Program, Scratch};
use crate::checked::{CheckedPolicy, FactId};
use crate::facts::Facts;
use crate::value::{Type, Value};

/// A case the compiled program read and evaluated without falling back, in the
/// reference evaluator's terms.
pub(crate) struct Found {
    /// The facts, as the reference reader reads them.
    pub facts: Facts,
    /// By rule: its value, or `None` where the compiled value is not handed over (a
    /// list built while evaluating: its items are gone once the pass is over).
    pub rules: Vec<Option<Option<Value>>>,
    /// By outcome, in policy order: the facts an undetermined outcome waits on, in
    /// declaration order; empty for the others.
    pub missing: Vec<Vec<FactId>>,
}

impl Program {
    /// What the last [`Program::evaluate`] in `s` found, for the policy this program was
    /// compiled from; `None` if a fact's value is not in the scratch's arenas (never,
    /// after a pass that did not fall back: a fact's strings and items stay).
    pub(crate) fn found(&self, policy: &CheckedPolicy, s: &Scratch) -> Option<Found> {
        if s.facts.len() != policy.facts.len() || self.rules.len() != policy.rules.len() {
            return None;
        }
        let arenas = self.arenas(&s.strs, &s.items);
        let mut facts = Facts::unknown(policy.facts.len());
        for (f, v) in s.facts.iter().enumerate() {
            if let Some(v) = v {
                facts.set(FactId(f as u32), Some(value(&arenas, *v)?));
            }
        }
        let rules = (self.rules.iter().zip(&policy.rules))
            .map(|(&r, rule)| {
                let (b, v) = Program::shared(s, r as usize);
                if rule.ty == Type::Bool {
                    return Some((b != U).then_some(Value::Bool(b == T)));
                }
                match v {
                    None => Some(None),
                    Some(v) => value(&arenas, v).map(Some),
                }
            })
            .collect();
        let missing = (0..self.outcomes.len())
            .map(|k| s.missing_of(k).map(FactId).collect())
            .collect();
        Some(Found {
            facts,
            rules,
            missing,
        })
    }
}

/// `v` as a reference value; `None` for a string or list no longer in the arenas.
fn value(arenas: &Arenas<'_>, v: V) -> Option<Value> {
    Some(match v {
        V::Bool(b) => Value::Bool(b),
        V::Int(n) => Value::Int(n),
        V::Dec(x) => Value::Decimal(x),
        V::Date(d) => Value::Date(d),
        V::Dur(d) => Value::Duration(d),
        V::Enum(e) => Value::Enum(e),
        V::Str(s) => {
            let text = arenas.str(s);
            if text.len() != s.len as usize {
                return None;
            }
            Value::String(text.into())
        }
        V::List(l) => {
            let items = arenas.items(l);
            if items.len() != l.len as usize {
                return None;
            }
            let items: Option<Vec<Value>> = items.iter().map(|i| value(arenas, *i)).collect();
            Value::List(items?.into())
        }
    })
}
