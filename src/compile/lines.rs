//! One line of `asylon batch`: a case in, a result line out.
//!
//! A line is a fact object, or `{"id": <any JSON>, "facts": {…}}` (an object whose only
//! keys are `facts` and optionally `id`). Its result line is
//! `{"line": N, "id": …, "result": {…}}` — the full [`crate::Decision`], or with
//! `compact` the form of [`super::compact`] — or `{"line": N, "id": …, "error":
//! {"message": "…", "code": "…"}}`.
//!
//! Compact results come from the compiled evaluator; a case it hands back (invalid facts,
//! a contradiction, a conflict, an arithmetic failure) and every full decision come from
//! the reference evaluator, which also words the errors.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::compact::write_decision;
use super::{Program, Scratch};
use crate::{EvalOptions, Policy};

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

/// Evaluates one line and appends its result line; `false` for an error line.
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

    /// Buffers for one thread.
    pub fn scratch(&self) -> Scratch {
        Scratch::new(&self.program)
    }

    /// Evaluates input line `n` (`raw`, with or without its line end) and appends its
    /// result line to `out`; `false` when the line is an error line.
    pub fn line(&self, s: &mut Scratch, n: usize, raw: &[u8], out: &mut String) -> bool {
        let ctx = self;
        let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        out.push_str("{\"line\":");
        out.push_str(itoa::Buffer::new().format(n));
        out.push_str(",\"id\":");
        let Ok(text) = std::str::from_utf8(raw) else {
            out.push_str("null");
            return error(out, "asylon::batch::not_utf8", "the line is not UTF-8 text");
        };
        if text.trim().is_empty() {
            out.push_str("null");
            return error(
                out,
                "asylon::batch::empty_line",
                "the line is empty: write a JSON object of facts, or {\"id\": …, \"facts\": {…}}",
            );
        }
        let (id, facts) = envelope(text);
        out.push_str(id.unwrap_or("null"));
        if ctx.compact {
            let fast = ctx
                .program
                .read_json(s, facts)
                .and_then(|()| ctx.program.evaluate(s, ctx.options.as_of));
            if fast.is_ok() {
                out.push_str(",\"result\":");
                ctx.program.write_compact(s, out);
                out.push_str("}\n");
                return true;
            }
        }
        // The full decision, or a case the compiled path handed back: the reference
        // evaluator decides, and says what is wrong.
        let name = format!("line {n}");
        match ctx.policy.evaluate_json(&name, facts, &ctx.options) {
            Ok(decision) => {
                out.push_str(",\"result\":");
                if ctx.compact {
                    write_decision(&decision, out);
                } else {
                    // A decision is plain data: serialising it cannot fail.
                    let _ = serde_json::to_string(&decision).map(|j| out.push_str(&j));
                }
                out.push_str("}\n");
                true
            }
            Err(e) => {
                let message = e
                    .diagnostics()
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                let code = e
                    .diagnostics()
                    .first()
                    .and_then(|d| d.code())
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "asylon::facts".into());
                error(out, &code, &message)
            }
        }
    }
}

fn error(out: &mut String, code: &str, message: &str) -> bool {
    out.push_str(",\"error\":{\"message\":");
    out.push_str(&serde_json::Value::from(message).to_string());
    out.push_str(",\"code\":");
    out.push_str(&serde_json::Value::from(code).to_string());
    out.push_str("}}\n");
    false
}
