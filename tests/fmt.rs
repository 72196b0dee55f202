//! `asylon fmt` as other formatters work: `-` as a filter from standard input to standard
//! output, `--diff` for what would change, `--check` for whether anything would.

mod common;

use common::asylon;

const MESSY: &str = "tests/fixtures/format/messy.asylon";
const TIDY: &str = "tests/fixtures/valid/versions.asylon";

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn a_dash_formats_standard_input_onto_standard_output() {
    let run = asylon(&["fmt", "-"], &read(MESSY));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        asylon::format::format_source(&read(MESSY)).unwrap()
    );
    // A policy already laid out comes back unchanged.
    let run = asylon(&["fmt", "-"], &read(TIDY));
    assert_eq!((run.code, run.stdout), (0, read(TIDY)));
}

#[test]
fn a_dash_with_check_says_whether_standard_input_would_change() {
    let run = asylon(&["fmt", "--check", "-"], &read(MESSY));
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "would reformat <stdin>\n")
    );
    let run = asylon(&["fmt", "--check", "-"], &read(TIDY));
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn diff_prints_a_unified_diff_changes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.asylon");
    std::fs::write(&messy, read(MESSY)).unwrap();
    let run = asylon(&["fmt", "--diff", "-"], &read(MESSY));
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    // Files are named as given, and left as they were.
    let run = asylon(&["fmt", "--diff", messy.to_str().unwrap()], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with(&format!(
        "--- a/{}\n+++ b/{}\n@@ ",
        messy.display(),
        messy.display()
    )));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), read(MESSY));
}

#[test]
fn diff_of_a_formatted_policy_is_empty_and_exits_0() {
    let run = asylon(
        &[
            "fmt",
            "--diff",
            TIDY,
            "policies/us-mexico-border/90-tests.asylon",
        ],
        "",
    );
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
}

#[test]
fn standard_input_that_does_not_parse_is_a_diagnostic_naming_stdin() {
    let run = asylon(&["fmt", "-"], "policy \"x\"\noutcome when\n");
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("asylon::syntax"), "{}", run.stderr);
    assert!(run.stderr.contains("<stdin>"), "{}", run.stderr);
}

#[test]
fn standard_input_is_formatted_alone() {
    let run = asylon(&["fmt", "-", TIDY], &read(MESSY));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn check_and_diff_cannot_be_asked_together() {
    let run = asylon(&["fmt", "--check", "--diff", TIDY], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn the_help_says_what_each_mode_does() {
    let run = asylon(&["fmt", "--help"], "");
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}
