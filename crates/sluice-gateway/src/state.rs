//! Shared state of the gateway's handlers.

use std::sync::Arc;

use crate::config::GatewayConfig;
use crate::providers::upstream::Upstream;
use crate::quota::Quotas;
use crate::snapshot::SnapshotHandle;
use crate::usage::Outbox;
use crate::usage::alerts::AlertSink;

#[derive(Clone)]
pub struct GatewayState {
    pub snapshot: SnapshotHandle,
    pub quota: Arc<Quotas>,
    pub outbox: Outbox,
    pub config: Arc<GatewayConfig>,
    pub alerts: Arc<AlertSink>,
    /// The one pooled client (with breakers and retry budget) every provider call goes through.
    pub upstream: Arc<Upstream>,
    /// Budget shares last seen, for budget-aware routing.
    pub budget_use: Arc<crate::routing::budget_use::BudgetUse>,
}
