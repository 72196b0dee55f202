//! `asylon diff`: what differs between two versions of a policy — the outcomes they
//! decide differently, each with a fact set on which they disagree, the facts contract,
//! the texts people read. Exit codes as `diff(1)`: 0 alike, 1 different, 2 trouble.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use asylon::decision::Status;
use asylon::diff::{
    diff, ContractChange, ContractChangeKind, DiffOptions, DiffReport, TextChange, TextField,
    TextOwner, Which, DEFAULT_BUDGET,
};
use asylon::Policy;

use super::date_or_today;

/// Compares two policies and prints the report: exit 0 when they agree on everything
/// the report covers, 1 when they differ, 2 when either cannot be read (or the report
/// cannot be written).
pub fn run(
    old: &str,
    new: &str,
    as_of: Option<&str>,
    old_as_of: Option<&str>,
    json: bool,
) -> ExitCode {
    match compare(old, new, as_of, old_as_of, json) {
        Ok(code) => code,
        Err(error) => {
            super::diagnostics::print(&error, json);
            ExitCode::from(2)
        }
    }
}

fn compare(
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
    }
    .and_then(|()| out.flush());
    Ok(match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(2)
        }
        _ if report.differs() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
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
        if report.differs() {
            let accept = if report.contract.is_empty() {
                ""
            } else {
                " both accept"
            };
            let _ = writeln!(out, "\nTheir verdicts agree {scope}{accept}.");
        } else {
            let _ = writeln!(out, "\nThey agree {scope}.");
        }
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
    contract(&mut out, &report.contract);
    texts(&mut out, &report.texts);
    if report.complete {
        let _ = writeln!(
            out,
            "\nThe search was complete: no other outcome differs on any input{}.",
            if report.contract.is_empty() {
                ""
            } else {
                " both accept"
            }
        );
    } else {
        let _ = writeln!(out, "\nThe search was not complete:");
        for note in &report.incomplete {
            let _ = writeln!(out, "  - {note}");
        }
    }
    out
}

fn contract(out: &mut String, changes: &[ContractChange]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nThe facts changed:");
    for c in changes {
        let declared = |d: &Option<String>| d.clone().unwrap_or_default();
        let what = match c.change {
            ContractChangeKind::Added => format!("added {}: {}", c.fact, declared(&c.new)),
            ContractChangeKind::Removed => format!("removed {}: {}", c.fact, declared(&c.old)),
            ContractChangeKind::Renamed => {
                let from = c.renamed_from.as_deref().unwrap_or_default();
                let (o, n) = (declared(&c.old), declared(&c.new));
                if o == n {
                    format!("renamed {from} → {} (likely): {n}", c.fact)
                } else {
                    format!("renamed {from} → {} (likely): {o} → {n}", c.fact)
                }
            }
            ContractChangeKind::Type
            | ContractChangeKind::Bound
            | ContractChangeKind::Pattern
            | ContractChangeKind::Variants => format!(
                "{} {}: {} → {}",
                match c.change {
                    ContractChangeKind::Type => "type of",
                    ContractChangeKind::Bound => "bounds of",
                    ContractChangeKind::Pattern => "pattern of",
                    _ => "values of",
                },
                c.fact,
                declared(&c.old),
                declared(&c.new)
            ),
        };
        let _ = writeln!(out, "  {what}");
        match (&c.example, c.accepted_by) {
            (Some(example), Some(which)) => {
                let (yes, no) = match which {
                    Which::Old => ("old", "new"),
                    Which::New => ("new", "old"),
                };
                let _ = writeln!(
                    out,
                    "    the {yes} policy accepts, the {no} refuses: {example}"
                );
            }
            _ => {
                let _ = writeln!(out, "    no fact set tried tells them apart");
            }
        }
    }
}

fn texts(out: &mut String, changes: &[TextChange]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nThe texts changed:");
    for c in changes {
        let owner = match c.owner {
            TextOwner::Outcome => "outcome",
            TextOwner::Definition => "definition",
            TextOwner::Exception => "exception",
            TextOwner::Fact => "fact",
            TextOwner::Variant => "value",
        };
        let field = match c.field {
            TextField::Title => "title",
            TextField::Explanation => "explanation",
            TextField::Source => "source",
            TextField::Question => "question",
            TextField::Label => "label",
        };
        let lang = c
            .lang
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let quoted = |t: &Option<String>| t.as_ref().map(|t| format!("{t:?}"));
        let change = match (quoted(&c.old), quoted(&c.new)) {
            (Some(o), Some(n)) => format!("\n    - {o}\n    + {n}"),
            (Some(o), None) => format!("\n    - {o}"),
            (None, Some(n)) => format!("\n    + {n}"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "  {owner} {}, {field}{lang}:{change}", c.name);
    }
}
