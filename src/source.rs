//! Policy source files and spans into them.
//!
//! Every node of the syntax tree and of the checked program carries a [`Span`], so any
//! stage can point a diagnostic at the text an author wrote.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a policy's [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. Equality of syntax nodes ignores spans, so a span
/// never takes part in comparing two policies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

impl Span {
    /// A span over `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        // Source files are limited to well under 4 GiB when loaded (see `Sources::add`).
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// Whether `other` lies within this span, in the same file.
    pub fn contains(self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }

    /// The smallest span covering both (just `self` when they are in different files).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The span as miette wants it.
    pub fn source_span(self) -> miette::SourceSpan {
        (self.start as usize, (self.end - self.start) as usize).into()
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> miette::SourceSpan {
        span.source_span()
    }
}

/// One source file: its name as shown in diagnostics, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, or a name given by the caller).
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
}

/// The files of one policy, in load order.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Never for an id returned by [`Sources::add`] on this value; ids are only made there.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let text = &self.file(span.file).text;
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The file as miette source code, named for diagnostics.
    pub fn named(&self, id: FileId) -> miette::NamedSource<Arc<str>> {
        let f = self.file(id);
        miette::NamedSource::new(f.name.clone(), f.text.clone()).with_language("asylon")
    }
}

/// The path of the fact file `written` in a test (`given file "cases/x.json"`) of the
/// policy file `policy_file`: joined to the policy file's directory, `.` and `..` folded
/// away where they can be (`policies/p/../../examples/x.json` is `examples/x.json`).
/// The loader reads the fact file into the policy's sources under this name, and the
/// checker finds it there by the same name, so that both agree without the checker
/// touching the file system.
pub fn given_file_path(policy_file: &str, written: &str) -> String {
    let base = Path::new(policy_file).parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for part in base.join(written).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_fold = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_fold {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out.display().to_string()
}

#[cfg(test)]
mod given_file_tests {
    use super::given_file_path;

    #[test]
    fn paths_are_relative_to_the_policy_file() {
        assert_eq!(
            given_file_path("policies/border/90-tests.asylon", "cases/a.json"),
            "policies/border/cases/a.json"
        );
        assert_eq!(
            given_file_path("policies/border/90-tests.asylon", "../../examples/a.json"),
            "examples/a.json"
        );
        assert_eq!(given_file_path("p.asylon", "./a.json"), "a.json");
        assert_eq!(given_file_path("p.asylon", "../a.json"), "../a.json");
    }
}
