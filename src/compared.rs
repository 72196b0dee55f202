//! A condition with the values it compared, for reasons: `days since
//! credible_fear.referral_date > 60` reads `days since credible_fear.referral_date = 77 >
//! 60` for a case, so that a legal-aid worker sees the 77 days counted, not only the date.
//!
//! Which operands show their value: in an ordering comparison (`<`, `<=`, `>`, `>=`),
//! every operand but a literal; in `is` and `is not`, only an operand that is computed
//! (arithmetic, `days from`/`days since`, `if`, a definition or constant), as a fact's
//! value is already listed beside the reason and an enum compared with an enum reads best
//! as written. An unknown operand shows nothing. Values are written as in a fact file
//! (`77`, `"2024-04-01"`).

use crate::checked::{CmpOp, Expr, ExprKind};
use crate::decision::value_json;
use crate::eval::Evaluator;
use crate::message::fold_whitespace;

/// The condition `e` as written, each compared operand followed by ` = value`; `None`
/// when it compares nothing whose value it would show.
pub(crate) fn with_values(ev: &mut Evaluator<'_>, e: &Expr) -> Option<String> {
    let mut inserts = Vec::new();
    collect(ev, e, e, &mut inserts);
    if inserts.is_empty() {
        return None;
    }
    let mut text = ev.policy.text(e.span).to_string();
    // From the end, so that the offsets still to come stay right.
    inserts.sort_by(|a, b| b.0.cmp(&a.0));
    for (end, shown) in inserts {
        let at = (end - e.span.start) as usize;
        if text.is_char_boundary(at) {
            text.insert_str(at, &shown);
        }
    }
    Some(fold_whitespace(&text))
}

/// The insertions (an offset in the source, ` = value`) for the comparisons of `e`.
fn collect(ev: &mut Evaluator<'_>, whole: &Expr, e: &Expr, out: &mut Vec<(u32, String)>) {
    match &e.kind {
        ExprKind::Cmp(op, a, b) => {
            let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
            for operand in [a, b] {
                let inside = operand.span.file == whole.span.file
                    && operand.span.start >= whole.span.start
                    && operand.span.end <= whole.span.end;
                if !inside || !shows_value(operand, ordering) {
                    continue;
                }
                if let Some(v) = ev.eval(operand) {
                    let json = value_json(ev.policy, &operand.ty, &v);
                    out.push((operand.span.end, format!(" = {json}")));
                }
            }
        }
        _ => {
            let mut children = Vec::new();
            e.for_each_child(|c| children.push(c));
            for c in children {
                collect(ev, whole, c, out);
            }
        }
    }
}

/// Whether a compared operand shows its value (see the module's doc).
fn shows_value(operand: &Expr, ordering: bool) -> bool {
    match operand.kind {
        ExprKind::Lit(_) | ExprKind::List(_) => false,
        ExprKind::Fact(_) | ExprKind::Today => ordering,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::checked::ExprKind;
    use crate::eval::Evaluator;
    use crate::{EvalOptions, Policy};

    /// The first condition of outcome `o`, with its values, for `facts`.
    fn shown(source: &str, facts: &str) -> Option<String> {
        let policy = Policy::from_source("p.asylon", source).expect("the policy checks");
        let checked = policy.checked();
        let facts = policy.facts_from_json(facts).expect("valid facts");
        let today = EvalOptions::on("2024-06-17").expect("a date").as_of;
        let mut ev = Evaluator::new(checked, &facts, today);
        let id = checked.outcome_named("o").expect("outcome o");
        let body = &checked.rule(id).body;
        assert!(!matches!(body.kind, ExprKind::Lit(_)));
        super::with_values(&mut ev, body)
    }

    #[test]
    fn days_counted_show_beside_the_limit() {
        let source = r#"
            policy "P"
            fact referred: date "referral"
            outcome o when days since referred > 60 title en "Overdue"
        "#;
        assert_eq!(
            shown(source, r#"{"referred": "2024-04-01"}"#).as_deref(),
            Some("days since referred = 77 > 60")
        );
    }

    #[test]
    fn facts_compared_by_is_are_left_as_written() {
        let source = r#"
            policy "P"
            enum Kind { a, b }
            fact kind: Kind "kind"
            fact n: int "n"
            const limit = 3
            outcome o when kind is a and n + 1 is limit title en "T"
        "#;
        assert_eq!(
            shown(source, r#"{"kind": "a", "n": 2}"#).as_deref(),
            Some("kind is a and n + 1 = 3 is limit = 3")
        );
        assert_eq!(
            shown(source, r#"{"kind": "a"}"#).as_deref(),
            Some("kind is a and n + 1 is limit = 3")
        );
    }
}
