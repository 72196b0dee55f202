//! A bug in asylon reaches a person as a diagnostic, never as a Rust panic: exit 3, a
//! code, what to report, and nothing of the panic's own text (it may quote a fact).
//!
//! The panic is provoked through a variable only debug builds read (see
//! `src/cli/internal.rs`), so these tests run in debug builds only.

#![cfg(debug_assertions)]

use std::process::Command;

/// Runs `asylon args` with the test-only panic switched on.
fn panicking(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "ASYLON_TEST_ONLY_PANIC",
            "panic on purpose: a test of the internal error",
        )
        .output()
        .expect("the asylon binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_panic_is_an_internal_error_diagnostic_with_exit_3() {
    let (code, stdout, stderr) = panicking(&["check", "policies/us-mexico-border"]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("asylon::internal"), "{stderr}");
    assert!(
        stderr.contains("internal error: asylon stopped on a bug"),
        "{stderr}"
    );
    assert!(stderr.contains("please report"), "{stderr}");
    assert!(
        !stderr.contains("panicked"),
        "the Rust message leaked: {stderr}"
    );
    assert!(
        !stderr.contains("secret-fact-value"),
        "the panic's text leaked: {stderr}"
    );
}

#[test]
fn a_panic_is_one_json_diagnostic_when_json_was_asked_for() {
    let (code, stdout, stderr) = panicking(&[
        "eval",
        "policies/us-mexico-border",
        "examples/visa_holder.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, 3, "{stderr}");
    // The document of every failed command with `--format json`, on stdout.
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"][0]["code"], "asylon::internal");
    assert_eq!(json["errors"][0]["severity"], "error");
    assert!(!stdout.contains("secret-fact-value"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn any_other_value_of_the_variable_does_nothing() {
    let out = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(["check", "policies/us-mexico-border"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ASYLON_TEST_ONLY_PANIC", "1")
        .output()
        .expect("the asylon binary runs");
    assert_eq!(out.status.code(), Some(0));
}
