//! What the server knows: the open buffers, and each policy folder analysed with them
//! laid over the files on disk. A policy is the folder of a file: every `.asylon` file
//! in it, checked together.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use asylon::analysis::{Analysis, Problem};
use asylon::internal::source::FileId;
use lsp_types as lsp;

use super::convert;

/// One policy folder, analysed.
pub struct PolicyState {
    /// The latest analysis.
    pub analysis: Arc<Analysis>,
    /// The results of the tests last run, shown until the next edit.
    pub tests: Vec<Problem>,
    /// The files diagnostics were last published for.
    published: HashSet<lsp::Url>,
}

/// The open buffers and the analysed policies.
#[derive(Default)]
pub struct Workspace {
    open: HashMap<PathBuf, String>,
    policies: HashMap<PathBuf, PolicyState>,
}

impl Workspace {
    /// A buffer opened or changed: its text replaces the file's.
    pub fn set_open(&mut self, path: PathBuf, text: String) {
        self.open.insert(path, text);
    }

    /// A buffer closed: the file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// Analyses a file's policy folder again (after an edit, a save, a file created).
    pub fn refresh(&mut self, file: &Path) -> &mut PolicyState {
        let dir = folder(file);
        let mut files: BTreeMap<PathBuf, Option<String>> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "asylon") && p.is_file())
            .map(|p| (p, None))
            .collect();
        for (path, text) in &self.open {
            if folder(path) == dir && path.extension().is_some_and(|x| x == "asylon") {
                files.insert(path.clone(), Some(text.clone()));
            }
        }
        // Name order, as `Policy::load` reads a folder; a file that cannot be read
        // counts as empty (the checker then says what is missing).
        let analysis = Analysis::new(files.into_iter().map(|(path, text)| {
            let text = text.unwrap_or_else(|| std::fs::read_to_string(&path).unwrap_or_default());
            (path.display().to_string(), text)
        }));
        let state = self.policies.entry(dir).or_insert_with(|| PolicyState {
            analysis: Arc::new(Analysis::new(Vec::<(String, String)>::new())),
            tests: Vec::new(),
            published: HashSet::new(),
        });
        state.analysis = Arc::new(analysis);
        state.tests.clear();
        state
    }

    /// The analysis a file belongs to, and the file in it (analysing its folder the
    /// first time).
    pub fn file(&mut self, path: &Path) -> Option<(Arc<Analysis>, FileId)> {
        let dir = folder(path);
        if !self.policies.contains_key(&dir) {
            self.refresh(path);
        }
        let state = self.policies.get(&dir)?;
        let id = state.analysis.file_named(&path.display().to_string())?;
        Some((state.analysis.clone(), id))
    }

    /// The state of a file's policy.
    pub fn policy(&mut self, path: &Path) -> Option<&mut PolicyState> {
        self.policies.get_mut(&folder(path))
    }

    /// Every analysed policy.
    pub fn analyses(&self) -> impl Iterator<Item = &Arc<Analysis>> {
        self.policies.values().map(|p| &p.analysis)
    }
}

impl PolicyState {
    /// The diagnostics of every file of the policy (an empty list for a file without
    /// any, and for one that left the policy), to publish.
    pub fn diagnostics(&mut self) -> Vec<lsp::PublishDiagnosticsParams> {
        let analysis = &self.analysis;
        let mut out = Vec::new();
        let mut now = HashSet::new();
        for (id, _) in analysis.files() {
            let Some(uri) = convert::uri_of(analysis, id) else {
                continue;
            };
            let diagnostics = analysis
                .problems()
                .iter()
                .chain(&self.tests)
                .filter(|p| p.span.file == id)
                .map(|p| convert::diagnostic(analysis, p))
                .collect();
            now.insert(uri.clone());
            out.push(lsp::PublishDiagnosticsParams::new(uri, diagnostics, None));
        }
        for gone in self.published.difference(&now) {
            out.push(lsp::PublishDiagnosticsParams::new(
                gone.clone(),
                Vec::new(),
                None,
            ));
        }
        self.published = now;
        out
    }
}

fn folder(file: &Path) -> PathBuf {
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}
