//! `asylon graph`: the policy as a picture — DOT for Graphviz, a Mermaid flowchart, or
//! the graph as JSON. The drawing itself is the library's ([`asylon::graph`]).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::ValueEnum;

use asylon::graph::{dot, mermaid, policy_graph, Graph};
use asylon::Policy;

/// How a graph is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz's DOT: `asylon graph POLICY | dot -Tsvg > policy.svg`.
    Dot,
    /// A Mermaid flowchart, for a fenced `mermaid` block in Markdown.
    Mermaid,
    /// The nodes and edges as one JSON object.
    Json,
}

/// Prints the graph of the policy at `path`, or of the part `outcome` depends on (an
/// outcome the policy does not have is a usage error: exit 2, as for `explain`).
pub fn run(
    path: &str,
    format: GraphFormat,
    outcome: Option<&str>,
) -> Result<ExitCode, asylon::Error> {
    let policy = Policy::load(path)?;
    match policy_graph(&policy, outcome) {
        Ok(graph) => Ok(print(&graph, format)),
        Err(e) if super::explain::is_unknown_outcome(&e) => {
            super::diagnostics::print(&e, false);
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e),
    }
}

/// Writes a graph on standard output.
pub fn print(graph: &Graph, format: GraphFormat) -> ExitCode {
    let mut out = io::stdout().lock();
    let written = match format {
        GraphFormat::Dot => out.write_all(dot::write(graph).as_bytes()),
        GraphFormat::Mermaid => out.write_all(mermaid::write(graph).as_bytes()),
        GraphFormat::Json => serde_json::to_writer_pretty(&mut out, graph)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
    };
    super::exit_after_write(written)
}
