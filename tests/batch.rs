//! `asylon batch` as users run it: one result line per input line, in order, bad lines
//! reported in place, results equal to what `eval --format json` prints.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{asylon, eval_json};
use serde_json::{json, Value};

const POLICY: &str = "policies/us-mexico-border";
const AS_OF: &str = "2024-06-17";

/// The example fact files, each as one line.
fn examples() -> Vec<String> {
    common::example_files()
        .iter()
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            v.to_string()
        })
        .collect()
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// The compact form of a full decision, as documented.
fn compact_of(d: &Value) -> Value {
    let ids = |list: &str| -> Vec<Value> {
        d[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].clone())
            .collect()
    };
    let undetermined: Vec<Value> = d["undetermined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| json!({"id": u["id"], "status": "undetermined", "missing": u["missing"]}))
        .collect();
    json!({"holds": ids("outcomes"), "undetermined": undetermined, "missing": d["missing"]})
}

#[test]
fn each_line_gives_the_decision_eval_prints() {
    let cases = examples();
    let input = cases.join("\n") + "\n";
    let run = asylon(&["batch", POLICY, "-", "--as-of", AS_OF], &input);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = lines(&run.stdout);
    assert_eq!(out.len(), cases.len());
    for (i, (line, case)) in out.iter().zip(&cases).enumerate() {
        assert_eq!(line["line"], i + 1);
        assert_eq!(line["id"], Value::Null);
        assert_eq!(
            line["result"],
            eval_json(POLICY, case, AS_OF),
            "line {}",
            i + 1
        );
    }
    assert!(run
        .stderr
        .contains(&format!("batch: {} cases, 0 errors", cases.len())));
}

#[test]
fn compact_results_keep_ids_missing_facts_and_the_missing_list() {
    let cases = examples();
    let input = cases.join("\n") + "\n";
    let run = asylon(
        &["batch", POLICY, "-", "--as-of", AS_OF, "--compact"],
        &input,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (line, case) in lines(&run.stdout).iter().zip(&cases) {
        assert_eq!(line["result"], compact_of(&eval_json(POLICY, case, AS_OF)));
    }
}

/// Compact results are worked out 64 cases at a time: across several such groups, with
/// bad lines and cases the reference must decide among good ones, each line still gets
/// the result `eval` gives its case alone.
#[test]
fn compact_results_in_groups_of_64_are_each_case_s_own() {
    let cases = examples();
    let expected: Vec<Value> = cases
        .iter()
        .map(|c| compact_of(&eval_json(POLICY, c, AS_OF)))
        .collect();
    let impossible = r#"{"entry": {"method": "not_yet_entered", "date": "2024-06-01"}}"#;
    let mut input = Vec::new();
    for i in 0..150 {
        input.push(match i % 23 {
            5 => "",
            11 => "{\"authorization\": \"nobody\"}",
            17 => impossible,
            _ => &cases[i % cases.len()],
        });
    }
    let run = asylon(
        &["batch", POLICY, "-", "--as-of", AS_OF, "--compact"],
        &(input.join("\n") + "\n"),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = lines(&run.stdout);
    assert_eq!(out.len(), 150);
    for (i, line) in out.iter().enumerate() {
        assert_eq!(line["line"], i + 1);
        match i % 23 {
            5 => assert_eq!(line["error"]["code"], "asylon::batch::empty_line"),
            11 => assert_eq!(line["error"]["code"], "asylon::facts::not_in_enum"),
            17 => assert_eq!(line["error"]["code"], "asylon::facts::impossible"),
            _ => assert_eq!(line["result"], expected[i % cases.len()], "line {}", i + 1),
        }
    }
}

#[test]
fn bad_lines_are_reported_in_place_and_never_shift_the_others() {
    let good = r#"{"authorization": "none"}"#;
    let input = [
        good,
        "",
        r#"{"id": 7, "facts": {"authorization": "nobody"}}"#,
        "not json",
        r#"{"id": {"case": "A-1"}, "facts": {"authorization": "valid_visa"}}"#,
        r#"{"facts": {}, "id": "only-facts-and-id"}"#,
        r#"{"id": "x"}"#,
        good,
    ]
    .join("\n");
    for compact in [false, true] {
        let mut args = vec!["batch", POLICY, "-", "--as-of", AS_OF];
        if compact {
            args.push("--compact");
        }
        let run = asylon(&args, &input);
        assert_eq!(run.code, 1, "a bad line makes the exit code 1");
        let out = lines(&run.stdout);
        assert_eq!(out.len(), 8, "one output line per input line");
        let numbers: Vec<u64> = out.iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
        let is_error: Vec<bool> = out.iter().map(|l| l.get("error").is_some()).collect();
        assert_eq!(
            is_error,
            [false, true, true, true, false, false, true, false]
        );
        assert_eq!(out[2]["id"], 7);
        assert_eq!(out[2]["error"]["code"], "asylon::facts::not_in_enum");
        assert!(out[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("authorization"));
        assert_eq!(out[3]["error"]["code"], "asylon::facts::json");
        assert_eq!(out[4]["id"], json!({"case": "A-1"}));
        assert_eq!(out[5]["id"], "only-facts-and-id");
        // Not an envelope (no `facts`): a fact object with an unknown key.
        assert_eq!(out[6]["id"], Value::Null);
        assert_eq!(out[6]["error"]["code"], "asylon::facts::unknown_fact");
        assert_eq!(out[0]["result"], out[7]["result"]);
        assert!(run.stderr.contains("8 cases, 4 errors"), "{}", run.stderr);
    }
}

#[test]
fn error_lines_say_how_to_fix_the_case_and_where_in_the_line() {
    // A misspelt fact, inside an envelope whose id is not ASCII (columns count
    // characters); a misspelt nested fact; a wrong variant; a bad date; a contradiction.
    let input = [
        r#"{"id": "é-1", "facts": {"fear_statd": true}}"#,
        r#"{"person": {"nationalty": "VE"}}"#,
        r#"{"authorization": "nonee"}"#,
        r#"{"entry": {"date": "2024-13-01"}}"#,
        r#"{"entry": {"method": "not_yet_entered", "date": "2024-06-01"}}"#,
    ]
    .join("\n");
    let errors = |extra: &[&str]| -> Vec<Value> {
        let args = [&["batch", POLICY, "-", "--as-of", AS_OF][..], extra].concat();
        let run = asylon(&args, &input);
        assert_eq!(run.code, 1);
        lines(&run.stdout)
            .into_iter()
            .map(|l| l["error"].clone())
            .collect()
    };
    let errors_compact = errors(&["--compact"]);
    assert_eq!(errors_compact[0]["help"], "did you mean `fear_stated`?");
    assert_eq!(
        errors_compact[0]["column"], 25,
        "where `\"fear_statd\"` starts"
    );
    assert_eq!(
        errors_compact[1]["help"],
        "did you mean `person.nationality`?"
    );
    assert_eq!(errors_compact[1]["path"], "person.nationalty");
    assert_eq!(errors(&[]), errors_compact, "full and compact say the same");
    insta::assert_json_snapshot!(errors_compact);
}

#[test]
fn contradictory_facts_are_an_error_line_with_the_policy_message() {
    let input = r#"{"entry": {"method": "not_yet_entered", "date": "2024-06-01"}}"#;
    let run = asylon(
        &["batch", POLICY, "-", "--as-of", AS_OF, "--compact"],
        input,
    );
    assert_eq!(run.code, 1);
    let out = lines(&run.stdout);
    assert_eq!(out[0]["error"]["code"], "asylon::facts::impossible");
}

#[test]
fn many_threads_give_the_same_lines_in_the_same_order_as_one() {
    // Enough lines for several chunks of parallel work, with errors sprinkled in.
    let cases = examples();
    let mut input = String::new();
    for i in 0..3000 {
        if i % 97 == 0 {
            input.push_str("{\"oops\": true}\n");
        } else {
            input.push_str(&format!(
                "{{\"id\": {i}, \"facts\": {}}}\n",
                cases[i % cases.len()]
            ));
        }
    }
    let one = asylon(
        &[
            "batch",
            POLICY,
            "-",
            "--as-of",
            AS_OF,
            "--compact",
            "--jobs",
            "1",
        ],
        &input,
    );
    let two = asylon(
        &[
            "batch",
            POLICY,
            "-",
            "--as-of",
            AS_OF,
            "--compact",
            "--jobs",
            "3",
        ],
        &input,
    );
    assert_eq!(one.code, 1);
    assert_eq!(two.code, 1);
    assert_eq!(one.stdout, two.stdout);
    let out = lines(&two.stdout);
    assert_eq!(out.len(), 3000);
    for (i, line) in out.iter().enumerate() {
        assert_eq!(line["line"], i + 1);
        if i % 97 != 0 {
            assert_eq!(line["id"], i);
        }
    }
}

#[test]
fn results_can_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases.jsonl");
    std::fs::write(&cases, examples().join("\n")).unwrap();
    let out = dir.path().join("out.jsonl");
    let run = asylon(
        &[
            "batch",
            POLICY,
            cases.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "-o",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), examples().len());
}

#[test]
fn usage_errors_exit_2() {
    let no_policy = asylon(&["batch", "no/such/policy", "-", "--as-of", AS_OF], "{}");
    assert_eq!(no_policy.code, 2);
    assert!(
        no_policy.stderr.contains("asylon::io"),
        "{}",
        no_policy.stderr
    );
    let bad_date = asylon(&["batch", POLICY, "-", "--as-of", "2024-02-30"], "{}");
    assert_eq!(bad_date.code, 2);
    assert!(bad_date.stderr.contains("asylon::bad_date"));
    let no_input = asylon(&["batch", POLICY, "no/such/cases.jsonl"], "");
    assert_eq!(no_input.code, 2);
    let no_jobs = asylon(&["batch", POLICY, "-", "--jobs", "0"], "{}");
    assert_eq!(no_jobs.code, 2);
    let unknown_flag = asylon(&["batch", POLICY, "-", "--fast"], "{}");
    assert_eq!(unknown_flag.code, 2);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    for jobs in ["1", "2"] {
        stops_early(jobs);
    }
}

fn stops_early(jobs: &str) {
    let case = examples().remove(0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
        .args(["batch", POLICY, "-", "--as-of", AS_OF, "--jobs", jobs])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for _ in 0..50_000 {
            if writeln!(stdin, "{case}").is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"line\":1,"));
    // Dropping our end of stdout closes the pipe, like `| head -1`.
    let status = child.wait().unwrap();
    feeder.join().unwrap();
    assert_eq!(status.code(), Some(0), "--jobs {jobs}");
}
