//! Command-line arguments and the subcommands.

mod batch;
mod diagnostics;
mod text;
mod words;

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use asylon::{EvalOptions, Policy};

/// asylon: policies for asylum pathways, evaluated with unknown facts, exceptions,
/// explanations and citations.
#[derive(Debug, Parser)]
#[command(name = "asylon", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and type-check a policy (a `.asylon` file or a directory of them).
    Check {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// How to print diagnostics (on stderr).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Evaluate a policy against case facts given as a JSON object.
    Eval {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// The facts: a JSON file, or `-` for standard input.
        facts: String,
        /// The evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Text for people, or one JSON object for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The language of titles, explanations and questions (falls back to English).
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
    },
    /// Evaluate many cases: one JSON case per input line, one JSON result per line, in order.
    ///
    /// A line is a fact object, or {"id": <any JSON>, "facts": {…}}. Each output line is
    /// {"line": N, "id": …, "result": {…}} (the result is what `eval --format json` prints)
    /// or {"line": N, "id": …, "error": {"message": "…", "code": "…"}}. Exit 0 when every line
    /// was evaluated, 1 when any line was an error (all lines are still written), 2 when the
    /// run could not start.
    Batch {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// The cases: a JSON Lines file, or `-` for standard input.
        cases: String,
        /// The evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Write the results to this file instead of standard output.
        #[arg(short, long, value_name = "OUT")]
        output: Option<String>,
        /// Threads to use (default: every core; 1: single-threaded).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Results without titles and explanations: the ids that hold, the undetermined
        /// ids with their missing facts, the top-level missing list.
        #[arg(long)]
        compact: bool,
        /// The language of titles and explanations (falls back to English).
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check { policy, format } => check(&policy, format),
        Command::Eval {
            policy,
            facts,
            as_of,
            format,
            lang,
        } => eval(&policy, &facts, as_of.as_deref(), format, &lang),
        Command::Batch {
            policy,
            cases,
            as_of,
            output,
            jobs,
            compact,
            lang,
        } => {
            return batch::run(batch::BatchArgs {
                policy,
                input: cases,
                as_of,
                output,
                jobs,
                compact,
                lang,
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure { error, format }) => {
            diagnostics::print(&error, format == Format::Json);
            ExitCode::from(1)
        }
    }
}

struct Failure {
    error: asylon::Error,
    format: Format,
}

fn fail(format: Format) -> impl Fn(asylon::Error) -> Failure {
    move |error| Failure { error, format }
}

fn check(path: &str, format: Format) -> Result<ExitCode, Failure> {
    let policy = Policy::load(path).map_err(fail(format))?;
    let checked = policy.checked();
    let exceptions = checked.exceptions.len();
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => {
            let summary = serde_json::json!({
                "ok": true,
                "policy": checked.header.name,
                "version": checked.header.version,
                "facts": checked.facts.len(),
                "outcomes": checked.outcomes.len(),
                "exceptions": exceptions,
                "languages": checked.languages,
                "diagnostics": [],
            });
            writeln!(out, "{summary}")
        }
        Format::Text => writeln!(
            out,
            "ok: policy \"{}\"{} — {} facts, {} outcomes, {} exceptions; languages: {}",
            checked.header.name,
            checked
                .header
                .version
                .as_deref()
                .map(|v| format!(" version {v}"))
                .unwrap_or_default(),
            checked.facts.len(),
            checked.outcomes.len(),
            exceptions,
            checked.languages.join(", "),
        ),
    };
    Ok(exit_after_write(written))
}

fn eval(
    path: &str,
    facts: &str,
    as_of: Option<&str>,
    format: Format,
    lang: &str,
) -> Result<ExitCode, Failure> {
    let options = match as_of {
        Some(date) => EvalOptions::on(date).map_err(fail(format))?,
        None => EvalOptions {
            as_of: jiff::Zoned::now().date(),
            lang: "en".into(),
        },
    }
    .lang(lang);
    let policy = Policy::load(path).map_err(fail(format))?;
    let (name, text) = read_facts(facts).map_err(fail(format))?;
    let decision = policy
        .evaluate_json(&name, &text, &options)
        .map_err(fail(format))?;
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => serde_json::to_writer(&mut out, &decision)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => write!(out, "{}", text::decision(&policy, &decision)),
    };
    Ok(exit_after_write(written))
}

/// A closed pipe (`asylon eval … | head -1`) is not a failure of the evaluation.
fn exit_after_write(written: io::Result<()>) -> ExitCode {
    match written.and_then(|()| io::stdout().flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn read_facts(arg: &str) -> Result<(String, String), asylon::Error> {
    let io_error = |what: &str, e: io::Error| {
        let report = miette::miette!(code = "asylon::io", "cannot read {what}: {e}");
        asylon::Error::from_reports(asylon::ErrorKind::Io, vec![report])
    };
    if arg == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| io_error("standard input", e))?;
        Ok(("<stdin>".into(), text))
    } else {
        let text = std::fs::read_to_string(arg).map_err(|e| io_error(&format!("`{arg}`"), e))?;
        Ok((arg.to_string(), text))
    }
}
