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

use asylon::compile::lines::LineEvaluator;
use asylon::{EvalOptions, Policy};
use rayon::prelude::*;

/// Lines per chunk, and bytes per chunk at most (a chunk ends at whichever comes first).
const CHUNK_LINES: usize = 4096;
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
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if args.input == "-" {
        (Box::new(io::stdin()), None)
    } else {
        match File::open(&args.input) {
            Ok(f) => {
                let size = f.metadata().ok().map(|m| m.len());
                (Box::new(f), size)
            }
            Err(e) => return usage(io_error(format!("read `{}`", args.input), e)),
        }
    };
    let output: Box<dyn Write + Send> = match &args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => return usage(io_error(format!("write `{path}`"), e)),
        },
        None => Box::new(io::stdout()),
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
    let ctx = LineEvaluator::new(policy, options, args.compact);
    let started = Instant::now();
    let result = match &pool {
        None => stream(&ctx, input, output, progress.as_ref()),
        Some(pool) => stream_parallel(&ctx, input, output, pool, progress.as_ref()),
    };
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

/// A chunk of input: its bytes, and where each line is in them.
#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    lines: Vec<(usize, usize)>,
}

/// Reads the next chunk into `chunk`; `false` at the end of the input.
fn read_chunk(reader: &mut impl BufRead, chunk: &mut Chunk) -> io::Result<bool> {
    chunk.buf.clear();
    chunk.lines.clear();
    while chunk.lines.len() < CHUNK_LINES && chunk.buf.len() < CHUNK_BYTES {
        let start = chunk.buf.len();
        if reader.read_until(b'\n', &mut chunk.buf)? == 0 {
            break;
        }
        chunk.lines.push((start, chunk.buf.len()));
    }
    Ok(!chunk.lines.is_empty())
}

/// Reads, evaluates and writes chunk after chunk, on the calling thread alone.
fn stream(
    ctx: &LineEvaluator,
    input: Box<dyn Read + Send>,
    output: Box<dyn Write + Send>,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Counts> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = io::BufWriter::with_capacity(1 << 20, output);
    let mut chunk = Chunk::default();
    let mut counts = Counts {
        cases: 0,
        errors: 0,
    };
    let mut scratch = ctx.scratch();
    let mut out = String::new();
    while read_chunk(&mut reader, &mut chunk)? {
        let first = counts.cases + 1;
        counts.cases += chunk.lines.len();
        out.clear();
        for (k, &(a, b)) in chunk.lines.iter().enumerate() {
            if !ctx.line(&mut scratch, first + k, &chunk.buf[a..b], &mut out) {
                counts.errors += 1;
            }
        }
        writer.write_all(out.as_bytes())?;
        if let Some(bar) = progress {
            bar.inc(chunk.buf.len() as u64);
        }
    }
    writer.flush()?;
    Ok(counts)
}

/// The same with the lines of each chunk evaluated in parallel, while a reader thread
/// reads the next chunk and a writer thread writes the previous results (each hands over
/// through a channel of one chunk, so memory stays bounded).
fn stream_parallel(
    ctx: &LineEvaluator,
    input: Box<dyn Read + Send>,
    output: Box<dyn Write + Send>,
    pool: &rayon::ThreadPool,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Counts> {
    use std::sync::mpsc::sync_channel;
    let (chunks_tx, chunks_rx) = sync_channel::<Chunk>(1);
    let (spare_tx, spare_rx) = sync_channel::<Chunk>(2);
    let (parts_tx, parts_rx) = sync_channel::<Vec<String>>(1);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> io::Result<()> {
            let mut reader = BufReader::with_capacity(1 << 20, input);
            loop {
                // Chunks come back once evaluated, so their buffers are reused.
                let mut chunk = spare_rx.try_recv().unwrap_or_default();
                if !read_chunk(&mut reader, &mut chunk)? || chunks_tx.send(chunk).is_err() {
                    return Ok(());
                }
            }
        });
        let writer = scope.spawn(move || -> io::Result<()> {
            let mut writer = io::BufWriter::with_capacity(1 << 20, output);
            for parts in parts_rx {
                for text in parts {
                    writer.write_all(text.as_bytes())?;
                }
            }
            writer.flush()
        });
        let mut counts = Counts {
            cases: 0,
            errors: 0,
        };
        for chunk in chunks_rx {
            let first = counts.cases + 1;
            counts.cases += chunk.lines.len();
            let parts: Vec<(String, usize)> = pool.install(|| {
                chunk
                    .lines
                    .par_chunks(TASK_LINES)
                    .enumerate()
                    .map_init(
                        || ctx.scratch(),
                        |scratch, (t, task)| {
                            let mut out = String::with_capacity(task.len() * 256);
                            let mut errors = 0;
                            for (k, &(a, b)) in task.iter().enumerate() {
                                let n = first + t * TASK_LINES + k;
                                if !ctx.line(scratch, n, &chunk.buf[a..b], &mut out) {
                                    errors += 1;
                                }
                            }
                            (out, errors)
                        },
                    )
                    .collect()
            });
            counts.errors += parts.iter().map(|(_, e)| e).sum::<usize>();
            if let Some(bar) = progress {
                bar.inc(chunk.buf.len() as u64);
            }
            let _ = spare_tx.try_send(chunk);
            // The writer stopped (a closed pipe, a full disk): its error says why.
            if parts_tx
                .send(parts.into_iter().map(|(text, _)| text).collect())
                .is_err()
            {
                break;
            }
        }
        drop(parts_tx);
        let written = join(writer);
        // Reading stops at the next chunk once nobody receives.
        drop(spare_tx);
        let read = join(reader);
        written.and(read).map(|()| counts)
    })
}

fn join(handle: std::thread::ScopedJoinHandle<'_, io::Result<()>>) -> io::Result<()> {
    handle
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("a batch thread stopped unexpectedly")))
}
