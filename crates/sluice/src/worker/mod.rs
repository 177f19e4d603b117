//! The background worker: periodic jobs that belong to the installation as a whole rather than
//! to one gateway — creating the coming months' ledger partitions and purging expired rows
//! (idempotency records, ended console sessions, old job history). `sluice worker` runs it with
//! a probe listener; `sluice up` runs the same jobs inside its all-in-one process. Both add the
//! alert jobs of `sluice-alerts` (forecasts, anomalies, counter drift, webhook delivery).
//!
//! Safe with any number of workers: each job runs at most once per slot of
//! `worker_interval_secs` across all of them. A worker claims a slot with an insert into
//! `worker_job_runs` that the primary key turns into a no-op for every other worker, so exactly
//! one runs the job for that slot (no leader election, no lock held while working, nothing to
//! hand over when a worker dies). The jobs are idempotent besides, so a run that dies half-way
//! is simply done again in the next slot.
//!
//! What stays in the gateway, because it is per process: the configuration snapshot, the usage
//! outbox and its shipper, crash recovery of its own outbox, and (with Redis) the per-org
//! counter sync and the lease reconciler — the reconciler settles reservations through the
//! quota store's atomic, idempotent settle, so replicas running it together close each orphan
//! once; it needs a gateway's outbox to write the row, which a worker does not have.

pub mod jobs;
pub mod probes;

use std::time::Duration;

use sluice_domain::credentials::CredentialCipher;
use sluice_store::{Db, worker_jobs};

use crate::commands::{alert_jobs, shared_quota};
use crate::settings::Settings;

pub use jobs::Job;

/// The running jobs; dropping it leaves them running, `stop` ends them.
pub struct Worker {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Worker {
    /// Starts one loop per job. `id` names this worker in `worker_job_runs`.
    pub fn spawn(db: Db, interval: Duration, id: String) -> Self {
        let tasks = Job::ALL.iter().map(|job| tokio::spawn(run_forever(db.clone(), *job, interval, id.clone()))).collect();
        Self { tasks }
    }

    /// Adds the alert jobs (evaluation and signed webhook delivery, `sluice-alerts`); they are
    /// safe in several processes at once (deliveries are claimed with `SKIP LOCKED`).
    pub fn with_alerting(mut self, db: Db, cipher: CredentialCipher, settings: &Settings) -> anyhow::Result<Self> {
        let alerting = sluice_alerts::run(db, cipher, alert_jobs(settings)?, shared_quota(settings)?);
        self.tasks.push(tokio::spawn(alerting));
        Ok(self)
    }

    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// How often a worker looks for an unclaimed slot: a quarter of the interval (so a slot starts
/// at most that late), between half a second and a minute.
fn poll_every(interval: Duration) -> Duration {
    (interval / 4).clamp(Duration::from_millis(500), Duration::from_secs(60))
}

async fn run_forever(db: Db, job: Job, interval: Duration, id: String) {
    let mut tick = tokio::time::interval(poll_every(interval));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        run_if_due(&db, job, interval, &id).await;
    }
}

/// Runs `job` if this worker claims its current slot. Returns whether it ran.
pub async fn run_if_due(db: &Db, job: Job, interval: Duration, id: &str) -> bool {
    let mut conn = match db.acquire().await {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(job = job.name(), error = %err, "worker cannot reach the database");
            return false;
        }
    };
    let secs = i64::try_from(interval.as_secs().max(1)).unwrap_or(i64::MAX);
    let slot = match worker_jobs::claim(&mut conn, job.name(), secs, id).await {
        Ok(Some(slot)) => slot,
        Ok(None) => return false,
        Err(err) => {
            tracing::warn!(job = job.name(), error = %err, "cannot claim a job slot");
            return false;
        }
    };
    let started = std::time::Instant::now();
    let (ok, detail) = match job.run(&mut conn).await {
        Ok(summary) => (true, summary),
        Err(err) => {
            tracing::warn!(job = job.name(), error = %err, "background job failed; the next slot runs it again");
            (false, err.to_string())
        }
    };
    let outcome = if ok { "ok" } else { "failed" };
    metrics::counter!("sluice_worker_job_runs_total", "job" => job.name(), "outcome" => outcome).increment(1);
    metrics::histogram!("sluice_worker_job_duration_seconds", "job" => job.name()).record(started.elapsed().as_secs_f64());
    if ok {
        let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        metrics::gauge!("sluice_worker_job_last_success_timestamp_seconds", "job" => job.name()).set(now);
        tracing::debug!(job = job.name(), %slot, detail = %detail, "background job done");
    }
    if let Err(err) = worker_jobs::finish(&mut conn, job.name(), slot, ok, &detail).await {
        tracing::warn!(job = job.name(), error = %err, "cannot record a job's outcome");
    }
    true
}

/// This process's name in `worker_job_runs`: the host (the pod's name on Kubernetes) and the
/// process id, so two workers on one machine are told apart.
pub fn worker_id(role: &str) -> String {
    format!("{role}:{}:{}", crate::commands::host_name(), std::process::id())
}
