//! # asylon
//!
//! A small declarative policy language for asylum pathways. Policy authors write rules
//! in `.asylon` files — typed facts, outcomes citing the passage they implement,
//! exceptions declared where the law states them, texts in several languages — and
//! asylon evaluates them against case facts, in Kleene three-valued logic: a fact that
//! was not given is *unknown*, never silently false, and an undetermined outcome says
//! which facts would decide it.
//!
//! This crate is the library every front end stands on: the `asylon` command (behind the
//! default feature `cli`; `default-features = false` compiles none of its terminal
//! crates), and any service, page or binding that embeds it.
//!
//! ## Embedding asylon
//!
//! Load a [`Policy`] once, then for each case read its [`Facts`], [`evaluate`] them into a
//! [`Decision`], and [`explain`] any outcome. An [`Error`] carries every diagnostic found,
//! each pointing into the policy or the facts it is about.
//!
//! [`evaluate`]: Policy::evaluate
//! [`explain`]: explain::explain
//!
//! ```
//! use asylon::{explain::explain, EvalOptions, Policy, Status};
//!
//! // Load: parse and check, once. `Policy::load("policies/…")` reads files instead.
//! let policy = Policy::from_source("ban.asylon", r#"
//!     policy "Ban" version "1"
//!     fact crossings: int at least 0 "average daily crossings"
//!     fact fears_return: bool "says they fear returning"
//!     const threshold = 2500
//!     outcome ban_in_effect
//!       when crossings >= threshold
//!       title en "The ban is in effect" es "La prohibición está en vigor"
//!     outcome screening
//!       when ban_in_effect and fears_return
//!       title en "Screened for fear" es "Entrevista de miedo"
//! "#)?;
//! let options = EvalOptions::on("2024-06-17")?;
//!
//! // Facts: a JSON object; a fact left out is unknown, never false.
//! let facts = policy.facts_from_json(r#"{"crossings": 3000}"#)?;
//! let decision = policy.evaluate(&facts, &options)?;
//! assert_eq!(decision.status("ban_in_effect"), Some(Status::Holds));
//! assert_eq!(decision.outcomes[0].title, "The ban is in effect");
//!
//! // What is missing: the undetermined outcome names the facts that would decide it.
//! assert_eq!(decision.status("screening"), Some(Status::Undetermined));
//! assert_eq!(decision.missing, ["fears_return"]);
//!
//! // Why: one outcome's condition as a tree, with the value of each part.
//! let why = explain(&policy, &facts, &options, "screening")?;
//! assert_eq!(why.missing, ["fears_return"]);
//!
//! // Invalid facts: an error with every diagnostic, not a panic.
//! let error = policy.facts_from_json(r#"{"crossings": -1}"#).unwrap_err();
//! assert_eq!(error.kind(), asylon::ErrorKind::Facts);
//! # Ok::<(), asylon::Error>(())
//! ```
//!
//! ## The pipeline
//!
//! ```text
//! source text ──syntax──▶ syntax tree ──check──▶ checked policy ──eval──▶ decision
//!  (.asylon)   parse+lower   (ast)     names,types,   (checked)   facts,   (decision)
//!                                      exceptions,                 today
//!                                      cycles
//! ```
//!
//! | stage | module | produces |
//! |---|---|---|
//! | parse and lower | `syntax` | a syntax tree, spans on every node |
//! | resolve and check | `check` | the checked policy (`checked`): slots, types, exceptions attached |
//! | read facts | [`facts`] | [`Facts`]: one slot per declared fact, validated |
//! | evaluate | `eval` and [`decision`] | [`Decision`] |
//! | explain | [`explain`] | [`Explanation`]: why one outcome has its status, as a tree |
//! | interview | [`interview`] | the next question; an interview's answers as a fact file |
//! | compile, for many cases | `compile` | a straight-line program over registers, one case or 64 at once |
//! | one line of `asylon batch` | `batch` | a result line: a compact result, a full decision or an error |
//!
//! ## Layers
//!
//! Each module imports only from the layers above it in this list, so no two stages
//! import each other:
//!
//! 1. `value`, `source`, `limits`, `suggest` (did you mean …?): plain data and helpers.
//! 2. `syntax` (parse + lower), `format`.
//! 3. `checked`, `lint`: the checked policy and its warnings, as data.
//! 4. [`facts`]: fact sets read against a checked policy.
//! 5. `eval`, `message`: three-valued evaluation; texts in a language.
//! 6. [`decision`], `testing`, `compile`.
//! 7. `check`: builds the checked policy from syntax trees; its conflict search and
//!    lints run the evaluator over the policy it built.
//! 8. `diagnostic`, `error`: an [`Error`] and its [`Diagnostic`] records.
//! 9. [`Policy`] (`policy`, and what each thread keeps for it: `local`), [`FactsBuilder`]
//!    (`builder`), `batch`, then [`explain`], [`interview`], [`diff`], [`schema`],
//!    [`graph`], and [`analysis`] (what an editor asks: `asylon lsp` is its front end).
//!
//! What the command line, the benchmarks, the fuzz targets and the tests need from the
//! inside is in `asylon::internal`, hidden from these docs and not a stable interface.
#![warn(missing_docs)]

// The public surface.
pub mod analysis;
pub mod decision;
pub mod diff;
pub mod explain;
pub mod facts;
pub mod format;
pub mod graph;
pub mod interview;
pub mod schema;
pub mod testing;
pub mod text;
pub mod value;

mod builder;
mod compared;
mod diagnostic;
mod error;
mod eval;
mod json;
mod local;
mod policy;
mod suggest;
mod texts;
mod written;

// The inside, hidden from the docs; reached through `internal` (older paths from the
// crate root keep compiling).
#[doc(hidden)]
pub mod answer;
#[doc(hidden)]
pub mod batch;
#[doc(hidden)]
pub mod check;
#[doc(hidden)]
pub mod checked;
#[doc(hidden)]
pub mod compile;
#[doc(hidden)]
pub mod limits;
#[doc(hidden)]
pub mod lint;
#[doc(hidden)]
pub mod message;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod syntax;

/// The inside of the library, for the `asylon` command, the benchmarks, the fuzz targets
/// and the tests: the syntax tree, the checker, the checked policy, the compiled
/// evaluator. Not a stable interface: an embedder uses the crate root.
#[doc(hidden)]
pub mod internal {
    pub use crate::{
        answer, batch, check, checked, compile, limits, lint, message, source, syntax,
    };
}

// The guide's examples run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/embedding.md")]
struct EmbeddingGuide;

#[doc(inline)]
pub use builder::{FactsBuilder, IntoFactValue};
pub use checked::FactId;
#[doc(inline)]
pub use decision::{Decision, Status};
pub use diagnostic::{Diagnostic, Location, Related, Severity};
#[doc(inline)]
pub use diff::{DiffOptions, DiffReport};
pub use error::{Error, ErrorKind};
pub use eval::EvalError;
#[doc(inline)]
pub use explain::Explanation;
#[doc(inline)]
pub use facts::{Facts, FactsError};
#[doc(inline)]
pub use interview::{Interview, Question};
pub use limits::{LimitError, Limits};
pub use lint::Lint;
pub use policy::{EvalOptions, Policy};
pub use text::Text;
