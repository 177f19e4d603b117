//! Usage, exactly once: every admitted request ends as one ledger row.
//!
//! The path of a row: the gateway appends an *intent* to this instance's write-ahead file when a
//! request is admitted (before any provider call) and a *completion* (the finished ledger row)
//! when it ends, however it ends. A shipper batch-inserts completions into PostgreSQL with
//! `ON CONFLICT DO NOTHING`. After a crash, the next start replays every write-ahead file no live
//! process holds: completions are inserted again (duplicates are ignored by the key), and
//! intents without a completion become rows settled at their reserved amount (conservative) with
//! status `interrupted`.
//!
//! Appends are a `write(2)` to the page cache (they survive a killed process; the shipper fsyncs
//! before it marks anything shipped), so admission pays microseconds, not a disk flush.

pub mod alerts;
pub mod outbox;
pub mod rebuild;
pub mod reconciler;
pub mod record;
pub mod recovery;
pub mod shipper;
mod wal;

pub use outbox::Outbox;
pub use record::{Intent, OutboxRecord};
