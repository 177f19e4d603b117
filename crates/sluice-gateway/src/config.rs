//! What the gateway needs to run, as plain values (the binary builds it from its settings).

use std::path::PathBuf;
use std::time::Duration;

use sluice_domain::Money;

#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub max_messages: usize,
    /// Largest `n` (choices per request).
    pub max_n: u32,
    /// `max_tokens` when the request gives none and the model has no maximum.
    pub default_max_tokens: u32,
    /// Clamp `max_tokens` to what a hard budget still covers (true) or refuse the request (false).
    pub clamp_max_tokens_to_budget: bool,
    /// Reserve this much for a model without a price, or refuse it (None).
    pub unpriced_ceiling: Option<Money>,
    /// Burst of a rate limit, in seconds of its rate (rpm 60 with 10 s → burst 10).
    pub rate_burst_seconds: u32,
    /// How long a reservation may stay open before the reconciler settles it.
    pub reservation_lease: Duration,
    /// Serve from a snapshot at most this old; older means the database has been unreachable
    /// for too long, and the gateway fails closed.
    pub snapshot_max_staleness: Duration,
    pub snapshot_full_reload: Duration,
    /// Gateway replicas sharing the quota store: during an outage, orgs in `local` failure mode
    /// get 1/replicas of their limits and remaining budgets on each.
    pub expected_replicas: u32,
    /// How often a replica looks for reservations whose lease ended (shared store only).
    pub reconcile_every: Duration,
    /// Where the usage outbox (write-ahead file) lives; one subfolder per instance.
    pub outbox_dir: PathBuf,
    /// Names this instance's outbox folder (unique per gateway process on a machine).
    pub instance_id: String,
    /// On shutdown, how long in-flight streams may take to finish.
    pub drain_deadline: Duration,
}

impl GatewayConfig {
    pub fn new(outbox_dir: PathBuf, instance_id: String) -> Self {
        Self {
            max_body_bytes: 4 << 20,
            max_messages: 2000,
            max_n: 8,
            default_max_tokens: 4096,
            clamp_max_tokens_to_budget: true,
            unpriced_ceiling: None,
            rate_burst_seconds: 10,
            reservation_lease: Duration::from_secs(15 * 60),
            snapshot_max_staleness: Duration::from_secs(5 * 60),
            snapshot_full_reload: Duration::from_secs(30),
            reconcile_every: Duration::from_secs(30),
            expected_replicas: 1,
            outbox_dir,
            instance_id,
            drain_deadline: Duration::from_secs(30),
        }
    }
}
