//! A [`Graph`] in Graphviz's DOT language: `asylon graph POLICY | dot -Tsvg > policy.svg`.
//!
//! Facts are ellipses, definitions rounded boxes, outcomes bold boxes, exceptions
//! hexagons with a dashed red *unless* edge to what they defeat, source quotes notes
//! with a dotted edge to what they authorise. In a decision, nodes are filled green
//! (true), red (false), yellow (unknown) or grey (a value), and the deciding path is
//! drawn thick.

use std::fmt::Write as _;

use super::{Graph, GraphEdgeKind, GraphNodeKind, Truth};

/// The graph as DOT text, nodes named `n0`, `n1`, … in order, each with its graph id as
/// its `id` (an SVG element id).
pub fn write(g: &Graph) -> String {
    let mut out = String::new();
    let decision = g.nodes.iter().any(|n| n.value.is_some());
    let _ = writeln!(out, "digraph {} {{", quoted(&g.name));
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, charset=\"UTF-8\", fontname=\"Helvetica\", nodesep=0.2, ranksep=0.6];"
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=white, color=\"#5f6368\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#5f6368\"];"
    );
    let index = |id: &str| g.nodes.iter().position(|n| n.id == id);
    for (i, n) in g.nodes.iter().enumerate() {
        let (shape, style, fill) = match n.kind {
            GraphNodeKind::Fact => ("ellipse", "filled", "#e8f0fe"),
            GraphNodeKind::Constant => ("ellipse", "filled,dashed", "#f1f3f4"),
            GraphNodeKind::Definition => ("box", "rounded,filled", "#ffffff"),
            GraphNodeKind::Outcome => ("box", "filled,bold", "#fde8c8"),
            GraphNodeKind::Exception => ("hexagon", "filled", "#fce8e6"),
            GraphNodeKind::Source => ("note", "filled", "#fffde7"),
            GraphNodeKind::Condition => ("box", "rounded,filled", "#ffffff"),
            GraphNodeKind::Missing => ("note", "filled", "#fff3cd"),
        };
        let fill = match n.value {
            Some(Truth::True) => "#c8e6c9",
            Some(Truth::False) => "#ffcdd2",
            Some(Truth::Unknown) => "#fff3cd",
            Some(Truth::Value) => "#e0e0e0",
            None => fill,
        };
        let _ = write!(
            out,
            "  n{i} [id={}, label={}, shape={shape}, style=\"{style}\", fillcolor=\"{fill}\"",
            quoted(&n.id),
            quoted(&n.label)
        );
        if n.decides {
            out.push_str(", penwidth=3, color=black");
        }
        out.push_str("];\n");
    }
    for e in &g.edges {
        let (Some(from), Some(to)) = (index(&e.from), index(&e.to)) else {
            continue;
        };
        let mut attrs: Vec<&str> = match e.kind {
            GraphEdgeKind::Reads => Vec::new(),
            GraphEdgeKind::Unless => vec![
                "label=\"unless\"",
                "style=dashed",
                "color=\"#c62828\"",
                "fontcolor=\"#c62828\"",
                "arrowhead=tee",
            ],
            GraphEdgeKind::Authorises => vec!["style=dotted", "color=\"#9e9e9e\"", "arrowhead=vee"],
        };
        if e.decides {
            attrs.push("penwidth=3");
            if e.kind == GraphEdgeKind::Reads {
                attrs.push("color=black");
            }
        } else if decision && e.kind == GraphEdgeKind::Reads {
            attrs.push("color=\"#bdbdbd\"");
        }
        if attrs.is_empty() {
            let _ = writeln!(out, "  n{from} -> n{to};");
        } else {
            let _ = writeln!(out, "  n{from} -> n{to} [{}];", attrs.join(", "));
        }
    }
    out.push_str("}\n");
    out
}

/// A DOT double-quoted string: `"` and `\` escaped, a line break as `\n` (centred), other
/// control characters as spaces; any other character (accents, “quotes”) as itself, in
/// UTF-8.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_newlines_and_accents_are_escaped() {
        assert_eq!(
            quoted("say \"no\"\\n\nniño\t“x”"),
            "\"say \\\"no\\\"\\\\n\\nniño “x”\""
        );
    }
}
