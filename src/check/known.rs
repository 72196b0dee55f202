//! A sentence never says "unknown": every value a title, an explanation or a consistency
//! message shows must be known whenever a person reads that text, or the text gives a
//! fallback (`{credible_fear.referral_date or "the day of your referral"}`).
//!
//! When each text is read:
//! - an outcome's explanation, when the outcome holds;
//! - an outcome's title, whatever the outcome's status (the lists of outcomes that do
//!   not hold and that are undetermined show titles too), so it may show only values
//!   known whatever the facts: constants, and definitions that read no fact;
//! - an exception's title, when it defeats its rule (it applies and the rule's own
//!   condition holds);
//! - a consistency message, when its condition holds.
//!
//! The proof is sound and simple, not complete: a value is known when the showing
//! condition cannot be true, evaluated three-valued, with the value unknown. It follows
//! `and` (either side), `or` (both sides), `not`, `if` (both branches), `is known`,
//! comparisons and arithmetic (true or false only when their operands are known), and
//! conditions named by a definition or outcome. A definition shown is known when every
//! fact it reads, through any definition or exception, is. Anything else is refused with
//! the fallback syntax in the help: a text that says less is better than one that says
//! "unknown".

use std::collections::BTreeSet;

use super::CheckError;
use crate::checked::{
    ExceptionInfo, Expr, ExprKind, FactId, FactInfo, ImpossibleInfo, Message, Part, Ref, RuleId,
    RuleInfo, RuleKind, Target,
};
use crate::syntax::ast::Test;
use crate::value::Value;

/// How deep the proof follows definitions into definitions; deeper is refused (sound).
const MAX_DEPTH: usize = 64;

/// Every value shown in a text that may be unknown when the text is read.
pub(super) fn check(
    facts: &[FactInfo],
    rules: &[RuleInfo],
    exceptions: &[ExceptionInfo],
    impossibles: &[ImpossibleInfo],
) -> Vec<CheckError> {
    let proof = Proof { rules, exceptions };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut report = |message: &Message, shown_when: Option<Shown<'_>>, place: Place| {
        for (_, parts) in &message.texts {
            for part in parts {
                let Part::Value(what, _, shown) = part else {
                    continue;
                };
                if shown.fallback.is_some() || proof.known_when(*what, shown_when) {
                    continue;
                }
                if !seen.insert((shown.span.file, shown.span.start)) {
                    continue;
                }
                let name = match what {
                    Ref::Fact(f) => facts.get(f.0 as usize).map(|f| f.name.clone()),
                    Ref::Rule(r) => rules.get(r.0 as usize).map(|r| r.name.clone()),
                };
                let name = name.unwrap_or_default();
                out.push(CheckError::MaybeUnknown {
                    help: place.help(&name),
                    name,
                    place: place.what(),
                    span: shown.span,
                    when: place.when(),
                });
            }
        }
    };
    for (i, rule) in rules.iter().enumerate() {
        if rule.kind != RuleKind::Outcome {
            continue;
        }
        let holds = Some(Shown::Holds(RuleId(i as u32)));
        report(&rule.title, None, Place::Title);
        report(&rule.explain, holds, Place::Explanation);
        for v in &rule.versions {
            report(&v.title, None, Place::Title);
            report(&v.explain, holds, Place::Explanation);
        }
    }
    for e in exceptions {
        let Target::Rule(target) = e.target else {
            continue;
        };
        let Some(rule) = rules.get(target.0 as usize) else {
            continue;
        };
        let conditions = [&e.when, &rule.body];
        report(
            &e.title,
            Some(Shown::AllTrue(&conditions)),
            Place::ExceptionTitle,
        );
    }
    for i in impossibles {
        let conditions = [&i.when];
        report(
            &i.message,
            Some(Shown::AllTrue(&conditions)),
            Place::Impossible,
        );
    }
    out
}

/// Which text shows the value.
#[derive(Clone, Copy)]
enum Place {
    Title,
    Explanation,
    ExceptionTitle,
    Impossible,
}

impl Place {
    fn what(self) -> &'static str {
        match self {
            Place::Title => "this title",
            Place::Explanation => "this explanation",
            Place::ExceptionTitle => "this exception's title",
            Place::Impossible => "this message",
        }
    }

    fn when(self) -> &'static str {
        match self {
            Place::Title => "a title is shown whatever the outcome's status",
            Place::Explanation => "the outcome can hold with this unknown",
            Place::ExceptionTitle => "the exception can apply with this unknown",
            Place::Impossible => "the condition can hold with this unknown",
        }
    }

    fn help(self, name: &str) -> String {
        let fallback = format!(
            "give the text to show when it is unknown: `{{{name} or \"…\"}}` (in every language)"
        );
        match self {
            Place::Title => format!("a title can show only what is known whatever the facts; {fallback}, or move the value to the explanation"),
            _ => format!("make the condition require it (`{name} is known`, or a comparison that reads it), or {fallback}"),
        }
    }
}

/// When a text is shown.
#[derive(Clone, Copy)]
enum Shown<'e> {
    /// When the outcome holds.
    Holds(RuleId),
    /// When all these conditions are true.
    AllTrue(&'e [&'e Expr]),
}

struct Proof<'p> {
    rules: &'p [RuleInfo],
    exceptions: &'p [ExceptionInfo],
}

impl Proof<'_> {
    /// Whether `what` is known whenever the text is shown (`None`: always, whatever
    /// the facts).
    fn known_when(&self, what: Ref, shown_when: Option<Shown<'_>>) -> bool {
        let required = |target: Ref| match shown_when {
            None => false,
            Some(Shown::Holds(r)) => self.rule_requires(r, true, target, 0),
            Some(Shown::AllTrue(conditions)) => {
                conditions.iter().any(|c| self.requires(c, true, target, 0))
            }
        };
        if required(what) {
            return true;
        }
        let Ref::Rule(r) = what else {
            return false;
        };
        // A definition is known once every fact it reads is.
        let mut facts = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.facts_of_rule(r.0 as usize, &mut facts, &mut seen);
        facts.into_iter().all(|f| required(Ref::Fact(f)))
    }

    /// Whether `e` being `want` (known, so true or false) implies `target` known.
    fn requires(&self, e: &Expr, want: bool, target: Ref, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let d = depth + 1;
        match &e.kind {
            // A condition that is never `want` is never shown: nothing to prove.
            ExprKind::Lit(Value::Bool(b)) => *b != want,
            ExprKind::Fact(f) => target == Ref::Fact(*f),
            ExprKind::Rule(r) => target == Ref::Rule(*r) || self.rule_requires(*r, want, target, d),
            ExprKind::Not(a) => self.requires(a, !want, target, d),
            ExprKind::And(a, b) if want => {
                self.requires(a, want, target, d) || self.requires(b, want, target, d)
            }
            ExprKind::And(a, b) => {
                self.requires(a, want, target, d) && self.requires(b, want, target, d)
            }
            ExprKind::Or(a, b) if want => {
                self.requires(a, want, target, d) && self.requires(b, want, target, d)
            }
            ExprKind::Or(a, b) => {
                self.requires(a, want, target, d) || self.requires(b, want, target, d)
            }
            ExprKind::If(_, a, b) => {
                self.requires(a, want, target, d) && self.requires(b, want, target, d)
            }
            ExprKind::Test(Test::Known, a) => want && self.known_implies(a, target, d),
            ExprKind::Test(Test::Unknown, a) => !want && self.known_implies(a, target, d),
            _ => self.known_implies(e, target, d),
        }
    }

    /// Whether the rule `r` being `want` implies `target` known. For `true`: its
    /// condition was true and no exception applied, or an exception that gives `true`
    /// applied.
    fn rule_requires(&self, r: RuleId, want: bool, target: Ref, depth: usize) -> bool {
        let Some(rule) = self.rules.get(r.0 as usize) else {
            return false;
        };
        if rule.ty != crate::value::Type::Bool {
            return false;
        }
        let by_body = self.requires(&rule.body, want, target, depth);
        by_body
            && rule.exceptions.iter().all(|x| {
                let Some(x) = self.exceptions.get(x.0 as usize) else {
                    return false;
                };
                // An exception giving the other value cannot make the rule `want`.
                matches!(&x.gives.kind, ExprKind::Lit(Value::Bool(b)) if *b != want)
                    || self.requires(&x.when, true, target, depth)
                    || self.requires(&x.gives, want, target, depth)
            })
    }

    /// Whether `e` known implies `target` known: `e` is strict in an operand that is,
    /// or implies, `target`.
    fn known_implies(&self, e: &Expr, target: Ref, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Fact(f) => target == Ref::Fact(*f),
            ExprKind::Rule(r) => {
                if target == Ref::Rule(*r) {
                    return true;
                }
                // Without exceptions a rule is its condition: known only when it is.
                (self.rules.get(r.0 as usize)).is_some_and(|rule| {
                    rule.exceptions.is_empty() && self.known_implies(&rule.body, target, d)
                })
            }
            ExprKind::Lit(_) | ExprKind::Today => false,
            // Not strict: `false and ?` is known, and so are `is known` and an `if` whose
            // branches agree.
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::If(..) => false,
            ExprKind::Test(Test::Known | Test::Unknown, _) => false,
            ExprKind::List(items) => items.iter().any(|i| self.known_implies(i, target, d)),
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => {
                self.known_implies(a, target, d)
            }
            ExprKind::Cmp(_, a, b) | ExprKind::Arith(_, a, b) | ExprKind::DaysFrom(a, b) => {
                self.known_implies(a, target, d) || self.known_implies(b, target, d)
            }
            ExprKind::In { item, list, .. } => {
                self.known_implies(item, target, d) || self.known_implies(list, target, d)
            }
        }
    }

    /// Every fact a rule reads: its condition, its exceptions' conditions and values,
    /// the rules they name.
    fn facts_of_rule(&self, r: usize, out: &mut BTreeSet<FactId>, seen: &mut BTreeSet<usize>) {
        if !seen.insert(r) {
            return;
        }
        let Some(rule) = self.rules.get(r) else {
            return;
        };
        self.facts_of(&rule.body, out, seen);
        let mut pending: Vec<_> = rule.exceptions.clone();
        let mut done = BTreeSet::new();
        while let Some(x) = pending.pop() {
            if !done.insert(x.0) {
                continue;
            }
            if let Some(x) = self.exceptions.get(x.0 as usize) {
                self.facts_of(&x.when, out, seen);
                self.facts_of(&x.gives, out, seen);
                pending.extend(x.exceptions.iter().copied());
            }
        }
    }

    fn facts_of(&self, e: &Expr, out: &mut BTreeSet<FactId>, seen: &mut BTreeSet<usize>) {
        match &e.kind {
            ExprKind::Fact(f) => {
                out.insert(*f);
            }
            ExprKind::Rule(r) => self.facts_of_rule(r.0 as usize, out, seen),
            _ => e.for_each_child(|c| self.facts_of(c, out, seen)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::Sources;
    use crate::syntax::parse_file;

    /// The names refused by the proof in a policy with facts `a`, `b` (bool), `d`
    /// (date), `n` (int) and the declarations `rest`.
    fn refused(rest: &str) -> Vec<String> {
        let text = format!(
            "policy \"P\"\nfact a: bool \"a\"\nfact b: bool \"b\"\nfact d: date \"d\"\nfact n: int \"n\"\n{rest}"
        );
        let mut sources = Sources::default();
        let file = sources.add("k.asylon", text.as_str());
        let tree = parse_file(file, &text).expect("the test's policy parses");
        match super::super::check(&sources, &[tree]) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
        }
    }

    fn explained(when: &str, shows: &str) -> Vec<String> {
        refused(&format!(
            "outcome o when {when} title en \"o\" explain en \"{shows}\""
        ))
    }

    #[test]
    fn a_condition_that_reads_the_value_makes_it_known() {
        assert!(explained("days since d > 60", "{d}").is_empty());
        assert!(explained("a and d is known", "{d}").is_empty());
        assert!(explained("n + 1 > 3 and a", "{n}").is_empty());
        assert!(explained("(n > 3 and a) or (n < 0 and b)", "{n}").is_empty());
        assert!(explained("not (d is unknown)", "{d}").is_empty());
    }

    #[test]
    fn a_condition_true_without_the_value_is_refused() {
        let refused_d = ["`d` may be unknown when this explanation is shown"];
        assert_eq!(explained("a", "{d}"), refused_d);
        assert_eq!(explained("a or days since d > 60", "{d}"), refused_d);
        assert_eq!(explained("d is known or a", "{d}"), refused_d);
        assert_eq!(explained("not (days since d > 60 and a)", "{d}"), refused_d);
        assert_eq!(
            explained("if a then days since d > 1 else b", "{d}"),
            refused_d
        );
    }

    #[test]
    fn a_fallback_needs_no_proof() {
        assert!(explained("a", r#"{d or \"the day\"}"#).is_empty());
    }

    #[test]
    fn definitions_are_followed_both_ways() {
        // The condition names a definition that requires the value.
        let through = "define late = days since d > 60\noutcome o when late title en \"o\" explain en \"{d}\"";
        assert!(refused(through).is_empty());
        // The value shown is a definition whose facts the condition requires.
        let shown = "define deadline: date = d + 1 year\noutcome o when d < today title en \"o\" explain en \"{deadline}\"";
        assert!(refused(shown).is_empty());
        let unsure = "define deadline: date = d + 1 year\noutcome o when a title en \"o\" explain en \"{deadline}\"";
        assert_eq!(
            refused(unsure),
            ["`deadline` may be unknown when this explanation is shown"]
        );
        // A constant is always known, even in a title.
        assert!(refused("const limit = 60\noutcome o when a title en \"over {limit}\"").is_empty());
    }

    #[test]
    fn an_exception_giving_true_can_make_an_outcome_hold_without_its_condition() {
        let policy = "outcome o when days since d > 1 title en \"o\" explain en \"{d}\"\nexception e to o when a gives true";
        assert_eq!(
            refused(policy),
            ["`d` may be unknown when this explanation is shown"]
        );
        let defeating = "outcome o when days since d > 1 title en \"o\" explain en \"{d}\"\nexception e to o when a";
        assert!(refused(defeating).is_empty());
    }

    #[test]
    fn titles_exception_titles_and_messages_have_their_own_conditions() {
        assert_eq!(
            refused("outcome o when days since d > 1 title en \"{d}\""),
            ["`d` may be unknown when this title is shown"]
        );
        let exception = "outcome o when a title en \"o\"\nexception e to o when days since d > 1 title en \"since {d}\"";
        assert!(refused(exception).is_empty());
        let message = "impossible i when d > today message en \"{d} is in the future\"";
        assert!(refused(message).is_empty());
        let unsure = "impossible i when a message en \"{d}\"";
        assert_eq!(
            refused(unsure),
            ["`d` may be unknown when this message is shown"]
        );
    }
}
