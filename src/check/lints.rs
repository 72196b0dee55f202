//! Warnings about a policy that checks but is probably not what its author meant:
//! conditions that can never be true or are always true, exceptions that can never
//! defeat their rule, facts and definitions never used, two outcomes with the same
//! condition, texts missing in a language the policy uses elsewhere.
//!
//! A warning is never a guess. Conditions are decided by trying every combination of
//! the `bool` and enum facts they read, each also unknown (as [`super::conflicts`] does,
//! without unknowns), with every other fact left out; an expression that reads other
//! facts, or `today`, is folded instead: evaluated with every fact unknown, which,
//! without `is known`, `is unknown` and `today`, gives the value for every fact set
//! when it gives one. Combinations a consistency rule refuses are skipped.

use std::collections::HashSet;

use super::conflicts::{domain, exception_facts, expr_facts, MAX_COMBINATIONS};
use crate::checked::{
    CheckedPolicy, ExceptionId, Expr, ExprKind, FactId, Message, Part, Ref, RuleId, RuleKind,
    Target,
};
use crate::eval::Evaluator;
use crate::facts::Facts;
use crate::lint::Lint;
use crate::source::Span;
use crate::syntax::ast::{self, Test};
use crate::value::Value;

/// The warnings that need the syntax tree, found while checking (cheap: comparing
/// outcomes' conditions).
pub(crate) fn syntax_lints(files: &[ast::File]) -> Vec<Lint> {
    let mut out = Vec::new();
    same_conditions(files, &mut out);
    out
}

/// Every warning about a checked policy that no `allow` silences: those found while
/// checking, then the ones computed here, on demand, so that loading a policy to
/// evaluate cases does not pay for the exhaustive searches.
pub fn lint(policy: &CheckedPolicy) -> Vec<Lint> {
    lint_with_silenced(policy).0
}

/// The warnings no `allow` silences, and those an `allow` on their declaration does.
pub fn lint_with_silenced(policy: &CheckedPolicy) -> (Vec<Lint>, Vec<Lint>) {
    let mut out = Vec::new();
    conditions(policy, &mut out);
    unused(policy, &mut out);
    translations(policy, &mut out);
    out.extend(policy.warnings.iter().cloned());
    if policy.allows.is_empty() {
        return (out, Vec::new());
    }
    out.into_iter().partition(|l| {
        let code = l.code_str();
        !policy.allows.iter().any(|a| a.silences(&code, l.span()))
    })
}

/// What a condition is across every combination of the facts it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    NeverTrue,
    AlwaysTrue,
    Depends,
}

/// Tries `judge` on every combination of `facts` that no consistency rule refuses.
/// `None` when the facts are not all `bool` or enum, or too many.
fn each_case(
    policy: &CheckedPolicy,
    facts: &[FactId],
    mut judge: impl FnMut(&mut Evaluator<'_>),
) -> Option<()> {
    // Each fact also unknown: `is known` and Kleene logic make unknown a case of its own.
    let domains: Vec<Vec<Option<Value>>> = facts
        .iter()
        .map(|f| {
            let mut d: Vec<Option<Value>> = domain(policy, *f).into_iter().map(Some).collect();
            if !d.is_empty() {
                d.push(None);
            }
            d
        })
        .collect();
    let combinations = domains
        .iter()
        .try_fold(1u64, |acc, d| acc.checked_mul(d.len() as u64))?;
    if combinations > MAX_COMBINATIONS || domains.iter().any(Vec::is_empty) {
        return None;
    }
    // `today` is never read by the expressions judged here (they would not be finite).
    let today = jiff::civil::date(2000, 1, 1);
    let mut index = vec![0usize; facts.len()];
    loop {
        let mut case = Facts::unknown(policy.facts.len());
        for (k, f) in facts.iter().enumerate() {
            case.set(*f, domains[k][index[k]].clone());
        }
        let mut ev = Evaluator::new(policy, &case, today);
        let impossible = policy
            .impossibles
            .iter()
            .any(|i| ev.eval_bool(&i.when) == Some(true));
        if !impossible {
            judge(&mut ev);
        }
        let mut k = 0;
        loop {
            if k == index.len() {
                return Some(());
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

fn verdict(policy: &CheckedPolicy, e: &Expr) -> Option<Verdict> {
    let mut facts = Vec::new();
    let mut finite = true;
    expr_facts(policy, e, &mut facts, &mut finite, &mut Vec::new());
    if !finite {
        return folded(policy, e);
    }
    let (mut seen_true, mut seen_false, mut any) = (false, false, false);
    each_case(policy, &facts, |ev| {
        any = true;
        match ev.eval_bool(e) {
            Some(true) => seen_true = true,
            Some(false) => seen_false = true,
            None => {}
        }
    })?;
    // "Always true": true for some facts and false for none (unknown facts may still
    // leave it undetermined, as `a or not a`).
    Some(match (any, seen_true, seen_false) {
        // Every combination is impossible: nothing to say about the condition.
        (false, _, _) => Verdict::Depends,
        (true, false, _) => Verdict::NeverTrue,
        (true, true, false) => Verdict::AlwaysTrue,
        _ => Verdict::Depends,
    })
}

/// Constant folding, for conditions that read numbers, dates or texts: the condition
/// with every fact unknown. Without `is known`, `is unknown` and `today`, Kleene logic
/// is monotone (giving facts never changes a known value), so a value known here is the
/// value for every fact set.
fn folded(policy: &CheckedPolicy, e: &Expr) -> Option<Verdict> {
    if !monotone(policy, e, &mut Vec::new()) {
        return None;
    }
    let facts = Facts::unknown(policy.facts.len());
    let mut ev = Evaluator::new(policy, &facts, jiff::civil::date(2000, 1, 1));
    let value = ev.eval_bool(e);
    if ev.failure.is_some() {
        return None;
    }
    match value {
        Some(true) => Some(Verdict::AlwaysTrue),
        Some(false) => Some(Verdict::NeverTrue),
        None => None,
    }
}

/// Whether an expression, through the rules and exceptions it reads, avoids `is known`,
/// `is unknown` and `today`.
fn monotone(policy: &CheckedPolicy, e: &Expr, seen: &mut Vec<RuleId>) -> bool {
    match &e.kind {
        ExprKind::Today | ExprKind::Test(Test::Known | Test::Unknown, _) => false,
        ExprKind::Lit(_) | ExprKind::Fact(_) => true,
        ExprKind::Rule(r) => {
            if seen.contains(r) {
                return true;
            }
            seen.push(*r);
            let rule = policy.rule(*r);
            monotone(policy, &rule.body, seen)
                && rule
                    .exceptions
                    .iter()
                    .all(|x| exception_monotone(policy, *x, seen))
        }
        ExprKind::List(items) => items.iter().all(|i| monotone(policy, i, seen)),
        ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => monotone(policy, a, seen),
        ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::Cmp(_, a, b)
        | ExprKind::Arith(_, a, b)
        | ExprKind::DaysFrom(a, b)
        | ExprKind::In {
            item: a, list: b, ..
        } => monotone(policy, a, seen) && monotone(policy, b, seen),
        ExprKind::If(c, a, b) => {
            monotone(policy, c, seen) && monotone(policy, a, seen) && monotone(policy, b, seen)
        }
    }
}

fn exception_monotone(policy: &CheckedPolicy, x: ExceptionId, seen: &mut Vec<RuleId>) -> bool {
    let exc = policy.exception(x);
    monotone(policy, &exc.when, seen)
        && monotone(policy, &exc.gives, seen)
        && exc
            .exceptions
            .iter()
            .all(|sub| exception_monotone(policy, *sub, seen))
}

fn conditions(policy: &CheckedPolicy, out: &mut Vec<Lint>) {
    let facts_help = |e: &Expr| {
        let mut facts = Vec::new();
        let mut finite = true;
        expr_facts(policy, e, &mut facts, &mut finite, &mut Vec::new());
        if !finite {
            "its value is known before any fact is given, and giving facts cannot change it"
                .to_string()
        } else if facts.is_empty() {
            "it reads no facts, so its value is fixed".to_string()
        } else {
            format!(
                "every combination of {} was tried",
                facts
                    .iter()
                    .map(|f| format!("`{}`", policy.fact(*f).name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    for &id in &policy.outcomes {
        let rule = policy.rule(id);
        match verdict(policy, &rule.body) {
            Some(Verdict::NeverTrue) => out.push(Lint::NeverTrue {
                what: "outcome",
                name: rule.name.clone(),
                span: rule.body.span,
                help: Some(format!(
                    "{}; the outcome can never hold: check the condition",
                    facts_help(&rule.body)
                )),
            }),
            Some(Verdict::AlwaysTrue) => out.push(Lint::AlwaysTrue {
                what: "outcome",
                name: rule.name.clone(),
                span: rule.body.span,
                help: Some(format!(
                    "{}; the outcome holds for everyone its exceptions do not defeat: check the condition",
                    facts_help(&rule.body)
                )),
            }),
            _ => {}
        }
    }
    for (i, exc) in policy.exceptions.iter().enumerate() {
        let id = ExceptionId(i as u32);
        let what = if exc.inline {
            "inline exception"
        } else {
            "exception"
        };
        match verdict(policy, &exc.when) {
            Some(Verdict::NeverTrue) => {
                out.push(Lint::NeverTrue {
                    what,
                    name: exc.name.clone(),
                    span: exc.when.span,
                    help: Some(format!(
                        "{}; the exception never applies: check the condition",
                        facts_help(&exc.when)
                    )),
                });
                continue;
            }
            Some(Verdict::AlwaysTrue) => out.push(Lint::AlwaysTrue {
                what,
                name: exc.name.clone(),
                span: exc.when.span,
                help: Some(format!(
                    "{}; the exception always applies, so the rule's own condition never matters",
                    facts_help(&exc.when)
                )),
            }),
            _ => {}
        }
        if let Some(lint) = never_defeats(policy, id) {
            out.push(lint);
        }
    }
}

/// An exception that, whenever it applies, gives what its rule gives anyway.
fn never_defeats(policy: &CheckedPolicy, id: ExceptionId) -> Option<Lint> {
    let exc = policy.exception(id);
    let mut facts = Vec::new();
    let mut finite = true;
    let mut seen = Vec::new();
    exception_facts(policy, id, &mut facts, &mut finite, &mut seen);
    let (target_name, target_expr) = match exc.target {
        Target::Rule(r) => (policy.rule(r).name.clone(), &policy.rule(r).body),
        Target::Exception(x) => (policy.exception(x).name.clone(), &policy.exception(x).when),
    };
    expr_facts(policy, target_expr, &mut facts, &mut finite, &mut seen);
    if !finite {
        return None;
    }
    let (mut applies, mut defeats) = (false, false);
    each_case(policy, &facts, |ev| {
        if defeats || ev.applies(id) != Some(true) {
            return;
        }
        applies = true;
        defeats = match exc.target {
            Target::Rule(r) => {
                let base = ev.eval(&policy.rule(r).body);
                let gives = ev.eval(&exc.gives);
                match (base, gives) {
                    (Some(b), Some(g)) => !b.same(&g),
                    _ => true,
                }
            }
            Target::Exception(x) => ev.eval_bool(&policy.exception(x).when) != Some(false),
        };
    })?;
    // An exception that never applies has its own warning.
    (applies && !defeats).then(|| Lint::NeverDefeats {
        name: exc.name.clone(),
        target: target_name.clone(),
        span: trimmed(policy, exc.span),
        help: Some(format!(
            "whenever it applies, `{target_name}` already {} without it: remove the exception, or check both conditions",
            match exc.target {
                Target::Rule(_) => "has the value it gives",
                Target::Exception(_) => "does not apply",
            }
        )),
    })
}

fn unused(policy: &CheckedPolicy, out: &mut Vec<Lint>) {
    let mut facts: HashSet<FactId> = HashSet::new();
    let mut rules: HashSet<RuleId> = HashSet::new();
    let mut note = |e: &Expr| refs(e, &mut facts, &mut rules);
    for rule in &policy.rules {
        note(&rule.body);
    }
    for exc in &policy.exceptions {
        note(&exc.when);
        note(&exc.gives);
    }
    for i in &policy.impossibles {
        note(&i.when);
    }
    for m in messages(policy) {
        for (_, parts) in &m.texts {
            for p in parts {
                match p {
                    Part::Value(Ref::Fact(f), ..) => {
                        facts.insert(*f);
                    }
                    Part::Value(Ref::Rule(r), ..) => {
                        rules.insert(*r);
                    }
                    Part::Text(_) => {}
                }
            }
        }
    }
    for (i, fact) in policy.facts.iter().enumerate() {
        if !facts.contains(&FactId(i as u32)) {
            out.push(Lint::UnusedFact {
                name: fact.name.clone(),
                span: trimmed(policy, fact.span),
            });
        }
    }
    for (i, rule) in policy.rules.iter().enumerate() {
        let what = match rule.kind {
            RuleKind::Outcome => continue,
            RuleKind::Define => "definition",
            RuleKind::Const => "constant",
        };
        if !rules.contains(&RuleId(i as u32)) {
            out.push(Lint::UnusedDefinition {
                what,
                name: rule.name.clone(),
                span: trimmed(policy, rule.span),
            });
        }
    }
}

/// A declaration's span without the blank lines and comments pest lets trail after it.
fn trimmed(policy: &CheckedPolicy, span: Span) -> Span {
    let text = policy.sources.slice(span);
    let (mut end, mut offset) = (0, 0);
    for line in text.split_inclusive('\n') {
        let code = line.trim();
        if !code.is_empty() && !code.starts_with('#') {
            end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    if end == 0 {
        return span;
    }
    Span {
        end: span.start + end as u32,
        ..span
    }
}

fn refs(e: &Expr, facts: &mut HashSet<FactId>, rules: &mut HashSet<RuleId>) {
    match &e.kind {
        ExprKind::Fact(f) => {
            facts.insert(*f);
        }
        ExprKind::Rule(r) => {
            rules.insert(*r);
        }
        _ => e.for_each_child(|c| refs(c, facts, rules)),
    }
}

fn same_conditions(files: &[ast::File], out: &mut Vec<Lint>) {
    let outcomes: Vec<&ast::OutcomeDecl> = files
        .iter()
        .flat_map(|f| &f.decls)
        .filter_map(|d| match d {
            ast::Decl::Outcome(o) => Some(o),
            _ => None,
        })
        .collect();
    for (i, b) in outcomes.iter().enumerate() {
        let Some(bw) = &b.when else { continue };
        // The first earlier outcome with the same condition, so each pair is told once.
        let first = outcomes[..i].iter().find(|a| {
            a.when.as_ref().is_some_and(|aw| strip(aw) == strip(bw))
                && a.unless.len() == b.unless.len()
                && a.unless
                    .iter()
                    .zip(&b.unless)
                    .all(|(x, y)| strip(&x.when) == strip(&y.when))
        });
        if let (Some(a), Some(aw)) = (first, first.and_then(|a| a.when.as_ref())) {
            out.push(Lint::SameCondition {
                first: a.name.text.clone(),
                second: b.name.text.clone(),
                span: bw.span,
                other: (aw.span.file == bw.span.file).then_some(aw.span),
                help: Some(format!(
                    "the two always hold together; if they mean one thing, keep one outcome, otherwise say how `{}` differs",
                    b.name.text
                )),
            });
        }
    }
}

/// An expression without its outer parentheses.
fn strip(e: &ast::Expr) -> &ast::Expr {
    match &e.kind {
        ast::ExprKind::Paren(inner) => strip(inner),
        _ => e,
    }
}

fn messages(policy: &CheckedPolicy) -> impl Iterator<Item = &Message> {
    policy
        .enums
        .iter()
        .flat_map(|e| e.variants.iter().map(|v| &v.label))
        .chain(policy.facts.iter().map(|f| &f.ask))
        .chain(policy.rules.iter().flat_map(|r| [&r.title, &r.explain]))
        .chain(
            (policy.rules.iter())
                .flat_map(|r| r.versions.iter().flat_map(|v| [&v.title, &v.explain])),
        )
        .chain(policy.exceptions.iter().map(|e| &e.title))
        .chain(policy.impossibles.iter().map(|i| &i.message))
        .chain([&policy.header.title])
}

fn translations(policy: &CheckedPolicy, out: &mut Vec<Lint>) {
    for m in messages(policy) {
        if m.texts.is_empty() {
            continue;
        }
        let missing: Vec<&str> = policy
            .languages
            .iter()
            .map(String::as_str)
            .filter(|l| !m.has(l))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let langs = missing
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let header = std::ptr::eq(m, &policy.header.title);
        out.push(Lint::MissingTranslation {
            help: Some(if header {
                let all: Vec<String> = (policy.languages.iter())
                    .map(|l| format!("{l} \"…\""))
                    .collect();
                format!(
                    "the policy's other texts are in {langs} too: write its title in every language, `policy {}`",
                    all.join(" ")
                )
            } else { format!(
                "the policy's other texts are in {}: add {}",
                policy
                    .languages
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                missing
                    .iter()
                    .map(|l| format!("`{l} \"…\"`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )}),
            langs,
            span: m.span,
        });
    }
}
