//! One assembly of a decision from an evaluation, handed part by part to a [`Sink`]:
//! the [`super::Decision`] structure (`build`) or its JSON written as it goes
//! (`crate::json::Writer`), so that both say the same.

use std::borrow::Cow;

use super::said::{texts_of, Said};
use super::{policy_title, ReasonKind};
use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, FactId, Ref, RuleId};
use crate::eval::{ConflictInfo, EvalError, Evaluator};
use crate::facts::Facts;
use crate::message::fold_whitespace;
use crate::text::Text;
use crate::texts::{collect_facts, Condition, Texts};
use crate::value::{Date, Type, Value};

/// The parts of a decision, handed to a [`Sink`] in the order its JSON lists them, so
/// that one assembly makes both the [`super::Decision`] (`build`) and its JSON written as it
/// goes (`crate::json::Writer`), which builds and drops no structure.
pub(crate) trait Sink {
    /// The decision's header; `outcomes` counts the holding, undetermined and
    /// not-holding outcomes to come.
    fn header(&mut self, header: Header<'_>, outcomes: [usize; 3]);
    /// An outcome that holds; its reasons follow, then [`Sink::end_holding`].
    fn holding(&mut self, holding: HoldingPart<'_>);
    /// A reason of the last holding outcome.
    fn reason(&mut self, at: &At<'_>, reason: ReasonPart<'_>);
    /// The last holding outcome is complete.
    fn end_holding(&mut self);
    /// An undetermined outcome: all of them come after the holding ones.
    fn undetermined(&mut self, at: &At<'_>, outcome: UndeterminedPart<'_>);
    /// An outcome that does not hold, after every undetermined one; the exceptions that
    /// defeated it follow, then [`Sink::end_not_holding`].
    fn not_holding(&mut self, outcome: NotHoldingPart<'_>);
    /// An exception that defeated the last outcome that does not hold.
    fn defeat(&mut self, defeat: DefeatPart<'_>);
    /// The last outcome that does not hold is complete.
    fn end_not_holding(&mut self);
    /// The facts undetermined outcomes are missing, the most needed first; then the
    /// conflicts, and the decision is complete.
    fn end(&mut self, at: &At<'_>, missing: &[FactId], conflicts: &[ConflictInfo]);
}

/// What a [`Sink`] looks names, types and values up in.
pub(crate) struct At<'a> {
    pub policy: &'a CheckedPolicy,
    pub texts: &'a Texts,
    pub facts: &'a Facts,
}

/// The header of a decision.
pub(crate) struct Header<'a> {
    pub policy: &'a Text,
    pub title: Option<Text>,
    pub version: Option<&'a Text>,
    pub revision: &'a Text,
    pub as_of: Date,
    pub lang: &'a str,
}

/// An outcome that holds, without its reasons. Its texts are borrowed where they were
/// made at load, as in every part: the sink that writes JSON copies them, or the head
/// made for them, and only the sink that builds a decision keeps them.
pub(crate) struct HoldingPart<'a> {
    pub rule: RuleId,
    pub id: Cow<'a, Text>,
    pub title: Cow<'a, Text>,
    pub explanation: Cow<'a, Text>,
    pub source: Cow<'a, Text>,
    pub sources: &'a [Text],
    pub effective: Option<Cow<'a, Text>>,
    /// How many reasons follow.
    pub reasons: usize,
}

/// A [`super::Reason`], its values as the evaluator has them.
pub(crate) struct ReasonPart<'a> {
    pub kind: ReasonKind,
    pub exception: Option<Cow<'a, Text>>,
    pub condition: Cow<'a, Text>,
    pub with_values: Option<String>,
    /// Its value, of type `ty`.
    pub value: Option<Value>,
    pub ty: &'a Type,
    /// The facts it reads, sorted by name: those known are shown.
    pub facts: &'a [FactId],
    /// The exceptions that stopped it from applying.
    pub defeated_by: Vec<ExceptionId>,
    pub source: Option<Cow<'a, Text>>,
}

/// An undetermined outcome.
pub(crate) struct UndeterminedPart<'a> {
    pub rule: RuleId,
    pub id: Cow<'a, Text>,
    pub title: Cow<'a, Text>,
    /// The unknown facts that could decide it, in declaration order.
    pub missing: &'a [FactId],
    pub conflict: bool,
}

/// An outcome that does not hold, without its defeats.
pub(crate) struct NotHoldingPart<'a> {
    pub rule: RuleId,
    pub id: Cow<'a, Text>,
    pub title: Cow<'a, Text>,
    pub effective: Option<Text>,
}

/// A [`super::Defeat`].
pub(crate) struct DefeatPart<'a> {
    pub exception: Cow<'a, Text>,
    pub title: Cow<'a, Text>,
    pub source: Option<Cow<'a, Text>>,
}

/// Assembles the decision for the evaluator's case, in `lang`, into `sink`; returns each
/// outcome's verdict, in policy order (`None`: undetermined).
pub(crate) fn assemble(
    ev: &mut Evaluator<'_>,
    texts: &Texts,
    revision: &Text,
    lang: &str,
    sink: &mut impl Sink,
) -> Result<Vec<Option<bool>>, EvalError> {
    let policy = ev.policy;
    let at = At {
        policy,
        texts,
        facts: ev.facts,
    };
    let said = Said::new(policy, texts, ev.today, lang);
    // Every rule, so that a conflict anywhere is reported, not only on the paths the
    // outcomes happened to take.
    for i in 0..policy.rules.len() {
        ev.settle(RuleId(i as u32));
    }
    if let Some(e) = ev.failure.take() {
        return Err(e);
    }
    let verdicts: Vec<Option<bool>> = (policy.outcomes.iter())
        .map(|&id| ev.rule(id).and_then(|v| v.as_bool()))
        .collect();
    let count = |verdict: Option<bool>| verdicts.iter().filter(|v| **v == verdict).count();
    sink.header(
        Header {
            policy: &texts.names.policy,
            title: policy_title(policy, texts, lang),
            version: texts.names.version.as_ref(),
            revision,
            as_of: ev.today,
            lang,
        },
        [count(Some(true)), count(None), count(Some(false))],
    );
    // The outcomes of each verdict in turn, as the decision lists them. Every verdict
    // was settled above, without failure; what is evaluated from here on only explains
    // them, and the order it is asked in cannot change a value.
    let outcomes = || {
        policy
            .outcomes
            .iter()
            .copied()
            .zip(verdicts.iter().copied())
    };
    let mut parts = Vec::with_capacity(8);
    for (id, _) in outcomes().filter(|(_, v)| *v == Some(true)) {
        holding(ev, &at, &said, id, &mut parts, sink);
    }
    // How many undetermined outcomes miss each fact, by fact.
    let mut counts = vec![0usize; policy.facts.len()];
    // One list for the missing facts of each outcome in turn, then of the decision.
    let mut missing = Vec::with_capacity(policy.facts.len());
    for (id, _) in outcomes().filter(|(_, v)| v.is_none()) {
        missing.clear();
        let conflict = ev.missing_for_rule_into(id, &mut missing);
        for f in &missing {
            if let Some(n) = counts.get_mut(f.0 as usize) {
                *n += 1;
            }
        }
        let title = said.title(id, |r| value_of(ev, *r));
        let outcome = UndeterminedPart {
            rule: id,
            id: texts.names.rule(policy, id),
            title,
            missing: &missing,
            conflict,
        };
        sink.undetermined(&at, outcome);
    }
    for (id, _) in outcomes().filter(|(_, v)| *v == Some(false)) {
        not_holding(ev, &said, id, sink);
    }
    missing.clear();
    missing.extend(
        (counts.iter().enumerate())
            .filter(|(_, n)| **n > 0)
            .map(|(f, _)| FactId(f as u32)),
    );
    let count = |f: &FactId| counts.get(f.0 as usize).copied().unwrap_or(0);
    // No two facts have the same name: the order is the same whatever the sort.
    missing.sort_unstable_by(|a, b| {
        (count(b).cmp(&count(a))).then_with(|| texts.names.by_name(policy, *a, *b))
    });
    sink.end(&at, &missing, &ev.conflicts);
    Ok(verdicts)
}

/// An outcome that holds, with its reasons; `parts` is room for the parts of its
/// condition.
fn holding<'p>(
    ev: &mut Evaluator<'p>,
    at: &At<'_>,
    said: &Said<'_>,
    id: RuleId,
    parts: &mut Vec<&'p Expr>,
    sink: &mut impl Sink,
) {
    let (policy, texts) = (at.policy, at.texts);
    let rule = policy.rule(id);
    let title = said.title(id, |r| value_of(ev, *r));
    let explanation = said.explanation(id, |r| value_of(ev, *r));
    parts.clear();
    conditions(ev, id, parts);
    let reasons = parts.len() + rule.exceptions.len();
    let made;
    let (sources, source, effective) = match texts.rule_at(id.0 as usize, rule, ev.today) {
        Some(t) => (
            &t.sources[..],
            Cow::Borrowed(&t.source),
            t.effective.as_ref().map(Cow::Borrowed),
        ),
        None => {
            let sources: Vec<String> = (texts_of(rule, ev.today).2.iter())
                .map(|s| fold_whitespace(s))
                .collect();
            let source = Text::from(sources.join("\n"));
            let version = rule.version_at(ev.today);
            let effective = version.map(|v| Cow::Owned(Text::from(v.effective.describe())));
            made = sources.into_iter().map(Text::from).collect::<Vec<_>>();
            (&made[..], Cow::Owned(source), effective)
        }
    };
    sink.holding(HoldingPart {
        rule: id,
        id: texts.names.rule(policy, id),
        title,
        explanation,
        source,
        sources,
        effective,
        reasons,
    });
    // The outcome holds; when its one condition is its value (no exception could
    // apply), that condition held, and so did each of its parts: an `and` holds only
    // when both its sides do. No need to evaluate them again.
    let held =
        rule.versions.len() <= 1 && (rule.exceptions.iter()).all(|e| ev.applies(*e) == Some(false));
    for &part in parts.iter() {
        let value = if held {
            Some(Value::Bool(true))
        } else {
            ev.eval(part)
        };
        let written = texts.condition(part.span);
        let facts = facts_read(policy, texts, part, written);
        let reason = ReasonPart {
            kind: ReasonKind::Condition,
            exception: None,
            condition: quoted(policy, part, written),
            with_values: crate::compared::with_values(ev, part, written),
            value,
            ty: &part.ty,
            facts: &facts,
            defeated_by: Vec::new(),
            source: None,
        };
        sink.reason(at, reason);
    }
    for &e in &rule.exceptions {
        exception_reason(ev, at, e, sink);
    }
    sink.end_holding();
}

/// The parts of a holding outcome's condition a reason is given for, into `parts`:
/// those of its version in force, for a rule that changed over time.
fn conditions<'p>(ev: &mut Evaluator<'p>, id: RuleId, parts: &mut Vec<&'p Expr>) {
    let rule = ev.policy.rule(id);
    let mut body = &rule.body;
    if rule.versions.len() > 1 {
        // `(in force 1 and body 1) or (in force 2 and body 2) …`: explain the version in
        // force.
        let mut disjuncts = Vec::new();
        crate::texts::disjuncts(body, &mut disjuncts);
        for d in disjuncts {
            if let ExprKind::And(in_force, _) = &d.kind {
                if ev.eval_bool(in_force) == Some(true) {
                    body = d;
                }
            }
        }
    }
    crate::texts::conjuncts(body, parts);
}

/// An outcome that does not hold, with the exceptions that defeated it when its own
/// condition held.
fn not_holding(ev: &mut Evaluator<'_>, said: &Said<'_>, id: RuleId, sink: &mut impl Sink) {
    let policy = ev.policy;
    let rule = policy.rule(id);
    let title = said.title(id, |r| value_of(ev, *r));
    let not_in_force =
        (!rule.versions.is_empty() && rule.version_at(ev.today).is_none()).then(|| {
            let periods: Vec<String> = (rule.versions.iter())
                .map(|v| v.effective.describe())
                .collect();
            Text::from(format!(
                "not in force on {}: {}",
                ev.today,
                periods.join("; ")
            ))
        });
    sink.not_holding(NotHoldingPart {
        rule: id,
        id: said.texts.names.rule(policy, id),
        title,
        effective: not_in_force,
    });
    // Whether an exception applied (known already) before whether the rule's own
    // condition held (evaluated again): for most rules that do not hold, none applied.
    let applied = (rule.exceptions.iter()).any(|e| ev.applies(*e) == Some(true));
    if applied && ev.eval_bool(&rule.body) == Some(true) {
        for &e in &rule.exceptions {
            if ev.applies(e) != Some(true) {
                continue;
            }
            sink.defeat(DefeatPart {
                exception: said.texts.names.exception(policy, e),
                title: said.defeat_title(e, |r| value_of(ev, *r)),
                source: exception_source(said.texts, policy, e),
            });
        }
    }
    sink.end_not_holding();
}

fn value_of(ev: &mut Evaluator<'_>, r: Ref) -> Option<Value> {
    match r {
        Ref::Fact(f) => ev.facts.get(f).cloned(),
        Ref::Rule(r) => ev.rule(r),
    }
}

/// An exception's passages, folded into one text.
fn exception_source<'t>(
    texts: &'t Texts,
    policy: &CheckedPolicy,
    e: ExceptionId,
) -> Option<Cow<'t, Text>> {
    match texts.exception(e.0 as usize) {
        Some(t) => t.source.as_ref().map(Cow::Borrowed),
        None => {
            let exc = policy.exception(e);
            let folded = || Text::from(fold_whitespace(&exc.sources.join("\n")));
            (!exc.sources.is_empty()).then(|| Cow::Owned(folded()))
        }
    }
}

/// The reason an exception to a holding outcome gives: it was checked, and did not apply.
fn exception_reason(ev: &mut Evaluator<'_>, at: &At<'_>, e: ExceptionId, sink: &mut impl Sink) {
    let (policy, texts) = (at.policy, at.texts);
    let exc = policy.exception(e);
    let written = texts.exception(e.0 as usize).map(|t| &t.when);
    let applies = ev.applies(e);
    let defeated_by = (exc.exceptions.iter())
        .copied()
        .filter(|s| ev.applies(*s) == Some(true))
        .collect();
    let mut condition = quoted(policy, &exc.when, written);
    if let Some(period) = exc.effective.filter(|p| !p.contains(ev.today)) {
        let period = period.describe();
        condition = Cow::Owned(Text::from(format!("{condition} (not in force: {period})")));
    }
    let facts = facts_read(policy, texts, &exc.when, written);
    let reason = ReasonPart {
        kind: ReasonKind::Exception,
        exception: Some(texts.names.exception(policy, e)),
        condition,
        with_values: crate::compared::with_values(ev, &exc.when, written),
        value: applies.map(Value::Bool),
        ty: &exc.when.ty,
        facts: &facts,
        defeated_by,
        source: exception_source(texts, policy, e),
    };
    sink.reason(at, reason);
}

/// A condition as a reason quotes it: as written, folded (at load, when `written` is
/// its texts).
fn quoted<'w>(policy: &CheckedPolicy, e: &Expr, written: Option<&'w Condition>) -> Cow<'w, Text> {
    match written {
        Some(c) => Cow::Borrowed(&c.text),
        None => Cow::Owned(Text::from(fold_whitespace(policy.text(e.span)))),
    }
}

/// The facts a condition reads, directly or through rules, sorted by name as a reason
/// lists them: found at load when `written` has them, else now.
fn facts_read<'w>(
    policy: &CheckedPolicy,
    texts: &Texts,
    e: &Expr,
    written: Option<&'w Condition>,
) -> Cow<'w, [FactId]> {
    if let Some(facts) = written.and_then(|c| c.facts.as_deref()) {
        return Cow::Borrowed(facts);
    }
    let mut found = Vec::new();
    collect_facts(policy, e, &mut found, &mut Vec::new());
    found.sort_by(|a, b| texts.names.by_name(policy, *a, *b));
    Cow::Owned(found)
}
