//! What only a Redis Cluster can break: an org's keys must share one slot (or the scripts fail
//! with cross-slot errors), different orgs spread over the nodes, and the walks that span orgs —
//! the reconciler's expired leases, the rebuild's `synced` markers, two gateways racing for one
//! budget — must work although their orgs live on different nodes.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use sluice_domain::Money;
use sluice_quota::redis_store::RedisQuotaConfig;
use sluice_quota::{Decision, Level, QuotaStore, Usage};
use sluice_testkit::PrivateRedisCluster;

use crate::harness::*;

const CENT: i64 = 10_000_000;

/// Twenty orgs admit a request each: every admission succeeds (no CROSSSLOT), and their keys
/// land on more than one node.
#[tokio::test]
async fn orgs_spread_over_the_nodes_and_each_admits_in_one_slot() {
    let cluster = PrivateRedisCluster::start(3);
    let store = cluster_store(&cluster, RedisQuotaConfig { require_sync_marker: false, ..RedisQuotaConfig::default() });
    for _ in 0..20 {
        let t = tenant();
        let b = budget(Level::Org, 100 * CENT, true);
        let mut r = request(t, std::slice::from_ref(&b), flat(CENT));
        r.limits = vec![limits(t, Level::Key, Some(sluice_quota::RateSpec { per_minute: 60, burst: 5 }), None, Some(2))];
        let grant = admitted(admit(&store, &r).await);
        store.settle(&grant.reservation, Usage { cost: Money::from_nanos(CENT), tokens: 0 }).await.unwrap();
        assert_eq!(counters(&store, t, &b).await, (CENT, 0));
    }
    let per_node = cluster.keys_per_node();
    assert!(per_node.iter().filter(|n| **n > 0).count() >= 2, "orgs should spread over the nodes: {per_node:?}");
}

/// Expired leases of orgs on different nodes are all found by one reconciler walk.
#[tokio::test]
async fn expired_leases_are_found_across_nodes() {
    let cluster = PrivateRedisCluster::start(3);
    let store = cluster_store(&cluster, RedisQuotaConfig { require_sync_marker: false, ..RedisQuotaConfig::default() });
    let mut open = Vec::new();
    for _ in 0..12 {
        let t = tenant();
        let mut r = request(t, &[budget(Level::Key, 100 * CENT, true)], flat(CENT));
        r.lease = Duration::from_millis(100);
        open.push(admitted(admit(&store, &r).await).reservation);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut expired = store.expired_reservations(chrono::Utc::now(), 100).await.unwrap();
    expired.sort_by_key(|r| r.request_id);
    open.sort_by_key(|r| r.request_id);
    assert_eq!(expired, open);
    for r in &open {
        store.release(r).await.unwrap();
    }
    assert!(store.expired_reservations(chrono::Utc::now(), 100).await.unwrap().is_empty());
}

/// The rebuild's marker check spans orgs on every node, and admissions wait for each org's marker.
#[tokio::test]
async fn synced_markers_are_checked_across_nodes() {
    let cluster = PrivateRedisCluster::start(3);
    let store = cluster_store(&cluster, RedisQuotaConfig::default());
    let tenants: Vec<_> = (0..30).map(|_| tenant()).collect();
    let orgs: Vec<_> = tenants.iter().map(|t| t.org).collect();
    assert_eq!(store.unsynced(&orgs).await.unwrap(), orgs);
    for org in orgs.iter().step_by(2) {
        store.mark_synced(*org).await.unwrap();
    }
    let expected: Vec<_> = orgs.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(store.unsynced(&orgs).await.unwrap(), expected);
    admitted(admit(&store, &request(tenants[0], &[], flat(1))).await);
    assert!(store.admit(&request(tenants[1], &[], flat(1))).await.is_err());
}

/// Two gateways (two connections, each seeded with a different node) race 100 requests for one
/// $1.00 budget: exactly 20 of $0.05 are admitted, and settling them spends exactly $1.00.
#[tokio::test]
async fn two_gateways_race_for_one_budget_on_a_cluster() {
    let cluster = PrivateRedisCluster::start(3);
    let config = RedisQuotaConfig { require_sync_marker: false, timeout: FUNCTIONAL_TIMEOUT, ..RedisQuotaConfig::default() };
    let urls: Vec<String> = cluster.urls().split(',').map(str::to_owned).collect();
    // Each seeded with one node only, flagged as a cluster: it must follow redirects to the owner.
    let cluster_config = RedisQuotaConfig { cluster: true, ..config };
    let a = Arc::new(sluice_quota::redis_store::RedisQuota::open(&urls[0], cluster_config).unwrap());
    let b = Arc::new(sluice_quota::redis_store::RedisQuota::open(&urls[2], cluster_config).unwrap());
    let t = tenant();
    let key_budget = budget(Level::Key, 100 * CENT, true);
    let requests: Vec<_> = (0..100).map(|_| request(t, std::slice::from_ref(&key_budget), flat(5 * CENT))).collect();
    let decisions = join_all(requests.iter().enumerate().map(|(i, r)| {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move { store.admit(r).await }
    }))
    .await;
    let granted: Vec<_> = decisions
        .into_iter()
        .filter_map(|d| match d.unwrap() {
            Decision::Admitted(g) => Some(g.reservation),
            Decision::BudgetExceeded { .. } => None,
            other => panic!("unexpected decision {other:?}"),
        })
        .collect();
    assert_eq!(granted.len(), 20);
    for (i, r) in granted.iter().enumerate() {
        let store = if i % 2 == 0 { &a } else { &b };
        store.settle(r, Usage { cost: Money::from_nanos(5 * CENT), tokens: 0 }).await.unwrap();
    }
    assert_eq!(counters(a.as_ref(), t, &key_budget).await, (100 * CENT, 0));
}
