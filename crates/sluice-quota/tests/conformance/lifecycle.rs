//! Reservation lifecycle cases: idempotent settle and release, expired leases for the reconciler.

use std::time::Duration;

use sluice_domain::Money;
use sluice_quota::{Level, QuotaStore, SettleOutcome, Usage};

use crate::harness::*;

const CENT: i64 = 10_000_000;

/// Settling twice changes nothing the second time; a release after a settle (or a settle after
/// a release) is a no-op.
pub async fn settle_and_release_are_idempotent<H: Harness>(h: &H) {
    let t = tenant();
    let b = budget(Level::Key, 100 * CENT, true);
    let usage = Usage { cost: Money::from_nanos(3 * CENT), tokens: 0 };

    let settled = admitted(admit(h.store(), &request(t, std::slice::from_ref(&b), flat(5 * CENT))).await).reservation;
    assert_eq!(h.store().settle(&settled, usage).await.unwrap(), SettleOutcome::Settled);
    assert_eq!(counters(h.store(), t, &b).await, (3 * CENT, 0));
    assert_eq!(h.store().settle(&settled, usage).await.unwrap(), SettleOutcome::AlreadyClosed);
    assert_eq!(h.store().release(&settled).await.unwrap(), SettleOutcome::AlreadyClosed);
    assert_eq!(counters(h.store(), t, &b).await, (3 * CENT, 0));

    let released = admitted(admit(h.store(), &request(t, std::slice::from_ref(&b), flat(5 * CENT))).await).reservation;
    assert_eq!(counters(h.store(), t, &b).await, (3 * CENT, 5 * CENT));
    assert_eq!(h.store().release(&released).await.unwrap(), SettleOutcome::Settled);
    assert_eq!(h.store().release(&released).await.unwrap(), SettleOutcome::AlreadyClosed);
    assert_eq!(h.store().settle(&released, usage).await.unwrap(), SettleOutcome::AlreadyClosed);
    assert_eq!(counters(h.store(), t, &b).await, (3 * CENT, 0));
}

/// A lease past its deadline is reported (oldest first, up to the limit) but stays open until
/// the reconciler settles it.
pub async fn expired_leases_are_reported_oldest_first<H: Harness>(h: &H) {
    let t = tenant();
    let b = budget(Level::Key, 100 * CENT, true);
    let mut first = request(t, std::slice::from_ref(&b), flat(CENT));
    first.lease = Duration::from_millis(200);
    let first = admitted(admit(h.store(), &first).await).reservation;
    h.advance(Duration::from_millis(20)).await;
    let mut second = request(t, std::slice::from_ref(&b), flat(2 * CENT));
    second.lease = Duration::from_millis(200);
    let second = admitted(admit(h.store(), &second).await).reservation;
    let mut long = request(t, std::slice::from_ref(&b), flat(CENT));
    long.lease = Duration::from_secs(3600);
    let long = admitted(admit(h.store(), &long).await).reservation;
    assert!(first.lease_until < second.lease_until && second.lease_until < long.lease_until);

    assert!(h.store().expired_reservations(h.now(), 10).await.unwrap().is_empty());
    h.advance(Duration::from_millis(400)).await;
    assert_eq!(h.store().expired_reservations(h.now(), 10).await.unwrap(), vec![first.clone(), second.clone()]);
    assert_eq!(h.store().expired_reservations(h.now(), 1).await.unwrap(), vec![first.clone()]);

    // Still open: the reconciler settles it at the reserved amount.
    assert_eq!(h.store().settle(&first, Usage { cost: first.reserved, tokens: 0 }).await.unwrap(), SettleOutcome::Settled);
    assert_eq!(h.store().expired_reservations(h.now(), 10).await.unwrap(), vec![second.clone()]);
    h.store().release(&second).await.unwrap();
    assert!(h.store().expired_reservations(h.now(), 10).await.unwrap().is_empty());
    assert_eq!(counters(h.store(), t, &b).await, (CENT, CENT));
    h.store().release(&long).await.unwrap();
}

/// Admitting a request id that already holds a reservation is an error and reserves nothing
/// more; the first reservation is untouched and closes normally.
pub async fn a_second_admission_of_one_request_reserves_nothing<H: Harness>(h: &H) {
    let t = tenant();
    let b = budget(Level::Key, 100 * CENT, true);
    let r = request(t, std::slice::from_ref(&b), flat(5 * CENT));
    let first = admitted(admit(h.store(), &r).await).reservation;
    assert!(matches!(h.store().admit(&r).await, Err(sluice_quota::QuotaError::Internal(_))));
    assert_eq!(counters(h.store(), t, &b).await, (0, 5 * CENT));
    assert_eq!(h.store().release(&first).await.unwrap(), SettleOutcome::Settled);
    assert_eq!(counters(h.store(), t, &b).await, (0, 0));
}
