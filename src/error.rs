//! The library's error: one or more diagnostics, each with the source it points into,
//! and each also as plain data ([`Diagnostic`](crate::Diagnostic)).

use std::fmt;

use miette::{Diagnostic, Report};

use crate::diagnostic::Diagnostic as Record;
use crate::source::Sources;

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read.
    Io,
    /// The policy does not parse or does not check.
    Policy,
    /// The facts are invalid or contradict each other.
    Facts,
    /// Evaluation has no result for these facts (arithmetic out of range).
    Eval,
}

/// An error from asylon: its kind and every diagnostic found (a policy with three
/// mistakes reports all three).
///
/// A program reads the diagnostics as data with [`Error::records`]; a terminal draws
/// them from [`Error::diagnostics`] (miette reports, with the source they point into).
///
/// ```
/// use asylon::{Location, Policy};
///
/// let policy = Policy::from_source("age.asylon", r#"
///     policy "Age" version "1"
///     facts person { age: int at least 0 "age in years" }
///     outcome adult when person.age >= 18 title en "An adult"
/// "#)?;
/// let error = policy.facts_from_json(r#"{"person": {"age": "ten"}}"#).unwrap_err();
/// let first = &error.records()[0];
/// assert_eq!(first.code, "asylon::facts::wrong_type");
/// assert_eq!(
///     first.location,
///     Some(Location::Fact { path: "person.age".into(), line: Some(1), column: Some(20) })
/// );
/// # Ok::<(), asylon::Error>(())
/// ```
pub struct Error {
    kind: ErrorKind,
    diagnostics: Vec<Report>,
    records: Vec<Record>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, diagnostics: Vec<Report>) -> Error {
        let records = diagnostics.iter().map(Record::from_report).collect();
        Error {
            kind,
            diagnostics,
            records,
        }
    }

    /// An error whose records were made beside its reports (a report wrapped with its
    /// source can no longer be downcast to say which fact it is about).
    pub(crate) fn with_records(kind: ErrorKind, pairs: Vec<(Report, Record)>) -> Error {
        let (diagnostics, records) = pairs.into_iter().unzip();
        Error {
            kind,
            diagnostics,
            records,
        }
    }

    /// An error made of diagnostics from elsewhere (a tool built on asylon reporting its
    /// own failures the same way).
    pub fn from_reports(kind: ErrorKind, diagnostics: Vec<Report>) -> Error {
        Error::new(kind, diagnostics)
    }

    /// Diagnostics that point into a policy's sources.
    pub(crate) fn in_policy<E>(
        kind: ErrorKind,
        sources: &Sources,
        errors: Vec<E>,
        file_of: impl Fn(&E) -> crate::source::FileId,
    ) -> Error
    where
        E: Diagnostic + Send + Sync + 'static,
    {
        let diagnostics = errors
            .into_iter()
            .map(|e| {
                let file = file_of(&e);
                Report::new(e).with_source_code(sources.named(file))
            })
            .collect();
        Error::new(kind, diagnostics)
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Every diagnostic, in the order found, as a miette report to draw.
    pub fn diagnostics(&self) -> &[Report] {
        &self.diagnostics
    }

    /// Every diagnostic, in the order found, as data: code, message, help, severity
    /// and location. The same records, in the same order, as [`Error::diagnostics`].
    pub fn records(&self) -> &[Record] {
        &self.records
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field(
                "diagnostics",
                &self
                    .diagnostics
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.diagnostics.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                let what = match self.kind {
                    ErrorKind::Io => "files could not be read",
                    ErrorKind::Policy => "errors in the policy",
                    ErrorKind::Facts => "errors in the facts",
                    ErrorKind::Eval => "evaluation errors",
                };
                write!(f, "{} {what}", many.len())
            }
        }
    }
}

impl std::error::Error for Error {}

impl Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self.diagnostics.as_slice() {
            [one] => one.code(),
            _ => None,
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self.diagnostics.as_slice() {
            [one] => one.help(),
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self.diagnostics.as_slice() {
            [one] => one.source_code(),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        match self.diagnostics.as_slice() {
            [one] => one.labels(),
            _ => None,
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        match self.diagnostics.as_slice() {
            [_] => None,
            many => Some(Box::new(many.iter().map(|r| r.as_ref() as &dyn Diagnostic))),
        }
    }
}
