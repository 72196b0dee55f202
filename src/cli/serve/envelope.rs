//! The usual envelope, `{"facts": {…}, "as_of": "…", "lang": "…"}`, read without reading
//! the facts: serde_json would read them once to find where they end (`RawValue`), and the
//! library reads them again to decide. Here the facts are not read at all: where they
//! start is found reading the envelope from its beginning, where they end reading it back
//! from its end, and the library's reader, which accepts exactly serde_json's grammar and
//! a whole text only, is the one that reads what lies between.
//!
//! Only an envelope of the usual shape is read here: members `facts` (an object), `as_of`,
//! `lang` and `outcome` (strings without escapes, or `null`) and `why` (`true`, `false` or
//! `null`), each at most once, with JSON whitespace around them. Anything else (`None`)
//! is read by [`super::request::Case::parse`] with serde_json. What is read here is what
//! serde_json would read, when the facts are one valid JSON object (not too deep: see
//! `Case::parse_deferred`); when they are not, deciding fails, and the caller asks
//! `Case::parse` for the error it gives ([`super::routes`]' `evaluate`).

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
    let bytes = text.as_bytes();
    let mut members = Members::default();
    // The members before the facts, up to the facts' `{`.
    let mut r = Reader { bytes, at: 0 };
    r.blank();
    r.expect(b'{')?;
    loop {
        r.blank();
        let key = r.plain_string()?;
        r.blank();
        r.expect(b':')?;
        r.blank();
        if key == "facts" {
            break;
        }
        members.read(key, &mut r)?;
        r.blank();
        r.expect(b',')?;
    }
    let start = r.at;
    let end = facts_end(bytes)?;
    if bytes.get(start) != Some(&b'{') || end <= start + 1 {
        return None;
    }
    // The members after the facts, read forward as the ones before: whatever
    // `facts_end` found, what follows it is exactly the usual members and the `}`.
    let mut r = Reader { bytes, at: end };
    loop {
        r.blank();
        match r.next()? {
            b'}' => break,
            b',' => {}
            _ => return None,
        }
        r.blank();
        let key = r.plain_string()?;
        r.blank();
        r.expect(b':')?;
        r.blank();
        members.read(key, &mut r)?;
    }
    r.blank();
    // Nothing after the envelope but whitespace; an outcome belongs to `explain`.
    if r.at != bytes.len() || members.outcome.flatten().is_some() {
        return None;
    }
    let text_at = |(start, end): (usize, usize)| text.get(start..end);
    // A string given (`Some`) or not (`None`); `None` outside, where its span is not text.
    let given = |span: Option<(usize, usize)>| match span {
        Some(span) => text_at(span).map(Some),
        None => Some(None),
    };
    Some(Usual {
        facts: text_at((start, end))?,
        as_of: given(members.as_of.flatten())?,
        lang: given(members.lang.flatten())?,
    })
}

/// Where the facts end in a body of the usual shape, found from the body's end: just
/// after the `}` before the members that follow the facts (plain strings, `null`, `true`
/// and `false`, with their `:` and `,`), themselves before the envelope's own `}`. In a
/// body of another shape it finds some `}` or none; [`usual`] reads on from it forward
/// and the library reads the facts, so that a wrong guess is refused, never believed.
fn facts_end(bytes: &[u8]) -> Option<usize> {
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    // `at` is just after the byte looked at.
    let mut at = bytes.len();
    while at > 0 && bytes.get(at - 1).is_some_and(|&b| blank(b)) {
        at -= 1;
    }
    if at == 0 || bytes.get(at - 1) != Some(&b'}') {
        return None;
    }
    at -= 1;
    loop {
        let b = *bytes.get(at.checked_sub(1)?)?;
        match b {
            b'}' => return Some(at),
            // A plain string holds no quote: the one before is where it opens.
            b'"' => at = memchr::memrchr(b'"', bytes.get(..at - 1)?)?,
            b':' | b',' | b'a'..=b'z' => at -= 1,
            b if blank(b) => at -= 1,
            _ => return None,
        }
    }
}

/// The members other than `facts`, each at most once.
#[derive(Default)]
struct Members {
    as_of: Option<Option<(usize, usize)>>,
    lang: Option<Option<(usize, usize)>>,
    outcome: Option<Option<(usize, usize)>>,
    why: Option<Option<bool>>,
}

impl Members {
    /// Reads the value of `key` at `r`; `None` for a key of no member (`facts` too: a
    /// second one), one given before (serde_json refuses a repeated field), or a value
    /// of another shape.
    fn read(&mut self, key: &str, r: &mut Reader<'_>) -> Option<()> {
        let first = match key {
            "as_of" => self.as_of.replace(r.string_or_null()?).is_none(),
            "lang" => self.lang.replace(r.string_or_null()?).is_none(),
            "outcome" => self.outcome.replace(r.string_or_null()?).is_none(),
            "why" => self.why.replace(r.bool_or_null()?).is_none(),
            _ => return None,
        };
        first.then_some(())
    }
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
        let braces = usual_or_none(r#"{"facts": {"a": "}, "}, "lang": "}"}"#).expect("usual");
        assert_eq!((braces.facts, braces.lang), (r#"{"a": "}, "}"#, Some("}")));
        let nulls = usual_or_none(r#"{"as_of": null, "facts": {}, "lang": null}"#);
        assert_eq!(
            nulls.map(|u| (u.facts, u.as_of, u.lang)),
            Some(("{}", None, None))
        );
    }

    /// A body is read here only when every fact set the policy accepts is within the
    /// depth limit and serde_json's bound, the envelope counted: then any body read here
    /// whose facts nest no deeper than the policy's facts is read by serde_json the same.
    #[test]
    fn bodies_are_read_here_only_when_no_fact_set_the_policy_accepts_is_too_deep() {
        let nested = |depth: usize| {
            let facts = "{\"a\":".repeat(depth - 1) + "{" + &"}".repeat(depth);
            format!(r#"{{"facts": {facts}, "lang": "es"}}"#)
        };
        for max_depth in [1, 2, 3, 4, 64, 126, 127, 128] {
            for facts_depth in [1, 2, 3, 4, 63, 64, 125, 126, 127, 128] {
                let read_here = |body: &str| match Case::parse_deferred(
                    body.as_bytes(),
                    max_depth,
                    facts_depth,
                ) {
                    Ok((case, true)) => Some(case.facts.to_string()),
                    _ => None,
                };
                let expected = facts_depth < max_depth.min(127);
                assert_eq!(
                    read_here(&nested(1)).is_some(),
                    expected,
                    "{max_depth} {facts_depth}"
                );
                for depth in [1, 2, facts_depth - 1, facts_depth]
                    .into_iter()
                    .filter(|d| (1..=facts_depth).contains(d))
                {
                    let body = nested(depth);
                    if let Some(facts) = read_here(&body) {
                        let by_serde = Case::parse(body.as_bytes(), max_depth);
                        let by_serde = by_serde.map(|c| c.facts.to_string());
                        assert_eq!(
                            by_serde.ok(),
                            Some(facts),
                            "{max_depth} {facts_depth} {depth}"
                        );
                    }
                }
            }
        }
    }

    fn usual_or_none(body: &str) -> Option<Usual<'_>> {
        usual(body)
    }

    #[test]
    fn any_other_shape_is_left_to_serde_json_or_has_facts_that_cannot_decide() {
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
            r#"{"facts": {"a": 1}, "lang": "es"}, "as_of": null}"#,
            r#"{"facts": {"a": "}, "lang": "es"}"#,
            r#"{"facts": {"a": 1}}, "lang": "es"}"#,
        ] {
            // Either not read here, or facts that are not one JSON object: deciding
            // fails, and the body is read again by serde_json.
            let read = usual(body).map(|u| serde_json::from_str::<serde::de::IgnoredAny>(u.facts));
            assert!(read.is_none_or(|facts| facts.is_err()), "{body}");
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
            Just(r#""lang": "}""#.to_string()),
            Just(r#""facts": {"f": 1}, "lang": "es"}"#.to_string()),
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
