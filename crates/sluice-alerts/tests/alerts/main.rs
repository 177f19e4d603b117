//! Alerting against real components: a fresh, migrated PostgreSQL database per test, a real HTTP
//! receiver (actix-web on a loopback port) for webhooks, and a private redis-server for drift.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery;
mod drift;
mod evaluation;
mod receiver;
mod support;
