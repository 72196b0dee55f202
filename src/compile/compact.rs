//! The compact JSON result, for machine consumers: outcome ids only.
//!
//! ```json
//! {"holds":["a","b"],
//!  "undetermined":[{"id":"c","status":"undetermined","missing":["person.age"]}],
//!  "missing":["person.age"]}
//! ```
//!
//! plus `"conflicts"` (as in the full decision) when exceptions conflicted, and
//! `"conflict":true` on an outcome left undetermined by one. Each undetermined entry
//! carries its `status` so that tools reading `{"id", "status"}` objects read it too.
//! Written straight from the compiled evaluator's buffers, or from a full
//! [`Decision`] when the reference evaluator decided the case; both give the same text.

use super::{Program, Scratch};
use crate::decision::Decision;

fn json_str(out: &mut String, s: &str) {
    // Writing JSON into a String cannot fail.
    let _ = serde_json::to_writer(string_writer(out), s);
}

/// `serde_json` writes bytes; a `String` only takes `str`, and JSON output is UTF-8.
fn string_writer(out: &mut String) -> impl std::io::Write + '_ {
    struct W<'a>(&'a mut String);
    impl std::io::Write for W<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let text = std::str::from_utf8(buf)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            self.0.push_str(text);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    W(out)
}

impl Program {
    /// Appends the compact result of the case last evaluated in `s`.
    pub fn write_compact(&self, s: &Scratch, out: &mut String) {
        out.push_str("{\"holds\":[");
        let mut sep = "";
        for i in s.outcomes_where(true) {
            out.push_str(sep);
            out.push_str(&self.outcome_json[i]);
            sep = ",";
        }
        out.push_str("],\"undetermined\":[");
        let mut sep = "";
        for i in s.outcomes_where(false) {
            out.push_str(sep);
            out.push_str(&self.undetermined_json[i]);
            self.fact_list(s.missing_of(i), out);
            out.push_str("]}");
            sep = ",";
        }
        out.push_str("],\"missing\":[");
        self.fact_list(s.top_missing().iter().copied(), out);
        out.push_str("]}");
    }

    fn fact_list(&self, facts: impl IntoIterator<Item = u32>, out: &mut String) {
        let mut facts = facts.into_iter();
        if let Some(first) = facts.next() {
            out.push_str(&self.fact_json[first as usize][1..]);
            for f in facts {
                out.push_str(&self.fact_json[f as usize]);
            }
        }
    }
}

/// Appends the compact form of a full decision.
pub fn write_decision(d: &Decision, out: &mut String) {
    let list = |out: &mut String, items: &mut dyn Iterator<Item = &str>| {
        for (k, s) in items.enumerate() {
            if k > 0 {
                out.push(',');
            }
            json_str(out, s);
        }
    };
    out.push_str("{\"holds\":[");
    list(out, &mut d.outcomes.iter().map(|o| o.id.as_str()));
    out.push_str("],\"undetermined\":[");
    for (k, u) in d.undetermined.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        json_str(out, &u.id);
        out.push_str(",\"status\":\"undetermined\",\"missing\":[");
        list(out, &mut u.missing.iter().map(String::as_str));
        out.push(']');
        if u.conflict {
            out.push_str(",\"conflict\":true");
        }
        out.push('}');
    }
    out.push_str("],\"missing\":[");
    list(out, &mut d.missing.iter().map(String::as_str));
    out.push(']');
    if !d.conflicts.is_empty() {
        out.push_str(",\"conflicts\":");
        let _ = serde_json::to_writer(string_writer(out), &d.conflicts);
    }
    out.push('}');
}
