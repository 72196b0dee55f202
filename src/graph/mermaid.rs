//! A [`Graph`] as a Mermaid flowchart, which GitHub, GitLab and many wikis draw from a
//! fenced `mermaid` block.
//!
//! The shapes and colours follow [`super::dot`]: facts stadiums, definitions boxes,
//! outcomes boxes with double sides, exceptions hexagons with a dotted *unless* link,
//! source quotes flags; in a decision, classes colour nodes by value and thick links
//! mark the deciding path.

use std::fmt::Write as _;

use super::{Graph, GraphEdgeKind, GraphNodeKind, Truth};

/// The graph as a Mermaid `flowchart LR`, nodes named `n0`, `n1`, … in order.
pub fn write(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    let index = |id: &str| g.nodes.iter().position(|n| n.id == id);
    for (i, n) in g.nodes.iter().enumerate() {
        let label = quoted(&n.label);
        let shape = match n.kind {
            GraphNodeKind::Fact => format!("([{label}])"),
            GraphNodeKind::Constant | GraphNodeKind::Condition => format!("({label})"),
            GraphNodeKind::Definition => format!("[{label}]"),
            GraphNodeKind::Outcome => format!("[[{label}]]"),
            GraphNodeKind::Exception => format!("{{{{{label}}}}}"),
            GraphNodeKind::Source | GraphNodeKind::Missing => format!(">{label}]"),
        };
        let _ = writeln!(out, "  n{i}{shape}");
    }
    let mut link_styles = Vec::new();
    let mut drawn = 0;
    for e in &g.edges {
        let (Some(from), Some(to)) = (index(&e.from), index(&e.to)) else {
            continue;
        };
        let arrow = match e.kind {
            GraphEdgeKind::Reads if e.decides => "==>",
            GraphEdgeKind::Reads => "-->",
            GraphEdgeKind::Unless => "-. unless .->",
            GraphEdgeKind::Authorises => "-.->",
        };
        let _ = writeln!(out, "  n{from} {arrow} n{to}");
        let style = match (e.kind, e.decides) {
            (GraphEdgeKind::Unless, true) => Some("stroke:#c62828,stroke-width:3px"),
            (GraphEdgeKind::Unless, false) => Some("stroke:#c62828"),
            (GraphEdgeKind::Authorises, _) => Some("stroke:#9e9e9e"),
            (GraphEdgeKind::Reads, _) => None,
        };
        if let Some(style) = style {
            link_styles.push(format!("  linkStyle {drawn} {style}"));
        }
        drawn += 1;
    }
    for style in link_styles {
        out.push_str(&style);
        out.push('\n');
    }
    let classes: [(&str, &str); 12] = [
        ("fact", "fill:#e8f0fe,stroke:#5f6368"),
        ("constant", "fill:#f1f3f4,stroke:#5f6368,stroke-dasharray:4"),
        ("definition", "fill:#ffffff,stroke:#5f6368"),
        ("outcome", "fill:#fde8c8,stroke:#5f6368,stroke-width:2px"),
        ("exception", "fill:#fce8e6,stroke:#5f6368"),
        ("source", "fill:#fffde7,stroke:#9e9e9e"),
        ("missing", "fill:#fff3cd,stroke:#5f6368"),
        ("is_true", "fill:#c8e6c9"),
        ("is_false", "fill:#ffcdd2"),
        ("is_unknown", "fill:#fff3cd"),
        ("is_value", "fill:#e0e0e0"),
        ("decides", "stroke:#000000,stroke-width:3px"),
    ];
    for (name, style) in classes {
        let members: Vec<String> = g
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| class_of(n).contains(&name))
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  classDef {name} {style}");
            let _ = writeln!(out, "  class {} {name}", members.join(","));
        }
    }
    out
}

/// The classes of a node: its kind, then its value and whether it decides (later
/// classes win where they set the same property).
fn class_of(n: &super::GraphNode) -> Vec<&'static str> {
    let mut out = vec![match n.kind {
        GraphNodeKind::Fact => "fact",
        GraphNodeKind::Constant => "constant",
        GraphNodeKind::Definition | GraphNodeKind::Condition => "definition",
        GraphNodeKind::Outcome => "outcome",
        GraphNodeKind::Exception => "exception",
        GraphNodeKind::Source => "source",
        GraphNodeKind::Missing => "missing",
    }];
    match n.value {
        Some(Truth::True) => out.push("is_true"),
        Some(Truth::False) => out.push("is_false"),
        Some(Truth::Unknown) => out.push("is_unknown"),
        Some(Truth::Value) => out.push("is_value"),
        None => {}
    }
    if n.decides {
        out.push("decides");
    }
    out
}

/// A Mermaid double-quoted label: the characters Mermaid reads as syntax (`"`, `#`, `<`,
/// `>`, `&`, a backquote) as entity codes, a line break as `<br>`; any other character
/// (accents, “quotes”) as itself.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br>"),
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
    fn syntax_characters_become_entities_and_newlines_breaks() {
        assert_eq!(
            quoted("a \"b\" #1 <c> & `d`\nniño"),
            "\"a #quot;b#quot; #35;1 #lt;c#gt; #amp; #96;d#96;<br>niño\""
        );
    }
}
