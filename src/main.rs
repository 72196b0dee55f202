//! The `asylon` command: check policies and evaluate cases.
//!
//! Exit codes: 0 done, 1 an invalid policy or invalid facts, 2 a usage error.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::run(args)
}
