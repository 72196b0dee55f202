//! Command-line arguments and the subcommands.

mod ask;
mod batch;
mod diagnostics;
mod diff;
mod explain;
mod fmt;
mod graph;
pub mod internal;
#[cfg(feature = "lsp")]
mod lsp;
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod test;
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
        /// Diagnostics drawn on stderr, or one JSON summary on stdout (with the errors
        /// and warnings as records).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// `--deny warnings`: treat warnings as errors (exit 1).
        #[arg(long, value_enum, value_name = "warnings")]
        deny: Option<Deny>,
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
        /// The language of titles, explanations and questions. A BCP 47 tag, matched to the policy's
        /// languages (`es-MX` reads `es`); one it does not have is an error.
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
        /// Text for a legal-aid worker: also why each outcome holds (its conditions with
        /// the values they compared, the exceptions checked) and what each undetermined
        /// outcome depends on. JSON always has them.
        #[arg(long)]
        why: bool,
    },
    /// Explain why an outcome holds, does not hold or is undetermined, as a tree.
    Explain {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// The facts: a JSON file, or `-` for standard input.
        facts: String,
        /// The outcome's id.
        outcome: String,
        /// The evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Text for people, one JSON object for tools, or the decision drawn (DOT for
        /// Graphviz, a Mermaid flowchart): nodes coloured true, false or unknown, the
        /// path that decided it thick, the unknown facts that could still change it.
        #[arg(long, value_enum, default_value_t = explain::ExplainFormat::Text)]
        format: explain::ExplainFormat,
        /// The language of titles and explanations. A BCP 47 tag, matched to the policy's
        /// languages (`es-MX` reads `es`); one it does not have is an error.
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
    },
    /// Evaluate many cases: one JSON case per input line, one JSON result per line, in order.
    ///
    /// A line is a fact object, or {"id": <any JSON>, "facts": {…}}. Each output line is
    /// {"line": N, "id": …, "result": {…}} (the result is what `eval --format json` prints)
    /// or {"line": N, "id": …, "error": {"message": "…", "code": "…", "help": "…", "column": N,
    /// "path": "…"}} (help, column and the fact's path when there are any). Exit 0 when every line was evaluated, 1 when
    /// any line was an error (all lines are still written), 2 when the run could not start.
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
        /// The language of titles and explanations. A BCP 47 tag, matched to the policy's
        /// languages (`es-MX` reads `es`); one it does not have is an error.
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
    },
    /// Interview a person: ask only what can still change the answer, then decide.
    /// Reads answers line by line from stdin when it is not a terminal. Ctrl-C stops
    /// the interview (exit 130); Ctrl-D ends it with the decision so far (exit 0).
    Ask {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// The language of the questions and answers. A BCP 47 tag, matched to the policy's
        /// languages (`es-MX` reads `es`); one it does not have is an error.
        #[arg(long, default_value = "en", value_name = "CODE")]
        lang: String,
        /// The evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Facts already known: a JSON fact file, such as a saved interview; they are
        /// not asked, nor are those given as `null` ("I don't know").
        #[arg(long, value_name = "FILE")]
        facts: Option<String>,
        /// Keep the answers in this file, a fact file `asylon eval` accepts ("I don't
        /// know" as `null`), written after every answer and when the interview stops.
        #[arg(long, value_name = "FILE")]
        save: Option<String>,
        /// Ask again the facts that --facts gives as `null` ("I don't know").
        #[arg(long)]
        ask_unknown: bool,
    },
    /// Show what differs between two versions of a policy: the outcomes they decide
    /// differently (each with a fact set both accept on which they disagree), the facts
    /// contract, and the texts people read, per language.
    ///
    /// Exit codes as diff(1): 0 when the policies agree on everything, 1 when they
    /// differ, 2 when either cannot be read.
    Diff {
        /// The old policy.
        old: String,
        /// The new policy.
        new: String,
        /// The evaluation date, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// Evaluate the old policy on another date (compare a policy with itself before
        /// and after a rule took effect).
        #[arg(long, value_name = "YYYY-MM-DD")]
        old_as_of: Option<String>,
        /// Text for people, or one JSON object for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Lay policies out in the canonical layout, keeping comments.
    ///
    /// Without options, rewrites each file that is not laid out canonically and names it;
    /// `-` reads a policy on standard input and writes it, formatted, on standard output.
    /// `--check` and `--diff` change nothing and exit 1 when a file would change (0 when
    /// none would), as `rustfmt --check` does, so either can gate a pull request.
    Fmt {
        /// `.asylon` files, directories of them, or `-` (alone) for standard input.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Change nothing: list the files that would change, exit 1 if any.
        #[arg(long, conflicts_with = "diff")]
        check: bool,
        /// Change nothing: print a unified diff of what would change (`patch -p1`
        /// applies it), exit 1 if anything would.
        #[arg(long)]
        diff: bool,
    },
    /// Draw the policy: facts → definitions → outcomes, exceptions as "unless" edges to
    /// what they defeat, each source quote a node linked to the rule it authorises.
    ///
    /// `asylon graph POLICY | dot -Tsvg > policy.svg` renders it with Graphviz.
    Graph {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// DOT for Graphviz, a Mermaid flowchart, or the nodes and edges as JSON.
        #[arg(long, value_enum, default_value_t = graph::GraphFormat::Dot)]
        format: graph::GraphFormat,
        /// Only what this outcome depends on.
        #[arg(long, value_name = "ID")]
        outcome: Option<String>,
    },
    /// Print the JSON Schema (2020-12) of a policy's fact objects, or with `--decision`
    /// of what `eval --format json` prints.
    Schema {
        /// The policy: a `.asylon` file or a directory of them (optional with
        /// `--decision`: it narrows outcome ids and fact names to the policy's).
        #[arg(required_unless_present = "decision")]
        policy: Option<String>,
        /// The schema of a decision instead of the facts'.
        #[arg(long)]
        decision: bool,
    },
    /// The language server, over stdin and stdout, for editors (VS Code, Neovim, Helix):
    /// each `.asylon` file's folder is checked as one policy, with the unsaved buffers.
    #[cfg(feature = "lsp")]
    Lsp,
    /// Serve policies over HTTP: evaluate, batch, next-question, explain, schema.
    ///
    /// Each policy is served under its directory's (or file's) name, e.g.
    /// `POST /v1/policies/us-mexico-border/evaluate`. The access log (stderr) has the
    /// method, path, status, latency and policy revision of each request, never facts or
    /// decisions. The first line on stdout is the address listened on.
    #[cfg(feature = "serve")]
    Serve {
        /// The policies: directories of `.asylon` files, or files.
        #[arg(required = true)]
        policies: Vec<String>,
        /// The address to listen on (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: String,
        /// Reload a policy when its files change; a version that does not check is not
        /// loaded (the last good one keeps answering, `/health` shows why).
        #[arg(long)]
        watch: bool,
        /// A file holding a bearer token that every `/v1` request must carry.
        #[arg(long, value_name = "FILE")]
        token_file: Option<std::path::PathBuf>,
        /// An origin allowed to call from a browser (CORS); repeat for several. CORS is
        /// off without one.
        #[arg(long = "cors-origin", value_name = "ORIGIN")]
        cors_origins: Vec<String>,
        /// Bytes in one request body (batch aside).
        #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
        max_body: usize,
        /// Bytes in one batch request body.
        #[arg(long, default_value_t = 256 << 20, value_name = "BYTES")]
        max_batch_body: usize,
        /// Requests answered at once; more are refused with 503 and Retry-After.
        #[arg(long, default_value_t = 256, value_name = "N")]
        max_concurrent: usize,
        /// Milliseconds to answer one request (a batch: to start answering).
        #[arg(long, default_value_t = 10_000, value_name = "MS")]
        timeout_ms: u64,
        /// Milliseconds a connection may stay idle (no byte either way, before, between
        /// or during requests) before the service closes it.
        #[arg(long, default_value_t = 60_000, value_name = "MS")]
        idle_timeout_ms: u64,
        /// How deep a request body may nest arrays and objects (at most 128).
        #[arg(long, default_value_t = 128, value_name = "N",
              value_parser = clap::value_parser!(u8).range(1..=128))]
        max_json_depth: u8,
        /// No access log.
        #[arg(long)]
        quiet: bool,
        /// Append every evaluation, WITH ITS FACTS and decision, to this file (one JSON
        /// line each, created readable by its owner only). Off by default: facts about
        /// asylum seekers are sensitive.
        #[arg(long, value_name = "FILE")]
        decision_log: Option<std::path::PathBuf>,
        /// Where the screening page's quick-exit button leads (`/screen/{policy}`): a
        /// neutral site the person is sent to at once.
        #[arg(long, default_value = "https://www.google.com/", value_name = "URL")]
        quick_exit_url: String,
    },
    /// Run the tests written in a policy (`test "…"` blocks).
    Test {
        /// The policy: a `.asylon` file or a directory of them.
        policy: String,
        /// Also report which results of each outcome, definition and exception the
        /// tests reached.
        #[arg(long)]
        coverage: bool,
        /// Run only the tests whose name contains this text (the report says how many
        /// were left out).
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        /// Text for people, or one JSON object for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// What `--deny` turns into errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    /// Every warning.
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

impl Cli {
    /// Whether the command prints its diagnostics as JSON (`--format json`).
    pub fn wants_json(&self) -> bool {
        let format = match &self.command {
            Command::Check { format, .. }
            | Command::Eval { format, .. }
            | Command::Diff { format, .. }
            | Command::Test { format, .. } => Some(*format),
            Command::Explain { format, .. } => Some(format.diagnostics()),
            _ => None,
        };
        format == Some(Format::Json)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    internal::panic_if_asked();
    let result = match cli.command {
        Command::Check {
            policy,
            format,
            deny,
        } => check(&policy, format, deny.is_some()),
        Command::Eval {
            policy,
            facts,
            as_of,
            format,
            lang,
            why,
        } => eval(&policy, &facts, as_of.as_deref(), format, &lang, why),
        Command::Explain {
            policy,
            facts,
            outcome,
            as_of,
            format,
            lang,
        } => eval_options(as_of.as_deref(), &lang)
            .and_then(|options| explain::run(&policy, &facts, &outcome, &options, format))
            .map_err(fail(format.diagnostics())),
        Command::Graph {
            policy,
            format,
            outcome,
        } => graph::run(&policy, format, outcome.as_deref()).map_err(fail(Format::Text)),
        Command::Ask {
            policy,
            lang,
            as_of,
            facts,
            save,
            ask_unknown,
        } => eval_options(as_of.as_deref(), &lang)
            .and_then(|options| {
                ask::run(ask::AskArgs {
                    policy: &policy,
                    options,
                    start: facts.as_deref(),
                    save: save.as_deref(),
                    ask_unknown,
                })
            })
            .map_err(fail(Format::Text)),
        Command::Diff {
            old,
            new,
            as_of,
            old_as_of,
            format,
        } => {
            return diff::run(
                &old,
                &new,
                as_of.as_deref(),
                old_as_of.as_deref(),
                format == Format::Json,
            )
        }
        Command::Schema { policy, decision } => schema::run(policy.as_deref(), decision),
        Command::Fmt { paths, check, diff } => fmt::run(
            &paths,
            match (check, diff) {
                (true, _) => fmt::Mode::Check,
                (_, true) => fmt::Mode::Diff,
                _ => fmt::Mode::Write,
            },
        ),
        Command::Test {
            policy,
            coverage,
            filter,
            format,
        } => test::run(&policy, format, coverage, filter.as_deref()),
        #[cfg(feature = "lsp")]
        Command::Lsp => return lsp::run(),
        #[cfg(feature = "serve")]
        Command::Serve {
            policies,
            listen,
            watch,
            token_file,
            cors_origins,
            max_body,
            max_batch_body,
            max_concurrent,
            timeout_ms,
            idle_timeout_ms,
            max_json_depth,
            quiet,
            decision_log,
            quick_exit_url,
        } => {
            return serve::run(serve::ServeArgs {
                policies,
                listen,
                watch,
                token_file,
                cors_origins,
                config: serve::Config {
                    max_body,
                    max_batch_body,
                    max_concurrent,
                    timeout: std::time::Duration::from_millis(timeout_ms),
                    idle: std::time::Duration::from_millis(idle_timeout_ms),
                    max_json_depth: usize::from(max_json_depth),
                },
                quiet,
                decision_log,
                quick_exit_url,
            })
        }
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

fn check(path: &str, format: Format, deny_warnings: bool) -> Result<ExitCode, Failure> {
    let policy = Policy::load(path).map_err(fail(format))?;
    let (warnings, silenced) = policy.warnings_and_silenced();
    if deny_warnings && !warnings.is_empty() {
        return Err(Failure {
            error: asylon::Error::from_reports(asylon::ErrorKind::Policy, warnings),
            format,
        });
    }
    if format == Format::Text {
        diagnostics::print_reports(&warnings);
    }
    let checked = policy.checked();
    let exceptions = checked.exceptions.len();
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => {
            let records: Vec<asylon::Diagnostic> = warnings
                .iter()
                .map(asylon::Diagnostic::from_report)
                .collect();
            let summary = CheckSummary {
                ok: true,
                policy: &checked.header.name,
                version: checked.header.version.as_deref(),
                facts: checked.facts.len(),
                outcomes: checked.outcomes.len(),
                exceptions,
                tests: checked.tests.len(),
                languages: &checked.languages,
                lists: diagnostics::Lists::of(&records),
                silenced: silenced
                    .iter()
                    .map(asylon::Diagnostic::from_report)
                    .collect(),
            };
            serde_json::to_writer(&mut out, &summary)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
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

/// What `check --format json` prints for a policy that checks.
#[derive(serde::Serialize)]
struct CheckSummary<'a> {
    ok: bool,
    policy: &'a str,
    version: Option<&'a str>,
    facts: usize,
    outcomes: usize,
    exceptions: usize,
    tests: usize,
    languages: &'a [String],
    #[serde(flatten)]
    lists: diagnostics::Lists<'a>,
    /// The warnings an `allow` on their declaration silences.
    silenced: Vec<asylon::Diagnostic>,
}

fn eval(
    path: &str,
    facts: &str,
    as_of: Option<&str>,
    format: Format,
    lang: &str,
    why: bool,
) -> Result<ExitCode, Failure> {
    let options = EvalOptions {
        as_of: date_or_today(as_of).map_err(fail(format))?,
        lang: lang.to_string(),
    };
    let policy = Policy::load(path).map_err(fail(format))?;
    let (name, text) = read_facts(facts, policy.limits().max_facts_bytes).map_err(fail(format))?;
    let decision = policy
        .evaluate_json(&name, &text, &options)
        .map_err(fail(format))?;
    let mut out = io::stdout().lock();
    let written = match format {
        Format::Json => {
            let mut json = Vec::with_capacity(16 * 1024);
            decision.write_json(&mut json);
            json.push(b'\n');
            out.write_all(&json)
        }
        Format::Text => {
            // Read again only for the questions to ask next: they show the facts given.
            let known = policy.facts_from_named_json(&name, &text).ok();
            write!(
                out,
                "{}",
                text::decision(&policy, &decision, known.as_ref(), why)
            )
        }
    };
    Ok(exit_after_write(written))
}

/// The evaluation date (`--as-of`, else today) and language.
fn eval_options(as_of: Option<&str>, lang: &str) -> Result<EvalOptions, asylon::Error> {
    Ok(EvalOptions {
        as_of: date_or_today(as_of)?,
        lang: lang.to_string(),
    })
}

/// The date given on the command line, or the current date.
pub(crate) fn date_or_today(date: Option<&str>) -> Result<asylon::value::Date, asylon::Error> {
    match date {
        Some(d) => EvalOptions::on(d).map(|o| o.as_of),
        None => Ok(jiff::Zoned::now().date()),
    }
}

/// A closed pipe (`asylon eval … | head -1`) is not a failure of the evaluation.
pub(crate) fn exit_after_write(written: io::Result<()>) -> ExitCode {
    match written.and_then(|()| io::stdout().flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reads a fact file or standard input, at most one byte more than `max` (so that the
/// limit is reported without reading an endless stream).
fn read_facts(arg: &str, max: usize) -> Result<(String, String), asylon::Error> {
    let io_error = |what: &str, e: io::Error| {
        let report = miette::miette!(code = "asylon::io", "cannot read {what}: {e}");
        asylon::Error::from_reports(asylon::ErrorKind::Io, vec![report])
    };
    if arg == "-" {
        let mut text = String::new();
        io::stdin()
            .take(max as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|e| io_error("standard input", e))?;
        Ok(("<stdin>".into(), text))
    } else {
        let mut text = String::new();
        std::fs::File::open(arg)
            .and_then(|f| f.take(max as u64 + 1).read_to_string(&mut text))
            .map_err(|e| io_error(&format!("`{arg}`"), e))?;
        Ok((arg.to_string(), text))
    }
}
