//! Sluice's domain vocabulary: identifiers, money, tenants and roles, virtual keys, budgets and
//! their periods, rate limits, providers and their trust tiers, prices and routing-policy documents.
//!
//! Everything here is parse-don't-validate: a value of one of these types is valid by
//! construction, so the layers above (store, admin API, gateway, router) never re-check it.
//!
//! Invariant: this crate performs no I/O — no network, no database, no files, no clock reads
//! except where a caller passes the instant in. It may use the OS random generator (key and nonce
//! generation), which is not I/O in any sense that matters for testing.

pub mod budget;
pub mod credentials;
pub mod error;
pub mod ids;
pub mod limits;
pub mod money;
pub mod names;
pub mod period;
pub mod policy;
pub mod provider;
pub mod report;
pub mod roles;
pub mod virtual_key;

pub use error::DomainError;
pub use money::{Money, PricePerMTok};
