//! Claims of background-job slots (`worker_job_runs`): how several workers agree that each
//! periodic job runs once per slot without a leader. A worker claims the current slot of a job
//! with an insert that the primary key turns into a no-op for everyone else; only the claimer
//! runs the job, then records its outcome. Slots come from the database clock, so workers agree
//! whatever their own clocks say.

use chrono::{DateTime, Utc};

use crate::{Conn, StoreError};

/// Claims the slot of `job` that contains the database's current time, for a job that runs once
/// every `interval_secs`. Returns the slot's start if this worker won it, `None` if another
/// worker already had.
pub async fn claim(conn: &mut Conn, job: &str, interval_secs: i64, worker: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let slot = sqlx::query_scalar!(
        r#"insert into worker_job_runs (job, slot, worker)
           values ($1, to_timestamp((floor(extract(epoch from now()) / $2::bigint) * $2::bigint)::float8), $3)
           on conflict on constraint worker_job_runs_pkey do nothing
           returning slot as "slot!""#,
        job,
        interval_secs,
        worker
    )
    .fetch_optional(conn)
    .await?;
    Ok(slot)
}

/// Records how a claimed run ended. `detail` must not contain secrets (counts, error kinds).
pub async fn finish(conn: &mut Conn, job: &str, slot: DateTime<Utc>, ok: bool, detail: &str) -> Result<(), StoreError> {
    let outcome = if ok { "ok" } else { "failed" };
    sqlx::query!(
        "update worker_job_runs set finished_at = now(), outcome = $3, detail = $4 where job = $1 and slot = $2",
        job,
        slot,
        outcome,
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A finished or running claim, for operators and tests.
#[derive(Debug, Clone)]
pub struct JobRun {
    pub job: String,
    pub slot: DateTime<Utc>,
    pub worker: String,
    pub outcome: Option<String>,
    pub detail: Option<String>,
}

/// The runs of the last `hours` hours, oldest first.
pub async fn recent(conn: &mut Conn, hours: i32) -> Result<Vec<JobRun>, StoreError> {
    let rows = sqlx::query_as!(
        JobRun,
        "select job, slot, worker, outcome, detail from worker_job_runs where slot > now() - make_interval(hours => $1) order by slot, job",
        hours
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Forgets runs older than 30 days (the history is for recent troubleshooting only).
pub async fn purge_old(conn: &mut Conn) -> Result<u64, StoreError> {
    let n = sqlx::query!("delete from worker_job_runs where slot < now() - interval '30 days'")
        .execute(conn)
        .await?
        .rows_affected();
    Ok(n)
}
