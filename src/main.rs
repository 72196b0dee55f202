//! The `asylon` command: check policies and evaluate cases.
//!
//! Exit codes: 0 done, 1 an invalid policy or invalid facts, 2 a usage error.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The stack of the thread that does the work. Expressions and chains of rules are
/// bounded (128 levels each) so that evaluation fits; this leaves ample room in debug
/// builds too.
const STACK: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let worker = std::thread::Builder::new()
        .name("asylon".into())
        .stack_size(STACK)
        .spawn(move || cli::run(args));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        // A panic was already printed by the panic hook; it is a bug, not bad input.
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            eprintln!("error: cannot start the worker thread: {e}");
            ExitCode::from(1)
        }
    }
}
