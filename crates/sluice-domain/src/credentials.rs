//! Provider credentials at rest: AES-256-GCM under a key from the configuration.
//!
//! The sealed form is `nonce (12 bytes) || ciphertext+tag`. The provider id is bound in as
//! associated data, so a ciphertext copied onto another provider's row fails to open instead of
//! leaking one provider's key to another's upstream. The key id stored beside the ciphertext
//! names which configured key sealed it, so keys can be rotated. Other secrets Sluice must be
//! able to read back (webhook signing secrets) use the same cipher, bound to their own row's id
//! through [`CredentialCipher::seal_bound`].

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use crate::DomainError;
use crate::ids::ProviderId;

const NONCE_LEN: usize = 12;

/// A provider credential in plain text. `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainCredential(String);

impl PlainCredential {
    pub fn new(value: String) -> Result<Self, DomainError> {
        if value.is_empty() || value.len() > 8192 {
            return Err(DomainError::new("must be 1-8192 bytes"));
        }
        if value.chars().any(|c| c == '\r' || c == '\n') {
            return Err(DomainError::new("must not contain line breaks"));
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PlainCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainCredential(redacted)")
    }
}

/// The configured encryption key with its id. `Debug` is redacted.
#[derive(Clone)]
pub struct CredentialCipher {
    key_id: String,
    cipher: Aes256Gcm,
}

impl fmt::Debug for CredentialCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialCipher(key_id={})", self.key_id)
    }
}

impl CredentialCipher {
    pub fn new(key_id: impl Into<String>, key: &[u8]) -> Result<Self, DomainError> {
        let key = Key::<Aes256Gcm>::try_from(key).map_err(|_| DomainError::new("credential key must be exactly 32 bytes"))?;
        Ok(Self { key_id: key_id.into(), cipher: Aes256Gcm::new(&key) })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn seal(&self, provider: ProviderId, credential: &PlainCredential) -> Result<Vec<u8>, DomainError> {
        self.seal_bound(provider.as_uuid(), credential)
    }

    pub fn open(&self, provider: ProviderId, sealed: &[u8]) -> Result<PlainCredential, DomainError> {
        self.open_bound(provider.as_uuid(), sealed)
    }

    /// Seals a secret bound to the id of the row that holds it (the associated data).
    pub fn seal_bound(&self, owner: uuid::Uuid, credential: &PlainCredential) -> Result<Vec<u8>, DomainError> {
        let mut nonce_bytes = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce_bytes).map_err(|_| DomainError::new("the OS random generator failed"))?;
        let nonce = Nonce::from(nonce_bytes);
        let aad = owner;
        let sealed = self
            .cipher
            .encrypt(&nonce, Payload { msg: credential.expose().as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| DomainError::new("credential encryption failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`Self::seal_bound`] sealed for the same owner id.
    pub fn open_bound(&self, owner: uuid::Uuid, sealed: &[u8]) -> Result<PlainCredential, DomainError> {
        let failed = || DomainError::new("credential cannot be decrypted with the configured key");
        if sealed.len() < NONCE_LEN + 16 {
            return Err(failed());
        }
        let (nonce_bytes, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce_bytes).map_err(|_| failed())?;
        let aad = owner;
        let plain = self.cipher.decrypt(&nonce, Payload { msg: body, aad: aad.as_bytes() }).map_err(|_| failed())?;
        String::from_utf8(plain).map(PlainCredential).map_err(|_| failed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> CredentialCipher {
        CredentialCipher::new("k1", &[7u8; 32]).unwrap()
    }

    #[test]
    fn round_trip_and_no_plaintext_in_the_sealed_form() {
        let provider = ProviderId::new();
        let secret = PlainCredential::new("sk-proj-verysecretvalue".to_owned()).unwrap();
        let sealed = cipher().seal(provider, &secret).unwrap();
        assert!(!sealed.windows(10).any(|w| w == b"verysecret"));
        assert_eq!(cipher().open(provider, &sealed).unwrap(), secret);
    }

    #[test]
    fn bound_to_its_provider_and_key() {
        let secret = PlainCredential::new("abc".to_owned()).unwrap();
        let sealed = cipher().seal(ProviderId::new(), &secret).unwrap();
        assert!(cipher().open(ProviderId::new(), &sealed).is_err());
        let other = CredentialCipher::new("k2", &[8u8; 32]).unwrap();
        assert!(other.open(ProviderId::new(), &sealed).is_err());
        assert!(CredentialCipher::new("short", &[1u8; 16]).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let secret = PlainCredential::new("topsecret".to_owned()).unwrap();
        assert!(!format!("{secret:?}").contains("topsecret"));
    }
}
