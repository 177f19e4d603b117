//! Load generation: an open loop at a fixed rate (latency under a steady load, without the
//! coordinated omission of a closed loop), a closed loop for maximum throughput, and streaming
//! time to first byte. Every request is the same small chat completion.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// One target: the gateway (with a key) or the mock directly.
#[derive(Clone)]
pub struct Target {
    pub url: String,
    pub key: Option<String>,
    pub model: String,
}

pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(512).tcp_nodelay(true).build()?)
}

fn body(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream, "max_tokens": 32, "messages": [{"role": "user", "content": "Reply with a short greeting."}]})
}

/// One request; its latency in microseconds until the whole body arrived (None on error).
async fn once(client: &reqwest::Client, target: &Target) -> Option<u64> {
    let started = Instant::now();
    let mut req = client.post(format!("{}/chat/completions", target.url)).json(&body(&target.model, false));
    if let Some(key) = &target.key {
        req = req.bearer_auth(key);
    }
    let res = req.send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.bytes().await.ok()?;
    Some(started.elapsed().as_micros() as u64)
}

pub struct Run {
    pub latencies_us: Vec<u64>,
    pub errors: usize,
    pub elapsed: Duration,
}

/// Sends `rate` requests per second for `duration`, each on its own task at its scheduled time.
pub async fn fixed_rate(client: &reqwest::Client, target: &Target, rate: u32, duration: Duration) -> Run {
    let results = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let total = (u64::from(rate) * duration.as_millis() as u64 / 1000) as usize;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        let (client, target, results) = (client.clone(), target.clone(), results.clone());
        tasks.push(tokio::spawn(async move {
            let outcome = once(&client, &target).await;
            let mut r = results.lock().await;
            match outcome {
                Some(us) => r.0.push(us),
                None => r.1 += 1,
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let (latencies_us, errors) = std::mem::take(&mut *results.lock().await);
    Run { latencies_us, errors, elapsed }
}

/// `concurrency` loops sending back to back for `duration`.
pub async fn max_throughput(client: &reqwest::Client, target: &Target, concurrency: usize, duration: Duration) -> Run {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let workers = (0..concurrency).map(|_| {
        let (client, target) = (client.clone(), target.clone());
        tokio::spawn(async move {
            let (mut ok, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                match once(&client, &target).await {
                    Some(us) => ok.push(us),
                    None => errors += 1,
                }
            }
            (ok, errors)
        })
    });
    let mut run = Run { latencies_us: Vec::new(), errors: 0, elapsed: Duration::ZERO };
    for w in futures_util::future::join_all(workers).await.into_iter().flatten() {
        run.latencies_us.extend(w.0);
        run.errors += w.1;
    }
    run.elapsed = started.elapsed();
    run
}

/// Time to the first byte of the body of streaming requests, sent one after another.
pub async fn stream_ttfb(client: &reqwest::Client, target: &Target, count: usize) -> Run {
    let started = Instant::now();
    let mut run = Run { latencies_us: Vec::with_capacity(count), errors: 0, elapsed: Duration::ZERO };
    for _ in 0..count {
        let begun = Instant::now();
        let mut req = client.post(format!("{}/chat/completions", target.url)).json(&body(&target.model, true));
        if let Some(key) = &target.key {
            req = req.bearer_auth(key);
        }
        let Ok(res) = req.send().await else {
            run.errors += 1;
            continue;
        };
        let mut stream = res.bytes_stream();
        match stream.next().await {
            Some(Ok(_)) => run.latencies_us.push(begun.elapsed().as_micros() as u64),
            _ => run.errors += 1,
        }
        while stream.next().await.is_some() {}
    }
    run.elapsed = started.elapsed();
    run
}

/// The value at a percentile of sorted samples (nearest rank).
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
