//! One line of `asylon batch`: a case in, a result line out.
//!
//! A line is a fact object, or `{"id": <any JSON>, "facts": {…}}` (an object whose only
//! keys are `facts` and optionally `id`). Its result line is
//! `{"line": N, "id": …, "result": {…}}` — the full [`crate::Decision`], or with
//! `compact` the form of [`crate::compile::compact`] — or `{"line": N, "id": …, "error":
//! {"message": "…", "code": "…", "help": "…", "column": N}}`, where `help` (a "did you
//! mean", or what to write instead) and `column` (where in the line the first problem
//! is, counted in characters from 1) are there when the diagnostic has them.
//!
//! Compact results come from the compiled evaluator; a case it hands back (invalid facts,
//! a contradiction, a conflict, an arithmetic failure) and every full decision come from
//! [`crate::Policy::evaluate_json`]: the reference evaluator, started from what the
//! compiled pass found when it found the case valid, and which also words the errors.

use miette::Diagnostic;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::compile::compact::write_decision;
use crate::compile::lanes::LANES;
use crate::compile::{Lanes, Program, Scratch};
use crate::{ErrorKind, EvalOptions, Location, Policy};

/// Evaluates lines of `asylon batch`; shared by every worker thread.
#[derive(Debug, Clone)]
pub struct LineEvaluator {
    policy: Policy,
    program: Program,
    options: EvalOptions,
    compact: bool,
}

/// `{"id": …, "facts": {…}}`: a case with an id.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    facts: &'a RawValue,
}

/// Splits a line into its id (raw JSON text) and its facts (JSON text). A line is an
/// envelope when it is an object whose only keys are `facts` and optionally `id`;
/// anything else is a bare fact object.
fn envelope(text: &str) -> (Option<&str>, &str) {
    let rest = text.trim_start().strip_prefix('{').map(str::trim_start);
    // Only lines whose first key may be `id` or `facts` are tried as envelopes, so a
    // bare fact object costs no second parse.
    let maybe = rest.is_some_and(|r| {
        r.starts_with("\"facts\"") || r.starts_with("\"id\"") || r.starts_with("\"\\")
    });
    if maybe {
        if let Ok(env) = serde_json::from_str::<Envelope<'_>>(text) {
            return (env.id.map(RawValue::get), env.facts.get());
        }
    }
    (None, text)
}

/// One input line, parsed but not yet evaluated.
#[derive(Debug, Clone, Copy)]
enum Line<'a> {
    /// Not a case: an error line, its code and message.
    Bad(&'static str, &'static str),
    /// A case, and the lane it was read into.
    Case(Case<'a>, Option<usize>),
}

/// A case's text within its line.
#[derive(Debug, Clone, Copy)]
struct Case<'a> {
    /// Its id, as raw JSON.
    id: Option<&'a str>,
    /// Its facts, as JSON text: the line itself, or a part of it.
    facts: &'a str,
    /// The whole line, for the columns of error lines.
    line: &'a str,
}

/// Splits a raw input line (with or without its line end) into its id and facts.
fn parse(raw: &[u8]) -> Line<'_> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    // Every input byte goes through this check: the SIMD one takes a fraction of std's.
    let Ok(text) = simdutf8::basic::from_utf8(raw) else {
        return Line::Bad("asylon::batch::not_utf8", "the line is not UTF-8 text");
    };
    if text.trim().is_empty() {
        return Line::Bad(
            "asylon::batch::empty_line",
            "the line is empty: write a JSON object of facts, or {\"id\": …, \"facts\": {…}}",
        );
    }
    let (id, facts) = envelope(text);
    Line::Case(
        Case {
            id,
            facts,
            line: text,
        },
        None,
    )
}

/// `{"line":N,"id":…`: the start of every result line.
fn head(out: &mut Vec<u8>, n: usize, id: Option<&str>) {
    out.extend_from_slice(b"{\"line\":");
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(id.unwrap_or("null").as_bytes());
}

/// One thread's buffers: for one case at a time, and for 64 at once.
#[derive(Debug, Clone)]
pub struct Worker {
    scratch: Scratch,
    lanes: Option<Lanes>,
}

impl LineEvaluator {
    /// Evaluates with `policy` as of `options`; `compact` for compact results.
    pub fn new(policy: Policy, options: EvalOptions, compact: bool) -> LineEvaluator {
        LineEvaluator {
            program: policy.compile(),
            policy,
            options,
            compact,
        }
    }

    /// Buffers for one thread, for [`LineEvaluator::line`].
    pub fn scratch(&self) -> Scratch {
        Scratch::new(&self.program)
    }

    /// Buffers for one thread, for [`LineEvaluator::lines`].
    pub fn worker(&self) -> Worker {
        Worker {
            scratch: self.scratch(),
            lanes: self.program.lanes(),
        }
    }

    /// Evaluates input line `n` (`raw`, with or without its line end) and appends its
    /// result line to `out`; `false` when the line is an error line.
    pub fn line(&self, s: &mut Scratch, n: usize, raw: &[u8], out: &mut Vec<u8>) -> bool {
        match parse(raw) {
            Line::Bad(code, message) => {
                head(out, n, None);
                error(out, code, message, None, None, None)
            }
            Line::Case(case, _) => {
                head(out, n, case.id);
                if self.compact {
                    let fast = self
                        .program
                        .read_json(s, case.facts)
                        .and_then(|()| self.program.evaluate(s, self.options.as_of));
                    if fast.is_ok() {
                        self.write_result(s, out);
                        return true;
                    }
                }
                self.reference(n, case, out)
            }
        }
    }

    /// Evaluates the input lines `buf[a..b]` of `lines`, numbered from `first`, and
    /// appends their result lines to `out`, in order; how many were error lines. Compact
    /// results are worked out 64 cases at a time ([`Lanes`]), when the policy allows.
    pub fn lines(
        &self,
        w: &mut Worker,
        first: usize,
        buf: &[u8],
        lines: &[(usize, usize)],
        out: &mut Vec<u8>,
    ) -> usize {
        let raw = |&(a, b): &(usize, usize)| buf.get(a..b).unwrap_or(&[]);
        let Some(lanes) = w.lanes.as_mut().filter(|_| self.compact) else {
            let s = &mut w.scratch;
            return (lines.iter().enumerate())
                .filter(|(k, line)| !self.line(s, first + k, raw(line), out))
                .count();
        };
        let mut errors = 0;
        for (g, group) in lines.chunks(LANES).enumerate() {
            let mut parsed = [Line::Bad("", ""); LANES];
            for (line, range) in parsed.iter_mut().zip(group) {
                *line = parse(raw(range));
                if let Line::Case(case, lane) = line {
                    *lane = self.program.read_json_lane(lanes, case.facts).ok();
                }
            }
            self.program.evaluate_lanes(lanes, self.options.as_of);
            for (k, line) in parsed[..group.len()].iter().enumerate() {
                let n = first + g * LANES + k;
                let written = match *line {
                    Line::Bad(code, message) => {
                        head(out, n, None);
                        error(out, code, message, None, None, None)
                    }
                    Line::Case(case, lane) => {
                        head(out, n, case.id);
                        let settled =
                            lane.map(|l| self.program.settle_lane(lanes, l, &mut w.scratch));
                        if let Some(Ok(())) = settled {
                            self.write_result(&w.scratch, out);
                            true
                        } else {
                            self.reference(n, case, out)
                        }
                    }
                };
                errors += usize::from(!written);
            }
            lanes.clear();
        }
        errors
    }

    /// `,"result":{…}}` from the compiled evaluator's result in `s`.
    fn write_result(&self, s: &Scratch, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"result\":");
        self.program.write_compact(s, out);
        out.extend_from_slice(b"}\n");
    }

    /// The rest of line `n`'s result line, from [`crate::Policy::evaluate_json`]: a full
    /// decision, or a case the compiled path handed back, which it decides and says what
    /// is wrong.
    fn reference(&self, n: usize, case: Case<'_>, out: &mut Vec<u8>) -> bool {
        let name = format!("line {n}");
        let result = if self.compact {
            (self.policy.evaluate_json(&name, case.facts, &self.options)).map(|decision| {
                out.extend_from_slice(b",\"result\":");
                write_decision(&decision, out);
            })
        } else {
            // A full decision is written as it is assembled.
            let start = out.len();
            out.extend_from_slice(b",\"result\":");
            let written = self
                .policy
                .evaluate_json_into(&name, case.facts, &self.options, out);
            if written.is_err() {
                out.truncate(start);
            }
            written.map(|_| ())
        };
        match result {
            Ok(()) => {
                out.extend_from_slice(b"}\n");
                true
            }
            Err(e) => {
                let message = e
                    .diagnostics()
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                let first: Option<&dyn Diagnostic> = e.diagnostics().first().map(|d| d.as_ref());
                let code = first
                    .and_then(|d| d.code())
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "asylon::facts".into());
                let help = first.and_then(|d| d.help()).map(|h| h.to_string());
                // Only a problem with the facts points into the line; an arithmetic
                // failure points into the policy.
                let column = first
                    .filter(|_| e.kind() == ErrorKind::Facts)
                    .and_then(|d| column(case, d));
                let path = match e.records().first().and_then(|r| r.location.as_ref()) {
                    Some(Location::Fact { path, .. }) => Some(path.as_str()),
                    _ => None,
                };
                error(out, &code, &message, help.as_deref(), column, path)
            }
        }
    }
}

/// Where in its line diagnostic `d` of a case points: the column (from 1, in
/// characters) of its first label.
fn column(case: Case<'_>, d: &dyn Diagnostic) -> Option<usize> {
    // The facts are borrowed from the line, so their address lies within it: serde has
    // no other way of saying where a raw value stands. Worked out for error lines only.
    let start = (case.facts.as_ptr() as usize).checked_sub(case.line.as_ptr() as usize)?;
    let at = start + d.labels()?.next()?.offset();
    Some(case.line.get(..at)?.chars().count() + 1)
}

/// `,"error":{…}}` and the line's end; `help`, `column` and `path` (the JSON path of
/// the fact) when there are any.
fn error(
    out: &mut Vec<u8>,
    code: &str,
    message: &str,
    help: Option<&str>,
    column: Option<usize>,
    path: Option<&str>,
) -> bool {
    // Writing JSON strings into memory cannot fail.
    out.extend_from_slice(b",\"error\":{\"message\":");
    let _ = serde_json::to_writer(&mut *out, message);
    out.extend_from_slice(b",\"code\":");
    let _ = serde_json::to_writer(&mut *out, code);
    if let Some(help) = help {
        out.extend_from_slice(b",\"help\":");
        let _ = serde_json::to_writer(&mut *out, help);
    }
    if let Some(column) = column {
        out.extend_from_slice(b",\"column\":");
        out.extend_from_slice(itoa::Buffer::new().format(column).as_bytes());
    }
    if let Some(path) = path {
        out.extend_from_slice(b",\"path\":");
        let _ = serde_json::to_writer(&mut *out, path);
    }
    out.extend_from_slice(b"}}\n");
    false
}
