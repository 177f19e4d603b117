//! The periodic jobs. Each is idempotent: running it twice, or after a run that died half-way,
//! leaves the database as one complete run would.

use sluice_store::{Conn, StoreError, idempotency, migrate, sessions, worker_jobs};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The ledger's monthly partitions for this month and the next two (the function creates
    /// only missing ones, serialised by an advisory lock). A missing partition would send rows
    /// to the default partition, which then blocks creating that month's partition.
    LedgerPartitions,
    /// Idempotency records past their replay window, console sessions that ended, and job
    /// history older than 30 days.
    PurgeExpired,
}

impl Job {
    pub const ALL: [Job; 2] = [Job::LedgerPartitions, Job::PurgeExpired];

    /// The job's name in `worker_job_runs` and in metric labels.
    pub fn name(self) -> &'static str {
        match self {
            Job::LedgerPartitions => "ledger-partitions",
            Job::PurgeExpired => "purge-expired",
        }
    }

    /// Runs the job once and returns a short summary (counts only, never row contents).
    pub async fn run(self, conn: &mut Conn) -> Result<String, StoreError> {
        match self {
            Job::LedgerPartitions => {
                migrate::ensure_ledger_partitions(conn).await?;
                Ok("partitions ensured".to_owned())
            }
            Job::PurgeExpired => {
                let idempotency = idempotency::purge_expired(conn).await?;
                let sessions = sessions::purge_expired(conn).await?;
                let runs = worker_jobs::purge_old(conn).await?;
                Ok(format!("purged {idempotency} idempotency records, {sessions} sessions, {runs} job runs"))
            }
        }
    }
}
