//! Sluice's admin API: the control plane's HTTP interface (`/api/v1/...`), its OpenAPI
//! document and Swagger UI (`/docs`), health probes, and the embedded web console (`/console/`).
//!
//! Layers: `routes` (the route table) → `resources::*` handlers (extract, check access,
//! validate into domain types) → `sluice_store` functions inside a transaction that also writes
//! the audit row. Cross-cutting pieces: `auth` (passwords, JWTs, throttling, the `Principal`
//! extractor), `access` (tenant isolation), `http` (strict JSON, PATCH, pagination,
//! idempotency), `error` (the one error type and body).
//!
//! Invariant: no SQL here (only `sluice_store` talks to the database); no secret in a log line,
//! an error body, an audit row or a response other than the one that creates it.

pub mod access;
pub mod audit;
pub mod auth;
pub mod config;
pub mod console;
pub mod error;
pub mod http;
pub mod openapi;
pub mod resources;
pub mod routes;
pub mod startup;
pub mod state;

pub use config::AdminConfig;
pub use startup::Application;
