//! The HTTP client webhooks are sent with. Endpoint URLs pass the SSRF rules when they are saved
//! (the admin API), but a host name can resolve elsewhere later, so the client's resolver drops
//! every address the configured target rules forbid and a literal-address URL is checked before
//! sending — the same rules (`check_target`) as provider URLs, with the tier standing for "what
//! webhook targets may be": `external` by default (public addresses only), `local` when the
//! operator allows receivers on loopback and private networks. Redirects are not followed (a
//! redirect could lead past the check) and no proxy is used (it would resolve names itself).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sluice_domain::provider::{TrustTier, check_target, classify_ip};

use crate::AlertsError;

/// Resolves with the system resolver and keeps only the addresses webhook targets may use.
#[derive(Debug, Clone, Copy)]
struct TargetResolver {
    tier: TrustTier,
}

impl Resolve for TargetResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let tier = self.tier;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = found.into_iter().filter(|a| address_allowed(tier, a.ip())).collect();
            if kept.is_empty() {
                return Err(format!("webhook host {host} resolves to no address webhooks may reach").into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

pub(crate) fn address_allowed(tier: TrustTier, ip: IpAddr) -> bool {
    check_target(tier, classify_ip(ip)).is_ok()
}

/// Refuses a URL whose host is a literal address the tier may not reach (names go to the resolver).
pub(crate) fn literal_host_allowed(url: &reqwest::Url, tier: TrustTier) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => address_allowed(tier, IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => address_allowed(tier, IpAddr::V6(ip)),
        _ => true,
    }
}

pub(crate) fn build(tier: TrustTier, timeout: Duration) -> Result<reqwest::Client, AlertsError> {
    reqwest::Client::builder()
        .dns_resolver(std::sync::Arc::new(TargetResolver { tier }))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("sluice-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AlertsError::Client(e.to_string()))
}
