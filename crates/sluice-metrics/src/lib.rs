//! Prometheus metrics for every role of the `sluice` binary (gateway, admin API, worker).
//!
//! There is one recorder per process — `sluice up` runs every role in one process and they share
//! it — so it lives here, below the crates that record into it. `install` sets it up (idempotent),
//! `render` produces the text exposition after running the scrape hooks (gauges whose value is
//! cheaper to read at scrape time than to keep current: snapshot age, outbox depth, ledger lag,
//! database pool use), and `respond` is the actix handler body any listener can serve at
//! `/metrics` — the gateway, the admin API, or a worker's small status server (`serve`).
//!
//! Label rule: every label has a small, fixed set of values (route templates, status codes from a
//! fixed list, provider kinds, outcomes). No key, org, team, user or request id ever becomes a
//! label: those are unbounded (each would create a series per tenant) and some are sensitive.
//! Per-tenant figures come from the ledger, not from Prometheus.
//!
//! Hot-path cost: the gateway records into handles registered once (see `http::HttpMetrics`), so
//! a request costs a few atomic increments and no allocation or registry lookup.

pub mod http;
mod recorder;

pub use recorder::{install, on_scrape, render, respond};
