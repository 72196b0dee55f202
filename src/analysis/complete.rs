//! Completion: what may be written at the cursor, read from the words just before it
//! (`is`/`in` want a variant of the enum on their left, `to` a rule, `missing` facts)
//! and the index of the policy's names.

use super::index::{Symbol, SymbolKind};
use super::Analysis;
use crate::source::{FileId, Span};

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A declared name.
    Symbol(SymbolKind),
    /// A keyword of the language.
    Keyword,
    /// A declaration template, in the editor's snippet syntax (`${1:id}`).
    Snippet,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the menu shows.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A line more: a fact's type and group, an enum's name.
    pub detail: Option<String>,
    /// The text put in place of `replace`.
    pub insert: String,
    /// The name being typed, replaced by `insert`.
    pub replace: Span,
}

/// The words of the language, proposed where a name may be.
pub(super) const KEYWORDS: &[&str] = &[
    "and",
    "as",
    "ask",
    "at",
    "bool",
    "const",
    "contains",
    "date",
    "days",
    "decimal",
    "define",
    "does",
    "duration",
    "effective",
    "else",
    "empty",
    "enum",
    "exception",
    "expect",
    "explain",
    "fact",
    "facts",
    "false",
    "from",
    "given",
    "gives",
    "hold",
    "holds",
    "if",
    "impossible",
    "in",
    "int",
    "is",
    "known",
    "least",
    "list",
    "matching",
    "message",
    "missing",
    "months",
    "most",
    "not",
    "of",
    "or",
    "outcome",
    "policy",
    "since",
    "source",
    "string",
    "test",
    "then",
    "title",
    "to",
    "today",
    "true",
    "undetermined",
    "unknown",
    "unless",
    "until",
    "version",
    "when",
    "years",
];

const SNIPPETS: &[(&str, &str)] = &[
    (
        "outcome",
        "outcome ${1:id}\n  when ${2:condition}\n  title en \"${3:title}\"\n  source \"${4:the passage it implements}\"",
    ),
    (
        "exception",
        "exception ${1:name} to ${2:rule}\n  when ${3:condition}\n  source \"${4:the passage it implements}\"",
    ),
    (
        "test",
        "test \"${1:what it shows}\"\n  as of ${2:2024-06-17}\n  given { ${3} }\n  expect ${4:outcome} holds",
    ),
];

/// Where the cursor stands, read from the text before it.
#[derive(Debug, PartialEq, Eq)]
enum Context {
    /// After `x is`, `x in [`: a variant, of `x`'s enum when it has one.
    Variant(Option<String>),
    /// After `exception … to` or `expect`: a rule or exception.
    Rule,
    /// After `missing` in a test: facts.
    Fact,
    /// Anywhere else.
    Any,
}

impl Analysis {
    /// What may be written at `offset` of `file`.
    pub fn complete(&self, file: FileId, offset: usize) -> Vec<Completion> {
        let text = self.text(file);
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let typed_len = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .count();
        let start = offset - typed_len;
        let typed = &before[start..];
        let replace = Span::new(file, start, offset);
        let index = self.index();
        let item = |s: &Symbol| Completion {
            label: s.leaf().to_string(),
            kind: CompletionKind::Symbol(s.kind),
            detail: None,
            insert: s.leaf().to_string(),
            replace,
        };
        match context(&before[..start]) {
            Context::Variant(name) => {
                let enum_name = name
                    .and_then(|n| index.value(&n))
                    .and_then(|id| index.symbol(id).enum_name.clone());
                index
                    .symbols
                    .iter()
                    .filter(|s| s.kind == SymbolKind::Variant)
                    .filter(|s| enum_name.is_none() || s.enum_name == enum_name)
                    .map(|s| Completion {
                        detail: s.enum_name.clone(),
                        ..item(s)
                    })
                    .collect()
            }
            Context::Rule => index
                .symbols
                .iter()
                .filter(|s| {
                    matches!(
                        s.kind,
                        SymbolKind::Outcome | SymbolKind::Define | SymbolKind::Exception
                    )
                })
                .map(|s| Completion {
                    detail: Some(s.kind.word().to_string()),
                    ..item(s)
                })
                .collect(),
            Context::Fact => index
                .symbols
                .iter()
                .filter(|s| s.kind == SymbolKind::Fact)
                .map(|s| self.fact_item(s, replace))
                .collect(),
            Context::Any => {
                let mut out: Vec<Completion> = index
                    .symbols
                    .iter()
                    .filter(|s| {
                        !matches!(
                            s.kind,
                            SymbolKind::Variant
                                | SymbolKind::Test
                                | SymbolKind::Impossible
                                | SymbolKind::Enum
                        )
                    })
                    .map(|s| match s.kind {
                        SymbolKind::Fact => self.fact_item(s, replace),
                        SymbolKind::Group => Completion {
                            label: s.name.clone(),
                            insert: format!("{}.", s.name),
                            detail: Some("a group of facts".into()),
                            ..item(s)
                        },
                        _ => Completion {
                            detail: Some(s.kind.word().to_string()),
                            ..item(s)
                        },
                    })
                    .collect();
                if !typed.contains('.') {
                    out.extend(KEYWORDS.iter().map(|k| Completion {
                        label: k.to_string(),
                        kind: CompletionKind::Keyword,
                        detail: None,
                        insert: k.to_string(),
                        replace,
                    }));
                    out.extend(SNIPPETS.iter().map(|(label, body)| Completion {
                        label: label.to_string(),
                        kind: CompletionKind::Snippet,
                        detail: Some(format!("a new {label}")),
                        insert: body.to_string(),
                        replace,
                    }));
                }
                out.retain(|c| c.insert.starts_with(typed) || c.label.starts_with(typed));
                out
            }
        }
    }

    /// A fact, proposed by its full dotted name, its type and group beside it.
    fn fact_item(&self, s: &Symbol, replace: Span) -> Completion {
        let ty = self
            .tree(s.decls[0].file)
            .and_then(|_| self.describe_type(s))
            .unwrap_or_default();
        let group = s
            .name
            .rsplit_once('.')
            .map(|(g, _)| format!(" (facts {g})"))
            .unwrap_or_default();
        Completion {
            label: s.name.clone(),
            kind: CompletionKind::Symbol(SymbolKind::Fact),
            detail: Some(format!("{ty}{group}")),
            insert: s.name.clone(),
            replace,
        }
    }

    /// A fact's type as written, read from its declaration's text.
    fn describe_type(&self, s: &Symbol) -> Option<String> {
        let decl = self.slice(s.span);
        let after = decl.split_once(':')?.1;
        let end = after.find('"').unwrap_or(after.len());
        Some(
            after[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

/// The context of the cursor from the text before the name being typed.
fn context(before: &str) -> Context {
    let mut from = before.len().saturating_sub(400);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let mut tail = &before[from..];
    // In a list being written (`x in [a, `), the words before the bracket say.
    if let Some(open) = tail.rfind('[') {
        let inside = &tail[open + 1..];
        if inside
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,".contains(c) || c.is_whitespace())
        {
            tail = &tail[..open];
        }
    }
    let words: Vec<&str> = tail.split_whitespace().rev().take(3).collect();
    match words.as_slice() {
        ["in", "not", subject, ..] | ["not", "is", subject, ..] => {
            Context::Variant(Some(subject.to_string()))
        }
        ["is" | "in" | "contains", subject, ..] => Context::Variant(Some(subject.to_string())),
        ["is" | "in" | "contains"] => Context::Variant(None),
        ["to" | "expect", ..] => Context::Rule,
        ["missing", ..] => Context::Fact,
        _ if in_missing_list(tail) => Context::Fact,
        _ => Context::Any,
    }
}

/// Whether the cursor is in the list after `missing` (`missing a, b, `).
fn in_missing_list(tail: &str) -> bool {
    let line = tail.rsplit('\n').next().unwrap_or("");
    line.trim_end().ends_with(',') && line.contains("missing")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_before_the_cursor_say_what_comes() {
        assert_eq!(
            context("when entry.method is "),
            Context::Variant(Some("entry.method".into()))
        );
        assert_eq!(
            context("when entry.method is not "),
            Context::Variant(Some("entry.method".into()))
        );
        assert_eq!(
            context("when location in ["),
            Context::Variant(Some("location".into()))
        );
        assert_eq!(
            context("when location in [a, "),
            Context::Variant(Some("location".into()))
        );
        assert_eq!(context("exception x to "), Context::Rule);
        assert_eq!(context("  expect "), Context::Rule);
        assert_eq!(context("expect o undetermined, missing "), Context::Fact);
        assert_eq!(context("when a and "), Context::Any);
    }
}
