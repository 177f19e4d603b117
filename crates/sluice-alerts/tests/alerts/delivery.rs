//! Webhook delivery to a real receiver: signature, retry after a 500, no redirects, giving up,
//! SSRF refusal, and two concurrent workers delivering each alert once.

use std::collections::HashSet;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sluice_alerts::{DeliveryConfig, Deliverer};
use sluice_domain::provider::TrustTier;
use sluice_store::webhooks;

use crate::receiver::Receiver;
use crate::support::*;

/// Loopback receivers need the `local` target rules; no waiting between attempts.
fn config() -> DeliveryConfig {
    DeliveryConfig { targets: TrustTier::Local, first_backoff: Duration::ZERO, timeout: Duration::from_secs(5), ..DeliveryConfig::default() }
}

/// The receiver's side of the signature check, written out from the documented scheme.
fn signature_is_valid(secret: &str, header: &str, body: &[u8]) -> bool {
    let (t, v1) = header.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let v1 = hex::decode(v1.strip_prefix("v1=").unwrap()).unwrap();
    let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    (0..300).contains(&age) && mac.verify_slice(&v1).is_ok()
}

#[tokio::test]
async fn an_alert_is_posted_signed_to_every_endpoint_of_its_org() {
    let db = db().await;
    let (acme, globex) = (org(&db, "acme").await, org(&db, "globex").await);
    let b = budget(&db, acme, "100", "monthly").await;
    let (first, second, foreign) = (Receiver::start(&[], Duration::ZERO).await, Receiver::start(&[], Duration::ZERO).await, Receiver::start(&[], Duration::ZERO).await);
    let (_, secret_a) = endpoint(&db, acme, &first.url).await;
    let (_, secret_b) = endpoint(&db, acme, &second.url).await;
    endpoint(&db, globex, &foreign.url).await;
    let alert = raise(&db, acme, b.budget.id, 80).await;

    let stats = Deliverer::new(cipher(), config()).unwrap().deliver_due(&db).await.unwrap();
    assert_eq!((stats.attempted, stats.delivered), (2, 2));
    for (receiver, secret) in [(&first, &secret_a), (&second, &secret_b)] {
        let got = receiver.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].path, "/hooks/sluice");
        assert_eq!(got[0].event_id, alert.to_string());
        assert!(signature_is_valid(secret, &got[0].signature, &got[0].body), "signature {} does not verify", got[0].signature);
        assert!(sluice_alerts::sign::verify(secret, &got[0].signature, &got[0].body, chrono::Utc::now().timestamp(), 300));
        assert!(!signature_is_valid(if secret == &secret_a { &secret_b } else { &secret_a }, &got[0].signature, &got[0].body));
        let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
        assert_eq!(body["type"], "budget_alert.threshold");
        assert_eq!(body["alert"]["budget_id"], b.budget.id.to_string());
        assert_eq!((body["alert"]["threshold_percent"].as_i64(), body["alert"]["spent_usd"].as_str()), (Some(80), Some("80.00")));
    }
    assert!(foreign.received().is_empty(), "another org's endpoint got nothing");
    let states = delivery_state(&db, alert).await;
    assert_eq!(states.len(), 2);
    assert!(states.iter().all(|s| *s == (1, Some(200), None, true, false, false)), "{states:?}");
    let mut conn = db.acquire().await.unwrap();
    let stored = sluice_store::alerts::get(&mut conn, acme, alert).await.unwrap().unwrap();
    assert!(stored.delivered_at.is_some());
    // Nothing is due any more.
    assert_eq!(Deliverer::new(cipher(), config()).unwrap().deliver_due(&db).await.unwrap().attempted, 0);
}

#[tokio::test]
async fn a_500_is_retried_and_only_an_excerpt_of_the_body_is_kept() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100", "monthly").await;
    let receiver = Receiver::start(&[500], Duration::ZERO).await;
    let (endpoint_id, secret) = endpoint(&db, acme, &receiver.url).await;
    let alert = raise(&db, acme, b.budget.id, 50).await;
    let deliverer = Deliverer::new(cipher(), config()).unwrap();

    let first = deliverer.deliver_due(&db).await.unwrap();
    assert_eq!((first.attempted, first.delivered), (1, 0));
    assert_eq!(delivery_state(&db, alert).await, vec![(1, Some(500), Some("http_status".into()), false, false, true)]);
    let mut conn = db.acquire().await.unwrap();
    let rows = webhooks::list_deliveries(&mut conn, acme, endpoint_id, 10).await.unwrap();
    let excerpt = rows[0].last_response_excerpt.clone().unwrap();
    assert!(excerpt.starts_with("status 500: xxx") && excerpt.chars().count() == sluice_alerts::delivery::EXCERPT_CHARS, "{excerpt}");
    drop(conn);

    let second = deliverer.deliver_due(&db).await.unwrap();
    assert_eq!((second.attempted, second.delivered), (1, 1));
    assert_eq!(delivery_state(&db, alert).await, vec![(2, Some(200), None, true, false, false)]);
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.event_id == alert.to_string() && signature_is_valid(&secret, &r.signature, &r.body)));
}

#[tokio::test]
async fn redirects_are_not_followed_and_deliveries_give_up() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100", "monthly").await;
    let receiver = Receiver::start(&[302, 503], Duration::ZERO).await;
    endpoint(&db, acme, &receiver.url).await;
    let alert = raise(&db, acme, b.budget.id, 90).await;
    let deliverer = Deliverer::new(cipher(), DeliveryConfig { max_attempts: 2, ..config() }).unwrap();
    deliverer.deliver_due(&db).await.unwrap();
    assert_eq!(delivery_state(&db, alert).await, vec![(1, Some(302), Some("redirect_not_followed".into()), false, false, true)]);
    deliverer.deliver_due(&db).await.unwrap();
    assert_eq!(delivery_state(&db, alert).await, vec![(2, Some(503), Some("http_status".into()), false, true, false)]);
    let paths: Vec<String> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, vec!["/hooks/sluice", "/hooks/sluice"], "the redirect target was never requested");
    assert_eq!(deliverer.deliver_due(&db).await.unwrap().attempted, 0, "given up");
}

#[tokio::test]
async fn loopback_is_refused_unless_private_targets_are_allowed_and_deleted_endpoints_get_nothing() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let b = budget(&db, acme, "100", "monthly").await;
    let receiver = Receiver::start(&[], Duration::ZERO).await;
    let (endpoint_id, _) = endpoint(&db, acme, &receiver.url).await;
    let alert = raise(&db, acme, b.budget.id, 50).await;
    let public_only = Deliverer::new(cipher(), DeliveryConfig { targets: TrustTier::External, ..config() }).unwrap();
    public_only.deliver_due(&db).await.unwrap();
    assert_eq!(delivery_state(&db, alert).await, vec![(1, None, Some("address_refused".into()), false, false, true)]);
    // A host name resolving to loopback is refused by the resolver too.
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    let (_, _) = endpoint(&db, acme, &by_name).await;
    let second = raise(&db, acme, b.budget.id, 60).await;
    public_only.deliver_due(&db).await.unwrap();
    let states = delivery_state(&db, second).await;
    assert!(states.iter().any(|s| s.2.as_deref() == Some("connect") || s.2.as_deref() == Some("request")), "{states:?}");
    assert!(receiver.received().is_empty());

    let mut conn = db.acquire().await.unwrap();
    assert!(webhooks::delete_endpoint(&mut conn, acme, endpoint_id).await.unwrap().is_some());
    drop(conn);
    Deliverer::new(cipher(), config()).unwrap().deliver_due(&db).await.unwrap();
    let got = receiver.received();
    assert_eq!(got.len(), 1, "only the live by-name endpoint's delivery, once loopback is allowed");
    assert_eq!(got[0].event_id, second.to_string());
}

#[tokio::test]
async fn two_concurrent_workers_deliver_every_alert_exactly_once() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let receiver = Receiver::start(&[], Duration::from_millis(20)).await;
    endpoint(&db, acme, &receiver.url).await;
    let mut alerts = HashSet::new();
    for _ in 0..6 {
        let b = budget(&db, acme, "100", "monthly").await;
        let b2 = budget(&db, acme, "100", "weekly").await;
        for threshold in [10, 20, 30] {
            alerts.insert(raise(&db, acme, b.budget.id, threshold).await.to_string());
            alerts.insert(raise(&db, acme, b2.budget.id, threshold).await.to_string());
        }
        // Budgets are unique per target and period: use a fresh org-level pair per round.
        let mut conn = db.acquire().await.unwrap();
        sqlx::query("delete from budgets where org_id = $1").bind(acme).execute(&mut *conn).await.unwrap();
    }
    let worker = || async {
        let deliverer = Deliverer::new(cipher(), DeliveryConfig { batch: 4, ..config() }).unwrap();
        let mut delivered = 0;
        loop {
            let stats = deliverer.deliver_due(&db).await.unwrap();
            if stats.attempted == 0 {
                break delivered;
            }
            delivered += stats.delivered;
        }
    };
    let (a, b) = tokio::join!(worker(), worker());
    assert_eq!(a + b, alerts.len());
    assert!(a > 0 && b > 0, "both workers took part ({a} and {b})");
    let got = receiver.received();
    let ids: Vec<String> = got.iter().map(|r| r.event_id.clone()).collect();
    assert_eq!(ids.len(), alerts.len(), "no alert was sent twice");
    assert_eq!(ids.into_iter().collect::<HashSet<_>>(), alerts);
}
