//! `asylon explain`: why one outcome holds, does not hold or is undetermined, as an
//! indented tree for people or as JSON for tools.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::process::ExitCode;

use asylon::explain::{explain, ExceptionNode, Explanation, Node, NodeKind};
use asylon::internal::message::format_date;
use asylon::{EvalOptions, Policy, Status};

use super::graph::{print, GraphFormat};
use super::text::wrap;
use super::words::{explain_words, ExplainWords};
use super::Format;

/// How `asylon explain` writes its explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// An indented tree for people.
    Text,
    /// One JSON object for tools.
    Json,
    /// The decision drawn in Graphviz's DOT.
    Dot,
    /// The decision drawn as a Mermaid flowchart.
    Mermaid,
}

impl ExplainFormat {
    /// How diagnostics are printed: as JSON for `--format json`, else drawn on stderr.
    pub fn diagnostics(self) -> Format {
        match self {
            ExplainFormat::Json => Format::Json,
            _ => Format::Text,
        }
    }
}

/// Explains `outcome` for the facts in `facts` (a file, or `-` for stdin).
pub fn run(
    path: &str,
    facts: &str,
    outcome: &str,
    options: &EvalOptions,
    format: ExplainFormat,
) -> Result<ExitCode, asylon::Error> {
    let policy = Policy::load(path)?;
    let (name, text) = super::read_facts(facts, policy.limits().max_facts_bytes)?;
    // Evaluating the text first gives diagnostics that point into the file.
    policy.evaluate_json(&name, &text, options)?;
    let facts = policy.facts_from_named_json(&name, &text)?;
    let explanation = match explain(&policy, &facts, options, outcome) {
        Ok(e) => e,
        // An outcome id the policy does not have is a mistake in the command line.
        Err(e) if is_unknown_outcome(&e) => {
            super::diagnostics::print(&e, format == ExplainFormat::Json);
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e),
    };
    let graph = |format| print(&asylon::graph::decision_graph(&explanation), format);
    let mut out = io::stdout().lock();
    let written = match format {
        ExplainFormat::Json => serde_json::to_writer_pretty(&mut out, &explanation)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        ExplainFormat::Text => write!(out, "{}", render(&explanation)),
        ExplainFormat::Dot => return Ok(graph(GraphFormat::Dot)),
        ExplainFormat::Mermaid => return Ok(graph(GraphFormat::Mermaid)),
    };
    Ok(super::exit_after_write(written))
}

/// Whether the error is an outcome id the policy does not have: a mistake in the command
/// line (exit 2), not in the policy or the facts.
pub(super) fn is_unknown_outcome(e: &asylon::Error) -> bool {
    e.diagnostics().iter().any(|d| {
        d.code()
            .is_some_and(|c| c.to_string() == "asylon::unknown_outcome")
    })
}

/// The explanation as text.
pub fn render(e: &Explanation) -> String {
    let w = explain_words(&e.lang);
    let mut out = String::new();
    let (mark, status) = match e.status {
        Status::Holds => ("✓", w.holds),
        Status::DoesNotHold => ("✗", w.does_not_hold),
        Status::Undetermined => ("?", w.undetermined),
    };
    wrap(
        &mut out,
        &format!("{mark} {} [{}]", e.title, e.outcome),
        2,
        "",
    );
    let as_of =
        asylon::value::parse_date(&e.as_of).map_or(e.as_of.clone(), |d| format_date(d, &e.lang));
    let _ = writeln!(out, "  {status}, {} {as_of}", w.as_of);
    if !e.explanation.is_empty() {
        wrap(&mut out, "  ", 2, &e.explanation);
    }
    if e.conflict {
        wrap(&mut out, "  ", 2, &format!("! {}", w.conflict));
    }

    let _ = writeln!(out, "\n{}", w.why);
    node(&mut out, w, &e.condition, 1);

    if !e.exceptions.is_empty() {
        let _ = writeln!(out, "\n{}", w.exceptions);
        for x in &e.exceptions {
            exception(&mut out, w, x, 1, e.defeated_by.contains(&x.exception));
        }
    }
    if !e.missing.is_empty() {
        let _ = writeln!(out, "\n{}", w.missing);
        wrap(&mut out, "  ", 2, &e.missing.join(", "));
    }
    if !e.sources.is_empty() {
        let _ = writeln!(out, "\n{}", w.sources);
        for s in &e.sources {
            wrap(&mut out, "  ", 3, &format!("“{s}”"));
        }
    }
    out
}

fn mark(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Bool(true) => "✓",
        serde_json::Value::Bool(false) => "✗",
        serde_json::Value::Null => "?",
        _ => "•",
    }
}

/// A fact's value as a person reads it.
fn shown(w: &ExplainWords, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => w.unknown.to_string(),
        serde_json::Value::Bool(b) => (if *b { w.yes } else { w.no }).to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|i| shown(w, i)).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

fn node(out: &mut String, w: &ExplainWords, n: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let label = match n.kind {
        NodeKind::All => w.all_of.to_string(),
        NodeKind::Any => w.any_of.to_string(),
        NodeKind::Not => w.not.to_string(),
        NodeKind::Rule | NodeKind::Condition => {
            n.with_values.as_ref().unwrap_or(&n.condition).clone()
        }
    };
    let mut line = label;
    if let Some(value) = &n.shown {
        let _ = write!(line, " = {value}");
    }
    if n.shown_above {
        let _ = write!(line, " ({})", w.see_above);
    }
    if !n.facts.is_empty() {
        let facts: Vec<String> = n
            .facts
            .iter()
            .map(|(k, v)| format!("{k} = {}", shown(w, v)))
            .collect();
        let _ = write!(line, " ({})", facts.join(", "));
    }
    wrap(
        out,
        &format!("{indent}{}", mark(&n.value)),
        indent.len() + 4,
        &line,
    );
    for s in &n.sources {
        wrap(
            out,
            &format!("{indent}    {}:", w.source),
            indent.len() + 6,
            &format!("“{s}”"),
        );
    }
    for child in &n.children {
        node(out, w, child, depth + 1);
    }
    for x in &n.exceptions {
        exception(out, w, x, depth + 1, false);
    }
}

fn exception(out: &mut String, w: &ExplainWords, x: &ExceptionNode, depth: usize, defeated: bool) {
    let indent = "  ".repeat(depth);
    let (mark, state) = match x.applies {
        Some(true) => ("✓", w.applies),
        Some(false) => ("✗", w.does_not_apply),
        None => ("?", w.may_apply),
    };
    let mut line = format!("{} {}", w.exception, x.exception);
    if !x.title.is_empty() {
        let _ = write!(line, ": {}", x.title);
    }
    let _ = write!(line, " — {state}");
    if defeated {
        let _ = write!(line, ", {}", w.defeated);
    }
    if let Some(gives) = &x.gives {
        let _ = write!(line, " ({} {})", w.gives, shown(w, gives));
    }
    wrap(out, &format!("{indent}{mark}"), indent.len() + 4, &line);
    for s in &x.sources {
        wrap(
            out,
            &format!("{indent}    {}:", w.source),
            indent.len() + 6,
            &format!("“{s}”"),
        );
    }
    node(out, w, &x.condition, depth + 1);
    for sub in &x.exceptions {
        exception(out, w, sub, depth + 1, false);
    }
}
