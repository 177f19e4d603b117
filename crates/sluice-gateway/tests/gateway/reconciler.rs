use std::time::Duration;

use sluice_domain::Money;
use sluice_domain::ids::RequestId;
use sluice_gateway::QuotaSource;
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{AdmitRequest, CostPlan, Decision, QuotaStore, Tenant as QuotaTenant};
use sluice_testkit::PrivateRedis;

use crate::harness::*;

fn store(redis: &PrivateRedis) -> RedisQuota {
    RedisQuota::open(&redis.url(), RedisQuotaConfig { timeout: Duration::from_secs(2), ..RedisQuotaConfig::default() }).unwrap()
}

/// A replica died holding a reservation (and its outbox disk is gone). When the lease ends,
/// a live replica settles it at the reserved amount and writes one `interrupted` row.
#[tokio::test]
async fn an_orphaned_reservation_is_settled_when_its_lease_ends() {
    let redis = PrivateRedis::start();
    let gw = start_with_quota(fresh_db().await, tempfile::tempdir().unwrap(), QuotaSource::redis(redis.url(), RedisQuotaConfig { timeout: Duration::from_secs(2), ..RedisQuotaConfig::default() }).unwrap(), |c| {
        c.reconcile_every = Duration::from_millis(200);
    })
    .await;
    let t = gw.tenant().await;

    // The "dead replica": admits through its own connection and never settles.
    let dead = store(&redis);
    let request_id = RequestId::new();
    let admission = AdmitRequest {
        request_id,
        tenant: QuotaTenant { org: t.org.into(), team: t.team.into(), key: t.key.into() },
        limits: Vec::new(),
        budgets: Vec::new(),
        prompt_tokens: 10,
        cost: CostPlan { fixed: Money::from_nanos(7_000), output_price: Default::default(), max_output_tokens: 5, min_output_tokens: 5 },
        lease: Duration::from_millis(300),
    };
    assert!(matches!(dead.admit(&admission).await.unwrap(), Decision::Admitted(_)));

    let rows = gw.ledger_rows(t.key, 1).await;
    assert_eq!(rows.len(), 1, "the reconciler wrote the orphan's row");
    assert_eq!((rows[0].status.as_str(), rows[0].cost_nano), ("interrupted", 7_000));
    assert_eq!(rows[0].request_id, request_id.as_uuid());
    assert_eq!(rows[0].occurred_at, request_id.admitted_at());
    assert!(dead.expired_reservations(chrono::Utc::now(), 10).await.unwrap().is_empty(), "the reservation is closed");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(gw.ledger_rows(t.key, 1).await.len(), 1, "still exactly one row");
}
