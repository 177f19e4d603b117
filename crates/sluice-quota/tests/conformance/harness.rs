//! What the cases run on: a store plus a way to let time pass, and request builders.
//!
//! `LocalHarness` drives `LocalQuota` from a hand-moved clock; `RedisHarness` starts a private
//! `redis-server` on a free loopback port for each test (killed by PID when the harness drops)
//! and lets real time pass, because the scripts read Redis `TIME`; `ClusterHarness` does the same
//! on a private three-node Redis Cluster.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sluice_domain::ids::{BudgetId, KeyId, OrgId, RequestId, TeamId};
use sluice_domain::{Money, PricePerMTok};
use sluice_quota::local::LocalQuota;
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{AdmitRequest, BudgetCheck, CostPlan, Decision, Grant, Level, LevelLimits, QuotaStore, RateSpec, Tenant};

/// The per-call timeout of functional tests: generous, because this 2-core machine is shared
/// with builds. The outage tests use the production default (50 ms) instead.
pub const FUNCTIONAL_TIMEOUT: Duration = Duration::from_secs(2);

pub trait Harness {
    type Store: QuotaStore;
    fn store(&self) -> &Self::Store;
    fn now(&self) -> DateTime<Utc>;
    /// Lets `by` pass for the store.
    fn advance(&self, by: Duration) -> impl Future<Output = ()>;
}

pub struct LocalHarness {
    clock: Arc<Mutex<DateTime<Utc>>>,
    store: LocalQuota,
}

impl LocalHarness {
    pub fn new() -> Self {
        let clock = Arc::new(Mutex::new(Utc::now()));
        let read = clock.clone();
        Self { clock, store: LocalQuota::with_clock(Arc::new(move || *read.lock().unwrap())) }
    }
}

impl Harness for LocalHarness {
    type Store = LocalQuota;
    fn store(&self) -> &LocalQuota {
        &self.store
    }
    fn now(&self) -> DateTime<Utc> {
        *self.clock.lock().unwrap()
    }
    async fn advance(&self, by: Duration) {
        *self.clock.lock().unwrap() += chrono::Duration::from_std(by).unwrap();
    }
}

pub struct RedisHarness {
    pub server: RedisServer,
    store: RedisQuota,
}

impl RedisHarness {
    pub fn start() -> Self {
        let server = RedisServer::start();
        let store = redis_store(&server, FUNCTIONAL_TIMEOUT);
        Self { server, store }
    }
}

impl Harness for RedisHarness {
    type Store = RedisQuota;
    fn store(&self) -> &RedisQuota {
        &self.store
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    async fn advance(&self, by: Duration) {
        tokio::time::sleep(by).await;
    }
}

/// A private Redis Cluster of three primaries (one store connected to all of them through the
/// comma-separated seed list, exactly as the gateway's setting takes it).
pub struct ClusterHarness {
    /// Kept alive (and killed on drop) for as long as the harness.
    _cluster: sluice_testkit::PrivateRedisCluster,
    store: RedisQuota,
}

impl ClusterHarness {
    pub fn start() -> Self {
        let cluster = sluice_testkit::PrivateRedisCluster::start(3);
        let store = cluster_store(&cluster, RedisQuotaConfig { require_sync_marker: false, ..RedisQuotaConfig::default() });
        Self { _cluster: cluster, store }
    }
}

impl Harness for ClusterHarness {
    type Store = RedisQuota;
    fn store(&self) -> &RedisQuota {
        &self.store
    }
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    async fn advance(&self, by: Duration) {
        tokio::time::sleep(by).await;
    }
}

/// A store on the cluster with the functional timeout.
pub fn cluster_store(cluster: &sluice_testkit::PrivateRedisCluster, config: RedisQuotaConfig) -> RedisQuota {
    RedisQuota::open(&cluster.urls(), RedisQuotaConfig { timeout: FUNCTIONAL_TIMEOUT, ..config }).unwrap()
}

/// A private redis-server on a free loopback port, without persistence.
pub use sluice_testkit::PrivateRedis as RedisServer;

/// A Redis store on a private server. The suite's orgs are fresh, so the "counters rebuilt"
/// marker is not required here; `redis_only` tests the marker itself.
pub fn redis_store(server: &RedisServer, timeout: Duration) -> RedisQuota {
    RedisQuota::open(&server.url(), RedisQuotaConfig { timeout, require_sync_marker: false, ..RedisQuotaConfig::default() }).unwrap()
}

// ---- builders ---------------------------------------------------------------------------------

pub fn tenant() -> Tenant {
    Tenant { org: OrgId::new(), team: TeamId::new(), key: KeyId::new() }
}

/// A budget on the tenant's `total` period.
pub fn budget(level: Level, amount: i64, hard: bool) -> BudgetCheck {
    BudgetCheck { level, budget_id: BudgetId::new(), period: "total".to_owned(), amount: Money::from_nanos(amount), hard, period_end: None }
}

/// A cost plan reserving exactly `nanos` (no output tokens).
pub fn flat(nanos: i64) -> CostPlan {
    CostPlan { fixed: Money::from_nanos(nanos), output_price: PricePerMTok::default(), max_output_tokens: 0, min_output_tokens: 0 }
}

pub fn priced(fixed: i64, price_per_mtok: i64, min: u32, max: u32) -> CostPlan {
    let output_price = PricePerMTok::from_nanos(price_per_mtok).unwrap();
    CostPlan { fixed: Money::from_nanos(fixed), output_price, min_output_tokens: min, max_output_tokens: max }
}

pub fn request(tenant: Tenant, budgets: &[BudgetCheck], cost: CostPlan) -> AdmitRequest {
    AdmitRequest {
        request_id: RequestId::new(),
        tenant,
        limits: Vec::new(),
        budgets: budgets.to_vec(),
        prompt_tokens: 0,
        cost,
        lease: Duration::from_secs(60),
    }
}

/// Limits on one level of the tenant.
pub fn limits(tenant: Tenant, level: Level, rpm: Option<RateSpec>, tpm: Option<RateSpec>, max_parallel: Option<u32>) -> LevelLimits {
    let id = match level {
        Level::Key => tenant.key.as_uuid(),
        Level::Team => tenant.team.as_uuid(),
        Level::Org => tenant.org.as_uuid(),
    };
    LevelLimits { level, id, rpm, tpm, max_parallel }
}

pub fn admitted(decision: Decision) -> Grant {
    match decision {
        Decision::Admitted(grant) => grant,
        other => panic!("expected an admission, got {other:?}"),
    }
}

pub async fn admit<S: QuotaStore>(store: &S, request: &AdmitRequest) -> Decision {
    store.admit(request).await.unwrap()
}

/// (spent, reserved) of a budget.
pub async fn counters<S: QuotaStore>(store: &S, tenant: Tenant, budget: &BudgetCheck) -> (i64, i64) {
    let state = store.budget_state(tenant.org, budget).await.unwrap();
    (state.spent.nanos(), state.reserved.nanos())
}
