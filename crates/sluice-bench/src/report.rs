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
    /// The bare proxy's /v1 URL (`sluice-bench bare-proxy`): the same HTTP stack with no features.
    #[arg(long)]
    bare: String,
    /// PID of the bare proxy (its CPU time per request is the floor for the gateway's).
    #[arg(long)]
    bare_pid: u32,
}

/// One target's figures over the three phases.
struct Figures {
    fixed: Summary,
    cpu_per_request_us: Option<f64>,
    rss_fixed_kib: Option<u64>,
    max: Summary,
    rss_max_kib: Option<u64>,
    ttfb: Summary,
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

/// Runs the three phases against one target; CPU and memory are read if its PID is given.
async fn measure(client: &reqwest::Client, target: &Target, pid: Option<u32>, args: &RunArgs) -> anyhow::Result<Figures> {
    let duration = Duration::from_secs(args.seconds);
    let cpu_before = pid.map(proc_stats::cpu_time_us).transpose()?;
    let fixed = load::fixed_rate(client, target, args.rate, duration).await;
    let cpu_after = pid.map(proc_stats::cpu_time_us).transpose()?;
    let served = fixed.latencies_us.len().max(1) as f64;
    let cpu_per_request_us = cpu_before.zip(cpu_after).map(|(b, a)| a.saturating_sub(b) as f64 / served);
    let rss_fixed_kib = pid.map(proc_stats::rss_kib).transpose()?;
    let max = summarize(load::max_throughput(client, target, args.concurrency, duration).await);
    let rss_max_kib = pid.map(proc_stats::rss_kib).transpose()?;
    let ttfb = summarize(load::stream_ttfb(client, target, args.stream_requests).await);
    Ok(Figures { fixed: summarize(fixed), cpu_per_request_us, rss_fixed_kib, max, rss_max_kib, ttfb })
}

fn cpu(f: &Figures) -> String {
    f.cpu_per_request_us.map_or(String::new(), |us| format!("{:.3}", us / 1000.0))
}

fn mb(kib: Option<u64>) -> String {
    kib.map_or(String::new(), |k| format!("{:.1}", k as f64 / 1024.0))
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let client = load::client()?;
    let gateway = Target { url: args.gateway.clone(), key: Some(args.key.clone()), model: args.model.clone() };
    let direct = Target { url: args.direct.clone(), key: None, model: "mock".to_owned() };
    let bare = Target { url: args.bare.clone(), key: None, model: "mock".to_owned() };

    // Warm up pools, caches and the lazy paths (token tables, scripts).
    for target in [&gateway, &direct, &bare] {
        load::max_throughput(&client, target, 8, Duration::from_secs(2)).await;
    }
    let d = measure(&client, &direct, None, &args).await?;
    let b = measure(&client, &bare, Some(args.bare_pid), &args).await?;
    let g = measure(&client, &gateway, Some(args.gateway_pid), &args).await?;

    println!("| measurement | direct to mock | bare proxy | through the gateway | gateway overhead (vs direct) | gateway − bare proxy |");
    println!("|---|---|---|---|---|---|");
    let rate = args.rate;
    for (label, pick) in [("p50", 0), ("p90", 1), ("p99", 2)] {
        let v = |f: &Figures| [f.fixed.p50, f.fixed.p90, f.fixed.p99][pick];
        println!("| {label} latency at {rate} req/s (ms) | {} | {} | {} | {} | {} |", ms(v(&d)), ms(v(&b)), ms(v(&g)), overhead(v(&g), v(&d)), overhead(v(&g), v(&b)));
    }
    println!("| achieved rate (req/s), errors | {:.0}, {} | {:.0}, {} | {:.0}, {} | | |", d.fixed.rps, d.fixed.errors, b.fixed.rps, b.fixed.errors, g.fixed.rps, g.fixed.errors);
    println!(
        "| max throughput, {} connections (req/s) | {:.0} | {:.0} | {:.0} | {:.2}x of direct | {:.2}x of bare |",
        args.concurrency, d.max.rps, b.max.rps, g.max.rps, g.max.rps / d.max.rps.max(1e-9), g.max.rps / b.max.rps.max(1e-9)
    );
    println!("| streaming time to first byte p50 (ms) | {} | {} | {} | {} | {} |", ms(d.ttfb.p50), ms(b.ttfb.p50), ms(g.ttfb.p50), overhead(g.ttfb.p50, d.ttfb.p50), overhead(g.ttfb.p50, b.ttfb.p50));
    println!("| streaming time to first byte p99 (ms) | {} | {} | {} | {} | {} |", ms(d.ttfb.p99), ms(b.ttfb.p99), ms(g.ttfb.p99), overhead(g.ttfb.p99, d.ttfb.p99), overhead(g.ttfb.p99, b.ttfb.p99));
    let cpu_diff = g.cpu_per_request_us.zip(b.cpu_per_request_us).map_or(String::new(), |(g, b)| format!("{:+.3}", (g - b) / 1000.0));
    println!("| CPU per request at {rate} req/s (ms) | | {} | {} | | {cpu_diff} |", cpu(&b), cpu(&g));
    println!("| RSS after fixed rate / max load (MB) | | {} / {} | {} / {} | | |", mb(b.rss_fixed_kib), mb(b.rss_max_kib), mb(g.rss_fixed_kib), mb(g.rss_max_kib));
    println!();
    println!(
        "errors: fixed {}+{}+{}, max {}+{}+{}, stream {}+{}+{} (direct+bare+gateway)",
        d.fixed.errors, b.fixed.errors, g.fixed.errors, d.max.errors, b.max.errors, g.max.errors, d.ttfb.errors, b.ttfb.errors, g.ttfb.errors
    );
    Ok(())
}
