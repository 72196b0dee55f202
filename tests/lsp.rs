//! `asylon lsp` end to end: the real binary started as an editor starts it, spoken to
//! in JSON-RPC over stdio, on a copy of the border policy. Every wait has a timeout, so
//! a server that hangs fails the test instead of hanging CI. The time from an edit to
//! its diagnostics, and of hover and definition, is measured and printed (never
//! asserted: run `cargo test --test lsp -- --nocapture` to see it).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Long enough for a debug build on a loaded machine, short enough to fail a hang.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
    next_id: u64,
    /// Keeps the copy alive.
    _root: tempfile::TempDir,
    /// The copy of the border policy.
    dir: std::path::PathBuf,
}

impl Client {
    /// Starts `asylon lsp` on a copy of the border policy and initializes it.
    fn start() -> Client {
        // The repository's layout: the border policy's tests read case files from
        // `../../examples` (`given file`).
        let root = tempfile::tempdir().expect("a temporary directory");
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = root.path().join("policies/us-mexico-border");
        for (from, to) in [
            (repository.join("policies/us-mexico-border"), dir.clone()),
            (repository.join("examples"), root.path().join("examples")),
        ] {
            std::fs::create_dir_all(&to).expect("a directory for the copy");
            for entry in std::fs::read_dir(from).expect("the folder is there") {
                let path = entry.expect("a directory entry").path();
                if path.is_file() {
                    std::fs::copy(&path, to.join(path.file_name().expect("a file name")))
                        .expect("the file copies");
                }
            }
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_asylon"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("asylon lsp starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let (send, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            pending: Vec::new(),
            next_id: 0,
            _root: root,
            dir,
        };
        let root = uri(&client.dir);
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        assert_eq!(init["serverInfo"]["name"], "asylon");
        assert_eq!(init["capabilities"]["hoverProvider"], true);
        client.notify("initialized", json!({}));
        client
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    fn uri(&self, file: &str) -> String {
        uri(&self.path(file))
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).expect("the file reads")
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("the server reads");
        self.stdin.flush().expect("the server reads");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        match self.messages.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => {
                panic!("asylon lsp did not answer within {TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => panic!("asylon lsp closed its output"),
        }
    }

    /// Sends a request and waits for its result (panics on an error answer).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let answer = self.call(method, params);
        assert!(answer.get("error").is_none(), "{method} failed: {answer}");
        answer["result"].clone()
    }

    /// Sends a request and waits for its answer, result or error.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// Waits for the diagnostics of a file (the latest if several were sent).
    fn diagnostics(&mut self, file: &str) -> Vec<Value> {
        let uri = self.uri(file);
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().rposition(is_it) {
            let found = self.pending.remove(i);
            self.pending.retain(|m| !is_it(m));
            return found["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.next();
            if is_it(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.pending.push(message);
        }
    }

    fn open(&mut self, file: &str, text: &str) {
        let uri = self.uri(file);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "asylon", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, file: &str, version: u32, text: &str) {
        let uri = self.uri(file);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The position (line, UTF-16 column) of the `nth` occurrence of `needle` in a
    /// text, plus `delta` characters.
    fn position(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
        let at = text
            .match_indices(needle)
            .nth(nth)
            .expect("the needle is in the text")
            .0;
        let before = &text[..at];
        let line = before.matches('\n').count();
        let column: usize = before
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        json!({"line": line, "character": column + delta})
    }

    fn at(&self, file: &str, needle: &str, nth: usize) -> Value {
        json!({"textDocument": {"uri": self.uri(file)}, "position": Client::position(&self.text(file), needle, nth, 1)})
    }

    /// Shuts the server down and waits for it to exit, successfully.
    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                assert!(status.success(), "asylon lsp exited with {status}");
                return;
            }
            assert!(
                started.elapsed() < TIMEOUT,
                "asylon lsp did not exit after `exit`"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A test that failed leaves no server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// One message of the base protocol: headers, a blank line, a JSON body.
fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

const BAN: &str = "20-asylum-ban.asylon";

fn errors(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics.iter().filter(|d| d["severity"] == 1).collect()
}

#[test]
fn a_broken_file_gets_diagnostics_and_its_fix_clears_them() {
    let mut client = Client::start();
    let good = client.text(BAN);
    let broken = good.replace(">= ban_threshold", ">= ban_treshold");
    client.open(BAN, &broken);
    let diagnostics = client.diagnostics(BAN);
    let errors = errors(&diagnostics);
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    assert_eq!(errors[0]["code"], "asylon::unknown_name");
    assert_eq!(errors[0]["source"], "asylon");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `ban_threshold`?"));
    assert_eq!(
        errors[0]["range"]["start"],
        Client::position(&broken, "ban_treshold", 0, 0)
    );

    // The quick fix names the right name.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(BAN)}, "range": errors[0]["range"], "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "Replace with `ban_threshold`");
    let edits = &actions[0]["edit"]["changes"][client.uri(BAN)];
    assert_eq!(edits[0]["newText"], "ban_threshold");

    client.change(BAN, 2, &good);
    assert_eq!(client.diagnostics(BAN), Vec::<Value>::new());

    // A syntax error, then mended, as typed.
    client.change(
        BAN,
        3,
        &good.replace("outcome asylum_ban_warning", "outcome"),
    );
    let diagnostics = client.diagnostics(BAN);
    assert_eq!(diagnostics[0]["code"], "asylon::syntax");
    client.change(BAN, 4, &good);
    assert_eq!(client.diagnostics(BAN), Vec::<Value>::new());
    client.shutdown();
}

#[test]
fn hover_definition_and_rename_across_files() {
    let mut client = Client::start();
    let text = client.text(BAN);
    client.open(BAN, &text);
    client.diagnostics(BAN);

    let hover = client.request("textDocument/hover", client.at(BAN, "ban_threshold", 1));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.contains("const ban_threshold = 2500"),
        "{markdown}"
    );
    let hover = client.request(
        "textDocument/hover",
        client.at(BAN, "border.daily_crossings_average >=", 0),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.contains("fact border.daily_crossings_average: int at least 0"),
        "{markdown}"
    );
    assert!(
        markdown.contains("(es): ¿Cuál es el promedio"),
        "{markdown}"
    );

    // `unauthorized` is defined in 00-policy.asylon.
    let places = client.request("textDocument/definition", client.at(BAN, "unauthorized", 0));
    assert_eq!(places[0]["uri"], client.uri("00-policy.asylon"));
    let policy = client.text("00-policy.asylon");
    assert_eq!(
        places[0]["range"]["start"],
        Client::position(&policy, "unauthorized =", 0, 0)
    );

    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": client.uri(BAN)}, "position": Client::position(&text, "unauthorized", 0, 1), "newName": "without_permission"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    for file in [
        "00-policy.asylon",
        "10-entry-and-cbp-one.asylon",
        BAN,
        "90-tests.asylon",
    ] {
        let edits = changes[&client.uri(file)].as_array().unwrap();
        assert!(
            edits.iter().all(|e| e["newText"] == "without_permission"),
            "{file}"
        );
    }
    let refused = client.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": client.uri(BAN)}, "position": Client::position(&text, "unauthorized", 0, 1), "newName": "entered"}),
    );
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("`entered` is already declared"));
    client.shutdown();
}

#[test]
fn completion_after_is_offers_the_variants_of_the_fact() {
    let mut client = Client::start();
    let text = format!(
        "{}\noutcome new_one when entry.method is ",
        client.text(BAN)
    );
    client.open(BAN, &text);
    client.diagnostics(BAN);
    let end = Client::position(
        &text,
        "entry.method is ",
        text.matches("entry.method is ").count() - 1,
        "entry.method is ".len(),
    );
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": client.uri(BAN)}, "position": end}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "not_yet_entered",
            "port_of_entry",
            "between_ports",
            "by_sea"
        ]
    );
    client.shutdown();
}

#[test]
fn code_lenses_evaluate_an_outcome_and_run_the_tests() {
    let mut client = Client::start();
    let text = client.text(BAN);
    client.open(BAN, &text);
    client.diagnostics(BAN);
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": client.uri(BAN)}}),
    );
    let evaluate = lenses
        .as_array()
        .unwrap()
        .iter()
        .find(|l| {
            l["command"]["command"] == "asylon.evaluate"
                && l["command"]["arguments"][1] == "asylum_ban_in_effect"
        })
        .expect("an Evaluate lens on the outcome")
        .clone();
    assert_eq!(evaluate["command"]["title"], "Evaluate");
    // The first test of the policy gives no facts: the ban is unknown, waiting on two.
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": "asylon.evaluate", "arguments": evaluate["command"]["arguments"]}),
    );
    assert_eq!(
        result,
        json!({
            "outcome": "asylum_ban_in_effect",
            "status": "unknown",
            "missing": ["border.asylum_ban_in_force", "border.daily_crossings_average"],
            "against": "the facts of test \"with no facts every outcome waits on the facts that decide it\", as of 2024-06-17"
        })
    );
    // With a fact file the author picks.
    let facts = client.path("case.json");
    std::fs::write(&facts, r#"{"border": {"asylum_ban_in_force": true}}"#).unwrap();
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": "asylon.evaluate", "arguments": [client.uri(BAN), "asylum_ban_in_effect", facts.display().to_string(), "2024-06-17"]}),
    );
    assert_eq!(result["status"], "holds");

    let tests = client.text("90-tests.asylon");
    client.open("90-tests.asylon", &tests);
    client.diagnostics("90-tests.asylon");
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": client.uri("90-tests.asylon")}}),
    );
    let run_all = &lenses[0]["command"];
    assert_eq!(run_all["title"], "▶ Run all tests");
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": run_all["command"], "arguments": run_all["arguments"]}),
    );
    assert_eq!(result["failed"], 0);
    let passed = result["passed"].as_u64().unwrap();
    assert!(passed > 10, "{result}");
    let diagnostics = client.diagnostics("90-tests.asylon");
    assert_eq!(diagnostics.len() as u64, passed);
    assert!(diagnostics
        .iter()
        .all(|d| d["severity"] == 3 && d["message"].as_str().unwrap().starts_with("test passed")));
    client.shutdown();
}

#[test]
fn symbols_folding_formatting_and_tokens() {
    let mut client = Client::start();
    let text = client.text(BAN);
    client.open(BAN, &text);
    client.diagnostics(BAN);
    let doc = json!({"textDocument": {"uri": client.uri(BAN)}});
    let symbols = client.request("textDocument/documentSymbol", doc.clone());
    assert_eq!(symbols[0]["name"], "border");
    assert_eq!(
        symbols[0]["children"][0]["name"],
        "border.asylum_ban_in_force"
    );
    let found = client.request("workspace/symbol", json!({"query": "ban_thr"}));
    assert_eq!(found[0]["name"], "ban_threshold");
    let folds = client.request("textDocument/foldingRange", doc.clone());
    assert!(folds.as_array().unwrap().len() > 5);
    // The border policy is formatted already: formatting gives it back unchanged.
    let edits = client.request("textDocument/formatting", json!({"textDocument": {"uri": client.uri(BAN)}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert_eq!(edits[0]["newText"], text);
    let tokens = client.request("textDocument/semanticTokens/full", doc);
    assert!(tokens["data"].as_array().unwrap().len() > 5 * 20);
    client.shutdown();
}

/// Prints the time from an edit to its diagnostics, and of hover and definition, over
/// stdio with the real binary (a debug build unless `--release`).
#[test]
fn timings_over_stdio_are_reported() {
    let mut client = Client::start();
    let text = client.text(BAN);
    client.open(BAN, &text);
    client.diagnostics(BAN);
    let rounds = 20;
    let mut edits = Vec::new();
    for i in 0..rounds {
        let edited = text.replace(
            "const ban_threshold = 2500",
            &format!("const ban_threshold = {}", 2500 + i),
        );
        let started = Instant::now();
        client.change(BAN, 2 + i, &edited);
        client.diagnostics(BAN);
        edits.push(started.elapsed());
    }
    let mut hovers = Vec::new();
    let mut definitions = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        client.request("textDocument/hover", client.at(BAN, "unauthorized", 0));
        hovers.push(started.elapsed());
        let started = Instant::now();
        client.request("textDocument/definition", client.at(BAN, "unauthorized", 0));
        definitions.push(started.elapsed());
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "asylon lsp over stdio, border policy (7 files), median of {rounds} ({} build): edit → diagnostics {:?}, hover {:?}, definition {:?}",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        median(edits),
        median(hovers),
        median(definitions)
    );
    client.shutdown();
}
