//! Bounds on what asylon reads, so that no policy or fact set — written by many hands,
//! typed by strangers, sent to a server — can exhaust memory, time or the stack.
//!
//! | bound | default | configurable |
//! |---|---|---|
//! | size of one policy source file | 4 MiB | [`Limits::max_source_bytes`] |
//! | files in a policy directory | 1,000 | [`Limits::max_files`] |
//! | declarations in a policy | 20,000 | [`Limits::max_declarations`] |
//! | size of one fact set (JSON text) | 1 MiB | [`Limits::max_facts_bytes`] |
//! | length of one string in a fact set | 64 KiB | [`Limits::max_string_bytes`] |
//! | items in one list in a fact set | 10,000 | [`Limits::max_list_items`] |
//! | depth of an expression (operators and brackets on one path) | 128 | no |
//! | length of a chain of rules using rules | 128 | no |
//! | nesting of JSON arrays and objects | 128 | no (serde_json's bound) |
//!
//! The last three are fixed because every stage walks those structures recursively; they
//! are far beyond what a readable policy or fact set needs.

use miette::Diagnostic;
use thiserror::Error;

/// Configurable bounds; [`Limits::default`] gives the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest policy source file, in bytes.
    pub max_source_bytes: usize,
    /// The most `.asylon` files in a policy directory.
    pub max_files: usize,
    /// The most declarations (facts, enums, rules, exceptions, consistency rules) in a
    /// policy.
    pub max_declarations: usize,
    /// The largest fact set, in bytes of JSON text.
    pub max_facts_bytes: usize,
    /// The longest string in a fact set, in bytes.
    pub max_string_bytes: usize,
    /// The most items in one list of a fact set.
    pub max_list_items: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_source_bytes: 4 * 1024 * 1024,
            max_files: 1_000,
            max_declarations: 20_000,
            max_facts_bytes: 1024 * 1024,
            max_string_bytes: 64 * 1024,
            max_list_items: 10_000,
        }
    }
}

/// An input over one of the [`Limits`].
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// A policy file too large.
    #[error("`{file}` is {size} bytes, more than the limit of {limit} for a policy file")]
    #[diagnostic(
        code(asylon::limit::source_size),
        help("split the policy into several files, or raise `Limits::max_source_bytes`")
    )]
    SourceTooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// Too many files in a policy directory.
    #[error("`{dir}` has {count} `.asylon` files, more than the limit of {limit}")]
    #[diagnostic(
        code(asylon::limit::files),
        help("raise `Limits::max_files` if the policy really needs them")
    )]
    TooManyFiles {
        /// The directory.
        dir: String,
        /// How many files.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many declarations in a policy.
    #[error("the policy has {count} declarations, more than the limit of {limit}")]
    #[diagnostic(
        code(asylon::limit::declarations),
        help("raise `Limits::max_declarations` if the policy really needs them")
    )]
    TooManyDeclarations {
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A fact set too large.
    #[error("the facts are more than {limit} bytes")]
    #[diagnostic(code(asylon::limit::facts_size), help("one fact set describes one case; raise `Limits::max_facts_bytes` if it really needs more"))]
    FactsTooLarge {
        /// The limit.
        limit: usize,
    },
}
