//! Cases only the Redis store has: two gateways on one Redis, outages, script cache loss, and key
//! expiry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use sluice_domain::Money;
use sluice_quota::redis_store::{RedisQuota, RedisQuotaConfig};
use sluice_quota::{AdmitRequest, Decision, Level, QuotaError, QuotaStore, RateSpec, SettleOutcome, Usage};

use crate::harness::*;

/// The production default; an outage must be reported well within a second.
const OUTAGE_TIMEOUT: Duration = Duration::from_millis(50);
const OUTAGE_BOUND: Duration = Duration::from_millis(250);

/// Admits `n` copies of `template`, alternating between the two stores, each on its own task so
/// that both runtime threads race.
async fn on_both(a: &Arc<RedisQuota>, b: &Arc<RedisQuota>, template: &AdmitRequest, n: usize) -> Vec<Result<Decision, QuotaError>> {
    let tasks = (0..n).map(|i| {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        let request = AdmitRequest { request_id: Default::default(), ..template.clone() };
        tokio::spawn(async move { store.admit(&request).await })
    });
    join_all(tasks).await.into_iter().map(|joined| joined.unwrap()).collect()
}

/// Two stores on separate connections (two gateways) never admit more together than the limits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_every_limit() {
    let server = RedisServer::start();
    let (a, b) = (Arc::new(redis_store(&server, FUNCTIONAL_TIMEOUT)), Arc::new(redis_store(&server, FUNCTIONAL_TIMEOUT)));
    let t = tenant();
    let dollar = budget(Level::Key, 1_000_000_000, true);
    let mut template = request(t, std::slice::from_ref(&dollar), flat(50_000_000));
    template.limits = vec![limits(t, Level::Key, Some(RateSpec { per_minute: 60, burst: 30 }), None, Some(25))];
    let started = Instant::now();
    let decisions = on_both(&a, &b, &template, 100).await;
    eprintln!("100-way admission split across two gateways took {:?}", started.elapsed());
    let grants: Vec<_> = decisions.into_iter().filter_map(|d| match d.unwrap() {
        Decision::Admitted(g) => Some(g.reservation),
        _ => None,
    }).collect();
    // The budget allows 20, the in-flight limit 25 and the rate 30: the budget binds.
    assert_eq!(grants.len(), 20);
    assert_eq!(counters(a.as_ref(), t, &dollar).await, (0, 1_000_000_000));

    // With the budget settled and refreshed, the in-flight limit binds across both gateways.
    for (i, g) in grants.iter().enumerate() {
        let store = if i % 2 == 0 { &a } else { &b };
        assert_eq!(store.release(g).await.unwrap(), SettleOutcome::Settled);
    }
    let mut open = request(t, &[], flat(0));
    open.limits = vec![limits(t, Level::Key, None, None, Some(5))];
    let decisions = on_both(&a, &b, &open, 20).await;
    assert_eq!(decisions.into_iter().filter(|d| matches!(d, Ok(Decision::Admitted(_)))).count(), 5);
}

/// A dead Redis is reported as `Unavailable` within the timeout, for every operation.
#[tokio::test]
async fn a_killed_server_is_unavailable_within_the_timeout() {
    let mut server = RedisServer::start();
    let store = redis_store(&server, OUTAGE_TIMEOUT);
    let t = tenant();
    let b = budget(Level::Key, 1_000_000_000, true);
    let grant = admitted(admit(&store, &request(t, std::slice::from_ref(&b), flat(1))).await);
    server.kill();
    for _ in 0..3 {
        let started = Instant::now();
        let result = store.admit(&request(t, std::slice::from_ref(&b), flat(1))).await;
        let took = started.elapsed();
        eprintln!("admit against a killed server failed after {took:?}");
        assert!(matches!(result, Err(QuotaError::Unavailable(_))), "{result:?}");
        assert!(took < OUTAGE_BOUND, "took {took:?}");
    }
    let started = Instant::now();
    assert!(matches!(store.settle(&grant.reservation, Usage { cost: Money::ZERO, tokens: 0 }).await, Err(QuotaError::Unavailable(_))));
    assert!(matches!(store.budget_state(t.org, &b).await, Err(QuotaError::Unavailable(_))));
    assert!(matches!(store.expired_reservations(chrono::Utc::now(), 10).await, Err(QuotaError::Unavailable(_))));
    assert!(started.elapsed() < 3 * OUTAGE_BOUND);
}

/// A server that accepts connections but does not answer (paused clients) costs one timeout.
#[tokio::test]
async fn a_paused_server_is_unavailable_within_the_timeout() {
    let server = RedisServer::start();
    let store = redis_store(&server, OUTAGE_TIMEOUT);
    let t = tenant();
    admitted(admit(&store, &request(t, &[], flat(1))).await);
    assert!(server.command("CLIENT PAUSE 1500 ALL\r\n").starts_with("+OK"));
    let started = Instant::now();
    let result = store.admit(&request(t, &[], flat(1))).await;
    let took = started.elapsed();
    eprintln!("admit against a paused server failed after {took:?}");
    assert!(matches!(result, Err(QuotaError::Unavailable(_))), "{result:?}");
    assert!(took < OUTAGE_BOUND, "took {took:?}");
    // After the pause the same store decides again.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    admitted(admit(&store, &request(t, &[], flat(1))).await);
}

/// Nothing listening at all (the gateway started while Redis was down).
#[tokio::test]
async fn no_server_is_unavailable_within_the_timeout() {
    let mut server = RedisServer::start();
    let url = server.url();
    server.kill();
    let store = RedisQuota::open(&url, sluice_quota::redis_store::RedisQuotaConfig::default()).unwrap();
    let started = Instant::now();
    let result = store.admit(&request(tenant(), &[], flat(1))).await;
    assert!(matches!(result, Err(QuotaError::Unavailable(_))), "{result:?}");
    assert!(started.elapsed() < OUTAGE_BOUND, "took {:?}", started.elapsed());
}

/// After SCRIPT FLUSH (a restart or failover empties the script cache) the scripts load again.
#[tokio::test]
async fn scripts_reload_after_a_flush() {
    let h = RedisHarness::start();
    let t = tenant();
    let b = budget(Level::Key, 1_000_000_000, true);
    let first = admitted(admit(h.store(), &request(t, std::slice::from_ref(&b), flat(5))).await);
    assert!(h.server.command("SCRIPT FLUSH\r\n").starts_with("+OK"));
    let second = admitted(admit(h.store(), &request(t, std::slice::from_ref(&b), flat(7))).await);
    assert!(h.server.command("SCRIPT FLUSH\r\n").starts_with("+OK"));
    for g in [&first, &second] {
        assert_eq!(h.store().settle(&g.reservation, Usage { cost: Money::from_nanos(1), tokens: 0 }).await.unwrap(), SettleOutcome::Settled);
    }
    assert_eq!(counters(h.store(), t, &b).await, (2, 0));
}

/// Every key an admission writes expires on its own (except a `total` budget), and closing
/// removes the record, its lease and the in-flight counter.
#[tokio::test]
async fn keys_expire_and_close_cleans_up() {
    let h = RedisHarness::start();
    let t = tenant();
    let mut monthly = budget(Level::Org, 1_000_000_000, true);
    monthly.period = "m2026-11".to_owned();
    monthly.period_end = Some(chrono::Utc::now() + chrono::Duration::days(3));
    let total = budget(Level::Key, 1_000_000_000, true);
    let mut r = request(t, &[monthly.clone(), total.clone()], flat(5));
    r.prompt_tokens = 500;
    let (rpm, tpm) = (RateSpec { per_minute: 60, burst: 5 }, RateSpec { per_minute: 6000, burst: 600 });
    r.limits = vec![limits(t, Level::Key, Some(rpm), Some(tpm), Some(3))];
    let grant = admitted(admit(h.store(), &r).await);
    let keys = h.server.command("KEYS *\r\n");
    let names: Vec<&str> = keys.lines().filter(|l| l.starts_with("sq1:")).collect();
    // record, leases, in-flight, two TATs, two budgets, and the set of orgs with leases.
    assert_eq!(names.len(), 8, "{names:?}");
    for name in names {
        let ttl = h.server.command(&format!("TTL {name}\r\n"));
        let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
        let expected_forever = name.ends_with(":total") || name == "sq1:lease-orgs";
        assert_eq!(ttl == -1, expected_forever, "{name} has TTL {ttl}");
    }
    h.store().settle(&grant.reservation, Usage { cost: Money::from_nanos(5), tokens: 10 }).await.unwrap();
    let left = h.server.command("KEYS *\r\n");
    assert!(!left.contains(":r:") && !left.contains(":par:") && !left.contains(":leases"), "{left}");
}

/// After Redis lost its data, an org is not admitted until its counters were rebuilt and marked.
#[tokio::test]
async fn admissions_wait_for_the_synced_marker() {
    let server = RedisServer::start();
    let store = RedisQuota::open(&server.url(), RedisQuotaConfig { timeout: FUNCTIONAL_TIMEOUT, ..RedisQuotaConfig::default() }).unwrap();
    let t = tenant();
    const CENT: i64 = 10_000_000;
    let b = budget(Level::Key, 100 * CENT, true);
    match store.admit(&request(t, std::slice::from_ref(&b), flat(CENT))).await {
        Err(QuotaError::Unavailable(why)) => assert!(why.contains("rebuilt"), "{why}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(store.unsynced(&[t.org]).await.unwrap(), vec![t.org]);
    store.restore_spent(t.org, &b, Money::from_nanos(90 * CENT)).await.unwrap();
    store.mark_synced(t.org).await.unwrap();
    assert!(store.unsynced(&[t.org]).await.unwrap().is_empty());
    admitted(admit(&store, &request(t, std::slice::from_ref(&b), flat(CENT))).await);
    // FLUSHALL loses the marker with the counters: closed again.
    server.command("FLUSHALL\r\n");
    assert!(matches!(store.admit(&request(t, std::slice::from_ref(&b), flat(CENT))).await, Err(QuotaError::Unavailable(_))));
}
