//! Bad input, case by case: each gets a diagnostic and exit 1, never a panic, a
//! backtrace or a partial result.
//!
//! | input | decision |
//! |---|---|
//! | facts that are not UTF-8 | refused: cannot be read |
//! | empty facts | refused: not JSON |
//! | a top-level array, string, number or `null` | refused: the facts are an object |
//! | the same key twice | refused: JSON parsers disagree on which wins |
//! | an integer beyond 64 bits, `1e999` | refused: out of range / not a whole number |
//! | a date that is not a calendar day (`2024-02-30`) | refused |
//! | trailing text after the object | refused: not JSON |
//! | a policy that is not UTF-8, empty, or binary | refused with a diagnostic |

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::asylon;

const FAMILY: &str = "tests/fixtures/valid/family";

fn eval_bytes(facts: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(["eval", FAMILY, "-", "--as-of", "2025-03-01"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("asylon runs");
    let _ = child.stdin.take().expect("stdin").write_all(facts);
    let out = child.wait_with_output().expect("asylon finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

macro_rules! refused_facts {
    ($($name:ident: $facts:expr => $message:expr;)*) => {$(
        #[test]
        fn $name() {
            let (code, stdout, stderr) = eval_bytes($facts);
            assert_eq!(code, 1, "{stderr}");
            assert!(stdout.is_empty(), "nothing is evaluated: {stdout}");
            assert!(stderr.contains($message), "expected `{}` in\n{stderr}", $message);
            assert!(stderr.contains("asylon::"), "a diagnostic with a code: {stderr}");
            assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
        }
    )*};
}

refused_facts! {
    facts_not_utf8: b"{\"veteran\": \xff}" => "did not contain valid UTF-8";
    facts_empty: b"" => "the facts are not valid JSON";
    facts_only_whitespace: b"  \n " => "the facts are not valid JSON";
    facts_top_level_array: b"[]" => "the facts must be a JSON object, found an array";
    facts_top_level_string: b"\"veteran\"" => "the facts must be a JSON object, found the string";
    facts_top_level_number: b"42" => "the facts must be a JSON object, found the number 42";
    facts_top_level_null: b"null" => "the facts must be a JSON object, found null";
    facts_duplicate_key: b"{\"veteran\": true, \"veteran\": true}" => "`veteran` is given twice";
    facts_duplicate_nested_key: b"{\"person\": {\"age\": 3, \"age\": 3}}" => "`person.age` is given twice";
    facts_huge_integer: b"{\"person\": {\"age\": 123456789012345678901234567890}}" => "`person.age` must be a whole number";
    facts_integer_above_i64: b"{\"person\": {\"age\": 9223372036854775808}}" => "`person.age` must be at most 9223372036854775807";
    facts_infinite_number: b"{\"person\": {\"income\": 1e999}}" => "the facts are not valid JSON";
    facts_date_not_a_day: b"{\"entry\": {\"date\": \"2024-02-30\"}}" => "`entry.date` must be a date";
    facts_date_with_time: b"{\"entry\": {\"date\": \"2024-02-03T00:00:00Z\"}}" => "`entry.date` must be a date";
    facts_trailing_text: b"{} {}" => "the facts are not valid JSON";
    facts_unknown_key: b"{\"vetran\": true}" => "did you mean `veteran`?";
}

fn check_bytes(policy: &[u8]) -> common::Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bad.asylon");
    std::fs::write(&path, policy).expect("written");
    asylon(&["check", &path.to_string_lossy()], "")
}

#[test]
fn a_policy_that_is_not_utf8_is_refused() {
    let run = check_bytes(b"policy \"p\"\nfact a: bool \"\xff\"\n");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("asylon::io"), "{}", run.stderr);
}

#[test]
fn an_empty_policy_is_refused() {
    let run = check_bytes(b"");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("asylon::missing_header"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_binary_file_is_refused() {
    let run = check_bytes(&[0, 159, 146, 150, 0, 1, 2]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn eval_exits_cleanly_when_its_output_is_closed_early() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args([
            "eval",
            FAMILY,
            "tests/fixtures/cases/all_known.json",
            "--as-of",
            "2025-03-01",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("asylon runs");
    // Close the pipe before asylon writes, as `| head -0` would.
    drop(child.stdout.take());
    let status = child.wait().expect("asylon finishes");
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
