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
    /// Timeouts, retries and circuit breaking towards providers.
    pub upstream: UpstreamSettings,
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
            upstream: UpstreamSettings::default(),
        }
    }
}

/// How the gateway talks to providers. Three distinct timeouts, because they fail differently:
/// a provider that cannot be reached, one that accepted the request but does not answer, and a
/// stream that stopped mid-way.
#[derive(Debug, Clone)]
pub struct UpstreamSettings {
    /// TCP (and TLS) connection set-up.
    pub connect_timeout: Duration,
    /// From sending the request to the response headers.
    pub first_byte_timeout: Duration,
    /// Longest silence between the headers and the first chunk of the body, and between two
    /// chunks after that.
    pub idle_timeout: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each further one, with full jitter.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A provider's `Retry-After` is honoured up to this; asked to wait longer, the gateway
    /// gives up instead of holding the caller.
    pub retry_after_cap: Duration,
    /// Retries may add at most this share of the requests over `retry_budget_window`…
    pub retry_budget_percent: u32,
    /// …but this many retries per window are always allowed, so a quiet gateway still retries.
    pub retry_budget_min: u32,
    pub retry_budget_window: Duration,
    /// Consecutive failures of one (provider, model) that open its circuit breaker.
    pub breaker_failures: u32,
    /// How long an open breaker refuses calls before letting one probe through.
    pub breaker_cooldown: Duration,
    /// Largest non-streaming response body read from a provider.
    pub max_response_bytes: usize,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            first_byte_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_attempts: 3,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(2),
            retry_after_cap: Duration::from_secs(5),
            retry_budget_percent: 20,
            retry_budget_min: 10,
            retry_budget_window: Duration::from_secs(10),
            breaker_failures: 5,
            breaker_cooldown: Duration::from_secs(30),
            max_response_bytes: 32 << 20,
        }
    }
}
