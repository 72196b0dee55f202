//! A diagnostic as plain data: what a program reads from an [`Error`](crate::Error)
//! without downcasting, and what every front end (the command line's `--format json`,
//! a batch error line, a service, a language server) passes on unchanged.
//!
//! The JSON form is stable:
//!
//! ```json
//! {
//!   "code": "asylon::facts::wrong_type",
//!   "severity": "error",
//!   "message": "`person.age` must be a whole number, found the string \"ten\"",
//!   "help": "write the number without quotes",
//!   "location": {"in": "fact", "path": "person.age", "line": 1, "column": 19},
//!   "related": []
//! }
//! ```
//!
//! `help` and `location` are `null` when there are none. Lines and columns count from 1,
//! columns in characters (not bytes).

use miette::{SourceCode, SourceSpan};
use serde::{Deserialize, Serialize};

use crate::facts::FactsError;

/// One problem found, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// A stable code such as `asylon::facts::unknown_fact`, for programs to match on.
    pub code: String,
    /// An error, or a warning (a lint).
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it (a "did you mean", how to write a value), if asylon knows.
    pub help: Option<String>,
    /// Where the problem is, when it is somewhere.
    pub location: Option<Location>,
    /// Other places the problem involves (the first declaration of a duplicate), each
    /// with what it is.
    pub related: Vec<Related>,
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The policy or the facts cannot be used.
    Error,
    /// Worth a look, but not in the way (a lint).
    Warning,
}

/// Where a [`Diagnostic`] points. In JSON, `in` says which kind of place it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum Location {
    /// A fact, by its JSON path (`person.unaccompanied_child`, `grounds[2]`); when the
    /// facts were given as text, also where in it.
    Fact {
        /// The JSON path.
        path: String,
        /// The line in the fact text (from 1), if the facts were text.
        line: Option<usize>,
        /// The column in that line (from 1, in characters).
        column: Option<usize>,
    },
    /// A place in the fact text that is not a fact's value (a JSON syntax error).
    FactText {
        /// The line (from 1).
        line: usize,
        /// The column (from 1, in characters).
        column: usize,
    },
    /// A place in a policy file.
    Policy {
        /// The file's name, as it was loaded.
        file: String,
        /// The line (from 1).
        line: usize,
        /// The column (from 1, in characters).
        column: usize,
    },
}

/// A further place a [`Diagnostic`] involves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// What is there (`first declared here`), if said.
    pub label: Option<String>,
    /// Where.
    pub location: Location,
}

impl Diagnostic {
    /// The record of a miette report (a policy's warnings, a tool's own diagnostics):
    /// its code, message, help and severity, and its labels turned into locations. A
    /// fact error also names its fact's JSON path. [`Error::records`](crate::Error::records)
    /// gives these for an error's reports.
    pub fn from_report(report: &miette::Report) -> Diagnostic {
        let d: &dyn miette::Diagnostic = report.as_ref();
        let severity = match d.severity() {
            Some(miette::Severity::Warning | miette::Severity::Advice) => Severity::Warning,
            Some(miette::Severity::Error) | None => Severity::Error,
        };
        let facts = report.downcast_ref::<FactsError>();
        let mut places = d.labels().into_iter().flatten().map(|label| {
            let at = d
                .source_code()
                .and_then(|source| place(source, *label.inner()));
            (label.label().map(String::from), at)
        });
        let first = places.next();
        let location = match facts {
            Some(e) => fact_location(e, first.and_then(|(_, at)| at)),
            None => first
                .and_then(|(_, at)| at)
                .map(|(file, line, column)| policy_location(file, line, column)),
        };
        let related = places
            .filter_map(|(label, at)| {
                let (file, line, column) = at?;
                Some(Related {
                    label,
                    location: policy_location(file, line, column),
                })
            })
            .collect();
        Diagnostic {
            code: d
                .code()
                .map_or_else(|| "asylon::error".to_string(), |c| c.to_string()),
            severity,
            message: report.to_string(),
            help: d.help().map(|h| h.to_string()),
            location,
            related,
        }
    }
}

impl Diagnostic {
    /// The same record, its place read as one in the fact text, about the fact at
    /// `path` if there is one (for a fact error whose report no longer says so).
    pub(crate) fn in_facts(mut self, path: Option<String>) -> Diagnostic {
        let at = match self.location.take() {
            Some(Location::Policy { line, column, .. } | Location::FactText { line, column }) => {
                Some((line, column))
            }
            Some(Location::Fact { line, column, .. }) => line.zip(column),
            None => None,
        };
        self.location = match (path, at) {
            (Some(path), at) => Some(Location::Fact {
                path,
                line: at.map(|(l, _)| l),
                column: at.map(|(_, c)| c),
            }),
            (None, Some((line, column))) => Some(Location::FactText { line, column }),
            (None, None) => None,
        };
        self
    }
}

fn policy_location(file: Option<String>, line: usize, column: usize) -> Location {
    Location::Policy {
        file: file.unwrap_or_default(),
        line,
        column,
    }
}

/// A fact error's place: its path, and where in the text when it was located there.
fn fact_location(e: &FactsError, at: Option<(Option<String>, usize, usize)>) -> Option<Location> {
    let (line, column) = at.map(|(_, l, c)| (l, c)).unzip();
    match (e.path(), line, column) {
        (Some(path), line, column) => Some(Location::Fact {
            path: path.to_string(),
            line,
            column,
        }),
        (None, Some(line), Some(column)) => Some(Location::FactText { line, column }),
        _ => None,
    }
}

/// The file name, line and character column (from 1) where `span` starts in `source`.
fn place(source: &dyn SourceCode, span: SourceSpan) -> Option<(Option<String>, usize, usize)> {
    let at = source.read_span(&(span.offset(), 0).into(), 0, 0).ok()?;
    let (line, bytes) = (at.line(), at.column());
    let name = at.name().map(String::from);
    // miette counts the column in bytes; the line's start up to the span gives the
    // characters.
    let start = span.offset().checked_sub(bytes)?;
    let before = source.read_span(&(start, bytes).into(), 0, 0).ok()?;
    let prefix = before.data().get(..bytes)?;
    let column = String::from_utf8_lossy(prefix).chars().count();
    Some((name, line + 1, column + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_from_one() {
        let text = "ab\n«é» x";
        let at = text.find('x').unwrap();
        let (_, line, column) = place(&text, (at, 1).into()).unwrap();
        assert_eq!((line, column), (2, 5));
        assert_eq!(place(&text, (0, 1).into()).unwrap().1, 1);
    }

    #[test]
    fn the_json_shape_is_tagged_by_place() {
        let d = Diagnostic {
            code: "asylon::facts::unknown_fact".into(),
            severity: Severity::Error,
            message: "`x` is not a fact of this policy".into(),
            help: None,
            location: Some(Location::Fact {
                path: "x".into(),
                line: Some(1),
                column: Some(2),
            }),
            related: vec![],
        };
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "asylon::facts::unknown_fact",
                "severity": "error",
                "message": "`x` is not a fact of this policy",
                "help": null,
                "location": {"in": "fact", "path": "x", "line": 1, "column": 2},
                "related": []
            })
        );
        assert_eq!(serde_json::from_value::<Diagnostic>(json).unwrap(), d);
    }
}
