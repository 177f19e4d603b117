//! The one upstream client of the gateway, built once at start-up and shared by every request:
//! connection pools (one per trust class, see below), the timeouts, the circuit breakers and the
//! retry budget.
//!
//! Two pooled `reqwest` clients differ only in their DNS resolver: the one for `local` providers
//! may reach loopback and private addresses, the one for `private` and `external` providers may
//! not (see [`ssrf`](super::ssrf)). Keeping them apart means a pooled connection opened for a
//! local provider can never be reused for an external one.
//!
//! Timeouts: the connect timeout is the client's; the first-byte and idle timeouts are applied
//! per call by the provider code (around the response headers, and around every body chunk), so
//! each surfaces as its own error instead of one opaque "request timed out". There is no total
//! request timeout: a long stream that keeps producing is healthy.

use std::time::Duration;

use sluice_domain::provider::TrustTier;

use super::breaker::Breakers;
use super::retry_budget::RetryBudget;
use super::ssrf::FilteringResolver;
use crate::config::UpstreamSettings;

pub struct Upstream {
    local: reqwest::Client,
    remote: reqwest::Client,
    pub settings: UpstreamSettings,
    pub breakers: Breakers,
    pub retry_budget: RetryBudget,
}

impl Upstream {
    pub fn new(settings: &UpstreamSettings) -> Result<Self, reqwest::Error> {
        Ok(Self {
            local: client(settings, TrustTier::Local)?,
            remote: client(settings, TrustTier::External)?,
            settings: settings.clone(),
            breakers: Breakers::new(settings.breaker_failures, settings.breaker_cooldown),
            retry_budget: RetryBudget::new(settings.retry_budget_percent, settings.retry_budget_min, settings.retry_budget_window),
        })
    }

    /// The client whose resolver enforces this trust tier's address rules.
    pub fn client(&self, tier: TrustTier) -> &reqwest::Client {
        match tier {
            TrustTier::Local => &self.local,
            // Private and external tiers share the rules: public addresses only.
            TrustTier::Private | TrustTier::External => &self.remote,
        }
    }
}

fn client(settings: &UpstreamSettings, tier: TrustTier) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .dns_resolver(FilteringResolver::new(tier))
        // A proxy would resolve the provider's name itself, out of the resolver's sight.
        .no_proxy()
        // A redirect could lead to an address the base URL check never saw, and would resend
        // the prompt; providers' APIs do not redirect.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .tcp_keepalive(Duration::from_secs(30))
        .user_agent(concat!("sluice/", env!("CARGO_PKG_VERSION")))
        .build()
}
