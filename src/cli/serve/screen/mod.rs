//! The screening page: `/screen/{policy}`, an interview in a browser generated from the
//! policy alone (its questions, choices, titles, explanations and sources), one question
//! per page, in every language the policy has.
//!
//! Server-rendered forms that work without JavaScript. The state of a screening travels
//! in the forms ([`state`]): no session, no cookie, nothing stored or logged. Each page
//! carries its style and its small optional script inline, allowed by their hashes in
//! the Content-Security-Policy, so that a page is one request and loads nothing from
//! anywhere else.
//!
//! The modules: [`state`] (the form's state), [`question`] (controls and answers),
//! [`page`] (the HTML), [`words`] (the page's own words in English and Spanish).

mod page;
mod question;
mod state;
mod words;

use std::sync::{Arc, LazyLock};

use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State as Shared};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use maud::{html, Markup};
use sha2::{Digest, Sha256};

use asylon::interview::next_question;
use asylon::Diagnostic;

use self::page::{bare, Current, Frame, QuestionPage};
use self::state::{all, answers_object, field, Fields, State};
use self::words::words;
use super::state::Loaded;
use super::App;

/// The style every page carries inline.
pub const STYLE: &str = include_str!("assets/screen.css");
/// The script every page carries inline: enhancements only.
pub const SCRIPT: &str = include_str!("assets/screen.js");

/// The Content-Security-Policy of a page: nothing from anywhere but the inline style and
/// script (by hash), forms posted only here.
static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = |text: &str| {
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    };
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        hash(STYLE),
        hash(SCRIPT)
    )
});

/// The screening page's settings.
#[derive(Clone)]
pub struct Screen {
    app: Arc<App>,
    /// Where the quick exit goes.
    quick_exit: Arc<str>,
}

/// The routes of the screening page: `/screen/{policy}` and its forms, and `/`.
pub fn router(app: Arc<App>, quick_exit: &str) -> Router {
    let screen = Screen {
        app,
        quick_exit: Arc::from(quick_exit),
    };
    Router::new()
        .route("/", get(index))
        .route("/screen/{name}", get(start).post(step))
        .route("/screen/{name}/answers.json", post(save))
        .route("/screen/{name}/resume", post(resume))
        .with_state(screen)
}

/// Refuses a quick-exit address that is not a plain web address: the button must take
/// the person away, not run anything.
pub fn check_quick_exit(url: &str) -> Result<(), asylon::Error> {
    let lower = url.to_ascii_lowercase();
    let web = ["https://", "http://"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len());
    if web && !url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Ok(());
    }
    Err(asylon::Error::from_reports(
        asylon::ErrorKind::Io,
        vec![miette::miette!(
            code = "asylon::serve::quick_exit_url",
            help = "give a neutral web page, e.g. --quick-exit-url https://www.google.com/",
            "`{url}` is not an http:// or https:// address"
        )],
    ))
}

/// An HTML page: never cached or stored (it shows a person's answers), no referrer.
fn html_page(status: StatusCode, markup: Markup, loaded: Option<&Loaded>) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(csp) = HeaderValue::from_str(&CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if let Some(loaded) = loaded {
        super::routes::with_revision(&mut response, loaded);
    }
    response
}

/// `/`: the one policy's screening, or a list of them.
async fn index(Shared(screen): Shared<Screen>) -> Response {
    let entries = screen.app.registry.entries();
    if let [only] = entries {
        return Redirect::to(&format!("/screen/{}", only.name)).into_response();
    }
    let w = words("en");
    let body = html! {
        h1 { (w.screenings) }
        ul { @for e in entries { li { a href={"/screen/" (e.name)} { (e.current().policy.checked().header.name) } } } }
    };
    html_page(
        StatusCode::OK,
        bare("en", w.screenings, &screen.quick_exit, body),
        None,
    )
}

/// The policy served as `name`, or the page saying there is none.
fn policy(screen: &Screen, name: &str, lang: &str) -> Result<Arc<Loaded>, Response> {
    screen
        .app
        .registry
        .get(name)
        .map(|e| e.current())
        .ok_or_else(|| {
            let w = words(lang);
            let body = html! {
                h1 { (w.error_title) }
                p { (w.not_found) }
                @if let [only] = screen.app.registry.entries() {
                    p { a href={"/screen/" (only.name)} { (only.current().policy.checked().header.name) } }
                }
            };
            html_page(StatusCode::NOT_FOUND, bare(lang, w.error_title, &screen.quick_exit, body), None)
        })
}

/// The fields of a query or a form body; unreadable ones are none.
fn fields(text: &[u8]) -> Fields {
    serde_urlencoded::from_bytes(text).unwrap_or_default()
}

/// `GET /screen/{name}?lang=es&as_of=YYYY-MM-DD`: the first question.
async fn start(
    Shared(screen): Shared<Screen>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = fields(query.unwrap_or_default().as_bytes());
    let lang = field(&query, "lang").unwrap_or("en");
    let loaded = match policy(&screen, &name, lang) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let lang = chosen_language(&loaded, lang);
    let state = State::new(&lang, field(&query, "as_of"));
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            let state = blank_state(&lang);
            return problem(&screen, &name, &loaded, &state, e.records());
        }
    };
    show(&screen, &name, &loaded, &state, Show::Next)
}

/// A screening without answers, evaluated today: the state of a page about a request
/// whose own state cannot be read.
fn blank_state(lang: &str) -> State {
    State {
        lang: lang.to_string(),
        as_of: jiff::Zoned::now().date().to_string(),
        answers: serde_json::Value::Object(serde_json::Map::new()),
        history: Vec::new(),
    }
}

/// A language the policy speaks: the one asked for, its base language (`es-MX`: `es`),
/// or the policy's first.
fn chosen_language(loaded: &Loaded, asked: &str) -> String {
    let langs = &loaded.policy.checked().languages;
    let base = asked.split(['-', '_']).next().unwrap_or(asked);
    if langs.iter().any(|l| l == asked) {
        asked.to_string()
    } else if langs.iter().any(|l| l == base) {
        base.to_string()
    } else {
        langs.first().cloned().unwrap_or_else(|| "en".into())
    }
}

/// What to show after a step.
enum Show {
    /// The next question, or the review page when none is left.
    Next,
    /// The question about a fact.
    Question {
        fact: String,
        from_review: bool,
        errors: Vec<Diagnostic>,
        sent: Option<serde_json::Value>,
    },
    Review,
    Results,
}

/// A 400 page about the request.
fn problem(
    screen: &Screen,
    name: &str,
    loaded: &Loaded,
    state: &State,
    errors: &[Diagnostic],
) -> Response {
    let frame = Frame {
        name,
        policy: &loaded.policy,
        quick_exit: &screen.quick_exit,
        state,
    };
    html_page(StatusCode::BAD_REQUEST, frame.problem(errors), Some(loaded))
}

fn altered(message: &str) -> Diagnostic {
    Diagnostic {
        code: "asylon::screen::form".into(),
        severity: asylon::Severity::Error,
        message: message.into(),
        help: Some("start the screening again from its first page".into()),
        location: None,
        related: Vec::new(),
    }
}

/// Renders what `what` asks for with the answers in `state`.
fn show(screen: &Screen, name: &str, loaded: &Loaded, state: &State, what: Show) -> Response {
    let policy = &loaded.policy;
    let checked = policy.checked();
    let (facts, decision) = match state.evaluate(policy) {
        Ok(r) => r,
        Err(e) => return problem(screen, name, loaded, state, e.records()),
    };
    let frame = Frame {
        name,
        policy,
        quick_exit: &screen.quick_exit,
        state,
    };
    let unknown = state.unknown(checked);
    let remaining = (decision.missing.iter())
        .filter(|n| checked.fact_named(n).is_some_and(|f| !unknown.contains(&f)))
        .count();
    let question = |fact: asylon::FactId,
                    from_review: bool,
                    errors: &[Diagnostic],
                    sent: Option<&serde_json::Value>| {
        let page = frame.question(&QuestionPage {
            fact,
            facts: &facts,
            decision: &decision,
            remaining: (!from_review).then_some(remaining.max(1)),
            from_review,
            errors,
            sent,
        });
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        html_page(status, page, Some(loaded))
    };
    let markup = match what {
        Show::Next => match next_question(policy, &decision, &unknown, &facts) {
            Some(q) => return question(q.fact, false, &[], None),
            None => frame.review(&facts, false),
        },
        Show::Question {
            fact,
            from_review,
            errors,
            sent,
        } => match checked.fact_named(&fact) {
            Some(f) => return question(f, from_review, &errors, sent.as_ref()),
            None => {
                let e = altered(&format!(
                    "the form asks about `{fact}`, not a fact of the policy"
                ));
                return problem(screen, name, loaded, state, &[e]);
            }
        },
        Show::Review => {
            let more = next_question(policy, &decision, &unknown, &facts).is_some();
            frame.review(&facts, more)
        }
        Show::Results => frame.results(&facts, &decision),
    };
    html_page(StatusCode::OK, markup, Some(loaded))
}

/// Reads a form body within the service's body limit.
async fn form(screen: &Screen, headers: &HeaderMap, body: Body) -> Result<Fields, Diagnostic> {
    let limit = screen.app.config.max_body;
    if super::request::within(headers, limit).is_err() {
        return Err(altered("the form is over the service's size limit"));
    }
    let bytes: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| altered("the form is over the service's size limit"))?;
    Ok(fields(&bytes))
}

/// `POST /screen/{name}`: one step (an answer, "I don't know", Back, a change, a
/// language switch), then the page it leads to.
async fn step(
    Shared(screen): Shared<Screen>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let loaded = match policy(&screen, &name, "en") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let fallback = blank_state("en");
    let fields = match form(&screen, &headers, body).await {
        Ok(f) => f,
        Err(e) => return problem(&screen, &name, &loaded, &fallback, &[e]),
    };
    let mut state = match State::from_fields(&fields) {
        Ok(s) => s,
        Err(e) => return problem(&screen, &name, &loaded, &fallback, &[*e.0]),
    };
    state.lang = chosen_language(&loaded, &state.lang);
    let from_review = field(&fields, "ret") == Some("review");
    let fact = field(&fields, "fact").unwrap_or("").to_string();
    if let Some(change) = field(&fields, "change") {
        let what = Show::Question {
            fact: change.to_string(),
            from_review: true,
            errors: Vec::new(),
            sent: None,
        };
        return show(&screen, &name, &loaded, &state, what);
    }
    let after = if from_review {
        Show::Review
    } else {
        Show::Next
    };
    let what = match field(&fields, "do").unwrap_or("") {
        "answer" => answer(
            &loaded,
            &mut state,
            &fact,
            &all(&fields, "value"),
            from_review,
        )
        .unwrap_or(after),
        "dont_know" => {
            if loaded.policy.checked().fact_named(&fact).is_none() {
                let e = altered(&format!(
                    "the form asks about `{fact}`, not a fact of the policy"
                ));
                return problem(&screen, &name, &loaded, &state, &[e]);
            }
            state.set(&fact, serde_json::Value::Null);
            after
        }
        "back" => match state.back() {
            Some(fact) => Show::Question {
                fact,
                from_review: false,
                errors: Vec::new(),
                sent: None,
            },
            None => Show::Next,
        },
        "review" => Show::Review,
        "results" => Show::Results,
        "show" => {
            if let Some(to) = field(&fields, "to_lang") {
                state.lang = chosen_language(&loaded, to);
            }
            match field(&fields, "view").unwrap_or("") {
                "review" => Show::Review,
                "results" => Show::Results,
                "question" if !fact.is_empty() => Show::Question {
                    fact,
                    from_review,
                    errors: Vec::new(),
                    sent: None,
                },
                _ => Show::Next,
            }
        }
        _ => Show::Next,
    };
    show(&screen, &name, &loaded, &state, what)
}

/// Records the answer to `fact`; `Some` page when it is refused (the question again,
/// with why), `None` when it is kept.
fn answer(
    loaded: &Loaded,
    state: &mut State,
    fact: &str,
    sent: &[&str],
    from_review: bool,
) -> Option<Show> {
    let checked = loaded.policy.checked();
    let again = |errors: Vec<Diagnostic>, sent: Option<serde_json::Value>| {
        Some(Show::Question {
            fact: fact.to_string(),
            from_review,
            errors,
            sent,
        })
    };
    let Some(id) = checked.fact_named(fact) else {
        return again(
            vec![altered(&format!(
                "the form asks about `{fact}`, not a fact of the policy"
            ))],
            None,
        );
    };
    let w = words(&state.lang);
    match question::read(checked, id, sent, &state.lang) {
        Ok(Some(value)) => {
            let mut next = state.clone();
            next.set(fact, value.clone());
            match next.evaluate(&loaded.policy) {
                Ok(_) => {
                    *state = next;
                    None
                }
                // Facts that contradict each other: the policy's own message, and the
                // answer stays on the page to be corrected.
                Err(e) => again(e.records().to_vec(), Some(value)),
            }
        }
        Ok(None) => {
            let message = match question::control(checked, id, &state.lang) {
                question::Control::YesNo | question::Control::One(_) => w.choose_one,
                _ => w.write_answer,
            };
            again(
                vec![Diagnostic {
                    code: "asylon::screen::no_answer".into(),
                    severity: asylon::Severity::Error,
                    message: message.into(),
                    help: None,
                    location: None,
                    related: Vec::new(),
                }],
                None,
            )
        }
        Err(e) => again(vec![*e], None),
    }
}

/// `POST /screen/{name}/answers.json`: the answers as a file `asylon eval` accepts.
async fn save(
    Shared(screen): Shared<Screen>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let loaded = match policy(&screen, &name, "en") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let fallback = blank_state("en");
    let state = match form(&screen, &headers, body).await {
        Ok(fields) => State::from_fields(&fields).map_err(|e| *e.0),
        Err(e) => Err(e),
    };
    let state = match state {
        Ok(s) => s,
        Err(e) => return problem(&screen, &name, &loaded, &fallback, &[e]),
    };
    let mut text = serde_json::to_string_pretty(&state.answers).unwrap_or_default();
    text.push('\n');
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"answers.json\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /screen/{name}/resume`: continues from a saved file (uploaded, or its text
/// pasted), checked as `asylon eval` checks a fact file.
async fn resume(
    Shared(screen): Shared<Screen>,
    Path(name): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let loaded = match policy(&screen, &name, "en") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let mut lang = "en".to_string();
    let mut as_of = None;
    let mut file = String::new();
    let mut text = String::new();
    let mut unreadable = None;
    match multipart {
        Ok(mut parts) => loop {
            match parts.next_field().await {
                Ok(Some(part)) => {
                    let key = part.name().unwrap_or("").to_string();
                    let value = match part.text().await {
                        Ok(v) => v,
                        Err(e) => {
                            unreadable = Some(e.body_text());
                            break;
                        }
                    };
                    match key.as_str() {
                        "lang" => lang = value,
                        "as_of" => as_of = Some(value),
                        "file" => file = value,
                        "text" => text = value,
                        _ => {}
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    unreadable = Some(e.body_text());
                    break;
                }
            }
        },
        Err(e) => unreadable = Some(e.body_text()),
    }
    let lang = chosen_language(&loaded, &lang);
    let mut state = match State::new(&lang, as_of.as_deref()) {
        Ok(s) => s,
        Err(e) => return problem(&screen, &name, &loaded, &blank_state(&lang), e.records()),
    };
    let given = if file.trim().is_empty() { text } else { file };
    let refused = |state: &State, errors: Vec<Diagnostic>| {
        let frame = Frame {
            name: &name,
            policy: &loaded.policy,
            quick_exit: &screen.quick_exit,
            state,
        };
        let w = words(&state.lang);
        let body = html! {
            h1 { (w.resume_title) }
            (frame.resume(w, &errors))
            p { a href={"/screen/" (name) "?lang=" (state.lang)} { (w.start_again) } }
        };
        let page = frame.page(w.resume_title, Current::Nothing, body);
        html_page(StatusCode::UNPROCESSABLE_ENTITY, page, Some(&loaded))
    };
    if let Some(e) = unreadable {
        return refused(
            &state,
            vec![altered(&format!("the file could not be read: {e}"))],
        );
    }
    match answers_object(&given) {
        Ok(answers) => state.answers = answers,
        Err(e) => return refused(&state, vec![*e.0]),
    }
    if let Err(e) = state.evaluate(&loaded.policy) {
        let errors = e.records().to_vec();
        state.answers = serde_json::Value::Object(serde_json::Map::new());
        return refused(&state, errors);
    }
    show(&screen, &name, &loaded, &state, Show::Next)
}
