//! The outline of a file (document symbols), the symbols of the whole policy
//! (workspace symbols), and the regions an editor can fold.

use super::index::SymbolKind;
use super::Analysis;
use crate::source::{FileId, Span};
use crate::syntax::ast::{Decl, FactGroup, GroupMember};

/// One entry of a file's outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineItem {
    /// The name shown.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// Its name.
    pub name_span: Span,
    /// Its members: a group's facts, an enum's variants.
    pub children: Vec<OutlineItem>,
}

/// A region an editor can fold: whole lines, from the byte offset of its first line to
/// that of its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    /// The region.
    pub span: Span,
    /// Whether it is a block of comments (else a declaration).
    pub comment: bool,
}

impl Analysis {
    /// The declarations of a file, in source order, groups and enums with their members.
    pub fn outline(&self, file: FileId) -> Vec<OutlineItem> {
        let Some(tree) = self.tree(file) else {
            return Vec::new();
        };
        tree.decls
            .iter()
            .map(|d| {
                let (kind, name, name_span, span) = match d {
                    Decl::Enum(e) => (SymbolKind::Enum, &e.name.text, e.name.span, e.span),
                    Decl::Fact(f) => (SymbolKind::Fact, &f.name.text, f.name.span, f.span),
                    Decl::FactGroup(g) => return group(g, ""),
                    Decl::Const(c) => (SymbolKind::Const, &c.name.text, c.name.span, c.span),
                    Decl::Define(x) => (SymbolKind::Define, &x.name.text, x.name.span, x.span),
                    Decl::Outcome(o) => (SymbolKind::Outcome, &o.name.text, o.name.span, o.span),
                    Decl::Exception(x) => {
                        (SymbolKind::Exception, &x.name.text, x.name.span, x.span)
                    }
                    Decl::Impossible(i) => {
                        (SymbolKind::Impossible, &i.name.text, i.name.span, i.span)
                    }
                    Decl::Test(t) => (SymbolKind::Test, &t.name.text, t.name.span, t.span),
                };
                let children = match d {
                    Decl::Enum(e) => e
                        .variants
                        .iter()
                        .map(|v| OutlineItem {
                            name: v.name.text.clone(),
                            kind: SymbolKind::Variant,
                            span: v
                                .labels
                                .last()
                                .map_or(v.name.span, |l| v.name.span.to(l.span)),
                            name_span: v.name.span,
                            children: Vec::new(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                OutlineItem {
                    name: name.clone(),
                    kind,
                    span,
                    name_span,
                    children,
                }
            })
            .collect()
    }

    /// The symbols of the whole policy whose names contain `query` (any case), in
    /// declaration order, with the place of their first declaration.
    pub fn workspace_symbols(&self, query: &str) -> Vec<(String, SymbolKind, Span)> {
        let query = query.to_lowercase();
        self.index()
            .symbols
            .iter()
            .filter(|s| s.name.to_lowercase().contains(&query))
            .map(|s| (s.name.clone(), s.kind, s.decls[0]))
            .collect()
    }

    /// The regions of a file an editor can fold: every declaration over more than one
    /// line, and every run of two or more comment lines.
    pub fn folds(&self, file: FileId) -> Vec<Fold> {
        let mut out = Vec::new();
        let text = self.text(file);
        let lines = self.lines(file);
        let mut add = |span: Span, comment: bool| {
            let first = lines.line_col(span.start as usize).line;
            let last = lines.line_col(span.end as usize).line;
            if last > first {
                out.push(Fold { span, comment });
            }
        };
        for item in self.outline(file) {
            add(item.span, false);
            for child in &item.children {
                if child.kind == SymbolKind::Group {
                    add(child.span, false);
                }
            }
        }
        let mut run: Option<(usize, usize)> = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let is_comment = line.trim_start().starts_with('#');
            match (&mut run, is_comment) {
                (Some((_, end)), true) => *end = offset + line.trim_end().len(),
                (None, true) => run = Some((offset, offset + line.trim_end().len())),
                (Some((start, end)), false) => {
                    add(Span::new(file, *start, *end), true);
                    run = None;
                }
                (None, false) => {}
            }
            offset += line.len();
        }
        if let Some((start, end)) = run {
            add(Span::new(file, start, end), true);
        }
        out.sort_by_key(|f| f.span.start);
        out
    }
}

fn group(g: &FactGroup, prefix: &str) -> OutlineItem {
    let name = format!("{prefix}{}", g.prefix.text);
    let children = g
        .members
        .iter()
        .map(|m| match m {
            GroupMember::Fact(f) => OutlineItem {
                name: format!("{name}.{}", f.name.text),
                kind: SymbolKind::Fact,
                span: f.span,
                name_span: f.name.span,
                children: Vec::new(),
            },
            GroupMember::Group(inner) => group(inner, &format!("{name}.")),
        })
        .collect();
    OutlineItem {
        name,
        kind: SymbolKind::Group,
        span: g.span,
        name_span: g.prefix.span,
        children,
    }
}
