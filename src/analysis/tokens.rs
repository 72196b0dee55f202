//! Semantic tokens: each name of a file coloured for what it stands for, which a
//! grammar of words cannot know (`none` a variant, `unauthorized` a definition,
//! `ban_threshold` a constant).

use super::index::SymbolKind;
use super::Analysis;
use crate::source::{FileId, Span};

/// What a token is, in the order of [`TokenKind::ALL`] (the legend a server announces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A fact.
    Fact,
    /// A group of facts.
    Group,
    /// An enum.
    Enum,
    /// A variant.
    Variant,
    /// A constant.
    Const,
    /// A definition.
    Define,
    /// An outcome.
    Outcome,
    /// An exception.
    Exception,
    /// A consistency rule or a test.
    Other,
}

impl TokenKind {
    /// Every kind, in legend order.
    pub const ALL: [TokenKind; 9] = [
        TokenKind::Fact,
        TokenKind::Group,
        TokenKind::Enum,
        TokenKind::Variant,
        TokenKind::Const,
        TokenKind::Define,
        TokenKind::Outcome,
        TokenKind::Exception,
        TokenKind::Other,
    ];

    fn of(kind: SymbolKind) -> TokenKind {
        match kind {
            SymbolKind::Fact => TokenKind::Fact,
            SymbolKind::Group => TokenKind::Group,
            SymbolKind::Enum => TokenKind::Enum,
            SymbolKind::Variant => TokenKind::Variant,
            SymbolKind::Const => TokenKind::Const,
            SymbolKind::Define => TokenKind::Define,
            SymbolKind::Outcome => TokenKind::Outcome,
            SymbolKind::Exception => TokenKind::Exception,
            SymbolKind::Impossible | SymbolKind::Test => TokenKind::Other,
        }
    }
}

/// A name to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where.
    pub span: Span,
    /// What it stands for.
    pub kind: TokenKind,
    /// Whether it is declared here.
    pub declaration: bool,
}

impl Analysis {
    /// The names of a file to colour, in source order, none overlapping.
    pub fn tokens(&self, file: FileId) -> Vec<Token> {
        let mut out: Vec<Token> = self
            .index()
            .occurrences
            .iter()
            .filter(|o| o.span.file == file && o.span.end > o.span.start)
            .map(|o| Token {
                span: o.span,
                kind: TokenKind::of(self.index().symbol(o.symbol).kind),
                declaration: o.decl,
            })
            // A test's name is a string, coloured as one.
            .filter(|t| !(t.kind == TokenKind::Other && self.slice(t.span).starts_with('"')))
            .collect();
        out.sort_by_key(|t| (t.span.start, t.span.end));
        out.dedup_by(|b, a| b.span.start < a.span.end);
        out
    }
}
