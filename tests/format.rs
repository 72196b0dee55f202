//! `asylon fmt`: one canonical layout that keeps comments, never changes a policy's
//! syntax tree, and is idempotent, on every policy of the repository.

mod common;

use std::path::{Path, PathBuf};

use asylon::format::format_source;
use asylon::internal::source::FileId;
use asylon::internal::syntax::parse_file;
use common::asylon;

/// Every `.asylon` file under the package's `policies/` and `tests/fixtures/`.
fn policy_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "asylon") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    walk(&root.join("policies"), &mut out);
    walk(&root.join("tests/fixtures"), &mut out);
    out.sort();
    out
}

/// The comments of a text, sorted: `#` to the end of the line, outside strings.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    while let Some((i, c)) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (_, '"') => in_string = !in_string,
            (false, '#') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(text[i..end].trim_end().to_string());
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out.sort();
    out
}

fn check_formatting(name: &str, text: &str) {
    let Ok(before) = parse_file(FileId(0), text) else {
        return; // a fixture with a syntax error on purpose
    };
    let once = format_source(text).expect("a file that parses formats");
    let after = parse_file(FileId(0), &once)
        .unwrap_or_else(|e| panic!("{name}: the formatted text does not parse: {e:?}\n{once}"));
    assert_eq!(before, after, "{name}: formatting changed the syntax tree");
    let twice = format_source(&once).unwrap();
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(comments(text), comments(&once), "{name}: comments changed");
}

#[test]
fn formatting_keeps_the_tree_and_the_comments_and_is_idempotent_on_every_policy() {
    let files = policy_files();
    assert!(files.len() > 40, "only {} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        check_formatting(&path.display().to_string(), &text);
    }
}

#[test]
fn the_readme_example_formats_too() {
    let readme = include_str!("../README.md");
    let start = readme.find("```asylon\n").unwrap() + "```asylon\n".len();
    let end = start + readme[start..].find("```").unwrap();
    check_formatting("README.md", &readme[start..end]);
}

/// Fuzz target `fmt` (6 Dec): an unclosed `{` in one text and a `}` in the next. On
/// two lines they read as two strings; on one line as one string with a fallback
/// (`{b." es "Una {c}`), and a comment between them decides it too. The formatter put
/// them on one line, and moved the comment: such a file is now left as written.
#[test]
fn texts_an_unclosed_brace_would_join_are_left_as_written() {
    for between in ["\n          ", "\n  # es \"x {y.\"\n          "] {
        let text = format!(
            "impossible i\n  when a\n  message en \"Ter {{b.\"{between}es \"Una {{c}} d.\"\n"
        );
        check_formatting(&format!("{between:?}"), &text);
        assert_eq!(format_source(&text).unwrap(), text);
    }
}

/// Every input the `fmt` fuzz target found (`fuzz/found/fmt-*`) formats to the same tree,
/// idempotently.
#[test]
fn what_the_fmt_fuzzer_found_formats_to_the_same_tree() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/found");
    let mut found = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("fmt-") {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).to_string();
            check_formatting(&name, &text);
            found += 1;
        }
    }
    assert!(found >= 3, "only {found} inputs");
}

#[test]
fn a_messy_policy_is_laid_out_canonically() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/format/messy.asylon"
    ))
    .unwrap();
    let formatted = format_source(&text).unwrap();
    insta::assert_snapshot!(formatted);
}

#[test]
fn fmt_check_lists_files_to_change_and_fmt_rewrites_them() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.asylon");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/format/messy.asylon"
        ),
        &messy,
    )
    .unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let run = asylon(&["fmt", "--check", dir_arg], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("would reformat"), "{}", run.stdout);
    let original = std::fs::read_to_string(&messy).unwrap();
    let run = asylon(&["fmt", dir_arg], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rewritten = std::fs::read_to_string(&messy).unwrap();
    assert_ne!(original, rewritten);
    let run = asylon(&["fmt", "--check", messy.to_str().unwrap()], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.is_empty());
    // The rewritten policy still checks and passes its test.
    let run = asylon(&["test", messy.to_str().unwrap()], "");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn the_repository_policies_are_formatted() {
    for dir in [
        "tests/fixtures/valid",
        "tests/fixtures/tests",
        "tests/fixtures/lints",
    ] {
        let run = asylon(&["fmt", "--check", dir], "");
        assert_eq!(run.code, 0, "{dir}: {}", run.stdout);
    }
    let run = asylon(
        &[
            "fmt",
            "--check",
            "policies/us-mexico-border/90-tests.asylon",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn fmt_refuses_a_file_that_does_not_parse() {
    let run = asylon(
        &[
            "fmt",
            "--check",
            "tests/fixtures/invalid/syntax_unexpected.asylon",
        ],
        "",
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("asylon::syntax"), "{}", run.stderr);
}
