//! Facts → values of every rule, in Kleene three-valued logic.
//!
//! A value is `Option<Value>`: `None` is *unknown*. `false and unknown` is `false`,
//! `true or unknown` is `true`; anything else that touches an unknown is unknown. Each
//! rule is evaluated at most once per case (definitions shared by several outcomes too),
//! and evaluation cannot loop: the checker refused every cycle.

mod missing;

use crate::value::{and3, or3};
use std::cmp::Ordering;

use miette::Diagnostic;
use thiserror::Error;

use crate::checked::*;
use crate::facts::Facts;
use crate::source::Span;
use crate::syntax::ast::Test;
use crate::value::{add_duration, days_between, sub_duration, sum_durations, Date, Type, Value};

/// An error while evaluating: arithmetic that has no result for these facts.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq)]
pub enum EvalError {
    /// Overflow, division by zero, a date off the calendar.
    #[error("cannot compute `{expr}` for these facts: {reason}")]
    #[diagnostic(
        code(asylon::eval::arithmetic),
        help("the policy computes a value out of range for these facts; guard the rule with a condition")
    )]
    Arithmetic {
        /// The expression as written.
        expr: String,
        /// What went wrong.
        reason: &'static str,
        /// Where.
        #[label("{reason}")]
        span: Span,
    },
}

/// Two exceptions that both apply to one rule and give different values.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictInfo {
    /// The rule.
    pub rule: RuleId,
    /// The exceptions that applied, with the values they gave.
    pub exceptions: Vec<(ExceptionId, Value)>,
}

#[derive(Clone)]
enum Memo<T> {
    Todo,
    /// Being evaluated; the checker refused cycles, so this is only met on a bug.
    Busy,
    Done(T),
}

/// Evaluates one case against a checked policy.
pub(crate) struct Evaluator<'p> {
    pub(crate) policy: &'p CheckedPolicy,
    pub(crate) facts: &'p Facts,
    pub(crate) today: Date,
    rules: Vec<Memo<Option<Value>>>,
    exceptions: Vec<Memo<Option<bool>>>,
    /// Conflicts met so far, each once.
    pub(crate) conflicts: Vec<ConflictInfo>,
    /// The first evaluation error met.
    pub(crate) failure: Option<EvalError>,
    /// The marks of the walks for missing facts, kept for the next.
    marks: missing::Marks,
    /// The rules already known to be undetermined, each with where its missing facts
    /// are in `known_facts` ([`Evaluator::seed_missing`]).
    known_missing: Vec<(RuleId, std::ops::Range<usize>)>,
    /// The missing facts of those rules, one after the other.
    known_facts: Vec<FactId>,
}

impl<'p> Evaluator<'p> {
    pub(crate) fn new(policy: &'p CheckedPolicy, facts: &'p Facts, today: Date) -> Evaluator<'p> {
        Evaluator {
            policy,
            facts,
            today,
            rules: vec![Memo::Todo; policy.rules.len()],
            exceptions: vec![Memo::Todo; policy.exceptions.len()],
            conflicts: Vec::new(),
            failure: None,
            marks: missing::Marks::default(),
            known_missing: Vec::new(),
            known_facts: Vec::new(),
        }
    }

    /// Starts rule `id` from a value found by other means — the compiled pass
    /// (`compile::seed`) — with which it must reach the same decision as without.
    pub(crate) fn seed_rule(&mut self, id: RuleId, value: Option<Value>) {
        if let Some(memo) = self.rules.get_mut(id.0 as usize) {
            *memo = Memo::Done(value);
        }
    }

    /// Starts exception `id` from whether it applies, found by other means.
    pub(crate) fn seed_exception(&mut self, id: ExceptionId, applies: Option<bool>) {
        if let Some(memo) = self.exceptions.get_mut(id.0 as usize) {
            *memo = Memo::Done(applies);
        }
    }

    /// Whether rule `id` was started from a value, and that value is unknown.
    pub(crate) fn seeded_unknown(&self, id: RuleId) -> bool {
        matches!(self.rules.get(id.0 as usize), Some(Memo::Done(None)))
    }

    /// Room for the missing facts of `rules` rules, `facts` in all ([`Evaluator::seed_missing`]).
    pub(crate) fn reserve_missing(&mut self, rules: usize, facts: usize) {
        self.known_missing.reserve(rules);
        self.known_facts.reserve(facts);
    }

    /// Gives rule `id`, known to be undetermined, the facts that would decide it, in
    /// declaration order, found by other means.
    pub(crate) fn seed_missing(&mut self, id: RuleId, facts: impl Iterator<Item = FactId>) {
        let start = self.known_facts.len();
        self.known_facts.extend(facts);
        self.known_missing.push((id, start..self.known_facts.len()));
    }

    /// The value of every rule evaluated so far (`None` for the others), for texts
    /// rendered after the evaluation is over.
    pub(crate) fn into_rule_values(self) -> Vec<Option<Value>> {
        self.rules
            .into_iter()
            .map(|m| match m {
                Memo::Done(v) => v,
                Memo::Todo | Memo::Busy => None,
            })
            .collect()
    }

    fn fail(&mut self, span: Span, reason: &'static str) -> Option<Value> {
        if self.failure.is_none() {
            self.failure = Some(EvalError::Arithmetic {
                expr: self.policy.text(span).to_string(),
                reason,
                span,
            });
        }
        None
    }

    /// A rule's value after its exceptions.
    #[inline]
    pub(crate) fn rule(&mut self, id: RuleId) -> Option<Value> {
        // Most calls find the value known: they need not pay for the evaluation's frame.
        match &self.rules[id.0 as usize] {
            Memo::Done(v) => v.clone(),
            Memo::Busy => None,
            Memo::Todo => self.first_rule(id),
        }
    }

    /// Evaluates a rule unless it has been, without copying its value out.
    pub(crate) fn settle(&mut self, id: RuleId) {
        if matches!(self.rules.get(id.0 as usize), Some(Memo::Todo)) {
            self.first_rule(id);
        }
    }

    /// A rule's value, evaluated for the first time.
    #[inline(never)]
    fn first_rule(&mut self, id: RuleId) -> Option<Value> {
        let i = id.0 as usize;
        self.rules[i] = Memo::Busy;
        let policy = self.policy;
        let rule = policy.rule(id);
        let base = self.eval(&rule.body);
        let value = if rule.exceptions.is_empty() {
            base
        } else {
            self.with_exceptions(id, base)
        };
        self.rules[i] = Memo::Done(value.clone());
        value
    }

    /// Combines a base value with the exceptions to it (Catala's default logic, with
    /// unknowns): an exception that applies replaces the base; two that apply and
    /// disagree are a conflict; one that may apply leaves the value unknown unless every
    /// candidate agrees.
    fn with_exceptions(&mut self, id: RuleId, base: Option<Value>) -> Option<Value> {
        let policy = self.policy;
        let rule = policy.rule(id);
        let mut applying: Vec<(ExceptionId, Option<Value>)> = Vec::new();
        let mut possible = Agreement::None;
        for &e in &rule.exceptions {
            match self.applies(e) {
                Some(true) => {
                    let v = self.eval(&policy.exception(e).gives);
                    applying.push((e, v));
                }
                None => possible.add(self.eval(&policy.exception(e).gives)),
                Some(false) => {}
            }
        }
        if applying.is_empty() {
            possible.add(base);
            return possible.value();
        }
        let known: Option<Vec<(ExceptionId, Value)>> = applying
            .iter()
            .map(|(e, v)| v.clone().map(|v| (*e, v)))
            .collect();
        let known = known?;
        let first = known[0].1.clone();
        if known.iter().any(|(_, v)| !v.same(&first)) {
            if !self.conflicts.iter().any(|c| c.rule == id) {
                self.conflicts.push(ConflictInfo {
                    rule: id,
                    exceptions: known,
                });
            }
            return None;
        }
        possible.add(Some(first));
        possible.value()
    }

    /// Whether an exception applies: its condition holds and no exception to it applies.
    pub(crate) fn applies(&mut self, id: ExceptionId) -> Option<bool> {
        let i = id.0 as usize;
        match &self.exceptions[i] {
            Memo::Done(v) => return *v,
            Memo::Busy => return None,
            Memo::Todo => {}
        }
        self.exceptions[i] = Memo::Busy;
        let policy = self.policy;
        let exc = policy.exception(id);
        let when = self.eval_bool(&exc.when);
        let result = and3(when, || {
            let mut defeated = Some(false);
            for &sub in &exc.exceptions {
                let s = self.applies(sub);
                defeated = or3(defeated, || s);
            }
            defeated.map(|d| !d)
        });
        self.exceptions[i] = Memo::Done(result);
        result
    }

    pub(crate) fn eval_bool(&mut self, e: &Expr) -> Option<bool> {
        self.eval(e).and_then(|v| v.as_bool())
    }

    /// The value of an expression, `None` when unknown.
    #[inline]
    pub(crate) fn eval(&mut self, e: &Expr) -> Option<Value> {
        // The leaves, most of the calls, need not pay for the operators' frame.
        match &e.kind {
            ExprKind::Lit(v) => Some(v.clone()),
            ExprKind::Fact(f) => self.facts.get(*f).cloned(),
            ExprKind::Rule(r) => self.rule(*r),
            _ => self.eval_operator(e),
        }
    }

    /// The value of an expression that is not a leaf.
    #[inline(never)]
    fn eval_operator(&mut self, e: &Expr) -> Option<Value> {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Fact(_) | ExprKind::Rule(_) => self.eval(e),
            ExprKind::Today => Some(Value::Date(self.today)),
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?);
                }
                Some(Value::List(out.into()))
            }
            ExprKind::Not(a) => self.eval_bool(a).map(|b| Value::Bool(!b)),
            ExprKind::Neg(a) => {
                let v = self.eval(a)?;
                self.negate(v, e.span)
            }
            ExprKind::And(a, b) => {
                let a = self.eval_bool(a);
                and3(a, || self.eval_bool(b)).map(Value::Bool)
            }
            ExprKind::Or(a, b) => {
                let a = self.eval_bool(a);
                or3(a, || self.eval_bool(b)).map(Value::Bool)
            }
            ExprKind::Cmp(op, a, b) => {
                let a = self.eval(a);
                let b = self.eval(b);
                self.compare(*op, a?, b?, e.span)
            }
            ExprKind::Arith(op, a, b) => {
                let a = self.eval(a);
                let b = self.eval(b);
                let (a, b) = (a?, b?);
                self.arith(*op, a, b, e.span, &e.ty)
            }
            ExprKind::In {
                item,
                list,
                negated,
            } => {
                let item = self.eval(item);
                if let ExprKind::List(items) = &list.kind {
                    // As `contains` on the list's value, without building it: unknown
                    // from the first unknown item on.
                    let mut found = false;
                    for i in items {
                        let v = self.eval(i)?;
                        found = found || item.as_ref().is_some_and(|x| v.same(x));
                    }
                    return item.map(|_| Value::Bool(found != *negated));
                }
                let list = self.eval(list);
                contains(item, list, *negated)
            }
            ExprKind::Test(test, a) => {
                let v = self.eval(a);
                tested(*test, v)
            }
            ExprKind::If(c, a, b) => match self.eval_bool(c) {
                Some(true) => self.eval(a),
                Some(false) => self.eval(b),
                None => {
                    let a = self.eval(a)?;
                    let b = self.eval(b)?;
                    branches_agree(a, b)
                }
            },
            ExprKind::DaysFrom(a, b) => {
                let a = self.eval(a);
                let b = self.eval(b);
                days_from(a?, b?)
            }
        }
    }

    /// `-v`; the span is the negation's, for an error.
    fn negate(&mut self, v: Value, span: Span) -> Option<Value> {
        match v {
            Value::Int(n) => match n.checked_neg() {
                Some(n) => Some(Value::Int(n)),
                None => self.fail(span, "the number is too large"),
            },
            Value::Decimal(n) => Some(Value::Decimal(-n)),
            Value::Duration(d) => Some(Value::Duration(crate::value::Duration {
                months: -d.months,
                days: -d.days,
            })),
            _ => None,
        }
    }

    /// `a op b`; the span is the comparison's, for an error.
    fn compare(&mut self, op: CmpOp, a: Value, b: Value, span: Span) -> Option<Value> {
        let result = match op {
            CmpOp::Eq => a.same(&b),
            CmpOp::Ne => !a.same(&b),
            _ => {
                let Some(ord) = self.order(&a, &b) else {
                    return self.fail(span, "these values have no order");
                };
                match op {
                    CmpOp::Lt => ord == Ordering::Less,
                    CmpOp::Le => ord != Ordering::Greater,
                    CmpOp::Gt => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                }
            }
        };
        Some(Value::Bool(result))
    }

    /// Orders two values. A duration in months and one in days have no order of their
    /// own, so they are compared by where they end when counted from the evaluation date:
    /// from 1 March 2025, `3 months` (92 days) is longer than `90 days`; from
    /// 1 December 2024 the two end on the same day.
    fn order(&self, a: &Value, b: &Value) -> Option<Ordering> {
        match (a, b) {
            (Value::Duration(x), Value::Duration(y)) => x.compare(*y).or_else(|| {
                let ex = add_duration(self.today, *x)?;
                let ey = add_duration(self.today, *y)?;
                Some(ex.cmp(&ey))
            }),
            _ => a.compare(b),
        }
    }

    fn arith(&mut self, op: ArithOp, a: Value, b: Value, span: Span, ty: &Type) -> Option<Value> {
        use Value::*;
        let as_f64 = |v: &Value| match v {
            Int(n) => Some(*n as f64),
            Decimal(n) => Some(*n),
            _ => None,
        };
        match (op, &a, &b) {
            (_, Int(x), Int(y)) if *ty == Type::Int => {
                let r = match op {
                    ArithOp::Add => x.checked_add(*y),
                    ArithOp::Sub => x.checked_sub(*y),
                    ArithOp::Mul => x.checked_mul(*y),
                    ArithOp::Div => None,
                };
                match r {
                    Some(n) => Some(Int(n)),
                    None => self.fail(span, "the result is too large"),
                }
            }
            (ArithOp::Add | ArithOp::Sub, Date(d), Duration(dur)) => {
                let r = if op == ArithOp::Add {
                    add_duration(*d, *dur)
                } else {
                    sub_duration(*d, *dur)
                };
                match r {
                    Some(d) => Some(Date(d)),
                    None => self.fail(span, "the date is off the calendar"),
                }
            }
            (ArithOp::Add, Duration(dur), Date(d)) => match add_duration(*d, *dur) {
                Some(d) => Some(Date(d)),
                None => self.fail(span, "the date is off the calendar"),
            },
            (ArithOp::Add | ArithOp::Sub, Duration(x), Duration(y)) => {
                match sum_durations(*x, *y, op == ArithOp::Sub) {
                    Some(d) => Some(Duration(d)),
                    None => self.fail(span, "the duration is too long"),
                }
            }
            _ => {
                let (x, y) = (as_f64(&a)?, as_f64(&b)?);
                let r = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        if y == 0.0 {
                            return self.fail(span, "division by zero");
                        }
                        x / y
                    }
                };
                if r.is_finite() {
                    Some(Decimal(r))
                } else {
                    self.fail(span, "the result is too large")
                }
            }
        }
    }
}

/// `item in list` (`not in` when `negated`).
fn contains(item: Option<Value>, list: Option<Value>, negated: bool) -> Option<Value> {
    let (Some(item), Some(Value::List(list))) = (item, list) else {
        return None;
    };
    let found = list.iter().any(|v| v.same(&item));
    Some(Value::Bool(found != negated))
}

/// `v is known`, `v is empty` and the like.
fn tested(test: Test, v: Option<Value>) -> Option<Value> {
    match test {
        Test::Known => Some(Value::Bool(v.is_some())),
        Test::Unknown => Some(Value::Bool(v.is_none())),
        Test::Empty => match v? {
            Value::List(l) => Some(Value::Bool(l.is_empty())),
            _ => None,
        },
        Test::NotEmpty => match v? {
            Value::List(l) => Some(Value::Bool(!l.is_empty())),
            _ => None,
        },
    }
}

/// `days from a to b`.
fn days_from(a: Value, b: Value) -> Option<Value> {
    match (a, b) {
        (Value::Date(a), Value::Date(b)) => Some(Value::Int(days_between(a, b))),
        _ => None,
    }
}

/// The value of an `if` whose condition is unknown: that of its branches when they agree.
fn branches_agree(a: Value, b: Value) -> Option<Value> {
    a.same(&b).then_some(a)
}

/// The common value of candidates that may each be the result, met one by one: known
/// only when all are known and equal (to the first, which is the value).
enum Agreement {
    /// No candidate yet.
    None,
    /// All known and equal so far.
    Known(Value),
    /// One was unknown or differed.
    Unknown,
}

impl Agreement {
    fn add(&mut self, candidate: Option<Value>) {
        *self = match (std::mem::replace(self, Agreement::Unknown), candidate) {
            (Agreement::None, Some(v)) => Agreement::Known(v),
            (Agreement::Known(first), Some(v)) if v.same(&first) => Agreement::Known(first),
            _ => Agreement::Unknown,
        };
    }

    fn value(self) -> Option<Value> {
        match self {
            Agreement::Known(v) => Some(v),
            Agreement::None | Agreement::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Option<bool> = Some(true);
    const F: Option<bool> = Some(false);
    const U: Option<bool> = None;

    #[test]
    fn kleene_and_over_every_pair() {
        let table = [
            (T, T, T),
            (T, F, F),
            (T, U, U),
            (F, T, F),
            (F, F, F),
            (F, U, F),
            (U, T, U),
            (U, F, F),
            (U, U, U),
        ];
        for (a, b, want) in table {
            assert_eq!(and3(a, || b), want, "{a:?} and {b:?}");
        }
    }

    #[test]
    fn kleene_or_over_every_pair() {
        let table = [
            (T, T, T),
            (T, F, T),
            (T, U, T),
            (F, T, T),
            (F, F, F),
            (F, U, U),
            (U, T, T),
            (U, F, U),
            (U, U, U),
        ];
        for (a, b, want) in table {
            assert_eq!(or3(a, || b), want, "{a:?} or {b:?}");
        }
    }

    fn agree(candidates: &[Option<Value>]) -> Option<Value> {
        let mut agreement = Agreement::None;
        for c in candidates {
            agreement.add(c.clone());
        }
        agreement.value()
    }

    #[test]
    fn candidates_agree_only_when_all_known_and_equal() {
        let t = Some(Value::Bool(true));
        let f = Some(Value::Bool(false));
        assert_eq!(agree(&[t.clone(), t.clone()]), t);
        assert_eq!(agree(&[t.clone(), f]), None);
        assert_eq!(agree(&[t, None]), None);
        assert_eq!(
            agree(&[Some(Value::Int(2)), Some(Value::Decimal(2.0))]),
            Some(Value::Int(2))
        );
    }
}
