//! Quotas: rate limits, concurrency limits and hierarchical budgets, decided atomically.
//!
//! One call, `admit`, decides a request against everything that applies to it — rpm, tpm and
//! max-parallel limits on its key, team and org, and every budget on its key, team and org — and
//! if it fits, reserves its worst-case cost on all of those budgets at once. Either everything is
//! reserved or nothing is. `settle` later replaces the reservation with the actual cost;
//! `release` gives it back. Both are idempotent, so a retry, a duplicate event or a reconciler
//! racing the gateway cannot count a request twice.
//!
//! Two implementations pass the same conformance suite: [`redis_store::RedisQuota`] (versioned Lua
//! scripts, Redis `TIME`, one hash-tagged slot per org so it works on Redis Cluster) for several
//! replicas, and [`local::LocalQuota`] (in-process) for a single node.
//!
//! Rate limits use GCRA (the generic cell rate algorithm): one stored "theoretical arrival time"
//! per limited entity, exact across replicas, with an explicit burst. Token limits use the same
//! algorithm weighted by tokens; the estimate reserved at admission is corrected at settle.
//!
//! Budget counters are named after the budget's period label (`m2026-11`), so a new period
//! starts from zero without any reset job. Money is integer nano-USD.

mod gcra;
pub mod local;
mod plan;
pub mod redis_store;
mod types;

pub use types::*;
