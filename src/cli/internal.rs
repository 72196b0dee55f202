//! A bug must not show a Rust panic to a person: at the command line's boundary, a panic
//! becomes an "internal error" diagnostic with a code and what to report, and exit 3.
//!
//! The library panics as before, so that the fuzz targets (which call it directly) still
//! see every panic as a crash. Only the `asylon` binary installs the hook below.
//!
//! The panic's message is never shown or kept: it may quote a value, and the values are
//! facts about a person. Only where in asylon's source it happened is reported.

use std::io::Write;
use std::sync::Mutex;

use miette::{Diagnostic, Report};
use thiserror::Error;

use super::diagnostics;

/// The exit code of an internal error (0 done, 1 invalid input, 2 usage).
pub const EXIT: u8 = 3;

/// Where in asylon's source the last panic happened (`src/check/messages.rs:100`).
static LOCATION: Mutex<Option<String>> = Mutex::new(None);

/// A bug in asylon: what a person sees instead of a panic.
#[derive(Debug, Error, Diagnostic)]
#[error("internal error: asylon stopped on a bug{}", at_location(.location))]
#[diagnostic(
    code(asylon::internal),
    help(
        "this is a bug in asylon {version}, not a problem with the policy or the facts; please report it with the command you ran, the policy and this message, but never the facts: they are about a person"
    )
)]
pub struct Internal {
    /// Where in the source, when the panic hook saw it.
    location: Option<String>,
    /// asylon's version, for the report.
    version: &'static str,
}

fn at_location(location: &Option<String>) -> String {
    location
        .as_ref()
        .map(|l| format!(" (at {l})"))
        .unwrap_or_default()
}

/// Replaces the default panic message (which would quote the panic's text) by a note of
/// where it happened, for [`report`].
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        if let Ok(mut slot) = LOCATION.lock() {
            *slot = location;
        }
    }));
}

/// Prints the internal error on stderr (as JSON when the command was asked for JSON) and
/// gives its exit code.
pub fn report(json: bool) -> std::process::ExitCode {
    let location = LOCATION.lock().ok().and_then(|mut l| l.take());
    let report = Report::new(Internal {
        location,
        version: env!("CARGO_PKG_VERSION"),
    });
    if json {
        // The document every failed command prints with `--format json`.
        diagnostics::print_failed(&[asylon::Diagnostic::from_report(&report)]);
    } else {
        // Nothing more can be done when stderr itself is closed.
        let _ = std::io::stderr()
            .lock()
            .write_all(diagnostics::render(&report).as_bytes());
    }
    std::process::ExitCode::from(EXIT)
}

/// The environment variable that makes a debug build panic on purpose, so that the tests
/// can see what a person would see on a bug. A release build does not read it, and its
/// value must be exactly [`TEST_PANIC_VALUE`]: it cannot be set by accident.
#[cfg(debug_assertions)]
pub const TEST_PANIC_VAR: &str = "ASYLON_TEST_ONLY_PANIC";

/// The value of [`TEST_PANIC_VAR`] that panics.
#[cfg(debug_assertions)]
pub const TEST_PANIC_VALUE: &str = "panic on purpose: a test of the internal error";

/// Panics when a test asked for it (debug builds only, see [`TEST_PANIC_VAR`]).
pub fn panic_if_asked() {
    #[cfg(debug_assertions)]
    if std::env::var(TEST_PANIC_VAR).as_deref() == Ok(TEST_PANIC_VALUE) {
        panic!("{TEST_PANIC_VALUE}; a fact that must not be echoed: secret-fact-value");
    }
}
