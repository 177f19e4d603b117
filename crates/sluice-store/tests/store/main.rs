//! Store queries against a real PostgreSQL (a fresh, migrated database per test): the billing
//! queries whose arithmetic or idempotency the SQL itself carries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod billing;
