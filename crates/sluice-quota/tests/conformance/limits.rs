//! Rate and concurrency cases: max_parallel, GCRA bursts and retry times, token weighting.

use std::time::Duration;

use futures_util::future::join_all;
use sluice_domain::Money;
use sluice_quota::{Decision, Level, LimitKind, QuotaStore, RateSpec, Reservation, Usage};

use crate::harness::*;

/// Admits `n` copies of a request concurrently; returns the admitted reservations and asserts
/// every refusal is by the given kind of limit.
async fn burst<H: Harness>(h: &H, template: &sluice_quota::AdmitRequest, n: usize, refused_by: LimitKind) -> Vec<Reservation> {
    let requests: Vec<_> = (0..n).map(|_| sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).collect();
    let mut admitted = Vec::new();
    for decision in join_all(requests.iter().map(|r| h.store().admit(r))).await {
        match decision.unwrap() {
            Decision::Admitted(grant) => admitted.push(grant.reservation),
            Decision::RateLimited { kind, .. } => assert_eq!(kind, refused_by),
            other => panic!("unexpected {other:?}"),
        }
    }
    admitted
}

/// L4: max_parallel 5 and 20 at once: 5 pass; once they are released, 5 more.
pub async fn max_parallel_admits_five_of_twenty<H: Harness>(h: &H) {
    let t = tenant();
    let mut template = request(t, &[], flat(0));
    template.limits = vec![limits(t, Level::Key, None, None, Some(5))];
    let first = burst(h, &template, 20, LimitKind::MaxParallel).await;
    assert_eq!(first.len(), 5);
    for r in &first {
        h.store().release(r).await.unwrap();
    }
    let second = burst(h, &template, 20, LimitKind::MaxParallel).await;
    assert_eq!(second.len(), 5);
}

/// GCRA: 60 rpm with burst 5 admits 5 at once; the 6th waits one interval (1 s), then fits.
pub async fn rpm_burst_then_retry_after<H: Harness>(h: &H) {
    let t = tenant();
    let mut template = request(t, &[], flat(0));
    template.limits = vec![limits(t, Level::Key, Some(RateSpec { per_minute: 60, burst: 5 }), None, None)];
    let grants: Vec<_> = {
        let mut out = Vec::new();
        for _ in 0..5 {
            out.push(admitted(admit(h.store(), &sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).await));
        }
        out
    };
    let remaining: Vec<_> = grants.iter().map(|g| g.rates[0].remaining).collect();
    assert_eq!(remaining, vec![4, 3, 2, 1, 0]);
    let retry_after = match admit(h.store(), &sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).await {
        Decision::RateLimited { level: Level::Key, kind: LimitKind::Rpm, retry_after } => retry_after,
        d => panic!("the 6th request must be rate limited, got {d:?}"),
    };
    assert!(retry_after > Duration::from_millis(800) && retry_after <= Duration::from_secs(1), "retry after {retry_after:?}");
    h.advance(retry_after + Duration::from_millis(5)).await;
    admitted(admit(h.store(), &sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).await);
}

/// The tightest level refuses, and reports itself: a team limit below the key's.
pub async fn team_rate_limit_applies_to_its_keys<H: Harness>(h: &H) {
    let t = tenant();
    let mut template = request(t, &[], flat(0));
    template.limits = vec![
        limits(t, Level::Team, Some(RateSpec { per_minute: 60, burst: 2 }), None, None),
        limits(t, Level::Key, Some(RateSpec { per_minute: 600, burst: 10 }), None, None),
    ];
    for _ in 0..2 {
        admitted(admit(h.store(), &sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).await);
    }
    match admit(h.store(), &sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() }).await {
        Decision::RateLimited { level, kind, .. } => assert_eq!((level, kind), (Level::Team, LimitKind::Rpm)),
        d => panic!("{d:?}"),
    }
}

/// TPM is charged prompt + granted output tokens at admission, corrected to the real count at
/// settle (moving back when less was used) and refunded entirely at release.
pub async fn tpm_is_weighted_and_corrected<H: Harness>(h: &H) {
    let t = tenant();
    // 6000 tokens per minute = 100 per second; burst 1000 tokens.
    let mut template = request(t, &[], sluice_quota::CostPlan { max_output_tokens: 200, min_output_tokens: 1, ..flat(0) });
    template.prompt_tokens = 300;
    template.limits = vec![limits(t, Level::Key, None, Some(RateSpec { per_minute: 6000, burst: 1000 }), None)];
    let fresh = || sluice_quota::AdmitRequest { request_id: Default::default(), ..template.clone() };

    let a = admitted(admit(h.store(), &fresh()).await);
    assert_eq!(a.reservation.granted_output_tokens, 200);
    assert_eq!(a.rates[0].remaining, 500);
    let b = admitted(admit(h.store(), &fresh()).await);
    let wait = |d: Decision| match d {
        Decision::RateLimited { kind: LimitKind::Tpm, retry_after, .. } => retry_after,
        d => panic!("expected a tpm refusal, got {d:?}"),
    };
    // 1000 tokens are out; 500 more fit after 5 s.
    let retry = wait(admit(h.store(), &fresh()).await);
    assert!(retry > Duration::from_millis(4800) && retry <= Duration::from_secs(5), "{retry:?}");
    // `a` used only 100 tokens: 400 come back, so the next one waits about 1 s.
    h.store().settle(&a.reservation, Usage { cost: Money::ZERO, tokens: 100 }).await.unwrap();
    let retry = wait(admit(h.store(), &fresh()).await);
    assert!(retry > Duration::from_millis(800) && retry <= Duration::from_secs(1), "{retry:?}");
    // Releasing `b` refunds its 500: the next one fits now.
    h.store().release(&b.reservation).await.unwrap();
    admitted(admit(h.store(), &fresh()).await);
}
