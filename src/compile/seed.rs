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
//! ([`Program::seed`]). The differential tests (`tests/compiled.rs`)
//! hold the two starts to the same decision, byte for byte.

use super::run::{T, U};
use super::value::{Arenas, V};
use super::{Program, Scratch};
use crate::checked::{CheckedPolicy, ExceptionId, FactId, RuleId};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::value::{Type, Value};

impl Program {
    /// The facts the last [`Program::evaluate`] in `s` read, as the reference reader
    /// reads them, for the policy this program was compiled from; `None` if a fact's
    /// value is not in the scratch's arenas (never, after a pass that did not fall
    /// back: a fact's strings and items stay).
    pub(crate) fn facts_found(&self, policy: &CheckedPolicy, s: &Scratch) -> Option<Facts> {
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
        Some(facts)
    }

    /// Starts `ev`, an evaluator of the facts [`Program::facts_found`] gave, from what
    /// the last [`Program::evaluate`] in `s` found: each rule's value (but a list built
    /// while evaluating: its items are gone once the pass is over), whether each
    /// exception applies, and the facts each undetermined outcome waits on, in
    /// declaration order.
    pub(crate) fn seed(&self, policy: &CheckedPolicy, s: &Scratch, ev: &mut Evaluator<'_>) {
        let arenas = self.arenas(&s.strs, &s.items);
        for (i, (&r, rule)) in self.rules.iter().zip(&policy.rules).enumerate() {
            let (b, v) = Program::shared(s, r as usize);
            let known = if rule.ty == Type::Bool {
                Some((b != U).then_some(Value::Bool(b == T)))
            } else {
                match v {
                    None => Some(None),
                    Some(v) => value(&arenas, v).map(Some),
                }
            };
            if let Some(known) = known {
                ev.seed_rule(RuleId(i as u32), known);
            }
        }
        for (i, r) in self.exceptions.iter().enumerate() {
            if let Some(r) = r {
                let (b, _) = Program::shared(s, *r as usize);
                ev.seed_exception(ExceptionId(i as u32), (b != U).then_some(b == T));
            }
        }
        let outcomes = || policy.outcomes.iter().enumerate().take(self.outcomes.len());
        // Counted first, so that the lists are made at their size.
        let (mut rules, mut facts) = (0, 0);
        for (k, &id) in outcomes() {
            if ev.seeded_unknown(id) {
                rules += 1;
                facts += s.missing_count(k);
            }
        }
        ev.reserve_missing(rules, facts);
        for (k, &id) in outcomes() {
            if ev.seeded_unknown(id) {
                ev.seed_missing(id, s.missing_of(k).map(FactId));
            }
        }
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
