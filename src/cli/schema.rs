//! `asylon schema`: the JSON Schema of a policy's facts.

use std::io::{self, Write};
use std::process::ExitCode;

use asylon::Policy;

use super::{exit_after_write, fail, Failure, Format};

/// Prints the schema, pretty, on stdout.
pub(super) fn run(path: &str) -> Result<ExitCode, Failure> {
    let policy = Policy::load(path).map_err(fail(Format::Text))?;
    let schema = asylon::schema::fact_schema(&policy);
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &schema)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out));
    Ok(exit_after_write(written))
}
