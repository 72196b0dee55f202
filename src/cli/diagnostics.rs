//! Diagnostics: drawn on stderr for people, or one JSON document on stdout for programs.
//!
//! The JSON document of a failed command is `{"ok": false, "errors": […], "warnings": […]}`,
//! each item an [`asylon::Diagnostic`] record; `check` prints the same two lists in its
//! summary when it succeeds.

use std::io::{IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, Report};
use serde::Serialize;

use asylon::{Diagnostic, Severity};

/// Prints every diagnostic of an error: drawn on stderr, or with `json` as one JSON
/// document on stdout.
pub fn print(error: &asylon::Error, json: bool) {
    if json {
        print_failed(error.records());
    } else {
        let text: String = error.diagnostics().iter().map(render).collect();
        // Nothing more can be done when stderr itself is closed.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// The JSON document of a failed command, on stdout.
pub fn print_failed(records: &[Diagnostic]) {
    let document = Failed {
        ok: false,
        lists: Lists::of(records),
    };
    let mut out = std::io::stdout().lock();
    // A record is plain data, and nothing more can be done when stdout is closed.
    let _ = serde_json::to_writer(&mut out, &document);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// What `--format json` prints when a command fails.
#[derive(Serialize)]
struct Failed<'a> {
    ok: bool,
    #[serde(flatten)]
    lists: Lists<'a>,
}

/// `errors` and `warnings`: records split by severity, each list in the order found.
#[derive(Serialize)]
pub struct Lists<'a> {
    errors: Vec<&'a Diagnostic>,
    warnings: Vec<&'a Diagnostic>,
}

impl Lists<'_> {
    /// The records split by severity.
    pub fn of(records: &[Diagnostic]) -> Lists<'_> {
        let (errors, warnings) = records.iter().partition(|r| r.severity == Severity::Error);
        Lists { errors, warnings }
    }
}

/// Diagnostics that are not an error (warnings), drawn on stderr.
pub fn print_reports(reports: &[Report]) {
    let text: String = reports.iter().map(render).collect();
    // Nothing more can be done when stderr itself is closed.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// One diagnostic, drawn with its source; colours only on a terminal.
pub fn render(report: &Report) -> String {
    let theme = if std::io::stderr().is_terminal() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("error: {report}\n");
    }
    out
}
