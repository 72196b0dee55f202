//! `asylon serve`: the real binary on an ephemeral loopback port, called over HTTP as a
//! case system would call it. Answers are compared with the command line's on the same
//! facts.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::asylon;
use common::server::{Answer, Server};

const POLICY: &str = "policies/us-mexico-border";
const NAME: &str = "us-mexico-border";
const AS_OF: &str = "2024-06-17";

fn evaluate_path() -> String {
    format!("/v1/policies/{NAME}/evaluate")
}

#[test]
fn evaluate_answers_exactly_what_eval_prints_on_every_example() {
    let server = Server::start(&["--quiet", POLICY]);
    let revision = server.get(&format!("/v1/policies/{NAME}"), &[]).json()["revision"].clone();
    for file in common::example_files() {
        let facts = std::fs::read_to_string(&file).expect("the example reads");
        for lang in ["en", "es"] {
            let cli = asylon(
                &[
                    "eval", POLICY, "-", "--as-of", AS_OF, "--format", "json", "--lang", lang,
                ],
                &facts,
            );
            assert_eq!(cli.code, 0, "{}", cli.stderr);
            let body = format!(r#"{{"facts": {facts}, "as_of": "{AS_OF}", "lang": "{lang}"}}"#);
            let answer = server.post_json(&evaluate_path(), &body);
            assert_eq!(answer.status, 200, "{}: {}", file.display(), answer.body);
            // Byte for byte: the same serializer on the same decision.
            assert_eq!(
                answer.body,
                cli.stdout.trim_end(),
                "{} in {lang}",
                file.display()
            );
            assert_eq!(answer.revision.as_deref(), revision.as_str());
        }
    }
    // A bare fact object is evaluated today, in English.
    let answer = server.post_json(&evaluate_path(), "{}");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["lang"], "en");
}

#[test]
fn batch_answers_the_lines_batch_writes() {
    let server = Server::start(&["--quiet", POLICY]);
    let mut input = String::new();
    for file in common::example_files() {
        let facts = std::fs::read_to_string(&file).expect("the example reads");
        let one_line: Value = serde_json::from_str(&facts).expect("an example is JSON");
        input.push_str(&format!(
            r#"{{"id": "{}", "facts": {one_line}}}"#,
            file.display()
        ));
        input.push('\n');
    }
    input.push_str("{\"persn\": {}}\n\nnot json\n");
    for compact in ["false", "true"] {
        let mut args = vec![
            "batch", POLICY, "-", "--as-of", AS_OF, "--lang", "es", "--jobs", "1",
        ];
        if compact == "true" {
            args.push("--compact");
        }
        let cli = asylon(&args, &input);
        assert_eq!(cli.code, 1, "the bad lines are errors: {}", cli.stderr);
        let answer = server.post(
            &format!("/v1/policies/{NAME}/batch?as_of={AS_OF}&lang=es&compact={compact}"),
            "application/x-ndjson",
            &input,
            &[],
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(answer.revision.is_some());
        assert_eq!(answer.body, cli.stdout, "compact={compact}");
    }
}

/// A stored decision names the rules that made it: the same revision in `eval`'s JSON,
/// in each full result of `batch`, and in the service's header, body, explanation and
/// next question, for the same policy.
#[test]
fn every_front_end_carries_the_same_revision_in_the_body() {
    let facts = std::fs::read_to_string(&common::example_files()[0]).expect("the example reads");
    let one_line: Value = serde_json::from_str(&facts).expect("an example is JSON");
    let eval = asylon(
        &["eval", POLICY, "-", "--as-of", AS_OF, "--format", "json"],
        &facts,
    );
    assert_eq!(eval.code, 0, "{}", eval.stderr);
    let eval: Value = serde_json::from_str(&eval.stdout).expect("a decision");
    let revision = eval["revision"]
        .as_str()
        .expect("eval's decision has a revision");
    assert!(
        revision.starts_with("sha256:") && revision.len() == 7 + 64,
        "{revision}"
    );

    let batch = asylon(
        &["batch", POLICY, "-", "--as-of", AS_OF],
        &format!("{one_line}\n{one_line}\n"),
    );
    assert_eq!(batch.code, 0, "{}", batch.stderr);
    for line in batch.stdout.lines() {
        let line: Value = serde_json::from_str(line).expect("a result line");
        assert_eq!(line["result"]["revision"], revision, "{line}");
    }

    let server = Server::start(&["--quiet", POLICY]);
    let body = format!(r#"{{"facts": {facts}, "as_of": "{AS_OF}"}}"#);
    let answer = server.post_json(&evaluate_path(), &body);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.revision.as_deref(), Some(revision));
    assert_eq!(answer.json()["revision"], revision);
    let next = server.post_json(&format!("/v1/policies/{NAME}/next-question"), &body);
    assert_eq!(next.json()["revision"], revision);
    assert_eq!(next.json()["decision"]["revision"], revision);
    let outcome = eval["does_not_hold"][0]["id"].as_str().expect("an outcome");
    let explain = server.post_json(
        &format!("/v1/policies/{NAME}/explain"),
        &format!(r#"{{"facts": {facts}, "as_of": "{AS_OF}", "outcome": "{outcome}"}}"#),
    );
    assert_eq!(explain.status, 200, "{}", explain.body);
    assert_eq!(explain.json()["revision"], revision);
}

#[test]
fn next_question_asks_in_the_language_and_says_how_many_may_remain() {
    let server = Server::start(&["--quiet", POLICY]);
    let path = format!("/v1/policies/{NAME}/next-question");
    let first = server
        .post_json(
            &path,
            &format!(r#"{{"facts": {{}}, "as_of": "{AS_OF}", "lang": "es"}}"#),
        )
        .json();
    let question = &first["question"];
    let fact = question["fact"]
        .as_str()
        .expect("a fact to ask")
        .to_string();
    assert_eq!(question["type"], "bool");
    assert!(
        question["ask"].as_str().is_some_and(|a| a.starts_with('¿')),
        "{question}"
    );
    let remaining = first["remaining"].as_u64().expect("a count");
    assert!(remaining > 1);
    assert_eq!(first["decision"]["lang"], "es");
    // "I don't know" is not asked again.
    let second = server
        .post_json(
            &path,
            &format!(r#"{{"facts": {{}}, "as_of": "{AS_OF}", "unknown": ["{fact}"]}}"#),
        )
        .json();
    assert_ne!(second["question"]["fact"], fact.as_str());
    assert_eq!(second["remaining"].as_u64(), Some(remaining - 1));
    // An enum question offers its values with labels.
    let policy = server.get(&format!("/v1/policies/{NAME}"), &[]).json();
    let with_choices = policy["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .find(|f| f["choices"].is_array())
        .expect("an enum fact");
    assert!(with_choices["choices"][0]["label"]["es"].is_string());
}

#[test]
fn explain_answers_what_explain_prints() {
    let server = Server::start(&["--quiet", POLICY]);
    let file = common::example_files()[0].clone();
    let facts = std::fs::read_to_string(&file).expect("the example reads");
    let outcome = "asylum_ban_applies";
    let cli = asylon(
        &[
            "explain", POLICY, "-", outcome, "--as-of", AS_OF, "--format", "json",
        ],
        &facts,
    );
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let body = format!(r#"{{"facts": {facts}, "as_of": "{AS_OF}", "outcome": "{outcome}"}}"#);
    let answer = server.post_json(&format!("/v1/policies/{NAME}/explain"), &body);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let expected: Value = serde_json::from_str(&cli.stdout).expect("explain prints JSON");
    assert_eq!(answer.json(), expected);
    let unknown = server.post_json(
        &format!("/v1/policies/{NAME}/explain"),
        r#"{"facts": {}, "outcome": "no_such_outcome"}"#,
    );
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "asylon::unknown_outcome");
}

#[test]
fn the_policy_its_schemas_health_readiness_and_metrics_are_served() {
    let server = Server::start(&["--quiet", POLICY]);
    let list = server.get("/v1/policies", &[]).json();
    assert_eq!(list["policies"][0]["name"], NAME);
    let revision = list["policies"][0]["revision"]
        .as_str()
        .expect("a revision");
    assert!(revision.starts_with("sha256:"));

    let policy = server.get(&format!("/v1/policies/{NAME}"), &[]);
    assert_eq!(policy.revision.as_deref(), Some(revision));
    let policy = policy.json();
    assert_eq!(policy["languages"], serde_json::json!(["en", "es"]));
    let fact = &policy["facts"][0];
    assert!(fact["name"].is_string() && fact["type"].is_string());
    assert!(fact["ask"]["en"].is_string() && fact["ask"]["es"].is_string());
    assert!(policy["outcomes"][0]["title"]["es"].is_string());

    let schema = server
        .get(&format!("/v1/policies/{NAME}/schema"), &[])
        .json();
    let cli_facts = asylon(&["schema", POLICY], "");
    let cli_decision = asylon(&["schema", POLICY, "--decision"], "");
    assert_eq!(
        schema["facts"],
        serde_json::from_str::<Value>(&cli_facts.stdout).expect("JSON")
    );
    assert_eq!(
        schema["decision"],
        serde_json::from_str::<Value>(&cli_decision.stdout).expect("JSON")
    );

    let health = server.get("/health", &[]);
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["policies"][0]["revision"], revision);
    assert_eq!(server.get("/ready", &[]).status, 200);

    server.post_json(
        &evaluate_path(),
        &format!(r#"{{"facts": {{}}, "as_of": "{AS_OF}"}}"#),
    );
    let metrics = server.get("/metrics", &[]);
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains(
        "asylon_requests_total{route=\"/v1/policies/{name}/evaluate\",status=\"200\"} 1"
    ));
    assert!(metrics.body.contains("asylon_decisions_total 1"));
    assert!(metrics
        .body
        .contains("asylon_request_duration_seconds_count"));
}

#[test]
fn openapi_describes_every_route_with_the_libraries_schemas() {
    let server = Server::start(&["--quiet", POLICY]);
    let doc = server.get("/openapi.json", &[]).json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/policies",
        "/v1/policies/{name}",
        "/v1/policies/{name}/schema",
        "/v1/policies/{name}/evaluate",
        "/v1/policies/{name}/batch",
        "/v1/policies/{name}/next-question",
        "/v1/policies/{name}/explain",
        "/v1/admin/reload",
        "/health",
        "/ready",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not described");
    }
    let schemas = &doc["components"]["schemas"];
    let facts = asylon(&["schema", POLICY], "");
    let mut facts: Value = serde_json::from_str(&facts.stdout).expect("JSON");
    facts.as_object_mut().map(|o| o.remove("$schema"));
    assert_eq!(schemas["Facts0"], facts);
    assert!(schemas["Decision"]["properties"]["outcomes"].is_object());
    assert!(
        !doc.to_string().contains("#/$defs/"),
        "every reference resolves in the document"
    );
}

#[test]
fn bad_input_is_a_4xx_with_records_never_a_500() {
    let server = Server::start(&["--quiet", POLICY, "--max-body", "2000"]);
    let malformed = server.post_json(&evaluate_path(), "{\"person\": ");
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.code(), "asylon::facts::json");

    let unknown = server.post_json("/v1/policies/no-such-policy/evaluate", "{}");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "asylon::serve::unknown_policy");
    assert_eq!(server.get("/v2/anything", &[]).status, 404);

    let misspelt = server.post_json(&evaluate_path(), r#"{"persn": {}}"#);
    assert_eq!(misspelt.status, 422);
    let record = &misspelt.json()["errors"][0];
    assert_eq!(record["code"], "asylon::facts::unknown_fact");
    assert_eq!(record["help"], "did you mean `person`?");
    assert_eq!(record["location"]["path"], "persn");

    let wrong_type = server.post_json(
        &evaluate_path(),
        r#"{"facts": {"person": {"unaccompanied_child": "yes"}}}"#,
    );
    assert_eq!(wrong_type.status, 422);
    assert_eq!(wrong_type.code(), "asylon::facts::wrong_type");

    let bad_date = server.post_json(&evaluate_path(), r#"{"facts": {}, "as_of": "June"}"#);
    assert_eq!(bad_date.status, 422);
    assert_eq!(bad_date.code(), "asylon::bad_date");

    // A language the policy does not have is refused, as on the command line.
    let french = server.post_json(&evaluate_path(), r#"{"facts": {}, "lang": "fr"}"#);
    assert_eq!(french.status, 422);
    assert_eq!(french.code(), "asylon::unknown_language");
    let mexican = server.post_json(&evaluate_path(), r#"{"facts": {}, "lang": "es-MX"}"#);
    assert_eq!(mexican.status, 200);
    assert_eq!(mexican.json()["lang"], "es");

    let big = format!("{{\"facts\": {{}}, \"lang\": \"{}\"}}", "x".repeat(3000));
    let too_large = server.post_json(&evaluate_path(), &big);
    assert_eq!(too_large.status, 413);
    assert_eq!(too_large.code(), "asylon::serve::body_size");

    let text = server.post(&evaluate_path(), "text/plain", "{}", &[]);
    assert_eq!(text.status, 415);
    assert_eq!(text.code(), "asylon::serve::content_type");

    let bad_query = server.post(
        &format!("/v1/policies/{NAME}/batch?jobs=4"),
        "application/x-ndjson",
        "{}\n",
        &[],
    );
    assert_eq!(bad_query.status, 400);
    assert_eq!(bad_query.code(), "asylon::serve::query");
}

/// Opens a request whose body never arrives: it holds a slot until the time limit.
fn hold(addr: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("the service accepts");
    let head = format!(
        "POST /v1/policies/{NAME}/evaluate HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).expect("the head is sent");
    stream
}

#[test]
fn requests_over_the_limits_are_refused_with_retry_after() {
    let server = Server::start(&[
        "--quiet",
        POLICY,
        "--max-concurrent",
        "1",
        "--timeout-ms",
        "1500",
    ]);
    let mut held = hold(&server.addr);
    std::thread::sleep(Duration::from_millis(200));
    let refused = server.get("/v1/policies", &[]);
    assert_eq!(refused.status, 503);
    assert_eq!(refused.code(), "asylon::serve::overloaded");
    assert_eq!(refused.header("retry-after"), Some("1"));
    // The held request runs out of time; the slot is free again.
    let mut answer = String::new();
    held.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout can be set");
    let _ = held.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("asylon::serve::timeout"), "{answer}");
    assert_eq!(server.get("/v1/policies", &[]).status, 200);
}

/// A token file holding `text`, in a folder that lasts as long as the first value.
fn token_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("token");
    std::fs::write(&path, text).expect("the token is written");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

#[test]
fn a_token_guards_every_v1_route_but_not_health() {
    let (_dir, token_path) = token_file("s3cret\n");
    let server = Server::start(&["--quiet", POLICY, "--token-file", &token_path]);
    let none = server.get("/v1/policies", &[]);
    assert_eq!(none.status, 401);
    assert_eq!(none.code(), "asylon::serve::unauthorized");
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = server.get("/v1/policies", &[("Authorization", "Bearer guess")]);
    assert_eq!(wrong.status, 401);
    let admin = server.post("/v1/admin/reload", "application/json", "", &[]);
    assert_eq!(admin.status, 401);
    let right = server.get("/v1/policies", &[("Authorization", "Bearer s3cret")]);
    assert_eq!(right.status, 200);
    assert_eq!(server.get("/health", &[]).status, 200);
}

#[test]
fn cors_is_off_unless_an_origin_is_allowed() {
    let origin = [("Origin", "https://intake.example.org")];
    let closed = Server::start(&["--quiet", POLICY]);
    let answer = closed.get("/v1/policies", &origin);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), None);

    let open = Server::start(&[
        "--quiet",
        POLICY,
        "--cors-origin",
        "https://intake.example.org",
    ]);
    let answer = open.get("/v1/policies", &origin);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some("https://intake.example.org")
    );
    let other = open.get("/v1/policies", &[("Origin", "https://elsewhere.example")]);
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn with_cors_and_a_token_a_refusal_carries_cors_headers_and_is_counted() {
    let (_dir, token_path) = token_file("s3cret\n");
    let server = Server::start(&[
        "--quiet",
        POLICY,
        "--token-file",
        &token_path,
        "--cors-origin",
        "https://intake.example.org",
    ]);
    let origin = [("Origin", "https://intake.example.org")];
    let refused = server.get("/v1/policies", &origin);
    assert_eq!(refused.status, 401);
    // A browser can only read the refusal when it carries the CORS headers.
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("https://intake.example.org")
    );
    let metrics = server.get("/metrics", &[]);
    assert!(
        (metrics.body).contains("asylon_requests_total{route=\"/v1/policies\",status=\"401\"} 1"),
        "{}",
        metrics.body
    );
}

/// A copy of the border policy in a temporary folder named like it.
fn policy_copy() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let copy = dir.path().join(NAME);
    std::fs::create_dir(&copy).expect("the folder is made");
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(POLICY))
        .expect("the policy folder")
        .filter_map(Result::ok)
    {
        std::fs::copy(entry.path(), copy.join(entry.file_name())).expect("a file is copied");
    }
    let path = copy.to_string_lossy().into_owned();
    (dir, path)
}

/// Waits until `f` is true, for at most ten seconds.
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_watched_policy_is_swapped_during_load_and_a_broken_one_is_not() {
    let (_dir, path) = policy_copy();
    let server = Server::start(&["--quiet", &path, "--watch"]);
    let revision = |s: &Server| {
        s.get("/health", &[]).json()["policies"][0]["revision"]
            .as_str()
            .expect("a revision")
            .to_string()
    };
    let before = revision(&server);
    let body = format!(r#"{{"facts": {{}}, "as_of": "{AS_OF}"}}"#);

    // Clients keep asking while the rules change under them.
    let seen = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut seen = Vec::new();
                    let start = Instant::now();
                    while start.elapsed() < Duration::from_secs(3) {
                        let a = server.post_json(&evaluate_path(), &body);
                        assert_eq!(a.status, 200, "{}", a.body);
                        seen.push(a.revision.expect("a revision"));
                    }
                    seen
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        let file = Path::new(&path).join("00-policy.asylon");
        let mut text = std::fs::read_to_string(&file).expect("the file reads");
        text.push_str("\n# a comment changes the revision, not the rules\n");
        std::fs::write(&file, text).expect("the file is written");
        clients
            .into_iter()
            .flat_map(|c| c.join().expect("a client finishes"))
            .collect::<Vec<_>>()
    });
    assert!(eventually(|| revision(&server) != before), "no swap");
    let after = revision(&server);
    assert!(seen.contains(&before), "answers before the swap");
    assert!(
        seen.contains(&after)
            || server.post_json(&evaluate_path(), &body).revision == Some(after.clone()),
        "answers after the swap"
    );

    // A version that does not check is not loaded.
    std::fs::write(Path::new(&path).join("99-broken.asylon"), "outcome when\n")
        .expect("the file is written");
    assert!(eventually(|| !server.get("/health", &[]).json()
        ["policies"][0]["reload_errors"]
        .is_null()));
    assert_eq!(revision(&server), after);
    assert_eq!(server.get("/ready", &[]).status, 200);
    let answer = server.post_json(&evaluate_path(), &body);
    assert_eq!((answer.status, answer.revision), (200, Some(after.clone())));
    let reload = server.post("/v1/admin/reload", "application/json", "", &[]);
    assert_eq!(reload.status, 422);
    assert_eq!(reload.json()["policies"][0]["result"], "failed");

    // Fixed, and reloaded on demand.
    std::fs::remove_file(Path::new(&path).join("99-broken.asylon")).expect("removed");
    let reload = server.post("/v1/admin/reload", "application/json", "", &[]);
    assert_eq!(reload.status, 200, "{}", reload.body);
    assert!(server.get("/health", &[]).json()["policies"][0]["reload_errors"].is_null());
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_service_cleanly() {
    let server = Server::start(&["--quiet", POLICY]);
    assert_eq!(server.get("/health", &[]).status, 200);
    let (code, stderr) = server.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
}

#[test]
fn a_policy_that_does_not_check_is_not_served() {
    let policy = common::temp_policy("outcome when\n");
    let run = asylon(&["serve", &policy.path, "--listen", "127.0.0.1:0"], "");
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn facts_are_logged_only_in_the_decision_log_asked_for() {
    let facts = r#"{"person": {"nationality": "VE", "unaccompanied_child": true}}"#;
    let body = format!(r#"{{"facts": {facts}, "as_of": "{AS_OF}"}}"#);

    // By default: the access log, without facts or decisions.
    let server = Server::start(&[POLICY]);
    assert_eq!(server.post_json(&evaluate_path(), &body).status, 200);
    let (_, log) = server.terminate();
    assert!(
        log.contains("POST /v1/policies/us-mexico-border/evaluate 200"),
        "{log}"
    );
    for private in ["VE", "unaccompanied", "nationality", "outcomes"] {
        assert!(!log.contains(private), "`{private}` in the log: {log}");
    }

    // Asked for: one line per evaluation, with the facts and the decision.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("decisions.jsonl");
    let path_text = path.to_string_lossy().into_owned();
    let server = Server::start(&["--quiet", POLICY, "--decision-log", &path_text]);
    let answer = server.post_json(&evaluate_path(), &body);
    server.post_json(&evaluate_path(), &body);
    drop(server);
    let text = std::fs::read_to_string(&path).expect("the decision log");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["facts"],
        serde_json::from_str::<Value>(facts).expect("JSON")
    );
    assert_eq!(lines[0]["decision"], answer.json());
    assert_eq!(lines[0]["revision"].as_str(), answer.revision.as_deref());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "readable by its owner only");
}

#[test]
fn deeply_nested_bodies_are_refused_and_the_service_lives_on() {
    let server = Server::start(&["--quiet", POLICY]);
    let depth = 100_000;
    let bodies = [
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!(
            r#"{{"facts": {}1{}}}"#,
            r#"{"a":"#.repeat(depth),
            "}".repeat(depth)
        ),
        format!(
            r#"{{"person": {}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    ];
    for body in &bodies {
        for route in ["evaluate", "next-question", "explain"] {
            let answer = server.post_json(&format!("/v1/policies/{NAME}/{route}"), body);
            assert!(
                (400..500).contains(&answer.status),
                "{route}: {} {}",
                answer.status,
                answer.body
            );
        }
    }
    assert_eq!(server.get("/health", &[]).status, 200);
}

#[test]
fn idle_connections_are_closed_after_the_idle_limit() {
    let server = Server::start(&["--quiet", POLICY, "--idle-timeout-ms", "300"]);
    let closed_within = |stream: &mut TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout can be set");
        let start = Instant::now();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        (start.elapsed(), rest)
    };
    // A connection that never sends a byte.
    let mut silent = TcpStream::connect(&server.addr).expect("the service accepts");
    let (waited, _) = closed_within(&mut silent);
    assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    // A connection kept alive after one answer.
    let mut kept = TcpStream::connect(&server.addr).expect("the service accepts");
    let head = format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    kept.write_all(head.as_bytes())
        .expect("the request is sent");
    let (waited, answer) = closed_within(&mut kept);
    assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The service goes on answering new connections.
    assert_eq!(server.get("/health", &[]).status, 200);
}

#[test]
fn the_json_depth_limit_is_configurable_and_refused_with_a_record() {
    let body = r#"{"facts": {"person": {"age": [[[1]]]}}}"#;
    let shallow = Server::start(&["--quiet", POLICY, "--max-json-depth", "4"]);
    for route in ["evaluate", "next-question", "explain"] {
        let answer = shallow.post_json(&format!("/v1/policies/{NAME}/{route}"), body);
        assert_eq!(answer.status, 400, "{route}: {}", answer.body);
        assert_eq!(answer.code(), "asylon::serve::json_depth");
        let record = &answer.json()["errors"][0];
        assert!(record["message"].as_str().is_some_and(|m| m.contains('4')));
        assert!(record["help"]
            .as_str()
            .is_some_and(|h| h.contains("--max-json-depth")));
    }
    // Within the limit, the same body reaches the policy, which has its own opinion.
    let default = Server::start(&["--quiet", POLICY]);
    let answer = default.post_json(&evaluate_path(), body);
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_ne!(answer.code(), "asylon::serve::json_depth");
    let fine = shallow.post_json(&evaluate_path(), r#"{"facts": {"person": {}}}"#);
    assert_eq!(fine.status, 200, "{}", fine.body);
}

#[test]
fn a_chunked_batch_over_the_limit_is_refused_with_413() {
    let server = Server::start(&["--quiet", POLICY, "--max-batch-body", "1000"]);
    let lines = "{}\n".repeat(2000);
    let chunked = ureq::post(&server.url(&format!("/v1/policies/{NAME}/batch?as_of={AS_OF}")))
        .set("Content-Type", "application/x-ndjson")
        // A reader of unknown length: sent chunked, with no Content-Length.
        .send(std::io::Cursor::new(lines.clone().into_bytes()));
    let answer = Answer::of(chunked);
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert_eq!(answer.code(), "asylon::serve::body_size");
    // Within the limit, chunked lines are answered line by line.
    let small = ureq::post(&server.url(&format!("/v1/policies/{NAME}/batch?as_of={AS_OF}")))
        .set("Content-Type", "application/x-ndjson")
        .send(std::io::Cursor::new(b"{}\n{}\n".to_vec()));
    let answer = Answer::of(small);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body.lines().count(), 2);
}
