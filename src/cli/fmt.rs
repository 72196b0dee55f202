//! `asylon fmt`: rewrites policy files in the canonical layout, or checks that they are.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{NamedSource, Report};

use super::{Failure, Format};

/// Formats every `.asylon` file under `paths`; with `check`, only says which would
/// change (exit 1 when one would).
pub(super) fn run(paths: &[String], check: bool) -> Result<ExitCode, Failure> {
    let mut files = Vec::new();
    for p in paths {
        collect(Path::new(p), &mut files).map_err(|e| io_failure(p, e))?;
    }
    let mut reports = Vec::new();
    let mut changed = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| io_failure(&name, e))?;
        match asylon::format::format_source(&text) {
            Ok(formatted) if formatted != text => {
                if !check {
                    std::fs::write(path, &formatted).map_err(|e| io_failure(&name, e))?;
                }
                changed.push(name);
            }
            Ok(_) => {}
            Err(errors) => {
                let source = NamedSource::new(name, text).with_language("asylon");
                reports.extend(
                    errors
                        .into_iter()
                        .map(|e| Report::new(e).with_source_code(source.clone())),
                );
            }
        }
    }
    let mut out = io::stdout().lock();
    for name in &changed {
        let verb = if check { "would reformat" } else { "formatted" };
        let _ = writeln!(out, "{verb} {name}");
    }
    if !reports.is_empty() {
        return Err(Failure {
            error: asylon::Error::from_reports(asylon::ErrorKind::Policy, reports),
            format: Format::Text,
        });
    }
    let _ = out.flush();
    Ok(if check && !changed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `.asylon` files: the file itself, or every one under a directory, in name order.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    if !path.is_dir() {
        // Reading a missing file reports it, with its name.
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "asylon") {
            out.push(p);
        }
    }
    Ok(())
}

fn io_failure(path: &str, e: io::Error) -> Failure {
    let report = miette::miette!(code = "asylon::io", "cannot read or write `{path}`: {e}");
    Failure {
        error: asylon::Error::from_reports(asylon::ErrorKind::Io, vec![report]),
        format: Format::Text,
    }
}
