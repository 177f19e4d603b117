//! The state-machine property (acceptance B7): random sequences of admit, settle, release,
//! reconcile-expired, and duplicated or out-of-order events — a second admission of the same
//! request, a settle or release arriving after the request was already settled, released or
//! settled by the reconciler — against a model of what the budgets must hold.
//!
//! Every request reserves on the same three budgets (key hard, team hard or soft, org hard), so
//! the model is small: the open reservations and the sum of settled costs. After every step, for
//! every budget: spent = the settled sum, reserved = the open sum, neither negative, and
//! spent + reserved ≤ amount for hard budgets — that is, remaining + reserved + settled equals
//! the initial amount with remaining never negative. Late and duplicate events change nothing. Each admission is also checked against the exact
//! clamp: the grant is the largest that fits the tightest hard budget, and a refusal means even
//! the minimum did not fit. At the end everything is released and reserved returns to 0.

use chrono::Utc;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sluice_domain::Money;
use sluice_quota::local::LocalQuota;
use sluice_quota::{BudgetCheck, Decision, Level, QuotaStore, Reservation, SettleOutcome, Tenant, Usage};

use crate::harness::*;

#[derive(Debug, Clone)]
enum Op {
    Admit { fixed: i64, price: i64, min: u32, span: u32 },
    Settle { pick: usize, percent: i64 },
    Release { pick: usize },
    SettleAgain { pick: usize },
    /// A release arriving after the request was settled, released or reconciled.
    ReleaseAgain { pick: usize },
    /// An open request admitted a second time (a replayed admission).
    AdmitAgain { pick: usize },
    Reconcile { limit: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0i64..300_000_000, 0i64..50_000_000_000, 0u32..200, 0u32..5000)
            .prop_map(|(fixed, price, min, span)| Op::Admit { fixed, price, min, span }),
        2 => (any::<usize>(), 0i64..=100).prop_map(|(pick, percent)| Op::Settle { pick, percent }),
        1 => any::<usize>().prop_map(|pick| Op::Release { pick }),
        1 => any::<usize>().prop_map(|pick| Op::SettleAgain { pick }),
        1 => any::<usize>().prop_map(|pick| Op::ReleaseAgain { pick }),
        1 => any::<usize>().prop_map(|pick| Op::AdmitAgain { pick }),
        1 => (1usize..4).prop_map(|limit| Op::Reconcile { limit }),
    ]
}

/// Amounts of the key, team and org budgets, and whether the team's is hard.
fn setup() -> impl Strategy<Value = (i64, i64, bool, i64)> {
    (100_000_000i64..3_000_000_000, 10_000_000i64..3_000_000_000, any::<bool>(), 100_000_000i64..3_000_000_000)
}

async fn run<S: QuotaStore>(store: &S, (key, team, team_hard, org): (i64, i64, bool, i64), ops: Vec<Op>) -> Result<(), TestCaseError> {
    let t = tenant();
    let budgets = [budget(Level::Key, key, true), budget(Level::Team, team, team_hard), budget(Level::Org, org, true)];
    let (mut open, mut closed, mut spent): (Vec<Reservation>, Vec<Reservation>, i64) = (Vec::new(), Vec::new(), 0);
    // Every admitted request, to replay its admission.
    let mut admitted = Vec::new();
    let unwrap = |e: sluice_quota::QuotaError| TestCaseError::fail(e.to_string());
    for op in ops {
        match op {
            Op::Admit { fixed, price, min, span } => {
                let plan = priced(fixed, price, min, min + span);
                let held: i64 = open.iter().map(|r| r.reserved.nanos()).sum();
                let headroom = budgets.iter().filter(|b| b.hard).map(|b| b.amount.nanos() - spent - held).min().unwrap_or(i64::MAX);
                let req = request(t, &budgets, plan);
                match store.admit(&req).await.map_err(unwrap)? {
                    Decision::Admitted(grant) => {
                        let r = grant.reservation;
                        prop_assert_eq!(r.reserved, plan.reservation_for(r.granted_output_tokens));
                        prop_assert!(r.reserved.nanos() <= headroom);
                        let largest = r.granted_output_tokens == min + span;
                        prop_assert!(largest || plan.reservation_for(r.granted_output_tokens + 1).nanos() > headroom);
                        open.push(r);
                        admitted.push(req);
                    }
                    Decision::BudgetExceeded { remaining, .. } => {
                        prop_assert!(plan.reservation_for(min).nanos() > headroom);
                        prop_assert_eq!(remaining.nanos(), headroom.max(0));
                    }
                    other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
                }
            }
            Op::Settle { pick, percent } if !open.is_empty() => {
                let r = open.remove(pick % open.len());
                let cost = r.reserved.nanos() * percent / 100;
                let outcome = store.settle(&r, Usage { cost: Money::from_nanos(cost), tokens: 0 }).await.map_err(unwrap)?;
                prop_assert_eq!(outcome, SettleOutcome::Settled);
                spent += cost;
                closed.push(r);
            }
            Op::Release { pick } if !open.is_empty() => {
                let r = open.remove(pick % open.len());
                prop_assert_eq!(store.release(&r).await.map_err(unwrap)?, SettleOutcome::Settled);
                closed.push(r);
            }
            Op::SettleAgain { pick } if !closed.is_empty() => {
                let r = &closed[pick % closed.len()];
                let outcome = store.settle(r, Usage { cost: r.reserved, tokens: 7 }).await.map_err(unwrap)?;
                prop_assert_eq!(outcome, SettleOutcome::AlreadyClosed);
            }
            Op::ReleaseAgain { pick } if !closed.is_empty() => {
                let r = &closed[pick % closed.len()];
                prop_assert_eq!(store.release(r).await.map_err(unwrap)?, SettleOutcome::AlreadyClosed);
            }
            Op::AdmitAgain { pick } if !open.is_empty() => {
                // Refused while the first admission is open: the request id holds a reservation
                // record. (Once closed, the record is gone and the id could reserve again; the
                // gateway never reuses a request id, so that replay cannot happen.)
                let id = open[pick % open.len()].request_id;
                let req = admitted.iter().find(|r: &&sluice_quota::AdmitRequest| r.request_id == id).ok_or_else(|| TestCaseError::fail("admission not kept"))?;
                prop_assert!(store.admit(req).await.is_err(), "a replayed admission was admitted again");
            }
            Op::Reconcile { limit } => {
                // Other cases' leftovers may share the store: look at this tenant's leases only.
                let far_future = Utc::now() + chrono::Duration::days(1);
                let listed = store.expired_reservations(far_future, 10_000).await.map_err(unwrap)?;
                let mine: Vec<_> = listed.into_iter().filter(|r| r.tenant == t).collect();
                let mut expected = open.clone();
                expected.sort_by_key(|r| (r.lease_until, r.request_id));
                prop_assert_eq!(&mine, &expected);
                // The reconciler settles conservatively, at the reserved amount.
                for r in mine.into_iter().take(limit) {
                    prop_assert_eq!(store.settle(&r, Usage { cost: r.reserved, tokens: 0 }).await.map_err(unwrap)?, SettleOutcome::Settled);
                    spent += r.reserved.nanos();
                    open.retain(|o| o.request_id != r.request_id);
                    closed.push(r);
                }
            }
            _ => {}
        }
        check(store, t, &budgets, spent, open.iter().map(|r| r.reserved.nanos()).sum()).await?;
    }
    for r in open.drain(..) {
        prop_assert_eq!(store.release(&r).await.map_err(unwrap)?, SettleOutcome::Settled);
    }
    check(store, t, &budgets, spent, 0).await
}

async fn check<S: QuotaStore>(store: &S, t: Tenant, budgets: &[BudgetCheck], spent: i64, reserved: i64) -> Result<(), TestCaseError> {
    for b in budgets {
        let state = store.budget_state(t.org, b).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((state.spent.nanos(), state.reserved.nanos()), (spent, reserved), "{:?} budget", b.level);
        prop_assert!(spent >= 0 && reserved >= 0);
        if b.hard {
            // remaining + reserved + settled == initial, with remaining never negative.
            let remaining = b.amount.nanos() - state.spent.nanos() - state.reserved.nanos();
            prop_assert!(remaining >= 0, "{:?} budget over its amount", b.level);
            prop_assert_eq!(remaining + reserved + spent, b.amount.nanos());
        }
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

#[test]
fn local_store_keeps_the_budget_invariants() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runner(sluice_testkit::acceptance::B7_MODEL_CASES_LOCAL).run(&(setup(), vec(op(), 1..60)), |(s, ops)| rt.block_on(run(&LocalQuota::new(), s, ops))).unwrap();
}

#[test]
fn redis_store_keeps_the_budget_invariants() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let server = RedisServer::start();
    let store = rt.block_on(async { redis_store(&server, FUNCTIONAL_TIMEOUT) });
    runner(sluice_testkit::acceptance::B7_MODEL_CASES_REDIS).run(&(setup(), vec(op(), 1..60)), |(s, ops)| rt.block_on(run(&store, s, ops))).unwrap();
}
