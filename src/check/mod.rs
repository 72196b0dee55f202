//! Syntax trees → checked policy: names resolved, types checked, exceptions attached to
//! their rules, cycles refused. Every error found is reported, not just the first.

mod allows;
mod cases;
mod conflicts;
mod cycles;
mod errors;
mod known;
mod lints;
mod messages;
mod questions;
mod types;
mod versions;

use std::collections::HashMap;
use std::sync::Arc;

pub use crate::lint::Lint;
pub use errors::CheckError;
pub use lints::{lint, lint_with_silenced};

use crate::checked::*;
use crate::source::{Sources, Span};
// Children take it as `super::did_you_mean`.
use crate::suggest::did_you_mean;
use crate::syntax::ast;
use crate::value::{EnumId, Type, Value};

/// The target of an exception to an unknown rule (reported; the policy is refused).
const NOWHERE: RuleId = RuleId(u32::MAX);

/// What a name in the policy's single namespace stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symbol {
    Fact(FactId),
    Rule(RuleId),
    Exception(ExceptionId),
    Impossible(usize),
}

/// Where a rule's checked body stands while bodies are being typed.
#[derive(Debug, Clone)]
enum BodyState {
    Pending,
    /// Being typed: meeting it again means a cycle (reported by the cycle pass).
    Visiting,
    Done(Type),
}

/// The checker's state while it walks one policy.
pub(crate) struct Checker<'a> {
    files: &'a [ast::File],
    sources: &'a Sources,
    errors: Vec<CheckError>,
    enums: Vec<EnumInfo>,
    enum_names: HashMap<String, EnumId>,
    facts: Vec<FactInfo>,
    /// The question of each fact as written, by `FactId`: checked once every name is
    /// declared, since a question may show any fact, in any file.
    fact_asks: Vec<&'a ast::Texts>,
    /// The facts the question being checked shows, with where.
    shown: Vec<(FactId, Span)>,
    /// Every dotted prefix of a fact name (`person` for `person.fears_return`).
    groups: HashMap<String, Span>,
    symbols: HashMap<String, (Symbol, Span)>,
    /// The syntax of each rule, by `RuleId`.
    rule_decls: Vec<RuleDecl<'a>>,
    /// The later versions of each rule (the first is in `rule_decls`).
    extra_versions: Vec<Vec<RuleDecl<'a>>>,
    rule_bodies: Vec<Option<Expr>>,
    rule_states: Vec<BodyState>,
    rule_types: Vec<Option<Type>>,
    exception_decls: Vec<ExceptionDecl<'a>>,
    /// How many exceptions the declarations so far make (one per rule each defeats).
    exception_count: usize,
    /// The rules each rule refers to, for the cycle pass.
    rule_refs: Vec<Vec<RuleId>>,
    /// How many rule bodies are being typed, one inside the other.
    typing_depth: usize,
    /// The rules each exception refers to, for the cycle pass.
    exception_refs: Vec<Vec<RuleId>>,
}

/// A rule's syntax, whichever declaration it came from.
#[derive(Clone, Copy)]
struct RuleDecl<'a> {
    name: &'a ast::Name,
    kind: RuleKind,
    ty: Option<&'a ast::TypeExpr>,
    body: Option<&'a ast::Expr>,
    /// The outcome's declaration, for its title and explanation.
    outcome: Option<&'a ast::OutcomeDecl>,
    sources: &'a [ast::Str],
    effective: Option<&'a ast::Effective>,
    span: Span,
}

/// An exception's syntax: a named `exception`, or an inline `unless`.
#[derive(Clone, Copy)]
enum ExceptionDecl<'a> {
    Named(&'a ast::ExceptionDecl),
    Inline {
        rule: RuleId,
        unless: &'a ast::Unless,
        /// The period of the version the clause belongs to.
        effective: Option<&'a ast::Effective>,
    },
}

/// Checks the parsed files of one policy (in load order).
pub fn check(sources: &Sources, files: &[ast::File]) -> Result<CheckedPolicy, Vec<CheckError>> {
    let mut checker = Checker {
        files,
        sources,
        errors: Vec::new(),
        enums: Vec::new(),
        enum_names: HashMap::new(),
        facts: Vec::new(),
        fact_asks: Vec::new(),
        shown: Vec::new(),
        groups: HashMap::new(),
        symbols: HashMap::new(),
        rule_decls: Vec::new(),
        extra_versions: Vec::new(),
        rule_bodies: Vec::new(),
        rule_states: Vec::new(),
        rule_types: Vec::new(),
        exception_decls: Vec::new(),
        exception_count: 0,
        rule_refs: Vec::new(),
        typing_depth: 0,
        exception_refs: Vec::new(),
    };
    let header = checker.header();
    checker.declare_enums();
    checker.declare_facts();
    checker.declare_rules();
    // Every table a name can point into is filled: messages may be resolved now.
    checker.check_questions();
    let rules = checker.check_rules();
    let exceptions = checker.check_exceptions(&rules);
    let impossibles = checker.check_impossibles();
    let tests = checker.check_tests(&rules, &exceptions);
    let allows = checker.check_allows();
    let mut rules = rules;
    // An exception whose target is unknown was reported and points at `NOWHERE`:
    // `get_mut` skips it (the policy is refused anyway).
    for (i, e) in exceptions.iter().enumerate() {
        if let Target::Rule(r) = e.target {
            if let Some(rule) = rules.get_mut(r.0 as usize) {
                rule.exceptions.push(ExceptionId(i as u32));
            }
        }
    }
    let mut exceptions = exceptions;
    let targets: Vec<_> = exceptions.iter().map(|e| e.target).collect();
    for (i, target) in targets.into_iter().enumerate() {
        if let Target::Exception(t) = target {
            // An exception written for several rules is one exception per rule, all with
            // its name: an exception to it stops every one of them.
            let Some(name) = exceptions.get(t.0 as usize).map(|e| e.name.clone()) else {
                continue;
            };
            for exception in exceptions
                .iter_mut()
                .filter(|e| !e.inline && e.name == name)
            {
                exception.exceptions.push(ExceptionId(i as u32));
            }
        }
    }
    let cycle_errors = cycles::find_cycles(
        &rules,
        &exceptions,
        &checker.rule_refs,
        &checker.exception_refs,
    );
    let deep_already = checker
        .errors
        .iter()
        .any(|e| matches!(e, CheckError::ChainTooDeep { .. }));
    checker.errors.extend(
        cycle_errors
            .into_iter()
            .filter(|e| !(deep_already && matches!(e, CheckError::ChainTooDeep { .. }))),
    );
    if checker.errors.is_empty() {
        // Only on a policy without cycles: the proof follows definitions.
        let unknown = known::check(&checker.facts, &rules, &exceptions, &impossibles);
        checker.errors.extend(unknown);
    }
    let languages = messages::languages(
        &header.title,
        &checker.enums,
        &checker.facts,
        &rules,
        &exceptions,
        &impossibles,
    );
    let fact_tree = checker.fact_tree();
    if !checker.errors.is_empty() {
        return Err(checker.errors);
    }
    let outcomes = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RuleKind::Outcome)
        .map(|(i, _)| RuleId(i as u32))
        .collect();
    let policy = CheckedPolicy {
        sources: sources.clone(),
        header,
        enums: checker.enums,
        facts: checker.facts,
        rules,
        exceptions,
        impossibles,
        outcomes,
        languages,
        fact_tree: Arc::new(fact_tree),
        tests,
        warnings: Vec::new(),
        allows,
    };
    let mut policy = policy;
    let unread = cases::read_given_files(&mut policy, files);
    if !unread.is_empty() {
        return Err(unread);
    }
    let conflicts = conflicts::find_conflicts(&policy);
    if conflicts.is_empty() {
        let mut policy = policy;
        policy.warnings = lints::syntax_lints(files);
        Ok(policy)
    } else {
        Err(conflicts)
    }
}

impl<'a> Checker<'a> {
    fn error(&mut self, e: CheckError) {
        self.errors.push(e);
    }

    fn header(&mut self) -> Header {
        let mut found: Option<&ast::Header> = None;
        for file in self.files {
            if let Some(h) = &file.header {
                if let Some(first) = found {
                    self.duplicate("policy header", "policy", h.span, first.span);
                } else {
                    found = Some(h);
                }
            }
        }
        match found {
            Some(h) => Header {
                name: h.name.text.clone(),
                title: if h.title.is_empty() {
                    Message {
                        texts: vec![("en".into(), vec![Part::Text(h.name.text.clone())])],
                        span: h.name.span,
                    }
                } else {
                    self.plain_message(&h.title, h.span, messages::Place::PolicyTitle)
                },
                version: h.version.as_ref().map(|s| s.text.clone()),
                source: h.source.as_ref().map(|s| s.text.clone()),
            },
            None => {
                let span = self
                    .sources
                    .iter()
                    .next()
                    .map(|(id, _)| Span::new(id, 0, 0))
                    .unwrap_or_default();
                self.error(CheckError::MissingHeader { span });
                Header::default()
            }
        }
    }

    fn duplicate(&mut self, what: &'static str, name: &str, span: Span, first: Span) {
        let same_file = span.file == first.file;
        let help = (!same_file).then(|| {
            let f = self.sources.file(first.file);
            let line = f.text[..first.start as usize].matches('\n').count() + 1;
            format!("the first is in {}, line {line}", f.name)
        });
        self.error(CheckError::Duplicate {
            what,
            name: name.to_string(),
            span,
            first: same_file.then_some(first),
            help,
        });
    }

    fn declare_enums(&mut self) {
        for file in self.files {
            for decl in &file.decls {
                let ast::Decl::Enum(e) = decl else { continue };
                if let Some(first) = self.enum_names.get(&e.name.text) {
                    let first = self.enums[first.0 as usize].span;
                    self.duplicate("enum", &e.name.text, e.name.span, first);
                    continue;
                }
                if e.variants.is_empty() {
                    self.error(CheckError::EmptyEnum {
                        name: e.name.text.clone(),
                        span: e.span,
                    });
                }
                let mut variants: Vec<VariantInfo> = Vec::new();
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for v in &e.variants {
                    if let Some(first) = seen.get(v.name.text.as_str()) {
                        self.duplicate("variant", &v.name.text, v.name.span, *first);
                        continue;
                    }
                    seen.insert(&v.name.text, v.name.span);
                    let label = self.plain_message(&v.labels, v.name.span, messages::Place::Label);
                    variants.push(VariantInfo {
                        name: v.name.text.clone(),
                        label,
                    });
                }
                self.enum_names
                    .insert(e.name.text.clone(), EnumId(self.enums.len() as u32));
                self.enums.push(EnumInfo {
                    name: e.name.text.clone(),
                    variants,
                    span: e.span,
                });
            }
        }
    }

    fn declare_facts(&mut self) {
        for file in self.files {
            for decl in &file.decls {
                match decl {
                    ast::Decl::Fact(f) => self.declare_fact("", f),
                    ast::Decl::FactGroup(g) => self.declare_group("", g),
                    _ => {}
                }
            }
        }
    }

    fn declare_group(&mut self, prefix: &str, group: &'a ast::FactGroup) {
        let prefix = join(prefix, &group.prefix.text);
        for member in &group.members {
            match member {
                ast::GroupMember::Fact(f) => self.declare_fact(&prefix, f),
                ast::GroupMember::Group(g) => self.declare_group(&prefix, g),
            }
        }
    }

    fn declare_fact(&mut self, prefix: &str, fact: &'a ast::FactDecl) {
        let name = join(prefix, &fact.name.text);
        let id = FactId(self.facts.len() as u32);
        if !self.declare(&name, Symbol::Fact(id), fact.name.span, "fact") {
            return;
        }
        // Every proper prefix becomes a group; a fact may not also be a group.
        let mut end = 0;
        while let Some(dot) = name[end..].find('.') {
            end += dot;
            let group = &name[..end];
            if matches!(self.symbols.get(group), Some((Symbol::Fact(_), _))) {
                self.error(CheckError::FactGroupClash {
                    name: group.to_string(),
                    span: fact.name.span,
                });
            }
            self.groups.entry(group.to_string()).or_insert(fact.span);
            end += 1;
        }
        if self.groups.contains_key(&name) {
            self.error(CheckError::FactGroupClash {
                name: name.clone(),
                span: fact.name.span,
            });
        }
        let (ty, constraint) = self.fact_type(&fact.ty);
        self.facts.push(FactInfo {
            name,
            ty,
            constraint,
            description: fact.description.as_ref().map(|d| d.text.clone()),
            // Filled by `check_questions`, once every name it may show is declared.
            ask: Message::default(),
            span: fact.span,
        });
        self.fact_asks.push(&fact.ask);
    }

    /// Enters a name in the namespace; `false` (and an error) when it is taken.
    fn declare(&mut self, name: &str, symbol: Symbol, span: Span, what: &'static str) -> bool {
        if let Some((_, first)) = self.symbols.get(name) {
            let first = *first;
            self.duplicate(what, name, span, first);
            return false;
        }
        self.symbols.insert(name.to_string(), (symbol, span));
        true
    }

    fn fact_type(&mut self, ty: &ast::TypeExpr) -> (Type, Constraint) {
        let mut constraint = Constraint::default();
        let t = match ty {
            ast::TypeExpr::Int {
                at_least,
                at_most,
                span,
            } => {
                if let (Some(lo), Some(hi)) = (at_least, at_most) {
                    if lo > hi {
                        self.error(CheckError::EmptyRange {
                            at_least: *lo,
                            at_most: *hi,
                            span: *span,
                        });
                    }
                }
                constraint.at_least = *at_least;
                constraint.at_most = *at_most;
                Type::Int
            }
            ast::TypeExpr::String {
                matching: Some(pattern),
                ..
            } => {
                match regex_lite::Regex::new(&format!("^(?:{})$", pattern.text)) {
                    Ok(re) => constraint.matching = Some((pattern.text.clone(), re)),
                    Err(e) => self.error(CheckError::BadPattern {
                        span: pattern.span,
                        reason: e
                            .to_string()
                            .lines()
                            .last()
                            .unwrap_or("invalid")
                            .trim()
                            .to_string(),
                    }),
                }
                Type::String
            }
            other => self.resolve_type(other),
        };
        (t, constraint)
    }

    /// A written type as a [`Type`]; bounds and patterns are only for facts.
    fn resolve_type(&mut self, ty: &ast::TypeExpr) -> Type {
        match ty {
            ast::TypeExpr::Bool(_) => Type::Bool,
            ast::TypeExpr::Int { .. } => Type::Int,
            ast::TypeExpr::Decimal(_) => Type::Decimal,
            ast::TypeExpr::String { .. } => Type::String,
            ast::TypeExpr::Date(_) => Type::Date,
            ast::TypeExpr::Duration(_) => Type::Duration,
            ast::TypeExpr::List(inner, _) => Type::List(Box::new(self.resolve_type(inner))),
            ast::TypeExpr::Enum(name) => match self.enum_names.get(&name.text) {
                Some(id) => Type::Enum(*id),
                None => {
                    let names: Vec<&str> = self.enum_names.keys().map(String::as_str).collect();
                    let help = did_you_mean(&name.text, names).or_else(|| {
                        Some("the types are bool, int, decimal, string, date, duration, `list of T` and declared enums".into())
                    });
                    self.error(CheckError::UnknownType {
                        name: name.text.clone(),
                        span: name.span,
                        help,
                    });
                    Type::Any
                }
            },
        }
    }

    fn declare_rules(&mut self) {
        // Consistency rules by their index in `CheckedPolicy::impossibles`, which
        // `check_impossibles` fills in this same order.
        let mut impossibles = 0;
        for file in self.files {
            for decl in &file.decls {
                let rule = match decl {
                    ast::Decl::Const(c) => RuleDecl {
                        name: &c.name,
                        kind: RuleKind::Const,
                        ty: c.ty.as_ref(),
                        body: Some(&c.value),
                        outcome: None,
                        sources: &[],
                        effective: None,
                        span: c.span,
                    },
                    ast::Decl::Define(d) => RuleDecl {
                        name: &d.name,
                        kind: RuleKind::Define,
                        ty: d.ty.as_ref(),
                        body: Some(&d.value),
                        outcome: None,
                        sources: &d.sources,
                        effective: d.effective.as_ref(),
                        span: d.span,
                    },
                    ast::Decl::Outcome(o) => RuleDecl {
                        name: &o.name,
                        kind: RuleKind::Outcome,
                        ty: None,
                        body: o.when.as_ref(),
                        outcome: Some(o),
                        sources: &o.sources,
                        effective: o.effective.as_ref(),
                        span: o.span,
                    },
                    ast::Decl::Exception(e) => {
                        // One exception per rule it defeats; the name stands for the first.
                        let id = ExceptionId(self.exception_count as u32);
                        if self.declare(
                            &e.name.text,
                            Symbol::Exception(id),
                            e.name.span,
                            "exception",
                        ) {
                            self.exception_decls.push(ExceptionDecl::Named(e));
                            self.exception_count += 1 + e.also.len();
                        }
                        continue;
                    }
                    ast::Decl::Impossible(i) => {
                        self.declare(
                            &i.name.text,
                            Symbol::Impossible(impossibles),
                            i.name.span,
                            "consistency rule",
                        );
                        impossibles += 1;
                        continue;
                    }
                    _ => continue,
                };
                let mut id = RuleId(self.rule_decls.len() as u32);
                let what = match rule.kind {
                    RuleKind::Const => "constant",
                    RuleKind::Define => "definition",
                    RuleKind::Outcome => "outcome",
                };
                let earlier = match self.symbols.get(&rule.name.text) {
                    Some((Symbol::Rule(r), _)) => Some(*r),
                    _ => None,
                };
                match earlier {
                    // Another version of a rule that changes over time.
                    Some(r)
                        if rule.effective.is_some()
                            && self.rule_decls[r.0 as usize].effective.is_some()
                            && self.rule_decls[r.0 as usize].kind == rule.kind =>
                    {
                        id = r;
                        self.extra_versions[r.0 as usize].push(rule);
                    }
                    Some(r)
                        if rule.effective.is_some()
                            || self.rule_decls[r.0 as usize].effective.is_some() =>
                    {
                        let first = self.rule_decls[r.0 as usize].name.span;
                        let same_file = first.file == rule.name.span.file;
                        self.error(CheckError::Duplicate {
                            what,
                            name: rule.name.text.clone(),
                            span: rule.name.span,
                            first: same_file.then_some(first),
                            help: Some("to keep several versions of a rule, give each of them an `effective` period".into()),
                        });
                        continue;
                    }
                    _ => {
                        if !self.declare(&rule.name.text, Symbol::Rule(id), rule.name.span, what) {
                            continue;
                        }
                        self.rule_decls.push(rule);
                        self.extra_versions.push(Vec::new());
                    }
                }
                let unless: &[ast::Unless] = match decl {
                    ast::Decl::Define(d) => &d.unless,
                    ast::Decl::Outcome(o) => &o.unless,
                    _ => &[],
                };
                for u in unless {
                    self.exception_decls.push(ExceptionDecl::Inline {
                        rule: id,
                        unless: u,
                        effective: rule.effective,
                    });
                    self.exception_count += 1;
                }
            }
        }
        let n = self.rule_decls.len();
        self.rule_bodies = vec![None; n];
        self.rule_states = vec![BodyState::Pending; n];
        self.rule_types = vec![None; n];
        self.rule_refs = vec![Vec::new(); n];
    }

    /// Types every rule body, in declaration order (a body may type others first).
    fn check_rules(&mut self) -> Vec<RuleInfo> {
        for i in 0..self.rule_decls.len() {
            self.rule_type(RuleId(i as u32));
        }
        let mut rules = Vec::with_capacity(self.rule_decls.len());
        let decls = self.rule_decls.clone();
        for (i, decl) in decls.iter().enumerate() {
            let body = self.rule_bodies[i].take().unwrap_or(Expr {
                kind: ExprKind::Lit(Value::Bool(false)),
                ty: Type::Any,
                span: decl.span,
            });
            let ty = self.rule_types[i].clone().unwrap_or(Type::Any);
            let (title, explain, sources) = self.rule_texts(decl);
            let mut versions = Vec::new();
            if let Some(effective) = decl.effective {
                versions.push(VersionInfo {
                    effective: versions::quiet_period(effective),
                    title: title.clone(),
                    explain: explain.clone(),
                    sources: sources.clone(),
                    span: decl.span,
                });
                for later in self.extra_versions[i].clone() {
                    let (title, explain, sources) = self.rule_texts(&later);
                    versions.push(VersionInfo {
                        // INVARIANT: later versions are only accepted with `effective`.
                        effective: versions::quiet_period(
                            later.effective.expect("a version has a period"),
                        ),
                        title,
                        explain,
                        sources,
                        span: later.span,
                    });
                }
            }
            rules.push(RuleInfo {
                name: decl.name.text.clone(),
                kind: decl.kind,
                ty,
                body,
                exceptions: Vec::new(),
                title,
                explain,
                sources,
                versions,
                span: decl.span,
            });
        }
        rules
    }

    fn rule_texts(&mut self, decl: &RuleDecl<'a>) -> (Message, Message, Vec<String>) {
        let sources = decl.sources.iter().map(|s| s.text.clone()).collect();
        let Some(o) = decl.outcome else {
            return (Message::default(), Message::default(), sources);
        };
        // Only for the errors: most outcomes have both clauses.
        let owner = || format!("outcome `{}`", o.name.text);
        if o.when.is_none() {
            self.error(CheckError::MissingClause {
                clause: "when",
                owner: owner(),
                span: o.name.span,
                help: Some("say when the outcome holds: `when <condition>`".into()),
            });
        }
        let title = match &o.title {
            Some(t) => self.message(t, o.name.span),
            None => {
                self.error(CheckError::MissingClause {
                    clause: "title",
                    owner: owner(),
                    span: o.name.span,
                    help: Some("every outcome needs a title for people: `title en \"…\"`".into()),
                });
                Message::default()
            }
        };
        let explain = o
            .explain
            .as_ref()
            .map(|t| self.message(t, o.name.span))
            .unwrap_or_default();
        (title, explain, sources)
    }

    /// The type of a rule, typing its body first if needed.
    fn rule_type(&mut self, id: RuleId) -> Type {
        let i = id.0 as usize;
        match self.rule_states.get(i) {
            Some(BodyState::Done(t)) => return t.clone(),
            // A cycle: the cycle pass reports it; `Any` keeps this pass quiet.
            Some(BodyState::Visiting) => return Type::Any,
            Some(BodyState::Pending) => {}
            // Rules are typed once `declare_rules` has sized the table; a name met before
            // (never, today) is left untyped rather than indexed out of bounds.
            None => return Type::Any,
        }
        if self.typing_depth >= cycles::MAX_RULE_DEPTH {
            // Typing follows references recursively; past the limit the chain is refused
            // (the cycle pass reports it) rather than followed.
            if !self
                .errors
                .iter()
                .any(|e| matches!(e, CheckError::ChainTooDeep { .. }))
            {
                let decl = self.rule_decls[i];
                self.error(CheckError::ChainTooDeep {
                    name: decl.name.text.clone(),
                    limit: cycles::MAX_RULE_DEPTH,
                    span: decl.span,
                });
            }
            return Type::Any;
        }
        self.typing_depth += 1;
        let ty = self.type_rule(id);
        self.typing_depth -= 1;
        ty
    }

    fn type_rule(&mut self, id: RuleId) -> Type {
        let i = id.0 as usize;
        self.rule_states[i] = BodyState::Visiting;
        let decl = self.rule_decls[i];
        let declared = decl.ty.map(|t| self.resolve_type(t));
        let expected = match decl.kind {
            RuleKind::Outcome => Some(Type::Bool),
            _ => declared.clone(),
        };
        let mut refs = Vec::new();
        let versions: Vec<RuleDecl<'a>> = std::iter::once(decl)
            .chain(self.extra_versions[i].iter().copied())
            .collect();
        let mut bodies = Vec::with_capacity(versions.len());
        for v in &versions {
            let expected = match (&expected, bodies.first()) {
                (Some(t), _) => Some(t.clone()),
                (None, Some(Some(first))) => Some(crate::checked::Expr::clone(first).ty),
                _ => None,
            };
            let body = v.body.map(|b| {
                let e = self.check_expr(b, expected.as_ref(), &mut refs);
                if let Some(t) = &expected {
                    self.expect_type(&e, t, None);
                }
                e
            });
            bodies.push(body);
        }
        let ty = match (decl.kind, declared, bodies.first()) {
            (RuleKind::Outcome, _, _) => Type::Bool,
            (_, Some(t), _) => t,
            (_, None, Some(Some(b))) => b.ty.clone(),
            _ => Type::Any,
        };
        let body = if decl.effective.is_none() {
            bodies.into_iter().next().flatten()
        } else {
            let mut periods = Vec::with_capacity(versions.len());
            let mut parts = Vec::with_capacity(versions.len());
            for (v, body) in versions.iter().zip(bodies) {
                // INVARIANT: a rule has versions only when every version has `effective`.
                let effective = v.effective.expect("a version has a period");
                let period = self.period(effective);
                periods.push((period, effective.span));
                if let Some(body) = body {
                    parts.push((period, effective.span, body));
                }
            }
            self.check_versions(&decl.name.text, &ty, &periods);
            versions::fold_versions(&ty, parts)
        };
        let body = body.map(|b| {
            if decl.kind == RuleKind::Const {
                self.constant(&decl.name.text, b)
            } else {
                b
            }
        });
        self.rule_refs[i] = refs;
        self.rule_bodies[i] = body;
        self.rule_types[i] = Some(ty.clone());
        self.rule_states[i] = BodyState::Done(ty.clone());
        ty
    }

    /// A constant's body must be a literal (a negative number or `[…]` of literals too).
    fn constant(&mut self, name: &str, body: Expr) -> Expr {
        fn literal(e: &Expr) -> bool {
            match &e.kind {
                ExprKind::Lit(_) => true,
                ExprKind::Neg(inner) => matches!(inner.kind, ExprKind::Lit(_)),
                ExprKind::List(items) => items.iter().all(literal),
                _ => false,
            }
        }
        if !literal(&body) {
            self.error(CheckError::NotConstant {
                name: name.to_string(),
                span: body.span,
            });
        }
        body
    }

    fn check_exceptions(&mut self, rules: &[RuleInfo]) -> Vec<ExceptionInfo> {
        let decls = self.exception_decls.clone();
        let mut out = Vec::with_capacity(decls.len());
        let mut inline_counts: HashMap<RuleId, usize> = HashMap::new();
        for decl in decls {
            let info = match decl {
                ExceptionDecl::Inline {
                    rule,
                    unless,
                    effective,
                } => {
                    let n = inline_counts.entry(rule).or_default();
                    *n += 1;
                    let r = &rules[rule.0 as usize];
                    let mut refs = Vec::new();
                    let when = self.check_expr(&unless.when, Some(&Type::Bool), &mut refs);
                    self.expect_type(&when, &Type::Bool, None);
                    // An `unless` of one version applies only while that version is in force.
                    let period = effective.map(versions::quiet_period);
                    let when = match (&period, effective) {
                        (Some(p), Some(e)) => {
                            let span = when.span;
                            versions::and(versions::in_force(p, e.span), when, span)
                        }
                        _ => when,
                    };
                    if r.ty != Type::Bool && r.ty != Type::Any {
                        self.error(CheckError::MisplacedClause {
                            clause: "unless",
                            owner: format!("`{}`, which is not a `bool`,", r.name),
                            span: unless.span,
                            help: Some(format!(
                                "write a named exception that gives a value: `exception … to {} when … gives …`",
                                r.name
                            )),
                        });
                    }
                    let info = ExceptionInfo {
                        name: format!("{}.unless.{}", r.name, n),
                        inline: true,
                        target: Target::Rule(rule),
                        gives: Expr {
                            kind: ExprKind::Lit(Value::Bool(false)),
                            ty: Type::Bool,
                            span: unless.span,
                        },
                        when,
                        exceptions: Vec::new(),
                        title: Message::default(),
                        sources: Vec::new(),
                        effective: period,
                        span: unless.span,
                    };
                    (info, refs)
                }
                ExceptionDecl::Named(e) => {
                    let (first, refs) = self.check_named_exception(e, rules);
                    // The same exception to each further rule: its condition is checked
                    // once; what it gives is refused, as the rules may differ in type.
                    if let Some(g) = e.gives.as_ref().filter(|_| !e.also.is_empty()) {
                        self.error(CheckError::MisplacedClause {
                            clause: "gives",
                            owner: format!(
                                "exception `{}`, written for several rules,",
                                e.name.text
                            ),
                            span: g.span,
                            help: Some(
                                "write one exception per rule when each gives a value".into(),
                            ),
                        });
                    }
                    for name in &e.also {
                        let mut copy = first.clone();
                        match self.resolve_target(name, rules) {
                            Some(target) => copy.target = target,
                            None => copy.target = Target::Rule(NOWHERE),
                        }
                        out.push(copy);
                        self.exception_refs.push(refs.clone());
                    }
                    (first, refs)
                }
            };
            // A named exception's copies were pushed above; it goes first, so put it back
            // in front of them.
            let copies = match decl {
                ExceptionDecl::Named(e) => e.also.len(),
                ExceptionDecl::Inline { .. } => 0,
            };
            let at = out.len() - copies;
            out.insert(at, info.0);
            self.exception_refs.insert(at, info.1);
        }
        out
    }

    /// A required `when` condition: checked as a `bool`, or reported missing with `help`.
    fn condition(
        &mut self,
        when: Option<&'a ast::Expr>,
        refs: &mut Vec<RuleId>,
        owner: &str,
        at: Span,
        help: &str,
    ) -> Option<Expr> {
        let Some(w) = when else {
            self.error(CheckError::MissingClause {
                clause: "when",
                owner: owner.to_string(),
                span: at,
                help: Some(format!("{help}: `when <condition>`")),
            });
            return None;
        };
        let w = self.check_expr(w, Some(&Type::Bool), refs);
        self.expect_type(&w, &Type::Bool, None);
        Some(w)
    }

    /// What an exception names as its target: a rule (not a constant) or an exception.
    fn resolve_target(&mut self, name: &ast::Name, rules: &[RuleInfo]) -> Option<Target> {
        match self.symbols.get(&name.text) {
            Some((Symbol::Rule(r), _)) if rules[r.0 as usize].kind != RuleKind::Const => {
                Some(Target::Rule(*r))
            }
            Some((Symbol::Exception(x), _)) => Some(Target::Exception(*x)),
            _ => {
                let candidates: Vec<&str> = self
                    .symbols
                    .iter()
                    .filter(|(_, (s, _))| matches!(s, Symbol::Rule(_) | Symbol::Exception(_)))
                    .map(|(k, _)| k.as_str())
                    .collect();
                let help = did_you_mean(&name.text, candidates);
                self.error(CheckError::UnknownTarget {
                    name: name.text.clone(),
                    span: name.span,
                    help,
                });
                None
            }
        }
    }

    fn check_named_exception(
        &mut self,
        e: &'a ast::ExceptionDecl,
        rules: &[RuleInfo],
    ) -> (ExceptionInfo, Vec<RuleId>) {
        let owner = format!("exception `{}`", e.name.text);
        let target = self.resolve_target(&e.target, rules);
        let mut refs = Vec::new();
        let when = self
            .condition(
                e.when.as_ref(),
                &mut refs,
                &owner,
                e.name.span,
                "say when the exception applies",
            )
            .unwrap_or(Expr {
                kind: ExprKind::Lit(Value::Bool(false)),
                ty: Type::Bool,
                span: e.span,
            });
        let target_ty = match target {
            Some(Target::Rule(r)) => Some(rules[r.0 as usize].ty.clone()),
            _ => None,
        };
        let gives = match (&e.gives, target, &target_ty) {
            (Some(g), Some(Target::Exception(_)), _) => {
                self.error(CheckError::MisplacedClause {
                    clause: "gives",
                    owner: format!("{owner}, an exception to an exception,"),
                    span: g.span,
                    help: Some("an exception to an exception only stops it from applying".into()),
                });
                None
            }
            (Some(g), _, ty) => {
                let g2 = self.check_expr(g, ty.as_ref(), &mut refs);
                if let Some(t) = ty {
                    self.expect_type(&g2, t, None);
                }
                Some(g2)
            }
            (None, Some(Target::Rule(_)), Some(t)) if *t != Type::Bool && *t != Type::Any => {
                self.error(CheckError::MissingClause {
                    clause: "gives",
                    owner: owner.clone(),
                    span: e.name.span,
                    help: Some(format!(
                        "`{}` is not a `bool`: say which value applies instead, `gives <value>`",
                        e.target.text
                    )),
                });
                None
            }
            _ => None,
        };
        let gives = gives.unwrap_or(Expr {
            kind: ExprKind::Lit(Value::Bool(false)),
            ty: Type::Bool,
            span: e.name.span,
        });
        let effective = e.effective.as_ref().map(|eff| (self.period(eff), eff.span));
        let when = match &effective {
            Some((p, span)) => {
                let whole = when.span;
                versions::and(versions::in_force(p, *span), when, whole)
            }
            None => when,
        };
        let title = e
            .title
            .as_ref()
            .map(|t| self.message(t, e.name.span))
            .unwrap_or_default();
        let info = ExceptionInfo {
            name: e.name.text.clone(),
            inline: false,
            target: target.unwrap_or(Target::Rule(NOWHERE)),
            when,
            gives,
            exceptions: Vec::new(),
            title,
            sources: e.sources.iter().map(|s| s.text.clone()).collect(),
            effective: effective.map(|(p, _)| p),
            span: e.span,
        };
        (info, refs)
    }

    fn check_impossibles(&mut self) -> Vec<ImpossibleInfo> {
        let mut out = Vec::new();
        for file in self.files {
            for decl in &file.decls {
                let ast::Decl::Impossible(i) = decl else {
                    continue;
                };
                let owner = format!("consistency rule `{}`", i.name.text);
                let mut refs = Vec::new();
                let Some(when) = self.condition(
                    i.when.as_ref(),
                    &mut refs,
                    &owner,
                    i.name.span,
                    "say which facts tell an impossible story",
                ) else {
                    continue;
                };
                let message = match &i.message {
                    Some(m) => self.message(m, i.name.span),
                    None => {
                        self.error(CheckError::MissingClause {
                            clause: "message",
                            owner,
                            span: i.name.span,
                            help: Some(
                                "tell the person what does not fit: `message en \"…\"`".into(),
                            ),
                        });
                        Message::default()
                    }
                };
                out.push(ImpossibleInfo {
                    name: i.name.text.clone(),
                    when,
                    message,
                    span: i.span,
                });
            }
        }
        out
    }

    fn fact_tree(&mut self) -> FactTree {
        let mut root = FactTree::default();
        for (i, fact) in self.facts.iter().enumerate() {
            let mut node = &mut root;
            let mut segments = fact.name.split('.').peekable();
            while let Some(seg) = segments.next() {
                let last = segments.peek().is_none();
                let pos = match node.entries.binary_search_by(|(k, _)| k.as_str().cmp(seg)) {
                    Ok(p) => p,
                    Err(p) => {
                        let child = if last {
                            FactNode::Fact(FactId(i as u32))
                        } else {
                            FactNode::Group(FactTree::default())
                        };
                        node.entries.insert(p, (seg.to_string(), child));
                        p
                    }
                };
                match &mut node.entries[pos].1 {
                    FactNode::Group(g) if !last => node = g,
                    // A clash between a fact and a group was reported when declaring.
                    _ => break,
                }
            }
        }
        root
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
