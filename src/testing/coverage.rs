//! Coverage of a policy by its tests: for each outcome, definition and exception,
//! which of its possible results some test produced.
//!
//! | item | results to reach |
//! |---|---|
//! | outcome, `bool` definition | holds, does not hold, undetermined |
//! | other definition | known, undetermined |
//! | exception | applies, does not apply, undetermined, defeated its rule |
//! | consistency rule (`impossible`) | holds (refuses the facts), does not hold |
//!
//! "Undetermined" is only asked of items that can be unknown (an item that reads facts
//! only through `is known` never is). An exception *defeats* its rule when it applies
//! and the rule's value differs from what its base rule alone gives (for an exception to
//! an exception: when the exception it defeats would otherwise have applied).

use serde::Serialize;

use super::location;
use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, RuleId, RuleKind, Target};
use crate::eval::Evaluator;
use crate::syntax::ast::Test;
use crate::value::Type;

/// What the tests of a policy cover.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Items whose every result was reached.
    pub covered: usize,
    /// Items.
    pub total: usize,
    /// Every item, in declaration order.
    pub items: Vec<CoverageItem>,
}

/// One outcome, definition, exception or consistency rule, and the results the tests
/// reached.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageItem {
    /// `outcome`, `definition`, `exception` or `impossible`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Where it is declared.
    pub file: String,
    /// The line it starts on (from 1).
    pub line: usize,
    /// Whether every result was reached.
    pub covered: bool,
    /// The results reached.
    pub reached: Vec<&'static str>,
    /// The results no test reached.
    pub missing: Vec<&'static str>,
}

/// Results gathered across tests.
pub(super) struct Tracker<'p> {
    policy: &'p CheckedPolicy,
    /// Per rule: the results wanted, and whether each was reached.
    rules: Vec<Vec<(&'static str, bool)>>,
    exceptions: Vec<Vec<(&'static str, bool)>>,
    /// Per consistency rule: whether some test saw it refuse the facts, and accept them.
    impossibles: Vec<Vec<(&'static str, bool)>>,
}

const HOLDS: &str = "holds";
const NOT_HOLDS: &str = "does not hold";
const KNOWN: &str = "known";
const UNDETERMINED: &str = "undetermined";
const APPLIES: &str = "applies";
const NOT_APPLIES: &str = "does not apply";
const DEFEATS: &str = "defeats its rule";

impl<'p> Tracker<'p> {
    pub(super) fn new(policy: &'p CheckedPolicy) -> Tracker<'p> {
        let mut unknowable = Unknowable::new(policy);
        let rules = (0..policy.rules.len())
            .map(|i| {
                let id = RuleId(i as u32);
                let rule = policy.rule(id);
                if rule.kind == RuleKind::Const {
                    return Vec::new();
                }
                let mut wanted = if rule.ty == Type::Bool {
                    vec![HOLDS, NOT_HOLDS]
                } else {
                    vec![KNOWN]
                };
                if unknowable.rule(id) {
                    wanted.push(UNDETERMINED);
                }
                wanted.into_iter().map(|w| (w, false)).collect()
            })
            .collect();
        let exceptions = (0..policy.exceptions.len())
            .map(|i| {
                let mut wanted = vec![APPLIES, NOT_APPLIES];
                if unknowable.exception(ExceptionId(i as u32)) {
                    wanted.push(UNDETERMINED);
                }
                wanted.push(DEFEATS);
                wanted.into_iter().map(|w| (w, false)).collect()
            })
            .collect();
        let impossibles = policy
            .impossibles
            .iter()
            .map(|_| vec![(HOLDS, false), (NOT_HOLDS, false)])
            .collect();
        Tracker {
            policy,
            rules,
            exceptions,
            impossibles,
        }
    }

    /// Records the results of one test's evaluation.
    pub(super) fn record(&mut self, ev: &mut Evaluator<'_>) {
        let policy = self.policy;
        for i in 0..policy.rules.len() {
            let v = ev.rule(RuleId(i as u32));
            let result = match v.as_ref().map(|v| v.as_bool()) {
                None => UNDETERMINED,
                Some(Some(true)) => HOLDS,
                Some(Some(false)) => NOT_HOLDS,
                Some(None) => KNOWN,
            };
            mark(&mut self.rules[i], result);
        }
        for i in 0..policy.exceptions.len() {
            let id = ExceptionId(i as u32);
            let result = match ev.applies(id) {
                Some(true) => APPLIES,
                Some(false) => NOT_APPLIES,
                None => UNDETERMINED,
            };
            mark(&mut self.exceptions[i], result);
            if result == APPLIES && defeats(ev, id) {
                mark(&mut self.exceptions[i], DEFEATS);
            }
        }
        for (i, rule) in policy.impossibles.iter().enumerate() {
            match ev.eval_bool(&rule.when) {
                Some(true) => mark(&mut self.impossibles[i], HOLDS),
                Some(false) => mark(&mut self.impossibles[i], NOT_HOLDS),
                None => {}
            }
        }
    }

    pub(super) fn finish(self) -> Coverage {
        let policy = self.policy;
        let mut items = Vec::new();
        let item = |kind, name: &str, span, wanted: &[(&'static str, bool)]| {
            let (file, line) = location(policy, span);
            let reached: Vec<_> = wanted.iter().filter(|w| w.1).map(|w| w.0).collect();
            let missing: Vec<_> = wanted.iter().filter(|w| !w.1).map(|w| w.0).collect();
            CoverageItem {
                kind,
                name: name.to_string(),
                file,
                line,
                covered: missing.is_empty(),
                reached,
                missing,
            }
        };
        for (i, wanted) in self.rules.iter().enumerate() {
            let rule = policy.rule(RuleId(i as u32));
            let kind = match rule.kind {
                RuleKind::Const => continue,
                RuleKind::Define => "definition",
                RuleKind::Outcome => "outcome",
            };
            items.push(item(kind, &rule.name, rule.span, wanted));
        }
        for (i, wanted) in self.exceptions.iter().enumerate() {
            let exc = policy.exception(ExceptionId(i as u32));
            items.push(item("exception", &exc.name, exc.span, wanted));
        }
        for (rule, wanted) in policy.impossibles.iter().zip(&self.impossibles) {
            items.push(item("impossible", &rule.name, rule.span, wanted));
        }
        items.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Coverage {
            covered: items.iter().filter(|i| i.covered).count(),
            total: items.len(),
            items,
        }
    }
}

fn mark(wanted: &mut [(&'static str, bool)], result: &str) {
    if let Some(w) = wanted.iter_mut().find(|w| w.0 == result) {
        w.1 = true;
    }
}

/// Whether an exception that applies changed what it targets.
fn defeats(ev: &mut Evaluator<'_>, id: ExceptionId) -> bool {
    let policy = ev.policy;
    match policy.exception(id).target {
        Target::Rule(r) => {
            let base = ev.eval(&policy.rule(r).body);
            let value = ev.rule(r);
            match (base, value) {
                (Some(b), Some(v)) => !b.same(&v),
                (Some(_), None) => true,
                (None, _) => false,
            }
        }
        Target::Exception(x) => ev.eval_bool(&policy.exception(x).when) == Some(true),
    }
}

/// Which rules and exceptions can be unknown for some facts: those that read a fact
/// other than through `is known` / `is unknown`.
struct Unknowable<'p> {
    policy: &'p CheckedPolicy,
    rules: Vec<Option<bool>>,
}

impl<'p> Unknowable<'p> {
    fn new(policy: &'p CheckedPolicy) -> Unknowable<'p> {
        Unknowable {
            policy,
            rules: vec![None; policy.rules.len()],
        }
    }

    fn rule(&mut self, id: RuleId) -> bool {
        let i = id.0 as usize;
        if let Some(known) = self.rules[i] {
            return known;
        }
        // The checker refused cycles; this guards the walk all the same.
        self.rules[i] = Some(false);
        let policy = self.policy;
        let rule = policy.rule(id);
        let mut result = self.expr(&rule.body);
        for &e in &rule.exceptions {
            result |= self.exception(e);
        }
        self.rules[i] = Some(result);
        result
    }

    fn exception(&mut self, id: ExceptionId) -> bool {
        let policy = self.policy;
        let exc = policy.exception(id);
        let mut result = self.expr(&exc.when) || self.expr(&exc.gives);
        for &sub in &exc.exceptions {
            result |= self.exception(sub);
        }
        result
    }

    fn expr(&mut self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Today => false,
            ExprKind::Fact(_) => true,
            ExprKind::Rule(r) => self.rule(*r),
            ExprKind::Test(Test::Known | Test::Unknown, _) => false,
            ExprKind::List(items) => items.iter().any(|i| self.expr(i)),
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => self.expr(a),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::DaysFrom(a, b)
            | ExprKind::In {
                item: a, list: b, ..
            } => self.expr(a) || self.expr(b),
            ExprKind::If(c, a, b) => self.expr(c) || self.expr(a) || self.expr(b),
        }
    }
}
