//! Which unknown facts could decide an undetermined value.
//!
//! For an unknown expression, the missing facts are those of its unknown parts; a part
//! whose value is known contributes nothing, because Kleene logic is monotone: filling in
//! unknown facts never changes a known value. So a fact that is not listed cannot change
//! the verdict, and every listed fact is one the verdict still waits on.

use super::Evaluator;
use crate::checked::{ExceptionId, Expr, ExprKind, FactId, RuleId};

/// A set of facts, in declaration order, collected without repeats.
#[derive(Debug, Clone, Default)]
pub(crate) struct MissingFacts {
    seen: Vec<bool>,
    /// The facts in the order found.
    pub(crate) facts: Vec<FactId>,
    /// Whether a conflict between exceptions was met on the way.
    pub(crate) conflict: bool,
}

impl MissingFacts {
    fn add(&mut self, f: FactId) {
        let i = f.0 as usize;
        if i >= self.seen.len() {
            self.seen.resize(i + 1, false);
        }
        if !self.seen[i] {
            self.seen[i] = true;
            self.facts.push(f);
        }
    }

    /// The facts, sorted by declaration order.
    pub(crate) fn sorted(&self) -> Vec<FactId> {
        let mut facts = self.facts.clone();
        facts.sort_unstable();
        facts
    }
}

/// Rules and exceptions already walked for one collection, so shared definitions are
/// walked once.
#[derive(Default)]
struct Visited {
    rules: Vec<bool>,
    exceptions: Vec<bool>,
}

impl Visited {
    fn first(list: &mut Vec<bool>, i: usize) -> bool {
        if i >= list.len() {
            list.resize(i + 1, false);
        }
        !std::mem::replace(&mut list[i], true)
    }
}

impl Evaluator<'_> {
    /// The unknown facts that could decide a rule (empty when its value is known).
    pub(crate) fn missing_for_rule(&mut self, id: RuleId) -> MissingFacts {
        let mut out = MissingFacts::default();
        let mut visited = Visited::default();
        self.walk_rule(id, &mut out, &mut visited);
        out
    }

    fn walk_rule(&mut self, id: RuleId, out: &mut MissingFacts, visited: &mut Visited) {
        if !Visited::first(&mut visited.rules, id.0 as usize) || self.rule(id).is_some() {
            return;
        }
        if self.conflicts.iter().any(|c| c.rule == id) {
            out.conflict = true;
        }
        let policy = self.policy;
        let rule = policy.rule(id);
        self.walk(&rule.body, out, visited);
        for &e in &rule.exceptions {
            self.walk_exception(e, out, visited);
        }
    }

    fn walk_exception(&mut self, id: ExceptionId, out: &mut MissingFacts, visited: &mut Visited) {
        if !Visited::first(&mut visited.exceptions, id.0 as usize) {
            return;
        }
        let policy = self.policy;
        let exc = policy.exception(id);
        match self.applies(id) {
            Some(false) => {}
            Some(true) => self.walk(&exc.gives, out, visited),
            None => {
                self.walk(&exc.when, out, visited);
                for &sub in &exc.exceptions {
                    self.walk_exception(sub, out, visited);
                }
                self.walk(&exc.gives, out, visited);
            }
        }
    }

    fn walk(&mut self, e: &Expr, out: &mut MissingFacts, visited: &mut Visited) {
        if self.eval(e).is_some() {
            return;
        }
        match &e.kind {
            ExprKind::Fact(f) => out.add(*f),
            ExprKind::Rule(r) => self.walk_rule(*r, out, visited),
            ExprKind::Lit(_) | ExprKind::Today => {}
            ExprKind::List(items) => items.iter().for_each(|i| self.walk(i, out, visited)),
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => {
                self.walk(a, out, visited)
            }
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::DaysFrom(a, b)
            | ExprKind::In {
                item: a, list: b, ..
            } => {
                self.walk(a, out, visited);
                self.walk(b, out, visited);
            }
            ExprKind::If(c, a, b) => match self.eval_bool(c) {
                Some(true) => self.walk(a, out, visited),
                Some(false) => self.walk(b, out, visited),
                None => {
                    self.walk(c, out, visited);
                    self.walk(a, out, visited);
                    self.walk(b, out, visited);
                }
            },
        }
    }
}

impl Evaluator<'_> {
    /// The unknown facts that could decide whether an exception applies (empty when
    /// that is known).
    pub(crate) fn missing_for_exception(&mut self, id: ExceptionId) -> MissingFacts {
        let mut out = MissingFacts::default();
        if self.applies(id).is_none() {
            let mut visited = Visited::default();
            self.walk_exception(id, &mut out, &mut visited);
        }
        out
    }
}
