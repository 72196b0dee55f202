//! `asylon batch`: one case per input line, one result line per input line, in order,
//! on every core, in bounded memory.
//!
//! Input is read in chunks of lines; the lines of a chunk are evaluated in parallel
//! (rayon, each worker with its own [`Scratch`]) and written in input order before the
//! next chunk is read, so memory holds one chunk whatever the size of the input.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use asylon::compile::compact::write_decision;
use asylon::compile::{Program, Scratch};
use asylon::{EvalOptions, Policy};

/// Lines per chunk, and bytes per chunk at most (a chunk ends at whichever comes first).
const CHUNK_LINES: usize = 16_384;
const CHUNK_BYTES: usize = 8 << 20;
/// Lines per parallel task: large enough that scheduling costs little.
const TASK_LINES: usize = 512;

/// What `asylon batch` was asked to do.
pub struct BatchArgs {
    pub policy: String,
    pub input: String,
    pub as_of: Option<String>,
    pub output: Option<String>,
    pub jobs: Option<usize>,
    pub compact: bool,
    pub lang: String,
}

/// Everything a line needs, shared by the workers.
struct Ctx {
    policy: Policy,
    program: Program,
    options: EvalOptions,
    compact: bool,
}

/// A usage error: printed as a diagnostic, exit 2.
fn usage(error: asylon::Error) -> ExitCode {
    super::diagnostics::print(&error, false);
    ExitCode::from(2)
}

fn io_error(what: String, e: io::Error) -> asylon::Error {
    let report = miette::miette!(code = "asylon::io", "cannot {what}: {e}");
    asylon::Error::from_reports(asylon::ErrorKind::Io, vec![report])
}

/// Runs `asylon batch`.
pub fn run(args: BatchArgs) -> ExitCode {
    let options = match args.as_of.as_deref() {
        Some(date) => match EvalOptions::on(date) {
            Ok(o) => o,
            Err(e) => return usage(e),
        },
        None => EvalOptions {
            as_of: jiff::Zoned::now().date(),
            lang: "en".into(),
        },
    }
    .lang(args.lang.as_str());
    let policy = match Policy::load(&args.policy) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let (input, size): (Box<dyn Read>, Option<u64>) = if args.input == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        match File::open(&args.input) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size)
            }
            Err(e) => return usage(io_error(format!("read `{}`", args.input), e)),
        }
    };
    let output: Box<dyn Write> = match &args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => return usage(io_error(format!("write `{path}`"), e)),
        },
        None => Box::new(io::stdout().lock()),
    };
    let threads = args.jobs.unwrap_or_else(default_threads);
    if threads == 0 {
        let report = miette::miette!(
            code = "asylon::usage",
            help = "give the number of threads, 1 or more; leave it out to use every core",
            "`--jobs 0` runs nothing"
        );
        return usage(asylon::Error::from_reports(
            asylon::ErrorKind::Io,
            vec![report],
        ));
    }
    // One thread: no pool at all, the main thread does everything.
    let pool = if threads == 1 {
        None
    } else {
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => Some(pool),
            Err(e) => {
                let report = miette::miette!(
                    code = "asylon::threads",
                    "cannot start {threads} threads: {e}"
                );
                return usage(asylon::Error::from_reports(
                    asylon::ErrorKind::Io,
                    vec![report],
                ));
            }
        }
    };
    let progress = size
        .filter(|_| io::stderr().is_terminal())
        .map(progress_bar);
    let ctx = Ctx {
        program: policy.compile(),
        policy,
        options,
        compact: args.compact,
    };
    let started = Instant::now();
    let result = stream(&ctx, input, output, pool.as_ref(), progress.as_ref());
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    match result {
        Ok(Counts { cases, errors }) => {
            let secs = started.elapsed().as_secs_f64();
            let rate = if secs > 0.0 { cases as f64 / secs } else { 0.0 };
            eprintln!("batch: {cases} cases, {errors} errors, {secs:.3} s, {rate:.0} cases/s");
            if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        // `asylon batch … | head -1`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage(io_error("go on".into(), e)),
    }
}

/// Every core, or `RAYON_NUM_THREADS` when set (as rayon itself reads it).
fn default_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn progress_bar(size: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

struct Counts {
    cases: usize,
    errors: usize,
}

/// Reads, evaluates and writes chunk after chunk.
fn stream(
    ctx: &Ctx,
    input: Box<dyn Read>,
    output: Box<dyn Write>,
    pool: Option<&rayon::ThreadPool>,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Counts> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = io::BufWriter::with_capacity(1 << 20, output);
    let mut buf: Vec<u8> = Vec::new();
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut counts = Counts {
        cases: 0,
        errors: 0,
    };
    let mut scratch = Scratch::new(&ctx.program);
    let mut out = String::new();
    loop {
        buf.clear();
        lines.clear();
        while lines.len() < CHUNK_LINES && buf.len() < CHUNK_BYTES {
            let start = buf.len();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            lines.push((start, buf.len()));
        }
        if lines.is_empty() {
            break;
        }
        let first = counts.cases + 1;
        counts.cases += lines.len();
        match pool {
            None => {
                out.clear();
                for (k, &(a, b)) in lines.iter().enumerate() {
                    if !line(ctx, &mut scratch, first + k, &buf[a..b], &mut out) {
                        counts.errors += 1;
                    }
                }
                writer.write_all(out.as_bytes())?;
            }
            Some(pool) => {
                let parts: Vec<(String, usize)> = pool.install(|| {
                    lines
                        .par_chunks(TASK_LINES)
                        .enumerate()
                        .map_init(
                            || Scratch::new(&ctx.program),
                            |scratch, (t, task)| {
                                let mut out = String::with_capacity(task.len() * 256);
                                let mut errors = 0;
                                for (k, &(a, b)) in task.iter().enumerate() {
                                    let n = first + t * TASK_LINES + k;
                                    if !line(ctx, scratch, n, &buf[a..b], &mut out) {
                                        errors += 1;
                                    }
                                }
                                (out, errors)
                            },
                        )
                        .collect()
                });
                for (text, errors) in parts {
                    counts.errors += errors;
                    writer.write_all(text.as_bytes())?;
                }
            }
        }
        if let Some(bar) = progress {
            bar.inc(buf.len() as u64);
        }
    }
    writer.flush()?;
    Ok(counts)
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
fn line(ctx: &Ctx, s: &mut Scratch, n: usize, raw: &[u8], out: &mut String) -> bool {
    use std::fmt::Write as _;
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let _ = write!(out, "{{\"line\":{n},\"id\":");
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

fn error(out: &mut String, code: &str, message: &str) -> bool {
    out.push_str(",\"error\":{\"message\":");
    out.push_str(&serde_json::Value::from(message).to_string());
    out.push_str(",\"code\":");
    out.push_str(&serde_json::Value::from(code).to_string());
    out.push_str("}}\n");
    false
}
