//! `asylon test`: runs the tests written in a policy, with coverage on request.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use asylon::testing::{Coverage, TestReport};
use asylon::Policy;

use super::{exit_after_write, fail, Failure, Format};

/// Runs the tests; exit 1 when one fails.
/// With `filter`, only the tests whose name contains it.
pub(super) fn run(
    path: &str,
    format: Format,
    coverage: bool,
    filter: Option<&str>,
) -> Result<ExitCode, Failure> {
    let policy = Policy::load(path).map_err(fail(format))?;
    let report = match filter {
        Some(filter) => policy.run_tests_matching(coverage, filter),
        None => policy.run_tests(coverage),
    };
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_writer(&mut out, &report)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => write!(out, "{}", text(&report)),
    };
    let code = exit_after_write(written);
    if report.failed > 0 && code == ExitCode::SUCCESS {
        return Ok(ExitCode::from(1));
    }
    Ok(code)
}

/// The report for people: a line per test, a diff per failed expectation, a summary.
pub(super) fn text(report: &TestReport) -> String {
    let mut s = String::new();
    for t in &report.tests {
        if t.ok {
            let _ = writeln!(s, "ok    {}", t.name);
            continue;
        }
        let _ = writeln!(s, "FAIL  {}  ({}:{})", t.name, t.file, t.line);
        if let Some(e) = &t.error {
            let _ = writeln!(s, "      error: {e}");
        }
        for m in &t.failures {
            let _ = writeln!(s, "      expect {} (line {})", m.subject, m.line);
            if m.expected != m.actual {
                let _ = writeln!(s, "        - expected: {}", m.expected);
                let _ = writeln!(s, "        + actual:   {}", m.actual);
            }
            if let Some(want) = &m.expected_missing {
                if *want != m.actual_missing {
                    let _ = writeln!(s, "        - expected missing: {}", list(want));
                    let _ = writeln!(s, "        + actual missing:   {}", list(&m.actual_missing));
                }
            }
        }
    }
    let verdict = if report.failed == 0 { "ok" } else { "FAILED" };
    let filtered = report
        .filtered_out
        .map_or(String::new(), |n| format!(", {n} filtered out"));
    let _ = writeln!(
        s,
        "\n{} tests: {} passed, {} failed{filtered} — {verdict}",
        report.tests.len(),
        report.passed,
        report.failed
    );
    if let Some(c) = &report.coverage {
        s.push_str(&coverage_text(c));
    }
    s
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}

fn coverage_text(c: &Coverage) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "coverage: {} of {} outcomes, definitions, exceptions and consistency rules fully covered",
        c.covered, c.total
    );
    for item in c.items.iter().filter(|i| !i.covered) {
        let _ = writeln!(
            s,
            "  {}:{}: {} `{}` never {}",
            item.file,
            item.line,
            item.kind,
            item.name,
            item.missing.join(", never ")
        );
    }
    s
}
