//! The core has no import circle: no two top-level modules of the library import each
//! other, directly or through others, so each stage can be read, tested and changed
//! with only the stages below it in mind (the layers are listed in the crate docs).
//! The command line (`src/cli`, `src/main.rs`) is a front end and not part of it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The crate root's re-exports, by the module that defines them.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("Policy", "policy"),
    ("EvalOptions", "policy"),
    ("Decision", "decision"),
    ("Status", "decision"),
    ("Error", "error"),
    ("ErrorKind", "error"),
    ("Facts", "facts"),
    ("FactsError", "facts"),
    ("FactId", "checked"),
    ("Lint", "lint"),
    ("Limits", "limits"),
    ("LimitError", "limits"),
    ("Explanation", "explain"),
    ("Interview", "interview"),
    ("Question", "interview"),
    ("DiffOptions", "diff"),
    ("DiffReport", "diff"),
    ("EvalError", "eval"),
];

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first path segment after each `crate::` in `code`, `crate::{a::X, b}` giving
/// `a` and `b`.
fn crate_references(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.push(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

/// Which top-level modules each top-level module of the library imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let first = relative.components().next().expect("a file name");
        let module = first.as_os_str().to_string_lossy();
        let module = module.trim_end_matches(".rs").to_string();
        if ["cli", "main", "lib"].contains(&module.as_str()) {
            continue;
        }
        // A module's tests kept in a file of their own (`read_tests.rs`) may hold it to
        // what the crate as a whole does: they are not part of what it imports.
        if file.to_string_lossy().ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file reads");
        // Doc links name other modules without importing them.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let targets = graph.entry(module.clone()).or_default();
        for name in crate_references(&code) {
            let target = ROOT_ITEMS
                .iter()
                .find(|(item, _)| *item == name)
                .map_or(name.clone(), |(_, m)| m.to_string());
            if target != module {
                targets.insert(target);
            }
        }
    }
    graph
}

/// A circle reachable from `from`, if there is one: the modules along it. `done`: the
/// modules already known to reach none.
fn circle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|m| m == from) {
        let mut found = path[start..].to_vec();
        found.push(from.to_string());
        return Some(found);
    }
    if done.contains(from) {
        return None;
    }
    path.push(from.to_string());
    for next in graph.get(from).into_iter().flatten() {
        if let Some(found) = circle(graph, next, path, done) {
            return Some(found);
        }
    }
    path.pop();
    done.insert(from.to_string());
    None
}

#[test]
fn no_module_of_the_core_imports_itself_through_others() {
    let graph = imports();
    assert!(graph.len() > 15, "only {} modules read", graph.len());
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(found) = circle(&graph, module, &mut Vec::new(), &mut done) {
            panic!("an import circle: {}", found.join(" → "));
        }
    }
}

#[test]
fn the_checked_policy_and_the_facts_sit_below_the_checker() {
    let graph = imports();
    for low in [
        "checked", "lint", "facts", "eval", "decision", "suggest", "value",
    ] {
        assert!(
            !graph[low].contains("check"),
            "`{low}` imports `check`: {:?}",
            graph[low]
        );
    }
}

#[test]
fn grouped_imports_are_read_item_by_item() {
    assert_eq!(
        crate_references(
            "use crate::{checked::{A, B}, value::Type};\nlet x = crate::Policy::load;"
        ),
        ["checked", "value", "Policy"]
    );
}
