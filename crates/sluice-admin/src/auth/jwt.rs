//! Access tokens. HS256 only: the algorithm is pinned on both sides, so a token claiming `none`
//! or an asymmetric algorithm is rejected before its signature is even looked at.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::ApiError;

pub const ISSUER: &str = "sluice";
pub const AUDIENCE: &str = "sluice-admin";
/// Clock skew tolerated on `exp`, in seconds. Explicit rather than the library default.
pub const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// Session id: the token dies with its session (logout, refresh-token reuse).
    pub sid: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: i64,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(redacted)")
    }
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_secs: i64) -> Result<Self, ApiError> {
        if secret.len() < 32 {
            return Err(ApiError::internal("the JWT secret must be at least 32 bytes"));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret).map_err(ApiError::internal)?,
            decoding: DecodingKey::from_secret(secret).map_err(ApiError::internal)?,
            validation,
            ttl_secs,
        })
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user: Uuid, session: Uuid) -> Result<String, ApiError> {
        let now = Utc::now().timestamp();
        let claims = Claims { sub: user, sid: session, iss: ISSUER.into(), aud: AUDIENCE.into(), iat: now, exp: now + self.ttl_secs };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Any failure (malformed, wrong signature or algorithm, expired, wrong issuer or audience)
    /// is the same `Unauthorized`.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[42u8; 32], 900).unwrap()
    }

    #[test]
    fn round_trip() {
        let (user, session) = (Uuid::now_v7(), Uuid::now_v7());
        let claims = keys().verify(&keys().issue(user, session).unwrap()).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
    }

    #[test]
    fn rejects_other_keys_algorithms_and_expired_tokens() {
        let other = JwtKeys::new(&[7u8; 32], 900).unwrap();
        assert!(keys().verify(&other.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap()).is_err());
        let expired = JwtKeys::new(&[42u8; 32], -(LEEWAY_SECS as i64) - 5).unwrap();
        assert!(keys().verify(&expired.issue(Uuid::now_v7(), Uuid::now_v7()).unwrap()).is_err());
        // alg=none with the same claims.
        let header = base64_url(r#"{"alg":"none","typ":"JWT"}"#);
        let now = Utc::now().timestamp();
        let body = base64_url(&format!(
            r#"{{"sub":"{}","sid":"{}","iss":"sluice","aud":"sluice-admin","iat":{now},"exp":{}}}"#,
            Uuid::now_v7(),
            Uuid::now_v7(),
            now + 600
        ));
        assert!(keys().verify(&format!("{header}.{body}.")).is_err());
        assert!(JwtKeys::new(b"short", 900).is_err());
    }

    fn base64_url(s: &str) -> String {
        const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = s.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}
