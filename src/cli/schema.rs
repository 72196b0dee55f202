//! `asylon schema`: the JSON Schema of a policy's facts, or of a decision.

use std::io::{self, Write};
use std::process::ExitCode;

use asylon::schema::{decision_schema, fact_schema};
use asylon::Policy;

use super::{exit_after_write, fail, Failure, Format};

/// Prints the schema, pretty, on stdout: the facts' (`policy` is then there: clap
/// requires it without `--decision`), or with `decision` a decision's.
pub(super) fn run(path: Option<&str>, decision: bool) -> Result<ExitCode, Failure> {
    let policy = path
        .map(Policy::load)
        .transpose()
        .map_err(fail(Format::Text))?;
    let schema = match (&policy, decision) {
        (_, true) => decision_schema(policy.as_ref()),
        (Some(policy), false) => fact_schema(policy),
        // clap refuses this (`required_unless_present`); the schema of any decision is
        // still a sensible answer.
        (None, false) => decision_schema(None),
    };
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &schema)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out));
    Ok(exit_after_write(written))
}
