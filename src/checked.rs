//! The checked policy: every name resolved to a slot, every expression typed, every rule
//! a base rule plus its exceptions (as in Catala's default logic). The checker
//! ([`crate::check`]) builds it; the evaluator (`crate::eval`) runs it.

use std::sync::Arc;

use crate::source::{Sources, Span};
use crate::syntax::ast::Test;
use crate::value::{Date, EnumId, Type, Value};

/// Index of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(pub u32);

/// Index of a rule: a constant, definition or outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub u32);

/// Index of an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExceptionId(pub u32);

/// A message in several languages, each parsed into literal text and interpolations.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// `(language tag, parts)`, English first when present.
    pub texts: Vec<(String, Vec<Part>)>,
    /// Where the message was written.
    pub span: Span,
}

impl Message {
    /// The parts in `lang`, falling back to English, then to the first language given.
    /// A tag that is not one of the policy's (`ES`, `es-MX`) reads the language it asks
    /// for, as [`crate::Policy::resolve_language`] matches it.
    pub fn get(&self, lang: &str) -> Option<&[Part]> {
        self.pick(lang).map(|(_, parts)| parts)
    }

    /// The language [`Message::get`] reads for `lang`, with its parts.
    pub fn pick(&self, lang: &str) -> Option<(&str, &[Part])> {
        self.texts
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| {
                self.texts
                    .iter()
                    .find(|(l, _)| l.eq_ignore_ascii_case(lang))
            })
            .or_else(|| {
                // Only now: most messages have the language asked for, and a decision
                // picks a few dozen.
                let base = lang.split(['-', '_']).next().unwrap_or(lang);
                self.texts
                    .iter()
                    .find(|(l, _)| l.eq_ignore_ascii_case(base))
            })
            .or_else(|| self.texts.iter().find(|(l, _)| l == "en"))
            .or_else(|| self.texts.first())
            .map(|(l, parts)| (l.as_str(), parts.as_slice()))
    }

    /// Whether the message has text in `lang` itself (no fallback).
    pub fn has(&self, lang: &str) -> bool {
        self.texts.iter().any(|(l, _)| l == lang)
    }

    /// The facts the message shows, in any of its languages (a fact may appear twice).
    /// A question is asked only once these are known (see [`crate::interview`]).
    pub fn shows(&self) -> impl Iterator<Item = FactId> + '_ {
        self.texts
            .iter()
            .flat_map(|(_, parts)| parts)
            .filter_map(|p| match p {
                Part::Value(Ref::Fact(f), ..) => Some(*f),
                _ => None,
            })
    }
}

/// A piece of a message.
#[derive(Debug, Clone)]
pub enum Part {
    /// Text as written.
    Text(String),
    /// `{name}`: a value, formatted for the message's language; `{name or "text"}`
    /// with the text to show when the value is unknown.
    Value(Ref, Type, Shown),
}

/// How an interpolation was written: its fallback and where it is.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// `{name or "text"}`: what to show when the value is unknown.
    pub fallback: Option<String>,
    /// The `{name}` in the source.
    pub span: Span,
}

/// What an interpolation or a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A fact.
    Fact(FactId),
    /// A constant, definition or outcome.
    Rule(RuleId),
}

/// The policy header.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// `policy "…"` (in the form `policy en "…" es "…"`, the English title).
    pub name: String,
    /// The title in every language it is written in (the plain form: English only).
    pub title: Message,
    /// `version "…"`
    pub version: Option<String>,
    /// `source "…"`
    pub source: Option<String>,
}

/// An enum.
#[derive(Debug, Clone)]
pub struct EnumInfo {
    /// Its name.
    pub name: String,
    /// Its variants in order; a value is an index into this list.
    pub variants: Vec<VariantInfo>,
    /// Where it was declared.
    pub span: Span,
}

impl EnumInfo {
    /// The index of the variant with this name.
    pub fn variant(&self, name: &str) -> Option<u32> {
        self.variants
            .iter()
            .position(|v| v.name == name)
            .map(|i| i as u32)
    }
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct VariantInfo {
    /// Its name (also its JSON spelling).
    pub name: String,
    /// Its labels for people.
    pub label: Message,
}

/// Extra conditions on a fact's values, checked when facts are read.
#[derive(Debug, Clone, Default)]
pub struct Constraint {
    /// `int at least N`
    pub at_least: Option<i64>,
    /// `int at most N`
    pub at_most: Option<i64>,
    /// `string matching "RE"`: the pattern as written, and compiled (anchored).
    pub matching: Option<(String, regex_lite::Regex)>,
}

/// A fact.
#[derive(Debug, Clone)]
pub struct FactInfo {
    /// The full dotted name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Conditions on its values.
    pub constraint: Constraint,
    /// The one-line description.
    pub description: Option<String>,
    /// The question to ask a person.
    pub ask: Message,
    /// Where it was declared.
    pub span: Span,
}

/// The days a rule is in force, both ends included; `None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// The first day in force.
    pub from: Option<Date>,
    /// The last day in force.
    pub until: Option<Date>,
}

impl Period {
    /// Whether the rule is in force on `date`.
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date <= u)
    }

    /// Whether two periods share a day.
    pub fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = match (self.from, other.until) {
            (Some(f), Some(u)) => f <= u,
            _ => true,
        };
        let other_starts_before_this_ends = match (other.from, self.until) {
            (Some(f), Some(u)) => f <= u,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_this_ends
    }

    /// The period in words: `effective from 2024-06-05`, `effective until 2024-06-04`.
    pub fn describe(&self) -> String {
        match (self.from, self.until) {
            (Some(f), Some(u)) => format!("effective from {f} until {u}"),
            (Some(f), None) => format!("effective from {f}"),
            (None, Some(u)) => format!("effective until {u}"),
            (None, None) => "always in force".to_string(),
        }
    }
}

/// One version of a rule that changed over time: the period it is in force, and its
/// texts.
#[derive(Debug, Clone)]
pub struct VersionInfo {
    /// When this version is in force.
    pub effective: Period,
    /// Its title (outcomes).
    pub title: Message,
    /// Its explanation (outcomes).
    pub explain: Message,
    /// Passages it implements.
    pub sources: Vec<String>,
    /// Where it was declared.
    pub span: Span,
}

/// What kind of rule a [`RuleInfo`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// `const`
    Const,
    /// `define`
    Define,
    /// `outcome`
    Outcome,
}

/// A constant, definition or outcome: a base expression and the exceptions to it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// Its name or id.
    pub name: String,
    /// What kind of rule.
    pub kind: RuleKind,
    /// Its type (`bool` for outcomes).
    pub ty: Type,
    /// The base rule.
    pub body: Expr,
    /// The exceptions that may defeat it, in declaration order.
    pub exceptions: Vec<ExceptionId>,
    /// The title (outcomes).
    pub title: Message,
    /// The explanation (outcomes).
    pub explain: Message,
    /// Passages it implements.
    pub sources: Vec<String>,
    /// Its versions, in the order declared, when it carries effective dates (empty when
    /// it is always in force). `body` already chooses the version in force on the
    /// evaluation date; the versions give the texts and the explanation of that choice.
    pub versions: Vec<VersionInfo>,
    /// Where it was declared.
    pub span: Span,
}

impl RuleInfo {
    /// The version in force on `date`, for a rule with versions.
    pub fn version_at(&self, date: Date) -> Option<&VersionInfo> {
        self.versions.iter().find(|v| v.effective.contains(date))
    }
}

/// What an exception defeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A rule: the exception replaces its value.
    Rule(RuleId),
    /// Another exception: this one stops it from applying.
    Exception(ExceptionId),
}

/// An exception.
#[derive(Debug, Clone)]
pub struct ExceptionInfo {
    /// Its name (`unless` clauses get `<rule>.unless.<n>`).
    pub name: String,
    /// Whether it was written inline as `unless`.
    pub inline: bool,
    /// What it defeats.
    pub target: Target,
    /// When it applies.
    pub when: Expr,
    /// The value it gives instead (for exceptions to rules; `false` for a `bool` rule
    /// when not written).
    pub gives: Expr,
    /// The exceptions to this exception.
    pub exceptions: Vec<ExceptionId>,
    /// A title for explanations.
    pub title: Message,
    /// Passages it implements.
    pub sources: Vec<String>,
    /// When it is in force (`when` already includes this test).
    pub effective: Option<Period>,
    /// Where it was declared.
    pub span: Span,
}

/// A consistency rule.
#[derive(Debug, Clone)]
pub struct ImpossibleInfo {
    /// Its name.
    pub name: String,
    /// When a fact set is impossible.
    pub when: Expr,
    /// What to tell the person.
    pub message: Message,
    /// Where it was declared.
    pub span: Span,
}

/// A checked expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

impl Expr {
    /// The operands of a chain of `and`s (`and`), or of `or`s, left to right into `out`:
    /// Kleene `and` and `or` are associative, so `a and b and c` is one chain of three.
    pub(crate) fn chain<'e>(&'e self, and: bool, out: &mut Vec<&'e Expr>) {
        match &self.kind {
            ExprKind::And(a, b) if and => {
                a.chain(and, out);
                b.chain(and, out);
            }
            ExprKind::Or(a, b) if !and => {
                a.chain(and, out);
                b.chain(and, out);
            }
            _ => out.push(self),
        }
    }

    /// Calls `f` on each expression directly inside this one, in source order. Walks
    /// that treat every kind of expression alike (collecting facts, constants, rules)
    /// recurse through this instead of matching every kind.
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Lit(_) | ExprKind::Fact(_) | ExprKind::Rule(_) | ExprKind::Today => {}
            ExprKind::List(items) => items.iter().for_each(f),
            ExprKind::Not(a) | ExprKind::Neg(a) | ExprKind::Test(_, a) => f(a),
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Cmp(_, a, b)
            | ExprKind::Arith(_, a, b)
            | ExprKind::DaysFrom(a, b)
            | ExprKind::In {
                item: a, list: b, ..
            } => {
                f(a);
                f(b);
            }
            ExprKind::If(c, a, b) => {
                f(c);
                f(a);
                f(b);
            }
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `is`
    Eq,
    /// `is not`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// The kinds of checked expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A literal.
    Lit(Value),
    /// A fact's value.
    Fact(FactId),
    /// A rule's value.
    Rule(RuleId),
    /// The evaluation date.
    Today,
    /// `[a, b]`
    List(Vec<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `-a`
    Neg(Box<Expr>),
    /// `a and b`
    And(Box<Expr>, Box<Expr>),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>),
    /// A comparison.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Arithmetic, or date ± duration.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// `x in list` (`negated`: `not in`); also `list contains x`.
    In {
        /// The value looked for.
        item: Box<Expr>,
        /// The list looked in.
        list: Box<Expr>,
        /// `not in`
        negated: bool,
    },
    /// `is known`, `is empty`, …
    Test(Test, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `days from a to b` (`days since a` is `days from a to today`)
    DaysFrom(Box<Expr>, Box<Expr>),
}

/// A checked policy, ready to evaluate.
#[derive(Debug, Clone)]
pub struct CheckedPolicy {
    /// The source files, for diagnostics and explanations.
    pub sources: Sources,
    /// The header.
    pub header: Header,
    /// Enums.
    pub enums: Vec<EnumInfo>,
    /// Facts, in declaration order.
    pub facts: Vec<FactInfo>,
    /// Constants, definitions and outcomes.
    pub rules: Vec<RuleInfo>,
    /// Exceptions.
    pub exceptions: Vec<ExceptionInfo>,
    /// Consistency rules.
    pub impossibles: Vec<ImpossibleInfo>,
    /// The outcomes, in declaration order.
    pub outcomes: Vec<RuleId>,
    /// The languages the policy's messages use, English first.
    pub languages: Vec<String>,
    /// The JSON shape of the facts, for reading fact objects.
    pub fact_tree: Arc<FactTree>,
    /// The tests written in the policy, in declaration order.
    pub tests: Vec<TestInfo>,
    /// The warnings found while checking (those that need the syntax tree); the others
    /// are computed on demand by [`crate::check::lint`].
    pub warnings: Vec<crate::lint::Lint>,
    /// The lints the author silenced, declaration by declaration (`allow unused_fact`).
    pub allows: Vec<Allow>,
}

/// `allow CODE` on a declaration: the lint with that code stays silent within it.
#[derive(Debug, Clone)]
pub struct Allow {
    /// The lint's full code: `asylon::lint::unused_fact`.
    pub code: &'static str,
    /// The declaration it is written on.
    pub declaration: Span,
    /// The code as written.
    pub span: Span,
}

impl Allow {
    /// Whether this `allow` silences a lint with `code` at `span`.
    pub fn silences(&self, code: &str, span: Span) -> bool {
        self.code == code && self.declaration.contains(span)
    }
}

/// A test written in the policy: facts, an evaluation date and what it expects.
#[derive(Debug, Clone)]
pub struct TestInfo {
    /// Its name.
    pub name: String,
    /// The evaluation date.
    pub as_of: crate::value::Date,
    /// The facts given, in the order written; the others are unknown. Plain values, not
    /// [`crate::Facts`], which are read against a checked policy and so sit above it.
    pub facts: Vec<(FactId, Value)>,
    /// The fact file the test names (`given file`) when it could not be read: the test
    /// fails when run, saying so.
    pub unread: Option<String>,
    /// What it expects, in order.
    pub expects: Vec<ExpectInfo>,
    /// Where it was declared.
    pub span: Span,
}

/// What an `expect` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// An outcome or a `bool` definition.
    Rule(RuleId),
    /// An exception: it holds when it applies.
    Exception(ExceptionId),
    /// A consistency rule (`expect impossible NAME`), by its index in
    /// [`CheckedPolicy::impossibles`]: it holds when it refuses the facts.
    Impossible(usize),
}

/// One `expect` of a test.
#[derive(Debug, Clone)]
pub struct ExpectInfo {
    /// What it is about.
    pub subject: Subject,
    /// Its name as written.
    pub name: String,
    /// The status expected.
    pub status: crate::syntax::ast::Expected,
    /// The missing facts expected (any order), when written.
    pub missing: Option<Vec<FactId>>,
    /// Where it was written.
    pub span: Span,
}

/// The nested-object shape of the facts: `person.fears_return` is key `person`, then key
/// `fears_return`. Keys are sorted for binary search.
#[derive(Debug, Clone, Default)]
pub struct FactTree {
    /// `(key, node)`, sorted by key.
    pub entries: Vec<(String, FactNode)>,
}

/// A node of the [`FactTree`].
#[derive(Debug, Clone)]
pub enum FactNode {
    /// A fact.
    Fact(FactId),
    /// A group of facts.
    Group(FactTree),
}

impl FactTree {
    /// The node under `key`.
    pub fn get(&self, key: &str) -> Option<&FactNode> {
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.entries[i].1)
    }
}

impl CheckedPolicy {
    /// The fact with this id.
    pub fn fact(&self, id: FactId) -> &FactInfo {
        &self.facts[id.0 as usize]
    }

    /// The facts in name order (by index), and each fact's place in that order (by
    /// [`FactId`]): lists sorted by name are sorted with these, without comparing names.
    pub(crate) fn facts_by_name(&self) -> (Vec<u32>, Vec<u32>) {
        let mut by_name: Vec<u32> = (0..self.facts.len() as u32).collect();
        by_name.sort_by(|a, b| self.fact(FactId(*a)).name.cmp(&self.fact(FactId(*b)).name));
        let mut place = vec![0; by_name.len()];
        for (at, f) in by_name.iter().enumerate() {
            place[*f as usize] = at as u32;
        }
        (by_name, place)
    }

    /// The rule with this id.
    pub fn rule(&self, id: RuleId) -> &RuleInfo {
        &self.rules[id.0 as usize]
    }

    /// The exception with this id.
    pub fn exception(&self, id: ExceptionId) -> &ExceptionInfo {
        &self.exceptions[id.0 as usize]
    }

    /// The enum with this id.
    pub fn enum_info(&self, id: EnumId) -> &EnumInfo {
        &self.enums[id.0 as usize]
    }

    /// The text an expression was written as.
    pub fn text(&self, span: Span) -> &str {
        self.sources.slice(span)
    }

    /// The fact with this dotted name.
    pub fn fact_named(&self, name: &str) -> Option<FactId> {
        self.facts
            .iter()
            .position(|f| f.name == name)
            .map(|i| FactId(i as u32))
    }

    /// The outcome with this id.
    pub fn outcome_named(&self, name: &str) -> Option<RuleId> {
        self.outcomes
            .iter()
            .copied()
            .find(|r| self.rule(*r).name == name)
    }
}
