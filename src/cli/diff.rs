//! `asylon diff`: the outcomes two versions of a policy decide differently.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use asylon::decision::Status;
use asylon::diff::{diff, DiffOptions, DiffReport, DEFAULT_BUDGET};
use asylon::Policy;

use super::{date_or_today, exit_after_write};

/// Compares two policies and prints the report.
pub fn run(
    old: &str,
    new: &str,
    as_of: Option<&str>,
    old_as_of: Option<&str>,
    json: bool,
) -> Result<ExitCode, asylon::Error> {
    let options = DiffOptions {
        as_of: date_or_today(as_of)?,
        old_as_of: old_as_of.map(|d| date_or_today(Some(d))).transpose()?,
        budget: DEFAULT_BUDGET,
    };
    let old_policy = Policy::load(old)?;
    let new_policy = Policy::load(new)?;
    let report = diff(&old_policy, &new_policy, &options);
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write!(out, "{}", text(old, new, &options, &report))
    };
    Ok(exit_after_write(written))
}

fn verdict(s: Status) -> &'static str {
    match s {
        Status::Holds => "holds",
        Status::DoesNotHold => "does not hold",
        Status::Undetermined => "undetermined",
    }
}

fn text(old: &str, new: &str, options: &DiffOptions, report: &DiffReport) -> String {
    let mut out = String::new();
    let dates = match options.old_as_of {
        Some(d) if d != options.as_of => {
            format!("{old} as of {d} and {new} as of {}", options.as_of)
        }
        _ => format!("{old} and {new} as of {}", options.as_of),
    };
    let _ = writeln!(
        out,
        "Comparing {dates}: {} outcomes.",
        report.outcomes_compared
    );
    if report.differences.is_empty() {
        let scope = if report.complete {
            "on every input"
        } else {
            "on every input tried"
        };
        let _ = writeln!(out, "\nThey agree {scope}.");
    }
    for d in &report.differences {
        let only = match d.only_in.as_deref() {
            Some("new") => " (new outcome)",
            Some("old") => " (removed outcome)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "\n{}{only}: {} → {}",
            d.outcome,
            verdict(d.old),
            verdict(d.new)
        );
        let _ = writeln!(out, "  for example: {}", d.witness);
    }
    if report.complete {
        let _ = writeln!(
            out,
            "\nThe search was complete: no other outcome differs on any input."
        );
    } else {
        let _ = writeln!(out, "\nThe search was not complete:");
        for note in &report.incomplete {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}
