//! What the checker can find wrong in a policy.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// An error in a policy that parsed: a name, a type, a cycle, a missing clause.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq)]
pub enum CheckError {
    /// No file of the policy has the `policy "…"` header.
    #[error("the policy has no `policy \"…\"` header")]
    #[diagnostic(
        code(asylon::missing_header),
        help("start one file with `policy \"name\"`, then `version \"…\"` and `source \"…\"`")
    )]
    MissingHeader {
        /// The start of the first file.
        #[label("no header in this policy")]
        span: Span,
    },
    /// A name that is declared nowhere.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(asylon::unknown_name))]
    UnknownName {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not declared")]
        span: Span,
        /// A "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A type name that is declared nowhere.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(asylon::unknown_type))]
    UnknownType {
        /// The name.
        name: String,
        /// Where it is used.
        #[label("not a declared enum")]
        span: Span,
        /// A "did you mean", or the built-in types.
        #[help]
        help: Option<String>,
    },
    /// A variant that its enum does not have.
    #[error("`{name}` is not a variant of `{enum_name}`")]
    #[diagnostic(code(asylon::unknown_variant))]
    UnknownVariant {
        /// The variant as written.
        name: String,
        /// The enum expected here.
        enum_name: String,
        /// Where it is used.
        #[label("not in `{enum_name}`")]
        span: Span,
        /// A "did you mean", or the variants.
        #[help]
        help: Option<String>,
    },
    /// A name declared twice.
    #[error("{what} `{name}` is declared twice")]
    #[diagnostic(code(asylon::duplicate))]
    Duplicate {
        /// What kind of thing.
        what: &'static str,
        /// The name.
        name: String,
        /// The second declaration.
        #[label("declared again here")]
        span: Span,
        /// The first declaration, when it is in the same file.
        #[label("first declared here")]
        first: Option<Span>,
        /// Where the first one is, when it is in another file.
        #[help]
        help: Option<String>,
    },
    /// A value of one type where another is needed.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(asylon::type_mismatch))]
    TypeMismatch {
        /// The type needed.
        expected: String,
        /// The type given.
        found: String,
        /// Where.
        #[label("this is {found}")]
        span: Span,
        /// How to mend it.
        #[help]
        help: Option<String>,
    },
    /// An operator applied to types it does not take.
    #[error("`{op}` cannot take {operands}")]
    #[diagnostic(code(asylon::bad_operands))]
    BadOperands {
        /// The operator.
        op: String,
        /// The operand types, in words.
        operands: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// How to mend it.
        #[help]
        help: Option<String>,
    },
    /// Rules that depend on themselves.
    #[error("`{name}` depends on itself: {chain}")]
    #[diagnostic(
        code(asylon::cycle),
        help("a rule cannot use its own value; break the chain by rewriting one of these rules")
    )]
    Cycle {
        /// The rule where the cycle was found.
        name: String,
        /// The chain of rules, `a → b → a`.
        chain: String,
        /// The rule's declaration.
        #[label("part of a cycle")]
        span: Span,
    },
    /// Rules that use rules that use rules… beyond the limit.
    #[error("`{name}` sits at the top of a chain of more than {limit} rules")]
    #[diagnostic(
        code(asylon::chain_too_deep),
        help("a rule may use rules that use rules at most {limit} levels deep; shorten the chain")
    )]
    ChainTooDeep {
        /// The rule at the top.
        name: String,
        /// The limit.
        limit: usize,
        /// Where.
        #[label("too deep")]
        span: Span,
    },
    /// An exception to something that is not a rule or an exception.
    #[error("`{name}` is not a rule or an exception, so nothing can be an exception to it")]
    #[diagnostic(code(asylon::unknown_target))]
    UnknownTarget {
        /// The target as written.
        name: String,
        /// Where.
        #[label("no outcome, definition or exception has this name")]
        span: Span,
        /// A "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A required clause is missing.
    #[error("{owner} has no `{clause}`")]
    #[diagnostic(code(asylon::missing_clause))]
    MissingClause {
        /// The clause.
        clause: &'static str,
        /// What lacks it.
        owner: String,
        /// The declaration.
        #[label("needs `{clause}`")]
        span: Span,
        /// Why it is needed.
        #[help]
        help: Option<String>,
    },
    /// A clause where it has no meaning.
    #[error("{owner} cannot have `{clause}`")]
    #[diagnostic(code(asylon::misplaced_clause))]
    MisplacedClause {
        /// The clause.
        clause: &'static str,
        /// What has it.
        owner: String,
        /// The clause.
        #[label("not allowed here")]
        span: Span,
        /// Why.
        #[help]
        help: Option<String>,
    },
    /// A message in some language but not in English, the fallback.
    #[error("this text has no English version")]
    #[diagnostic(
        code(asylon::missing_english),
        help("English (`en`) is the fallback for every other language: add `en \"…\"`")
    )]
    MissingEnglish {
        /// The message.
        #[label("no `en` text")]
        span: Span,
    },
    /// The same language twice in one message.
    #[error("language `{lang}` is given twice")]
    #[diagnostic(code(asylon::duplicate_language), help("keep one `{lang}` text"))]
    DuplicateLanguage {
        /// The language tag.
        lang: String,
        /// The second one.
        #[label("again")]
        span: Span,
    },
    /// A literal that is not a value of its type.
    #[error("`{text}` is not a valid {what}")]
    #[diagnostic(code(asylon::bad_literal))]
    BadLiteral {
        /// The literal.
        text: String,
        /// What it should be.
        what: &'static str,
        /// Where.
        #[label("invalid")]
        span: Span,
        /// Why.
        #[help]
        help: Option<String>,
    },
    /// A `string matching` pattern that is not a regular expression.
    #[error("the pattern is not a valid regular expression")]
    #[diagnostic(code(asylon::bad_pattern))]
    BadPattern {
        /// Where.
        #[label("{reason}")]
        span: Span,
        /// What the regex parser said.
        reason: String,
    },
    /// A constant whose value is not a literal.
    #[error("the value of constant `{name}` is not a literal")]
    #[diagnostic(
        code(asylon::not_constant),
        help("a constant is a number, text, date, duration or `true`/`false`; use `define` for a computed value")
    )]
    NotConstant {
        /// The constant.
        name: String,
        /// Its value.
        #[label("not a literal")]
        span: Span,
    },
    /// A fact group used as if it were a value.
    #[error("`{name}` is a group of facts, not a value")]
    #[diagnostic(code(asylon::group_as_value))]
    GroupAsValue {
        /// The group.
        name: String,
        /// Where.
        #[label("a group")]
        span: Span,
        /// Its facts.
        #[help]
        help: Option<String>,
    },
    /// A fact whose name is also a group of facts (`a` and `a.b`).
    #[error("`{name}` is both a fact and a group of facts")]
    #[diagnostic(
        code(asylon::fact_group_clash),
        help("in JSON a key holds either a value or an object of facts; rename one of them")
    )]
    FactGroupClash {
        /// The name.
        name: String,
        /// The later declaration.
        #[label("clashes")]
        span: Span,
    },
    /// An enum without variants.
    #[error("enum `{name}` has no variants")]
    #[diagnostic(
        code(asylon::empty_enum),
        help("list its values: `enum {name} {{ a, b }}`")
    )]
    EmptyEnum {
        /// The enum.
        name: String,
        /// Where.
        #[label("empty")]
        span: Span,
    },
    /// `int at least A at most B` with A > B.
    #[error("no whole number is at least {at_least} and at most {at_most}")]
    #[diagnostic(code(asylon::empty_range), help("swap the bounds"))]
    EmptyRange {
        /// The lower bound.
        at_least: i64,
        /// The upper bound.
        at_most: i64,
        /// Where.
        #[label("empty range")]
        span: Span,
    },
    /// A `{…}` in a message that is not closed, or names nothing.
    #[error("`{{` in a message is not closed")]
    #[diagnostic(
        code(asylon::bad_interpolation),
        help("write `{{name}}` to show a value, or `\\{{` for a brace")
    )]
    UnclosedInterpolation {
        /// The message.
        #[label("here")]
        span: Span,
    },
    /// An interpolation that is neither `{name}` nor `{name or "text"}`.
    #[error("`{{{written}}}` is not an interpolation")]
    #[diagnostic(
        code(asylon::bad_interpolation),
        help("write `{{name}}`, or with a text to show when the value is unknown `{{name or \"text\"}}`")
    )]
    BadInterpolation {
        /// What is between the braces.
        written: String,
        /// The interpolation.
        #[label("not a name with an optional fallback")]
        span: Span,
    },
    /// A message shows a value that may be unknown when a person reads it: the sentence
    /// would say "unknown".
    #[error("`{name}` may be unknown when {place} is shown")]
    #[diagnostic(code(asylon::maybe_unknown))]
    MaybeUnknown {
        /// The interpolated name.
        name: String,
        /// `this explanation`, `this title`, …
        place: &'static str,
        /// The `{name}`.
        #[label("{when}")]
        span: Span,
        /// When the text is shown.
        when: &'static str,
        /// How to make it known, or give a fallback.
        #[help]
        help: String,
    },
    /// A question shows its own fact, or facts whose questions show it in turn: none of
    /// them could ever be asked with every value it shows known.
    #[error("the question of `{fact}` shows {shown}")]
    #[diagnostic(
        code(asylon::question_cycle),
        help("a question can show only facts answered before it: write this one without `{{{name}}}`")
    )]
    QuestionCycle {
        /// The fact whose question it is.
        fact: String,
        /// What it shows, in words (its own answer, or a fact and the way back).
        shown: String,
        /// The interpolated name as written.
        name: String,
        /// The `{name}` in the question.
        #[label("shown here")]
        span: Span,
    },
    /// A question or a label interpolates something it cannot show.
    #[error("{place} cannot show `{name}`")]
    #[diagnostic(code(asylon::cannot_show))]
    CannotShow {
        /// `a question`, `a label`.
        place: &'static str,
        /// The interpolated name.
        name: String,
        /// The `{name}`.
        #[label("{reason}")]
        span: Span,
        /// Why not, for the label.
        reason: String,
        /// What it can show instead.
        #[help]
        help: Option<String>,
    },
    /// `effective` with no day in it.
    #[error("this period has no day in it")]
    #[diagnostic(
        code(asylon::empty_period),
        help("write `effective from YYYY-MM-DD`, `effective until YYYY-MM-DD`, or both with `from` before `until`")
    )]
    EmptyPeriod {
        /// The clause.
        #[label("empty")]
        span: Span,
    },
    /// Two versions of a rule in force on the same day.
    #[error("two versions of `{name}` are in force on the same days")]
    #[diagnostic(
        code(asylon::overlapping_versions),
        help("end the earlier version the day before the later one starts: `effective until …`")
    )]
    OverlappingVersions {
        /// The rule.
        name: String,
        /// The later version.
        #[label("overlaps")]
        span: Span,
        /// The other version, when in the same file.
        #[label("this version")]
        other: Option<Span>,
    },
    /// A rule that is not a `bool` whose versions leave days without a value.
    #[error("the versions of `{name}` leave days on which it has no value")]
    #[diagnostic(
        code(asylon::versions_leave_gaps),
        help("a rule that is not a `bool` needs a value every day: the first version without `from`, the last without `until`, each starting the day after the one before ends")
    )]
    VersionsLeaveGaps {
        /// The rule.
        name: String,
        /// Its first version.
        #[label("versioned here")]
        span: Span,
    },
    /// Two exceptions to one rule that can both apply and give different values.
    #[error("exceptions `{first}` and `{second}` to `{rule}` can both apply and disagree")]
    #[diagnostic(code(asylon::conflict))]
    Conflict {
        /// The rule.
        rule: String,
        /// One exception.
        first: String,
        /// The other.
        second: String,
        /// The second exception.
        #[label("conflicts with `{first}`")]
        span: Span,
        /// The first, when in the same file.
        #[label("`{first}`")]
        other: Option<Span>,
        /// The witness, and how to order them.
        #[help]
        help: Option<String>,
    },
    /// A test's given value that is not a literal.
    #[error("the value given for `{fact}` is not a literal")]
    #[diagnostic(
        code(asylon::test::not_literal),
        help("a test gives each fact a value as a fact file would: `true`, `3000`, `2024-06-17`, `between_ports`, `[a, b]`")
    )]
    GivenNotLiteral {
        /// The fact.
        fact: String,
        /// The value.
        #[label("not a literal")]
        span: Span,
    },
    /// A test's fact file (`given file "…"`) named by an absolute path.
    #[error("the fact file of a test is named from the policy file, not from the root")]
    #[diagnostic(
        code(asylon::test::given_file),
        help("write the path relative to the policy file the test is in: `given file \"cases/x.json\"`")
    )]
    GivenFileAbsolute {
        /// The path as written in the test.
        #[label("an absolute path")]
        span: Span,
    },
    /// A problem in a test's fact file, at its place in the file.
    #[error("{message}")]
    #[diagnostic(code(asylon::test::given_file_facts))]
    GivenFileFacts {
        /// The problem, as `asylon eval` words it.
        message: String,
        /// The test that reads the file.
        test: String,
        /// Where in the fact file.
        #[label("in the facts of test \"{test}\"")]
        span: Span,
        /// How to mend it.
        #[help]
        help: Option<String>,
    },
    /// An `allow` naming a lint asylon does not have.
    #[error("unknown lint `{code}`")]
    #[diagnostic(code(asylon::unknown_lint))]
    UnknownLint {
        /// The code as written.
        code: String,
        /// Where.
        #[label("no lint has this code")]
        span: Span,
        /// A "did you mean", or the lints there are.
        #[help]
        help: Option<String>,
    },
    /// A test's given value of another type than its fact's (`detained: yes`).
    #[error("the value given for `{fact}` is not of type {expected}")]
    #[diagnostic(code(asylon::test::wrong_type))]
    GivenWrongType {
        /// The fact.
        fact: String,
        /// The fact's type, in backticks.
        expected: String,
        /// The value.
        #[label("not of type {expected}")]
        span: Span,
        /// What the fact takes, with an example.
        #[help]
        help: String,
    },
    /// A test's given value outside the fact's bounds or pattern.
    #[error("the value given for `{fact}` must be {rule}")]
    #[diagnostic(code(asylon::test::out_of_range))]
    GivenOutOfRange {
        /// The fact.
        fact: String,
        /// The bound or pattern, in words.
        rule: String,
        /// The value.
        #[label("out of range")]
        span: Span,
        /// How to mend it.
        #[help]
        help: Option<String>,
    },
    /// A test expects something of a name that is not an outcome, a `bool` definition or
    /// an exception.
    #[error("a test cannot expect `{name}` to hold: {reason}")]
    #[diagnostic(code(asylon::test::bad_expect))]
    BadExpect {
        /// The name as written.
        name: String,
        /// Why not.
        reason: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// A "did you mean", or what can be expected.
        #[help]
        help: Option<String>,
    },
}

impl CheckError {
    /// The span the diagnostic is about (its file is the one shown).
    pub fn span(&self) -> Span {
        use CheckError::*;
        match self {
            MissingHeader { span }
            | UnknownName { span, .. }
            | UnknownType { span, .. }
            | UnknownVariant { span, .. }
            | Duplicate { span, .. }
            | TypeMismatch { span, .. }
            | BadOperands { span, .. }
            | Cycle { span, .. }
            | ChainTooDeep { span, .. }
            | UnknownTarget { span, .. }
            | MissingClause { span, .. }
            | MisplacedClause { span, .. }
            | MissingEnglish { span }
            | DuplicateLanguage { span, .. }
            | BadLiteral { span, .. }
            | BadPattern { span, .. }
            | NotConstant { span, .. }
            | GroupAsValue { span, .. }
            | FactGroupClash { span, .. }
            | EmptyEnum { span, .. }
            | EmptyRange { span, .. }
            | UnclosedInterpolation { span }
            | BadInterpolation { span, .. }
            | MaybeUnknown { span, .. }
            | QuestionCycle { span, .. }
            | CannotShow { span, .. }
            | EmptyPeriod { span }
            | OverlappingVersions { span, .. }
            | VersionsLeaveGaps { span, .. }
            | Conflict { span, .. }
            | GivenNotLiteral { span, .. }
            | GivenWrongType { span, .. }
            | UnknownLint { span, .. }
            | GivenFileAbsolute { span }
            | GivenFileFacts { span, .. }
            | GivenOutOfRange { span, .. }
            | BadExpect { span, .. } => *span,
        }
    }
}
