//! Pest pairs → the syntax tree ([`super::ast`]). One `lower_<rule>` per grammar rule;
//! pairs never leave this module. Lowering collects every error it finds and goes on.
//!
//! INVARIANT: lowering only sees pairs of a successful parse, so a rule's mandatory
//! children are there; each `expect` here names the child the grammar requires, and
//! cannot fail unless the grammar and this module disagree (which every test would show).

use std::sync::LazyLock;

use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::parse::Rule;
use super::SyntaxError;
use crate::source::{FileId, Span};

/// Operator precedence, loosest first (see `docs/language.md`).
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_is, Assoc::Left)
            | Op::infix(Rule::op_is_not, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left)
            | Op::infix(Rule::op_contains, Assoc::Left)
            | Op::postfix(Rule::is_known)
            | Op::postfix(Rule::is_unknown)
            | Op::postfix(Rule::is_empty)
            | Op::postfix(Rule::is_not_empty))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// How deep an expression tree may grow (operators and brackets along one path). Every
/// later stage walks expressions recursively; this bound keeps them within the stack.
pub(crate) const MAX_EXPR_DEPTH: usize = 128;

/// Lowers pairs of one file, reporting errors into a list.
pub(crate) struct Lowerer {
    file: FileId,
    /// The depth of the expression being lowered, counted as its operators are met.
    depth: usize,
    /// Errors found so far; lowering goes on after each.
    pub(crate) errors: Vec<SyntaxError>,
}

impl Lowerer {
    pub(crate) fn new(file: FileId) -> Lowerer {
        Lowerer {
            file,
            depth: 0,
            errors: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            span: self.span(&pair),
            text: pair.as_str().to_string(),
        }
    }

    pub(crate) fn lower_policy_file(&mut self, pair: Pair<'_, Rule>) -> File {
        let mut file = File::default();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::header => file.header = Some(self.lower_header(p)),
                Rule::enum_decl => file.decls.push(Decl::Enum(self.lower_enum_decl(p))),
                Rule::fact_decl => {
                    // INVARIANT: the grammar gives `fact_decl` exactly one `fact_body`.
                    let body = p.into_inner().next().expect("fact_decl has a body");
                    file.decls.push(Decl::Fact(self.lower_fact_body(body)));
                }
                Rule::fact_group => file.decls.push(Decl::FactGroup(self.lower_fact_group(p))),
                Rule::const_decl => file.decls.push(Decl::Const(self.lower_const_decl(p))),
                Rule::define_decl => file.decls.push(Decl::Define(self.lower_define_decl(p))),
                Rule::outcome_decl => file.decls.push(Decl::Outcome(self.lower_outcome_decl(p))),
                Rule::exception_decl => file
                    .decls
                    .push(Decl::Exception(self.lower_exception_decl(p))),
                Rule::impossible_decl => file
                    .decls
                    .push(Decl::Impossible(self.lower_impossible_decl(p))),
                Rule::test_decl => file.decls.push(Decl::Test(self.lower_test_decl(p))),
                _ => {} // EOI
            }
        }
        file
    }

    fn lower_header(&mut self, pair: Pair<'_, Rule>) -> Header {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        // INVARIANT: the grammar requires the name first, a string or texts.
        let first = inner.next().expect("header has a name");
        let (name, title) = if first.as_rule() == Rule::texts {
            let title = self.lower_texts(first);
            let english = title.iter().find(|t| t.lang.text == "en").or(title.first());
            // INVARIANT: `texts` is one text or more.
            let english = english.expect("texts has a text");
            let name = Str {
                text: english.text.clone(),
                span: english.span,
            };
            (name, title)
        } else {
            (self.lower_str(first), Texts::new())
        };
        let mut header = Header {
            name,
            title,
            version: None,
            source: None,
            span,
        };
        for p in inner {
            let rule = p.as_rule();
            let clause_span = self.span(&p);
            // INVARIANT: both clauses are a keyword and one string.
            let value = self.lower_str(p.into_inner().next().expect("clause has a string"));
            let (slot, what) = match rule {
                Rule::header_version => (&mut header.version, "version"),
                _ => (&mut header.source, "source"),
            };
            if slot.is_some() {
                self.errors.push(SyntaxError::DuplicateClause {
                    clause: what,
                    owner: "the policy header".into(),
                    span: clause_span,
                });
            }
            *slot = Some(value);
        }
        header
    }

    fn lower_enum_decl(&mut self, pair: Pair<'_, Rule>) -> EnumDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("enum has a name"));
        let variants = inner
            .map(|v| {
                let mut vi = v.into_inner();
                let name = self.name(vi.next().expect("variant has a name"));
                let labels = vi.next().map(|t| self.lower_texts(t)).unwrap_or_default();
                Variant { name, labels }
            })
            .collect();
        EnumDecl {
            name,
            variants,
            span,
        }
    }

    fn lower_fact_group(&mut self, pair: Pair<'_, Rule>) -> FactGroup {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let prefix = self.name(inner.next().expect("facts has a prefix"));
        let members = inner
            .map(|p| match p.as_rule() {
                Rule::fact_group => GroupMember::Group(self.lower_fact_group(p)),
                _ => GroupMember::Fact(self.lower_fact_body(p)),
            })
            .collect();
        FactGroup {
            prefix,
            members,
            span,
        }
    }

    fn lower_fact_body(&mut self, pair: Pair<'_, Rule>) -> FactDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("fact has a name"));
        let ty = self.lower_type_expr(inner.next().expect("fact has a type"));
        let mut description = None;
        let mut ask = Vec::new();
        let mut allow = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::string => description = Some(self.lower_str(p)),
                Rule::allow_clause => allow = self.lower_allow(p),
                _ => ask = self.lower_texts(p.into_inner().next().expect("ask has texts")),
            }
        }
        FactDecl {
            name,
            ty,
            description,
            ask,
            allow,
            span,
        }
    }

    fn lower_type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        // INVARIANT: `type_expr` wraps exactly one alternative.
        let p = pair
            .into_inner()
            .next()
            .expect("type_expr has one alternative");
        let span = self.span(&p);
        match p.as_rule() {
            Rule::t_bool => TypeExpr::Bool(span),
            Rule::t_decimal => TypeExpr::Decimal(span),
            Rule::t_date => TypeExpr::Date(span),
            Rule::t_duration => TypeExpr::Duration(span),
            Rule::t_enum => TypeExpr::Enum(self.name(p)),
            Rule::t_list => {
                let inner = self.lower_type_expr(p.into_inner().next().expect("list of T"));
                TypeExpr::List(Box::new(inner), span)
            }
            Rule::t_int => {
                let (mut at_least, mut at_most) = (None, None);
                for b in p.into_inner() {
                    let rule = b.as_rule();
                    let Some(n) = b.into_inner().next() else {
                        continue;
                    };
                    let value = self.lower_signed(n);
                    match rule {
                        Rule::at_least => at_least = value,
                        Rule::at_most => at_most = value,
                        _ => {}
                    }
                }
                TypeExpr::Int {
                    at_least,
                    at_most,
                    span,
                }
            }
            _ => {
                let matching = p
                    .into_inner()
                    .find(|s| s.as_rule() == Rule::string)
                    .map(|s| self.lower_str(s));
                TypeExpr::String { matching, span }
            }
        }
    }

    fn lower_signed(&mut self, pair: Pair<'_, Rule>) -> Option<i64> {
        let span = self.span(&pair);
        match pair.as_str().parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.errors.push(SyntaxError::IntOutOfRange {
                    text: pair.as_str().into(),
                    span,
                });
                None
            }
        }
    }

    fn lower_const_decl(&mut self, pair: Pair<'_, Rule>) -> ConstDecl {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut value = None;
        let mut allow = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.name(p)),
                Rule::type_expr => ty = Some(self.lower_type_expr(p)),
                Rule::allow_clause => allow = self.lower_allow(p),
                _ => value = Some(self.lower_expr(p)),
            }
        }
        ConstDecl {
            // INVARIANT: the grammar requires a name and a value.
            name: name.expect("const has a name"),
            ty,
            value: value.expect("const has a value"),
            allow,
            span,
        }
    }

    fn lower_define_decl(&mut self, pair: Pair<'_, Rule>) -> DefineDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("define has a name"));
        let mut ty = None;
        let mut value = None;
        let mut clauses = Clauses::default();
        for p in inner {
            match p.as_rule() {
                Rule::type_expr => ty = Some(self.lower_type_expr(p)),
                Rule::expr => value = Some(self.lower_expr(p)),
                _ => self.lower_clause(p, &mut clauses, &name.text),
            }
        }
        DefineDecl {
            name,
            ty,
            // INVARIANT: the grammar requires `= expr`.
            value: value.expect("define has a value"),
            unless: clauses.unless,
            sources: clauses.sources,
            effective: clauses.effective,
            allow: clauses.allow,
            span,
        }
    }

    fn lower_outcome_decl(&mut self, pair: Pair<'_, Rule>) -> OutcomeDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("outcome has an id"));
        let mut c = Clauses::default();
        for p in inner {
            self.lower_clause(p, &mut c, &name.text);
        }
        OutcomeDecl {
            name,
            when: c.when,
            unless: c.unless,
            title: c.title,
            explain: c.explain,
            sources: c.sources,
            effective: c.effective,
            allow: c.allow,
            span,
        }
    }

    fn lower_exception_decl(&mut self, pair: Pair<'_, Rule>) -> ExceptionDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("exception has a name"));
        let target = self.name(inner.next().expect("exception has a target"));
        let mut also = Vec::new();
        let mut c = Clauses::default();
        for p in inner {
            if p.as_rule() == Rule::ident {
                also.push(self.name(p));
            } else {
                self.lower_clause(p, &mut c, &name.text);
            }
        }
        ExceptionDecl {
            name,
            target,
            also,
            when: c.when,
            gives: c.gives,
            title: c.title,
            explain: c.explain,
            sources: c.sources,
            effective: c.effective,
            allow: c.allow,
            span,
        }
    }

    fn lower_impossible_decl(&mut self, pair: Pair<'_, Rule>) -> ImpossibleDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(inner.next().expect("impossible has a name"));
        let mut c = Clauses::default();
        for p in inner {
            self.lower_clause(p, &mut c, &name.text);
        }
        ImpossibleDecl {
            name,
            when: c.when,
            message: c.message,
            sources: c.sources,
            allow: c.allow,
            span,
        }
    }

    fn lower_test_decl(&mut self, pair: Pair<'_, Rule>) -> TestDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        // INVARIANT: the grammar requires the test's name first.
        let name = self.lower_str(inner.next().expect("test has a name"));
        let mut test = TestDecl {
            name,
            as_of: None,
            given: Vec::new(),
            given_span: None,
            given_file: None,
            expects: Vec::new(),
            span,
        };
        let owner = format!("test \"{}\"", test.name.text);
        for p in inner {
            let clause_span = self.span(&p);
            match p.as_rule() {
                Rule::as_of_clause => {
                    if test.as_of.is_some() {
                        self.errors.push(SyntaxError::DuplicateClause {
                            clause: "as of",
                            owner: owner.clone(),
                            span: clause_span,
                        });
                    }
                    let date = first(p);
                    test.as_of = Some(Expr {
                        span: self.span(&date),
                        kind: ExprKind::Date(date.as_str().into()),
                    });
                }
                Rule::given_clause => {
                    if test.given_span.is_some() {
                        self.errors.push(SyntaxError::DuplicateClause {
                            clause: "given",
                            owner: owner.clone(),
                            span: clause_span,
                        });
                    }
                    test.given_span = Some(clause_span);
                    for entry in p.into_inner() {
                        if entry.as_rule() == Rule::given_file {
                            test.given_file = Some(self.lower_str(first(entry)));
                            continue;
                        }
                        let mut e = entry.into_inner();
                        // INVARIANT: `given_entry` is `path ~ ":" ~ expr`.
                        let fact = self.name(e.next().expect("given entry has a fact"));
                        let value = self.lower_expr(e.next().expect("given entry has a value"));
                        test.given.push(Given { fact, value });
                    }
                }
                _ => {
                    let mut e = p.into_inner();
                    // INVARIANT: `expect_clause` is `expect_impossible` or
                    // `ident ~ expect_status ~ expect_missing?`.
                    let head = e.next().expect("expect has a target");
                    if head.as_rule() == Rule::expect_impossible {
                        // INVARIANT: `expect_impossible` is `kw_impossible ~ ident`.
                        let name = head.into_inner().nth(1).expect("the rule's name");
                        test.expects.push(Expect {
                            target: self.name(name),
                            status: Expected::Impossible,
                            missing: None,
                            span: clause_span,
                        });
                        continue;
                    }
                    let target = self.name(head);
                    let status = match first(e.next().expect("expect has a status")).as_rule() {
                        Rule::expect_holds => Expected::Holds,
                        Rule::expect_not_holds => Expected::DoesNotHold,
                        _ => Expected::Undetermined,
                    };
                    let missing = e
                        .next()
                        .map(|m| m.into_inner().map(|n| self.name(n)).collect());
                    test.expects.push(Expect {
                        target,
                        status,
                        missing,
                        span: clause_span,
                    });
                }
            }
        }
        test
    }

    /// `allow a, b`: the codes as written (checked against the lints later).
    fn lower_allow(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        pair.into_inner().map(|code| self.name(code)).collect()
    }

    /// One clause of a rule; the grammar decides which clauses a rule may have.
    fn lower_clause(&mut self, pair: Pair<'_, Rule>, c: &mut Clauses, owner: &str) {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        if rule == Rule::allow_clause {
            // Several `allow` clauses add up: each may say why in a comment of its own.
            let codes = self.lower_allow(pair);
            c.allow.extend(codes);
            return;
        }
        if rule == Rule::effective_clause {
            if c.effective.is_some() {
                self.errors.push(SyntaxError::DuplicateClause {
                    clause: "effective",
                    owner: format!("`{owner}`"),
                    span,
                });
            }
            let mut effective = Effective {
                from: None,
                until: None,
                span,
            };
            for bound in pair.into_inner() {
                let rule = bound.as_rule();
                // INVARIANT: `effective_from` and `effective_until` hold one date.
                let date = bound.into_inner().next().expect("bound has a date");
                let date = Str {
                    span: self.span(&date),
                    text: date.as_str().to_string(),
                };
                match rule {
                    Rule::effective_from => effective.from = Some(date),
                    _ => effective.until = Some(date),
                }
            }
            c.effective = Some(effective);
            return;
        }
        // INVARIANT: every other clause is a keyword followed by exactly one pair.
        let body = pair.into_inner().next().expect("clause has a body");
        let duplicate = |lowerer: &mut Lowerer, clause: &'static str| {
            lowerer.errors.push(SyntaxError::DuplicateClause {
                clause,
                owner: format!("`{owner}`"),
                span,
            })
        };
        match rule {
            Rule::when_clause => {
                if c.when.is_some() {
                    duplicate(self, "when");
                }
                c.when = Some(self.lower_expr(body));
            }
            Rule::unless_clause => {
                let when = self.lower_expr(body);
                c.unless.push(Unless { when, span });
            }
            Rule::gives_clause => {
                if c.gives.is_some() {
                    duplicate(self, "gives");
                }
                c.gives = Some(self.lower_expr(body));
            }
            Rule::title_clause => {
                if c.title.is_some() {
                    duplicate(self, "title");
                }
                c.title = Some(self.lower_texts(body));
            }
            Rule::explain_clause => {
                if c.explain.is_some() {
                    duplicate(self, "explain");
                }
                c.explain = Some(self.lower_texts(body));
            }
            Rule::message_clause => {
                if c.message.is_some() {
                    duplicate(self, "message");
                }
                c.message = Some(self.lower_texts(body));
            }
            _ => c.sources.push(self.lower_str(body)),
        }
    }

    fn lower_texts(&mut self, pair: Pair<'_, Rule>) -> Texts {
        pair.into_inner()
            .map(|t| {
                let mut ti = t.into_inner();
                let lang = self.name(ti.next().expect("text has a language"));
                let s = self.lower_message_str(ti.next().expect("text has a string"));
                Text {
                    lang,
                    text: s.text,
                    span: s.span,
                }
            })
            .collect()
    }

    /// A string whose escapes are resolved.
    fn lower_str(&mut self, pair: Pair<'_, Rule>) -> Str {
        self.unescape(pair, false)
    }

    /// A message string: like [`Self::lower_str`], but `\{` and `\}` stay escaped as `{{` and
    /// `}}`, so that interpolation can tell them from `{name}`.
    fn lower_message_str(&mut self, pair: Pair<'_, Rule>) -> Str {
        self.unescape(pair, true)
    }

    fn unescape(&mut self, pair: Pair<'_, Rule>, message: bool) -> Str {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut text = String::with_capacity(raw.len());
        // Copied a run at a time between backslashes (found by a byte search), not a
        // character at a time: most texts have no escape at all.
        let mut rest = raw;
        let mut at = 0;
        while let Some(i) = rest.find('\\') {
            text.push_str(&rest[..i]);
            let escaped = rest[i + 1..].chars().next();
            match escaped {
                Some('"') => text.push('"'),
                Some('\\') => text.push('\\'),
                Some('n') => text.push('\n'),
                Some('{') => text.push_str(if message { "{{" } else { "{" }),
                Some('}') => text.push_str(if message { "}}" } else { "}" }),
                Some(other) => {
                    // +1 for the opening quote.
                    let start = span.start as usize + 1 + at + i;
                    self.errors.push(SyntaxError::BadEscape {
                        escape: other,
                        span: Span::new(self.file, start, start + 1 + other.len_utf8()),
                    });
                }
                // The grammar gives every backslash a character to escape.
                None => {}
            }
            let consumed = i + 1 + escaped.map_or(0, char::len_utf8);
            rest = &rest[consumed..];
            at += consumed;
        }
        text.push_str(rest);
        Str { text, span }
    }

    /// `expr`: a flat sequence of operands and operators, folded by precedence.
    pub(crate) fn lower_expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.fold(pair.into_inner())
    }

    fn fold(&mut self, pairs: Pairs<'_, Rule>) -> Expr {
        // A chain of n operators folds into a tree n deep: refuse it before building it,
        // since even dropping a very deep tree recurses.
        let operators = pairs.clone().filter(|p| is_operator(p.as_rule())).count();
        let added = operators + 1;
        if self.depth + added > MAX_EXPR_DEPTH {
            let span = pairs
                .clone()
                .next()
                .map_or(Span::new(self.file, 0, 0), |p| self.span(&p));
            if !self
                .errors
                .iter()
                .any(|e| matches!(e, SyntaxError::TooDeep { .. }))
            {
                self.errors.push(SyntaxError::TooDeep {
                    limit: MAX_EXPR_DEPTH,
                    span,
                });
            }
            return Expr {
                kind: ExprKind::Bool(false),
                span,
            };
        }
        self.depth += added;
        let folded = self.fold_pairs(pairs);
        self.depth -= added;
        folded
    }

    fn fold_pairs(&mut self, pairs: Pairs<'_, Rule>) -> Expr {
        let file = self.file;
        let span_of =
            move |p: &Pair<'_, Rule>| Span::new(file, p.as_span().start(), p.as_span().end());
        let folded = PRATT
            .map_primary(|p| self.lower_primary(p))
            .map_prefix(|op, rhs| {
                let span = span_of(&op).to(rhs.span);
                let kind = match op.as_rule() {
                    Rule::op_not => ExprKind::Not(Box::new(rhs)),
                    _ => ExprKind::Neg(Box::new(rhs)),
                };
                Expr { kind, span }
            })
            .map_postfix(|lhs, op| {
                let span = lhs.span.to(span_of(&op));
                let test = match op.as_rule() {
                    Rule::is_known => Test::Known,
                    Rule::is_unknown => Test::Unknown,
                    Rule::is_empty => Test::Empty,
                    _ => Test::NotEmpty,
                };
                Expr {
                    kind: ExprKind::Test(test, Box::new(lhs)),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_is => BinOp::Is,
                    Rule::op_is_not => BinOp::IsNot,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_in => BinOp::In,
                    Rule::op_not_in => BinOp::NotIn,
                    Rule::op_contains => BinOp::Contains,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pairs);
        folded
    }

    fn lower_primary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => ExprKind::Paren(Box::new(self.lower_expr(first(pair)))),
            Rule::list_lit => {
                ExprKind::List(pair.into_inner().map(|p| self.lower_expr(p)).collect())
            }
            Rule::if_expr => {
                let mut i = pair.into_inner();
                let c = self.lower_expr(i.next().expect("if has a condition"));
                let a = self.lower_expr(i.next().expect("if has a then branch"));
                let b = self.lower_expr(i.next().expect("if has an else branch"));
                ExprKind::If(Box::new(c), Box::new(a), Box::new(b))
            }
            Rule::days_from => {
                let mut i = pair.into_inner();
                let a = self.lower_term(i.next().expect("days from has a start"));
                let b = self.lower_term(i.next().expect("days from has an end"));
                ExprKind::DaysFrom(Box::new(a), Box::new(b))
            }
            Rule::days_since => ExprKind::DaysSince(Box::new(self.lower_term(first(pair)))),
            Rule::today => ExprKind::Today,
            Rule::bool_true => ExprKind::Bool(true),
            Rule::bool_false => ExprKind::Bool(false),
            Rule::date_lit => ExprKind::Date(pair.as_str().into()),
            Rule::decimal_lit => ExprKind::Decimal(pair.as_str().into()),
            Rule::int_lit => ExprKind::Int(pair.as_str().into()),
            Rule::duration_lit => {
                let mut i = pair.into_inner();
                let n = i
                    .next()
                    .expect("duration has a number")
                    .as_str()
                    .to_string();
                let unit = match first(i.next().expect("duration has a unit")).as_rule() {
                    Rule::unit_days => Unit::Days,
                    Rule::unit_months => Unit::Months,
                    _ => Unit::Years,
                };
                ExprKind::Duration(n, unit)
            }
            Rule::string => ExprKind::String(self.lower_str(pair).text),
            _ => ExprKind::Name(self.name(pair)),
        };
        Expr { kind, span }
    }

    fn lower_term(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.fold(pair.into_inner())
    }
}

/// Whether a pair is an operator of an expression sequence.
fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_is
            | Rule::op_is_not
            | Rule::op_lt
            | Rule::op_le
            | Rule::op_gt
            | Rule::op_ge
            | Rule::op_in
            | Rule::op_not_in
            | Rule::op_contains
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::op_not
            | Rule::op_neg
            | Rule::is_known
            | Rule::is_unknown
            | Rule::is_empty
            | Rule::is_not_empty
    )
}

/// The first inner pair of a rule the grammar gives at least one.
fn first(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    // INVARIANT: only called on rules whose grammar has a mandatory first child.
    pair.into_inner().next().expect("rule has a first child")
}

/// The clauses of a rule as they are collected, before the rule is built.
#[derive(Default)]
struct Clauses {
    when: Option<Expr>,
    unless: Vec<Unless>,
    gives: Option<Expr>,
    title: Option<Texts>,
    explain: Option<Texts>,
    message: Option<Texts>,
    sources: Vec<Str>,
    effective: Option<Effective>,
    allow: Vec<Name>,
}
