//! The screening page of `asylon serve` (`/screen/{policy}`) over plain HTTP, as a
//! browser without JavaScript uses it: the real binary on a loopback port, forms posted
//! as a browser posts them, results compared with `asylon eval` on the same facts. The
//! browser tests (tests/browser) drive the same pages in Chromium.

mod common;

use std::path::Path;

use serde_json::Value;

use common::asylon;
use common::server::{Answer, Server};

const POLICY: &str = "policies/us-mexico-border";
const NAME: &str = "us-mexico-border";
const AS_OF: &str = "2024-06-17";
const EXIT: &str = "https://weather.example/";

/// What the tests read in a page: its forms' hidden state and its results.
trait Page {
    fn hidden(&self, name: &str) -> String;
    fn fact(&self) -> Option<String>;
    fn state(&self) -> Vec<(String, String)>;
    fn outcomes(&self, status: &str) -> Vec<String>;
}

impl Page for Answer {
    /// The value of the first hidden field `name`, unescaped.
    fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).map(|i| i + marker.len());
        let start = start.unwrap_or_else(|| panic!("no field {name}: {}", self.body));
        let end = self.body[start..].find('"').expect("a closed attribute") + start;
        unescape(&self.body[start..end])
    }

    /// The fact the question on the page is about (`None`: not a question page).
    fn fact(&self) -> Option<String> {
        self.body
            .contains("value=\"answer\"")
            .then(|| self.hidden("fact"))
    }

    /// The state every form carries.
    fn state(&self) -> Vec<(String, String)> {
        ["lang", "as_of", "answers", "history"]
            .iter()
            .map(|k| (k.to_string(), self.hidden(k)))
            .collect()
    }

    /// The ids of the outcomes with `status` on a results page.
    fn outcomes(&self, status: &str) -> Vec<String> {
        let marker = "data-outcome=\"";
        let mut ids = Vec::new();
        for (i, _) in self.body.match_indices(marker) {
            let rest = &self.body[i + marker.len()..];
            let id = &rest[..rest.find('"').expect("a closed attribute")];
            if rest[id.len()..].starts_with(&format!("\" data-status=\"{status}\"")) {
                ids.push(id.to_string());
            }
        }
        ids
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn with<'a>(state: &'a [(String, String)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = state
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    fields.extend_from_slice(more);
    fields
}

/// The value at a dotted path (`null` inside a group given as `null`).
fn lookup<'a>(facts: &'a Value, name: &str) -> Option<&'a Value> {
    let mut node = facts;
    for key in name.split('.') {
        if node.is_null() {
            return Some(node);
        }
        node = node.get(key)?;
    }
    Some(node)
}

/// Answers every question from `facts` ("I don't know" where they do not say) and asks
/// for the results.
fn screen(server: &Server, lang: &str, facts: &Value) -> Answer {
    let path = format!("/screen/{NAME}");
    let mut page = server.get(&format!("{path}?lang={lang}&as_of={AS_OF}"), &[]);
    for _ in 0..100 {
        let Some(fact) = page.fact() else { break };
        let state = page.state();
        let mut values: Vec<String> = Vec::new();
        match lookup(facts, &fact) {
            None | Some(Value::Null) => {
                page = server.post_form(
                    &path,
                    &with(&state, &[("fact", &fact), ("do", "dont_know")]),
                );
                continue;
            }
            Some(Value::Bool(b)) => values.push(if *b { "yes" } else { "no" }.into()),
            Some(Value::String(s)) => values.push(s.clone()),
            Some(Value::Array(items)) => {
                values.extend(items.iter().filter_map(|i| i.as_str().map(String::from)))
            }
            Some(other) => values.push(other.to_string()),
        }
        let mut fields = with(&state, &[("fact", &fact), ("do", "answer")]);
        fields.extend(values.iter().map(|v| ("value", v.as_str())));
        page = server.post_form(&path, &fields);
        assert_eq!(page.status, 200, "{fact}: {}", page.body);
    }
    assert!(page.body.contains("value=\"results\""), "the review page");
    let state = page.state();
    server.post_form(&path, &with(&state, &[("do", "results")]))
}

fn eval(facts: &Value, lang: &str) -> Value {
    let run = asylon(
        &[
            "eval", POLICY, "-", "--as-of", AS_OF, "--format", "json", "--lang", lang,
        ],
        &facts.to_string(),
    );
    serde_json::from_str(&run.stdout).expect("eval prints JSON")
}

fn ids(decision: &Value, key: &str) -> Vec<String> {
    (decision[key].as_array().expect("a list").iter())
        .map(|o| o["id"].as_str().expect("an id").to_string())
        .collect()
}

fn example(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("the example reads"))
        .expect("the example is JSON")
}

#[test]
fn every_example_screened_without_javascript_ends_where_eval_does() {
    let server = Server::start(&[POLICY, "--quiet"]);
    let dir = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .expect("the examples folder");
    let mut names: Vec<String> = dir
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for name in names {
        let facts = example(&name);
        for lang in ["en", "es"] {
            let results = screen(&server, lang, &facts);
            assert_eq!(results.status, 200, "{name}: {}", results.body);
            assert!(results.body.contains(&format!("<html lang=\"{lang}\"")));
            let cli = eval(&facts, lang);
            assert_eq!(
                results.outcomes("holds"),
                ids(&cli, "outcomes"),
                "{name} in {lang}"
            );
            assert_eq!(
                results.outcomes("undetermined"),
                ids(&cli, "undetermined"),
                "{name} in {lang}"
            );
            // The titles are the policy's, in the reader's language.
            for o in cli["outcomes"].as_array().expect("a list") {
                let title = o["title"].as_str().expect("a title");
                let escaped = title.replace('&', "&amp;").replace('"', "&quot;");
                assert!(results.body.contains(&escaped), "{name}: {title}");
            }
        }
    }
}

#[test]
fn pages_load_nothing_from_elsewhere_are_small_and_never_cached() {
    let server = Server::start(&[POLICY, "--quiet", "--quick-exit-url", EXIT]);
    let root = server.get("/", &[]);
    assert_eq!(root.status, 303);
    assert_eq!(root.header("location"), Some("/screen/us-mexico-border"));
    let first = server.get(&format!("/screen/{NAME}?lang=es&as_of={AS_OF}"), &[]);
    assert_eq!(first.status, 200);
    assert!(first.body.starts_with("<!DOCTYPE html><html lang=\"es\">"));
    assert!(
        first.body.contains("¿Tiene menos de 18 años"),
        "the policy's question"
    );
    assert!(first.body.contains("Salida rápida") && first.body.contains(EXIT));
    assert!(first.body.len() < 60 * 1024, "{} bytes", first.body.len());
    let csp = first.header("content-security-policy").expect("a CSP");
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert_eq!(first.header("cache-control"), Some("no-store"));
    assert_eq!(first.header("referrer-policy"), Some("no-referrer"));
    // The only absolute address on the page is the quick exit's.
    let elsewhere: Vec<&str> = first
        .body
        .match_indices("http")
        .map(|(i, _)| &first.body[i..i + 30])
        .collect();
    assert!(
        elsewhere.iter().all(|e| e.starts_with(EXIT)),
        "{elsewhere:?}"
    );
    // The default quick exit is a neutral page.
    let default = Server::start(&[POLICY, "--quiet"]);
    assert!(default
        .get(&format!("/screen/{NAME}"), &[])
        .body
        .contains("href=\"https://www.google.com/\""));
}

#[test]
fn a_refused_answer_is_shown_next_to_its_question_with_the_diagnostic() {
    let server = Server::start(&[POLICY, "--quiet"]);
    let path = format!("/screen/{NAME}");
    let first = server.get(&format!("{path}?as_of={AS_OF}"), &[]);
    let state = first.state();
    let crossings = server.post_form(
        &path,
        &with(
            &state,
            &[
                ("fact", "border.daily_crossings_average"),
                ("do", "answer"),
                ("value", "many"),
            ],
        ),
    );
    assert_eq!(crossings.status, 422);
    assert!(
        crossings.body.contains("asylon::answer::invalid"),
        "{}",
        crossings.body
    );
    assert!(crossings
        .body
        .contains("name=\"fact\" value=\"border.daily_crossings_average\""));
    assert!(crossings.body.contains("aria-describedby=\"hint err\""));
    let nothing = server.post_form(
        &path,
        &with(&state, &[("fact", "location"), ("do", "answer")]),
    );
    assert_eq!(nothing.status, 422);
    assert!(nothing.body.contains("Choose one answer"));
    // Facts that contradict each other: the policy's own message.
    let answers = r#"{"entry":{"method":"not_yet_entered"}}"#;
    let impossible = server.post_form(
        &path,
        &[
            ("as_of", AS_OF),
            ("answers", answers),
            ("history", "entry.method"),
            ("fact", "location"),
            ("do", "answer"),
            ("value", "united_states"),
        ],
    );
    assert_eq!(impossible.status, 422);
    assert!(
        impossible.body.contains("asylon::facts::impossible"),
        "{}",
        impossible.body
    );
    // The refused answer stays chosen, to be corrected.
    assert!(impossible.body.contains("value=\"united_states\" checked"));
}

#[test]
fn an_altered_form_is_a_problem_page_not_a_failure() {
    let server = Server::start(&[POLICY, "--quiet"]);
    let path = format!("/screen/{NAME}");
    for fields in [
        vec![("answers", "[1]"), ("do", "review")],
        vec![("answers", "{not json"), ("do", "results")],
        vec![
            ("answers", r#"{"locaton": "central_mexico"}"#),
            ("do", "results"),
        ],
        vec![("fact", "no.such.fact"), ("do", "answer"), ("value", "yes")],
        vec![("fact", "no.such.fact"), ("do", "dont_know")],
        vec![("change", "no.such.fact")],
        vec![("as_of", "yesterday")],
    ] {
        let page = server.post_form(&path, &fields);
        assert!(
            (400..500).contains(&page.status),
            "{fields:?}: {}",
            page.status
        );
        assert!(page.body.contains("asylon::"), "{fields:?}: {}", page.body);
    }
    let missing = server.get("/screen/no-such-policy", &[]);
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("us-mexico-border"));
}

/// A multipart body with one file and the language.
fn multipart(file: &str) -> (String, String) {
    let boundary = "----asylon-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\nes\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n{AS_OF}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"answers.json\"\r\n\
         Content-Type: application/json\r\n\r\n{file}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n\
         --{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn answers_are_saved_as_a_fact_file_and_resumed_from_it() {
    let server = Server::start(&[POLICY, "--quiet"]);
    let path = format!("/screen/{NAME}");
    let facts = example("visa_holder.json");
    let mut page = server.get(&format!("{path}?as_of={AS_OF}"), &[]);
    // Two answers and an "I don't know".
    for step in 0..3 {
        let fact = page.fact().expect("a question");
        let state = page.state();
        page = if step == 2 {
            server.post_form(
                &path,
                &with(&state, &[("fact", &fact), ("do", "dont_know")]),
            )
        } else {
            let value = match lookup(&facts, &fact) {
                Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
                Some(Value::String(s)) => s.clone(),
                other => panic!("{fact}: {other:?}"),
            };
            server.post_form(
                &path,
                &with(
                    &state,
                    &[("fact", &fact), ("do", "answer"), ("value", &value)],
                ),
            )
        };
    }
    let next = page.fact().expect("a question");
    let state = page.state();
    let saved = server.post_form(&format!("{path}/answers.json"), &with(&state, &[]));
    assert_eq!(saved.status, 200);
    assert_eq!(
        saved.header("content-disposition"),
        Some("attachment; filename=\"answers.json\"")
    );
    let file: Value = serde_json::from_str(&saved.body).expect("the file is JSON");
    assert_eq!(file.to_string(), state[2].1, "the file is the answers");
    let cli = asylon(&["eval", POLICY, "-", "--as-of", AS_OF], &saved.body);
    assert_eq!(cli.code, 0, "asylon eval accepts the file: {}", cli.stderr);

    let (content_type, body) = multipart(&saved.body);
    let resumed = Answer::of(
        ureq::post(&server.url(&format!("{path}/resume")))
            .set("Content-Type", &content_type)
            .send_string(&body),
    );
    assert_eq!(resumed.status, 200, "{}", resumed.body);
    assert_eq!(resumed.fact().as_deref(), Some(next.as_str()));
    assert!(resumed.body.contains("<html lang=\"es\""));

    let (content_type, body) = multipart(r#"{"authorisation": "none"}"#);
    let refused = Answer::of(
        ureq::post(&server.url(&format!("{path}/resume")))
            .set("Content-Type", &content_type)
            .send_string(&body),
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("asylon::facts::unknown_fact"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("authorization"), "did you mean");
}

#[test]
fn the_access_log_has_no_answers() {
    let server = Server::start(&[POLICY]);
    let facts = example("family_between_ports_during_ban.json");
    let results = screen(&server, "en", &facts);
    assert_eq!(results.status, 200);
    let log = server.stop();
    assert!(log.contains("POST /screen/us-mexico-border 200"), "{log}");
    for word in [
        "between_ports",
        "political_opinion",
        "2024-06-10",
        "answers",
    ] {
        assert!(!log.contains(word), "the log shows {word}: {log}");
    }
}

#[test]
fn every_screenshot_the_readme_shows_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README reads");
    let named: Vec<&str> = (readme.match_indices("docs/screenshots/"))
        .map(|(i, _)| {
            let rest = &readme[i..];
            &rest[..rest.find([')', '"', ' ', '\n']).unwrap_or(rest.len())]
        })
        .filter(|name| name.ends_with(".jpg") || name.ends_with(".png"))
        .collect();
    for page in ["question", "results", "print"] {
        for lang in ["en", "es"] {
            for device in ["desktop", "phone"] {
                let shot = format!("docs/screenshots/{page}-{lang}-{device}.jpg");
                assert!(
                    named.contains(&shot.as_str()),
                    "the README does not show {shot}"
                );
            }
        }
    }
    for shot in named {
        assert!(
            root.join(shot).is_file(),
            "{shot} is missing: run the browser tests with UPDATE_SCREENSHOTS=1"
        );
    }
}

#[test]
fn a_quick_exit_that_is_not_a_web_address_is_refused() {
    for url in ["javascript:alert(1)", "www.google.com", "https://"] {
        let run = asylon(
            &[
                "serve",
                POLICY,
                "--listen",
                "127.0.0.1:0",
                "--quick-exit-url",
                url,
            ],
            "",
        );
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(
            run.stderr.contains("asylon::serve::quick_exit_url"),
            "{}",
            run.stderr
        );
    }
}
