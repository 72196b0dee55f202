//! `asylon batch`: one case per input line, one result line per input line, in order,
//! on every core, in bounded memory.
//!
//! Input is read in large blocks and cut into chunks of whole lines (no copy or call per
//! line). With one thread, the calling thread evaluates each line and writes the results
//! a megabyte at a time. With more, each worker (with its own `Scratch`) takes the next
//! chunk, evaluates its lines and writes their results when its turn comes, in input
//! order; memory holds a chunk and its results per worker, whatever the size of the
//! input.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use asylon::internal::batch::LineEvaluator;
use asylon::internal::compile::lanes::LANES;
use asylon::{EvalOptions, Policy};

/// Bytes per chunk, about: memory holds a few chunks, whatever the size of the input.
const CHUNK_BYTES: usize = 1 << 20;

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
    // A language the policy does not have stops the run before any line is read.
    let options = match policy.resolve_language(&options.lang) {
        Ok(lang) => options.lang(lang),
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
    let progress = size
        .filter(|_| io::stderr().is_terminal())
        .map(progress_bar);
    let ctx = LineEvaluator::new(policy, options, args.compact);
    let started = Instant::now();
    // One thread: the calling thread does everything.
    let result = if threads == 1 {
        stream(&ctx, input, output, progress.as_ref())
    } else {
        stream_parallel(&ctx, input, output, threads, progress.as_ref())
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

/// Every core, or `RAYON_NUM_THREADS` when set (the variable thread pools commonly read,
/// and the peers harness sets).
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

pub(super) struct Counts {
    cases: usize,
    errors: usize,
}

/// A chunk of input: whole lines, and where each is in the bytes.
#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    lines: Vec<(usize, usize)>,
}

/// Input read in large blocks and cut into chunks of whole lines: no copy per line, and
/// one `read` call per block rather than per line.
struct Blocks<R> {
    input: R,
    /// The start of a line that the last block cut in two.
    carry: Vec<u8>,
    done: bool,
}

/// Bytes asked of the input at a time.
const READ_BYTES: usize = 1 << 18;

impl<R: Read> Blocks<R> {
    fn new(input: R) -> Blocks<R> {
        Blocks {
            input,
            carry: Vec::new(),
            done: false,
        }
    }

    /// Fills `chunk` with the next lines (about [`CHUNK_BYTES`] of them, and at least one
    /// whole line however long); `false` at the end of the input.
    fn next(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        chunk.buf.clear();
        chunk.lines.clear();
        chunk.buf.append(&mut self.carry);
        let mut searched = 0;
        let end = loop {
            if chunk.buf.len() >= CHUNK_BYTES || self.done {
                if let Some(last) = memchr::memrchr(b'\n', &chunk.buf[searched..]) {
                    break searched + last + 1;
                }
                if self.done {
                    break chunk.buf.len();
                }
            }
            searched = chunk.buf.len();
            let len = chunk.buf.len();
            chunk.buf.reserve(READ_BYTES);
            // `read_to_end` reads into the buffer's spare room as it is; `read` would need
            // it zeroed first, a write of every input byte before it is read.
            let mut block = (&mut self.input).take(READ_BYTES as u64);
            let n = match block.read_to_end(&mut chunk.buf) {
                Ok(n) => n,
                Err(e) => {
                    chunk.buf.truncate(len);
                    return Err(e);
                }
            };
            if n == 0 {
                self.done = true;
                // Look for the last line end anywhere once the input is over.
                searched = 0;
            }
        };
        self.carry.extend_from_slice(&chunk.buf[end..]);
        chunk.buf.truncate(end);
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', &chunk.buf) {
            chunk.lines.push((start, nl + 1));
            start = nl + 1;
        }
        if start < chunk.buf.len() {
            chunk.lines.push((start, chunk.buf.len()));
        }
        Ok(!chunk.lines.is_empty())
    }
}

/// Bytes of results gathered before they are written.
const WRITE_BYTES: usize = 1 << 20;

/// Reads, evaluates and writes chunk after chunk, on the calling thread alone (also the
/// service's batch route, with the request body and the response).
pub(super) fn stream(
    ctx: &LineEvaluator,
    input: Box<dyn Read + Send>,
    mut output: Box<dyn Write + Send>,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Counts> {
    let mut blocks = Blocks::new(input);
    let mut chunk = Chunk::default();
    let mut counts = Counts {
        cases: 0,
        errors: 0,
    };
    let mut worker = ctx.worker();
    let mut out = Vec::with_capacity(2 * WRITE_BYTES);
    while blocks.next(&mut chunk)? {
        // A few lines at a time, so that full decisions (kilobytes each) are written
        // before a chunk's worth of them is held.
        for lines in chunk.lines.chunks(LANES) {
            let first = counts.cases + 1;
            counts.cases += lines.len();
            counts.errors += ctx.lines(&mut worker, first, &chunk.buf, lines, &mut out);
            if out.len() >= WRITE_BYTES {
                output.write_all(&out)?;
                out.clear();
            }
        }
        if let Some(bar) = progress {
            bar.inc(chunk.buf.len() as u64);
        }
    }
    output.write_all(&out)?;
    output.flush()?;
    Ok(counts)
}

/// The same on `threads` workers. Each takes the next chunk of input (one worker at a
/// time), evaluates its lines, then waits for its turn to write its results: results keep
/// the input's order, and one worker's reading or writing overlaps the others'
/// evaluating. Memory holds a chunk and its results per worker.
fn stream_parallel(
    ctx: &LineEvaluator,
    input: Box<dyn Read + Send>,
    output: Box<dyn Write + Send>,
    threads: usize,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Counts> {
    let input = Mutex::new(Input {
        blocks: Blocks::new(input),
        chunks: 0,
        lines: 0,
    });
    let output = Mutex::new(Output {
        out: output,
        turn: 0,
    });
    let turns = Condvar::new();
    let stop = AtomicBool::new(false);
    let failure: Mutex<Option<io::Error>> = Mutex::new(None);
    let errors = AtomicUsize::new(0);
    // Stops every worker; the first failure is the one reported.
    let fail = |e: io::Error| {
        lock(&failure).get_or_insert(e);
        stop.store(true, Ordering::SeqCst);
        // Under the output lock, so that no worker between its check of `stop` and its
        // wait misses the wake-up.
        let _turn = lock(&output);
        turns.notify_all();
    };
    let work = || {
        let mut chunk = Chunk::default();
        let mut worker = ctx.worker();
        let mut out = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            let (ticket, first) = {
                let mut input = lock(&input);
                match input.blocks.next(&mut chunk) {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        drop(input);
                        fail(e);
                        return;
                    }
                }
                let ticket = input.chunks;
                input.chunks += 1;
                let first = input.lines + 1;
                input.lines += chunk.lines.len();
                (ticket, first)
            };
            out.clear();
            let failed = ctx.lines(&mut worker, first, &chunk.buf, &chunk.lines, &mut out);
            errors.fetch_add(failed, Ordering::Relaxed);
            let mut turn = lock(&output);
            while turn.turn != ticket && !stop.load(Ordering::SeqCst) {
                turn = turns.wait(turn).unwrap_or_else(|e| e.into_inner());
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let written = turn.out.write_all(&out);
            turn.turn += 1;
            turns.notify_all();
            drop(turn);
            if let Err(e) = written {
                fail(e);
                return;
            }
            if let Some(bar) = progress {
                bar.inc(chunk.buf.len() as u64);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            if let Err(e) = std::thread::Builder::new().spawn_scoped(scope, work) {
                fail(e);
                break;
            }
        }
    });
    if let Some(e) = lock(&failure).take() {
        return Err(e);
    }
    lock(&output).out.flush()?;
    let cases = lock(&input).lines;
    Ok(Counts {
        cases,
        errors: errors.into_inner(),
    })
}

/// The input, shared by the workers: chunks are numbered as they are taken, and lines
/// counted.
struct Input<R> {
    blocks: Blocks<R>,
    chunks: usize,
    lines: usize,
}

/// The output, and the number of the chunk whose results go next.
struct Output<W> {
    out: W,
    turn: usize,
}

/// Locks `m`; a worker that panicked (none should) leaves the data as it was.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes a few at a time, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn lines_of(input: &[u8], step: usize) -> Vec<Vec<u8>> {
        let mut blocks = Blocks::new(Trickle(input, step));
        let mut chunk = Chunk::default();
        let mut out = Vec::new();
        while blocks.next(&mut chunk).expect("reading memory cannot fail") {
            out.extend(chunk.lines.iter().map(|&(a, b)| chunk.buf[a..b].to_vec()));
        }
        out
    }

    #[test]
    fn blocks_cut_the_input_into_its_lines_however_it_arrives() {
        let input = b"{\"a\":1}\n\n{\"b\":2}\r\nlast without a line end";
        for step in [1, 2, 3, 7, 1 << 20] {
            let lines = lines_of(input, step);
            assert_eq!(
                lines,
                vec![
                    b"{\"a\":1}\n".to_vec(),
                    b"\n".to_vec(),
                    b"{\"b\":2}\r\n".to_vec(),
                    b"last without a line end".to_vec(),
                ],
                "read {step} bytes at a time"
            );
        }
        assert!(lines_of(b"", 5).is_empty());
    }

    #[test]
    fn a_line_longer_than_a_chunk_stays_whole() {
        let long = vec![b'x'; CHUNK_BYTES + READ_BYTES + 10];
        let mut input = b"first\n".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\nlast\n");
        let lines = lines_of(&input, 1 << 16);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].len(), long.len() + 1);
        assert_eq!(lines[2], b"last\n");
    }
}
