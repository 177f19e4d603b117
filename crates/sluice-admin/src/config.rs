//! What the admin API needs to run, as plain values. The binary builds this from its typed
//! settings; tests build it directly.

use std::sync::Arc;
use std::time::Duration;

use sluice_alerts::Rules;
use sluice_domain::credentials::CredentialCipher;
use sluice_domain::provider::TrustTier;
use sluice_quota::redis_store::RedisQuota;

use crate::auth::throttle::ThrottleLimits;

#[derive(Clone)]
pub struct AdminConfig {
    /// HMAC key for access tokens (at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Seals provider credentials at rest.
    pub credential_cipher: CredentialCipher,
    pub login_throttle: ThrottleLimits,
    /// Resolve provider host names and refuse those pointing at internal addresses. Off only in
    /// tests that use names like `example.com` without network access.
    pub resolve_provider_hosts: bool,
    /// Largest JSON body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Which addresses webhook endpoints may target, with the provider URL rules of this tier:
    /// `External` (public https only) unless the operator allows private targets (`Local`).
    pub webhook_targets: TrustTier,
    /// Alert rules (the drift report's tolerance).
    pub alert_rules: Rules,
    /// The shared quota store, when there is one: the counter-drift report reads it.
    pub quota: Option<Arc<RedisQuota>>,
}

impl std::fmt::Debug for AdminConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminConfig")
            .field("jwt_secret", &"redacted")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("credential_cipher", &self.credential_cipher)
            .field("login_throttle", &self.login_throttle)
            .field("resolve_provider_hosts", &self.resolve_provider_hosts)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("webhook_targets", &self.webhook_targets)
            .field("alert_rules", &self.alert_rules)
            .field("quota", &self.quota.as_ref().map(|_| "redis"))
            .finish()
    }
}

impl AdminConfig {
    pub fn new(jwt_secret: Vec<u8>, credential_cipher: CredentialCipher) -> Self {
        Self {
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            credential_cipher,
            login_throttle: ThrottleLimits::default(),
            resolve_provider_hosts: true,
            max_body_bytes: 1 << 20,
            webhook_targets: TrustTier::External,
            alert_rules: Rules::default(),
            quota: None,
        }
    }
}
