//! Helpers shared by the integration tests: run the `asylon` binary as a user would.

#![allow(dead_code)]

pub mod server;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The example fact files (`examples/*.json`), in name order.
pub fn example_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the examples folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `asylon` with `args` from the package root, feeding `stdin`.
pub fn asylon(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the asylon binary runs");
    // Fed from another thread, as a pipeline feeds it: a command that streams writes
    // results before it has read all its input, and would wait for us to read them.
    let mut input = child.stdin.take().expect("stdin is piped");
    let text = stdin.to_string();
    let feeder = std::thread::spawn(move || {
        // The command may exit before reading all of it; that is its business.
        let _ = input.write_all(text.as_bytes());
    });
    let out = child
        .wait_with_output()
        .expect("the asylon binary finishes");
    let _ = feeder.join();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A path relative to the package root, with `/` separators, for stable snapshots.
pub fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Evaluates `facts` (JSON text) with `policy` as of `as_of`, as JSON.
pub fn eval_json(policy: &str, facts: &str, as_of: &str) -> serde_json::Value {
    let run = asylon(
        &["eval", policy, "-", "--as-of", as_of, "--format", "json"],
        facts,
    );
    assert_eq!(run.code, 0, "eval failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("eval prints one JSON object")
}

/// The status of an outcome in a JSON decision: `holds`, `does_not_hold` or
/// `undetermined`.
pub fn status(decision: &serde_json::Value, id: &str) -> &'static str {
    let has = |list: &str| {
        decision[list]
            .as_array()
            .is_some_and(|a| a.iter().any(|o| o["id"] == id))
    };
    if has("outcomes") {
        "holds"
    } else if has("undetermined") {
        "undetermined"
    } else if has("does_not_hold") {
        "does_not_hold"
    } else {
        panic!("no outcome `{id}` in {decision}")
    }
}

/// The `missing` list of an undetermined outcome.
pub fn missing(decision: &serde_json::Value, id: &str) -> Vec<String> {
    decision["undetermined"]
        .as_array()
        .and_then(|a| a.iter().find(|o| o["id"] == id))
        .map(|o| {
            o["missing"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A policy written to a temporary file; the folder lives as long as the returned guard.
pub struct TempPolicy {
    _dir: tempfile::TempDir,
    /// The file's path.
    pub path: String,
}

/// Writes `text` as a one-file policy.
pub fn temp_policy(text: &str) -> TempPolicy {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("policy.asylon");
    std::fs::write(&path, text).expect("the policy is written");
    TempPolicy {
        path: path.to_string_lossy().into_owned(),
        _dir: dir,
    }
}

/// Runs `asylon check` on `text` as a one-file policy.
pub fn check_text(text: &str) -> Run {
    let policy = temp_policy(text);
    asylon(&["check", &policy.path], "")
}
