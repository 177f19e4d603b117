//! The `sluice` command: one binary for every role. `sluice up` runs the admin API, the gateway
//! and the background worker in one process, with an embedded PostgreSQL when no `DATABASE_URL`
//! is given; `sluice admin`, `sluice gateway` and `sluice worker` run each role alone (same
//! configuration) for scaling out; `migrate`, `admin create` and `openapi` are operator tools.

pub mod bootstrap;
pub mod cli;
pub mod commands;
pub mod database;
pub mod embedded_postgres;
pub mod generated_secrets;
mod otlp_client;
pub mod settings;
pub mod telemetry;
pub mod worker;

use std::process::ExitCode;

use clap::Parser;

/// Parses arguments, runs the command on a Tokio runtime, and turns errors into an exit code
/// with the whole cause chain on stderr (never a panic backtrace).
pub fn run() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(commands::dispatch(cli));
    runtime.block_on(telemetry::shutdown());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
