//! The texts of a decision that do not depend on the case, made once when the policy is
//! loaded: the messages that interpolate nothing, rendered in each of their languages,
//! and the text between the values of those that do, folded; each outcome's and
//! exception's sources, folded; each condition a reason quotes, as written, with the
//! facts it reads.
//!
//! A decision copies these instead of rendering them again for every case. Each is made
//! by the very function a decision would call ([`render`], [`fold_whitespace`]), so the
//! texts are the same, only made once.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::checked::{
    CheckedPolicy, CmpOp, ExceptionId, Expr, ExprKind, FactId, Message, Part, Ref, RuleId, RuleInfo,
};
use crate::message::{fold_whitespace, render, shown_value, Folded, Folding};
use crate::source::Span;
use crate::text::Text;
use crate::value::{Date, Value};

/// The case-independent texts of one checked policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    /// By [`crate::checked::RuleId`].
    rules: Vec<RuleTexts>,
    /// By [`crate::checked::ExceptionId`].
    exceptions: Vec<ExceptionTexts>,
    /// The conditions reasons quote (each part of an outcome's condition), sorted by where
    /// they are written (see [`place`]): a few dozen, found by binary search, where
    /// hashing each key cost more than the search.
    conditions: Vec<((u32, u32, u32), Condition)>,
    /// The names a decision shows, made once.
    pub names: Names,
}

/// The names of a policy's rules, exceptions and facts, and its header, as a decision
/// shows them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// By [`crate::checked::RuleId`].
    pub rules: Vec<Text>,
    /// By [`crate::checked::ExceptionId`].
    pub exceptions: Vec<Text>,
    /// By [`crate::checked::FactId`].
    pub facts: Vec<Text>,
    /// By [`crate::checked::FactId`]: the fact's place among the facts in name order,
    /// so that lists sorted by name are sorted without comparing names.
    pub fact_order: Vec<u32>,
    /// The policy's name.
    pub policy: Text,
    /// The policy's version.
    pub version: Option<Text>,
    /// The policy's title in each of its languages (and English), where it differs from
    /// its name.
    pub titles: Vec<(String, Option<Text>)>,
}

/// A condition as a reason quotes it.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// As written, its whitespace folded.
    pub text: Text,
    /// The facts it reads, directly or through rules, sorted by name as a reason lists
    /// them; `None` where two expressions written at the same place read different facts
    /// (one made by the checker), so that the span alone cannot tell.
    pub facts: Option<Vec<FactId>>,
    /// Where a compared operand's value goes in `text`: by the operand's end in the
    /// source, the offset in the folded text (see [`crate::compared`]).
    pub marks: Vec<(u32, u32)>,
    /// Whether it compares an operand whose value a reason shows ([`shows_values`]), for
    /// any of the expressions written at its place.
    pub shows_values: bool,
}

/// A message prepared in each of its languages: rendered once where it interpolates
/// nothing, its text folded once where it does.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    /// Each of the message's languages, prepared.
    prepared: Vec<Prepared>,
    /// For each of the policy's languages, which of those [`Message::pick`] reads.
    picked: Vec<Option<usize>>,
}

/// A message in one language, as prepared at load.
#[derive(Debug, Clone)]
enum Prepared {
    /// The whole text, rendered.
    Made(Text),
    /// Its pieces: the text between the values folded, each value by its place among
    /// the message's parts.
    Pieces(Vec<Piece>),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(Folded),
    Value(usize),
}

/// The texts of a rule, or of one of its versions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Version {
    pub title: Rendered,
    pub explain: Rendered,
    /// Each passage, folded.
    pub sources: Vec<Text>,
    /// The passages, one per line.
    pub source: Text,
    /// For a version: when it is in force (`effective from 2024-06-05`).
    pub effective: Option<Text>,
}

#[derive(Debug, Clone, Default)]
struct RuleTexts {
    /// Always in force.
    base: Version,
    /// Parallel to [`RuleInfo::versions`].
    versions: Vec<Version>,
}

/// The texts of an exception.
#[derive(Debug, Clone)]
pub(crate) struct ExceptionTexts {
    pub title: Rendered,
    /// Its condition as written, folded, with the facts it reads.
    pub when: Condition,
    /// Its passages, folded into one text.
    pub source: Option<Text>,
}

impl Texts {
    /// Renders what every decision of `policy` would render alike.
    pub fn of(policy: &CheckedPolicy) -> Texts {
        let rules = (policy.rules.iter())
            .map(|rule| RuleTexts {
                base: version(policy, &rule.title, &rule.explain, &rule.sources, None),
                versions: (rule.versions.iter())
                    .map(|v| {
                        let effective = Some(v.effective.describe());
                        version(policy, &v.title, &v.explain, &v.sources, effective)
                    })
                    .collect(),
            })
            .collect();
        let exceptions = (policy.exceptions.iter())
            .map(|e| ExceptionTexts {
                title: Rendered::of(policy, &e.title),
                when: condition(policy, &e.when),
                source: (!e.sources.is_empty())
                    .then(|| Text::shared(fold_whitespace(&e.sources.join("\n")))),
            })
            .collect();
        let mut conditions = BTreeMap::new();
        for &id in &policy.outcomes {
            let rule = policy.rule(id);
            let mut parts = Vec::new();
            conjuncts(&rule.body, &mut parts);
            if rule.versions.len() > 1 {
                let mut versions = Vec::new();
                disjuncts(&rule.body, &mut versions);
                for v in versions {
                    conjuncts(v, &mut parts);
                }
            }
            for part in parts {
                let made = condition(policy, part);
                let known = conditions
                    .entry(place(part.span))
                    .or_insert_with(|| made.clone());
                if known.facts != made.facts {
                    known.facts = None;
                }
                known.shows_values |= made.shows_values;
            }
        }
        Texts {
            rules,
            exceptions,
            conditions: conditions.into_iter().collect(),
            names: Names::of(policy),
        }
    }

    /// None of the texts made, only the names: every text is rendered per case, as a
    /// test comparing the two needs.
    #[cfg(test)]
    pub fn unrendered(policy: &CheckedPolicy) -> Texts {
        Texts {
            names: Names::of(policy),
            ..Texts::default()
        }
    }

    /// The texts of `rule` (its id's index `index`) on `today`: those of its version in
    /// force, for a rule that changed over time.
    pub fn rule_at(&self, index: usize, rule: &RuleInfo, today: Date) -> Option<&Version> {
        let texts = self.rules.get(index)?;
        match rule
            .versions
            .iter()
            .position(|v| v.effective.contains(today))
        {
            Some(i) => texts.versions.get(i),
            None => Some(&texts.base),
        }
    }

    /// The texts of rule `index`: its own, then its versions'.
    pub fn versions(&self, index: usize) -> impl Iterator<Item = &Version> {
        (self.rules.get(index).into_iter())
            .flat_map(|r| std::iter::once(&r.base).chain(&r.versions))
    }

    /// The texts of the exception with index `index`.
    pub fn exception(&self, index: usize) -> Option<&ExceptionTexts> {
        self.exceptions.get(index)
    }

    /// The condition written at `span`, when it is one a reason quotes.
    pub fn condition(&self, span: Span) -> Option<&Condition> {
        let at = (self.conditions).binary_search_by_key(&place(span), |(k, _)| *k);
        at.ok().and_then(|i| self.conditions.get(i)).map(|(_, c)| c)
    }
}

impl Names {
    fn of(policy: &CheckedPolicy) -> Names {
        let shared = |s: &String| Text::shared(s.as_str());
        let mut languages = policy.languages.clone();
        if !languages.iter().any(|l| l == "en") {
            languages.push("en".to_string());
        }
        Names {
            fact_order: policy.facts_by_name().1,
            rules: policy.rules.iter().map(|r| shared(&r.name)).collect(),
            exceptions: policy.exceptions.iter().map(|e| shared(&e.name)).collect(),
            facts: policy.facts.iter().map(|f| shared(&f.name)).collect(),
            policy: shared(&policy.header.name),
            version: policy.header.version.as_ref().map(shared),
            titles: languages
                .into_iter()
                .map(|lang| {
                    let title = render(policy, &policy.header.title, &lang, |_| None);
                    let differs = !title.is_empty() && title != policy.header.name;
                    (lang, differs.then(|| Text::shared(title)))
                })
                .collect(),
        }
    }

    /// A rule's name, borrowed: a decision written as JSON as it is assembled copies
    /// the name, or the head made for it at load, and never clones it (a clone and its
    /// drop write to the text's count, a line of memory the writer need not touch).
    /// Names are made from the policy a decision is made with, so every id has one; the
    /// fallback only keeps a mismatch from panicking.
    pub fn rule(&self, policy: &CheckedPolicy, id: RuleId) -> Cow<'_, Text> {
        named(self.rules.get(id.0 as usize), || &policy.rule(id).name)
    }

    /// An exception's name, borrowed (see [`Names::rule`]).
    pub fn exception(&self, policy: &CheckedPolicy, id: ExceptionId) -> Cow<'_, Text> {
        named(self.exceptions.get(id.0 as usize), || {
            &policy.exception(id).name
        })
    }

    /// A fact's name, borrowed (see [`Names::rule`]).
    pub fn fact_ref(&self, policy: &CheckedPolicy, id: FactId) -> Cow<'_, Text> {
        named(self.facts.get(id.0 as usize), || &policy.fact(id).name)
    }

    /// A fact's name (see [`Names::rule`]).
    pub fn fact(&self, policy: &CheckedPolicy, id: FactId) -> Text {
        self.fact_ref(policy, id).into_owned()
    }

    /// How facts `a` and `b` compare by name.
    pub fn by_name(&self, policy: &CheckedPolicy, a: FactId, b: FactId) -> Ordering {
        let place = |f: FactId| self.fact_order.get(f.0 as usize);
        match (place(a), place(b)) {
            (Some(a), Some(b)) => a.cmp(b),
            _ => self.fact_ref(policy, a).cmp(&self.fact_ref(policy, b)),
        }
    }

    /// The policy's title in `lang` as made at load: `Some(None)` where it is the same
    /// as the name; `None` for a language none was made in.
    pub fn title(&self, lang: &str) -> Option<Option<Text>> {
        (self.titles.iter())
            .find(|(l, _)| l == lang)
            .map(|(_, t)| t.clone())
    }
}

/// The name made at load, or one made from the policy's where there is none.
fn named<'n, 'p>(made: Option<&'n Text>, name: impl FnOnce() -> &'p String) -> Cow<'n, Text> {
    match made {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(Text::from(name().as_str())),
    }
}

impl Rendered {
    /// The message in each language it was rendered in whole at load.
    pub fn made(&self) -> impl Iterator<Item = &Text> {
        self.prepared.iter().filter_map(|p| match p {
            Prepared::Made(text) => Some(text),
            Prepared::Pieces(_) => None,
        })
    }

    fn of(policy: &CheckedPolicy, message: &Message) -> Rendered {
        let picked = (policy.languages.iter())
            .map(|lang| picked(message, lang))
            .collect();
        let prepared = (message.texts.iter())
            .map(|(lang, parts)| {
                // Without interpolations, no value is ever asked for.
                if parts.iter().all(|p| matches!(p, Part::Text(_))) {
                    return Prepared::Made(Text::shared(render(policy, message, lang, |_| None)));
                }
                let pieces = (parts.iter().enumerate())
                    .map(|(k, p)| match p {
                        Part::Text(t) => Piece::Text(Folded::of(t)),
                        Part::Value(..) => Piece::Value(k),
                    })
                    .collect();
                Prepared::Pieces(pieces)
            })
            .collect();
        Rendered { prepared, picked }
    }

    /// `message` in `lang`, as [`render`] renders it: the text made at load, borrowed,
    /// when the language it falls back to interpolates nothing, else its values put
    /// between the pieces folded at load. `lang` comes with its place among the
    /// policy's languages, when it is one: which text it reads was found at load.
    pub fn render(
        &self,
        policy: &CheckedPolicy,
        message: &Message,
        (lang, at): (&str, Option<usize>),
        mut value: impl FnMut(&Ref) -> Option<Value>,
    ) -> Cow<'_, Text> {
        let i = match at {
            Some(at) => self.picked.get(at).copied().flatten(),
            None => picked(message, lang),
        };
        let prepared = i.and_then(|i| {
            let (read, parts) = message.texts.get(i)?;
            Some((read.as_str(), parts, self.prepared.get(i)?))
        });
        let Some((read, parts, prepared)) = prepared else {
            return Cow::Owned(Text::from(render(policy, message, lang, value)));
        };
        let pieces = match prepared {
            Prepared::Made(text) => return Cow::Borrowed(text),
            Prepared::Pieces(pieces) => pieces,
        };
        let mut out = Folding::default();
        for piece in pieces {
            match piece {
                Piece::Text(folded) => out.push_folded(folded),
                Piece::Value(k) => {
                    if let Some(Part::Value(r, ty, shown)) = parts.get(*k) {
                        out.push(&shown_value(policy, ty, shown, value(r), read));
                    }
                }
            }
        }
        Cow::Owned(Text::from(out.done()))
    }
}

/// Which of `message`'s languages [`Message::pick`] reads for `lang`.
fn picked(message: &Message, lang: &str) -> Option<usize> {
    let (_, parts) = message.pick(lang)?;
    (message.texts.iter()).position(|(_, p)| std::ptr::eq(p.as_slice(), parts))
}

/// A span as a key: spans compare equal whatever their place, so that syntax trees
/// compare by content.
fn place(span: Span) -> (u32, u32, u32) {
    (span.file.0, span.start, span.end)
}

fn version(
    policy: &CheckedPolicy,
    title: &Message,
    explain: &Message,
    sources: &[String],
    effective: Option<String>,
) -> Version {
    let sources: Vec<String> = sources.iter().map(|s| fold_whitespace(s)).collect();
    Version {
        title: Rendered::of(policy, title),
        explain: Rendered::of(policy, explain),
        source: Text::shared(sources.join("\n")),
        sources: sources.into_iter().map(Text::shared).collect(),
        effective: effective.map(Text::shared),
    }
}

fn condition(policy: &CheckedPolicy, e: &Expr) -> Condition {
    let mut facts = Vec::new();
    collect_facts(policy, e, &mut facts, &mut Vec::new());
    facts.sort_by(|a, b| policy.fact(*a).name.cmp(&policy.fact(*b).name));
    let mut at = Vec::new();
    marks(policy.text(e.span), e, e, &mut at);
    Condition {
        text: Text::shared(fold_whitespace(policy.text(e.span))),
        facts: Some(facts),
        marks: at,
        shows_values: shows_values(e),
    }
}

/// Where each compared operand of `e` (within `whole`, whose text is `source`) would have
/// its value put, in `source` folded: by the operand's end in the source, the length of
/// the source up to that operand, folded: for every operand a reason may show the value
/// of ([`crate::compared`]).
fn marks(source: &str, whole: &Expr, e: &Expr, out: &mut Vec<(u32, u32)>) {
    match &e.kind {
        ExprKind::Cmp(_, a, b) => {
            for operand in [a, b] {
                if !whole.span.contains(operand.span) {
                    continue;
                }
                let at = (operand.span.end - whole.span.start) as usize;
                let Some(before) = source.get(..at).map(str::trim_end) else {
                    continue;
                };
                let folded = fold_whitespace(before).len();
                if let Ok(folded) = u32::try_from(folded) {
                    out.push((operand.span.end, folded));
                }
            }
        }
        _ => e.for_each_child(|c| marks(source, whole, c, out)),
    }
}

/// Each compared operand of `e` (within `whole`) that shows its value when it is known,
/// handed to `f` (see [`crate::compared`]).
pub(crate) fn shown_operands<'e>(whole: &Expr, e: &'e Expr, f: &mut impl FnMut(&'e Expr)) {
    match &e.kind {
        // A comparison the checker wrote itself (`effective from …` is `today >= …`) has
        // operands without text of their own: it shows as written.
        ExprKind::Cmp(_, a, b) if same_place(a, b) || same_place(a, e) || same_place(b, e) => {}
        ExprKind::Cmp(op, a, b) => {
            let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
            for operand in [a, b] {
                if whole.span.contains(operand.span) && shows_value(operand, ordering) {
                    f(operand);
                }
            }
        }
        _ => e.for_each_child(|c| shown_operands(whole, c, f)),
    }
}

/// Whether a condition shows the value of any operand it compares, for some case.
pub(crate) fn shows_values(e: &Expr) -> bool {
    let mut any = false;
    shown_operands(e, e, &mut |_| any = true);
    any
}

/// Whether two expressions were written at the same place (spans compare equal
/// whatever their place, so this compares the places).
fn same_place(a: &Expr, b: &Expr) -> bool {
    (a.span.file, a.span.start, a.span.end) == (b.span.file, b.span.start, b.span.end)
}

/// Whether a compared operand shows its value (see [`crate::compared`]).
fn shows_value(operand: &Expr, ordering: bool) -> bool {
    match operand.kind {
        ExprKind::Lit(_) | ExprKind::List(_) => false,
        ExprKind::Fact(_) | ExprKind::Today => ordering,
        _ => true,
    }
}

/// The top-level `or`s of a condition, flattened.
pub(crate) fn disjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Or(a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// The top-level `and`s of a condition, flattened.
pub(crate) fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// The facts an expression reads, directly or through the rules it uses (and their
/// exceptions), each once, in the order first read; `seen` holds the rules walked.
pub(crate) fn collect_facts(
    policy: &CheckedPolicy,
    e: &Expr,
    out: &mut Vec<FactId>,
    seen: &mut Vec<RuleId>,
) {
    match &e.kind {
        ExprKind::Fact(f) => {
            if !out.contains(f) {
                out.push(*f);
            }
        }
        ExprKind::Rule(r) => {
            if seen.contains(r) {
                return;
            }
            seen.push(*r);
            let rule = policy.rule(*r);
            collect_facts(policy, &rule.body, out, seen);
            for &x in &rule.exceptions {
                let exc = policy.exception(x);
                collect_facts(policy, &exc.when, out, seen);
            }
        }
        _ => e.for_each_child(|c| collect_facts(policy, c, out, seen)),
    }
}
