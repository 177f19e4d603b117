//! The quota conformance suite: one set of cases, written once against the `QuotaStore` trait and
//! run against both stores — `LocalQuota` on a hand-moved clock and `RedisQuota` on a private
//! `redis-server` started for each test (see `harness`). Cases that only make sense for Redis
//! (two gateways, outages, the script cache, key expiry) are in `redis_only`; the state-machine
//! property is in `model`. The budget, lifecycle and limit cases run a third time against a
//! private three-node Redis Cluster (`cluster::<case>`), and `redis_cluster` checks what only a
//! cluster can break: orgs spread over nodes, and the reconciler and sync walks across them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod budgets;
mod harness;
mod lifecycle;
mod limits;
mod model;
mod redis_cluster;
mod redis_only;

/// Instantiates every generic case once per store: `local::<case>` and `redis::<case>`.
macro_rules! conformance {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test]
                async fn $case() {
                    crate::$module::$case(&crate::harness::LocalHarness::new()).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test]
                async fn $case() {
                    crate::$module::$case(&crate::harness::RedisHarness::start()).await;
                }
            )*
        }
    };
}

conformance!(
    budgets::race_admits_exactly_what_fits,
    budgets::race_after_cheaper_settles,
    budgets::hierarchy_refuses_without_reserving,
    budgets::clamps_output_tokens_to_the_budget,
    budgets::clamp_is_exact_for_awkward_prices,
    budgets::soft_budget_admits_past_its_amount,
    budgets::a_new_period_starts_at_zero,
    budgets::restore_spent_keeps_reservations,
    budgets::charge_adds_replayed_spend,
    lifecycle::settle_and_release_are_idempotent,
    lifecycle::expired_leases_are_reported_oldest_first,
    lifecycle::a_second_admission_of_one_request_reserves_nothing,
    limits::max_parallel_admits_five_of_twenty,
    limits::rpm_burst_then_retry_after,
    limits::team_rate_limit_applies_to_its_keys,
    limits::tpm_is_weighted_and_corrected,
);

/// The cases that must also hold on a Redis Cluster (each test starts its own three nodes).
macro_rules! on_cluster {
    ($($module:ident :: $case:ident),* $(,)?) => {
        mod cluster {
            $(
                #[tokio::test]
                async fn $case() {
                    crate::$module::$case(&crate::harness::ClusterHarness::start()).await;
                }
            )*
        }
    };
}

on_cluster!(
    budgets::race_admits_exactly_what_fits,
    budgets::race_after_cheaper_settles,
    budgets::hierarchy_refuses_without_reserving,
    budgets::clamps_output_tokens_to_the_budget,
    budgets::restore_spent_keeps_reservations,
    budgets::charge_adds_replayed_spend,
    lifecycle::settle_and_release_are_idempotent,
    lifecycle::expired_leases_are_reported_oldest_first,
    lifecycle::a_second_admission_of_one_request_reserves_nothing,
    limits::max_parallel_admits_five_of_twenty,
    limits::tpm_is_weighted_and_corrected,
);
