//! Between the analysis (spans, byte offsets) and the protocol (URIs, lines and UTF-16
//! columns). Nothing is worded here: messages, codes and help come from the library.

use std::path::{Path, PathBuf};

use asylon::analysis::{
    Analysis, CompletionKind, LineCol, Problem, ProblemSeverity, SymbolKind, TokenKind,
};
use asylon::internal::source::{FileId, Span};
use lsp_types as lsp;

/// The file a URI names.
pub fn path_of(uri: &lsp::Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

/// The URI of a file of an analysis (its name is its path).
pub fn uri_of(analysis: &Analysis, file: FileId) -> Option<lsp::Url> {
    lsp::Url::from_file_path(Path::new(analysis.name(file))).ok()
}

/// A protocol position as a byte offset.
pub fn offset(analysis: &Analysis, file: FileId, at: lsp::Position) -> usize {
    analysis.lines(file).offset(LineCol {
        line: at.line,
        col: at.character,
    })
}

fn position(analysis: &Analysis, file: FileId, offset: usize) -> lsp::Position {
    let at = analysis.lines(file).line_col(offset);
    lsp::Position::new(at.line, at.col)
}

/// A span as a range of its file.
pub fn range(analysis: &Analysis, span: Span) -> lsp::Range {
    lsp::Range::new(
        position(analysis, span.file, span.start as usize),
        position(analysis, span.file, span.end as usize),
    )
}

/// A span as a location.
pub fn location(analysis: &Analysis, span: Span) -> Option<lsp::Location> {
    Some(lsp::Location::new(
        uri_of(analysis, span.file)?,
        range(analysis, span),
    ))
}

/// A problem as a diagnostic: its code, severity, message with its help, and the
/// other places it involves.
pub fn diagnostic(analysis: &Analysis, p: &Problem) -> lsp::Diagnostic {
    let severity = match p.severity {
        ProblemSeverity::Error => lsp::DiagnosticSeverity::ERROR,
        ProblemSeverity::Warning => lsp::DiagnosticSeverity::WARNING,
        ProblemSeverity::Info => lsp::DiagnosticSeverity::INFORMATION,
    };
    let message = match &p.help {
        Some(help) => format!("{}\nhelp: {help}", p.message),
        None => p.message.clone(),
    };
    let related: Vec<_> = p
        .related
        .iter()
        .filter_map(|(span, label)| {
            Some(lsp::DiagnosticRelatedInformation {
                location: location(analysis, *span)?,
                message: label.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(analysis, p.span),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(p.code.clone())),
        source: Some("asylon".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// Edits spread over files, as a workspace edit.
pub fn workspace_edit(analysis: &Analysis, edits: &[(Span, String)]) -> lsp::WorkspaceEdit {
    let mut changes: std::collections::HashMap<lsp::Url, Vec<lsp::TextEdit>> = Default::default();
    for (span, text) in edits {
        if let Some(uri) = uri_of(analysis, span.file) {
            changes
                .entry(uri)
                .or_default()
                .push(lsp::TextEdit::new(range(analysis, *span), text.clone()));
        }
    }
    lsp::WorkspaceEdit::new(changes)
}

/// The protocol's kind of symbol for a kind of declaration.
pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Fact => lsp::SymbolKind::FIELD,
        SymbolKind::Group => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Enum => lsp::SymbolKind::ENUM,
        SymbolKind::Variant => lsp::SymbolKind::ENUM_MEMBER,
        SymbolKind::Const => lsp::SymbolKind::CONSTANT,
        SymbolKind::Define => lsp::SymbolKind::FUNCTION,
        SymbolKind::Outcome => lsp::SymbolKind::EVENT,
        SymbolKind::Exception => lsp::SymbolKind::OPERATOR,
        SymbolKind::Impossible => lsp::SymbolKind::BOOLEAN,
        SymbolKind::Test => lsp::SymbolKind::METHOD,
    }
}

/// The protocol's kind of completion.
pub fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        CompletionKind::Symbol(kind) => match kind {
            SymbolKind::Fact => lsp::CompletionItemKind::FIELD,
            SymbolKind::Group => lsp::CompletionItemKind::MODULE,
            SymbolKind::Enum => lsp::CompletionItemKind::ENUM,
            SymbolKind::Variant => lsp::CompletionItemKind::ENUM_MEMBER,
            SymbolKind::Const => lsp::CompletionItemKind::CONSTANT,
            SymbolKind::Define => lsp::CompletionItemKind::FUNCTION,
            SymbolKind::Outcome => lsp::CompletionItemKind::EVENT,
            SymbolKind::Exception => lsp::CompletionItemKind::OPERATOR,
            SymbolKind::Impossible | SymbolKind::Test => lsp::CompletionItemKind::TEXT,
        },
    }
}

/// The semantic token types, in [`TokenKind::ALL`] order.
pub fn token_legend() -> lsp::SemanticTokensLegend {
    let types = TokenKind::ALL
        .iter()
        .map(|k| match k {
            TokenKind::Fact => lsp::SemanticTokenType::VARIABLE,
            TokenKind::Group => lsp::SemanticTokenType::NAMESPACE,
            TokenKind::Enum => lsp::SemanticTokenType::ENUM,
            TokenKind::Variant => lsp::SemanticTokenType::ENUM_MEMBER,
            TokenKind::Const => lsp::SemanticTokenType::PROPERTY,
            TokenKind::Define => lsp::SemanticTokenType::FUNCTION,
            TokenKind::Outcome => lsp::SemanticTokenType::EVENT,
            TokenKind::Exception => lsp::SemanticTokenType::MACRO,
            TokenKind::Other => lsp::SemanticTokenType::METHOD,
        })
        .collect();
    lsp::SemanticTokensLegend {
        token_types: types,
        token_modifiers: vec![lsp::SemanticTokenModifier::DECLARATION],
    }
}

/// A file's tokens, encoded relative to each other as the protocol wants.
pub fn tokens(analysis: &Analysis, file: FileId) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in analysis.tokens(file) {
        let start = analysis.lines(file).line_col(t.span.start as usize);
        let end = analysis.lines(file).line_col(t.span.end as usize);
        if end.line != start.line {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.col - col
        } else {
            start.col
        };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.col - start.col,
            token_type: TokenKind::ALL
                .iter()
                .position(|k| *k == t.kind)
                .unwrap_or(0) as u32,
            token_modifiers_bitset: u32::from(t.declaration),
        });
        (line, col) = (start.line, start.col);
    }
    out
}
