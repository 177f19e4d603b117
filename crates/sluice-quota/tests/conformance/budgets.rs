//! Budget cases: races for the last dollar, the hierarchy, clamping, soft budgets, periods and
//! restoring spend.

use std::time::Instant;

use futures_util::future::join_all;
use sluice_domain::Money;
use sluice_quota::{BudgetCheck, Decision, Level, QuotaStore, Reservation, Tenant, Usage};

use crate::harness::*;

const DOLLAR: i64 = 1_000_000_000;
const CENT: i64 = DOLLAR / 100;

/// Admits `n` requests of `reserve` nano-USD concurrently; returns the admitted reservations.
async fn burst<H: Harness>(h: &H, tenant: Tenant, budgets: &[BudgetCheck], n: usize, reserve: i64) -> Vec<Reservation> {
    let requests: Vec<_> = (0..n).map(|_| request(tenant, budgets, flat(reserve))).collect();
    let started = Instant::now();
    let decisions = join_all(requests.iter().map(|r| h.store().admit(r))).await;
    eprintln!("{n}-way admission burst took {:?}", started.elapsed());
    let mut admitted = Vec::new();
    for decision in decisions {
        match decision.unwrap() {
            Decision::Admitted(grant) => admitted.push(grant.reservation),
            Decision::BudgetExceeded { level: Level::Key, .. } => {}
            other => panic!("unexpected decision {other:?}"),
        }
    }
    admitted
}

async fn settle_all<S: QuotaStore>(store: &S, reservations: &[Reservation], cost: i64) {
    let usage = Usage { cost: Money::from_nanos(cost), tokens: 0 };
    let outcomes = join_all(reservations.iter().map(|r| store.settle(r, usage))).await;
    assert!(outcomes.into_iter().all(|o| o.unwrap() == sluice_quota::SettleOutcome::Settled));
}

/// L1: $1.00, 100 concurrent requests reserving $0.05 each: exactly 20 pass, and settling them
/// at $0.05 spends exactly the budget with nothing left reserved.
pub async fn race_admits_exactly_what_fits<H: Harness>(h: &H) {
    let t = tenant();
    let key_budget = budget(Level::Key, DOLLAR, true);
    let admitted = burst(h, t, std::slice::from_ref(&key_budget), 100, 5 * CENT).await;
    assert_eq!(admitted.len(), 20);
    assert_eq!(counters(h.store(), t, &key_budget).await, (0, DOLLAR));
    settle_all(h.store(), &admitted, 5 * CENT).await;
    assert_eq!(counters(h.store(), t, &key_budget).await, (DOLLAR, 0));
}

/// L1 variant: settled at $0.03 the burst leaves $0.40; a second burst reserving $0.03 admits 13.
pub async fn race_after_cheaper_settles<H: Harness>(h: &H) {
    let t = tenant();
    let key_budget = budget(Level::Key, DOLLAR, true);
    let first = burst(h, t, std::slice::from_ref(&key_budget), 100, 5 * CENT).await;
    assert_eq!(first.len(), 20);
    settle_all(h.store(), &first, 3 * CENT).await;
    assert_eq!(counters(h.store(), t, &key_budget).await, (60 * CENT, 0));
    let second = burst(h, t, std::slice::from_ref(&key_budget), 100, 3 * CENT).await;
    assert_eq!(second.len(), 13);
    settle_all(h.store(), &second, 3 * CENT).await;
    assert_eq!(counters(h.store(), t, &key_budget).await, (99 * CENT, 0));
}

/// The key budget has room but the org budget does not: refused, and nothing anywhere moved —
/// not the budgets, not the in-flight slot, not the rate limiter.
pub async fn hierarchy_refuses_without_reserving<H: Harness>(h: &H) {
    let t = tenant();
    let key_budget = budget(Level::Key, DOLLAR, true);
    let team_budget = budget(Level::Team, DOLLAR, false);
    let org_budget = budget(Level::Org, CENT, true);
    let budgets = [key_budget.clone(), team_budget.clone(), org_budget.clone()];
    let one_at_a_time = sluice_quota::RateSpec { per_minute: 1, burst: 1 };
    let mut refused = request(t, &budgets, flat(5 * CENT));
    refused.limits = vec![limits(t, Level::Key, Some(one_at_a_time), None, Some(1))];
    match admit(h.store(), &refused).await {
        Decision::BudgetExceeded { level, budget_id, remaining } => {
            assert_eq!((level, budget_id, remaining.nanos()), (Level::Org, org_budget.budget_id, CENT));
        }
        other => panic!("expected the org budget to refuse, got {other:?}"),
    }
    for b in &budgets {
        assert_eq!(counters(h.store(), t, b).await, (0, 0), "{:?} budget changed", b.level);
    }
    // The refused request took neither the only slot nor the only rate token.
    let mut fits = request(t, &budgets, flat(CENT));
    fits.limits = refused.limits.clone();
    let grant = admitted(admit(h.store(), &fits).await);
    assert_eq!(grant.budgets.iter().map(|b| b.reserved.nanos()).collect::<Vec<_>>(), vec![CENT; 3]);
}

/// Remaining covers only part of max_output_tokens: the grant is clamped to what fits exactly;
/// a minimum above that is refused.
pub async fn clamps_output_tokens_to_the_budget<H: Harness>(h: &H) {
    let t = tenant();
    let key_budget = budget(Level::Key, 1_000_000, true);
    // 100_000 fixed + 2_000 nano per output token: 900_000 left pays for 450 tokens.
    let grant = admitted(admit(h.store(), &request(t, std::slice::from_ref(&key_budget), priced(100_000, 2_000_000_000, 1, 4096))).await);
    assert_eq!((grant.reservation.granted_output_tokens, grant.reservation.reserved.nanos()), (450, 1_000_000));
    let other = budget(Level::Key, 1_000_000, true);
    match admit(h.store(), &request(t, std::slice::from_ref(&other), priced(100_000, 2_000_000_000, 451, 4096))).await {
        Decision::BudgetExceeded { remaining, .. } => assert_eq!(remaining.nanos(), 1_000_000),
        d => panic!("a minimum above what fits must be refused, got {d:?}"),
    }
    assert_eq!(counters(h.store(), t, &other).await, (0, 0));
}

/// The clamp agrees with exact integer arithmetic for awkward prices, including products of
/// price and tokens far beyond 2^53 where a double rounds: a third of the cases are random, the
/// others put the budget exactly on, or one nano below, the cost of some token count, where a
/// cost computed in floating point is off by one often enough to be caught.
pub async fn clamp_is_exact_for_awkward_prices<H: Harness>(h: &H) {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |bound: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % bound
    };
    for case in 0..240 {
        let (lo, hi) = (next(1000) as u32, 1000 + next(5_000_000) as u32);
        let (fixed, price, amount) = if case % 3 == 0 {
            let amount = 1 + next(4_000_000_000_000_000) as i64;
            let price = [1 + next(1_000_000), next(200_000_000_000), next(1_000_000_000_000_000)][next(3) as usize] as i64;
            (next(1 + amount as u64 / 2) as i64, price, amount)
        } else {
            let (fixed, price) = (next(1_000_000_000) as i64, 1_000_000_000_000 + next(999_000_000_000_000) as i64);
            let target = lo + next(u64::from(hi - lo)) as u32;
            let exact = priced(fixed, price, lo, hi).reservation_for(target).nanos();
            (fixed, price, if case % 3 == 1 { exact } else { exact - 1 })
        };
        let t = tenant();
        let b = budget(Level::Key, amount, true);
        let plan = priced(fixed, price, lo, hi);
        // The largest g in [lo, hi] whose exact reservation fits, by bisection on the spec.
        let fits = |g: u32| plan.reservation_for(g).nanos() <= amount;
        let expected = if !fits(lo) {
            None
        } else {
            let (mut a, mut z) = (lo, hi);
            while a < z {
                let m = a + (z - a).div_ceil(2);
                if fits(m) { a = m } else { z = m - 1 }
            }
            Some(a)
        };
        let got = match admit(h.store(), &request(t, std::slice::from_ref(&b), plan)).await {
            Decision::Admitted(grant) => {
                assert_eq!(grant.reservation.reserved, plan.reservation_for(grant.reservation.granted_output_tokens));
                assert!(grant.reservation.reserved.nanos() <= amount);
                Some(grant.reservation.granted_output_tokens)
            }
            Decision::BudgetExceeded { .. } => None,
            d => panic!("{d:?}"),
        };
        assert_eq!(got, expected, "case {case}: amount {amount} price {price} fixed {fixed} range {lo}..={hi}");
    }
}

/// A soft budget counts but never refuses.
pub async fn soft_budget_admits_past_its_amount<H: Harness>(h: &H) {
    let t = tenant();
    let soft = budget(Level::Team, CENT, false);
    for _ in 0..3 {
        let grant = admitted(admit(h.store(), &request(t, std::slice::from_ref(&soft), flat(5 * CENT))).await);
        h.store().settle(&grant.reservation, Usage { cost: Money::from_nanos(5 * CENT), tokens: 0 }).await.unwrap();
    }
    assert_eq!(counters(h.store(), t, &soft).await, (15 * CENT, 0));
}

/// A new period label starts from zero, whatever the previous period spent.
pub async fn a_new_period_starts_at_zero<H: Harness>(h: &H) {
    let t = tenant();
    let mut october = budget(Level::Org, 10 * CENT, true);
    october.period = "m2026-10".to_owned();
    october.period_end = Some(h.now() + chrono::Duration::days(20));
    let grant = admitted(admit(h.store(), &request(t, std::slice::from_ref(&october), flat(10 * CENT))).await);
    h.store().settle(&grant.reservation, Usage { cost: Money::from_nanos(10 * CENT), tokens: 0 }).await.unwrap();
    assert!(matches!(admit(h.store(), &request(t, std::slice::from_ref(&october), flat(1))).await, Decision::BudgetExceeded { .. }));

    let november = BudgetCheck { period: "m2026-11".to_owned(), period_end: Some(h.now() + chrono::Duration::days(50)), ..october.clone() };
    assert_eq!(counters(h.store(), t, &november).await, (0, 0));
    admitted(admit(h.store(), &request(t, std::slice::from_ref(&november), flat(10 * CENT))).await);
    assert_eq!(counters(h.store(), t, &october).await, (10 * CENT, 0));
}

/// Restoring spend (from the ledger) keeps what open reservations hold, and admission sees it.
pub async fn restore_spent_keeps_reservations<H: Harness>(h: &H) {
    let t = tenant();
    let b = budget(Level::Key, DOLLAR, true);
    let open = admitted(admit(h.store(), &request(t, std::slice::from_ref(&b), flat(5 * CENT))).await);
    h.store().restore_spent(t.org, &b, Money::from_nanos(90 * CENT)).await.unwrap();
    assert_eq!(counters(h.store(), t, &b).await, (90 * CENT, 5 * CENT));
    match admit(h.store(), &request(t, std::slice::from_ref(&b), flat(6 * CENT))).await {
        Decision::BudgetExceeded { remaining, .. } => assert_eq!(remaining.nanos(), 5 * CENT),
        d => panic!("{d:?}"),
    }
    h.store().settle(&open.reservation, Usage { cost: Money::from_nanos(5 * CENT), tokens: 0 }).await.unwrap();
    assert_eq!(counters(h.store(), t, &b).await, (95 * CENT, 0));
}

/// Spend replayed after an outage adds to the counter and then counts against the budget.
pub async fn charge_adds_replayed_spend<H: Harness>(h: &H) {
    let t = tenant();
    let b = budget(Level::Key, DOLLAR, true);
    h.store().charge(t.org, &b, Money::from_nanos(40 * CENT)).await.unwrap();
    h.store().charge(t.org, &b, Money::from_nanos(50 * CENT)).await.unwrap();
    assert_eq!(counters(h.store(), t, &b).await, (90 * CENT, 0));
    match admit(h.store(), &request(t, std::slice::from_ref(&b), flat(11 * CENT))).await {
        Decision::BudgetExceeded { remaining, .. } => assert_eq!(remaining.nanos(), 10 * CENT),
        d => panic!("{d:?}"),
    }
}
