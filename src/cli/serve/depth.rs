//! The JSON depth limit: how deep a request body may nest arrays and objects, checked by
//! one pass over its bytes before anything parses it (parsing recurses, one level per
//! bracket).

use axum::http::StatusCode;

use super::errors::ApiError;

/// Refuses `body` (400) when it nests arrays and objects more than `limit` deep.
/// Brackets inside strings do not count.
///
/// Most of a fact object's bytes are inside strings (names and values): a string is
/// skipped by searching for its closing quote or an escape, not byte by byte. An
/// unterminated string ends the pass: whatever came before it was within the limit, and
/// the parser reports the broken string.
pub fn within_depth(body: &[u8], limit: usize) -> Result<(), ApiError> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&b) = body.get(at) {
        at += 1;
        match b {
            b'"' => loop {
                // Past the end after an escape that is the last byte: `get` is `None`.
                let rest = body.get(at..).unwrap_or_default();
                let Some(found) = memchr::memchr2(b'"', b'\\', rest) else {
                    return Ok(());
                };
                let closed = rest[found] == b'"';
                at += found + 1;
                if closed {
                    break;
                }
                // An escape: the next byte is part of it, whatever it is.
                at += 1;
            },
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
        // An escaped quote does not end the string; an escape at the very end is cut.
        assert!(within_depth(br#"{"a\"[[[": 1}"#, 1).is_ok());
        assert!(within_depth(br#"["\"#, 1).is_ok());
        assert!(within_depth(br#"[[["unterminated [[["#, 2).is_err());
        assert!(within_depth(br#"[["unterminated [[[[[["#, 2).is_ok());
    }

    use proptest::collection::vec;
    use proptest::sample::select;

    /// The deepest nesting, one byte at a time: what the pass must agree with.
    fn deepest(body: &[u8]) -> usize {
        let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
        for &b in body {
            match (in_string, b) {
                (true, _) if escaped => escaped = false,
                (true, b'\\') => escaped = true,
                (true, b'"') | (false, b'"') => in_string = !in_string,
                (false, b'[' | b'{') => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                (false, b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        deepest
    }

    proptest::proptest! {
        #[test]
        fn the_pass_agrees_with_a_byte_by_byte_count(
            bytes in vec(select(b"[]{}\"\\a ".to_vec()), 0..40),
            limit in 0usize..6,
        ) {
            let within = within_depth(&bytes, limit).is_ok();
            proptest::prop_assert_eq!(within, deepest(&bytes) <= limit);
        }
    }
}
