//! The policies a service answers with: each loaded from its path, named after it, with
//! the revision (a content hash) of the sources it was checked from, swapped atomically
//! when it is reloaded.
//!
//! A reload checks the new version before anything changes: a version that does not
//! check is not loaded, the last good one keeps answering, and its diagnostics are kept
//! for `/health`. A request holds the `Arc` of the version it started with, so requests
//! in flight finish on the old version after a swap.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;

use asylon::{Diagnostic, Policy};

use super::lock;

/// One loaded version of a policy.
pub struct Loaded {
    /// The checked policy.
    pub policy: Policy,
    /// `sha256:` and the hex digest of its sources (file names and texts, in load
    /// order): the same rules give the same revision on any machine.
    pub revision: String,
    /// The revision as the header every answer carries, made once.
    pub revision_header: Option<axum::http::HeaderValue>,
    /// How deeply a fact set it accepts nests ([`Policy::facts_depth`]), found once.
    pub facts_depth: usize,
    /// One counter per outcome, in policy order: decisions in which it holds. Shared
    /// with the entry's [`Tally`], so that a request counts with one atomic add per
    /// holding outcome, no lock and no allocation.
    counters: Vec<Arc<AtomicU64>>,
}

/// Decisions in which each outcome of a policy holds, by outcome id: every outcome any
/// loaded version of the policy has had, so that after a reload an outcome keeps
/// counting where the last version left off (a Prometheus counter never goes back).
#[derive(Default)]
pub struct Tally(Mutex<BTreeMap<String, Arc<AtomicU64>>>);

impl Tally {
    /// The counters of `policy`'s outcomes, in policy order, made for ids new to it.
    fn counters(&self, policy: &Policy) -> Vec<Arc<AtomicU64>> {
        let checked = policy.checked();
        let mut known = lock(&self.0);
        (checked.outcomes.iter())
            .map(|&r| {
                let id = &checked.rule(r).name;
                Arc::clone(known.entry(id.clone()).or_default())
            })
            .collect()
    }

    /// Each outcome id ever loaded with its count, by id.
    pub fn counts(&self) -> Vec<(String, u64)> {
        (lock(&self.0).iter())
            .map(|(id, n)| (id.clone(), n.load(Ordering::Relaxed)))
            .collect()
    }
}

/// A policy the service answers with, under its name.
pub struct Entry {
    /// The name in the URL: the directory's (or file's, without `.asylon`) name.
    pub name: String,
    /// Where it is loaded from.
    pub path: PathBuf,
    current: ArcSwap<Loaded>,
    /// The diagnostics of the last reload that failed, cleared by one that succeeds.
    failed: Mutex<Option<Vec<Diagnostic>>>,
    /// What the files looked like when last read, to notice changes.
    stamp: Mutex<Stamp>,
    /// Decisions by outcome, across reloads.
    pub tally: Tally,
}

/// Every policy, in the order given on the command line.
#[derive(Default)]
pub struct Registry {
    entries: Vec<Entry>,
}

/// Names, sizes and modification times of a policy's files.
type Stamp = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// What a reload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// The sources are those already loaded.
    Unchanged,
    /// A new revision answers from now on.
    Swapped,
}

impl Loaded {
    /// Loads and checks the policy at `path`, counting its outcomes in `tally`.
    pub fn load(path: &Path, tally: &Tally) -> Result<Loaded, asylon::Error> {
        let policy = Policy::load(path)?;
        let revision = policy.revision();
        let counters = tally.counters(&policy);
        // A revision is `sha256:` and hex digits: always a valid header value.
        let revision_header = axum::http::HeaderValue::from_str(&revision).ok();
        Ok(Loaded {
            facts_depth: policy.facts_depth(),
            policy,
            revision,
            revision_header,
            counters,
        })
    }

    /// Counts a decision made by this version, given the status of each of its
    /// outcomes in policy order ([`asylon::Policy::evaluate_json_into`]), for each
    /// outcome that holds.
    pub fn count(&self, statuses: &[asylon::Status]) {
        for (counter, status) in self.counters.iter().zip(statuses) {
            if *status == asylon::Status::Holds {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// The name a policy is served under: its directory's name, or its file's without the
/// extension.
pub fn policy_name(path: &Path) -> String {
    let name = if path.is_dir() {
        path.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    } else {
        path.file_stem().map(|n| n.to_string_lossy().into_owned())
    };
    name.unwrap_or_else(|| path.display().to_string())
}

fn stamp(path: &Path) -> Stamp {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "asylon"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

impl Entry {
    /// The version answering now.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// The diagnostics of the last failed reload, if the last reload failed.
    pub fn failed(&self) -> Option<Vec<Diagnostic>> {
        lock(&self.failed).clone()
    }

    /// Loads the policy again; swaps it in when it checks and its sources changed.
    /// When it does not check, the last good version stays and the error is kept.
    pub fn reload(&self) -> Result<Reloaded, asylon::Error> {
        *lock(&self.stamp) = stamp(&self.path);
        match Loaded::load(&self.path, &self.tally) {
            Ok(new) => {
                *lock(&self.failed) = None;
                if new.revision == self.current.load().revision {
                    return Ok(Reloaded::Unchanged);
                }
                self.current.store(Arc::new(new));
                Ok(Reloaded::Swapped)
            }
            Err(e) => {
                *lock(&self.failed) = Some(e.records().to_vec());
                Err(e)
            }
        }
    }

    /// Whether the files changed since they were last read.
    pub fn changed(&self) -> bool {
        *lock(&self.stamp) != stamp(&self.path)
    }
}

impl Registry {
    /// Loads every policy; the first that does not check, or a name given twice, is
    /// the error.
    pub fn load(paths: &[String]) -> Result<Registry, asylon::Error> {
        let mut entries: Vec<Entry> = Vec::with_capacity(paths.len());
        for path in paths {
            let path = PathBuf::from(path);
            let before = stamp(&path);
            let tally = Tally::default();
            let loaded = Loaded::load(&path, &tally)?;
            let name = policy_name(&path);
            if entries.iter().any(|e| e.name == name) {
                return Err(asylon::Error::from_reports(
                    asylon::ErrorKind::Io,
                    vec![miette::miette!(
                        code = "asylon::serve::duplicate_name",
                        help = "serve policies from directories with different names",
                        "two policies would be served as `{name}`"
                    )],
                ));
            }
            entries.push(Entry {
                name,
                path,
                current: ArcSwap::from_pointee(loaded),
                failed: Mutex::new(None),
                stamp: Mutex::new(before),
                tally,
            });
        }
        Ok(Registry { entries })
    }

    /// The policy served as `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Every policy, in the order given.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "policy \"P\" version \"1\"\nfact a: bool \"a\"\noutcome yes when a title en \"yes\"\noutcome no when not a title en \"no\"\n";
    const V2: &str = "policy \"P\" version \"2\"\nfact a: bool \"a\"\noutcome maybe when a title en \"maybe\"\noutcome yes when a title en \"yes\"\n";

    fn decide(loaded: &Loaded, facts: &str) -> Vec<asylon::Status> {
        let options = asylon::EvalOptions::on("2024-06-17").expect("a date");
        (loaded.policy)
            .evaluate_json_into("case", facts, &options, &mut Vec::new())
            .expect("a decision")
    }

    #[test]
    fn outcomes_are_counted_per_policy_and_keep_counting_across_a_reload() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("p.asylon");
        std::fs::write(&file, V1).expect("written");
        let registry =
            Registry::load(&[file.display().to_string()]).expect("the first version loads");
        let entry = &registry.entries()[0];
        let v1 = entry.current();
        v1.count(&decide(&v1, r#"{"a": true}"#));
        v1.count(&decide(&v1, r#"{"a": false}"#));
        v1.count(&decide(&v1, "{}"));
        std::fs::write(&file, V2).expect("written");
        assert_eq!(
            entry.reload().expect("the new version loads"),
            Reloaded::Swapped
        );
        let v2 = entry.current();
        let both = decide(&v2, r#"{"a": true}"#);
        assert_eq!(both, [asylon::Status::Holds, asylon::Status::Holds]);
        v2.count(&both);
        // A request still on the old version counts where the new one does.
        v1.count(&decide(&v1, r#"{"a": true}"#));
        let counts = entry.tally.counts();
        let expected = [("maybe", 1), ("no", 1), ("yes", 3)].map(|(id, n)| (id.to_string(), n));
        assert_eq!(counts, expected);
    }
}
