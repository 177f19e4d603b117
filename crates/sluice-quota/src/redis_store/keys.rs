//! Key names (the layout is documented in the module header of `redis_store`).
//!
//! Every key of one org carries the hash tag `{o:<org uuid>}`, so all keys one admission touches
//! hash to one Redis Cluster slot and one script call can take them together. The version prefix
//! `sq1` changes whenever the scripts change the meaning of a key, so an upgraded gateway never
//! reads counters written under other rules (they expire on their own).

use sluice_domain::ids::{BudgetId, OrgId, RequestId};
use uuid::Uuid;

use crate::{Level, LimitKind};

pub(super) const VERSION: &str = "sq1";

fn tag(org: OrgId) -> String {
    format!("{VERSION}:{{o:{org}}}")
}

fn level_code(level: Level) -> &'static str {
    match level {
        Level::Key => "k",
        Level::Team => "t",
        Level::Org => "o",
    }
}

/// The set of orgs that have (or had) open reservations: the reconciler's starting point. It lives
/// in its own slot, so it is written before the admission script, never by it.
pub(super) fn lease_orgs() -> String {
    format!("{VERSION}:lease-orgs")
}

/// One org's open reservations, scored by lease deadline (ms since the epoch).
pub(super) fn leases(org: OrgId) -> String {
    format!("{}:leases", tag(org))
}

/// What one request reserved (a hash), present exactly while the reservation is open.
pub(super) fn record(org: OrgId, request: RequestId) -> String {
    format!("{}:r:{request}", tag(org))
}

/// The GCRA theoretical arrival time (µs since the epoch) of one rate limit.
pub(super) fn tat(org: OrgId, level: Level, id: Uuid, kind: LimitKind) -> String {
    let kind = if kind == LimitKind::Tpm { "tpm" } else { "rpm" };
    format!("{}:tat:{}:{id}:{kind}", tag(org), level_code(level))
}

/// Requests in flight for one entity.
pub(super) fn in_flight(org: OrgId, level: Level, id: Uuid) -> String {
    format!("{}:par:{}:{id}", tag(org), level_code(level))
}

/// Present once this org's counters are known to be complete: set after they were rebuilt from
/// the ledger. Redis losing its data loses the marker too, and admissions fail closed until a
/// gateway has rebuilt them.
pub(super) fn synced(org: OrgId) -> String {
    format!("{}:synced", tag(org))
}

/// A budget's counters (`spent`, `reserved`; integer nano-USD) in one period.
pub(super) fn budget(org: OrgId, budget: BudgetId, period: &str) -> String {
    format!("{}:b:{budget}:{period}", tag(org))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_one_org_share_its_hash_tag() {
        let org = OrgId::new();
        let expected = format!("{{o:{org}}}");
        let (tpm, parallel) = (tat(org, Level::Key, Uuid::nil(), LimitKind::Tpm), in_flight(org, Level::Org, Uuid::nil()));
        for key in [leases(org), record(org, RequestId::new()), tpm, parallel, budget(org, BudgetId::new(), "m2026-11")] {
            assert!(key.starts_with("sq1:"), "{key}");
            assert_eq!(key.matches('{').count(), 1, "{key}");
            assert!(key.contains(&expected), "{key}");
        }
    }
}
