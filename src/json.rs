//! A [`Decision`]'s JSON written by hand: [`Decision::write_json`].
//!
//! The derived `Serialize` of the decision types stays the definition of that JSON (the
//! Python package and `serde_json::to_value` use it), so this is a second writer of the
//! same bytes. It exists for speed: writing a full decision of the border policy (≈ 8.5 kB)
//! through serde_json cost ≈ 46 k instructions per case of the ≈ 140 k a batch case costs
//! (callgrind, 6 Dec), ≈ 20 k of them in `serialize_str` escaping every field's key and
//! variant name byte by byte. Here keys and punctuation are constant byte strings, the
//! policy's texts are copied in the JSON form prepared at load, and only what the case
//! brings (dates, values, `with_values`) is escaped, by serde_json itself.
//!
//! Equality with serde_json's output is what the unit tests below and
//! `tests/decision_json.rs` check, on every example and on generated policies: field
//! order, optional fields skipped exactly where serde skips them.

use crate::decision::{
    Conflict, Decision, Defeat, Holding, NotHolding, Reason, ReasonKind, Status, Undetermined,
};
use crate::text::Text;

impl Decision {
    /// Appends the decision's compact JSON to `out`: byte for byte what
    /// `serde_json::to_writer(out, self)` writes, in a fraction of the time.
    ///
    /// ```
    /// use asylon::{EvalOptions, Policy};
    ///
    /// let policy = Policy::from_source("p.asylon", r#"
    ///     policy "P" version "1"
    ///     fact age: int "age in years"
    ///     outcome adult when age >= 18
    ///       title en "An adult: 18 or over" es "Una persona adulta"
    /// "#)?;
    /// let facts = policy.facts_from_json(r#"{"age": 20}"#)?;
    /// let decision = policy.evaluate(&facts, &EvalOptions::on("2024-06-17")?)?;
    /// let mut fast = Vec::new();
    /// decision.write_json(&mut fast);
    /// assert_eq!(fast, serde_json::to_vec(&decision)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"policy\":");
        text(out, &self.policy);
        optional(out, b",\"title\":", &self.title);
        optional(out, b",\"version\":", &self.version);
        out.extend_from_slice(b",\"revision\":");
        text(out, &self.revision);
        out.extend_from_slice(b",\"as_of\":");
        string(out, &self.as_of);
        out.extend_from_slice(b",\"lang\":");
        string(out, &self.lang);
        out.extend_from_slice(b",\"outcomes\":");
        list(out, &self.outcomes, holding);
        out.extend_from_slice(b",\"undetermined\":");
        list(out, &self.undetermined, undetermined);
        out.extend_from_slice(b",\"does_not_hold\":");
        list(out, &self.does_not_hold, not_holding);
        out.extend_from_slice(b",\"missing\":");
        list(out, &self.missing, text);
        if !self.conflicts.is_empty() {
            out.extend_from_slice(b",\"conflicts\":");
            list(out, &self.conflicts, conflict);
        }
        out.push(b'}');
    }
}

fn holding(out: &mut Vec<u8>, h: &Holding) {
    head(out, &h.id, h.status, &h.title);
    out.extend_from_slice(b",\"explanation\":");
    text(out, &h.explanation);
    out.extend_from_slice(b",\"source\":");
    text(out, &h.source);
    out.extend_from_slice(b",\"sources\":");
    list(out, &h.sources, text);
    optional(out, b",\"effective\":", &h.effective);
    out.extend_from_slice(b",\"because\":");
    list(out, &h.because, reason);
    out.push(b'}');
}

fn reason(out: &mut Vec<u8>, r: &Reason) {
    out.extend_from_slice(match r.kind {
        ReasonKind::Condition => b"{\"kind\":\"condition\"",
        ReasonKind::Exception => b"{\"kind\":\"exception\"",
    });
    optional(out, b",\"exception\":", &r.exception);
    out.extend_from_slice(b",\"condition\":");
    text(out, &r.condition);
    if let Some(with_values) = &r.with_values {
        out.extend_from_slice(b",\"with_values\":");
        string(out, with_values);
    }
    out.extend_from_slice(b",\"value\":");
    value(out, &r.value);
    out.extend_from_slice(b",\"facts\":{");
    for (i, (name, v)) in r.facts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // serde writes a key as a plain string (`keys_as_strings`): the same bytes as
        // the fact name's prepared form, which is a JSON string.
        text(out, name);
        out.push(b':');
        value(out, v);
    }
    out.push(b'}');
    if !r.defeated_by.is_empty() {
        out.extend_from_slice(b",\"defeated_by\":");
        list(out, &r.defeated_by, text);
    }
    optional(out, b",\"source\":", &r.source);
    out.push(b'}');
}

fn undetermined(out: &mut Vec<u8>, u: &Undetermined) {
    head(out, &u.id, u.status, &u.title);
    out.extend_from_slice(b",\"missing\":");
    list(out, &u.missing, text);
    if u.conflict {
        out.extend_from_slice(b",\"conflict\":true");
    }
    out.push(b'}');
}

fn not_holding(out: &mut Vec<u8>, n: &NotHolding) {
    head(out, &n.id, n.status, &n.title);
    optional(out, b",\"effective\":", &n.effective);
    if !n.defeated_by.is_empty() {
        out.extend_from_slice(b",\"defeated_by\":");
        list(out, &n.defeated_by, defeat);
    }
    out.push(b'}');
}

fn defeat(out: &mut Vec<u8>, d: &Defeat) {
    out.extend_from_slice(b"{\"exception\":");
    text(out, &d.exception);
    out.extend_from_slice(b",\"title\":");
    text(out, &d.title);
    optional(out, b",\"source\":", &d.source);
    out.push(b'}');
}

fn conflict(out: &mut Vec<u8>, c: &Conflict) {
    out.extend_from_slice(b"{\"rule\":");
    text(out, &c.rule);
    out.extend_from_slice(b",\"exceptions\":[");
    for (i, e) in c.exceptions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"exception\":");
        text(out, &e.exception);
        out.extend_from_slice(b",\"value\":");
        value(out, &e.value);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

/// `{"id":…,"status":…,"title":…`: how every outcome's object begins.
fn head(out: &mut Vec<u8>, id: &Text, s: Status, title: &Text) {
    out.extend_from_slice(b"{\"id\":");
    text(out, id);
    out.extend_from_slice(b",\"status\":");
    status(out, s);
    out.extend_from_slice(b",\"title\":");
    text(out, title);
}

/// `key` and the text, when there is one: serde skips a `None`.
fn optional(out: &mut Vec<u8>, key: &[u8], t: &Option<Text>) {
    if let Some(t) = t {
        out.extend_from_slice(key);
        text(out, t);
    }
}

fn status(out: &mut Vec<u8>, s: Status) {
    out.extend_from_slice(match s {
        Status::Holds => b"\"holds\"",
        Status::DoesNotHold => b"\"does_not_hold\"",
        Status::Undetermined => b"\"undetermined\"",
    });
}

fn list<T>(out: &mut Vec<u8>, items: &[T], write: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// A text in its prepared JSON form when it has one.
fn text(out: &mut Vec<u8>, t: &Text) {
    match t.json_form() {
        Some(json) => out.extend_from_slice(json.as_bytes()),
        None => string(out, t),
    }
}

/// A string escaped by serde_json itself, so that escaping cannot differ; one that
/// needs no escape (most: serde_json escapes only controls, quotes and backslashes) is
/// copied between quotes, tested 16 bytes at a time.
fn string(out: &mut Vec<u8>, s: &str) {
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\';
    if (s.as_bytes().chunks(16)).all(|c| c.iter().fold(true, |all, &b| all & plain(b))) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn value(out: &mut Vec<u8>, v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => out.extend_from_slice(b"null"),
        serde_json::Value::Bool(true) => out.extend_from_slice(b"true"),
        serde_json::Value::Bool(false) => out.extend_from_slice(b"false"),
        other => {
            // Writing into memory cannot fail.
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::AWKWARD;

    /// A decision with every optional field present, `s` in every string.
    fn full(s: &str) -> serde_json::Value {
        serde_json::json!({
            "policy": s, "title": s, "version": s, "revision": s, "as_of": s, "lang": s,
            "outcomes": [{
                "id": s, "status": "holds", "title": s, "explanation": s, "source": s,
                "sources": [s, s], "effective": s,
                "because": [
                    {"kind": "condition", "condition": s, "with_values": s, "value": true,
                     "facts": {s: s, "n": 3, "d": 2.5, "big": -1e300, "l": [1, "a", null],
                               "b": false, "o": {"k": s}}},
                    {"kind": "exception", "exception": s, "condition": s, "value": null,
                     "facts": {}, "defeated_by": [s], "source": s},
                    {"kind": "condition", "condition": s, "value": false, "facts": {}}
                ]
            }],
            "undetermined": [
                {"id": s, "status": "undetermined", "title": s, "missing": [s], "conflict": true},
                {"id": s, "status": "undetermined", "title": s, "missing": []}
            ],
            "does_not_hold": [
                {"id": s, "status": "does_not_hold", "title": s, "effective": s,
                 "defeated_by": [{"exception": s, "title": s, "source": s},
                                 {"exception": s, "title": s}]},
                {"id": s, "status": "does_not_hold", "title": s}
            ],
            "missing": [s, s],
            "conflicts": [{"rule": s, "exceptions": [
                {"exception": s, "value": true}, {"exception": s, "value": 0.1}
            ]}]
        })
    }

    /// The same decision with no optional field.
    fn bare() -> serde_json::Value {
        serde_json::json!({
            "policy": "p", "revision": "", "as_of": "2024-06-17", "lang": "en",
            "outcomes": [], "undetermined": [], "does_not_hold": [], "missing": []
        })
    }

    /// Gives every text the JSON form a policy's texts have.
    fn share(d: &mut Decision) {
        let s = |t: &mut Text| *t = Text::shared(t.as_str());
        s(&mut d.policy);
        d.title.iter_mut().for_each(s);
        d.version.iter_mut().for_each(s);
        s(&mut d.revision);
        for h in &mut d.outcomes {
            [&mut h.id, &mut h.title, &mut h.explanation, &mut h.source]
                .into_iter()
                .for_each(s);
            h.sources.iter_mut().for_each(s);
            h.effective.iter_mut().for_each(s);
            for r in &mut h.because {
                r.exception.iter_mut().for_each(s);
                s(&mut r.condition);
                r.defeated_by.iter_mut().for_each(s);
                r.source.iter_mut().for_each(s);
            }
        }
        for u in &mut d.undetermined {
            [&mut u.id, &mut u.title].into_iter().for_each(s);
            u.missing.iter_mut().for_each(s);
        }
        for n in &mut d.does_not_hold {
            [&mut n.id, &mut n.title].into_iter().for_each(s);
            n.effective.iter_mut().for_each(s);
            for f in &mut n.defeated_by {
                [&mut f.exception, &mut f.title].into_iter().for_each(s);
                f.source.iter_mut().for_each(s);
            }
        }
        d.missing.iter_mut().for_each(s);
        for c in &mut d.conflicts {
            s(&mut c.rule);
            c.exceptions.iter_mut().for_each(|e| s(&mut e.exception));
        }
    }

    fn assert_same(d: &Decision) {
        let mut fast = Vec::new();
        d.write_json(&mut fast);
        let serde = serde_json::to_vec(d).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&fast),
            String::from_utf8_lossy(&serde)
        );
        // And what the service and batch wrote before, with the prepared texts.
        let mut before = Vec::new();
        crate::text::write_json(&mut before, d).unwrap();
        assert_eq!(fast, before);
    }

    #[test]
    fn every_field_and_every_awkward_string_is_written_as_serde_writes_it() {
        for value in AWKWARD.iter().map(|s| full(s)).chain([bare()]) {
            let mut d: Decision = serde_json::from_value(value).unwrap();
            assert_same(&d);
            share(&mut d);
            assert_same(&d);
        }
    }

    proptest::proptest! {
        #[test]
        fn a_string_is_written_as_serde_writes_it(
            s in "[a \"\\\\\u{0}-\u{1f}\u{7f}é–]{0,40}",
            plain in "[a-z .,é]{0,40}",
        ) {
            for s in [s, plain] {
                let mut fast = Vec::new();
                string(&mut fast, &s);
                proptest::prop_assert_eq!(fast, serde_json::to_vec(&s).unwrap());
            }
        }
    }

    #[test]
    fn every_status_and_kind_is_written_as_serde_writes_it() {
        for status in [Status::Holds, Status::DoesNotHold, Status::Undetermined] {
            let mut fast = Vec::new();
            super::status(&mut fast, status);
            assert_eq!(fast, serde_json::to_vec(&status).unwrap());
        }
        for kind in [ReasonKind::Condition, ReasonKind::Exception] {
            let serde = serde_json::to_string(&kind).unwrap();
            let mut d: Decision = serde_json::from_value(full("k")).unwrap();
            d.outcomes[0].because[0].kind = kind;
            let mut fast = Vec::new();
            d.write_json(&mut fast);
            assert!(String::from_utf8(fast)
                .unwrap()
                .contains(&format!("\"kind\":{serde}")));
            assert_same(&d);
        }
    }
}
