//! The benchmark run and its Markdown report: every figure of the gateway next to the same
//! figure for the mock called directly in the same run, and their difference.

use std::time::Duration;

use crate::load::{self, Run, Target, percentile};
use crate::proc_stats;

#[derive(clap::Args)]
pub struct RunArgs {
    /// The gateway's /v1 URL.
    #[arg(long)]
    gateway: String,
    /// The mock upstream's /v1 URL (the baseline).
    #[arg(long)]
    direct: String,
    #[arg(long)]
    key: String,
    #[arg(long, default_value = crate::setup::MODEL)]
    model: String,
    /// PID of the gateway process (CPU time and RSS).
    #[arg(long)]
    gateway_pid: u32,
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    #[arg(long, default_value_t = 300)]
    stream_requests: usize,
}

struct Summary {
    p50: u64,
    p90: u64,
    p99: u64,
    rps: f64,
    errors: usize,
}

fn summarize(mut run: Run) -> Summary {
    run.latencies_us.sort_unstable();
    let secs = run.elapsed.as_secs_f64().max(1e-9);
    Summary {
        p50: percentile(&run.latencies_us, 50.0),
        p90: percentile(&run.latencies_us, 90.0),
        p99: percentile(&run.latencies_us, 99.0),
        rps: run.latencies_us.len() as f64 / secs,
        errors: run.errors,
    }
}

fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1000.0)
}

fn overhead(gw: u64, direct: u64) -> String {
    format!("{:+.3}", (gw as f64 - direct as f64) / 1000.0)
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let client = load::client()?;
    let gateway = Target { url: args.gateway.clone(), key: Some(args.key.clone()), model: args.model.clone() };
    let direct = Target { url: args.direct.clone(), key: None, model: "mock".to_owned() };
    let duration = Duration::from_secs(args.seconds);

    // Warm up pools, caches and the JIT-free but lazy paths (token tables, scripts).
    load::max_throughput(&client, &gateway, 8, Duration::from_secs(2)).await;
    load::max_throughput(&client, &direct, 8, Duration::from_secs(2)).await;

    let direct_fixed = summarize(load::fixed_rate(&client, &direct, args.rate, duration).await);
    let cpu_before = proc_stats::cpu_time_us(args.gateway_pid)?;
    let fixed = load::fixed_rate(&client, &gateway, args.rate, duration).await;
    let cpu_after = proc_stats::cpu_time_us(args.gateway_pid)?;
    let served = fixed.latencies_us.len().max(1) as f64;
    let rss_after_fixed = proc_stats::rss_kib(args.gateway_pid)?;
    let gateway_fixed = summarize(fixed);
    let cpu_per_request_us = (cpu_after.saturating_sub(cpu_before)) as f64 / served;

    let direct_max = summarize(load::max_throughput(&client, &direct, args.concurrency, duration).await);
    let gateway_max = summarize(load::max_throughput(&client, &gateway, args.concurrency, duration).await);
    let rss_after_max = proc_stats::rss_kib(args.gateway_pid)?;

    let direct_ttfb = summarize(load::stream_ttfb(&client, &direct, args.stream_requests).await);
    let gateway_ttfb = summarize(load::stream_ttfb(&client, &gateway, args.stream_requests).await);

    println!("| measurement | direct to mock | through the gateway | gateway overhead |");
    println!("|---|---|---|---|");
    println!("| p50 latency at {} req/s (ms) | {} | {} | {} |", args.rate, ms(direct_fixed.p50), ms(gateway_fixed.p50), overhead(gateway_fixed.p50, direct_fixed.p50));
    println!("| p90 latency at {} req/s (ms) | {} | {} | {} |", args.rate, ms(direct_fixed.p90), ms(gateway_fixed.p90), overhead(gateway_fixed.p90, direct_fixed.p90));
    println!("| p99 latency at {} req/s (ms) | {} | {} | {} |", args.rate, ms(direct_fixed.p99), ms(gateway_fixed.p99), overhead(gateway_fixed.p99, direct_fixed.p99));
    println!("| achieved rate (req/s), errors | {:.0}, {} | {:.0}, {} | |", direct_fixed.rps, direct_fixed.errors, gateway_fixed.rps, gateway_fixed.errors);
    println!("| max throughput, {} connections (req/s) | {:.0} | {:.0} | {:.2}x of direct |", args.concurrency, direct_max.rps, gateway_max.rps, gateway_max.rps / direct_max.rps.max(1e-9));
    println!("| streaming time to first byte p50 (ms) | {} | {} | {} |", ms(direct_ttfb.p50), ms(gateway_ttfb.p50), overhead(gateway_ttfb.p50, direct_ttfb.p50));
    println!("| streaming time to first byte p99 (ms) | {} | {} | {} |", ms(direct_ttfb.p99), ms(gateway_ttfb.p99), overhead(gateway_ttfb.p99, direct_ttfb.p99));
    println!("| gateway CPU per request (ms) | | {:.3} | |", cpu_per_request_us / 1000.0);
    println!("| gateway RSS after fixed rate / max load (MB) | | {:.1} / {:.1} | |", rss_after_fixed as f64 / 1024.0, rss_after_max as f64 / 1024.0);
    println!();
    println!(
        "errors: fixed {}+{}, max {}+{}, stream {}+{} (direct+gateway)",
        direct_fixed.errors, gateway_fixed.errors, direct_max.errors, gateway_max.errors, direct_ttfb.errors, gateway_ttfb.errors
    );
    Ok(())
}
