//! What stands between the network and the handlers: the bearer token, CORS, the limits
//! on concurrent requests and on time, the access log and the request counters.
//!
//! The access log has the method, the path, the status, the latency and the revision of
//! each request: never a fact and never a decision.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;
use tower_service::Service;

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

/// The router with every layer.
///
/// Without CORS, one [`Guard`] does everything around a handler; with it, the CORS layer
/// sits between the guard's outer part (the log and the counters, which see preflights
/// too) and its inner part (token and limits, whose refusals carry CORS headers).
pub fn layers(router: Router, app: Arc<App>, access: Access) -> Router {
    let checks = Arc::new(Checks {
        token: access.token.map(Arc::<str>::from),
        // One semaphore for the whole service: `Router::layer` wraps each route on its own.
        slots: Arc::new(Semaphore::new(app.config.max_concurrent.max(1))),
        timeout: app.config.timeout,
    });
    let observe = Observe {
        app,
        log: access.log,
    };
    if access.cors_origins.is_empty() {
        return router.layer(Guard {
            observe: Some(Arc::new(observe)),
            checks: Some(checks),
        });
    }
    let origins: Vec<HeaderValue> = (access.cors_origins.iter())
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    router
        .layer(Guard {
            observe: None,
            checks: Some(checks),
        })
        .layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .expose_headers([header::HeaderName::from_static(REVISION)]),
        )
        .layer(Guard {
            observe: Some(Arc::new(observe)),
            checks: None,
        })
}

/// The bearer token and the limits on requests at once and on time.
struct Checks {
    token: Option<Arc<str>>,
    slots: Arc<Semaphore>,
    timeout: Duration,
}

/// The counters and the access log.
struct Observe {
    app: Arc<App>,
    log: bool,
}

/// A layer doing, by hand and without boxing a future per request, what three
/// `middleware::from_fn` layers did: each of those cost a boxed future and a clone of
/// the service inside it on every request.
#[derive(Clone)]
struct Guard {
    observe: Option<Arc<Observe>>,
    checks: Option<Arc<Checks>>,
}

impl<S> Layer<S> for Guard {
    type Service = Guarded<S>;

    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded {
            inner,
            guard: self.clone(),
        }
    }
}

/// A route's service behind its [`Guard`].
#[derive(Clone)]
pub struct Guarded<S> {
    inner: S,
    guard: Guard,
}

impl<S> Service<Request> for Guarded<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Guarding<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let started = Instant::now();
        let noted = self.guard.observe.as_ref().map(|observe| Noted {
            observe: Arc::clone(observe),
            started,
            // The route pattern is an `Arc<str>` inside: kept by a reference count.
            route: request.extensions().get::<MatchedPath>().cloned(),
            // Method and path are only copied when there is a log to write them to.
            logged: (observe.log)
                .then(|| (request.method().clone(), request.uri().path().to_string())),
        });
        let mut deadline = None;
        let mut slot = None;
        if let Some(checks) = &self.guard.checks {
            if let Some(refused) = checks.authorize(&request) {
                return Guarding::done(refused, noted);
            }
            // No queue: back-pressure goes to the client. The slot is given back when
            // the handler's future is dropped.
            let Ok(taken) = Arc::clone(&checks.slots).try_acquire_owned() else {
                let refused = unavailable(
                    "asylon::serve::overloaded",
                    "the service is answering as many requests as it may",
                );
                return Guarding::done(refused.into_response(), noted);
            };
            slot = Some(taken);
            deadline = Some(started + checks.timeout);
        }
        Guarding {
            state: State::Running {
                inner: self.inner.call(request),
                deadline,
                timer: None,
                _slot: slot,
            },
            noted,
        }
    }
}

impl Checks {
    /// Refuses a `/v1` request without the token, when a token is set.
    fn authorize(&self, request: &Request) -> Option<Response> {
        let token = self.token.as_deref()?;
        // CORS preflights carry no credentials; the CORS layer answers them.
        if !request.uri().path().starts_with("/v1") || request.method() == Method::OPTIONS {
            return None;
        }
        let given = (request.headers().get(header::AUTHORIZATION))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|g| same(g.trim().as_bytes(), token.as_bytes())) {
            return None;
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
        Some(response)
    }
}

/// What the outer part noted when the request came in.
struct Noted {
    observe: Arc<Observe>,
    started: Instant,
    route: Option<MatchedPath>,
    logged: Option<(Method, String)>,
}

impl Noted {
    /// Counts the request and writes its access log line.
    fn answered(self, response: &Response) {
        let took: Duration = self.started.elapsed();
        let status = response.status().as_u16();
        let route = self.route.as_ref().map_or("other", MatchedPath::as_str);
        self.observe.app.metrics.request(route, status, took);
        if let Some((method, path)) = self.logged {
            let revision = (response.headers().get(REVISION))
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            eprintln!(
                "{method} {path} {status} {:.3}ms {revision}",
                took.as_secs_f64() * 1e3
            );
        }
    }
}

/// The answer of a [`Guarded`] service.
pub struct Guarding<F> {
    state: State<F>,
    noted: Option<Noted>,
}

enum State<F> {
    /// The handler runs. Its timer is only set once it waits: most handlers answer on
    /// their first poll, and a timer registered per request took the runtime's timer lock.
    Running {
        inner: F,
        deadline: Option<Instant>,
        timer: Option<Pin<Box<tokio::time::Sleep>>>,
        _slot: Option<OwnedSemaphorePermit>,
    },
    /// Answered without the handler.
    Done(Option<Response>),
}

impl<F> Guarding<F> {
    fn done(response: Response, noted: Option<Noted>) -> Self {
        Guarding {
            state: State::Done(Some(response)),
            noted,
        }
    }
}

impl<F> Future for Guarding<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let response = match &mut this.state {
            State::Done(response) => response.take().unwrap_or_else(|| {
                // Polled again after it answered: a caller's bug, answered as a 500.
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }),
            State::Running {
                inner,
                deadline,
                timer,
                ..
            } => match Pin::new(inner).poll(cx) {
                Poll::Ready(Ok(response)) => response,
                Poll::Ready(Err(never)) => match never {},
                Poll::Pending => {
                    let Some(deadline) = *deadline else {
                        return Poll::Pending;
                    };
                    let timer = timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
                    if timer.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    unavailable(
                        "asylon::serve::timeout",
                        "the request took longer than the service's time limit",
                    )
                    .into_response()
                }
            },
        };
        // The slot and the handler's future go before the request is counted.
        this.state = State::Done(None);
        if let Some(noted) = this.noted.take() {
            noted.answered(&response);
        }
        Poll::Ready(Ok(response))
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

/// Compares in time that depends on the lengths only, not on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
