//! Problems for an editor: the library's syntax errors, check errors and lints with a
//! span, a code, a severity and the other places they involve; and the quick fixes for
//! the ones whose help says how to mend them.

use super::index::Index;
use super::Analysis;
use crate::check::CheckError;
use crate::lint::Lint;
use crate::source::{FileId, Span};
use crate::syntax::SyntaxError;

/// How serious a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemSeverity {
    /// The policy cannot be used.
    Error,
    /// A lint.
    Warning,
    /// News that is not a problem (a test that passed).
    Info,
}

/// A problem at a place in the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub span: Span,
    /// How serious.
    pub severity: ProblemSeverity,
    /// The stable code (`asylon::unknown_name`).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do, when known.
    pub help: Option<String>,
    /// Other places involved, each with what it is.
    pub related: Vec<(Span, String)>,
}

impl Problem {
    /// A problem from any of the library's diagnostics about `span`'s file: the first
    /// label is `span`, the others are related places in the same file.
    fn of(d: &dyn miette::Diagnostic, span: Span, severity: ProblemSeverity) -> Problem {
        let related = d
            .labels()
            .into_iter()
            .flatten()
            .skip(1)
            .map(|l| {
                let start = l.offset();
                (
                    Span::new(span.file, start, start + l.len()),
                    l.label().unwrap_or("here").to_string(),
                )
            })
            .collect();
        Problem {
            span,
            severity,
            code: d
                .code()
                .map_or_else(|| "asylon::error".to_string(), |c| c.to_string()),
            message: d.to_string(),
            help: d.help().map(|h| h.to_string()),
            related,
        }
    }

    pub(super) fn of_syntax(e: &SyntaxError) -> Problem {
        Problem::of(e, e.span(), ProblemSeverity::Error)
    }

    pub(super) fn of_check(e: &CheckError, index: &Index) -> Problem {
        let mut problem = Problem::of(e, e.span(), ProblemSeverity::Error);
        // The first declaration of a duplicate in another file has no label (a miette
        // report shows one file): the index knows where it is.
        if let CheckError::Duplicate {
            name,
            first: None,
            span,
            ..
        } = e
        {
            let first = index
                .value(name)
                .or_else(|| index.enum_named(name))
                .map(|id| index.symbol(id).decls[0]);
            if let Some(first) = first.filter(|f| f.file != span.file || f.start != span.start) {
                problem.related.push((first, "first declared here".into()));
            }
        }
        problem
    }

    pub(super) fn of_lint(l: &Lint) -> Problem {
        Problem::of(l, l.span(), ProblemSeverity::Warning)
    }

    /// The name a "did you mean" help proposes.
    fn suggestion(&self) -> Option<&str> {
        let help = self.help.as_deref()?;
        let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
        Some(&rest[..rest.find('`')?])
    }
}

/// A quick fix: edits that mend a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for the editor's menu.
    pub title: String,
    /// The problem it mends.
    pub problem: Problem,
    /// Text to put in place of each span.
    pub edits: Vec<(Span, String)>,
}

impl Analysis {
    /// The quick fixes for the problems that touch `start..end` of `file`: a
    /// did-you-mean names its name, a missing translation gets a placeholder text in
    /// each language it lacks.
    pub fn fixes(&self, file: FileId, start: usize, end: usize, extra: &[Problem]) -> Vec<Fix> {
        let (start, end) = (start as u32, end as u32);
        self.problems
            .iter()
            .chain(extra)
            .filter(|p| p.span.file == file && p.span.start <= end && start <= p.span.end)
            .filter_map(|p| self.fix(p))
            .collect()
    }

    fn fix(&self, p: &Problem) -> Option<Fix> {
        if let Some(name) = p.suggestion() {
            return Some(Fix {
                title: format!("Replace with `{name}`"),
                problem: p.clone(),
                edits: vec![(p.span, name.to_string())],
            });
        }
        if p.code == "asylon::lint::missing_translation" {
            // The message is "this text has no `es`, `fr` version".
            let langs: Vec<&str> = p.message.split('`').skip(1).step_by(2).collect();
            if langs.is_empty() {
                return None;
            }
            let end = Span::new(p.span.file, p.span.end as usize, p.span.end as usize);
            let text: String = langs.iter().map(|l| format!(" {l} \"…\"")).collect();
            return Some(Fix {
                title: format!("Add a {} text to translate", langs.join(", ")),
                problem: p.clone(),
                edits: vec![(end, text)],
            });
        }
        None
    }
}
