//! One decision drawn: an [`Explanation`]'s tree as a graph, each node with its value
//! (true, false, unknown) and the path that decided the outcome marked.
//!
//! The deciding path is what a person must change to change the verdict: under `all of`
//! that is false, the false parts (any one of them suffices); under `all of` that holds,
//! every part; `any of` the other way round; under an unknown node, its unknown parts.
//! An exception that applied decides the rule it defeats; one that may apply decides an
//! undetermined rule.

use crate::decision::Status;
use crate::explain::{ExceptionNode, Explanation, Node, NodeKind};

use super::{wrap, Graph, GraphEdge, GraphEdgeKind, GraphNode, GraphNodeKind, Truth};

/// The graph of one decision: the outcome, its condition as a tree (inputs to the left),
/// its exceptions with *unless* edges, the source quotes, and a note listing the unknown
/// facts that could still change it. Structural words (`all of`, `applies`) are English;
/// titles are in the explanation's language.
pub fn decision_graph(e: &Explanation) -> Graph {
    let mut d = Drawer {
        g: Graph {
            name: e.outcome.clone(),
            nodes: Vec::new(),
            edges: Vec::new(),
        },
        sources: Vec::new(),
    };
    let status = match e.status {
        Status::Holds => "holds",
        Status::DoesNotHold => "does not hold",
        Status::Undetermined => "undetermined",
    };
    let value = match e.status {
        Status::Holds => Truth::True,
        Status::DoesNotHold => Truth::False,
        Status::Undetermined => Truth::Unknown,
    };
    let top = d.add(
        GraphNodeKind::Outcome,
        format!("{}\n“{}”\n{status} as of {}", e.outcome, e.title, e.as_of),
        Some(value),
        true,
    );
    // The condition decides unless an exception defeated the outcome (then only that
    // exception did), or the condition held and an exception may apply.
    let defeated = !e.defeated_by.is_empty();
    let held_but_may_be_defeated =
        e.status == Status::Undetermined && truth(&e.condition.value) == Truth::True;
    let condition_decides = !(defeated || held_but_may_be_defeated);
    let c = d.node(&e.condition, condition_decides);
    d.edge(&c, &top, GraphEdgeKind::Reads, condition_decides);
    for x in &e.exceptions {
        let decides = if defeated {
            e.defeated_by.contains(&x.exception)
        } else {
            e.status == Status::Undetermined && x.applies.is_none()
        };
        let n = d.exception(x, decides);
        d.edge(&n, &top, GraphEdgeKind::Unless, decides);
    }
    for s in &e.sources {
        d.source(s, &top);
    }
    if !e.missing.is_empty() {
        let mut label = String::from("could still change it:");
        for m in &e.missing {
            label.push('\n');
            label.push_str(m);
        }
        let n = d.add(GraphNodeKind::Missing, label, Some(Truth::Unknown), false);
        d.edge(&n, &top, GraphEdgeKind::Reads, false);
    }
    d.g
}

struct Drawer {
    g: Graph,
    sources: Vec<(String, String)>,
}

impl Drawer {
    fn add(
        &mut self,
        kind: GraphNodeKind,
        label: String,
        value: Option<Truth>,
        decides: bool,
    ) -> String {
        let id = format!("n{}", self.g.nodes.len());
        self.g.nodes.push(GraphNode {
            id: id.clone(),
            kind,
            label: wrap(&label),
            value,
            decides,
        });
        id
    }

    fn edge(&mut self, from: &str, to: &str, kind: GraphEdgeKind, decides: bool) {
        self.g.edges.push(GraphEdge {
            from: from.to_string(),
            to: to.to_string(),
            kind,
            decides,
        });
    }

    /// Draws a condition node and everything under it; returns its id.
    fn node(&mut self, n: &Node, decides: bool) -> String {
        let value = truth(&n.value);
        let mut label = match n.kind {
            NodeKind::All => "all of".to_string(),
            NodeKind::Any => "any of".to_string(),
            NodeKind::Not => "not".to_string(),
            NodeKind::Rule => n.condition.clone(),
            // A comparison is drawn with the values it compared (`= 77 > 60`).
            NodeKind::Condition => n.with_values.clone().unwrap_or_else(|| n.condition.clone()),
        };
        if let Some(shown) = &n.shown {
            label.push_str(&format!(" = {shown}"));
        }
        if n.shown_above {
            label.push_str(" (drawn once)");
        }
        for (fact, v) in &n.facts {
            let v = if v.is_null() {
                "unknown".to_string()
            } else {
                v.to_string()
            };
            // A fact read as a `bool` is its own condition: one line says both.
            if label == *fact {
                label.push_str(&format!(" = {v}"));
            } else {
                label.push_str(&format!("\n{fact} = {v}"));
            }
        }
        let kind = match n.kind {
            NodeKind::Rule => GraphNodeKind::Definition,
            _ => GraphNodeKind::Condition,
        };
        let id = self.add(kind, label, Some(value), decides);
        // A rule defeated by an exception is decided by the exception, not its condition.
        let defeated = n.exceptions.iter().any(|x| x.applies == Some(true));
        for child in &n.children {
            let child_decides =
                decides && !defeated && child_decides(n, value, truth(&child.value));
            let c = self.node(child, child_decides);
            self.edge(&c, &id, GraphEdgeKind::Reads, child_decides);
        }
        for x in &n.exceptions {
            let x_decides = decides
                && match x.applies {
                    Some(true) => true,
                    None => value == Truth::Unknown,
                    Some(false) => false,
                };
            let c = self.exception(x, x_decides);
            self.edge(&c, &id, GraphEdgeKind::Unless, x_decides);
        }
        for s in &n.sources {
            self.source(s, &id);
        }
        id
    }

    fn exception(&mut self, x: &ExceptionNode, decides: bool) -> String {
        let (value, state) = match x.applies {
            Some(true) => (Truth::True, "applies"),
            Some(false) => (Truth::False, "does not apply"),
            None => (Truth::Unknown, "may apply"),
        };
        let mut label = format!("unless {}", x.exception);
        if !x.title.is_empty() {
            label.push_str(&format!("\n“{}”", x.title));
        }
        label.push_str(&format!("\n{state}"));
        if let Some(gives) = &x.gives {
            label.push_str(&format!(", gives {gives}"));
        }
        let id = self.add(GraphNodeKind::Exception, label, Some(value), decides);
        let c = self.node(&x.condition, decides);
        self.edge(&c, &id, GraphEdgeKind::Reads, decides);
        for sub in &x.exceptions {
            let sub_decides = decides && sub.applies != Some(false);
            let s = self.exception(sub, sub_decides);
            self.edge(&s, &id, GraphEdgeKind::Unless, sub_decides);
        }
        for s in &x.sources {
            self.source(s, &id);
        }
        id
    }

    /// One node per distinct quote, linked to each node it authorises.
    fn source(&mut self, quote: &str, to: &str) {
        let id = match self.sources.iter().find(|(q, _)| q == quote) {
            Some((_, id)) => id.clone(),
            None => {
                let id = self.add(GraphNodeKind::Source, format!("“{quote}”"), None, false);
                self.sources.push((quote.to_string(), id.clone()));
                id
            }
        };
        self.edge(&id, to, GraphEdgeKind::Authorises, false);
    }
}

fn truth(value: &serde_json::Value) -> Truth {
    match value {
        serde_json::Value::Bool(true) => Truth::True,
        serde_json::Value::Bool(false) => Truth::False,
        serde_json::Value::Null => Truth::Unknown,
        _ => Truth::Value,
    }
}

/// Whether a child with value `child` is on the deciding path of its parent `n`, whose
/// value is `value`.
fn child_decides(n: &Node, value: Truth, child: Truth) -> bool {
    match (n.kind, value) {
        (NodeKind::All, Truth::False) | (NodeKind::Any, Truth::True) => child == value,
        (NodeKind::All | NodeKind::Any, Truth::Unknown) => child == Truth::Unknown,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: serde_json::Value) -> Node {
        Node {
            kind: NodeKind::Condition,
            condition: "c".into(),
            value,
            shown: None,
            with_values: None,
            facts: Default::default(),
            rule: None,
            sources: Vec::new(),
            children: Vec::new(),
            exceptions: Vec::new(),
            shown_above: false,
        }
    }

    #[test]
    fn a_false_all_of_is_decided_by_its_false_parts_only() {
        let mut all = leaf(false.into());
        all.kind = NodeKind::All;
        all.children = vec![
            leaf(true.into()),
            leaf(false.into()),
            leaf(serde_json::Value::Null),
        ];
        let decided: Vec<bool> = all
            .children
            .iter()
            .map(|c| child_decides(&all, Truth::False, truth(&c.value)))
            .collect();
        assert_eq!(decided, [false, true, false]);
    }
}
