//! Virtual API key secrets.
//!
//! Format: `sk-sluice-` + 43 base62 characters (256.03 bits from the OS generator) + a 6-character
//! base62 CRC-32 of everything before it. The typed prefix lets secret scanners recognise a leaked
//! key; the checksum lets the gateway reject typos and random strings without a lookup.
//!
//! Only the SHA-256 of the whole string is stored. A salt or a slow hash would add nothing: the
//! secret has 256 bits of entropy, so the hash cannot be inverted by guessing, and a fast hash
//! keeps the gateway's per-request lookup in the nanoseconds.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::DomainError;

pub const KEY_PREFIX: &str = "sk-sluice-";
const RANDOM_LEN: usize = 43;
const CHECKSUM_LEN: usize = 6;
/// Characters of the random part shown in the display prefix.
const DISPLAY_RANDOM_CHARS: usize = 4;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub const KEY_LEN: usize = KEY_PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;

/// A full virtual-key secret. `Debug` is redacted; the only way to read it is `expose`, which
/// the admin API calls exactly once, to put it in the creation response.
#[derive(Clone, PartialEq, Eq)]
pub struct VirtualKeySecret(String);

/// SHA-256 of a secret: what the database stores and what the gateway looks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretHash(pub [u8; 32]);

impl VirtualKeySecret {
    /// Draws a new secret from the OS random generator.
    pub fn generate() -> Result<Self, DomainError> {
        let mut body = String::with_capacity(KEY_LEN);
        body.push_str(KEY_PREFIX);
        // Rejection sampling keeps every character uniform: bytes >= 248 (= 4 * 62) are redrawn.
        let mut buf = [0u8; 64];
        while body.len() < KEY_PREFIX.len() + RANDOM_LEN {
            getrandom::fill(&mut buf).map_err(|_| DomainError::new("the OS random generator failed"))?;
            for b in buf.iter().filter(|b| **b < 248) {
                if body.len() == KEY_PREFIX.len() + RANDOM_LEN {
                    break;
                }
                body.push(BASE62[usize::from(*b % 62)] as char);
            }
        }
        let checksum = checksum(&body);
        body.push_str(&checksum);
        Ok(Self(body))
    }

    /// Checks the shape and checksum of a presented secret. The error never repeats the input.
    pub fn parse(candidate: &str) -> Result<Self, DomainError> {
        let malformed = || DomainError::new("not a Sluice virtual key");
        if candidate.len() != KEY_LEN || !candidate.starts_with(KEY_PREFIX) {
            return Err(malformed());
        }
        let rest = &candidate[KEY_PREFIX.len()..];
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(malformed());
        }
        let (body, sum) = candidate.split_at(KEY_LEN - CHECKSUM_LEN);
        if checksum(body) != sum {
            return Err(malformed());
        }
        Ok(Self(candidate.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> SecretHash {
        SecretHash(Sha256::digest(self.0.as_bytes()).into())
    }

    /// `sk-sluice-` plus the first few random characters: enough to tell keys apart in a list.
    pub fn display_prefix(&self) -> String {
        self.0[..KEY_PREFIX.len() + DISPLAY_RANDOM_CHARS].to_owned()
    }

    pub fn last4(&self) -> String {
        self.0[KEY_LEN - 4..].to_owned()
    }
}

impl fmt::Debug for VirtualKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VirtualKeySecret({}…redacted)", self.display_prefix())
    }
}

fn checksum(body: &str) -> String {
    let mut value = crc32fast::hash(body.as_bytes());
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    out.iter().map(|b| *b as char).collect()
}

/// The data-plane surfaces a key can be scoped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `POST /v1/chat/completions`
    Chat,
    /// `POST /v1/embeddings`
    Embeddings,
    /// `POST /v1/messages` (Anthropic)
    Messages,
    /// `GET /v1/models`
    Models,
}

crate::roles::string_enum!(Endpoint { Chat => "chat", Embeddings => "embeddings", Messages => "messages", Models => "models" }
    else "must be one of chat, embeddings, messages, models");

/// Hashes an opaque token (refresh tokens, idempotency request bodies) the same way.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_keys_parse_and_have_the_documented_shape() {
        let key = VirtualKeySecret::generate().unwrap();
        assert_eq!(key.expose().len(), KEY_LEN);
        assert!(key.expose().starts_with("sk-sluice-"));
        assert_eq!(VirtualKeySecret::parse(key.expose()), Ok(key.clone()));
        assert_eq!(key.display_prefix().len(), 14);
        assert!(key.expose().ends_with(&key.last4()));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let key = VirtualKeySecret::generate().unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&key.expose()[14..]));
    }

    #[test]
    fn two_keys_differ() {
        let a = VirtualKeySecret::generate().unwrap();
        let b = VirtualKeySecret::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn rejects_wrong_prefix_length_and_charset() {
        let key = VirtualKeySecret::generate().unwrap();
        let s = key.expose();
        assert!(VirtualKeySecret::parse(&s.replacen("sk-sluice-", "sk-sluicf-", 1)).is_err());
        assert!(VirtualKeySecret::parse(&s[..s.len() - 1]).is_err());
        assert!(VirtualKeySecret::parse(&format!("{s}x")).is_err());
        assert!(VirtualKeySecret::parse(&s.replacen('A', "-", 1).replacen('a', "-", 1)).is_err() || !s.contains(['A', 'a']));
        assert!(VirtualKeySecret::parse("").is_err());
    }

    proptest! {
        #[test]
        fn any_single_character_change_breaks_the_checksum(position in 10usize..KEY_LEN, replacement in 0usize..62) {
            let key = VirtualKeySecret::generate().unwrap();
            let mut bytes = key.expose().as_bytes().to_vec();
            let new = BASE62[replacement];
            prop_assume!(bytes[position] != new);
            bytes[position] = new;
            let tampered = String::from_utf8(bytes).unwrap();
            prop_assert!(VirtualKeySecret::parse(&tampered).is_err());
        }

        #[test]
        fn arbitrary_strings_never_panic(s in ".{0,80}") {
            let _ = VirtualKeySecret::parse(&s);
        }
    }
}
