//! Each thread's own copy of a policy's texts.
//!
//! A decision holds the policy's texts as clones of shared [`Text`]s: cloning one adds to
//! its reference count, dropping it subtracts, both atomically. When two threads decided
//! with the same texts, each of those adds moved the count's cache line from one core to
//! the other, and a decision makes a few hundred of them: `asylon batch --jobs 2` took
//! twice the CPU of `--jobs 1` and finished no sooner (40 000 peer cases: 0.54–0.59 s
//! either way). With a copy per thread the counts stay in their core's cache, and two
//! jobs take 0.29–0.33 s (`docs/performance.md`, 6 December, sixth session).
//!
//! The copies are made by the same function as the first texts, so they are equal; a
//! thread makes one the first time it decides for a policy, and forgets the copies of
//! policies dropped since when it makes the next.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use crate::text::Text;
use crate::texts::Texts;

/// Names one loaded policy, and its clones, to each thread's copies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Key(Arc<()>);

/// A thread's copy of what every decision of one policy shares.
#[derive(Clone)]
pub(crate) struct Local {
    /// The case-independent texts.
    pub texts: Arc<Texts>,
    /// The policy's revision.
    pub revision: Text,
}

struct Copy {
    of: Weak<()>,
    local: Local,
}

thread_local! {
    static COPIES: RefCell<Vec<Copy>> = const { RefCell::new(Vec::new()) };
}

/// This thread's copy for the policy named by `key`, made by `make` the first time.
pub(crate) fn this_threads(key: &Key, make: impl FnOnce() -> Local) -> Local {
    COPIES.with(|copies| {
        let mut copies = copies.borrow_mut();
        // A weak pointer keeps its allocation: no other key can have this address while
        // a copy names it.
        if let Some(c) = copies.iter().find(|c| c.of.as_ptr() == Arc::as_ptr(&key.0)) {
            return c.local.clone();
        }
        copies.retain(|c| c.of.strong_count() > 0);
        let local = make();
        copies.push(Copy {
            of: Arc::downgrade(&key.0),
            local: local.clone(),
        });
        local
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(revision: &str) -> Local {
        Local {
            texts: Arc::new(Texts::default()),
            revision: Text::shared(revision),
        }
    }

    fn copies() -> usize {
        COPIES.with(|c| c.borrow().len())
    }

    #[test]
    fn a_thread_makes_its_copy_once_and_another_thread_makes_its_own() {
        let key = Key::default();
        let first = this_threads(&key, || made("r1"));
        let again = this_threads(&key.clone(), || unreachable!("made once per thread"));
        assert!(Arc::ptr_eq(&first.texts, &again.texts));
        let theirs = std::thread::scope(|s| {
            s.spawn(|| this_threads(&key, || made("r1")))
                .join()
                .expect("the thread decides")
        });
        assert!(!Arc::ptr_eq(&first.texts, &theirs.texts));
        assert_eq!(first.revision, theirs.revision);
    }

    #[test]
    fn the_copies_of_a_dropped_policy_go_when_the_next_copy_is_made() {
        let before = copies();
        let dropped = Key::default();
        this_threads(&dropped, || made("old"));
        assert_eq!(copies(), before + 1);
        drop(dropped);
        let key = Key::default();
        let local = this_threads(&key, || made("new"));
        assert_eq!(local.revision, "new");
        assert_eq!(copies(), before + 1);
    }
}
