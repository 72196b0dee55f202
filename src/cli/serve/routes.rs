//! The endpoints. Each handler extracts, calls one library function and maps the result;
//! every answer about a policy carries its revision in the `asylon-revision` header.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};

use asylon::explain::explain;
use asylon::interview::{next_question, remaining_at_most};
use asylon::schema::{decision_schema, fact_schema};

use super::describe::{Description, QuestionView, Summary};
use super::errors::ApiError;
use super::request::{json_body, Case};
use super::state::Loaded;
use super::App;

/// The header that names the revision of the policy that answered.
pub const REVISION: &str = "asylon-revision";

/// Every route of the service, without its layers.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/policies", get(list))
        .route("/v1/policies/{name}", get(describe))
        .route("/v1/policies/{name}/schema", get(schema))
        .route("/v1/policies/{name}/evaluate", post(evaluate))
        .route("/v1/policies/{name}/batch", post(super::batch::batch))
        .route("/v1/policies/{name}/next-question", post(next))
        .route("/v1/policies/{name}/explain", post(explain_one))
        .route("/v1/admin/reload", post(reload))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .with_state(app)
}

/// A JSON answer from the policy version `loaded`.
pub fn answer(loaded: &Loaded, body: Vec<u8>) -> Response {
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    with_revision(&mut response, loaded);
    response
}

/// Adds the revision header.
pub fn with_revision(response: &mut Response, loaded: &Loaded) {
    if let Some(value) = &loaded.revision_header {
        response.headers_mut().insert(REVISION, value.clone());
    }
}

/// Room for a whole decision of the border policy (8–20 kB) at once, not grown from
/// empty by copying it over and over.
const DECISION_BYTES: usize = 24 * 1024;

/// Serializes plain data; a type with only strings, numbers and maps cannot fail.
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(DECISION_BYTES);
    match asylon::text::write_json(&mut out, value) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// The version of policy `name` answering now.
pub fn policy(app: &App, name: &str) -> Result<Arc<Loaded>, ApiError> {
    app.registry
        .get(name)
        .map(|e| e.current())
        .ok_or_else(|| ApiError::unknown_policy(name))
}

async fn list(State(app): State<Arc<App>>) -> Response {
    let loaded: Vec<_> = (app.registry.entries().iter())
        .map(|e| (e.name.as_str(), e.current()))
        .collect();
    let policies: Vec<Summary<'_>> = loaded.iter().map(|(n, l)| Summary::of(n, l)).collect();
    let body = to_json(&serde_json::json!({ "policies": policies }));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn describe(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = policy(&app, &name)?;
    let body = to_json(&Description::of(&name, &loaded));
    Ok(answer(&loaded, body))
}

async fn schema(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let loaded = policy(&app, &name)?;
    let body = to_json(&serde_json::json!({
        "revision": loaded.revision,
        "facts": fact_schema(&loaded.policy),
        "decision": decision_schema(Some(&loaded.policy)),
    }));
    Ok(answer(&loaded, body))
}

/// The policy version asked about, and the body of a request about one case. The
/// request is taken whole so that its headers are read in place: axum's `HeaderMap`
/// extractor clones the map.
async fn case_request(
    app: &App,
    name: &str,
    request: Request,
) -> Result<(Arc<Loaded>, Bytes), ApiError> {
    let loaded = policy(app, name)?;
    let (parts, body) = request.into_parts();
    let bytes = json_body(&parts.headers, body, app.config.max_body).await?;
    Ok((loaded, bytes))
}

/// The decision for a case: the call `asylon eval` makes, diagnostics pointing into the
/// facts' text.
fn decide(loaded: &Loaded, case: &Case<'_>) -> Result<asylon::Decision, ApiError> {
    Ok(loaded
        .policy
        .evaluate_json("request", case.facts, &case.options)?)
}

/// The decision, exactly as `asylon eval --format json` prints it (the same library call
/// and serializer).
async fn evaluate(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (loaded, bytes) = case_request(&app, &name, request).await?;
    let depth = app.config.max_json_depth;
    let (case, deferred) = Case::parse_deferred(&bytes, depth, loaded.facts_depth)?;
    // Written as it is assembled, as `batch` writes it: the bytes of `eval --format json`.
    let mut body = Vec::with_capacity(DECISION_BYTES);
    let policy = &loaded.policy;
    let mut decided = policy.evaluate_json_into("request", case.facts, &case.options, &mut body);
    if decided.is_err() && deferred {
        // Facts not read with the envelope may not be JSON: the body is read again as
        // serde_json reads it, and decided as that says.
        let case = Case::parse(&bytes, depth)?;
        decided = policy.evaluate_json_into("request", case.facts, &case.options, &mut body);
    }
    let statuses = decided?;
    app.metrics.decision(&loaded, &statuses);
    if let Some(log) = &app.decisions {
        if let Err(e) = log.write(&name, &loaded.revision, case.facts, &body) {
            // The decision is made; the service's own failure is logged without facts.
            eprintln!("error: cannot write the decision log: {e}");
        }
    }
    Ok(answer(&loaded, body))
}

/// What `next-question` answers.
#[derive(Serialize)]
struct Next<'a> {
    revision: &'a str,
    /// The question to ask, `null` when nothing asked can change the decision.
    question: Option<QuestionView>,
    /// At most how many questions remain, this one included.
    remaining: usize,
    /// The decision on the facts so far.
    decision: &'a asylon::Decision,
}

async fn next(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (loaded, bytes) = case_request(&app, &name, request).await?;
    let case = Case::parse(&bytes, app.config.max_json_depth)?;
    let decision = decide(&loaded, &case)?;
    let checked = loaded.policy.checked();
    let skip: Vec<_> = (case.unknown.iter())
        .filter_map(|n| checked.fact_named(n))
        .collect();
    let known = loaded.policy.facts_from_named_json("request", case.facts)?;
    let question = next_question(&loaded.policy, &decision, &skip, &known);
    let remaining = remaining_at_most(&loaded.policy, &decision, &skip);
    let body = to_json(&Next {
        revision: &loaded.revision,
        question: question.map(|q| QuestionView::of(checked, &q, &decision.lang, &known)),
        remaining,
        decision: &decision,
    });
    Ok(answer(&loaded, body))
}

/// One outcome explained, as `asylon explain --format json` prints it.
async fn explain_one(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let (loaded, bytes) = case_request(&app, &name, request).await?;
    let case = Case::parse(&bytes, app.config.max_json_depth)?;
    let Some(outcome) = case.outcome.as_deref() else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "asylon::serve::no_outcome",
            "the request names no outcome to explain".into(),
            "send {\"facts\": {…}, \"outcome\": \"<an outcome id>\"}",
        ));
    };
    // Evaluating the text first gives diagnostics that point into it, as `explain` does.
    decide(&loaded, &case)?;
    let facts = loaded.policy.facts_from_named_json("request", case.facts)?;
    let explanation = explain(&loaded.policy, &facts, &case.options, outcome)?;
    Ok(answer(&loaded, to_json(&explanation)))
}

/// What a reload did to one policy.
#[derive(Serialize)]
pub struct ReloadResult {
    /// The policy's name in URLs.
    pub name: String,
    /// The revision answering after the reload.
    pub revision: String,
    /// `unchanged`, `swapped` or `failed` (the last good version still answers).
    pub result: &'static str,
    /// Why it failed.
    pub errors: Vec<asylon::Diagnostic>,
}

/// `POST /v1/admin/reload`: every policy loaded again, each swapped in if it checks.
async fn reload(State(app): State<Arc<App>>) -> Response {
    let app2 = Arc::clone(&app);
    // Loading reads files and checks: work for a blocking thread.
    let results = tokio::task::spawn_blocking(move || super::reload_all(&app2))
        .await
        .unwrap_or_default();
    let failed = results.iter().any(|r| r.result == "failed");
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = to_json(&serde_json::json!({ "policies": results }));
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Reloads one policy, counting it.
pub fn reload_one(app: &App, entry: &super::state::Entry) -> ReloadResult {
    let (result, errors) = match entry.reload() {
        Ok(super::state::Reloaded::Unchanged) => ("unchanged", Vec::new()),
        Ok(super::state::Reloaded::Swapped) => ("swapped", Vec::new()),
        Err(e) => ("failed", e.records().to_vec()),
    };
    app.metrics.reload(result != "failed");
    ReloadResult {
        name: entry.name.clone(),
        revision: entry.current().revision.clone(),
        result,
        errors,
    }
}

#[derive(Serialize)]
struct Health<'a> {
    status: &'static str,
    policies: Vec<PolicyHealth<'a>>,
}

#[derive(Serialize)]
struct PolicyHealth<'a> {
    name: &'a str,
    revision: String,
    /// The diagnostics of the last reload, when it failed (the last good version still
    /// answers).
    reload_errors: Option<Vec<asylon::Diagnostic>>,
}

/// `GET /health`: live, with each policy's revision and the diagnostics of a reload that
/// failed.
async fn health(State(app): State<Arc<App>>) -> Response {
    let policies = (app.registry.entries().iter())
        .map(|e| PolicyHealth {
            name: &e.name,
            revision: e.current().revision.clone(),
            reload_errors: e.failed(),
        })
        .collect();
    let body = to_json(&Health {
        status: "live",
        policies,
    });
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /ready`: every policy is loaded (a service starts only once they are, and a
/// reload that fails keeps the last good version).
async fn ready(State(app): State<Arc<App>>) -> Response {
    let body = to_json(&serde_json::json!({
        "ready": true,
        "policies": app.registry.entries().len(),
    }));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(&app.registry),
    )
        .into_response()
}

async fn openapi(State(app): State<Arc<App>>) -> Response {
    let body = to_json(&super::openapi::document(&app.registry, app.secured));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "asylon::serve::not_found",
        "no such endpoint".into(),
        "the endpoints are listed in /openapi.json",
    )
}

/// `?as_of=…&lang=…&compact=…` of a batch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    /// The evaluation date, `YYYY-MM-DD` (default: today).
    pub as_of: Option<String>,
    /// The language of titles and explanations.
    pub lang: Option<String>,
    /// Results without titles and explanations.
    #[serde(default)]
    pub compact: bool,
}

/// The query, or a 400 record.
pub fn batch_query(
    query: Result<Query<BatchQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<BatchQuery, ApiError> {
    query.map(|Query(q)| q).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "asylon::serve::query",
            e.body_text(),
            "the query takes as_of=YYYY-MM-DD, lang=CODE and compact=true",
        )
    })
}

/// Bytes for a streamed body.
pub type Chunk = Result<Bytes, std::io::Error>;
