//! Editor analysis of a policy: diagnostics, hover, navigation, rename, completion,
//! symbols, folding, semantic tokens, code lenses and quick fixes, as plain library
//! code over the parser, the checker, the formatter, the tests and the evaluator.
//!
//! An [`Analysis`] is a snapshot of one policy (every `.asylon` file of a folder, with
//! the unsaved text of open buffers given in place of the files): built once per edit,
//! then asked questions by file and byte offset. Positions are byte offsets in
//! [`Span`]s; [`LineIndex`] turns them into the lines and UTF-16 columns an editor
//! uses. The language server (`asylon lsp`) only translates between this and the
//! protocol, so everything here is tested without an editor.
//!
//! ```
//! use asylon::analysis::Analysis;
//!
//! let text = "policy \"P\"\nfact age: int \"age\"\noutcome adult when age >= 18 title en \"An adult\"\n";
//! let analysis = Analysis::new([("p.asylon".to_string(), text.to_string())]);
//! assert!(analysis.problems().is_empty());
//! let file = analysis.file_named("p.asylon").unwrap();
//! let use_of_age = text.rfind("age").unwrap();
//! let hover = analysis.hover(file, use_of_age).unwrap();
//! assert!(hover.markdown.contains("fact age: int"));
//! ```

mod complete;
mod diagnostics;
mod index;
mod lenses;
mod lines;
mod navigate;
mod outline;
mod tokens;

use std::sync::Arc;

pub use complete::{Completion, CompletionKind};
pub use diagnostics::{Fix, Problem, ProblemSeverity};
pub use index::{Index, Occurrence, Symbol, SymbolId, SymbolKind};
pub use lenses::{EvalStatus, Evaluation, FactsInput, Lens, LensKind};
pub use lines::{LineCol, LineIndex};
pub use navigate::Hover;
pub use outline::{Fold, OutlineItem};
pub use tokens::{Token, TokenKind};

use crate::checked::CheckedPolicy;
use crate::limits::Limits;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{ast, parse_file};

/// One policy, analysed: its files, their syntax trees, the checked policy when it
/// checks, every problem found, and the index of its names.
#[derive(Debug)]
pub struct Analysis {
    sources: Sources,
    lines: Vec<LineIndex>,
    /// Each file's tree, `None` for a file that does not parse.
    trees: Vec<Option<ast::File>>,
    checked: Option<CheckedPolicy>,
    problems: Vec<Problem>,
    index: Index,
}

impl Analysis {
    /// Analyses the files of one policy, `(name, text)` in load order (the order of
    /// their names, as `Policy::load` reads a folder). Never fails: what is wrong is in
    /// [`Analysis::problems`].
    pub fn new<T: Into<Arc<str>>>(files: impl IntoIterator<Item = (String, T)>) -> Analysis {
        let mut sources = Sources::default();
        let mut lines = Vec::new();
        for (name, text) in files {
            let text: Arc<str> = text.into();
            lines.push(LineIndex::new(text.clone()));
            sources.add(name, text);
        }
        let mut trees = Vec::new();
        let mut syntax = Vec::new();
        for (id, file) in sources.iter() {
            match parse_file(id, &file.text) {
                Ok(tree) => trees.push(Some(tree)),
                Err(errors) => {
                    trees.push(None);
                    syntax.extend(errors);
                }
            }
        }
        if syntax.is_empty() {
            // As `Policy::load`: the case files the tests read (`given file`) are sources.
            let parsed: Vec<ast::File> = trees.iter().flatten().cloned().collect();
            crate::policy::read_given_files(&mut sources, &parsed, &Limits::default());
            for (_, file) in sources.iter().skip(lines.len()) {
                lines.push(LineIndex::new(file.text.clone()));
            }
        }
        let parsed: Vec<&ast::File> = trees.iter().flatten().collect();
        let index = Index::build(&sources, &parsed);
        let mut analysis = Analysis {
            sources,
            lines,
            trees: Vec::new(),
            checked: None,
            problems: Vec::new(),
            index,
        };
        if !syntax.is_empty() {
            // As `Policy::load`: a file that does not parse leaves the policy unchecked
            // (checking the others alone would report its names as unknown).
            analysis.problems = syntax.iter().map(Problem::of_syntax).collect();
        } else if analysis.sources.iter().next().is_some() {
            let trees: Vec<ast::File> = trees.iter().flatten().cloned().collect();
            match crate::check::check(&analysis.sources, &trees) {
                Ok(checked) => {
                    analysis.problems = crate::check::lint(&checked)
                        .iter()
                        .map(Problem::of_lint)
                        .collect();
                    analysis.checked = Some(checked);
                }
                Err(errors) => {
                    analysis.problems = errors
                        .iter()
                        .map(|e| Problem::of_check(e, &analysis.index))
                        .collect();
                }
            }
        }
        analysis.trees = trees;
        analysis
    }

    /// The files, with their ids and names.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &str)> {
        self.sources.iter().map(|(id, f)| (id, f.name.as_str()))
    }

    /// The file of this name.
    pub fn file_named(&self, name: &str) -> Option<FileId> {
        self.sources
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| id)
    }

    /// A file's name.
    pub fn name(&self, file: FileId) -> &str {
        &self.sources.file(file).name
    }

    /// A file's text.
    pub fn text(&self, file: FileId) -> &str {
        &self.sources.file(file).text
    }

    /// A file's lines, to turn offsets into lines and columns.
    pub fn lines(&self, file: FileId) -> &LineIndex {
        &self.lines[file.0 as usize]
    }

    /// The policy's sources.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// Every problem found: syntax errors, or else type errors, or else warnings.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The checked policy, when the policy checks.
    pub fn checked(&self) -> Option<&CheckedPolicy> {
        self.checked.as_ref()
    }

    /// The index of names.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// A file's syntax tree, when it parses.
    pub fn tree(&self, file: FileId) -> Option<&ast::File> {
        self.trees.get(file.0 as usize)?.as_ref()
    }

    /// The file's text, formatted as `asylon fmt` would (`None` when it does not parse).
    pub fn format(&self, file: FileId) -> Option<String> {
        crate::format::format_source(self.text(file)).ok()
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.sources.slice(span)
    }
}

#[cfg(test)]
mod tests;
