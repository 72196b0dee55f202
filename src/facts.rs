//! Case facts: read from JSON straight into one slot per declared fact, validated on the
//! way (names, types, enum values, dates, bounds), without building a JSON tree first.
//!
//! An absent key and an explicit `null` both leave a fact *unknown*. A key the policy does
//! not declare, a value of the wrong type, a duplicate key: an error naming the JSON path.
//! The reader records a problem and reads on, so one run reports every problem of a
//! fact set (up to [`MAX_REPORTED`]). [`Facts::builder`] sets facts without JSON, through
//! the same checks.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, SourceSpan};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use thiserror::Error;

use crate::checked::{CheckedPolicy, FactId, FactInfo, FactNode, FactTree};
use crate::limits::Limits;
use crate::suggest::did_you_mean;
use crate::value::{parse_date, Duration, Type, Value};

/// The facts of one case: a value or *unknown* for every fact the policy declares.
/// Read from JSON ([`Policy::facts_from_json`](crate::Policy::facts_from_json)) or set
/// one by one ([`Facts::builder`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    values: Vec<Option<Value>>,
}

impl Facts {
    /// Facts that are all unknown, for a policy with `n` facts.
    pub(crate) fn unknown(n: usize) -> Facts {
        Facts {
            values: vec![None; n],
        }
    }

    /// The value of a fact, `None` when unknown.
    pub fn get(&self, id: FactId) -> Option<&Value> {
        self.values.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// Sets a fact (`None`: unknown).
    pub fn set(&mut self, id: FactId, value: Option<Value>) {
        if let Some(slot) = self.values.get_mut(id.0 as usize) {
            *slot = value;
        }
    }

    /// Reads a fact object from JSON text; on failure, every problem found (up to
    /// [`MAX_REPORTED`], then a [`FactsError::More`]).
    pub(crate) fn from_json_str(
        policy: &CheckedPolicy,
        text: &str,
        limits: &Limits,
    ) -> Result<Facts, Vec<FactsError>> {
        let mut de = serde_json::Deserializer::from_str(text);
        Facts::read(
            policy,
            limits,
            |seed| seed.deserialize(&mut de).and_then(|()| de.end()),
            |e| FactsError::from_json(&e, text),
        )
    }

    /// Reads a fact object from a parsed JSON value; on failure, every problem found.
    pub(crate) fn from_value(
        policy: &CheckedPolicy,
        value: &serde_json::Value,
        limits: &Limits,
    ) -> Result<Facts, Vec<FactsError>> {
        Facts::read(
            policy,
            limits,
            |seed| seed.deserialize(value),
            |e| FactsError::Json {
                message: e.to_string(),
                span: None,
            },
        )
    }

    /// Reads a fact object from any deserializer; on failure, every problem found.
    pub(crate) fn from_deserializer<'de, D: serde::Deserializer<'de>>(
        policy: &CheckedPolicy,
        deserializer: D,
        limits: &Limits,
    ) -> Result<Facts, Vec<FactsError>> {
        Facts::read(
            policy,
            limits,
            |seed| seed.deserialize(deserializer),
            |e| FactsError::Json {
                message: e.to_string(),
                span: None,
            },
        )
    }

    /// Runs the fact reader. The reader records a problem and reads on, so the
    /// deserializer itself fails only on a JSON syntax error, turned by `syntax` and
    /// reported after the problems found before it.
    fn read<E>(
        policy: &CheckedPolicy,
        limits: &Limits,
        run: impl FnOnce(Root<'_>) -> Result<(), E>,
        syntax: impl FnOnce(E) -> FactsError,
    ) -> Result<Facts, Vec<FactsError>> {
        let mut facts = Facts::unknown(policy.facts.len());
        let mut problems = Problems::default();
        let result = run(Root {
            policy,
            limits,
            facts: &mut facts,
            problems: &mut problems,
        });
        if let Err(e) = result {
            problems.add(syntax(e));
        }
        problems.finish().map(|()| facts)
    }
}

/// How many problems of one fact set are reported one by one; the rest are counted.
pub const MAX_REPORTED: usize = 20;

/// The problems found in one fact set so far.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    found: Vec<FactsError>,
    more: usize,
}

impl Problems {
    pub(crate) fn add(&mut self, error: FactsError) {
        if self.found.len() < MAX_REPORTED {
            self.found.push(error);
        } else {
            self.more += 1;
        }
    }

    /// `Ok` when nothing was found; else the problems, and a last one counting those
    /// beyond [`MAX_REPORTED`].
    pub(crate) fn finish(mut self) -> Result<(), Vec<FactsError>> {
        if self.found.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.found.push(FactsError::More { count: self.more });
        }
        Err(self.found)
    }
}

/// What can be wrong with a fact set.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq)]
pub enum FactsError {
    /// Not JSON.
    #[error("the facts are not valid JSON: {message}")]
    #[diagnostic(code(asylon::facts::json))]
    Json {
        /// What the JSON parser said.
        message: String,
        /// Where.
        #[label("here")]
        span: Option<SourceSpan>,
    },
    /// JSON, but not an object.
    #[error("the facts must be a JSON object, found {found}")]
    #[diagnostic(
        code(asylon::facts::not_an_object),
        help("write the facts as {{\"person\": {{\"fears_return\": true}}, …}}")
    )]
    NotAnObject {
        /// What was found.
        found: String,
        /// Where.
        #[label("not an object")]
        span: Option<SourceSpan>,
    },
    /// A key the policy does not declare.
    #[error("`{path}` is not a fact of this policy")]
    #[diagnostic(code(asylon::facts::unknown_fact))]
    UnknownFact {
        /// The JSON path.
        path: String,
        /// Where.
        #[label("unknown key")]
        span: Option<SourceSpan>,
        /// A "did you mean", or the keys allowed here.
        #[help]
        help: Option<String>,
    },
    /// The same key twice in one object.
    #[error("`{path}` is given twice")]
    #[diagnostic(
        code(asylon::facts::duplicate_key),
        help("JSON parsers disagree on which of two equal keys wins, so asylon accepts neither: keep one")
    )]
    DuplicateKey {
        /// The JSON path.
        path: String,
        /// Where.
        #[label("again")]
        span: Option<SourceSpan>,
    },
    /// A value of the wrong type.
    #[error("`{path}` must be {expected}, found {found}")]
    #[diagnostic(code(asylon::facts::wrong_type))]
    WrongType {
        /// The JSON path.
        path: String,
        /// What the policy declares.
        expected: String,
        /// What was given.
        found: String,
        /// Where.
        #[label("expected {expected}")]
        span: Option<SourceSpan>,
        /// How to write it.
        #[help]
        help: Option<String>,
    },
    /// A string that is not one of the enum's variants.
    #[error("`{path}` must be one of the values of `{enum_name}`, found {found}")]
    #[diagnostic(code(asylon::facts::not_in_enum))]
    NotInEnum {
        /// The JSON path.
        path: String,
        /// The enum.
        enum_name: String,
        /// What was given.
        found: String,
        /// Where.
        #[label("not a `{enum_name}`")]
        span: Option<SourceSpan>,
        /// A "did you mean", or the values.
        #[help]
        help: Option<String>,
    },
    /// A value outside the fact's declared bounds or pattern.
    #[error("`{path}` must be {rule}, found {found}")]
    #[diagnostic(code(asylon::facts::out_of_range))]
    OutOfRange {
        /// The JSON path.
        path: String,
        /// The bound or pattern, in words.
        rule: String,
        /// What was given.
        found: String,
        /// Where.
        #[label("out of range")]
        span: Option<SourceSpan>,
    },
    /// A string or list longer than the limits allow.
    #[error("`{path}` is a {what} of more than {limit} {unit}")]
    #[diagnostic(
        code(asylon::limit::facts_value),
        help("a fact holds one answer; the limit is `Limits::max_{what}_{unit}`")
    )]
    TooLong {
        /// The JSON path.
        path: String,
        /// `string` or `list`.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// `bytes` or `items`.
        unit: &'static str,
        /// Where.
        #[label("too long")]
        span: Option<SourceSpan>,
    },
    /// Facts that tell an impossible story (a consistency rule of the policy).
    #[error("these facts contradict each other: {message}")]
    #[diagnostic(code(asylon::facts::impossible))]
    Impossible {
        /// The consistency rule.
        rule: String,
        /// The policy's message.
        message: String,
        /// The facts involved, with their values.
        facts: Vec<(String, String)>,
        /// Where the first of them is given.
        #[label("{}", involved(facts))]
        span: Option<SourceSpan>,
        /// The facts, in words.
        #[help]
        help: Option<String>,
    },
    /// More problems than [`MAX_REPORTED`]: the last diagnostic of a long list.
    #[error("and {count} more problems in the facts")]
    #[diagnostic(
        code(asylon::facts::more),
        help("correct the problems above and read the facts again to see the rest")
    )]
    More {
        /// The problems not reported one by one.
        count: usize,
    },
}

fn involved(facts: &[(String, String)]) -> String {
    facts
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl FactsError {
    fn from_json(e: &serde_json::Error, text: &str) -> FactsError {
        let offset = offset_of(text, e.line(), e.column());
        let message = e.to_string();
        // serde_json appends " at line L column C"; the label shows where.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_string();
        FactsError::Json {
            message,
            span: offset.map(|o| (o, 0).into()),
        }
    }

    /// The JSON path the error is about, if it is about one (for facts that
    /// contradict each other, the first of them).
    pub fn path(&self) -> Option<&str> {
        match self {
            FactsError::Impossible { facts, .. } => facts.first().map(|(k, _)| k.as_str()),
            FactsError::UnknownFact { path, .. }
            | FactsError::DuplicateKey { path, .. }
            | FactsError::WrongType { path, .. }
            | FactsError::NotInEnum { path, .. }
            | FactsError::OutOfRange { path, .. }
            | FactsError::TooLong { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Where in the fact text the error is, once [`FactsError::located`].
    pub(crate) fn span(&self) -> Option<SourceSpan> {
        let mut copy = self.clone();
        copy.span_mut().and_then(|s| s.take())
    }

    fn span_mut(&mut self) -> Option<&mut Option<SourceSpan>> {
        Some(match self {
            FactsError::Json { span, .. }
            | FactsError::NotAnObject { span, .. }
            | FactsError::UnknownFact { span, .. }
            | FactsError::DuplicateKey { span, .. }
            | FactsError::WrongType { span, .. }
            | FactsError::NotInEnum { span, .. }
            | FactsError::OutOfRange { span, .. }
            | FactsError::TooLong { span, .. }
            | FactsError::Impossible { span, .. } => span,
            FactsError::More { .. } => return None,
        })
    }

    /// Points the error at its place in `text`, found again from its JSON path.
    pub(crate) fn located(mut self, text: &str) -> FactsError {
        if matches!(self, FactsError::Json { span: Some(_), .. }) {
            // The JSON parser said where.
            return self;
        }
        let path = self.path().map(str::to_string);
        let span = match path {
            Some(p) => {
                let key = matches!(
                    self,
                    FactsError::UnknownFact { .. } | FactsError::DuplicateKey { .. }
                );
                // Text that does not parse to the end (an error met midway) can still
                // show the key itself.
                locate(text, &p, key).or_else(|| {
                    // The key alone, longest first: a flattened key
                    // (`"person.detained"`) holds dots of its own.
                    let suffixes = std::iter::once(p.as_str())
                        .chain(p.match_indices('.').map(|(i, _)| &p[i + 1..]));
                    suffixes.into_iter().find_map(|last| {
                        let needle = format!("\"{last}\"");
                        text.rfind(&needle).map(|at| (at, needle.len()).into())
                    })
                })
            }
            None => Some((0, text.len().min(1)).into()),
        };
        if let (Some(span), Some(slot)) = (span, self.span_mut()) {
            *slot = Some(span);
        }
        self
    }
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    Some((start + column.saturating_sub(1)).min(text.len()))
}

/// Finds a dotted path (`person.persecution_grounds[2]`) in JSON text: the value's span,
/// or with `key` the span of the last key (for an unknown or repeated key, the last
/// occurrence). Only run on the error path, so it may parse again.
fn locate(text: &str, path: &str, key: bool) -> Option<SourceSpan> {
    use serde_json::value::RawValue;
    let base = text.as_ptr() as usize;
    let offset = |s: &str| s.as_ptr() as usize - base;
    let mut current: &RawValue = serde_json::from_str(text).ok()?;
    let mut segments: Vec<&str> = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((k, rest)) => {
                segments.push(k);
                segments.extend(rest.split('[').map(|i| i.trim_end_matches(']')));
            }
            None => segments.push(part),
        }
    }
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let inner = current.get();
        if inner.trim_start().starts_with('[') {
            let items: Vec<&RawValue> = serde_json::from_str(inner).ok()?;
            current = items.get(seg.parse::<usize>().ok()?)?;
            continue;
        }
        let entries: Vec<(&str, &RawValue)> = serde_json::from_str::<KeyedRaw>(inner).ok()?.0;
        let (k, v) = entries.into_iter().rev().find(|(k, _)| k == seg)?;
        if key && i == last {
            // Include the quotes around the key.
            let start = offset(k).saturating_sub(1);
            return Some((start, k.len() + 2).into());
        }
        current = v;
    }
    let s = current.get();
    Some((offset(s), s.len()).into())
}

/// A JSON object's entries in order, borrowed from the text, duplicates kept.
struct KeyedRaw<'a>(Vec<(&'a str, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for KeyedRaw<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyedRaw<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<&'de str>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(KeyedRaw(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The help for a key the group does not have: for a flattened key
/// (`"person.detained"`) how to nest it, else a "did you mean", else the keys allowed.
/// Follows a dotted key through the groups of `tree`: `Ok` when it ends on a fact or a
/// group, else the group reached (as a dotted path), the segment it lacks, and that
/// group's tree.
fn resolve_dotted<'t, 'k>(
    tree: &'t FactTree,
    key: &'k str,
) -> Result<(), (String, &'k str, &'t FactTree)> {
    static NOTHING: FactTree = FactTree {
        entries: Vec::new(),
    };
    let mut node = tree;
    let mut reached: Vec<&str> = Vec::new();
    let mut segments = key.split('.').peekable();
    while let Some(segment) = segments.next() {
        match node.get(segment) {
            Some(FactNode::Group(inner)) => node = inner,
            Some(FactNode::Fact(_)) => match segments.peek() {
                // A fact holds a value, not further facts.
                Some(next) => {
                    reached.push(segment);
                    return Err((reached.join("."), next, &NOTHING));
                }
                None => return Ok(()),
            },
            None => return Err((reached.join("."), segment, node)),
        }
        reached.push(segment);
    }
    Ok(())
}

pub(crate) fn unknown_key_help(
    tree: &FactTree,
    prefix: &str,
    key: &str,
    value: &serde_json::Value,
) -> String {
    let group = key
        .split_once('.')
        .filter(|(first, _)| matches!(tree.get(first), Some(FactNode::Group(_))));
    if let Some((first, rest)) = group {
        let shown = value.to_string();
        let shown = if shown.chars().count() > 40 {
            "…"
        } else {
            &shown
        };
        let mut nested = format!(
            "{{{}: {shown}}}",
            quote(rest.rsplit('.').next().unwrap_or(rest))
        );
        for segment in rest.rsplit('.').skip(1) {
            nested = format!("{{{}: {nested}}}", quote(segment));
        }
        let nested = format!(
            "facts are nested by group, not written with dots: write {{{}: {nested}}}",
            quote(first)
        );
        // Nesting alone must not lead to another unknown fact: say so when the dotted
        // path names no fact, and what it may have meant.
        return match resolve_dotted(tree, key) {
            Ok(()) => nested,
            Err((group, missing, inner)) => {
                let keys = inner.entries.iter().map(|(k, _)| k.as_str());
                let meant = did_you_mean(missing, keys)
                    .and_then(|h| h.strip_prefix("did you mean `").map(String::from))
                    .map_or_else(String::new, |rest| {
                        format!("; did you mean `{group}.{rest}")
                    });
                format!("{nested}; but `{group}` has no fact `{missing}`{meant}")
            }
        };
    }
    let keys = || tree.entries.iter().map(|(k, _)| k.as_str());
    match did_you_mean(key, keys()) {
        Some(h) if !prefix.is_empty() => match h.strip_prefix("did you mean `") {
            Some(rest) => format!("did you mean `{prefix}.{rest}"),
            None => h,
        },
        Some(h) => h,
        None => {
            let keys: Vec<String> = keys().map(|k| format!("`{k}`")).collect();
            format!("the keys allowed here are {}", keys.join(", "))
        }
    }
}

/// The seed for the top-level fact object.
struct Root<'a> {
    policy: &'a CheckedPolicy,
    limits: &'a Limits,
    facts: &'a mut Facts,
    problems: &'a mut Problems,
}

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(GroupVisitor {
            policy: self.policy,
            limits: self.limits,
            tree: &self.policy.fact_tree,
            prefix: String::new(),
            facts: self.facts,
            problems: self.problems,
        })
    }
}

/// Reads one JSON object of facts (the top level, or a group such as `person`).
struct GroupVisitor<'a> {
    policy: &'a CheckedPolicy,
    limits: &'a Limits,
    tree: &'a FactTree,
    prefix: String,
    facts: &'a mut Facts,
    problems: &'a mut Problems,
}

impl GroupVisitor<'_> {
    fn fail(&mut self, error: FactsError) {
        self.problems.add(error);
    }

    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn not_an_object<E: de::Error>(&mut self, found: String) -> Result<(), E> {
        let error = if self.prefix.is_empty() {
            FactsError::NotAnObject { found, span: None }
        } else {
            let members: Vec<String> = self
                .tree
                .entries
                .iter()
                .map(|(k, _)| format!("\"{k}\""))
                .take(4)
                .collect();
            FactsError::WrongType {
                path: self.prefix.clone(),
                expected: "an object of facts".into(),
                found,
                span: None,
                help: Some(format!(
                    "`{}` is a group of facts: {{{}: …}}",
                    self.prefix,
                    members.join(", ")
                )),
            }
        };
        self.fail(error);
        Ok(())
    }
}

impl<'de> Visitor<'de> for GroupVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of facts")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<usize> = Vec::new();
        while let Some(key) = map.next_key::<KeyStr<'de>>()? {
            let key = key.as_str();
            let Ok(index) = self
                .tree
                .entries
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
            else {
                // The value is read only to quote it in the help of a flattened key.
                let value: serde_json::Value = map.next_value()?;
                let error = FactsError::UnknownFact {
                    path: self.path(key),
                    span: None,
                    help: Some(unknown_key_help(self.tree, &self.prefix, key, &value)),
                };
                self.fail(error);
                continue;
            };
            if seen.contains(&index) {
                let path = self.path(key);
                map.next_value::<de::IgnoredAny>()?;
                self.fail(FactsError::DuplicateKey { path, span: None });
                continue;
            }
            seen.push(index);
            match &self.tree.entries[index].1 {
                FactNode::Group(tree) => {
                    let prefix = self.path(key);
                    map.next_value_seed(GroupSeed(GroupVisitor {
                        policy: self.policy,
                        limits: self.limits,
                        tree,
                        prefix,
                        facts: &mut *self.facts,
                        problems: &mut *self.problems,
                    }))?;
                }
                FactNode::Fact(id) => {
                    let fact = self.policy.fact(*id);
                    let value = map.next_value_seed(FactSeed {
                        policy: self.policy,
                        limits: self.limits,
                        fact,
                        ty: &fact.ty,
                        path: Cow::Borrowed(&fact.name),
                        problems: &mut *self.problems,
                        top: true,
                    })?;
                    self.facts.set(*id, value);
                }
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        if self.prefix.is_empty() {
            self.not_an_object("null".into())
        } else {
            // `"person": null`: every fact of the group stays unknown.
            Ok(())
        }
    }

    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<(), E> {
        self.not_an_object(format!("`{v}`"))
    }
    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<(), E> {
        self.not_an_object(format!("the number {v}"))
    }
    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<(), E> {
        self.not_an_object(format!("the number {v}"))
    }
    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        self.not_an_object(format!("the number {v}"))
    }
    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.not_an_object(format!("the string {}", quote(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, seq: A) -> Result<(), A::Error> {
        skip_seq(seq)?;
        self.not_an_object("an array".into())
    }
}

struct GroupSeed<'a>(GroupVisitor<'a>);

impl<'de> DeserializeSeed<'de> for GroupSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self.0)
    }
}

/// A key, borrowed from the text when it has no escapes.
enum KeyStr<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl KeyStr<'_> {
    fn as_str(&self) -> &str {
        match self {
            KeyStr::Borrowed(s) => s,
            KeyStr::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyStr<'de>, E> {
                Ok(KeyStr::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyStr<'de>, E> {
                Ok(KeyStr::Owned(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyStr<'de>, E> {
                Ok(KeyStr::Owned(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads one fact's value (or one item of a list fact).
pub(crate) struct FactSeed<'a> {
    pub(crate) policy: &'a CheckedPolicy,
    pub(crate) limits: &'a Limits,
    pub(crate) fact: &'a FactInfo,
    pub(crate) ty: &'a Type,
    /// The fact's JSON path, for the problems found (borrowed: most facts have none).
    pub(crate) path: Cow<'a, str>,
    pub(crate) problems: &'a mut Problems,
    /// Whether this is the fact itself (where `null` means unknown) rather than a list item.
    pub(crate) top: bool,
}

impl FactSeed<'_> {
    /// Records a problem; the fact stays unknown and reading goes on.
    fn fail<E: de::Error>(&mut self, error: FactsError) -> Result<Option<Value>, E> {
        self.problems.add(error);
        Ok(None)
    }

    fn expected(&self) -> String {
        match self.ty {
            Type::Bool => "`true` or `false`".into(),
            Type::Int => "a whole number".into(),
            Type::Decimal => "a number".into(),
            Type::String => "a string".into(),
            Type::Date => "a date \"YYYY-MM-DD\"".into(),
            Type::Duration => "a duration such as \"60 days\"".into(),
            Type::Enum(id) => format!("one of the values of `{}`", self.policy.enum_info(*id).name),
            Type::List(_) => "a list".into(),
            Type::Any => "a value".into(),
        }
    }

    fn wrong<E: de::Error>(&mut self, found: String) -> Result<Option<Value>, E> {
        let help = match self.ty {
            Type::Int if found.starts_with("the number") => Some(
                "a whole number is written without a fraction or exponent: `2500`, not `2500.0`"
                    .into(),
            ),
            Type::Int | Type::Decimal if found.starts_with("the string") => {
                Some("write the number without quotes".into())
            }
            Type::Bool if found.starts_with("the string") => {
                Some("write `true` or `false` without quotes".into())
            }
            Type::Enum(id) => Some(self.variants_help(*id)),
            Type::List(_) => Some("write a JSON array: `[…]` (`[]` for none)".into()),
            _ => None,
        };
        let error = FactsError::WrongType {
            path: self.path.to_string(),
            expected: self.expected(),
            found,
            span: None,
            help,
        };
        self.fail(error)
    }

    fn variants_help(&self, id: crate::value::EnumId) -> String {
        let names: Vec<String> = self
            .policy
            .enum_info(id)
            .variants
            .iter()
            .map(|v| format!("\"{}\"", v.name))
            .collect();
        format!("the values are {}", names.join(", "))
    }

    fn int<E: de::Error>(&mut self, n: i64) -> Result<Option<Value>, E> {
        let c = &self.fact.constraint;
        if let Some(lo) = c.at_least.filter(|lo| n < *lo) {
            let e = FactsError::OutOfRange {
                path: self.path.to_string(),
                rule: format!("at least {lo}"),
                found: n.to_string(),
                span: None,
            };
            return self.fail(e);
        }
        if let Some(hi) = c.at_most.filter(|hi| n > *hi) {
            let e = FactsError::OutOfRange {
                path: self.path.to_string(),
                rule: format!("at most {hi}"),
                found: n.to_string(),
                span: None,
            };
            return self.fail(e);
        }
        Ok(Some(Value::Int(n)))
    }
}

fn quote(s: &str) -> String {
    let shown: String = s.chars().take(60).collect();
    let ellipsis = if shown.len() < s.len() { "…" } else { "" };
    format!("{}{ellipsis}", serde_json::Value::String(shown))
}

impl<'de> DeserializeSeed<'de> for FactSeed<'_> {
    type Value = Option<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FactSeed<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expected())
    }

    fn visit_unit<E: de::Error>(mut self) -> Result<Option<Value>, E> {
        if self.top {
            Ok(None)
        } else {
            self.wrong("`null` (a list item cannot be unknown)".into())
        }
    }

    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<Option<Value>, E> {
        match self.ty {
            Type::Bool => Ok(Some(Value::Bool(v))),
            _ => self.wrong(format!("`{v}`")),
        }
    }

    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<Option<Value>, E> {
        match self.ty {
            Type::Int => self.int(v),
            Type::Decimal => Ok(Some(Value::Decimal(v as f64))),
            _ => self.wrong(format!("the number {v}")),
        }
    }

    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<Option<Value>, E> {
        match (self.ty, i64::try_from(v)) {
            (Type::Int, Ok(n)) => self.int(n),
            (Type::Int, Err(_)) => {
                let e = FactsError::OutOfRange {
                    path: self.path.to_string(),
                    rule: "at most 9223372036854775807".into(),
                    found: v.to_string(),
                    span: None,
                };
                self.fail(e)
            }
            (Type::Decimal, _) => Ok(Some(Value::Decimal(v as f64))),
            _ => self.wrong(format!("the number {v}")),
        }
    }

    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<Option<Value>, E> {
        match self.ty {
            Type::Decimal if v.is_finite() => Ok(Some(Value::Decimal(v))),
            _ => self.wrong(format!("the number {v:?}")),
        }
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<Option<Value>, E> {
        if v.len() > self.limits.max_string_bytes {
            let e = FactsError::TooLong {
                path: self.path.to_string(),
                what: "string",
                limit: self.limits.max_string_bytes,
                unit: "bytes",
                span: None,
            };
            return self.fail(e);
        }
        match self.ty {
            Type::String => {
                if let Some((pattern, re)) = &self.fact.constraint.matching {
                    if !re.is_match(v) {
                        let e = FactsError::OutOfRange {
                            path: self.path.to_string(),
                            rule: format!("a string matching `{pattern}`"),
                            found: quote(v),
                            span: None,
                        };
                        return self.fail(e);
                    }
                }
                Ok(Some(Value::String(Arc::from(v))))
            }
            Type::Date => match parse_date(v) {
                Some(d) => Ok(Some(Value::Date(d))),
                None => {
                    let e = FactsError::WrongType {
                        path: self.path.to_string(),
                        expected: self.expected(),
                        found: quote(v),
                        span: None,
                        help: Some(
                            "a date is written exactly YYYY-MM-DD and is a real calendar day"
                                .into(),
                        ),
                    };
                    self.fail(e)
                }
            },
            Type::Duration => match Duration::parse(v) {
                Some(d) => Ok(Some(Value::Duration(d))),
                None => self.wrong(format!("the string {}", quote(v))),
            },
            Type::Enum(id) => {
                let info = self.policy.enum_info(*id);
                match info.variant(v) {
                    Some(i) => Ok(Some(Value::Enum(i))),
                    None => {
                        let help = did_you_mean(v, info.variants.iter().map(|x| x.name.as_str()))
                            .map(|h| h.replace('`', "\""))
                            .or_else(|| Some(self.variants_help(*id)));
                        let e = FactsError::NotInEnum {
                            path: self.path.to_string(),
                            enum_name: info.name.clone(),
                            found: quote(v),
                            span: None,
                            help,
                        };
                        self.fail(e)
                    }
                }
            }
            _ => self.wrong(format!("the string {}", quote(v))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let Type::List(item_ty) = self.ty else {
            skip_seq(seq)?;
            return self.wrong("an array".into());
        };
        let mut items = Vec::new();
        // Counted apart from `items`: a wrong item is recorded and left out, and the
        // next one keeps its own index in the path.
        for index in 0.. {
            if index >= self.limits.max_list_items {
                let e = FactsError::TooLong {
                    path: self.path.to_string(),
                    what: "list",
                    limit: self.limits.max_list_items,
                    unit: "items",
                    span: None,
                };
                skip_seq(seq)?;
                return self.fail(e);
            }
            let item = seq.next_element_seed(FactSeed {
                policy: self.policy,
                limits: self.limits,
                fact: self.fact,
                ty: item_ty,
                path: Cow::Owned(format!("{}[{index}]", self.path)),
                problems: &mut *self.problems,
                top: false,
            })?;
            match item {
                Some(Some(v)) => items.push(v),
                Some(None) => {}
                None => break,
            }
        }
        Ok(Some(Value::List(items.into())))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Option<Value>, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        self.wrong("an object".into())
    }
}

/// Reads the rest of an array that is wrong as a whole, so that reading goes on after it.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<de::IgnoredAny>()?.is_some() {}
    Ok(())
}
