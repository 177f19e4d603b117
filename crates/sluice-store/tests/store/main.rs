//! Store queries against a real PostgreSQL (a fresh, migrated database per test): the billing
//! queries whose arithmetic or idempotency the SQL itself carries, and the daily roll-ups.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod billing;
mod rollups;
