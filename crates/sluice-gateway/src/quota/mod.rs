//! The gateway's quota layer: the configured store (`any`: Redis or in-process) and what happens
//! when a shared store cannot be reached (`failover`: each org's failure mode).

mod any;
mod failover;

pub use any::{AnyQuota, QuotaSource};
pub use failover::{Fallback, Quotas};
