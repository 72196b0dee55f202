//! Cycles among rules and exceptions: a rule whose value depends on itself, directly or
//! through its exceptions, has no value, so the policy is refused.

use super::CheckError;
use crate::checked::{ExceptionInfo, RuleId, RuleInfo};

/// How long a chain of rules using rules may be. Evaluation follows such a chain
/// recursively; this bound, with the expression depth bound, keeps it within the stack.
pub(crate) const MAX_RULE_DEPTH: usize = 128;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Rule(usize),
    Exception(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    OnStack,
    Done,
}

/// Reports each cycle once, at the first rule of it met in declaration order.
pub(super) fn find_cycles(
    rules: &[RuleInfo],
    exceptions: &[ExceptionInfo],
    rule_refs: &[Vec<RuleId>],
    exception_refs: &[Vec<RuleId>],
) -> Vec<CheckError> {
    let edges = |n: Node| -> Vec<Node> {
        let (refs, excs) = match n {
            Node::Rule(i) => (&rule_refs[i], &rules[i].exceptions),
            Node::Exception(i) => (&exception_refs[i], &exceptions[i].exceptions),
        };
        refs.iter()
            .map(|r| Node::Rule(r.0 as usize))
            .chain(excs.iter().map(|e| Node::Exception(e.0 as usize)))
            .collect()
    };
    let name = |n: Node| match n {
        Node::Rule(i) => rules[i].name.clone(),
        Node::Exception(i) => exceptions[i].name.clone(),
    };
    let span = |n: Node| match n {
        Node::Rule(i) => rules[i].span,
        Node::Exception(i) => exceptions[i].span,
    };

    let mut rule_marks = vec![Mark::New; rules.len()];
    let mut exc_marks = vec![Mark::New; exceptions.len()];
    // The longest chain of rules below each node, for the depth limit.
    let mut rule_depth = vec![0usize; rules.len()];
    let mut exc_depth = vec![0usize; exceptions.len()];
    let mut too_deep_reported = false;
    let mut errors = Vec::new();
    let starts = (0..rules.len())
        .map(Node::Rule)
        .chain((0..exceptions.len()).map(Node::Exception));
    for start in starts {
        let mark = |n: Node, marks: (&mut Vec<Mark>, &mut Vec<Mark>)| -> Mark {
            match n {
                Node::Rule(i) => marks.0[i],
                Node::Exception(i) => marks.1[i],
            }
        };
        if mark(start, (&mut rule_marks, &mut exc_marks)) != Mark::New {
            continue;
        }
        // Iterative depth-first search: a policy's rules may chain deeply.
        let mut stack: Vec<(Node, Vec<Node>, usize)> = vec![(start, edges(start), 0)];
        set(&mut rule_marks, &mut exc_marks, start, Mark::OnStack);
        while let Some((node, next, idx)) = stack.last_mut() {
            if *idx == next.len() {
                let node = *node;
                let below = next
                    .iter()
                    .map(|c| match c {
                        Node::Rule(i) => rule_depth[*i],
                        Node::Exception(i) => exc_depth[*i],
                    })
                    .max()
                    .unwrap_or(0);
                match node {
                    Node::Rule(i) => rule_depth[i] = below + 1,
                    Node::Exception(i) => exc_depth[i] = below + 1,
                }
                if below + 1 > MAX_RULE_DEPTH && !too_deep_reported {
                    too_deep_reported = true;
                    errors.push(CheckError::ChainTooDeep {
                        name: name(node),
                        limit: MAX_RULE_DEPTH,
                        span: span(node),
                    });
                }
                set(&mut rule_marks, &mut exc_marks, node, Mark::Done);
                stack.pop();
                continue;
            }
            let child = next[*idx];
            *idx += 1;
            let _ = node;
            match mark(child, (&mut rule_marks, &mut exc_marks)) {
                Mark::New => {
                    set(&mut rule_marks, &mut exc_marks, child, Mark::OnStack);
                    stack.push((child, edges(child), 0));
                }
                Mark::OnStack => {
                    let from = stack.iter().position(|(n, _, _)| *n == child).unwrap_or(0);
                    let mut chain: Vec<String> = stack[from..]
                        .iter()
                        .map(|(n, _, _)| format!("`{}`", name(*n)))
                        .collect();
                    chain.push(format!("`{}`", name(child)));
                    errors.push(CheckError::Cycle {
                        name: name(child),
                        chain: chain.join(" → "),
                        span: span(child),
                    });
                }
                Mark::Done => {}
            }
        }
    }
    errors
}

fn set(rules: &mut [Mark], exceptions: &mut [Mark], n: Node, m: Mark) {
    match n {
        Node::Rule(i) => rules[i] = m,
        Node::Exception(i) => exceptions[i] = m,
    }
}
