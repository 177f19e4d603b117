//! Password hashing with argon2id, always on the blocking pool: a hash takes tens of
//! milliseconds of CPU and must not stall the async workers that serve other requests.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;

use crate::error::ApiError;

pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Verifies `password` against a stored PHC string. With no stored hash (unknown user, or an
/// account without a password) it verifies against a fixed dummy hash and fails, so the
/// response time does not tell whether the account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (dummy_hash().to_owned(), false),
        };
        let parsed = PasswordHash::new(&phc).map_err(ApiError::internal)?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && real)
    })
    .await
    .map_err(ApiError::internal)?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"sluice-timing-equaliser")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hash_and_verify() {
        let phc = super::hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery".into(), Some(phc.clone())).await.unwrap());
        assert!(!super::verify("wrong".into(), Some(phc)).await.unwrap());
        assert!(!super::verify("sluice-timing-equaliser".into(), None).await.unwrap());
    }
}
