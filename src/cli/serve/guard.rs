//! What stands between the network and the handlers: the bearer token, CORS, the limits
//! on concurrent requests and on time, the access log and the request counters.
//!
//! The access log has the method, the path, the status, the latency and the revision of
//! each request: never a fact and never a decision.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::errors::ApiError;
use super::routes::REVISION;
use super::App;

/// Who may call, and what is logged.
pub struct Access {
    /// The bearer token `/v1` routes require, if any.
    pub token: Option<String>,
    /// Origins allowed by CORS; none: no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// Whether to write the access log.
    pub log: bool,
}

/// Reads the token: the file's text without surrounding whitespace, not empty.
pub fn read_token(path: &std::path::Path) -> Result<String, asylon::Error> {
    let fail = |message: String| {
        asylon::Error::from_reports(
            asylon::ErrorKind::Io,
            vec![miette::miette!(
                code = "asylon::serve::token_file",
                help = "write the token, and nothing else, in the file",
                "{message}"
            )],
        )
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail(format!("cannot read `{}`: {e}", path.display())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(fail(format!("`{}` is empty", path.display())));
    }
    Ok(token.to_string())
}

/// Seconds a client refused for load should wait.
const RETRY_AFTER: u32 = 1;

/// The router with every layer, the outermost last.
pub fn layers(router: Router, app: Arc<App>, access: Access) -> Router {
    let token = access.token.map(Arc::<str>::from);
    // One semaphore for the whole service: `Router::layer` wraps each route on its own.
    let slots = Limit {
        slots: Arc::new(Semaphore::new(app.config.max_concurrent.max(1))),
        timeout: app.config.timeout,
    };
    let mut router = router
        .layer(middleware::from_fn_with_state(slots, limit))
        .layer(middleware::from_fn_with_state(token, authorize));
    if !access.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = (access.cors_origins.iter())
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .expose_headers([header::HeaderName::from_static(REVISION)]),
        );
    }
    router.layer(middleware::from_fn_with_state((app, access.log), observe))
}

/// The limits on requests at once and on time.
#[derive(Clone)]
struct Limit {
    slots: Arc<Semaphore>,
    timeout: Duration,
}

/// Refuses a request when every slot is taken (no queue: back-pressure goes to the
/// client), and one that takes longer than the time limit.
async fn limit(State(limit): State<Limit>, request: Request, next: Next) -> Response {
    let Ok(_slot) = limit.slots.try_acquire() else {
        return unavailable(
            "asylon::serve::overloaded",
            "the service is answering as many requests as it may",
        )
        .into_response();
    };
    match tokio::time::timeout(limit.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => unavailable(
            "asylon::serve::timeout",
            "the request took longer than the service's time limit",
        )
        .into_response(),
    }
}

/// 503 with `Retry-After`.
fn unavailable(code: &str, message: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        code,
        message.into(),
        "try again after the time in Retry-After",
    );
    e.retry_after = Some(RETRY_AFTER);
    e
}

/// Requires `Authorization: Bearer <token>` on every `/v1` route when a token is set.
async fn authorize(
    State(token): State<Option<Arc<str>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(token) = token else {
        return next.run(request).await;
    };
    // CORS preflights carry no credentials; the CORS layer answers them.
    if !request.uri().path().starts_with("/v1") || request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let given = (request.headers().get(header::AUTHORIZATION))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|g| same(g.trim().as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "asylon::serve::unauthorized",
        "the request carries no valid bearer token".into(),
        "send `Authorization: Bearer <token>` with the service's token",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Compares in time that depends on the lengths only, not on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts every request and writes the access log line.
async fn observe(
    State((app, log)): State<(Arc<App>, bool)>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // The route pattern is an `Arc<str>` inside: kept by a reference count, not copied.
    let route = request.extensions().get::<MatchedPath>().cloned();
    // Method and path are only copied when there is a log to write them to.
    let logged = log.then(|| (request.method().clone(), request.uri().path().to_string()));
    let response = next.run(request).await;
    let took: Duration = started.elapsed();
    let status = response.status().as_u16();
    let route = route.as_ref().map_or("other", MatchedPath::as_str);
    app.metrics.request(route, status, took);
    if let Some((method, path)) = logged {
        let revision = (response.headers().get(REVISION))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        eprintln!(
            "{method} {path} {status} {:.3}ms {revision}",
            took.as_secs_f64() * 1e3
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_equal_only_when_every_byte_is() {
        assert!(same(b"secret", b"secret"));
        assert!(!same(b"secret", b"secreT"));
        assert!(!same(b"secret", b"secret2"));
        assert!(!same(b"", b"x"));
    }
}
