//! Console authentication: passwords (argon2id), access tokens (HS256 JWT with a pinned
//! algorithm, issuer and audience), rotating refresh tokens, login throttling, and the
//! `Principal` extractor every protected handler takes.

pub mod jwt;
pub mod password;
pub mod principal;
pub mod throttle;

pub use principal::Principal;
