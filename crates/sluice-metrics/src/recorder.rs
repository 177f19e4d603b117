//! The process-wide recorder, its histogram buckets, upkeep and scrape hooks.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use actix_web::HttpResponse;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The gateway's own overhead: tens of microseconds to a few milliseconds.
const OVERHEAD_BUCKETS: &[f64] = &[0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1];
/// Whole requests: an admin call takes milliseconds, a model call up to minutes.
const DURATION_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];
/// Histograms keep their samples in lock-free buckets until they are drained; a process that is
/// never scraped would grow them without bound, so a thread drains them this often.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

type Hook = Box<dyn Fn() -> bool + Send + Sync>;

fn hooks() -> &'static Mutex<Vec<Hook>> {
    static HOOKS: OnceLock<Mutex<Vec<Hook>>> = OnceLock::new();
    HOOKS.get_or_init(Mutex::default)
}

/// Installs the recorder on first use and returns its handle (`None` if another recorder was
/// installed first, which only a test harness would do).
pub fn install() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_overhead_seconds".to_owned()), OVERHEAD_BUCKETS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("_duration_seconds".to_owned()), DURATION_BUCKETS))
                .and_then(|b| b.set_buckets(DURATION_BUCKETS));
            let handle = match builder.map(PrometheusBuilder::install_recorder) {
                Ok(Ok(handle)) => handle,
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "cannot install the metrics recorder");
                    return None;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "invalid histogram buckets");
                    return None;
                }
            };
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new().name("metrics-upkeep".to_owned()).spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                }
            });
            if let Err(err) = spawned {
                tracing::warn!(error = %err, "cannot start the metrics upkeep thread; histograms are drained at scrape only");
            }
            Some(handle)
        })
        .as_ref()
}

/// Runs `hook` before every scrape, until it returns `false` (its owner is gone). Hooks set
/// gauges from state that is cheap to read but would be costly to keep current on every change.
pub fn on_scrape(hook: impl Fn() -> bool + Send + Sync + 'static) {
    hooks().lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(hook));
}

/// The text exposition of every metric of the process, after the scrape hooks ran.
pub fn render() -> Option<String> {
    let handle = install()?;
    hooks().lock().unwrap_or_else(|p| p.into_inner()).retain(|hook| hook());
    Some(handle.render())
}

/// The body of `GET /metrics`, for any actix listener.
pub async fn respond() -> HttpResponse {
    match render() {
        Some(text) => HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text),
        None => HttpResponse::ServiceUnavailable().finish(),
    }
}
