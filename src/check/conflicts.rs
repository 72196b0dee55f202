//! Conflicts found statically: two exceptions to one rule, with no order between them,
//! that can both apply and give different values.
//!
//! When the exceptions depend only on `bool` and enum facts, every combination of those
//! facts is tried (up to a bound), so a conflict is found with a witness, and no
//! conflict means none can happen. Otherwise the decision reports a conflict when one
//! occurs at evaluation.

use super::CheckError;
use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, FactId, RuleId};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::value::{Type, Value};

/// The most fact combinations tried for one pair of exceptions.
pub(super) const MAX_COMBINATIONS: u64 = 1 << 14;

/// Every pair of sibling exceptions that can conflict, each with a witness.
pub(crate) fn find_conflicts(policy: &CheckedPolicy) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for (r, rule) in policy.rules.iter().enumerate() {
        let siblings = &rule.exceptions;
        for (i, &a) in siblings.iter().enumerate() {
            for &b in &siblings[i + 1..] {
                if let Some(e) = conflict(policy, RuleId(r as u32), a, b) {
                    errors.push(e);
                }
            }
        }
    }
    errors
}

fn conflict(
    policy: &CheckedPolicy,
    rule: RuleId,
    a: ExceptionId,
    b: ExceptionId,
) -> Option<CheckError> {
    let (ea, eb) = (policy.exception(a), policy.exception(b));
    if let (ExprKind::Lit(x), ExprKind::Lit(y)) = (&ea.gives.kind, &eb.gives.kind) {
        if x.same(y) {
            return None;
        }
    }
    let mut facts = Vec::new();
    let mut finite = true;
    let mut seen = Vec::new();
    for e in [a, b] {
        exception_facts(policy, e, &mut facts, &mut finite, &mut seen);
    }
    let domains: Vec<Vec<Value>> = facts.iter().map(|f| domain(policy, *f)).collect();
    let combinations = domains
        .iter()
        .try_fold(1u64, |acc, d| acc.checked_mul(d.len() as u64));
    if !finite || combinations.is_none_or(|n| n > MAX_COMBINATIONS) {
        return None;
    }
    let mut index = vec![0usize; facts.len()];
    let today = jiff::civil::date(2000, 1, 1);
    loop {
        let mut case = Facts::unknown(policy.facts.len());
        for (k, f) in facts.iter().enumerate() {
            case.set(*f, Some(domains[k][index[k]].clone()));
        }
        let mut ev = Evaluator::new(policy, &case, today);
        if ev.applies(a) == Some(true) && ev.applies(b) == Some(true) {
            let (va, vb) = (ev.eval(&ea.gives), ev.eval(&eb.gives));
            if let (Some(va), Some(vb)) = (va, vb) {
                if !va.same(&vb) {
                    let witness: Vec<String> = facts
                        .iter()
                        .enumerate()
                        .map(|(k, f)| {
                            let info = policy.fact(*f);
                            let v = crate::decision::value_json(
                                policy,
                                &info.ty,
                                &domains[k][index[k]],
                            );
                            format!("{} = {v}", info.name)
                        })
                        .collect();
                    let r = policy.rule(rule);
                    let same_file = ea.span.file == eb.span.file;
                    return Some(CheckError::Conflict {
                        rule: r.name.clone(),
                        first: ea.name.clone(),
                        second: eb.name.clone(),
                        span: eb.span,
                        other: same_file.then_some(ea.span),
                        help: Some(format!(
                            "both apply when {}, and they give different values; to let `{}` win, add an exception to `{}` under the same condition: `exception … to {} when …`",
                            if witness.is_empty() { "nothing else is known".to_string() } else { witness.join(", ") },
                            eb.name,
                            ea.name,
                            ea.name
                        )),
                    });
                }
            }
        }
        // Next combination, like an odometer.
        let mut k = 0;
        loop {
            if k == index.len() {
                return None;
            }
            index[k] += 1;
            if index[k] < domains[k].len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// Every value a `bool` or enum fact can take.
pub(super) fn domain(policy: &CheckedPolicy, f: FactId) -> Vec<Value> {
    match &policy.fact(f).ty {
        Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Type::Enum(id) => (0..policy.enum_info(*id).variants.len() as u32)
            .map(Value::Enum)
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn exception_facts(
    policy: &CheckedPolicy,
    e: ExceptionId,
    out: &mut Vec<FactId>,
    finite: &mut bool,
    seen: &mut Vec<RuleId>,
) {
    let exc = policy.exception(e);
    expr_facts(policy, &exc.when, out, finite, seen);
    expr_facts(policy, &exc.gives, out, finite, seen);
    for &sub in &exc.exceptions {
        exception_facts(policy, sub, out, finite, seen);
    }
}

/// The facts an expression reads, through rules; `finite` turns false when one is not a
/// `bool` or enum, or when the expression reads `today`.
pub(super) fn expr_facts(
    policy: &CheckedPolicy,
    e: &Expr,
    out: &mut Vec<FactId>,
    finite: &mut bool,
    seen: &mut Vec<RuleId>,
) {
    match &e.kind {
        ExprKind::Fact(f) => {
            if !matches!(policy.fact(*f).ty, Type::Bool | Type::Enum(_)) {
                *finite = false;
            }
            if !out.contains(f) {
                out.push(*f);
            }
        }
        ExprKind::Today => *finite = false,
        ExprKind::Rule(r) => {
            if seen.contains(r) {
                return;
            }
            seen.push(*r);
            let rule = policy.rule(*r);
            expr_facts(policy, &rule.body, out, finite, seen);
            for &x in &rule.exceptions {
                exception_facts(policy, x, out, finite, seen);
            }
        }
        _ => e.for_each_child(|c| expr_facts(policy, c, out, finite, seen)),
    }
}
