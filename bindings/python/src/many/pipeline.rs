//! The worker threads of `evaluate_iter` and `evaluate_many` with several jobs: they
//! decide runs of cases while the Python thread reads the next run and makes the last
//! one's decisions into dicts, so neither waits for the other unless it is ahead.
//!
//! Runs go out on one channel, oldest first, to whichever worker is free; each comes
//! back on a channel of its own, and the Python thread takes the replies in the order
//! it sent the runs, so the decisions keep the input's order. The workers never touch
//! Python (no GIL, no Python object): facts and decisions are the library's own types.

use std::collections::VecDeque;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use asylon::{Decision, EvalOptions, Facts};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use super::decide;
use crate::policy::Failure;

/// A run's decisions (or failures), in the run's order.
pub(super) type Decided = Vec<Result<Decision, Failure>>;

/// What a worker sends back: the decisions, or the panic that stopped it, raised again
/// on the Python thread (the library does not panic on any input, its fuzz targets
/// check that; if it ever did, the panic is Python's to see).
type Reply = thread::Result<Decided>;

/// A run of cases for a worker.
struct Run {
    cases: Vec<Result<Facts, Failure>>,
    /// Decisions the Python thread has made into dicts: dropping them (a tenth of a
    /// decision's cost, its trace and reasons) is the worker's work too.
    spent: Vec<Decision>,
    reply: SyncSender<Reply>,
}

/// Worker threads deciding runs of cases, and the replies not yet taken.
pub(super) struct Pipeline {
    /// Where runs go; `None` once stopping, which tells idle workers to leave.
    runs: Option<Sender<Run>>,
    /// The replies of the runs sent, oldest first.
    pending: VecDeque<Receiver<Reply>>,
    /// Set when the decisions are no longer wanted: a worker leaves at its next case.
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Pipeline {
    /// Starts `workers` threads deciding with `policy` and `options`.
    pub(super) fn start(
        policy: &asylon::Policy,
        options: &EvalOptions,
        workers: usize,
    ) -> io::Result<Pipeline> {
        let (runs, queue) = mpsc::channel::<Run>();
        let queue = Arc::new(Mutex::new(queue));
        let stop = Arc::new(AtomicBool::new(false));
        let mut pipeline = Pipeline {
            runs: Some(runs),
            pending: VecDeque::new(),
            stop: Arc::clone(&stop),
            workers: Vec::with_capacity(workers),
        };
        for _ in 0..workers {
            let (policy, options) = (policy.clone(), options.clone());
            let (queue, stop) = (Arc::clone(&queue), Arc::clone(&stop));
            let worker = thread::Builder::new()
                .name("asylon-decide".to_owned())
                .spawn(move || work(&policy, &options, &queue, &stop))?;
            // On an error above, dropping `pipeline` stops the workers already started.
            pipeline.workers.push(worker);
        }
        Ok(pipeline)
    }

    /// How many runs are sent and not yet taken back.
    pub(super) fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Sends a run of cases to be decided, with decisions for the worker to drop.
    pub(super) fn send(&mut self, cases: Vec<Result<Facts, Failure>>, spent: Vec<Decision>) {
        let (reply, replied) = mpsc::sync_channel(1);
        if let Some(runs) = &self.runs {
            // If every worker is gone the run is dropped with its reply's sender, and
            // taking the reply below says so.
            let _ = runs.send(Run {
                cases,
                spent,
                reply,
            });
        }
        self.pending.push_back(replied);
    }

    /// The oldest run's decisions, waiting for them with the GIL released if they are
    /// not ready yet; `None` when no run is out.
    pub(super) fn take(&mut self, py: Python<'_>) -> PyResult<Option<Decided>> {
        let Some(replied) = self.pending.pop_front() else {
            return Ok(None);
        };
        let reply = match replied.try_recv() {
            Ok(reply) => Ok(reply),
            // Ready is the usual case when the workers keep ahead: no GIL round trip.
            Err(TryRecvError::Empty) => py.detach(move || replied.recv()),
            Err(TryRecvError::Disconnected) => Err(mpsc::RecvError),
        };
        match reply {
            Ok(Ok(decided)) => Ok(Some(decided)),
            Ok(Err(panic)) => panic::resume_unwind(panic),
            // A worker catches its panics and replies to every run until stopped, and
            // only dropping the pipeline stops it: not expected, but not a panic here.
            Err(mpsc::RecvError) => Err(PyRuntimeError::new_err(
                "a thread deciding the cases stopped before it replied",
            )),
        }
    }
}

impl Drop for Pipeline {
    /// Stops the workers and waits for them: each leaves after the case it is deciding
    /// (they check between cases), so this waits for one case at most, and never for
    /// Python (the workers never take the GIL, so holding it here cannot deadlock).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.runs = None;
        self.pending.clear();
        for worker in self.workers.drain(..) {
            // A panic was caught and replied; one outside that is nobody's to see now.
            let _ = worker.join();
        }
    }
}

/// A worker: takes runs until there are none or it is told to stop.
fn work(
    policy: &asylon::Policy,
    options: &EvalOptions,
    queue: &Mutex<Receiver<Run>>,
    stop: &AtomicBool,
) {
    loop {
        // The lock is held while waiting: an idle worker waits on the lock instead of
        // the channel, which comes to the same. A poisoned lock cannot happen (nothing
        // panics while holding it) and would only mean leaving.
        let run = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        // The channel closed: the pipeline is being dropped.
        let Ok(Run {
            cases,
            spent,
            reply,
        }) = run
        else {
            return;
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let decided = panic::catch_unwind(AssertUnwindSafe(|| {
            drop(spent);
            cases
                .into_iter()
                .map_while(|case| {
                    (!stop.load(Ordering::Relaxed)).then(|| decide(policy, case, options))
                })
                .collect()
        }));
        // The Python thread may no longer want it (it raised, or stopped iterating).
        let _ = reply.send(decided);
    }
}
