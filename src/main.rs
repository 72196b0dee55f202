//! The `asylon` command: check policies and evaluate cases.
//!
//! Exit codes: 0 done, 1 an invalid policy or invalid facts, 2 a usage error, 3 an
//! internal error (a bug in asylon: a diagnostic, never a Rust panic message).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The stack of the thread that does the work. Expressions and chains of rules are
/// bounded (128 levels each) so that evaluation fits; this leaves ample room in debug
/// builds too.
const STACK: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let json = args.wants_json();
    cli::internal::install_hook();
    let worker = std::thread::Builder::new()
        .name("asylon".into())
        .stack_size(STACK)
        .spawn(move || cli::run(args));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        // A bug, not bad input: the hook noted where; the person sees a diagnostic.
        Ok(Err(_)) => cli::internal::report(json),
        Err(e) => {
            eprintln!("error: cannot start the worker thread: {e}");
            ExitCode::from(1)
        }
    }
}
