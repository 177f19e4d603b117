//! `RedisQuota`: the quota store shared by every gateway replica, as versioned Lua scripts.
//!
//! Design. An admission is one `EVALSHA` of `scripts/admit.lua`, which reads every counter the
//! request is subject to, decides, and only then writes — so a refusal changes nothing and two
//! replicas racing for the last dollar cannot both win. Settle and release are one call of
//! `scripts/close.lua`. Time inside the scripts is Redis `TIME`, never a gateway's clock, so a
//! replica with a skewed clock decides exactly like the others. Every call runs under a timeout
//! (default 50 ms) and reports [`QuotaError::Unavailable`] when it passes: a slow or dead Redis
//! never holds a request longer than that; the caller applies the org's failure mode.
//!
//! Key layout (`sq1` is the script version; `{o:<org>}` the org's hash tag, see `keys`):
//!
//! | key | type | content | TTL |
//! |---|---|---|---|
//! | `sq1:{o:ORG}:tat:<k\|t\|o>:<id>:<rpm\|tpm>` | string | GCRA TAT, µs since the epoch | until the TAT passes |
//! | `sq1:{o:ORG}:par:<k\|t\|o>:<id>` | string | requests in flight | ≥ lease + record grace, renewed |
//! | `sq1:{o:ORG}:b:<budget>:<period label>` | hash | `spent`, `reserved` (nano-USD) | period end + grace; none for `total` |
//! | `sq1:{o:ORG}:r:<request>` | hash | what the request holds (below) | lease + record grace |
//! | `sq1:{o:ORG}:leases` | zset | request ids by lease deadline (ms) | ≥ lease + record grace, renewed |
//! | `sq1:lease-orgs` | set | orgs that have had leases | none (bounded by the number of orgs) |
//! | `sq1:{o:ORG}:synced` | string | present once the org's counters were rebuilt | none |
//!
//! The reservation record has `team`, `key`, `reserved`, `granted`, `lease` and one field per
//! counter it holds: `b:<budget key>` = `reserved|expire_at`, `p:<in-flight key>` = `1`,
//! `t:<tpm TAT key>` = `µs charged|per_minute`. Closing gives back exactly these and deletes the
//! record; a missing record means "already closed", which makes settle and release idempotent.
//! The keys a close touches are read from the record rather than passed as `KEYS`; they share the
//! record's hash tag, so on Redis Cluster they are in the script's own slot.
//!
//! The record outlives its lease by `record_grace` (default one day) so that the reconciler,
//! which lists expired leases through `sq1:lease-orgs` and the per-org zsets, can settle what a
//! crashed gateway left open.
//!
//! Counters are a cache: Postgres is the source of truth for money, and `restore_spent`
//! rebuilds `spent` from the ledger after Redis lost its data.
//!
//! Redis Cluster. The store runs unchanged on a standalone server or a cluster (see
//! `connection`: several comma-separated seed URLs, or the `cluster` flag). The rule that makes
//! this safe: **no command, script or atomic pipeline names keys of two hash slots.** Every key of
//! one org carries the org's hash tag, so each script call and each `MULTI` block stays in that
//! org's slot (a close reads its keys from the record, which shares the tag — Redis checks the
//! slot of undeclared keys too). The only keys outside an org's slot are `sq1:lease-orgs`, which
//! is always written by a command of its own, *before* the admission it lists (so a lease can
//! never exist unlisted, even when the two commands go to different nodes), and the per-org
//! `synced` markers, which are read one command per org (never one multi-key `EXISTS`, never a
//! pipeline spanning orgs). Nothing uses `KEYS`, `SCAN` over the keyspace or pub/sub: the
//! reconciler walks `sq1:lease-orgs` with `SSCAN` and then each org's own zset, so it needs no
//! node-by-node scan. An org's keys all live on one primary, which is what makes its admission
//! atomic; spreading orgs over slots is what spreads the load.

mod admit;
mod close;
mod connection;
mod keys;
mod reads;

pub use connection::{RedisLink, RedisTarget};

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use redis::{ErrorKind, RedisError, Script, ServerErrorKind};
use sluice_domain::Money;
use sluice_domain::ids::OrgId;

use crate::{AdmitRequest, BudgetCheck, BudgetState, Decision, QuotaError, QuotaStore, Reservation, SettleOutcome, Usage};

/// Tuning of the Redis store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedisQuotaConfig {
    /// The longest any one store operation may take before it reports `Unavailable`.
    pub timeout: Duration,
    /// How long a reservation record outlives its lease (for the reconciler).
    pub record_grace: Duration,
    /// How long a period's budget counters outlive the period.
    pub period_grace: Duration,
    /// Refuse (as `Unavailable`) admissions for orgs whose `synced` marker is missing, i.e. whose
    /// counters may have been lost. Gateways set the marker after rebuilding from the ledger.
    pub require_sync_marker: bool,
    /// Treat a single configured URL as a seed node of a Redis Cluster (several comma-separated
    /// URLs always mean a cluster).
    pub cluster: bool,
}

impl Default for RedisQuotaConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_millis(50),
            record_grace: Duration::from_secs(24 * 3600),
            period_grace: crate::plan::PERIOD_GRACE,
            require_sync_marker: true,
            cluster: false,
        }
    }
}

/// A Redis connection the store can use: a single-node `ConnectionManager` or a cluster connection.
pub trait QuotaConnection: redis::aio::ConnectionLike + Clone + Send + Sync + 'static {}

impl<C: redis::aio::ConnectionLike + Clone + Send + Sync + 'static> QuotaConnection for C {}

pub struct RedisQuota<C = RedisLink> {
    conn: C,
    config: RedisQuotaConfig,
    admit_script: Script,
    close_script: Script,
    /// When this process last listed each org in `sq1:lease-orgs` (see `admit`).
    /// (Boxed: stores are held in enums, which stay small.)
    listed: Box<std::sync::Mutex<std::collections::HashMap<OrgId, std::time::Instant>>>,
}

impl<C> std::fmt::Debug for RedisQuota<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisQuota").field("config", &self.config).finish_non_exhaustive()
    }
}

impl RedisQuota<RedisLink> {
    /// A store on a standalone server or a cluster (`urls`: one URL or comma-separated seed
    /// nodes; see [`RedisTarget::parse`]). It connects lazily and reconnects by itself, so it can
    /// be created while Redis is down (its calls then report `Unavailable`). Call it inside a
    /// Tokio runtime: the connection spawns its driver task there.
    pub fn open(urls: &str, config: RedisQuotaConfig) -> Result<Self, QuotaError> {
        let target = RedisTarget::parse(urls, config.cluster)?;
        Ok(Self::new(RedisLink::open(&target, config.timeout)?, config))
    }
}

impl<C: QuotaConnection> RedisQuota<C> {
    pub fn new(conn: C, config: RedisQuotaConfig) -> Self {
        Self {
            conn,
            config,
            admit_script: Script::new(include_str!("scripts/admit.lua")),
            close_script: Script::new(include_str!("scripts/close.lua")),
            listed: Box::default(),
        }
    }

    /// Runs one operation under the configured timeout.
    async fn within<T>(&self, operation: impl Future<Output = Result<T, RedisError>>) -> Result<T, QuotaError> {
        match tokio::time::timeout(self.config.timeout, operation).await {
            Ok(result) => result.map_err(map_redis_error),
            Err(_) => Err(QuotaError::Unavailable(format!("no answer from Redis within {:?}", self.config.timeout))),
        }
    }
}

/// Connection trouble is `Unavailable` (the caller's failure mode applies); anything else — a
/// script error, an unexpected reply — is a bug and `Internal`.
fn map_redis_error(e: RedisError) -> QuotaError {
    let transient = e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_cluster_error()
        || matches!(
            e.kind(),
            ErrorKind::ClusterConnectionNotFound
                | ErrorKind::Server(ServerErrorKind::BusyLoading | ServerErrorKind::MasterDown | ServerErrorKind::ReadOnly)
        );
    if transient { QuotaError::Unavailable(e.to_string()) } else { QuotaError::Internal(e.to_string()) }
}

fn millis(d: Duration) -> i64 {
    // Ten years: far beyond any lease, and far below 2^53 when added to a Unix time in ms.
    const MAX_MS: i64 = 10 * 365 * 24 * 3600 * 1000;
    i64::try_from(d.as_millis()).unwrap_or(MAX_MS).min(MAX_MS)
}

impl<C: QuotaConnection> QuotaStore for RedisQuota<C> {
    async fn admit(&self, request: &AdmitRequest) -> Result<Decision, QuotaError> {
        self.admit_request(request).await
    }

    async fn settle(&self, reservation: &Reservation, usage: Usage) -> Result<SettleOutcome, QuotaError> {
        self.close(reservation, usage).await
    }

    async fn release(&self, reservation: &Reservation) -> Result<SettleOutcome, QuotaError> {
        self.close(reservation, Usage { cost: Money::ZERO, tokens: 0 }).await
    }

    async fn budget_state(&self, org: OrgId, budget: &BudgetCheck) -> Result<BudgetState, QuotaError> {
        self.read_budget(org, budget).await
    }

    async fn expired_reservations(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Reservation>, QuotaError> {
        self.expired(now, limit).await
    }

    async fn restore_spent(&self, org: OrgId, budget: &BudgetCheck, spent: Money) -> Result<(), QuotaError> {
        self.write_spent(org, budget, spent).await
    }

    async fn charge(&self, org: OrgId, budget: &BudgetCheck, amount: Money) -> Result<(), QuotaError> {
        self.add_spent(org, budget, amount).await
    }
}
