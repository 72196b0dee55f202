//! Source text → syntax tree: the first stage of the pipeline.
//!
//! [`parse_file`] runs the pest grammar (`grammar/asylon.pest`) and lowers its pairs into
//! the [`ast`], keeping a span on every node.

pub mod ast;
pub(crate) mod lower;
pub(crate) mod parse;
mod slips;

use miette::Diagnostic;
use thiserror::Error;

use crate::source::{FileId, Span};

/// What can be wrong with a policy's text.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq)]
pub enum SyntaxError {
    /// The text does not follow the grammar.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(asylon::syntax))]
    Unexpected {
        /// What the grammar allowed here.
        expected: String,
        /// What was there instead.
        found: String,
        /// Where.
        #[label("unexpected here")]
        span: Span,
        /// How to mend it.
        #[help]
        help: Option<String>,
    },
    /// A slip everyone makes (`!=` for `is not`, a misspelt keyword), with what to write.
    #[error("{message}")]
    #[diagnostic(code(asylon::syntax))]
    Slip {
        /// What is wrong.
        message: String,
        /// The words under the span.
        label: String,
        /// Where.
        #[label("{label}")]
        span: Span,
        /// What to write instead.
        #[help]
        help: String,
    },
    /// A clause that may appear once appears twice.
    #[error("{owner} has more than one `{clause}`")]
    #[diagnostic(code(asylon::duplicate_clause), help("keep one `{clause}` clause"))]
    DuplicateClause {
        /// The clause.
        clause: &'static str,
        /// What it belongs to.
        owner: String,
        /// Where the second one is.
        #[label("another `{clause}`")]
        span: Span,
    },
    /// A backslash escape the language does not know.
    #[error("unknown escape `\\{escape}` in a string")]
    #[diagnostic(
        code(asylon::bad_escape),
        help("strings accept `\\\"`, `\\\\`, `\\n`, `\\{{` and `\\}}`")
    )]
    BadEscape {
        /// The character after the backslash.
        escape: char,
        /// Where.
        #[label("not an escape")]
        span: Span,
    },
    /// An expression nested or chained beyond what asylon evaluates safely.
    #[error("this expression is nested too deeply")]
    #[diagnostic(
        code(asylon::too_deep),
        help("an expression may nest at most {limit} levels of operators and brackets; name parts of it with `define`")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where.
        #[label("too deep")]
        span: Span,
    },
    /// A whole number too large for 64 bits.
    #[error("`{text}` is too large for a whole number")]
    #[diagnostic(
        code(asylon::int_out_of_range),
        help("whole numbers range from -9223372036854775808 to 9223372036854775807")
    )]
    IntOutOfRange {
        /// The number as written.
        text: String,
        /// Where.
        #[label("out of range")]
        span: Span,
    },
}

impl SyntaxError {
    /// Where in the text the error is.
    pub fn span(&self) -> Span {
        use SyntaxError::*;
        match self {
            Unexpected { span, .. }
            | Slip { span, .. }
            | DuplicateClause { span, .. }
            | BadEscape { span, .. }
            | IntOutOfRange { span, .. }
            | TooDeep { span, .. } => *span,
        }
    }
}

/// Parses one file of a policy. Returns the tree, or every error found in it.
pub fn parse_file(file: FileId, text: &str) -> Result<ast::File, Vec<SyntaxError>> {
    let mut pairs = parse::parse(parse::Rule::policy_file, file, text).map_err(|e| vec![e])?;
    let mut lowerer = lower::Lowerer::new(file);
    // INVARIANT: a successful parse of `policy_file` yields exactly that one pair.
    let tree = lowerer.lower_policy_file(pairs.next().expect("policy_file pair"));
    if lowerer.errors.is_empty() {
        Ok(tree)
    } else {
        Err(lowerer.errors)
    }
}

/// Parses a lone expression (for tools and tests).
pub fn parse_expr(file: FileId, text: &str) -> Result<ast::Expr, Vec<SyntaxError>> {
    let mut pairs = parse::parse(parse::Rule::expr_only, file, text).map_err(|e| vec![e])?;
    let mut lowerer = lower::Lowerer::new(file);
    // INVARIANT: `expr_only` is SOI ~ expr ~ EOI, so its first inner pair is the expr.
    let top = pairs.next().expect("expr_only pair");
    let expr = lowerer.lower_expr(top.into_inner().next().expect("expr"));
    if lowerer.errors.is_empty() {
        Ok(expr)
    } else {
        Err(lowerer.errors)
    }
}
