//! Providers and models: kinds, trust tiers, capability tiers, data terms, and the SSRF rules for
//! a provider's base URL.
//!
//! SSRF: a provider URL is an address the gateway will send prompts and credentials to, so an
//! admin (or an attacker with an admin's token) must not be able to point it at the cloud
//! metadata service or the internal network. Only providers of trust tier `local` may target
//! loopback or private addresses; nobody may target link-local, metadata, unspecified or
//! multicast addresses. Literal IPs are checked here; the admin API also resolves host names
//! and checks every address with [`classify_ip`], and the gateway re-checks at connect time
//! (DNS answers change).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::roles::string_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Openai,
    Anthropic,
    /// Any server speaking the OpenAI API: vLLM, Ollama, llama.cpp, LM Studio, TGI.
    OpenaiCompatible,
    /// Sluice's built-in, offline, deterministic provider (answers in-process).
    Demo,
}

string_enum!(ProviderKind { Openai => "openai", Anthropic => "anthropic", OpenaiCompatible => "openai_compatible", Demo => "demo" }
    else "must be one of openai, anthropic, openai_compatible, demo");

/// Where a provider runs, which decides which data classes may be sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrustTier {
    /// Inside the operator's own environment (a local vLLM/Ollama). May use private addresses.
    Local,
    /// A dedicated deployment under contract (private cloud endpoint).
    Private,
    /// A public third-party API.
    External,
}

string_enum!(TrustTier { Local => "local", Private => "private", External => "external" }
    else "must be one of local, private, external");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityTier {
    Small,
    Medium,
    Large,
    Reasoning,
}

string_enum!(CapabilityTier { Small => "small", Medium => "medium", Large => "large", Reasoning => "reasoning" }
    else "must be one of small, medium, large, reasoning");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModelMode {
    Chat,
    Embedding,
}

string_enum!(ModelMode { Chat => "chat", Embedding => "embedding" } else "must be one of chat, embedding");

/// What a provider does with the data it receives, as agreed with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataTerms {
    /// Days the provider keeps prompts and outputs; null when unknown.
    pub retention_days: Option<i32>,
    pub trains_on_data: bool,
    pub zero_data_retention: bool,
}

/// How an address may be used as a provider target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// RFC 1918, carrier-grade NAT, IPv6 unique-local.
    Private,
    /// Never a valid target: link-local (where cloud metadata lives), metadata, unspecified,
    /// multicast, broadcast, reserved.
    Forbidden,
}

pub fn classify_ip(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_unspecified() || ip.is_link_local() || ip.is_multicast() || ip.is_broadcast() || a == 0 || a >= 240 {
        AddressClass::Forbidden
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_unspecified() || ip.is_multicast() || (first & 0xffc0) == 0xfe80 || ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        AddressClass::Forbidden
    } else if (first & 0xfe00) == 0xfc00 {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

/// May a provider of this trust tier send requests to an address of this class?
pub fn check_target(tier: TrustTier, class: AddressClass) -> Result<(), DomainError> {
    match (class, tier) {
        (AddressClass::Public, _) => Ok(()),
        (AddressClass::Loopback | AddressClass::Private, TrustTier::Local) => Ok(()),
        (AddressClass::Loopback | AddressClass::Private, _) => Err(DomainError::new(
            "points to a loopback or private address; only providers with trust_tier \"local\" may",
        )),
        (AddressClass::Forbidden, _) => {
            Err(DomainError::new("points to a link-local, metadata, multicast or reserved address, which is never allowed"))
        }
    }
}

/// Host names that always mean "this machine or its internal network".
fn classify_host_name(host: &str) -> AddressClass {
    let host = host.trim_end_matches('.');
    if host == "metadata.google.internal" || host == "metadata" || host.ends_with(".metadata.google.internal") {
        AddressClass::Forbidden
    } else if host == "localhost" || host.ends_with(".localhost") {
        AddressClass::Loopback
    } else if host.ends_with(".local") || host.ends_with(".internal") || host.ends_with(".lan") || !host.contains('.') {
        AddressClass::Private
    } else {
        AddressClass::Public
    }
}

/// A provider base URL that passed the static SSRF checks for its trust tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderBaseUrl(url::Url);

impl ProviderBaseUrl {
    pub fn parse(raw: &str, tier: TrustTier) -> Result<Self, DomainError> {
        let url = url::Url::parse(raw).map_err(|_| DomainError::new("must be an absolute http(s) URL"))?;
        match (url.scheme(), tier) {
            ("https", _) | ("http", TrustTier::Local) => {}
            ("http", _) => return Err(DomainError::new("must use https unless trust_tier is \"local\"")),
            _ => return Err(DomainError::new("must be an absolute http(s) URL")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DomainError::new("must not contain credentials; set them in the credentials field"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(DomainError::new("must not have a query or fragment"));
        }
        let class = match url.host() {
            Some(url::Host::Ipv4(ip)) => classify_ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => classify_ip(IpAddr::V6(ip)),
            Some(url::Host::Domain(name)) => classify_host_name(name),
            None => return Err(DomainError::new("must name a host")),
        };
        check_target(tier, class)?;
        Ok(Self(url))
    }

    pub fn host(&self) -> Option<String> {
        self.0.host_str().map(str::to_owned)
    }

    pub fn port_or_default(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }

    /// True when the host is a literal address (already fully checked by `parse`).
    pub fn is_ip_literal(&self) -> bool {
        matches!(self.0.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }
}

impl fmt::Display for ProviderBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_providers_need_public_https_targets() {
        assert!(ProviderBaseUrl::parse("https://api.openai.com/v1", TrustTier::External).is_ok());
        for bad in [
            "http://api.openai.com/v1",
            "https://127.0.0.1/v1",
            "https://10.0.0.5/v1",
            "https://192.168.1.1",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://2130706433/",
            "https://0x7f.0.0.1/",
            "https://localhost:8000",
            "https://vllm.internal/v1",
            "https://user:pass@api.openai.com",
            "https://api.openai.com/v1?x=1",
            "ftp://api.openai.com",
            "not a url",
        ] {
            assert!(ProviderBaseUrl::parse(bad, TrustTier::External).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn metadata_and_link_local_are_refused_even_for_local_providers() {
        for bad in [
            "http://169.254.169.254/latest/meta-data",
            "http://metadata.google.internal/",
            "http://[fe80::1]/",
            "http://[fd00:ec2::254]/",
            "http://0.0.0.0:8000/",
            "http://224.0.0.1/",
        ] {
            assert!(ProviderBaseUrl::parse(bad, TrustTier::Local).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn local_providers_may_use_loopback_and_private_addresses() {
        for ok in ["http://127.0.0.1:11434/v1", "http://localhost:8000/v1", "http://10.1.2.3:8000", "http://vllm.internal/v1"] {
            assert!(ProviderBaseUrl::parse(ok, TrustTier::Local).is_ok(), "{ok} should be allowed");
        }
        assert!(ProviderBaseUrl::parse("http://10.1.2.3:8000", TrustTier::Private).is_err());
    }

    #[test]
    fn trailing_slash_is_normalised_away() {
        let url = ProviderBaseUrl::parse("https://api.openai.com/v1/", TrustTier::External).unwrap();
        assert_eq!(url.as_str(), "https://api.openai.com/v1");
    }
}
