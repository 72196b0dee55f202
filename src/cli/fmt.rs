//! `asylon fmt`: rewrites policy files in the canonical layout, checks that they are, or
//! shows what would change; `-` formats standard input onto standard output.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{NamedSource, Report};

use super::{Failure, Format};

/// What `asylon fmt` does with a file that is not in the canonical layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Rewrite it (standard input: print the formatted text).
    Write,
    /// Say that it would change; exit 1.
    Check,
    /// Print a unified diff of the change; exit 1.
    Diff,
}

/// The name standard input goes by in diagnostics and diffs.
const STDIN: &str = "<stdin>";

/// Formats every `.asylon` file under `paths` (`-`: standard input) as `mode` says.
pub(super) fn run(paths: &[String], mode: Mode) -> Result<ExitCode, Failure> {
    if paths.len() > 1 && paths.iter().any(|p| p == "-") {
        // Formatted standard input and the names of rewritten files would share stdout.
        eprintln!("error: `-` (standard input) is formatted alone, without other paths");
        return Ok(ExitCode::from(2));
    }
    let mut files = Vec::new();
    for p in paths {
        if p == "-" {
            files.push(None);
        } else {
            collect(Path::new(p), &mut files).map_err(|e| io_failure(p, e))?;
        }
    }
    let mut reports = Vec::new();
    let mut changed = false;
    let mut out = io::stdout().lock();
    let mut written = Ok(());
    for path in &files {
        let name = path
            .as_ref()
            .map_or(STDIN.to_string(), |p| p.display().to_string());
        let text = match path {
            Some(p) => std::fs::read_to_string(p),
            None => read_stdin(),
        }
        .map_err(|e| io_failure(&name, e))?;
        let formatted = match asylon::format::format_source(&text) {
            Ok(formatted) => formatted,
            Err(errors) => {
                let source = NamedSource::new(name, text).with_language("asylon");
                reports.extend(
                    errors
                        .into_iter()
                        .map(|e| Report::new(e).with_source_code(source.clone())),
                );
                continue;
            }
        };
        let differs = formatted != text;
        changed |= differs;
        if let (Mode::Write, Some(p), true) = (mode, path, differs) {
            std::fs::write(p, &formatted).map_err(|e| io_failure(&name, e))?;
        }
        written = written.and_then(|()| match (mode, path) {
            // Standard input always goes back out, changed or not, as a filter does.
            (Mode::Write, None) => out.write_all(formatted.as_bytes()),
            (Mode::Write, Some(_)) if differs => writeln!(out, "formatted {name}"),
            (Mode::Check, _) if differs => writeln!(out, "would reformat {name}"),
            (Mode::Diff, _) if differs => {
                write!(out, "{}", unified_diff(&name, &text, &formatted))
            }
            _ => Ok(()),
        });
    }
    if !reports.is_empty() {
        return Err(Failure {
            error: asylon::Error::from_reports(asylon::ErrorKind::Policy, reports),
            format: Format::Text,
        });
    }
    let code = super::exit_after_write(written);
    Ok(if mode != Mode::Write && changed {
        ExitCode::from(1)
    } else {
        code
    })
}

/// The change from `old` to `new` as a unified diff (`--- a/NAME`, `+++ b/NAME`, three
/// lines of context), as `diff -u` and `git diff` print it, so `patch -p1` applies it.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

fn read_stdin() -> io::Result<String> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text)?;
    Ok(text)
}

/// `.asylon` files: the file itself, or every one under a directory, in name order.
fn collect(path: &Path, out: &mut Vec<Option<PathBuf>>) -> io::Result<()> {
    if !path.is_dir() {
        // Reading a missing file reports it, with its name.
        std::fs::metadata(path)?;
        out.push(Some(path.to_path_buf()));
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
            out.push(Some(p));
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
