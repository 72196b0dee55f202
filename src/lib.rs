//! # asylon
//!
//! A small declarative policy language for asylum pathways. Policy authors write rules
//! in `.asylon` files — typed facts, outcomes citing the passage they implement,
//! exceptions declared where the law states them, texts in several languages — and
//! asylon evaluates them against case facts given as JSON, in Kleene three-valued logic:
//! a fact that was not given is *unknown*, never silently false, and an undetermined
//! outcome says which facts would decide it.
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
//! | parse and lower | [`syntax`] | [`syntax::ast::File`], spans on every node |
//! | resolve and check | [`check`] | [`checked::CheckedPolicy`]: slots, types, exceptions attached |
//! | read facts | [`facts`] | [`Facts`]: one slot per declared fact, validated |
//! | evaluate | `eval` (internal) and [`decision`] | [`Decision`] |
//! | explain | [`explain`] | [`explain::Explanation`]: why one outcome has its status, as a tree |
//! | interview | [`interview`], [`answer`] | the next question; an interview's answers as a fact file |
//! | compile, for many cases | [`compile`] | [`compile::Program`]: a straight-line program over registers, verdicts and missing facts in one pass, one case or 64 at once ([`compile::Lanes`]) |
//!
//! [`Policy`] ties the stages together; every error is a [`miette::Diagnostic`] that
//! points into the source it is about.
//!
//! ```
//! use asylon::{EvalOptions, Policy};
//!
//! let policy = Policy::from_source("ban.asylon", r#"
//!     policy "Ban" version "1"
//!     fact crossings: int at least 0 "average daily crossings"
//!     const threshold = 2500
//!     outcome ban_in_effect
//!       when crossings >= threshold
//!       title en "The ban is in effect" es "La prohibición está en vigor"
//! "#)?;
//! let options = EvalOptions::on("2024-06-17")?.lang("es");
//! let decision = policy.evaluate_json("case.json", r#"{"crossings": 3000}"#, &options)?;
//! assert_eq!(decision.outcomes[0].title, "La prohibición está en vigor");
//! # Ok::<(), asylon::Error>(())
//! ```
#![warn(missing_docs)]

pub mod answer;
pub mod check;
pub mod checked;
pub mod compile;
pub mod decision;
mod diagnostic;
pub mod diff;
mod error;
mod eval;
pub mod explain;
pub mod facts;
pub mod format;
pub mod interview;
pub mod limits;
pub mod message;
mod policy;
pub mod schema;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod value;

pub use decision::{Decision, Status};
pub use diagnostic::{Diagnostic, Location, Related, Severity};
pub use error::{Error, ErrorKind};
pub use eval::EvalError;
pub use facts::{Facts, FactsBuilder, FactsError, IntoFactValue};
pub use limits::{LimitError, Limits};
pub use policy::{EvalOptions, Policy};
