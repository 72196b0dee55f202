//! HTTP error answers: a status and `{"errors": [Diagnostic…]}`, the same records the
//! command line prints with `--format json`, never re-worded.
//!
//! Input is never a 500: malformed JSON is 400, an unknown policy or outcome 404, a body
//! over the limit 413, a wrong content type 415, facts that do not fit the policy 422,
//! too many requests at once 503 with `Retry-After`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use asylon::{Diagnostic, ErrorKind, Location};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// What went wrong, as records.
    pub errors: Vec<Diagnostic>,
    /// Seconds to wait before trying again (503).
    pub retry_after: Option<u32>,
}

#[derive(Serialize)]
struct Body<'a> {
    errors: &'a [Diagnostic],
}

impl ApiError {
    /// An error of the service itself (not of the library), with its code and help.
    pub fn new(status: StatusCode, code: &str, message: String, help: &str) -> ApiError {
        ApiError {
            status,
            errors: vec![Diagnostic {
                code: code.into(),
                severity: asylon::Severity::Error,
                message,
                help: Some(help.into()),
                location: None,
                related: Vec::new(),
            }],
            retry_after: None,
        }
    }

    /// `404`: no policy is served under `name`.
    pub fn unknown_policy(name: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "asylon::serve::unknown_policy",
            format!("no policy is served as `{name}`"),
            "GET /v1/policies lists the policies served",
        )
    }

    /// A JSON syntax error in a request's envelope (outside the facts), at `path`.
    pub fn json(e: &serde_json::Error) -> ApiError {
        let status = if e.is_data() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        let mut error = ApiError::new(
            status,
            "asylon::serve::request",
            e.to_string(),
            "send a fact object, or {\"facts\": {…}, \"as_of\": \"YYYY-MM-DD\", \"lang\": \"en\"}",
        );
        error.errors[0].location = Some(Location::FactText {
            line: e.line(),
            column: e.column(),
        });
        error
    }
}

/// The status of an error from the library: facts that are not JSON are 400, facts too
/// large 413, other fact problems 422; an evaluation without a result is 422 too (these
/// facts cannot be decided), never a 500.
pub fn status_of(error: &asylon::Error) -> StatusCode {
    let has = |code: &str| error.records().iter().any(|r| r.code == code);
    if has("asylon::facts::json") {
        StatusCode::BAD_REQUEST
    } else if has("asylon::limit::facts_size") {
        StatusCode::PAYLOAD_TOO_LARGE
    } else if has("asylon::unknown_outcome") {
        StatusCode::NOT_FOUND
    } else {
        match error.kind() {
            ErrorKind::Facts | ErrorKind::Eval | ErrorKind::Policy => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ErrorKind::Io => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<asylon::Error> for ApiError {
    fn from(error: asylon::Error) -> ApiError {
        ApiError {
            status: status_of(&error),
            errors: error.records().to_vec(),
            retry_after: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Records are plain strings and numbers: they always serialize.
        let body = serde_json::to_vec(&Body {
            errors: &self.errors,
        })
        .unwrap_or_default();
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_facts_are_a_400_and_misspelt_ones_a_422() {
        let policy = asylon::Policy::from_source(
            "age.asylon",
            r#"
            policy "Age" version "1"
            facts person { age: int at least 0 "age in years" }
            outcome adult when person.age >= 18 title en "An adult"
        "#,
        )
        .expect("the policy checks");
        let malformed = policy.facts_from_json("{\"person\": ").unwrap_err();
        assert_eq!(status_of(&malformed), StatusCode::BAD_REQUEST);
        let misspelt = policy.facts_from_json(r#"{"persn": {}}"#).unwrap_err();
        assert_eq!(status_of(&misspelt), StatusCode::UNPROCESSABLE_ENTITY);
        let wrong = policy
            .facts_from_json(r#"{"person": {"age": "ten"}}"#)
            .unwrap_err();
        assert_eq!(status_of(&wrong), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
