//! Reading a request: its content type, its body within the size limit, and the
//! envelope `{"facts": {…}, "as_of": "…", "lang": "…"}` around the facts.
//!
//! The facts stay JSON text, handed to the library as the command line hands it a fact
//! file, so that diagnostics point into them.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::value::RawValue;

use asylon::EvalOptions;

use super::errors::ApiError;

/// The content types of one JSON document.
pub const JSON: &[&str] = &["application/json"];

/// The content types of JSON Lines (each names it somewhere).
pub const JSON_LINES: &[&str] = &[
    "application/jsonl",
    "application/x-ndjson",
    "application/x-jsonlines",
    "application/json-lines",
    "application/json",
];

/// Refuses a body whose content type is not one of `accepted` (415).
pub fn content_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if accepted.iter().any(|a| essence.eq_ignore_ascii_case(a)) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "asylon::serve::content_type",
            format!("the body's content type is `{given}`"),
            &format!("send it as `Content-Type: {}`", accepted[0]),
        ))
    }
}

/// `413`: the body is longer than `limit` bytes.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "asylon::serve::body_size",
        format!("the body is over the limit of {limit} bytes"),
        "one request describes one case; the service's --max-body raises the limit",
    )
}

/// Refuses a body whose declared length is over `limit` before reading any of it.
pub fn within(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    Ok(())
}

/// Reads a JSON body of at most `limit` bytes.
pub async fn json_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    content_type(headers, JSON)?;
    within(headers, limit)?;
    // A body that ends early is as unusable as one too long; neither is the service's
    // fault.
    let mut frames = body.into_data_stream();
    // A body sent at once comes as one frame: taken as it is, not copied into a buffer.
    let first = match frames.next().await {
        None => return Ok(Bytes::new()),
        Some(Ok(first)) if first.len() <= limit => first,
        Some(_) => return Err(too_large(limit)),
    };
    let Some(second) = frames.next().await else {
        return Ok(first);
    };
    let mut all = first.to_vec();
    let mut next = Some(second);
    while let Some(frame) = next {
        let frame = frame.map_err(|_| too_large(limit))?;
        if all.len() + frame.len() > limit {
            return Err(too_large(limit));
        }
        all.extend_from_slice(&frame);
        next = frames.next().await;
    }
    Ok(Bytes::from(all))
}

/// What a request asks about one case.
#[derive(Debug)]
pub struct Case<'a> {
    /// The facts, as JSON text.
    pub facts: &'a str,
    /// The evaluation date and language.
    pub options: EvalOptions,
    /// The outcome to explain (`explain`).
    pub outcome: Option<String>,
    /// Facts the person does not know (`next-question`): not asked again.
    pub unknown: Vec<String>,
}

/// `{"facts": {…}, …}`: the facts with how to evaluate them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(borrow)]
    facts: &'a RawValue,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    /// Accepted for clients of other decision services: a decision always carries the
    /// reasons for each outcome.
    #[serde(default)]
    #[allow(dead_code)]
    why: Option<bool>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    unknown: Vec<String>,
}

impl<'a> Case<'a> {
    /// Reads a body: a fact object, or an envelope (an object with a `facts` key; a
    /// policy has no fact of that name at the top, as `facts` is a keyword).
    /// Bodies nesting arrays and objects more than `max_depth` deep are refused first.
    pub fn parse(body: &'a [u8], max_depth: usize) -> Result<Case<'a>, ApiError> {
        Case::of_text(text(body, max_depth)?)
    }

    /// [`Case::parse`], but an envelope of the usual shape is read without reading its
    /// facts (see [`super::envelope`]): `true` when it was. The facts are then read only
    /// by the library; if deciding fails, the caller asks [`Case::parse`] for the error
    /// the body gives, which comes first (a body that is not JSON, or too deep, is
    /// refused as such).
    ///
    /// The body's depth is not measured then: a fact set the policy accepts nests at most
    /// `facts_depth` deep ([`asylon::Policy::facts_depth`]), so when that is within the
    /// limit and within serde_json's bound, the envelope around the facts counted, any
    /// body that decides was within them, and one that was not fails to decide.
    pub fn parse_deferred(
        body: &'a [u8],
        max_depth: usize,
        facts_depth: usize,
    ) -> Result<(Case<'a>, bool), ApiError> {
        // serde_json reads at most 127 levels, the envelope being one.
        if facts_depth < max_depth.min(127) {
            let text = simdutf8::basic::from_utf8(body).ok();
            if let Some(usual) = text.and_then(super::envelope::usual) {
                if let Ok(options) = options(usual.as_of, usual.lang) {
                    let case = Case {
                        facts: usual.facts,
                        options,
                        outcome: None,
                        unknown: Vec::new(),
                    };
                    return Ok((case, true));
                }
            }
        }
        Ok((Case::parse(body, max_depth)?, false))
    }

    /// Reads a body's text as [`Case::parse`] does.
    fn of_text(text: &'a str) -> Result<Case<'a>, ApiError> {
        match envelope(text) {
            Some(Ok(envelope)) => {
                let options = options(envelope.as_of.as_deref(), envelope.lang.as_deref())?;
                Ok(Case {
                    facts: envelope.facts.get(),
                    options,
                    outcome: envelope.outcome,
                    unknown: envelope.unknown,
                })
            }
            Some(Err(e)) => Err(ApiError::json(&e)),
            None => Ok(Case {
                facts: text,
                options: options(None, None)?,
                outcome: None,
                unknown: Vec::new(),
            }),
        }
    }
}

/// A body's text: refused (400) when it nests arrays and objects more than `max_depth`
/// deep, or is not UTF-8.
fn text(body: &[u8], max_depth: usize) -> Result<&str, ApiError> {
    super::depth::within_depth(body, max_depth)?;
    // Checked fast; a body that is not UTF-8 is checked again for the message.
    let text = simdutf8::basic::from_utf8(body).or_else(|_| std::str::from_utf8(body));
    text.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "asylon::serve::not_utf8",
            format!("the body is not UTF-8 text: {e}"),
            "send the JSON as UTF-8",
        )
    })
}

/// The evaluation date (default: today) and language (default: English). A language is
/// a tag such as `es` or `pt-BR`: a decision's `lang` is never empty.
pub fn options(as_of: Option<&str>, lang: Option<&str>) -> Result<EvalOptions, ApiError> {
    let lang = lang.unwrap_or("en");
    let tag = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if lang.is_empty() || lang.len() > 35 || !lang.chars().all(tag) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "asylon::serve::lang",
            format!("`{lang}` is not a language tag"),
            "write a language tag such as `en`, `es` or `es-MX`",
        ));
    }
    Ok(super::super::eval_options(as_of, lang)?)
}

/// Any object with a `facts` key at its top level.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(borrow, default)]
    facts: Option<&'a RawValue>,
}

/// The envelope, when the body is an object with a `facts` key at its top level (`None`:
/// a fact object). Read once when it is one; a fact object without the word `facts` is
/// not read here at all.
fn envelope(text: &str) -> Option<Result<Envelope<'_>, serde_json::Error>> {
    if !text.contains("\"facts\"") {
        return None;
    }
    match serde_json::from_str::<Envelope<'_>>(text) {
        Ok(envelope) => Some(Ok(envelope)),
        Err(e) => match serde_json::from_str::<Probe<'_>>(text) {
            Ok(Probe { facts: Some(_) }) => Some(Err(e)),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_facts_or_an_envelope_around_them() {
        let bare = Case::parse(br#"{"person": {"age": 3}}"#, 128).expect("a fact object");
        assert_eq!(bare.facts, r#"{"person": {"age": 3}}"#);
        let wrapped = Case::parse(
            br#"{"as_of": "2024-06-17", "facts": {"person": {"age": 3}}, "lang": "es"}"#,
            128,
        )
        .expect("an envelope");
        assert_eq!(wrapped.facts, r#"{"person": {"age": 3}}"#);
        assert_eq!(wrapped.options.lang, "es");
        assert_eq!(wrapped.options.as_of.to_string(), "2024-06-17");
        // A nested `facts` key is a fact's, not an envelope.
        assert!(envelope(r#"{"case": {"facts": 1}}"#).is_none());
    }

    #[test]
    fn a_bad_envelope_says_what_is_wrong_and_where() {
        let e = Case::parse(br#"{"facts": {}, "as-of": "2024-06-17"}"#, 128).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.errors[0].message.contains("as-of"), "{:?}", e.errors);
        let e = Case::parse(br#"{"facts": {}, "as_of": "17 June"}"#, 128).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.errors[0].code, "asylon::bad_date");
        let e = Case::parse(br#"{"facts": {}, "lang": ""}"#, 128).unwrap_err();
        assert_eq!(e.errors[0].code, "asylon::serve::lang");
    }
}
