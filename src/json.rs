//! A decision's JSON written by hand: [`Decision::write_json`] for a decision built, and
//! [`Writer`] for one written as it is assembled (see [`crate::decision::Sink`]), which
//! builds and drops no structure. Both write each object through the same functions
//! below, so its keys, their order and the fields left out are written in one place.
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

use std::borrow::Cow;

use crate::checked::{CheckedPolicy, FactId, RuleId};
use crate::decision::{
    At, Conflict, Decision, DefeatPart, Header, Holding, HoldingPart, NotHolding, NotHoldingPart,
    Reason, ReasonKind, ReasonPart, Sink, Status, Undetermined, UndeterminedPart,
};
use crate::eval::ConflictInfo;
use crate::text::Text;
use crate::texts::Texts;
use crate::written::{date, string, typed_value, value};

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
        let as_of = |out: &mut Vec<u8>| string(out, &self.as_of);
        let (title, version) = (self.title.as_ref(), self.version.as_ref());
        header(
            out,
            &self.policy,
            title,
            version,
            &self.revision,
            as_of,
            &self.lang,
        );
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

/// `{"policy":…,"title":…,"version":…,"revision":…,"as_of":…,"lang":…,"outcomes":`: the
/// list of outcomes follows. `as_of` writes the date.
fn header(
    out: &mut Vec<u8>,
    policy: &Text,
    title: Option<&Text>,
    version: Option<&Text>,
    revision: &Text,
    as_of: impl FnOnce(&mut Vec<u8>),
    lang: &str,
) {
    out.extend_from_slice(b"{\"policy\":");
    text(out, policy);
    optional(out, b",\"title\":", title);
    optional(out, b",\"version\":", version);
    out.extend_from_slice(b",\"revision\":");
    text(out, revision);
    out.extend_from_slice(b",\"as_of\":");
    as_of(out);
    out.extend_from_slice(b",\"lang\":");
    string(out, lang);
    out.extend_from_slice(b",\"outcomes\":");
}

/// A holding outcome after its [`head`], up to its reasons: `…,"because":[`.
fn holding_rest(
    out: &mut Vec<u8>,
    explanation: &Text,
    source: &Text,
    sources: &[Text],
    effective: Option<&Text>,
) {
    out.extend_from_slice(b",\"explanation\":");
    text(out, explanation);
    out.extend_from_slice(b",\"source\":");
    text(out, source);
    out.extend_from_slice(b",\"sources\":");
    list(out, sources, text);
    optional(out, b",\"effective\":", effective);
    out.extend_from_slice(b",\"because\":[");
}

fn holding(out: &mut Vec<u8>, h: &Holding) {
    head(out, &h.id, h.status, &h.title);
    holding_rest(
        out,
        &h.explanation,
        &h.source,
        &h.sources,
        h.effective.as_ref(),
    );
    items(out, &h.because, reason);
    out.extend_from_slice(b"]}");
}

/// A reason up to its facts: `…,"value":…,"facts":{`; `value` writes the value.
fn reason_head(
    out: &mut Vec<u8>,
    kind: ReasonKind,
    exception: Option<&Text>,
    condition: &Text,
    with_values: Option<&str>,
    value: impl FnOnce(&mut Vec<u8>),
) {
    out.extend_from_slice(match kind {
        ReasonKind::Condition => b"{\"kind\":\"condition\"",
        ReasonKind::Exception => b"{\"kind\":\"exception\"",
    });
    optional(out, b",\"exception\":", exception);
    out.extend_from_slice(b",\"condition\":");
    text(out, condition);
    if let Some(with_values) = with_values {
        out.extend_from_slice(b",\"with_values\":");
        string(out, with_values);
    }
    out.extend_from_slice(b",\"value\":");
    value(out);
    out.extend_from_slice(b",\"facts\":{");
}

/// A reason after its facts: `},"defeated_by":[…],"source":…}`.
fn reason_tail<'t>(
    out: &mut Vec<u8>,
    mut defeated_by: impl Iterator<Item = &'t Text>,
    source: Option<&Text>,
) {
    out.push(b'}');
    if let Some(first) = defeated_by.next() {
        out.extend_from_slice(b",\"defeated_by\":[");
        text(out, first);
        for t in defeated_by {
            out.push(b',');
            text(out, t);
        }
        out.push(b']');
    }
    optional(out, b",\"source\":", source);
    out.push(b'}');
}

fn reason(out: &mut Vec<u8>, r: &Reason) {
    let (exception, with_values) = (r.exception.as_ref(), r.with_values.as_deref());
    let written = |out: &mut Vec<u8>| value(out, &r.value);
    reason_head(out, r.kind, exception, &r.condition, with_values, written);
    for (i, (name, v)) in r.facts.iter().enumerate() {
        // serde writes a key as a plain string (`keys_as_strings`): the same bytes as
        // the fact name's prepared form, which is a JSON string.
        fact_key(out, i, name);
        value(out, v);
    }
    reason_tail(out, r.defeated_by.iter(), r.source.as_ref());
}

/// `"name":`, after a comma unless it is the first.
fn fact_key(out: &mut Vec<u8>, i: usize, name: &Text) {
    if i > 0 {
        out.push(b',');
    }
    text(out, name);
    out.push(b':');
}

/// An undetermined outcome after its missing facts.
fn undetermined_tail(out: &mut Vec<u8>, conflict: bool) {
    out.push(b']');
    if conflict {
        out.extend_from_slice(b",\"conflict\":true");
    }
    out.push(b'}');
}

fn undetermined(out: &mut Vec<u8>, u: &Undetermined) {
    head(out, &u.id, u.status, &u.title);
    out.extend_from_slice(MISSING);
    items(out, &u.missing, text);
    undetermined_tail(out, u.conflict);
}

/// After an undetermined outcome's [`head`], before its missing facts.
const MISSING: &[u8] = b",\"missing\":[";

/// After the [`head`] of an outcome that does not hold, its period of force.
const EFFECTIVE: &[u8] = b",\"effective\":";

/// `,"defeated_by":[` before the first defeat, a comma before the others.
fn defeat_separator(out: &mut Vec<u8>, i: usize) {
    out.extend_from_slice(if i == 0 { b",\"defeated_by\":[" } else { b"," });
}

/// After the defeats of an outcome that does not hold, `count` of them.
fn not_holding_tail(out: &mut Vec<u8>, count: usize) {
    out.extend_from_slice(if count == 0 { b"}" } else { b"]}" });
}

fn not_holding(out: &mut Vec<u8>, n: &NotHolding) {
    head(out, &n.id, n.status, &n.title);
    optional(out, EFFECTIVE, n.effective.as_ref());
    for (i, d) in n.defeated_by.iter().enumerate() {
        defeat_separator(out, i);
        defeat(out, &d.exception, &d.title, d.source.as_ref());
    }
    not_holding_tail(out, n.defeated_by.len());
}

fn defeat(out: &mut Vec<u8>, exception: &Text, title: &Text, source: Option<&Text>) {
    out.extend_from_slice(b"{\"exception\":");
    text(out, exception);
    out.extend_from_slice(b",\"title\":");
    text(out, title);
    optional(out, b",\"source\":", source);
    out.push(b'}');
}

/// A conflict up to its exceptions: `{"rule":…,"exceptions":[`.
fn conflict_head(out: &mut Vec<u8>, rule: &Text) {
    out.extend_from_slice(b"{\"rule\":");
    text(out, rule);
    out.extend_from_slice(b",\"exceptions\":[");
}

/// One side of a conflict up to its value: `{"exception":…,"value":`.
fn conflicting(out: &mut Vec<u8>, i: usize, exception: &Text) {
    out.extend_from_slice(if i == 0 {
        b"{\"exception\":"
    } else {
        b",{\"exception\":"
    });
    text(out, exception);
    out.extend_from_slice(b",\"value\":");
}

fn conflict(out: &mut Vec<u8>, c: &Conflict) {
    conflict_head(out, &c.rule);
    for (i, e) in c.exceptions.iter().enumerate() {
        conflicting(out, i, &e.exception);
        value(out, &e.value);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
}

/// The [`head`]s of a policy's outcomes with the titles its texts made at load, made
/// once per thread and policy: an outcome with one of those titles is begun with one
/// copy instead of five (`Writer`).
#[derive(Debug, Default)]
pub(crate) struct Heads {
    /// By rule, then by status (holds, undetermined, does not hold): each title made at
    /// load, with the head it begins.
    by_rule: Vec<[Made; 3]>,
    /// By rule: each explanation made at load, with what follows the head of a holding
    /// outcome that has it ([`holding_rest`]: the explanation, and the passages of the
    /// version it is the explanation of).
    rests: Vec<Made>,
}

/// Texts made at load, each with the JSON it begins.
type Made = Vec<(Text, Vec<u8>)>;

impl Heads {
    /// The heads of `policy`'s outcomes with each title `texts` made.
    pub(crate) fn of(policy: &CheckedPolicy, texts: &Texts) -> Heads {
        let by_rule = (0..policy.rules.len())
            .map(|i| {
                let id = texts.names.rule(policy, RuleId(i as u32));
                [Status::Holds, Status::Undetermined, Status::DoesNotHold].map(|s| {
                    (texts.versions(i).flat_map(|v| v.title.made()))
                        .map(|title| {
                            let mut bytes = Vec::new();
                            head(&mut bytes, &id, s, title);
                            (title.clone(), bytes)
                        })
                        .collect()
                })
            })
            .collect();
        let rests = (0..policy.rules.len())
            .map(|i| {
                let mut made = Vec::new();
                for v in texts.versions(i) {
                    for explanation in v.explain.made() {
                        let mut bytes = Vec::new();
                        let effective = v.effective.as_ref();
                        holding_rest(&mut bytes, explanation, &v.source, &v.sources, effective);
                        made.push((explanation.clone(), bytes));
                    }
                }
                made
            })
            .collect();
        Heads { by_rule, rests }
    }

    /// What follows the head of a holding outcome of `rule` with `explanation`, when
    /// that is one made at load.
    fn rest(&self, rule: RuleId, explanation: &Text) -> Option<&[u8]> {
        let made = self.rests.get(rule.0 as usize)?;
        let (_, bytes) = made.iter().find(|(t, _)| t.same(explanation))?;
        Some(bytes)
    }

    /// The head of `rule` with `status` and `title`, when `title` is one made at load.
    fn find(&self, rule: RuleId, status: Status, title: &Text) -> Option<&[u8]> {
        let by_status = self.by_rule.get(rule.0 as usize)?;
        let made = &by_status[match status {
            Status::Holds => 0,
            Status::Undetermined => 1,
            Status::DoesNotHold => 2,
        }];
        let (_, bytes) = made.iter().find(|(t, _)| t.same(title))?;
        Some(bytes)
    }
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
fn optional(out: &mut Vec<u8>, key: &[u8], t: Option<&Text>) {
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
    self::items(out, items, write);
    out.push(b']');
}

/// The items of a list, between commas.
fn items<T>(out: &mut Vec<u8>, items: &[T], write: fn(&mut Vec<u8>, &T)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

/// The names of `facts`, between commas.
fn fact_names(out: &mut Vec<u8>, at: &At<'_>, facts: &[FactId]) {
    for (i, f) in facts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        text(out, &at.texts.names.fact_ref(at.policy, *f));
    }
}

/// A text in its prepared JSON form when it has one.
fn text(out: &mut Vec<u8>, t: &Text) {
    match t.json_form() {
        Some(json) => out.extend_from_slice(json.as_bytes()),
        None => string(out, t),
    }
}

/// The [`Sink`] that writes a decision's JSON as it is assembled, into `out`: the bytes
/// [`Decision::write_json`] writes for the decision [`crate::decision::decide`] builds.
pub(crate) struct Writer<'o> {
    out: &'o mut Vec<u8>,
    heads: &'o Heads,
    /// Which list of outcomes is open: outcomes, undetermined, does_not_hold.
    list: u8,
    /// Outcomes written in that list.
    written: usize,
    /// Reasons, or defeats, written in the outcome open now.
    inner: usize,
}

impl<'o> Writer<'o> {
    /// A writer appending to `out`, with the heads of the policy's outcomes.
    pub(crate) fn new(out: &'o mut Vec<u8>, heads: &'o Heads) -> Writer<'o> {
        Writer {
            out,
            heads,
            list: 0,
            written: 0,
            inner: 0,
        }
    }

    /// Closes the lists of outcomes before list `to`, and opens the next ones.
    fn to(&mut self, to: u8) {
        while self.list < to {
            self.list += 1;
            self.written = 0;
            self.out.extend_from_slice(match self.list {
                1 => b"],\"undetermined\":[",
                _ => b"],\"does_not_hold\":[",
            });
        }
    }

    /// An outcome of list `to` comes next: a comma before every one but the first.
    fn item(&mut self, to: u8) {
        self.to(to);
        if self.written > 0 {
            self.out.push(b',');
        }
        self.written += 1;
        self.inner = 0;
    }

    /// An outcome's head, copied when it was made at load.
    fn head(&mut self, rule: RuleId, status: Status, id: &Text, title: &Text) {
        match self.heads.find(rule, status, title) {
            Some(bytes) => self.out.extend_from_slice(bytes),
            None => head(self.out, id, status, title),
        }
    }
}

impl Sink for Writer<'_> {
    fn header(&mut self, h: Header<'_>, _: [usize; 3]) {
        let as_of = |out: &mut Vec<u8>| date(out, h.as_of);
        let title = h.title.as_ref();
        header(
            self.out, h.policy, title, h.version, h.revision, as_of, h.lang,
        );
        self.out.push(b'[');
    }

    fn holding(&mut self, h: HoldingPart<'_>) {
        self.item(0);
        self.head(h.rule, Status::Holds, &h.id, &h.title);
        // The explanation made at load is that of the version whose passages these are.
        if let Some(bytes) = self.heads.rest(h.rule, &h.explanation) {
            self.out.extend_from_slice(bytes);
            return;
        }
        holding_rest(
            self.out,
            &h.explanation,
            &h.source,
            h.sources,
            h.effective.as_deref(),
        );
    }

    fn reason(&mut self, at: &At<'_>, r: ReasonPart<'_>) {
        if self.inner > 0 {
            self.out.push(b',');
        }
        self.inner += 1;
        let (policy, names) = (at.policy, &at.texts.names);
        let out = &mut *self.out;
        let (exception, with_values) = (r.exception.as_deref(), r.with_values.as_deref());
        let written = |out: &mut Vec<u8>| match &r.value {
            Some(v) => typed_value(out, policy, r.ty, v),
            None => out.extend_from_slice(b"null"),
        };
        reason_head(out, r.kind, exception, &r.condition, with_values, written);
        let known = (r.facts.iter()).filter_map(|&f| Some((f, at.facts.get(f)?)));
        for (i, (f, v)) in known.enumerate() {
            fact_key(out, i, &names.fact_ref(policy, f));
            typed_value(out, policy, &policy.fact(f).ty, v);
        }
        let defeated_by: Vec<Cow<'_, Text>> = (r.defeated_by.iter())
            .map(|e| names.exception(policy, *e))
            .collect();
        reason_tail(out, defeated_by.iter().map(|e| &**e), r.source.as_deref());
    }

    fn end_holding(&mut self) {
        self.out.extend_from_slice(b"]}");
    }

    fn undetermined(&mut self, at: &At<'_>, u: UndeterminedPart<'_>) {
        self.item(1);
        self.head(u.rule, Status::Undetermined, &u.id, &u.title);
        self.out.extend_from_slice(MISSING);
        fact_names(self.out, at, u.missing);
        undetermined_tail(self.out, u.conflict);
    }

    fn not_holding(&mut self, n: NotHoldingPart<'_>) {
        self.item(2);
        self.head(n.rule, Status::DoesNotHold, &n.id, &n.title);
        optional(self.out, EFFECTIVE, n.effective.as_ref());
    }

    fn defeat(&mut self, d: DefeatPart<'_>) {
        defeat_separator(self.out, self.inner);
        self.inner += 1;
        defeat(self.out, &d.exception, &d.title, d.source.as_deref());
    }

    fn end_not_holding(&mut self) {
        not_holding_tail(self.out, self.inner);
    }

    fn end(&mut self, at: &At<'_>, missing: &[FactId], conflicts: &[ConflictInfo]) {
        // Lists that had no outcome are still written, empty.
        self.to(2);
        let (policy, names) = (at.policy, &at.texts.names);
        let out = &mut *self.out;
        out.extend_from_slice(b"],\"missing\":[");
        fact_names(out, at, missing);
        out.push(b']');
        if !conflicts.is_empty() {
            out.extend_from_slice(b",\"conflicts\":[");
            for (i, c) in conflicts.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                conflict_head(out, &names.rule(policy, c.rule));
                let ty = &policy.rule(c.rule).ty;
                for (k, (e, v)) in c.exceptions.iter().enumerate() {
                    conflicting(out, k, &names.exception(policy, *e));
                    typed_value(out, policy, ty, v);
                    out.push(b'}');
                }
                out.extend_from_slice(b"]}");
            }
            out.push(b']');
        }
        out.push(b'}');
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
