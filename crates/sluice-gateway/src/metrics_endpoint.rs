//! Prometheus metrics: one recorder per process, rendered at `GET /metrics`.
//!
//! Names: `sluice_requests_total{status}`, `sluice_gateway_overhead_seconds` (histogram),
//! `sluice_quota_refusals_total{reason}`, `sluice_quota_unavailable_total`,
//! `sluice_ledger_rows_written_total`, `sluice_ledger_write_failures_total`,
//! `sluice_outbox_write_failures_total`, `sluice_settle_failures_total`,
//! `sluice_snapshot_loaded_timestamp_seconds`, `sluice_snapshot_reload_failures_total`.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Installs the process-wide recorder on first use and returns its handle.
pub fn handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1])
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(err) => {
                    tracing::warn!(error = %err, "cannot install the metrics recorder");
                    None
                }
            }
        })
        .clone()
}
