//! The Python strings a policy's results are made of, made once and shared.
//!
//! Most of a decision's text is the same in every decision: outcome ids, titles,
//! explanations, sources, conditions as written, fact names, statuses, dict keys. Made
//! afresh for each decision they are most of `evaluate`'s time, and most of the memory of
//! a list of decisions; shared, a decision costs its dicts and lists and little more.
//! A Python `str` is immutable, so handing out the same object for the same text changes
//! nothing a caller can see but `is`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, TryLockError};

use foldhash::fast::RandomState;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// How many texts one cache keeps. A policy's own texts in all its languages are a few
/// thousand at most; the rest are one case's values (dates, interpolated titles), which
/// would otherwise grow the cache without end in a long-running process.
const MAX_TEXTS: usize = 16_384;

/// How many bytes of text one cache keeps, for the same reason.
const MAX_BYTES: usize = 2 << 20;

/// Texts and the Python strings made for them, up to a bound; past it, new texts are
/// made afresh each time and not kept.
#[derive(Default)]
pub struct Strings {
    texts: HashMap<Box<str>, Py<PyString>, RandomState>,
    bytes: usize,
}

impl Strings {
    /// The Python string for `text`: the kept one, or a new one (kept while there is
    /// room).
    pub fn get<'py>(&mut self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        if let Some(kept) = self.texts.get(text) {
            return kept.bind(py).clone();
        }
        let made = PyString::new(py, text);
        if self.texts.len() < MAX_TEXTS && self.bytes + text.len() <= MAX_BYTES {
            self.bytes += text.len();
            self.texts.insert(text.into(), made.clone().unbind());
        }
        made
    }
}

/// A policy's string cache, shared by every call on it.
#[derive(Default)]
pub struct SharedStrings(Mutex<Strings>);

/// The cache one call uses: the policy's, or its own when another call holds the
/// policy's.
pub enum InUse<'a> {
    /// The policy's cache, held for the call.
    Shared(MutexGuard<'a, Strings>),
    /// A cache of the call's own.
    Own(Strings),
}

impl SharedStrings {
    /// The policy's cache if no other call holds it, else an empty one of the call's
    /// own. Never waits: a call holding the cache makes Python objects, which may run
    /// Python code (a collector's finalizer) that switches threads or calls into this
    /// policy again; waiting there with the GIL held would deadlock.
    pub fn take(&self) -> InUse<'_> {
        match self.0.try_lock() {
            Ok(strings) => InUse::Shared(strings),
            // A panic while the cache was held leaves at worst a text not kept.
            Err(TryLockError::Poisoned(poisoned)) => InUse::Shared(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => InUse::Own(Strings::default()),
        }
    }
}

impl std::ops::Deref for InUse<'_> {
    type Target = Strings;

    fn deref(&self) -> &Strings {
        match self {
            InUse::Shared(strings) => strings,
            InUse::Own(strings) => strings,
        }
    }
}

impl std::ops::DerefMut for InUse<'_> {
    fn deref_mut(&mut self) -> &mut Strings {
        match self {
            InUse::Shared(strings) => strings,
            InUse::Own(strings) => strings,
        }
    }
}
