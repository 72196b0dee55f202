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

/// The code of every lint, as `allow` names them (with or without `asylon::lint::`).
pub const CODES: &[&str] = &[
    "asylon::lint::never_true",
    "asylon::lint::always_true",
    "asylon::lint::never_defeats",
    "asylon::lint::unused_fact",
    "asylon::lint::unused_definition",
    "asylon::lint::same_condition",
    "asylon::lint::missing_translation",
];

impl Lint {
    /// The lint's code: `asylon::lint::unused_fact`.
    pub fn code_str(&self) -> String {
        Diagnostic::code(self).map_or_else(String::new, |c| c.to_string())
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_has_its_code_in_the_list_allow_reads() {
        let span = Span::default();
        let lints = [
            Lint::NeverTrue {
                what: "outcome",
                name: "o".into(),
                span,
                help: None,
            },
            Lint::AlwaysTrue {
                what: "outcome",
                name: "o".into(),
                span,
                help: None,
            },
            Lint::NeverDefeats {
                name: "e".into(),
                target: "o".into(),
                span,
                help: None,
            },
            Lint::UnusedFact {
                name: "f".into(),
                span,
            },
            Lint::UnusedDefinition {
                what: "definition",
                name: "d".into(),
                span,
            },
            Lint::SameCondition {
                first: "a".into(),
                second: "b".into(),
                span,
                other: None,
                help: None,
            },
            Lint::MissingTranslation {
                langs: "es".into(),
                span,
                help: None,
            },
        ];
        assert_eq!(lints.len(), CODES.len());
        for (lint, code) in lints.iter().zip(CODES) {
            assert_eq!(lint.code_str(), *code);
        }
    }
}
