//! The JSON depth limit: how deep a request body may nest arrays and objects, checked by
//! one pass over its bytes before anything parses it (parsing recurses, one level per
//! bracket).

use axum::http::StatusCode;

use super::errors::ApiError;

/// Refuses `body` (400) when it nests arrays and objects more than `limit` deep.
/// Brackets inside strings do not count.
pub fn within_depth(body: &[u8], limit: usize) -> Result<(), ApiError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(too_deep(limit));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn too_deep(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "asylon::serve::json_depth",
        format!("the body nests arrays and objects more than {limit} deep"),
        "a case's facts nest a few levels; the service's --max-json-depth sets the limit",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert!(within_depth(br#"{"a": [1, {"b": 2}]}"#, 3).is_ok());
        assert!(within_depth(br#"{"a": [1, {"b": 2}]}"#, 2).is_err());
        assert!(within_depth(br#"{"a": "[[[[\"[[[["}"#, 1).is_ok());
        assert!(within_depth(br#"{"a\\": [[1]]}"#, 2).is_err());
    }
}
