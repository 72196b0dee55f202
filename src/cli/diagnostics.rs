//! Diagnostics on stderr: drawn for people, or one JSON object for editors and CI.

use std::io::{IsTerminal, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Report};

/// Prints every diagnostic of an error on stderr.
pub fn print(error: &asylon::Error, json: bool) {
    let mut err = std::io::stderr().lock();
    let text = if json {
        let all: Vec<serde_json::Value> = error.diagnostics().iter().map(to_json).collect();
        format!(
            "{}\n",
            serde_json::json!({ "ok": false, "diagnostics": all })
        )
    } else {
        error.diagnostics().iter().map(render).collect()
    };
    // Nothing more can be done when stderr itself is closed.
    let _ = err.write_all(text.as_bytes());
}

/// Diagnostics that are not an error (warnings), drawn on stderr.
pub fn print_reports(reports: &[Report]) {
    let text: String = reports.iter().map(render).collect();
    // Nothing more can be done when stderr itself is closed.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Diagnostics as a JSON list, for the `diagnostics` of a summary.
pub fn to_json_list(reports: &[Report]) -> Vec<serde_json::Value> {
    reports.iter().map(to_json).collect()
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

fn to_json(report: &Report) -> serde_json::Value {
    let d: &dyn Diagnostic = report.as_ref();
    let source = d.source_code();
    let labels: Vec<serde_json::Value> = d
        .labels()
        .into_iter()
        .flatten()
        .map(|label| {
            let (line, column, file) = source
                .and_then(|s| s.read_span(label.inner(), 0, 0).ok())
                .map(|c| (c.line() + 1, c.column() + 1, c.name().map(String::from)))
                .unwrap_or((0, 0, None));
            serde_json::json!({
                "label": label.label(),
                "file": file,
                "offset": label.offset(),
                "length": label.len(),
                "line": line,
                "column": column,
            })
        })
        .collect();
    let severity = match d.severity() {
        Some(miette::Severity::Warning) => "warning",
        Some(miette::Severity::Advice) => "advice",
        _ => "error",
    };
    serde_json::json!({
        "severity": severity,
        "code": d.code().map(|c| c.to_string()),
        "message": report.to_string(),
        "help": d.help().map(|h| h.to_string()),
        "labels": labels,
    })
}
