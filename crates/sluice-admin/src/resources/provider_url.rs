//! The SSRF check for a provider's base URL, as the admin API runs it.
//!
//! `ProviderBaseUrl::parse` refuses literal addresses and well-known internal host names that a
//! provider of the given trust tier may not target. A host name can still resolve to an internal
//! address (`metadata.attacker.example` → 169.254.169.254), so when the configuration asks for it
//! we also resolve the name and check every address it resolves to: one bad answer is enough to
//! refuse, because the gateway may connect to any of them. This is a check at write time only;
//! DNS answers change, so the gateway checks the address again when it connects. Webhook
//! endpoint URLs go through the same check ([`checked_url`] with their own field name).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use sluice_domain::provider::{ProviderBaseUrl, TrustTier, check_target, classify_ip};

use crate::error::ApiError;

/// The JSON field every failure here is reported on.
const FIELD: &str = "base_url";
/// A resolver that does not answer in this time is treated like a name that does not resolve,
/// so a slow DNS server cannot hold an admin request (and its pooled connection) open.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Parses and checks `raw` for a provider of trust tier `tier`. With `resolve`, a host name is
/// resolved and each of its addresses must be a valid target too.
pub async fn checked_base_url(raw: &str, tier: TrustTier, resolve: bool) -> Result<ProviderBaseUrl, ApiError> {
    checked_url(raw, tier, resolve, FIELD).await
}

/// [`checked_base_url`] for a URL reported on another JSON field.
pub async fn checked_url(raw: &str, tier: TrustTier, resolve: bool, field: &str) -> Result<ProviderBaseUrl, ApiError> {
    let url = ProviderBaseUrl::parse(raw, tier).map_err(|e| ApiError::field(field, e.0))?;
    if !resolve || url.is_ip_literal() {
        return Ok(url);
    }
    let host = url.host().ok_or_else(|| ApiError::field(field, "must name a host"))?;
    let lookup = tokio::net::lookup_host((host.as_str(), url.port_or_default()));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(_)) | Err(_) => Vec::new(),
    };
    check_resolved(tier, addresses.iter().map(SocketAddr::ip), field)?;
    Ok(url)
}

/// Every resolved address must be a valid target for the tier; no address at all is refused too.
fn check_resolved(tier: TrustTier, addresses: impl IntoIterator<Item = IpAddr>, field: &str) -> Result<(), ApiError> {
    let mut any = false;
    for ip in addresses {
        any = true;
        // The message leaves out the address: an admin token should not become a tool for
        // mapping the internal network through DNS.
        check_target(tier, classify_ip(ip)).map_err(|e| ApiError::field(field, format!("host name {}", e.0)))?;
    }
    if any { Ok(()) } else { Err(ApiError::field(field, "host does not resolve")) }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn every_resolved_address_must_be_allowed() {
        assert!(check_resolved(TrustTier::External, [v4(93, 184, 216, 34)], FIELD).is_ok());
        // One internal answer among public ones is enough to refuse.
        assert!(check_resolved(TrustTier::External, [v4(93, 184, 216, 34), v4(10, 0, 0, 1)], FIELD).is_err());
        assert!(check_resolved(TrustTier::Private, [IpAddr::V6(Ipv6Addr::LOCALHOST)], FIELD).is_err());
        assert!(check_resolved(TrustTier::Local, [v4(127, 0, 0, 1), v4(192, 168, 1, 10)], FIELD).is_ok());
        // Metadata is refused whatever the tier.
        assert!(check_resolved(TrustTier::Local, [v4(169, 254, 169, 254)], FIELD).is_err());
    }

    #[test]
    fn no_address_means_the_host_does_not_resolve() {
        let err = check_resolved(TrustTier::External, [], FIELD).unwrap_err();
        assert!(matches!(err, ApiError::Validation(ref f) if f[0].field == "base_url" && f[0].message == "host does not resolve"));
    }

    #[tokio::test]
    async fn static_checks_run_with_or_without_resolution() {
        assert!(checked_base_url("https://10.0.0.1/v1", TrustTier::External, true).await.is_err());
        assert!(checked_base_url("http://127.0.0.1:11434/v1", TrustTier::Local, true).await.is_ok());
        assert!(checked_base_url("https://api.example.com/v1", TrustTier::External, false).await.is_ok());
    }

    #[tokio::test]
    async fn a_name_that_cannot_resolve_is_refused() {
        // `.invalid` is reserved (RFC 2606) and never resolves, with or without network access.
        let err = checked_base_url("https://provider.invalid/v1", TrustTier::External, true).await.unwrap_err();
        assert!(matches!(err, ApiError::Validation(ref f) if f[0].message == "host does not resolve"));
    }
}
