//! `sluice-bench`: the gateway benchmark's tools, driven by `bench/run.sh`.
//!
//! - `setup`: creates a tenant, a key and a priced model on an OpenAI-compatible provider that
//!   points at the mock upstream, straight through the store; prints the key.
//! - `run`: measures the gateway against the mock called directly, in the same run: latency at a
//!   fixed request rate (open loop), maximum throughput (closed loop), streaming time to first
//!   byte, and the gateway process's CPU time per request and resident memory. Prints a Markdown
//!   report with the overhead as differences and ratios against the direct baseline.
//! - `bare-proxy`: a proxy on the gateway's HTTP stack with none of its features, measured in
//!   the same run as the floor any gateway on this stack and machine starts from.
//! - `rollup`: the billing roll-up benchmark's timings (`bench/billing-rollup.sh`): report
//!   queries over a month of a generated ledger, and ledger batch inserts with the roll-up trigger.

mod bare_proxy;
mod load;
mod proc_stats;
mod report;
mod rollup;
mod setup;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Sluice gateway benchmark")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the benchmark tenant, key, provider and model; print the key.
    Setup(setup::SetupArgs),
    /// Run the measurements and print the report.
    Run(report::RunArgs),
    /// Serve the bare proxy (the baseline for the gateway's own cost).
    BareProxy(bare_proxy::BareArgs),
    /// Time the usage and egress report queries (or ledger batch inserts) on a generated ledger.
    Rollup(rollup::RollupArgs),
}

/// The same allocator as the `sluice` binary, so the bare proxy's figures compare like with like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::BareProxy(args) = cli.command {
        return bare_proxy::run(args);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Setup(args) => setup::run(args).await,
            Command::Run(args) => report::run(args).await,
            Command::Rollup(args) => rollup::run(args).await,
            Command::BareProxy(_) => Ok(()),
        }
    })
}
