//! The router: decides, before a request leaves the gateway, how sensitive its data is, how
//! demanding its task is, and which models the tenant's policy lets it go to — with the reasons.
//!
//! Pipeline inside the crate: [`request::RequestView`] (the text of a chat request, whatever
//! its dialect) → [`sensitivity`] (entity findings → data class) and [`complexity`] (features →
//! score → task tier) → [`policy`] (tenant matrix, trust tiers, overrides, degradation) →
//! [`decision::Decision`].
//!
//! Invariant: no I/O. Everything here runs on the request path in microseconds; patterns are
//! compiled once (at start-up or when a policy is loaded), never per request.

pub mod classify;
pub mod complexity;
pub mod decision;
pub mod entity;
pub mod eval;
pub mod policy;
pub mod request;
pub mod sensitivity;

pub use sluice_domain::policy::{DataClass, TaskTier};

/// Compiles every detector's patterns and loads the model now, so the first request does not
/// pay for it (call once at start-up; later calls are cheap).
pub fn warm_up() {
    let sample = "Dear Ms. Rivera, card 4111 1111 1111 1111, key ghp_0000000000000000000000000000000000, \
                  phone +1 415 555 0134, mail rivera@mail.acme.io. Prove that the sum is even.";
    let _ = classify::classify(&request::RequestView::from_prompt(sample), None);
}
