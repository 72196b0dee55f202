//! Many cases: `Policy.evaluate_iter` (an iterator of decisions, a run of cases at a
//! time) and `Policy.evaluate_many` (the same, as a list). The engine works on each run
//! with the GIL released, on several threads; the results come back in input order.

use std::collections::VecDeque;
use std::thread;

use asylon::{Decision, EvalOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyModule};

use crate::policy::{Failure, Policy};

/// How many cases each thread decides between two trips to Python when there are
/// several: enough that starting the threads costs little, few enough that facts,
/// decisions and the dicts made from them stay in cache and memory stays flat for a
/// caseload.
const RUN_PER_JOB: usize = 256;

/// How many cases one job decides between two trips to Python: no thread is started,
/// so a short run costs nothing, and its decisions are still in cache when their dicts
/// are made (with 256, `evaluate_iter` took a fifth more time per case than `evaluate`).
const RUN_ALONE: usize = 16;

/// The decisions of many cases, in order, made a run at a time as they are asked for.
/// A case that fails raises its exception (with `.index`) where it stands, or with
/// `errors="return"` is its exception in place of a decision.
#[pyclass(module = "asylon")]
pub struct Decisions {
    policy: Py<Policy>,
    cases: Py<PyIterator>,
    options: EvalOptions,
    jobs: usize,
    raise_first: bool,
    /// Decided, not yet asked for: kept as the library's decisions, made into dicts one
    /// at a time as they are asked for, so that few dicts are alive at once.
    ready: VecDeque<Result<Decision, Failure>>,
    /// The index of the next result to give.
    read: usize,
    finished: bool,
}

impl Decisions {
    /// An iterator over `cases`' decisions; `errors` is `"raise"` or `"return"`.
    pub fn new(
        policy: Py<Policy>,
        cases: &Bound<'_, PyAny>,
        options: EvalOptions,
        jobs: Option<usize>,
        errors: &str,
    ) -> PyResult<Decisions> {
        let raise_first = match errors {
            "raise" => true,
            "return" => false,
            other => {
                return Err(PyValueError::new_err(format!(
                    "errors must be \"raise\" or \"return\", not {other:?}"
                )))
            }
        };
        let jobs = jobs
            .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        Ok(Decisions {
            policy,
            cases: cases.try_iter()?.unbind(),
            options,
            jobs,
            raise_first,
            ready: VecDeque::new(),
            read: 0,
            finished: false,
        })
    }

    /// Reads the next run of cases and decides it; false when the input is exhausted.
    fn fill(&mut self, py: Python<'_>) -> PyResult<bool> {
        let mut cases = self.cases.bind(py).clone();
        let policy = self.policy.get();
        let run = match self.jobs {
            1 => RUN_ALONE,
            jobs => RUN_PER_JOB * jobs,
        };
        let mut values = Vec::with_capacity(run);
        for case in cases.by_ref().take(run) {
            // Read under the GIL (the facts are Python objects), decided without it.
            values.push(match policy.read_case(&case?) {
                Err(Failure::Raised(e)) => return Err(e),
                read => read,
            });
        }
        if values.is_empty() {
            return Ok(false);
        }
        let jobs = self.jobs.min(values.len().div_ceil(RUN_PER_JOB));
        let options = &self.options;
        self.ready
            .extend(py.detach(|| policy.decide_all(values, options, jobs)));
        Ok(true)
    }

    /// The next decision (or returned exception), `None` at the end.
    pub fn next_item(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if self.ready.is_empty() && (self.finished || !self.fill(py)?) {
            self.finished = true;
            return Ok(None);
        }
        let Some(result) = self.ready.pop_front() else {
            return Ok(None);
        };
        let index = self.read;
        self.read += 1;
        match result {
            Ok(decision) => Ok(Some(self.policy.get().to_python(py, &decision)?.unbind())),
            Err(failure) => {
                let e = failure.exception(py)?;
                e.setattr("index", index)?;
                if self.raise_first {
                    self.finished = true;
                    self.ready.clear();
                    return Err(PyErr::from_value(e));
                }
                Ok(Some(e.unbind()))
            }
        }
    }
}

#[pymethods]
impl Decisions {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.next_item(py)
    }
}

/// Python's cyclic garbage collector, paused while `evaluate_many` builds its list, and
/// set going again (if it was) when dropped, on error too.
///
/// A list of decisions is tens of dicts and lists per case, all alive until the list is
/// returned, and none in a reference cycle. Running, the collector would walk all of
/// them again and again as they pile up (it starts a pass every 700 new containers, and
/// every so often walks every container alive): measured, two fifths of the call's time
/// for 10 000 cases. Paused, it finds them all in its youngest generation when next it
/// runs, and walks them once or twice. Garbage cycles made meanwhile (by the caller's
/// iterator, or other threads) wait until then.
pub struct PausedCollector<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> PausedCollector<'py> {
    /// Pauses the collector if it runs; else (the caller paused it) leaves it be.
    pub fn pause(py: Python<'py>) -> PyResult<PausedCollector<'py>> {
        let gc = py.import("gc")?;
        if !gc.call_method0("isenabled")?.is_truthy()? {
            return Ok(PausedCollector { gc: None });
        }
        gc.call_method0("disable")?;
        Ok(PausedCollector { gc: Some(gc) })
    }
}

impl Drop for PausedCollector<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            if let Err(e) = gc.call_method0("enable") {
                e.write_unraisable(gc.py(), None);
            }
        }
    }
}
