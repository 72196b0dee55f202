//! The syntax tree: what an author wrote, with a span on every node and no name
//! resolved yet.

use crate::source::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The name, dotted where written dotted (`person.fears_return`).
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// One string of a multilingual text: `es "…"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The language tag.
    pub lang: Name,
    /// The string, escapes resolved, whitespace as written.
    pub text: String,
    /// Where the string (with its quotes) was written.
    pub span: Span,
}

/// The strings of one message in several languages.
pub type Texts = Vec<Text>;

/// A quoted string with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// The string, escapes resolved.
    pub text: String,
    /// Where it was written, quotes included.
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// `bool`
    Bool(Span),
    /// `int`, `int at least 0`, `int at most 9`
    Int {
        /// The lower bound, if any.
        at_least: Option<i64>,
        /// The upper bound, if any.
        at_most: Option<i64>,
        /// Where the type was written.
        span: Span,
    },
    /// `decimal`
    Decimal(Span),
    /// `string`, `string matching "RE"`
    String {
        /// The regular expression the whole string must match.
        matching: Option<Str>,
        /// Where the type was written.
        span: Span,
    },
    /// `date`
    Date(Span),
    /// `duration`
    Duration(Span),
    /// A declared enum, by name.
    Enum(Name),
    /// `list of T`
    List(Box<TypeExpr>, Span),
}

impl TypeExpr {
    /// Where the type was written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Bool(s)
            | TypeExpr::Decimal(s)
            | TypeExpr::Date(s)
            | TypeExpr::Duration(s) => *s,
            TypeExpr::Int { span, .. }
            | TypeExpr::String { span, .. }
            | TypeExpr::List(_, span) => *span,
            TypeExpr::Enum(n) => n.span,
        }
    }
}

/// A unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `days`
    Days,
    /// `months`
    Months,
    /// `years`
    Years,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `is`
    Is,
    /// `is not`
    IsNot,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `contains`
    Contains,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Is => "is",
            BinOp::IsNot => "is not",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Contains => "contains",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// A postfix test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Test {
    /// `is known`
    Known,
    /// `is unknown`
    Unknown,
    /// `is empty`
    Empty,
    /// `is not empty`
    NotEmpty,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true`, `false`
    Bool(bool),
    /// `2500` (as written, checked for range later)
    Int(String),
    /// `2.5`
    Decimal(String),
    /// `"text"`
    String(String),
    /// `2024-06-17` (as written, checked later)
    Date(String),
    /// `60 days`
    Duration(String, Unit),
    /// `today`
    Today,
    /// A name: a fact, constant, definition, outcome or enum variant.
    Name(Name),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `-a`
    Neg(Box<Expr>),
    /// `a OP b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a is known`, `a is empty`, …
    Test(Test, Box<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `days from a to b`
    DaysFrom(Box<Expr>, Box<Expr>),
    /// `days since a`
    DaysSince(Box<Expr>),
    /// `(a)`: kept so that the formatter can keep the author's parentheses.
    Paren(Box<Expr>),
}

/// The policy header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// `policy "name"`; in the translated form `policy en "…" es "…"`, the English
    /// text (else the first).
    pub name: Str,
    /// `policy en "…" es "…"`: the title in several languages (empty in the plain form).
    pub title: Texts,
    /// `version "…"`
    pub version: Option<Str>,
    /// `source "…"`
    pub source: Option<Str>,
    /// The whole header.
    pub span: Span,
}

/// An enum variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The variant's name.
    pub name: Name,
    /// Its labels for people.
    pub labels: Texts,
}

/// `enum Name { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    /// The enum's name.
    pub name: Name,
    /// Its variants in order.
    pub variants: Vec<Variant>,
    /// The whole declaration.
    pub span: Span,
}

/// A fact declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    /// Its name within its group (`fears_return` in `facts person { … }`).
    pub name: Name,
    /// Its type.
    pub ty: TypeExpr,
    /// The one-line description.
    pub description: Option<Str>,
    /// The question to ask a person.
    pub ask: Texts,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `facts prefix { … }`
#[derive(Debug, Clone, PartialEq)]
pub struct FactGroup {
    /// The prefix its members' names get (`person`).
    pub prefix: Name,
    /// Facts and nested groups, in source order.
    pub members: Vec<GroupMember>,
    /// The whole group.
    pub span: Span,
}

/// A member of a fact group.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupMember {
    /// A fact.
    Fact(FactDecl),
    /// A nested group.
    Group(FactGroup),
}

/// `const name = literal`
#[derive(Debug, Clone, PartialEq)]
pub struct ConstDecl {
    /// The constant's name.
    pub name: Name,
    /// The declared type, if written.
    pub ty: Option<TypeExpr>,
    /// Its value.
    pub value: Expr,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `effective from D1 until D2`: the days a rule is in force, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The first day in force, as written.
    pub from: Option<Str>,
    /// The last day in force, as written.
    pub until: Option<Str>,
    /// The whole clause.
    pub span: Span,
}

/// An inline `unless C` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Unless {
    /// The condition under which the rule does not apply.
    pub when: Expr,
    /// Where the clause was written.
    pub span: Span,
}

/// `define name = expr`
#[derive(Debug, Clone, PartialEq)]
pub struct DefineDecl {
    /// The definition's name.
    pub name: Name,
    /// The declared type, if written.
    pub ty: Option<TypeExpr>,
    /// Its expression.
    pub value: Expr,
    /// Inline exceptions.
    pub unless: Vec<Unless>,
    /// Passages it implements.
    pub sources: Vec<Str>,
    /// When it is in force.
    pub effective: Option<Effective>,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `outcome id when … title … explain … source …`
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeDecl {
    /// The outcome's id.
    pub name: Name,
    /// The condition under which it holds.
    pub when: Option<Expr>,
    /// Inline exceptions.
    pub unless: Vec<Unless>,
    /// Its title.
    pub title: Option<Texts>,
    /// Its explanation.
    pub explain: Option<Texts>,
    /// Passages it implements.
    pub sources: Vec<Str>,
    /// When it is in force.
    pub effective: Option<Effective>,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `exception name to rule when … [gives …]`
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionDecl {
    /// The exception's name.
    pub name: Name,
    /// The rule (or exception) it defeats.
    pub target: Name,
    /// More rules it defeats, when the law states it once for several rules
    /// (`exception x to a, b, c`).
    pub also: Vec<Name>,
    /// When it applies.
    pub when: Option<Expr>,
    /// The value it gives instead.
    pub gives: Option<Expr>,
    /// A title for explanations.
    pub title: Option<Texts>,
    /// An explanation.
    pub explain: Option<Texts>,
    /// Passages it implements.
    pub sources: Vec<Str>,
    /// When it is in force.
    pub effective: Option<Effective>,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// `impossible name when … message …`
#[derive(Debug, Clone, PartialEq)]
pub struct ImpossibleDecl {
    /// The rule's name.
    pub name: Name,
    /// The condition that makes a fact set impossible.
    pub when: Option<Expr>,
    /// What to tell the person who gave the facts.
    pub message: Option<Texts>,
    /// Passages it implements.
    pub sources: Vec<Str>,
    /// The lints silenced on it: `allow unused_fact`.
    pub allow: Vec<Name>,
    /// The whole declaration.
    pub span: Span,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    /// `enum`
    Enum(EnumDecl),
    /// `fact`
    Fact(FactDecl),
    /// `facts prefix { … }`
    FactGroup(FactGroup),
    /// `const`
    Const(ConstDecl),
    /// `define`
    Define(DefineDecl),
    /// `outcome`
    Outcome(OutcomeDecl),
    /// `exception`
    Exception(ExceptionDecl),
    /// `impossible`
    Impossible(ImpossibleDecl),
    /// `test`
    Test(TestDecl),
}

/// One parsed file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// The header, if this file has it.
    pub header: Option<Header>,
    /// Declarations in source order.
    pub decls: Vec<Decl>,
}

/// What a test expects of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expected {
    /// `holds`
    Holds,
    /// `does not hold`
    DoesNotHold,
    /// `undetermined`
    Undetermined,
    /// `expect impossible NAME`: the consistency rule refuses the given facts.
    Impossible,
}

impl Expected {
    /// The status as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::Holds => "holds",
            Expected::DoesNotHold => "does not hold",
            Expected::Undetermined => "undetermined",
            Expected::Impossible => "impossible",
        }
    }
}

/// `expect rule status [, missing a, b]`, or `expect impossible rule` (status
/// [`Expected::Impossible`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The outcome, definition, exception or consistency rule expected.
    pub target: Name,
    /// What it should be.
    pub status: Expected,
    /// The facts it should be missing, when written.
    pub missing: Option<Vec<Name>>,
    /// The whole clause.
    pub span: Span,
}

/// `fact.name: value` in a test's `given`.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    /// The fact.
    pub fact: Name,
    /// Its value, a literal.
    pub value: Expr,
}

/// `test "name" as of DATE given { … } expect …`
#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    /// The test's name.
    pub name: Str,
    /// The evaluation date, as written.
    pub as_of: Option<Expr>,
    /// The facts given; the others are unknown.
    pub given: Vec<Given>,
    /// Where the `given` clause was written (to report a second one).
    pub given_span: Option<Span>,
    /// `given file "cases/x.json"`: the fact file the facts are read from, as written
    /// (relative to the policy file the test is in).
    pub given_file: Option<Str>,
    /// What the test expects, in order.
    pub expects: Vec<Expect>,
    /// The whole declaration.
    pub span: Span,
}
