//! The library's errors as the package's exception classes (`asylon.FactsError`,
//! `asylon.PolicyError`, `asylon.EvalError`, all `asylon.Error`), each carrying the
//! library's diagnostic records as dicts: the same code, message, help and location the
//! command line prints with `--format json`, never re-worded.

use asylon::{Diagnostic, ErrorKind, Location, Severity};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::convert::Unsupported;
use crate::pydata::to_python;
use crate::strings::Strings;

static FACTS_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static POLICY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EVAL_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The exception class for an error kind. A policy that cannot be read is a
/// `PolicyError` as much as one that does not check: both mean "no policy".
fn class(py: Python<'_>, kind: ErrorKind) -> PyResult<&Bound<'_, PyType>> {
    let (cell, name) = match kind {
        ErrorKind::Facts => (&FACTS_ERROR, "FactsError"),
        ErrorKind::Policy | ErrorKind::Io => (&POLICY_ERROR, "PolicyError"),
        ErrorKind::Eval => (&EVAL_ERROR, "EvalError"),
    };
    cell.import(py, "asylon._errors", name)
}

/// The exception instance for an error (not raised: `evaluate_many` may return it).
pub fn exception<'py>(py: Python<'py>, error: &asylon::Error) -> PyResult<Bound<'py, PyAny>> {
    instance(py, error.kind(), &error.to_string(), error.records())
}

/// The library's error as a Python exception to raise.
pub fn raise(py: Python<'_>, error: &asylon::Error) -> PyErr {
    match exception(py, error) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// A Python value with no fact form, as a `FactsError` shaped like the library's own
/// (a record with a code, the value's path and what to give instead).
pub fn unsupported_exception<'py>(
    py: Python<'py>,
    problem: &Unsupported,
) -> PyResult<Bound<'py, PyAny>> {
    let record = Diagnostic {
        code: "asylon::facts::python_value".into(),
        severity: Severity::Error,
        message: problem.message.clone(),
        help: Some(
            "give facts as bool, int, float, str, datetime.date, list, dict or None (unknown)"
                .into(),
        ),
        location: Some(Location::Fact {
            path: problem.path.clone(),
            line: None,
            column: None,
        }),
        related: Vec::new(),
    };
    instance(
        py,
        ErrorKind::Facts,
        &problem.message,
        std::slice::from_ref(&record),
    )
}

fn instance<'py>(
    py: Python<'py>,
    kind: ErrorKind,
    message: &str,
    records: &[Diagnostic],
) -> PyResult<Bound<'py, PyAny>> {
    let diagnostics = to_python(py, &mut Strings::default(), records)?;
    class(py, kind)?.call1((message, diagnostics))
}
