//! `--decision-log FILE`: the one place the service keeps facts, and only when asked.
//! Each evaluation appends one JSON line — when, which policy and revision, the facts and
//! the decision — to a file created readable by its owner alone. Off by default: facts
//! about asylum seekers are sensitive, and the access log never has them.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;

use super::lock;

/// The decision log, open for appending.
pub struct DecisionLog {
    file: Mutex<File>,
}

/// One line of the log.
#[derive(Serialize)]
struct Line<'a> {
    at: String,
    policy: &'a str,
    revision: &'a str,
    facts: serde_json::Value,
    decision: &'a serde_json::value::RawValue,
}

impl DecisionLog {
    /// Opens (or creates, owner-only) the log at `path`.
    pub fn open(path: &Path) -> io::Result<DecisionLog> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        Ok(DecisionLog {
            file: Mutex::new(options.open(path)?),
        })
    }

    /// Appends one evaluation; `facts` is the JSON text the decision was made from,
    /// `decision` the decision's JSON as the service answered it.
    pub fn write(
        &self,
        policy: &str,
        revision: &str,
        facts: &str,
        decision: &[u8],
    ) -> io::Result<()> {
        let decision: &serde_json::value::RawValue = serde_json::from_slice(decision)?;
        let line = Line {
            at: jiff::Timestamp::now().to_string(),
            policy,
            revision,
            // The facts were read to make the decision: they are JSON. Re-written on one
            // line, so that a record is a line.
            facts: serde_json::from_str(facts).unwrap_or(serde_json::Value::Null),
            decision,
        };
        let mut text = serde_json::to_vec(&line)?;
        text.push(b'\n');
        // One write per record, under the lock: records never interleave.
        lock(&self.file).write_all(&text)
    }
}
