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

use crate::checked::Expr;
use crate::eval::Evaluator;
use crate::message::fold_whitespace;
use crate::texts::{shown_operands, Condition};
use crate::written::typed_value;

/// The condition `e` as written, each compared operand followed by ` = value`; `None`
/// when it compares nothing whose value it would show. `written` is the condition as the
/// policy's texts hold it, when they do: its text already folded, and where each value
/// goes in it.
pub(crate) fn with_values(
    ev: &mut Evaluator<'_>,
    e: &Expr,
    written: Option<&Condition>,
) -> Option<String> {
    // Most conditions compare nothing whose value they show: found at load.
    if written.is_some_and(|w| !w.shows_values) {
        return None;
    }
    let mut inserts = Vec::new();
    collect(ev, e, &mut inserts);
    if inserts.is_empty() {
        return None;
    }
    // From the end, so that the offsets still to come stay right.
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    if let Some(text) = written.and_then(|w| into_folded(w, &inserts)) {
        return Some(text);
    }
    let mut text = ev.policy.text(e.span).to_string();
    for (end, shown) in inserts {
        let at = (end - e.span.start) as usize;
        // Right after the operand's last character: its span may take the blanks after it.
        let at = text.get(..at).map_or(at, |before| before.trim_end().len());
        if text.is_char_boundary(at) {
            text.insert_str(at, &shown);
        }
    }
    Some(fold_whitespace(&text))
}

/// The values put straight into the folded text: what [`with_values`] gives by folding
/// the source with them, without folding it again per case. A value (` = ` and compact
/// JSON, which neither starts nor ends with a blank) folds on its own; the text around
/// it was folded at load. `None` if an operand has no mark.
fn into_folded(written: &Condition, inserts: &[(u32, String)]) -> Option<String> {
    let mut text = String::with_capacity(written.text.len() + 16 * inserts.len());
    text.push_str(&written.text);
    for (end, shown) in inserts {
        let (_, at) = written.marks.iter().find(|(e, _)| e == end)?;
        // A value at the very start would lose its leading blank to the fold.
        if *at == 0 || !text.is_char_boundary(*at as usize) {
            return None;
        }
        let value = shown.strip_prefix(" = ").unwrap_or(shown);
        text.insert_str(*at as usize, &fold_whitespace(value));
        text.insert_str(*at as usize, " = ");
    }
    Some(text)
}

/// The insertions (an offset in the source, ` = value`) for the comparisons of `e`.
fn collect(ev: &mut Evaluator<'_>, e: &Expr, out: &mut Vec<(u32, String)>) {
    shown_operands(e, e, &mut |operand| {
        if let Some(v) = ev.eval(operand) {
            let mut shown = Vec::with_capacity(24);
            shown.extend_from_slice(b" = ");
            typed_value(&mut shown, ev.policy, &operand.ty, &v);
            // Compact JSON of a value is UTF-8 throughout.
            let shown = String::from_utf8(shown)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            out.push((operand.span.end, shown));
        }
    });
}
