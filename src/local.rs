//! What each thread keeps for each policy it decides for: its own copy of the policy's
//! texts, and the compiled evaluator's buffers.
//!
//! A decision holds the policy's texts as clones of shared [`Text`]s: cloning one adds to
//! its reference count, dropping it subtracts, both atomically. When two threads decided
//! with the same texts, each of those adds moved the count's cache line from one core to
//! the other, and a decision makes a few hundred of them: `asylon batch --jobs 2` took
//! twice the CPU of `--jobs 1` and finished no sooner (40 000 peer cases: 0.54–0.59 s
//! either way). With a copy per thread the counts stay in their core's cache, and two
//! jobs take 0.29–0.33 s (`docs/performance.md`, 6 December, sixth session).
//!
//! The copies are made by the same function as the first texts, so they are equal. A
//! thread makes its own the first time it decides for a policy, and forgets those of
//! policies dropped since when it makes the next.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use crate::compile::Scratch;
use crate::json::Heads;
use crate::text::Text;
use crate::texts::Texts;

/// Names one loaded policy, and its clones, to each thread's copies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Key(Arc<()>);

/// What one thread keeps for one policy.
pub(crate) struct Local {
    /// What its decisions take along.
    pub shared: Shared,
    /// The compiled evaluator's buffers, made at the first case it evaluates.
    pub scratch: Option<Scratch>,
}

/// What a thread's decisions for one policy take along: cheap to clone.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The case-independent texts.
    pub texts: Arc<Texts>,
    /// The outcomes' heads in a decision's JSON, made from those texts.
    pub heads: Arc<Heads>,
    /// The policy's revision.
    pub revision: Text,
}

struct Kept {
    of: Weak<()>,
    local: Local,
}

thread_local! {
    static KEPT: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with what this thread keeps for the policy named by `key`, made by `make` the
/// first time.
pub(crate) fn with<R>(
    key: &Key,
    make: impl FnOnce() -> Local,
    f: impl FnOnce(&mut Local) -> R,
) -> R {
    KEPT.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            // Only if `f` decided again for some policy: that decision has its own.
            return f(&mut make());
        };
        // A weak pointer keeps its allocation: no other key can have this address while
        // a copy names it.
        let at = kept
            .iter()
            .position(|k| k.of.as_ptr() == Arc::as_ptr(&key.0));
        let at = match at {
            Some(at) => at,
            None => {
                kept.retain(|k| k.of.strong_count() > 0);
                kept.push(Kept {
                    of: Arc::downgrade(&key.0),
                    local: make(),
                });
                kept.len() - 1
            }
        };
        f(&mut kept[at].local)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made(revision: &str) -> Local {
        Local {
            shared: Shared {
                texts: Arc::new(Texts::default()),
                heads: Arc::new(Heads::default()),
                revision: Text::shared(revision),
            },
            scratch: None,
        }
    }

    fn texts(key: &Key, revision: &str) -> Arc<Texts> {
        with(key, || made(revision), |l| Arc::clone(&l.shared.texts))
    }

    fn kept() -> usize {
        KEPT.with(|k| k.borrow().len())
    }

    #[test]
    fn a_thread_makes_its_copy_once_and_another_thread_makes_its_own() {
        let key = Key::default();
        let first = texts(&key, "r1");
        let again = with(
            &key.clone(),
            || unreachable!("made once per thread"),
            |l| Arc::clone(&l.shared.texts),
        );
        assert!(Arc::ptr_eq(&first, &again));
        let theirs = std::thread::scope(|s| {
            s.spawn(|| texts(&key, "r1"))
                .join()
                .expect("the thread decides")
        });
        assert!(!Arc::ptr_eq(&first, &theirs));
    }

    #[test]
    fn the_copies_of_a_dropped_policy_go_when_the_next_copy_is_made() {
        let before = kept();
        let dropped = Key::default();
        texts(&dropped, "old");
        assert_eq!(kept(), before + 1);
        drop(dropped);
        let key = Key::default();
        let revision = with(&key, || made("new"), |l| l.shared.revision.clone());
        assert_eq!(revision, "new");
        assert_eq!(kept(), before + 1);
    }

    #[test]
    fn deciding_inside_a_decision_makes_a_copy_of_its_own() {
        let key = Key::default();
        let outer = texts(&key, "r");
        let inner = with(&key, || made("r"), |_| texts(&key, "r"));
        assert!(!Arc::ptr_eq(&outer, &inner));
    }
}
