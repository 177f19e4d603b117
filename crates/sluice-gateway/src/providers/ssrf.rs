//! SSRF protection at connect time. The admin API checks a provider's base URL when it is saved,
//! but a host name can resolve elsewhere later (DNS rebinding, a changed record, a poisoned
//! cache). So every address the gateway is about to connect to is checked again, here, with the
//! same rules ([`classify_ip`], [`check_target`]): providers of trust tier `local` may reach
//! loopback and private addresses; no provider may reach link-local or metadata addresses;
//! `private` and `external` providers only reach public addresses.
//!
//! Host names go through [`FilteringResolver`], the DNS resolver of the upstream clients: it
//! drops the addresses the tier forbids and fails when none is left, so the connection is never
//! attempted. Literal IP hosts never reach a resolver, so [`check_literal_host`] checks them
//! before the request is built. Proxies are disabled on these clients (a proxy would resolve
//! the name itself, beyond our check).

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sluice_domain::provider::{TrustTier, check_target, classify_ip};

/// The provider's address is one its trust tier may not reach.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the provider host {host} resolves only to addresses its trust tier may not reach ({reason})")]
pub struct AddressRefused {
    pub host: String,
    pub reason: String,
}

fn allowed(tier: TrustTier, ip: IpAddr) -> Result<(), String> {
    check_target(tier, classify_ip(ip)).map_err(|e| e.to_string())
}

/// Checks a URL whose host is a literal address; host names are left to the resolver.
pub fn check_literal_host(url: &reqwest::Url, tier: TrustTier) -> Result<(), AddressRefused> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    allowed(tier, ip).map_err(|reason| AddressRefused { host: ip.to_string(), reason })
}

/// Resolves with the system resolver, then keeps only the addresses `tier` may reach.
#[derive(Debug, Clone, Copy)]
pub struct FilteringResolver {
    tier: TrustTier,
}

impl FilteringResolver {
    pub fn new(tier: TrustTier) -> Self {
        Self { tier }
    }

    pub async fn resolve_host(self, host: &str) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
        let mut refusal = None;
        let kept: Vec<SocketAddr> = resolved
            .into_iter()
            .filter(|addr| match allowed(self.tier, addr.ip()) {
                Ok(()) => true,
                Err(reason) => {
                    // Logged once, as a warning, where the refusal becomes the request's error.
                    tracing::debug!(host, address = %addr.ip(), tier = %self.tier.as_str(), "provider address refused at connect time");
                    refusal = Some(reason);
                    false
                }
            })
            .collect();
        match (kept.is_empty(), refusal) {
            (true, Some(reason)) => {
                metrics::counter!("sluice_upstream_address_refused_total").increment(1);
                Err(Box::new(AddressRefused { host: host.to_owned(), reason }))
            }
            _ => Ok(kept),
        }
    }
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolver.resolve_host(&host).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The refusal inside a client error, if that is why the request failed.
pub fn refusal_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a AddressRefused> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(refused) = e.downcast_ref::<AddressRefused>() {
            return Some(refused);
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused_unless_local() {
        let refused = FilteringResolver::new(TrustTier::External).resolve_host("localhost").await.unwrap_err();
        assert!(refusal_in(refused.as_ref()).is_some(), "{refused}");
        assert!(FilteringResolver::new(TrustTier::Private).resolve_host("localhost").await.is_err());
        let local = FilteringResolver::new(TrustTier::Local).resolve_host("localhost").await.unwrap();
        assert!(!local.is_empty() && local.iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn literal_addresses_are_checked_before_any_connection() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(check_literal_host(&url("https://127.0.0.1:8443/v1"), TrustTier::External).is_err());
        assert!(check_literal_host(&url("https://[::1]/v1"), TrustTier::Private).is_err());
        assert!(check_literal_host(&url("http://169.254.169.254/"), TrustTier::Local).is_err(), "metadata is never reachable");
        assert!(check_literal_host(&url("http://127.0.0.1:8000/v1"), TrustTier::Local).is_ok());
        assert!(check_literal_host(&url("https://api.openai.com/v1"), TrustTier::External).is_ok(), "names are the resolver's job");
    }
}
