//! The policy as a picture, as DMN's decision requirements diagrams draw one: facts feed
//! definitions, definitions feed outcomes, an exception points at what it defeats with
//! an *unless* edge, and each source quote is a node of its own, linked to every rule it
//! authorises.
//!
//! A [`Graph`] is plain data: [`policy_graph`] builds one for a policy (or for the part
//! of it one outcome depends on), [`decision_graph`] one for a single decision — an
//! [`Explanation`](crate::explain::Explanation) drawn with each node's value and the
//! path that decided it. [`dot`] and [`mermaid`] write either for Graphviz and Mermaid;
//! the JSON form is the graph serialised.
//!
//! ```
//! use asylon::{graph, Policy};
//!
//! let policy = Policy::from_source("p.asylon", r#"
//!     policy "Ban"
//!     fact crossings: int "average daily crossings"
//!     fact child: bool "a child travelling alone"
//!     outcome ban_applies when crossings >= 2500 title en "The ban applies"
//!       source "The ban applies at 2,500 crossings a day."
//!     exception children to ban_applies when child
//! "#)?;
//! let graph = graph::policy_graph(&policy, None)?;
//! let dot = graph::dot::write(&graph);
//! assert!(dot.contains("label=\"unless\""));
//! # Ok::<(), asylon::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::checked::{CheckedPolicy, ExceptionId, Expr, ExprKind, RuleId, RuleKind, Target};
use crate::error::{Error, ErrorKind};
use crate::message::fold_whitespace;
use crate::Policy;

mod decision;
pub mod dot;
pub mod mermaid;

pub use decision::decision_graph;

/// A drawing: nodes and the edges between them, in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    /// What it draws: the policy's name, or the outcome a decision is about.
    pub name: String,
    /// The nodes.
    pub nodes: Vec<GraphNode>,
    /// The edges, each from an input to what reads it (or from an exception to what it
    /// defeats, from a source to what it authorises).
    pub edges: Vec<GraphEdge>,
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphNodeKind {
    /// A fact (an input).
    Fact,
    /// A constant.
    Constant,
    /// A definition.
    Definition,
    /// An outcome.
    Outcome,
    /// An exception.
    Exception,
    /// A source quote.
    Source,
    /// In a decision: a part of a condition (`all of`, a comparison, …).
    Condition,
    /// In a decision: the unknown facts that could still change it.
    Missing,
}

/// A node's value in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// It holds (an exception: it applies).
    True,
    /// It does not hold.
    False,
    /// It is unknown: a fact it needs was not given.
    Unknown,
    /// A value other than true or false (a date, a number), shown in its label.
    Value,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    /// Its id, unique in the graph (`fact:person.child`, `outcome:ban_applies`, `n3`).
    pub id: String,
    /// What it stands for.
    pub kind: GraphNodeKind,
    /// Its text; lines are separated by `\n`.
    pub label: String,
    /// In a decision: its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Truth>,
    /// In a decision: it is on the path that decided the outcome.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decides: bool,
}

/// What an edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphEdgeKind {
    /// `to` reads `from`.
    Reads,
    /// `from` is an exception that defeats `to` when it applies.
    Unless,
    /// `from` is a source quote `to` implements.
    Authorises,
}

/// One edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    /// The id of the node it starts at.
    pub from: String,
    /// The id of the node it ends at.
    pub to: String,
    /// What it means.
    pub kind: GraphEdgeKind,
    /// In a decision: it is on the path that decided the outcome.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decides: bool,
}

impl Graph {
    fn node(&mut self, id: String, kind: GraphNodeKind, label: String) {
        if !self.nodes.iter().any(|n| n.id == id) {
            self.nodes.push(GraphNode {
                id,
                kind,
                label,
                value: None,
                decides: false,
            });
        }
    }

    fn edge(&mut self, from: String, to: String, kind: GraphEdgeKind) {
        let edge = GraphEdge {
            from,
            to,
            kind,
            decides: false,
        };
        if !self.edges.contains(&edge) {
            self.edges.push(edge);
        }
    }

    /// Keeps only what `id` depends on (the nodes with a path to it), and `id` itself.
    fn keep_ancestors_of(&mut self, id: &str) {
        let mut keep = vec![id.to_string()];
        let mut i = 0;
        while i < keep.len() {
            for e in &self.edges {
                if e.to == keep[i] && !keep.contains(&e.from) {
                    keep.push(e.from.clone());
                }
            }
            i += 1;
        }
        self.nodes.retain(|n| keep.contains(&n.id));
        self.edges
            .retain(|e| keep.contains(&e.from) && keep.contains(&e.to));
    }
}

/// The graph of a policy: every fact, constant, definition, outcome, exception and
/// source quote, and what reads, defeats and authorises what; with `outcome`, only what
/// that outcome depends on. Titles are the English ones (else the first language).
/// An `outcome` the policy does not have is an error (`asylon::unknown_outcome`).
pub fn policy_graph(policy: &Policy, outcome: Option<&str>) -> Result<Graph, Error> {
    let p = policy.checked();
    let mut g = Graph {
        name: p.header.name.clone(),
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for fact in &p.facts {
        let ty = fact.ty.written(&|e| p.enum_info(e).name.clone());
        g.node(
            format!("fact:{}", fact.name),
            GraphNodeKind::Fact,
            format!("{}\n{ty}", fact.name),
        );
    }
    let mut sources: Vec<String> = Vec::new();
    for (i, rule) in p.rules.iter().enumerate() {
        let id = rule_id(p, RuleId(i as u32));
        let (kind, label) = match rule.kind {
            RuleKind::Const => (
                GraphNodeKind::Constant,
                format!(
                    "{} = {}",
                    rule.name,
                    fold_whitespace(p.text(rule.body.span))
                ),
            ),
            RuleKind::Define => (GraphNodeKind::Definition, rule.name.clone()),
            RuleKind::Outcome => (
                GraphNodeKind::Outcome,
                with_title(&rule.name, &title(&rule.title)),
            ),
        };
        g.node(id.clone(), kind, wrap(&label));
        reads(&mut g, p, &rule.body, &id);
        let quotes = rule
            .sources
            .iter()
            .chain(rule.versions.iter().flat_map(|v| &v.sources));
        for s in quotes {
            authorises(&mut g, &mut sources, s, &id);
        }
    }
    for (i, exc) in p.exceptions.iter().enumerate() {
        let id = exception_id(p, ExceptionId(i as u32));
        g.node(
            id.clone(),
            GraphNodeKind::Exception,
            wrap(&with_title(&exc.name, &title(&exc.title))),
        );
        reads(&mut g, p, &exc.when, &id);
        reads(&mut g, p, &exc.gives, &id);
        let target = match exc.target {
            Target::Rule(r) => rule_id(p, r),
            Target::Exception(x) => exception_id(p, x),
        };
        g.edge(id.clone(), target, GraphEdgeKind::Unless);
        for s in &exc.sources {
            authorises(&mut g, &mut sources, s, &id);
        }
    }
    if let Some(name) = outcome {
        let Some(r) = p.outcome_named(name) else {
            return Err(unknown_outcome(p, name));
        };
        g.keep_ancestors_of(&rule_id(p, r));
    }
    Ok(g)
}

fn rule_id(p: &CheckedPolicy, r: RuleId) -> String {
    let rule = p.rule(r);
    let kind = match rule.kind {
        RuleKind::Const => "const",
        RuleKind::Define => "define",
        RuleKind::Outcome => "outcome",
    };
    format!("{kind}:{}", rule.name)
}

fn exception_id(p: &CheckedPolicy, x: ExceptionId) -> String {
    format!("exception:{}", p.exception(x).name)
}

/// The English text of a message, else its first language's, interpolations as
/// `{name}`.
fn title(m: &crate::checked::Message) -> String {
    m.get("en")
        .map(|parts| {
            parts
                .iter()
                .map(|p| match p {
                    crate::checked::Part::Text(t) => t.clone(),
                    crate::checked::Part::Value(..) => "{…}".to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn with_title(name: &str, title: &str) -> String {
    if title.is_empty() {
        name.to_string()
    } else {
        format!("{name}\n“{}”", fold_whitespace(title))
    }
}

/// Adds an edge to `reader` from every fact and rule `e` reads directly (a rule's own
/// inputs are its edges).
fn reads(g: &mut Graph, p: &CheckedPolicy, e: &Expr, reader: &str) {
    match &e.kind {
        ExprKind::Fact(f) => g.edge(
            format!("fact:{}", p.fact(*f).name),
            reader.to_string(),
            GraphEdgeKind::Reads,
        ),
        ExprKind::Rule(r) => g.edge(rule_id(p, *r), reader.to_string(), GraphEdgeKind::Reads),
        _ => e.for_each_child(|c| reads(g, p, c, reader)),
    }
}

/// A node for the quote (one per distinct quote) and its edge to what it authorises.
fn authorises(g: &mut Graph, sources: &mut Vec<String>, quote: &str, rule: &str) {
    let quote = fold_whitespace(quote);
    let n = match sources.iter().position(|s| *s == quote) {
        Some(n) => n,
        None => {
            sources.push(quote.clone());
            sources.len() - 1
        }
    };
    let id = format!("source:{}", n + 1);
    g.node(
        id.clone(),
        GraphNodeKind::Source,
        wrap(&format!("“{quote}”")),
    );
    g.edge(id, rule.to_string(), GraphEdgeKind::Authorises);
}

/// Breaks a label's long lines at spaces, so a quote draws as a block, not a ribbon.
pub(crate) fn wrap(text: &str) -> String {
    const WIDTH: usize = 40;
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut width = 0;
        for (j, word) in line.split(' ').enumerate() {
            let w = word.chars().count();
            if j > 0 {
                if width + 1 + w > WIDTH {
                    out.push('\n');
                    width = 0;
                } else {
                    out.push(' ');
                    width += 1;
                }
            }
            out.push_str(word);
            width += w;
        }
    }
    out
}

fn unknown_outcome(p: &CheckedPolicy, outcome: &str) -> Error {
    let names: Vec<&str> = p
        .outcomes
        .iter()
        .map(|r| p.rule(*r).name.as_str())
        .collect();
    let help = crate::suggest::did_you_mean(outcome, names.iter().copied())
        .unwrap_or_else(|| format!("the outcomes of this policy are {}", names.join(", ")));
    Error::from_reports(
        ErrorKind::Policy,
        vec![miette::miette!(
            code = "asylon::unknown_outcome",
            help = help,
            "`{outcome}` is not an outcome of this policy"
        )],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces() {
        let text = "a quote long enough to need more than one line when it is drawn";
        let wrapped = wrap(text);
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 40),
            "{wrapped}"
        );
        assert_eq!(wrapped.replace('\n', " "), text);
    }
}
