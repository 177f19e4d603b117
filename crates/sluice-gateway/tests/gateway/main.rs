//! Integration tests of the gateway over HTTP: real PostgreSQL (fresh database per test), the
//! in-process quota store, the demo provider or the mock upstream (`sluice-mock-upstream`), and
//! the real outbox and ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod mock_provider;

mod anthropic_upstream;
mod auth;
mod budgets;
mod chat;
mod disconnect;
mod failover;
mod messages;
mod negotiated_prices;
mod reconciler;
mod routing;
mod recovery;
mod upstream;
mod upstream_faults;
