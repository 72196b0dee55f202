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
    /// The strings of the program's own texts (dict keys, enum variants) by address and
    /// length, in a table indexed by a hash of the address: a `&'static str` is never
    /// freed, so its address names its text, and finding it needs neither hashing nor
    /// comparing the text (measured: 7 against 16 thousand instructions a decision).
    /// Two names on one slot take turns; the texts cache still has both.
    names: Vec<Option<Name>>,
}

/// A `&'static str`'s address and length, and its Python string.
struct Name {
    at: (usize, usize),
    string: Py<PyString>,
}

/// Slots for names (a power of two): some sixty field and variant names are in a
/// result; a table many times that size seldom puts two on one slot.
const NAME_SLOTS: usize = 1024;

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

    /// The Python string for one of the program's own texts (a field or variant name),
    /// borrowed from the cache: a dict takes its own reference to a key.
    pub fn name<'a, 'py>(
        &'a mut self,
        py: Python<'py>,
        name: &'static str,
    ) -> &'a Bound<'py, PyString> {
        let at = (name.as_ptr() as usize, name.len());
        // Fibonacci hashing: the multiplication's top bits depend on every bit of the
        // address, so names laid out side by side spread over the table.
        let hash = ((at.0 ^ at.1) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (hash >> (64 - NAME_SLOTS.trailing_zeros())) as usize;
        if self.names.is_empty() {
            // Made on first use: a call that finds the policy's cache held makes its own.
            self.names.resize_with(NAME_SLOTS, || None);
        }
        if !matches!(&self.names[slot], Some(kept) if kept.at == at) {
            let string = self.get(py, name).unbind();
            self.names[slot] = Some(Name { at, string });
        }
        // Filled just above when it held another name: the closure never runs.
        let kept = self.names[slot].get_or_insert_with(|| Name {
            at,
            string: PyString::new(py, name).unbind(),
        });
        kept.string.bind(py)
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
