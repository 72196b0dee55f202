//! The usual envelope, `{"facts": {…}, "as_of": "…", "lang": "…"}`, read without reading
//! the facts: serde_json would read them once to find where they end (`RawValue`), and the
//! library reads them again to decide. Here the facts are only skipped, brackets counted
//! outside strings, and the library's reader, which accepts exactly serde_json's grammar,
//! is the one that reads them.
//!
//! Only an envelope of the usual shape is read here: members `facts` (an object), `as_of`,
//! `lang` and `outcome` (strings without escapes, or `null`) and `why` (`true`, `false` or
//! `null`), each at most once, with JSON whitespace around them. Anything else (`None`)
//! is read by [`super::request::Case::parse`] with serde_json. What is read here is what
//! serde_json would read, when the facts are valid JSON; when they are not, deciding
//! fails, and the caller asks `Case::parse` for the error it gives
//! ([`super::routes`]' `evaluate`).

/// The parts of a usual envelope: the facts' text, and the date and language given.
#[derive(Debug, PartialEq, Eq)]
pub struct Usual<'a> {
    /// The facts, as written: from their `{` to their `}`.
    pub facts: &'a str,
    /// `as_of`, when given and not `null`.
    pub as_of: Option<&'a str>,
    /// `lang`, when given and not `null`.
    pub lang: Option<&'a str>,
}

/// The envelope `text` is, when it has the usual shape.
pub fn usual(text: &str) -> Option<Usual<'_>> {
    let mut r = Reader {
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut facts = None;
    let (mut as_of, mut lang, mut outcome, mut why) = (None, None, None, None);
    r.blank();
    r.expect(b'{')?;
    loop {
        r.blank();
        let key = r.plain_string()?;
        r.blank();
        r.expect(b':')?;
        r.blank();
        // Each member at most once: serde_json refuses a repeated field.
        let first = match key {
            "facts" => facts.replace(r.object()?).is_none(),
            "as_of" => as_of.replace(r.string_or_null()?).is_none(),
            "lang" => lang.replace(r.string_or_null()?).is_none(),
            "outcome" => outcome.replace(r.string_or_null()?).is_none(),
            "why" => why.replace(r.bool_or_null()?).is_none(),
            _ => return None,
        };
        if !first {
            return None;
        }
        r.blank();
        match r.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    r.blank();
    // Nothing after the envelope but whitespace; an outcome belongs to `explain`.
    if r.at != r.bytes.len() || outcome.flatten().is_some() {
        return None;
    }
    let text_at = |span: (usize, usize)| text.get(span.0..span.1);
    // A string given (`Some`) or not (`None`); `None` outside, where its span is not text.
    let given = |span: Option<(usize, usize)>| match span {
        Some(span) => text_at(span).map(Some),
        None => Some(None),
    };
    Some(Usual {
        facts: text_at(facts?)?,
        as_of: given(as_of.flatten())?,
        lang: given(lang.flatten())?,
    })
}

/// A cursor over the envelope's bytes; every method returns `None` where the envelope
/// is not of the usual shape.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    /// JSON whitespace.
    fn blank(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// A string without escapes or control characters, its content's span.
    fn plain_span(&mut self) -> Option<(usize, usize)> {
        self.expect(b'"')?;
        let start = self.at;
        loop {
            match self.next()? {
                b'"' => return Some((start, self.at - 1)),
                b'\\' => return None,
                b if b < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// A key: a string without escapes.
    fn plain_string(&mut self) -> Option<&'a str> {
        let (start, end) = self.plain_span()?;
        std::str::from_utf8(self.bytes.get(start..end)?).ok()
    }

    /// A string without escapes (`Some(span)`), or `null` (`None`).
    fn string_or_null(&mut self) -> Option<Option<(usize, usize)>> {
        if self.bytes.get(self.at..)?.starts_with(b"null") {
            self.at += 4;
            return Some(None);
        }
        self.plain_span().map(Some)
    }

    /// `true`, `false` or `null`.
    fn bool_or_null(&mut self) -> Option<Option<bool>> {
        let rest = self.bytes.get(self.at..)?;
        let (value, len) = if rest.starts_with(b"true") {
            (Some(true), 4)
        } else if rest.starts_with(b"false") {
            (Some(false), 5)
        } else if rest.starts_with(b"null") {
            (None, 4)
        } else {
            return None;
        };
        self.at += len;
        Some(value)
    }

    /// An object, skipped: its span, from `{` to the `}` that closes it. Each bracket
    /// must close the one it matches (a `]` cannot close a `{`), and brackets inside
    /// strings do not count; whether the rest is valid JSON is the reader's of the facts
    /// to say. Facts nested 127 deep or more are refused: serde_json reads a body at most
    /// 127 deep, the envelope included, and such a body is left to it.
    fn object(&mut self) -> Option<(usize, usize)> {
        let start = self.at;
        self.expect(b'{')?;
        // The brackets open, innermost last, a bit each: set for `{`.
        let (mut open, mut depth) = (1u128, 1u32);
        while depth > 0 {
            match self.next()? {
                b'"' => loop {
                    let rest = self.bytes.get(self.at..)?;
                    let found = memchr::memchr2(b'"', b'\\', rest)?;
                    self.at += found + 1;
                    if rest[found] == b'"' {
                        break;
                    }
                    // An escape: the next byte is part of it, whatever it is.
                    self.at += 1;
                },
                b @ (b'{' | b'[') if depth < 126 => {
                    open = open << 1 | u128::from(b == b'{');
                    depth += 1;
                }
                b @ (b'}' | b']') => {
                    if (open & 1 == 1) != (b == b'}') {
                        return None;
                    }
                    open >>= 1;
                    depth -= 1;
                }
                b'{' | b'[' => return None,
                _ => {}
            }
        }
        Some((start, self.at))
    }
}

#[cfg(test)]
mod tests {
    use super::super::request::Case;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_usual_envelope_is_read_without_its_facts() {
        let body = " {\"facts\" : {\"a\": {\"b\": \"}\\\"{\"}, \"c\": [1, {}]},\n\"lang\":\"es\", \"as_of\": \"2024-06-17\", \"why\": true}\r\n";
        let usual = usual(body).expect("the usual shape");
        assert_eq!(usual.facts, "{\"a\": {\"b\": \"}\\\"{\"}, \"c\": [1, {}]}");
        assert_eq!(usual.as_of, Some("2024-06-17"));
        assert_eq!(usual.lang, Some("es"));
        let nulls = usual_or_none(r#"{"as_of": null, "facts": {}, "lang": null}"#);
        assert_eq!(
            nulls.map(|u| (u.facts, u.as_of, u.lang)),
            Some(("{}", None, None))
        );
    }

    /// Facts as deep as serde_json reads an envelope are read here; deeper ones are left
    /// to serde_json, which refuses them as it always did, whatever the depth limit.
    #[test]
    fn facts_are_read_here_only_as_deep_as_serde_json_reads_them() {
        for depth in 120..=128 {
            let facts = format!("{}{}", "{\"a\":".repeat(depth - 1) + "{", "}".repeat(depth));
            let body = format!(r#"{{"facts": {facts}}}"#);
            let by_serde = Case::parse(body.as_bytes(), 128).map(|c| c.facts);
            match Case::parse_deferred(body.as_bytes(), 128) {
                Ok((case, _)) => assert_eq!(by_serde.ok(), Some(case.facts), "{depth}"),
                Err(e) => assert_eq!(by_serde.err().map(|e| e.status), Some(e.status)),
            }
            let read_here = matches!(Case::parse_deferred(body.as_bytes(), 128), Ok((_, true)));
            assert_eq!(read_here, depth < 127, "{depth}");
        }
    }

    fn usual_or_none(body: &str) -> Option<Usual<'_>> {
        usual(body)
    }

    #[test]
    fn any_other_shape_is_left_to_serde_json() {
        for body in [
            r#"{"facts": {}, "facts": {}}"#,
            r#"{"facts": {}, "as_of": "2024-06-17",}"#,
            r#"{"facts": {}} x"#,
            r#"{"fac\u0074s": {}}"#,
            r#"{"facts": {}, "lang": "e\u0073"}"#,
            r#"{"facts": [], "lang": "es"}"#,
            r#"{"facts": {}, "unknown": ["a"]}"#,
            r#"{"facts": {}, "outcome": "x"}"#,
            r#"{"facts": {}, "as-of": "2024-06-17"}"#,
            r#"{"facts": {}, "why": 1}"#,
            r#"{"facts": {"a": "unterminated}"#,
            r#"{"facts": {}"#,
            r#"{"facts": {"f0": ]}"#,
            r#"{"facts": {"f0": [}]}"#,
            r#"{"person": {"age": 3}}"#,
            "{\"facts\": {}, \"lang\": \"e\ns\"}",
            "{\"facts\": {}, \"lang\": \"e\u{1f}s\"}",
        ] {
            assert_eq!(usual(body), None, "{body}");
        }
    }

    /// A piece of an envelope: members, some of them odd, around a facts object that may
    /// be broken.
    fn member() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(r#""as_of": "2024-06-17""#.to_string()),
            Just(r#""as_of": "17 June""#.to_string()),
            Just(r#""as_of": null"#.to_string()),
            Just(r#""lang": "es""#.to_string()),
            Just(r#""lang": """#.to_string()),
            Just(r#""lang": "e\u0073""#.to_string()),
            Just("\"lang\": \"e\u{1f}s\"".to_string()),
            Just(r#""why": false"#.to_string()),
            Just(r#""why": "yes""#.to_string()),
            Just(r#""outcome": null"#.to_string()),
            Just(r#""unknown": []"#.to_string()),
            Just(r#""extra": 1"#.to_string()),
            facts().prop_map(|f| format!(r#""facts": {f}"#)),
        ]
    }

    fn facts() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("1".to_string()),
            Just("\"}{][\"".to_string()),
            Just("\"\\\"\"".to_string()),
            Just("tru".to_string()),
            Just("{".to_string()),
            Just("]".to_string()),
            Just("\"\\".to_string()),
        ];
        proptest::collection::vec(atom, 0..4).prop_map(|atoms| {
            let members: Vec<String> = (atoms.iter().enumerate())
                .map(|(i, a)| format!("\"f{i}\": {a}"))
                .collect();
            format!("{{{}}}", members.join(", "))
        })
    }

    proptest! {
        /// What is read here is what serde_json reads, whenever the facts are valid JSON.
        /// (When they are not, deciding fails, and the body is read again by
        /// `Case::parse` and decided as it says.)
        #[test]
        fn the_usual_envelope_is_read_as_serde_json_reads_it(
            members in proptest::collection::vec(member(), 0..5),
            space in prop_oneof![Just(""), Just(" "), Just("\n\t")],
            cut in 0usize..3,
        ) {
            let mut body = format!("{{{space}{}{space}}}", members.join(&format!(",{space}")));
            body.truncate(body.len().saturating_sub(usize::from(cut == 2)));
            let Some(read) = usual(&body) else { return Ok(()) };
            if serde_json::from_str::<serde::de::IgnoredAny>(read.facts).is_err() {
                return Ok(());
            }
            let options = super::super::request::options(read.as_of, read.lang);
            match Case::parse(body.as_bytes(), 100) {
                Ok(case) => {
                    prop_assert_eq!(case.facts, read.facts);
                    let options = options.map_err(|_| ());
                    prop_assert_eq!(format!("{:?}", Ok::<_, ()>(case.options)), format!("{options:?}"));
                }
                Err(_) => prop_assert!(options.is_err(), "{}", body),
            }
        }
    }
}
