//! Comments, which the syntax tree does not hold: found in the source text and attached
//! to the node that follows them (a declaration, a clause, a member), so the printer
//! can put each back in front of its node.

use std::collections::BTreeMap;

/// One `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The comment, `#` included, trailing spaces removed.
    pub(crate) text: String,
    /// Whether a blank line follows it in the source (kept, to separate a comment
    /// block from what it introduces).
    pub(crate) blank_after: bool,
    /// Whether code comes before it on its line: it is about that code.
    pub(crate) trailing: bool,
}

/// Every comment of a text, with the byte offset where it starts. `#` inside a string
/// is not a comment.
pub(crate) fn scan(text: &str) -> Vec<(usize, Comment)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let rest = &text[end..];
                // A blank line follows when the next line holds only spaces.
                let blank_after = rest
                    .strip_prefix('\n')
                    .map(|r| {
                        let line = r.split('\n').next().unwrap_or("");
                        r.contains('\n') && line.trim().is_empty()
                    })
                    .unwrap_or(false);
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                let trailing = !text[line_start..i].trim().is_empty();
                out.push((
                    i,
                    Comment {
                        text: text[i..end].trim_end().to_string(),
                        blank_after: blank_after && !trailing,
                        trailing,
                    },
                ));
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Comments grouped by the anchor (a node's start offset) they come before.
#[derive(Debug, Default)]
pub(crate) struct Attached {
    by_anchor: BTreeMap<usize, Vec<Comment>>,
    /// Comments after the last node.
    pub(crate) trailing: Vec<Comment>,
}

impl Attached {
    /// Attaches each comment to the first anchor at or after it; a comment after code
    /// on its line, to the last anchor before it (the node that code belongs to).
    pub(crate) fn new(comments: Vec<(usize, Comment)>, anchors: &[usize]) -> Attached {
        let mut anchors = anchors.to_vec();
        anchors.sort_unstable();
        anchors.dedup();
        let mut out = Attached::default();
        for (at, c) in comments {
            let before = anchors.iter().rev().find(|a| **a < at).copied();
            let after = anchors.iter().find(|a| **a >= at).copied();
            let anchor = if c.trailing { before.or(after) } else { after };
            match anchor {
                Some(a) => out.by_anchor.entry(a).or_default().push(c),
                None => out.trailing.push(c),
            }
        }
        out
    }

    /// Whether comments come before the node starting at `anchor`.
    pub(crate) fn has(&self, anchor: usize) -> bool {
        self.by_anchor.contains_key(&anchor)
    }

    /// The comments before the node starting at `anchor`, once.
    pub(crate) fn take(&mut self, anchor: usize) -> Vec<Comment> {
        self.by_anchor.remove(&anchor).unwrap_or_default()
    }

    /// Comments no node claimed (kept at the end rather than lost).
    pub(crate) fn rest(&mut self) -> Vec<Comment> {
        let mut out: Vec<Comment> = std::mem::take(&mut self.by_anchor)
            .into_values()
            .flatten()
            .collect();
        out.append(&mut self.trailing);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inside_strings_are_not_comments() {
        let found = scan("a \"# not \\\" # either\" # yes\n# two\n\nb");
        let texts: Vec<&str> = found.iter().map(|(_, c)| c.text.as_str()).collect();
        assert_eq!(texts, ["# yes", "# two"]);
        assert!(found[0].1.trailing && !found[0].1.blank_after);
        assert!(!found[1].1.trailing && found[1].1.blank_after);
    }

    #[test]
    fn comments_attach_to_the_next_anchor() {
        let mut a = Attached::new(scan("# a\nx # b\ny\n# c"), &[4, 10]);
        let at_x: Vec<String> = a.take(4).into_iter().map(|c| c.text).collect();
        assert_eq!(
            at_x,
            ["# a", "# b"],
            "a trailing comment stays with its line"
        );
        assert!(a.take(10).is_empty());
        assert_eq!(a.rest()[0].text, "# c");
    }
}
