//! The warnings about a policy that checks: the record a checked policy carries and
//! [`crate::check::lint`] returns. It lives beside [`crate::checked`], below the
//! checker, so that the checked policy does not import the stage that builds it.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// A warning about a policy that checks.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq)]
pub enum Lint {
    /// A condition false for every fact set.
    #[error("the condition of {what} `{name}` can never be true")]
    #[diagnostic(code(asylon::lint::never_true), severity(Warning))]
    NeverTrue {
        /// `outcome`, `exception`, …
        what: &'static str,
        /// Its name.
        name: String,
        /// The condition.
        #[label("false whatever the facts")]
        span: Span,
        /// Why, and what to do.
        #[help]
        help: Option<String>,
    },
    /// A condition true for every fact set.
    #[error("the condition of {what} `{name}` is always true")]
    #[diagnostic(code(asylon::lint::always_true), severity(Warning))]
    AlwaysTrue {
        /// `outcome`, `exception`, …
        what: &'static str,
        /// Its name.
        name: String,
        /// The condition.
        #[label("true whatever the facts")]
        span: Span,
        /// Why, and what to do.
        #[help]
        help: Option<String>,
    },
    /// An exception that may apply but never changes its rule.
    #[error("exception `{name}` can never defeat `{target}`")]
    #[diagnostic(code(asylon::lint::never_defeats), severity(Warning))]
    NeverDefeats {
        /// The exception.
        name: String,
        /// What it is an exception to.
        target: String,
        /// The exception.
        #[label("changes nothing")]
        span: Span,
        /// Why, and what to do.
        #[help]
        help: Option<String>,
    },
    /// A fact no rule, exception, consistency rule or message reads.
    #[error("fact `{name}` is never used")]
    #[diagnostic(
        code(asylon::lint::unused_fact),
        severity(Warning),
        help("no rule, exception, consistency rule or message reads it: use it, or remove it so that nobody is asked for it")
    )]
    UnusedFact {
        /// The fact.
        name: String,
        /// Its declaration.
        #[label("declared here")]
        span: Span,
    },
    /// A definition or constant nothing refers to.
    #[error("{what} `{name}` is never used")]
    #[diagnostic(
        code(asylon::lint::unused_definition),
        severity(Warning),
        help("no outcome, definition, exception, consistency rule or message refers to it: use it, or remove it")
    )]
    UnusedDefinition {
        /// `definition` or `constant`.
        what: &'static str,
        /// Its name.
        name: String,
        /// Its declaration.
        #[label("declared here")]
        span: Span,
    },
    /// Two outcomes with the same condition.
    #[error("outcomes `{first}` and `{second}` have the same condition")]
    #[diagnostic(code(asylon::lint::same_condition), severity(Warning))]
    SameCondition {
        /// The first outcome.
        first: String,
        /// The second.
        second: String,
        /// The second's condition.
        #[label("same condition as `{first}`")]
        span: Span,
        /// The first's condition, when in the same file.
        #[label("`{first}`")]
        other: Option<Span>,
        /// What to do.
        #[help]
        help: Option<String>,
    },
    /// A text missing in a language the policy uses elsewhere.
    #[error("this text has no {langs} version")]
    #[diagnostic(code(asylon::lint::missing_translation), severity(Warning))]
    MissingTranslation {
        /// The languages missing, in words.
        langs: String,
        /// The text.
        #[label("{langs} readers see the English text")]
        span: Span,
        /// What to do.
        #[help]
        help: Option<String>,
    },
}

impl Lint {
    /// The span the warning is about.
    pub fn span(&self) -> Span {
        match self {
            Lint::NeverTrue { span, .. }
            | Lint::AlwaysTrue { span, .. }
            | Lint::NeverDefeats { span, .. }
            | Lint::UnusedFact { span, .. }
            | Lint::UnusedDefinition { span, .. }
            | Lint::SameCondition { span, .. }
            | Lint::MissingTranslation { span, .. } => *span,
        }
    }
}
