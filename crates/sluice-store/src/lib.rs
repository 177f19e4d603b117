//! The store: every SQL statement of Sluice's control plane, over PostgreSQL with sqlx.
//!
//! Functions take a `&mut Conn` — a pooled connection or an open transaction — so the caller
//! decides the transaction boundary (a mutation and its audit row commit together). Queries are
//! checked against the schema at compile time (`sqlx::query!`), with the metadata committed in
//! `.sqlx/` so builds need no database. Rows are plain structs of column values; callers convert
//! them into API types.
//!
//! Invariant: this is the only crate that depends on sqlx. Every org-scoped query filters by the
//! org id it is given, so a caller that passes the wrong org gets nothing, never another
//! tenant's row.

pub mod alerts;
pub mod audit;
pub mod budgets;
pub mod db;
pub mod error;
pub mod idempotency;
pub mod invoices;
pub mod keys;
pub mod ledger;
pub mod ledger_daily;
pub mod memberships;
pub mod migrate;
pub mod models;
pub mod notify;
pub mod org_prices;
pub mod orgs;
pub mod page;
pub mod policies;
pub mod providers;
pub mod rate_limits;
pub mod replay;
pub mod rollups;
pub mod sessions;
pub mod snapshot;
pub mod spend;
pub mod teams;
pub mod users;
pub mod worker_jobs;
pub mod webhooks;

pub use db::{Conn, Db, Tx};
pub use error::StoreError;
pub use page::Page;
