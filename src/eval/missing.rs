//! Which unknown facts could decide an undetermined value.
//!
//! For an unknown expression, the missing facts are those of its unknown parts; a part
//! whose value is known contributes nothing, because Kleene logic is monotone: filling in
//! unknown facts never changes a known value. So a fact that is not listed cannot change
//! the verdict, and every listed fact is one the verdict still waits on.

use super::{branches_agree, contains, days_from, tested, Evaluator};
use crate::checked::{ExceptionId, Expr, ExprKind, FactId, RuleId};
use crate::syntax::ast::Test;
use crate::value::{and3, or3, Value};

/// The facts an undetermined value waits on, without repeats.
#[derive(Debug, Clone, Default)]
pub(crate) struct MissingFacts {
    /// The facts in the order found.
    pub(crate) facts: Vec<FactId>,
    /// Whether a conflict between exceptions was met on the way.
    pub(crate) conflict: bool,
}

impl MissingFacts {
    /// The facts, sorted by declaration order.
    pub(crate) fn sorted(self) -> Vec<FactId> {
        let mut facts = self.facts;
        facts.sort_unstable();
        facts
    }
}

/// What a collection has marked: the facts found, and the rules and exceptions walked,
/// so that shared definitions are walked once. The evaluator keeps it between
/// collections, every mark taken back, so that a case allocates it once.
#[derive(Default)]
pub(super) struct Marks {
    facts: Vec<bool>,
    rules: Vec<bool>,
    exceptions: Vec<bool>,
    /// Each first visit, in order, so that the visits made under a part whose value
    /// turns out known can be taken back.
    visits: Vec<Visit>,
}

/// A first visit to a rule or an exception.
#[derive(Clone, Copy)]
enum Visit {
    Rule(usize),
    Exception(usize),
}

/// Sets `list[i]`, growing the list as needed; whether it was unset.
fn set(list: &mut Vec<bool>, i: usize) -> bool {
    if i >= list.len() {
        list.resize(i + 1, false);
    }
    !std::mem::replace(&mut list[i], true)
}

/// How far a collection had gone, to return to.
struct Mark {
    facts: usize,
    visits: usize,
    conflict: bool,
}

/// A collection under way.
struct Walk {
    out: MissingFacts,
    marks: Marks,
}

impl Walk {
    fn add(&mut self, f: FactId) {
        if set(&mut self.marks.facts, f.0 as usize) {
            self.out.facts.push(f);
        }
    }

    /// Whether this is the first visit to `visit`, marking it visited.
    fn first(&mut self, visit: Visit) -> bool {
        let (list, i) = match visit {
            Visit::Rule(i) => (&mut self.marks.rules, i),
            Visit::Exception(i) => (&mut self.marks.exceptions, i),
        };
        let first = set(list, i);
        if first {
            self.marks.visits.push(visit);
        }
        first
    }

    fn mark(&self) -> Mark {
        Mark {
            facts: self.out.facts.len(),
            visits: self.marks.visits.len(),
            conflict: self.out.conflict,
        }
    }

    /// Forgets what was found since `mark`, as if the parts walked since had not been.
    fn roll_back(&mut self, mark: Mark) {
        self.unmark(mark.facts, mark.visits);
        self.out.facts.truncate(mark.facts);
        self.out.conflict = mark.conflict;
    }

    /// Takes back the marks of the facts found and the visits made since these counts.
    fn unmark(&mut self, facts: usize, visits: usize) {
        let marks = &mut self.marks;
        for f in &self.out.facts[facts..] {
            marks.facts[f.0 as usize] = false;
        }
        for visit in marks.visits.drain(visits..) {
            match visit {
                Visit::Rule(i) => marks.rules[i] = false,
                Visit::Exception(i) => marks.exceptions[i] = false,
            }
        }
    }
}

impl Evaluator<'_> {
    /// The unknown facts that could decide a rule (empty when its value is known), in
    /// declaration order.
    pub(crate) fn missing_for_rule(&mut self, id: RuleId) -> MissingFacts {
        let mut facts = Vec::new();
        let conflict = self.missing_for_rule_into(id, &mut facts);
        MissingFacts { facts, conflict }
    }

    /// The facts that could decide rule `id`, sorted by declaration order, appended to
    /// `out`, so that a decision lists those of every undetermined outcome in one
    /// buffer; whether a conflict between exceptions was met on the way.
    pub(crate) fn missing_for_rule_into(&mut self, id: RuleId, out: &mut Vec<FactId>) -> bool {
        if let Some((_, known)) = self.known_missing.iter().find(|(r, _)| *r == id) {
            out.extend_from_slice(self.known_facts.get(known.clone()).unwrap_or_default());
            return false;
        }
        let found = self.collect(|ev, w| ev.walk_rule(id, w));
        let conflict = found.conflict;
        out.extend(found.sorted());
        conflict
    }

    /// The unknown facts that could decide whether an exception applies (empty when
    /// that is known).
    pub(crate) fn missing_for_exception(&mut self, id: ExceptionId) -> MissingFacts {
        if self.applies(id).is_some() {
            return MissingFacts::default();
        }
        self.collect(|ev, w| ev.walk_exception(id, w))
    }

    /// The facts a walk finds, with the evaluator's marks lent to it and given back clear.
    fn collect(&mut self, walk: impl FnOnce(&mut Self, &mut Walk)) -> MissingFacts {
        let mut marks = std::mem::take(&mut self.marks);
        // Sized once for the policy, rather than grown a step at a time by `set`.
        let policy = self.policy;
        for (list, len) in [
            (&mut marks.facts, policy.facts.len()),
            (&mut marks.rules, policy.rules.len()),
            (&mut marks.exceptions, policy.exceptions.len()),
        ] {
            if list.len() < len {
                list.resize(len, false);
            }
        }
        let mut w = Walk {
            out: MissingFacts::default(),
            marks,
        };
        walk(self, &mut w);
        w.unmark(0, 0);
        self.marks = w.marks;
        w.out
    }

    fn walk_rule(&mut self, id: RuleId, w: &mut Walk) {
        if !w.first(Visit::Rule(id.0 as usize)) || self.rule(id).is_some() {
            return;
        }
        if self.conflicts.iter().any(|c| c.rule == id) {
            w.out.conflict = true;
        }
        let policy = self.policy;
        let rule = policy.rule(id);
        self.walk(&rule.body, w);
        for &e in &rule.exceptions {
            self.walk_exception(e, w);
        }
    }

    fn walk_exception(&mut self, id: ExceptionId, w: &mut Walk) {
        if !w.first(Visit::Exception(id.0 as usize)) {
            return;
        }
        let policy = self.policy;
        let exc = policy.exception(id);
        match self.applies(id) {
            Some(false) => {}
            Some(true) => {
                self.walk(&exc.gives, w);
            }
            None => {
                self.walk(&exc.when, w);
                for &sub in &exc.exceptions {
                    self.walk_exception(sub, w);
                }
                self.walk(&exc.gives, w);
            }
        }
    }

    /// The value of `e`, as [`Evaluator::eval`] gives it, with the missing facts of its
    /// unknown parts added. Each part is evaluated once, from the values of its own
    /// parts; when its value turns out known, what its parts added is taken back (a known
    /// part waits on nothing). An unknown part walks all its parts, also those its value
    /// did not need (every item of a list, both branches of an `if`), as each may be
    /// what decides it.
    fn walk(&mut self, e: &Expr, w: &mut Walk) -> Option<Value> {
        // The leaves add only when unknown: nothing to take back.
        match &e.kind {
            ExprKind::Lit(v) => return Some(v.clone()),
            ExprKind::Fact(f) => {
                let v = self.facts.get(*f).cloned();
                if v.is_none() {
                    w.add(*f);
                }
                return v;
            }
            ExprKind::Rule(r) => {
                let v = self.rule(*r);
                if v.is_none() {
                    self.walk_rule(*r, w);
                }
                return v;
            }
            _ => {}
        }
        let mark = w.mark();
        let value = self.walk_parts(e, w);
        if value.is_some() {
            w.roll_back(mark);
        }
        value
    }

    fn walk_bool(&mut self, e: &Expr, w: &mut Walk) -> Option<bool> {
        self.walk(e, w).and_then(|v| v.as_bool())
    }

    fn walk_parts(&mut self, e: &Expr, w: &mut Walk) -> Option<Value> {
        match &e.kind {
            // Known whatever the facts: nothing to collect below.
            ExprKind::Lit(_) | ExprKind::Today | ExprKind::Test(Test::Known | Test::Unknown, _) => {
                self.eval(e)
            }
            ExprKind::Fact(_) | ExprKind::Rule(_) => self.walk(e, w),
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut known = true;
                for item in items {
                    match self.walk(item, w) {
                        Some(v) if known => values.push(v),
                        Some(_) => {}
                        None => known = false,
                    }
                }
                known.then(|| Value::List(values.into()))
            }
            ExprKind::Not(a) => self.walk_bool(a, w).map(|b| Value::Bool(!b)),
            ExprKind::Neg(a) => {
                let v = self.walk(a, w)?;
                self.negate(v, e.span)
            }
            ExprKind::Test(test, a) => {
                let v = self.walk(a, w);
                tested(*test, v)
            }
            ExprKind::And(a, b) => {
                let a = self.walk_bool(a, w);
                and3(a, || self.walk_bool(b, w)).map(Value::Bool)
            }
            ExprKind::Or(a, b) => {
                let a = self.walk_bool(a, w);
                or3(a, || self.walk_bool(b, w)).map(Value::Bool)
            }
            ExprKind::Cmp(op, a, b) => {
                let a = self.walk(a, w);
                let b = self.walk(b, w);
                self.compare(*op, a?, b?, e.span)
            }
            ExprKind::Arith(op, a, b) => {
                let a = self.walk(a, w);
                let b = self.walk(b, w);
                self.arith(*op, a?, b?, e.span, &e.ty)
            }
            ExprKind::DaysFrom(a, b) => {
                let a = self.walk(a, w);
                let b = self.walk(b, w);
                days_from(a?, b?)
            }
            ExprKind::In {
                item,
                list,
                negated,
            } => {
                let item = self.walk(item, w);
                if let ExprKind::List(items) = &list.kind {
                    // As `contains` on the list's walked value, without building it.
                    // Known items take back what they added, so a known list has
                    // nothing to take back.
                    let (mut known, mut found) = (true, false);
                    for i in items {
                        match self.walk(i, w) {
                            Some(v) => found = found || item.as_ref().is_some_and(|x| v.same(x)),
                            None => known = false,
                        }
                    }
                    return item
                        .filter(|_| known)
                        .map(|_| Value::Bool(found != *negated));
                }
                let list = self.walk(list, w);
                contains(item, list, *negated)
            }
            ExprKind::If(c, a, b) => match self.walk_bool(c, w) {
                Some(true) => self.walk(a, w),
                Some(false) => self.walk(b, w),
                None => {
                    let a = self.walk(a, w);
                    let b = self.walk(b, w);
                    branches_agree(a?, b?)
                }
            },
        }
    }
}
