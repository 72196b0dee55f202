//! Many cases: `Policy.evaluate_iter` (an iterator of decisions, a run of cases at a
//! time) and `Policy.evaluate_many` (the same, as a list). The engine works with the GIL
//! released; with several jobs it works on worker threads (see `pipeline`) while the
//! Python thread reads cases and makes dicts. The results come in input order.

mod pipeline;

use std::collections::VecDeque;
use std::mem;
use std::sync::{Mutex, PoisonError};
use std::thread;

use asylon::{Decision, EvalOptions, Facts};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyModule};

use crate::policy::{Failure, Policy};
use pipeline::Pipeline;

/// How many cases one job decides between two trips to Python: no thread is started,
/// so a short run costs nothing, and its decisions are still in cache when their dicts
/// are made (with 256, `evaluate_iter` took a fifth more time per case than `evaluate`).
const RUN_ALONE: usize = 16;

/// How many cases go to a worker at a time with several jobs: enough that sending a
/// run and waking a worker (microseconds) costs little beside deciding it
/// (milliseconds), few enough that a run's decisions stay in cache and that the runs
/// in flight (`jobs` of them, and one being made into dicts) keep memory flat.
const RUN_PIPED: usize = 64;

/// The decisions of many cases, in order, made a run at a time as they are asked for.
/// A case that fails raises its exception (with `.index`) where it stands, or with
/// `errors="return"` is its exception in place of a decision. An exception raised by
/// the caller's iterator (or by a fact dict's own code) is raised where it stands too,
/// after the decisions of the cases before it.
#[pyclass(module = "asylon")]
pub struct Decisions {
    policy: Py<Policy>,
    cases: Cases,
    options: EvalOptions,
    /// Threads deciding: with 1 the Python thread decides (GIL released); with more,
    /// `jobs - 1` workers decide while the Python thread reads and makes dicts.
    jobs: usize,
    raise_first: bool,
    /// Decided, not yet asked for: kept as the library's decisions, made into dicts one
    /// at a time as they are asked for, so that few dicts are alive at once.
    ready: VecDeque<Result<Decision, Failure>>,
    /// Decisions made into dicts, for a worker to drop with the next run it takes.
    spent: Vec<Decision>,
    /// The workers, started when a caseload is longer than a run and there are several
    /// jobs. (In a lock only to be shareable between threads as a Python object must
    /// be; `&mut self` reaches it without locking.)
    pipeline: Option<Mutex<Pipeline>>,
    /// The index of the next result to give.
    read: usize,
    finished: bool,
}

/// The caller's cases, read a run at a time under the GIL (the facts are Python objects).
struct Cases {
    iter: Py<PyIterator>,
    /// Read to their end, or to an exception.
    done: bool,
    /// What Python raised while they were read: kept until the cases before it are given.
    raised: Option<PyErr>,
}

impl Cases {
    /// The next (at most) `n` cases' facts, or why each has none.
    fn read(&mut self, py: Python<'_>, policy: &Policy, n: usize) -> Vec<Result<Facts, Failure>> {
        let mut run = Vec::with_capacity(n);
        if self.done {
            return run;
        }
        let mut iter = self.iter.bind(py).clone();
        while run.len() < n {
            let read = match iter.next() {
                None => break,
                Some(Ok(case)) => policy.read_case(&case),
                Some(Err(e)) => Err(Failure::Raised(e)),
            };
            match read {
                Err(Failure::Raised(e)) => {
                    self.raised = Some(e);
                    break;
                }
                read => run.push(read),
            }
        }
        self.done = run.len() < n;
        run
    }
}

/// One case decided (or its failure kept).
fn decide(
    policy: &asylon::Policy,
    case: Result<Facts, Failure>,
    options: &EvalOptions,
) -> Result<Decision, Failure> {
    case.and_then(|facts| policy.evaluate(&facts, options).map_err(Failure::Asylon))
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
            cases: Cases {
                iter: cases.try_iter()?.unbind(),
                done: false,
                raised: None,
            },
            options,
            jobs,
            raise_first,
            ready: VecDeque::new(),
            spent: Vec::new(),
            pipeline: None,
            read: 0,
            finished: false,
        })
    }

    /// Decides the next run of cases into `ready`; false when there are no more.
    fn fill(&mut self, py: Python<'_>) -> PyResult<bool> {
        let policy = self.policy.get();
        if self.pipeline.is_none() {
            let first = self.cases.read(
                py,
                policy,
                if self.jobs == 1 { RUN_ALONE } else { RUN_PIPED },
            );
            if first.is_empty() {
                return Ok(false);
            }
            // One job, or a caseload of one run: not worth a thread.
            if self.jobs == 1 || self.cases.done {
                let (engine, options) = (policy.engine(), &self.options);
                let decided: Vec<_> = py.detach(|| {
                    first
                        .into_iter()
                        .map(|case| decide(engine, case, options))
                        .collect()
                });
                self.ready.extend(decided);
                return Ok(true);
            }
            let mut started = Pipeline::start(policy.engine(), &self.options, self.jobs - 1)?;
            started.send(first, Vec::new());
            self.pipeline = Some(Mutex::new(started));
        }
        let Some(pipeline) = self.pipeline.as_mut() else {
            return Ok(false);
        };
        let pipeline = pipeline.get_mut().unwrap_or_else(PoisonError::into_inner);
        // The workers' queue kept full, a run for each and one more, before waiting: they
        // decide while this thread makes the dicts of the run it takes now.
        while pipeline.in_flight() < self.jobs && !self.cases.done {
            let run = self.cases.read(py, policy, RUN_PIPED);
            if run.is_empty() {
                break;
            }
            pipeline.send(run, mem::take(&mut self.spent));
        }
        match pipeline.take(py)? {
            Some(decided) => {
                self.ready.extend(decided);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Stops deciding: the runs in flight are not wanted any more.
    fn finish(&mut self) {
        self.finished = true;
        self.ready.clear();
        self.pipeline = None;
    }

    /// The next decision (or returned exception), `None` at the end.
    pub fn next_item(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let result = loop {
            if let Some(result) = self.ready.pop_front() {
                break result;
            }
            if self.finished || !self.fill(py)? {
                self.finish();
                return match self.cases.raised.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
        };
        let index = self.read;
        self.read += 1;
        match result {
            Ok(decision) => {
                let dict = self.policy.get().to_python(py, &decision)?.unbind();
                if self.pipeline.is_some() {
                    self.spent.push(decision);
                }
                Ok(Some(dict))
            }
            Err(failure) => {
                let e = failure.exception(py)?;
                e.setattr("index", index)?;
                if self.raise_first {
                    self.finish();
                    self.cases.raised = None;
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

/// Python's full collections held off while `evaluate_many` builds its list, and the
/// collector's thresholds set back as they were when dropped, on error too.
///
/// A list of decisions is some forty dicts and lists per case, all alive until the list
/// is returned, and none in a reference cycle. Left as it is, the collector walks every
/// container alive again each time the long-lived ones have grown by a quarter: for a
/// growing list, over and over. Paused altogether (as this package did first), it walks
/// all of them once when it runs next, after the call, when none is in cache any more:
/// measured, 15–17 µs per case, as much as deciding it. With only the full collections
/// held off, the young collections still run, each over the few hundred containers made
/// last, still in cache, and move them on to the old generation; the caller's program
/// walks that generation in its own time, as it would any data it keeps (and a list
/// dropped by then is never walked at all). Measured over 10 000 peer cases, two jobs:
/// 28–31 µs per case against 37–60 with the collector paused.
///
/// Only where the thresholds mean that: CPython before 3.14 with the collector running
/// (3.14's incremental collector reads them otherwise; a caller who paused it keeps it
/// paused).
pub struct FullCollectionsHeldOff<'py> {
    /// The `gc` module and the thresholds to set back.
    held: Option<(Bound<'py, PyModule>, Bound<'py, PyAny>)>,
}

impl<'py> FullCollectionsHeldOff<'py> {
    /// Holds off full collections where that is possible; else changes nothing.
    pub fn hold(py: Python<'py>) -> PyResult<FullCollectionsHeldOff<'py>> {
        let gc = py.import("gc")?;
        let old_collector = py.version_info() < (3, 14);
        if !old_collector || !gc.call_method0("isenabled")?.is_truthy()? {
            return Ok(FullCollectionsHeldOff { held: None });
        }
        let thresholds = gc.call_method0("get_threshold")?;
        let (young, middle, _old): (u64, u64, u64) = thresholds.extract()?;
        gc.call_method1("set_threshold", (young, middle, i32::MAX))?;
        Ok(FullCollectionsHeldOff {
            held: Some((gc, thresholds)),
        })
    }
}

impl Drop for FullCollectionsHeldOff<'_> {
    fn drop(&mut self) {
        if let Some((gc, thresholds)) = &self.held {
            let set_back = thresholds
                .extract::<(u64, u64, u64)>()
                .and_then(|t| gc.call_method1("set_threshold", t).map(drop));
            if let Err(e) = set_back {
                e.write_unraisable(gc.py(), None);
            }
        }
    }
}
